//! Every command with its standard output closed (`temoin log | head -1`
//! once `head` has gone): the command ends quietly, as git and ripgrep do,
//! and never panics (exit 101, "failed printing to stdout").

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_temoin");

fn keys_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("keys")
}

/// The writing end of a pipe whose reading end is closed.
fn closed_pipe() -> std::os::fd::OwnedFd {
    use std::os::fd::FromRawFd as _;
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
    let rc = unsafe { libc::pipe(fds.as_mut_ptr()) };
    assert_eq!(rc, 0, "pipe: {}", std::io::Error::last_os_error());
    // SAFETY: pipe(2) succeeded, so both are open descriptors we own.
    let (reader, writer) = unsafe {
        (
            std::os::fd::OwnedFd::from_raw_fd(fds[0]),
            std::os::fd::OwnedFd::from_raw_fd(fds[1]),
        )
    };
    drop(reader);
    writer
}

/// Run with stdout a pipe whose reading end is already closed.
fn run_closed(args: &[&str], cwd: &Path) -> (Option<i32>, String) {
    let writer = closed_pipe();
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("TEMOIN_ARCHIVE")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn temoin");
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let status = child.wait().expect("wait");
    (status.code(), err)
}

fn run_ok(args: &[&str], cwd: &Path) -> String {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("TEMOIN_ARCHIVE")
        .output()
        .expect("run temoin");
    assert!(
        out.status.success(),
        "temoin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn every_command_ends_quietly_when_stdout_is_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let k = keys_dir();
    let key = |n: &str| k.join(n).to_str().unwrap().to_string();
    let custodian = key("demo-custodian.key");
    let journalist = key("demo-journalist.key");
    std::fs::write(t.join("note.json"), r#"{"text": "Un témoignage."}"#).unwrap();
    std::fs::write(t.join("note2.json"), r#"{"text": "Un autre."}"#).unwrap();

    // The demo archive, built once with stdout open, then every command
    // again with it closed.
    run_ok(&["demo", "--archive", "demo", "--force"], t);
    let first = run_ok(&["checkpoint", "--archive", "demo"], t);
    std::fs::write(t.join("old.note"), &first).unwrap();
    run_ok(
        &[
            "sign",
            "--key",
            &journalist,
            "--kind",
            "note",
            "--input",
            "note2.json",
            "--out",
            "pre.tms",
        ],
        t,
    );
    run_ok(
        &[
            "ingest",
            "--archive",
            "demo",
            "pre.tms",
            "--receipt-dir",
            "receipts",
        ],
        t,
    );
    let receipt = std::fs::read_dir(t.join("receipts"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let receipt = receipt.to_str().unwrap().to_string();
    let statement = Path::new(&receipt)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .trim_end_matches(".receipt.json")
        .to_string();
    let keys = run_ok(&["key", "list", "--archive", "demo", "--json"], t);
    let keys: serde_json::Value = serde_json::from_str(&keys).unwrap();
    let archive_key = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["role"] == "checkpoint")
        .and_then(|k| k["vkey"].as_str())
        .expect("checkpoint vkey in key list")
        .to_string();
    let incidents = run_ok(&["incident", "list", "--archive", "demo", "--json"], t);
    let incidents: serde_json::Value = serde_json::from_str(&incidents).unwrap();
    let incident = incidents["incidents"][0]["id"]
        .as_str()
        .expect("an incident")
        .to_string();
    run_ok(
        &[
            "export",
            "--archive",
            "demo",
            "--incident",
            &incident,
            "--out",
            "b.json",
        ],
        t,
    );
    std::fs::write(
        t.join("new.note"),
        run_ok(&["checkpoint", "--archive", "demo"], t),
    )
    .unwrap();

    let commands: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["--version"],
        vec!["key", "generate", "--out", "fresh.key", "--name", "fresh"],
        vec!["key", "list", "--archive", "demo"],
        vec!["key", "list", "--archive", "demo", "--json"],
        vec![
            "key",
            "enroll",
            "--archive",
            "demo",
            "--custodian-key",
            &custodian,
            "--public",
            "fresh.key.pub",
            "--role",
            "reviewer",
            "--name",
            "Fresh",
        ],
        vec![
            "key",
            "revoke",
            "--archive",
            "demo",
            "--custodian-key",
            &custodian,
            "--public",
            "fresh.key.pub",
            "--reason",
            "test",
        ],
        vec![
            "init",
            "--archive",
            "other",
            "--origin",
            "temoin.test/other",
            "--custodian-key",
            &custodian,
        ],
        vec![
            "sign",
            "--key",
            &journalist,
            "--kind",
            "note",
            "--input",
            "note.json",
            "--out",
            "n.tms",
        ],
        vec!["ingest", "--archive", "demo", "n.tms"],
        vec![
            "submit",
            "--archive",
            "demo",
            "--key",
            &journalist,
            "--kind",
            "note",
            "--input",
            "note2.json",
        ],
        vec!["log", "--archive", "demo"],
        vec!["log", "--archive", "demo", "--json"],
        vec!["verify", "--archive", "demo"],
        vec!["verify", "--archive", "demo", "--json"],
        vec!["incident", "list", "--archive", "demo"],
        vec!["incident", "list", "--archive", "demo", "--json"],
        vec!["incident", "show", &incident, "--archive", "demo"],
        vec!["incident", "show", &incident, "--archive", "demo", "--json"],
        vec!["history", &incident, "--archive", "demo"],
        vec!["history", &incident, "--archive", "demo", "--json"],
        vec!["tally", "--archive", "demo"],
        vec!["tally", "--archive", "demo", "--json"],
        vec!["rebuild", "--archive", "demo"],
        vec!["checkpoint", "--archive", "demo"],
        vec!["checkpoint", "--archive", "demo", "--json"],
        vec!["consistency-proof", "--archive", "demo", "--old", "3"],
        vec!["receipt", &statement, "--archive", "demo"],
        vec!["verify-receipt", &receipt, "--archive-key", &archive_key],
        vec![
            "verify-receipt",
            &receipt,
            "--archive-key",
            &archive_key,
            "--json",
        ],
        vec![
            "export",
            "--archive",
            "demo",
            "--incident",
            &incident,
            "--out",
            "b2.json",
        ],
        vec!["verify-bundle", "b.json", "--archive-key", &archive_key],
        vec![
            "verify-bundle",
            "b.json",
            "--archive-key",
            &archive_key,
            "--json",
        ],
        vec![
            "report",
            "b.json",
            "--archive-key",
            &archive_key,
            "--out",
            "r.html",
        ],
        vec![
            "verify-consistency",
            "old.note",
            "new.note",
            "--archive",
            "demo",
            "--archive-key",
            &archive_key,
        ],
        vec!["demo", "--archive", "demo2"],
    ];
    let mut failures = Vec::new();
    for args in &commands {
        let (code, err) = run_closed(args, t);
        if code == Some(101) || err.contains("panicked") || err.contains("Broken pipe") {
            failures.push(format!("temoin {args:?}: exit {code:?}, stderr {err:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} commands failed with a closed stdout:\n{}",
        failures.len(),
        commands.len(),
        failures.join("\n")
    );
}
