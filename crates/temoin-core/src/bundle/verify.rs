//! Verifying a bundle: every check of docs/FORMAT.md §12, from the bytes
//! and the archive's key alone.

use super::*;

use crate::checkpoint::Checkpoint;
use crate::compromise::{Compromise, Distrust, Finding};
use crate::domain::Payload;
use crate::entry::{entry_hash, Entry, MAX_ENTRY_BYTES};
use crate::hash::Digest;
use crate::keys::PublicKey;
use crate::merkle::{self, Hash};
use crate::receipt::MAX_PROOF_HASHES;
use crate::registry::{Registry, RegistryChange, Role, PAYLOAD};
use crate::rules::{self, IncidentInfo, MemIndex, RuleError, StatementInfo};
use crate::signed_note::VerifierKey;
use crate::statement::{Kind, StatementBody};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// Where a fault is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// The bundle as a whole (its format, its scope, missing entries).
    Bundle,
    /// The signed checkpoint.
    Checkpoint,
    /// The entry with this seq.
    Entry(u64),
    /// The `authors` list.
    Authors,
    /// The `projection`.
    Projection,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Bundle => f.write_str("bundle"),
            Location::Checkpoint => f.write_str("checkpoint"),
            Location::Entry(s) => write!(f, "entry {s}"),
            Location::Authors => f.write_str("authors"),
            Location::Projection => f.write_str("projection"),
        }
    }
}

pub use crate::verdict::FaultKind;

/// One thing wrong with a bundle: where, what kind, and the detail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BundleFault {
    pub at: Location,
    pub kind: FaultKind,
    pub reason: FaultReason,
}

impl fmt::Display for BundleFault {
    /// `entry 5: signature: …`; the kind is left out where the location
    /// already says it (`projection: …`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.at.to_string();
        if at == self.kind.name() {
            write!(f, "{at}: {}", self.reason)
        } else {
            write!(f, "{at}: {}: {}", self.kind.name(), self.reason)
        }
    }
}

impl std::error::Error for BundleFault {}

impl BundleFault {
    pub fn new(at: Location, kind: FaultKind, reason: FaultReason) -> BundleFault {
        BundleFault { at, kind, reason }
    }
}

pub(crate) fn fault(at: Location, kind: FaultKind, reason: FaultReason) -> BundleFault {
    BundleFault::new(at, kind, reason)
}

/// Where a verifier finds the parts that travel beside a bundle
/// (FORMAT.md §12.2): for `temoin verify-bundle`, the directory holding the
/// bundle file. The core reads no file system; whoever calls [`verify_with`]
/// says where the files are.
pub trait BesideParts: Sync {
    /// The file named `name` (a committed digest, 64 lowercase hex digits):
    /// `None` when there is no such file, `Some(Err)` when there is one
    /// that cannot be opened. The verifier reads it to its end or to one
    /// byte past the committed length, whichever comes first.
    fn open(&self, name: &str) -> Option<std::io::Result<Box<dyn std::io::Read + '_>>>;
}

/// No file beside the bundle: for a bundle held in memory. A part said to
/// be beside it is then missing.
pub struct NoBesideParts;

impl BesideParts for NoBesideParts {
    fn open(&self, _: &str) -> Option<std::io::Result<Box<dyn std::io::Read + '_>>> {
        None
    }
}

/// An entry that decoded, with what the verification established about it.
#[derive(Clone, Debug)]
pub struct CheckedEntry {
    pub seq: u64,
    pub entry_hash: Digest,
    pub statement_hash: Digest,
    pub entry: Entry,
    pub body: StatementBody,
    /// Included parts whose content matched its commitment.
    pub parts: BTreeMap<String, Vec<u8>>,
    /// Included parts whose file beside the bundle matched its commitment
    /// (their content is not held: a file can be gigabytes; its name is
    /// the committed digest).
    pub beside: BTreeSet<String>,
    pub absent: Vec<AbsentPart>,
    /// Name and role of the author when the entry was appended, as replayed.
    pub authorised_as: Option<(String, Role)>,
    /// The declared compromise this entry was signed after, as the
    /// bundle's registry entries establish it at the checkpoint.
    pub compromise: Option<Compromise>,
    /// No fault was found at this entry.
    pub ok: bool,
}

impl CheckedEntry {
    /// How many readers the sealed part `label` is sealed to, as its
    /// author signed in `label.to`, when the bundle carries that part.
    pub fn sealed_to(&self, label: &str) -> Option<usize> {
        let listed = self.parts.get(&crate::seal::readers_label(label))?;
        crate::seal::parse_readers(listed).ok().map(|r| r.len())
    }

    pub fn kind(&self) -> Kind {
        self.body.kind
    }

    /// The parsed domain payload, if the payload part is included and valid.
    pub fn payload(&self) -> Option<Payload> {
        let bytes = self.parts.get(PAYLOAD)?;
        Payload::parse(self.body.kind, bytes).ok().flatten()
    }

    /// The part's content as text, if included and UTF-8.
    pub fn text(&self, label: &str) -> Option<&str> {
        self.parts
            .get(label)
            .and_then(|b| std::str::from_utf8(b).ok())
    }
}

/// The outcome of verifying a bundle: every fault, and what was recomputed.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub faults: Vec<BundleFault>,
    /// Faults found beyond [`MAX_FAULTS`] (not listed).
    pub more_faults: usize,
    /// The checkpoint, if it verified with the archive key.
    pub checkpoint: Option<Checkpoint>,
    /// The archive key the bundle was verified with.
    pub archive_key: String,
    pub origin: String,
    pub scope: Scope,
    pub exported_at: String,
    /// Every entry that decoded, in seq order.
    pub entries: Vec<CheckedEntry>,
    /// The authors as recomputed from the registry entries.
    pub authors: Vec<Author>,
    /// The projection as recomputed from the entries: its JSON form...
    pub projection: Option<Value>,
    /// ...and the views themselves, for whoever renders them.
    pub views: Option<ScopeViews>,
    /// Labels withheld at export.
    pub withheld_labels: Vec<String>,
    /// What the rules needed and this (partial) bundle does not hold
    /// (FORMAT.md §12.6): neither a fault nor established.
    pub not_established: Vec<NotEstablished>,
}

/// A rule a partial bundle cannot decide for one entry, because the
/// evidence is elsewhere in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotEstablished {
    pub seq: u64,
    pub what: Undecided,
}

impl fmt::Display for NotEstablished {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {}: {}", self.seq, self.what)
    }
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.faults.is_empty() && self.more_faults == 0
    }

    /// The first fault, if any.
    pub fn first_fault(&self) -> Option<&BundleFault> {
        self.faults.first()
    }

    /// Faults at entry `seq`.
    pub fn faults_at(&self, seq: u64) -> impl Iterator<Item = &BundleFault> {
        self.faults
            .iter()
            .filter(move |f| f.at == Location::Entry(seq))
    }

    /// The entries signed after a declared compromise of their author's
    /// key (findings, not faults), in seq order.
    pub fn signed_after_compromise(&self) -> Vec<Finding> {
        self.entries
            .iter()
            .filter_map(|e| {
                e.compromise.map(|c| {
                    Finding::new(
                        e.seq,
                        e.statement_hash,
                        &e.body.author,
                        e.entry.received_at,
                        c,
                    )
                })
            })
            .collect()
    }

    /// The parts left out, as (seq, label, why, by_seq).
    pub fn absent_parts(&self) -> Vec<(u64, &AbsentPart)> {
        self.entries
            .iter()
            .flat_map(|e| e.absent.iter().map(move |a| (e.seq, a)))
            .collect()
    }
}

struct Faults {
    list: Vec<BundleFault>,
    more: usize,
}

impl Faults {
    fn push(&mut self, f: BundleFault) {
        if self.list.len() < MAX_FAULTS {
            self.list.push(f);
        } else {
            self.more += 1;
        }
    }
    fn at(&mut self, seq: u64, kind: FaultKind, reason: FaultReason) {
        self.push(fault(Location::Entry(seq), kind, reason));
    }
}

/// Length of the standard padded base64 of `n` bytes, or `None` on overflow.
fn b64_len(n: u64) -> Option<u64> {
    n.checked_add(2)?.checked_div(3)?.checked_mul(4)
}

fn hex32(s: &str) -> Option<Hash> {
    Digest::from_hex(s).map(|d| d.0).filter(|_| s.len() == 64)
}

/// Where two JSON values first differ, as `path: a vs b`.
pub fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    fn short(v: &Value) -> String {
        let s = v.to_string();
        if s.chars().count() > 80 {
            let mut t: String = s.chars().take(80).collect();
            t.push('…');
            t
        } else {
            s
        }
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => {
                        if let Some(d) = first_difference(&p, u, v) {
                            return Some(d);
                        }
                    }
                    (Some(u), None) => return Some(format!("{p} is {} vs absent", short(u))),
                    (None, Some(v)) => return Some(format!("{p} is absent vs {}", short(v))),
                    (None, None) => {}
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(&format!("{path}[{i}]"), u, v) {
                    return Some(d);
                }
            }
            if x.len() != y.len() {
                return Some(format!("{path} has {} items vs {}", x.len(), y.len()));
            }
            None
        }
        _ if a == b => None,
        _ => Some(format!("{path} is {} vs {}", short(a), short(b))),
    }
}

/// Verify a bundle offline with the archive's checkpoint key: signatures
/// (verify_strict), hashes, decoded forms, part digests, inclusion proofs
/// against the signed checkpoint, the hash chain between consecutive
/// entries, authority replayed from the included registry entries, the
/// authors list and the projection. Never panics; every fault is reported.
///
/// A part beside the bundle is missing here (there are no files): use
/// [`verify_with`] for a bundle read from a file.
pub fn verify(bundle: &Bundle, archive_key: &VerifierKey) -> Verdict {
    verify_with(bundle, archive_key, &NoBesideParts)
}

/// [`verify`], reading the parts that travel beside the bundle from
/// `beside`, each streamed through its check in bounded memory.
pub fn verify_with(
    bundle: &Bundle,
    archive_key: &VerifierKey,
    beside: &dyn BesideParts,
) -> Verdict {
    let mut faults = Faults {
        list: Vec::new(),
        more: 0,
    };
    let mut verdict = Verdict {
        faults: Vec::new(),
        more_faults: 0,
        checkpoint: None,
        archive_key: archive_key.to_string(),
        origin: bundle.origin.clone(),
        scope: bundle.scope.clone(),
        exported_at: bundle.exported_at.clone(),
        entries: Vec::new(),
        authors: Vec::new(),
        projection: None,
        views: None,
        withheld_labels: bundle.withheld_labels.clone(),
        not_established: Vec::new(),
    };
    if bundle.format != BUNDLE_FORMAT {
        faults.push(fault(
            Location::Bundle,
            FaultKind::Format,
            FaultReason::Format {
                format: bundle.format.clone(),
            },
        ));
    }
    let checkpoint = match Checkpoint::open(&bundle.checkpoint, archive_key) {
        Ok(cp) => cp,
        Err(e) => {
            faults.push(fault(
                Location::Checkpoint,
                FaultKind::Checkpoint,
                FaultReason::CheckpointKey {
                    key: archive_key.to_string(),
                    error: e.to_string(),
                },
            ));
            verdict.faults = faults.list;
            return verdict;
        }
    };
    if checkpoint.origin != bundle.origin {
        faults.push(fault(
            Location::Bundle,
            FaultKind::Format,
            FaultReason::Origin {
                bundle: bundle.origin.clone(),
                checkpoint: checkpoint.origin.clone(),
            },
        ));
    }
    for l in &bundle.withheld_labels {
        if l == PAYLOAD {
            faults.push(fault(
                Location::Bundle,
                FaultKind::Format,
                FaultReason::PayloadWithheld,
            ));
        }
    }

    // Per-entry checks that need nothing but the entry and the checkpoint,
    // on all cores (signature verification dominates).
    let mut last_seq: Option<u64> = None;
    let mut in_order: Vec<&BundleEntry> = Vec::with_capacity(bundle.entries.len());
    for be in &bundle.entries {
        if let Some(prev) = last_seq {
            if be.seq <= prev {
                faults.at(
                    be.seq,
                    FaultKind::Format,
                    FaultReason::OutOfOrder { seq: be.seq, prev },
                );
                continue;
            }
        }
        last_seq = Some(be.seq);
        in_order.push(be);
    }
    let results = crate::par::map(in_order, |be| {
        let mut local = Faults {
            list: Vec::new(),
            more: 0,
        };
        let c = check_entry(be, &checkpoint, beside, &mut local);
        (c, local.list)
    });
    let mut checked: Vec<CheckedEntry> = Vec::with_capacity(results.len());
    let mut raw_hashes: HashMap<u64, Digest> = HashMap::new();
    for (c, fl) in results {
        for f in fl {
            faults.push(f);
        }
        if let Some(c) = c {
            raw_hashes.insert(c.seq, c.entry_hash);
            checked.push(c);
        }
    }

    // The hash chain and the order of receipt times between included entries.
    let mut max_received: Option<(u64, i64)> = None;
    for c in &checked {
        let expected_prev = if c.seq == 0 {
            Some(Digest([0; 32]))
        } else {
            raw_hashes.get(&(c.seq - 1)).copied()
        };
        if let Some(p) = expected_prev {
            if p.0 != c.entry.prev {
                faults.at(
                    c.seq,
                    FaultKind::Chain,
                    FaultReason::Prev {
                        seq: c.seq,
                        prev: Digest(c.entry.prev),
                        expected: p,
                    },
                );
            }
        }
        if let Some((s, t)) = max_received {
            if c.entry.received_at < t {
                faults.at(
                    c.seq,
                    FaultKind::Chain,
                    FaultReason::ReceivedBefore {
                        received: c.entry.received_at,
                        earlier_seq: s,
                        earlier: t,
                    },
                );
            }
        }
        max_received = Some((c.seq, c.entry.received_at));
    }

    // Absent parts: withheld at export, or erased by an included redaction order.
    check_absences(&mut checked, bundle, &mut faults);

    // Authority, replayed from the registry entries in the bundle.
    let registry = replay_authority(&mut checked, &checkpoint, archive_key, &mut faults);

    // Entries signed after a declared compromise: computed from the
    // registry entries, and the bundle must say so of exactly those.
    let as_of = checkpoint.size.saturating_sub(1);
    let distrust = Distrust::from_registry(&registry);
    let said: HashMap<u64, Option<Compromise>> = bundle
        .entries
        .iter()
        .map(|be| (be.seq, be.signed_after_compromise))
        .collect();
    for c in checked.iter_mut() {
        c.compromise = distrust.taint(&c.body.author, c.seq, c.entry.received_at, as_of);
        let says = said.get(&c.seq).copied().flatten();
        if says != c.compromise {
            faults.at(
                c.seq,
                FaultKind::Compromise,
                FaultReason::CompromiseSays {
                    says,
                    established: c.compromise,
                },
            );
        }
    }

    // The rules of ingest, by the same engine.
    verdict.not_established = check_rules(&mut checked, &bundle.scope, &mut faults);

    // The scope.
    match &bundle.scope {
        Scope::Statement(h) => {
            if !checked.iter().any(|c| c.statement_hash.to_hex() == *h) {
                faults.push(fault(
                    Location::Bundle,
                    FaultKind::Scope,
                    FaultReason::NoStatement {
                        statement: h.clone(),
                    },
                ));
            }
        }
        Scope::Incident(id) => {
            if !checked
                .iter()
                .any(|c| matches!(c.payload(), Some(Payload::Incident(ref i)) if i.id == *id))
            {
                faults.push(fault(
                    Location::Bundle,
                    FaultKind::Scope,
                    FaultReason::NoIncident { id: id.clone() },
                ));
            }
        }
        Scope::All => {
            if let Some(missing) = (0..checkpoint.size).find(|s| !raw_hashes.contains_key(s)) {
                faults.push(fault(
                    Location::Bundle,
                    FaultKind::Scope,
                    FaultReason::NotWhole {
                        size: checkpoint.size,
                        missing,
                    },
                ));
            }
        }
    }

    // The authors list.
    let authors = authors_of(&checked, &registry);
    if authors != bundle.authors {
        let diff = first_difference(
            "authors",
            &serde_json::to_value(&bundle.authors).unwrap_or(Value::Null),
            &serde_json::to_value(&authors).unwrap_or(Value::Null),
        )
        .unwrap_or_default();
        faults.push(fault(
            Location::Authors,
            FaultKind::Authors,
            FaultReason::Authors { diff },
        ));
    }

    // The projection, recomputed from the entries.
    if bundle.projection_format != PROJECTION_FORMAT {
        faults.push(fault(
            Location::Projection,
            FaultKind::Projection,
            FaultReason::ProjectionFormat {
                format: short_str(&bundle.projection_format),
            },
        ));
    }
    match project_views(&bundle.scope, &checked, as_of, &distrust)
        .and_then(|views| Ok((views_json(&views)?, views)))
    {
        Ok((p, views)) => {
            let diff = (bundle.projection_format == PROJECTION_FORMAT)
                .then(|| first_difference("projection", &bundle.projection, &p))
                .flatten();
            if let Some(d) = diff {
                faults.push(fault(
                    Location::Projection,
                    FaultKind::Projection,
                    FaultReason::Projection { diff: d },
                ));
            }
            verdict.projection = Some(p);
            verdict.views = Some(views);
        }
        Err(e) => faults.push(fault(
            Location::Projection,
            FaultKind::Projection,
            FaultReason::ProjectionFailed(Box::new(e)),
        )),
    }

    verdict.checkpoint = Some(checkpoint);
    verdict.entries = checked;
    verdict.authors = authors;
    verdict.faults = faults.list;
    verdict.more_faults = faults.more;
    verdict
}

/// The checks of one entry on its own. `None` if its bytes do not decode.
fn check_entry(
    be: &BundleEntry,
    checkpoint: &Checkpoint,
    files: &dyn BesideParts,
    faults: &mut Faults,
) -> Option<CheckedEntry> {
    let seq = be.seq;
    let mut ok = true;
    let mut bad = |faults: &mut Faults, kind, reason: FaultReason| {
        ok = false;
        faults.at(seq, kind, reason);
    };
    if be.entry.len() as u64 > b64_len(MAX_ENTRY_BYTES as u64).unwrap_or(0) {
        bad(faults, FaultKind::EntryBytes, FaultReason::EntryTooLarge);
        return None;
    }
    let bytes = match B64.decode(&be.entry) {
        Ok(b) => b,
        Err(e) => {
            bad(
                faults,
                FaultKind::EntryBytes,
                FaultReason::EntryBase64(e.to_string()),
            );
            return None;
        }
    };
    let entry = match Entry::from_bytes(&bytes) {
        Ok(e) => e,
        Err(e) => {
            bad(
                faults,
                FaultKind::EntryBytes,
                FaultReason::NotAnEntry(e.to_string()),
            );
            return None;
        }
    };
    if entry.seq != seq {
        bad(
            faults,
            FaultKind::EntryBytes,
            FaultReason::WrongSeq {
                found: entry.seq,
                listed: seq,
            },
        );
        return None;
    }
    let body = match StatementBody::decode(&entry.statement.body_bytes) {
        Ok(b) => b,
        Err(e) => {
            bad(
                faults,
                FaultKind::EntryBytes,
                FaultReason::Body(e.to_string()),
            );
            return None;
        }
    };
    let leaf = entry_hash(&bytes);
    let statement_hash = entry.statement.hash();
    if be.entry_hash != leaf.to_hex() {
        bad(
            faults,
            FaultKind::Hash,
            FaultReason::EntryHash {
                given: short_str(&be.entry_hash),
                computed: leaf,
            },
        );
    }
    if be.statement_hash != statement_hash.to_hex() {
        bad(
            faults,
            FaultKind::Hash,
            FaultReason::StatementHash {
                given: short_str(&be.statement_hash),
                computed: statement_hash,
            },
        );
    }
    if let Err(e) = entry.statement.verify_signature(&body) {
        bad(
            faults,
            FaultKind::Signature,
            FaultReason::Signature {
                error: e.to_string(),
                author: hex::encode(body.author),
            },
        );
    }
    // The decoded form must say what the bytes say.
    let decoded = DecodedEntry::of(&entry, &body);
    if decoded != be.decoded {
        let d = first_difference(
            "decoded",
            &serde_json::to_value(&be.decoded).unwrap_or(Value::Null),
            &serde_json::to_value(&decoded).unwrap_or(Value::Null),
        )
        .unwrap_or_default();
        bad(faults, FaultKind::Decoded, FaultReason::Decoded { diff: d });
    }
    // The inclusion proof.
    if be.inclusion_proof.len() > MAX_PROOF_HASHES {
        bad(
            faults,
            FaultKind::Inclusion,
            FaultReason::ProofTooLong {
                hashes: be.inclusion_proof.len(),
            },
        );
    } else {
        let proof: Option<Vec<Hash>> = be.inclusion_proof.iter().map(|h| hex32(h)).collect();
        match proof {
            None => bad(faults, FaultKind::Inclusion, FaultReason::ProofHex),
            Some(proof) => {
                if let Err(e) = merkle::verify_inclusion(
                    &leaf.0,
                    seq,
                    checkpoint.size,
                    &proof,
                    &checkpoint.root,
                ) {
                    bad(
                        faults,
                        FaultKind::Inclusion,
                        FaultReason::NotProven {
                            seq,
                            size: checkpoint.size,
                            error: e.to_string(),
                        },
                    );
                }
            }
        }
    }
    // Included parts.
    let mut parts = BTreeMap::new();
    let mut beside = BTreeSet::new();
    for p in &be.parts {
        let shape = match (&p.content, &p.beside, &p.text) {
            (Some(_), None, _) | (None, Some(_), None) => None,
            (Some(_), Some(_), _) => Some(PartShape::Both),
            (None, None, _) => Some(PartShape::Neither),
            (None, Some(_), Some(_)) => Some(PartShape::BesideWithText),
        };
        if let Some(why) = shape {
            bad(
                faults,
                FaultKind::Format,
                FaultReason::PartShape {
                    label: short_str(&p.label),
                    shape: why,
                },
            );
            continue;
        }
        let Some(c) = body.part(&p.label) else {
            bad(
                faults,
                FaultKind::Part,
                FaultReason::PartNotCommitted {
                    label: short_str(&p.label),
                },
            );
            continue;
        };
        if parts.contains_key(&p.label) || beside.contains(&p.label) {
            bad(
                faults,
                FaultKind::Part,
                FaultReason::PartTwice {
                    label: p.label.clone(),
                },
            );
            continue;
        }
        if crate::seal::is_sealed(&body, &p.label) {
            bad(
                faults,
                FaultKind::Part,
                FaultReason::SealedInClear {
                    label: p.label.clone(),
                    ciphertext: crate::seal::ciphertext_label(&p.label),
                },
            );
            continue;
        }
        if let Some(content) = &p.content {
            if Some(content.len() as u64) != b64_len(c.length) {
                bad(
                    faults,
                    FaultKind::Part,
                    FaultReason::ContentLength {
                        label: p.label.clone(),
                        length: c.length,
                    },
                );
                continue;
            }
        }
        let salt: Option<[u8; 32]> = (p.salt.len() == 44)
            .then(|| B64.decode(&p.salt).ok())
            .flatten()
            .and_then(|s| s.try_into().ok());
        let Some(salt) = salt else {
            bad(
                faults,
                FaultKind::Part,
                FaultReason::Salt {
                    label: p.label.clone(),
                },
            );
            continue;
        };
        let Some(content) = &p.content else {
            match check_beside(p, c, &salt, files) {
                Ok(()) => {
                    beside.insert(p.label.clone());
                }
                Err((kind, reason)) => bad(faults, kind, reason),
            }
            continue;
        };
        let content = match B64.decode(content) {
            Ok(c) => c,
            Err(e) => {
                bad(
                    faults,
                    FaultKind::Part,
                    FaultReason::ContentBase64 {
                        label: p.label.clone(),
                        error: e.to_string(),
                    },
                );
                continue;
            }
        };
        let checked = crate::partcheck::check(&p.label, &salt, &content);
        if !checked.matches(c) {
            bad(faults, FaultKind::Part, mismatch(&p.label, c));
            continue;
        }
        if let Some(reason) = checked.fault {
            bad(faults, FaultKind::Part, FaultReason::Content(reason));
            continue;
        }
        if let Some(t) = &p.text {
            if std::str::from_utf8(&content).ok() != Some(t.as_str()) {
                bad(
                    faults,
                    FaultKind::Decoded,
                    FaultReason::TextDiffers {
                        label: p.label.clone(),
                    },
                );
                continue;
            }
        }
        parts.insert(p.label.clone(), content);
    }
    // Absent parts are checked once all entries are known; here, that every
    // commitment is accounted for.
    let mut absent = Vec::new();
    for c in &body.parts {
        if parts.contains_key(&c.label)
            || beside.contains(&c.label)
            || be.parts.iter().any(|p| p.label == c.label)
        {
            continue;
        }
        match be.absent.iter().find(|a| a.label == c.label) {
            Some(a) => absent.push(a.clone()),
            None => bad(
                faults,
                FaultKind::MissingPart,
                FaultReason::Unaccounted {
                    label: c.label.clone(),
                },
            ),
        }
    }
    for a in &be.absent {
        if body.part(&a.label).is_none() {
            bad(
                faults,
                FaultKind::MissingPart,
                FaultReason::AbsentNotCommitted {
                    label: short_str(&a.label),
                },
            );
        }
    }
    Some(CheckedEntry {
        seq,
        entry_hash: leaf,
        statement_hash,
        entry,
        body,
        parts,
        beside,
        absent,
        authorised_as: None,
        compromise: None,
        ok,
    })
}

fn mismatch(label: &str, c: &crate::statement::PartCommitment) -> FaultReason {
    FaultReason::Mismatch {
        label: label.to_string(),
        digest: Digest(c.digest),
    }
}

/// A part beside the bundle (FORMAT.md §12.2): named by its committed
/// digest, never the payload, and its file, streamed, matching the
/// commitment and its label's content rule. At most one byte past the
/// committed length is read, so a file grown by gigabytes costs nothing.
fn check_beside(
    p: &BundlePart,
    c: &crate::statement::PartCommitment,
    salt: &[u8; 32],
    files: &dyn BesideParts,
) -> Result<(), (FaultKind, FaultReason)> {
    use std::io::Read as _;
    let label = &p.label;
    let name = p.beside.as_deref().unwrap_or_default();
    if *label == PAYLOAD {
        return Err((FaultKind::Part, FaultReason::PayloadBeside));
    }
    let digest = Digest(c.digest).to_hex();
    if name != digest {
        return Err((
            FaultKind::Part,
            FaultReason::BesideName {
                label: label.clone(),
                name: short_str(name),
                digest,
            },
        ));
    }
    let missing = |why: BesideMissing| {
        (
            FaultKind::MissingPart,
            FaultReason::BesideMissing {
                label: label.clone(),
                digest: digest.clone(),
                why,
            },
        )
    };
    let file = match files.open(&digest) {
        None => return Err(missing(BesideMissing::NotThere)),
        Some(Err(e)) => return Err(missing(BesideMissing::CannotOpen(e.to_string()))),
        Some(Ok(f)) => f,
    };
    let checked =
        crate::partcheck::check_reader(label, salt, file.take(c.length.saturating_add(1)), |_| {
            Ok(())
        })
        .map_err(|e| missing(BesideMissing::CannotRead(e.to_string())))?;
    if checked.length != c.length {
        return Err((
            FaultKind::Part,
            FaultReason::BesideLength {
                label: label.clone(),
                digest,
                length: (checked.length < c.length).then_some(checked.length),
                committed: c.length,
            },
        ));
    }
    if !checked.matches(c) {
        return Err((
            FaultKind::Part,
            FaultReason::BesideMismatch {
                label: label.clone(),
                committed: Digest(c.digest),
                digest,
            },
        ));
    }
    match checked.fault {
        Some(reason) => Err((
            FaultKind::Part,
            FaultReason::BesideContent { reason, digest },
        )),
        None => Ok(()),
    }
}

fn short_str(s: &str) -> String {
    if s.chars().count() > 16 {
        let mut t: String = s.chars().take(12).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

/// Each absent part: withheld (its label is in `withheld_labels`, and it is
/// not a registry entry's payload) or redacted (by an included redaction
/// order that names this statement and label).
fn check_absences(checked: &mut [CheckedEntry], bundle: &Bundle, faults: &mut Faults) {
    let redactions: HashMap<u64, (Digest, String)> = checked
        .iter()
        .filter(|c| c.body.kind == Kind::Redaction)
        .filter_map(|c| match c.payload() {
            Some(Payload::Redaction(r)) => {
                c.body.refs.first().map(|t| (c.seq, (Digest(*t), r.label)))
            }
            _ => None,
        })
        .collect();
    for c in checked.iter_mut() {
        for a in &c.absent {
            // The label a redaction order names for this part (a sealed
            // part's, for its ciphertext).
            let named = crate::seal::redaction_label(&a.label);
            let sealed = crate::seal::is_sealed(&c.body, &a.label);
            let problem = match a.why.as_str() {
                SEALED if sealed => None,
                SEALED => Some(Absence::SealedWithoutCiphertext),
                _ if sealed => Some(Absence::MustBeSealed),
                WITHHELD => {
                    if c.body.kind.is_registry() {
                        Some(Absence::RegistryWithheld)
                    } else if a.label == PAYLOAD {
                        Some(Absence::PayloadWithheld)
                    } else if !bundle.withheld_labels.contains(&a.label) {
                        Some(Absence::NotInWithheldLabels {
                            label: a.label.clone(),
                        })
                    } else {
                        redactions
                            .iter()
                            .find_map(|(by, (t, l))| {
                                (*t == c.statement_hash && l == named).then_some(*by)
                            })
                            .map(|by| Absence::WithheldButRedacted { by })
                    }
                }
                REDACTED => match a.by_seq {
                    None => Some(Absence::RedactedWithoutSeq),
                    Some(by) => match redactions.get(&by) {
                        Some((target, label)) if *target == c.statement_hash && label == named => {
                            None
                        }
                        Some(_) => Some(Absence::RedactsAnother { by }),
                        None => Some(Absence::NoSuchOrder { by }),
                    },
                },
                other => Some(Absence::UnknownWhy {
                    why: short_str(other),
                }),
            };
            if let Some(p) = problem {
                c.ok = false;
                faults.at(
                    c.seq,
                    FaultKind::MissingPart,
                    FaultReason::Absent {
                        label: a.label.clone(),
                        problem: p,
                    },
                );
            }
        }
    }
}

/// Replay the registry from the included registry entries and check each
/// entry's author at its seq. Returns the registry at the last entry.
fn replay_authority(
    checked: &mut [CheckedEntry],
    checkpoint: &Checkpoint,
    archive_key: &VerifierKey,
    faults: &mut Faults,
) -> Registry {
    let mut registry = Registry::default();
    if checked.first().map(|c| c.seq) != Some(0) {
        faults.push(fault(
            Location::Bundle,
            FaultKind::Registry,
            FaultReason::NoGenesis,
        ));
        return registry;
    }
    // Owners of records, for amendments and retractions whose target is included.
    let mut owners: HashMap<Digest, [u8; 32]> = HashMap::new();
    let mut registry_seqs: Vec<u64> = Vec::new();
    for c in checked.iter_mut() {
        let seq = c.seq;
        let kind = c.body.kind;
        let author = match PublicKey::from_bytes(&c.body.author) {
            Ok(k) => k,
            Err(e) => {
                c.ok = false;
                faults.at(
                    seq,
                    FaultKind::Authority,
                    FaultReason::AuthorKey(e.to_string()),
                );
                continue;
            }
        };
        if seq == 0 && kind != Kind::Genesis {
            c.ok = false;
            faults.at(seq, FaultKind::Registry, FaultReason::NotGenesis { kind });
            continue;
        }
        let role = match registry.authorize(&author, kind) {
            Ok(r) => r,
            Err(e) => {
                c.ok = false;
                faults.at(
                    seq,
                    FaultKind::Authority,
                    FaultReason::NotAuthorised {
                        seq,
                        error: Box::new(e),
                        registry: registry_seqs.clone(),
                    },
                );
                continue;
            }
        };
        if kind.is_registry() {
            let Some(payload) = c.parts.get(PAYLOAD) else {
                c.ok = false;
                faults.at(
                    seq,
                    FaultKind::Registry,
                    FaultReason::RegistryPayloadMissing,
                );
                continue;
            };
            let change = match RegistryChange::from_payload(kind, author, payload) {
                Ok(Some(ch)) => ch,
                Ok(None) => continue,
                Err(e) => {
                    c.ok = false;
                    faults.at(
                        seq,
                        FaultKind::Registry,
                        FaultReason::RegistryPayload(Box::new(e)),
                    );
                    continue;
                }
            };
            if let Err(e) = registry.check_change(&change) {
                c.ok = false;
                faults.at(
                    seq,
                    FaultKind::Registry,
                    FaultReason::ChangeNotAllowed(Box::new(e)),
                );
                continue;
            }
            if let RegistryChange::Genesis { payload, .. } = &change {
                if payload.origin != checkpoint.origin {
                    c.ok = false;
                    faults.at(
                        seq,
                        FaultKind::Registry,
                        FaultReason::GenesisOrigin {
                            genesis: payload.origin.clone(),
                            checkpoint: checkpoint.origin.clone(),
                        },
                    );
                }
                let named = VerifierKey::parse(&payload.checkpoint_key).ok();
                if named.as_ref().map(|k| k.to_string()) != Some(archive_key.to_string()) {
                    c.ok = false;
                    faults.at(
                        seq,
                        FaultKind::Registry,
                        FaultReason::GenesisKey {
                            named: payload.checkpoint_key.clone(),
                            key: archive_key.to_string(),
                        },
                    );
                }
            }
            registry.apply(seq, change);
            registry_seqs.push(seq);
        } else {
            match kind {
                Kind::Amendment | Kind::Retraction => {
                    if let Some(target) = c.body.refs.first().map(|t| Digest(*t)) {
                        if let Some(owner) = owners.get(&target).copied() {
                            if role != Role::Custodian && !registry.may_act_for(&author, &owner) {
                                c.ok = false;
                                faults.at(
                                    seq,
                                    FaultKind::Authority,
                                    FaultReason::NotOwner { kind, target },
                                );
                            }
                            owners.insert(c.statement_hash, owner);
                        }
                    }
                }
                _ => {
                    owners.insert(c.statement_hash, c.body.author);
                }
            }
        }
        let name = registry
            .get(&author)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        c.authorised_as = Some((name, role));
    }
    registry
}

/// Apply the rules of ingest (`rules::check`, the engine ingest and the
/// audit use) to the entries in seq order, against a registry and an index
/// replayed from the bundle's own entries (FORMAT.md §12.6 step 7).
///
/// A whole-log bundle holds the whole log, so every refusal is a fault. A
/// partial bundle holds every registry entry and every statement its
/// entries refer to (§12.3), so every rule is decided from its entries
/// except what only the rest of the log can show: an incident it names but
/// whose opening record it does not hold is reported as not established and
/// taken as opened outside the bundle. An entry that already has a fault is
/// still replayed (so that later entries are judged against it), but its
/// refusal is not reported twice.
fn check_rules(
    checked: &mut [CheckedEntry],
    scope: &Scope,
    faults: &mut Faults,
) -> Vec<NotEstablished> {
    let whole = *scope == Scope::All;
    let mut not_established = Vec::new();
    let position: HashMap<Digest, u64> = checked
        .iter()
        .rev()
        .map(|c| (c.statement_hash, c.seq))
        .collect();
    let opened_by: HashMap<String, u64> = checked
        .iter()
        .rev()
        .filter(|c| c.body.kind == Kind::Incident)
        .filter_map(|c| match c.payload() {
            Some(Payload::Incident(i)) => Some((i.id, c.seq)),
            _ => None,
        })
        .collect();
    let mut registry = Registry::default();
    let mut index = MemIndex::default();
    for c in checked.iter_mut() {
        let (seq, hash) = (c.seq, c.statement_hash);
        if let Some(first) = index.statements.get(&hash) {
            c.ok = false;
            faults.at(
                seq,
                FaultKind::Rules,
                FaultReason::Twice {
                    statement: hash,
                    first: first.seq,
                },
            );
            continue;
        }
        let payload = c.parts.get(PAYLOAD).map(Vec::as_slice);
        let refusal = loop {
            let verdict = match rules::check(&registry, &index, seq, hash, &c.body, payload) {
                Ok(v) => v,
                Err(never) => match never {},
            };
            match verdict {
                Ok(fx) => {
                    if let Some(change) = fx.registry.clone() {
                        registry.apply(seq, change);
                    }
                    index.apply(&fx);
                    break None;
                }
                Err(RuleError::UnknownIncident(id)) if !whole && !opened_by.contains_key(&id) => {
                    not_established.push(NotEstablished {
                        seq,
                        what: Undecided::IncidentOpening {
                            id: id.clone(),
                            seq,
                        },
                    });
                    // Taken as opened outside the bundle; its record is unknown.
                    index.incidents.insert(
                        id,
                        IncidentInfo {
                            opened_at: 0,
                            record: [0; 32],
                            merged_into: None,
                        },
                    );
                }
                Err(e) => break Some(e),
            }
        };
        let Some(e) = refusal else { continue };
        // Later entries that refer to this one are judged against what it
        // says of itself.
        index.statements.insert(
            hash,
            StatementInfo {
                seq,
                kind: c.body.kind,
                subject: c.body.kind,
                owner: c.body.author,
                labels: c.body.parts.iter().map(|p| p.label.clone()).collect(),
                incidents: Vec::new(),
                superseded_by: None,
                retracted_by: None,
                redacted: Vec::new(),
            },
        );
        if !c.ok {
            continue;
        }
        c.ok = false;
        let reason = match &e {
            RuleError::UnknownRef(r) => match position.get(r) {
                Some(&at) if at >= seq => Refused::RefLater { target: *r, at },
                _ if !whole => Refused::RefNotInBundle { target: *r },
                _ => Refused::Rule(e.clone()),
            },
            RuleError::UnknownIncident(id) => match opened_by.get(id) {
                Some(&at) => Refused::IncidentLater { id: id.clone(), at },
                None => Refused::Rule(e.clone()),
            },
            _ => Refused::Rule(e.clone()),
        };
        faults.at(
            seq,
            FaultKind::Rules,
            FaultReason::Refused(Box::new(reason)),
        );
    }
    not_established
}

/// The authors of the checked entries, as `registry` knows them, in order
/// of enrolment (then key).
fn authors_of(checked: &[CheckedEntry], registry: &Registry) -> Vec<Author> {
    let keys: BTreeSet<[u8; 32]> = checked.iter().map(|c| c.body.author).collect();
    let mut out: Vec<Author> = keys
        .iter()
        .filter_map(|k| PublicKey::from_bytes(k).ok())
        .filter_map(|k| registry.get(&k))
        .map(|r| Author {
            key: r.key.to_hex(),
            name: r.name.clone(),
            role: r.role.name().to_string(),
            enrolled_at: r.enrolled_at,
            revoked_at: r.revoked.as_ref().map(|v| v.seq),
            revocation_reason: r.revoked.as_ref().map(|v| v.reason.clone()),
            revoked_effective_at: r.revoked.as_ref().map(|v| v.effective_at),
            succeeds: r.succeeds.map(|k| k.to_hex()),
        })
        .collect();
    out.sort_by(|a, b| (a.enrolled_at, &a.key).cmp(&(b.enrolled_at, &b.key)));
    out
}
