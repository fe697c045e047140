//! The full audit: replay every entry from 0 and check everything that can
//! be checked (docs/FORMAT.md §9). The first fault is reported with its seq.
//!
//! Signature checks, decoding and hashing run on all cores in chunks; the
//! checks that depend on order (links, registry, rules) run in seq order.
//! Each signature is checked with `verify_strict`, one entry at a time, so
//! the verdict is exactly that of `verify_strict` on every entry.

use crate::checkpoint::Checkpoint;
use crate::entry::{entry_hash, Entry};
use crate::hash::Digest;
use crate::note::VerifierKey;
use crate::registry::{Registry, PAYLOAD};
use crate::rules::{self, MemIndex};
use crate::statement::{Kind, StatementBody};
use crate::store::{self, Store, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// One entry after the order-independent checks.
struct Prepared {
    seq_key: u64,
    hash: Digest,
    decoded: Result<(Entry, StatementBody, Digest), String>,
    signature: Result<(), String>,
    /// The stored Merkle leaf of this seq, read ahead.
    leaf: Result<Option<Vec<u8>>, StoreError>,
    /// Each committed part, in the body's order, read and hashed ahead:
    /// `None` if absent, else whether it matches and, for the payload, its
    /// content. Errors surface where the sequential check reaches them.
    parts: Vec<PartReadResult>,
    /// The statement index's row for this entry's statement, read ahead for
    /// the duplicate-copy check.
    indexed: Result<Option<sled::IVec>, StoreError>,
}

/// A part read ahead: absent, or read (see `PartRead`); or the store failed.
type PartReadResult = Result<Option<PartRead>, StoreError>;

struct PartRead {
    matches: bool,
    payload: Option<Vec<u8>>,
}

/// What the sequential replay would read of the store for this entry, read
/// (and the parts hashed) on all cores instead. The store is not written
/// during an audit, so reading ahead sees what reading in turn would.
fn read_ahead(
    store: &Store,
    seq_key: u64,
    decoded: &Result<(Entry, StatementBody, Digest), String>,
) -> (Result<Option<Vec<u8>>, StoreError>, Vec<PartReadResult>) {
    let leaf = store.merkle_stored(0, seq_key);
    let parts = match decoded {
        Ok((_, body, _)) => body
            .parts
            .iter()
            .map(|c| {
                let d = Digest(c.digest);
                Ok(store.part(seq_key, &d)?.map(|(salt, content)| PartRead {
                    matches: content.len() as u64 == c.length
                        && crate::hash::part_digest(&salt, &content) == d,
                    payload: (c.label == PAYLOAD).then_some(content),
                }))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    (leaf, parts)
}

fn prepare(store: &Store, seq_key: u64, bytes: sled::IVec) -> Prepared {
    let hash = entry_hash(&bytes);
    let decoded = Entry::from_bytes(&bytes)
        .map_err(|e| format!("stored bytes are not a valid entry: {e}"))
        .and_then(|e| {
            let body = StatementBody::decode(&e.statement.body_bytes)
                .map_err(|err| format!("statement body: {err}"))?;
            let sh = e.statement.hash();
            Ok((e, body, sh))
        });
    let signature = match &decoded {
        Ok((e, body, _)) => e
            .statement
            .verify_signature(body)
            .map_err(|f| format!("signature: {f}")),
        Err(_) => Ok(()),
    };
    let (leaf, parts) = read_ahead(store, seq_key, &decoded);
    let indexed = match &decoded {
        Ok((_, _, sh)) => store.get(&store::key(store::STATEMENT, &sh.0)),
        Err(_) => Ok(None),
    };
    Prepared {
        seq_key,
        hash,
        decoded,
        signature,
        leaf,
        parts,
        indexed,
    }
}

/// For each statement hash that some entry refers to, the seq of the last
/// entry that does. The replay keeps a statement in its index only while
/// a later entry will look it up, so its memory is bounded by the
/// statements still to be referred to, not by the log. Unreadable entries
/// are skipped: the replay stops at them anyway.
fn last_references(store: &Store) -> HashMap<Digest, u64> {
    let mut last = HashMap::new();
    let mut iter = store.entries_from(0);
    loop {
        let mut raw = Vec::with_capacity(CHUNK);
        for item in iter.by_ref().take(CHUNK) {
            match item {
                Ok(kv) => raw.push(kv),
                Err(_) => break,
            }
        }
        if raw.is_empty() {
            break;
        }
        let refs = crate::par::map(raw, |(k, b)| {
            let refs = Entry::from_bytes(&b)
                .ok()
                .and_then(|e| StatementBody::decode(&e.statement.body_bytes).ok())
                .map(|body| body.refs)
                .unwrap_or_default();
            (k, refs)
        });
        for (k, rs) in refs {
            for r in rs {
                last.insert(Digest(r), k);
            }
        }
    }
    last
}

const CHUNK: usize = 2048;

/// Replay and check the whole archive. `progress` is called with the number
/// of entries checked so far.
pub fn audit(
    store: &Store,
    progress: &mut dyn FnMut(u64),
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
        last_ref: last_references(store),
        prev_hash: [0u8; 32],
        prev_received: i64::MIN,
        next: 0,
        frontier: Vec::new(),
        checkpoint_sizes: &checkpoint_sizes,
        checkpoint_key: None,
        authors: BTreeSet::new(),
        report: AuditReport::default(),
        redacted_parts: BTreeMap::new(),
        missing_parts: BTreeMap::new(),
        copies: Copies::default(),
    };

    for raw in store.entry_chunks(0, CHUNK) {
        let raw = raw?;
        let prepared = crate::par::map(raw, |(k, b)| prepare(store, k, b));
        for p in prepared {
            if let Err(f) = st.check(p)? {
                return Ok(Err(f));
            }
        }
        progress(st.next);
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
    last_ref: HashMap<Digest, u64>,
    prev_hash: [u8; 32],
    prev_received: i64,
    next: u64,
    /// Perfect subtrees of the tree so far, largest first: (level, hash).
    frontier: Vec<(u8, [u8; 32])>,
    checkpoint_sizes: &'a BTreeSet<u64>,
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

/// Finds a statement appended twice, at its second copy, without holding
/// every statement hash in memory: the store's statement index (`H`) names
/// the seq of each statement. It is derived, so it is trusted only where
/// the entry it names holds that very statement; wherever it does not
/// (missing, or rewritten by a forger), the statement is remembered here.
#[derive(Default)]
struct Copies {
    /// seq of a later copy -> (statement hash, seq of the first).
    later: HashMap<u64, (Digest, u64)>,
    /// Statements the index does not vouch for -> their first seq.
    unindexed: HashMap<Digest, u64>,
}

impl Copies {
    /// The seq of an earlier entry holding statement `hash`, found at entry
    /// `n`; `indexed` is the statement index's row for `hash`, read ahead.
    fn earlier_copy(
        &mut self,
        store: &Store,
        n: u64,
        hash: &Digest,
        indexed: Result<Option<sled::IVec>, StoreError>,
    ) -> Result<Option<u64>, StoreError> {
        if let Some((h, first)) = self.later.remove(&n) {
            if h == *hash {
                return Ok(Some(first));
            }
        }
        if let Some(&first) = self.unindexed.get(hash) {
            return Ok(Some(first));
        }
        let indexed = indexed?
            .and_then(|v| {
                crate::encoding::decode_canonical::<rules::StatementInfo>(&v, 1 << 20, "index").ok()
            })
            .map(|info| info.seq);
        match indexed {
            Some(k) if k == n => {}
            Some(k) if Self::holds(store, k, hash)? => {
                if k < n {
                    return Ok(Some(k));
                }
                self.later.insert(k, (*hash, n));
            }
            _ => {
                self.unindexed.insert(*hash, n);
            }
        }
        Ok(None)
    }

    /// Whether entry `seq` holds statement `hash`.
    fn holds(store: &Store, seq: u64, hash: &Digest) -> Result<bool, StoreError> {
        Ok(store
            .entry_bytes(seq)?
            .and_then(|b| Entry::from_bytes(&b).ok())
            .is_some_and(|e| e.statement.hash() == *hash))
    }
}

impl Replay<'_> {
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
        if let Ok((entry, _, _)) = &p.decoded {
            if entry.seq != n {
                return self.fault(
                    n,
                    format!(
                        "the entry stored at position {n} says it is entry {} (entries were moved or swapped)",
                        entry.seq
                    ),
                );
            }
        }
        // The tree recorded each entry's hash when it was appended: a
        // difference means these bytes were altered afterwards.
        match p.leaf? {
            Some(leaf) if leaf.as_ref() == p.hash.0 => {}
            Some(_) => {
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
        let (entry, body, statement_hash) = match p.decoded {
            Ok(d) => d,
            Err(reason) => return self.fault(n, reason),
        };
        // Ingest never appends a statement twice: a second copy was
        // replayed into the log (it would count twice in projections).
        if let Some(first) = self
            .copies
            .earlier_copy(self.store, n, &statement_hash, p.indexed)?
        {
            return self.fault(
                n,
                format!(
                    "statement {} is already in the log at entry {first} (a statement is never appended twice)",
                    statement_hash.short(),
                ),
            );
        }
        if entry.prev != self.prev_hash {
            return self.fault(
                n,
                format!(
                    "prev link {} does not match the hash of entry {} ({})",
                    Digest(entry.prev).short(),
                    n as i128 - 1,
                    Digest(self.prev_hash).short()
                ),
            );
        }
        if entry.received_at < self.prev_received {
            return self.fault(
                n,
                format!(
                    "received_at {} goes back before the previous entry's {}",
                    crate::time::format_ms(entry.received_at),
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
                    if c.label == PAYLOAD {
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
        if let Some(change) = &fx.registry {
            self.registry.apply(n, change.clone());
        }
        if let Some((target, label)) = &fx.redact {
            self.redacted_parts.insert((*target, label.clone()), n);
            self.missing_parts.remove(&(*target, label.clone()));
            // A part redacted later was present (and checked) until now;
            // a redacted part of an earlier entry shows as redacted here.
            if let Some(info) = self.index.statements.get(target) {
                self.report.redacted.push(RedactedPart {
                    seq: info.seq,
                    label: label.clone(),
                    by_seq: n,
                });
            }
        }
        // Keep a statement only while a later entry refers to it.
        for (h, info) in &fx.statements {
            if self.last_ref.get(h).is_some_and(|&last| last > n) {
                self.index.statements.insert(*h, info.clone());
            } else {
                self.index.statements.remove(h);
            }
        }
        for r in body.refs() {
            if self.last_ref.get(&r).is_some_and(|&last| last <= n) {
                self.index.statements.remove(&r);
            }
        }
        for (id, info) in &fx.incidents {
            self.index.incidents.insert(id.clone(), info.clone());
        }
        if body.kind == Kind::Genesis {
            if let Some(vk) = &self.registry.checkpoint_key {
                self.checkpoint_key = VerifierKey::parse(vk).ok();
            }
        }
        self.authors.insert(body.author);
        if self.report.first_received_at.is_none() {
            self.report.first_received_at = Some(entry.received_at);
        }
        self.report.last_received_at = Some(entry.received_at);
        self.prev_hash = p.hash.0;
        self.prev_received = entry.received_at;

        // The tree: recompute every completed node and compare it with the
        // stored one, then check any checkpoint issued at this size.
        if let Err(f) = self.append_leaf(n, p.hash.0)? {
            return Ok(Err(f));
        }
        self.next = n + 1;
        if self.checkpoint_sizes.contains(&self.next) {
            return self.check_checkpoint(self.next);
        }
        Ok(Ok(()))
    }

    fn append_leaf(&mut self, n: u64, leaf: [u8; 32]) -> Result<Result<(), Fault>, StoreError> {
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
            let stored = self.store.merkle_stored(level, index)?;
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

    fn check_checkpoint(&mut self, size: u64) -> Result<Result<(), Fault>, StoreError> {
        let seq = size - 1;
        let Some(note) = self.store.checkpoint_note(size)? else {
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
