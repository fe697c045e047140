//! `temoin token` and `temoin access-log`: tokens are shown once and kept
//! only as hashes; every bundle exported is on the access log before it is
//! written; an edited log is caught at the line that breaks.

use crate::common;
use std::path::Path;

fn ok(args: &[&str]) -> String {
    let (code, out, err) = common::temoin(args);
    assert_eq!(code, 0, "temoin {args:?}: {err}");
    out
}

fn demo(dir: &Path) {
    ok(&["demo", "--archive", dir.to_str().unwrap()]);
}

#[test]
fn tokens_are_shown_once_kept_hashed_and_revoked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    demo(&dir);
    let d = dir.to_str().unwrap();
    let token = ok(&[
        "token",
        "add",
        "--archive",
        d,
        "--name",
        "Me Awa Traoré",
        "--role",
        "lawyer",
    ]);
    let token = token.trim();
    assert!(
        token.starts_with("temoin-token-") && token.len() == 13 + 64,
        "{token}"
    );
    let stored = std::fs::read_to_string(dir.join("access/tokens.json")).unwrap();
    assert!(
        !stored.contains(&token[13..]),
        "the token itself is on disk"
    );
    let list = ok(&["token", "list", "--archive", d, "--json"]);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list[0]["name"], "Me Awa Traoré");
    assert_eq!(list[0]["role"], "lawyer");
    assert!(list[0]["revoked_at"].is_null());
    let id = list[0]["id"].as_str().unwrap().to_string();
    // A role that does not exist, an empty name: refused, nothing written.
    let (code, _, err) = common::temoin(&[
        "token",
        "add",
        "--archive",
        d,
        "--name",
        "x",
        "--role",
        "judge",
    ]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = common::temoin(&[
        "token",
        "add",
        "--archive",
        d,
        "--name",
        " ",
        "--role",
        "lawyer",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        std::fs::read_to_string(dir.join("access/tokens.json")).unwrap(),
        stored
    );
    ok(&["token", "revoke", "--archive", d, &id]);
    let list: serde_json::Value =
        serde_json::from_str(&ok(&["token", "list", "--archive", d, "--json"])).unwrap();
    assert!(list[0]["revoked_at"].is_string());
    let (code, _, err) = common::temoin(&["token", "revoke", "--archive", d, &id]);
    assert_eq!(code, 2, "revoked twice: {err}");
    // Not an archive: said, nothing created.
    let (code, _, err) = common::temoin(&[
        "token",
        "add",
        "--archive",
        tmp.path().join("none").to_str().unwrap(),
        "--name",
        "x",
        "--role",
        "lawyer",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(!tmp.path().join("none").exists());
}

#[test]
fn every_export_is_on_the_access_log_and_an_edit_breaks_its_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    demo(&dir);
    let d = dir.to_str().unwrap();
    let out = tmp.path().join("t.bundle.json");
    let o = out.to_str().unwrap();
    ok(&[
        "export",
        "--archive",
        d,
        "--incident",
        "tangata-2025-11-13",
        "--withhold",
        "witness",
        "--out",
        o,
    ]);
    let bundle = std::fs::read(&out).unwrap();
    ok(&["export", "--archive", d, "--all", "--out", o]);
    let log: serde_json::Value =
        serde_json::from_str(&ok(&["access-log", "--archive", d, "--json"])).unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["scope"], "incident tangata-2025-11-13");
    assert_eq!(log[0]["withheld"], serde_json::json!(["witness"]));
    assert_eq!(log[0]["sha256"], temoin::access::file_sha256(&bundle));
    assert_eq!(log[0]["size"], 19);
    assert!(log[0]["who"].as_str().unwrap().starts_with("local:"));
    assert_eq!(log[1]["scope"], "the whole log");
    // Someone removes the first line: the chain breaks at the next one.
    let path = dir.join("access/log.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let second = text.lines().nth(1).unwrap();
    std::fs::write(&path, format!("{second}\n")).unwrap();
    let (code, _, err) = common::temoin(&["access-log", "--archive", d]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("breaks at line 1"), "{err}");
    // And nothing more is handed out on a broken log.
    let (code, _, err) = common::temoin(&["export", "--archive", d, "--all", "--out", o]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{second}\n")
    );
}
