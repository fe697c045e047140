//! The full audit: replay every entry from 0 and check everything that can
//! be checked (docs/FORMAT.md §9). The first fault is reported with its seq.
//!
//! Signature checks, decoding and hashing run on all cores in chunks; the
//! checks that depend on order (links, registry, rules) run in seq order.
//! Each signature is checked with `verify_strict`, one entry at a time, so
//! the verdict is exactly that of `verify_strict` on every entry.

use crate::checkpoint::Checkpoint;
use crate::entry::entry_hash;
use crate::hash::Digest;
use crate::note::VerifierKey;
use crate::registry::{Registry, PAYLOAD};
use crate::rules::{self, MemIndex};
use crate::statement::{Kind, StatementBody};
use crate::store::{self, Store, StoreError};
use serde::Serialize;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

/// What is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("entry {seq}: {reason}")]
pub struct Fault {
    pub seq: u64,
    pub reason: String,
}

/// A part erased by a redaction order: reported, not a fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedactedPart {
    pub seq: u64,
    pub label: String,
    pub by_seq: u64,
}

/// What a clean audit checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct AuditReport {
    pub entries: u64,
    pub authors: usize,
    pub parts: u64,
    pub checkpoints: u64,
    pub first_received_at: Option<i64>,
    pub last_received_at: Option<i64>,
    pub redacted: Vec<RedactedPart>,
}

/// One entry after the order-independent checks, with everything the
/// sequential replay would read of the store for it, read ahead.
struct Prepared {
    seq_key: u64,
    hash: Digest,
    decoded: Result<Decoded, String>,
    signature: Result<(), String>,
    /// Whether the stored Merkle leaf of this seq is the entry's hash;
    /// `None` if it is absent.
    leaf: Result<Option<bool>, StoreError>,
    /// The stored Merkle nodes this leaf completes, lowest level first
    /// (see `nodes_completed`).
    nodes: Vec<Result<Option<Vec<u8>>, StoreError>>,
    /// Each committed part, in the body's order, read and hashed ahead:
    /// `None` if absent, else whether it matches and, for the payload, its
    /// content. Errors surface where the sequential check reaches them.
    parts: Vec<PartReadResult>,
    /// The checkpoint stored for tree size `seq_key + 1`, if the audit's
    /// list of checkpoints has one.
    checkpoint: Option<Result<Option<String>, StoreError>>,
}

/// What the replay needs of a decoded entry: its own fields and its body
/// (the body bytes themselves are dropped once hashed and verified).
struct Decoded {
    seq: u64,
    prev: [u8; 32],
    received_at: i64,
    body: StatementBody,
    statement_hash: Digest,
}

/// A part read ahead: absent, or read (see `PartRead`); or the store failed.
type PartReadResult = Result<Option<PartRead>, StoreError>;

struct PartRead {
    matches: bool,
    payload: Option<Vec<u8>>,
}

/// The levels of the Merkle nodes that appending leaf `n` completes:
/// `1..=t` where `t` is the number of trailing one bits of `n` (the
/// perfect subtrees that leaf `n` closes). The node at level `l` has index
/// `n >> l`. The replay recomputes exactly these (`append_leaf`), so they
/// can be read ahead.
fn nodes_completed(n: u64) -> std::ops::RangeInclusive<u8> {
    1..=(n.trailing_ones() as u8)
}

/// Everything about entry `seq_key` that does not depend on the entries
/// before it: decoding, hashes, the signature, and what the sequential
/// replay would read of the store for it, read (and the parts hashed) here
/// instead. The store is not written during an audit, so reading ahead
/// sees what reading in turn would; a store error is kept and surfaces
/// where the replay would have met it.
fn prepare(store: &Store, checkpoints: &BTreeSet<u64>, seq_key: u64, bytes: &[u8]) -> Prepared {
    let hash = entry_hash(bytes);
    let mut signature = Ok(());
    let decoded = match crate::entry::Entry::from_bytes(bytes) {
        Err(e) => Err(format!("stored bytes are not a valid entry: {e}")),
        Ok(e) => match StatementBody::decode(&e.statement.body_bytes) {
            Err(err) => Err(format!("statement body: {err}")),
            Ok(body) => {
                signature = e
                    .statement
                    .verify_signature(&body)
                    .map_err(|f| format!("signature: {f}"));
                Ok(Decoded {
                    seq: e.seq,
                    prev: e.prev,
                    received_at: e.received_at,
                    statement_hash: e.statement.hash(),
                    body,
                })
            }
        },
    };
    let leaf = store
        .merkle_stored(0, seq_key)
        .map(|l| l.map(|l| l == hash.0));
    let nodes = nodes_completed(seq_key)
        .map(|level| store.merkle_stored(level, seq_key >> level))
        .collect();
    let parts = match &decoded {
        Ok(d) => d
            .body
            .parts
            .iter()
            .map(|c| {
                let digest = Digest(c.digest);
                Ok(store
                    .part(seq_key, &digest)?
                    .map(|(salt, content)| PartRead {
                        matches: content.len() as u64 == c.length
                            && crate::hash::part_digest(&salt, &content) == digest,
                        payload: (c.label == PAYLOAD).then_some(content),
                    }))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let checkpoint = seq_key
        .checked_add(1)
        .filter(|size| checkpoints.contains(size))
        .map(|size| store.checkpoint_note(size));
    Prepared {
        seq_key,
        hash,
        decoded,
        signature,
        leaf,
        nodes,
        parts,
        checkpoint,
    }
}

/// For each statement hash that some entry refers to, the seq of the last
/// entry that does. The replay keeps a statement in its index only while
/// a later entry will look it up, so its memory is bounded by the
/// statements still to be referred to, not by the log. Unreadable entries
/// are skipped: the replay stops at them anyway.
///
/// This is a second pass over the log, but a cheap one: only the refs are
/// read out of each entry's bytes, in place (`entry_refs`), with no
/// decoding, allocation or hashing; what it costs is sled's iteration over
/// the `E` rows (~2 µs per entry). And it runs on its own thread alongside
/// the first `DEFER_REFS` entries of the replay (see `Replay::use_refs`).
/// The replay cannot learn this on its own: a statement may be referred to
/// by any later entry, however far, and keeping every statement instead
/// (to need no pass) would hold ~0.5 KB of `StatementInfo` per entry of
/// the log (~500 MB at 1M entries). `cancel` stops it early (the replay
/// stopped at a fault).
fn last_references(store: &Store, cancel: &AtomicBool) -> HashMap<Digest, u64> {
    let mut last = HashMap::new();
    for item in store.entries_from(0) {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let Ok((k, b)) = item else { break };
        if let Some(refs) = entry_refs(&b) {
            for r in refs.chunks_exact(32) {
                let mut d = [0u8; 32];
                d.copy_from_slice(r);
                last.insert(Digest(d), k);
            }
        }
    }
    last
}

/// The refs of the statement in `entry` bytes (32 bytes each, in order),
/// read in place from the canonical encoding (docs/FORMAT.md §2-§4):
/// entry = seq u64, prev [32], received_at i64, body_bytes (u64 length,
/// bytes), signature [64]; body = version u16, id [16], author [32],
/// created_at i64, kind u32, refs (u64 count, 32 bytes each), parts...
///
/// Wherever the entry decodes (`Entry::from_bytes`, `StatementBody::decode`),
/// this returns exactly its body's refs: the offsets are fixed. Where it
/// does not, this may return `None` or some bytes: the replay stops at such
/// an entry, so refs read from it at most keep a statement in memory
/// longer, never change an answer.
fn entry_refs(entry: &[u8]) -> Option<&[u8]> {
    const BODY_LEN_AT: usize = 8 + 32 + 8;
    const REFS_AT: usize = 2 + 16 + 32 + 8 + 4;
    let len = u64::from_le_bytes(entry.get(BODY_LEN_AT..BODY_LEN_AT + 8)?.try_into().ok()?);
    let body = entry.get(BODY_LEN_AT + 8..)?;
    let body = body.get(..usize::try_from(len).ok()?)?;
    let count = u64::from_le_bytes(body.get(REFS_AT..REFS_AT + 8)?.try_into().ok()?);
    let bytes = usize::try_from(count).ok()?.checked_mul(32)?;
    body.get(REFS_AT + 8..)?.get(..bytes)
}

/// Entries per unit of work handed to a worker: small enough that a few
/// units in flight hold little memory and that a fault stops the audit
/// after little wasted work, large enough that handing them out costs
/// nothing next to ~40 µs of signature check per entry.
const CHUNK: usize = 256;

/// The replay keeps every statement (instead of only those a later entry
/// refers to) for at most this many entries while the refs pass runs
/// alongside (~0.5 KB each: a few MB); then it waits for the pass.
const DEFER_REFS: u64 = 16_384;

/// Units prepared ahead of the replay, per worker.
const AHEAD_PER_WORKER: usize = 4;

/// Replay and check the whole archive. `progress` is called with the number
/// of entries checked so far.
///
/// The workers (one per core, see `par::pipeline`) prepare units of
/// `CHUNK` entries (`prepare`) while this thread replays the units before
/// them in order (`Replay::check`).
pub fn audit(
    store: &Store,
    progress: &mut dyn FnMut(u64),
) -> Result<Result<AuditReport, Fault>, StoreError> {
    run(store, progress, Tuning::default())
}

/// How the audit is cut up; no choice changes the verdict.
#[derive(Clone, Copy)]
struct Tuning {
    chunk: usize,
    defer_refs: u64,
    /// Whether the replay takes the refs as soon as the pass is done, or
    /// only at `defer_refs` (for tests: deterministic).
    refs_when_done: bool,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            chunk: CHUNK,
            defer_refs: DEFER_REFS,
            refs_when_done: true,
        }
    }
}

fn run(
    store: &Store,
    progress: &mut dyn FnMut(u64),
    tuning: Tuning,
) -> Result<Result<AuditReport, Fault>, StoreError> {
    let head = store.head()?;
    let checkpoint_sizes: BTreeSet<u64> = store
        .db
        .scan_prefix([store::CHECKPOINT])
        .keys()
        .filter_map(|k| k.ok().and_then(|k| store::key_seq(&k)))
        .collect();

    let mut st = Replay {
        store,
        registry: Registry::default(),
        index: MemIndex::default(),
        last_ref: None,
        prev_hash: [0u8; 32],
        prev_received: i64::MIN,
        next: 0,
        frontier: Vec::new(),
        checkpoint_key: None,
        authors: BTreeSet::new(),
        report: AuditReport::default(),
        redacted_parts: BTreeMap::new(),
        missing_parts: BTreeMap::new(),
        copies: Copies::with_capacity(head.size),
    };

    let cancel = AtomicBool::new(false);
    let stopped = std::thread::scope(|s| {
        let refs = s.spawn(|| last_references(store, &cancel));
        let mut refs = Some(refs);
        let stopped = crate::par::pipeline(
            store.entry_chunks(0, tuning.chunk),
            |raw| {
                raw.map(|raw| {
                    raw.iter()
                        .map(|(k, b)| prepare(store, &checkpoint_sizes, *k, b))
                        .collect::<Vec<_>>()
                })
            },
            crate::par::threads() * AHEAD_PER_WORKER,
            |prepared| {
                // The refs pass runs alongside the first entries of the
                // replay; past `DEFER_REFS` entries, wait for it.
                if refs.as_ref().is_some_and(|h| {
                    (tuning.refs_when_done && h.is_finished()) || st.next >= tuning.defer_refs
                }) {
                    if let Some(h) = refs.take() {
                        match h.join() {
                            Ok(last) => st.use_refs(last),
                            Err(p) => std::panic::resume_unwind(p),
                        }
                    }
                }
                let prepared = match prepared {
                    Ok(p) => p,
                    Err(e) => return ControlFlow::Break(Err(e)),
                };
                for p in prepared {
                    match st.check(p) {
                        Ok(Ok(())) => {}
                        Ok(Err(f)) => return ControlFlow::Break(Ok(f)),
                        Err(e) => return ControlFlow::Break(Err(e)),
                    }
                }
                progress(st.next);
                ControlFlow::Continue(())
            },
        );
        cancel.store(true, Ordering::Relaxed);
        stopped
    });
    match stopped {
        Some(Ok(fault)) => return Ok(Err(fault)),
        Some(Err(e)) => return Err(e),
        None => {}
    }
    // A part missing at its entry must have been erased by a later
    // redaction order; any left unexplained is a fault at its entry.
    if let Some(((_, label), &seq)) = st.missing_parts.iter().min_by_key(|(_, &s)| s) {
        return Ok(Err(Fault {
            seq,
            reason: format!("part {label:?} is missing and no redaction order erased it"),
        }));
    }
    if head.size != st.next {
        return Ok(Err(Fault {
            seq: st.next.min(head.size),
            reason: format!(
                "the archive's head says {} entries but the log holds {} (entries were removed or added behind its back)",
                head.size, st.next
            ),
        }));
    }
    if head.last_hash != st.prev_hash {
        return Ok(Err(Fault {
            seq: st.next.saturating_sub(1),
            reason: "the last entry's hash differs from the one recorded in the head".into(),
        }));
    }
    if let Some(&extra) = checkpoint_sizes.range(st.next + 1..).next() {
        return Ok(Err(Fault {
            seq: st.next,
            reason: format!("a checkpoint claims tree size {extra}, beyond the log's end"),
        }));
    }
    let mut report = st.report;
    report.entries = st.next;
    report.authors = st.authors.len();
    Ok(Ok(report))
}

struct Replay<'a> {
    store: &'a Store,
    registry: Registry,
    /// The statements a later entry refers to (see `last_references`),
    /// and every incident.
    index: MemIndex,
    /// See `last_references`; `None` until that pass is done, and then
    /// every statement is kept (see `use_refs`).
    last_ref: Option<HashMap<Digest, u64>>,
    prev_hash: [u8; 32],
    prev_received: i64,
    next: u64,
    /// Perfect subtrees of the tree so far, largest first: (level, hash).
    frontier: Vec<(u8, [u8; 32])>,
    checkpoint_key: Option<VerifierKey>,
    authors: BTreeSet<[u8; 32]>,
    report: AuditReport,
    /// (statement hash, label) -> seq of the redaction order.
    redacted_parts: BTreeMap<(Digest, String), u64>,
    /// (statement hash, label) -> seq: parts absent from the content store,
    /// not (yet) explained by a redaction order. A redaction order always
    /// comes after the statement it erases from, so this is settled only
    /// at the end of the log.
    missing_parts: BTreeMap<(Digest, String), u64>,
    copies: Copies,
}

/// Finds a statement appended twice, at its second copy: every statement
/// seen is remembered by a fingerprint of its hash (its first 8 bytes: it
/// is a SHA-256 output) with the seq of the entry holding it, 16 bytes per
/// entry (~36 MB at 1M entries). A fingerprint seen before is settled by
/// reading the entry it names again: either that entry holds the very
/// statement (a copy), or two statements share a fingerprint, which happens
/// about once in 2^64 pairs, and the second one is remembered in full.
///
/// This used to ask the store's statement index (`H`, derived, trusted
/// only where the entry it names holds that statement) for every entry: a
/// random sled read per entry (a page-in once the index outgrows sled's
/// cache), ~5 µs per entry at 100k, for what a hash map answers in 0.1 µs.
/// The verdict is the same: a statement is found at its second copy, and
/// the first copy is named.
#[derive(Default)]
struct Copies {
    /// Fingerprint -> seq of the first entry with that fingerprint.
    first: HashMap<u64, u64, BuildHasherDefault<Fingerprint>>,
    /// Statements whose fingerprint an entry with another statement took
    /// first -> their first seq.
    collided: HashMap<Digest, u64>,
}

impl Copies {
    /// Room for `n` entries without growing (a forged head cannot make it
    /// reserve much: capped).
    fn with_capacity(n: u64) -> Copies {
        let n = usize::try_from(n.min(1 << 22)).unwrap_or(0);
        Copies {
            first: HashMap::with_capacity_and_hasher(n, Default::default()),
            collided: HashMap::new(),
        }
    }

    /// The seq of an earlier entry holding statement `hash`, found at entry
    /// `n` (the entries are seen in order).
    fn earlier_copy(
        &mut self,
        store: &Store,
        n: u64,
        hash: &Digest,
    ) -> Result<Option<u64>, StoreError> {
        let mut fp = [0u8; 8];
        fp.copy_from_slice(&hash.0[..8]);
        let k = match self.first.entry(u64::from_le_bytes(fp)) {
            Entry::Vacant(v) => {
                v.insert(n);
                return Ok(None);
            }
            Entry::Occupied(o) => *o.get(),
        };
        if Self::holds(store, k, hash)? {
            return Ok(Some(k));
        }
        match self.collided.entry(*hash) {
            Entry::Occupied(o) => Ok(Some(*o.get())),
            Entry::Vacant(v) => {
                v.insert(n);
                Ok(None)
            }
        }
    }

    /// Whether entry `seq` holds statement `hash`.
    fn holds(store: &Store, seq: u64, hash: &Digest) -> Result<bool, StoreError> {
        Ok(store
            .entry_bytes(seq)?
            .and_then(|b| crate::entry::Entry::from_bytes(&b).ok())
            .is_some_and(|e| e.statement.hash() == *hash))
    }
}

/// The identity hash of a fingerprint, already uniformly distributed.
#[derive(Default)]
struct Fingerprint(u64);

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

impl Replay<'_> {
    /// Start keeping statements only while a later entry refers to them,
    /// with `last` from the refs pass. Until now every statement was kept;
    /// dropping those that no entry from `self.next` on refers to leaves
    /// exactly the index that applying `last` from entry 0 would have left
    /// (a statement is in it iff some entry so far gave its info and its
    /// last reference is after the last entry replayed). Keeping a
    /// statement longer never changes an answer: the rules only look up
    /// statements that the entry being checked refers to.
    fn use_refs(&mut self, last: HashMap<Digest, u64>) {
        let next = self.next;
        self.index
            .statements
            .retain(|h, _| last.get(h).is_some_and(|&l| l >= next));
        self.last_ref = Some(last);
    }

    fn fault(&self, seq: u64, reason: impl Into<String>) -> Result<Result<(), Fault>, StoreError> {
        Ok(Err(Fault {
            seq,
            reason: reason.into(),
        }))
    }

    fn check(&mut self, p: Prepared) -> Result<Result<(), Fault>, StoreError> {
        let n = self.next;
        if p.seq_key != n {
            return self.fault(
                n,
                format!(
                    "entry {n} is missing: the log goes from entry {} to entry {}",
                    n as i128 - 1,
                    p.seq_key
                ),
            );
        }
        // An entry moved here from another position: say so, rather than
        // only that its bytes differ from the leaf recorded here.
        if let Ok(d) = &p.decoded {
            if d.seq != n {
                return self.fault(
                    n,
                    format!(
                        "the entry stored at position {n} says it is entry {} (entries were moved or swapped)",
                        d.seq
                    ),
                );
            }
        }
        // The tree recorded each entry's hash when it was appended: a
        // difference means these bytes were altered afterwards.
        match p.leaf? {
            Some(true) => {}
            Some(false) => {
                return self.fault(
                    n,
                    format!(
                        "the entry's bytes were altered after it was appended: they hash to {}, not to the leaf hash recorded in the tree",
                        p.hash.short()
                    ),
                )
            }
            None => return self.fault(n, "the entry's Merkle leaf is missing"),
        }
        let Decoded {
            prev,
            received_at,
            body,
            statement_hash,
            ..
        } = match p.decoded {
            Ok(d) => d,
            Err(reason) => return self.fault(n, reason),
        };
        // Ingest never appends a statement twice: a second copy was
        // replayed into the log (it would count twice in projections).
        if let Some(first) = self.copies.earlier_copy(self.store, n, &statement_hash)? {
            return self.fault(
                n,
                format!(
                    "statement {} is already in the log at entry {first} (a statement is never appended twice)",
                    statement_hash.short(),
                ),
            );
        }
        if prev != self.prev_hash {
            return self.fault(
                n,
                format!(
                    "prev link {} does not match the hash of entry {} ({})",
                    Digest(prev).short(),
                    n as i128 - 1,
                    Digest(self.prev_hash).short()
                ),
            );
        }
        if received_at < self.prev_received {
            return self.fault(
                n,
                format!(
                    "received_at {} goes back before the previous entry's {}",
                    crate::time::format_ms(received_at),
                    crate::time::format_ms(self.prev_received)
                ),
            );
        }
        if let Err(reason) = p.signature {
            return self.fault(n, reason);
        }
        // Parts: present and matching, or erased by a redaction order.
        let mut payload = None;
        for (c, read) in body.parts.iter().zip(p.parts) {
            match read? {
                Some(PartRead {
                    matches,
                    payload: content,
                }) => {
                    if !matches {
                        return self.fault(
                            n,
                            format!("part {:?} does not match its commitment", c.label),
                        );
                    }
                    if content.is_some() {
                        payload = content;
                    }
                    self.report.parts += 1;
                }
                None => match self.redacted_parts.get(&(statement_hash, c.label.clone())) {
                    Some(&by) => self.report.redacted.push(RedactedPart {
                        seq: n,
                        label: c.label.clone(),
                        by_seq: by,
                    }),
                    // The payload can never be redacted: the rules need it.
                    None if c.label == PAYLOAD => {
                        return self.fault(
                            n,
                            "part \"payload\" is missing (a payload can never be redacted)",
                        )
                    }
                    None => {
                        self.missing_parts
                            .insert((statement_hash, c.label.clone()), n);
                    }
                },
            }
        }
        let fx = match rules::check(
            &self.registry,
            &self.index,
            n,
            statement_hash,
            &body,
            payload.as_deref(),
        ) {
            Ok(Ok(fx)) => fx,
            Ok(Err(e)) => return self.fault(n, format!("not authorised when appended: {e}")),
            Err(never) => match never {},
        };
        // The effects are consumed: moved into the replay's state, not
        // cloned.
        let rules::Effects {
            registry,
            statements,
            incidents,
            redact,
            ..
        } = fx;
        if let Some(change) = registry {
            self.registry.apply(n, change);
        }
        if let Some((target, label)) = redact {
            self.missing_parts.remove(&(target, label.clone()));
            // A part redacted later was present (and checked) until now;
            // a redacted part of an earlier entry shows as redacted here.
            if let Some(info) = self.index.statements.get(&target) {
                self.report.redacted.push(RedactedPart {
                    seq: info.seq,
                    label: label.clone(),
                    by_seq: n,
                });
            }
            self.redacted_parts.insert((target, label), n);
        }
        // Keep a statement only while a later entry refers to it (every
        // statement, until the refs pass is done).
        match &self.last_ref {
            None => self.index.statements.extend(statements),
            Some(last_ref) => {
                for (h, info) in statements {
                    if last_ref.get(&h).is_some_and(|&last| last > n) {
                        self.index.statements.insert(h, info);
                    } else {
                        self.index.statements.remove(&h);
                    }
                }
                for r in body.refs() {
                    if last_ref.get(&r).is_some_and(|&last| last <= n) {
                        self.index.statements.remove(&r);
                    }
                }
            }
        }
        for (id, info) in incidents {
            self.index.incidents.insert(id, info);
        }
        if body.kind == Kind::Genesis {
            if let Some(vk) = &self.registry.checkpoint_key {
                self.checkpoint_key = VerifierKey::parse(vk).ok();
            }
        }
        self.authors.insert(body.author);
        if self.report.first_received_at.is_none() {
            self.report.first_received_at = Some(received_at);
        }
        self.report.last_received_at = Some(received_at);
        self.prev_hash = p.hash.0;
        self.prev_received = received_at;

        // The tree: recompute every completed node and compare it with the
        // stored one, then check any checkpoint issued at this size.
        if let Err(f) = self.append_leaf(n, p.hash.0, p.nodes)? {
            return Ok(Err(f));
        }
        self.next = n + 1;
        match p.checkpoint {
            Some(note) => self.check_checkpoint(self.next, note?),
            None => Ok(Ok(())),
        }
    }

    /// Append leaf `n`; `stored` holds the stored nodes it completes, read
    /// ahead in the order they are completed (see `nodes_completed`).
    fn append_leaf(
        &mut self,
        n: u64,
        leaf: [u8; 32],
        stored: Vec<Result<Option<Vec<u8>>, StoreError>>,
    ) -> Result<Result<(), Fault>, StoreError> {
        let mut stored = stored.into_iter();
        self.frontier.push((0, leaf));
        while self.frontier.len() >= 2 {
            let (lr, r) = self.frontier[self.frontier.len() - 1];
            let (ll, l) = self.frontier[self.frontier.len() - 2];
            if ll != lr {
                break;
            }
            self.frontier.truncate(self.frontier.len() - 2);
            let h = crate::hash::sha256(&[&[1u8], &l, &r]).0;
            let level = ll + 1;
            let index = n >> level;
            // The frontier of leaves 0..=n completes exactly the nodes of
            // `nodes_completed(n)`, in this order; read in turn otherwise.
            let stored = match stored.next() {
                Some(read) => read?,
                None => self.store.merkle_stored(level, index)?,
            };
            if stored.as_deref() != Some(&h[..]) {
                return self.fault(
                    n,
                    format!("the stored Merkle node (level {level}, index {index}) completed by this entry is wrong or missing"),
                );
            }
            self.frontier.push((level, h));
        }
        Ok(Ok(()))
    }

    fn root(&self) -> [u8; 32] {
        let mut it = self.frontier.iter().rev();
        let Some(&(_, mut r)) = it.next() else {
            return crate::hash::sha256(&[]).0;
        };
        for (_, l) in it {
            r = crate::hash::sha256(&[&[1u8], l, &r]).0;
        }
        r
    }

    /// Check the checkpoint `note` stored for tree size `size` (read
    /// ahead), if there is one.
    fn check_checkpoint(
        &mut self,
        size: u64,
        note: Option<String>,
    ) -> Result<Result<(), Fault>, StoreError> {
        let seq = size - 1;
        let Some(note) = note else {
            return Ok(Ok(()));
        };
        let Some(key) = &self.checkpoint_key else {
            return self.fault(
                seq,
                "a checkpoint exists but the genesis names no checkpoint key",
            );
        };
        let cp = match Checkpoint::open(&note, key) {
            Ok(cp) => cp,
            Err(e) => return self.fault(seq, format!("checkpoint at size {size}: {e}")),
        };
        if cp.size != size {
            return self.fault(
                seq,
                format!("checkpoint stored for size {size} says size {}", cp.size),
            );
        }
        if cp.root != self.root() {
            return self.fault(
                seq,
                format!("checkpoint at size {size}: its signed root differs from the root of the entries 0..{size}"),
            );
        }
        self.report.checkpoints += 1;
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Taking the refs pass's result at any point of the replay (keeping
    /// every statement until then) gives the same report: the sweep in
    /// `use_refs` never drops a statement a later entry refers to.
    #[test]
    fn refs_taken_at_any_point_give_the_same_verdict() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("archive");
        build(&path, 3000);
        let view = crate::archive::Archive::open_for_audit(&path).expect("open");
        let store = view.store();
        let reference = audit(store, &mut |_| {}).unwrap().expect("clean");
        assert!(reference.entries >= 3000, "{}", reference.entries);
        for defer_refs in [0, 1, 100, 1000, 2999, 3000, u64::MAX] {
            for chunk in [1, 64, 256] {
                let tuning = Tuning {
                    chunk,
                    defer_refs,
                    refs_when_done: false,
                };
                let report = run(store, &mut |_| {}, tuning).unwrap();
                assert_eq!(report.as_ref(), Ok(&reference), "{defer_refs} {chunk}");
            }
        }
    }

    /// An archive of the bench's statements (amendments, retractions,
    /// annotations...: many refs), of at least `entries` entries.
    fn build(path: &std::path::Path, entries: usize) {
        use crate::bench::gen;
        use crate::registry::{EnrollPayload, Role};
        use crate::statement::Draft;
        let authors = 6;
        let keys = gen::keys(1, authors);
        let custodian =
            crate::keys::SecretKey::from_seed("audit-test-custodian", &[7u8; 32]).unwrap();
        let mut archive = crate::archive::Archive::init(
            path,
            crate::archive::Config::new("audit.temoin.example/test"),
            &custodian,
            "Custodian",
        )
        .unwrap();
        let cast = gen::cast(authors);
        let enrol: Vec<_> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let role = if cast.reviewers.contains(&i) {
                    Role::Reviewer
                } else {
                    Role::Intermediary
                };
                let p = EnrollPayload {
                    key: k.public().to_hex(),
                    name: k.name().to_string(),
                    role,
                };
                Draft::new(Kind::Enroll)
                    .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
                    .sign(&custodian)
                    .unwrap()
            })
            .collect();
        archive.ingest_batch(&enrol).unwrap();
        let mut generator = gen::Generator::new(1, authors);
        let mut done = 1 + authors;
        while done < entries {
            let files: Vec<_> = generator
                .next_batch(256)
                .into_iter()
                .map(|s| s.draft.sign(&keys[s.author]).unwrap())
                .collect();
            generator.observe(&files);
            for out in archive.ingest_batch(&files).unwrap() {
                out.expect("accepted");
            }
            done += files.len();
        }
    }
}
