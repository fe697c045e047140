//! Reports say exactly what is true, and what the spec refuses is refused
//! (issue 11 §5, §6): erased is not withheld; a bad consistency proof
//! proves nothing; one exit-code policy for the verifying commands; secret
//! keys never echoed, never read from a file others can read; a precheck
//! used only for the file it checked; JSON members given twice, upper-case
//! hex and non-UTF-8 text refused.

use crate::evidence_support;
use temoin::keys::SaveKey as _;

use evidence_support::*;
use std::path::{Path, PathBuf};
use temoin::archive::{Archive, Refusal};
use temoin::bundle::{self, Bundle, ExportOptions, Scope, REDACTED, WITHHELD};
use temoin::receipt::{self, ConsistencyProof, HistoryError, Receipt};
use temoin::registry::{Role, PAYLOAD};
use temoin::statement::{Draft, Kind, StatementFile};

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

fn repo_key(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("keys")
        .join(name)
}

// --- §5: erased is not withheld -------------------------------------------

#[test]
fn a_part_erased_by_a_redaction_order_is_reported_erased_even_when_withheld() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let key = f.keys.vkey();
    let t1 = f.hash("t1");
    let by = {
        let mut a = f.open();
        a.ingest(&redaction(&f.keys.custodian, t1, "witness"))
            .unwrap()
            .expect("redaction accepted")
            .seq
    };
    let a = f.open();
    let b = bundle::export(
        a.store(),
        &ExportOptions {
            scope: Scope::Incident(TANGATA.into()),
            withhold: vec!["witness".into()],
            beside: None,
        },
        0,
    )
    .unwrap();
    let absent = |h: temoin::hash::Digest| {
        b.entries
            .iter()
            .find(|e| e.statement_hash == h.to_hex())
            .map(|e| e.absent.clone())
            .unwrap()
    };
    // t1's witness is gone from the archive: erased, by entry `by`.
    let t1_absent = absent(t1);
    assert_eq!(t1_absent.len(), 1);
    assert_eq!(
        (t1_absent[0].why.as_str(), t1_absent[0].by_seq),
        (REDACTED, Some(by))
    );
    // t2's is only left out of this bundle.
    assert_eq!(absent(f.hash("t2"))[0].why, WITHHELD);
    let v = bundle::verify(&b, &key);
    assert!(v.ok(), "{:?}", v.faults);
    let md = temoin::report::markdown(&v, &Default::default());
    assert!(
        md.contains(&format!(
            "erased in the archive by the redaction order at entry {by}"
        )),
        "{md}"
    );
    assert!(md.contains("gone from the archive for good"), "{md}");
    // The views are rendered from their types: every figure with its
    // sources in words, no "(s)".
    assert!(md.contains("### Figures for "), "{md}");
    assert!(!md.contains("(s)"), "{md}");

    // A bundle that calls the erased part withheld (the absent list is not
    // signed) is refused: the redaction order it holds says otherwise.
    let mut forged: Bundle = b.clone();
    for e in &mut forged.entries {
        if e.statement_hash == t1.to_hex() {
            e.absent[0].why = WITHHELD.into();
            e.absent[0].by_seq = None;
        }
    }
    let v = bundle::verify(&forged, &key);
    assert!(!v.ok());
    let faults: Vec<String> = v.faults.iter().map(|f| f.to_string()).collect();
    assert!(
        faults
            .iter()
            .any(|f| f.contains("must be declared redacted")),
        "{faults:?}"
    );
}

// --- §5: a bad proof proves nothing ---------------------------------------

#[test]
fn a_damaged_consistency_proof_proves_nothing_and_its_checkpoint_is_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let f = tangata(t);
    let k = f.keys.checkpoint.vkey().unwrap();
    let key = f.keys.vkey();
    let (old, new, proof_json) = {
        let a = f.open();
        let st = a.store();
        let old = st.checkpoint_note(5).unwrap().unwrap();
        let (size, new) = st.latest_checkpoint().unwrap().unwrap();
        let proof = st.consistency_proof(5, size).unwrap();
        let file = ConsistencyProof::new(5, size, &proof, Some(new.clone()));
        (old, new, file)
    };
    let old_p = write(&t.join("old.note"), &old);
    let new_p = write(&t.join("new.note"), &new);

    // One hash of the (unsigned) proof changed: honest checkpoints, a
    // damaged proof. Not a rewrite.
    let mut damaged = proof_json.clone();
    damaged.proof[0] = "00".repeat(32);
    let hashes = damaged.hashes().unwrap();
    match receipt::check_history(&old, &new, &key, &hashes) {
        Err(HistoryError::ProofFails { .. }) => {}
        other => panic!("a damaged proof must prove nothing: {other:?}"),
    }
    let dp = write(&t.join("damaged.json"), damaged.to_json());
    let (code, _, err) = run!(
        "verify-consistency",
        old_p,
        new_p,
        "--consistency-proof",
        dp,
        "--archive-key",
        k
    );
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("LOG REWRITTEN"), "{err}");
    assert!(
        err.contains("NOT PROVEN") && err.contains("proves nothing"),
        "{err}"
    );

    // The checkpoint the proof file carries is signed: a damaged one is
    // refused, not ignored.
    let mut bad_cp = proof_json.clone();
    bad_cp.checkpoint = Some(flip_signature(&new));
    let bp = write(&t.join("badcp.json"), bad_cp.to_json());
    let (code, _, err) = run!(
        "verify-consistency",
        old_p,
        new_p,
        "--consistency-proof",
        bp,
        "--archive-key",
        k
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not verify"), "{err}");
    // The same file for a receipt's "still there".
    let r = {
        let a = f.open();
        let st = a.store();
        Receipt::new(
            &st.entry_bytes(4).unwrap().unwrap(),
            old.clone(),
            &st.inclusion_proof(4, 5).unwrap(),
        )
        .unwrap()
    };
    assert!(r.verify_later(&key, &new, &proof_json).is_ok());
    assert!(r.verify_later(&key, &new, &bad_cp).is_err());

    // The good proof still verifies.
    let gp = write(&t.join("good.json"), proof_json.to_json());
    let (code, out, err) = run!(
        "verify-consistency",
        old_p,
        new_p,
        "--consistency-proof",
        gp,
        "--archive-key",
        k
    );
    assert_eq!(code, 0, "{out}{err}");
}

/// Change one character of the base64 signature of a note's last line.
fn flip_signature(note: &str) -> String {
    let mut lines: Vec<String> = note.lines().map(String::from).collect();
    let last = lines.last_mut().unwrap();
    let pos = last.len() - 10;
    let c = last.as_bytes()[pos];
    let repl = if c == b'A' { "B" } else { "A" };
    last.replace_range(pos..pos + 1, repl);
    lines.join("\n") + "\n"
}

// --- §6: one exit-code policy ----------------------------------------------

#[test]
fn verifying_commands_exit_1_on_a_bad_artefact_and_2_on_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let f = tangata(t);
    let k = f.keys.checkpoint.vkey().unwrap();
    let (note, receipt_text) = {
        let a = f.open();
        let (_, note) = a.store().latest_checkpoint().unwrap().unwrap();
        (note, a.receipt(5).unwrap().to_json())
    };
    let note_p = write(&t.join("cp.note"), &note);
    let garbage = write(&t.join("garbage.json"), "{\"format\": 3,");
    let not_a_note = write(&t.join("bad.note"), "not a checkpoint\n");
    let missing = t.join("no-such-file");
    let bundle_p = t.join("b.json");
    assert_eq!(
        run!(
            "export",
            "--archive",
            f.dir,
            "--incident",
            TANGATA,
            "--out",
            bundle_p
        )
        .0,
        0
    );
    let receipt_p = write(&t.join("r.json"), &receipt_text);
    let same = write(
        &t.join("same.json"),
        ConsistencyProof::new(12, 12, &[], None).to_json(),
    );

    let cases: Vec<(&str, Vec<&dyn AsRef<std::ffi::OsStr>>, i32)> = vec![
        // verify
        ("verify ok", vec![&"verify", &"--archive", &f.dir], 0),
        ("verify, no --archive", vec![&"verify"], 2),
        // verify-bundle
        (
            "bundle ok",
            vec![&"verify-bundle", &bundle_p, &"--archive-key", &k],
            0,
        ),
        (
            "bundle malformed",
            vec![&"verify-bundle", &garbage, &"--archive-key", &k],
            1,
        ),
        (
            "bundle missing",
            vec![&"verify-bundle", &missing, &"--archive-key", &k],
            2,
        ),
        ("bundle, no key", vec![&"verify-bundle", &bundle_p], 2),
        // verify-receipt
        (
            "receipt ok",
            vec![&"verify-receipt", &receipt_p, &"--archive-key", &k],
            0,
        ),
        (
            "receipt malformed",
            vec![&"verify-receipt", &garbage, &"--archive-key", &k],
            1,
        ),
        (
            "receipt missing",
            vec![&"verify-receipt", &missing, &"--archive-key", &k],
            2,
        ),
        ("receipt, no key", vec![&"verify-receipt", &receipt_p], 2),
        // verify-consistency
        (
            "consistency ok",
            vec![
                &"verify-consistency",
                &note_p,
                &note_p,
                &"--consistency-proof",
                &same,
                &"--archive-key",
                &k,
            ],
            0,
        ),
        (
            "consistency, malformed proof",
            vec![
                &"verify-consistency",
                &note_p,
                &note_p,
                &"--consistency-proof",
                &garbage,
                &"--archive-key",
                &k,
            ],
            1,
        ),
        (
            "consistency, malformed note",
            vec![
                &"verify-consistency",
                &not_a_note,
                &note_p,
                &"--archive",
                &f.dir,
                &"--archive-key",
                &k,
            ],
            1,
        ),
        (
            "consistency, missing note",
            vec![
                &"verify-consistency",
                &missing,
                &note_p,
                &"--archive",
                &f.dir,
            ],
            2,
        ),
        (
            "consistency, neither proof nor archive",
            vec![&"verify-consistency", &note_p, &note_p],
            2,
        ),
    ];
    let mut wrong = Vec::new();
    for (what, args, want) in &cases {
        let (code, _, err) = temoin(args);
        if code != *want {
            wrong.push(format!("{what}: exit {code}, want {want} ({err})"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// --- §6: secret keys ---------------------------------------------------------

#[test]
fn a_secret_key_is_never_echoed_where_a_public_key_is_expected() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let f = tangata(t);
    let secret_text = std::fs::read_to_string(repo_key("demo-journalist.key")).unwrap();
    let secret_line = secret_text
        .lines()
        .find(|l| l.starts_with("PRIVATE+KEY+"))
        .unwrap()
        .to_string();
    let seed_b64 = secret_line.rsplit('+').next().unwrap().to_string();
    let secret_file = write(&t.join("secret-as-pub"), &secret_text);
    let custodian = t.join("custodian.key");
    f.keys
        .custodian
        .save(&custodian, "test custodian")
        .expect("save");
    for (what, (code, out, err)) in [
        (
            "enroll --public LINE",
            run!(
                "key",
                "enroll",
                "--archive",
                f.dir,
                "--custodian-key",
                custodian,
                "--public",
                secret_line,
                "--role",
                "reviewer",
                "--name",
                "X"
            ),
        ),
        (
            "enroll --public FILE",
            run!(
                "key",
                "enroll",
                "--archive",
                f.dir,
                "--custodian-key",
                custodian,
                "--public",
                secret_file,
                "--role",
                "reviewer",
                "--name",
                "X"
            ),
        ),
        (
            "verify-bundle --archive-key LINE",
            run!("verify-bundle", "x.json", "--archive-key", secret_line),
        ),
        (
            "verify-receipt --archive-key FILE",
            run!("verify-receipt", "x.json", "--archive-key", secret_file),
        ),
    ] {
        assert_eq!(code, 2, "{what}: {err}");
        assert!(
            !err.contains(&seed_b64) && !out.contains(&seed_b64),
            "{what} printed the secret key: {err}"
        );
        assert!(err.contains("SECRET key"), "{what}: {err}");
    }
}

#[test]
#[cfg(unix)]
fn a_secret_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let k = t.join("mine.key");
    let (code, _, err) = run!("key", "generate", "--out", k, "--name", "mine");
    assert_eq!(code, 0, "{err}");
    write(&t.join("note.json"), r#"{"text": "x"}"#);
    let sign = || {
        run!(
            "sign",
            "--key",
            k,
            "--kind",
            "note",
            "--input",
            t.join("note.json"),
            "--out",
            t.join("n.tms")
        )
    };
    assert_eq!(sign().0, 0);
    std::fs::set_permissions(&k, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, err) = sign();
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("mode 644") && err.contains("chmod 600"),
        "{err}"
    );
    // The demo keys' seeds are public (they say DEMO ONLY): no secret to keep.
    let demo = t.join("demo.key");
    std::fs::copy(repo_key("demo-journalist.key"), &demo).unwrap();
    std::fs::set_permissions(&demo, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, err) = run!(
        "sign",
        "--key",
        demo,
        "--kind",
        "note",
        "--input",
        t.join("note.json"),
        "--out",
        t.join("d.tms")
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn the_demo_checkpoint_key_says_demo_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let (code, _, err) = run!("demo", "--archive", dir);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.join("checkpoint.key")).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with('#') && l.contains("DEMO ONLY")),
        "{text}"
    );
}

#[test]
fn an_archive_key_file_with_two_key_lines_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let f = tangata(t);
    let k = f.keys.checkpoint.vkey().unwrap();
    let other = key("other-archive").vkey().unwrap();
    let b = t.join("b.json");
    assert_eq!(
        run!(
            "export",
            "--archive",
            f.dir,
            "--incident",
            TANGATA,
            "--out",
            b
        )
        .0,
        0
    );
    let one = write(&t.join("one.pub"), format!("# the archive\n{k}\n"));
    assert_eq!(run!("verify-bundle", b, "--archive-key", one).0, 0);
    // Which of two keys is "the" archive key? Neither: refuse the file.
    let two = write(&t.join("two.pub"), format!("{k}\n{other}\n"));
    let (code, _, err) = run!("verify-bundle", b, "--archive-key", two);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("more than one key line"), "{err}");
}

// --- §6: a precheck is of its own file -------------------------------------

#[test]
fn a_precheck_serves_only_the_file_it_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let mut a = f.open();
    // A reviewer's enrolment, signed by the custodian...
    let newcomer = key("newcomer");
    let honest = enroll(&f.keys.custodian, &newcomer, "Nouveau", Role::Reviewer);
    // ...and the same signed statement with another payload part: the
    // statement hash is the same (it covers the body, not the parts).
    let mut forged = honest.clone();
    let p = forged
        .parts
        .iter_mut()
        .find(|p| p.label == PAYLOAD)
        .unwrap();
    p.content = String::from_utf8(p.content.clone())
        .unwrap()
        .replace("reviewer", "custodian")
        .into_bytes();
    assert_eq!(honest.statement.hash(), forged.statement.hash());
    assert_ne!(honest.parts, forged.parts);

    let prechecker = a.prechecker();
    let forged_batch = prechecker.check(vec![forged.clone()]);
    let honest_batch = prechecker.check(vec![honest.clone()]);
    // Each batch is ingested with its own files: the forged payload does
    // not match its commitment, whatever was prechecked before.
    assert_eq!(forged_batch.files(), &[forged][..]);
    let out = a.ingest_prechecked(forged_batch).unwrap();
    assert!(
        matches!(&out[0], Err(Refusal::PartMismatch { label, .. }) if label == PAYLOAD),
        "{out:?}"
    );
    let out = a.ingest_prechecked(honest_batch).unwrap();
    assert!(out[0].is_ok(), "{out:?}");
    assert_eq!(
        a.registry().get(&newcomer.public()).map(|r| r.role),
        Some(Role::Reviewer)
    );
}

// --- §6: refuse what the spec refuses --------------------------------------

#[test]
fn json_members_given_twice_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let f = tangata(t);
    let key = f.keys.vkey();
    let a = f.open();
    let b = bundle::export(
        a.store(),
        &ExportOptions {
            scope: Scope::Incident(TANGATA.into()),
            withhold: vec![],
            beside: None,
        },
        0,
    )
    .unwrap();
    let text = b.to_json();
    assert!(bundle::verify(&Bundle::from_json(text.as_bytes()).unwrap(), &key).ok());
    // The projection's figures given twice: the first says 99 dead. A
    // reader that keeps the first member sees 99; temoin kept the last
    // and verified it.
    let doubled = text.replacen(
        "\"dead\": {",
        "\"dead\": {\"max\": 99, \"min\": 99},\n\"dead\": {",
        1,
    );
    assert_ne!(doubled, text);
    match Bundle::from_json(doubled.as_bytes()) {
        Err(fault) => assert!(fault.to_string().contains("given twice"), "{fault}"),
        Ok(_) => panic!("a bundle with a member given twice was read"),
    }
    // A receipt, a proof file, a payload, the author's input to `sign`.
    let r = a.receipt(5).unwrap().to_json();
    let r2 = r.replacen("\"seq\": 5,", "\"seq\": 5,\n  \"seq\": 5,", 1);
    assert_ne!(r, r2);
    assert!(Receipt::from_json(r2.as_bytes()).is_err());
    let note = br#"{"text": "un", "text": "deux"}"#;
    assert!(temoin::compose::draft_from_json(Kind::Note, note).is_err());
    let payload = br#"{"label": "witness", "reason": "a", "reason": "b"}"#;
    assert!(temoin::domain::Payload::parse(Kind::Redaction, payload).is_err());
}

#[test]
fn upper_case_hex_is_refused_where_the_spec_says_lowercase() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let key = f.keys.vkey();
    let mut a = f.open();
    let r = a.receipt(5).unwrap();
    assert!(r.verify(&key).is_ok());
    let mut upper = r.clone();
    upper.entry_hash = upper.entry_hash.to_uppercase();
    assert!(
        upper.verify(&key).is_err(),
        "upper-case entry_hash accepted"
    );
    let mut upper = r.clone();
    upper.inclusion_proof[0] = upper.inclusion_proof[0].to_uppercase();
    assert!(
        upper.verify(&key).is_err(),
        "upper-case proof hash accepted"
    );
    // An enrolment payload's key: "exactly 64 lowercase hex digits".
    let newcomer = key_pub_hex("newcomer-hex");
    let p = serde_json::json!({"key": newcomer.to_uppercase(), "name": "X", "role": "reviewer"});
    let file = Draft::new(Kind::Enroll)
        .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
        .sign(&f.keys.custodian)
        .unwrap();
    let out = a.ingest(&file).unwrap();
    assert!(out.is_err(), "upper-case key in an enrolment accepted");
}

fn key_pub_hex(name: &str) -> String {
    key(name).public().to_hex()
}

#[test]
fn a_text_part_that_is_not_utf8_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tangata(tmp.path());
    let mut a = f.open();
    let bad: StatementFile = Draft::new(Kind::Note)
        .part("text", &b"Caf\xe9 (Latin-1, not UTF-8)"[..])
        .sign(&f.keys.ngo)
        .unwrap();
    match a.ingest(&bad).unwrap() {
        Err(Refusal::PartContent { reason }) => {
            assert!(
                reason.contains("\"text\" is text and must be UTF-8"),
                "{reason}"
            );
        }
        other => panic!("a note whose text is not UTF-8: {other:?}"),
    }
    let good: StatementFile = Draft::new(Kind::Note)
        .part("text", "Café")
        .sign(&f.keys.ngo)
        .unwrap();
    assert!(a.ingest(&good).unwrap().is_ok());
    let _: &Archive = &a;
}
