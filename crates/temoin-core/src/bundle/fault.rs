//! Why a bundle fails, typed: each reason carries its data, and its
//! `Display` is the English of docs/FORMAT.md and of the `--json` output
//! (where it is serialized as that same text). A command line says the
//! reasons in another language by matching on them.

use super::{BUNDLE_FORMAT, PROJECTION_FORMAT, SEALED};
use crate::compromise::Compromise;
use crate::entry::MAX_ENTRY_BYTES;
use crate::hash::Digest;
use crate::registry::{AuthorityError, PayloadError};
use crate::rules::RuleError;
use crate::statement::Kind;
use serde::{Serialize, Serializer};
use std::fmt;

/// Why a bundle fails at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultReason {
    // The file.
    /// The file is over [`super::MAX_BUNDLE_BYTES`].
    FileTooLarge {
        limit: u64,
    },
    /// Not JSON at all (the JSON parser's words).
    NotJson(String),
    /// Another format than this build reads.
    FormatUnread {
        format: String,
    },
    /// No `format` field.
    NoFormat,
    /// The JSON does not have the bundle's shape (the parser's words).
    Shape(String),
    /// The bundle's `format` is not [`BUNDLE_FORMAT`].
    Format {
        format: String,
    },
    /// The checkpoint does not verify with the archive key.
    CheckpointKey {
        key: String,
        error: String,
    },
    /// The bundle's origin is not its checkpoint's.
    Origin {
        bundle: String,
        checkpoint: String,
    },
    /// `withheld_labels` names the payload.
    PayloadWithheld,
    /// An export's self-check found more faults than it lists.
    MoreFaults(usize),

    // One entry on its own.
    OutOfOrder {
        seq: u64,
        prev: u64,
    },
    EntryTooLarge,
    /// `entry` is not base64 (the decoder's words).
    EntryBase64(String),
    /// The bytes are not an entry (the decoder's words).
    NotAnEntry(String),
    WrongSeq {
        found: u64,
        listed: u64,
    },
    /// The statement body does not decode (the decoder's words).
    Body(String),
    EntryHash {
        given: String,
        computed: Digest,
    },
    StatementHash {
        given: String,
        computed: Digest,
    },
    /// The signature does not verify (the library's words about it).
    Signature {
        error: String,
        author: String,
    },
    /// The decoded form differs, at a JSON path (bundle vs bytes).
    Decoded {
        diff: String,
    },
    ProofTooLong {
        hashes: usize,
    },
    ProofHex,
    /// Not proven to be leaf `seq` (the Merkle library's words).
    NotProven {
        seq: u64,
        size: u64,
        error: String,
    },
    PartShape {
        label: String,
        shape: PartShape,
    },
    PartNotCommitted {
        label: String,
    },
    PartTwice {
        label: String,
    },
    SealedInClear {
        label: String,
        ciphertext: String,
    },
    ContentLength {
        label: String,
        length: u64,
    },
    Salt {
        label: String,
    },
    /// The content is not base64 (the decoder's words).
    ContentBase64 {
        label: String,
        error: String,
    },
    Mismatch {
        label: String,
        digest: Digest,
    },
    /// A part's content breaks its label's rule (the content check's words).
    Content(String),
    TextDiffers {
        label: String,
    },
    Unaccounted {
        label: String,
    },
    AbsentNotCommitted {
        label: String,
    },
    PayloadBeside,
    BesideName {
        label: String,
        name: String,
        digest: String,
    },
    BesideMissing {
        label: String,
        digest: String,
        why: BesideMissing,
    },
    /// The file's length: `None` if more than the committed length.
    BesideLength {
        label: String,
        digest: String,
        length: Option<u64>,
        committed: u64,
    },
    BesideMismatch {
        label: String,
        committed: Digest,
        digest: String,
    },
    /// The content check's words, about a file beside the bundle.
    BesideContent {
        reason: String,
        digest: String,
    },

    // Between entries.
    Prev {
        seq: u64,
        prev: Digest,
        expected: Digest,
    },
    ReceivedBefore {
        received: i64,
        earlier_seq: u64,
        earlier: i64,
    },
    Absent {
        label: String,
        problem: Absence,
    },
    NoGenesis,
    /// The author key is not a key (the key library's words).
    AuthorKey(String),
    NotGenesis {
        kind: Kind,
    },
    NotAuthorised {
        seq: u64,
        error: Box<AuthorityError>,
        registry: Vec<u64>,
    },
    RegistryPayloadMissing,
    RegistryPayload(Box<PayloadError>),
    ChangeNotAllowed(Box<AuthorityError>),
    GenesisOrigin {
        genesis: String,
        checkpoint: String,
    },
    GenesisKey {
        named: String,
        key: String,
    },
    NotOwner {
        kind: Kind,
        target: Digest,
    },
    CompromiseSays {
        says: Option<Compromise>,
        established: Option<Compromise>,
    },
    Twice {
        statement: Digest,
        first: u64,
    },
    Refused(Box<Refused>),

    // The bundle's scope, authors and projection.
    NoStatement {
        statement: String,
    },
    NoIncident {
        id: String,
    },
    NotWhole {
        size: u64,
        missing: u64,
    },
    /// The authors list differs, at a JSON path (bundle vs recomputed).
    Authors {
        diff: String,
    },
    ProjectionFormat {
        format: String,
    },
    /// The projection differs, at a JSON path (bundle vs recomputed).
    Projection {
        diff: String,
    },
    /// The projection cannot be recomputed.
    ProjectionFailed(Box<super::ProjectFault>),
}

/// What is wrong with the shape of an included part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartShape {
    Both,
    Neither,
    BesideWithText,
}

/// Why a file beside the bundle is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BesideMissing {
    NotThere,
    /// The system's words.
    CannotOpen(String),
    /// The system's words.
    CannotRead(String),
}

/// What is wrong with a part declared absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Absence {
    SealedWithoutCiphertext,
    MustBeSealed,
    RegistryWithheld,
    PayloadWithheld,
    NotInWithheldLabels { label: String },
    WithheldButRedacted { by: u64 },
    RedactedWithoutSeq,
    RedactsAnother { by: u64 },
    NoSuchOrder { by: u64 },
    UnknownWhy { why: String },
}

/// Why the archive would have refused an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// A ref names a later entry.
    RefLater { target: Digest, at: u64 },
    /// A ref names a statement that is not in this (partial) bundle.
    RefNotInBundle { target: Digest },
    /// The incident is opened only later.
    IncidentLater { id: String, at: u64 },
    /// The rule engine's refusal.
    Rule(RuleError),
}

impl Serialize for FaultReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for PartShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PartShape::Both => "has both \"content\" and \"beside\"",
            PartShape::Neither => "has neither \"content\" nor \"beside\"",
            PartShape::BesideWithText => {
                "is beside the bundle and has a \"text\" (only a part carried in the JSON has one)"
            }
        })
    }
}

impl fmt::Display for BesideMissing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BesideMissing::NotThere => f.write_str("is not there"),
            BesideMissing::CannotOpen(e) => write!(f, "cannot be opened ({e})"),
            BesideMissing::CannotRead(e) => write!(f, "cannot be read ({e})"),
        }
    }
}

impl fmt::Display for Absence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Absence::SealedWithoutCiphertext => {
                f.write_str("declared sealed, but the signed body commits no ciphertext for it")
            }
            Absence::MustBeSealed => write!(
                f,
                "it is sealed (its ciphertext is committed) and must be declared {SEALED:?}"
            ),
            Absence::RegistryWithheld => f.write_str(
                "registry entries are never withheld: authority is replayed from them",
            ),
            Absence::PayloadWithheld => f.write_str("the payload part cannot be withheld"),
            Absence::NotInWithheldLabels { label } => write!(
                f,
                "declared withheld, but {label:?} is not in the bundle's withheld_labels"
            ),
            Absence::WithheldButRedacted { by } => write!(
                f,
                "declared withheld, but the redaction order at entry {by} erased it: it must be declared redacted by {by}"
            ),
            Absence::RedactedWithoutSeq => {
                f.write_str("declared redacted without the seq of the redaction order")
            }
            Absence::RedactsAnother { by } => write!(
                f,
                "declared erased by the redaction order at entry {by}, which orders another part erased"
            ),
            Absence::NoSuchOrder { by } => write!(
                f,
                "declared erased by a redaction order at entry {by}, but the bundle holds no such order"
            ),
            Absence::UnknownWhy { why } => write!(
                f,
                "unknown reason {why:?} (expected withheld, redacted or sealed)"
            ),
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::RefLater { target, at } => write!(
                f,
                "it refers to statement {}, which is entry {at}: a ref names an earlier entry",
                target.short()
            ),
            Refused::RefNotInBundle { target } => write!(
                f,
                "it refers to statement {}, which is not in this bundle, though a bundle holds every statement its entries refer to",
                target.short()
            ),
            Refused::IncidentLater { id, at } => write!(
                f,
                "it names incident {id:?}, which is opened only later, by entry {at}"
            ),
            Refused::Rule(e) => e.fmt(f),
        }
    }
}

/// How `signed_after_compromise` says a compromise, or its absence.
pub fn describe_compromise(x: Option<Compromise>) -> String {
    match x {
        None => "nothing".to_string(),
        Some(x) => format!(
            "revoked at entry {}, distrusted since {}",
            x.revoked_at,
            crate::time::format_ms(x.effective_at)
        ),
    }
}

/// The seqs of a list, the first twelve of a long one.
pub fn seq_list(seqs: &[u64]) -> String {
    let v: Vec<String> = seqs.iter().map(|s| s.to_string()).collect();
    if v.len() > 12 {
        format!("{}, … ({} in all)", v[..12].join(", "), v.len())
    } else {
        v.join(", ")
    }
}

impl fmt::Display for FaultReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FaultReason as R;
        match self {
            R::FileTooLarge { limit } => write!(f, "the file is over the limit of {limit} bytes"),
            R::NotJson(e) => write!(f, "not a bundle: not a JSON object ({e})"),
            R::FormatUnread { format } => {
                write!(f, "format {format:?}, this build reads {BUNDLE_FORMAT:?}")
            }
            R::NoFormat => write!(f, "not a bundle: no \"format\": {BUNDLE_FORMAT:?} field"),
            R::Shape(e) => write!(f, "the bundle's JSON does not have the bundle's shape: {e}"),
            R::Format { format } => write!(f, "format {format:?}, expected {BUNDLE_FORMAT:?}"),
            R::CheckpointKey { key, error } => write!(
                f,
                "the checkpoint does not verify with the archive key {key}: {error}; \
                 nothing in the bundle can be tied to the archive (check that --archive-key is the archive's checkpoint key, from `temoin key list`)"
            ),
            R::Origin { bundle, checkpoint } => write!(
                f,
                "the bundle says origin {bundle:?}, its checkpoint {checkpoint:?}"
            ),
            R::PayloadWithheld => f.write_str(
                "the payload part cannot be withheld: authority and projection are computed from it",
            ),
            R::MoreFaults(n) => write!(f, "{n} more faults"),
            R::OutOfOrder { seq, prev } => write!(
                f,
                "entries are not in increasing seq order (entry {seq} follows entry {prev}); this one is ignored"
            ),
            R::EntryTooLarge => write!(f, "the entry is over the limit of {MAX_ENTRY_BYTES} bytes"),
            R::EntryBase64(e) => write!(f, "\"entry\" is not base64: {e}"),
            R::NotAnEntry(e) => write!(f, "the entry bytes are not a valid entry: {e}"),
            R::WrongSeq { found, listed } => write!(
                f,
                "the bytes are those of entry {found}, listed as entry {listed}"
            ),
            R::Body(e) => write!(f, "the statement body does not decode: {e}"),
            R::EntryHash { given, computed } => write!(
                f,
                "entry_hash {given} is not the hash of the entry bytes ({})",
                computed.short()
            ),
            R::StatementHash { given, computed } => write!(
                f,
                "statement_hash {given} is not the hash of the signed statement ({})",
                computed.short()
            ),
            R::Signature { error, author } => write!(
                f,
                "the author's signature does not verify: {error} (author key {author})"
            ),
            R::Decoded { diff } => write!(
                f,
                "the decoded form does not match the entry bytes (bundle vs bytes: {diff})"
            ),
            R::ProofTooLong { hashes } => write!(
                f,
                "the inclusion proof has {hashes} hashes, more than any tree needs"
            ),
            R::ProofHex => f.write_str("a hash of the inclusion proof is not 64 hex digits"),
            R::NotProven { seq, size, error } => write!(
                f,
                "not proven to be leaf {seq} of the signed tree of size {size}: {error}"
            ),
            R::PartShape { label, shape } => write!(
                f,
                "part {label:?} {shape}: a part is carried either in the JSON or beside the bundle (FORMAT.md §12.2)"
            ),
            R::PartNotCommitted { label } => {
                write!(f, "part {label:?} is not committed in the signed body")
            }
            R::PartTwice { label } => write!(f, "part {label:?} is included twice"),
            R::SealedInClear { label, ciphertext } => write!(
                f,
                "part {label:?} is sealed, yet the bundle carries it in clear (a sealed part travels only as its ciphertext {ciphertext:?})"
            ),
            R::ContentLength { label, length } => write!(
                f,
                "part {label:?}: its content is not {length} bytes, the committed length"
            ),
            R::Salt { label } => write!(f, "part {label:?}: its salt is not 32 bytes of base64"),
            R::ContentBase64 { label, error } => {
                write!(f, "part {label:?}: its content is not base64: {error}")
            }
            R::Mismatch { label, digest } => write!(
                f,
                "part {label:?} does not match its commitment: SHA-256(\"temoin/part/v1\\0\" || salt || content) is not the signed digest {}",
                digest.short()
            ),
            R::Content(reason) => f.write_str(reason),
            R::TextDiffers { label } => write!(
                f,
                "part {label:?}: its \"text\" is not its content (the content is verified; the text shown beside it was changed)"
            ),
            R::Unaccounted { label } => write!(
                f,
                "part {label:?} is committed in the signed body but neither included nor declared withheld or redacted"
            ),
            R::AbsentNotCommitted { label } => write!(
                f,
                "part {label:?} is declared absent but the signed body commits no such part"
            ),
            R::PayloadBeside => f.write_str(
                "the payload part is beside the bundle, but it never travels beside: the rules read it from the bundle",
            ),
            R::BesideName {
                label,
                name,
                digest,
            } => write!(
                f,
                "part {label:?} is beside the bundle as {name:?}, which is not its committed digest {digest} in lowercase hex"
            ),
            R::BesideMissing { label, digest, why } => write!(
                f,
                "part {label:?} travels beside the bundle as the file {digest}, which {why}: copy the files named by digests with the bundle, into the same directory"
            ),
            R::BesideLength {
                label,
                digest,
                length,
                committed,
            } => {
                let size = match length {
                    None => "more than".to_string(),
                    Some(n) => format!("{n} bytes, not"),
                };
                write!(
                    f,
                    "part {label:?}: the file {digest} beside the bundle is {size} the committed {committed} bytes (it was cut or added to)"
                )
            }
            R::BesideMismatch {
                label,
                committed,
                digest,
            } => write!(
                f,
                "{} (the file {digest} beside the bundle was changed, or is another part's)",
                R::Mismatch {
                    label: label.clone(),
                    digest: *committed
                }
            ),
            R::BesideContent { reason, digest } => {
                write!(f, "{reason} (the file {digest} beside the bundle)")
            }
            R::Prev {
                seq,
                prev,
                expected,
            } => write!(
                f,
                "prev {} is not the hash of entry {} ({})",
                prev.short(),
                *seq as i128 - 1,
                expected.short()
            ),
            R::ReceivedBefore {
                received,
                earlier_seq,
                earlier,
            } => write!(
                f,
                "received_at {} is before entry {earlier_seq}'s {}: the archive's clock never goes back",
                crate::time::format_ms(*received),
                crate::time::format_ms(*earlier)
            ),
            R::Absent { label, problem } => write!(f, "part {label:?} is absent: {problem}"),
            R::NoGenesis => f.write_str(
                "the genesis entry (entry 0) is not in the bundle: the authority of its authors cannot be replayed",
            ),
            R::AuthorKey(e) => write!(f, "the author key is invalid: {e}"),
            R::NotGenesis { kind } => {
                write!(f, "entry 0 must be the genesis statement, not {kind}")
            }
            R::NotAuthorised {
                seq,
                error,
                registry,
            } => {
                write!(f, "the author was not authorised at entry {seq}: {error}")?;
                if !registry.is_empty() {
                    write!(
                        f,
                        " (authority replayed from the bundle's registry entries {})",
                        seq_list(registry)
                    )?;
                }
                Ok(())
            }
            R::RegistryPayloadMissing => f.write_str(
                "this registry entry's payload is not in the bundle: authority cannot be replayed past it",
            ),
            R::RegistryPayload(e) => write!(f, "invalid registry payload: {e}"),
            R::ChangeNotAllowed(e) => write!(f, "this registry change was not allowed: {e}"),
            R::GenesisOrigin {
                genesis,
                checkpoint,
            } => write!(
                f,
                "the genesis names origin {genesis:?}, the checkpoint {checkpoint:?}"
            ),
            R::GenesisKey { named, key } => write!(
                f,
                "the genesis names checkpoint key {named}, not the archive key {key} the bundle is verified with"
            ),
            R::NotOwner { kind, target } => write!(
                f,
                "{kind} of statement {}: only its author, a successor of the author's key, or a custodian may do that",
                target.short()
            ),
            R::CompromiseSays { says, established } => write!(
                f,
                "signed_after_compromise says {}, but the bundle's registry entries establish {}",
                describe_compromise(*says),
                describe_compromise(*established)
            ),
            R::Twice { statement, first } => write!(
                f,
                "statement {} is already entry {first}: a statement is never appended twice",
                statement.short()
            ),
            R::Refused(why) => write!(f, "the archive would have refused it: {why}"),
            R::NoStatement { statement } => write!(
                f,
                "the bundle is for statement {statement}, which is not among its entries"
            ),
            R::NoIncident { id } => write!(
                f,
                "the bundle is for incident {id:?}, but holds no incident record opening it"
            ),
            R::NotWhole { size, missing } => write!(
                f,
                "the bundle is for the whole log of {size} entries, but entry {missing} is not in it"
            ),
            R::Authors { diff } => write!(
                f,
                "the authors list differs from the one the registry entries define (bundle vs recomputed: {diff})"
            ),
            R::ProjectionFormat { format } => write!(
                f,
                "the projection was computed as {format:?} and this build computes {PROJECTION_FORMAT:?}, so it cannot be compared; verify with a temoin of the bundle's version, or re-export (everything else was checked)"
            ),
            R::Projection { diff } => write!(
                f,
                "the bundle's projection differs from the one recomputed from its entries (bundle vs recomputed: {diff})"
            ),
            R::ProjectionFailed(e) => {
                write!(f, "the projection cannot be recomputed from the entries: {e}")
            }
        }
    }
}

/// What a partial bundle cannot establish for one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Undecided {
    /// The entry names an incident whose opening record is not in the
    /// bundle: that it was opened before the entry is not established.
    IncidentOpening { id: String, seq: u64 },
}

impl fmt::Display for Undecided {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Undecided::IncidentOpening { id, seq } => write!(
                f,
                "it names incident {id:?}, whose opening record is not in this bundle: \
                 that it was opened before entry {seq} is not established by this bundle"
            ),
        }
    }
}

impl Serialize for Undecided {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
