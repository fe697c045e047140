//! One writer at a time: while an `Archive` is open, another process (or a
//! second `Archive::open` in this one) gets a clear "in use" error, not
//! sled's raw lock error.

use crate::common;

use common::*;
use temoin::archive::{Archive, ArchiveError};

fn in_use(dir: &std::path::Path) -> String {
    format!("archive {} is in use by another process", dir.display())
}

#[test]
fn second_process_is_told_the_archive_is_in_use() {
    let f = Fixture::standard(1);
    let dir = f.dir();
    let d = dir.to_str().unwrap();
    let tms = f.tmp.path().join("note.tms");
    std::fs::write(&tms, note(&f.keys.ngo, "while busy").to_bytes()).unwrap();

    let a = f.open();
    let size = a.size();
    for args in [
        vec!["verify", "--archive", d],
        vec!["ingest", "--archive", d, tms.to_str().unwrap()],
        vec!["log", "--archive", d],
        vec!["key", "list", "--archive", d],
    ] {
        let (code, stdout, stderr) = temoin(&args);
        assert_eq!(code, 1, "{args:?}: stdout {stdout:?} stderr {stderr:?}");
        assert!(
            stderr.contains(&in_use(&dir)),
            "{args:?}: expected {:?}, got {stderr:?}",
            in_use(&dir)
        );
        assert!(!stderr.contains("could not acquire lock"), "{stderr}");
    }
    assert_eq!(a.size(), size, "the refused ingest appended something");
    drop(a);

    // Once the archive is closed, the same commands work.
    let (code, stdout, stderr) = temoin(&["ingest", "--archive", d, tms.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("appended entry"), "{stdout}");
    f.assert_clean();
}

#[test]
fn second_open_in_one_process_is_locked() {
    let f = Fixture::standard(1);
    let dir = f.dir();
    let a = f.open();
    match Archive::open(&dir) {
        Err(ArchiveError::Locked(p)) => assert_eq!(p, dir),
        Err(e) => panic!("expected Locked, got {e}"),
        Ok(_) => panic!("opened an archive twice"),
    }
    match Archive::open_for_audit(&dir) {
        Err(ArchiveError::Locked(p)) => assert_eq!(p, dir),
        Err(e) => panic!("expected Locked, got {e}"),
        Ok(_) => panic!("opened an archive for audit while it is open"),
    }
    let err = Archive::open(&dir).err().expect("locked");
    assert!(err.to_string().starts_with(&in_use(&dir)), "{err}");
    drop(a);
    let again = Archive::open(&dir).expect("open after close");
    assert_eq!(again.size(), 4);
}

#[test]
fn reopening_at_once_after_close_works() {
    // sled lets go of its own file lock a moment after the store is dropped;
    // closing and reopening in a loop must not fail on it.
    let mut f = Fixture::standard(0);
    for i in 0..10 {
        let mut a = f.open();
        f.push(&mut a, |k| note(&k.ngo, &format!("note {i}")));
    }
    assert_eq!(f.assert_clean().entries, 13);
}
