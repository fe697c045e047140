//! The one canonical binary encoding of v1: bincode 2.0.1 with
//! `config::legacy()` — little-endian, fixed-width integers, `u64` lengths,
//! `u32` enum tags. Every value has exactly one encoding, so a verifier in
//! another language needs no varint logic (see docs/FORMAT.md §2).
//!
//! Decoding is bounded, refuses trailing bytes, and re-encodes the value to
//! check that the input was *the* encoding of it: a decoder that accepts two
//! byte strings for one value would let one signed statement have two hashes.

use bincode::config;
use bincode::{Decode, Encode};

/// Largest signed statement body, in bytes (DESIGN §1).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why bytes were not the canonical encoding of a value.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("{what} is {len} bytes, over the limit of {limit} bytes")]
    TooLarge {
        what: &'static str,
        len: usize,
        limit: usize,
    },
    #[error("{what} does not decode: {reason}")]
    Malformed { what: &'static str, reason: String },
    #[error("{what} has {extra} trailing bytes after its end")]
    TrailingBytes { what: &'static str, extra: usize },
    #[error("{what} is not in canonical form (it decodes, but re-encodes to different bytes)")]
    NonCanonical { what: &'static str },
}

/// Canonical bytes of `value`.
pub fn encode<T: Encode>(value: &T) -> Vec<u8> {
    // Encoding into a Vec cannot fail for our types: they hold no values
    // bincode refuses (no maps with failing iterators, no I/O). Were it
    // ever to, that is a bug to surface at once: an empty encoding would
    // be hashed, signed or stored as if it were the value.
    bincode::encode_to_vec(value, config::legacy())
        .expect("temoin's own types always encode canonically")
}

/// Decode `bytes` as exactly one canonical `T` of at most `limit` bytes.
pub fn decode_canonical<T: Encode + Decode<()>>(
    bytes: &[u8],
    limit: usize,
    what: &'static str,
) -> Result<T, DecodeError> {
    if bytes.len() > limit {
        return Err(DecodeError::TooLarge {
            what,
            len: bytes.len(),
            limit,
        });
    }
    // The byte limit bounds every length prefix, so a hostile length can
    // never make the decoder allocate more than the input could hold.
    let (value, used): (T, usize) =
        bincode::decode_from_slice(bytes, config::legacy().with_limit::<{ 64 * 1024 * 1024 }>())
            .map_err(|e| DecodeError::Malformed {
                what,
                reason: e.to_string(),
            })?;
    if used != bytes.len() {
        return Err(DecodeError::TrailingBytes {
            what,
            extra: bytes.len() - used,
        });
    }
    if encode(&value) != bytes {
        return Err(DecodeError::NonCanonical { what });
    }
    Ok(value)
}
