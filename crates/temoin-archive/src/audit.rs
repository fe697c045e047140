//! The full audit: replay every entry from 0 and check everything that can
//! be checked (docs/FORMAT.md §9). The first fault is reported with its seq.
//!
//! Signature checks, decoding and hashing run on all cores in chunks; the
//! checks that depend on order (links, registry, rules) run in seq order.
//! Each signature is checked with `verify_strict`, one entry at a time, so
//! the verdict is exactly that of `verify_strict` on every entry.

use crate::checkpoint::Checkpoint;
use crate::derived::{self, DerivedRows, RowFault};
use crate::entry::entry_hash;
use crate::hash::Digest;
use crate::registry::{Registry, PAYLOAD};
use crate::rules::{self, MemIndex, StatementInfo};
use crate::signed_note::VerifierKey;
use crate::statement::{Kind, SignatureFault, StatementBody};
use crate::store::{self, Damage, Store, StoreError};
use crate::verdict::FaultKind;
use serde::Serialize;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

mod fault;
pub use fault::{seq_before, LogFaultReason, Stored};

/// What is wrong with the log, of what kind, and where: the audit stops at
/// the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("entry {seq}: {reason}")]
pub struct LogFault {
    pub seq: u64,
    pub kind: FaultKind,
    pub reason: LogFaultReason,
}

/// A part erased by a redaction order: reported, not a fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedactedPart {
    pub seq: u64,
    pub label: String,
    pub by_seq: u64,
}

/// A part sealed to readers (docs/FORMAT.md §3.8): its plaintext is not in
/// the archive, its ciphertext is (unless redacted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedPart {
    pub seq: u64,
    pub label: String,
    /// The readers the author sealed it to (`label.to`), each with the
    /// name the registry enrolled it under when the entry was appended.
    pub readers: Vec<SealedTo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedTo {
    pub recipient: String,
    /// `None`: not an enrolled reader (the author named it with `--to`).
    pub name: Option<String>,
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
    /// Parts sealed to readers: never held by the archive, so not faults.
    pub sealed: Vec<SealedPart>,
    /// Entries signed after a declared compromise of their author's key
    /// (DESIGN §8): authorised when appended, so findings, not faults.
    pub signed_after_compromise: Vec<crate::compromise::Finding>,
}

/// One entry after the order-independent checks, with everything the
/// sequential replay would read of the store for it, read ahead.
struct Prepared {
    seq_key: u64,
    hash: Digest,
    decoded: Result<Decoded, LogFaultReason>,
    signature: Result<(), SignatureFault>,
    /// Whether the stored Merkle leaf of this seq is the entry's hash;
    /// `None` if it is absent.
    leaf: Result<Option<bool>, StoreError>,
    /// The stored Merkle nodes this leaf completes, lowest level first
    /// (see `nodes_completed`).
    nodes: Vec<StoredNode>,
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
    /// A text part that is not UTF-8 (`domain::part_content_fault`).
    not_text: Option<String>,
    /// For the `payload` part: its content and, for a domain kind, the
    /// content parsed (`Payload::parse`, done here on the workers rather
    /// than by `rules::check` on the replay's thread).
    payload: Option<(Vec<u8>, Option<rules::ParsedPayload>)>,
    /// For a sealed part's readers companion: the recipients it lists.
    readers: Option<Vec<String>>,
}

/// A stored Merkle node read ahead: `None` if the tree file does not
/// reach it.
type StoredNode = Result<Option<[u8; 32]>, StoreError>;

/// The levels of the Merkle nodes that appending leaf `n` completes:
/// `1..=t` where `t` is the number of trailing one bits of `n` (the
/// perfect subtrees that leaf `n` closes). The node at level `l` has index
/// `n >> l`. The replay recomputes exactly these (`append_leaf`), so they
/// can be read ahead.
fn nodes_completed(n: u64) -> std::ops::RangeInclusive<u8> {
    1..=(n.trailing_ones() as u8)
}

/// Everything about the entries of a unit (`(seq key, bytes)`, in key
/// order) that does not depend on the entries before it: decoding, hashes,
/// the signature, and what the sequential replay would read of the store
/// for them, read (and the parts hashed, the payloads parsed) here
/// instead. The store is not written during an audit, so reading ahead
/// sees what reading in turn would; a store error is kept and surfaces
/// where the replay would have met it.
///
/// The unit's store reads are batched: its leaves and the nodes they
/// complete are one run of the tree file (`read_tree`), its parts' rows
/// one range scan of `P` and their bytes one run of the parts file
/// (`read_parts`). Each answers exactly what the one-at-a-time read would
/// have; where a batch cannot be shown to (a read error, a forged
/// location), the unit falls back to reading one at a time.
fn prepare_unit(
    store: &Store,
    checkpoints: &BTreeSet<u64>,
    raw: &[(u64, crate::store::RowBytes)],
) -> Vec<Prepared> {
    let mut unit: Vec<Prepared> = raw.iter().map(|(k, b)| prepare_entry(*k, b)).collect();
    read_tree(store, &mut unit);
    read_parts(store, &mut unit);
    for p in &mut unit {
        p.checkpoint = p
            .seq_key
            .checked_add(1)
            .filter(|size| checkpoints.contains(size))
            .map(|size| store.checkpoint_note(size));
    }
    unit
}

/// What entry `seq_key` is on its own: decoded, hashed, its signature
/// checked (`verify_strict`). The store reads are left for `read_tree`,
/// `read_parts` and the checkpoint.
fn prepare_entry(seq_key: u64, bytes: &[u8]) -> Prepared {
    let hash = entry_hash(bytes);
    let mut signature = Ok(());
    let decoded = match crate::entry::Entry::from_bytes(bytes) {
        Err(e) => Err(LogFaultReason::NotAnEntry(e.to_string())),
        Ok(e) => match StatementBody::decode(&e.statement.body_bytes) {
            Err(err) => Err(LogFaultReason::Body(err.to_string())),
            Ok(body) => {
                signature = e.statement.verify_signature(&body);
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
    Prepared {
        seq_key,
        hash,
        decoded,
        signature,
        leaf: Ok(None),
        nodes: Vec::new(),
        parts: Vec::new(),
        checkpoint: None,
    }
}

/// One stored node, read on its own.
fn node_at(store: &Store, level: u8, index: u64) -> StoredNode {
    Ok(store
        .merkle_stored(level, index)?
        .and_then(|v| <[u8; 32]>::try_from(v.as_slice()).ok()))
}

/// A unit's leaves and the nodes they complete (`nodes_completed`), read
/// ahead. In the tree file's post-order these are contiguous, from the
/// unit's first leaf to the last node its last leaf completes: one read
/// (`Store::merkle_run_into`), cut where the file ends, which is where reading
/// node by node would find them absent. Seq keys far apart (entries
/// missing: the replay stops at the first gap anyway) or a failed read
/// fall back to reading node by node.
fn read_tree(store: &Store, unit: &mut [Prepared]) {
    let (Some(first), Some(last)) = (unit.first(), unit.last()) else {
        return;
    };
    let from = crate::treefile::position(0, first.seq_key);
    let to = last.seq_key.checked_add(1).map(crate::treefile::node_count);
    let span = match (from, to) {
        (Some(from), Some(to))
            if last.seq_key - first.seq_key < 4 * unit.len() as u64 + 64 && from <= to =>
        {
            usize::try_from(to - from)
                .ok()
                .and_then(|n| n.checked_mul(32))
        }
        _ => None,
    };
    TREE_RUN.with_borrow_mut(|buf| {
        let run = match (span, from) {
            (Some(span), Some(from)) => {
                if buf.len() < span {
                    buf.resize(span, 0);
                }
                store
                    .merkle_run_into(&mut buf[..span], from)
                    .ok()
                    .map(|n| (from, &buf[..n]))
            }
            _ => None,
        };
        let node = |level: u8, index: u64| -> StoredNode {
            if let (Some((from, bytes)), Some(p)) = (run, crate::treefile::position(level, index)) {
                if p >= from && p - from < span.unwrap_or(0) as u64 / 32 {
                    let at = usize::try_from(p - from).unwrap_or(usize::MAX);
                    return Ok(at
                        .checked_mul(32)
                        .and_then(|at| bytes.get(at..at.checked_add(32)?))
                        .and_then(|b| <[u8; 32]>::try_from(b).ok()));
                }
            }
            node_at(store, level, index)
        };
        for p in unit {
            let n = p.seq_key;
            p.leaf = node(0, n).map(|l| l.map(|l| l == p.hash.0));
            p.nodes = nodes_completed(n)
                .map(|level| node(level, n >> level))
                .collect();
        }
    });
}

/// The largest run of the parts file read at once for a unit; beyond it
/// (attachments, or forged locations) the parts are read one by one, and
/// those over `STREAM_OVER` streamed: the audit's memory stays bounded
/// whatever the parts' sizes.
const MAX_PARTS_RUN: u64 = 16 << 20;
/// Parts longer than this are checked as they stream from the parts file.
const STREAM_OVER: u64 = 1 << 20;

/// A unit's committed parts (each decoded entry's, in body order), read
/// and hashed ahead into `Prepared::parts`.
///
/// Only the committed parts are looked at, as reading them one by one
/// (`Store::part`) would: a `P` row for a digest the body does not commit
/// to is ignored. The rows come from one range scan of the unit's `P` rows
/// (`Store::part_locs`); the parts were appended in log order, so the
/// committed ones lie in one run of the parts file, in order, read at
/// once (`Store::parts_bytes_into`; erased parts keep their place, zeroed). A
/// part whose row is absent, or whose bytes the file does not reach, is
/// absent (`None`), exactly as `Store::part` says. Whenever the batch
/// cannot answer exactly that — a row that does not decode, a stored
/// length out of range (both errors that `Store::part` reports where the
/// replay meets them), locations not in ascending order, a run longer
/// than `MAX_PARTS_RUN`, a failed read — the unit is read part by part.
fn read_parts(store: &Store, unit: &mut [Prepared]) {
    if let Some(parts) = parts_at_once(store, unit) {
        for (p, parts) in unit.iter_mut().zip(parts) {
            p.parts = parts;
        }
        return;
    }
    for p in unit.iter_mut() {
        let Ok(d) = &p.decoded else { continue };
        let kind = d.body.kind;
        p.parts = d
            .body
            .parts
            .iter()
            .map(|c| {
                let digest = Digest(c.digest);
                let large = store
                    .part_loc(p.seq_key, &digest)?
                    .is_some_and(|loc| loc.len > STREAM_OVER + 32);
                if large {
                    return part_streamed(store, p.seq_key, c);
                }
                Ok(store
                    .part(p.seq_key, &digest)?
                    .map(|(salt, content)| part_read(kind, c, &salt, &content)))
            })
            .collect();
    }
}

/// A large part (an attachment) checked as it streams from the parts
/// file. Its label's content rule is decided on the stream as on a part in
/// memory (`partcheck`); a payload or readers list this large cannot match
/// its commitment (§3.3, §3.8), so there is nothing to keep.
fn part_streamed(store: &Store, seq: u64, c: &crate::statement::PartCommitment) -> PartReadResult {
    let Some((salt, reader)) = store.part_reader(seq, &Digest(c.digest))? else {
        return Ok(None);
    };
    let checked =
        crate::partcheck::check_reader(&c.label, &salt, reader, |_| Ok(())).map_err(|e| {
            StoreError::File(crate::appendfile::AppendFileError::Io {
                path: "parts".into(),
                source: e,
            })
        })?;
    Ok(Some(PartRead {
        matches: checked.matches(c),
        not_text: checked.fault,
        payload: None,
        readers: None,
    }))
}

/// A present part checked against its commitment `c` (of a statement of
/// `kind`), its payload kept and parsed.
fn part_read(
    kind: Kind,
    c: &crate::statement::PartCommitment,
    salt: &[u8; 32],
    content: &[u8],
) -> PartRead {
    let checked = crate::partcheck::check(&c.label, salt, content);
    let matches = checked.matches(c);
    // The payload the rules will be given, parsed here as `rules::check`
    // would (registry payloads are parsed by the registry, there). A part
    // that does not match is a fault before the rules: not parsed.
    let payload = (c.label == PAYLOAD).then(|| {
        let parsed =
            (matches && !kind.is_registry()).then(|| crate::domain::Payload::parse(kind, content));
        (content.to_vec(), parsed)
    });
    let not_text = checked.fault;
    let readers = match crate::seal::split_label(&c.label) {
        (_, Some(crate::seal::Companion::Readers)) if not_text.is_none() => {
            crate::seal::parse_readers(content)
                .ok()
                .map(|rs| rs.iter().map(|r| r.to_string()).collect())
        }
        _ => None,
    };
    PartRead {
        matches,
        not_text,
        payload,
        readers,
    }
}

thread_local! {
    /// Each worker's buffer for the runs of the parts file it reads: reused
    /// from unit to unit (a fresh buffer of a run's size, ~1 MB, is paged
    /// in and zeroed by the kernel every time the allocator gets it back).
    static RUN: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Each worker's buffer for the runs of the tree file it reads.
    static TREE_RUN: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The largest `RUN` buffer kept from one unit to the next.
const KEEP_RUN: usize = 8 << 20;

/// `read_parts` in one scan and one read; `None` to read part by part.
fn parts_at_once(store: &Store, unit: &[Prepared]) -> Option<Vec<Vec<PartReadResult>>> {
    let (first, last) = (unit.first()?.seq_key, unit.last()?.seq_key);
    let rows: Vec<(u64, Digest, store::PartLoc)> = store
        .part_locs(first, last.checked_add(1)?)
        .collect::<Result<_, _>>()
        .ok()?;
    // Each committed part's location (`None`: no row), in log order.
    let mut locs: Vec<Vec<Option<store::PartLoc>>> = Vec::with_capacity(unit.len());
    let mut run: Option<(u64, u64)> = None;
    let mut at = 0;
    for p in unit {
        let Ok(d) = &p.decoded else {
            locs.push(Vec::new());
            continue;
        };
        while rows.get(at).is_some_and(|r| r.0 < p.seq_key) {
            at += 1;
        }
        let end = at + rows[at..].iter().take_while(|r| r.0 == p.seq_key).count();
        let mine = &rows[at..end];
        let mut entry_locs = Vec::with_capacity(d.body.parts.len());
        for c in &d.body.parts {
            let loc = mine.iter().find(|r| r.1 .0 == c.digest).map(|r| r.2);
            if let Some(loc) = loc {
                if !loc.len_in_range() {
                    return None;
                }
                let end = loc.offset.checked_add(loc.len)?;
                run = match run {
                    None => Some((loc.offset, end)),
                    Some((start, prev_end)) if loc.offset >= prev_end => Some((start, end)),
                    Some(_) => return None,
                };
            }
            entry_locs.push(loc);
        }
        locs.push(entry_locs);
    }
    let Some((start, end)) = run else {
        // No part stored: each committed one is absent.
        return Some(
            locs.into_iter()
                .map(|l| l.into_iter().map(|_| Ok(None)).collect())
                .collect(),
        );
    };
    if end - start > MAX_PARTS_RUN {
        return None;
    }
    let span = usize::try_from(end - start).ok()?;
    RUN.with_borrow_mut(|buf| {
        if buf.len() < span {
            buf.resize(span, 0);
        }
        let read = store.parts_bytes_into(&mut buf[..span], start);
        let bytes = &buf[..read.ok()?];
        let parts = unit
            .iter()
            .zip(locs)
            .map(|(p, entry_locs)| {
                let Ok(d) = &p.decoded else {
                    return Vec::new();
                };
                d.body
                    .parts
                    .iter()
                    .zip(entry_locs)
                    .map(|(c, loc)| {
                        let Some(loc) = loc else { return Ok(None) };
                        // Within the run by construction; `None` where the
                        // file ends before the part does.
                        let at = (loc.offset - start) as usize;
                        let Some(stored) = bytes.get(at..at + loc.len as usize) else {
                            return Ok(None);
                        };
                        let (salt, content) = stored.split_at(32);
                        let salt: &[u8; 32] = salt.try_into().expect("32 bytes");
                        Ok(Some(part_read(d.body.kind, c, salt, content)))
                    })
                    .collect()
            })
            .collect();
        // Keep a buffer of a usual run's size, not of the largest.
        if buf.len() > KEEP_RUN {
            *buf = Vec::new();
        }
        Some(parts)
    })
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
/// the `E` rows. And it runs on its own thread alongside
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
/// `CHUNK` entries (`prepare_unit`) while this thread replays the units before
/// them in order (`Replay::check`).
pub fn audit(
    store: &Store,
    progress: &mut dyn FnMut(u64),
) -> Result<Result<AuditReport, LogFault>, StoreError> {
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
) -> Result<Result<AuditReport, LogFault>, StoreError> {
    Ok(replay(store, progress, tuning, None)?.map(|(report, _)| report))
}

/// What the statement-index row of `hash` should hold: the replay again,
/// keeping that one row (only run to name a row found wrong).
fn expected_statement_row(
    store: &Store,
    hash: Digest,
) -> Result<Option<StatementInfo>, StoreError> {
    Ok(replay(store, &mut |_| {}, Tuning::default(), Some(hash))?
        .ok()
        .and_then(|(_, info)| info))
}

/// The audit; with `wanted`, only the replay (no check of the derived
/// rows), keeping the final statement-index row of `wanted`.
fn replay(
    store: &Store,
    progress: &mut dyn FnMut(u64),
    tuning: Tuning,
    wanted: Option<Digest>,
) -> Result<Result<(AuditReport, Option<StatementInfo>), LogFault>, StoreError> {
    let head = store.head()?;
    let mut checkpoint_sizes = BTreeSet::new();
    for size in store.checkpoint_sizes() {
        checkpoint_sizes.insert(size?);
    }

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
        derived: DerivedRows::with_capacity(if wanted.is_some() { 0 } else { head.size }),
        wanted: wanted.map(|h| (h, None)),
    };

    let cancel = AtomicBool::new(false);
    let stopped = std::thread::scope(|s| {
        let refs = s.spawn(|| last_references(store, &cancel));
        let mut refs = Some(refs);
        let stopped = crate::par::pipeline(
            store.entry_chunks(0, tuning.chunk),
            |raw| raw.map(|raw| prepare_unit(store, &checkpoint_sizes, &raw)),
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
    if let Some((_, (seq, label))) = st.missing_parts.iter().min_by_key(|(_, (s, _))| *s) {
        return Ok(Err(LogFault {
            seq: *seq,
            kind: FaultKind::MissingPart,
            reason: LogFaultReason::PartMissing {
                label: label.clone(),
            },
        }));
    }
    if head.size != st.next {
        return Ok(Err(LogFault {
            seq: st.next.min(head.size),
            kind: FaultKind::Sequence,
            reason: LogFaultReason::HeadSize {
                head: head.size,
                log: st.next,
            },
        }));
    }
    if st.next == 0 {
        return Ok(Err(LogFault {
            seq: 0,
            kind: FaultKind::Sequence,
            reason: LogFaultReason::Empty,
        }));
    }
    if head.last_hash != st.prev_hash {
        return Ok(Err(LogFault {
            seq: st.next.saturating_sub(1),
            kind: FaultKind::DerivedRow,
            reason: LogFaultReason::HeadHash,
        }));
    }
    if head.last_received_at != st.prev_received {
        return Ok(Err(LogFault {
            seq: st.next - 1,
            kind: FaultKind::DerivedRow,
            reason: LogFaultReason::HeadReceived {
                head: head.last_received_at,
                log: st.prev_received,
            },
        }));
    }
    if let Some(&extra) = checkpoint_sizes.range(st.next + 1..).next() {
        return Ok(Err(LogFault {
            seq: st.next,
            kind: FaultKind::Checkpoint,
            reason: LogFaultReason::CheckpointBeyond { size: extra },
        }));
    }
    if let Some((_, info)) = st.wanted {
        return Ok(Ok((AuditReport::default(), info)));
    }
    // The rows the writer relies on (see `derived`).
    let end = st.next;
    if let Some(fault) = derived::check_config(store, st.registry.origin.as_deref())? {
        return Ok(Err(fault));
    }
    if let Some(fault) = derived::check_parts_end(store, end)? {
        return Ok(Err(fault));
    }
    match st.derived.check(store, &st.index.incidents, end)? {
        None => {}
        Some(RowFault::Fault(f)) => return Ok(Err(f)),
        Some(RowFault::Statement { hash, seq, stored }) => {
            let expected = expected_statement_row(store, hash)?.ok_or_else(|| {
                StoreError::Corrupt(Damage::Inconsistent(format!(
                    "the replay derives no statement-index row for {hash}"
                )))
            })?;
            return Ok(Err(RowFault::statement_fault(
                &hash,
                seq,
                stored.as_deref(),
                &expected,
            )));
        }
    }
    let mut report = st.report;
    report.entries = st.next;
    report.authors = st.authors.len();
    let distrust = crate::compromise::Distrust::from_registry(&st.registry);
    report.signed_after_compromise = crate::compromise::archive_findings(store, &distrust, end)?;
    Ok(Ok((report, None)))
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
    /// (statement hash, label) -> seq: parts absent from the store (no `P` row, or beyond the parts file),
    /// not (yet) explained by a redaction order. A redaction order always
    /// comes after the statement it erases from, so this is settled only
    /// at the end of the log.
    /// Parts missing at their entry, by (statement, the label a redaction
    /// order would name): the entry's seq and the missing part's label.
    missing_parts: BTreeMap<(Digest, String), (u64, String)>,
    copies: Copies,
    /// The rows the writer relies on, as the log derives them.
    derived: DerivedRows,
    /// A statement whose final index row to keep, and that row.
    wanted: Option<(Digest, Option<StatementInfo>)>,
}

/// Finds a statement appended twice, at its second copy: every statement
/// seen is remembered by a fingerprint of its hash (its first 8 bytes: it
/// is a SHA-256 output) with the seq of the entry holding it, 16 bytes per
/// entry (~36 MB at 1M entries). A fingerprint seen before is settled by
/// reading the entry it names again: either that entry holds the very
/// statement (a copy), or two statements share a fingerprint, which happens
/// about once in 2^64 pairs, and the second one is remembered in full.
///
/// Asking the store's statement index (`H`, derived, trusted only where the
/// entry it names holds that statement) for every entry would be a random
/// sled read per entry (a page-in once the index outgrows sled's cache),
/// for what a hash map answers at once.
/// The verdict is the same: a statement is found at its second copy, and
/// the first copy is named.
#[derive(Default)]
struct Copies {
    /// Fingerprint -> seq of the first entry with that fingerprint.
    first: HashMap<u64, u64, crate::hash::Fingerprints>,
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
        let k = match self.first.entry(hash.fingerprint()) {
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

    fn fault(
        &self,
        seq: u64,
        kind: FaultKind,
        reason: LogFaultReason,
    ) -> Result<Result<(), LogFault>, StoreError> {
        Ok(Err(LogFault { seq, kind, reason }))
    }

    fn check(&mut self, p: Prepared) -> Result<Result<(), LogFault>, StoreError> {
        let n = self.next;
        if p.seq_key != n {
            return self.fault(
                n,
                FaultKind::Sequence,
                LogFaultReason::EntryMissing {
                    seq: n,
                    found: p.seq_key,
                },
            );
        }
        // An entry moved here from another position: say so, rather than
        // only that its bytes differ from the leaf recorded here.
        if let Ok(d) = &p.decoded {
            if d.seq != n {
                return self.fault(
                    n,
                    FaultKind::Sequence,
                    LogFaultReason::Moved {
                        position: n,
                        says: d.seq,
                    },
                );
            }
        }
        // The tree recorded each entry's hash when it was appended: a
        // difference means these bytes were altered afterwards.
        match p.leaf? {
            Some(true) => {}
            Some(false) => {
                return self.fault(n, FaultKind::Hash, LogFaultReason::Altered { hash: p.hash })
            }
            None => return self.fault(n, FaultKind::Tree, LogFaultReason::LeafMissing),
        }
        let Decoded {
            prev,
            received_at,
            body,
            statement_hash,
            ..
        } = match p.decoded {
            Ok(d) => d,
            Err(reason) => return self.fault(n, FaultKind::EntryBytes, reason),
        };
        // Ingest never appends a statement twice: a second copy was
        // replayed into the log (it would count twice in projections).
        if let Some(first) = self.copies.earlier_copy(self.store, n, &statement_hash)? {
            return self.fault(
                n,
                FaultKind::Rules,
                LogFaultReason::Twice {
                    statement: statement_hash,
                    first,
                },
            );
        }
        if prev != self.prev_hash {
            return self.fault(
                n,
                FaultKind::Chain,
                LogFaultReason::Prev {
                    seq: n,
                    prev: Digest(prev),
                    expected: Digest(self.prev_hash),
                },
            );
        }
        if received_at < self.prev_received {
            return self.fault(
                n,
                FaultKind::Chain,
                LogFaultReason::ReceivedBefore {
                    received: received_at,
                    previous: self.prev_received,
                },
            );
        }
        if let Err(e) = p.signature {
            return self.fault(n, FaultKind::Signature, LogFaultReason::Signature(e));
        }
        // Parts: present and matching, or erased by a redaction order.
        let mut payload = None;
        let mut sealed: Vec<SealedPart> = Vec::new();
        let mut readers: Vec<(String, Vec<String>)> = Vec::new();
        for (c, read) in body.parts.iter().zip(p.parts) {
            let is_sealed = crate::seal::is_sealed(&body, &c.label);
            match read? {
                Some(_) if is_sealed => {
                    return self.fault(
                        n,
                        FaultKind::Part,
                        LogFaultReason::SealedInClear {
                            label: c.label.clone(),
                        },
                    );
                }
                None if is_sealed => sealed.push(SealedPart {
                    seq: n,
                    label: c.label.clone(),
                    readers: Vec::new(),
                }),
                Some(PartRead {
                    matches,
                    not_text,
                    payload: content,
                    readers: listed,
                }) => {
                    if !matches {
                        return self.fault(
                            n,
                            FaultKind::Part,
                            LogFaultReason::PartMismatch {
                                label: c.label.clone(),
                            },
                        );
                    }
                    if let Some(reason) = not_text {
                        return self.fault(n, FaultKind::Rules, LogFaultReason::Content(reason));
                    }
                    if content.is_some() {
                        payload = content;
                    }
                    if let Some(listed) = listed {
                        readers.push((crate::seal::split_label(&c.label).0.to_string(), listed));
                    }
                    self.report.parts += 1;
                }
                // An order naming a sealed part erased its ciphertext.
                None => match self.redacted_parts.get(&(
                    statement_hash,
                    crate::seal::redaction_label(&c.label).to_string(),
                )) {
                    Some(&by) => self.report.redacted.push(RedactedPart {
                        seq: n,
                        label: crate::seal::redaction_label(&c.label).to_string(),
                        by_seq: by,
                    }),
                    // The payload can never be redacted: the rules need it.
                    None if c.label == PAYLOAD => {
                        return self.fault(
                            n,
                            FaultKind::MissingPart,
                            LogFaultReason::PayloadMissing,
                        )
                    }
                    None => {
                        self.missing_parts.insert(
                            (
                                statement_hash,
                                crate::seal::redaction_label(&c.label).to_string(),
                            ),
                            (n, c.label.clone()),
                        );
                    }
                },
            }
        }
        for mut s in sealed {
            if let Some((_, listed)) = readers.iter_mut().find(|(b, _)| *b == s.label) {
                s.readers = std::mem::take(listed)
                    .into_iter()
                    .map(|recipient| SealedTo {
                        name: self.registry.reader(&recipient).map(|r| r.name.clone()),
                        recipient,
                    })
                    .collect();
            }
            self.report.sealed.push(s);
        }
        let (payload, parsed) = match payload {
            Some((bytes, parsed)) => (Some(bytes), parsed),
            None => (None, None),
        };
        let fx = match rules::check_parsed(
            &self.registry,
            &self.index,
            n,
            statement_hash,
            &body,
            payload.as_deref(),
            parsed,
        ) {
            Ok(Ok(fx)) => fx,
            Ok(Err(e)) => {
                return self.fault(
                    n,
                    FaultKind::Authority,
                    LogFaultReason::NotAuthorised(Box::new(e)),
                )
            }
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
            self.derived.registry.push(n);
        }
        for (h, info) in &statements {
            match &mut self.wanted {
                None => self.derived.statement(h, info),
                Some((w, kept)) if w == h => *kept = Some(info.clone()),
                Some(_) => {}
            }
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
        stored: Vec<StoredNode>,
    ) -> Result<Result<(), LogFault>, StoreError> {
        let mut stored = stored.into_iter();
        self.frontier.push((0, leaf));
        while self.frontier.len() >= 2 {
            let (lr, r) = self.frontier[self.frontier.len() - 1];
            let (ll, l) = self.frontier[self.frontier.len() - 2];
            if ll != lr {
                break;
            }
            self.frontier.truncate(self.frontier.len() - 2);
            let h = crate::merkle::node_hash(&l, &r);
            let level = ll + 1;
            let index = n >> level;
            // The frontier of leaves 0..=n completes exactly the nodes of
            // `nodes_completed(n)`, in this order; read in turn otherwise.
            let stored = match stored.next() {
                Some(read) => read?,
                None => node_at(self.store, level, index)?,
            };
            if stored != Some(h) {
                return self.fault(n, FaultKind::Tree, LogFaultReason::Node { level, index });
            }
            self.frontier.push((level, h));
        }
        Ok(Ok(()))
    }

    fn root(&self) -> [u8; 32] {
        let mut it = self.frontier.iter().rev();
        let Some(&(_, mut r)) = it.next() else {
            return crate::merkle::EMPTY_ROOT;
        };
        for (_, l) in it {
            r = crate::merkle::node_hash(l, &r);
        }
        r
    }

    /// Check the checkpoint `note` stored for tree size `size` (read
    /// ahead), if there is one.
    fn check_checkpoint(
        &mut self,
        size: u64,
        note: Option<String>,
    ) -> Result<Result<(), LogFault>, StoreError> {
        let seq = size - 1;
        let Some(note) = note else {
            return Ok(Ok(()));
        };
        let Some(key) = &self.checkpoint_key else {
            return self.fault(seq, FaultKind::Checkpoint, LogFaultReason::NoCheckpointKey);
        };
        let cp = match Checkpoint::open(&note, key) {
            Ok(cp) => cp,
            Err(e) => {
                return self.fault(
                    seq,
                    FaultKind::Checkpoint,
                    LogFaultReason::Checkpoint {
                        size,
                        error: e.to_string(),
                    },
                )
            }
        };
        if cp.size != size {
            return self.fault(
                seq,
                FaultKind::Checkpoint,
                LogFaultReason::CheckpointSize {
                    size,
                    says: cp.size,
                },
            );
        }
        if cp.root != self.root() {
            return self.fault(
                seq,
                FaultKind::Checkpoint,
                LogFaultReason::CheckpointRoot { size },
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

    /// The batched reads of a unit (`read_tree`, `parts_at_once`) give
    /// what reading node by node and part by part gives.
    #[test]
    fn batched_reads_match_reads_one_at_a_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("archive");
        build(&path, 1000);
        let view = crate::archive::Archive::open_for_audit(&path).expect("open");
        let store = view.store();
        let summary = |r: &PartReadResult| match r {
            Ok(Some(p)) => Some((
                p.matches,
                p.payload
                    .as_ref()
                    .map(|(b, parsed)| (b.clone(), parsed.is_some())),
            )),
            Ok(None) => None,
            Err(e) => panic!("{e}"),
        };
        for chunk in [1, 7, 256] {
            for raw in store.entry_chunks(0, chunk) {
                let raw = raw.unwrap();
                let mut unit: Vec<Prepared> =
                    raw.iter().map(|(k, b)| prepare_entry(*k, b)).collect();
                read_tree(store, &mut unit);
                let batched = parts_at_once(store, &unit).expect("no fallback");
                for (p, parts) in unit.iter().zip(batched) {
                    let n = p.seq_key;
                    assert_eq!(*p.leaf.as_ref().unwrap(), Some(true), "leaf {n}");
                    let nodes: Vec<_> = nodes_completed(n)
                        .map(|l| node_at(store, l, n >> l).unwrap())
                        .collect();
                    let got: Vec<_> = p.nodes.iter().map(|r| *r.as_ref().unwrap()).collect();
                    assert_eq!(got, nodes, "nodes {n}");
                    let body = &p.decoded.as_ref().unwrap().body;
                    let one_by_one: Vec<_> = body
                        .parts
                        .iter()
                        .map(|c| {
                            store
                                .part(n, &Digest(c.digest))
                                .unwrap()
                                .map(|(salt, content)| part_read(body.kind, c, &salt, &content))
                        })
                        .map(Ok)
                        .collect();
                    assert_eq!(
                        parts.iter().map(summary).collect::<Vec<_>>(),
                        one_by_one.iter().map(summary).collect::<Vec<_>>(),
                        "parts {n}"
                    );
                    assert!(parts.iter().all(|r| summary(r).is_some_and(|s| s.0)));
                }
            }
        }
    }

    /// An archive of the bench's statements (amendments, retractions,
    /// annotations...: many refs), of at least `entries` entries.
    fn build(path: &std::path::Path, entries: usize) {
        use temoin_workload as gen;
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
        let enrol = gen::enrolments(&keys, &custodian).unwrap();
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
