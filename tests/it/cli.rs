//! The README's walk-through (sections 1-5), run through the `temoin`
//! binary: keys, init, enrolment, offline signing, ingest, submit, log,
//! key list, verify; then revocation, exit codes and TEMOIN_ARCHIVE.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

struct Shell {
    tmp: tempfile::TempDir,
}

impl Shell {
    fn new() -> Shell {
        Shell {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.tmp.path().join(p)
    }

    /// Run `temoin args` in the shell's directory: (exit code, stdout, stderr).
    fn run_env(&self, args: &[&str], env: &[(&str, &Path)]) -> (i32, String, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_temoin"));
        cmd.args(args)
            .current_dir(self.tmp.path())
            .env_remove("TEMOIN_ARCHIVE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        common::run_output(cmd.output().unwrap())
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_env(args, &[])
    }

    /// Run and require exit 0; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let (code, stdout, stderr) = self.run(args);
        assert_eq!(code, 0, "temoin {args:?}: stderr {stderr:?}");
        stdout
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }
}

#[test]
fn readme_walk_through() {
    let sh = Shell::new();

    // 1. Keys.
    let out = sh.ok(&[
        "key",
        "generate",
        "--out",
        "custodian.key",
        "--name",
        "custodian",
    ]);
    assert!(out.contains("vkey:       custodian+"), "{out}");
    sh.ok(&[
        "key",
        "generate",
        "--out",
        "aminata.key",
        "--name",
        "aminata-walet",
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for k in ["custodian.key", "aminata.key"] {
            let mode = std::fs::metadata(sh.path(k)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{k} has mode {:o}", mode & 0o777);
        }
    }
    let public = std::fs::read_to_string(sh.path("aminata.key.pub")).unwrap();
    assert!(
        public.lines().any(|l| l.starts_with("aminata-walet+")),
        "{public}"
    );
    // A key is never overwritten.
    let (code, _, stderr) = sh.run(&["key", "generate", "--out", "aminata.key"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("already exists"), "{stderr}");

    // 2. Create an archive.
    let out = sh.ok(&[
        "init",
        "--archive",
        "./archive",
        "--origin",
        "temoin.example/tombouctou",
        "--custodian-key",
        "custodian.key",
    ]);
    assert!(out.contains("created archive ./archive"), "{out}");
    assert!(
        out.contains("checkpoint key: temoin.example/tombouctou+"),
        "{out}"
    );
    assert!(sh.path("archive/checkpoint.key").exists());

    // 3. Enrol an intermediary; list the keys.
    let out = sh.ok(&[
        "key",
        "enroll",
        "--archive",
        "./archive",
        "--custodian-key",
        "custodian.key",
        "--public",
        "aminata.key.pub",
        "--role",
        "intermediary",
        "--name",
        "Aminata Walet",
    ]);
    assert!(out.contains("appended entry      1  enroll"), "{out}");
    let out = sh.ok(&["key", "list", "--archive", "./archive"]);
    for want in [
        "Aminata Walet",
        "intermediary",
        "custodian",
        "checkpoint",
        "active",
    ] {
        assert!(out.contains(want), "{want:?} not in {out}");
    }
    let rows: serde_json::Value =
        serde_json::from_str(&sh.ok(&["key", "list", "--archive", "./archive", "--json"])).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    let aminata = rows.iter().find(|r| r["name"] == "Aminata Walet").unwrap();
    assert_eq!(aminata["role"], "intermediary");
    assert_eq!(aminata["enrolled_seq"], 1);
    common::rfc3339_ms(&aminata["enrolled_at"]);
    assert!(aminata["revoked_seq"].is_null() && aminata["revoked_at"].is_null());

    // 4. Sign offline (no archive involved), ingest later.
    sh.write(
        "note.json",
        r#"{"text": "Témoignage recueilli à Tin-Aïcha le 15 novembre."}"#,
    );
    let out = sh.ok(&[
        "sign",
        "--key",
        "aminata.key",
        "--kind",
        "note",
        "--input",
        "note.json",
        "--out",
        "note.tms",
    ]);
    assert!(out.starts_with("signed note statement "), "{out}");
    let statement_hash = out.split_whitespace().nth(3).unwrap().to_string();
    assert_eq!(statement_hash.len(), 64, "{out}");
    let out = sh.ok(&[
        "ingest",
        "--archive",
        "./archive",
        "note.tms",
        "--receipt-dir",
        "receipts/",
    ]);
    assert!(out.starts_with("appended entry      2  note"), "{out}");
    assert!(out.contains(&statement_hash[..12]), "{out}");
    // The receipt proves, offline, that the archive accepted the statement.
    let receipt = format!("receipts/{statement_hash}.receipt.json");
    assert!(sh.path(&receipt).exists(), "no {receipt}");
    sh.ok(&[
        "verify-receipt",
        &receipt,
        "--archive-key",
        "archive/checkpoint.key.pub",
    ]);
    // Sent twice: acknowledged with its entry, not appended again.
    let out = sh.ok(&["ingest", "--archive", "./archive", "note.tms"]);
    assert!(out.starts_with("already entry      2  note"), "{out}");
    // Sign and ingest at once.
    sh.write("note2.json", r#"{"text": "Second témoignage."}"#);
    let out = sh.ok(&[
        "submit",
        "--archive",
        "./archive",
        "--key",
        "aminata.key",
        "--kind",
        "note",
        "--input",
        "note2.json",
    ]);
    assert!(out.starts_with("appended entry      3  note"), "{out}");

    // 5. Read the log, audit it.
    let log: serde_json::Value =
        serde_json::from_str(&sh.ok(&["log", "--archive", "./archive", "--json"])).unwrap();
    let log = log.as_array().unwrap();
    let kinds: Vec<&str> = log.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["genesis", "enroll", "note", "note"]);
    let seqs: Vec<u64> = log.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [0, 1, 2, 3]);
    assert_eq!(log[2]["statement_hash"], statement_hash.as_str());
    assert_eq!(log[2]["author_name"], "Aminata Walet");
    assert_eq!(log[2]["parts"], serde_json::json!(["text"]));
    assert_eq!(log[0]["author_name"], "custodian");
    let text = sh.ok(&["log", "--archive", "./archive"]);
    assert!(text.starts_with("seq"), "{text}");
    assert_eq!(text.lines().count(), 5, "{text}");
    let out = sh.ok(&["verify", "--archive", "./archive"]);
    assert!(
        out.starts_with("ok: 4 entries, 2 authors, 4 parts, 4 checkpoints verified"),
        "{out}"
    );

    // TEMOIN_ARCHIVE stands for --archive.
    let archive = sh.path("archive");
    let (code, out, stderr) = sh.run_env(&["verify"], &[("TEMOIN_ARCHIVE", &archive)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.starts_with("ok: 4 entries"), "{out}");

    // Revocation: the key's later statements are refused (exit 1).
    let out = sh.ok(&[
        "key",
        "revoke",
        "--archive",
        "./archive",
        "--custodian-key",
        "custodian.key",
        "--public",
        "aminata walet",
        "--reason",
        "laptop stolen",
    ]);
    assert!(out.contains("appended entry      4  revoke"), "{out}");
    // By name: once only, and only a name the registry knows.
    for (who, says) in [
        ("Aminata Walet", "already revoked"),
        ("Fatoumata", "Fatoumata"),
    ] {
        let (code, _, err) = sh.run(&[
            "key",
            "revoke",
            "--archive",
            "./archive",
            "--custodian-key",
            "custodian.key",
            "--public",
            who,
            "--reason",
            "x",
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says), "{err}");
    }
    let (code, stdout, stderr) = sh.run(&[
        "submit",
        "--archive",
        "./archive",
        "--key",
        "aminata.key",
        "--kind",
        "note",
        "--input",
        "note2.json",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stderr.contains("was revoked at entry 4: laptop stolen"),
        "{stderr}"
    );
    let out = sh.ok(&["key", "list", "--archive", "./archive"]);
    assert!(
        out.contains("revoked at entry 4 (") && out.contains(": laptop stolen"),
        "{out}"
    );
    let out = sh.ok(&["verify", "--archive", "./archive"]);
    assert!(out.starts_with("ok: 5 entries"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let sh = Shell::new();
    sh.ok(&["key", "generate", "--out", "k.key"]);
    sh.write("note.json", r#"{"text": "x"}"#);
    sh.write(
        "sex-f.json",
        r#"{"incidents": ["tangata-2025-11-13"], "source": {"relation": "eyewitness"}, "language": "fr", "text": "x",
            "claims": [{"incident": "tangata-2025-11-13", "victims": [{"name": "a", "sex": "female", "status": "dead"}, {"name": "b", "sex": "F", "status": "dead"}]}]}"#,
    );
    sh.write(
        "mali.json",
        r#"{"id": "x-2025-01-01", "title": "t", "type": "drone_strike", "place": {"name": "p", "country": "Mali"}, "when": {"start": "2025-01-01", "precision": "exact"}}"#,
    );
    sh.write(
        "francais.json",
        r#"{"incidents": ["x-2025-01-01"], "source": {"relation": "eyewitness"}, "language": "français", "text": "x"}"#,
    );
    sh.write(
        "untold.json",
        r#"{"incidents": ["tangata-2025-11-13"], "source": {"relation": "eyewitness"}, "language": "fr"}"#,
    );
    for (args, want) in [
        (
            vec![
                "sign",
                "--key",
                "k.key",
                "--kind",
                "testimony",
                "--input",
                "untold.json",
                "--out",
                "x.tms",
            ],
            "a testimony needs its \"text\"",
        ),
        (
            vec![
                "sign",
                "--key",
                "k.key",
                "--kind",
                "testimony",
                "--input",
                "sex-f.json",
                "--out",
                "x.tms",
            ],
            "claims[0].victims[1].sex: \"F\" is not one of female, male, unknown",
        ),
        (
            vec![
                "sign",
                "--key",
                "k.key",
                "--kind",
                "incident",
                "--input",
                "mali.json",
                "--out",
                "x.tms",
            ],
            "place.country: \"Mali\" is not an ISO 3166-1 alpha-2 country code: write \"ML\"",
        ),
        (
            vec![
                "sign",
                "--key",
                "k.key",
                "--kind",
                "testimony",
                "--input",
                "francais.json",
                "--out",
                "x.tms",
            ],
            "language: \"français\" is not a BCP 47 language tag: write \"fr\"",
        ),
        (
            vec![
                "sign",
                "--key",
                "k.key",
                "--kind",
                "gossip",
                "--input",
                "note.json",
                "--out",
                "x.tms",
            ],
            "unknown kind \"gossip\"",
        ),
        (
            vec![
                "sign",
                "--key",
                "k.key.pub",
                "--kind",
                "note",
                "--input",
                "note.json",
                "--out",
                "x.tms",
            ],
            "this is not a secret key",
        ),
        (
            vec![
                "sign",
                "--key",
                "missing.key",
                "--kind",
                "note",
                "--input",
                "note.json",
                "--out",
                "x.tms",
            ],
            "not found",
        ),
        (
            vec!["verify", "--archive", "nowhere"],
            "is not a temoin archive",
        ),
        (vec!["verify"], "--archive"),
        (
            vec![
                "init",
                "--archive",
                "a",
                "--origin",
                "has space",
                "--custodian-key",
                "k.key",
            ],
            "is not a valid checkpoint origin",
        ),
    ] {
        let (code, _, stderr) = sh.run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(want),
            "{args:?}: {want:?} not in {stderr:?}"
        );
    }
    // A bad JSON input is reported before anything is signed.
    sh.write("bad.json", r#"{"txt": "typo"}"#);
    let (code, _, stderr) = sh.run(&[
        "sign", "--key", "k.key", "--kind", "note", "--input", "bad.json", "--out", "x.tms",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("bad.json"), "{stderr}");
    assert!(!sh.path("x.tms").exists());
}

#[test]
fn ingest_reports_each_refusal_and_exits_1() {
    let sh = Shell::new();
    sh.ok(&["key", "generate", "--out", "c.key"]);
    sh.ok(&["key", "generate", "--out", "stranger.key"]);
    sh.ok(&[
        "init",
        "--archive",
        "a",
        "--origin",
        "o.example/x",
        "--custodian-key",
        "c.key",
    ]);
    sh.write("n.json", r#"{"text": "x"}"#);
    sh.ok(&[
        "sign", "--key", "c.key", "--kind", "note", "--input", "n.json", "--out", "good.tms",
    ]);
    sh.ok(&[
        "sign",
        "--key",
        "stranger.key",
        "--kind",
        "note",
        "--input",
        "n.json",
        "--out",
        "stranger.tms",
    ]);
    let (code, stdout, stderr) = sh.run(&["ingest", "--archive", "a", "stranger.tms", "good.tms"]);
    assert_eq!(code, 1, "{stdout} {stderr}");
    assert!(
        stdout.contains("appended entry      1  note") && stdout.contains("good.tms"),
        "{stdout}"
    );
    assert!(
        stderr.contains("refused stranger.tms: author key") && stderr.contains("is not enrolled"),
        "{stderr}"
    );
    let (code, stdout, _) = sh.run(&[
        "ingest",
        "--archive",
        "a",
        "--json",
        "stranger.tms",
        "good.tms",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(v[0]["refused"].as_str().unwrap().contains("not enrolled"));
    assert_eq!(v[1]["accepted"]["seq"], 1);
    assert_eq!(v[1]["accepted"]["duplicate"], true);
}
