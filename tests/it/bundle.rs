//! Evidence bundles: export, offline verification, withheld and redacted
//! parts, and every kind of tampering detected at the right entry with the
//! right reason (issue 4).

use crate::evidence_support;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use evidence_support::*;
use temoin::bundle::{self, Bundle, ExportOptions, FaultKind, Location, Scope, Verdict};
use temoin::projection::ArchiveViews;
use temoin::registry::PAYLOAD;

fn export(f: &Fixture, scope: Scope, withhold: &[&str]) -> Bundle {
    let a = f.open();
    let opts = ExportOptions {
        scope,
        withhold: withhold.iter().map(|s| s.to_string()).collect(),
        beside: None,
    };
    bundle::export(a.store(), &opts, 1_763_600_000_000).expect("export")
}

fn verify(f: &Fixture, b: &Bundle) -> Verdict {
    bundle::verify(b, &f.keys.vkey())
}

/// Serialize and parse again, as a file would be.
fn reload(b: &Bundle) -> Bundle {
    Bundle::from_json(b.to_json().as_bytes()).expect("parses")
}

fn entry_mut(b: &mut Bundle, seq: u64) -> &mut bundle::BundleEntry {
    b.entries
        .iter_mut()
        .find(|e| e.seq == seq)
        .expect("entry in bundle")
}

/// The verdict fails, and its first fault is at `at` and of `kind`.
fn assert_fault(v: &Verdict, at: Location, kind: FaultKind) {
    assert!(!v.ok(), "tampering not detected");
    let f = v.first_fault().unwrap();
    assert_eq!(
        (&f.at, f.kind),
        (&at, kind),
        "first fault: {f}; all: {:#?}",
        v.faults
    );
}

#[test]
fn an_incident_bundle_verifies_offline_and_holds_what_it_should() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let b = reload(&export(&f, Scope::Incident(TANGATA.into()), &[]));
    let v = verify(&f, &b);
    assert!(v.ok(), "{:#?}", v.faults);
    let seqs: Vec<u64> = b.entries.iter().map(|e| e.seq).collect();
    // Registry (0-3, 11), the incident (4), t1 (5), t2 (6), the amendment
    // (9), the annotation (10); not Émimalane's entries (7, 8).
    assert_eq!(seqs, vec![0, 1, 2, 3, 4, 5, 6, 9, 10, 11]);
    assert_eq!(v.checkpoint.as_ref().unwrap().size, 12);
    // Entries as exact bytes next to their decoded form.
    let e5 = b.entries.iter().find(|e| e.seq == 5).unwrap();
    assert_eq!(e5.statement_hash, f.hash("t1").to_hex());
    assert_eq!(e5.decoded.statement.kind, "testimony");
    assert_eq!(e5.decoded.seq, 5);
    assert!(e5.parts.iter().any(|p| p.label == "witness"));
    assert!(e5
        .parts
        .iter()
        .any(|p| p.text.as_deref().is_some_and(|t| t.contains("brûlés vifs"))));
    // Authors with their names, roles and the revocation that came later.
    let names: Vec<&str> = b.authors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "Aïssata Custodienne",
            "ONG Tombouctou (Moussa Ag Alhassane)",
            "Mohamed AG Ahmedou, journaliste",
            "Éloïse Relectrice"
        ]
    );
    let journalist = &b.authors[2];
    assert_eq!(journalist.revoked_at, Some(11));
    assert_eq!(
        journalist.revocation_reason.as_deref(),
        Some("ordinateur portable perdu")
    );
    // The projection recomputed from the bundle is the archive's own view.
    let a = f.open();
    let own = ArchiveViews::uncached(a.store())
        .incident(TANGATA, 12)
        .unwrap();
    assert_eq!(b.projection[TANGATA], serde_json::to_value(&own).unwrap());
    assert_eq!(b.projection[TANGATA]["figures"]["dead"]["min"], 7);
    assert_eq!(b.projection[TANGATA]["figures"]["dead"]["max"], 8);
    // The entries' authority as replayed.
    let t2 = v.entries.iter().find(|e| e.seq == 6).unwrap();
    let (name, role) = t2.authorised_as.clone().unwrap();
    assert_eq!(name, "Mohamed AG Ahmedou, journaliste");
    assert_eq!(role.name(), "intermediary");
}

#[test]
fn statement_and_whole_log_bundles_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    // The amendment comes with the testimony it amends.
    let b = reload(&export(
        &f,
        Scope::Statement(f.hash("amendment").to_hex()),
        &[],
    ));
    let v = verify(&f, &b);
    assert!(v.ok(), "{:#?}", v.faults);
    let seqs: Vec<u64> = b.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![0, 1, 2, 3, 5, 9, 11]);
    assert!(b.projection.get(TANGATA).is_some());

    let all = reload(&export(&f, Scope::All, &[]));
    let v = verify(&f, &all);
    assert!(v.ok(), "{:#?}", v.faults);
    assert_eq!(all.entries.len(), 12);
    assert!(all.projection.get(EMIMALANE).is_some());
    // A whole-log bundle missing an entry says so.
    let mut gap = all.clone();
    gap.entries.retain(|e| e.seq != 7);
    let v = verify(&f, &gap);
    assert!(
        v.faults
            .iter()
            .any(|x| x.kind == FaultKind::Scope && x.reason.to_string().contains("entry 7")),
        "{:#?}",
        v.faults
    );

    // Export errors.
    let a = f.open();
    let err = |scope, w: &[&str]| {
        bundle::export(
            a.store(),
            &ExportOptions {
                scope,
                withhold: w.iter().map(|s| s.to_string()).collect(),
                beside: None,
            },
            0,
        )
        .unwrap_err()
        .to_string()
    };
    assert!(err(Scope::Incident("nulle-part".into()), &[]).contains("no incident"));
    assert!(err(Scope::Statement("ab".into()), &[]).contains("64 hex"));
    assert!(err(Scope::Statement("ab".repeat(32)), &[]).contains("no statement"));
    assert!(err(Scope::All, &[PAYLOAD]).contains("cannot be withheld"));
}

#[test]
fn withheld_parts_are_left_out_and_the_bundle_still_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let b = reload(&export(&f, Scope::Incident(TANGATA.into()), &["witness"]));
    let v = verify(&f, &b);
    assert!(v.ok(), "{:#?}", v.faults);
    assert_eq!(b.withheld_labels, vec!["witness".to_string()]);
    let json = b.to_json();
    assert!(!json.contains(WITNESS_NAME), "the witness's name leaked");
    assert!(
        !json.contains(&B64.encode(WITNESS_NAME)),
        "the witness's name leaked (base64)"
    );
    // Every testimony (and the amendment) says its witness part was withheld.
    let absent = v.absent_parts();
    let seqs: Vec<u64> = absent.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, vec![5, 6, 9]);
    assert!(absent
        .iter()
        .all(|(_, a)| a.label == "witness" && a.why == "withheld"));
    // The commitment is still there, signed.
    let e5 = b.entries.iter().find(|e| e.seq == 5).unwrap();
    assert!(e5
        .decoded
        .statement
        .parts
        .iter()
        .any(|p| p.label == "witness"));
    // Same projection with or without the witness's identity.
    let full = export(&f, Scope::Incident(TANGATA.into()), &[]);
    assert_eq!(b.projection, full.projection);

    // Declaring absent a part not listed as withheld is a fault.
    let mut bad = b.clone();
    bad.withheld_labels.clear();
    assert_fault(
        &verify(&f, &bad),
        Location::Entry(5),
        FaultKind::MissingPart,
    );
    // Dropping a part without declaring it is a fault.
    let mut bad = full.clone();
    entry_mut(&mut bad, 6).parts.retain(|p| p.label != "text");
    let v = verify(&f, &bad);
    assert_fault(&v, Location::Entry(6), FaultKind::MissingPart);
    assert!(v
        .first_fault()
        .unwrap()
        .reason
        .to_string()
        .contains("\"text\""));
}

#[test]
fn redacted_parts_are_reported_with_their_order() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    {
        let mut a = f.open();
        let r = a
            .ingest(&redaction(&f.keys.custodian, f.hash("t2"), "witness"))
            .unwrap()
            .unwrap();
        assert_eq!(r.seq, 12);
    }
    let b = reload(&export(&f, Scope::Incident(TANGATA.into()), &[]));
    let v = verify(&f, &b);
    assert!(v.ok(), "{:#?}", v.faults);
    let e6 = b.entries.iter().find(|e| e.seq == 6).unwrap();
    assert_eq!(e6.absent.len(), 1);
    assert_eq!(
        (e6.absent[0].why.as_str(), e6.absent[0].by_seq),
        ("redacted", Some(12))
    );
    // A statement bundle of t2 brings the redaction order along.
    let s = reload(&export(&f, Scope::Statement(f.hash("t2").to_hex()), &[]));
    assert!(verify(&f, &s).ok());
    assert!(s.entries.iter().any(|e| e.seq == 12));
    // Claiming a redaction by an entry that is not an order for that part.
    let mut bad = b.clone();
    entry_mut(&mut bad, 6).absent[0].by_seq = Some(10);
    assert_fault(
        &verify(&f, &bad),
        Location::Entry(6),
        FaultKind::MissingPart,
    );
    // Hiding a part as "redacted" by an order that erased another part.
    let mut bad = b.clone();
    let e5 = entry_mut(&mut bad, 5);
    e5.parts.retain(|p| p.label != "text");
    e5.absent.push(bundle::AbsentPart {
        label: "text".into(),
        why: "redacted".into(),
        by_seq: Some(12),
    });
    assert_fault(
        &verify(&f, &bad),
        Location::Entry(5),
        FaultKind::MissingPart,
    );
}

#[test]
fn every_kind_of_tampering_is_detected_at_its_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let good = reload(&export(&f, Scope::Incident(TANGATA.into()), &[]));
    assert!(verify(&f, &good).ok());

    // 1. A flipped byte in an entry (its signature): the hashes no longer match.
    let mut b = good.clone();
    let e = entry_mut(&mut b, 6);
    let mut bytes = B64.decode(&e.entry).unwrap();
    let n = bytes.len();
    bytes[n - 1] ^= 0x01;
    e.entry = B64.encode(&bytes);
    assert_fault(&verify(&f, &b), Location::Entry(6), FaultKind::Hash);
    // ... and with the listed hashes and decoded form fixed up to match,
    // the author's signature and the inclusion proof still fail.
    let e = entry_mut(&mut b, 6);
    let entry = temoin::entry::Entry::from_bytes(&bytes).unwrap();
    e.entry_hash = temoin::entry::entry_hash(&bytes).to_hex();
    e.statement_hash = entry.statement.hash().to_hex();
    e.decoded.statement.signature = hex::encode(entry.statement.signature);
    let v = verify(&f, &b);
    assert_fault(&v, Location::Entry(6), FaultKind::Signature);
    assert!(v.faults_at(6).any(|x| x.kind == FaultKind::Inclusion));

    // 2. A flipped byte in the body (the claimed creation time): the bytes
    // no longer decode to what was signed.
    let mut b = good.clone();
    let e = entry_mut(&mut b, 5);
    let mut bytes = B64.decode(&e.entry).unwrap();
    bytes[8 + 32 + 8 + 8 + 2 + 16 + 32] ^= 0x40; // created_at, low byte
    e.entry = B64.encode(&bytes);
    let v = verify(&f, &b);
    assert_fault(&v, Location::Entry(5), FaultKind::Hash);
    assert!(v.faults_at(5).any(|x| x.kind == FaultKind::Signature));

    // 3. A flipped byte in a part's content.
    let mut b = good.clone();
    let p = entry_mut(&mut b, 5)
        .parts
        .iter_mut()
        .find(|p| p.label == "text")
        .unwrap();
    let mut c = B64.decode(p.content.as_ref().unwrap()).unwrap();
    c[3] ^= 0x20;
    p.content = Some(B64.encode(&c));
    p.text = String::from_utf8(c).ok();
    let v = verify(&f, &b);
    assert_fault(&v, Location::Entry(5), FaultKind::Part);
    assert!(v
        .first_fault()
        .unwrap()
        .reason
        .to_string()
        .contains("\"text\" does not match its commitment"));

    // 4. A part's readable text edited (content untouched).
    let mut b = good.clone();
    let p = entry_mut(&mut b, 5)
        .parts
        .iter_mut()
        .find(|p| p.label == "text")
        .unwrap();
    p.text = Some("Aucun mort.".into());
    assert_fault(&verify(&f, &b), Location::Entry(5), FaultKind::Decoded);

    // 5. A swapped proof hash.
    let mut b = good.clone();
    let e = entry_mut(&mut b, 9);
    assert!(e.inclusion_proof.len() >= 2);
    e.inclusion_proof.swap(0, 1);
    let v = verify(&f, &b);
    assert_fault(&v, Location::Entry(9), FaultKind::Inclusion);
    assert!(v
        .first_fault()
        .unwrap()
        .reason
        .to_string()
        .contains("size 12"));

    // 6. A wrong checkpoint signature.
    let mut b = good.clone();
    b.checkpoint = flip_signature(&b.checkpoint);
    let v = verify(&f, &b);
    assert_fault(&v, Location::Checkpoint, FaultKind::Checkpoint);
    assert_eq!(v.faults.len(), 1);
    // ... or a checkpoint re-signed by another key for a forged root.
    let forger = temoin::keys::SecretKey::from_seed(ORIGIN, &[9; 32]).unwrap();
    let mut b = good.clone();
    b.checkpoint = temoin::checkpoint::Checkpoint::new(ORIGIN, 12, [1; 32])
        .sign(&forger.note_signer().unwrap())
        .unwrap();
    assert_fault(&verify(&f, &b), Location::Checkpoint, FaultKind::Checkpoint);

    // 7. A forged decoded form (the time of receipt, in its readable form).
    let mut b = good.clone();
    entry_mut(&mut b, 6).decoded.received_at_utc = "2025-11-01T00:00:00Z".into();
    let v = verify(&f, &b);
    assert_fault(&v, Location::Entry(6), FaultKind::Decoded);
    assert!(v
        .first_fault()
        .unwrap()
        .reason
        .to_string()
        .contains("decoded.received_at_utc"));
    // ... the author shown.
    let mut b = good.clone();
    entry_mut(&mut b, 6).decoded.statement.author = hex::encode(f.keys.ngo.public().to_bytes());
    assert_fault(&verify(&f, &b), Location::Entry(6), FaultKind::Decoded);

    // 8. An edited projection.
    let mut b = good.clone();
    b.projection[TANGATA]["figures"]["dead"]["max"] = serde_json::json!(23);
    let v = verify(&f, &b);
    assert_fault(&v, Location::Projection, FaultKind::Projection);
    assert!(
        v.first_fault()
            .unwrap()
            .reason
            .to_string()
            .contains("figures.dead.max"),
        "{}",
        v.first_fault().unwrap()
    );

    // ... or computed by another version of the projection.
    let mut b = good.clone();
    b.projection_format = "temoin-incident-view/0".into();
    let v = verify(&f, &b);
    assert_fault(&v, Location::Projection, FaultKind::Projection);
    assert!(v
        .first_fault()
        .unwrap()
        .reason
        .to_string()
        .contains("cannot be compared"));
    assert_eq!(v.faults.len(), 1);

    // 9. A removed registry entry: the journalist's enrolment.
    let mut b = good.clone();
    b.entries.retain(|e| e.seq != 2);
    let v = verify(&f, &b);
    assert_fault(&v, Location::Entry(6), FaultKind::Authority);
    assert!(v
        .first_fault()
        .unwrap()
        .reason
        .to_string()
        .contains("not enrolled"));
    // ... the genesis.
    let mut b = good.clone();
    b.entries.retain(|e| e.seq != 0);
    assert_fault(&verify(&f, &b), Location::Bundle, FaultKind::Registry);

    // 10. An edited author name.
    let mut b = good.clone();
    b.authors[2].name = "Quelqu'un d'autre".into();
    assert_fault(&verify(&f, &b), Location::Authors, FaultKind::Authors);

    // 11. An entry's bytes moved to another position.
    let mut b = good.clone();
    let six = entry_mut(&mut b, 6).clone();
    let e = entry_mut(&mut b, 9);
    e.entry = six.entry.clone();
    assert_fault(&verify(&f, &b), Location::Entry(9), FaultKind::EntryBytes);

    // 12. The wrong archive key.
    let other = temoin::signed_note::VerifierKey::parse(
        &temoin::keys::SecretKey::from_seed(ORIGIN, &[3; 32])
            .unwrap()
            .vkey()
            .unwrap(),
    )
    .unwrap();
    let v = bundle::verify(&good, &other);
    assert_fault(&v, Location::Checkpoint, FaultKind::Checkpoint);

    // 13. A statement signed by the right author but never in the log:
    // re-using another entry's proof fails inclusion.
    let mut b = good.clone();
    let forged = testimony(
        &f.keys.ngo,
        TANGATA,
        0,
        "Il n'y a pas eu de frappe.",
        "personne",
    );
    let e = entry_mut(&mut b, 10);
    let mut entry = temoin::entry::Entry::from_bytes(&B64.decode(&e.entry).unwrap()).unwrap();
    entry.statement = forged.statement.clone();
    let bytes = entry.to_bytes();
    let body = temoin::statement::StatementBody::decode(&entry.statement.body_bytes).unwrap();
    e.entry = B64.encode(&bytes);
    e.entry_hash = temoin::entry::entry_hash(&bytes).to_hex();
    e.statement_hash = entry.statement.hash().to_hex();
    e.decoded = bundle::DecodedEntry::of(&entry, &body);
    e.parts = forged
        .parts
        .iter()
        .map(|p| bundle::BundlePart::inline(&p.label, &p.salt, &p.content))
        .collect();
    let v = verify(&f, &b);
    assert_fault(&v, Location::Entry(10), FaultKind::Inclusion);
}

#[test]
fn hostile_bundles_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let good = export(&f, Scope::Incident(TANGATA.into()), &[]);
    let key = f.keys.vkey();
    // Not bundles.
    for junk in [
        &b""[..],
        b"[]",
        b"{}",
        b"{\"format\":\"temoin-bundle/v9\"}",
        b"\xff\xfe",
        b"{\"format\":\"temoin-bundle/v1\"}",
    ] {
        assert!(Bundle::from_json(junk).is_err());
    }
    // Absurd sizes inside a well-formed bundle.
    let mut b = good.clone();
    let e = entry_mut(&mut b, 5);
    e.inclusion_proof = vec!["00".repeat(32); 10_000];
    e.parts[0].content = Some("A".repeat(1000));
    e.parts[1].salt = "!!".into();
    e.entry = "=".repeat(9);
    let v = bundle::verify(&b, &key);
    assert!(!v.ok());
    let mut b = good.clone();
    entry_mut(&mut b, 5).entry = "A".repeat(200_000);
    assert_fault(
        &bundle::verify(&b, &key),
        Location::Entry(5),
        FaultKind::EntryBytes,
    );
    let mut b = good.clone();
    entry_mut(&mut b, 5).decoded.statement.parts[0].length = u64::MAX;
    entry_mut(&mut b, 5).absent.push(bundle::AbsentPart {
        label: "nope".into(),
        why: "lost".into(),
        by_seq: Some(u64::MAX),
    });
    assert!(!bundle::verify(&b, &key).ok());
    // Entries out of order, duplicated.
    let mut b = good.clone();
    b.entries.swap(3, 4);
    b.entries.push(b.entries[0].clone());
    assert!(!bundle::verify(&b, &key).ok());

    // Random byte mutations of the file: parse or not, never panic.
    let text = good.to_json().into_bytes();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut parsed_and_failed = 0;
    for _ in 0..300 {
        let mut t = text.clone();
        for _ in 0..1 + next() % 3 {
            let i = (next() % t.len() as u64) as usize;
            t[i] = (next() % 256) as u8;
        }
        if let Ok(b) = Bundle::from_json(&t) {
            let v = bundle::verify(&b, &key);
            if !v.ok() {
                parsed_and_failed += 1;
            }
        }
    }
    assert!(parsed_and_failed > 0);
}

fn flip_signature(note: &str) -> String {
    let mut lines: Vec<String> = note.lines().map(String::from).collect();
    let last = lines.last_mut().unwrap();
    let pos = last.len() - 10;
    let c = last.as_bytes()[pos];
    last.replace_range(pos..pos + 1, if c == b'A' { "B" } else { "A" });
    lines.join("\n") + "\n"
}
