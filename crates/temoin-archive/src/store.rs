//! The store (docs/FORMAT.md §8): a sled database and two append-only
//! files beside it, `tree` (the Merkle tree's nodes, §8.1) and `parts`
//! (the parts' salts and contents, §8.2).
//!
//! In sled, everything lives in the default tree under one-byte key
//! prefixes, so that one `apply_batch` writes an ingest batch's rows —
//! entries, part locations, indexes, checkpoint and head — atomically:
//! after a crash sled holds all of a batch or none of it, and the files
//! (written and synced first) at least the bytes it refers to.
//!
//! | prefix | key | value |
//! |---|---|---|
//! | `E` | seq (u64 BE) | entry bytes, verbatim |
//! | `H` | statement hash | `StatementInfo` (index, derived) |
//! | `I` | incident id (UTF-8) | `IncidentInfo` (index, derived) |
//! | `P` | seq (u64 BE) | where the entry's stored parts lie in the parts file |
//! | `Z` | offset (u64 BE) | length: parts file bytes still to be zeroed |
//! | `R` | seq (u64 BE) | empty: seqs of registry statements |
//! | `C` | tree size (u64 BE) | signed checkpoint note (UTF-8) |
//! | `T` | incident id ‖ 0x00 ‖ seq (u64 BE) | empty: entries touching an incident |
//! | `J` | incident id, or `\0claims` | cached incident summary, summary-claim index (derived; see docs/DOMAIN.md) |
//! | `X` | name | archive metadata: `head`, `parts_end`, `config`, `format` |
//!
//! Big-endian seqs make sled's byte order the log's order. Only `E` and `P`
//! with the bytes they locate (and `C`, signed) are evidence; `H`, `I`,
//! `R` and the tree file are derived and the audit recomputes them; `T`
//! and `J` are derived too, and `temoin rebuild` checks them.
//!
//! The store is sealed: nothing outside this module reads or writes a row
//! by its key. The rest of the archive reads through typed accessors and
//! writes through one [`WriteBatch`] type, applied atomically.

use crate::appendfile::AppendFile;
use crate::durable::SledFiles;
use crate::encoding;
use crate::entry::Entry;
use crate::hash::Digest;
use crate::rules::{IncidentInfo, Index, StatementInfo};
use crate::treefile::{Access, TreeFile};
use bincode::{Decode, Encode};

/// Where a part's `salt ‖ content` lies in the parts file (bincode: two
/// u64 LE, 16 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct PartLoc {
    pub offset: u64,
    pub len: u64,
}

impl PartLoc {
    /// Whether `len` is a length a stored part can have: its 32-byte salt
    /// and at most the largest part (docs/FORMAT.md §13). Readers refuse
    /// any other (a damaged row) rather than read it.
    pub fn len_in_range(&self) -> bool {
        (32..=crate::attach::MAX_PART_BYTES + 32).contains(&self.len)
    }
}

/// A stored part's content, read from the parts file as a stream
/// (`Store::part_reader`). The file ending early is an error, not an end.
pub struct PartReader<'a> {
    file: &'a AppendFile,
    at: u64,
    end: u64,
}

impl PartReader<'_> {
    /// Bytes not read yet.
    pub fn remaining(&self) -> u64 {
        self.end - self.at
    }
}

impl std::io::Read for PartReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = buf
            .len()
            .min(usize::try_from(self.end - self.at).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = self
            .file
            .read_upto(&mut buf[..want], self.at)
            .map_err(std::io::Error::other)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the parts file ends inside the part",
            ));
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// The value of an entry's `P` row: each stored part of the entry, by
/// digest, with its location (§8.2). One row per entry rather than one per
/// part: sled's cost is per row, and an entry has 2–3 parts on average.
pub type PartRow = Vec<([u8; 32], PartLoc)>;

/// The largest `P` value: one record per part a statement may commit to.
const MAX_PART_ROW_BYTES: usize = 8 + crate::statement::MAX_PARTS * 48;

/// Decode the `P` row of entry `seq`: canonical, at most `MAX_PARTS`
/// records, no digest twice.
pub fn decode_part_row(seq: u64, v: &[u8]) -> Result<PartRow, StoreError> {
    let row: PartRow = encoding::decode_canonical(v, MAX_PART_ROW_BYTES, "part locations")
        .map_err(|e| {
            StoreError::Corrupt(Damage::BadPartRow {
                seq,
                detail: e.to_string(),
            })
        })?;
    let distinct = row
        .iter()
        .enumerate()
        .all(|(i, (d, _))| row[..i].iter().all(|(e, _)| e != d));
    if row.len() > crate::statement::MAX_PARTS || !distinct {
        return Err(StoreError::Corrupt(Damage::BadPartRow {
            seq,
            detail: format!("they list {} parts, or one twice", row.len()),
        }));
    }
    Ok(row)
}

/// The parts file's name in an archive directory.
/// The row layout of the table above. Nothing outside this module reads
/// or writes a row by its key; it is public for the tests that tamper with
/// rows as an attacker with the files would.
#[doc(hidden)]
pub mod layout {
    pub const ENTRY: u8 = b'E';
    pub const STATEMENT: u8 = b'H';
    pub const INCIDENT: u8 = b'I';
    pub const PART: u8 = b'P';
    pub const REGISTRY: u8 = b'R';
    pub const CHECKPOINT: u8 = b'C';
    pub const META: u8 = b'X';
    pub const TOUCH: u8 = b'T';
    pub const VIEW: u8 = b'J';
    /// Parts erased by a redaction order, still to be overwritten with zeros
    /// in the parts file (§8.2): `Z ‖ offset (u64 BE)` → length (u64 LE).
    pub const ERASE: u8 = b'Z';
    /// RFC 3161 timestamp tokens over a checkpoint (§6.3):
    /// `S ‖ tree size (u64 BE) ‖ SHA-256(token)` → the token's DER.
    pub const TIMESTAMP: u8 = b'S';

    /// `T` key: incident id, a NUL (ids never contain one), the seq.
    pub fn touch_key(incident: &str, seq: u64) -> Vec<u8> {
        let mut k = Vec::with_capacity(incident.len() + 10);
        k.push(TOUCH);
        k.extend_from_slice(incident.as_bytes());
        k.push(0);
        k.extend_from_slice(&seq.to_be_bytes());
        k
    }

    /// Value of `X"format"`: refuse to open a store written by another format.
    pub const FORMAT_TAG: &[u8] = b"temoin-archive-v3";

    /// `X` key of the parts file's committed length (u64 LE).
    pub const PARTS_END: &[u8] = b"parts_end";

    pub fn key(prefix: u8, rest: &[u8]) -> Vec<u8> {
        let mut k = Vec::with_capacity(1 + rest.len());
        k.push(prefix);
        k.extend_from_slice(rest);
        k
    }

    pub fn seq_key(prefix: u8, seq: u64) -> [u8; 9] {
        let mut k = [0u8; 9];
        k[0] = prefix;
        k[1..].copy_from_slice(&seq.to_be_bytes());
        k
    }

    /// The seq in a `prefix ‖ u64 BE` key.
    pub fn key_seq(k: &[u8]) -> Option<u64> {
        let b: [u8; 8] = k.get(1..9)?.try_into().ok()?;
        (k.len() == 9).then_some(u64::from_be_bytes(b))
    }

    /// `X` key of the archive's configuration (JSON).
    pub const CONFIG: &[u8] = b"config";
    /// `X` key of the head.
    pub const HEAD: &[u8] = b"head";
    /// `X` key of the format tag.
    pub const FORMAT: &[u8] = b"format";
    /// `J` key of the summary-claims index (incident ids never start with NUL).
    pub const CLAIMS_KEY: &[u8] = b"J\0claims";
}
use layout::*;

pub const PARTS_FILE: &str = "parts";

fn decode_erase(k: &[u8], v: &[u8]) -> Result<PartLoc, StoreError> {
    let offset = key_seq(k).ok_or_else(|| bad_key("erase (Z)", k))?;
    let len = encoding::decode_canonical(v, 16, "erase length").map_err(|e| bad_row("Z", e))?;
    Ok(PartLoc { offset, len })
}

/// The end of the log as last written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, Default)]
pub struct Head {
    /// Number of entries (= next seq).
    pub size: u64,
    /// Hash of the last entry (zeros when empty).
    pub last_hash: [u8; 32],
    pub last_received_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("sled's database (db/db) could not be read at {what}: {source}; the file is damaged: restore the archive from a backup")]
    Unreadable { what: String, source: sled::Error },
    #[error("the store is damaged: {0} (run `temoin verify` to locate the fault)")]
    Corrupt(Damage),
    #[error(transparent)]
    Tree(#[from] crate::treefile::TreeFileError),
    #[error(transparent)]
    File(#[from] crate::appendfile::AppendFileError),
    #[error("{0}; nothing was acknowledged: check the disk, then reopen the archive")]
    Sync(#[from] crate::durable::SyncError),
    #[error("a part of entry {seq} is {len} bytes, more than this reads into memory; read it as a stream (`temoin part get`)")]
    TooLargeToHold { seq: u64, len: u64 },
}

/// The largest part `Store::part` reads into memory: the payloads and
/// texts it serves are far smaller (a payload is at most 1 MiB, §3.3); an
/// attachment is read with `Store::part_reader`.
pub const MAX_WHOLE_PART: u64 = 64 << 20;

/// What is damaged in a store, by category: callers and tests tell them
/// apart by type, and the text says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Damage {
    /// An entry that the log, an index or the head names is not there.
    #[error("entry {seq} is missing")]
    MissingEntry { seq: u64 },
    /// An entry's bytes, statement or payload do not decode.
    #[error("entry {seq}: {detail}")]
    BadEntry { seq: u64, detail: String },
    /// A part an entry needs (its payload) is not stored.
    #[error("the {label} part of entry {seq} is missing")]
    MissingPart { seq: u64, label: &'static str },
    /// Where an entry's parts lie is impossible.
    #[error("the part locations of entry {seq}: {detail}")]
    BadPartRow { seq: u64, detail: String },
    /// A row's key is not of its prefix's form.
    #[error("a {rows} key is malformed{}", key.as_ref().map(|k| format!(" ({k})")).unwrap_or_default())]
    BadKey {
        rows: &'static str,
        key: Option<String>,
    },
    /// A row's value does not decode.
    #[error("row {row}: {detail}")]
    BadRow { row: &'static str, detail: String },
    /// A node of the Merkle tree is missing.
    #[error("Merkle node ({level}, {index}) is missing")]
    MissingNode { level: u8, index: u64 },
    /// The Merkle tree cannot be computed from the stored nodes.
    #[error("the Merkle tree: {0}")]
    Tree(String),
    /// The replay and the store disagree in a way the audit's own steps
    /// should have reported first.
    #[error("{0}")]
    Inconsistent(String),
}

fn bad_key(rows: &'static str, k: &[u8]) -> StoreError {
    StoreError::Corrupt(Damage::BadKey {
        rows,
        key: Some(hex::encode(k)),
    })
}

/// Entry `seq` does not decode (its bytes, statement or payload).
pub(crate) fn bad_entry(seq: u64, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(Damage::BadEntry {
        seq,
        detail: e.to_string(),
    })
}

fn bad_row(row: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(Damage::BadRow {
        row,
        detail: e.to_string(),
    })
}

/// One statement a hash prefix matches, as an ambiguity lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub seq: u64,
    pub kind: String,
    pub hash: Digest,
}

/// Why a hash prefix names no one statement.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("no statement {where_} has a hash starting with {prefix} (`temoin log` lists them)")]
    NotFound {
        prefix: crate::hash::HashPrefix,
        where_: Searched,
    },
    #[error("{}", ambiguity(prefix, matches, *more))]
    Ambiguous {
        prefix: crate::hash::HashPrefix,
        /// The first few matches, in log order.
        matches: Vec<Candidate>,
        /// Whether there are more than those listed.
        more: bool,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a hash prefix was looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Searched {
    Archive,
    /// The bundle file, as named.
    Bundle(String),
}

impl std::fmt::Display for Searched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Searched::Archive => f.write_str("in this archive"),
            Searched::Bundle(b) => write!(f, "in the bundle {b}"),
        }
    }
}

/// How many matches of an ambiguous prefix are listed: enough to pick
/// from, few enough to read.
pub const CANDIDATES_SHOWN: usize = 10;

fn ambiguity(prefix: &crate::hash::HashPrefix, matches: &[Candidate], more: bool) -> String {
    let mut s = format!(
        "the hash prefix {prefix} is ambiguous: it matches {}{} statements; give more hex digits:",
        if more { "more than " } else { "" },
        matches.len()
    );
    for c in matches {
        s.push_str(&format!(
            "\n  entry {:>6}  {:<13} {}",
            c.seq, c.kind, c.hash
        ));
    }
    if more {
        s.push_str("\n  ...");
    }
    s
}

impl LookupError {
    /// The one match of `found`, or why there is not one: the single place
    /// where prefix lookups (archive or bundle) decide.
    pub fn one_of<T>(
        prefix: &crate::hash::HashPrefix,
        mut found: Vec<(Candidate, T)>,
        where_: Searched,
    ) -> Result<(Candidate, T), LookupError> {
        found.sort_by_key(|(c, _)| c.seq);
        match found.len() {
            0 => Err(LookupError::NotFound {
                prefix: prefix.clone(),
                where_,
            }),
            1 => Ok(found.remove(0)),
            n => Err(LookupError::Ambiguous {
                prefix: prefix.clone(),
                matches: found
                    .into_iter()
                    .take(CANDIDATES_SHOWN)
                    .map(|(c, _)| c)
                    .collect(),
                more: n > CANDIDATES_SHOWN,
            }),
        }
    }
}

/// A stored part: its salt and content.
pub type StoredPart = ([u8; 32], Vec<u8>);

/// Read access to an archive's store: the sled database, the tree file
/// and the parts file.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    tree: std::sync::Arc<TreeFile>,
    parts: std::sync::Arc<AppendFile>,
    /// A writer's handle on sled's own files, to make them durable.
    sled_files: Option<std::sync::Arc<SledFiles>>,
}

/// The tree file's name in an archive directory.
pub const TREE_FILE: &str = "tree";
/// sled's directory in an archive directory.
pub const DB_DIR: &str = "db";

impl Store {
    /// The store of the archive in `dir` whose sled database is `db`,
    /// opening its tree file (`dir/tree`) for `access`.
    /// A writer also finishes the erasures a crash interrupted (§8.2).
    pub fn open(db: sled::Db, dir: &std::path::Path, access: Access) -> Result<Store, StoreError> {
        let size = Store::head_of(&db)?.size;
        let tree = TreeFile::open(&dir.join(TREE_FILE), size, access)?;
        let parts_end = Store::parts_end_of(&db)?;
        let parts = AppendFile::open(&dir.join(PARTS_FILE), parts_end, access)?;
        let sled_files = match access {
            Access::Write => Some(std::sync::Arc::new(SledFiles::open(&dir.join(DB_DIR))?)),
            Access::Read => None,
        };
        let store = Store {
            db,
            tree: std::sync::Arc::new(tree),
            parts: std::sync::Arc::new(parts),
            sled_files,
        };
        if access == Access::Write {
            let pending: Vec<PartLoc> = store
                .db
                .scan_prefix([ERASE])
                .map(|r| {
                    let (k, v) = r?;
                    decode_erase(&k, &v)
                })
                .collect::<Result<_, StoreError>>()?;
            store.erase_parts(&pending)?;
        }
        Ok(store)
    }

    fn parts_end_of(db: &sled::Db) -> Result<u64, StoreError> {
        match db
            .get(key(META, PARTS_END))
            .map_err(|e| unreadable(describe_key(&key(META, PARTS_END)), e))?
        {
            None => Ok(0),
            Some(v) => encoding::decode_canonical(&v, 16, "parts end")
                .map_err(|e| bad_row("X \"parts_end\"", e)),
        }
    }

    /// The committed length of the parts file (`X "parts_end"`).
    pub fn parts_end(&self) -> Result<u64, StoreError> {
        Store::parts_end_of(&self.db)
    }

    /// The parts file (written by the archive's ingest).
    pub(crate) fn parts_file(&self) -> &AppendFile {
        &self.parts
    }

    /// Overwrite erased parts with zeros, sync, then drop their `Z` rows:
    /// after a redaction order is durable, and again at the next open if a
    /// crash came in between.
    pub(crate) fn erase_parts(&self, locs: &[PartLoc]) -> Result<(), StoreError> {
        if locs.is_empty() {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        for loc in locs {
            let zeros = vec![0u8; usize::try_from(loc.len).unwrap_or(0)];
            self.parts.write_at(&zeros, loc.offset)?;
            batch.remove(&seq_key(ERASE, loc.offset)[..]);
        }
        self.db.apply_batch(batch)?;
        self.commit()
    }

    /// Make every batch applied so far durable (docs/FORMAT.md §8): sled's
    /// flush, then a real sync of its files. A store opened for reading
    /// only flushes.
    pub fn commit(&self) -> Result<(), StoreError> {
        match &self.sled_files {
            Some(files) => files.commit(&self.db),
            None => {
                self.db.flush()?;
                Ok(())
            }
        }
    }

    /// The stored parts of entry `seq` and where they lie (its `P` row;
    /// empty if none is stored).
    pub fn part_row(&self, seq: u64) -> Result<PartRow, StoreError> {
        match self.get(&seq_key(PART, seq))? {
            None => Ok(Vec::new()),
            Some(v) => decode_part_row(seq, &v),
        }
    }

    /// Where part `digest` of entry `seq` lies, if stored.
    pub fn part_loc(&self, seq: u64, digest: &Digest) -> Result<Option<PartLoc>, StoreError> {
        Ok(self
            .part_row(seq)?
            .into_iter()
            .find(|(d, _)| *d == digest.0)
            .map(|(_, loc)| loc))
    }

    fn head_of(db: &sled::Db) -> Result<Head, StoreError> {
        match db
            .get(key(META, HEAD))
            .map_err(|e| unreadable(describe_key(&key(META, HEAD)), e))?
        {
            None => Ok(Head::default()),
            Some(v) => {
                encoding::decode_canonical(&v, 64, "head").map_err(|e| bad_row("X \"head\"", e))
            }
        }
    }

    /// The tree file (written by the archive's ingest).
    pub(crate) fn tree(&self) -> &TreeFile {
        &self.tree
    }

    fn get(&self, k: &[u8]) -> Result<Option<RowBytes>, StoreError> {
        self.db.get(k).map_err(|e| unreadable(describe_key(k), e))
    }

    pub fn head(&self) -> Result<Head, StoreError> {
        Store::head_of(&self.db)
    }

    pub fn entry_bytes(&self, seq: u64) -> Result<Option<RowBytes>, StoreError> {
        self.get(&seq_key(ENTRY, seq))
    }

    pub fn entry(&self, seq: u64) -> Result<Option<Entry>, StoreError> {
        match self.entry_bytes(seq)? {
            None => Ok(None),
            Some(b) => Entry::from_bytes(&b)
                .map(Some)
                .map_err(|e| bad_entry(seq, e)),
        }
    }

    /// Stored `(seq key, bytes)` of every entry from `from` on, in order.
    pub fn entries_from(
        &self,
        from: u64,
    ) -> impl Iterator<Item = Result<(u64, RowBytes), StoreError>> {
        let mut last = None;
        self.db
            .range(seq_key(ENTRY, from).to_vec()..vec![ENTRY + 1])
            .map(move |r| {
                let (k, v) = r.map_err(|e| {
                    let what = match last {
                        None => format!("the entry rows (E) from entry {from} on"),
                        Some(l) => format!("the entry rows (E) after entry {l}"),
                    };
                    unreadable(what, e)
                })?;
                let seq = key_seq(&k).ok_or_else(|| bad_key("entry (E)", &k))?;
                last = Some(seq);
                Ok((seq, v))
            })
    }

    /// The log from entry `from` on, in chunks of at most `chunk` entries:
    /// the unit that the audit and the rebuild hand to all cores at once.
    pub fn entry_chunks(
        &self,
        from: u64,
        chunk: usize,
    ) -> impl Iterator<Item = Result<Vec<(u64, RowBytes)>, StoreError>> {
        let mut entries = self.entries_from(from);
        std::iter::from_fn(move || {
            let raw: Result<Vec<_>, _> = entries.by_ref().take(chunk.max(1)).collect();
            match raw {
                Ok(v) if v.is_empty() => None,
                other => Some(other),
            }
        })
    }

    /// The stored parts of entries `from..to`, in log order (seq, then the
    /// row's order): one range scan of their `P` rows, for readers of the
    /// whole log (the audit, the rebuild), instead of one lookup per entry.
    /// A row that does not decode is an error naming its entry.
    pub fn part_locs(
        &self,
        from: u64,
        to: u64,
    ) -> impl Iterator<Item = Result<(u64, Digest, PartLoc), StoreError>> {
        self.db
            .range(seq_key(PART, from)..seq_key(PART, to))
            .flat_map(move |r| {
                let row = r
                    .map_err(|e| {
                        unreadable(
                            format!("the part-location rows (P) of entries {from}..{to}"),
                            e,
                        )
                    })
                    .and_then(|(k, v)| {
                        let seq = key_seq(&k).ok_or_else(|| bad_key("part (P)", &k))?;
                        Ok((seq, decode_part_row(seq, &v)?))
                    });
                // The row's records, or its error, without a second vector.
                let (row, err) = match row {
                    Ok(r) => (Some(r), None),
                    Err(e) => (None, Some(Err(e))),
                };
                row.into_iter()
                    .flat_map(|(seq, row)| {
                        row.into_iter()
                            .map(move |(d, loc)| Ok((seq, Digest(d), loc)))
                    })
                    .chain(err)
            })
    }

    /// A run of consecutive parts of the parts file read at once, into a
    /// buffer the caller keeps: fills `buf` from `offset` until it is full
    /// or the file ends; the number of bytes read. (A reader of the whole
    /// log reuses one buffer rather than allocate, and page in, a new one
    /// per run.)
    pub fn parts_bytes_into(&self, buf: &mut [u8], offset: u64) -> Result<usize, StoreError> {
        Ok(self.parts.read_upto(buf, offset)?)
    }

    /// The salt of the part with `digest` of entry `seq` and a reader of
    /// its content, streamed from the parts file (a part of any size, in
    /// bounded memory); `None` if absent, as for [`Store::part`].
    pub fn part_reader(
        &self,
        seq: u64,
        digest: &Digest,
    ) -> Result<Option<([u8; 32], PartReader<'_>)>, StoreError> {
        let Some(loc) = self.part_loc(seq, digest)? else {
            return Ok(None);
        };
        self.check_loc(seq, digest, &loc)?;
        let mut salt = [0u8; 32];
        let mut last = [0u8; 1];
        // Absent unless the file reaches the part's last byte.
        if !self.parts.read_at(&mut salt, loc.offset)?
            || !self.parts.read_at(&mut last, loc.offset + loc.len - 1)?
        {
            return Ok(None);
        }
        Ok(Some((
            salt,
            PartReader {
                file: &self.parts,
                at: loc.offset + 32,
                end: loc.offset + loc.len,
            },
        )))
    }

    fn check_loc(&self, seq: u64, digest: &Digest, loc: &PartLoc) -> Result<(), StoreError> {
        if loc.len_in_range() {
            return Ok(());
        }
        Err(StoreError::Corrupt(Damage::BadPartRow {
            seq,
            detail: format!("part {digest}: stored length {} is out of range", loc.len),
        }))
    }

    /// `(salt, content)` of the part with `digest` of entry `seq`, `None`
    /// if absent (never stored, redacted, or past the parts file's end).
    /// Read whole: for parts known to be small (use `part_reader` for an
    /// attachment).
    pub fn part(&self, seq: u64, digest: &Digest) -> Result<Option<StoredPart>, StoreError> {
        let Some(loc) = self.part_loc(seq, digest)? else {
            return Ok(None);
        };
        self.check_loc(seq, digest, &loc)?;
        if loc.len > MAX_WHOLE_PART + 32 {
            return Err(StoreError::TooLargeToHold { seq, len: loc.len });
        }
        let mut v = vec![0u8; loc.len as usize];
        if !self.parts.read_at(&mut v, loc.offset)? {
            return Ok(None);
        }
        let mut salt = [0u8; 32];
        salt.copy_from_slice(&v[..32]);
        v.drain(..32);
        Ok(Some((salt, v)))
    }

    /// The stored Merkle node `(level, index)` (a perfect subtree, see
    /// `merkle`), `None` if the tree file does not reach it.
    pub fn merkle_stored(&self, level: u8, index: u64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree.node(level, index)?.map(|h| h.to_vec()))
    }

    /// A run of consecutive tree nodes into a buffer the caller keeps: the
    /// nodes from post-order position `from` on, until `buf` is full or the
    /// file ends; the number of bytes read (whole nodes).
    pub fn merkle_run_into(&self, buf: &mut [u8], from: u64) -> Result<usize, StoreError> {
        Ok(self.tree.nodes_bytes_into(buf, from)?)
    }

    /// Seqs of the entries that touched `incident`, in order.
    pub fn touching(
        &self,
        incident: &str,
    ) -> impl DoubleEndedIterator<Item = Result<u64, StoreError>> {
        let mut prefix = vec![TOUCH];
        prefix.extend_from_slice(incident.as_bytes());
        prefix.push(0);
        let n = prefix.len();
        self.db.scan_prefix(prefix).keys().map(move |k| {
            let k = k?;
            let b: [u8; 8] = k
                .get(n..n + 8)
                .and_then(|s| s.try_into().ok())
                .ok_or_else(|| bad_key("touch (T)", &k))?;
            Ok(u64::from_be_bytes(b))
        })
    }

    /// The seqs of the registry statements; a malformed row is an error
    /// (see [`Store::registry_rows`] to report it instead).
    pub fn registry_seqs(&self) -> impl Iterator<Item = Result<u64, StoreError>> {
        self.registry_rows().map(|r| {
            r?.map_err(|MalformedKey(key)| {
                StoreError::Corrupt(Damage::BadKey {
                    rows: "registry (R)",
                    key: Some(key),
                })
            })
        })
    }
}

/// A stored row's bytes: sled's shared buffer, not a copy.
pub type RowBytes = sled::IVec;

/// A row whose key is not of its prefix's form: its key, in hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedKey(pub String);

/// One atomic write of rows: an ingest batch (entries, their indexes and
/// part locations, the checkpoint and the head) or a rebuild's views.
/// Nothing of it is visible before [`Store::apply`], all of it after, and
/// after a crash sled holds all of it or none; [`Store::commit`] makes it
/// durable.
#[derive(Default)]
pub struct WriteBatch {
    rows: sled::Batch,
    /// Bytes of the values inserted, to bound a batch's memory.
    bytes: usize,
}

impl WriteBatch {
    fn insert(&mut self, k: impl Into<sled::IVec>, v: impl Into<sled::IVec>) {
        let v = v.into();
        self.bytes += v.len();
        self.rows.insert(k, v);
    }
    /// Bytes of the values inserted so far.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
    /// Entry `seq`, verbatim (`E`).
    pub fn entry(&mut self, seq: u64, bytes: &[u8]) {
        self.insert(&seq_key(ENTRY, seq)[..], bytes);
    }
    /// The statement index row of `hash` (`H`).
    pub fn statement(&mut self, hash: &Digest, info: &StatementInfo) {
        self.insert(key(STATEMENT, &hash.0), encoding::encode(info));
    }
    /// The incident index row of `id` (`I`).
    pub fn incident(&mut self, id: &str, info: &IncidentInfo) {
        self.insert(key(INCIDENT, id.as_bytes()), encoding::encode(info));
    }
    /// Where entry `seq`'s stored parts lie (`P`); an empty row removes it.
    pub fn part_row(&mut self, seq: u64, row: &PartRow) {
        let k = seq_key(PART, seq);
        if row.is_empty() {
            self.rows.remove(&k[..]);
        } else {
            self.insert(&k[..], encoding::encode(row));
        }
    }
    /// Entry `seq` touches incident `id` (`T`).
    pub fn touch(&mut self, id: &str, seq: u64) {
        self.insert(touch_key(id, seq), &[][..]);
    }
    /// Entry `seq` is a registry statement (`R`).
    pub fn registry(&mut self, seq: u64) {
        self.insert(&seq_key(REGISTRY, seq)[..], &[][..]);
    }
    /// Parts file bytes to zero once the batch is durable (`Z`): the row
    /// makes the erasure survive a crash.
    pub fn erasure(&mut self, loc: &PartLoc) {
        self.insert(&seq_key(ERASE, loc.offset)[..], encoding::encode(&loc.len));
    }
    /// The signed checkpoint at tree size `size` (`C`).
    pub fn checkpoint(&mut self, size: u64, note: &str) {
        self.insert(&seq_key(CHECKPOINT, size)[..], note.as_bytes());
    }
    /// The head (`X "head"`).
    pub fn head(&mut self, head: &Head) {
        self.insert(key(META, HEAD), encoding::encode(head));
    }
    /// The parts file's committed length (`X "parts_end"`).
    pub fn parts_end(&mut self, end: u64) {
        self.insert(key(META, PARTS_END), encoding::encode(&end));
    }
    /// The format tag and the archive's configuration (JSON): a new
    /// store's first rows.
    pub fn format_and_config(&mut self, config_json: &[u8]) {
        self.insert(key(META, FORMAT), FORMAT_TAG);
        self.insert(key(META, CONFIG), config_json);
    }
    /// The cached view of incident `id` (`J`).
    pub fn view(&mut self, id: &str, bytes: &[u8]) {
        self.insert(key(VIEW, id.as_bytes()), bytes);
    }
    /// Remove the cached view of incident `id`.
    pub fn remove_view(&mut self, id: &str) {
        self.rows.remove(key(VIEW, id.as_bytes()));
    }
    /// The summary-claims index (`J "\0claims"`).
    pub fn claims_index(&mut self, bytes: &[u8]) {
        self.insert(CLAIMS_KEY, bytes);
    }
}

/// What the format row of a sled database says.
pub(crate) enum FormatState {
    /// This format.
    Ours,
    /// Another temoin format (the tag found).
    Other(String),
    /// Rows, but no readable tag: lost behind our back.
    Lost,
    /// No rows at all: not an archive.
    Empty,
}

impl Store {
    /// Apply `batch` atomically (not yet durable: see [`Store::commit`]).
    pub fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        self.db.apply_batch(batch.rows)?;
        Ok(())
    }

    /// Write one cached view at once (`J`), outside any batch: a cache,
    /// never evidence.
    pub fn put_view(&self, id: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.db.insert(key(VIEW, id.as_bytes()), bytes)?;
        Ok(())
    }

    /// Write the summary-claims index at once, outside any batch.
    pub fn put_claims_index(&self, bytes: &[u8]) -> Result<(), StoreError> {
        self.db.insert(CLAIMS_KEY, bytes)?;
        Ok(())
    }

    /// The cached view of incident `id`, if any.
    pub fn view(&self, id: &str) -> Result<Option<RowBytes>, StoreError> {
        self.get(&key(VIEW, id.as_bytes()))
    }

    /// The summary-claims index, if any.
    pub fn claims_index(&self) -> Result<Option<RowBytes>, StoreError> {
        self.get(CLAIMS_KEY)
    }

    /// The incidents that have a cached view, in id order (an iterator
    /// that holds no lock: rows inserted meanwhile may appear).
    pub fn view_ids(&self) -> impl Iterator<Item = Result<RowBytes, StoreError>> + Send + 'static {
        self.db
            .scan_prefix([VIEW])
            .keys()
            .filter(|k| !matches!(k, Ok(k) if k.as_ref() == CLAIMS_KEY))
            .map(|k| {
                let k = k.map_err(|e| unreadable("the cached views (J)".into(), e))?;
                Ok(k.subslice(1, k.len() - 1))
            })
    }

    /// The archive's configuration (`X "config"`, JSON), if present.
    pub fn config_json(&self) -> Result<Option<RowBytes>, StoreError> {
        self.get(&key(META, CONFIG))
    }

    /// Every statement index row (`H`): its key after the prefix (the
    /// statement hash, if well formed) and its value.
    pub fn statement_rows(
        &self,
    ) -> impl Iterator<Item = Result<(RowBytes, RowBytes), StoreError>> + Send + 'static {
        self.rows_after(&[STATEMENT], "the statement-index rows (H)")
    }

    /// The keys of every statement index row (`H`) after the prefix: the
    /// statement hashes, if well formed.
    pub fn statement_keys(
        &self,
    ) -> impl Iterator<Item = Result<RowBytes, StoreError>> + Send + 'static {
        self.db.scan_prefix([STATEMENT]).keys().map(|k| {
            let k = k.map_err(|e| unreadable("the statement-index rows (H)".into(), e))?;
            Ok(k.subslice(1, k.len() - 1))
        })
    }

    /// The statement index rows whose hash starts with the bytes `prefix`.
    pub fn statement_rows_with_prefix(
        &self,
        prefix: &[u8],
    ) -> impl Iterator<Item = Result<(RowBytes, RowBytes), StoreError>> + Send + 'static {
        self.rows_after(&key(STATEMENT, prefix), "the statement-index rows (H)")
    }

    /// The statement whose hash `prefix` starts, from the statement index
    /// (`H`): a range scan over the prefix's whole bytes, the odd digit
    /// (if any) checked on each key. Every command that takes a statement
    /// hash resolves it here.
    pub fn find_statement(
        &self,
        prefix: &crate::hash::HashPrefix,
    ) -> Result<(Digest, StatementInfo), LookupError> {
        if let Some(d) = prefix.full() {
            // The whole hash: one get, no scan.
            return match self.statement(&d)? {
                Some(info) => Ok((d, info)),
                None => Err(LookupError::NotFound {
                    prefix: prefix.clone(),
                    where_: Searched::Archive,
                }),
            };
        }
        let mut found = Vec::new();
        for item in self.statement_rows_with_prefix(&prefix.whole_bytes()) {
            let (k, v) = item?;
            let bytes = <[u8; 32]>::try_from(&k[..]).map_err(|_| {
                StoreError::Corrupt(Damage::BadKey {
                    rows: "statement (H)",
                    key: Some(hex::encode(&k)),
                })
            })?;
            let d = Digest(bytes);
            if !prefix.matches(&d) {
                continue;
            }
            let info: StatementInfo = encoding::decode_canonical(&v, 1 << 20, "statement index")
                .map_err(|e| bad_row("H", e))?;
            let c = Candidate {
                seq: info.seq,
                kind: info.kind.name().to_string(),
                hash: d,
            };
            found.push((c, info));
            // One more than listed is enough to say "more than".
            if found.len() > CANDIDATES_SHOWN {
                break;
            }
        }
        let (c, info) = LookupError::one_of(prefix, found, Searched::Archive)?;
        Ok((c.hash, info))
    }

    /// Every incident index row (`I`): the incident id's bytes and the value.
    pub fn incident_rows(
        &self,
    ) -> impl Iterator<Item = Result<(RowBytes, RowBytes), StoreError>> + Send + 'static {
        self.rows_after(&[INCIDENT], "the incident-index rows (I)")
    }

    fn rows_after(
        &self,
        prefix: &[u8],
        what: &'static str,
    ) -> impl Iterator<Item = Result<(RowBytes, RowBytes), StoreError>> + Send + 'static {
        self.db.scan_prefix(prefix).map(move |r| {
            let (k, v) = r.map_err(|e| unreadable(what.into(), e))?;
            Ok((k.subslice(1, k.len() - 1), v))
        })
    }

    /// Every registry row (`R`): its seq, or the malformed key.
    pub fn registry_rows(
        &self,
    ) -> impl Iterator<Item = Result<Result<u64, MalformedKey>, StoreError>> {
        self.db.scan_prefix([REGISTRY]).keys().map(|k| {
            let k = k.map_err(|e| unreadable("the registry rows (R)".into(), e))?;
            Ok(key_seq(&k).ok_or_else(|| MalformedKey(hex::encode(&k))))
        })
    }

    /// Every touch row (`T`), in key order: the incident id's bytes and
    /// the seq. Rows of one incident come one after the other.
    pub fn touch_rows(&self) -> impl Iterator<Item = Result<(RowBytes, u64), StoreError>> {
        self.db.scan_prefix([TOUCH]).keys().map(|k| {
            let k = k.map_err(|e| unreadable("the touch rows (T)".into(), e))?;
            if k.len() < 10 || k[k.len() - 9] != 0 {
                return Err(bad_key("touch (T)", &k));
            }
            let mut b = [0u8; 8];
            b.copy_from_slice(&k[k.len() - 8..]);
            Ok((k.subslice(1, k.len() - 10), u64::from_be_bytes(b)))
        })
    }

    /// The highest seq that touched incident `id`, if any.
    pub fn last_touch(&self, id: &str) -> Result<Option<u64>, StoreError> {
        self.touching(id).next_back().transpose()
    }

    /// The signed checkpoint issued at tree size `size`, if any.
    pub fn checkpoint_note(&self, size: u64) -> Result<Option<String>, StoreError> {
        Ok(self
            .get(&seq_key(CHECKPOINT, size))?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// Replace the checkpoint note at `size` by `cosigned` — the same note
    /// with witnesses' cosignature lines added (docs/FORMAT.md §6.1) — if
    /// the row still holds `old` (false if it changed or is absent). The
    /// caller checks that `cosigned` keeps `old`'s text and the archive's
    /// signature. Written with sled's own durability (a cosignature lost
    /// in a crash is asked for again).
    pub fn replace_checkpoint_note(
        &self,
        size: u64,
        old: &str,
        cosigned: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .db
            .compare_and_swap(
                seq_key(CHECKPOINT, size),
                Some(old.as_bytes()),
                Some(cosigned.as_bytes()),
            )?
            .is_ok())
    }

    /// Keep an RFC 3161 timestamp token over the checkpoint at `size`
    /// (docs/FORMAT.md §6.3), verified by the caller. The same token twice
    /// is one row. Flushed before returning.
    pub fn put_timestamp(&self, size: u64, token: &[u8]) -> Result<(), StoreError> {
        let mut k = seq_key(TIMESTAMP, size).to_vec();
        k.extend_from_slice(&crate::hash::sha256(&[token]).0);
        self.db.insert(k, token)?;
        self.db.flush()?;
        Ok(())
    }

    /// The timestamp tokens kept for the checkpoint at `size` (DER).
    pub fn timestamps(&self, size: u64) -> Result<Vec<Vec<u8>>, StoreError> {
        self.db
            .scan_prefix(seq_key(TIMESTAMP, size))
            .values()
            .map(|v| {
                v.map(|v| v.to_vec())
                    .map_err(|e| unreadable("the timestamp rows (S)".into(), e))
            })
            .collect()
    }

    /// The latest signed checkpoint: its tree size and note.
    pub fn latest_checkpoint(&self) -> Result<Option<(u64, String)>, StoreError> {
        let last = self.db.scan_prefix([CHECKPOINT]).next_back();
        match last {
            None => Ok(None),
            Some(r) => {
                let (k, v) = r?;
                let size = key_seq(&k).ok_or_else(|| bad_key("checkpoint (C)", &k))?;
                Ok(Some((size, String::from_utf8_lossy(&v).into_owned())))
            }
        }
    }

    /// The tree sizes of every stored checkpoint, in order (malformed keys
    /// skipped: the audit finds them by their absence).
    pub fn checkpoint_sizes(&self) -> impl Iterator<Item = Result<u64, StoreError>> {
        self.db
            .scan_prefix([CHECKPOINT])
            .keys()
            .filter_map(|k| match k {
                Ok(k) => key_seq(&k).map(Ok),
                Err(e) => Some(Err(unreadable("the checkpoint rows (C)".into(), e))),
            })
    }

    /// What the format row of `db` says.
    pub(crate) fn format_of(db: &sled::Db) -> Result<FormatState, StoreError> {
        let k = key(META, FORMAT);
        match db.get(&k).map_err(|e| unreadable(describe_key(&k), e))? {
            Some(v) if v.as_ref() == FORMAT_TAG => Ok(FormatState::Ours),
            Some(v) if v.starts_with(b"temoin-archive-") => {
                Ok(FormatState::Other(String::from_utf8_lossy(&v).into_owned()))
            }
            _ if db.first().ok().flatten().is_some() => Ok(FormatState::Lost),
            _ => Ok(FormatState::Empty),
        }
    }
}

/// What a writer checks of the store before it opens the tree and parts
/// files for writing (it cuts them at the lengths the head and
/// `parts_end` give): the genesis is there, the head is that of the last
/// entry, and `parts_end` reaches the end of the last entry's stored
/// parts. An error says which row is wrong and what it should hold.
pub(crate) fn check_committed(db: &sled::Db) -> Result<(), String> {
    let sled_err = |e: sled::Error| format!("the sled database cannot be read: {e}");
    let head: Head = match db.get(key(META, HEAD)).map_err(sled_err)? {
        None => Head::default(),
        Some(v) => encoding::decode_canonical(&v, 64, "head")
            .map_err(|e| format!("row X \"head\" does not decode ({e})"))?,
    };
    let Some(last) = db.scan_prefix([ENTRY]).next_back() else {
        return Err("entry 0 (the genesis) is missing: the log is empty in sled's database".into());
    };
    let (k, bytes) = last.map_err(sled_err)?;
    let seq = key_seq(&k).ok_or_else(|| format!("entry key {} is malformed", hex::encode(&k)))?;
    let entry = Entry::from_bytes(&bytes)
        .map_err(|e| format!("the last entry, {seq}, does not decode ({e})"))?;
    let expected = Head {
        size: seq + 1,
        last_hash: crate::entry::entry_hash(&bytes).0,
        last_received_at: entry.received_at,
    };
    if head != expected {
        return Err(format!(
            "row X \"head\" says {} entries, last hash {}, last received at {}; the last entry of the log (entry {seq}) says it should say {} entries, last hash {}, last received at {}",
            head.size,
            Digest(head.last_hash).short(),
            head.last_received_at,
            expected.size,
            Digest(expected.last_hash).short(),
            expected.last_received_at
        ));
    }
    let parts_end: u64 = match db.get(key(META, PARTS_END)).map_err(sled_err)? {
        None => 0,
        Some(v) => encoding::decode_canonical(&v, 16, "parts end")
            .map_err(|e| format!("row X \"parts_end\" does not decode ({e})"))?,
    };
    if let Some(last) = db.scan_prefix([PART]).next_back() {
        let (k, v) = last.map_err(sled_err)?;
        let seq =
            key_seq(&k).ok_or_else(|| format!("part key {} is malformed", hex::encode(&k)))?;
        let row = decode_part_row(seq, &v).map_err(|e| e.to_string())?;
        let end = row
            .iter()
            .map(|(_, l)| l.offset.saturating_add(l.len))
            .max()
            .unwrap_or(0);
        if end > parts_end {
            return Err(format!(
                "row X \"parts_end\" says the parts file holds {parts_end} bytes, but the parts of entry {seq} end at byte {end}; it should hold at least {end}"
            ));
        }
    }
    Ok(())
}

/// The sled database of the archive in `dir`, for tests that read or
/// damage its rows as an attacker with the files would. Not part of the
/// API: everything else goes through the typed accessors.
impl Store {
    #[doc(hidden)]
    pub fn raw_db(&self) -> &sled::Db {
        &self.db
    }
}

/// Why sled's database could not be opened.
pub(crate) enum DbOpenError {
    /// sled's own lock stayed held: another process has the archive.
    Locked,
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    Store(StoreError),
}

/// sled's lock on its files, when the archive's own lock is held, can only
/// be held a moment longer (a store of this process just closed, or a child
/// spawned but not yet exec'd): retried this often, this far apart.
const SLED_LOCK_TRIES: u32 = 200;
const SLED_LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(10);

/// sled 0.34.7 writes each snapshot (one at every open) to
/// `snap.N.generating`, then renames it to `snap.N`; a crash in between
/// leaves the `.generating` file, which the next open takes for a snapshot
/// and refuses as corrupt (spacejam/sled#1527): the archive would never
/// open again. The file is only a cache of the log being rebuilt, so remove
/// it before opening. Called with the archive's lock held.
fn remove_interrupted_snapshots(db_dir: &std::path::Path) -> Result<(), DbOpenError> {
    let Ok(rd) = std::fs::read_dir(db_dir) else {
        return Ok(());
    };
    for e in rd.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            std::fs::remove_file(e.path()).map_err(|source| DbOpenError::Io {
                path: e.path(),
                source,
            })?;
        }
    }
    Ok(())
}

/// sled's page cache. Since parts and tree nodes live in files, what sled
/// holds is small rows read mostly in log order: a small cache takes tens
/// of MB off every process's peak for the same CPU time (figures in
/// docs/PERFORMANCE.md).
const SLED_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// Open the sled database of the archive in `dir` (its lock held).
pub(crate) fn open_db(dir: &std::path::Path) -> Result<sled::Db, DbOpenError> {
    remove_interrupted_snapshots(&dir.join(DB_DIR))?;
    let open = || {
        sled::Config::new()
            .path(dir.join(DB_DIR))
            .cache_capacity(SLED_CACHE_BYTES)
            .open()
    };
    // We hold the archive's lock, so sled's own lock on its files can only
    // be held by a store of this process just closed (sled releases it
    // asynchronously) or a spawned child not yet exec'd: transient.
    let mut tries = 0;
    loop {
        match open() {
            Err(sled::Error::Io(e))
                if tries < SLED_LOCK_TRIES
                    && e.to_string().starts_with("could not acquire lock") =>
            {
                tries += 1;
                std::thread::sleep(SLED_LOCK_WAIT);
            }
            Err(sled::Error::Io(e)) if e.to_string().starts_with("could not acquire lock") => {
                return Err(DbOpenError::Locked)
            }
            other => {
                return other.map_err(|e| {
                    DbOpenError::Store(unreadable(
                        "its opening (sled's recovery of its log)".into(),
                        e,
                    ))
                })
            }
        }
    }
}

/// A sled error met while reading `what`.
pub fn unreadable(what: String, source: sled::Error) -> StoreError {
    StoreError::Unreadable { what, source }
}

/// A row's key in words, for errors: its prefix and what follows.
pub fn describe_key(k: &[u8]) -> String {
    let rest = k.get(1..).unwrap_or_default();
    match (k.first(), key_seq(k)) {
        (Some(&ENTRY), Some(s)) => format!("row E {s} (entry {s})"),
        (Some(&PART), Some(s)) => format!("row P {s} (the part locations of entry {s})"),
        (Some(&CHECKPOINT), Some(s)) => format!("row C {s} (the checkpoint at size {s})"),
        (Some(&REGISTRY), Some(s)) => format!("row R {s}"),
        (Some(&ERASE), Some(s)) => format!("row Z {s}"),
        (Some(&META), _) => format!("row X {:?}", String::from_utf8_lossy(rest)),
        (Some(&INCIDENT), _) => format!("row I {:?}", String::from_utf8_lossy(rest)),
        (Some(&VIEW), _) => format!("row J {:?}", String::from_utf8_lossy(rest)),
        (Some(&p), _) => format!("row {} {}", p as char, hex::encode(rest)),
        (None, _) => "an empty key".into(),
    }
}

impl Index for Store {
    type Error = StoreError;

    fn statement(&self, hash: &Digest) -> Result<Option<StatementInfo>, StoreError> {
        match self.get(&key(STATEMENT, &hash.0))? {
            None => Ok(None),
            Some(v) => encoding::decode_canonical(&v, 1 << 20, "statement index")
                .map(Some)
                .map_err(|e| bad_row("H", e)),
        }
    }

    fn incident(&self, id: &str) -> Result<Option<IncidentInfo>, StoreError> {
        match self.get(&key(INCIDENT, id.as_bytes()))? {
            None => Ok(None),
            Some(v) => encoding::decode_canonical(&v, 1 << 20, "incident index")
                .map(Some)
                .map_err(|e| bad_row("I", e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(offset: u64) -> PartLoc {
        PartLoc { offset, len: 40 }
    }

    #[test]
    fn a_part_row_is_a_count_then_digest_offset_length_records() {
        let row: PartRow = vec![([1; 32], loc(0)), ([2; 32], loc(40))];
        let bytes = encoding::encode(&row);
        assert_eq!(bytes.len(), 8 + 2 * 48);
        assert_eq!(bytes[..8], 2u64.to_le_bytes());
        assert_eq!(bytes[8..40], [1; 32]);
        assert_eq!(bytes[40..48], 0u64.to_le_bytes());
        assert_eq!(bytes[48..56], 40u64.to_le_bytes());
        assert_eq!(bytes[56..88], [2; 32]);
        assert_eq!(decode_part_row(7, &bytes).unwrap(), row);
    }

    #[test]
    fn a_part_row_with_a_digest_twice_too_many_records_or_trailing_bytes_is_refused() {
        let twice: PartRow = vec![([1; 32], loc(0)), ([1; 32], loc(40))];
        let err = decode_part_row(7, &encoding::encode(&twice)).unwrap_err();
        assert!(err.to_string().contains("entry 7"), "{err}");
        let many: PartRow = (0..=crate::statement::MAX_PARTS as u64)
            .map(|i| ([i as u8; 32], loc(40 * i)))
            .collect();
        assert!(decode_part_row(7, &encoding::encode(&many)).is_err());
        let ok: PartRow = vec![([1; 32], loc(0))];
        let mut trailing = encoding::encode(&ok);
        trailing.push(0);
        assert!(decode_part_row(7, &trailing).is_err());
        assert!(decode_part_row(7, &[1, 2, 3]).is_err());
    }

    #[test]
    fn parts_bytes_into_reads_the_file_until_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path().join(DB_DIR)).unwrap();
        let st = Store::open(db, dir.path(), Access::Write).unwrap();
        st.parts_file().write_at(b"0123456789", 0).unwrap();
        let mut buf = [0xffu8; 4];
        assert_eq!(st.parts_bytes_into(&mut buf, 3).unwrap(), 4);
        assert_eq!(&buf, b"3456");
        let mut buf = [0xffu8; 6];
        assert_eq!(
            st.parts_bytes_into(&mut buf, 7).unwrap(),
            3,
            "the file ends"
        );
        assert_eq!(&buf[..3], b"789");
        assert_eq!(st.parts_bytes_into(&mut buf, 20).unwrap(), 0);
    }
}
