//! Projections: what the log says about each incident, now or as of any
//! earlier entry, with the source of every fact (docs/DOMAIN.md).
//!
//! The log is read as a sequence of [`Event`]s (an entry with its decoded
//! domain payload). Every entry touches a set of incidents, fixed by the
//! rules at ingest and kept in the store's `T` index (incident id → seqs).
//! The *group* of an incident is the incident itself and every incident
//! merged into it (at any depth); the view of an incident is
//! [`IncidentView::build`] over the entries that touched any member of its
//! group, in seq order. Three ways to gather those entries, one result:
//!
//! - [`Projection`]: the fold, one entry at a time, over the whole log
//!   (`temoin rebuild`, the audit's replay, a process that follows the log);
//! - [`Projections::incident`]: from the `T` index, for one incident, as of
//!   any seq — its cost is the number of entries touching that incident,
//!   not the length of the log;
//! - the cache under the `J` prefix: each incident's summary as last
//!   computed, stamped with the last seq it includes, used by `incident
//!   list` and `tally` while no newer entry touches the incident.
//!
//! Why on demand rather than updated inside every ingest batch: see
//! docs/DOMAIN.md, "Keeping current state".

pub mod history;
pub mod incident;
pub mod matching;
mod rebuild;
pub mod tally;

pub use history::{History, HistoryStep};
pub use incident::{
    CompromisedView, Figure, FigureSource, Figures, IncidentSummary, IncidentView, TestimonyStatus,
    TestimonyView,
};
#[doc(hidden)]
pub use rebuild::Tuning;
pub use tally::{Tally, TallyFilter};

use crate::compromise::{Compromise, Distrust};
use crate::domain::{valid_incident_id, Payload};
use crate::encoding;
use crate::entry::Entry;
use crate::hash::Digest;
use crate::registry::PAYLOAD;
use crate::rules::{IncidentInfo, StatementInfo};
use crate::statement::{Kind, StatementBody};
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Why a projection could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "entry {seq}: {reason} (the store is damaged; run `temoin verify` to locate the fault)"
    )]
    Corrupt { seq: u64, reason: String },
    #[error("no incident {0:?} in this archive (`temoin incident list` shows them)")]
    UnknownIncident(String),
    #[error("incident {id:?} was not yet opened as of entry {as_of} (it was opened at entry {opened_at})")]
    NotYetOpened {
        id: String,
        as_of: i128,
        opened_at: u64,
    },
    #[error("{query:?} matches several incidents ({candidates}); give the incident id")]
    Ambiguous { query: String, candidates: String },
    #[error(
        "no statement in this archive has a hash starting with {0:?} (`temoin log` lists them)"
    )]
    UnknownStatement(String),
    #[error("{0:?} is not an incident id nor a statement hash (give an incident id, or at least 8 hex digits of a statement hash)")]
    BadSubject(String),
    #[error("statement {hash} is a {kind} statement: history follows incidents, incident records and testimonies")]
    NoHistory { hash: String, kind: Kind },
    #[error("--as-of {0:?}: give an entry number (e.g. 42) or a UTC time (2025-11-20 or 2025-11-20T10:00:00Z)")]
    BadAsOf(String),
    #[error("{what} {value:?} is not a date YYYY-MM-DD")]
    BadDate { what: &'static str, value: String },
}

type Result<T, E = ProjectionError> = std::result::Result<T, E>;

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `hex::encode(bytes)`, a byte at a time rather than through its
/// char-by-char iterator: a view holds a hash and an author key in hex for
/// every source it cites, and `hex::encode` was ~3 % of a rebuild (perf,
/// 100k entries).
fn hex_string(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        s.push(HEX_DIGITS[usize::from(b >> 4)] as char);
        s.push(HEX_DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// `d.to_hex()`, written into `buf` (serialising a hash needs no `String`).
fn hex_str<'b>(d: &Digest, buf: &'b mut [u8; 64]) -> &'b str {
    for (pair, &b) in buf.chunks_exact_mut(2).zip(&d.0) {
        pair[0] = HEX_DIGITS[usize::from(b >> 4)];
        pair[1] = HEX_DIGITS[usize::from(b & 15)];
    }
    // Only ASCII digits were written: this cannot fail.
    std::str::from_utf8(buf).unwrap_or_default()
}

/// Serde for a `Digest` as 64 hex digits.
pub mod hex_digest {
    use crate::hash::Digest;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Digest, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(super::hex_str(d, &mut [0; 64]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = String::deserialize(d)?;
        Digest::from_hex(&s).ok_or_else(|| serde::de::Error::custom("not a 64-hex-digit hash"))
    }
}

/// Serde for an `Option<Digest>` as 64 hex digits or null.
pub mod hex_digest_opt {
    use crate::hash::Digest;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Digest>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(super::hex_str(d, &mut [0; 64])),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Digest>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => Digest::from_hex(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("not a 64-hex-digit hash")),
        }
    }
}

/// Where a projected fact comes from: the entry and the statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
pub struct SourceRef {
    pub seq: u64,
    #[serde(with = "hex_digest")]
    pub statement: Digest,
    /// The author's public key, 64 hex digits.
    pub author: String,
}

/// An entry as the projections read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub seq: u64,
    pub received_at: i64,
    /// The statement hash.
    pub hash: Digest,
    pub author: [u8; 32],
    pub created_at: i64,
    pub kind: Kind,
    pub refs: Vec<Digest>,
    /// Committed parts: label and length (the content may since have been
    /// erased by a redaction order; the commitment stays).
    pub parts: Vec<(String, u64)>,
    /// The decoded domain payload; `None` for notes and registry kinds.
    pub payload: Option<Payload>,
    /// For a revocation: the key it revokes and the time since when that
    /// key is distrusted (`RevokePayload::effective_at`). Projections read
    /// it to find what was signed after a declared compromise.
    pub revokes: Option<([u8; 32], i64)>,
}

/// Whether the projections read the kind's payload part: the domain kinds,
/// and revocations (for the compromise they may declare).
fn has_domain_payload(kind: Kind) -> bool {
    !matches!(kind, Kind::Genesis | Kind::Enroll | Kind::Note)
}

impl Event {
    pub fn source(&self) -> SourceRef {
        SourceRef {
            seq: self.seq,
            statement: self.hash,
            author: hex_string(&self.author),
        }
    }

    /// Decode a stored entry, reading its payload from the store.
    pub fn decode(store: &Store, seq: u64, bytes: &[u8]) -> Result<Event> {
        let (mut ev, payload) = Event::decode_without_payload(seq, bytes)?;
        if let Some(d) = payload {
            let (_, content) = store
                .part(seq, &d)?
                .ok_or_else(|| ProjectionError::Corrupt {
                    seq,
                    reason: "its payload part is missing".into(),
                })?;
            ev.set_payload(&content)?;
        }
        Ok(ev)
    }

    /// Decode a stored entry without its payload; also returns the digest
    /// of the payload part to read, for kinds that have one.
    pub fn decode_without_payload(seq: u64, bytes: &[u8]) -> Result<(Event, Option<Digest>)> {
        let corrupt = |reason: String| ProjectionError::Corrupt { seq, reason };
        let entry = Entry::from_bytes(bytes).map_err(|e| corrupt(e.to_string()))?;
        if entry.seq != seq {
            return Err(corrupt(format!("stored at {seq} but says {}", entry.seq)));
        }
        let body = StatementBody::decode(&entry.statement.body_bytes)
            .map_err(|e| corrupt(format!("statement body: {e}")))?;
        let payload = if has_domain_payload(body.kind) {
            Some(
                body.part(PAYLOAD)
                    .map(|c| Digest(c.digest))
                    .ok_or_else(|| corrupt("the statement has no payload part".into()))?,
            )
        } else {
            None
        };
        let ev = Event {
            seq,
            received_at: entry.received_at,
            hash: entry.statement.hash(),
            author: body.author,
            created_at: body.created_at,
            kind: body.kind,
            refs: body.refs().collect(),
            parts: body
                .parts
                .iter()
                .map(|p| (p.label.clone(), p.length))
                .collect(),
            payload: None,
            revokes: None,
        };
        Ok((ev, payload))
    }

    /// Parse and attach the payload part's content.
    pub fn set_payload(&mut self, content: &[u8]) -> Result<()> {
        if self.kind == Kind::Revoke {
            let author = crate::keys::PublicKey::from_bytes(&self.author).map_err(|e| {
                ProjectionError::Corrupt {
                    seq: self.seq,
                    reason: e.to_string(),
                }
            })?;
            return match crate::registry::RegistryChange::from_payload(self.kind, author, content) {
                Ok(Some(crate::registry::RegistryChange::Revoke {
                    key, effective_at, ..
                })) => {
                    self.revokes = Some((key.to_bytes(), effective_at));
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(e) => Err(ProjectionError::Corrupt {
                    seq: self.seq,
                    reason: e.to_string(),
                }),
            };
        }
        self.payload =
            Payload::parse(self.kind, content).map_err(|e| ProjectionError::Corrupt {
                seq: self.seq,
                reason: e.to_string(),
            })?;
        Ok(())
    }

    /// Read entry `seq` from the store.
    pub fn read(store: &Store, seq: u64) -> Result<Event> {
        let bytes = store
            .entry_bytes(seq)?
            .ok_or_else(|| ProjectionError::Corrupt {
                seq,
                reason: "the entry is missing".into(),
            })?;
        Event::decode(store, seq, &bytes)
    }
}

/// `--as-of`: an entry number, or a time (the last entry received by then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsOf {
    Seq(u64),
    /// Unix ms, inclusive.
    Time(i64),
}

impl std::str::FromStr for AsOf {
    type Err = ProjectionError;

    /// `42` is entry 42; `2025-11-20T10:00:00Z` a time; a bare date
    /// `2025-11-20` means the end of that day (UTC), so that everything
    /// received that day is included.
    fn from_str(s: &str) -> Result<AsOf> {
        let s = s.trim();
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return s
                .parse()
                .map(AsOf::Seq)
                .map_err(|_| ProjectionError::BadAsOf(s.into()));
        }
        let t = crate::time::parse_time(s).ok_or_else(|| ProjectionError::BadAsOf(s.into()))?;
        Ok(AsOf::Time(if s.contains('T') {
            t
        } else {
            t + 86_400_000 - 1
        }))
    }
}

/// Tracks what each statement speaks of, to find the incidents each entry
/// touches from the log alone — the same sets `rules::check` computes at
/// ingest (`Effects::touches`), so that a replay can check the `T` index.
#[derive(Default, Debug, Clone)]
pub struct Tracker {
    names: Vec<String>,
    ids: HashMap<String, u32>,
    /// Statement → incidents it speaks of (`StatementInfo::incidents`);
    /// only statements that speak of some incident are kept. Most speak of
    /// one: its number; otherwise `MULTI |` an index into `multi`.
    speaks_of: HashMap<Digest, u32>,
    multi: Vec<Box<[u32]>>,
}

/// Marks a `Tracker::speaks_of` value as an index into `multi`.
const MULTI: u32 = 1 << 31;

impl Tracker {
    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&n) = self.ids.get(id) {
            return n;
        }
        let n = self.names.len() as u32;
        self.names.push(id.to_string());
        self.ids.insert(id.to_string(), n);
        n
    }

    fn target(&self, ev: &Event) -> Vec<u32> {
        match ev.refs.first().and_then(|r| self.speaks_of.get(r)) {
            None => Vec::new(),
            Some(&v) if v & MULTI != 0 => self.multi[(v & !MULTI) as usize].to_vec(),
            Some(&v) => vec![v],
        }
    }

    /// The incidents `ev` touches, in the order the rules list them.
    pub fn touches(&mut self, ev: &Event) -> Vec<String> {
        self.touch_ids(ev)
            .into_iter()
            .map(|n| self.names[n as usize].clone())
            .collect()
    }

    /// [`Tracker::touches`] as interned numbers (`self.names` indexes).
    fn touch_ids(&mut self, ev: &Event) -> Vec<u32> {
        let (touched, own): (Vec<u32>, Vec<u32>) = match &ev.payload {
            Some(Payload::Incident(i)) => (vec![], vec![self.intern(&i.id)]),
            Some(Payload::Testimony(t)) => {
                (vec![], t.incidents.iter().map(|i| self.intern(i)).collect())
            }
            Some(Payload::Amendment(a)) => {
                let old = self.target(ev);
                let own = match &a.testimony {
                    Some(t) => t.incidents.iter().map(|i| self.intern(i)).collect(),
                    None => old.clone(),
                };
                (old, own)
            }
            Some(Payload::Retraction(_))
            | Some(Payload::Annotation(_))
            | Some(Payload::Redaction(_)) => (self.target(ev), vec![]),
            Some(Payload::Merge(m)) => (vec![], vec![self.intern(&m.into), self.intern(&m.from)]),
            Some(Payload::SummaryClaim(s)) => {
                (vec![], s.incidents.iter().map(|i| self.intern(i)).collect())
            }
            None => (vec![], vec![]),
        };
        let mut all: Vec<u32> = Vec::with_capacity(touched.len() + own.len());
        for n in touched.into_iter().chain(own.iter().copied()) {
            if !all.contains(&n) {
                all.push(n);
            }
        }
        if !own.is_empty() {
            let mut dedup: Vec<u32> = Vec::with_capacity(own.len());
            for n in own {
                if !dedup.contains(&n) {
                    dedup.push(n);
                }
            }
            let v = if dedup.len() == 1 {
                dedup[0]
            } else {
                self.multi.push(dedup.into_boxed_slice());
                MULTI | (self.multi.len() - 1) as u32
            };
            self.speaks_of.insert(ev.hash, v);
        }
        all
    }
}

/// The fold over the whole log, one entry at a time: every incident's
/// group of entries, the summary claims, and the touches it recomputed.
#[derive(Default, Debug, Clone)]
pub struct Projection {
    tracker: Tracker,
    /// Incident → the entries of its group so far, in seq order.
    groups: HashMap<String, Vec<Arc<Event>>>,
    /// Incident → the incident it was merged into.
    parent: HashMap<String, String>,
    /// Incident → seq at which it was opened.
    opened: BTreeMap<String, u64>,
    /// Incident → seqs of the entries that touched it (the `T` index, recomputed).
    touched: BTreeMap<String, Vec<u64>>,
    /// Summary claims and the annotations on them.
    claims: Vec<Arc<Event>>,
    claim_notes: Vec<Arc<Event>>,
    claim_hashes: BTreeSet<Digest>,
    /// The compromises the revocations folded so far declare.
    distrust: Distrust,
    next: u64,
}

fn union_sorted(a: &[Arc<Event>], b: &[Arc<Event>]) -> Vec<Arc<Event>> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j >= b.len() || (i < a.len() && a[i].seq <= b[j].seq);
        let ev = if take_a {
            i += 1;
            &a[i - 1]
        } else {
            j += 1;
            &b[j - 1]
        };
        if out.last().is_none_or(|l: &Arc<Event>| l.seq != ev.seq) {
            out.push(ev.clone());
        }
    }
    out
}

impl Projection {
    pub fn new() -> Projection {
        Projection::default()
    }

    /// Number of entries folded so far (the next seq expected).
    pub fn size(&self) -> u64 {
        self.next
    }

    /// `id` and every incident it was merged into, nearest first.
    fn ancestors_or_self(&self, id: &str) -> Vec<String> {
        let mut out = vec![id.to_string()];
        let mut cur = id;
        while let Some(p) = self.parent.get(cur) {
            if out.contains(p) {
                break;
            }
            out.push(p.clone());
            cur = p;
        }
        out
    }

    /// Fold one entry; returns the incidents it touched.
    pub fn apply(&mut self, ev: Arc<Event>) -> Vec<String> {
        if let Some((key, effective_at)) = ev.revokes {
            self.distrust.add(
                key,
                Compromise {
                    revoked_at: ev.seq,
                    effective_at,
                },
            );
        }
        let touches = self.tracker.touches(&ev);
        for t in &touches {
            self.touched.entry(t.clone()).or_default().push(ev.seq);
        }
        match &ev.payload {
            Some(Payload::Incident(i)) => {
                self.opened.entry(i.id.clone()).or_insert(ev.seq);
            }
            Some(Payload::Merge(m)) => {
                // `into` (and anything it is part of) now reads `from`'s
                // whole group, earlier entries included.
                let from = self.groups.get(&m.from).cloned().unwrap_or_default();
                for a in self.ancestors_or_self(&m.into) {
                    if a == m.from {
                        continue;
                    }
                    let g = self.groups.entry(a).or_default();
                    *g = union_sorted(g, &from);
                }
                if m.from != m.into {
                    self.parent.insert(m.from.clone(), m.into.clone());
                }
            }
            Some(Payload::SummaryClaim(_)) => {
                self.claim_hashes.insert(ev.hash);
                self.claims.push(ev.clone());
            }
            Some(Payload::Annotation(_))
                if ev
                    .refs
                    .first()
                    .is_some_and(|r| self.claim_hashes.contains(r)) =>
            {
                self.claim_notes.push(ev.clone());
            }
            _ => {}
        }
        let mut affected: Vec<String> = Vec::new();
        for t in &touches {
            for a in self.ancestors_or_self(t) {
                if !affected.contains(&a) {
                    affected.push(a);
                }
            }
        }
        for a in affected {
            let g = self.groups.entry(a).or_default();
            if g.last().is_none_or(|l| l.seq != ev.seq) {
                g.push(ev.clone());
            }
        }
        self.next = ev.seq + 1;
        touches
    }

    /// Incidents opened so far, with the seq that opened them.
    pub fn incidents(&self) -> &BTreeMap<String, u64> {
        &self.opened
    }

    /// The recomputed touch index: incident → seqs.
    pub fn touched(&self) -> &BTreeMap<String, Vec<u64>> {
        &self.touched
    }

    /// The entries of `id`'s group so far.
    pub fn group(&self, id: &str) -> &[Arc<Event>] {
        self.groups.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The view of `id` after the entries folded so far.
    pub fn view(&self, id: &str) -> Option<IncidentView> {
        self.opened.get(id)?;
        Some(IncidentView::build(
            id,
            self.group(id),
            self.next.saturating_sub(1),
            &self.distrust,
        ))
    }

    /// The compromises declared by the revocations folded so far.
    pub fn distrust(&self) -> &Distrust {
        &self.distrust
    }

    /// Every incident's view (computed on all cores).
    pub fn views(&self) -> BTreeMap<String, IncidentView> {
        let ids: Vec<&String> = self.opened.keys().collect();
        crate::par::map(ids, |id| self.view(id).map(|v| (id.clone(), v)))
            .into_iter()
            .flatten()
            .collect()
    }

    /// The summary claims so far, with their annotations.
    pub fn claims(&self) -> Vec<incident::ClaimView> {
        claim_views(
            &self.claims,
            &self.claim_notes,
            &self.distrust,
            self.next.saturating_sub(1),
        )
    }
}

fn claim_views(
    claims: &[Arc<Event>],
    notes: &[Arc<Event>],
    distrust: &Distrust,
    as_of: u64,
) -> Vec<incident::ClaimView> {
    claims
        .iter()
        .filter_map(|ev| match &ev.payload {
            Some(Payload::SummaryClaim(c)) => Some(incident::ClaimView {
                source: ev.source(),
                claim: c.clone(),
                annotations: notes
                    .iter()
                    .filter(|n| n.refs.first() == Some(&ev.hash))
                    .filter_map(|n| match &n.payload {
                        Some(Payload::Annotation(a)) => Some(incident::AnnotationView {
                            source: n.source(),
                            on: ev.hash,
                            stance: a.stance,
                            text: a.text.clone(),
                        }),
                        _ => None,
                    })
                    .collect(),
                signed_after_compromise: distrust.taint(&ev.author, ev.seq, ev.received_at, as_of),
            }),
            _ => None,
        })
        .collect()
}

/// Version of the cached summaries and claims index: bump it whenever
/// `IncidentSummary` or what the views compute changes, so that entries
/// written by an older build are ignored (and recomputed), never trusted.
const CACHE_VERSION: u32 = 2;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct CachedSummary {
    version: u32,
    /// The last seq the summary includes (the highest `T` seq of its members).
    stamp: u64,
    /// `Distrust::stamp` of the log the summary was computed from: a later
    /// revocation may take testimonies out of the figures without touching
    /// the incident.
    revocations: u64,
    summary: IncidentSummary,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
struct ClaimsIndex {
    version: u32,
    /// Entries below this seq have been scanned.
    scanned: u64,
    /// Seqs of summary claims, with their statement hashes.
    claims: Vec<(u64, String)>,
    /// Seqs of annotations on summary claims.
    notes: Vec<u64>,
}

/// One incident whose stored `T` index differs from the replay's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TouchMismatch {
    pub incident: String,
    /// Touches the replay found that the index lacks.
    pub missing: Vec<u64>,
    /// Touches in the index that the replay did not find.
    pub extra: Vec<u64>,
}

/// What `rebuild` found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RebuildReport {
    pub entries: u64,
    pub incidents: usize,
    pub claims: usize,
    /// (incident, seq) pairs of the `T` index checked against the replay.
    pub touches: u64,
    pub touch_mismatches: Vec<TouchMismatch>,
    /// Cached summaries equal to the recomputed ones.
    pub views_matched: usize,
    /// Cached summaries older than the log (not wrong: refreshed on next read).
    pub views_stale: usize,
    /// Incidents with no cached summary yet.
    pub views_missing: usize,
    /// Incidents whose cached summary, though claiming to be current,
    /// differs from the recomputed one (or cannot be read).
    pub views_differing: Vec<String>,
    /// Cached entries for incidents the log does not have.
    pub views_unknown: Vec<String>,
    /// Whether the summary-claims index agreed with the replay (or was absent).
    pub claims_index_ok: bool,
    pub seconds: f64,
}

impl RebuildReport {
    /// Everything stored agreed with the replay.
    pub fn matched(&self) -> bool {
        self.touch_mismatches.is_empty()
            && self.views_differing.is_empty()
            && self.views_unknown.is_empty()
            && self.claims_index_ok
    }
}

/// Read access to the projections of an archive's store.
pub struct Projections<'a> {
    store: &'a Store,
    cache: bool,
    /// The archive's declared compromises, read once (`Distrust::load`).
    distrust: std::sync::OnceLock<Distrust>,
}

impl<'a> Projections<'a> {
    /// Projections that read and refresh the `J` cache.
    pub fn new(store: &'a Store) -> Projections<'a> {
        Projections {
            store,
            cache: true,
            distrust: std::sync::OnceLock::new(),
        }
    }

    /// Projections computed from the log and `T` only, ignoring the cache.
    pub fn uncached(store: &'a Store) -> Projections<'a> {
        Projections {
            store,
            cache: false,
            distrust: std::sync::OnceLock::new(),
        }
    }

    pub fn store(&self) -> &Store {
        self.store
    }

    /// The compromises the archive's revocations declare (every one in the
    /// log; a view as of an earlier entry counts only those before it).
    pub fn distrust(&self) -> Result<&Distrust> {
        if let Some(d) = self.distrust.get() {
            return Ok(d);
        }
        let d = Distrust::load(self.store)?;
        Ok(self.distrust.get_or_init(|| d))
    }

    /// Number of entries in the log.
    pub fn size(&self) -> Result<u64> {
        Ok(self.store.head()?.size)
    }

    /// How many entries a view as of `as_of` includes (`None`: all).
    pub fn cut(&self, as_of: Option<AsOf>) -> Result<u64> {
        let size = self.size()?;
        Ok(match as_of {
            None => size,
            Some(AsOf::Seq(s)) => s.saturating_add(1).min(size),
            Some(AsOf::Time(t)) => {
                // received_at never decreases along the log: binary search
                // for the number of entries received at or before `t`.
                let (mut lo, mut hi) = (0u64, size);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    let e = self
                        .store
                        .entry(mid)?
                        .ok_or_else(|| ProjectionError::Corrupt {
                            seq: mid,
                            reason: "the entry is missing".into(),
                        })?;
                    if e.received_at <= t {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                lo
            }
        })
    }

    fn incident_info(&self, id: &str) -> Result<Option<IncidentInfo>> {
        Ok(crate::rules::Index::incident(self.store, id)?)
    }

    /// Incident ids opened among the first `upto` entries, in id order.
    pub fn incident_ids(&self, upto: u64) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for item in self.store.incident_rows() {
            let (k, v) = item?;
            let id = String::from_utf8_lossy(&k).into_owned();
            let info: IncidentInfo = encoding::decode_canonical(&v, 1 << 20, "incident index")
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if info.opened_at < upto {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// The highest seq in `T` for `id`, if any.
    fn last_touch(&self, id: &str) -> Result<Option<u64>> {
        Ok(self.store.last_touch(id)?)
    }

    /// The entries of `id`'s group among the first `upto`, from `T`.
    pub fn gather(&self, id: &str, upto: u64) -> Result<Vec<Arc<Event>>> {
        let mut events: BTreeMap<u64, Arc<Event>> = BTreeMap::new();
        let mut visited: BTreeSet<String> = BTreeSet::new();
        let mut stack = vec![id.to_string()];
        while let Some(x) = stack.pop() {
            if !visited.insert(x.clone()) {
                continue;
            }
            for seq in self.store.touching(&x) {
                let seq = seq?;
                if seq >= upto {
                    break;
                }
                let ev = match events.get(&seq) {
                    Some(ev) => ev.clone(),
                    None => {
                        let ev = Arc::new(Event::read(self.store, seq)?);
                        events.insert(seq, ev.clone());
                        ev
                    }
                };
                if let Some(Payload::Merge(m)) = &ev.payload {
                    if m.into == x && !visited.contains(&m.from) {
                        stack.push(m.from.clone());
                    }
                }
            }
        }
        Ok(events.into_values().collect())
    }

    /// Resolve an incident id, or a place name / title matched with
    /// Unicode folding ("Emimalane" finds "émimalane-2025-10-24").
    pub fn resolve(&self, query: &str) -> Result<String> {
        if valid_incident_id(query) && self.incident_info(query)?.is_some() {
            return Ok(query.to_string());
        }
        let size = self.size()?;
        let mut hits = Vec::new();
        self.for_each_summary::<ProjectionError>(size, |s| {
            let Some(i) = &s.incident else { return Ok(()) };
            let names = [&i.place.name, &i.title, &s.id];
            if names.iter().any(|n| matching::same_name(n, query))
                || matching::contains(&i.title, query)
                || matching::contains(&s.id, query)
            {
                hits.push(s.id);
            }
            Ok(())
        })?;
        match hits.len() {
            1 => Ok(hits.remove(0)),
            0 => Err(ProjectionError::UnknownIncident(query.to_string())),
            _ => Err(ProjectionError::Ambiguous {
                query: query.to_string(),
                candidates: hits.join(", "),
            }),
        }
    }

    /// The view of incident `id` with the first `upto` entries.
    pub fn incident(&self, id: &str, upto: u64) -> Result<IncidentView> {
        let info = self
            .incident_info(id)?
            .ok_or_else(|| ProjectionError::UnknownIncident(id.to_string()))?;
        if info.opened_at >= upto {
            return Err(ProjectionError::NotYetOpened {
                id: id.to_string(),
                as_of: upto as i128 - 1,
                opened_at: info.opened_at,
            });
        }
        let events = self.gather(id, upto)?;
        Ok(IncidentView::build(
            id,
            &events,
            upto.saturating_sub(1),
            self.distrust()?,
        ))
    }

    fn cached(&self, id: &str) -> Result<Option<IncidentSummary>> {
        let Some(v) = self.store.view(id)? else {
            return Ok(None);
        };
        let Ok(c) = serde_json::from_slice::<CachedSummary>(&v) else {
            return Ok(None);
        };
        if c.version != CACHE_VERSION || c.summary.id != id {
            return Ok(None);
        }
        if c.revocations != self.distrust()?.stamp(self.size()?) {
            return Ok(None);
        }
        let mut last = 0;
        for m in &c.summary.members {
            last = last.max(self.last_touch(m)?.unwrap_or(0));
        }
        Ok((last == c.stamp).then_some(c.summary))
    }

    fn store_cached(&self, s: &IncidentSummary) -> Result<()> {
        let c = CachedSummary {
            version: CACHE_VERSION,
            stamp: s.last_seq,
            revocations: self.distrust()?.stamp(self.size()?),
            summary: s.clone(),
        };
        if let Ok(bytes) = serde_json::to_vec(&c) {
            self.store.put_view(&s.id, &bytes)?;
        }
        Ok(())
    }

    /// Summaries of the incidents opened among the first `upto` entries.
    /// Current summaries come from the cache when it is up to date.
    pub fn summaries(&self, upto: u64) -> Result<Vec<IncidentSummary>> {
        let mut out = Vec::new();
        self.for_each_summary::<ProjectionError>(upto, |s| {
            out.push(s);
            Ok(())
        })?;
        Ok(out)
    }

    /// [`Projections::summaries`], handed to `each` one at a time, in the
    /// same order, so that a caller that prints them need not hold them
    /// all (~40 KB each: 9,963 incidents of a 1M-entry archive are ~400 MB
    /// of JSON). Stops at the first error, the projection's or `each`'s
    /// (any error a `ProjectionError` converts into, such as a printer's).
    pub fn for_each_summary<E: From<ProjectionError>>(
        &self,
        upto: u64,
        mut each: impl FnMut(IncidentSummary) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let current = upto >= self.size()?;
        for id in self.incident_ids(upto)? {
            if current && self.cache {
                if let Some(s) = self.cached(&id)? {
                    each(s)?;
                    continue;
                }
            }
            let s = self.incident(&id, upto)?.summary();
            if current && self.cache {
                self.store_cached(&s)?;
            }
            each(s)?;
        }
        Ok(())
    }

    fn claims_index(&self) -> Result<ClaimsIndex> {
        let size = self.size()?;
        let mut idx = match self.store.claims_index()? {
            Some(v) if self.cache => serde_json::from_slice::<ClaimsIndex>(&v)
                .ok()
                .filter(|i| i.version == CACHE_VERSION && i.scanned <= size)
                .unwrap_or_default(),
            _ => ClaimsIndex::default(),
        };
        if idx.version != CACHE_VERSION {
            idx = ClaimsIndex {
                version: CACHE_VERSION,
                ..ClaimsIndex::default()
            };
        }
        if idx.scanned == size {
            return Ok(idx);
        }
        let mut hashes: BTreeSet<String> = idx.claims.iter().map(|(_, h)| h.clone()).collect();
        for item in self.store.entries_from(idx.scanned) {
            let (seq, bytes) = item?;
            let corrupt = |reason: String| ProjectionError::Corrupt { seq, reason };
            let entry = Entry::from_bytes(&bytes).map_err(|e| corrupt(e.to_string()))?;
            let body = StatementBody::decode(&entry.statement.body_bytes)
                .map_err(|e| corrupt(e.to_string()))?;
            match body.kind {
                Kind::SummaryClaim => {
                    let h = entry.statement.hash().to_hex();
                    hashes.insert(h.clone());
                    idx.claims.push((seq, h));
                }
                Kind::Annotation
                    if body
                        .refs
                        .first()
                        .is_some_and(|r| hashes.contains(&hex::encode(r))) =>
                {
                    idx.notes.push(seq);
                }
                _ => {}
            }
        }
        idx.scanned = size;
        if self.cache {
            if let Ok(bytes) = serde_json::to_vec(&idx) {
                self.store.put_claims_index(&bytes)?;
            }
        }
        Ok(idx)
    }

    /// The summary claims among the first `upto` entries, with their annotations.
    pub fn claims(&self, upto: u64) -> Result<Vec<incident::ClaimView>> {
        let idx = self.claims_index()?;
        let mut claims = Vec::new();
        for (seq, _) in idx.claims.iter().filter(|(s, _)| *s < upto) {
            claims.push(Arc::new(Event::read(self.store, *seq)?));
        }
        let mut notes = Vec::new();
        for seq in idx.notes.iter().filter(|s| **s < upto) {
            notes.push(Arc::new(Event::read(self.store, *seq)?));
        }
        Ok(claim_views(
            &claims,
            &notes,
            self.distrust()?,
            upto.saturating_sub(1),
        ))
    }

    /// Tally over a region and date window, reconciled with summary claims.
    pub fn tally(&self, filter: &TallyFilter, upto: u64) -> Result<Tally> {
        filter.check()?;
        let summaries = self.summaries(upto)?;
        let claims = self.claims(upto)?;
        Ok(Tally::compute(
            &summaries,
            &claims,
            filter,
            upto.saturating_sub(1),
        ))
    }

    /// Look up a statement by its hash or a prefix of at least 8 hex digits.
    pub fn find_statement(&self, hex_prefix: &str) -> Result<(Digest, StatementInfo)> {
        let p = hex_prefix.trim().to_ascii_lowercase();
        if p.len() < 8 || p.len() > 64 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ProjectionError::BadSubject(hex_prefix.to_string()));
        }
        let even = &p[..p.len() & !1];
        let bytes = hex::decode(even).map_err(|_| ProjectionError::BadSubject(p.clone()))?;
        let mut found = Vec::new();
        for item in self.store.statement_rows_with_prefix(&bytes) {
            let (k, v) = item?;
            let h = hex::encode(&k);
            if h.starts_with(&p) {
                let info: StatementInfo =
                    encoding::decode_canonical(&v, 1 << 20, "statement index")
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let d = Digest::from_hex(&h).ok_or_else(|| StoreError::Corrupt(h.clone()))?;
                found.push((d, info));
            }
            if found.len() > 1 {
                break;
            }
        }
        match found.len() {
            0 => Err(ProjectionError::UnknownStatement(p)),
            1 => Ok(found.remove(0)),
            _ => Err(ProjectionError::Ambiguous {
                query: p,
                candidates: "several statements; give more hex digits".into(),
            }),
        }
    }

    /// How the record of an incident (by id or name) or of a testimony (by
    /// statement hash) changed, entry by entry.
    pub fn history(&self, subject: &str) -> Result<History> {
        let upto = self.size()?;
        if valid_incident_id(subject) && self.incident_info(subject)?.is_some() {
            return history::incident_history(self, subject, upto);
        }
        let hexlike = subject.len() >= 8 && subject.bytes().all(|b| b.is_ascii_hexdigit());
        if hexlike {
            match self.find_statement(subject) {
                Ok((hash, info)) => return self.statement_history(hash, &info, upto),
                Err(ProjectionError::UnknownStatement(_)) => {}
                Err(e) => return Err(e),
            }
        }
        match self.resolve(subject) {
            Ok(id) => history::incident_history(self, &id, upto),
            Err(ProjectionError::UnknownIncident(_)) if hexlike => {
                Err(ProjectionError::UnknownStatement(subject.to_string()))
            }
            Err(ProjectionError::UnknownIncident(_)) if subject.len() < 8 => {
                Err(ProjectionError::BadSubject(subject.to_string()))
            }
            Err(e) => Err(e),
        }
    }

    fn statement_history(&self, hash: Digest, info: &StatementInfo, upto: u64) -> Result<History> {
        match info.subject {
            Kind::Incident => {
                let id = info
                    .incident_id()
                    .map(str::to_string)
                    .ok_or_else(|| ProjectionError::UnknownIncident(hash.to_hex()))?;
                history::incident_history(self, &id, upto)
            }
            Kind::Testimony => history::testimony_history(self, hash, info, upto),
            kind => Err(ProjectionError::NoHistory {
                hash: hash.to_hex(),
                kind,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{hex_str, hex_string};
    use crate::hash::Digest;

    #[test]
    fn hex_helpers_write_what_hex_encode_writes() {
        let mut d = Digest([0; 32]);
        for (i, b) in d.0.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37) ^ 0xa5;
        }
        d.0[0] = 0;
        d.0[31] = 0xff;
        assert_eq!(hex_str(&d, &mut [0; 64]), hex::encode(d.0));
        assert_eq!(hex_string(&d.0), hex::encode(d.0));
        assert_eq!(hex_string(&[]), "");
        assert_eq!(hex_string(&[0x0f, 0xf0]), "0ff0");
    }
}
