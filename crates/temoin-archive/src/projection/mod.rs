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
//! - [`Fold`]: the fold, one entry at a time, over the whole log
//!   (`temoin rebuild`, the audit's replay, a process that follows the log);
//! - [`ArchiveViews::incident`]: from the `T` index, for one incident, as of
//!   any seq — its cost is the number of entries touching that incident,
//!   not the length of the log;
//! - the cache under the `J` prefix: each incident's summary as last
//!   computed, stamped with the last seq it includes, used by `incident
//!   list` and `tally` while no newer entry touches the incident.
//!
//! Why on demand rather than updated inside every ingest batch: see
//! docs/DOMAIN.md, "Keeping current state".

pub mod history;
mod rebuild;

pub use history::{History, HistoryStep};
#[doc(hidden)]
pub use rebuild::Tuning;
pub use temoin_core::projection::*;

use crate::compromise::Distrust;
use crate::domain::{valid_incident_id, Payload};
use crate::encoding;
use crate::entry::Entry;
use crate::hash::Digest;
use crate::rules::{IncidentInfo, StatementInfo};
use crate::statement::{Kind, StatementBody};
use crate::store::{Damage, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
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
    /// A statement hash prefix that several statements start with: the
    /// lookup's message, which lists them.
    #[error("{0}")]
    AmbiguousStatement(String),
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

impl From<EventError> for ProjectionError {
    fn from(e: EventError) -> ProjectionError {
        ProjectionError::Corrupt {
            seq: e.seq,
            reason: e.reason,
        }
    }
}

impl From<BadDate> for ProjectionError {
    fn from(e: BadDate) -> ProjectionError {
        ProjectionError::BadDate {
            what: e.what,
            value: e.value,
        }
    }
}

/// Decode a stored entry, reading its payload from the store.
pub fn decode_event(store: &Store, seq: u64, bytes: &[u8]) -> Result<Event> {
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

/// Read entry `seq` from the store as an event.
pub fn read_event(store: &Store, seq: u64) -> Result<Event> {
    let bytes = store
        .entry_bytes(seq)?
        .ok_or_else(|| ProjectionError::Corrupt {
            seq,
            reason: "the entry is missing".into(),
        })?;
    decode_event(store, seq, &bytes)
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

/// Version of the cached summaries and claims index: bump it whenever
/// `IncidentSummary` or what the views compute changes, so that entries
/// written by an older build are ignored (and recomputed), never trusted.
const CACHE_VERSION: u32 = 3;

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
pub struct ArchiveViews<'a> {
    store: &'a Store,
    cache: bool,
    /// The archive's declared compromises, read once (`Distrust::load`).
    distrust: std::sync::OnceLock<Distrust>,
}

impl<'a> ArchiveViews<'a> {
    /// Projections that read and refresh the `J` cache.
    pub fn new(store: &'a Store) -> ArchiveViews<'a> {
        ArchiveViews {
            store,
            cache: true,
            distrust: std::sync::OnceLock::new(),
        }
    }

    /// Projections computed from the log and `T` only, ignoring the cache.
    pub fn uncached(store: &'a Store) -> ArchiveViews<'a> {
        ArchiveViews {
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
        let d = crate::compromise::load_distrust(self.store)?;
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
                .map_err(|e| {
                    StoreError::Corrupt(Damage::BadRow {
                        row: "I",
                        detail: e.to_string(),
                    })
                })?;
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
                        let ev = Arc::new(read_event(self.store, seq)?);
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

    /// [`ArchiveViews::summaries`], handed to `each` one at a time, in the
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
            claims.push(Arc::new(read_event(self.store, *seq)?));
        }
        let mut notes = Vec::new();
        for seq in idx.notes.iter().filter(|s| **s < upto) {
            notes.push(Arc::new(read_event(self.store, *seq)?));
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
        let summaries = match filter.min_grade {
            None => self.summaries(upto)?,
            // Filtered figures are not cached: each incident's view is
            // built and filtered (as `victims` builds every view).
            Some(min) => {
                let mut out = Vec::new();
                for id in self.incident_ids(upto)? {
                    out.push(self.incident(&id, upto)?.with_min_grade(min).into_summary());
                }
                out
            }
        };
        let claims = self.claims(upto)?;
        Ok(Tally::compute(
            &summaries,
            &claims,
            filter,
            upto.saturating_sub(1),
        ))
    }

    /// Look up a statement by its hash or a prefix of at least 8 hex
    /// digits (through [`crate::store::Store::find_statement`], as every
    /// command does).
    pub fn find_statement(&self, hex_prefix: &str) -> Result<(Digest, StatementInfo)> {
        use crate::store::LookupError;
        let p = crate::hash::HashPrefix::parse(hex_prefix)
            .map_err(|_| ProjectionError::BadSubject(hex_prefix.to_string()))?;
        match self.store.find_statement(&p) {
            Ok(found) => Ok(found),
            Err(LookupError::NotFound { prefix, .. }) => {
                Err(ProjectionError::UnknownStatement(prefix.to_string()))
            }
            Err(e @ LookupError::Ambiguous { .. }) => {
                Err(ProjectionError::AmbiguousStatement(e.to_string()))
            }
            Err(LookupError::Store(e)) => Err(e.into()),
        }
    }

    /// How the record of an incident (by id or name) or of a testimony (by
    /// statement hash) changed, entry by entry, said in English.
    pub fn history(&self, subject: &str) -> Result<History> {
        self.history_in(subject, crate::i18n::Lang::En)
    }

    /// [`ArchiveViews::history`], said in `lang`.
    pub fn history_in(&self, subject: &str, lang: crate::i18n::Lang) -> Result<History> {
        let upto = self.size()?;
        if valid_incident_id(subject) && self.incident_info(subject)?.is_some() {
            return history::incident_history(self, subject, upto, lang);
        }
        let hexlike = subject.len() >= 8 && subject.bytes().all(|b| b.is_ascii_hexdigit());
        if hexlike {
            match self.find_statement(subject) {
                Ok((hash, info)) => return self.statement_history(hash, &info, upto, lang),
                Err(ProjectionError::UnknownStatement(_)) => {}
                Err(e) => return Err(e),
            }
        }
        match self.resolve(subject) {
            Ok(id) => history::incident_history(self, &id, upto, lang),
            Err(ProjectionError::UnknownIncident(_)) if hexlike => {
                Err(ProjectionError::UnknownStatement(subject.to_string()))
            }
            Err(ProjectionError::UnknownIncident(_)) if subject.len() < 8 => {
                Err(ProjectionError::BadSubject(subject.to_string()))
            }
            Err(e) => Err(e),
        }
    }

    fn statement_history(
        &self,
        hash: Digest,
        info: &StatementInfo,
        upto: u64,
        lang: crate::i18n::Lang,
    ) -> Result<History> {
        match info.subject {
            Kind::Incident => {
                let id = info
                    .incident_id()
                    .map(str::to_string)
                    .ok_or_else(|| ProjectionError::UnknownIncident(hash.to_hex()))?;
                history::incident_history(self, &id, upto, lang)
            }
            Kind::Testimony => history::testimony_history(self, hash, info, upto, lang),
            kind => Err(ProjectionError::NoHistory {
                hash: hash.to_hex(),
                kind,
            }),
        }
    }
}
