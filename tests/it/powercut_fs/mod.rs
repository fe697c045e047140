//! A file system that keeps only what was synced: the power-cut model of
//! tests/it/powercut.rs (the LazyFS approach, as a FUSE layer in memory).
//!
//! Every file has two contents: what the process wrote, and what the last
//! `fsync`/`fdatasync` of it made durable. Every directory has two entry
//! tables: the names as they are now, and the names as the last `fsync` of
//! that directory left them. Creating, renaming, linking or removing a name
//! is therefore lost at a cut unless the directory is synced afterwards, as
//! POSIX allows and as ext4 and XFS do when the journal has not committed.
//! `sync_file_range` never reaches a FUSE file system, so it makes nothing
//! durable here, as it makes nothing durable on a real disk through a power
//! cut (it does not flush the drive's cache nor commit metadata).
//!
//! At a cut every later call fails with EIO (a dead disk), and
//! [`SyncedFs::image`] writes out what survived: the synced names, each
//! holding the synced content.

use fuser::{
    Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo, LockOwner,
    OpenFlags, RenameFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory, ReplyEmpty,
    ReplyEntry, ReplyOpen, ReplyStatfs, ReplyWrite, Request, TimeOrNow, WriteFlags,
};
use std::collections::{BTreeMap, HashMap};
use std::ffi::{OsStr, OsString};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Attributes and names are never cached by the kernel: every size it sees
/// is the one this model holds.
const TTL: Duration = Duration::ZERO;

/// The file-type bits of a mode, and the type of a regular file (stat(2)).
const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;

enum Body {
    File {
        data: Vec<u8>,
        synced: Vec<u8>,
    },
    Dir {
        entries: BTreeMap<OsString, u64>,
        synced: BTreeMap<OsString, u64>,
    },
}

struct Node {
    body: Body,
    mode: u16,
    nlink: u32,
}

/// When the power goes.
#[derive(Clone, Copy, Debug)]
pub enum Cut {
    /// Never by itself: the test cuts with [`SyncedFs::cut`].
    Manual,
    /// At the n-th sync call (1-based) counted from [`SyncedFs::arm`]: that
    /// call and every later one fail, and nothing of it is made durable.
    AtSync(u64),
}

struct State {
    nodes: HashMap<u64, Node>,
    next_ino: u64,
    cut: bool,
    rule: Cut,
    syncs: u64,
}

/// The shared state of one mounted file system; clone it to keep a handle
/// on the test's side of the mount.
#[derive(Clone)]
pub struct SyncedFs {
    inner: Arc<(Mutex<State>, Condvar)>,
}

impl SyncedFs {
    /// A file system holding `seed`'s tree, all of it durable: the state of
    /// a disk after a clean shutdown.
    pub fn with_tree(seed: Option<&Path>) -> SyncedFs {
        let mut state = State {
            nodes: HashMap::new(),
            next_ino: 2,
            cut: false,
            rule: Cut::Manual,
            syncs: 0,
        };
        state.nodes.insert(
            1,
            Node {
                body: Body::Dir {
                    entries: BTreeMap::new(),
                    synced: BTreeMap::new(),
                },
                mode: 0o755,
                nlink: 2,
            },
        );
        if let Some(seed) = seed {
            state.load(1, seed);
        }
        SyncedFs {
            inner: Arc::new((Mutex::new(state), Condvar::new())),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// From now on, count sync calls and cut by `rule`.
    pub fn arm(&self, rule: Cut) {
        let mut st = self.state();
        st.rule = rule;
        st.syncs = 0;
    }

    /// Cut the power now.
    pub fn cut(&self) {
        self.state().cut = true;
        self.inner.1.notify_all();
    }

    /// The disk answers again after a cut (a transient failure, not a power
    /// cut: nothing unsynced is dropped).
    pub fn restore(&self) {
        self.state().cut = false;
    }

    /// Sync calls seen since [`SyncedFs::arm`].
    pub fn syncs(&self) -> u64 {
        self.state().syncs
    }

    /// Wait up to `timeout` for the cut.
    pub fn wait_cut(&self, timeout: Duration) -> bool {
        let st = self.state();
        let (st, _) = self
            .inner
            .1
            .wait_timeout_while(st, timeout, |s| !s.cut)
            .unwrap_or_else(|e| e.into_inner());
        st.cut
    }

    /// Write what survived the cut under `out` (a new directory).
    pub fn image(&self, out: &Path) {
        let st = self.state();
        std::fs::create_dir_all(out).unwrap();
        st.write_synced(1, out);
    }

    pub fn mount(&self, at: &Path) -> std::io::Result<fuser::BackgroundSession> {
        let mut config = fuser::Config::default();
        config.mount_options = vec![fuser::MountOption::FSName("temoin-powercut".into())];
        fuser::spawn_mount(self.clone(), at, &config)
    }
}

impl State {
    fn load(&mut self, dir_ino: u64, path: &Path) {
        for entry in std::fs::read_dir(path).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            let mode = (meta.permissions().mode() & 0o7777) as u16;
            let body = if meta.is_dir() {
                Body::Dir {
                    entries: BTreeMap::new(),
                    synced: BTreeMap::new(),
                }
            } else {
                let data = std::fs::read(entry.path()).unwrap();
                Body::File {
                    synced: data.clone(),
                    data,
                }
            };
            let ino = self.add_node(body, mode);
            self.dir_mut(dir_ino)
                .unwrap()
                .insert(entry.file_name(), ino);
            if let Some(Body::Dir { synced, entries }) =
                self.nodes.get_mut(&dir_ino).map(|n| &mut n.body)
            {
                *synced = entries.clone();
            }
            if meta.is_dir() {
                self.load(ino, &entry.path());
            }
        }
    }

    fn write_synced(&self, ino: u64, out: &Path) {
        let Some(Body::Dir { synced, .. }) = self.nodes.get(&ino).map(|n| &n.body) else {
            return;
        };
        for (name, child) in synced {
            let node = &self.nodes[child];
            let path = out.join(name);
            match &node.body {
                Body::Dir { .. } => {
                    std::fs::create_dir(&path).unwrap();
                    self.write_synced(*child, &path);
                }
                Body::File { synced, .. } => std::fs::write(&path, synced).unwrap(),
            }
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(node.mode.into()))
                .unwrap();
        }
    }

    fn add_node(&mut self, body: Body, mode: u16) -> u64 {
        let ino = self.next_ino;
        self.next_ino += 1;
        let nlink = if matches!(body, Body::Dir { .. }) {
            2
        } else {
            1
        };
        self.nodes.insert(ino, Node { body, mode, nlink });
        ino
    }

    fn dir(&self, ino: u64) -> Result<&BTreeMap<OsString, u64>, Errno> {
        match self.nodes.get(&ino).map(|n| &n.body) {
            Some(Body::Dir { entries, .. }) => Ok(entries),
            Some(Body::File { .. }) => Err(Errno::ENOTDIR),
            None => Err(Errno::ENOENT),
        }
    }

    fn dir_mut(&mut self, ino: u64) -> Result<&mut BTreeMap<OsString, u64>, Errno> {
        match self.nodes.get_mut(&ino).map(|n| &mut n.body) {
            Some(Body::Dir { entries, .. }) => Ok(entries),
            Some(Body::File { .. }) => Err(Errno::ENOTDIR),
            None => Err(Errno::ENOENT),
        }
    }

    fn attr(&self, ino: u64) -> Result<FileAttr, Errno> {
        let node = self.nodes.get(&ino).ok_or(Errno::ENOENT)?;
        let (kind, size) = match &node.body {
            Body::File { data, .. } => (FileType::RegularFile, data.len() as u64),
            Body::Dir { entries, .. } => (FileType::Directory, entries.len() as u64),
        };
        Ok(FileAttr {
            ino: INodeNo(ino),
            size,
            blocks: size.div_ceil(512),
            atime: UNIX_EPOCH,
            mtime: SystemTime::now(),
            ctime: SystemTime::now(),
            crtime: UNIX_EPOCH,
            kind,
            perm: node.mode,
            nlink: node.nlink,
            uid: 0,
            gid: 0,
            rdev: 0,
            blksize: 4096,
            flags: 0,
        })
    }

    /// A mutating call: refused once the power is cut.
    fn alive(&self) -> Result<(), Errno> {
        if self.cut {
            Err(Errno::EIO)
        } else {
            Ok(())
        }
    }

    /// A sync call: counted, and the one at which the power goes fails.
    fn sync_point(&mut self) -> Result<(), Errno> {
        self.alive()?;
        self.syncs += 1;
        if let Cut::AtSync(n) = self.rule {
            if self.syncs >= n {
                self.cut = true;
                return Err(Errno::EIO);
            }
        }
        Ok(())
    }

    /// A file's current content, grown with zeros to at least `len` bytes
    /// (a write or an allocation).
    fn extend(&mut self, ino: u64, len: u64) -> Result<&mut Vec<u8>, Errno> {
        self.alive()?;
        match self.nodes.get_mut(&ino).map(|n| &mut n.body) {
            Some(Body::File { data, .. }) => {
                if (data.len() as u64) < len {
                    data.resize(len as usize, 0);
                }
                Ok(data)
            }
            Some(Body::Dir { .. }) => Err(Errno::EISDIR),
            None => Err(Errno::ENOENT),
        }
    }

    fn make(
        &mut self,
        parent: u64,
        name: &OsStr,
        body: Body,
        mode: u32,
    ) -> Result<FileAttr, Errno> {
        self.alive()?;
        if self.dir(parent)?.contains_key(name) {
            return Err(Errno::EEXIST);
        }
        let ino = self.add_node(body, (mode & 0o7777) as u16);
        self.dir_mut(parent)?.insert(name.to_owned(), ino);
        self.attr(ino)
    }

    fn remove(&mut self, parent: u64, name: &OsStr, want_dir: bool) -> Result<(), Errno> {
        self.alive()?;
        let ino = *self.dir(parent)?.get(name).ok_or(Errno::ENOENT)?;
        match (&self.nodes[&ino].body, want_dir) {
            (Body::Dir { entries, .. }, true) if !entries.is_empty() => {
                return Err(Errno::ENOTEMPTY)
            }
            (Body::Dir { .. }, false) => return Err(Errno::EISDIR),
            (Body::File { .. }, true) => return Err(Errno::ENOTDIR),
            _ => {}
        }
        self.dir_mut(parent)?.remove(name);
        if let Some(n) = self.nodes.get_mut(&ino) {
            n.nlink = n.nlink.saturating_sub(1);
        }
        Ok(())
    }

    fn rename(
        &mut self,
        parent: u64,
        name: &OsStr,
        newparent: u64,
        newname: &OsStr,
        flags: RenameFlags,
    ) -> Result<(), Errno> {
        self.alive()?;
        if flags.contains(RenameFlags::RENAME_EXCHANGE)
            || flags.contains(RenameFlags::RENAME_WHITEOUT)
        {
            return Err(Errno::EINVAL);
        }
        let ino = *self.dir(parent)?.get(name).ok_or(Errno::ENOENT)?;
        if let Some(&old) = self.dir(newparent)?.get(newname) {
            if flags.contains(RenameFlags::RENAME_NOREPLACE) {
                return Err(Errno::EEXIST);
            }
            if old == ino {
                return Ok(());
            }
            match (&self.nodes[&old].body, &self.nodes[&ino].body) {
                (Body::Dir { entries, .. }, Body::Dir { .. }) if !entries.is_empty() => {
                    return Err(Errno::ENOTEMPTY)
                }
                (Body::Dir { .. }, Body::File { .. }) => return Err(Errno::EISDIR),
                (Body::File { .. }, Body::Dir { .. }) => return Err(Errno::ENOTDIR),
                _ => {}
            }
            if let Some(n) = self.nodes.get_mut(&old) {
                n.nlink = n.nlink.saturating_sub(1);
            }
        }
        self.dir_mut(parent)?.remove(name);
        self.dir_mut(newparent)?.insert(newname.to_owned(), ino);
        Ok(())
    }
}

/// Reply with `ok` on success, with the errno otherwise.
macro_rules! answer {
    ($reply:ident, $r:expr, |$v:pat_param| $ok:expr) => {
        match $r {
            Ok($v) => $ok,
            Err(e) => $reply.error(e),
        }
    };
}

impl Filesystem for SyncedFs {
    fn lookup(&self, _: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let st = self.state();
        let r = st
            .dir(parent.0)
            .and_then(|d| d.get(name).copied().ok_or(Errno::ENOENT))
            .and_then(|ino| st.attr(ino));
        answer!(reply, r, |a| reply.entry(&TTL, &a, Generation(0)));
    }

    fn getattr(&self, _: &Request, ino: INodeNo, _: Option<FileHandle>, reply: ReplyAttr) {
        answer!(reply, self.state().attr(ino.0), |a| reply.attr(&TTL, &a));
    }

    fn setattr(
        &self,
        _: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        _uid: Option<u32>,
        _gid: Option<u32>,
        size: Option<u64>,
        _atime: Option<TimeOrNow>,
        _mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        _fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        let mut st = self.state();
        let r = (|| {
            if mode.is_none() && size.is_none() {
                return st.attr(ino.0);
            }
            st.alive()?;
            let node = st.nodes.get_mut(&ino.0).ok_or(Errno::ENOENT)?;
            if let Some(m) = mode {
                node.mode = (m & 0o7777) as u16;
            }
            if let Some(len) = size {
                match &mut node.body {
                    Body::File { data, .. } => data.resize(len as usize, 0),
                    Body::Dir { .. } => return Err(Errno::EISDIR),
                }
            }
            st.attr(ino.0)
        })();
        answer!(reply, r, |a| reply.attr(&TTL, &a));
    }

    fn mknod(
        &self,
        _: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        _rdev: u32,
        reply: ReplyEntry,
    ) {
        if mode & S_IFMT != S_IFREG {
            return reply.error(Errno::EPERM);
        }
        let body = Body::File {
            data: Vec::new(),
            synced: Vec::new(),
        };
        let r = self.state().make(parent.0, name, body, mode);
        answer!(reply, r, |a| reply.entry(&TTL, &a, Generation(0)));
    }

    fn mkdir(
        &self,
        _: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        reply: ReplyEntry,
    ) {
        let body = Body::Dir {
            entries: BTreeMap::new(),
            synced: BTreeMap::new(),
        };
        let r = self.state().make(parent.0, name, body, mode);
        answer!(reply, r, |a| reply.entry(&TTL, &a, Generation(0)));
    }

    fn unlink(&self, _: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        answer!(reply, self.state().remove(parent.0, name, false), |_| reply
            .ok());
    }

    fn rmdir(&self, _: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        answer!(reply, self.state().remove(parent.0, name, true), |_| reply
            .ok());
    }

    fn rename(
        &self,
        _: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        let r = self
            .state()
            .rename(parent.0, name, newparent.0, newname, flags);
        answer!(reply, r, |_| reply.ok());
    }

    fn link(
        &self,
        _: &Request,
        ino: INodeNo,
        newparent: INodeNo,
        newname: &OsStr,
        reply: ReplyEntry,
    ) {
        let mut st = self.state();
        let r = (|| {
            st.alive()?;
            match st.nodes.get(&ino.0).map(|n| &n.body) {
                Some(Body::File { .. }) => {}
                Some(Body::Dir { .. }) => return Err(Errno::EPERM),
                None => return Err(Errno::ENOENT),
            }
            if st.dir(newparent.0)?.contains_key(newname) {
                return Err(Errno::EEXIST);
            }
            st.dir_mut(newparent.0)?.insert(newname.to_owned(), ino.0);
            if let Some(n) = st.nodes.get_mut(&ino.0) {
                n.nlink += 1;
            }
            st.attr(ino.0)
        })();
        answer!(reply, r, |a| reply.entry(&TTL, &a, Generation(0)));
    }

    fn open(&self, _: &Request, _ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        // Direct I/O: every read and write reaches this model, none stays
        // in the kernel's page cache.
        reply.opened(FileHandle(0), FopenFlags::FOPEN_DIRECT_IO);
    }

    fn read(
        &self,
        _: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let st = self.state();
        match st.nodes.get(&ino.0).map(|n| &n.body) {
            Some(Body::File { data, .. }) => {
                let start = (offset as usize).min(data.len());
                let end = start.saturating_add(size as usize).min(data.len());
                reply.data(&data[start..end]);
            }
            Some(Body::Dir { .. }) => reply.error(Errno::EISDIR),
            None => reply.error(Errno::ENOENT),
        }
    }

    fn write(
        &self,
        _: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        bytes: &[u8],
        _wf: WriteFlags,
        _flags: OpenFlags,
        _lock: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        let mut st = self.state();
        let r = st.extend(ino.0, offset + bytes.len() as u64).map(|data| {
            let start = offset as usize;
            data[start..start + bytes.len()].copy_from_slice(bytes);
            bytes.len() as u32
        });
        answer!(reply, r, |n| reply.written(n));
    }

    fn flush(
        &self,
        _: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lo: LockOwner,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn fsync(
        &self,
        _: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        let mut st = self.state();
        let r = st.sync_point().and_then(|()| {
            match st.nodes.get_mut(&ino.0).map(|n| &mut n.body) {
                Some(Body::File { data, synced }) => synced.clone_from(data),
                Some(Body::Dir { entries, synced }) => synced.clone_from(entries),
                None => return Err(Errno::ENOENT),
            }
            Ok(())
        });
        let cut = st.cut;
        drop(st);
        if cut {
            self.inner.1.notify_all();
        }
        answer!(reply, r, |_| reply.ok());
    }

    fn fsyncdir(
        &self,
        req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        datasync: bool,
        reply: ReplyEmpty,
    ) {
        self.fsync(req, ino, fh, datasync, reply);
    }

    fn readdir(
        &self,
        _: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let st = self.state();
        let entries = match st.dir(ino.0) {
            Ok(d) => d,
            Err(e) => return reply.error(e),
        };
        let all = [
            (ino.0, FileType::Directory, OsString::from(".")),
            (ino.0, FileType::Directory, OsString::from("..")),
        ]
        .into_iter()
        .chain(entries.iter().map(|(name, &child)| {
            let kind = match st.nodes[&child].body {
                Body::Dir { .. } => FileType::Directory,
                Body::File { .. } => FileType::RegularFile,
            };
            (child, kind, name.clone())
        }));
        for (i, (child, kind, name)) in all.enumerate().skip(offset as usize) {
            if reply.add(INodeNo(child), (i + 1) as u64, kind, &name) {
                break;
            }
        }
        reply.ok();
    }

    fn statfs(&self, _: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        reply.statfs(1 << 24, 1 << 24, 1 << 24, 1 << 20, 1 << 20, 4096, 255, 4096);
    }

    fn access(&self, _: &Request, _ino: INodeNo, _mask: fuser::AccessFlags, reply: ReplyEmpty) {
        reply.ok();
    }

    fn create(
        &self,
        _: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        _flags: i32,
        reply: ReplyCreate,
    ) {
        let body = Body::File {
            data: Vec::new(),
            synced: Vec::new(),
        };
        let r = self.state().make(parent.0, name, body, mode);
        answer!(reply, r, |a| reply.created(
            &TTL,
            &a,
            Generation(0),
            FileHandle(0),
            FopenFlags::FOPEN_DIRECT_IO
        ));
    }

    fn fallocate(
        &self,
        _: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        length: u64,
        mode: i32,
        reply: ReplyEmpty,
    ) {
        let r = match mode {
            0 => self.state().extend(ino.0, offset + length).map(|_| ()),
            _ => Err(Errno::EOPNOTSUPP),
        };
        answer!(reply, r, |_| reply.ok());
    }
}
