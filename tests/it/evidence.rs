//! Receipts (round trip, tampering, still-there proofs) and fork/rewrite
//! detection between checkpoints (DESIGN §4–§5, issue 4).

use crate::evidence_support;

use evidence_support::*;
use temoin::audit;
use temoin::receipt::{
    self, ConsistencyError, ConsistencyProof, Diagnosis, HistoryError, ProofFrom, Receipt,
    ReceiptError,
};

fn receipt_of(f: &Fixture, name: &str) -> Receipt {
    let a = f.open();
    a.receipt(f.seq(name)).expect("receipt")
}

#[test]
fn receipt_round_trip_verifies_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let r = receipt_of(&f, "t1");
    let json = r.to_json();
    let back = Receipt::from_json(json.as_bytes()).unwrap();
    assert_eq!(back, r);
    let v = back.verify(&f.keys.vkey()).expect("verifies");
    assert_eq!(v.entry.seq, f.seq("t1"));
    assert_eq!(v.statement_hash, f.hash("t1"));
    assert_eq!(v.checkpoint.origin, ORIGIN);
    assert_eq!(v.checkpoint.size, 12);
    assert_eq!(r.statement_hash, f.hash("t1").to_hex());
}

#[test]
fn tampered_receipts_fail_with_their_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let key = f.keys.vkey();
    let r = receipt_of(&f, "t1");

    // A flipped byte in the entry (inside the author's signature).
    let mut bad = r.clone();
    let mut bytes = base64_decode(&bad.entry);
    let n = bytes.len();
    bytes[n - 1] ^= 1;
    bad.entry = base64_encode(&bytes);
    assert!(matches!(bad.verify(&key), Err(ReceiptError::Entry(_))));

    // The same, with the hashes fixed up: the signature fails.
    bad.entry_hash = temoin::entry::entry_hash(&bytes).to_hex();
    bad.statement_hash = temoin::entry::Entry::from_bytes(&bytes)
        .unwrap()
        .statement
        .hash()
        .to_hex();
    match bad.verify(&key) {
        Err(ReceiptError::Entry(m)) => assert!(m.contains("signature"), "{m}"),
        other => panic!("{other:?}"),
    }

    // A proof hash replaced.
    let mut bad = r.clone();
    bad.inclusion_proof[0] = "00".repeat(32);
    assert!(matches!(
        bad.verify(&key),
        Err(ReceiptError::Inclusion { seq: 5, .. })
    ));

    // A proof hash too many.
    let mut bad = r.clone();
    bad.inclusion_proof.push("11".repeat(32));
    assert!(matches!(
        bad.verify(&key),
        Err(ReceiptError::Inclusion { .. })
    ));

    // Another seq claimed.
    let mut bad = r.clone();
    bad.seq = 4;
    assert!(matches!(bad.verify(&key), Err(ReceiptError::Entry(_))));

    // The checkpoint's signature altered.
    let mut bad = r.clone();
    bad.checkpoint = flip_signature(&bad.checkpoint);
    assert!(matches!(bad.verify(&key), Err(ReceiptError::Checkpoint(_))));

    // Another key (an impostor's archive of the same origin).
    let other = key_named(ORIGIN, "impostor");
    assert!(matches!(r.verify(&other), Err(ReceiptError::Checkpoint(_))));

    // Not a receipt.
    assert!(Receipt::from_json(b"{\"format\":\"x\"}").is_err());
    assert!(Receipt::from_json(b"[]").is_err());
}

#[test]
fn a_later_checkpoint_proves_the_statement_is_still_there() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let key = f.keys.vkey();
    // A receipt issued when the log had 6 entries (t1 = entry 5).
    let a = f.open();
    let st = a.store();
    let old_note = st.checkpoint_note(6).unwrap().unwrap();
    let proof = st.inclusion_proof(5, 6).unwrap();
    let r = Receipt::new(&st.entry_bytes(5).unwrap().unwrap(), old_note, &proof).unwrap();
    assert_eq!(r.verify(&key).unwrap().checkpoint.size, 6);

    let (size, later) = st.latest_checkpoint().unwrap().unwrap();
    let cproof = ConsistencyProof::new(
        6,
        size,
        &st.consistency_proof(6, size).unwrap(),
        Some(later.clone()),
    );
    let cproof = ConsistencyProof::from_json(cproof.to_json().as_bytes()).unwrap();
    let s = r.verify_later(&key, &later, &cproof).expect("still there");
    assert_eq!(s.later.size, 12);

    // With the archive itself.
    let s = r.verify_in_log(&key, &a).expect("still there");
    assert_eq!(s.later.size, 12);

    // A proof for other sizes is refused, and a doctored one fails.
    let wrong = ConsistencyProof::new(5, size, &st.consistency_proof(5, size).unwrap(), None);
    assert!(matches!(
        r.verify_later(&key, &later, &wrong),
        Err(ReceiptError::Consistency(_))
    ));
    let mut doctored = cproof.clone();
    doctored.proof[0] = "22".repeat(32);
    assert!(matches!(
        r.verify_later(&key, &later, &doctored),
        Err(ReceiptError::Consistency(_))
    ));
    // An earlier checkpoint is not "later".
    let earlier = st.checkpoint_note(5).unwrap().unwrap();
    let back = ConsistencyProof::new(6, 5, &[], None);
    assert!(r.verify_later(&key, &earlier, &back).is_err());
}

#[test]
fn consistency_holds_for_an_honest_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let key = f.keys.vkey();
    let a = f.open();
    let st = a.store();
    let old = st.checkpoint_note(5).unwrap().unwrap();
    let (size, new) = st.latest_checkpoint().unwrap().unwrap();
    let proof = st.consistency_proof(5, size).unwrap();
    let (o, n) = receipt::check_history(&old, &new, &key, &proof).expect("consistent");
    assert_eq!((o.size, n.size), (5, 12));
    // Same checkpoint twice: trivially consistent with an empty proof.
    assert!(receipt::check_history(&new, &new, &key, &[]).is_ok());
    // Reversed order is a usage error, not a rewrite.
    assert!(matches!(
        receipt::check_history(&new, &old, &key, &proof),
        Err(HistoryError::Order { old: 12, new: 5 })
    ));
    // A checkpoint of another log.
    let other = key_named("temoin.test/ailleurs", "ailleurs");
    let foreign = temoin::checkpoint::Checkpoint::new("temoin.test/ailleurs", 3, [7; 32])
        .sign(
            &key_secret("temoin.test/ailleurs", "ailleurs")
                .note_signer()
                .unwrap(),
        )
        .unwrap();
    assert!(matches!(
        receipt::check_history(&old, &foreign, &other, &[]),
        Err(HistoryError::Checkpoint { which: "OLD", .. })
    ));
}

#[test]
fn a_rewritten_log_is_caught_by_consistency_with_an_earlier_checkpoint() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let key = f.keys.vkey();
    // What an intermediary kept: the checkpoint at size 7 and t1's receipt.
    let (old, receipt) = {
        let a = f.open();
        let st = a.store();
        let note = st.checkpoint_note(7).unwrap().unwrap();
        let proof = st.inclusion_proof(5, 7).unwrap();
        let r = Receipt::new(&st.entry_bytes(5).unwrap().unwrap(), note.clone(), &proof).unwrap();
        (note, r)
    };
    assert!(receipt.verify(&key).is_ok());

    // The operator backdates the receipt of testimony t2 (entry 6) and
    // re-signs every checkpoint with the same archive key.
    backdate(&f.dir, 6);
    let a = f.open();
    let st = a.store();
    // The rewritten archive is internally consistent: its own audit passes.
    let report = audit::audit(st, &mut |_| {})
        .unwrap()
        .expect("the rewrite is self-consistent");
    assert_eq!(report.entries, 12);

    // But the checkpoint kept from before does not fit the new history.
    // The rewritten archive's proof does not connect them; a proof is not
    // signed, so that alone proves nothing...
    let (size, new) = st.latest_checkpoint().unwrap().unwrap();
    let proof = st.consistency_proof(7, size).unwrap();
    match receipt::check_history(&old, &new, &key, &proof) {
        Err(HistoryError::ProofFails {
            old_size: 7,
            new_size: 12,
            ..
        }) => {}
        other => panic!("rewrite not caught: {other:?}"),
    }
    // With the rewritten archive at hand, its present tree shows the
    // rewrite: it matches NEW but not the OLD the same key signed.
    match receipt::verify_consistency(&old, &new, &key, ProofFrom::Log(&a)) {
        Err(ConsistencyError::Diagnosed(Diagnosis::Rewritten {
            old_size: 7,
            new_size: 12,
            ..
        })) => {}
        other => panic!("rewrite not diagnosed: {other:?}"),
    }
    // ...but the re-signed checkpoint at the same size differs from the
    // kept one: two signed, contradictory checkpoints prove it.
    let resigned = st.checkpoint_note(7).unwrap().unwrap();
    assert_ne!(resigned, old);
    assert!(matches!(
        receipt::check_history(&old, &resigned, &key, &[]),
        Err(HistoryError::Rewritten { .. })
    ));
    // t1 (entry 5) is untouched, but its receipt's tree is not the
    // archive's any more: the archive cannot prove it kept it.
    match receipt.verify_in_log(&key, &a) {
        Err(ReceiptError::Consistency(m)) => assert!(m.contains("rewritten"), "{m}"),
        other => panic!("{other:?}"),
    }
}

// --- helpers -------------------------------------------------------------

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// Change one character of the base64 signature of a note's last line.
pub fn flip_signature(note: &str) -> String {
    let mut lines: Vec<String> = note.lines().map(String::from).collect();
    let last = lines.last_mut().unwrap();
    let pos = last.len() - 10;
    let c = last.as_bytes()[pos];
    let repl = if c == b'A' { "B" } else { "A" };
    last.replace_range(pos..pos + 1, repl);
    lines.join("\n") + "\n"
}

fn key_secret(name: &str, seed: &str) -> temoin::keys::SecretKey {
    let s = temoin::hash::sha256(&[seed.as_bytes()]).0;
    temoin::keys::SecretKey::from_seed(name, &s).unwrap()
}

fn key_named(name: &str, seed: &str) -> temoin::signed_note::VerifierKey {
    temoin::signed_note::VerifierKey::parse(&key_secret(name, seed).vkey().unwrap()).unwrap()
}
