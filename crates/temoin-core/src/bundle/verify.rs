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
    pub reason: String,
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
    pub fn new(at: Location, kind: FaultKind, reason: impl Into<String>) -> BundleFault {
        BundleFault {
            at,
            kind,
            reason: reason.into(),
        }
    }
}

pub(crate) fn fault(at: Location, kind: FaultKind, reason: impl Into<String>) -> BundleFault {
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
    pub what: String,
    /// The incident whose opening the rule needed, for a reader that says
    /// `what` in another language.
    #[serde(skip)]
    pub incident: Option<String>,
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
    fn at(&mut self, seq: u64, kind: FaultKind, reason: impl Into<String>) {
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
            format!("format {:?}, expected {BUNDLE_FORMAT:?}", bundle.format),
        ));
    }
    let checkpoint = match Checkpoint::open(&bundle.checkpoint, archive_key) {
        Ok(cp) => cp,
        Err(e) => {
            faults.push(fault(
                Location::Checkpoint,
                FaultKind::Checkpoint,
                format!(
                    "the checkpoint does not verify with the archive key {archive_key}: {e}; \
                     nothing in the bundle can be tied to the archive (check that --archive-key is the archive's checkpoint key, from `temoin key list`)"
                ),
            ));
            verdict.faults = faults.list;
            return verdict;
        }
    };
    if checkpoint.origin != bundle.origin {
        faults.push(fault(
            Location::Bundle,
            FaultKind::Format,
            format!(
                "the bundle says origin {:?}, its checkpoint {:?}",
                bundle.origin, checkpoint.origin
            ),
        ));
    }
    for l in &bundle.withheld_labels {
        if l == PAYLOAD {
            faults.push(fault(
                Location::Bundle,
                FaultKind::Format,
                "the payload part cannot be withheld: authority and projection are computed from it",
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
                    format!("entries are not in increasing seq order (entry {} follows entry {prev}); this one is ignored", be.seq),
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
                    format!(
                        "prev {} is not the hash of entry {} ({})",
                        Digest(c.entry.prev).short(),
                        c.seq as i128 - 1,
                        p.short()
                    ),
                );
            }
        }
        if let Some((s, t)) = max_received {
            if c.entry.received_at < t {
                faults.at(
                    c.seq,
                    FaultKind::Chain,
                    format!(
                        "received_at {} is before entry {s}'s {}: the archive's clock never goes back",
                        crate::time::format_ms(c.entry.received_at),
                        crate::time::format_ms(t)
                    ),
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
            let describe = |x: Option<Compromise>| match x {
                None => "nothing".to_string(),
                Some(x) => format!(
                    "revoked at entry {}, distrusted since {}",
                    x.revoked_at,
                    crate::time::format_ms(x.effective_at)
                ),
            };
            faults.at(
                c.seq,
                FaultKind::Compromise,
                format!(
                    "signed_after_compromise says {}, but the bundle's registry entries establish {}",
                    describe(says),
                    describe(c.compromise)
                ),
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
                    format!("the bundle is for statement {h}, which is not among its entries"),
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
                    format!("the bundle is for incident {id:?}, but holds no incident record opening it"),
                ));
            }
        }
        Scope::All => {
            if let Some(missing) = (0..checkpoint.size).find(|s| !raw_hashes.contains_key(s)) {
                faults.push(fault(
                    Location::Bundle,
                    FaultKind::Scope,
                    format!(
                        "the bundle is for the whole log of {} entries, but entry {missing} is not in it",
                        checkpoint.size
                    ),
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
            format!("the authors list differs from the one the registry entries define (bundle vs recomputed: {diff})"),
        ));
    }

    // The projection, recomputed from the entries.
    if bundle.projection_format != PROJECTION_FORMAT {
        faults.push(fault(
            Location::Projection,
            FaultKind::Projection,
            format!(
                "the projection was computed as {:?} and this build computes {PROJECTION_FORMAT:?}, so it cannot be compared; verify with a temoin of the bundle's version, or re-export (everything else was checked)",
                short_str(&bundle.projection_format)
            ),
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
                    format!("the bundle's projection differs from the one recomputed from its entries (bundle vs recomputed: {d})"),
                ));
            }
            verdict.projection = Some(p);
            verdict.views = Some(views);
        }
        Err(e) => faults.push(fault(
            Location::Projection,
            FaultKind::Projection,
            format!("the projection cannot be recomputed from the entries: {e}"),
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
    let mut bad = |faults: &mut Faults, kind, reason: String| {
        ok = false;
        faults.at(seq, kind, reason);
    };
    if be.entry.len() as u64 > b64_len(MAX_ENTRY_BYTES as u64).unwrap_or(0) {
        bad(
            faults,
            FaultKind::EntryBytes,
            format!("the entry is over the limit of {MAX_ENTRY_BYTES} bytes"),
        );
        return None;
    }
    let bytes = match B64.decode(&be.entry) {
        Ok(b) => b,
        Err(e) => {
            bad(
                faults,
                FaultKind::EntryBytes,
                format!("\"entry\" is not base64: {e}"),
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
                format!("the entry bytes are not a valid entry: {e}"),
            );
            return None;
        }
    };
    if entry.seq != seq {
        bad(
            faults,
            FaultKind::EntryBytes,
            format!(
                "the bytes are those of entry {}, listed as entry {seq}",
                entry.seq
            ),
        );
        return None;
    }
    let body = match StatementBody::decode(&entry.statement.body_bytes) {
        Ok(b) => b,
        Err(e) => {
            bad(
                faults,
                FaultKind::EntryBytes,
                format!("the statement body does not decode: {e}"),
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
            format!(
                "entry_hash {} is not the hash of the entry bytes ({})",
                short_str(&be.entry_hash),
                leaf.short()
            ),
        );
    }
    if be.statement_hash != statement_hash.to_hex() {
        bad(
            faults,
            FaultKind::Hash,
            format!(
                "statement_hash {} is not the hash of the signed statement ({})",
                short_str(&be.statement_hash),
                statement_hash.short()
            ),
        );
    }
    if let Err(e) = entry.statement.verify_signature(&body) {
        bad(
            faults,
            FaultKind::Signature,
            format!(
                "the author's signature does not verify: {e} (author key {})",
                hex::encode(body.author)
            ),
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
        bad(
            faults,
            FaultKind::Decoded,
            format!("the decoded form does not match the entry bytes (bundle vs bytes: {d})"),
        );
    }
    // The inclusion proof.
    if be.inclusion_proof.len() > MAX_PROOF_HASHES {
        bad(
            faults,
            FaultKind::Inclusion,
            format!(
                "the inclusion proof has {} hashes, more than any tree needs",
                be.inclusion_proof.len()
            ),
        );
    } else {
        let proof: Option<Vec<Hash>> = be.inclusion_proof.iter().map(|h| hex32(h)).collect();
        match proof {
            None => bad(
                faults,
                FaultKind::Inclusion,
                "a hash of the inclusion proof is not 64 hex digits".into(),
            ),
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
                        format!(
                            "not proven to be leaf {seq} of the signed tree of size {}: {e}",
                            checkpoint.size
                        ),
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
            (Some(_), Some(_), _) => Some("has both \"content\" and \"beside\""),
            (None, None, _) => Some("has neither \"content\" nor \"beside\""),
            (None, Some(_), Some(_)) => Some(
                "is beside the bundle and has a \"text\" (only a part carried in the JSON has one)",
            ),
        };
        if let Some(why) = shape {
            bad(
                faults,
                FaultKind::Format,
                format!(
                    "part {:?} {why}: a part is carried either in the JSON or beside the bundle (FORMAT.md §12.2)",
                    short_str(&p.label)
                ),
            );
            continue;
        }
        let Some(c) = body.part(&p.label) else {
            bad(
                faults,
                FaultKind::Part,
                format!(
                    "part {:?} is not committed in the signed body",
                    short_str(&p.label)
                ),
            );
            continue;
        };
        if parts.contains_key(&p.label) || beside.contains(&p.label) {
            bad(
                faults,
                FaultKind::Part,
                format!("part {:?} is included twice", p.label),
            );
            continue;
        }
        if crate::seal::is_sealed(&body, &p.label) {
            bad(
                faults,
                FaultKind::Part,
                format!(
                    "part {:?} is sealed, yet the bundle carries it in clear (a sealed part travels only as its ciphertext {:?})",
                    p.label,
                    crate::seal::ciphertext_label(&p.label)
                ),
            );
            continue;
        }
        if let Some(content) = &p.content {
            if Some(content.len() as u64) != b64_len(c.length) {
                bad(
                    faults,
                    FaultKind::Part,
                    format!(
                        "part {:?}: its content is not {} bytes, the committed length",
                        p.label, c.length
                    ),
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
                format!("part {:?}: its salt is not 32 bytes of base64", p.label),
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
                    format!("part {:?}: its content is not base64: {e}", p.label),
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
            bad(faults, FaultKind::Part, reason);
            continue;
        }
        if let Some(t) = &p.text {
            if std::str::from_utf8(&content).ok() != Some(t.as_str()) {
                bad(
                    faults,
                    FaultKind::Decoded,
                    format!(
                        "part {:?}: its \"text\" is not its content (the content is verified; the text shown beside it was changed)",
                        p.label
                    ),
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
                format!(
                    "part {:?} is committed in the signed body but neither included nor declared withheld or redacted",
                    c.label
                ),
            ),
        }
    }
    for a in &be.absent {
        if body.part(&a.label).is_none() {
            bad(
                faults,
                FaultKind::MissingPart,
                format!(
                    "part {:?} is declared absent but the signed body commits no such part",
                    short_str(&a.label)
                ),
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

fn mismatch(label: &str, c: &crate::statement::PartCommitment) -> String {
    format!(
        "part {label:?} does not match its commitment: SHA-256(\"temoin/part/v1\\0\" || salt || content) is not the signed digest {}",
        Digest(c.digest).short()
    )
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
) -> Result<(), (FaultKind, String)> {
    use std::io::Read as _;
    let label = &p.label;
    let name = p.beside.as_deref().unwrap_or_default();
    if *label == PAYLOAD {
        return Err((
            FaultKind::Part,
            "the payload part is beside the bundle, but it never travels beside: the rules read it from the bundle".into(),
        ));
    }
    let digest = Digest(c.digest).to_hex();
    if name != digest {
        return Err((
            FaultKind::Part,
            format!(
                "part {label:?} is beside the bundle as {:?}, which is not its committed digest {digest} in lowercase hex",
                short_str(name)
            ),
        ));
    }
    let missing = |why: String| {
        (
            FaultKind::MissingPart,
            format!(
                "part {label:?} travels beside the bundle as the file {digest}, which {why}: copy the files named by digests with the bundle, into the same directory"
            ),
        )
    };
    let file = match files.open(&digest) {
        None => return Err(missing("is not there".into())),
        Some(Err(e)) => return Err(missing(format!("cannot be opened ({e})"))),
        Some(Ok(f)) => f,
    };
    let checked =
        crate::partcheck::check_reader(label, salt, file.take(c.length.saturating_add(1)), |_| {
            Ok(())
        })
        .map_err(|e| missing(format!("cannot be read ({e})")))?;
    if checked.length != c.length {
        let size = if checked.length > c.length {
            "more than".to_string()
        } else {
            format!("{} bytes, not", checked.length)
        };
        return Err((
            FaultKind::Part,
            format!(
                "part {label:?}: the file {digest} beside the bundle is {size} the committed {} bytes (it was cut or added to)",
                c.length
            ),
        ));
    }
    if !checked.matches(c) {
        return Err((
            FaultKind::Part,
            format!(
                "{} (the file {digest} beside the bundle was changed, or is another part's)",
                mismatch(label, c)
            ),
        ));
    }
    match checked.fault {
        Some(reason) => Err((
            FaultKind::Part,
            format!("{reason} (the file {digest} beside the bundle)"),
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
                SEALED => Some("declared sealed, but the signed body commits no ciphertext for it".into()),
                _ if sealed => Some(format!(
                    "it is sealed (its ciphertext is committed) and must be declared {SEALED:?}"
                )),
                WITHHELD => {
                    if c.body.kind.is_registry() {
                        Some("registry entries are never withheld: authority is replayed from them".to_string())
                    } else if a.label == PAYLOAD {
                        Some("the payload part cannot be withheld".to_string())
                    } else if !bundle.withheld_labels.contains(&a.label) {
                        Some(format!(
                            "declared withheld, but {:?} is not in the bundle's withheld_labels",
                            a.label
                        ))
                    } else {
                        redactions
                            .iter()
                            .find_map(|(by, (t, l))| {
                                (*t == c.statement_hash && l == named).then_some(*by)
                            })
                            .map(|by| format!(
                                "declared withheld, but the redaction order at entry {by} erased it: it must be declared redacted by {by}"
                            ))
                    }
                }
                REDACTED => match a.by_seq {
                    None => Some("declared redacted without the seq of the redaction order".into()),
                    Some(by) => match redactions.get(&by) {
                        Some((target, label)) if *target == c.statement_hash && label == named => None,
                        Some(_) => Some(format!(
                            "declared erased by the redaction order at entry {by}, which orders another part erased"
                        )),
                        None => Some(format!(
                            "declared erased by a redaction order at entry {by}, but the bundle holds no such order"
                        )),
                    },
                },
                other => Some(format!("unknown reason {:?} (expected withheld, redacted or sealed)", short_str(other))),
            };
            if let Some(p) = problem {
                c.ok = false;
                faults.at(
                    c.seq,
                    FaultKind::MissingPart,
                    format!("part {:?} is absent: {p}", a.label),
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
            "the genesis entry (entry 0) is not in the bundle: the authority of its authors cannot be replayed",
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
                    format!("the author key is invalid: {e}"),
                );
                continue;
            }
        };
        if seq == 0 && kind != Kind::Genesis {
            c.ok = false;
            faults.at(
                seq,
                FaultKind::Registry,
                format!("entry 0 must be the genesis statement, not {kind}"),
            );
            continue;
        }
        let role = match registry.authorize(&author, kind) {
            Ok(r) => r,
            Err(e) => {
                c.ok = false;
                let hint = if registry_seqs.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (authority replayed from the bundle's registry entries {})",
                        seq_list(&registry_seqs)
                    )
                };
                faults.at(
                    seq,
                    FaultKind::Authority,
                    format!("the author was not authorised at entry {seq}: {e}{hint}"),
                );
                continue;
            }
        };
        if kind.is_registry() {
            let Some(payload) = c.parts.get(PAYLOAD) else {
                c.ok = false;
                faults.at(seq, FaultKind::Registry, "this registry entry's payload is not in the bundle: authority cannot be replayed past it");
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
                        format!("invalid registry payload: {e}"),
                    );
                    continue;
                }
            };
            if let Err(e) = registry.check_change(&change) {
                c.ok = false;
                faults.at(
                    seq,
                    FaultKind::Registry,
                    format!("this registry change was not allowed: {e}"),
                );
                continue;
            }
            if let RegistryChange::Genesis { payload, .. } = &change {
                if payload.origin != checkpoint.origin {
                    c.ok = false;
                    faults.at(
                        seq,
                        FaultKind::Registry,
                        format!(
                            "the genesis names origin {:?}, the checkpoint {:?}",
                            payload.origin, checkpoint.origin
                        ),
                    );
                }
                let named = VerifierKey::parse(&payload.checkpoint_key).ok();
                if named.as_ref().map(|k| k.to_string()) != Some(archive_key.to_string()) {
                    c.ok = false;
                    faults.at(seq, FaultKind::Registry, format!(
                        "the genesis names checkpoint key {}, not the archive key {archive_key} the bundle is verified with",
                        payload.checkpoint_key
                    ));
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
                                faults.at(seq, FaultKind::Authority, format!(
                                    "{kind} of statement {}: only its author, a successor of the author's key, or a custodian may do that",
                                    target.short()
                                ));
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
                format!(
                    "statement {} is already entry {}: a statement is never appended twice",
                    hash.short(),
                    first.seq
                ),
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
                        what: format!(
                            "it names incident {id:?}, whose opening record is not in this bundle: \
                             that it was opened before entry {seq} is not established by this bundle"
                        ),
                        incident: Some(id.clone()),
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
                Some(&at) if at >= seq => format!(
                    "it refers to statement {}, which is entry {at}: a ref names an earlier entry",
                    r.short()
                ),
                _ if !whole => format!(
                    "it refers to statement {}, which is not in this bundle, though a bundle holds every statement its entries refer to",
                    r.short()
                ),
                _ => e.to_string(),
            },
            RuleError::UnknownIncident(id) => match opened_by.get(id) {
                Some(&at) => format!(
                    "it names incident {id:?}, which is opened only later, by entry {at}"
                ),
                None => e.to_string(),
            },
            _ => e.to_string(),
        };
        faults.at(
            seq,
            FaultKind::Rules,
            format!("the archive would have refused it: {reason}"),
        );
    }
    not_established
}

fn seq_list(seqs: &[u64]) -> String {
    let v: Vec<String> = seqs.iter().map(|s| s.to_string()).collect();
    if v.len() > 12 {
        format!("{}, … ({} in all)", v[..12].join(", "), v.len())
    } else {
        v.join(", ")
    }
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
