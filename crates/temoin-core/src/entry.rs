//! Entries: how the archive wraps each accepted statement (DESIGN §2).
//!
//! `entry_hash = SHA-256(0x00 || entry_bytes)` is both the RFC 9162 leaf
//! hash of the entry and the hash-chain link: entry `n` carries
//! `prev = entry_hash(n - 1)`, entry 0 carries 32 zero bytes.

use crate::encoding::{self, DecodeError, MAX_BODY_BYTES};
use crate::hash::Digest;
use crate::statement::SignedStatement;
use bincode::{Decode, Encode};

/// Largest entry: a maximal body, its signature and the entry's own fields.
pub const MAX_ENTRY_BYTES: usize = MAX_BODY_BYTES + 256;

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
