//! Evidence bundles (DESIGN §3–§5, docs/FORMAT.md "Evidence bundles").
//!
//! A bundle is one self-contained JSON file that lets a lawyer prove,
//! offline and without trusting the archive's operator, that each entry it
//! holds was signed by its author, was authorised when it was appended, and
//! sits unaltered at its position in the archive's log:
//!
//! - every entry's exact bytes (base64) next to their decoded form;
//! - the parts it includes (salt and content), the parts it leaves out and
//!   why (withheld at export, or erased by a redaction order);
//! - every registry entry of the log (genesis, enrolments, revocations), so
//!   that the authority of each author at each seq is replayed;
//! - one signed checkpoint and, for each entry, its RFC 9162 inclusion proof
//!   in that checkpoint's tree;
//! - the authors as the registry entries define them, and the projection of
//!   the bundle's incident(s) computed from its entries.
//!
//! [`verify`] recomputes everything from the bytes and the archive's key and
//! reports every fault with its entry and reason; the archive's `export`
//! builds a bundle and verifies it with the same function before handing
//! it out.
//!
//! What a bundle cannot prove on its own: that the archive holds no *other*
//! entry about the incident (completeness). Inclusion proofs show what is
//! in the log, not what is absent; the full audit of a copy of the archive
//! (`temoin verify`) and consistency between checkpoints cover that.
//!
//! The model and its reading are here, the verification in [`verify`]
//! (the module), the projection of the bundle's entries in [`project`].

mod fault;
mod project;
mod verify;

pub use fault::*;
pub use project::{project, project_views, scope_incidents, views_json, ProjectFault, ScopeViews};
pub use verify::*;

use crate::compromise::{Compromise, Distrust};
use crate::domain::Payload;
use crate::entry::Entry;
use crate::registry::PAYLOAD;
use crate::statement::{Kind, StatementBody};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// Value of the `format` field.
pub const BUNDLE_FORMAT: &str = "temoin-bundle/v1";

/// Names the projection's JSON form (`IncidentView`, docs/DOMAIN.md).
/// Bump it whenever that form changes: a bundle's projection is compared
/// with one recomputed by the verifier's own build, and the two must be
/// the same computation.
pub const PROJECTION_FORMAT: &str = "temoin-incident-view/2";

/// Largest bundle file read. A bundle of a whole archive with large parts
/// can be big; anything beyond this is refused before parsing.
pub const MAX_BUNDLE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Parts longer than this travel beside the bundle by default (`temoin
/// export --beside-over`): a photo or a video is not base64 in a JSON file
/// that has to be read whole.
pub const DEFAULT_BESIDE_OVER: u64 = 1 << 20;

/// At most this many faults are reported; the rest are counted.
pub const MAX_FAULTS: usize = 1000;

/// What `about` says in every bundle: where its format is specified.
pub const ABOUT: &str = "temoin evidence bundle: signed testimony entries of an archive's log, \
with their parts, the registry entries that authorised their authors, a signed checkpoint and \
an inclusion proof per entry. Verify offline with `temoin verify-bundle FILE --archive-key VKEY`; \
the format is specified in docs/FORMAT.md (section \"Evidence bundles\").";

/// Which entries a bundle was made for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Scope {
    /// Every entry that touched the incident (and incidents merged into it).
    Incident(String),
    /// One statement, with the statements it refers to.
    Statement(String),
    /// The whole log.
    All,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Incident(id) => write!(f, "incident {id}"),
            Scope::Statement(h) => write!(f, "statement {h}"),
            Scope::All => f.write_str("the whole log"),
        }
    }
}

/// A bundle, as saved to a `.bundle.json` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub format: String,
    pub about: String,
    /// The archive's origin (= the checkpoint's origin line).
    pub origin: String,
    /// When the bundle was exported (informational, not signed).
    pub exported_at: String,
    pub scope: Scope,
    /// The signed checkpoint (C2SP signed note) every inclusion proof is against.
    pub checkpoint: String,
    /// RFC 3161 timestamp tokens over the checkpoint's note text, base64
    /// of their DER (docs/FORMAT.md §6.3); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<String>,
    /// Part labels left out of this bundle at export (e.g. `witness`).
    pub withheld_labels: Vec<String>,
    /// The entries, in increasing seq order.
    pub entries: Vec<BundleEntry>,
    /// Every author of an included entry, as the included registry entries
    /// define it at the checkpoint.
    pub authors: Vec<Author>,
    /// Which computation made `projection` ([`PROJECTION_FORMAT`]).
    pub projection_format: String,
    /// The projection of the scope's incidents, computed from the entries:
    /// an object mapping each incident id to its projected state.
    pub projection: Value,
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleEntry {
    pub seq: u64,
    /// Base64 (standard, padded) of the exact entry bytes.
    pub entry: String,
    /// Hex of `SHA-256(0x00 || entry_bytes)`.
    pub entry_hash: String,
    /// Hex of `SHA-256(signed_statement_bytes)`.
    pub statement_hash: String,
    /// Hex hashes of the inclusion proof of leaf `seq` in the checkpoint's tree.
    pub inclusion_proof: Vec<String>,
    /// The entry bytes decoded, for reading; must match the bytes exactly.
    pub decoded: DecodedEntry,
    /// The parts included, in commitment order.
    pub parts: Vec<BundlePart>,
    /// The committed parts not included, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<AbsentPart>,
    /// Set when the entry was signed after a declared compromise of its
    /// author's key (FORMAT.md §12.2): the revocation's seq and the time
    /// since when it distrusts the key. The verifier recomputes it from the
    /// bundle's registry entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_after_compromise: Option<Compromise>,
}

/// A part's content with the salt that hides it: carried in the JSON
/// (`content`, and `text` when it is UTF-8), or in a file beside the bundle
/// named by its digest (`beside`; FORMAT.md §12.2). Exactly one of
/// `content` and `beside`; the verifier says so of a part that breaks this
/// ([format] at its entry) rather than refuse the whole file.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundlePart {
    pub label: String,
    /// Base64 of the 32-byte salt.
    pub salt: String,
    /// Base64 of the content.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub content: Option<String>,
    /// The content as text, when it is UTF-8 (for reading; must match).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub text: Option<String>,
    /// The committed digest, lowercase hex: the name of the file beside
    /// the bundle that holds the content (and only the content).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub beside: Option<String>,
}

/// An optional member that, when given, is a string: `null` is not a way
/// to leave it out (readers in other languages would see a member).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

impl BundlePart {
    /// A part carried in the JSON.
    pub fn inline(label: &str, salt: &[u8; 32], content: &[u8]) -> BundlePart {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        BundlePart {
            label: label.to_string(),
            salt: b64.encode(salt),
            content: Some(b64.encode(content)),
            text: std::str::from_utf8(content).ok().map(str::to_string),
            beside: None,
        }
    }

    /// A part whose content is the file named `digest` beside the bundle.
    pub fn beside(label: &str, salt: &[u8; 32], digest: &crate::hash::Digest) -> BundlePart {
        use base64::Engine as _;
        BundlePart {
            label: label.to_string(),
            salt: base64::engine::general_purpose::STANDARD.encode(salt),
            content: None,
            text: None,
            beside: Some(digest.to_hex()),
        }
    }
}

impl fmt::Debug for BundlePart {
    // A part can be a witness's identity: never in debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BundlePart")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// A committed part that is not in the bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbsentPart {
    pub label: String,
    /// `withheld` (left out at export), `redacted` (erased in the archive
    /// by the redaction order at entry `by_seq`) or `sealed` (a sealed
    /// part, whose ciphertext companion stands for it).
    pub why: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_seq: Option<u64>,
}

pub const WITHHELD: &str = "withheld";
pub const REDACTED: &str = "redacted";
/// A sealed part (docs/FORMAT.md §3.8): never held in clear.
pub const SEALED: &str = "sealed";

/// An entry decoded. Hashes, ids and signatures in hex; times in unix ms
/// with their UTC reading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecodedEntry {
    pub seq: u64,
    pub prev: String,
    pub received_at: i64,
    pub received_at_utc: String,
    pub statement: DecodedStatement,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecodedStatement {
    pub version: u16,
    pub id: String,
    pub author: String,
    pub created_at: i64,
    pub created_at_utc: String,
    pub kind: String,
    pub refs: Vec<String>,
    pub parts: Vec<DecodedPart>,
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecodedPart {
    pub label: String,
    pub digest: String,
    pub length: u64,
}

impl DecodedEntry {
    pub fn of(entry: &Entry, body: &StatementBody) -> DecodedEntry {
        DecodedEntry {
            seq: entry.seq,
            prev: hex::encode(entry.prev),
            received_at: entry.received_at,
            received_at_utc: crate::time::format_ms(entry.received_at),
            statement: DecodedStatement {
                version: body.version,
                id: hex::encode(body.id),
                author: hex::encode(body.author),
                created_at: body.created_at,
                created_at_utc: crate::time::format_ms(body.created_at),
                kind: body.kind.name().to_string(),
                refs: body.refs.iter().map(hex::encode).collect(),
                parts: body
                    .parts
                    .iter()
                    .map(|p| DecodedPart {
                        label: p.label.clone(),
                        digest: hex::encode(p.digest),
                        length: p.length,
                    })
                    .collect(),
                signature: hex::encode(entry.statement.signature),
            },
        }
    }
}

/// An author as the registry knows it at the bundle's checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Author {
    /// The Ed25519 public key, hex.
    pub key: String,
    pub name: String,
    pub role: String,
    /// Seq of the genesis or enrolment entry that made it an author.
    pub enrolled_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
    /// Unix ms since when the revocation says the key is distrusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_effective_at: Option<i64>,
    /// The key this author's key succeeds (hex), for a key enrolled as a
    /// successor (FORMAT.md §10.2): why it may amend that key's records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeds: Option<String>,
}

impl Bundle {
    /// Parse a bundle file's bytes (at most [`MAX_BUNDLE_BYTES`]).
    pub fn from_json(bytes: &[u8]) -> Result<Bundle, BundleFault> {
        if bytes.len() as u64 > MAX_BUNDLE_BYTES {
            return Err(fault(
                Location::Bundle,
                FaultKind::Format,
                FaultReason::FileTooLarge {
                    limit: MAX_BUNDLE_BYTES,
                },
            ));
        }
        // Find the format first, to say "not a bundle" rather than a
        // confusing field error for other JSON files.
        #[derive(Deserialize)]
        struct Head {
            format: Option<String>,
        }
        let head: Head = serde_json::from_slice(bytes).map_err(|e| {
            fault(
                Location::Bundle,
                FaultKind::Format,
                FaultReason::NotJson(e.to_string()),
            )
        })?;
        match head.format.as_deref() {
            Some(BUNDLE_FORMAT) => {}
            Some(other) => {
                return Err(fault(
                    Location::Bundle,
                    FaultKind::Format,
                    FaultReason::FormatUnread {
                        format: other.to_string(),
                    },
                ))
            }
            None => {
                return Err(fault(
                    Location::Bundle,
                    FaultKind::Format,
                    FaultReason::NoFormat,
                ))
            }
        }
        crate::json::from_slice(bytes).map_err(|e| {
            fault(
                Location::Bundle,
                FaultKind::Format,
                FaultReason::Shape(e.to_string()),
            )
        })
    }

    pub fn to_json(&self) -> String {
        crate::json::to_string_pretty(self)
    }
}
