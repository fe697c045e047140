//! Receipts: what ingest hands back for each accepted statement
//! (DESIGN §5, docs/FORMAT.md "Receipts").
//!
//! A receipt holds the entry (exact bytes), its seq and hashes, a signed
//! checkpoint whose tree includes it, and the RFC 9162 inclusion proof. An
//! intermediary who keeps it can prove, offline and without trusting the
//! archive, that the archive accepted the statement at that position; given
//! a later checkpoint and a consistency proof, that it is still there.

use crate::checkpoint::Checkpoint;
use crate::entry::{entry_hash, Entry};
use crate::hash::Digest;
use crate::merkle::{self, Hash};
use crate::note::VerifierKey;
use crate::statement::StatementBody;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// Value of the `format` field.
pub const RECEIPT_FORMAT: &str = "temoin-receipt/v1";

/// A receipt, as saved to a `.receipt.json` file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub format: String,
    pub seq: u64,
    /// Hex of `SHA-256(0x00 || entry_bytes)`: the leaf hash.
    pub entry_hash: String,
    /// Hex of the statement hash.
    pub statement_hash: String,
    /// Base64 (standard, padded) of the entry bytes.
    pub entry: String,
    /// The signed checkpoint (C2SP signed note) of a tree that includes the entry.
    pub checkpoint: String,
    /// Hex hashes of the inclusion proof of leaf `seq` in that tree.
    pub inclusion_proof: Vec<String>,
}

/// Why a receipt, or a proof that builds on it, does not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReceiptError {
    #[error("not a receipt: {0}")]
    Format(String),
    #[error("the receipt's checkpoint does not verify with the archive key: {0}")]
    Checkpoint(String),
    #[error("the receipt's entry does not match: {0}")]
    Entry(String),
    #[error("the inclusion proof fails: entry {seq} is not proven to be in the tree of size {size} ({reason})")]
    Inclusion { seq: u64, size: u64, reason: String },
    #[error("the later checkpoint does not prove the receipt's tree was kept: {0}")]
    Consistency(String),
}

fn hex32(s: &str, what: &str) -> Result<Hash, ReceiptError> {
    Digest::from_hex(s)
        .map(|d| d.0)
        .ok_or_else(|| ReceiptError::Format(format!("{what} is not 64 hex digits")))
}

/// Hex list of proof hashes.
pub fn proof_to_hex(proof: &[Hash]) -> Vec<String> {
    proof.iter().map(hex::encode).collect()
}

/// Parse a hex list of proof hashes.
pub fn proof_from_hex(proof: &[String]) -> Result<Vec<Hash>, ReceiptError> {
    proof.iter().map(|h| hex32(h, "a proof hash")).collect()
}

/// What a verified receipt establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    pub checkpoint: Checkpoint,
    pub entry: Entry,
    pub body: StatementBody,
    pub statement_hash: Digest,
}

impl Receipt {
    pub fn new(
        entry_bytes: &[u8],
        checkpoint_note: String,
        proof: &[Hash],
    ) -> Result<Receipt, ReceiptError> {
        let entry =
            Entry::from_bytes(entry_bytes).map_err(|e| ReceiptError::Entry(e.to_string()))?;
        Ok(Receipt {
            format: RECEIPT_FORMAT.into(),
            seq: entry.seq,
            entry_hash: entry_hash(entry_bytes).to_hex(),
            statement_hash: entry.statement.hash().to_hex(),
            entry: B64.encode(entry_bytes),
            checkpoint: checkpoint_note,
            inclusion_proof: proof_to_hex(proof),
        })
    }

    pub fn from_json(bytes: &[u8]) -> Result<Receipt, ReceiptError> {
        let r: Receipt =
            serde_json::from_slice(bytes).map_err(|e| ReceiptError::Format(e.to_string()))?;
        if r.format != RECEIPT_FORMAT {
            return Err(ReceiptError::Format(format!(
                "format {:?}, expected {RECEIPT_FORMAT:?}",
                r.format
            )));
        }
        Ok(r)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Check everything offline: the checkpoint's signature by the archive
    /// key, the entry bytes against both hashes, the author's signature on
    /// the statement (`verify_strict`), and the inclusion proof.
    pub fn verify(&self, archive_key: &VerifierKey) -> Result<VerifiedReceipt, ReceiptError> {
        let checkpoint = Checkpoint::open(&self.checkpoint, archive_key)
            .map_err(|e| ReceiptError::Checkpoint(e.to_string()))?;
        let bytes = B64
            .decode(&self.entry)
            .map_err(|e| ReceiptError::Format(format!("entry is not base64: {e}")))?;
        let entry = Entry::from_bytes(&bytes).map_err(|e| ReceiptError::Entry(e.to_string()))?;
        if entry.seq != self.seq {
            return Err(ReceiptError::Entry(format!(
                "the entry says seq {}, the receipt {}",
                entry.seq, self.seq
            )));
        }
        let leaf = entry_hash(&bytes);
        if leaf.0 != hex32(&self.entry_hash, "entry_hash")? {
            return Err(ReceiptError::Entry(
                "entry_hash is not the hash of the entry bytes".into(),
            ));
        }
        let statement_hash = entry.statement.hash();
        if statement_hash.0 != hex32(&self.statement_hash, "statement_hash")? {
            return Err(ReceiptError::Entry(
                "statement_hash is not the hash of the entry's statement".into(),
            ));
        }
        let body = StatementBody::decode(&entry.statement.body_bytes)
            .map_err(|e| ReceiptError::Entry(e.to_string()))?;
        entry
            .statement
            .verify_signature(&body)
            .map_err(|e| ReceiptError::Entry(format!("author signature: {e}")))?;
        let proof = proof_from_hex(&self.inclusion_proof)?;
        merkle::verify_inclusion(&leaf.0, self.seq, checkpoint.size, &proof, &checkpoint.root)
            .map_err(|e| ReceiptError::Inclusion {
                seq: self.seq,
                size: checkpoint.size,
                reason: e.to_string(),
            })?;
        Ok(VerifiedReceipt {
            checkpoint,
            entry,
            body,
            statement_hash,
        })
    }
}

/// Check that `later` (a signed checkpoint) extends `earlier` with the
/// given consistency proof: the tree `earlier` signed was kept, unchanged,
/// as the prefix of `later`'s.
pub fn verify_extends(
    earlier: &Checkpoint,
    later: &Checkpoint,
    proof: &[Hash],
) -> Result<(), ReceiptError> {
    if earlier.origin != later.origin {
        return Err(ReceiptError::Consistency(format!(
            "the checkpoints are of different logs ({:?} and {:?})",
            earlier.origin, later.origin
        )));
    }
    merkle::verify_consistency(earlier.size, later.size, &earlier.root, &later.root, proof)
        .map_err(|e| ReceiptError::Consistency(e.to_string()))
}
