//! The archive as C2SP tlog-tiles (docs/FORMAT.md §15): the tiles of the
//! store (what `temoin serve` answers at `/tile/…` and `temoin tiles`
//! writes), a static export, a verifying mirror, and the audit of a tiles
//! directory without sled.
//!
//! A tiles directory holds `checkpoint` (the latest signed checkpoint),
//! `key` (the archive's checkpoint verifier key, one line), `tile/…`,
//! `payload/…` (each entry's `payload` part, which the rules read; no
//! other part is published) and, in a mirror, `forks/` (the proof of a log
//! that rewrote its history).

use crate::audit::{AuditReport, LogFault, LogFaultReason};
use crate::checkpoint::Checkpoint;
use crate::durable;
use crate::entry::Entry;
use crate::hash::{part_digest, Digest};
use crate::merkle::Hash;
use crate::registry::{Registry, PAYLOAD};
use crate::rules::{self, MemIndex};
use crate::signed_note::VerifierKey;
use crate::statement::{Kind, StatementBody};
use crate::store::{Store, StoreError};
use crate::verdict::FaultKind;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
pub use temoin_core::tiles::*;

/// Why tiles could not be made, read or copied.
#[derive(Debug, thiserror::Error)]
pub enum TilesError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Tile(#[from] TileError),
    #[error("cannot write {0}")]
    Write(#[from] durable::SyncError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the archive has no checkpoint yet: nothing to publish")]
    NoCheckpoint,
    #[error("the archive's tree lacks node ({level}, {index}): run `temoin verify`")]
    MissingNode { level: u8, index: u64 },
    #[error("{dir} holds the tiles of another log or another history (its {what}); export to an empty directory")]
    OtherLog { dir: PathBuf, what: String },
    #[error("{path}: {why}")]
    BadFile { path: PathBuf, why: String },
}

/// The bytes of `tile` of the archive's tree of `size` leaves; `None` if
/// that tree has no such tile. A partial tile is served at any width the
/// tree reaches (it is the prefix of the full tile to come).
pub fn tile_bytes(store: &Store, tile: &Tile, size: u64) -> Result<Option<Vec<u8>>, TilesError> {
    let count = match tile.kind {
        TileKind::Hash(l) if l >= 8 => return Ok(None),
        TileKind::Hash(l) => level_count(size, l),
        TileKind::Entries | TileKind::Payloads => size,
    };
    let range = tile.entry_range();
    if range.end > count {
        return Ok(None);
    }
    Ok(Some(match tile.kind {
        TileKind::Hash(l) => {
            let height = l * 8;
            let mut out = Vec::with_capacity(usize::from(tile.width) * 32);
            for index in range {
                let node = store
                    .merkle_stored(height, index)?
                    .filter(|n| n.len() == 32)
                    .ok_or(TilesError::MissingNode {
                        level: height,
                        index,
                    })?;
                out.extend_from_slice(&node);
            }
            out
        }
        TileKind::Entries => {
            let mut entries = Vec::with_capacity(usize::from(tile.width));
            for seq in range.clone() {
                entries.push(entry_bytes(store, seq)?);
            }
            encode_bundle(range.start, entries.iter().map(|e| &e[..]))?
        }
        TileKind::Payloads => {
            let mut payloads = Vec::with_capacity(usize::from(tile.width));
            for seq in range {
                payloads.push(payload_of(store, seq)?);
            }
            encode_payloads(payloads.iter().map(|p| p.as_deref()))
        }
    }))
}

fn entry_bytes(store: &Store, seq: u64) -> Result<Vec<u8>, TilesError> {
    Ok(store
        .entry_bytes(seq)?
        .ok_or(StoreError::Corrupt(crate::store::Damage::MissingEntry {
            seq,
        }))?
        .to_vec())
}

/// `salt || content` of entry `seq`'s payload part, `None` if it commits
/// none (or the store lacks it: the audit of the copy says so).
fn payload_of(store: &Store, seq: u64) -> Result<Option<Vec<u8>>, TilesError> {
    let Some(entry) = store.entry(seq)? else {
        return Err(StoreError::Corrupt(crate::store::Damage::MissingEntry { seq }).into());
    };
    let Ok(body) = StatementBody::decode(&entry.statement.body_bytes) else {
        return Ok(None);
    };
    let Some(c) = body.part(PAYLOAD) else {
        return Ok(None);
    };
    Ok(store.part(seq, &Digest(c.digest))?.map(|(salt, content)| {
        let mut v = salt.to_vec();
        v.extend_from_slice(&content);
        v
    }))
}

/// What `temoin tiles` wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExportReport {
    pub size: u64,
    /// Tiles and bundles written now.
    pub written: u64,
    /// Tiles already there (full tiles are immutable; a partial tile's path
    /// names its width).
    pub kept: u64,
    pub bytes: u64,
}

/// Write the archive's latest checkpoint and its tiles under `out`: the
/// tiles not there yet (each atomically: temporary file, fsync, rename),
/// `key` if absent, then `checkpoint` last. `out` must be empty or hold an
/// earlier export of this very log.
pub fn export(store: &Store, vkey: &VerifierKey, out: &Path) -> Result<ExportReport, TilesError> {
    let (size, note) = store.latest_checkpoint()?.ok_or(TilesError::NoCheckpoint)?;
    durable::create_dir_all(out)?;
    let key_path = out.join("key");
    let key_line = format!("{vkey}\n");
    match std::fs::read_to_string(&key_path) {
        Ok(k) if k.trim() == vkey.to_string() => {}
        Ok(k) => {
            return Err(TilesError::OtherLog {
                dir: out.to_path_buf(),
                what: format!("key is {:?}, the archive's is {vkey}", k.trim()),
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(TilesError::Read {
                path: key_path,
                source,
            })
        }
    }
    if let Some(held) = read_checkpoint_file(&out.join("checkpoint"))? {
        let body = Checkpoint::parse_body(note_body(&held)).ok();
        let same = body
            .as_ref()
            .and_then(|b| store.checkpoint_note(b.size).ok().flatten())
            .is_some_and(|n| n == held);
        if !same {
            return Err(TilesError::OtherLog {
                dir: out.to_path_buf(),
                what: "checkpoint is not one this archive signed".into(),
            });
        }
    }
    let mut report = ExportReport {
        size,
        ..ExportReport::default()
    };
    for t in all_tiles(size) {
        let path = out.join(t.path());
        if path.exists() {
            report.kept += 1;
            continue;
        }
        let bytes = tile_bytes(store, &t, size)?.ok_or(TilesError::MissingNode {
            level: 0,
            index: t.index,
        })?;
        durable::create_dir_all(durable::parent_of(&path))?;
        durable::write_atomic(&path, &bytes, 0o644)?;
        report.written += 1;
        report.bytes += bytes.len() as u64;
    }
    if !key_path.exists() {
        durable::write_atomic(&key_path, key_line.as_bytes(), 0o644)?;
    }
    durable::write_atomic(&out.join("checkpoint"), note.as_bytes(), 0o644)?;
    Ok(report)
}

/// The note text of a checkpoint file, `None` if absent.
fn read_checkpoint_file(path: &Path) -> Result<Option<String>, TilesError> {
    match std::fs::read(path) {
        Ok(b) => String::from_utf8(b)
            .map(Some)
            .map_err(|_| TilesError::BadFile {
                path: path.to_path_buf(),
                why: "not UTF-8".into(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(TilesError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The body of a signed note (before the blank line).
fn note_body(note: &str) -> &str {
    match note.find("\n\n") {
        Some(i) => &note[..=i],
        None => note,
    }
}

/// Replay a log given as its entries in order, each with its payload
/// bundle item (`salt || content`, empty if none), exactly as the audit
/// does for what a tiles copy holds (docs/FORMAT.md §9, §15.3): the
/// decoding, seq, chain link and time order, each signature
/// (`verify_strict`), the payload against its commitment, the rules and
/// authority (the registry replayed), and the genesis's checkpoint key,
/// which must be `pinned`. The parts other than the payload are not in a
/// copy, so not checked. The tree is checked against the checkpoint by the
/// caller ([`read_log`]).
pub fn replay<'a>(
    entries: impl Iterator<Item = (&'a [u8], &'a [u8])>,
    pinned: &VerifierKey,
) -> Result<(AuditReport, Registry), LogFault> {
    let mut registry = Registry::default();
    let mut index = MemIndex::default();
    let mut seen: HashMap<Digest, u64> = HashMap::new();
    let mut prev = [0u8; 32];
    let mut prev_received = i64::MIN;
    let mut authors = BTreeSet::new();
    let mut report = AuditReport::default();
    let mut n = 0u64;
    let fault = |seq, kind, reason| LogFault { seq, kind, reason };
    // Decoding, hashing and the signature, on all cores; then the checks
    // that depend on order, in order (the verdict is the same).
    let entries: Vec<(&[u8], &[u8])> = entries.collect();
    // In chunks, so that only one chunk's decoded entries are held at once.
    let prepared = entries
        .chunks(REPLAY_CHUNK)
        .flat_map(|chunk| crate::par::map(chunk.to_vec(), prepare));
    for (bytes, decoded) in prepared {
        let (entry, body, signature, hash, payload) = decoded.map_err(|e| {
            fault(
                n,
                FaultKind::EntryBytes,
                LogFaultReason::NotAnEntry(e.to_string()),
            )
        })?;
        if entry.seq != n {
            return Err(fault(
                n,
                FaultKind::Sequence,
                LogFaultReason::Moved {
                    position: n,
                    says: entry.seq,
                },
            ));
        }
        let body = body.map_err(|e| {
            fault(
                n,
                FaultKind::EntryBytes,
                LogFaultReason::Body(e.to_string()),
            )
        })?;
        if let Some(&first) = seen.get(&hash) {
            return Err(fault(
                n,
                FaultKind::Rules,
                LogFaultReason::Twice {
                    statement: hash,
                    first,
                },
            ));
        }
        seen.insert(hash, n);
        if entry.prev != prev {
            return Err(fault(
                n,
                FaultKind::Chain,
                LogFaultReason::Prev {
                    seq: n,
                    prev: Digest(entry.prev),
                    expected: Digest(prev),
                },
            ));
        }
        if entry.received_at < prev_received {
            return Err(fault(
                n,
                FaultKind::Chain,
                LogFaultReason::ReceivedBefore {
                    received: entry.received_at,
                    previous: prev_received,
                },
            ));
        }
        if let Err(e) = signature {
            return Err(fault(n, FaultKind::Signature, LogFaultReason::Signature(e)));
        }
        let mismatch = || {
            fault(
                n,
                FaultKind::Part,
                LogFaultReason::PartMismatch {
                    label: PAYLOAD.into(),
                },
            )
        };
        let (content, parsed) = match payload {
            PayloadState::Absent => (None, None),
            PayloadState::Missing => {
                return Err(fault(
                    n,
                    FaultKind::MissingPart,
                    LogFaultReason::PayloadMissing,
                ))
            }
            PayloadState::Mismatch => return Err(mismatch()),
            PayloadState::Matches(content, parsed) => {
                report.parts += 1;
                (Some(content), parsed)
            }
        };
        let fx = match rules::check_parsed(
            &registry,
            &index,
            n,
            hash,
            &body,
            content,
            parsed.map(|p| *p),
        ) {
            Ok(Ok(fx)) => fx,
            Ok(Err(e)) => {
                return Err(fault(
                    n,
                    FaultKind::Authority,
                    LogFaultReason::NotAuthorised(Box::new(e)),
                ))
            }
            Err(never) => match never {},
        };
        index.apply(&fx);
        if let Some(change) = fx.registry {
            registry.apply(n, change);
        }
        if body.kind == Kind::Genesis {
            let named = registry.checkpoint_key.clone().unwrap_or_default();
            if VerifierKey::parse(&named).map(|k| k.to_string()) != Ok(pinned.to_string()) {
                return Err(fault(
                    n,
                    FaultKind::Checkpoint,
                    LogFaultReason::Checkpoint {
                        size: n + 1,
                        error: format!(
                            "the genesis names checkpoint key {named:?}, not the pinned key {pinned}"
                        ),
                    },
                ));
            }
        }
        authors.insert(body.author);
        report.first_received_at.get_or_insert(entry.received_at);
        report.last_received_at = Some(entry.received_at);
        prev = crate::entry::entry_hash(bytes).0;
        prev_received = entry.received_at;
        n += 1;
    }
    if n == 0 {
        return Err(fault(0, FaultKind::Sequence, LogFaultReason::Empty));
    }
    report.entries = n;
    report.authors = authors.len();
    report.checkpoints = 1;
    Ok((report, registry))
}

/// Entries the replay decodes and checks on all cores at a time.
const REPLAY_CHUNK: usize = 4096;

/// What the replay checks of an entry on its own: decoded, its body, its
/// signature, its statement hash and its payload item.
type Prepared<'a> = (
    &'a [u8],
    Result<
        (
            Entry,
            Result<StatementBody, crate::statement::BodyError>,
            Result<(), crate::statement::SignatureFault>,
            Digest,
            PayloadState<'a>,
        ),
        crate::encoding::DecodeError,
    >,
);

fn prepare<'a>((bytes, payload): (&'a [u8], &'a [u8])) -> Prepared<'a> {
    let decoded = Entry::from_bytes(bytes).map(|entry| {
        let body = StatementBody::decode(&entry.statement.body_bytes);
        let signature = match &body {
            Ok(b) => entry.statement.verify_signature(b),
            Err(_) => Ok(()),
        };
        let hash = entry.statement.hash();
        let payload = match &body {
            Ok(b) => payload_state(b, payload),
            Err(_) => PayloadState::Absent,
        };
        (entry, body, signature, hash, payload)
    });
    (bytes, decoded)
}

/// An entry's payload bundle item against its body, checked on a worker.
enum PayloadState<'a> {
    /// The body commits no payload, and the item is empty.
    Absent,
    /// The body commits one; the item is empty.
    Missing,
    /// The item is not the committed payload (or the body commits none).
    Mismatch,
    /// The committed content, parsed (but for the registry's kinds, whose
    /// payloads the registry parses).
    Matches(&'a [u8], Option<Box<rules::ParsedPayload>>),
}

fn payload_state<'a>(body: &StatementBody, item: &'a [u8]) -> PayloadState<'a> {
    let Some(c) = body.part(PAYLOAD) else {
        return if item.is_empty() {
            PayloadState::Absent
        } else {
            PayloadState::Mismatch
        };
    };
    if item.is_empty() {
        return PayloadState::Missing;
    }
    let (salt, content) = item.split_at(item.len().min(32));
    let Ok(salt) = <[u8; 32]>::try_from(salt) else {
        return PayloadState::Mismatch;
    };
    if part_digest(&salt, content).0 != c.digest || content.len() as u64 != c.length {
        return PayloadState::Mismatch;
    }
    let parsed = (!body.kind.is_registry())
        .then(|| Box::new(crate::domain::Payload::parse(body.kind, content)));
    PayloadState::Matches(content, parsed)
}

/// A tiles directory as a fetch function: a path's file, `None` if absent.
pub fn dir_fetch(dir: &Path) -> impl FnMut(&str) -> Result<Option<Vec<u8>>, std::io::Error> + '_ {
    move |p: &str| match std::fs::read(dir.join(p)) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Why a tiles copy does not verify: what is wrong with the log, or with
/// the copy.
#[derive(Debug, thiserror::Error)]
pub enum CopyFault {
    #[error("the checkpoint does not verify with the pinned key {key}: {error}")]
    Checkpoint { key: String, error: String },
    #[error(transparent)]
    Read(#[from] ReadError<std::io::Error>),
    #[error(transparent)]
    Log(#[from] LogFault),
    #[error("the checkpoint's origin {checkpoint:?} is not the genesis's {genesis:?}")]
    Origin { checkpoint: String, genesis: String },
}

/// What a clean tiles copy holds.
#[derive(Debug, Clone)]
pub struct CopyReport {
    pub checkpoint: Checkpoint,
    pub audit: AuditReport,
}

/// Audit the tiles directory `dir` (a `temoin tiles` export or a mirror),
/// read only, against the key `pinned` (default: `dir/key`).
pub fn verify_dir(
    dir: &Path,
    pinned: Option<&VerifierKey>,
) -> Result<Result<CopyReport, CopyFault>, TilesError> {
    let key = match pinned {
        Some(k) => k.clone(),
        None => read_key(&dir.join("key"))?,
    };
    let note =
        read_checkpoint_file(&dir.join("checkpoint"))?.ok_or_else(|| TilesError::BadFile {
            path: dir.join("checkpoint"),
            why: "absent: not a tiles directory".into(),
        })?;
    let cp = match Checkpoint::open(&note, &key) {
        Ok(cp) => cp,
        Err(e) => {
            return Ok(Err(CopyFault::Checkpoint {
                key: key.to_string(),
                error: e.to_string(),
            }))
        }
    };
    let mut fetch = dir_fetch(dir);
    let log = match read_log(&mut fetch, &[], cp.size, &cp.root) {
        Ok(l) => l,
        Err(e) => return Ok(Err(e.into())),
    };
    let entries: Vec<&[u8]> = log.entries.iter().map(Vec::as_slice).collect();
    let payloads: Vec<&[u8]> = log.payloads.iter().map(Vec::as_slice).collect();
    Ok(check_log(&entries, &payloads, cp, &key))
}

/// Replay a log read whole (`log.first == 0`) and check its origin.
fn check_log(
    entries: &[&[u8]],
    payloads: &[&[u8]],
    cp: Checkpoint,
    key: &VerifierKey,
) -> Result<CopyReport, CopyFault> {
    let (mut audit, registry) = replay(entries.iter().copied().zip(payloads.iter().copied()), key)?;
    // Entries signed after a declared compromise: findings, as `verify`
    // reports them (DESIGN §8).
    let distrust = crate::compromise::Distrust::from_registry(&registry);
    audit.signed_after_compromise = crate::compromise::findings(
        &distrust,
        entries
            .iter()
            .enumerate()
            .map(|(i, e)| Ok::<_, std::convert::Infallible>((i as u64, e))),
    )
    .unwrap_or_else(|never| match never {});
    if let Some(origin) = registry.origin {
        if origin != cp.origin {
            return Err(CopyFault::Origin {
                checkpoint: cp.origin,
                genesis: origin,
            });
        }
    }
    Ok(CopyReport {
        checkpoint: cp,
        audit,
    })
}

/// A key file: one verifier key line.
pub fn read_key(path: &Path) -> Result<VerifierKey, TilesError> {
    let text = std::fs::read_to_string(path).map_err(|source| TilesError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    VerifierKey::parse(text.trim()).map_err(|e| TilesError::BadFile {
        path: path.to_path_buf(),
        why: format!("not a verifier key: {e}"),
    })
}

/// Leaves of the held tree of a tiles directory: its level-0 tiles.
fn held_leaves(dir: &Path, size: u64) -> Result<Vec<Hash>, TilesError> {
    let mut leaves = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    for t in tiles_of(TileKind::Hash(0), size) {
        let path = dir.join(t.path());
        let bytes = std::fs::read(&path).map_err(|source| TilesError::Read { path, source })?;
        leaves.extend(decode_hash_tile(&t, &bytes)?);
    }
    Ok(leaves)
}

/// What `temoin mirror` did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MirrorReport {
    /// The size held before (0: a first copy).
    pub from: u64,
    pub size: u64,
    /// Tiles fetched (all checked).
    pub fetched: u64,
    pub bytes: u64,
    pub entries_verified: u64,
}

/// Why a mirror refused what it was served. Nothing of it was kept, but
/// for a fork's proof.
#[derive(Debug, thiserror::Error)]
pub enum MirrorRefusal {
    #[error("the served checkpoint does not verify with the pinned key {key}: {error}")]
    Checkpoint { key: String, error: String },
    #[error("the served checkpoint is of origin {served:?}, the mirror's is {held:?}")]
    Origin { held: String, served: String },
    #[error("the log rewrote its history: the checkpoint served (size {served_size}, root {served_root}) is not consistent with the checkpoint held (size {held_size}, root {held_root}); both are kept as proof in {proof}")]
    Fork {
        held_size: u64,
        held_root: Digest,
        served_size: u64,
        served_root: Digest,
        proof: PathBuf,
    },
    #[error("the log went back to size {served} from the size {held} held (a stale cache, or a log that dropped entries); nothing copied")]
    Shrank { held: u64, served: u64 },
    #[error("the tiles served do not match the signed checkpoint: {0}")]
    Tiles(String),
    #[error("the log served fails verification: {0}")]
    Log(#[from] LogFault),
    #[error("the copy held in the mirror fails verification: {0}")]
    Held(String),
    #[error("the served checkpoint does not meet the witness policy: {0}")]
    Witnesses(crate::cosignature::CosignatureError),
}

/// Copy the log served through `fetch` into the tiles directory `dir`,
/// verifying all of it; `pinned` is the archive key (required on a first
/// copy unless `trust_genesis`: then the genesis's key is pinned), checked
/// against `dir/key` after. Returns `Ok(Err(refusal))` when the log served
/// is refused (the mirror unchanged, but for `dir/forks/`).
pub fn mirror<E: std::error::Error + 'static>(
    fetch: &mut Fetch<'_, E>,
    dir: &Path,
    pinned: Option<&VerifierKey>,
) -> Result<Result<MirrorReport, MirrorRefusal>, MirrorError> {
    mirror_with(fetch, dir, pinned, None)
}

/// [`mirror`], refusing a served checkpoint that fewer than the policy's
/// threshold of its witnesses cosigned (before anything is copied: a log
/// that hides from its witnesses is not followed).
pub fn mirror_with<E: std::error::Error + 'static>(
    fetch: &mut Fetch<'_, E>,
    dir: &Path,
    pinned: Option<&VerifierKey>,
    policy: Option<&crate::cosignature::WitnessPolicy>,
) -> Result<Result<MirrorReport, MirrorRefusal>, MirrorError> {
    durable::create_dir_all(dir).map_err(TilesError::from)?;
    let key_path = dir.join("key");
    let key = if key_path.exists() {
        let held = read_key(&key_path)?;
        if let Some(p) = pinned {
            if p.to_string() != held.to_string() {
                return Err(MirrorError::KeyChanged {
                    held: held.to_string(),
                    given: p.to_string(),
                });
            }
        }
        held
    } else {
        pinned.cloned().ok_or(MirrorError::NoKey)?
    };
    let served_note = match fetch("checkpoint") {
        Ok(Some(b)) => String::from_utf8(b).map_err(|_| MirrorError::Fetch {
            path: "checkpoint".into(),
            error: "not UTF-8".into(),
        })?,
        Ok(None) => {
            return Err(MirrorError::Fetch {
                path: "checkpoint".into(),
                error: "absent: not a tiles endpoint".into(),
            })
        }
        Err(e) => {
            return Err(MirrorError::Fetch {
                path: "checkpoint".into(),
                error: e.to_string(),
            })
        }
    };
    let served = match Checkpoint::open(&served_note, &key) {
        Ok(cp) => cp,
        Err(e) => {
            return Ok(Err(MirrorRefusal::Checkpoint {
                key: key.to_string(),
                error: e.to_string(),
            }))
        }
    };
    if let Some(p) = policy {
        if let Err(e) = p.check(&served_note, &key) {
            return Ok(Err(MirrorRefusal::Witnesses(e)));
        }
    }
    let held_note = read_checkpoint_file(&dir.join("checkpoint"))?;
    let held = match &held_note {
        None => None,
        Some(n) => {
            Some(Checkpoint::open(n, &key).map_err(|e| MirrorError::HeldCopy(e.to_string()))?)
        }
    };
    let (held_size, leaves) = match &held {
        None => (0, Vec::new()),
        Some(h) => (h.size, held_leaves(dir, h.size)?),
    };
    if let Some(h) = &held {
        if h.origin != served.origin {
            return Ok(Err(MirrorRefusal::Origin {
                held: h.origin.clone(),
                served: served.origin.clone(),
            }));
        }
        if served.size < h.size {
            // Consistent with what is held, or a proven fork.
            if crate::merkle::root_of(&leaves[..served.size as usize]) == served.root {
                return Ok(Err(MirrorRefusal::Shrank {
                    held: h.size,
                    served: served.size,
                }));
            }
            return fork(dir, h, held_note.as_deref(), &served, &served_note);
        }
        if served.size == h.size && served.root == h.root {
            return Ok(Ok(MirrorReport {
                from: h.size,
                size: h.size,
                fetched: 0,
                bytes: 0,
                entries_verified: 0,
            }));
        }
    }
    let log = match read_log(fetch, &leaves, served.size, &served.root) {
        Ok(l) => l,
        Err(ReadError::RootMismatch { .. }) => {
            // The tiles served do not give the signed root. If the leaves
            // the log serves do give it, the log signed another history
            // than the one held (a fork); else its tiles were altered.
            if let (Some(h), Some(served_leaves)) = (&held, served_leaves(fetch, served.size)) {
                if crate::merkle::root_of(&served_leaves) == served.root
                    && crate::merkle::root_of(&served_leaves[..h.size as usize]) != h.root
                {
                    return fork(dir, h, held_note.as_deref(), &served, &served_note);
                }
            }
            return Ok(Err(MirrorRefusal::Tiles(format!(
                "the entries served hash to another root than the checkpoint's (size {})",
                served.size
            ))));
        }
        Err(ReadError::Fetch { path, source }) => {
            return Err(MirrorError::Fetch {
                path,
                error: source.to_string(),
            })
        }
        Err(e) => return Ok(Err(MirrorRefusal::Tiles(e.to_string()))),
    };
    if let Some(h) = &held {
        if log.levels.root_at(h.size) != Some(h.root) {
            return fork(dir, h, held_note.as_deref(), &served, &served_note);
        }
    }
    // Replay the whole log: the held entries (from the copy) then the new.
    let mut entries: Vec<Vec<u8>> = Vec::new();
    let mut payloads: Vec<Vec<u8>> = Vec::new();
    for t in tiles_of(TileKind::Entries, held_size)
        .into_iter()
        .filter(|t| t.entry_range().end <= log.first)
    {
        let pt = Tile {
            kind: TileKind::Payloads,
            ..t
        };
        let read = |t: &Tile| {
            let path = dir.join(t.path());
            std::fs::read(&path).map_err(|source| TilesError::Read { path, source })
        };
        let (b, p) = (read(&t)?, read(&pt)?);
        entries.extend(decode_bundle(&t, &b)?.into_iter().map(<[u8]>::to_vec));
        payloads.extend(decode_payloads(&pt, &p)?.into_iter().map(<[u8]>::to_vec));
    }
    if entries.len() as u64 != log.first {
        return Err(MirrorError::HeldCopy(format!(
            "it holds {} entries before entry {}",
            entries.len(),
            log.first
        )));
    }
    let all_entries: Vec<&[u8]> = (entries.iter().chain(&log.entries))
        .map(Vec::as_slice)
        .collect();
    let all_payloads: Vec<&[u8]> = (payloads.iter().chain(&log.payloads))
        .map(Vec::as_slice)
        .collect();
    let report = match check_log(&all_entries, &all_payloads, served.clone(), &key) {
        Ok(r) => r,
        Err(CopyFault::Log(f)) => return Ok(Err(MirrorRefusal::Log(f))),
        Err(e) => return Ok(Err(MirrorRefusal::Tiles(e.to_string()))),
    };
    // Everything checked: write the tiles, the key, the checkpoint last.
    let mut bytes = 0;
    for (t, b) in &log.fetched {
        let path = dir.join(t.path());
        durable::create_dir_all(durable::parent_of(&path)).map_err(TilesError::from)?;
        durable::write_atomic(&path, b, 0o644).map_err(TilesError::from)?;
        bytes += b.len() as u64;
    }
    if !key_path.exists() {
        durable::write_atomic(&key_path, format!("{key}\n").as_bytes(), 0o644)
            .map_err(TilesError::from)?;
    }
    durable::write_atomic(&dir.join("checkpoint"), served_note.as_bytes(), 0o644)
        .map_err(TilesError::from)?;
    Ok(Ok(MirrorReport {
        from: held_size,
        size: served.size,
        fetched: log.fetched.len() as u64,
        bytes,
        entries_verified: report.audit.entries,
    }))
}

/// Keep both checkpoints in `dir/forks/<time>/` and refuse.
fn fork(
    dir: &Path,
    held: &Checkpoint,
    held_note: Option<&str>,
    served: &Checkpoint,
    served_note: &str,
) -> Result<Result<MirrorReport, MirrorRefusal>, MirrorError> {
    let proof = dir
        .join("forks")
        .join(format!("{}-{}", crate::time::now_ms(), served.size));
    durable::create_dir_all(&proof).map_err(TilesError::from)?;
    durable::write_atomic(
        &proof.join("held.checkpoint"),
        held_note.unwrap_or_default().as_bytes(),
        0o644,
    )
    .map_err(TilesError::from)?;
    durable::write_atomic(
        &proof.join("served.checkpoint"),
        served_note.as_bytes(),
        0o644,
    )
    .map_err(TilesError::from)?;
    Ok(Err(MirrorRefusal::Fork {
        held_size: held.size,
        held_root: Digest(held.root),
        served_size: served.size,
        served_root: Digest(served.root),
        proof,
    }))
}

/// Why the mirror could not run (apart from refusing what it was served).
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error(transparent)]
    Tiles(#[from] TilesError),
    #[error("cannot fetch {path}: {error}")]
    Fetch { path: String, error: String },
    #[error("no archive key to check the log against: give --archive-key VKEY on the first copy (the archive's checkpoint key, from its custodian); it is then pinned in the mirror's `key` file")]
    NoKey,
    #[error("the mirror is pinned to key {held}, not {given}: a mirror copies one log")]
    KeyChanged { held: String, given: String },
    #[error("the copy held in the mirror is damaged ({0}); check it with `temoin verify --tiles`")]
    HeldCopy(String),
}

impl From<TileError> for MirrorError {
    fn from(e: TileError) -> Self {
        MirrorError::Tiles(e.into())
    }
}
