//! Crash safety: `temoin ingest --batch-size K` is SIGKILLed at several
//! points of a batch ingest. Afterwards the archive must open, audit clean,
//! hold every statement it acknowledged, and hold whole batches only (each
//! batch is one atomic sled write). Ingesting everything again must then
//! complete, each statement appearing exactly once.

use crate::common;

use common::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use temoin::hash::Digest;
use temoin::registry::Role;

/// Statements to ingest in each round.
const FILES: usize = 240;
/// Entries before them: genesis, enrolment.
const BASE: u64 = 2;

/// When to kill the ingest.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// Once this many statements were acknowledged (0: at once).
    AfterAcks(usize),
    /// After this long, wherever it is.
    After(Duration),
}

struct Setup {
    /// A base archive, closed: copied for each round.
    base: Fixture,
    files: Vec<PathBuf>,
    /// Statement hash of each file.
    hashes: Vec<Digest>,
}

fn setup() -> Setup {
    let mut base = Fixture::empty();
    let mut a = base.init(temoin::archive::Config::new(ORIGIN));
    base.push(&mut a, |k| {
        enroll(&k.custodian, &k.ngo.public(), "NGO", Role::Intermediary)
    });
    drop(a);
    let dir = base.tmp.path().join("tms");
    std::fs::create_dir(&dir).unwrap();
    let mut files = Vec::new();
    let mut hashes = Vec::new();
    for i in 0..FILES {
        let f = note(
            &base.keys.ngo,
            &format!("testimony {i}: {}", "x".repeat(1000)),
        );
        let path = dir.join(format!("{i:03}.tms"));
        std::fs::write(&path, f.to_bytes()).unwrap();
        files.push(path);
        hashes.push(f.statement.hash());
    }
    Setup {
        base,
        files,
        hashes,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The file named at the end of an acknowledgement line
/// ("appended entry N  note  statement … entry hash …  (FILE)").
fn acked_file(line: &str) -> Option<PathBuf> {
    if !(line.starts_with("appended entry") || line.starts_with("already entry")) {
        return None;
    }
    let start = line.rfind("  (")?;
    Some(PathBuf::from(line[start + 3..].strip_suffix(')')?))
}

/// Run `temoin ingest` on `files`, kill it as planned; the files it
/// acknowledged (in order) and whether it was killed before finishing.
fn ingest_and_kill(
    dir: &Path,
    files: &[PathBuf],
    batch: usize,
    kill: Kill,
) -> (Vec<PathBuf>, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["ingest", "--batch-size", &batch.to_string(), "--archive"])
        .arg(dir)
        .args(files)
        .env_remove("TEMOIN_ARCHIVE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut acked = Vec::new();
    match kill {
        Kill::AfterAcks(n) => {
            while acked.len() < n {
                match rx.recv() {
                    Ok(line) => acked.extend(acked_file(&line)),
                    Err(_) => break, // it finished first
                }
            }
        }
        Kill::After(d) => std::thread::sleep(d),
    }
    child.kill().unwrap(); // SIGKILL; harmless if it already exited
    let status = child.wait().unwrap();
    reader.join().unwrap();
    // Lines printed before the kill are acknowledgements too.
    acked.extend(rx.try_iter().filter_map(|l| acked_file(&l)));
    let killed = status.code().is_none();
    (acked, killed)
}

/// Statement hashes of the entries after the base, in seq order.
fn logged(dir: &Path) -> Vec<Digest> {
    let a = temoin::archive::Archive::open(dir).expect("reopen after the kill");
    let size = a.size();
    (BASE..size)
        .map(|seq| a.store().entry(seq).unwrap().unwrap().statement.hash())
        .collect()
}

fn round(s: &Setup, name: &str, batch: usize, kill: Kill) {
    let dir = s.base.tmp.path().join(name);
    copy_dir(&s.base.dir(), &dir);
    let (acked, killed) = ingest_and_kill(&dir, &s.files, batch, kill);
    let ctx = format!("round {name} (batch {batch}, {kill:?}, killed: {killed})");

    // Reopens, audits clean.
    if let Err(f) = audit_dir(&dir) {
        panic!("{ctx}: audit after the kill failed: {f}");
    }
    let by_file: HashMap<&PathBuf, Digest> = s.files.iter().zip(s.hashes.iter().copied()).collect();
    let log = logged(&dir);
    // Every acknowledged statement is there, at its place.
    for (i, f) in acked.iter().enumerate() {
        assert_eq!(
            log.get(i),
            Some(&by_file[f]),
            "{ctx}: acknowledged {f:?} is missing"
        );
    }
    // Whole batches only, in order: the first M files, M a multiple of K.
    let m = log.len();
    println!("{ctx}: {} acknowledged, {m} in the log", acked.len());
    assert!(m >= acked.len(), "{ctx}");
    assert_eq!(
        log[..],
        s.hashes[..m],
        "{ctx}: the log is not a prefix of the input"
    );
    assert!(
        m.is_multiple_of(batch) || m == FILES,
        "{ctx}: {m} statements, a torn batch"
    );
    if !killed {
        assert_eq!(m, FILES, "{ctx}");
    }

    // Ingest everything again: the rest is appended, each statement once.
    let (code, stdout, stderr) = run_output(
        Command::new(env!("CARGO_BIN_EXE_temoin"))
            .args(["ingest", "--batch-size", &batch.to_string(), "--archive"])
            .arg(&dir)
            .args(&s.files)
            .env_remove("TEMOIN_ARCHIVE")
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "{ctx}: re-ingest failed: {stderr}");
    assert_eq!(stdout.matches("already entry").count(), m, "{ctx}");
    assert_eq!(stdout.matches("appended entry").count(), FILES - m, "{ctx}");
    assert_eq!(logged(&dir), s.hashes, "{ctx}: after re-ingest");
    if let Err(f) = audit_dir(&dir) {
        panic!("{ctx}: audit after re-ingest failed: {f}");
    }
}

#[test]
fn killed_ingest_keeps_every_acknowledged_statement() {
    let s = setup();
    // At once, after the first batch, after a few batches, at the last one.
    round(&s, "acks-0", 4, Kill::AfterAcks(0));
    round(&s, "acks-4", 4, Kill::AfterAcks(4));
    round(&s, "acks-12", 4, Kill::AfterAcks(12));
    round(&s, "acks-36", 4, Kill::AfterAcks(36));
    round(&s, "acks-1-of-1", 1, Kill::AfterAcks(1));
    round(&s, "acks-7-of-1", 1, Kill::AfterAcks(7));
    round(&s, "acks-5-of-5", 5, Kill::AfterAcks(5));
}

#[test]
fn killed_ingest_at_arbitrary_moments() {
    let s = setup();
    // Random-ish moments; the seed is printed so a failure can be replayed.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    println!("seed {seed}");
    let mut x = seed | 1;
    for (i, batch) in [3usize, 4, 7, 2, 5, 1].into_iter().enumerate() {
        // xorshift
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let ms = 2 + x % 60;
        round(
            &s,
            &format!("t{i}"),
            batch,
            Kill::After(Duration::from_millis(ms)),
        );
    }
}

#[test]
fn killed_ingest_while_starting() {
    // The first milliseconds: opening sled, its recovery and the snapshot
    // it writes at every open (a kill there once left an archive sled
    // refused to open again).
    let s = setup();
    for ms in 0..8 {
        round(
            &s,
            &format!("start-{ms}"),
            8,
            Kill::After(Duration::from_millis(ms)),
        );
    }
}

#[test]
fn interrupted_sled_snapshot_does_not_brick_the_archive() {
    // What a kill between sled's creating `snap.N.generating` and renaming
    // it leaves behind (spacejam/sled#1527): sled alone would take it for
    // the latest snapshot and report corruption at every open.
    let mut f = Fixture::standard(2);
    std::fs::write(f.dir().join("db/snap.7FFFFFFFFFFFFFFF.generating"), b"").unwrap();
    let mut a = f.open();
    f.push(&mut a, |k| note(&k.ngo, "after the crash"));
    drop(a);
    std::fs::write(f.dir().join("db/snap.7FFFFFFFFFFFFFFF.generating"), b"torn").unwrap();
    assert_eq!(f.assert_clean().entries, 6);
}

/// A batch whose tree nodes reached the tree file but whose sled write did
/// not (the crash window between the two, FORMAT.md §8.1): the nodes past
/// the head are cut off when the archive is next opened for writing, and
/// the next batch takes their place.
#[test]
fn tree_nodes_of_an_unacknowledged_batch_are_cut_off() {
    let s = setup();
    let dir = s.base.tmp.path().join("leftover");
    copy_dir(&s.base.dir(), &dir);
    let tree = dir.join(temoin::store::TREE_FILE);
    let before = std::fs::read(&tree).unwrap();
    assert_eq!(before.len() as u64, 32 * temoin::treefile::node_count(BASE));
    let mut with_garbage = before.clone();
    with_garbage.extend_from_slice(&[0xAB; 32 * 5]);
    std::fs::write(&tree, &with_garbage).unwrap();

    let mut a = temoin::Archive::open(&dir).expect("opens");
    assert_eq!(
        std::fs::read(&tree).unwrap(),
        before,
        "cut back to the head"
    );
    let f = note(&s.base.keys.ngo, "after the crash");
    let acc = a.ingest(&f).unwrap().expect("accepted");
    assert_eq!(acc.seq, BASE);
    drop(a);
    assert_eq!(
        std::fs::metadata(&tree).unwrap().len(),
        32 * temoin::treefile::node_count(BASE + 1)
    );
    let report = audit_dir(&dir).expect("audit clean");
    assert_eq!(report.entries, BASE + 1);
}
