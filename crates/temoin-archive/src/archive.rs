//! The archive: a directory holding the sled store, its lock and the
//! checkpoint key. `Archive` is the one writer: it checks each statement,
//! appends accepted ones as entries in one atomic batch, flushes, signs a
//! checkpoint, and only then acknowledges them.

use crate::checkpoint::Checkpoint;
use crate::encoding::DecodeError;
use crate::entry::{entry_hash, Entry};
use crate::hash::Digest;
use crate::keys::SaveKey as _;
use crate::keys::{KeyError, PublicKey, SecretKey};
use crate::merkle::{self, NodeStore};
use crate::registry::{GenesisPayload, Registry, RegistryChange, PAYLOAD};
use crate::rules::{self, Effects, MemIndex, Overlay, RuleError};
use crate::seen::SeenStatements;
use crate::statement::{BodyError, Draft, Kind, SignatureFault, StatementBody, StatementFile};
use crate::store::{
    self, bad_entry, Damage, FormatState, Head, Store, StoreError, WriteBatch, DB_DIR,
};
use crate::treefile::Access;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

mod stream;

/// File name of the archive's checkpoint signing key inside the archive dir.
pub const CHECKPOINT_KEY_FILE: &str = "checkpoint.key";
const LOCK_FILE: &str = "temoin.lock";

/// Settings fixed at `init`, stored in the archive.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Config {
    pub origin: String,
    /// Largest part accepted, in bytes.
    pub max_part_bytes: u64,
    /// How far in the future a claimed creation time may be, in ms
    /// (clocks on field laptops drift; a year ahead is not drift).
    pub max_future_ms: i64,
}

impl Config {
    pub fn new(origin: &str) -> Config {
        Config {
            origin: origin.to_string(),
            max_part_bytes: crate::attach::MAX_PART_BYTES,
            max_future_ms: 24 * 3600 * 1000,
        }
    }
}

/// Why a statement was refused. The archive is unchanged by a refusal.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    #[error("malformed statement: {0}")]
    Malformed(#[from] BodyError),
    #[error("malformed statement file: {0}")]
    File(#[from] DecodeError),
    #[error("bad signature: {0}")]
    Signature(#[from] SignatureFault),
    #[error("part {label:?} is committed in the body but missing from the statement file")]
    MissingPart { label: String },
    #[error("part {label:?} is in the statement file but not committed in the signed body")]
    UnexpectedPart { label: String },
    #[error("part {label:?} does not match its commitment: {what}")]
    PartMismatch { label: String, what: &'static str },
    #[error("{reason}")]
    PartContent { reason: String },
    #[error("part {label:?} is sealed (its ciphertext {label:?}.age is committed), yet the statement file carries it in clear: sealed parts travel only as ciphertext; sign again with `temoin sign --seal`")]
    SealedInClear { label: String },
    #[error("part {label:?} is {len} bytes, over this archive's limit of {limit} bytes")]
    PartTooLarge { label: String, len: u64, limit: u64 },
    #[error("claimed creation time {claimed} is more than {max_hours} h after the archive's clock ({now}); check the signing machine's clock")]
    FromTheFuture {
        claimed: String,
        now: String,
        max_hours: i64,
    },
    #[error("{0}")]
    Rule(#[from] RuleError),
}

/// Errors of the archive itself (not of a statement).
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("archive {0} is in use by another process (only one temoin may write an archive at a time; wait for it to finish)")]
    Locked(PathBuf),
    #[error("{0} is not a temoin archive (no {DB_DIR}/ inside); create one with `temoin init`")]
    NotAnArchive(PathBuf),
    #[error("{dir} is a temoin archive of format {found:?}, not {:?}: open it with the temoin release that wrote it and export what you need", String::from_utf8_lossy(store::layout::FORMAT_TAG))]
    OtherFormat { dir: PathBuf, found: String },
    #[error("{0} already exists and is not empty; `temoin init` needs a new directory")]
    AlreadyExists(PathBuf),
    #[error("archive {0} was opened for reading only; writing needs Archive::open, with the archive's checkpoint.key")]
    ReadOnly(PathBuf),
    #[error("cannot read the statement file: {0}")]
    Input(#[source] std::io::Error),
    #[error("cannot access {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("the archive's own genesis statement was refused: {0}")]
    Genesis(Refusal),
    #[error("origin {0:?} is not a valid checkpoint origin: use a name without spaces or '+', e.g. \"temoin.example/tombouctou\"")]
    BadOrigin(String),
    #[error("cannot sign the checkpoint: {0}")]
    SignCheckpoint(#[source] crate::checkpoint::CheckpointError),
    #[error("the archive has no checkpoint yet")]
    NoCheckpoint,
    #[error("entry {seq} is not covered by the latest checkpoint (size {size})")]
    NotCovered { seq: u64, size: u64 },
    #[error("no such proof in a tree of size {size}: {source}")]
    NoSuchProof {
        size: u64,
        source: crate::merkle::RangeError,
    },
    #[error("cannot make the receipt: {0}")]
    Receipt(#[source] crate::receipt::ReceiptError),
    #[error("the archive's genesis statement produced no outcome")]
    GenesisNoOutcome,
    #[error("{path} holds checkpoint key {found:?}, not the key the archive's genesis names ({expected:?}): the archive signs checkpoints only with its own key; restore its checkpoint.key from a backup")]
    WrongCheckpointKey {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("{} is protected by a passphrase, but the archive signs a checkpoint at every write, unattended: keep the checkpoint key in clear, mode 0600, on a protected disk (remove the passphrase with `temoin key passphrase --remove {}`)", .0.display(), .0.display())]
    ProtectedCheckpointKey(PathBuf),
    #[error("the archive's stored state does not match its log: {0}; nothing was written (run `temoin verify` to locate the fault, then restore the archive from a backup)")]
    Inconsistent(String),
    #[error("an earlier write of this process failed, so nothing more is acknowledged; reopen the archive (the failed batch was not acknowledged)")]
    WriteFailed,
    #[error("cannot create the archive at {dir}: {why}")]
    Init { dir: PathBuf, why: String },
}

/// What ingest says of an accepted statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Accepted {
    pub seq: u64,
    pub entry_hash: Digest,
    pub statement_hash: Digest,
    pub kind: Kind,
    pub received_at: i64,
    /// True when the statement was already in the log: nothing was appended.
    pub duplicate: bool,
}

/// A statement checked and ready to append.
struct Pending {
    entry: Entry,
    entry_bytes: Vec<u8>,
    hash: Digest,
    effects: Effects,
    parts: PartsToStore,
}

/// An open archive, holding its lock until dropped.
pub struct Archive {
    /// The statements of the log, for the writer (`seen`): started at the
    /// first ingest, so that readers never scan. First, so that it is
    /// dropped first: its scan thread holds the store.
    seen: Option<SeenStatements>,
    dir: PathBuf,
    store: Store,
    config: Config,
    head: Head,
    registry: Registry,
    /// `None` for a reader ([`Archive::open_reader`]): it cannot sign a
    /// checkpoint, so it never writes.
    checkpoint_key: Option<SecretKey>,
    /// Time spent in sled's `apply_batch` and `flush` by this handle's
    /// ingests, for the bench (`ingest_sled_us`): the part of the writer's
    /// work that is the store's.
    sled_write_time: std::time::Duration,
    /// Set when a write failed midway: sled may hold rows that are not
    /// durable, so this handle acknowledges nothing more.
    failed: bool,
    _lock: File,
}

/// An archive opened read-only for the audit ([`Archive::open_for_audit`]),
/// holding its lock until dropped.
pub struct AuditView {
    dir: PathBuf,
    store: Store,
    _lock: File,
}

impl AuditView {
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn store(&self) -> &Store {
        &self.store
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn lock(dir: &Path) -> Result<File, ArchiveError> {
    use fs2::FileExt;
    let path = dir.join(LOCK_FILE);
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_err(&path))?;
    // A lock can stay held a moment after its holder let go: a process
    // spawned meanwhile by another thread shares the open file until it
    // execs. Retry briefly before calling the archive in use.
    for _ in 0..LOCK_RETRIES {
        if f.try_lock_exclusive().is_ok() {
            return Ok(f);
        }
        std::thread::sleep(LOCK_RETRY_WAIT);
    }
    f.try_lock_exclusive()
        .map_err(|_| ArchiveError::Locked(dir.to_path_buf()))?;
    Ok(f)
}

const LOCK_RETRIES: u32 = 20;
const LOCK_RETRY_WAIT: std::time::Duration = std::time::Duration::from_millis(10);

fn open_db(dir: &Path) -> Result<sled::Db, ArchiveError> {
    store::open_db(dir).map_err(|e| match e {
        store::DbOpenError::Locked => ArchiveError::Locked(dir.to_path_buf()),
        store::DbOpenError::Io { path, source } => ArchiveError::Io { path, source },
        store::DbOpenError::Store(e) => ArchiveError::Store(e),
    })
}

/// Refuse a directory whose store is not of this format.
fn check_format(dir: &Path, db: &sled::Db) -> Result<(), ArchiveError> {
    match Store::format_of(db)? {
        FormatState::Ours => Ok(()),
        FormatState::Other(found) => Err(ArchiveError::OtherFormat {
            dir: dir.to_path_buf(),
            found,
        }),
        FormatState::Lost => Err(ArchiveError::Inconsistent(format!(
            "row X \"format\" should hold {:?}; it is missing or holds something else",
            String::from_utf8_lossy(store::layout::FORMAT_TAG)
        ))),
        FormatState::Empty => Err(ArchiveError::NotAnArchive(dir.to_path_buf())),
    }
}

/// The name of an archive being built aside for `init` of `name`: hidden,
/// beside it, followed by the builder's pid and start time.
fn aside_prefix(name: &str) -> String {
    format!(".{name}.temoin-init-")
}

/// Remove what an `init` of `name` cut short left beside it: a directory
/// built aside whose builder is gone (its lock is free). It holds no
/// acknowledged statement, only an unused checkpoint key and genesis.
fn remove_abandoned_inits(parent: &Path, name: &str) -> Result<(), ArchiveError> {
    use fs2::FileExt;
    let prefix = aside_prefix(name);
    let rd = std::fs::read_dir(parent).map_err(io_err(parent))?;
    for e in rd.flatten() {
        if !e.file_name().to_string_lossy().starts_with(&prefix) {
            continue;
        }
        let path = e.path();
        let abandoned = match File::open(path.join(LOCK_FILE)) {
            Ok(f) => f.try_lock_exclusive().is_ok(),
            Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        };
        if abandoned {
            std::fs::remove_dir_all(&path).map_err(io_err(&path))?;
        }
    }
    Ok(())
}

impl Archive {
    /// Create a new archive in `dir` with `custodian` as its first custodian.
    /// Generates the archive's checkpoint key (`dir/checkpoint.key`) and
    /// appends the genesis statement as entry 0.
    pub fn init(
        dir: &Path,
        config: Config,
        custodian: &SecretKey,
        custodian_name: &str,
    ) -> Result<Archive, ArchiveError> {
        let checkpoint_key = SecretKey::generate(&config.origin)
            .map_err(|_| ArchiveError::BadOrigin(config.origin.clone()))?;
        Archive::init_with_checkpoint_key(dir, config, custodian, custodian_name, checkpoint_key)
    }

    /// `init` with a given checkpoint key (the demo uses a fixed demo key so
    /// that its checkpoint vkey is the same on every run). The key's name
    /// must be the origin.
    pub fn init_with_checkpoint_key(
        dir: &Path,
        config: Config,
        custodian: &SecretKey,
        custodian_name: &str,
        checkpoint_key: SecretKey,
    ) -> Result<Archive, ArchiveError> {
        crate::keys::check_name(&config.origin)
            .map_err(|_| ArchiveError::BadOrigin(config.origin.clone()))?;
        if dir.exists() {
            let mut rd = std::fs::read_dir(dir).map_err(io_err(dir))?;
            if rd.next().is_some() {
                return Err(ArchiveError::AlreadyExists(dir.to_path_buf()));
            }
        }
        // Built aside and renamed into place once durable, so that an init
        // cut short leaves no archive at `dir`, never half of one: the
        // same `temoin init` can simply be run again.
        let init_err = |why: String| ArchiveError::Init {
            dir: dir.to_path_buf(),
            why,
        };
        let name = dir
            .file_name()
            .filter(|n| !n.is_empty() && *n != "." && *n != "..")
            .ok_or_else(|| init_err("give the new archive's own directory name".into()))?
            .to_string_lossy()
            .into_owned();
        let parent = crate::durable::parent_of(dir);
        crate::durable::create_dir_all(parent).map_err(StoreError::from)?;
        remove_abandoned_inits(parent, &name)?;
        let aside = parent.join(format!(
            "{}{}-{}",
            aside_prefix(&name),
            std::process::id(),
            crate::time::now_ms()
        ));
        std::fs::create_dir(&aside).map_err(io_err(&aside))?;
        let built = Archive::build(&aside, config, custodian, custodian_name, checkpoint_key)
            .and_then(|()| {
                crate::durable::sync_tree(&aside)
                    .map_err(StoreError::from)
                    .map_err(ArchiveError::from)
            });
        if let Err(e) = built {
            let _ = std::fs::remove_dir_all(&aside);
            return Err(e);
        }
        // rename(2) replaces an empty directory, and fails on one that is not.
        if let Err(e) = std::fs::rename(&aside, dir) {
            let _ = std::fs::remove_dir_all(&aside);
            return Err(match e.kind() {
                std::io::ErrorKind::DirectoryNotEmpty | std::io::ErrorKind::AlreadyExists => {
                    ArchiveError::AlreadyExists(dir.to_path_buf())
                }
                _ => init_err(format!(
                    "cannot move the new archive from {} into place: {e} (a mount point cannot be an archive: choose a directory inside it)",
                    aside.display()
                )),
            });
        }
        crate::durable::sync_dir(parent).map_err(StoreError::from)?;
        Archive::open(dir)
    }

    /// Create the archive's files in `dir` (a fresh directory) and append
    /// its genesis: the body of `init`, before the rename.
    fn build(
        dir: &Path,
        config: Config,
        custodian: &SecretKey,
        custodian_name: &str,
        checkpoint_key: SecretKey,
    ) -> Result<(), ArchiveError> {
        let lock = lock(dir)?;
        let checkpoint_key =
            SecretKey::from_seed(&config.origin, checkpoint_key.signing_key().as_bytes())?;
        let comment = if crate::demo::is_demo_key(&checkpoint_key.public()) {
            "The archive's checkpoint key: it signs the archive's checkpoints.\nDEMO ONLY - never use for real testimony."
        } else {
            "The archive's checkpoint key: it signs the archive's checkpoints."
        };
        checkpoint_key.save(&dir.join(CHECKPOINT_KEY_FILE), comment)?;
        let db = open_db(dir)?;
        let store = Store::open(db.clone(), dir, Access::Write)?;
        let mut first = WriteBatch::default();
        first.format_and_config(&serde_json::to_vec(&config).map_err(|e| {
            ArchiveError::Inconsistent(format!("the configuration does not serialise: {e}"))
        })?);
        store.apply(first)?;
        let mut archive = Archive {
            seen: Some(SeenStatements::empty()),
            dir: dir.to_path_buf(),
            store,
            config: config.clone(),
            head: Head::default(),
            registry: Registry::default(),
            checkpoint_key: Some(checkpoint_key),
            sled_write_time: std::time::Duration::ZERO,
            failed: false,
            _lock: lock,
        };
        let genesis = GenesisPayload {
            origin: config.origin.clone(),
            custodian_name: custodian_name.to_string(),
            checkpoint_key: archive.checkpoint_key()?.vkey()?,
        };
        let file = Draft::new(Kind::Genesis)
            .part(PAYLOAD, crate::json::to_vec(&genesis))
            .sign(custodian)
            .map_err(|e| ArchiveError::Genesis(Refusal::Malformed(e)))?;
        let out = archive.ingest_batch(&[file])?;
        match out.into_iter().next() {
            Some(Ok(_)) => Ok(()),
            Some(Err(r)) => Err(ArchiveError::Genesis(r)),
            None => Err(ArchiveError::GenesisNoOutcome),
        }
    }

    /// Open an existing archive for writing (and reading). Needs the
    /// archive's `checkpoint.key`, checked against the key its genesis
    /// names.
    pub fn open(dir: &Path) -> Result<Archive, ArchiveError> {
        Archive::open_as(dir, true)
    }

    /// Open an existing archive for reading only: the views, the log, the
    /// registry, receipts and bundles, without the secret checkpoint key
    /// (a lawyer's or an auditor's copy need not hold it). Its tree and
    /// parts files are opened for reading only, never cut to the committed
    /// length as a writer's are. Any write is refused
    /// ([`ArchiveError::ReadOnly`]).
    pub fn open_reader(dir: &Path) -> Result<Archive, ArchiveError> {
        Archive::open_as(dir, false)
    }

    fn open_as(dir: &Path, writer: bool) -> Result<Archive, ArchiveError> {
        if !dir.join(DB_DIR).is_dir() {
            return Err(ArchiveError::NotAnArchive(dir.to_path_buf()));
        }
        let lock = lock(dir)?;
        let db = open_db(dir)?;
        check_format(dir, &db)?;
        // Before the files are opened for writing: a writer cuts them at
        // the lengths the head and `parts_end` give.
        store::check_committed(&db).map_err(ArchiveError::Inconsistent)?;
        let access = if writer { Access::Write } else { Access::Read };
        let store = Store::open(db, dir, access)?;
        let config: Config = store
            .config_json()?
            .and_then(|v| serde_json::from_slice(&v).ok())
            .ok_or_else(|| {
                ArchiveError::Inconsistent("row X \"config\" is missing or unreadable".into())
            })?;
        let genesis = crate::derived::genesis(&store)?;
        if genesis.origin.as_deref() != Some(config.origin.as_str()) {
            return Err(ArchiveError::Inconsistent(format!(
                "row X \"config\" names origin {:?}, but the genesis names {:?}",
                config.origin, genesis.origin
            )));
        }
        let checkpoint_key = if writer {
            let key_path = dir.join(CHECKPOINT_KEY_FILE);
            let key = SecretKey::load(&key_path).map_err(|e| match e {
                KeyError::NeedsPassphrase { path } => ArchiveError::ProtectedCheckpointKey(path),
                other => ArchiveError::Key(other),
            })?;
            let vkey = key.vkey()?;
            if genesis.checkpoint_key.as_deref() != Some(vkey.as_str()) {
                return Err(ArchiveError::WrongCheckpointKey {
                    path: key_path,
                    found: vkey,
                    expected: genesis.checkpoint_key.unwrap_or_default(),
                });
            }
            Some(key)
        } else {
            None
        };
        let head = store.head()?;
        let registry = load_registry(&store)?;
        if registry.checkpoint_key != genesis.checkpoint_key {
            return Err(ArchiveError::Inconsistent(
                "registry row R 0 (the genesis) is missing".into(),
            ));
        }
        Ok(Archive {
            seen: None,
            dir: dir.to_path_buf(),
            store,
            config,
            head,
            registry,
            checkpoint_key,
            sled_write_time: std::time::Duration::ZERO,
            failed: false,
            _lock: lock,
        })
    }

    /// Open an archive only to audit it: takes the lock and checks the
    /// format, but loads nothing derived from the log (registry, head,
    /// checkpoint key), so that a damaged archive still opens and the audit
    /// can name the entry at fault.
    pub fn open_for_audit(dir: &Path) -> Result<AuditView, ArchiveError> {
        if !dir.join(DB_DIR).is_dir() {
            return Err(ArchiveError::NotAnArchive(dir.to_path_buf()));
        }
        let lock = lock(dir)?;
        let db = open_db(dir)?;
        check_format(dir, &db)?;
        let store = Store::open(db, dir, Access::Read)?;
        Ok(AuditView {
            dir: dir.to_path_buf(),
            store,
            _lock: lock,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn store(&self) -> &Store {
        &self.store
    }
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Time this handle's ingests have spent in sled's `apply_batch` and
    /// `flush` (for the bench).
    #[doc(hidden)]
    pub fn sled_write_time(&self) -> std::time::Duration {
        self.sled_write_time
    }
    /// Whether the writer knows every statement of the log in memory (the
    /// scan started by its first ingest is done): for tests.
    #[doc(hidden)]
    pub fn knows_every_statement(&self) -> bool {
        self.seen.as_ref().is_some_and(SeenStatements::is_ready)
    }

    pub fn head(&self) -> Head {
        self.head
    }
    pub fn size(&self) -> u64 {
        self.head.size
    }
    pub fn registry(&self) -> &Registry {
        &self.registry
    }
    /// The secret checkpoint key: a writer's only.
    pub fn checkpoint_key(&self) -> Result<&SecretKey, ArchiveError> {
        self.checkpoint_key
            .as_ref()
            .ok_or_else(|| ArchiveError::ReadOnly(self.dir.clone()))
    }

    /// The archive's checkpoint verifier key (C2SP vkey), as its genesis
    /// names it: what receipts and bundles are checked against.
    pub fn checkpoint_vkey(&self) -> Result<crate::signed_note::VerifierKey, ArchiveError> {
        let vkey = self.registry.checkpoint_key.as_deref().ok_or_else(|| {
            ArchiveError::Inconsistent("the genesis names no checkpoint key".into())
        })?;
        crate::signed_note::VerifierKey::parse(vkey)
            .map_err(|e| ArchiveError::Inconsistent(format!("the genesis checkpoint key: {e}")))
    }

    /// The receipt of entry `seq` against the latest checkpoint: the
    /// entry's bytes, the signed checkpoint and the inclusion proof.
    pub fn receipt(&self, seq: u64) -> Result<crate::receipt::Receipt, ArchiveError> {
        self.store.receipt(seq)
    }

    /// Ingest one statement: `Ok(Ok(accepted))`, or `Ok(Err(refusal))` with
    /// the archive unchanged.
    pub fn ingest(
        &mut self,
        file: &StatementFile,
    ) -> Result<Result<Accepted, Refusal>, ArchiveError> {
        let mut out = self.ingest_batch(std::slice::from_ref(file))?;
        Ok(out
            .pop()
            .unwrap_or(Err(Refusal::File(DecodeError::Malformed {
                what: "batch",
                reason: "empty".into(),
            }))))
    }

    /// Ingest a batch: each statement is checked against the log and the
    /// batch's earlier statements; the accepted ones are appended in one
    /// atomic write, flushed once, then covered by one new checkpoint.
    /// Returns one outcome per input, in order. An `Err` means nothing of
    /// the batch was written.
    pub fn ingest_batch(
        &mut self,
        files: &[StatementFile],
    ) -> Result<Vec<Result<Accepted, Refusal>>, ArchiveError> {
        let checks = self.prechecker().check_each(files);
        self.ingest_checked(files, checks)
    }

    /// What checks a batch's statements on their own (decoding, signature,
    /// parts), apart from the archive: a bulk ingest runs it on the next
    /// batch while this one is written ([`Archive::ingest_prechecked`]).
    pub fn prechecker(&self) -> Prechecker {
        Prechecker {
            config: self.config.clone(),
        }
    }

    /// [`Archive::ingest_batch`] of the files [`Prechecker::check`] took
    /// and checked. The batch holds the files themselves with their
    /// checks, so a check is only ever used for the very file it was made
    /// of: its parts included, which the statement hash does not cover.
    pub fn ingest_prechecked(
        &mut self,
        batch: PrecheckedBatch,
    ) -> Result<Vec<Result<Accepted, Refusal>>, ArchiveError> {
        let PrecheckedBatch { files, checks } = batch;
        self.ingest_checked(&files, checks)
    }

    fn ingest_checked(
        &mut self,
        files: &[StatementFile],
        prechecked: Vec<Prechecked>,
    ) -> Result<Vec<Result<Accepted, Refusal>>, ArchiveError> {
        if self.failed {
            return Err(ArchiveError::WriteFailed);
        }
        if self.checkpoint_key.is_none() {
            return Err(ArchiveError::ReadOnly(self.dir.clone()));
        }
        if self.seen.is_none() {
            self.seen = Some(SeenStatements::scan(&self.store));
        }
        let now = crate::time::now_ms();
        let received_at = now.max(self.head.last_received_at);
        let mut registry = self.registry.clone();
        let mut overlay = Overlay {
            base: &self.store,
            pending: MemIndex::default(),
        };
        let mut pending: Vec<Pending> = Vec::new();
        let mut pending_by_hash: HashMap<Digest, usize> = HashMap::new();
        let mut outcomes = Vec::with_capacity(files.len());
        let mut size = self.head.size;
        let mut prev = self.head.last_hash;

        // Decoding, signatures and part digests were checked on all cores
        // (`Prechecker`); now the order-dependent rules.
        for (file, pre) in files.iter().zip(prechecked) {
            let outcome = self.check_one(
                file,
                pre,
                &registry,
                &overlay,
                &pending_by_hash,
                &pending,
                size,
                received_at,
            )?;
            match outcome {
                Checked::Refused(r) => outcomes.push(Err(r)),
                Checked::Duplicate(a) => outcomes.push(Ok(a)),
                Checked::Accept(acceptable) => {
                    let Acceptable {
                        body,
                        hash,
                        effects,
                        parts,
                    } = *acceptable;
                    let entry = Entry {
                        seq: size,
                        prev,
                        received_at,
                        statement: file.statement.clone(),
                    };
                    let entry_bytes = entry.to_bytes();
                    let eh = entry_hash(&entry_bytes);
                    if let Some(change) = &effects.registry {
                        registry.apply(size, change.clone());
                    }
                    overlay.pending.apply(&effects);
                    outcomes.push(Ok(Accepted {
                        seq: size,
                        entry_hash: eh,
                        statement_hash: hash,
                        kind: body.kind,
                        received_at,
                        duplicate: false,
                    }));
                    pending_by_hash.insert(hash, pending.len());
                    pending.push(Pending {
                        entry,
                        entry_bytes,
                        hash,
                        effects,
                        parts,
                    });
                    prev = eh.0;
                    size += 1;
                }
            }
        }
        if pending.is_empty() {
            return Ok(outcomes);
        }
        if let Err(e) = self.write(&pending, received_at) {
            self.failed = true;
            return Err(e);
        }
        if let Some(seen) = &self.seen {
            seen.insert(pending.iter().map(|p| &p.hash));
        }
        self.registry = registry;
        Ok(outcomes)
    }

    #[allow(clippy::too_many_arguments)]
    fn check_one(
        &self,
        file: &StatementFile,
        pre: Prechecked,
        registry: &Registry,
        overlay: &Overlay<'_, Store>,
        pending_by_hash: &HashMap<Digest, usize>,
        pending: &[Pending],
        seq: u64,
        received_at: i64,
    ) -> Result<Checked, ArchiveError> {
        let hash = pre.hash;
        // A statement already in the log is acknowledged, not appended again.
        if let Some(&i) = pending_by_hash.get(&hash) {
            let p = &pending[i];
            return Ok(Checked::Duplicate(Accepted {
                seq: p.entry.seq,
                entry_hash: entry_hash(&p.entry_bytes),
                statement_hash: hash,
                kind: p.effects.statements[0].1.kind,
                received_at: p.entry.received_at,
                duplicate: true,
            }));
        }
        // The store is asked only if the statement may be there (`seen`).
        let logged = if self.seen.as_ref().is_none_or(|s| s.may_hold(&hash)) {
            rules::Index::statement(&self.store, &hash)?
        } else {
            None
        };
        if let Some(info) = logged {
            let entry = self
                .store
                .entry_bytes(info.seq)?
                .ok_or_else(|| StoreError::Corrupt(Damage::MissingEntry { seq: info.seq }))?;
            let decoded = Entry::from_bytes(&entry).map_err(|e| bad_entry(info.seq, e))?;
            return Ok(Checked::Duplicate(Accepted {
                seq: info.seq,
                entry_hash: entry_hash(&entry),
                statement_hash: hash,
                kind: info.kind,
                received_at: decoded.received_at,
                duplicate: true,
            }));
        }
        let (body, parts) = match pre.checked {
            Ok(bp) => bp,
            Err(r) => return Ok(Checked::Refused(r)),
        };
        if body.created_at > received_at.saturating_add(self.config.max_future_ms) {
            return Ok(Checked::Refused(Refusal::FromTheFuture {
                claimed: crate::time::format_ms(body.created_at),
                now: crate::time::format_ms(received_at),
                max_hours: self.config.max_future_ms / 3_600_000,
            }));
        }
        let payload = file
            .parts
            .iter()
            .find(|p| p.label == PAYLOAD)
            .map(|p| p.content.as_slice());
        let effects =
            match rules::check_parsed(registry, overlay, seq, hash, &body, payload, pre.parsed)? {
                Ok(fx) => fx,
                Err(e) => return Ok(Checked::Refused(e.into())),
            };
        Ok(Checked::Accept(Box::new(Acceptable {
            body,
            hash,
            effects,
            parts,
        })))
    }

    /// Write a checked batch atomically, flush, then sign its checkpoint.
    fn write(&mut self, pending: &[Pending], received_at: i64) -> Result<(), ArchiveError> {
        let mut batch = WriteBatch::default();
        let mut nodes = PendingNodes {
            store: &self.store,
            pending: HashMap::new(),
        };
        let mut size = self.head.size;
        let mut tree_nodes = Vec::with_capacity(pending.len() * 2 + 64);
        let committed_end = self.store.parts_end()?;
        // Parts a streamed ingest wrote lie from the committed end on; the
        // batch's other parts go after them.
        let parts_end = pending
            .iter()
            .flat_map(|p| &p.parts)
            .filter_map(|(_, b)| match b {
                StoredBytes::Written(loc) => Some(loc.offset + loc.len),
                StoredBytes::Bytes(_) => None,
            })
            .fold(committed_end, u64::max);
        let mut parts_buf: Vec<u8> = Vec::new();
        // The `P` rows this batch writes or changes, by seq (a redaction
        // may target a part of this batch or of the log).
        let mut part_rows: HashMap<u64, store::PartRow> = HashMap::new();
        let mut erasures: Vec<store::PartLoc> = Vec::new();
        for p in pending {
            batch.entry(p.entry.seq, &p.entry_bytes);
            for (h, info) in &p.effects.statements {
                batch.statement(h, info);
            }
            for (id, info) in &p.effects.incidents {
                batch.incident(id, info);
            }
            let mut row: store::PartRow = Vec::with_capacity(p.parts.len());
            for (d, v) in &p.parts {
                // Two commitments with one digest have one salt and one
                // content: stored once.
                if row.iter().any(|(e, _)| *e == d.0) {
                    continue;
                }
                let loc = match v {
                    StoredBytes::Bytes(v) => {
                        let loc = store::PartLoc {
                            offset: parts_end + parts_buf.len() as u64,
                            len: v.len() as u64,
                        };
                        parts_buf.extend_from_slice(v);
                        loc
                    }
                    StoredBytes::Written(loc) => *loc,
                };
                row.push((d.0, loc));
            }
            if !row.is_empty() {
                batch.part_row(p.entry.seq, &row);
                part_rows.insert(p.entry.seq, row);
            }
            for id in &p.effects.touches {
                batch.touch(id, p.entry.seq);
            }
            if p.effects.registry.is_some() {
                batch.registry(p.entry.seq);
            }
            if let Some((target, label)) = &p.effects.redact {
                if let Some((seq, d)) = self.part_digest_of(target, label, pending)? {
                    let row = match part_rows.entry(seq) {
                        std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                        std::collections::hash_map::Entry::Vacant(v) => {
                            v.insert(self.store.part_row(seq)?)
                        }
                    };
                    if let Some(i) = row.iter().position(|(e, _)| *e == d.0) {
                        let (_, loc) = row.remove(i);
                        batch.part_row(seq, row);
                        // The bytes themselves are zeroed once this batch
                        // is durable.
                        batch.erasure(&loc);
                        erasures.push(loc);
                    }
                }
            }
            let leaf = entry_hash(&p.entry_bytes);
            let new_nodes = merkle::nodes_completed_by_append(&nodes, size, leaf.0)
                .map_err(|e| StoreError::Corrupt(Damage::Tree(format!("{e:?}"))))?;
            for &(level, index, h) in &new_nodes {
                nodes.pending.insert((level, index), h);
            }
            tree_nodes.extend(new_nodes);
            size += 1;
        }
        let last = pending
            .last()
            .map(|p| (p.entry.hash(), p.entry.received_at));
        let head = Head {
            size,
            last_hash: last.map(|l| l.0 .0).unwrap_or(self.head.last_hash),
            last_received_at: last.map(|l| l.1).unwrap_or(received_at),
        };
        let root = merkle::root_at(&nodes, size)
            .map_err(|e| StoreError::Corrupt(Damage::Tree(format!("{e:?}"))))?;
        let checkpoint = Checkpoint {
            origin: self.config.origin.clone(),
            size,
            root,
            extensions: Vec::new(),
        };
        let signer = self.checkpoint_key()?.note_signer()?;
        let note = checkpoint
            .sign(&signer)
            .map_err(ArchiveError::SignCheckpoint)?;
        batch.checkpoint(size, &note);
        batch.head(&head);
        // The files first: they may hold bytes past what sled records (cut
        // off at the next open), never less (docs/FORMAT.md §8.1, §8.2).
        // Each is written and synced on its own thread: the two syncs
        // overlap instead of adding up.
        if !parts_buf.is_empty() || parts_end != committed_end {
            batch.parts_end(parts_end + parts_buf.len() as u64);
        }
        let (store_ref, size) = (&self.store, self.head.size);
        let (parts_done, tree_done) = std::thread::scope(|s| {
            let parts = s.spawn(|| {
                if parts_buf.is_empty() {
                    // Streamed parts are written, not yet synced.
                    if parts_end != committed_end {
                        return store_ref.parts_file().sync().map_err(StoreError::from);
                    }
                    return Ok(());
                }
                store_ref
                    .parts_file()
                    .write_at(&parts_buf, parts_end)
                    .map_err(StoreError::from)
            });
            let tree = store_ref
                .tree()
                .append(size, &tree_nodes)
                .map_err(StoreError::from);
            let parts = parts
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (parts, tree)
        });
        parts_done?;
        tree_done?;
        let sled_started = std::time::Instant::now();
        self.store.apply(batch)?;
        // Acknowledge only what is durable.
        self.store.commit()?;
        self.sled_write_time += sled_started.elapsed();
        self.head = head;
        // The batch is durable and acknowledged whatever happens next. If
        // zeroing erased parts fails here, their `Z` rows stay and the next
        // open of the archive for writing does it (`Store::open`).
        if let Err(e) = self.store.erase_parts(&erasures) {
            eprintln!("temoin: warning: redacted part bytes not yet zeroed ({e}); they will be at the next open of the archive");
        }
        Ok(())
    }

    /// The digest of part `label` of statement `target` (in the log or in
    /// this batch).
    fn part_digest_of(
        &self,
        target: &Digest,
        label: &str,
        pending: &[Pending],
    ) -> Result<Option<(u64, Digest)>, ArchiveError> {
        let (seq, bytes) = match pending.iter().find(|p| p.hash == *target) {
            Some(p) => (p.entry.seq, p.entry.statement.body_bytes.clone()),
            None => {
                let Some(info) = rules::Index::statement(&self.store, target)? else {
                    return Ok(None);
                };
                match self.store.entry(info.seq)? {
                    Some(e) => (info.seq, e.statement.body_bytes),
                    None => return Ok(None),
                }
            }
        };
        let body = StatementBody::decode(&bytes)
            .map_err(|e| bad_entry(seq, format!("statement {target}: {e}")))?;
        // Of a sealed part the archive holds only the ciphertext: that is
        // what the order erases.
        let stored = crate::seal::stored_label(&body, label);
        Ok(body.part(&stored).map(|c| (seq, Digest(c.digest))))
    }
}

/// Parts to store, by digest: their bytes (salt ‖ content), or where a
/// streamed ingest already wrote them (`stream`).
type PartsToStore = Vec<(Digest, StoredBytes)>;

enum StoredBytes {
    Bytes(Vec<u8>),
    /// Written at this location, past the committed end, not yet synced.
    Written(store::PartLoc),
}

/// Checks statement files on their own, on all cores: see
/// [`Archive::prechecker`].
#[derive(Clone, Debug)]
pub struct Prechecker {
    config: Config,
}

impl Prechecker {
    /// Decode each file, verify its signature (`verify_strict`) and its
    /// parts against their commitments, and parse its domain payload:
    /// everything that needs nothing but the file.
    ///
    /// It does not warm sled's cache with the statement-index rows the
    /// sequential checks will read: reading them here made ingest slower,
    /// as the page-ins compete with the signature checks for the cores
    /// (docs/PERFORMANCE.md).
    pub fn check(&self, files: Vec<StatementFile>) -> PrecheckedBatch {
        let checks = self.check_each(&files);
        PrecheckedBatch { files, checks }
    }

    fn check_each(&self, files: &[StatementFile]) -> Vec<Prechecked> {
        let config = &self.config;
        crate::par::map(files.iter().collect(), |f| precheck(f, config))
    }
}

/// The files [`Prechecker::check`] took, each with its check, for
/// [`Archive::ingest_prechecked`].
pub struct PrecheckedBatch {
    files: Vec<StatementFile>,
    checks: Vec<Prechecked>,
}

impl PrecheckedBatch {
    /// The batches one after the other, as one: a server prechecks each
    /// submission as it arrives, on any core, and writes those waiting
    /// together (group commit).
    pub fn concat(batches: Vec<PrecheckedBatch>) -> PrecheckedBatch {
        let mut out = PrecheckedBatch {
            files: Vec::with_capacity(batches.iter().map(PrecheckedBatch::len).sum()),
            checks: Vec::new(),
        };
        for b in batches {
            out.files.extend(b.files);
            out.checks.extend(b.checks);
        }
        out
    }
    /// The author key of each file whose signature and parts checked, in
    /// order (`None` for the others): a server limits submissions per
    /// author only on statements that author did sign.
    pub fn authors(&self) -> Vec<Option<[u8; 32]>> {
        self.checks
            .iter()
            .map(|c| c.checked.as_ref().ok().map(|(body, _)| body.author))
            .collect()
    }
    pub fn files(&self) -> &[StatementFile] {
        &self.files
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// What can be checked of a statement file without the archive's state.
struct Prechecked {
    hash: Digest,
    checked: Result<(StatementBody, PartsToStore), Refusal>,
    /// Its domain payload, parsed (not for registry kinds, whose payloads
    /// the registry parses).
    parsed: Option<rules::ParsedPayload>,
}

fn precheck(file: &StatementFile, config: &Config) -> Prechecked {
    let st = &file.statement;
    let checked = StatementBody::decode_for_entry(&st.body_bytes)
        .map_err(Refusal::from)
        .and_then(|body| {
            st.verify_signature(&body)?;
            let parts = check_parts(config, &body, file)?;
            Ok((body, parts))
        });
    let parsed = match &checked {
        Ok((body, _)) if !body.kind.is_registry() => file
            .parts
            .iter()
            .find(|p| p.label == PAYLOAD)
            .map(|p| crate::domain::Payload::parse(body.kind, &p.content)),
        _ => None,
    };
    Prechecked {
        hash: st.hash(),
        checked,
        parsed,
    }
}

/// Every committed part present and matching; nothing else; within limits.
fn check_parts(
    config: &Config,
    body: &StatementBody,
    file: &StatementFile,
) -> Result<PartsToStore, Refusal> {
    for (i, p) in file.parts.iter().enumerate() {
        if body.part(&p.label).is_none() || file.parts[..i].iter().any(|q| q.label == p.label) {
            return Err(Refusal::UnexpectedPart {
                label: p.label.clone(),
            });
        }
    }
    let mut out = Vec::with_capacity(body.parts.len());
    for c in &body.parts {
        // A sealed part's plaintext is committed by the author and held by
        // its readers only: never carried, never stored.
        if crate::seal::is_sealed(body, &c.label) {
            if file.parts.iter().any(|p| p.label == c.label) {
                return Err(Refusal::SealedInClear {
                    label: c.label.clone(),
                });
            }
            continue;
        }
        if c.length > config.max_part_bytes {
            return Err(Refusal::PartTooLarge {
                label: c.label.clone(),
                len: c.length,
                limit: config.max_part_bytes,
            });
        }
        let part = file
            .parts
            .iter()
            .find(|p| p.label == c.label)
            .ok_or_else(|| Refusal::MissingPart {
                label: c.label.clone(),
            })?;
        if part.content.len() as u64 != c.length {
            return Err(Refusal::PartMismatch {
                label: c.label.clone(),
                what: "its length differs from the committed length",
            });
        }
        let checked = crate::partcheck::check(&c.label, &part.salt, &part.content);
        let d = checked.digest;
        if d.0 != c.digest {
            return Err(Refusal::PartMismatch {
                label: c.label.clone(),
                what: "its salted digest differs from the committed digest",
            });
        }
        if let Some(reason) = checked.fault {
            return Err(Refusal::PartContent { reason });
        }
        let mut v = Vec::with_capacity(32 + part.content.len());
        v.extend_from_slice(&part.salt);
        v.extend_from_slice(&part.content);
        out.push((d, StoredBytes::Bytes(v)));
    }
    Ok(out)
}

enum Checked {
    Refused(Refusal),
    Duplicate(Accepted),
    Accept(Box<Acceptable>),
}

struct Acceptable {
    body: StatementBody,
    hash: Digest,
    effects: Effects,
    parts: PartsToStore,
}

/// Merkle nodes of the store plus those of the batch being written.
struct PendingNodes<'a> {
    store: &'a Store,
    pending: HashMap<(u8, u64), [u8; 32]>,
}

impl NodeStore for PendingNodes<'_> {
    type Error = StoreError;
    fn node(&self, level: u8, index: u64) -> Result<[u8; 32], StoreError> {
        if let Some(h) = self.pending.get(&(level, index)) {
            return Ok(*h);
        }
        self.store.merkle_node(level, index)
    }
}

impl NodeStore for Store {
    type Error = StoreError;
    fn node(&self, level: u8, index: u64) -> Result<[u8; 32], StoreError> {
        self.merkle_node(level, index)
    }
}

impl Store {
    pub fn merkle_node(&self, level: u8, index: u64) -> Result<[u8; 32], StoreError> {
        self.tree()
            .node(level, index)?
            .ok_or_else(|| StoreError::Corrupt(Damage::MissingNode { level, index }))
    }

    /// RFC 9162 inclusion proof of entry `seq` in the tree of size `size`.
    pub fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<[u8; 32]>, ArchiveError> {
        merkle::inclusion_proof(self, seq, size).map_err(|e| tree_error(e, size))
    }

    /// RFC 9162 consistency proof from tree size `old` to `new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<[u8; 32]>, ArchiveError> {
        merkle::consistency_proof(self, old, new).map_err(|e| tree_error(e, new))
    }

    /// The root of the tree of size `size` (any past size).
    pub fn root_at(&self, size: u64) -> Result<[u8; 32], ArchiveError> {
        merkle::root_at(self, size).map_err(|e| tree_error(e, size))
    }

    /// The receipt of entry `seq` against the latest checkpoint.
    pub fn receipt(&self, seq: u64) -> Result<crate::receipt::Receipt, ArchiveError> {
        let (size, note) = self
            .latest_checkpoint()?
            .ok_or(ArchiveError::NoCheckpoint)?;
        if seq >= size {
            return Err(ArchiveError::NotCovered { seq, size });
        }
        let bytes = self
            .entry_bytes(seq)?
            .ok_or(StoreError::Corrupt(Damage::MissingEntry { seq }))?;
        let proof = self.inclusion_proof(seq, size)?;
        let timestamps = self.timestamps(size)?;
        Ok(crate::receipt::Receipt::new(&bytes, note, &proof)
            .map_err(ArchiveError::Receipt)?
            .with_timestamps(&timestamps))
    }
}

/// The key checkpoints are checked with, and why it is trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrustedKey {
    /// Given by whoever checks, who got it elsewhere (pinned): trusted
    /// whatever the archive at hand says.
    Pinned(crate::signed_note::VerifierKey),
    /// Named by the archive's own genesis: trusts this copy of the archive.
    Genesis(crate::signed_note::VerifierKey),
}

impl TrustedKey {
    /// The pinned key if one is given, else the key `archive`'s genesis
    /// names; `None` with neither.
    pub fn choose(
        pinned: Option<crate::signed_note::VerifierKey>,
        archive: Option<&Archive>,
    ) -> Result<Option<TrustedKey>, ArchiveError> {
        Ok(match (pinned, archive) {
            (Some(k), _) => Some(TrustedKey::Pinned(k)),
            (None, Some(a)) => Some(TrustedKey::Genesis(a.checkpoint_vkey()?)),
            (None, None) => None,
        })
    }

    pub fn key(&self) -> &crate::signed_note::VerifierKey {
        match self {
            TrustedKey::Pinned(k) | TrustedKey::Genesis(k) => k,
        }
    }
}

/// Receipts and checkpoints are checked against the archive at hand
/// through the core's [`Log`](crate::receipt::Log).
impl crate::receipt::Log for Archive {
    type Error = ArchiveError;
    fn latest_checkpoint(&self) -> Result<Option<(u64, String)>, ArchiveError> {
        Ok(self.store.latest_checkpoint()?)
    }
    fn size(&self) -> u64 {
        self.head.size
    }
    fn root_at(&self, size: u64) -> Result<[u8; 32], ArchiveError> {
        self.store.root_at(size)
    }
    fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<[u8; 32]>, ArchiveError> {
        self.store.inclusion_proof(seq, size)
    }
    fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<[u8; 32]>, ArchiveError> {
        self.store.consistency_proof(old, new)
    }
    fn entry_bytes(&self, seq: u64) -> Result<Option<Vec<u8>>, ArchiveError> {
        Ok(self.store.entry_bytes(seq)?.map(|b| b.to_vec()))
    }
}

fn tree_error(e: merkle::TreeError<StoreError>, size: u64) -> ArchiveError {
    match e {
        merkle::TreeError::Store(s) => ArchiveError::Store(s),
        merkle::TreeError::Range(source) => ArchiveError::NoSuchProof { size, source },
    }
}

/// Replay the registry statements (only those: `R` lists their seqs):
/// the registry as of the store's last entry (the web pages' key list and
/// authors' names read it through a read handle).
pub fn load_registry(store: &Store) -> Result<Registry, ArchiveError> {
    let mut reg = Registry::default();
    for seq in store.registry_seqs() {
        let seq = seq?;
        if let Some(c) = registry_change_at(store, seq)? {
            reg.apply(seq, c);
        }
    }
    Ok(reg)
}

/// The registry change of the registry statement at entry `seq`, read from
/// the entry and its payload.
pub(crate) fn registry_change_at(
    store: &Store,
    seq: u64,
) -> Result<Option<RegistryChange>, StoreError> {
    let entry = store
        .entry(seq)?
        .ok_or(StoreError::Corrupt(Damage::MissingEntry { seq }))?;
    let body = StatementBody::decode(&entry.statement.body_bytes).map_err(|e| bad_entry(seq, e))?;
    let payload = body
        .part(PAYLOAD)
        .map(|c| Digest(c.digest))
        .ok_or_else(|| bad_entry(seq, "it has no payload part"))?;
    let (_, content) = store.part(seq, &payload)?.ok_or_else(|| {
        StoreError::Corrupt(Damage::MissingPart {
            seq,
            label: PAYLOAD,
        })
    })?;
    let author = PublicKey::from_bytes(&body.author).map_err(|e| bad_entry(seq, e))?;
    RegistryChange::from_payload(body.kind, author, &content).map_err(|e| bad_entry(seq, e))
}
