//! Exporting evidence bundles from an archive (docs/FORMAT.md §12). The
//! bundle itself and its verification are the core's
//! ([`temoin_core::bundle`], re-exported here); an export is verified with
//! that same function before it is handed out.
//!
//! Large parts (attachments) travel beside the bundle, each as a file
//! named by its committed digest in the bundle's directory (§12.2):
//! streamed from the parts file, checked against the author's commitment
//! as they go, and put in place atomically. [`BesideDir`] is where a
//! verifier reads them back.

pub use temoin_core::bundle::*;

use crate::domain::Payload;
use crate::durable::WriteError;
use crate::entry::{entry_hash, Entry};
use crate::hash::Digest;
use crate::keys::PublicKey;
use crate::receipt::proof_to_hex;
use crate::registry::{RegistryChange, PAYLOAD};
use crate::rules::Index;
use crate::signed_note::VerifierKey;
use crate::statement::{Kind, StatementBody};
use crate::store::{Store, StoreError};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{self, Read, Write as _};
use std::path::{Path, PathBuf};
use temoin_core::partcheck;
use temoin_core::statement::PartCommitment;

/// What to export.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub scope: Scope,
    /// Part labels to leave out (e.g. `witness`).
    pub withhold: Vec<String>,
    /// Where parts too large for the JSON go; `None` carries every part
    /// in the JSON.
    pub beside: Option<BesideOut>,
}

/// Every included part longer than `over` bytes (but the payload) travels
/// beside the bundle, as the file `dir/<digest hex>`; `dir` is the
/// directory the bundle is written to.
#[derive(Clone, Debug)]
pub struct BesideOut {
    pub dir: PathBuf,
    pub over: u64,
}

/// The files beside a bundle: the directory holding it (FORMAT.md §12.2).
#[derive(Clone, Debug)]
pub struct BesideDir(pub PathBuf);

impl BesideDir {
    /// The directory of the bundle file `path`.
    pub fn of_bundle(path: &Path) -> BesideDir {
        BesideDir(crate::durable::parent_of(path).to_path_buf())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

/// 64 lowercase hex digits: the only names a bundle can make a verifier
/// read (nothing else in the directory, nor outside it).
fn is_digest_name(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl BesideParts for BesideDir {
    fn open(&self, name: &str) -> Option<io::Result<Box<dyn Read + '_>>> {
        if !is_digest_name(name) {
            return None;
        }
        let path = self.path(name);
        match std::fs::metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => Some(Err(e)),
            // A FIFO or a device would block or never end.
            Ok(m) if !m.is_file() => Some(Err(io::Error::other("it is not a regular file"))),
            Ok(_) => Some(std::fs::File::open(&path).map(|f| Box::new(f) as Box<dyn Read>)),
        }
    }
}

/// Why a bundle could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no incident {0:?} in this archive (list them with `temoin incident list`)")]
    NoSuchIncident(String),
    #[error("no statement {0} in this archive")]
    NoSuchStatement(String),
    #[error("--statement {0:?} is not a statement hash (64 hex digits)")]
    BadStatementHash(String),
    #[error("the {0:?} part cannot be withheld: authority and projections are computed from it")]
    CannotWithhold(String),
    #[error("the archive has no checkpoint yet")]
    NoCheckpoint,
    #[error("the archive's genesis names no valid checkpoint key: {0}")]
    NoArchiveKey(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Archive(String),
    #[error(
        "the archive is damaged at entry {seq}: {reason} (run `temoin verify` to locate the fault)"
    )]
    Damaged { seq: u64, reason: String },
    #[error("the exported bundle does not verify, so it was not written: {0} (run `temoin verify` on the archive)")]
    SelfCheck(BundleFault),
    #[error("cannot write part {label:?} of entry {seq} beside the bundle, as {path}: {source}")]
    Beside {
        seq: u64,
        label: String,
        path: PathBuf,
        source: io::Error,
    },
}

fn damaged(seq: u64, reason: impl Into<String>) -> ExportError {
    ExportError::Damaged {
        seq,
        reason: reason.into(),
    }
}

fn decode_at(store: &Store, seq: u64) -> Result<(Vec<u8>, Entry, StatementBody), ExportError> {
    let bytes = store
        .entry_bytes(seq)?
        .ok_or_else(|| damaged(seq, "the entry is missing"))?
        .to_vec();
    let entry = Entry::from_bytes(&bytes).map_err(|e| damaged(seq, e.to_string()))?;
    let body = StatementBody::decode(&entry.statement.body_bytes)
        .map_err(|e| damaged(seq, e.to_string()))?;
    Ok((bytes, entry, body))
}

fn payload_at(
    store: &Store,
    seq: u64,
    body: &StatementBody,
) -> Result<Option<Vec<u8>>, ExportError> {
    match body.part(PAYLOAD) {
        None => Ok(None),
        Some(c) => Ok(store
            .part(seq, &Digest(c.digest))?
            .map(|(_, content)| content)),
    }
}

/// A stored part, as export takes it.
enum Held<'a> {
    /// Read whole: it goes in the JSON.
    Bytes([u8; 32], Vec<u8>),
    /// Its salt and content, streamed into the directory.
    Stream([u8; 32], crate::store::PartReader<'a>, &'a Path),
}

/// The salt and a reader of the content of part `c` of entry `seq`,
/// `None` if the archive does not hold it (never stored, erased, or past
/// the parts file's end, as [`Store::part`] has it).
fn stored_part<'a>(
    store: &'a Store,
    seq: u64,
    c: &PartCommitment,
) -> Result<Option<([u8; 32], crate::store::PartReader<'a>)>, ExportError> {
    let Some((salt, reader)) = store.part_reader(seq, &Digest(c.digest))? else {
        return Ok(None);
    };
    if reader.remaining() != c.length {
        return Err(damaged(
            seq,
            format!(
                "part {:?} is stored as {} bytes, but the author committed {} bytes",
                c.label,
                reader.remaining(),
                c.length
            ),
        ));
    }
    Ok(Some((salt, reader)))
}

/// Whether the file named by `c`'s digest in `dir` holds exactly the
/// content of the part with `salt` and commitment `c` (read as a verifier
/// reads it).
fn holds(dir: &Path, c: &PartCommitment, salt: &[u8; 32]) -> bool {
    let files = BesideDir(dir.to_path_buf());
    let Some(Ok(file)) = files.open(&Digest(c.digest).to_hex()) else {
        return false;
    };
    partcheck::check_reader(
        &c.label,
        salt,
        file.take(c.length.saturating_add(1)),
        |_| Ok(()),
    )
    .is_ok_and(|p| p.matches(c) && p.fault.is_none())
}

/// Write part `c` of entry `seq`, read from `content`, as the file
/// `dir/<digest hex>`: streamed from the parts file through its check,
/// into a temporary file that replaces the name only once the content
/// matched the author's commitment and was synced. A file already there
/// with that content (another bundle of the same part) is kept.
fn put_beside(
    seq: u64,
    c: &PartCommitment,
    content: crate::store::PartReader<'_>,
    salt: &[u8; 32],
    dir: &Path,
) -> Result<(), ExportError> {
    if holds(dir, c, salt) {
        return Ok(());
    }
    let path = dir.join(Digest(c.digest).to_hex());
    let written = crate::durable::write_atomic_with(&path, 0o644, |file| {
        // Which side failed: a write is this directory's problem, a read
        // the archive's.
        let mut write_error = None;
        let checked = partcheck::check_reader(&c.label, salt, content, |chunk| {
            file.write_all(chunk).inspect_err(|e| {
                write_error = Some(io::Error::new(e.kind(), e.to_string()));
            })
        });
        let checked = match (checked, write_error) {
            (_, Some(e)) => return Err(Copy::Write(e)),
            (Err(e), None) => {
                return Err(Copy::Damaged(format!(
                    "part {:?} cannot be read from the parts file: {e}",
                    c.label
                )))
            }
            (Ok(checked), None) => checked,
        };
        if !checked.matches(c) {
            return Err(Copy::Damaged(format!(
                "part {:?} does not match the author's signed commitment (digest {}); nothing was written beside the bundle",
                c.label,
                Digest(c.digest).short()
            )));
        }
        match checked.fault {
            Some(reason) => Err(Copy::Damaged(format!(
                "{reason}; nothing was written beside the bundle"
            ))),
            None => Ok(()),
        }
    });
    let cannot = |source: io::Error| ExportError::Beside {
        seq,
        label: c.label.clone(),
        path: path.clone(),
        source,
    };
    match written {
        Ok(()) => Ok(()),
        Err(WriteError::Sync(e)) => Err(cannot(e.source)),
        Err(WriteError::Content(Copy::Write(e))) => Err(cannot(e)),
        Err(WriteError::Content(Copy::Damaged(reason))) => Err(damaged(seq, reason)),
    }
}

/// Why a part was not copied beside the bundle.
enum Copy {
    /// Writing (or syncing) the file failed.
    Write(io::Error),
    /// The stored part cannot be read, or is not what the author committed.
    Damaged(String),
}

impl From<io::Error> for Copy {
    fn from(e: io::Error) -> Copy {
        Copy::Write(e)
    }
}

/// The seqs a scope covers in a log of `size` entries (without the registry).
fn scope_seqs(store: &Store, scope: &Scope, size: u64) -> Result<BTreeSet<u64>, ExportError> {
    let mut seqs = BTreeSet::new();
    match scope {
        Scope::All => {
            seqs.extend(0..size);
            return Ok(seqs);
        }
        Scope::Statement(h) => {
            let d = Digest::from_hex(h)
                .filter(|_| h.trim().len() == 64)
                .ok_or_else(|| ExportError::BadStatementHash(h.clone()))?;
            let info = store
                .statement(&d)?
                .ok_or_else(|| ExportError::NoSuchStatement(h.clone()))?;
            seqs.insert(info.seq);
        }
        Scope::Incident(id) => {
            if store.incident(id)?.is_none() {
                return Err(ExportError::NoSuchIncident(id.clone()));
            }
            // The incident and, transitively, the incidents merged into it.
            let mut incidents = vec![id.clone()];
            let mut i = 0;
            while let Some(inc) = incidents.get(i).cloned() {
                i += 1;
                for s in store.touching(&inc) {
                    let s = s?;
                    if !seqs.insert(s) {
                        continue;
                    }
                    let (_, _, body) = decode_at(store, s)?;
                    if body.kind == Kind::Merge {
                        if let Some(p) = payload_at(store, s, &body)? {
                            if let Ok(Some(Payload::Merge(m))) = Payload::parse(Kind::Merge, &p) {
                                if incidents.contains(&m.into) && !incidents.contains(&m.from) {
                                    incidents.push(m.from);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // What the entries refer to (an amendment's original, an annotation's
    // subject), and the orders that erased their parts, transitively.
    let mut todo: Vec<u64> = seqs.iter().copied().collect();
    while let Some(s) = todo.pop() {
        let (_, entry, body) = decode_at(store, s)?;
        let mut more = Vec::new();
        for r in body.refs() {
            if let Some(info) = store.statement(&r)? {
                more.push(info.seq);
            }
        }
        if let Some(info) = store.statement(&entry.statement.hash())? {
            more.extend(info.redacted.iter().map(|(_, by)| *by));
        }
        for m in more {
            if m < size && seqs.insert(m) {
                todo.push(m);
            }
        }
    }
    Ok(seqs)
}

/// Build the bundle of `opts.scope` from an archive's store, against its
/// latest checkpoint, then verify it with the archive's checkpoint key (as
/// named by its genesis); a bundle that does not verify is not returned.
pub fn export(store: &Store, opts: &ExportOptions, now_ms: i64) -> Result<Bundle, ExportError> {
    for l in &opts.withhold {
        if l == PAYLOAD {
            return Err(ExportError::CannotWithhold(l.clone()));
        }
    }
    let (size, note) = store
        .latest_checkpoint()?
        .ok_or(ExportError::NoCheckpoint)?;
    let mut seqs = scope_seqs(store, &opts.scope, size)?;
    for s in store.registry_seqs() {
        let s = s?;
        if s < size {
            seqs.insert(s);
        }
    }
    let mut entries = Vec::with_capacity(seqs.len());
    let mut withheld_ciphertexts = std::collections::BTreeSet::new();
    let mut origin = String::new();
    let mut archive_key = None;
    for &seq in &seqs {
        let (bytes, entry, body) = decode_at(store, seq)?;
        let hash = entry.statement.hash();
        let info = store.statement(&hash)?;
        let mut parts = Vec::new();
        let mut absent = Vec::new();
        for c in &body.parts {
            // A part erased by a redaction order is `redacted` even when its
            // label is withheld: erased for good and left out for now are
            // different facts, and a report must not confuse them.
            // Withholding a sealed part withholds its ciphertext too.
            let withhold = !body.kind.is_registry()
                && opts
                    .withhold
                    .iter()
                    .any(|l| *l == c.label || *l == crate::seal::redaction_label(&c.label));
            if withhold && !opts.withhold.contains(&c.label) {
                withheld_ciphertexts.insert(c.label.clone());
            }
            // A sealed part's plaintext is in no archive and no bundle:
            // its ciphertext companion travels in its place.
            if crate::seal::is_sealed(&body, &c.label) {
                absent.push(AbsentPart {
                    label: c.label.clone(),
                    why: SEALED.into(),
                    by_seq: None,
                });
                continue;
            }
            // A part that goes beside the bundle is streamed, never read whole.
            let beside = opts
                .beside
                .as_ref()
                .filter(|b| c.label != PAYLOAD && c.length > b.over);
            let held = match beside {
                Some(out) => stored_part(store, seq, c)?
                    .map(|(salt, reader)| Held::Stream(salt, reader, out.dir.as_path())),
                None => store
                    .part(seq, &Digest(c.digest))?
                    .map(|(salt, content)| Held::Bytes(salt, content)),
            };
            match held {
                Some(_) if withhold => absent.push(AbsentPart {
                    label: c.label.clone(),
                    why: WITHHELD.into(),
                    by_seq: None,
                }),
                Some(Held::Stream(salt, reader, dir)) => {
                    put_beside(seq, c, reader, &salt, dir)?;
                    parts.push(BundlePart::beside(&c.label, &salt, &Digest(c.digest)));
                }
                Some(Held::Bytes(salt, content)) => {
                    if seq == 0 && c.label == PAYLOAD {
                        if let Ok(Some(RegistryChange::Genesis { payload, .. })) =
                            PublicKey::from_bytes(&body.author)
                                .map_err(|_| ())
                                .and_then(|a| {
                                    RegistryChange::from_payload(Kind::Genesis, a, &content)
                                        .map_err(|_| ())
                                })
                        {
                            origin = payload.origin.clone();
                            archive_key = Some(payload.checkpoint_key.clone());
                        }
                    }
                    parts.push(BundlePart::inline(&c.label, &salt, &content));
                }
                None => {
                    let by = info
                        .as_ref()
                        .and_then(|i| {
                            let named = crate::seal::redaction_label(&c.label);
                            i.redacted.iter().find(|(l, _)| l == named)
                        })
                        .map(|(_, by)| *by);
                    match by {
                        Some(by) => absent.push(AbsentPart {
                            label: c.label.clone(),
                            why: REDACTED.into(),
                            by_seq: Some(by),
                        }),
                        None => {
                            return Err(damaged(
                                seq,
                                format!(
                                    "part {:?} is missing and no redaction order erased it",
                                    c.label
                                ),
                            ))
                        }
                    }
                }
            }
        }
        let proof = store
            .inclusion_proof(seq, size)
            .map_err(|e| ExportError::Archive(e.to_string()))?;
        entries.push(BundleEntry {
            seq,
            entry: B64.encode(&bytes),
            entry_hash: entry_hash(&bytes).to_hex(),
            statement_hash: hash.to_hex(),
            inclusion_proof: proof_to_hex(&proof),
            decoded: DecodedEntry::of(&entry, &body),
            parts,
            absent,
            signed_after_compromise: None,
        });
    }
    let archive_key = archive_key.ok_or_else(|| ExportError::NoArchiveKey("no genesis".into()))?;
    let archive_key =
        VerifierKey::parse(&archive_key).map_err(|e| ExportError::NoArchiveKey(e.to_string()))?;
    let mut withheld: Vec<String> = opts.withhold.clone();
    withheld.extend(withheld_ciphertexts);
    withheld.sort();
    withheld.dedup();
    let mut bundle = Bundle {
        format: BUNDLE_FORMAT.into(),
        about: ABOUT.into(),
        origin,
        exported_at: crate::time::format_ms(now_ms),
        scope: opts.scope.clone(),
        timestamps: store
            .timestamps(size)?
            .iter()
            .map(|t| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(t)
            })
            .collect(),
        checkpoint: note,
        withheld_labels: withheld,
        entries,
        authors: Vec::new(),
        projection_format: PROJECTION_FORMAT.into(),
        projection: Value::Null,
    };
    // Fill in what the verifier recomputes; everything else must verify,
    // the files beside it read back as a verifier will read them.
    let checked = match &opts.beside {
        Some(out) => verify_with(&bundle, &archive_key, &BesideDir(out.dir.clone())),
        None => verify(&bundle, &archive_key),
    };
    let recomputed_only = |f: &&BundleFault| {
        (f.at == Location::Authors && f.kind == FaultKind::Authors)
            || f.kind == FaultKind::Compromise
            || (f.at == Location::Projection
                && f.kind == FaultKind::Projection
                && checked.projection.is_some())
    };
    if let Some(f) = checked.faults.iter().find(|f| !recomputed_only(f)) {
        return Err(ExportError::SelfCheck(f.clone()));
    }
    if checked.more_faults > 0 {
        return Err(ExportError::SelfCheck(BundleFault::new(
            Location::Bundle,
            FaultKind::Format,
            FaultReason::MoreFaults(checked.more_faults),
        )));
    }
    bundle.authors = checked.authors;
    bundle.projection = checked.projection.unwrap_or(Value::Null);
    for (be, c) in bundle.entries.iter_mut().zip(&checked.entries) {
        if be.seq == c.seq {
            be.signed_after_compromise = c.compromise;
        }
    }
    Ok(bundle)
}
