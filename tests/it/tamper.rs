//! Tampering with a closed archive's store: each change must be reported by
//! `temoin::audit::audit` and by `temoin verify` (exit 1) as the first fault,
//! at the entry that was changed.
//!
//! The standard fixture (see `common::Fixture::standard(6)`):
//! 0 genesis, 1 enroll ngo, 2 enroll reviewer, 3 note (ngo), 4 note
//! (reviewer), 5 note (custodian), 6 note (ngo), 7 note (reviewer),
//! 8 note (custodian).
//!
//! Two kinds of tamperer: a naive one edits stored bytes and nothing else;
//! a careful forger (`common::reseal`) also rewrites every prev link, every
//! Merkle node, the head and every checkpoint (re-signed with the archive's
//! own checkpoint key), so that only the authors' signatures and their
//! authority can betray the change.

use crate::common;

use common::offsets::*;
use common::*;
use temoin::registry::Role;
use temoin::verdict::FaultKind;

fn fixture() -> Fixture {
    Fixture::standard(6)
}

#[test]
fn untouched_archive_verifies() {
    let f = fixture();
    let report = f.assert_clean();
    assert_eq!(report.entries, 9);
    assert_eq!(report.authors, 3);
    assert_eq!(report.parts, 9);
    assert_eq!(report.checkpoints, 9);
}

// ------------------------------------------------------- flipped bytes

#[test]
fn flipped_received_at_is_detected() {
    // received_at is the archive's, not covered by the author's signature:
    // only the chain (the Merkle leaf recorded at append) covers it.
    let f = fixture();
    f.tamper(|db| flip_entry_byte(db, 4, RECEIVED_AT as isize));
    f.assert_fault(4, FaultKind::Hash);
}

#[test]
fn flipped_received_at_low_byte_of_last_entry_is_detected() {
    let f = fixture();
    f.tamper(|db| flip_entry_byte(db, 8, RECEIVED_AT as isize));
    f.assert_fault(8, FaultKind::Hash);
}

#[test]
fn flipped_prev_link_is_detected() {
    let f = fixture();
    f.tamper(|db| flip_entry_byte(db, 4, PREV as isize + 5));
    f.assert_fault(4, FaultKind::Hash);
}

#[test]
fn flipped_seq_field_is_detected() {
    let f = fixture();
    f.tamper(|db| flip_entry_byte(db, 4, SEQ as isize));
    f.assert_fault(4, FaultKind::Sequence);
}

#[test]
fn flipped_body_byte_is_detected() {
    let f = fixture();
    f.tamper(|db| flip_entry_byte(db, 4, BODY_ID as isize + 3));
    f.assert_fault(4, FaultKind::Hash);
}

#[test]
fn flipped_body_byte_is_detected_by_the_signature_after_resealing() {
    let f = fixture();
    let dir = f.dir();
    f.tamper(|db| {
        flip_entry_byte(db, 4, BODY_ID as isize + 3);
        reseal(&dir, db);
    });
    f.assert_fault(4, FaultKind::Signature);
}

#[test]
fn flipped_body_length_is_detected() {
    let f = fixture();
    f.tamper(|db| flip_entry_byte(db, 4, BODY_LEN as isize));
    f.assert_fault(4, FaultKind::Hash);
}

#[test]
fn flipped_signature_byte_is_detected() {
    let f = fixture();
    f.tamper(|db| flip_entry_byte(db, 4, -1));
    f.assert_fault(4, FaultKind::Hash);
}

#[test]
fn flipped_signature_byte_is_detected_by_verify_strict_after_resealing() {
    let f = fixture();
    let dir = f.dir();
    f.tamper(|db| {
        flip_entry_byte(db, 4, -10);
        reseal(&dir, db);
    });
    f.assert_fault(4, FaultKind::Signature);
}

#[test]
fn flipped_part_content_is_detected() {
    // Parts sit outside the entry (in the parts file, FORMAT.md §8.2): only
    // their salted digest commitment in the signed body covers them.
    let f = fixture();
    f.tamper(|db| flip_part_byte(&f.dir(), db, 4, "text", 2));
    f.assert_fault(4, FaultKind::Part);
}

#[test]
fn flipped_registry_payload_is_detected_at_its_entry() {
    // The enrolment of the ngo key: the archive cannot even rebuild its
    // registry from it, but `temoin verify` must still run and name it.
    let f = fixture();
    f.tamper(|db| flip_part_byte(&f.dir(), db, 1, "payload", 0));
    f.assert_fault(1, FaultKind::Part);
}

#[test]
fn undecodable_registry_entry_is_detected_at_its_entry() {
    let f = fixture();
    f.tamper(|db| flip_entry_byte(db, 2, BODY_LEN as isize + 7));
    f.assert_fault(2, FaultKind::Hash);
}

#[test]
fn undecodable_registry_entry_is_detected_after_resealing() {
    let f = fixture();
    let dir = f.dir();
    f.tamper(|db| {
        flip_entry_byte(db, 2, BODY_LEN as isize + 7);
        reseal(&dir, db);
    });
    f.assert_fault(2, FaultKind::EntryBytes);
}

// ------------------------------------------------ deleted, swapped entries

#[test]
fn deleted_entry_is_detected() {
    let f = fixture();
    f.tamper(|db| delete_entry(db, 4));
    f.assert_fault(4, FaultKind::Sequence);
}

#[test]
fn deleted_entry_is_detected_after_resealing() {
    let f = fixture();
    let dir = f.dir();
    f.tamper(|db| {
        delete_entry(db, 4);
        reseal(&dir, db);
    });
    f.assert_fault(4, FaultKind::Sequence);
}

#[test]
fn deleted_last_entry_is_detected() {
    let f = fixture();
    f.tamper(|db| delete_entry(db, 8));
    f.assert_fault(8, FaultKind::Sequence);
}

#[test]
fn deleted_first_entry_is_detected() {
    let f = fixture();
    f.tamper(|db| delete_entry(db, 0));
    f.assert_fault(0, FaultKind::Sequence);
}

#[test]
fn swapped_entries_are_detected() {
    let f = fixture();
    f.tamper(|db| swap_entries(db, 4, 5));
    f.assert_fault(4, FaultKind::Sequence);
}

#[test]
fn swapped_entries_are_detected_after_resealing() {
    let f = fixture();
    let dir = f.dir();
    f.tamper(|db| {
        swap_entries(db, 4, 5);
        reseal(&dir, db);
    });
    f.assert_fault(4, FaultKind::Sequence);
}

// ------------------------------------------------------ forged statements

#[test]
fn entry_replaced_by_an_unenrolled_key_is_detected_by_authority() {
    // A validly signed statement by a key the archive never enrolled, put in
    // place of entry 5 with the right seq, prev and received_at, its parts
    // stored, the chain, tree, head and checkpoints all rewritten.
    let f = fixture();
    let dir = f.dir();
    let forged = note(&f.keys.mallory, "a forged note");
    f.tamper(|db| forge_replace(&dir, db, 5, &forged));
    let fault = f.assert_fault(5, FaultKind::Authority);
    let reason = fault.reason.to_string();
    assert!(
        reason.contains(&f.keys.mallory.public().to_hex())
            && reason.contains("is not enrolled in this archive"),
        "{fault}"
    );
}

#[test]
fn entry_appended_by_an_unenrolled_key_is_detected_by_authority() {
    let f = fixture();
    let dir = f.dir();
    let forged = note(&f.keys.mallory, "a forged note at the end");
    let mut seq = 0;
    f.tamper(|db| seq = forge_append(&dir, db, &forged));
    assert_eq!(seq, 9);
    f.assert_fault(9, FaultKind::Authority);
}

#[test]
fn forged_enrolment_by_an_unenrolled_key_is_detected_at_its_seq() {
    // Mallory "enrols" herself as a custodian, then signs a note: the
    // enrolment itself is the fault.
    let f = fixture();
    let dir = f.dir();
    let self_enrol = enroll(
        &f.keys.mallory,
        &f.keys.mallory.public(),
        "M",
        Role::Custodian,
    );
    let later = note(&f.keys.mallory, "now enrolled?");
    f.tamper(|db| {
        forge_replace(&dir, db, 6, &self_enrol);
        forge_replace(&dir, db, 7, &later);
    });
    f.assert_fault(6, FaultKind::Authority);
}

/// The standard fixture with the reviewer revoked at entry 9, then a note by
/// the ngo at 10.
fn revoked_fixture() -> Fixture {
    let mut f = fixture();
    let mut a = f.open();
    f.push(&mut a, |k| {
        revoke(&k.custodian, &k.reviewer.public(), "laptop lost")
    });
    f.push(&mut a, |k| note(&k.ngo, "after the revocation"));
    drop(a);
    f.assert_clean();
    f
}

#[test]
fn statement_appended_after_revocation_is_detected() {
    let f = revoked_fixture();
    let dir = f.dir();
    let forged = note(&f.keys.reviewer, "signed with the lost laptop");
    let mut seq = 0;
    f.tamper(|db| seq = forge_append(&dir, db, &forged));
    assert_eq!(seq, 11);
    let fault = f.assert_fault(11, FaultKind::Authority);
    // The revocation's own words reach whoever reads the verdict.
    let revoked = format!(
        "author key {} (Reviewer) was revoked at entry 9: laptop lost",
        f.keys.reviewer.public().to_hex()
    );
    assert!(
        fault.reason.to_string().contains(&revoked),
        "{}",
        fault.reason
    );
}

#[test]
fn entry_replaced_after_revocation_is_detected() {
    let f = revoked_fixture();
    let dir = f.dir();
    let forged = note(&f.keys.reviewer, "signed with the lost laptop");
    f.tamper(|db| forge_replace(&dir, db, 10, &forged));
    f.assert_fault(10, FaultKind::Authority);
}

#[test]
fn statements_before_the_revocation_stay_valid() {
    // The reviewer's notes at 4 and 7 came before its revocation at 9.
    let f = revoked_fixture();
    let report = f.assert_clean();
    assert_eq!(report.entries, 11);
}

#[test]
fn replayed_statement_is_detected() {
    // A careful forger replaces entry 6 with a copy of entry 3's statement:
    // validly signed by an enrolled key, its parts already stored. One
    // statement is never appended twice, so the copy is the fault.
    let f = fixture();
    let dir = f.dir();
    f.tamper(|db| {
        replay_3_at_6(&dir, db);
    });
    f.assert_fault(6, FaultKind::Rules);
}

/// Put a copy of entry 3's statement in place of entry 6 and reseal.
fn replay_3_at_6(dir: &std::path::Path, db: &sled::Db) -> temoin::hash::Digest {
    let first = entry(db, 3);
    let mut e = entry(db, 6);
    e.statement = first.statement;
    put_entry(db, &e);
    reseal(dir, db);
    e.statement.hash()
}

#[test]
fn replayed_statement_is_detected_when_the_index_names_the_copy() {
    // The forger also points the statement index at the copy.
    let f = fixture();
    let dir = f.dir();
    f.tamper(|db| {
        let h = replay_3_at_6(&dir, db);
        let k = temoin::store::layout::key(temoin::store::layout::STATEMENT, &h.0);
        let v = db.get(&k).unwrap().unwrap();
        let mut info: temoin::rules::StatementInfo =
            temoin::encoding::decode_canonical(&v, 1 << 20, "index").unwrap();
        info.seq = 6;
        db.insert(k, temoin::encoding::encode(&info)).unwrap();
    });
    f.assert_fault(6, FaultKind::Rules);
}

#[test]
fn replayed_statement_is_detected_when_the_index_is_removed() {
    let f = fixture();
    let dir = f.dir();
    f.tamper(|db| {
        let h = replay_3_at_6(&dir, db);
        db.remove(temoin::store::layout::key(
            temoin::store::layout::STATEMENT,
            &h.0,
        ))
        .unwrap()
        .unwrap();
    });
    f.assert_fault(6, FaultKind::Rules);
}

// ------------------------------------------------------- the tree file

/// Flip one bit of node `(level, index)` in the tree file (FORMAT.md §8.1).
fn flip_tree_node(f: &Fixture, level: u8, index: u64) {
    use std::os::unix::fs::FileExt;
    let path = f.dir().join(temoin::store::TREE_FILE);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .expect("tree file");
    let offset = 32 * temoin::treefile::position(level, index).expect("position");
    let mut b = [0u8; 1];
    file.read_exact_at(&mut b, offset + 7).expect("read");
    file.write_all_at(&[b[0] ^ 0x10], offset + 7)
        .expect("write");
}

#[test]
fn flipped_merkle_leaf_is_detected_at_its_entry() {
    let f = fixture();
    flip_tree_node(&f, 0, 4);
    f.assert_fault(4, FaultKind::Hash);
}

#[test]
fn flipped_merkle_inner_node_is_detected_at_the_entry_completing_it() {
    // Node (2, 1) covers entries 4..8: entry 7 completes it.
    let f = fixture();
    flip_tree_node(&f, 2, 1);
    f.assert_fault(7, FaultKind::Tree);
}

#[test]
fn truncated_tree_file_is_detected_at_the_first_entry_it_lacks() {
    // Cut right after entry 5's nodes: entry 6's leaf is missing.
    let f = fixture();
    let path = f.dir().join(temoin::store::TREE_FILE);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("tree file");
    file.set_len(32 * temoin::treefile::node_count(6))
        .expect("truncate");
    drop(file);
    f.assert_fault(6, FaultKind::Tree);
    // A writer refuses to append to it, and says why.
    let err = temoin::Archive::open(&f.dir()).err().expect("refused");
    assert!(
        err.to_string()
            .contains("holds 320 bytes but the archive's head says 512 were written"),
        "{err}"
    );
}

#[test]
fn deleted_tree_file_is_detected_at_entry_0() {
    let f = fixture();
    std::fs::remove_file(f.dir().join(temoin::store::TREE_FILE)).expect("remove");
    f.assert_fault(0, FaultKind::Tree);
}
