//! `temoin rebuild`: recompute every incident's view from the log alone
//! and compare it with what is stored, in bounded memory.
//!
//! The log is read in chunks; each chunk's entries are decoded, their
//! payload parts read and parsed on all cores, then folded one at a time,
//! in seq order, exactly as [`super::Fold::apply`] folds them: the
//! same touches (the same [`Tracker`]), the same merge groups. What differs
//! is what is kept: an incident's entries are held only until its group is
//! *complete*, then its view is built (on all cores, with the other
//! incidents completed in the same chunk), compared with the cached one and
//! dropped; only the seqs of its group stay.
//!
//! When is a group complete? The stored `T` index says which seq last
//! touched each incident; a group can only grow by an entry touching one
//! of its members. So once the fold has passed the last `T` seq of every
//! current member, the group is complete — if `T` is right. `T` is only a
//! hint here: if an entry is later added to a group already completed
//! (which can only happen when `T` lacks a touch, and then the report shows
//! it), the group is marked dirty and its view is computed again at the end
//! from its entries, read back by seq. The result never depends on `T`.
//!
//! Cached summaries: a missing one is written as soon as its view is built
//! (one sled batch per chunk); one that exists but differs is rewritten at
//! the end (its new bytes kept in memory up to a budget, else its view is
//! recomputed then), so that a dirty group is always compared with the
//! summary stored before the rebuild. Unlike the rest, those early writes
//! of missing summaries stay if the rebuild then fails on a damaged log;
//! each is the view of a complete group, as a later rebuild would write it.

use super::{read_event, ProjectionError};
use super::{
    union_sorted, ArchiveViews, CachedSummary, ClaimsIndex, Event, IncidentSummary, RebuildReport,
    Result, TouchMismatch, Tracker, CACHE_VERSION,
};
use crate::compromise::Distrust;
use crate::domain::Payload;
use crate::hash::Digest;
use crate::store::{self, RowBytes, Store, StoreError, WriteBatch};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

/// How the rebuild cuts its work; the result does not depend on it (the
/// tests rebuild with tiny chunks and budgets to exercise every path).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Tuning {
    /// Entries read and decoded at once (as `Store::entry_chunks`).
    pub chunk: usize,
    /// Bytes of rewritten summaries kept for the end; beyond, their views
    /// are computed again then.
    pub pending_budget: usize,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            // Groups are found complete, and their entries dropped, at the
            // end of a chunk: small chunks keep fewer entries alive (peak
            // RSS at 100k entries: 275 MB with 16384, 223 MB with 2048), at
            // the same speed as long as the reader stays READ_AHEAD ahead.
            chunk: 2048,
            pending_budget: 32 << 20,
        }
    }
}

/// An incident's group of entries.
enum Group {
    /// Not complete yet: its entries, in seq order.
    Live(Vec<Arc<Event>>),
    /// Complete (its view built), or thought so: the seqs only. `dirty`
    /// when it grew after all.
    Done { seqs: Vec<u64>, dirty: bool },
}

impl Group {
    fn seqs(&self) -> Vec<u64> {
        match self {
            Group::Live(evs) => evs.iter().map(|e| e.seq).collect(),
            Group::Done { seqs, .. } => seqs.clone(),
        }
    }
}

/// What the rebuild found about an incident's cached summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Missing,
    Stale,
    Matched,
    Differing,
}

/// What is to be written for an incident's cached summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Write {
    Nothing,
    /// Written during the fold (the summary was missing).
    Inserted,
    /// New bytes kept in `pending`.
    Pending,
    /// To be recomputed and written at the end.
    Recompute,
}

struct Inc {
    parent: Option<u32>,
    children: Vec<u32>,
    opened: bool,
    /// Seqs of the entries that touched it (the `T` index, recomputed).
    touched: Vec<u64>,
    /// The last seq the stored `T` index gives it.
    hint: Option<u64>,
    group: Group,
    class: Option<Class>,
    write: Write,
}

/// The fold of [`super::Fold`], keeping only live groups' entries.
struct Fold<'s> {
    store: &'s Store,
    tracker: Tracker,
    incs: Vec<Inc>,
    hints: HashMap<String, u64>,
    /// (deadline, incident): look at it again once the fold is past the deadline.
    due: BinaryHeap<Reverse<(u64, u32)>>,
    claims: Vec<(u64, Digest)>,
    claim_hashes: HashSet<Digest>,
    claim_notes: Vec<u64>,
    /// The compromises loaded before the fold (views are built as groups
    /// complete, before the fold reaches a later revocation), and the
    /// revocations the fold met, to check them against it.
    distrust: &'s Distrust,
    revocations_met: usize,
    next: u64,
}

impl<'s> Fold<'s> {
    fn sync_ids(&mut self) {
        while self.incs.len() < self.tracker.names().len() {
            let n = self.incs.len() as u32;
            let hint = self.hints.get(&self.tracker.names()[n as usize]).copied();
            self.incs.push(Inc {
                parent: None,
                children: Vec::new(),
                opened: false,
                touched: Vec::new(),
                hint,
                group: Group::Live(Vec::new()),
                class: None,
                write: Write::Nothing,
            });
            self.due.push(Reverse((hint.unwrap_or(0), n)));
        }
    }

    fn id(&self, name: &str) -> Result<u32> {
        // Every id a payload names is interned by `touch_ids` first.
        self.tracker
            .number(name)
            .ok_or_else(|| ProjectionError::Corrupt {
                seq: 0,
                reason: format!("incident {name:?} was named before the fold met it"),
            })
    }

    /// `Fold::ancestors_or_self`, on interned ids.
    fn ancestors_or_self(&self, id: u32) -> Vec<u32> {
        let mut out = vec![id];
        let mut cur = id;
        while let Some(p) = self.incs[cur as usize].parent {
            if out.contains(&p) {
                break;
            }
            out.push(p);
            cur = p;
        }
        out
    }

    /// Every incident whose ancestors include `id` (itself included).
    fn members(&self, id: u32) -> Vec<u32> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            for &c in &self.incs[out[i] as usize].children {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
            i += 1;
        }
        out
    }

    /// The entries of `id`'s group (read back from the store if done).
    fn group_events(&self, id: u32) -> Result<Vec<Arc<Event>>> {
        match &self.incs[id as usize].group {
            Group::Live(evs) => Ok(evs.clone()),
            Group::Done { seqs, .. } => read_events(self.store, seqs),
        }
    }

    fn add(&mut self, a: u32, ev: &Arc<Event>) {
        match &mut self.incs[a as usize].group {
            Group::Live(g) => {
                if g.last().is_none_or(|l| l.seq != ev.seq) {
                    g.push(ev.clone());
                }
            }
            Group::Done { seqs, dirty } => {
                if seqs.last() != Some(&ev.seq) {
                    seqs.push(ev.seq);
                    *dirty = true;
                }
            }
        }
    }

    /// `Fold::apply`.
    fn apply(&mut self, ev: Arc<Event>) -> Result<()> {
        if let Some((key, effective_at)) = ev.revokes {
            let listed = self.distrust.get(&key);
            if listed.map(|c| (c.revoked_at, c.effective_at)) != Some((ev.seq, effective_at)) {
                return Err(ProjectionError::Corrupt {
                    seq: ev.seq,
                    reason: "this revocation is not one the registry rows (R) list; the views would miss what it declares".into(),
                });
            }
            self.revocations_met += 1;
        }
        let touches = self.tracker.touch_ids(&ev);
        self.sync_ids();
        for &t in &touches {
            self.incs[t as usize].touched.push(ev.seq);
        }
        match &ev.payload {
            Some(Payload::Incident(i)) => {
                let n = self.id(&i.id)?;
                self.incs[n as usize].opened = true;
            }
            Some(Payload::Merge(m)) => {
                let (from, into) = (self.id(&m.from)?, self.id(&m.into)?);
                let from_events = self.group_events(from)?;
                for a in self.ancestors_or_self(into) {
                    if a == from {
                        continue;
                    }
                    match &mut self.incs[a as usize].group {
                        Group::Live(g) => *g = union_sorted(g, &from_events),
                        Group::Done { seqs, dirty } => {
                            let u = union_seqs(seqs, from_events.iter().map(|e| e.seq));
                            if u != *seqs {
                                *seqs = u;
                                *dirty = true;
                            }
                        }
                    }
                }
                if from != into {
                    if let Some(old) = self.incs[from as usize].parent {
                        self.incs[old as usize].children.retain(|&c| c != from);
                    }
                    self.incs[from as usize].parent = Some(into);
                    self.incs[into as usize].children.push(from);
                }
            }
            Some(Payload::SummaryClaim(_)) => {
                self.claim_hashes.insert(ev.hash);
                self.claims.push((ev.seq, ev.hash));
            }
            Some(Payload::Annotation(_))
                if ev
                    .refs
                    .first()
                    .is_some_and(|r| self.claim_hashes.contains(r)) =>
            {
                self.claim_notes.push(ev.seq);
            }
            _ => {}
        }
        let mut affected: Vec<u32> = Vec::new();
        for &t in &touches {
            for a in self.ancestors_or_self(t) {
                if !affected.contains(&a) {
                    affected.push(a);
                }
            }
        }
        for a in affected {
            self.add(a, &ev);
        }
        self.next = ev.seq + 1;
        Ok(())
    }

    /// Mark done every group that can no longer grow (all of them at the
    /// end of the log); returns the opened ones with their entries.
    fn take_complete(&mut self, end: bool) -> Vec<(u32, Vec<Arc<Event>>)> {
        let mut out = Vec::new();
        while let Some(&Reverse((deadline, id))) = self.due.peek() {
            if !end && deadline >= self.next {
                break;
            }
            self.due.pop();
            if matches!(self.incs[id as usize].group, Group::Done { .. }) {
                continue;
            }
            if !end {
                let d = self
                    .members(id)
                    .iter()
                    .filter_map(|&m| self.incs[m as usize].hint)
                    .max()
                    .unwrap_or(0);
                if d >= self.next {
                    self.due.push(Reverse((d, id)));
                    continue;
                }
            }
            let inc = &mut self.incs[id as usize];
            inc.touched.shrink_to_fit();
            let done = Group::Done {
                seqs: inc.group.seqs(),
                dirty: false,
            };
            if let Group::Live(evs) = std::mem::replace(&mut inc.group, done) {
                if inc.opened {
                    out.push((id, evs));
                }
            }
        }
        out
    }
}

fn union_seqs(a: &[u64], b: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut all: Vec<u64> = a.iter().copied().chain(b).collect();
    all.sort_unstable();
    all.dedup();
    all
}

fn read_events(store: &Store, seqs: &[u64]) -> Result<Vec<Arc<Event>>> {
    seqs.iter()
        .map(|&s| read_event(store, s).map(Arc::new))
        .collect()
}

/// One entry decoded, its payload read and parsed; the failure, if any,
/// at the step where it happened (a chunk reports its first decoding
/// failure, then its first missing payload, then its first bad payload).
// Most entries are `Ok`: boxing the event would cost an allocation each.
#[allow(clippy::large_enum_variant)]
enum Staged<T = Event> {
    Ok(T),
    Decode(ProjectionError),
    Part(ProjectionError),
    Parse(ProjectionError),
}

/// An entry staged and shared, as the fold keeps it.
type Shared = Staged<Arc<Event>>;

impl Staged {
    /// The event behind an `Arc`, made on the decoding threads rather than
    /// by the fold (one thread), and a few bytes to move instead of the
    /// whole event from vector to vector.
    fn shared(self) -> Shared {
        match self {
            Staged::Ok(ev) => Staged::Ok(Arc::new(ev)),
            Staged::Decode(e) => Staged::Decode(e),
            Staged::Part(e) => Staged::Part(e),
            Staged::Parse(e) => Staged::Parse(e),
        }
    }
}

fn stage(store: &Store, seq: u64, bytes: &[u8]) -> Staged {
    let (mut ev, payload) = match Event::decode_without_payload(seq, bytes) {
        Ok(x) => x,
        Err(e) => return Staged::Decode(e.into()),
    };
    if let Some(d) = payload {
        let content = match store.part(seq, &d) {
            Ok(Some((_, c))) => c,
            Ok(None) => {
                return Staged::Part(ProjectionError::Corrupt {
                    seq: ev.seq,
                    reason: "its payload part is missing".into(),
                })
            }
            Err(e) => return Staged::Part(e.into()),
        };
        if let Err(e) = ev.set_payload(&content) {
            return Staged::Parse(e.into());
        }
    }
    Staged::Ok(ev)
}

fn decode_chunk(store: &Store, raw: Vec<(u64, crate::store::RowBytes)>) -> Result<Vec<Arc<Event>>> {
    settle(crate::par::map(raw, |(seq, bytes)| {
        stage(store, seq, &bytes).shared()
    }))
}

/// The chunk's events, or its first failure (see [`Staged`]).
fn settle<T>(staged: impl IntoIterator<Item = Staged<T>>) -> Result<Vec<T>> {
    let staged = staged.into_iter();
    let mut first: [Option<ProjectionError>; 3] = [None, None, None];
    let mut events = Vec::with_capacity(staged.size_hint().0);
    for s in staged {
        let (slot, e) = match s {
            Staged::Ok(ev) => {
                events.push(ev);
                continue;
            }
            Staged::Decode(e) => (0, e),
            Staged::Part(e) => (1, e),
            Staged::Parse(e) => (2, e),
        };
        if first[slot].is_none() {
            first[slot] = Some(e);
        }
    }
    match first {
        [Some(e), _, _] | [None, Some(e), _] | [None, None, Some(e)] => Err(e),
        _ => Ok(events),
    }
}

/// Entries decoded ahead of the fold, in whole chunks waiting for it: the
/// fold builds the views a chunk completes in bursts, and the decoding
/// threads run on meanwhile instead of waiting for it (at 100k entries,
/// chunks of 4096 took ~8 % longer with none waiting than with three).
const READ_AHEAD: usize = 12_288;

/// Entries read by one worker at a time (from one `entries_from` seek,
/// one `part_locs` scan and, usually, one read of the parts file).
const RUN: u64 = 256;

/// The most bytes of the parts file read at once for a run's payloads;
/// beyond (large parts between them), each payload is read on its own.
const MAX_SPAN: u64 = 8 << 20;

/// A decoding worker's buffers, kept from run to run.
#[derive(Default)]
struct Bufs {
    /// Entries of the run awaiting their payload: (index in the run's
    /// output, payload digest).
    want: Vec<(usize, Digest)>,
    /// The run's `P` rows.
    locs: Vec<(u64, Digest, store::PartLoc)>,
    /// Where each wanted payload lies: (index in `want`, location).
    found: Vec<(usize, store::PartLoc)>,
    /// The run of the parts file its payloads span.
    span: Vec<u8>,
    /// The run's entries, staged.
    run: Vec<Staged>,
}

fn missing_part(seq: u64) -> ProjectionError {
    ProjectionError::Corrupt {
        seq,
        reason: "its payload part is missing".into(),
    }
}

/// Entries `from..from + len`, staged as [`stage`] stages each, then
/// shared, onto `out`; `false` (and nothing added) if they are not exactly
/// those seqs in that order, or a read of the log fails. The payloads are
/// located with one `part_locs` scan and read with one read of the region
/// they span (parts of consecutive entries lie in log order); anything
/// unexpected there (a row that does not decode, an absurd span) and the
/// entries are staged part by part, as [`stage`] does, so that the results
/// are the same.
fn stage_run(store: &Store, from: u64, len: u64, bufs: &mut Bufs, out: &mut Vec<Shared>) -> bool {
    let mut run = std::mem::take(&mut bufs.run);
    run.clear();
    let staged = stage_run_into(store, from, len, bufs, &mut run);
    if staged {
        out.extend(run.drain(..).map(Staged::shared));
    }
    bufs.run = run;
    staged
}

/// [`stage_run`], onto `out` (the worker's buffer for the run), the events
/// not yet shared.
fn stage_run_into(
    store: &Store,
    from: u64,
    len: u64,
    bufs: &mut Bufs,
    out: &mut Vec<Staged>,
) -> bool {
    let base = out.len();
    bufs.want.clear();
    for item in store.entries_from(from).take(len as usize) {
        let seq = from + (out.len() - base) as u64;
        match item {
            Ok((s, bytes)) if s == seq => match Event::decode_without_payload(seq, &bytes) {
                Ok((ev, payload)) => {
                    if let Some(d) = payload {
                        bufs.want.push((out.len(), d));
                    }
                    out.push(Staged::Ok(ev));
                }
                Err(e) => out.push(Staged::Decode(e.into())),
            },
            _ => return false,
        }
    }
    if (out.len() - base) as u64 != len {
        return false;
    }
    if bufs.want.is_empty() {
        return true;
    }
    bufs.locs.clear();
    let mut scanned = true;
    for row in store.part_locs(from, from + len) {
        match row {
            Ok(r) => bufs.locs.push(r),
            Err(_) => {
                scanned = false;
                break;
            }
        }
    }
    let Bufs {
        want,
        locs,
        found,
        span,
        ..
    } = bufs;
    if !scanned {
        for &(i, d) in want.iter() {
            settle_part(&mut out[i], |seq| {
                store.part(seq, &d).map(|p| p.map(|(_, c)| c))
            });
        }
        return true;
    }
    // Each wanted payload's row; a length out of range is left to
    // `Store::part`, which names it.
    found.clear();
    let (mut lo, mut hi) = (u64::MAX, 0u64);
    for (w, &(i, d)) in want.iter().enumerate() {
        let Staged::Ok(ev) = &out[i] else { continue };
        let seq = ev.seq;
        // The rows come in seq order; within an entry's row, in its order.
        let first = locs.partition_point(|(s, _, _)| *s < seq);
        let mine = locs[first..].iter().take_while(|(s, _, _)| *s == seq);
        let Some(&(_, _, loc)) = mine.clone().find(|(_, dd, _)| *dd == d) else {
            out[i] = Staged::Part(missing_part(seq));
            continue;
        };
        let in_range = loc.len_in_range() && loc.offset.checked_add(loc.len).is_some();
        if !in_range {
            settle_part(&mut out[i], |seq| {
                store.part(seq, &d).map(|p| p.map(|(_, c)| c))
            });
            continue;
        }
        lo = lo.min(loc.offset);
        hi = hi.max(loc.offset + loc.len);
        found.push((w, loc));
    }
    if found.is_empty() {
        return true;
    }
    let need = hi - lo;
    let read = if need <= MAX_SPAN {
        let need = need as usize;
        if span.len() < need {
            span.resize(need, 0);
        }
        store.parts_bytes_into(&mut span[..need], lo).ok()
    } else {
        None
    };
    for &(w, loc) in found.iter() {
        let i = want[w].0;
        match read {
            Some(n) => {
                let (a, b) = (
                    (loc.offset - lo) as usize,
                    (loc.offset - lo + loc.len) as usize,
                );
                if b <= n {
                    let content = &span[a + 32..b];
                    if let Staged::Ok(ev) = &mut out[i] {
                        if let Err(e) = ev.set_payload(content) {
                            out[i] = Staged::Parse(e.into());
                        }
                    }
                } else if let Staged::Ok(ev) = &out[i] {
                    out[i] = Staged::Part(missing_part(ev.seq));
                }
            }
            // One part at a time, at the location already found.
            None => settle_part(&mut out[i], |_| {
                let mut v = vec![0u8; loc.len as usize];
                let n = store.parts_bytes_into(&mut v, loc.offset)?;
                if n < v.len() {
                    return Ok(None);
                }
                v.drain(..32);
                Ok(Some(v))
            }),
        }
    }
    true
}

/// Give the staged entry `s` its payload's content, as `read(seq)` finds it.
fn settle_part(
    s: &mut Staged,
    read: impl FnOnce(u64) -> std::result::Result<Option<Vec<u8>>, StoreError>,
) {
    let Staged::Ok(ev) = s else { return };
    let seq = ev.seq;
    match read(seq) {
        Ok(Some(content)) => {
            if let Err(e) = ev.set_payload(&content) {
                *s = Staged::Parse(e.into());
            }
        }
        Ok(None) => *s = Staged::Part(missing_part(seq)),
        Err(e) => *s = Staged::Part(e.into()),
    }
}

/// Entries `from..from + len` staged by one worker, run by run; `None`
/// as [`stage_run`] says.
fn stage_range(store: &Store, from: u64, len: u64, bufs: &mut Bufs) -> Option<Vec<Shared>> {
    let mut out = Vec::with_capacity(len as usize);
    let mut at = from;
    while at < from + len {
        let n = RUN.min(from + len - at);
        if !stage_run(store, at, n, bufs, &mut out) {
            return None;
        }
        at += n;
    }
    Some(out)
}

/// Decoding threads that live as long as the rebuild (their allocations
/// are reused from chunk to chunk, rather than each chunk's threads
/// paging in fresh memory).
struct Workers {
    jobs: Vec<std::sync::mpsc::SyncSender<(u64, u64)>>,
    results: Vec<std::sync::mpsc::Receiver<Option<Vec<Shared>>>>,
}

impl Workers {
    fn spawn<'scope, 'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        store: &'env Store,
    ) -> Workers {
        let mut w = Workers {
            jobs: Vec::new(),
            results: Vec::new(),
        };
        for _ in 0..crate::par::threads().max(1) {
            let (jtx, jrx) = std::sync::mpsc::sync_channel::<(u64, u64)>(1);
            let (rtx, rrx) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move || {
                let mut bufs = Bufs::default();
                for (from, len) in jrx {
                    if rtx.send(stage_range(store, from, len, &mut bufs)).is_err() {
                        break;
                    }
                }
            });
            w.jobs.push(jtx);
            w.results.push(rrx);
        }
        w
    }

    /// Entries `start..start + n`, staged by all workers; `None` if they
    /// are not exactly those seqs in that order, or a read fails (the
    /// caller then reads the chunk the plain way, which meets the same
    /// fault where it always did).
    fn read_by_seq(&self, start: u64, n: u64) -> Option<Result<Vec<Arc<Event>>>> {
        let per = n.div_ceil(self.jobs.len() as u64).max(1);
        let mut sent = 0;
        for (k, job) in self.jobs.iter().enumerate() {
            let from = k as u64 * per;
            if from >= n {
                break;
            }
            job.send((start + from, per.min(n - from))).ok()?;
            sent += 1;
        }
        let mut parts = Vec::with_capacity(sent);
        let mut ok = true;
        for r in &self.results[..sent] {
            match r.recv() {
                Ok(Some(p)) => parts.push(p),
                _ => ok = false,
            }
        }
        ok.then(|| settle(parts.into_iter().flatten()))
    }
}

type EntryIter<'s> =
    Box<dyn Iterator<Item = std::result::Result<(u64, crate::store::RowBytes), StoreError>> + 's>;

/// The log in the chunks of `Store::entry_chunks(0, chunk)`, decoded on
/// all cores. While no entry lies past the head, the chunks are read by
/// seq, on all cores; from the first anomaly on (or from the start if some
/// entry lies past the head), through one iterator as `entry_chunks` does.
struct Reader<'s> {
    store: &'s Store,
    workers: Workers,
    chunk: usize,
    size: u64,
    /// The seq (and position in the log) of the next chunk.
    next: u64,
    by_seq: bool,
    plain: Option<EntryIter<'s>>,
}

impl<'s> Reader<'s> {
    fn new(store: &'s Store, workers: Workers, size: u64, chunk: usize) -> Reader<'s> {
        let by_seq = store.entries_from(size).next().is_none();
        Reader {
            store,
            workers,
            chunk: chunk.max(1),
            size,
            next: 0,
            by_seq,
            plain: None,
        }
    }

    fn next_chunk(&mut self) -> Option<Result<Vec<Arc<Event>>>> {
        if self.plain.is_none() {
            if self.by_seq {
                if self.next >= self.size {
                    return None;
                }
                let n = (self.chunk as u64).min(self.size - self.next);
                if let Some(events) = self.workers.read_by_seq(self.next, n) {
                    self.next += n;
                    return Some(events);
                }
            }
            self.plain = Some(Box::new(self.store.entries_from(self.next)));
        }
        let it = self.plain.as_mut()?;
        let raw: std::result::Result<Vec<_>, _> = it.by_ref().take(self.chunk).collect();
        match raw {
            Ok(v) if v.is_empty() => None,
            Ok(v) => Some(decode_chunk(self.store, v)),
            Err(e) => Some(Err(e.into())),
        }
    }
}

/// A view built and compared with its cached summary.
struct Built {
    id: u32,
    class: Class,
    /// The new cached summary, when it must be written.
    bytes: Option<Vec<u8>>,
    /// Written already (it was missing).
    inserted: bool,
}

/// Build `id`'s view from `events`, and compare its summary with the
/// cached one (`ArchiveViews::rebuild` did exactly this, for every view).
/// `missing`: the cached summary is known to be absent (or was absent
/// before this rebuild wrote it). The summary is serialised into `buf`
/// (one buffer per thread, reused from view to view: summaries run to tens
/// of KB); `true` when those bytes must be written.
fn build(
    store: &Store,
    (name, events): (&str, &[Arc<Event>]),
    distrust: &Distrust,
    size: u64,
    missing: bool,
    buf: &mut Vec<u8>,
) -> Result<(Class, bool)> {
    let summary = IncidentSummary::of(name, events, size.saturating_sub(1), distrust);
    let fresh = CachedSummary {
        version: CACHE_VERSION,
        stamp: summary.last_seq,
        revocations: distrust.stamp(size),
        summary,
    };
    buf.clear();
    let serialised = serde_json::to_writer(&mut *buf, &fresh).is_ok();
    let bytes = serialised.then_some(buf.as_slice());
    let stored = if missing { None } else { store.view(name)? };
    let class = match &stored {
        None => Class::Missing,
        Some(s) if bytes == Some(&s[..]) && floats_round_trip(&fresh) => {
            debug_assert_eq!(classify(s, &fresh), Class::Matched);
            Class::Matched
        }
        Some(s) => classify(s, &fresh),
    };
    let same = matches!((&stored, bytes), (Some(s), Some(b)) if s[..] == *b);
    Ok((class, serialised && !same))
}

fn classify(stored: &[u8], fresh: &CachedSummary) -> Class {
    match serde_json::from_slice::<CachedSummary>(stored) {
        Ok(c)
            if c.version == CACHE_VERSION
                && (c.stamp < fresh.stamp || c.revocations < fresh.revocations) =>
        {
            Class::Stale
        }
        Ok(c) if c == *fresh => Class::Matched,
        _ => Class::Differing,
    }
}

/// Whether parsing back the JSON of `s` gives `s` again: true of every
/// field but the coordinates (`f64`), which are checked here.
fn floats_round_trip(s: &CachedSummary) -> bool {
    let Some(c) = s
        .summary
        .incident
        .as_ref()
        .and_then(|i| i.place.coordinates)
    else {
        return true;
    };
    [c.lat, c.lon].iter().all(|x| {
        serde_json::to_vec(x)
            .ok()
            .and_then(|b| serde_json::from_slice::<f64>(&b).ok())
            == Some(*x)
    })
}

/// The stored `T` index: incident → seqs, and the first malformed key's
/// error (returned once the fold is over, as a fold that met it there
/// would).
type StoredT = (BTreeMap<String, Vec<u64>>, Option<StoreError>);

fn read_stored_t(store: &Store) -> StoredT {
    let mut stored_t: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    // Keys are sorted, so an incident's rows come one after the other:
    // they are gathered here, and the incident named once per run of rows
    // rather than once per row (a `String` each, for ~1 row per entry).
    let mut run: Option<(RowBytes, Vec<u64>)> = None;
    let mut error = None;
    for item in store.touch_rows() {
        let (id, seq) = match item {
            Ok(row) => row,
            Err(e) => {
                error = Some(e);
                break;
            }
        };
        match &mut run {
            Some((run_id, seqs)) if *run_id == id => seqs.push(seq),
            _ => {
                if let Some((run_id, seqs)) = run.replace((id, vec![seq])) {
                    add_t_run(&mut stored_t, &run_id, seqs);
                }
            }
        }
    }
    if let Some((run_id, seqs)) = run {
        add_t_run(&mut stored_t, &run_id, seqs);
    }
    (stored_t, error)
}

/// Add the seqs of one run of `T` rows of incident `id`.
fn add_t_run(stored_t: &mut BTreeMap<String, Vec<u64>>, id: &[u8], seqs: Vec<u64>) {
    let id = String::from_utf8_lossy(id).into_owned();
    // Two runs can only name the same incident if its name is not valid
    // UTF-8 (the lossy conversion merges names): keep every seq, as the
    // row-by-row reading did.
    stored_t.entry(id).or_default().extend(seqs);
}

/// The ids that have a cached summary, gathered a few keys at a time while
/// the fold runs (see [`CachedIds::advance`]).
struct CachedIds {
    iter: Box<dyn Iterator<Item = std::result::Result<RowBytes, StoreError>> + Send>,
    ids: BTreeSet<String>,
    error: Option<StoreError>,
    done: bool,
}

/// Cached summaries looked at per chunk folded.
///
/// Why not all at once: sled's cache counts an access only when 64 have
/// queued in the page's shard (of 256), so a burst of reads touching a
/// thousand pages evicts none of them. The summaries are big (~40 KB, ~400
/// MB in all at 1M entries), and scanning them before the fold kept all of
/// them resident: the rebuild's peak went from 180 MB (sled opened) to 560
/// MB before its first entry. Scanned along the fold, their pages queue
/// among the log's and are evicted with them.
const CACHED_IDS_PER_CHUNK: usize = 64;

impl CachedIds {
    fn new(store: &Store) -> CachedIds {
        CachedIds {
            iter: Box::new(store.view_ids()),
            ids: BTreeSet::new(),
            error: None,
            done: false,
        }
    }

    /// Look at up to `n` more keys.
    fn advance(&mut self, n: usize) {
        for _ in 0..n {
            if self.done {
                return;
            }
            match self.iter.next() {
                None => self.done = true,
                Some(Ok(id)) => {
                    self.ids
                        .insert(String::from_utf8_lossy(id.as_ref()).into_owned());
                }
                Some(Err(e)) => {
                    self.error = Some(e);
                    self.done = true;
                }
            }
        }
    }

    /// Every id (keys inserted since the scan began may be among them:
    /// those are summaries the rebuild wrote, of incidents the log has),
    /// or the scan's error.
    fn finish(mut self) -> std::result::Result<BTreeSet<String>, StoreError> {
        self.advance(usize::MAX);
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.ids),
        }
    }
}

impl ArchiveViews<'_> {
    /// Replay the whole log and recompute every view from it alone; compare
    /// with what is stored (the `T` index, the cached summaries, the
    /// summary-claims index), then store the recomputed summaries.
    /// `progress` is called with the number of entries replayed so far.
    pub fn rebuild(&self, progress: &mut dyn FnMut(u64)) -> Result<RebuildReport> {
        self.rebuild_tuned(Tuning::default(), progress)
    }

    /// [`ArchiveViews::rebuild`], cut as `tuning` says.
    #[doc(hidden)]
    pub fn rebuild_tuned(
        &self,
        tuning: Tuning,
        progress: &mut dyn FnMut(u64),
    ) -> Result<RebuildReport> {
        let started = std::time::Instant::now();
        let store = self.store;
        let size = self.size()?;
        // Read from the entries the `R` rows name; the fold checks that it
        // meets exactly those revocations, so the views never rest on `R`.
        let distrust = &crate::compromise::load_distrust(store)?;
        // Ids that have a cached summary, gathered along the fold (an error
        // is returned after it). Meanwhile
        // each view's cached summary is read when the view is built: a
        // missing one is written then, and remembered as missing
        // (`Class::Missing`) for a second build.
        let mut cached_ids = CachedIds::new(store);
        let mut pending: HashMap<u32, Vec<u8>> = HashMap::new();
        let mut pending_bytes = 0usize;

        // A reader thread decodes the next chunks (on all cores) while this
        // one folds the last and builds the views it completed.
        let (fold, stored_t, t_error) = std::thread::scope(|scope| {
            let ahead = READ_AHEAD / tuning.chunk.max(1);
            let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Arc<Event>>>>(ahead);
            scope.spawn(move || {
                let workers = Workers::spawn(scope, store);
                let mut reader = Reader::new(store, workers, size, tuning.chunk);
                while let Some(chunk) = reader.next_chunk() {
                    let failed = chunk.is_err();
                    if tx.send(chunk).is_err() || failed {
                        break;
                    }
                }
            });
            let (stored_t, t_error) = read_stored_t(store);
            let mut fold = Fold {
                store,
                tracker: Tracker::default(),
                incs: Vec::new(),
                hints: stored_t
                    .iter()
                    .filter_map(|(id, s)| Some((id.clone(), *s.last()?)))
                    .collect(),
                due: BinaryHeap::new(),
                claims: Vec::new(),
                claim_hashes: HashSet::new(),
                claim_notes: Vec::new(),
                distrust,
                revocations_met: 0,
                next: 0,
            };
            loop {
                let chunk = rx.recv().ok();
                let end = chunk.is_none();
                if let Some(events) = chunk {
                    for ev in events? {
                        if ev.seq != fold.next {
                            return Err(ProjectionError::Corrupt {
                                seq: fold.next,
                                reason: format!(
                                    "the log jumps from entry {} to {}",
                                    fold.next, ev.seq
                                ),
                            });
                        }
                        fold.apply(ev)?;
                    }
                    progress(fold.next);
                    cached_ids.advance(CACHED_IDS_PER_CHUNK);
                }
                let complete = fold.take_complete(end);
                let names = &fold.tracker.names();
                let built = crate::par::map_with(
                    complete,
                    Vec::new,
                    |buf, (id, events)| -> Result<Built> {
                        let name = &names[id as usize];
                        let (class, write) =
                            build(store, (name, &events), distrust, size, false, buf)?;
                        // A missing summary is written at once (see the module
                        // documentation).
                        if class == Class::Missing && write {
                            store.put_view(name, buf)?;
                            return Ok(Built {
                                id,
                                class,
                                bytes: None,
                                inserted: true,
                            });
                        }
                        Ok(Built {
                            id,
                            class,
                            bytes: write.then(|| buf.clone()),
                            inserted: false,
                        })
                    },
                );
                for b in built {
                    let b = b?;
                    let inc = &mut fold.incs[b.id as usize];
                    inc.class = Some(b.class);
                    if b.inserted {
                        inc.write = Write::Inserted;
                    }
                    let Some(bytes) = b.bytes else { continue };
                    if pending_bytes + bytes.len() <= tuning.pending_budget {
                        pending_bytes += bytes.len();
                        pending.insert(b.id, bytes);
                        inc.write = Write::Pending;
                    } else {
                        inc.write = Write::Recompute;
                    }
                }
                if end {
                    break;
                }
            }
            Ok((fold, stored_t, t_error))
        })?;
        let mut fold = fold;
        if fold.next != size {
            return Err(ProjectionError::Corrupt {
                seq: fold.next,
                reason: format!("the head says {size} entries, the log holds {}", fold.next),
            });
        }
        if let Some(e) = t_error {
            return Err(e.into());
        }
        if fold.revocations_met != distrust.iter().count() {
            return Err(ProjectionError::Corrupt {
                seq: fold.next,
                reason: "the registry rows (R) name a revocation the log does not hold at that seq (run `temoin verify`)".into(),
            });
        }
        let cached_ids = cached_ids.finish()?;

        // Views built again: groups that grew after they were thought
        // complete, and rewrites that did not fit the budget.
        let redo: Vec<u32> = (0..fold.incs.len() as u32)
            .filter(|&n| {
                let inc = &fold.incs[n as usize];
                let dirty = matches!(inc.group, Group::Done { dirty: true, .. });
                inc.opened && (dirty || inc.write == Write::Recompute)
            })
            .collect();
        let mut batch = WriteBatch::default();
        for ids in redo.chunks(64) {
            // (incident, its group's seqs, whether its summary was missing
            // before the rebuild: the fold may have written one since).
            let jobs: Vec<(u32, Vec<u64>, bool)> = ids
                .iter()
                .map(|&n| {
                    let inc = &fold.incs[n as usize];
                    (n, inc.group.seqs(), inc.class == Some(Class::Missing))
                })
                .collect();
            let names = &fold.tracker.names();
            let built = crate::par::map_with(jobs, Vec::new, |buf, (n, seqs, missing)| {
                let name = &names[n as usize];
                let events = read_events(store, &seqs)?;
                build(store, (name, &events), distrust, size, missing, buf).map(|(class, write)| {
                    Built {
                        id: n,
                        class,
                        bytes: write.then(|| buf.clone()),
                        inserted: false,
                    }
                })
            });
            for b in built {
                let b = b?;
                pending.remove(&b.id);
                let inc = &mut fold.incs[b.id as usize];
                inc.class = Some(b.class);
                let name = &fold.tracker.names()[b.id as usize];
                match b.bytes {
                    Some(bytes) => batch.view(name, &bytes),
                    // Nothing to write now, but an incomplete view was
                    // written during the fold: a view is written whole or
                    // not at all.
                    None if inc.write == Write::Inserted => batch.remove_view(name),
                    None => {}
                }
            }
            if batch.bytes() > tuning.pending_budget {
                store.apply(std::mem::take(&mut batch))?;
            }
        }
        for (n, bytes) in pending {
            batch.view(&fold.tracker.names()[n as usize], &bytes);
        }

        // The T index against the replay.
        let mut touch_mismatches = Vec::new();
        let mut touches = 0u64;
        let ours: BTreeMap<&String, &Vec<u64>> = fold
            .tracker
            .names()
            .iter()
            .zip(&fold.incs)
            .map(|(name, inc)| (name, &inc.touched))
            .collect();
        let ids: BTreeSet<&String> = stored_t.keys().chain(ours.keys().copied()).collect();
        for id in ids {
            let want = ours.get(id).map(|v| v.as_slice()).unwrap_or(&[]);
            let have = stored_t.get(id).map(Vec::as_slice).unwrap_or(&[]);
            touches += have.len() as u64;
            if want != have {
                let w: BTreeSet<_> = want.iter().copied().collect();
                let h: BTreeSet<_> = have.iter().copied().collect();
                touch_mismatches.push(TouchMismatch {
                    incident: id.clone(),
                    missing: w.difference(&h).copied().collect(),
                    extra: h.difference(&w).copied().collect(),
                });
            }
        }

        // Cached summaries against the recomputed views.
        let mut report = RebuildReport {
            entries: size,
            incidents: 0,
            claims: fold.claims.len(),
            touches,
            touch_mismatches,
            views_matched: 0,
            views_stale: 0,
            views_missing: 0,
            views_differing: Vec::new(),
            views_unknown: Vec::new(),
            claims_index_ok: true,
            seconds: 0.0,
        };
        let mut opened: HashSet<&str> = HashSet::new();
        for (name, inc) in fold.tracker.names().iter().zip(&fold.incs) {
            if !inc.opened {
                continue;
            }
            opened.insert(name);
            report.incidents += 1;
            match inc.class {
                Some(Class::Missing) => report.views_missing += 1,
                Some(Class::Stale) => report.views_stale += 1,
                Some(Class::Matched) => report.views_matched += 1,
                Some(Class::Differing) => report.views_differing.push(name.clone()),
                None => unreachable!("every opened incident's view is built"),
            }
        }
        report.views_differing.sort();
        for id in &cached_ids {
            if !opened.contains(id.as_str()) {
                report.views_unknown.push(id.clone());
                batch.remove_view(id);
            }
        }

        // The summary-claims index.
        let fresh_idx = ClaimsIndex {
            version: CACHE_VERSION,
            scanned: size,
            claims: fold
                .claims
                .iter()
                .map(|(seq, h)| (*seq, h.to_hex()))
                .collect(),
            notes: fold.claim_notes.clone(),
        };
        if let Some(v) = store.claims_index()? {
            report.claims_index_ok = match serde_json::from_slice::<ClaimsIndex>(&v) {
                Ok(stored) if stored.version == CACHE_VERSION => {
                    let n = stored.scanned;
                    stored.scanned <= size
                        && stored.claims
                            == fresh_idx
                                .claims
                                .iter()
                                .filter(|(s, _)| *s < n)
                                .cloned()
                                .collect::<Vec<_>>()
                        && stored.notes
                            == fresh_idx
                                .notes
                                .iter()
                                .filter(|s| **s < n)
                                .copied()
                                .collect::<Vec<_>>()
                }
                _ => false,
            };
        }
        if let Ok(bytes) = serde_json::to_vec(&fresh_idx) {
            batch.claims_index(&bytes);
        }
        store.apply(batch)?;
        store.commit()?;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }
}
