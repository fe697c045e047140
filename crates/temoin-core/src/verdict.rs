//! Verdicts: the kinds of fault that the audit of an archive and the
//! verification of an evidence bundle report (docs/FORMAT.md §9, §12).

use serde::Serialize;

/// What kind of thing is wrong: the verdicts of the audit of an archive
/// and of the verification of a bundle name their faults with these, so
/// that a program (or a test) tells them apart without reading the text.
/// New kinds may come: match with a wildcard arm.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Not a bundle, or a field has an impossible shape.
    Format,
    /// The checkpoint does not verify with the archive key.
    Checkpoint,
    /// The entry bytes do not decode, or say another seq.
    EntryBytes,
    /// `entry_hash` or `statement_hash` is not the hash of the bytes.
    Hash,
    /// The author's signature does not verify (verify_strict).
    Signature,
    /// The decoded form differs from the bytes.
    Decoded,
    /// An included part does not match its commitment.
    Part,
    /// A committed part is missing without a valid reason.
    MissingPart,
    /// The inclusion proof does not lead to the checkpoint's root.
    Inclusion,
    /// The hash chain (`prev`) or the order of receipt times is broken.
    Chain,
    /// The author was not authorised at this seq.
    Authority,
    /// A registry entry is missing or invalid, so authority cannot be replayed.
    Registry,
    /// The `authors` list differs from the registry entries.
    Authors,
    /// The projection differs from the one recomputed from the entries.
    Projection,
    /// An entry's `signed_after_compromise` is not what the registry
    /// entries establish.
    Compromise,
    /// The bundle does not hold what its scope says.
    Scope,
    /// The statement breaks a rule the archive applies at ingest (FORMAT.md
    /// §3, §10): it could not have been appended.
    Rules,
    /// An entry is missing, moved or swapped, or the log's length is not
    /// the one recorded.
    Sequence,
    /// A stored node of the Merkle tree is wrong or missing.
    Tree,
    /// A row the archive derives from the log (indexes, head, parts end,
    /// configuration) differs from what the log gives.
    DerivedRow,
    /// The archive's checkpoint key file is not the key its genesis names.
    KeyFile,
}

impl FaultKind {
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Format => "format",
            FaultKind::Checkpoint => "checkpoint",
            FaultKind::EntryBytes => "entry bytes",
            FaultKind::Hash => "hash",
            FaultKind::Signature => "signature",
            FaultKind::Decoded => "decoded form",
            FaultKind::Part => "part",
            FaultKind::MissingPart => "missing part",
            FaultKind::Inclusion => "inclusion proof",
            FaultKind::Chain => "hash chain",
            FaultKind::Authority => "authority",
            FaultKind::Registry => "registry",
            FaultKind::Authors => "authors",
            FaultKind::Projection => "projection",
            FaultKind::Compromise => "compromise",
            FaultKind::Scope => "scope",
            FaultKind::Rules => "rules",
            FaultKind::Sequence => "sequence",
            FaultKind::Tree => "Merkle tree",
            FaultKind::DerivedRow => "derived row",
            FaultKind::KeyFile => "key file",
        }
    }
}
