//! Reading an archive needs no secret: a copy without `checkpoint.key` (a
//! lawyer's, an auditor's, one seized and returned without it) shows its
//! log, registry, incidents, receipts and bundles, and verifies; only
//! writing needs the key, and a write without it is refused with the fix.

use crate::common::*;

#[test]
fn read_commands_work_without_the_checkpoint_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let d = dir.to_str().unwrap();
    let (code, _, err) = temoin(&["demo", "--archive", d]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(dir.join("checkpoint.key")).unwrap();

    let (code, out, err) = temoin(&["incident", "list", "--archive", d, "--json"]);
    assert_eq!(code, 0, "incident list: {err}");
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = list["incidents"][0]["id"].as_str().unwrap().to_string();
    let (code, out, err) = temoin(&["log", "--archive", d, "--json"]);
    assert_eq!(code, 0, "log: {err}");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let statement = log[3]["statement_hash"].as_str().unwrap().to_string();
    let bundle = tmp.path().join("bundle.json");
    let b = bundle.to_str().unwrap();

    let reads: &[&[&str]] = &[
        &["key", "list", "--archive", d],
        &["incident", "show", &id, "--archive", d],
        &["history", &id, "--archive", d],
        &["tally", "--archive", d],
        &["checkpoint", "--archive", d],
        &["receipt", &statement, "--archive", d],
        &["export", "--incident", &id, "--archive", d, "--out", b],
        &["verify", "--archive", d],
    ];
    for args in reads {
        let (code, out, err) = temoin(args);
        assert_eq!(
            code, 0,
            "temoin {args:?} without checkpoint.key:\n{out}{err}"
        );
        assert!(!out.trim().is_empty(), "temoin {args:?} printed nothing");
    }
    let (_, keys, _) = temoin(&["key", "list", "--archive", d, "--json"]);
    let keys: serde_json::Value = serde_json::from_str(&keys).unwrap();
    let vkey = keys[0]["vkey"].as_str().unwrap();
    let (code, out, err) = temoin(&["verify-bundle", b, "--archive-key", vkey]);
    assert_eq!(
        code, 0,
        "the bundle a reader exported does not verify:\n{out}{err}"
    );

    // Writing is the one thing a copy without the key cannot do.
    let before = std::fs::read_dir(&dir).unwrap().count();
    let (code, _, err) = temoin(&["rebuild", "--archive", d]);
    assert_ne!(code, 0, "rebuild wrote without the checkpoint key");
    assert!(err.contains("checkpoint.key"), "{err}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), before);
}

/// The library's reader refuses every write with `ReadOnly`, even with the
/// key file present: a reader is a reader.
#[test]
fn a_reader_refuses_to_write() {
    let fx = Fixture::standard(1);
    let dir = fx.dir();
    let note = note(&fx.keys.ngo, "written by a reader?");
    let mut reader = temoin::Archive::open_reader(&dir).unwrap();
    let size = reader.size();
    match reader.ingest(&note) {
        Err(temoin::ArchiveError::ReadOnly(d)) => assert_eq!(d, dir),
        other => panic!("a reader ingested: {other:?}"),
    }
    assert!(matches!(
        reader.checkpoint_key(),
        Err(temoin::ArchiveError::ReadOnly(_))
    ));
    drop(reader);
    assert_eq!(fx.open().size(), size);
}
