//! Why the log fails the audit, typed: each reason carries its data, and
//! its `Display` is the English of docs/FORMAT.md §9 and of
//! `temoin verify --json` (where it is serialized as that same text). The
//! command line says the reasons in another language by matching on them.

use crate::hash::Digest;
use crate::rules::{IncidentInfo, RuleError, StatementInfo};
use crate::statement::SignatureFault;
use serde::{Serialize, Serializer};
use std::fmt;
use std::path::PathBuf;

/// Why the log fails the audit at one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogFaultReason {
    // One entry on its own.
    /// The stored bytes are not an entry (the decoder's words).
    NotAnEntry(String),
    /// The statement body does not decode (the decoder's words).
    Body(String),
    Signature(SignatureFault),

    // The entry in the log.
    /// No entry `seq`: the next one stored is `found`.
    EntryMissing {
        seq: u64,
        found: u64,
    },
    /// The entry stored at `position` has seq `says`.
    Moved {
        position: u64,
        says: u64,
    },
    /// The entry's bytes hash to `hash`, not to the recorded leaf.
    Altered {
        hash: Digest,
    },
    LeafMissing,
    Twice {
        statement: Digest,
        first: u64,
    },
    /// Entry `seq`'s prev link is `prev`, not `expected` (the hash of the
    /// entry before it).
    Prev {
        seq: u64,
        prev: Digest,
        expected: Digest,
    },
    ReceivedBefore {
        received: i64,
        previous: i64,
    },

    // Its parts.
    SealedInClear {
        label: String,
    },
    PartMismatch {
        label: String,
    },
    /// A part's content breaks its label's rule (the content check's words).
    Content(String),
    PayloadMissing,
    PartMissing {
        label: String,
    },

    // Its authority.
    /// The rules would have refused it when it was appended.
    NotAuthorised(Box<RuleError>),

    // The tree and the checkpoints.
    Node {
        level: u8,
        index: u64,
    },
    NoCheckpointKey,
    /// The checkpoint stored for tree size `size` does not open (the
    /// checkpoint library's words about the note).
    Checkpoint {
        size: u64,
        error: String,
    },
    CheckpointSize {
        size: u64,
        says: u64,
    },
    CheckpointRoot {
        size: u64,
    },
    CheckpointBeyond {
        size: u64,
    },

    // The log's end and the head.
    Empty,
    HeadSize {
        head: u64,
        log: u64,
    },
    HeadHash,
    HeadReceived {
        head: i64,
        log: i64,
    },

    // The rows derived from the log (see `crate::derived`).
    /// An `H` key (after the prefix) that is not a statement hash.
    StatementKey {
        key: Vec<u8>,
    },
    StatementUnknown {
        hash: Digest,
        stored: Box<Stored<StatementInfo>>,
    },
    StatementRowMissing {
        hash: Digest,
        expected: Box<StatementInfo>,
    },
    StatementRowDiffers {
        hash: Digest,
        stored: Box<Stored<StatementInfo>>,
        expected: Box<StatementInfo>,
    },
    /// An `R` key that is not a seq, in hex.
    RegistryKey {
        key: String,
    },
    RegistryRowMissing {
        seq: u64,
    },
    RegistryRowExtra {
        seq: u64,
    },
    IncidentRowDiffers {
        id: String,
        stored: Box<Stored<IncidentInfo>>,
        expected: Box<IncidentInfo>,
    },
    IncidentRowExtra {
        id: String,
    },
    IncidentRowMissing {
        id: String,
        expected: Box<IncidentInfo>,
    },
    /// `X "parts_end"` does not decode (the store's words).
    PartsEndDoesNotDecode(String),
    /// `X "parts_end"` says `held` bytes; the parts of entry `seq` end at
    /// `end`.
    PartsEnd {
        held: u64,
        seq: u64,
        end: u64,
    },
    ConfigMissing,
    ConfigOrigin {
        config: String,
        genesis: String,
    },

    // The checkpoint key file beside the store.
    KeyFileWrong {
        path: PathBuf,
        found: String,
        expected: String,
    },
    /// The key file does not load (the key library's words).
    KeyFileUnloadable {
        path: PathBuf,
        error: String,
        expected: String,
    },
}

/// What a derived row holds, when it is not what the log derives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored<T> {
    Holds(T),
    /// The row's value does not decode (the decoder's words).
    DoesNotDecode(String),
}

impl Serialize for LogFaultReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The seq before `seq`, as the English says it (`-1` before entry 0).
pub fn seq_before(seq: u64) -> i128 {
    seq as i128 - 1
}

/// A superseding or retracting statement, or "none".
fn short(h: &Option<[u8; 32]>) -> String {
    h.map(|h| Digest(h).short())
        .unwrap_or_else(|| "none".into())
}

/// A statement-index row in words.
struct ShowStatement<'a>(&'a StatementInfo);

impl fmt::Display for ShowStatement<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = self.0;
        write!(
            f,
            "{{seq {}, kind {}, subject {}, owner {}, labels {:?}, incidents {:?}, superseded by {}, retracted by {}, redacted {:?}}}",
            i.seq,
            i.kind,
            i.subject,
            Digest(i.owner).short(),
            i.labels,
            i.incidents,
            short(&i.superseded_by),
            short(&i.retracted_by),
            i.redacted
        )
    }
}

/// An incident-index row in words.
struct ShowIncident<'a>(&'a IncidentInfo);

impl fmt::Display for ShowIncident<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = self.0;
        write!(
            f,
            "{{opened at entry {}, record {}, merged into {:?}}}",
            i.opened_at,
            Digest(i.record).short(),
            i.merged_into
        )
    }
}

impl fmt::Display for Stored<StatementInfo> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stored::Holds(i) => write!(f, "it holds {}", ShowStatement(i)),
            Stored::DoesNotDecode(e) => write!(f, "its value does not decode ({e})"),
        }
    }
}

impl fmt::Display for Stored<IncidentInfo> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stored::Holds(i) => write!(f, "it holds {}", ShowIncident(i)),
            Stored::DoesNotDecode(e) => write!(f, "its value does not decode ({e})"),
        }
    }
}

impl fmt::Display for LogFaultReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use LogFaultReason as R;
        match self {
            R::NotAnEntry(e) => write!(f, "stored bytes are not a valid entry: {e}"),
            R::Body(e) => write!(f, "statement body: {e}"),
            R::Signature(e) => write!(f, "signature: {e}"),
            R::EntryMissing { seq, found } => write!(
                f,
                "entry {seq} is missing: the log goes from entry {} to entry {found}",
                seq_before(*seq)
            ),
            R::Moved { position, says } => write!(
                f,
                "the entry stored at position {position} says it is entry {says} (entries were moved or swapped)"
            ),
            R::Altered { hash } => write!(
                f,
                "the entry's bytes were altered after it was appended: they hash to {}, not to the leaf hash recorded in the tree",
                hash.short()
            ),
            R::LeafMissing => f.write_str("the entry's Merkle leaf is missing"),
            R::Twice { statement, first } => write!(
                f,
                "statement {} is already in the log at entry {first} (a statement is never appended twice)",
                statement.short()
            ),
            R::Prev {
                seq,
                prev,
                expected,
            } => write!(
                f,
                "prev link {} does not match the hash of entry {} ({})",
                prev.short(),
                seq_before(*seq),
                expected.short()
            ),
            R::ReceivedBefore { received, previous } => write!(
                f,
                "received_at {} goes back before the previous entry's {}",
                crate::time::format_ms(*received),
                crate::time::format_ms(*previous)
            ),
            R::SealedInClear { label } => write!(
                f,
                "part {label:?} is sealed, yet the archive holds it in clear (a sealed part is held only as its ciphertext)"
            ),
            R::PartMismatch { label } => {
                write!(f, "part {label:?} does not match its commitment")
            }
            R::Content(reason) => f.write_str(reason),
            R::PayloadMissing => {
                f.write_str("part \"payload\" is missing (a payload can never be redacted)")
            }
            R::PartMissing { label } => write!(
                f,
                "part {label:?} is missing and no redaction order erased it"
            ),
            R::NotAuthorised(e) => write!(f, "not authorised when appended: {e}"),
            R::Node { level, index } => write!(
                f,
                "the stored Merkle node (level {level}, index {index}) completed by this entry is wrong or missing"
            ),
            R::NoCheckpointKey => {
                f.write_str("a checkpoint exists but the genesis names no checkpoint key")
            }
            R::Checkpoint { size, error } => write!(f, "checkpoint at size {size}: {error}"),
            R::CheckpointSize { size, says } => {
                write!(f, "checkpoint stored for size {size} says size {says}")
            }
            R::CheckpointRoot { size } => write!(
                f,
                "checkpoint at size {size}: its signed root differs from the root of the entries 0..{size}"
            ),
            R::CheckpointBeyond { size } => write!(
                f,
                "a checkpoint claims tree size {size}, beyond the log's end"
            ),
            R::Empty => f.write_str(
                "entry 0 (the genesis) is missing: the log is empty (every archive begins with its genesis)",
            ),
            R::HeadSize { head, log } => write!(
                f,
                "the archive's head (row X \"head\") says {head} entries but the log holds {log} (entries were removed or added behind its back)"
            ),
            R::HeadHash => f.write_str(
                "the last entry's hash differs from the one recorded in the head (row X \"head\")",
            ),
            R::HeadReceived { head, log } => write!(
                f,
                "row X \"head\" says the last entry was received at {head}, but it was received at {log} (the writer dates new entries from the head)"
            ),
            R::StatementKey { key } => write!(
                f,
                "statement-index row with key 'H' ‖ {} is malformed (an H key is 'H' and a 32-byte statement hash); remove it",
                hex::encode(key)
            ),
            R::StatementUnknown { hash, stored } => write!(
                f,
                "statement-index row H {hash} names a statement that is not in the log (the writer would take it for a duplicate); {stored}"
            ),
            R::StatementRowMissing { hash, expected } => write!(
                f,
                "statement-index row H {hash} is missing (the writer would append this statement again); it should hold {}",
                ShowStatement(expected)
            ),
            R::StatementRowDiffers {
                hash,
                stored,
                expected,
            } => write!(
                f,
                "statement-index row H {hash} differs from what the log derives; {stored}; it should hold {}",
                ShowStatement(expected)
            ),
            R::RegistryKey { key } => write!(
                f,
                "registry row with key {key} is malformed (an R key is 'R' and a seq, u64 big-endian); remove it"
            ),
            R::RegistryRowMissing { seq } => write!(
                f,
                "registry row R {seq} is missing: entry {seq} is a registry statement, and without the row the writer would not apply it (e.g. a revoked key would sign again)"
            ),
            R::RegistryRowExtra { seq } => write!(
                f,
                "registry row R {seq} names entry {seq}, which is not a registry statement of the log"
            ),
            R::IncidentRowDiffers {
                id,
                stored,
                expected,
            } => write!(
                f,
                "incident-index row I {id:?} differs from what the log derives; {stored}; it should hold {}",
                ShowIncident(expected)
            ),
            R::IncidentRowExtra { id } => write!(
                f,
                "incident-index row I {id:?} names an incident that the log never opened (the writer would refuse to open it and accept statements about it)"
            ),
            R::IncidentRowMissing { id, expected } => write!(
                f,
                "incident-index row I {id:?} is missing (the writer would let the id be opened again); it should hold {}",
                ShowIncident(expected)
            ),
            R::PartsEndDoesNotDecode(e) => write!(f, "row X \"parts_end\" does not decode ({e})"),
            R::PartsEnd { held, seq, end } => write!(
                f,
                "row X \"parts_end\" says the parts file holds {held} bytes, but the parts of entry {seq} end at byte {end} (a writer opening the archive would cut them off); it should hold at least {end}"
            ),
            R::ConfigMissing => f.write_str(
                "row X \"config\" is missing or does not decode (JSON: origin, max_part_bytes, max_future_ms)",
            ),
            R::ConfigOrigin { config, genesis } => write!(
                f,
                "row X \"config\" names origin {config:?}, but the genesis names {genesis:?}; it should name {genesis:?}"
            ),
            R::KeyFileWrong {
                path,
                found,
                expected,
            } => write!(
                f,
                "{} holds checkpoint key {found:?}, not the key the genesis names ({expected:?}); restore the archive's own key",
                path.display()
            ),
            R::KeyFileUnloadable {
                path,
                error,
                expected,
            } => write!(
                f,
                "{} does not load ({error}); it should hold the key the genesis names ({expected:?})",
                path.display()
            ),
        }
    }
}
