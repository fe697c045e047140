//! Nothing the writer trusts goes unchecked (docs/FORMAT.md §8, §9): every
//! row of a small archive, deleted or altered behind the writer's back,
//! either makes `temoin verify` fail naming that row, or leaves every
//! refusal in force (a revoked key's statement, an incident id opened
//! again, a statement appended twice). And a `checkpoint.key` that is not
//! the key the genesis names is never used.

use crate::common;
use temoin::keys::SaveKey as _;

use common::*;
use serde_json::json;
use std::path::Path;
use temoin::archive::{Archive, ArchiveError, CHECKPOINT_KEY_FILE};
use temoin::compose::draft_from_json;
use temoin::keys::SecretKey;
use temoin::registry::Role;
use temoin::statement::{Kind, StatementFile};
use temoin::store;

const INCIDENT: &str = "tangata-2025-11-13";

fn sign(key: &SecretKey, kind: Kind, input: &serde_json::Value) -> StatementFile {
    draft_from_json(kind, &serde_json::to_vec(input).unwrap())
        .unwrap()
        .sign(key)
        .unwrap()
}

fn incident(name: &str) -> serde_json::Value {
    json!({
        "id": INCIDENT,
        "title": format!("Frappe à {name}"),
        "type": "drone_strike",
        "place": {"name": name, "region": "Tombouctou", "country": "ML"},
        "when": {"start": "2025-11-13", "precision": "exact"},
        "description": "test"
    })
}

/// The key enrolled at entry 5 and revoked at entry 6.
fn laptop() -> SecretKey {
    key("stolen-laptop")
}

/// The standard fixture with 2 notes (entries 0..=4), then: 5 enrols the
/// laptop's key, 6 revokes it, 7 opens an incident, 8 a testimony about
/// it, 9 a note whose file is returned (to be offered again).
fn fixture() -> (Fixture, StatementFile) {
    let mut f = Fixture::standard(2);
    let mut a = f.open();
    f.push(&mut a, |k| {
        enroll(
            &k.custodian,
            &laptop().public(),
            "Laptop",
            Role::Intermediary,
        )
    });
    f.push(&mut a, |k| {
        revoke(&k.custodian, &laptop().public(), "stolen")
    });
    f.push(&mut a, |k| {
        sign(&k.ngo, Kind::Incident, &incident("Tangata"))
    });
    f.push(&mut a, |k| {
        sign(
            &k.ngo,
            Kind::Testimony,
            &json!({
                "incidents": [INCIDENT],
                "source": {"relation": "eyewitness", "description": "e"},
                "language": "fr",
                "text": "Récit recueilli (test).",
                "claims": [{"incident": INCIDENT, "dead": 3}]
            }),
        )
    });
    let kept = note(&f.keys.ngo, "offered twice");
    f.push(&mut a, |_| kept.clone());
    drop(a);
    f.assert_clean();
    (f, kept)
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

fn open_db(dir: &Path) -> sled::Db {
    for _ in 0..200 {
        if let Ok(db) = sled::open(dir.join("db")) {
            return db;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("cannot open the sled db of {}", dir.display());
}

/// `temoin verify --json`: (exit code, the verdict).
fn verify_json(dir: &Path) -> (i32, serde_json::Value) {
    let (code, stdout, stderr) = run_output(temoin_cmd(
        &["verify", "--json", "--archive"],
        &[dir.as_os_str()],
    ));
    let v: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("verify --json printed no JSON ({e}): {stdout:?} {stderr:?}"));
    (code, v)
}

/// What a failed verdict says, in one string.
fn verdict_text(v: &serde_json::Value) -> String {
    match (v.get("fault"), v.get("error")) {
        (Some(f), _) => format!("entry {}: {}", f["seq"], f["reason"].as_str().unwrap_or("")),
        (_, Some(e)) => e.as_str().unwrap_or("").to_string(),
        _ => panic!("a failed verdict with neither fault nor error: {v}"),
    }
}

/// Ways a verdict may name the row with key `k`.
fn names_of(k: &[u8]) -> Vec<String> {
    let rest = &k[1..];
    let seq = store::layout::key_seq(k);
    match (k[0], seq) {
        (store::layout::ENTRY | store::layout::PART, Some(s)) => vec![format!("entry {s}")],
        (store::layout::CHECKPOINT, Some(s)) => vec![format!("size {s}")],
        (store::layout::REGISTRY, Some(s)) => vec![format!("R {s}")],
        (store::layout::STATEMENT, _) => vec![format!("H {}", hex::encode(rest))],
        (store::layout::INCIDENT, _) => vec![format!("I {:?}", String::from_utf8_lossy(rest))],
        // An altered tag reads as another format, and is named so.
        (store::layout::META, _) if rest == b"format" => {
            vec!["X \"format\"".into(), "of format".into()]
        }
        (store::layout::META, _) => vec![format!("X {:?}", String::from_utf8_lossy(rest))],
        (p, _) => vec![format!("{} ", p as char)],
    }
}

/// With the archive in `dir` tampered with and passing `verify`: the
/// writer still refuses the revoked key's statement, the incident id
/// opened again, and appends no statement twice; or it refuses to open.
fn refusals_hold(dir: &Path, f: &Fixture, kept: &StatementFile, what: &str) {
    let mut a = match Archive::open(dir) {
        Ok(a) => a,
        // The writer refuses the archive: nothing can be acknowledged.
        Err(e) => {
            assert!(e.to_string().len() > 30, "{what}: terse error {e}");
            return;
        }
    };
    let size = a.size();
    let revoked = note(&laptop(), "signed after the revocation");
    assert!(
        matches!(a.ingest(&revoked), Ok(Err(_)) | Err(_)),
        "{what}: the revoked key's statement was accepted"
    );
    let reopened = sign(&f.keys.ngo, Kind::Incident, &incident("Tangata bis"));
    assert!(
        matches!(a.ingest(&reopened), Ok(Err(_)) | Err(_)),
        "{what}: the incident id was opened again"
    );
    // Acknowledged as the entry it already is, or refused.
    if let Ok(Ok(acc)) = a.ingest(kept) {
        assert!(
            acc.duplicate && acc.seq == 9,
            "{what}: a statement of the log was appended again at {}",
            acc.seq
        );
    }
    assert_eq!(a.size(), size, "{what}: something was appended");
}

#[test]
fn every_row_deleted_or_altered_is_named_by_verify_or_leaves_every_refusal_in_force() {
    let (f, kept) = fixture();
    let rows: Vec<(Vec<u8>, Vec<u8>)> = {
        let db = open_db(&f.dir());
        db.iter()
            .map(|r| {
                let (k, v) = r.unwrap();
                (k.to_vec(), v.to_vec())
            })
            .collect()
    };
    let prefixes: std::collections::BTreeSet<u8> = rows.iter().map(|(k, _)| k[0]).collect();
    for p in [b'E', b'H', b'I', b'P', b'R', b'C', b'T', b'X'] {
        assert!(prefixes.contains(&p), "the fixture has {} rows", p as char);
    }
    let work = tempfile::tempdir().unwrap();
    let (mut named, mut held) = (0, 0);
    for (i, (k, v)) in rows.iter().enumerate() {
        for delete in [true, false] {
            let dir = work.path().join(format!("{i}-{delete}"));
            copy_dir(&f.dir(), &dir);
            {
                let db = open_db(&dir);
                if delete {
                    db.remove(k).unwrap();
                } else {
                    let mut w = v.clone();
                    match w.last_mut() {
                        Some(b) => *b ^= 0x01,
                        None => w.push(0xff),
                    }
                    db.insert(k.as_slice(), w).unwrap();
                }
                db.flush().unwrap();
            }
            let what = format!(
                "{} of {}",
                if delete { "deletion" } else { "alteration" },
                String::from_utf8_lossy(k)
            );
            let (code, verdict) = verify_json(&dir);
            if verdict["ok"] == json!(true) {
                assert_eq!(code, 0, "{what}: {verdict}");
                refusals_hold(&dir, &f, &kept, &what);
                held += 1;
            } else {
                assert!(code == 1 || code == 2, "{what}: exit {code}");
                if verdict.get("fault").is_some() {
                    let kind = &verdict["fault"]["kind"];
                    assert!(
                        kind.is_string(),
                        "{what}: a fault without a kind: {verdict}"
                    );
                }
                let text = verdict_text(&verdict);
                let names = names_of(k);
                assert!(
                    names.iter().any(|n| text.contains(n.as_str())),
                    "{what}: verify failed without naming the row ({names:?}): {text}"
                );
                named += 1;
            }
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
    eprintln!(
        "{} rows, {} tamperings: {named} named by verify, {held} with every refusal in force",
        rows.len(),
        2 * rows.len()
    );
}

#[test]
fn a_checkpoint_key_other_than_the_genesis_key_is_refused_and_named_by_verify() {
    let (f, _) = fixture();
    let path = f.dir().join(CHECKPOINT_KEY_FILE);
    let public = temoin::keys::public_path_for(&path);
    let before = std::fs::read(&path).unwrap();
    let before_public = std::fs::read(&public).unwrap();
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(&public).unwrap();
    let other = SecretKey::generate(ORIGIN).unwrap();
    other.save(&path, "Not this archive's key.").unwrap();

    match Archive::open(&f.dir()) {
        Err(e @ ArchiveError::WrongCheckpointKey { .. }) => {
            assert!(e.to_string().contains("restore"), "{e}")
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("the archive opened with another checkpoint key"),
    }
    let (code, verdict) = verify_json(&f.dir());
    assert_eq!(code, 1, "{verdict}");
    assert_eq!(verdict["fault"]["kind"], json!("key_file"), "{verdict}");
    let text = verdict_text(&verdict);
    assert!(
        text.contains(CHECKPOINT_KEY_FILE) && text.contains("genesis"),
        "{text}"
    );
    // Put back, the archive's own key is accepted again.
    std::fs::write(&path, &before).unwrap();
    std::fs::write(&public, &before_public).unwrap();
    let mut a = f.open();
    accept(&mut a, &note(&f.keys.ngo, "after the key was restored"));
}

/// One-bit flips in sled's `db/db` (a deterministic sample of positions
/// in its written bytes): `verify --json` always ends, with exit 1 and a
/// JSON verdict naming what it could not read, or exit 0 if the flip hit
/// bytes sled does not use and the audit passes.
#[test]
fn bit_flips_in_sleds_file_end_with_a_json_verdict() {
    let (f, _) = fixture();
    // Opened once more: sled has written a snapshot, so that damage is
    // met when pages are read, not only when the log is recovered.
    drop(f.open());
    let db_file = f.dir().join("db").join("db");
    let pristine = std::fs::read(&db_file).unwrap();
    let used = pristine.iter().rposition(|&b| b != 0).unwrap_or(0) + 1;
    let work = tempfile::tempdir().unwrap();
    let (mut failed, mut passed) = (0, 0);
    for i in 0..24u64 {
        let at = (i * 7919 + 13) as usize % used;
        let dir = work.path().join(format!("flip-{at}"));
        copy_dir(&f.dir(), &dir);
        let mut bytes = pristine.clone();
        bytes[at] ^= 1 << (i % 8);
        std::fs::write(dir.join("db").join("db"), &bytes).unwrap();
        let (code, stdout, stderr) = run_output(temoin_cmd(
            &["verify", "--json", "--stall-timeout", "60", "--archive"],
            &[dir.as_os_str()],
        ));
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("flip at {at}: no JSON verdict ({e}): {stdout:?} {stderr:?}")
        });
        match code {
            0 => {
                assert_eq!(v["ok"], json!(true), "flip at {at}: {v}");
                passed += 1;
            }
            1 => {
                assert_eq!(v["ok"], json!(false), "flip at {at}: {v}");
                let text = verdict_text(&v);
                assert!(text.len() > 20, "flip at {at}: {text}");
                failed += 1;
            }
            _ => panic!("flip at {at}: exit {code}: {stderr}"),
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    eprintln!(
        "24 flips in the first {used} bytes of db/db: {failed} failed verify, {passed} passed"
    );
}
