//! The evidence commands through the `temoin` binary: checkpoint, receipts
//! (ingest --receipt-dir, receipt, verify-receipt), consistency-proof,
//! export, verify-bundle, report, verify-consistency; exit codes 0/1/2.

use crate::evidence_support;

use evidence_support::*;
use std::path::{Path, PathBuf};

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

fn vkey(f: &Fixture) -> String {
    f.keys.checkpoint.vkey().unwrap()
}

#[test]
fn checkpoint_receipts_and_verify_receipt() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let f = tangata(t);
    let k = vkey(&f);

    // `key list` shows the archive's checkpoint vkey, the one to give lawyers.
    let (code, out, _) = run!("key", "list", "--archive", f.dir);
    assert_eq!(code, 0);
    assert!(out.contains(&k), "{out}");
    assert!(out.contains("checkpoint"));

    // `checkpoint` prints the latest signed note, verbatim.
    let (code, out, _) = run!("checkpoint", "--archive", f.dir);
    assert_eq!(code, 0);
    assert!(out.starts_with(&format!("{ORIGIN}\n12\n")), "{out}");
    assert!(out.contains(&format!("\n\n— {ORIGIN} ")));
    let old = write(&t.join("old.note"), &out);
    let (code, out, _) = run!("checkpoint", "--archive", f.dir, "--size", "7", "--json");
    assert_eq!(code, 0);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["size"], 7);
    assert_eq!(run!("checkpoint", "--archive", f.dir, "--size", "99").0, 2);

    // Ingest with receipts.
    let s1 = testimony(
        &f.keys.ngo,
        TANGATA,
        7,
        "Un troisième témoignage, de Goundam.",
        "X",
    );
    let s2 = annotation(
        &f.keys.reviewer,
        f.hash("t1"),
        "Corroboré par l'imam de Tin-Aïcha.",
    );
    let p1 = write(&t.join("s1.tms"), s1.to_bytes());
    let p2 = write(&t.join("s2.tms"), s2.to_bytes());
    let rd = t.join("receipts");
    let (code, out, err) = run!("ingest", "--archive", f.dir, "--receipt-dir", rd, p1, p2);
    assert_eq!(code, 0, "{out}{err}");
    let r1 = rd.join(format!("{}.receipt.json", s1.statement.hash().to_hex()));
    let r2 = rd.join(format!("{}.receipt.json", s2.statement.hash().to_hex()));
    assert!(r1.is_file() && r2.is_file());

    // Offline, with the vkey or a file holding it.
    let (code, out, err) = run!("verify-receipt", r1, "--archive-key", k);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("is entry 12 of temoin.test/tombouctou"),
        "{out}"
    );
    let kf = write(
        &t.join("archive.vkey"),
        format!("# the archive's key\n{k}\n"),
    );
    assert_eq!(
        run!("verify-receipt", r2, "--archive-key", kf, "--json").0,
        0
    );

    // More entries later; the receipt is still good, and provably still there.
    let s3 = annotation(
        &f.keys.reviewer,
        f.hash("t2"),
        "Aucune confirmation indépendante.",
    );
    let p3 = write(&t.join("s3.tms"), s3.to_bytes());
    assert_eq!(run!("ingest", "--archive", f.dir, p3).0, 0);
    let (code, out, err) = run!("verify-receipt", r1, "--archive-key", k, "--archive", f.dir);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("still there"), "{out}");
    let proof = t.join("proof.json");
    assert_eq!(
        run!(
            "consistency-proof",
            "--archive",
            f.dir,
            "--old",
            "14",
            "--out",
            proof
        )
        .0,
        0
    );
    let (code, out, err) = run!(
        "verify-receipt",
        r1,
        "--archive-key",
        k,
        "--consistency-proof",
        proof
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("size 15"), "{out}");
    let (_, latest, _) = run!("checkpoint", "--archive", f.dir);
    let latest = write(&t.join("latest.note"), latest);
    let (code, _, err) = run!(
        "verify-receipt",
        r1,
        "--archive-key",
        k,
        "--checkpoint",
        latest,
        "--consistency-proof",
        proof
    );
    assert_eq!(code, 0, "{err}");
    // The earlier checkpoint with that proof: refused.
    let (code, _, err) = run!(
        "verify-receipt",
        r1,
        "--archive-key",
        k,
        "--checkpoint",
        old,
        "--consistency-proof",
        proof
    );
    assert_eq!(code, 1, "{err}");

    // `receipt` fetches a receipt later.
    let (code, out, _) = run!("receipt", "--archive", f.dir, f.hash("t1").to_hex());
    assert_eq!(code, 0);
    let again = write(&t.join("t1.receipt.json"), out);
    assert_eq!(run!("verify-receipt", again, "--archive-key", k).0, 0);

    // A tampered receipt fails (1), and so does a file that is not a
    // receipt; an unusable argument is a usage error (2).
    let text = std::fs::read_to_string(&r1).unwrap();
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();
    let h = j["inclusion_proof"][0].as_str().unwrap().to_string();
    let bad = write(&t.join("bad.json"), text.replace(&h, &"0".repeat(64)));
    let (code, _, err) = run!("verify-receipt", bad, "--archive-key", k);
    assert_eq!(code, 1);
    assert!(err.contains("inclusion proof fails"), "{err}");
    assert_eq!(
        run!("verify-receipt", r1, "--archive-key", "not-a-key").0,
        2
    );
    assert_eq!(run!("verify-receipt", old, "--archive-key", k).0, 1);
}

#[test]
fn export_verify_bundle_and_report() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let f = tangata(t);
    let k = vkey(&f);
    let b = t.join("tangata.bundle.json");

    assert_eq!(
        run!("export", "--archive", f.dir, "--out", b).0,
        2,
        "no scope: usage"
    );
    assert_eq!(
        run!(
            "export",
            "--archive",
            f.dir,
            "--incident",
            "nulle-part",
            "--out",
            b
        )
        .0,
        2
    );
    let (code, out, err) = run!(
        "export",
        "--archive",
        f.dir,
        "--incident",
        TANGATA,
        "--withhold",
        "witness",
        "--out",
        b
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("10 entries"), "{out}");
    assert!(out.contains("withheld: witness"), "{out}");

    let (code, out, err) = run!("verify-bundle", b, "--archive-key", k);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("VERIFIED"), "{out}");
    assert!(out.contains("witness withheld"), "{out}");
    let (code, out, _) = run!("verify-bundle", b, "--archive-key", k, "--json");
    assert_eq!(code, 0);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["ok"], true);

    // The HTML report.
    let html = t.join("report.html");
    let (code, _, err) = run!("report", b, "--archive-key", k, "--out", html);
    assert_eq!(code, 0, "{err}");
    let r = std::fs::read_to_string(&html).unwrap();
    for needle in [
        "<meta charset=\"utf-8\">",
        "@media print",
        "VERIFIED",
        "Incident tangata-2025-11-13 — Frappe de drone sur Tangata",
        "Mohamed AG Ahmedou, journaliste",
        "ONG Tombouctou (Moussa Ag Alhassane)",
        "Ali Ag Mohamed Elmehdi",
        "Toraghite Walet Innabougor",
        "brûlés vifs",
        "d&#39;Eghachar N&#39;Tirikene &amp; de Tin-Aïcha",
        "withheld from this bundle at export",
        "revoked at entry 11 (ordinateur portable perdu)",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "lang=\"fr\"",
    ] {
        assert!(r.contains(needle), "the report lacks {needle:?}");
    }
    assert!(r.contains(&f.hash("t1").to_hex()));
    assert!(r.contains(&f.hash("t2").to_hex()));
    assert!(!r.contains("<script>"), "unescaped markup from the bundle");
    assert!(!r.contains(WITNESS_NAME));
    // Times claimed and received.
    assert!(r.contains("created (claimed by the author)"));
    assert!(r.contains("received by the archive"));

    // The Markdown report.
    let mdp = t.join("report.md");
    assert_eq!(run!("report", b, "--archive-key", k, "--out", mdp).0, 0);
    let m = std::fs::read_to_string(&mdp).unwrap();
    assert!(m.starts_with("# Chain-of-custody report"));
    assert!(m.contains("**VERIFIED**"));
    assert!(m.contains("Toraghite Walet Innabougor"));
    assert!(m.contains(&f.hash("t1").to_hex()));
    assert!(!m.contains("<script>"));

    // A tampered bundle: exit 1, the entry and the reason; the report says so.
    let text = std::fs::read_to_string(&b).unwrap();
    let mut j: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = j["entries"].as_array_mut().unwrap();
    let e5 = entries.iter_mut().find(|e| e["seq"] == 5).unwrap();
    e5["decoded"]["received_at"] = serde_json::json!(1_700_000_000_000i64);
    let bad = write(
        &t.join("bad.bundle.json"),
        serde_json::to_string(&j).unwrap(),
    );
    let (code, _, err) = run!("verify-bundle", bad, "--archive-key", k);
    assert_eq!(code, 1);
    assert!(err.contains("entry 5: decoded form:"), "{err}");
    assert!(err.contains("FAILED"), "{err}");
    let bad_html = t.join("bad.html");
    let (code, _, _) = run!("report", bad, "--archive-key", k, "--out", bad_html);
    assert_eq!(code, 1);
    let r = std::fs::read_to_string(&bad_html).unwrap();
    assert!(r.contains("VERIFICATION FAILED"));
    assert!(r.contains("entry 5: decoded form"));

    // Not a bundle; a wrong key.
    let junk = write(&t.join("junk.json"), "{\"hello\": 1}");
    assert_eq!(run!("verify-bundle", junk, "--archive-key", k).0, 1);
    let other = temoin::keys::SecretKey::from_seed(ORIGIN, &[5; 32])
        .unwrap()
        .vkey()
        .unwrap();
    let (code, _, err) = run!("verify-bundle", b, "--archive-key", other);
    assert_eq!(code, 1);
    assert!(err.contains("checkpoint"), "{err}");
}

#[test]
fn verify_consistency_accepts_an_extension_and_catches_a_rewrite() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let f = tangata(t);
    let k = vkey(&f);
    let (_, old, _) = run!("checkpoint", "--archive", f.dir, "--size", "7");
    let old = write(&t.join("old.note"), old);
    let (_, new, _) = run!("checkpoint", "--archive", f.dir);
    let new = write(&t.join("new.note"), new);

    let (code, out, err) = run!(
        "verify-consistency",
        old,
        new,
        "--archive",
        f.dir,
        "--archive-key",
        k
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("extends OLD"), "{out}");
    // Without --archive-key: the key the archive's genesis names, with a note.
    let (code, _, err) = run!("verify-consistency", old, new, "--archive", f.dir);
    assert_eq!(code, 0);
    assert!(err.contains("using the checkpoint key"), "{err}");
    // Offline, with a proof file.
    let proof = t.join("p.json");
    assert_eq!(
        run!(
            "consistency-proof",
            "--archive",
            f.dir,
            "--old",
            "7",
            "--out",
            proof
        )
        .0,
        0
    );
    assert_eq!(
        run!(
            "verify-consistency",
            old,
            new,
            "--consistency-proof",
            proof,
            "--archive-key",
            k
        )
        .0,
        0
    );
    // Reversed: a usage error.
    assert_eq!(
        run!(
            "verify-consistency",
            new,
            old,
            "--archive",
            f.dir,
            "--archive-key",
            k
        )
        .0,
        2
    );

    // The operator rewrites entry 6 and re-signs every checkpoint.
    backdate(&f.dir, 6);
    assert_eq!(
        run!("verify", "--archive", f.dir).0,
        0,
        "the rewrite passes the audit"
    );
    let (_, new2, _) = run!("checkpoint", "--archive", f.dir);
    let new2 = write(&t.join("new2.note"), new2);
    let (code, _, err) = run!(
        "verify-consistency",
        old,
        new2,
        "--archive",
        f.dir,
        "--archive-key",
        k
    );
    assert_eq!(code, 1);
    assert!(err.contains("LOG REWRITTEN"), "{err}");
    assert!(err.contains("matches NEW but not OLD"), "{err}");
    // The old NEW (before the rewrite) against the rewritten archive's
    // tree: OLD and NEW are one history, the archive is neither's, and its
    // proof says nothing about them.
    let (code, _, err) = run!(
        "verify-consistency",
        old,
        new,
        "--archive",
        f.dir,
        "--archive-key",
        k
    );
    assert_eq!(code, 1);
    assert!(!err.contains("LOG REWRITTEN"), "{err}");
    assert!(
        err.contains("NOT PROVEN") && err.contains("matches neither"),
        "{err}"
    );
    // The bundle exported before the rewrite still verifies on its own;
    // one exported after carries the new history.
}

/// Renders the fixture's report for a human to look at:
/// `TEMOIN_REPORT_DIR=/tmp/r cargo test --test it evidence_cli:: -- --ignored`.
#[test]
#[ignore]
fn render_report_for_inspection() {
    let out =
        PathBuf::from(std::env::var("TEMOIN_REPORT_DIR").unwrap_or("/tmp/temoin-report".into()));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let f = tangata(&out);
    let k = vkey(&f);
    let b = out.join("tangata.bundle.json");
    assert_eq!(
        run!(
            "export",
            "--archive",
            f.dir,
            "--incident",
            TANGATA,
            "--withhold",
            "witness",
            "--out",
            b
        )
        .0,
        0
    );
    assert_eq!(
        run!(
            "report",
            b,
            "--archive-key",
            k,
            "--out",
            out.join("report.html")
        )
        .0,
        0
    );
    assert_eq!(
        run!(
            "report",
            b,
            "--archive-key",
            k,
            "--out",
            out.join("report.md")
        )
        .0,
        0
    );
    std::fs::write(out.join("archive.vkey"), k).unwrap();
}
