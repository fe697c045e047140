//! Making bytes durable: what survives a power cut is only what was
//! `fsync`ed (file contents) and what a synced directory names (file
//! names). Every acknowledgement the archive gives rests on this module.
//!
//! Why sled needs help: `sled::Db::flush` writes its log with
//! `sync_file_range`, which starts and waits for the write-back of the
//! range but neither flushes the drive's cache nor commits the file's
//! metadata (its new length); the real `fsync` comes later from sled's
//! background thread. [`SledFiles::commit`] flushes and then
//! `fdatasync`s `db/db` itself, and syncs any blob file sled created (sled
//! writes large values to `db/blobs/` without syncing them).

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A failure to make something durable, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("cannot make {path} durable: {source}")]
pub struct SyncError {
    pub path: PathBuf,
    pub source: io::Error,
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> SyncError + '_ {
    move |source| SyncError {
        path: path.to_path_buf(),
        source,
    }
}

/// Sync a directory, so that the names created, renamed or removed in it
/// survive a power cut.
pub fn sync_dir(dir: &Path) -> Result<(), SyncError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(at(dir))
}

/// Sync every file and directory under `root`, and `root` itself: a tree
/// built aside becomes durable before it is renamed into place.
pub fn sync_tree(root: &Path) -> Result<(), SyncError> {
    for e in std::fs::read_dir(root).map_err(at(root))? {
        let e = e.map_err(at(root))?;
        let path = e.path();
        if e.file_type().map_err(at(&path))?.is_dir() {
            sync_tree(&path)?;
        } else {
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(at(&path))?;
        }
    }
    sync_dir(root)
}

/// `std::fs::create_dir_all`, and each directory it creates made durable
/// in its parent: a receipt synced into a directory whose own name was
/// never synced is lost with that name.
pub fn create_dir_all(dir: &Path) -> Result<(), SyncError> {
    if dir.is_dir() {
        return Ok(());
    }
    let parent = parent_of(dir);
    if dir.parent().is_some() {
        create_dir_all(parent)?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => sync_dir(parent),
        // Made meanwhile by another process: whoever made it syncs it.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(at(dir)(e)),
    }
}

/// The directory holding `path` (`.` for a bare file name).
pub fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary name beside `path`, unique to this process and call.
fn temp_beside(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent_of(path).join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Write `bytes` to a new temporary file beside `path` with `mode`, synced.
fn write_temp(path: &Path, bytes: &[u8], mode: u32) -> Result<PathBuf, SyncError> {
    write_temp_with(path, mode, |f| f.write_all(bytes)).map_err(|e| match e {
        WriteError::Sync(s) => s,
        WriteError::Content(e) => at(path)(e),
    })
}

/// Why `write_atomic_with` wrote nothing.
#[derive(Debug)]
pub enum WriteError<E> {
    /// The file system failed.
    Sync(SyncError),
    /// The writer gave up.
    Content(E),
}

/// [`write_atomic`] of what `fill` writes, streamed (a file too large to
/// hold in memory): if `fill` fails, nothing is left behind.
pub fn write_atomic_with<E>(
    path: &Path,
    mode: u32,
    fill: impl FnOnce(&mut std::fs::File) -> Result<(), E>,
) -> Result<(), WriteError<E>>
where
    E: From<std::io::Error>,
{
    let tmp = write_temp_with(path, mode, fill)?;
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(WriteError::Sync(at(path)(e)));
    }
    sync_dir(parent_of(path)).map_err(WriteError::Sync)
}

fn write_temp_with<E>(
    path: &Path,
    mode: u32,
    fill: impl FnOnce(&mut std::fs::File) -> Result<(), E>,
) -> Result<PathBuf, WriteError<E>>
where
    E: From<std::io::Error>,
{
    let tmp = temp_beside(path);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(&tmp).map_err(|e| WriteError::Sync(at(path)(e)))?;
    let written = fill(&mut f).and_then(|()| f.sync_all().map_err(E::from));
    if let Err(e) = written {
        drop(f);
        let _ = std::fs::remove_file(&tmp);
        return Err(WriteError::Content(e));
    }
    Ok(tmp)
}

/// Replace (or create) the file at `path` with `bytes`, atomically: a
/// reader, or the file system after a crash, sees the old file or the whole
/// new one, never a torn one. Returns once the new file and its name are
/// durable.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), SyncError> {
    let tmp = write_temp(path, bytes, mode)?;
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(at(path)(e));
    }
    sync_dir(parent_of(path))
}

/// Create the file at `path` with `bytes`, atomically, refusing to replace
/// one that exists (`io::ErrorKind::AlreadyExists`): the file appears whole
/// or not at all. Returns once it and its name are durable.
pub fn write_new_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), SyncError> {
    let tmp = write_temp(path, bytes, mode)?;
    // A hard link, unlike rename, fails if the target exists.
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    linked.map_err(at(path))?;
    sync_dir(parent_of(path))
}

/// sled's files, made durable after each flush.
#[derive(Debug)]
pub struct SledFiles {
    db_path: PathBuf,
    db_file: File,
    blobs: PathBuf,
    /// Blob files already synced (sled never rewrites one).
    synced_blobs: Mutex<HashSet<OsString>>,
}

impl SledFiles {
    /// sled's files in `db_dir` (the archive's `db/`), opened after sled
    /// opened the database. Syncs the directory (sled's open replaced its
    /// snapshot file), the log and the blob files already there: a crash may
    /// have left them unsynced, and a writer acknowledges what it reads.
    pub fn open(db_dir: &Path) -> Result<SledFiles, SyncError> {
        let db_path = db_dir.join("db");
        let db_file = File::open(&db_path).map_err(at(&db_path))?;
        let files = SledFiles {
            db_path,
            db_file,
            blobs: db_dir.join("blobs"),
            synced_blobs: Mutex::new(HashSet::new()),
        };
        files.db_file.sync_data().map_err(at(&files.db_path))?;
        files.sync_blobs()?;
        sync_dir(db_dir)?;
        Ok(files)
    }

    /// Flush `db` and make what it wrote durable: on return, every batch
    /// applied before the call survives a power cut.
    pub fn commit(&self, db: &sled::Db) -> Result<(), crate::store::StoreError> {
        db.flush()?;
        self.db_file.sync_data().map_err(at(&self.db_path))?;
        self.sync_blobs()?;
        Ok(())
    }

    fn sync_blobs(&self) -> Result<(), SyncError> {
        let rd = match std::fs::read_dir(&self.blobs) {
            Ok(rd) => rd,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(at(&self.blobs)(e)),
        };
        let mut synced = self.synced_blobs.lock().unwrap_or_else(|p| p.into_inner());
        let mut new = false;
        for e in rd {
            let e = e.map_err(at(&self.blobs))?;
            if synced.contains(&e.file_name()) {
                continue;
            }
            let path = e.path();
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(at(&path))?;
            synced.insert(e.file_name());
            new = true;
        }
        if new {
            sync_dir(&self.blobs)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_whole_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("r.json");
        write_atomic(&p, b"one", 0o644).unwrap();
        write_atomic(&p, b"two, longer", 0o644).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two, longer");
        let names: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
    }

    #[test]
    fn write_new_atomic_refuses_to_replace() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("k");
        write_new_atomic(&p, b"first", 0o600).unwrap();
        let e = write_new_atomic(&p, b"second", 0o600).unwrap_err();
        assert_eq!(e.source.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&p).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn write_atomic_into_a_missing_directory_fails_cleanly() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("absent").join("r.json");
        let e = write_atomic(&p, b"x", 0o644).unwrap_err();
        assert_eq!(e.path, p);
    }
}
