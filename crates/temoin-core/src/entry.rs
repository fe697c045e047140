//! Entries: how the archive wraps each accepted statement (DESIGN §2).
//!
//! `entry_hash = SHA-256(0x00 || entry_bytes)` is both the RFC 9162 leaf
//! hash of the entry and the hash-chain link: entry `n` carries
//! `prev = entry_hash(n - 1)`, entry 0 carries 32 zero bytes.

use crate::encoding::{self, DecodeError};
use crate::hash::Digest;
use crate::statement::SignedStatement;
use bincode::{Decode, Encode};

/// Largest entry (DESIGN §11): every entry fits a C2SP tlog-tiles entry
/// bundle, whose entries are framed by a big-endian `u16` length.
pub const MAX_ENTRY_BYTES: usize = 65_535;

/// What an entry adds to its statement's body: `seq`, `prev`,
/// `received_at`, the body's `u64` length and the signature
/// (`len(entry_bytes) = ENTRY_OVERHEAD + len(body_bytes)`, FORMAT.md §4).
pub const ENTRY_OVERHEAD: usize = 8 + 32 + 8 + 8 + 64;

/// Largest body whose entry stays within [`MAX_ENTRY_BYTES`].
pub const MAX_BODY_IN_ENTRY: usize = MAX_ENTRY_BYTES - ENTRY_OVERHEAD;

/// The length of the entry that would wrap a body of `body_len` bytes.
pub fn entry_len(body_len: usize) -> usize {
    body_len.saturating_add(ENTRY_OVERHEAD)
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Entry {
    pub seq: u64,
    pub prev: [u8; 32],
    /// When the archive accepted the statement, unix ms; never decreases.
    pub received_at: i64,
    pub statement: SignedStatement,
}

impl Entry {
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::encode(self)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Entry, DecodeError> {
        encoding::decode_canonical(bytes, MAX_ENTRY_BYTES, "entry")
    }

    pub fn hash(&self) -> Digest {
        entry_hash(&self.to_bytes())
    }
}

/// `SHA-256(0x00 || entry_bytes)`: the entry's RFC 9162 leaf hash, which
/// is also its hash in the chain (FORMAT.md §4).
pub fn entry_hash(entry_bytes: &[u8]) -> Digest {
    Digest(crate::merkle::leaf_hash(entry_bytes))
}
