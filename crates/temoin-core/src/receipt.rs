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
use crate::signed_note::VerifierKey;
use crate::statement::StatementBody;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// A log that receipts and checkpoints are checked against when it is at
/// hand: the archive's store, or a mirror's copy. Everything it answers is
/// checked against signed checkpoints, never believed.
pub trait Log {
    type Error: std::fmt::Display;
    /// The latest signed checkpoint: its tree size and its note.
    fn latest_checkpoint(&self) -> Result<Option<(u64, String)>, Self::Error>;
    /// Entries in the log.
    fn size(&self) -> u64;
    /// The root of the log's tree at a past size.
    fn root_at(&self, size: u64) -> Result<Hash, Self::Error>;
    /// RFC 9162 inclusion proof of leaf `seq` in the tree of size `size`.
    fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<Hash>, Self::Error>;
    /// RFC 9162 consistency proof from tree size `old` to `new`.
    fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, Self::Error>;
    /// The bytes of entry `seq`.
    fn entry_bytes(&self, seq: u64) -> Result<Option<Vec<u8>>, Self::Error>;
}

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
    /// RFC 3161 timestamp tokens over the checkpoint's note text, base64
    /// of their DER (docs/FORMAT.md §6.3); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<String>,
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
        .ok_or_else(|| ReceiptError::Format(format!("{what} is not 64 lowercase hex digits")))
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
            timestamps: Vec::new(),
        })
    }

    /// The same receipt carrying `tokens` (DER), timestamps over its
    /// checkpoint.
    #[must_use]
    pub fn with_timestamps(mut self, tokens: &[Vec<u8>]) -> Receipt {
        self.timestamps = tokens.iter().map(|t| B64.encode(t)).collect();
        self
    }

    pub fn from_json(bytes: &[u8]) -> Result<Receipt, ReceiptError> {
        let r: Receipt =
            crate::json::from_slice(bytes).map_err(|e| ReceiptError::Format(e.to_string()))?;
        if r.format != RECEIPT_FORMAT {
            return Err(ReceiptError::Format(format!(
                "format {:?}, expected {RECEIPT_FORMAT:?}",
                r.format
            )));
        }
        Ok(r)
    }

    pub fn to_json(&self) -> String {
        crate::json::to_string_pretty(self)
    }

    /// Check everything offline: the checkpoint's signature by the archive
    /// key, the entry bytes against both hashes, the author's signature on
    /// the statement (`verify_strict`), and the inclusion proof.
    pub fn verify(&self, archive_key: &VerifierKey) -> Result<VerifiedReceipt, ReceiptError> {
        let checkpoint = Checkpoint::open(&self.checkpoint, archive_key)
            .map_err(|e| ReceiptError::Checkpoint(e.to_string()))?;
        if self.entry.len() > (crate::entry::MAX_ENTRY_BYTES / 3 + 1) * 4 {
            return Err(ReceiptError::Entry(format!(
                "the entry is over the limit of {} bytes",
                crate::entry::MAX_ENTRY_BYTES
            )));
        }
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
        let proof = bounded_proof(&self.inclusion_proof)?;
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

/// Value of the `format` field of a consistency proof file.
pub const CONSISTENCY_FORMAT: &str = "temoin-consistency/v1";

/// Largest receipt or consistency-proof file read (they are a few KiB).
pub const MAX_RECEIPT_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Most hashes a proof can need: a tree of at most 2^64 leaves needs at
/// most 64 (inclusion) or 65 (consistency). Longer lists are refused before
/// any hex is parsed.
pub const MAX_PROOF_HASHES: usize = 66;

/// A consistency proof between two tree sizes, as saved to a file
/// (docs/FORMAT.md "Consistency proofs"). `checkpoint`, when present, is
/// the signed checkpoint of the new tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    pub format: String,
    pub old_size: u64,
    pub new_size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
    /// Hex hashes of the RFC 9162 §2.1.4 consistency proof.
    pub proof: Vec<String>,
}

impl ConsistencyProof {
    pub fn new(
        old_size: u64,
        new_size: u64,
        proof: &[Hash],
        checkpoint: Option<String>,
    ) -> ConsistencyProof {
        ConsistencyProof {
            format: CONSISTENCY_FORMAT.into(),
            old_size,
            new_size,
            checkpoint,
            proof: proof_to_hex(proof),
        }
    }

    pub fn from_json(bytes: &[u8]) -> Result<ConsistencyProof, ReceiptError> {
        let p: ConsistencyProof = crate::json::from_slice(bytes)
            .map_err(|e| ReceiptError::Format(format!("not a consistency proof: {e}")))?;
        if p.format != CONSISTENCY_FORMAT {
            return Err(ReceiptError::Format(format!(
                "format {:?}, expected {CONSISTENCY_FORMAT:?}",
                p.format
            )));
        }
        Ok(p)
    }

    pub fn to_json(&self) -> String {
        crate::json::to_string_pretty(self)
    }

    /// The proof hashes, checked for count and shape.
    pub fn hashes(&self) -> Result<Vec<Hash>, ReceiptError> {
        bounded_proof(&self.proof)
    }

    /// The file's `checkpoint`, verified with the archive key: it must be
    /// the archive's signed checkpoint of tree size `new_size`. `None` if
    /// the file holds none.
    pub fn signed_checkpoint(
        &self,
        archive_key: &VerifierKey,
    ) -> Result<Option<Checkpoint>, ReceiptError> {
        let Some(note) = &self.checkpoint else {
            return Ok(None);
        };
        let cp = Checkpoint::open(note, archive_key).map_err(|e| {
            ReceiptError::Format(format!(
                "the proof file's checkpoint does not verify with the archive key ({e}): the file is damaged or not from this archive"
            ))
        })?;
        if cp.size != self.new_size {
            return Err(ReceiptError::Format(format!(
                "the proof file's checkpoint has tree size {}, its new_size is {}",
                cp.size, self.new_size
            )));
        }
        Ok(Some(cp))
    }
}

/// Parse a proof's hex hashes, refusing absurd lengths first.
pub fn bounded_proof(proof: &[String]) -> Result<Vec<Hash>, ReceiptError> {
    if proof.len() > MAX_PROOF_HASHES {
        return Err(ReceiptError::Format(format!(
            "a proof of {} hashes is longer than any tree needs ({MAX_PROOF_HASHES})",
            proof.len()
        )));
    }
    proof_from_hex(proof)
}

/// What a later checkpoint proves about a receipt: the receipt's entry is
/// still leaf `seq` of the later tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StillThere {
    pub receipt: VerifiedReceipt,
    /// The later checkpoint, verified with the archive key.
    pub later: Checkpoint,
}

/// Why two checkpoints of the archive are not one history.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    #[error("checkpoint {which}: {reason}")]
    Checkpoint { which: &'static str, reason: String },
    #[error("the checkpoints are of different logs ({old:?} and {new:?})")]
    DifferentLogs { old: String, new: String },
    #[error("OLD (size {old}) is larger than NEW (size {new}): give the earlier checkpoint first")]
    Order { old: u64, new: u64 },
    #[error("the consistency proof is for sizes {proof_old} -> {proof_new}, the checkpoints are {old} -> {new}")]
    ProofSizes {
        proof_old: u64,
        proof_new: u64,
        old: u64,
        new: u64,
    },
    #[error("bad proof: {0}")]
    Proof(String),
    /// The proof does not lead from OLD to NEW. A proof is not signed, so
    /// this proves nothing about the history either way.
    #[error("NOT PROVEN: the consistency proof does not lead from OLD (size {old_size}, root {old_root}) to NEW (size {new_size}, root {new_root}): {reason}. A proof is not signed: a damaged or wrong proof fails the same way as a rewritten log, so this failure proves nothing either way. Get a fresh proof (`temoin consistency-proof --old {old_size} --new {new_size}`), or check against the archive with --archive DIR.")]
    ProofFails {
        old_size: u64,
        old_root: String,
        new_size: u64,
        new_root: String,
        reason: String,
    },
    /// The archive key signed two checkpoints that cannot both be true.
    #[error("LOG REWRITTEN: the archive key signed checkpoint OLD (size {old_size}, root {old_root}) and checkpoint NEW (size {new_size}, root {new_root}), and NEW's tree does not contain OLD's: {reason}. Keep both signed checkpoints: together they prove the archive's history was changed.")]
    Rewritten {
        old_size: u64,
        old_root: String,
        new_size: u64,
        new_root: String,
        reason: String,
    },
}

/// Check that checkpoint note `new` extends checkpoint note `old`, both
/// signed by `archive_key`, with a consistency proof. Two signed
/// checkpoints of one tree size with different roots prove a rewrite on
/// their own; a proof that does not connect two signed checkpoints proves
/// nothing ([`HistoryError::ProofFails`]), since anyone can damage a proof.
pub fn check_history(
    old_note: &str,
    new_note: &str,
    archive_key: &VerifierKey,
    proof: &[Hash],
) -> Result<(Checkpoint, Checkpoint), HistoryError> {
    let open = |note: &str, which| {
        Checkpoint::open(note, archive_key).map_err(|e| HistoryError::Checkpoint {
            which,
            reason: e.to_string(),
        })
    };
    let old = open(old_note, "OLD")?;
    let new = open(new_note, "NEW")?;
    if old.origin != new.origin {
        return Err(HistoryError::DifferentLogs {
            old: old.origin,
            new: new.origin,
        });
    }
    if old.size > new.size {
        return Err(HistoryError::Order {
            old: old.size,
            new: new.size,
        });
    }
    if old.size == new.size && old.root != new.root {
        return Err(HistoryError::Rewritten {
            old_size: old.size,
            old_root: hex::encode(old.root),
            new_size: new.size,
            new_root: hex::encode(new.root),
            reason: "two different trees of the same size".into(),
        });
    }
    match merkle::verify_consistency(old.size, new.size, &old.root, &new.root, proof) {
        Ok(()) => Ok((old, new)),
        Err(e) => Err(HistoryError::ProofFails {
            old_size: old.size,
            old_root: hex::encode(old.root),
            new_size: new.size,
            new_root: hex::encode(new.root),
            reason: e.to_string(),
        }),
    }
}

impl Receipt {
    /// Verify the receipt, then that `later_note` (signed by the archive
    /// key) extends the receipt's checkpoint by `proof`: the tree that
    /// included the entry is a prefix of the later tree, so the entry is
    /// still leaf `seq` there.
    pub fn verify_later(
        &self,
        archive_key: &VerifierKey,
        later_note: &str,
        proof: &ConsistencyProof,
    ) -> Result<StillThere, ReceiptError> {
        let receipt = self.verify(archive_key)?;
        let later = Checkpoint::open(later_note, archive_key)
            .map_err(|e| ReceiptError::Consistency(format!("later checkpoint: {e}")))?;
        if let Some(cp) = proof.signed_checkpoint(archive_key)? {
            if cp.root != later.root {
                return Err(ReceiptError::Consistency(format!(
                    "the proof file's checkpoint (size {}, root {}) is not the later checkpoint (size {}, root {})",
                    cp.size,
                    hex::encode(cp.root),
                    later.size,
                    hex::encode(later.root)
                )));
            }
        }
        if proof.old_size != receipt.checkpoint.size || proof.new_size != later.size {
            return Err(ReceiptError::Consistency(format!(
                "the proof is for tree sizes {} -> {}, but the receipt's checkpoint has size {} and the later one {}",
                proof.old_size, proof.new_size, receipt.checkpoint.size, later.size
            )));
        }
        if later.size < receipt.checkpoint.size {
            return Err(ReceiptError::Consistency(format!(
                "the later checkpoint (size {}) is smaller than the receipt's (size {}): the log shrank",
                later.size, receipt.checkpoint.size
            )));
        }
        let hashes = proof.hashes()?;
        verify_extends(&receipt.checkpoint, &later, &hashes)?;
        Ok(StillThere { receipt, later })
    }

    /// Verify the receipt against a live log (the archive's store, a
    /// mirror): its latest checkpoint (signed by `archive_key`) must extend
    /// the receipt's (consistency proof from the log's tree), the entry must
    /// be in the later tree (inclusion proof), and the log must still hold
    /// the same entry bytes at `seq`.
    pub fn verify_in_log<L: Log>(
        &self,
        archive_key: &VerifierKey,
        store: &L,
    ) -> Result<StillThere, ReceiptError> {
        let receipt = self.verify(archive_key)?;
        let old = &receipt.checkpoint;
        let (size, note) = store
            .latest_checkpoint()
            .map_err(|e| ReceiptError::Consistency(format!("reading the archive: {e}")))?
            .ok_or_else(|| ReceiptError::Consistency("the archive has no checkpoint".into()))?;
        let later = Checkpoint::open(&note, archive_key).map_err(|e| {
            ReceiptError::Consistency(format!("the archive's latest checkpoint: {e}"))
        })?;
        if later.size != size || later.size < old.size {
            return Err(ReceiptError::Consistency(format!(
                "the archive's latest checkpoint has size {} but the receipt's has size {}: the log shrank (entries were removed)",
                later.size, old.size
            )));
        }
        let proof = store
            .consistency_proof(old.size, later.size)
            .map_err(|e| ReceiptError::Consistency(format!("the archive cannot prove it: {e}")))?;
        verify_extends(old, &later, &proof).map_err(|e| {
            ReceiptError::Consistency(format!(
                "{e}: the archive's log of size {} does not contain the tree of size {} the receipt was issued on; the log was rewritten",
                later.size, old.size
            ))
        })?;
        let leaf = entry_hash(&receipt.entry.to_bytes());
        let inclusion = store
            .inclusion_proof(self.seq, later.size)
            .map_err(|e| ReceiptError::Consistency(format!("the archive cannot prove it: {e}")))?;
        merkle::verify_inclusion(&leaf.0, self.seq, later.size, &inclusion, &later.root).map_err(
            |e| ReceiptError::Inclusion {
                seq: self.seq,
                size: later.size,
                reason: e.to_string(),
            },
        )?;
        let stored = store
            .entry_bytes(self.seq)
            .map_err(|e| ReceiptError::Consistency(format!("reading the archive: {e}")))?;
        if stored.as_deref() != Some(receipt.entry.to_bytes().as_slice()) {
            return Err(ReceiptError::Consistency(format!(
                "the archive's entry {} differs from the receipt's, though its tree is consistent: the archive's store is damaged (run `temoin verify`)",
                self.seq
            )));
        }
        Ok(StillThere { receipt, later })
    }
}

/// Where the consistency proof between two checkpoints comes from.
pub enum ProofFrom<'a, L: Log> {
    /// A proof file (`temoin consistency-proof`), which may carry NEW.
    File(&'a ConsistencyProof),
    /// A log at hand, which computes the proof from its tree and, when the
    /// proof fails, shows which checkpoint its tree matches.
    Log(&'a L),
}

/// Why the log at hand cannot connect two checkpoints the archive key
/// signed, as its present tree shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Diagnosis {
    /// The tree matches NEW but not OLD: NEW's tree does not contain the
    /// OLD tree the same key signed.
    #[error("LOG REWRITTEN: the archive key signed checkpoint OLD (size {old_size}, root {old_root}) and checkpoint NEW (size {new_size}, root {new_root}); the archive's present tree matches NEW but not OLD: its first {old_size} entries are not those it signed in OLD. Keep both signed checkpoints and a copy of the archive (check its tree with `temoin verify`): together they prove the archive's history was changed.")]
    Rewritten {
        old_size: u64,
        old_root: String,
        new_size: u64,
        new_root: String,
    },
    /// The tree matches OLD only: NEW is of another copy of the log.
    #[error("NOT PROVEN: the archive's present tree matches OLD (size {old_size}, root {old_root}) but not NEW (size {new_size}, root {new_root}), so it cannot connect them: NEW is not of this copy of the log (another copy, or this one lost or changed entries). Check NEW against the archive it came from.")]
    NotNewsLog {
        old_size: u64,
        old_root: String,
        new_size: u64,
        new_root: String,
    },
    /// The tree matches neither checkpoint.
    #[error("NOT PROVEN: the archive's present tree matches neither OLD (size {old_size}, root {old_root}) nor NEW (size {new_size}, root {new_root}), so it cannot connect them; this archive's log is not the one its key signed in these checkpoints.")]
    NeitherLog {
        old_size: u64,
        old_root: String,
        new_size: u64,
        new_root: String,
    },
}

/// Why `verify-consistency` cannot say that NEW extends OLD.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsistencyError {
    /// The inputs do not fit together (sizes, proof file, log): nothing
    /// was checked.
    #[error("{0}")]
    Input(String),
    /// The log at hand could not answer.
    #[error("reading the archive: {0}")]
    Log(String),
    /// The two checkpoints were checked and are not shown to be one history.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// The log at hand shows why its proof fails.
    #[error(transparent)]
    Diagnosed(#[from] Diagnosis),
}

/// Check that checkpoint note `new_note` extends `old_note`, both signed by
/// `archive_key`, with a proof from a file or from a log at hand (see
/// [`check_history`] for what each verdict proves).
pub fn verify_consistency<L: Log>(
    old_note: &str,
    new_note: &str,
    archive_key: &VerifierKey,
    from: ProofFrom<'_, L>,
) -> Result<(Checkpoint, Checkpoint), ConsistencyError> {
    let open = |note: &str, which: &'static str| {
        Checkpoint::open(note, archive_key).map_err(|e| HistoryError::Checkpoint {
            which,
            reason: format!("does not verify with {archive_key}: {e}"),
        })
    };
    let old = open(old_note, "OLD")?;
    let new = open(new_note, "NEW")?;
    let proof = match &from {
        ProofFrom::File(f) => {
            if f.old_size != old.size || f.new_size != new.size {
                return Err(HistoryError::ProofSizes {
                    proof_old: f.old_size,
                    proof_new: f.new_size,
                    old: old.size,
                    new: new.size,
                }
                .into());
            }
            let signed = f
                .signed_checkpoint(archive_key)
                .map_err(|e| ConsistencyError::Input(e.to_string()))?;
            // The file's checkpoint is signed: of NEW's size, it must be NEW,
            // or the two signed notes together prove a rewrite.
            if let (Some(cp), Some(note)) = (signed, &f.checkpoint) {
                if cp.root != new.root {
                    check_history(note, new_note, archive_key, &[])?;
                }
            }
            f.hashes()
                .map_err(|e| ConsistencyError::Input(e.to_string()))?
        }
        ProofFrom::Log(log) => {
            if old.size > new.size {
                return Err(HistoryError::Order {
                    old: old.size,
                    new: new.size,
                }
                .into());
            }
            if new.size > log.size() {
                return Err(ConsistencyError::Input(format!(
                    "NEW has tree size {} but this archive holds only {} entries: it cannot be NEW's archive, or it lost entries",
                    new.size,
                    log.size()
                )));
            }
            log.consistency_proof(old.size, new.size)
                .map_err(|e| ConsistencyError::Log(e.to_string()))?
        }
    };
    match check_history(old_note, new_note, archive_key, &proof) {
        Ok(both) => Ok(both),
        Err(e @ HistoryError::ProofFails { .. }) => match from {
            ProofFrom::Log(log) => Err(diagnose(log, &old, &new).map_or(e.into(), Into::into)),
            ProofFrom::File(_) => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    }
}

/// What the log's present tree shows when its consistency proof does not
/// connect OLD to NEW. Only a tree that matches NEW but not OLD shows that
/// NEW's tree does not contain OLD's; otherwise the log is not NEW's and
/// its proof says nothing about the two checkpoints.
fn diagnose<L: Log>(log: &L, old: &Checkpoint, new: &Checkpoint) -> Option<Diagnosis> {
    let agrees = |cp: &Checkpoint| log.root_at(cp.size).is_ok_and(|r| r == cp.root);
    let (old_size, old_root, new_size, new_root) = (
        old.size,
        hex::encode(old.root),
        new.size,
        hex::encode(new.root),
    );
    match (agrees(old), agrees(new)) {
        (false, true) => Some(Diagnosis::Rewritten {
            old_size,
            old_root,
            new_size,
            new_root,
        }),
        (true, false) => Some(Diagnosis::NotNewsLog {
            old_size,
            old_root,
            new_size,
            new_root,
        }),
        (false, false) => Some(Diagnosis::NeitherLog {
            old_size,
            old_root,
            new_size,
            new_root,
        }),
        (true, true) => None,
    }
}
