//! An append-only file beside the sled database, whose committed length is
//! known from sled (docs/FORMAT.md §8): the tree file (§8.1) and the parts
//! file (§8.2).
//!
//! The protocol that keeps such a file consistent with sled's atomic
//! batches: an ingest batch writes its bytes at the committed end and syncs
//! the file *before* the sled batch that records the new end. A crash in
//! between leaves bytes past the committed end, which belong to no
//! acknowledged entry: a writer cuts them off when it opens the archive,
//! and the next batch writes over them anyway. A file *shorter* than the
//! committed end is damage, and a writer refuses to open it.

use std::fs::{File, OpenOptions};
use std::io::{self, ErrorKind};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// How an archive opens its files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A writer: creates the file if absent and cuts off bytes past the
    /// committed end (left by an interrupted batch).
    Write,
    /// A reader (the audit): never changes the file; an absent file reads
    /// as empty, so that the audit can name the first entry it lacks.
    Read,
}

#[derive(Debug)]
pub struct AppendFile {
    path: PathBuf,
    /// `None` when the file is absent and was opened for reading.
    file: Option<File>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppendFileError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "{path} holds {have} bytes but the archive's head says {need} were written: the file was truncated or replaced (run `temoin verify` to locate the fault)"
    )]
    Short { path: PathBuf, have: u64, need: u64 },
}

impl AppendFile {
    /// Open the file at `path`, whose committed length is `end`.
    pub fn open(path: &Path, end: u64, access: Access) -> Result<AppendFile, AppendFileError> {
        let io = |e| AppendFileError::Io {
            path: path.to_path_buf(),
            source: e,
        };
        let file = match access {
            Access::Write => Some(
                OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(path)
                    .map_err(io)?,
            ),
            Access::Read => match File::open(path) {
                Ok(f) => Some(f),
                Err(e) if e.kind() == ErrorKind::NotFound => None,
                Err(e) => return Err(io(e)),
            },
        };
        if let (Access::Write, Some(f)) = (access, &file) {
            let have = f.metadata().map_err(io)?.len();
            if have < end {
                return Err(AppendFileError::Short {
                    path: path.to_path_buf(),
                    have,
                    need: end,
                });
            }
            if have > end {
                f.set_len(end).and_then(|()| f.sync_data()).map_err(io)?;
            }
        }
        Ok(AppendFile {
            path: path.to_path_buf(),
            file,
        })
    }

    fn io(&self, source: io::Error) -> AppendFileError {
        AppendFileError::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn writable(&self) -> Result<&File, AppendFileError> {
        self.file.as_ref().ok_or_else(|| {
            self.io(io::Error::new(
                ErrorKind::NotFound,
                "the file is absent (opened for reading)",
            ))
        })
    }

    /// Fill `buf` from `offset`; `false` if the file does not reach its end.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<bool, AppendFileError> {
        let Some(file) = &self.file else {
            return Ok(false);
        };
        match file.read_exact_at(buf, offset) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => Ok(false),
            Err(e) => Err(self.io(e)),
        }
    }

    /// Read from `offset` into `buf` until it is full or the file ends;
    /// the number of bytes read.
    pub fn read_upto(&self, buf: &mut [u8], offset: u64) -> Result<usize, AppendFileError> {
        let Some(file) = &self.file else {
            return Ok(0);
        };
        let mut done = 0;
        while done < buf.len() {
            match file.read_at(&mut buf[done..], offset + done as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io(e)),
            }
        }
        Ok(done)
    }

    /// Write `bytes` at `offset` and sync the file's data.
    pub fn write_at(&self, bytes: &[u8], offset: u64) -> Result<(), AppendFileError> {
        self.write_unsynced_at(bytes, offset)?;
        self.sync()
    }

    /// Write `bytes` at `offset`, not synced yet: a part streamed in
    /// chunks is synced once, whole (`sync`), before sled records it.
    pub fn write_unsynced_at(&self, bytes: &[u8], offset: u64) -> Result<(), AppendFileError> {
        let file = self.writable()?;
        file.write_all_at(bytes, offset).map_err(|e| self.io(e))
    }

    pub fn sync(&self) -> Result<(), AppendFileError> {
        self.writable()?.sync_data().map_err(|e| self.io(e))
    }

    /// Cut the file back to `end`, the committed length, after a write
    /// that will not be committed (a refused statement's streamed parts).
    pub fn cut_to(&self, end: u64) -> Result<(), AppendFileError> {
        let file = self.writable()?;
        if file.metadata().map_err(|e| self.io(e))?.len() > end {
            file.set_len(end)
                .and_then(|()| file.sync_data())
                .map_err(|e| self.io(e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_leftovers_refuses_short_and_reads_absent_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let f = AppendFile::open(&path, 0, Access::Write).unwrap();
        f.write_at(b"abcdefgh", 0).unwrap();
        let mut b = [0u8; 3];
        assert!(f.read_at(&mut b, 5).unwrap());
        assert_eq!(&b, b"fgh");
        assert!(!f.read_at(&mut b, 6).unwrap(), "past the end");
        let mut big = [0u8; 5];
        assert_eq!(f.read_upto(&mut big, 5).unwrap(), 3);
        assert_eq!(&big[..3], b"fgh");
        drop(f);
        // A reader never cuts; a writer cuts back to the committed end.
        let r = AppendFile::open(&path, 4, Access::Read).unwrap();
        assert!(r.read_at(&mut b, 5).unwrap());
        assert!(r.write_at(b"x", 0).is_err(), "a reader cannot write");
        let w = AppendFile::open(&path, 4, Access::Write).unwrap();
        assert!(!w.read_at(&mut b, 2).unwrap());
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 4);
        drop(w);
        assert!(matches!(
            AppendFile::open(&path, 5, Access::Write),
            Err(AppendFileError::Short {
                have: 4,
                need: 5,
                ..
            })
        ));
        let gone = AppendFile::open(&dir.path().join("absent"), 9, Access::Read).unwrap();
        assert!(!gone.read_at(&mut b, 0).unwrap());
    }
}
