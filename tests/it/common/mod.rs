//! Shared helpers for the integration tests: build a small archive with a
//! few enrolled keys and statements, run the `temoin` binary, and tamper with
//! a closed archive's sled store the way a forger would.
//!
//! Each test binary uses only part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use temoin::archive::{Accepted, Archive, Config, CHECKPOINT_KEY_FILE};
use temoin::audit::{self, AuditReport, LogFault};
use temoin::checkpoint::Checkpoint;
use temoin::encoding;
use temoin::entry::{entry_hash, Entry};
use temoin::hash::Digest;
use temoin::keys::{PublicKey, SecretKey};
use temoin::merkle;
use temoin::registry::{EnrollPayload, RevokePayload, Role, PAYLOAD};
use temoin::rules::StatementInfo;
use temoin::statement::{Draft, Kind, StatementBody, StatementFile};
use temoin::store::{self, Head, Store};
use temoin::treefile::{Access, TreeFile};
use temoin::verdict::FaultKind;

/// Origin of every test archive.
pub const ORIGIN: &str = "temoin.test/archive";

/// A deterministic key (tests only).
pub fn key(name: &str) -> SecretKey {
    let seed = temoin::hash::sha256(&[b"temoin test key: ", name.as_bytes()]).0;
    SecretKey::from_seed(name, &seed).expect("valid key name")
}

/// The keys of the standard fixture.
pub struct Keys {
    pub custodian: SecretKey,
    /// An intermediary (NGO field worker).
    pub ngo: SecretKey,
    pub reviewer: SecretKey,
    /// Never enrolled.
    pub mallory: SecretKey,
}

impl Keys {
    pub fn new() -> Keys {
        Keys {
            custodian: key("custodian"),
            ngo: key("ngo"),
            reviewer: key("reviewer"),
            mallory: key("mallory"),
        }
    }
}

impl Default for Keys {
    fn default() -> Self {
        Keys::new()
    }
}

/// A note statement with one `text` part.
pub fn note(author: &SecretKey, text: &str) -> StatementFile {
    Draft::new(Kind::Note)
        .part("text", text)
        .sign(author)
        .expect("note signs")
}

/// A statement of `kind` with a JSON `payload` part.
pub fn with_payload<T: serde::Serialize>(
    kind: Kind,
    author: &SecretKey,
    payload: &T,
) -> StatementFile {
    Draft::new(kind)
        .part(PAYLOAD, serde_json::to_vec(payload).expect("json"))
        .sign(author)
        .expect("statement signs")
}

/// `custodian` enrols `key` with `role`.
pub fn enroll(custodian: &SecretKey, key: &PublicKey, name: &str, role: Role) -> StatementFile {
    with_payload(
        Kind::Enroll,
        custodian,
        &EnrollPayload {
            key: key.to_hex(),
            name: name.into(),
            role,
            succeeds: None,
        },
    )
}

/// `custodian` revokes `key`.
pub fn revoke(custodian: &SecretKey, key: &PublicKey, reason: &str) -> StatementFile {
    with_payload(
        Kind::Revoke,
        custodian,
        &RevokePayload {
            key: key.to_hex(),
            reason: reason.into(),
            // After every entry already received (same as `key revoke`
            // without --effective): no entry is declared compromised.
            effective_at: temoin::time::now_ms() + 1,
        },
    )
}

/// Ingest one statement that must be accepted and appended.
pub fn accept(archive: &mut Archive, file: &StatementFile) -> Accepted {
    let a = archive
        .ingest(file)
        .expect("archive error")
        .expect("statement refused");
    assert!(!a.duplicate, "statement was already in the log");
    a
}

/// A temporary directory holding an archive at `dir/archive`.
pub struct Fixture {
    pub tmp: tempfile::TempDir,
    pub keys: Keys,
    /// Statement hash of each entry, by seq.
    pub hashes: Vec<Digest>,
}

impl Fixture {
    /// An empty directory and the keys; no archive yet.
    pub fn empty() -> Fixture {
        Fixture {
            tmp: tempfile::tempdir().expect("tempdir"),
            keys: Keys::new(),
            hashes: Vec::new(),
        }
    }

    /// The standard archive, closed (one ingest per entry, so one
    /// checkpoint per size):
    ///
    /// | seq | kind | author |
    /// |---|---|---|
    /// | 0 | genesis | custodian |
    /// | 1 | enroll ngo (intermediary) | custodian |
    /// | 2 | enroll reviewer | custodian |
    /// | 3..3+notes | note | ngo, reviewer, custodian in turn |
    pub fn standard(notes: usize) -> Fixture {
        let mut f = Fixture::empty();
        let mut a = f.init(Config::new(ORIGIN));
        f.push(&mut a, |k| {
            enroll(
                &k.custodian,
                &k.ngo.public(),
                "NGO worker",
                Role::Intermediary,
            )
        });
        f.push(&mut a, |k| {
            enroll(
                &k.custodian,
                &k.reviewer.public(),
                "Reviewer",
                Role::Reviewer,
            )
        });
        for i in 0..notes {
            f.push(&mut a, |k| {
                let author = [&k.ngo, &k.reviewer, &k.custodian][i % 3];
                note(author, &format!("note {i} by {}", author.name()))
            });
        }
        f
    }

    pub fn dir(&self) -> PathBuf {
        self.tmp.path().join("archive")
    }

    /// Create the archive with the fixture's custodian (entry 0).
    pub fn init(&mut self, config: Config) -> Archive {
        let a = Archive::init(&self.dir(), config, &self.keys.custodian, "Custodian")
            .expect("init archive");
        let genesis = a.store().entry(0).expect("read").expect("entry 0");
        self.hashes = vec![genesis.statement.hash()];
        a
    }

    /// Ingest the statement `make` builds; it must be appended.
    pub fn push(
        &mut self,
        archive: &mut Archive,
        make: impl FnOnce(&Keys) -> StatementFile,
    ) -> Accepted {
        let file = make(&self.keys);
        let a = accept(archive, &file);
        assert_eq!(a.seq as usize, self.hashes.len());
        self.hashes.push(a.statement_hash);
        a
    }

    pub fn open(&self) -> Archive {
        Archive::open(&self.dir()).expect("open archive")
    }

    /// Open the sled store directly (the archive must be closed).
    pub fn db(&self) -> sled::Db {
        open_sled(&self.dir())
    }

    /// Tamper with the closed archive's store, then flush and close it.
    pub fn tamper(&self, f: impl FnOnce(&sled::Db)) {
        let db = self.db();
        f(&db);
        db.flush().expect("flush");
    }

    /// `temoin::audit::audit` on the (closed) archive.
    pub fn audit(&self) -> Result<AuditReport, LogFault> {
        audit_dir(&self.dir())
    }

    /// `temoin verify --archive DIR`: (exit code, stdout, stderr).
    pub fn verify_cli(&self) -> (i32, String, String) {
        let out = temoin_cmd(&["verify", "--archive"], &[self.dir().as_os_str()]);
        run_output(out)
    }

    /// The audit must pass, by the library and by `temoin verify`.
    pub fn assert_clean(&self) -> AuditReport {
        let report = match self.audit() {
            Ok(r) => r,
            Err(f) => panic!("audit failed: {f}"),
        };
        let (code, stdout, stderr) = self.verify_cli();
        assert_eq!(code, 0, "temoin verify failed: {stderr}");
        assert!(stdout.starts_with("ok: "), "{stdout}");
        report
    }

    /// The library audit must report its first fault at `seq`, of `kind`,
    /// and `temoin verify` the same fault (exit 1, its seq and reason).
    pub fn assert_fault(&self, seq: u64, kind: FaultKind) -> LogFault {
        let fault = match self.audit() {
            Ok(r) => panic!(
                "audit passed ({} entries), expected a fault at {seq}",
                r.entries
            ),
            Err(f) => f,
        };
        assert_eq!(
            (fault.seq, fault.kind),
            (seq, kind),
            "fault at the wrong seq or of the wrong kind: {fault}"
        );
        let (code, stdout, stderr) = self.verify_cli();
        assert_eq!(
            code, 1,
            "temoin verify: stdout {stdout:?} stderr {stderr:?}"
        );
        let expected = format!("verification FAILED at entry {seq}: {}", fault.reason);
        assert!(
            stderr.contains(&expected),
            "temoin verify said {stderr:?}, expected {expected:?}"
        );
        fault
    }
}

/// Audit the archive in `dir` through the library.
pub fn audit_dir(dir: &Path) -> Result<AuditReport, LogFault> {
    let archive = Archive::open_for_audit(dir).expect("open archive for audit");
    audit::audit(archive.store(), &mut |_| {}).expect("store error during audit")
}

/// The `temoin` binary with `args` then `more`.
pub fn temoin_cmd(args: &[&str], more: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(args)
        .args(more)
        .env_remove("TEMOIN_ARCHIVE")
        .env_remove("TEMOIN_TOKEN")
        // English, whatever the machine's locale: the tests read messages.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run temoin")
}

/// Run `temoin` with string arguments: (exit code, stdout, stderr).
pub fn temoin(args: &[&str]) -> (i32, String, String) {
    run_output(temoin_cmd(args, &[]))
}

pub fn run_output(out: Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What a refusal must leave unchanged: the head, the number of sled keys,
/// and a digest of every key and value.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub head: Head,
    pub keys: usize,
    pub contents: Digest,
}

pub fn snapshot(archive: &Archive) -> Snapshot {
    let mut keys = 0;
    let mut acc = Vec::new();
    for kv in archive.store().raw_db().iter() {
        let (k, v) = kv.expect("read");
        keys += 1;
        for x in [&k, &v] {
            acc.extend_from_slice(&(x.len() as u64).to_le_bytes());
            acc.extend_from_slice(x);
        }
    }
    Snapshot {
        head: archive.head(),
        keys,
        contents: temoin::hash::sha256(&[&acc]),
    }
}

// ---------------------------------------------------------------- tampering

/// Byte offsets inside entry bytes (docs/FORMAT.md: fixed-width fields).
pub mod offsets {
    /// `seq: u64`.
    pub const SEQ: usize = 0;
    /// `prev: [u8; 32]`.
    pub const PREV: usize = 8;
    /// `received_at: i64`: not covered by the author's signature.
    pub const RECEIVED_AT: usize = 40;
    /// `u64` length of the body, then the body bytes.
    pub const BODY_LEN: usize = 48;
    pub const BODY: usize = 56;
    /// Inside the body: `version: u16`, then `id: [u8; 16]`.
    pub const BODY_ID: usize = BODY + 2;
}

pub fn entry_bytes(db: &sled::Db, seq: u64) -> Vec<u8> {
    db.get(store::layout::seq_key(store::layout::ENTRY, seq))
        .expect("read")
        .unwrap_or_else(|| panic!("no entry {seq}"))
        .to_vec()
}

pub fn entry(db: &sled::Db, seq: u64) -> Entry {
    Entry::from_bytes(&entry_bytes(db, seq)).expect("entry decodes")
}

pub fn put_entry_bytes(db: &sled::Db, seq: u64, bytes: &[u8]) {
    db.insert(store::layout::seq_key(store::layout::ENTRY, seq), bytes)
        .expect("write");
}

pub fn put_entry(db: &sled::Db, e: &Entry) {
    put_entry_bytes(db, e.seq, &e.to_bytes());
}

/// Flip (xor 0x01) the byte at `offset` of entry `seq`'s stored bytes;
/// a negative offset counts from the end.
pub fn flip_entry_byte(db: &sled::Db, seq: u64, offset: isize) {
    let mut b = entry_bytes(db, seq);
    let i = if offset < 0 {
        b.len() - offset.unsigned_abs()
    } else {
        offset as usize
    };
    b[i] ^= 0x01;
    put_entry_bytes(db, seq, &b);
}

pub fn delete_entry(db: &sled::Db, seq: u64) {
    db.remove(store::layout::seq_key(store::layout::ENTRY, seq))
        .expect("remove")
        .expect("entry existed");
}

/// Exchange the stored bytes of two entries.
pub fn swap_entries(db: &sled::Db, a: u64, b: u64) {
    let (ea, eb) = (entry_bytes(db, a), entry_bytes(db, b));
    put_entry_bytes(db, a, &eb);
    put_entry_bytes(db, b, &ea);
}

/// Where part `digest` of entry `seq` lies, from its `P` row.
pub fn part_loc(db: &sled::Db, seq: u64, digest: &[u8; 32]) -> Option<store::PartLoc> {
    let v = db
        .get(store::layout::seq_key(store::layout::PART, seq))
        .expect("read")?;
    let row = store::decode_part_row(seq, &v).expect("part locations");
    row.iter().find(|(d, _)| d == digest).map(|(_, loc)| *loc)
}

/// Flip a byte of the content of part `label` of entry `seq` in the parts
/// file (FORMAT.md §8.2).
pub fn flip_part_byte(dir: &Path, db: &sled::Db, seq: u64, label: &str, offset: usize) {
    use std::os::unix::fs::FileExt;
    let e = entry(db, seq);
    let body = StatementBody::decode(&e.statement.body_bytes).expect("body");
    let c = body.part(label).expect("part committed");
    let loc = part_loc(db, seq, &c.digest).expect("part stored");
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.join(store::PARTS_FILE))
        .expect("parts file");
    let at = loc.offset + 32 + offset as u64;
    let mut b = [0u8; 1];
    file.read_exact_at(&mut b, at).expect("read");
    file.write_all_at(&[b[0] ^ 0x01], at).expect("write");
}

/// Store a statement file's parts as those of entry `seq`, as ingest does:
/// appended to the parts file, located by its `P` row (which it replaces),
/// `X "parts_end"` moved.
pub fn put_parts(dir: &Path, db: &sled::Db, seq: u64, file: &StatementFile) {
    let end_key = store::layout::key(store::layout::META, store::layout::PARTS_END);
    let mut end: u64 = db
        .get(&end_key)
        .expect("read")
        .map(|v| encoding::decode_canonical(&v, 16, "parts end").expect("end"))
        .unwrap_or(0);
    let parts =
        temoin::appendfile::AppendFile::open(&dir.join(store::PARTS_FILE), end, Access::Write)
            .expect("parts file");
    let mut row: store::PartRow = Vec::new();
    for p in &file.parts {
        let mut v = p.salt.to_vec();
        v.extend_from_slice(&p.content);
        parts.write_at(&v, end).expect("write part");
        let loc = store::PartLoc {
            offset: end,
            len: v.len() as u64,
        };
        row.push((p.digest().0, loc));
        end += v.len() as u64;
    }
    db.insert(
        store::layout::seq_key(store::layout::PART, seq),
        encoding::encode(&row),
    )
    .expect("write");
    db.insert(end_key, encoding::encode(&end)).expect("write");
}

/// A careful forger's replacement of entry `seq` by `file`: same seq,
/// prev and received_at, its parts stored, the statement index moved to the
/// new hash; then everything derived from the log is rewritten ([`reseal`]).
pub fn forge_replace(dir: &Path, db: &sled::Db, seq: u64, file: &StatementFile) {
    let old = entry(db, seq);
    put_parts(dir, db, seq, file);
    move_statement_index(db, &old.statement.hash(), file);
    put_entry(
        db,
        &Entry {
            seq,
            prev: old.prev,
            received_at: old.received_at,
            statement: file.statement.clone(),
        },
    );
    reseal(dir, db);
}

/// Rewrite the archive's tree file (docs/FORMAT.md §8.1) for `leaves`,
/// as a forger would.
pub fn rewrite_tree(dir: &Path, leaves: &[[u8; 32]]) {
    // A writer opened at size 0 cuts the file to nothing.
    let tree = TreeFile::open(&dir.join(store::TREE_FILE), 0, Access::Write).expect("tree");
    let mut mem = merkle::MemoryStore::new();
    for (n, leaf) in leaves.iter().enumerate() {
        let nodes = merkle::nodes_completed_by_append(&mem, n as u64, *leaf).expect("nodes");
        tree.append(n as u64, &nodes).expect("write tree");
        mem.push(*leaf).expect("push");
    }
}

/// A careful forger's addition of `file` after the last entry (at the head's
/// size, linked to the last entry, received a second later); then [`reseal`].
pub fn forge_append(dir: &Path, db: &sled::Db, file: &StatementFile) -> u64 {
    let head = Store::open(db.clone(), dir, Access::Read)
        .expect("store")
        .head()
        .expect("head");
    put_parts(dir, db, head.size, file);
    let e = Entry {
        seq: head.size,
        prev: head.last_hash,
        received_at: head.last_received_at + 1000,
        statement: file.statement.clone(),
    };
    put_entry(db, &e);
    let (owner, kind) = author_and_kind(file);
    let info = StatementInfo {
        seq: head.size,
        kind,
        subject: kind,
        owner,
        labels: file.parts.iter().map(|p| p.label.clone()).collect(),
        incidents: Vec::new(),
        superseded_by: None,
        retracted_by: None,
        redacted: Vec::new(),
    };
    db.insert(
        store::layout::key(store::layout::STATEMENT, &file.statement.hash().0),
        encoding::encode(&info),
    )
    .expect("write");
    reseal(dir, db);
    head.size
}

/// Re-key the statement index record of `old` to `file`'s hash, with its
/// new author as owner.
fn move_statement_index(db: &sled::Db, old: &Digest, file: &StatementFile) {
    let k = store::layout::key(store::layout::STATEMENT, &old.0);
    if let Some(v) = db.remove(&k).expect("remove") {
        let mut info: StatementInfo =
            encoding::decode_canonical(&v, 1 << 20, "statement index").expect("index decodes");
        info.owner = author_and_kind(file).0;
        db.insert(
            store::layout::key(store::layout::STATEMENT, &file.statement.hash().0),
            encoding::encode(&info),
        )
        .expect("write");
    }
}

/// What a forger holding the whole archive directory (including its
/// checkpoint key) rewrites after changing entries: every `prev` link,
/// every Merkle node, the head, and every checkpoint, re-signed. After this
/// only what the authors signed, and the authority of each author at each
/// seq, can betray the change.
pub fn reseal(dir: &Path, db: &sled::Db) {
    let store = Store::open(db.clone(), dir, Access::Read).expect("store");
    let mut prev = [0u8; 32];
    let mut leaves = Vec::new();
    let mut last_received = 0;
    let seqs: Vec<u64> = store.entries_from(0).map(|r| r.expect("read").0).collect();
    for seq in seqs {
        // An entry that no longer decodes is kept as it is.
        if let Ok(mut e) = Entry::from_bytes(&entry_bytes(db, seq)) {
            if e.prev != prev {
                e.prev = prev;
                put_entry(db, &e);
            }
            last_received = e.received_at;
        }
        prev = entry_hash(&entry_bytes(db, seq)).0;
        leaves.push(prev);
    }
    let n = leaves.len() as u64;
    rewrite_tree(dir, &leaves);
    let signer = SecretKey::load(&dir.join(CHECKPOINT_KEY_FILE))
        .expect("checkpoint key")
        .note_signer()
        .expect("signer");
    let sizes: Vec<u64> = db
        .scan_prefix([store::layout::CHECKPOINT])
        .keys()
        .map(|k| store::layout::key_seq(&k.expect("read")).expect("checkpoint key"))
        .collect();
    for size in sizes {
        let k = store::layout::seq_key(store::layout::CHECKPOINT, size);
        if size > n {
            db.remove(k).expect("remove");
            continue;
        }
        let cp = Checkpoint::new(
            signer.name(),
            size,
            merkle::root_of(&leaves[..size as usize]),
        );
        db.insert(k, cp.sign(&signer).expect("sign").as_bytes())
            .expect("write");
    }
    let head = Head {
        size: n,
        last_hash: prev,
        last_received_at: last_received,
    };
    db.insert(
        store::layout::key(store::layout::META, b"head"),
        encoding::encode(&head),
    )
    .expect("write");
}

/// The author key and kind of a statement file's body.
pub fn author_and_kind(file: &StatementFile) -> ([u8; 32], Kind) {
    let body = StatementBody::decode(&file.statement.body_bytes).expect("body decodes");
    (body.author, body.kind)
}

/// Open the sled store of the closed archive in `dir` directly, as an
/// attacker with the files would. sled releases its file lock a moment
/// after the last handle is dropped (and a child spawned by another test
/// thread may share the file until it execs): retry briefly.
pub fn open_sled(dir: &Path) -> sled::Db {
    let mut tries = 0;
    loop {
        match sled::open(dir.join("db")) {
            Ok(db) => return db,
            Err(_) if tries < 200 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => panic!("open sled db: {e}"),
        }
    }
}

/// The unix-ms time of a CLI JSON time (`2025-11-14T03:12:09Z` or
/// `…09.250Z`, README "JSON output"); panics on anything else, integers
/// of milliseconds included.
pub fn rfc3339_ms(v: &serde_json::Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("{v} is not an RFC 3339 time string"));
    let (whole, ms) = match s.strip_suffix('Z').and_then(|t| t.split_once('.')) {
        Some((w, frac)) => {
            assert!(
                frac.len() == 3 && frac.bytes().all(|b| b.is_ascii_digit()),
                "{s}"
            );
            (format!("{w}Z"), frac.parse::<i64>().unwrap())
        }
        None => (s.to_string(), 0),
    };
    assert!(
        whole.len() == 20 && whole.ends_with('Z'),
        "{s} is not YYYY-MM-DDTHH:MM:SS[.mmm]Z"
    );
    temoin::time::parse_time(&whole).unwrap_or_else(|| panic!("{s} is not a time")) + ms
}
