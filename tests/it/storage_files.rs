//! The files beside sled (docs/FORMAT.md §8.1, §8.2): the parts file's
//! crash protocol, the erasure of redacted parts, and damage to the file.
//!
//! The standard fixture (see `common::Fixture::standard(6)`):
//! 0 genesis, 1 enroll ngo, 2 enroll reviewer, 3..8 notes.

use crate::common;

use common::*;
use temoin::registry::PAYLOAD;
use temoin::statement::{Draft, Kind};
use temoin::store;
use temoin::verdict::FaultKind;

const SECRET: &str = "Nom du témoin : Toraghite Walet Innabougor";

/// The standard fixture plus entry 9, a note naming a witness, and entry
/// 10, the custodian's order erasing that note's text.
fn redacted_fixture() -> Fixture {
    let mut f = Fixture::standard(6);
    let mut a = f.open();
    let noted = f.push(&mut a, |k| note(&k.ngo, SECRET));
    assert_eq!(noted.seq, 9);
    f.push(&mut a, |k| {
        let p = serde_json::json!({"label": "text", "reason": "Protection du témoin."});
        Draft::new(Kind::Redaction)
            .reference(noted.statement_hash)
            .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
            .sign(&k.custodian)
            .unwrap()
    });
    f
}

/// The audit passes (it notes the erased part first, so `assert_clean`'s
/// "ok:" is not the first line).
fn clean_with_notes(f: &Fixture) -> temoin::audit::AuditReport {
    let report = f.audit().expect("audit clean");
    let (code, stdout, stderr) = f.verify_cli();
    assert_eq!(code, 0, "{stdout} {stderr}");
    assert!(stdout.contains("was erased by the redaction order at entry 10"));
    report
}

fn parts_file(f: &Fixture) -> Vec<u8> {
    std::fs::read(f.dir().join(store::PARTS_FILE)).expect("parts file")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_redaction_order_zeroes_the_part_in_the_parts_file() {
    let plain = Fixture::standard(6);
    let mut a = plain.open();
    a.ingest(&note(&plain.keys.ngo, SECRET)).unwrap().unwrap();
    drop(a);
    assert!(
        contains(&parts_file(&plain), SECRET.as_bytes()),
        "stored first"
    );

    let f = redacted_fixture();
    assert!(
        !contains(&parts_file(&f), SECRET.as_bytes()),
        "the erased text is gone from the parts file"
    );
    let report = clean_with_notes(&f);
    assert_eq!(report.redacted.len(), 1);
    assert_eq!((report.redacted[0].seq, report.redacted[0].by_seq), (9, 10));
    // No erasure is left pending.
    assert_eq!(f.db().scan_prefix([store::layout::ERASE]).count(), 0);
}

#[test]
fn an_erasure_interrupted_by_a_crash_is_finished_at_the_next_open() {
    use std::os::unix::fs::FileExt;
    let f = redacted_fixture();
    // Put the bytes back and the pending `Z` row: the state after a crash
    // between the redaction's durable batch and the zeroing.
    let (offset, len) = {
        let db = f.db();
        let e = entry(&db, 9);
        let body = temoin::statement::StatementBody::decode(&e.statement.body_bytes).unwrap();
        let d = temoin::Digest(body.part("text").unwrap().digest);
        assert!(part_loc(&db, 9, &d.0).is_none(), "row gone");
        // The note's part is the last one stored before the order's payload.
        let end: u64 = temoin::encoding::decode_canonical(
            &db.get(store::layout::key(
                store::layout::META,
                store::layout::PARTS_END,
            ))
            .unwrap()
            .unwrap(),
            16,
            "end",
        )
        .unwrap();
        let order = entry(&db, 10);
        let ob = temoin::statement::StatementBody::decode(&order.statement.body_bytes).unwrap();
        let payload_len = 32 + ob.part(PAYLOAD).unwrap().length;
        let len = 32 + SECRET.len() as u64;
        let offset = end - payload_len - len;
        let mut bytes = vec![0u8; 32];
        bytes.extend_from_slice(SECRET.as_bytes());
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(f.dir().join(store::PARTS_FILE))
            .unwrap();
        file.write_all_at(&bytes, offset).unwrap();
        db.insert(
            store::layout::seq_key(store::layout::ERASE, offset),
            temoin::encoding::encode(&len),
        )
        .unwrap();
        db.flush().unwrap();
        (offset, len)
    };
    assert!(contains(&parts_file(&f), SECRET.as_bytes()));
    drop(f.open());
    let after = parts_file(&f);
    assert!(!contains(&after, SECRET.as_bytes()), "zeroed at open");
    assert!(after[offset as usize..(offset + len) as usize]
        .iter()
        .all(|&b| b == 0));
    assert_eq!(f.db().scan_prefix([store::layout::ERASE]).count(), 0);
    clean_with_notes(&f);
}

#[test]
fn parts_of_an_unacknowledged_batch_are_cut_off() {
    let f = Fixture::standard(6);
    let path = f.dir().join(store::PARTS_FILE);
    let before = std::fs::read(&path).unwrap();
    let mut with_garbage = before.clone();
    with_garbage.extend_from_slice(&[0xCD; 500]);
    std::fs::write(&path, &with_garbage).unwrap();
    let mut a = f.open();
    assert_eq!(std::fs::read(&path).unwrap(), before, "cut back");
    let acc = a
        .ingest(&note(&f.keys.ngo, "après la panne"))
        .unwrap()
        .unwrap();
    assert_eq!(acc.seq, 9);
    drop(a);
    let report = f.assert_clean();
    assert_eq!(report.entries, 10);
}

#[test]
fn a_truncated_parts_file_is_detected_at_the_first_entry_it_lacks() {
    // Cut inside entry 6's part: the parts of 6, 7 and 8 are lost, and no
    // redaction order explains them; the first is the fault.
    let f = Fixture::standard(6);
    let db = f.db();
    let e = entry(&db, 6);
    let body = temoin::statement::StatementBody::decode(&e.statement.body_bytes).unwrap();
    let d = temoin::Digest(body.part("text").unwrap().digest);
    let loc = part_loc(&db, 6, &d.0).expect("stored");
    drop(db);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(f.dir().join(store::PARTS_FILE))
        .unwrap();
    file.set_len(loc.offset + 40).unwrap();
    drop(file);
    f.assert_fault(6, FaultKind::MissingPart);
    let err = temoin::Archive::open(&f.dir())
        .err()
        .expect("a writer refuses");
    assert!(
        err.to_string().contains("was truncated or replaced"),
        "{err}"
    );
}

#[test]
fn part_locs_scans_what_part_loc_finds_one_by_one() {
    let f = Fixture::standard(6);
    let a = f.open();
    let st = a.store();
    let scanned: Vec<_> = st.part_locs(3, 7).map(|r| r.unwrap()).collect();
    let mut expect = Vec::new();
    for seq in 3..7 {
        let e = st.entry(seq).unwrap().unwrap();
        let body = temoin::statement::StatementBody::decode(&e.statement.body_bytes).unwrap();
        let mut digests: Vec<_> = body
            .parts
            .iter()
            .map(|c| temoin::Digest(c.digest))
            .collect();
        digests.sort();
        for d in digests {
            expect.push((seq, d, st.part_loc(seq, &d).unwrap().unwrap()));
        }
    }
    assert_eq!(scanned.len(), 4, "one text part per note");
    assert_eq!(scanned, expect);
    // The parts of 3..7 are contiguous in the file, in log order.
    let first = scanned[0].2.offset;
    let last = scanned[3].2;
    let mut run = vec![0u8; (last.offset + last.len - first) as usize];
    assert_eq!(st.parts_bytes_into(&mut run, first).unwrap(), run.len());
    let (salt, content) = st.part(6, &scanned[3].1).unwrap().unwrap();
    assert_eq!(&run[(last.offset - first) as usize..][..32], &salt);
    assert_eq!(&run[(last.offset - first + 32) as usize..], &content[..]);
}

/// A redaction order in the same batch as the note it erases a part of:
/// the note's `P` row keeps its other part, the erased one's bytes are
/// zeroed, and the audit notes the erasure.
#[test]
fn a_redaction_in_the_batch_of_its_target_keeps_the_targets_other_parts() {
    const PUBLIC: &str = "Annexe publique : carte du campement.";
    let f = Fixture::standard(6);
    let mut a = f.open();
    let k = &f.keys;
    let noted = Draft::new(Kind::Note)
        .part("text", SECRET)
        .part("annex", PUBLIC)
        .sign(&k.ngo)
        .unwrap();
    let order = Draft::new(Kind::Redaction)
        .reference(noted.statement.hash())
        .part(
            PAYLOAD,
            serde_json::to_vec(&serde_json::json!({"label": "text", "reason": "Protection."}))
                .unwrap(),
        )
        .sign(&k.custodian)
        .unwrap();
    let out = a.ingest_batch(&[noted.clone(), order]).unwrap();
    let seqs: Vec<u64> = out.iter().map(|r| r.as_ref().unwrap().seq).collect();
    assert_eq!(seqs, [9, 10]);
    let body = temoin::statement::StatementBody::decode(&noted.statement.body_bytes).unwrap();
    let (text, annex) = (
        body.part("text").unwrap().digest,
        body.part("annex").unwrap().digest,
    );
    let (_, content) = a
        .store()
        .part(9, &temoin::Digest(annex))
        .unwrap()
        .expect("the other part is still stored");
    assert_eq!(content, PUBLIC.as_bytes());
    assert!(a.store().part(9, &temoin::Digest(text)).unwrap().is_none());
    let row = a.store().part_row(9).unwrap();
    assert_eq!(row.len(), 1, "the row lists only the annex");
    assert_eq!(row[0].0, annex);
    drop(a);
    assert!(!contains(&parts_file(&f), SECRET.as_bytes()));
    assert!(contains(&parts_file(&f), PUBLIC.as_bytes()));
    let report = f.audit().expect("audit clean");
    assert_eq!(report.redacted.len(), 1);
    assert_eq!((report.redacted[0].seq, report.redacted[0].by_seq), (9, 10));
}

/// An archive written by an earlier storage format (here v2, one `P` row
/// per part) is refused by name, for writing and for the audit, and left
/// as it was.
#[test]
fn an_archive_of_an_earlier_storage_format_is_refused_by_name() {
    let f = Fixture::standard(1);
    let format_key = store::layout::key(store::layout::META, b"format");
    {
        let db = f.db();
        db.insert(&format_key, &b"temoin-archive-v2"[..]).unwrap();
        db.flush().unwrap();
    }
    let err = temoin::archive::Archive::open(&f.dir())
        .err()
        .expect("refused");
    let msg = err.to_string();
    assert!(
        msg.contains("\"temoin-archive-v2\"") && msg.contains("temoin-archive-v3"),
        "{msg}"
    );
    assert!(temoin::archive::Archive::open_for_audit(&f.dir()).is_err());
    let db = f.db();
    assert_eq!(
        db.get(&format_key).unwrap().as_deref(),
        Some(&b"temoin-archive-v2"[..]),
        "the archive is left as it was"
    );
}

/// Damage is carried as a type: a part-location row that does not decode
/// is `Damage::BadPartRow` at its entry, a removed entry
/// `Damage::MissingEntry`, whatever their wording.
#[test]
fn store_damage_is_typed_by_category() {
    use temoin::store::{Damage, StoreError};
    let f = Fixture::standard(6);
    f.tamper(|db| {
        db.insert(
            store::layout::seq_key(store::layout::PART, 4),
            &[1u8, 2, 3][..],
        )
        .unwrap();
        db.remove(store::layout::seq_key(store::layout::ENTRY, 6))
            .unwrap();
    });
    let a = temoin::Archive::open_reader(&f.dir()).expect("open for reading");
    match a.store().part_row(4) {
        Err(StoreError::Corrupt(Damage::BadPartRow { seq: 4, .. })) => {}
        other => panic!("{other:?}"),
    }
    match a.store().receipt(6) {
        Err(temoin::ArchiveError::Store(StoreError::Corrupt(Damage::MissingEntry { seq: 6 }))) => {}
        other => panic!("{other:?}"),
    }
}
