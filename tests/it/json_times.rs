//! One time format in every `--json` output (README, "JSON output"): a
//! field whose name says it is a time holds an RFC 3339 string in UTC
//! (`2025-11-14T03:12:09Z`, milliseconds when there are some) or null, never
//! an integer of seconds or milliseconds; positions in the log are `seq` or
//! `*_seq`; calendar days are `YYYY-MM-DD`. Walked over the outputs of the
//! commands on the demo archive, with a revoked key (so that compromise
//! marks appear) and a successor key.

use crate::common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(args)
        .current_dir(dir)
        .env_remove("TEMOIN_ARCHIVE")
        .output()
        .unwrap();
    let (code, stdout, stderr) = common::run_output(out);
    assert!(
        code == 0 || (code == 1 && stdout.trim_start().starts_with(['{', '['])),
        "temoin {args:?}: {stdout}{stderr}"
    );
    stdout
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let out = run(dir, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("temoin {args:?}: {e}: {out}"))
}

/// Does the member's name say it holds a time (an instant)?
fn is_time_name(k: &str) -> bool {
    k.ends_with("_at")
        || k.ends_with("_since")
        || k.ends_with("_time")
        || k == "time"
        || k == "timestamp"
        || k.starts_with("received")
        || k.starts_with("created")
}

/// Does it name a calendar day or a window of them?
fn is_date_name(k: &str) -> bool {
    matches!(k, "start" | "end" | "from" | "to" | "date" | "day")
}

/// Every time-named member of `v`: RFC 3339 or null. Returns the names seen.
fn walk(v: &Value, path: &str, what: &str, seen: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                if is_time_name(k) && !x.is_object() && !x.is_array() {
                    assert!(
                        x.is_null() || x.is_string(),
                        "{what}: {p} = {x}: a time must be an RFC 3339 string"
                    );
                    if x.is_string() {
                        common::rfc3339_ms(x);
                    }
                    seen.push(k.clone());
                }
                if is_date_name(k) && !x.is_null() && !x.is_object() {
                    let s = x
                        .as_str()
                        .unwrap_or_else(|| panic!("{what}: {p} = {x}: a day is a string"));
                    assert!(
                        temoin::time::parse_date(s).is_some(),
                        "{what}: {p} = {s:?} is not YYYY-MM-DD"
                    );
                }
                // A seq named like a time would be read as one.
                assert!(
                    k != "as_of",
                    "{what}: {p}: an entry's position is named *_seq"
                );
                walk(x, &p, what, seen);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(x, &format!("{path}[{i}]"), what, seen);
            }
        }
        _ => {}
    }
}

#[test]
fn every_json_output_writes_times_as_rfc3339() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("keys");
    for k in ["demo-custodian.key", "demo-journalist.key.pub"] {
        std::fs::copy(keys.join(k), d.join(k)).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(d.join(k), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    let demo = json(d, &["demo", "--archive", "demo", "--json"]);
    let mut outputs: Vec<(String, Value)> = vec![("demo".into(), demo)];
    let a = ["--archive", "demo"];
    let with = |args: &[&str]| -> Vec<String> {
        args.iter().chain(a.iter()).map(|s| s.to_string()).collect()
    };
    let call = |args: &[&str]| {
        let v = with(args);
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        json(d, &refs)
    };
    // A compromised key (distrusted since long before its entries) and
    // its successor, who writes a note.
    run(
        d,
        &[
            "key",
            "revoke",
            "--archive",
            "demo",
            "--custodian-key",
            "demo-custodian.key",
            "--public",
            "demo-journalist.key.pub",
            "--reason",
            "ordinateur saisi",
            "--effective",
            "2000-01-01",
        ],
    );
    run(d, &["key", "generate", "--out", "new.key", "--name", "new"]);
    run(
        d,
        &[
            "key",
            "enroll",
            "--archive",
            "demo",
            "--custodian-key",
            "demo-custodian.key",
            "--public",
            "new.key.pub",
            "--role",
            "intermediary",
            "--succeeds",
            "demo-journalist.key.pub",
        ],
    );
    std::fs::write(d.join("note.json"), r#"{"text": "Relu."}"#).unwrap();
    outputs.push((
        "submit".into(),
        call(&[
            "submit",
            "--key",
            "new.key",
            "--kind",
            "note",
            "--input",
            "note.json",
            "--json",
        ]),
    ));
    run(
        d,
        &[
            "sign",
            "--key",
            "new.key",
            "--kind",
            "note",
            "--input",
            "note.json",
            "--out",
            "note.tms",
        ],
    );
    outputs.push((
        "inspect".into(),
        json(d, &["inspect", "note.tms", "--json"]),
    ));
    std::fs::write(d.join("note2.json"), r#"{"text": "Encore."}"#).unwrap();
    run(
        d,
        &[
            "sign",
            "--key",
            "new.key",
            "--kind",
            "note",
            "--input",
            "note2.json",
            "--out",
            "note2.tms",
        ],
    );
    outputs.push(("ingest".into(), call(&["ingest", "note2.tms", "--json"])));

    for args in [
        &["key", "list", "--json"][..],
        &["log", "--json"],
        &["verify", "--json"],
        &["incident", "list", "--json"],
        &["incident", "show", "tangata-2025-11-13", "--json"],
        &["history", "tangata-2025-11-13", "--json"],
        &["tally", "--json"],
        &[
            "tally",
            "--region",
            "Tombouctou",
            "--from",
            "2025-11-01",
            "--to",
            "2025-11-30",
            "--json",
        ],
        &["victims", "--json"],
        &["search", "tin aicha", "--json"],
        &["rebuild", "--json"],
        &["checkpoint", "--json"],
    ] {
        outputs.push((args.join(" "), call(args)));
    }
    // A testimony's history, by its statement hash.
    let log = outputs
        .iter()
        .find(|(w, _)| w == "log --json")
        .unwrap()
        .1
        .clone();
    let testimony = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "testimony")
        .unwrap()["statement_hash"]
        .as_str()
        .unwrap()
        .to_string();
    outputs.push((
        "history testimony".into(),
        call(&["history", &testimony, "--json"]),
    ));
    // Receipts, bundles, proofs: the files are formats of their own
    // (FORMAT.md), their verifiers' --json outputs are the command line's.
    run(
        d,
        &with(&["receipt", &testimony, "--out", "r.json"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let key = "demo/checkpoint.key.pub";
    outputs.push((
        "verify-receipt".into(),
        json(
            d,
            &["verify-receipt", "r.json", "--archive-key", key, "--json"],
        ),
    ));
    run(
        d,
        &with(&["export", "--all", "--out", "b.json"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    outputs.push((
        "verify-bundle".into(),
        json(
            d,
            &["verify-bundle", "b.json", "--archive-key", key, "--json"],
        ),
    ));
    std::fs::write(
        d.join("old.note"),
        run(
            d,
            &with(&["checkpoint", "--size", "5"])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ),
    )
    .unwrap();
    std::fs::write(
        d.join("new.note"),
        run(
            d,
            &with(&["checkpoint"])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ),
    )
    .unwrap();
    outputs.push((
        "verify-consistency".into(),
        call(&["verify-consistency", "old.note", "new.note", "--json"]),
    ));

    let mut seen = Vec::new();
    for (what, v) in &outputs {
        walk(v, "", what, &mut seen);
    }
    // Not vacuous: the times of entries, statements, revocations and
    // enrolments were all met.
    for name in [
        "received_at",
        "created_at",
        "effective_at",
        "distrusted_since",
        "enrolled_at",
        "revoked_at",
        "first_received_at",
    ] {
        assert!(
            seen.iter().any(|s| s == name),
            "no {name} in any output: {seen:?}"
        );
    }
}
