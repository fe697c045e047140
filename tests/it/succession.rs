//! Key succession (docs/FORMAT.md §10.2, docs/DOMAIN.md §3): a key enrolled
//! with `--succeeds OLD` may amend and retract the records OLD signed, and
//! those of every key OLD succeeded; nobody else gains that right; a key is
//! succeeded once; a succession never loops. Ingest, the audit and bundle
//! verification decide alike.

use crate::common;

use serde_json::Value;
use std::path::PathBuf;
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

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
            .args(args)
            .current_dir(self.tmp.path())
            .env_remove("TEMOIN_ARCHIVE")
            .output()
            .unwrap();
        common::run_output(out)
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, stdout, stderr) = self.run(args);
        assert_eq!(code, 0, "temoin {args:?}: {stdout}{stderr}");
        stdout
    }

    /// Run and require a refusal (exit 1); returns stdout and stderr.
    fn refused(&self, args: &[&str]) -> String {
        let (code, stdout, stderr) = self.run(args);
        assert_eq!(
            code, 1,
            "temoin {args:?} should be refused: {stdout}{stderr}"
        );
        stdout + &stderr
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }

    fn key(&self, name: &str) {
        self.ok(&[
            "key",
            "generate",
            "--out",
            &format!("{name}.key"),
            "--name",
            name,
        ]);
    }

    fn enroll(&self, name: &str, display: &str, succeeds: Option<&str>) -> (i32, String) {
        let public = format!("{name}.key.pub");
        let mut args = vec![
            "key",
            "enroll",
            "--archive",
            "archive",
            "--custodian-key",
            "custodian.key",
            "--public",
            &public,
            "--role",
            "intermediary",
            "--name",
            display,
        ];
        if let Some(s) = succeeds {
            args.extend(["--succeeds", s]);
        }
        let (code, out, err) = self.run(&args);
        (code, out + &err)
    }

    /// Submit `json` as `kind` signed by `who`: (exit code, output).
    fn submit(&self, who: &str, kind: &str, json: &str) -> (i32, String) {
        let input = format!("{who}-{kind}.json");
        self.write(&input, json);
        let key = format!("{who}.key");
        let (code, out, err) = self.run(&[
            "submit",
            "--archive",
            "archive",
            "--key",
            &key,
            "--kind",
            kind,
            "--input",
            &input,
            "--json",
        ]);
        (code, out + &err)
    }

    /// The statement hash of a submission that must be accepted.
    fn accepted(&self, who: &str, kind: &str, json: &str) -> String {
        let (code, out) = self.submit(who, kind, json);
        assert_eq!(code, 0, "{who} {kind}: {out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        v[0]["accepted"]["statement_hash"]
            .as_str()
            .unwrap_or_else(|| panic!("no statement hash in {out}"))
            .to_string()
    }
}

const INCIDENT: &str = r#"{"id": "tangata-2025-11-13", "title": "Frappe de drone à Tangata", "type": "drone_strike",
 "place": {"name": "Tangata", "country": "ML"}, "when": {"start": "2025-11-13", "precision": "exact"}}"#;

/// A testimony's payload (its text apart).
fn claims(dead: u32) -> String {
    format!(
        r#"{{"incidents": ["tangata-2025-11-13"], "source": {{"relation": "eyewitness"}}, "language": "fr",
 "claims": [{{"incident": "tangata-2025-11-13", "dead": {dead}}}]}}"#
    )
}

fn testimony(dead: u32) -> String {
    let mut v: Value = serde_json::from_str(&claims(dead)).unwrap();
    v["text"] = Value::String(format!("{dead} morts."));
    v.to_string()
}

fn amendment(of: &str, dead: u32) -> String {
    format!(
        r#"{{"amends": "{of}", "reason": "recoupé", "text": "{dead} morts.", "testimony": {}}}"#,
        claims(dead)
    )
}

fn retraction(of: &str) -> String {
    format!(r#"{{"retracts": "{of}", "reason": "retiré à la demande du témoin"}}"#)
}

/// An archive where Aminata's first key opened an incident and recorded a
/// testimony (returned), then was revoked (laptop seized).
fn archive_with_seized_key() -> (Shell, String) {
    let sh = Shell::new();
    for k in ["custodian", "aminata", "aminata2", "aminata3", "moussa"] {
        sh.key(k);
    }
    sh.ok(&[
        "init",
        "--archive",
        "archive",
        "--origin",
        "temoin.example/succession",
        "--custodian-key",
        "custodian.key",
    ]);
    assert_eq!(sh.enroll("aminata", "Aminata Walet", None).0, 0);
    assert_eq!(sh.enroll("moussa", "Moussa Ag Intalla", None).0, 0);
    sh.accepted("aminata", "incident", INCIDENT);
    let t = sh.accepted("aminata", "testimony", &testimony(7));
    sh.ok(&[
        "key",
        "revoke",
        "--archive",
        "archive",
        "--custodian-key",
        "custodian.key",
        "--public",
        "Aminata Walet",
        "--reason",
        "ordinateur saisi à un barrage",
    ]);
    (sh, t)
}

fn key_list(sh: &Shell) -> Vec<Value> {
    let v: Value =
        serde_json::from_str(&sh.ok(&["key", "list", "--archive", "archive", "--json"])).unwrap();
    v.as_array().unwrap().clone()
}

fn row<'a>(rows: &'a [Value], name: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no key {name} in {rows:?}"))
}

#[test]
fn a_successor_amends_and_retracts_the_old_keys_testimony_and_a_stranger_may_not() {
    let (sh, t) = archive_with_seized_key();
    // The revoked key is named by the name it was enrolled under.
    let (code, out) = sh.enroll("aminata2", "Aminata Walet (2)", Some("aminata walet"));
    assert_eq!(code, 0, "{out}");

    // An unrelated intermediary may not touch her testimony.
    let (code, out) = sh.submit("moussa", "amendment", &amendment(&t, 8));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("a successor of the author's key"), "{out}");
    let (code, out) = sh.submit("moussa", "retraction", &retraction(&t));
    assert_eq!(code, 1, "{out}");

    // Her new key may.
    let a = sh.accepted("aminata2", "amendment", &amendment(&t, 8));
    // And a successor of the successor (a third laptop), transitively,
    // named by a key prefix.
    let prefix: String = row(&key_list(&sh), "Aminata Walet (2)")["key"]
        .as_str()
        .unwrap()[..12]
        .to_string();
    let (code, out) = sh.enroll("aminata3", "Aminata Walet (3)", Some(&prefix));
    assert_eq!(code, 0, "{out}");
    sh.accepted("aminata3", "retraction", &retraction(&a));

    // key list shows the chain, in the table and in JSON.
    let rows = key_list(&sh);
    let old = row(&rows, "Aminata Walet");
    assert_eq!(old["succeeded_by_name"], "Aminata Walet (2)");
    assert!(old["revoked_seq"].is_u64(), "{old}");
    assert!(old["revoked_at"].as_str().unwrap().ends_with('Z'), "{old}");
    assert!(
        old["distrusted_since"].as_str().unwrap().ends_with('Z'),
        "{old}"
    );
    let mid = row(&rows, "Aminata Walet (2)");
    assert_eq!(mid["succeeds"], old["key"]);
    assert_eq!(mid["succeeds_name"], "Aminata Walet");
    assert_eq!(mid["succeeded_by_name"], "Aminata Walet (3)");
    assert!(row(&rows, "Moussa Ag Intalla")["succeeds"].is_null());
    let table = sh.ok(&["key", "list", "--archive", "archive"]);
    assert!(table.contains("succeeded by Aminata Walet (2)"), "{table}");
    assert!(table.contains("succeeds Aminata Walet"), "{table}");

    // The audit replays the same rules and finds nothing wrong.
    sh.ok(&["verify", "--archive", "archive"]);

    // A bundle of the whole log, carrying the successor's amendment and
    // retraction, verifies offline.
    sh.ok(&[
        "export",
        "--archive",
        "archive",
        "--all",
        "--out",
        "all.json",
    ]);
    let out = sh.ok(&[
        "verify-bundle",
        "all.json",
        "--archive-key",
        "archive/checkpoint.key.pub",
    ]);
    assert!(out.contains("VERIFIED"), "{out}");
    let b: Value = serde_json::from_slice(&std::fs::read(sh.path("all.json")).unwrap()).unwrap();
    let authors = b["authors"].as_array().unwrap();
    assert!(
        authors.iter().any(|a| a["succeeds"] == old["key"]),
        "{authors:?}"
    );

    // Forged: the enrolment's payload altered to drop the succession, so
    // that the amendment looks like someone else's work. Refused.
    let mut forged = b.clone();
    let mut found = false;
    for e in forged["entries"].as_array_mut().unwrap() {
        for p in e["parts"].as_array_mut().into_iter().flatten() {
            if let Some(text) = p["text"].as_str() {
                if text.contains("\"succeeds\"") {
                    let v: Value = serde_json::from_str(text).unwrap();
                    let mut v = v.as_object().unwrap().clone();
                    v.remove("succeeds");
                    p["text"] = Value::String(Value::Object(v).to_string());
                    found = true;
                }
            }
        }
    }
    assert!(found, "no enrolment with a succession in the bundle");
    std::fs::write(sh.path("forged.json"), forged.to_string()).unwrap();
    let out = sh.refused(&[
        "verify-bundle",
        "forged.json",
        "--archive-key",
        "archive/checkpoint.key.pub",
    ]);
    assert!(!out.contains("VERIFIED"), "{out}");
}

#[test]
fn a_key_is_succeeded_once_and_never_by_itself() {
    let (sh, _) = archive_with_seized_key();
    assert_eq!(
        sh.enroll("aminata2", "Aminata Walet (2)", Some("aminata.key.pub"))
            .0,
        0
    );
    // A second successor of the same key: refused, naming the first.
    let (code, out) = sh.enroll("aminata3", "Aminata Walet (3)", Some("aminata.key.pub"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("already succeeded by"), "{out}");
    assert!(out.contains("Aminata Walet (2)"), "{out}");
    // A key that is not enrolled cannot be succeeded.
    let (code, out) = sh.enroll("aminata3", "Aminata Walet (3)", Some("aminata3.key.pub"));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("cannot succeed itself") || out.contains("is not enrolled"),
        "{out}"
    );
    let (code, out) = sh.enroll("aminata3", "Aminata Walet (3)", Some("nobody-by-that-name"));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no enrolled key"), "{out}");
    // Closing a loop (the old key enrolled again as its successor's
    // successor) is refused: a key is never enrolled twice.
    let (code, out) = sh.enroll("aminata", "Aminata Walet", Some("aminata2.key.pub"));
    assert_eq!(code, 1, "{out}");
    // Nothing of that changed the archive's verdict.
    sh.ok(&["verify", "--archive", "archive"]);
}

/// The registry itself: the successions it refuses, and the authority walk
/// that always ends, even over a registry built without its checks.
#[test]
fn the_registry_refuses_forks_loops_and_unknown_keys() {
    use temoin::registry::{AuthorityError, GenesisPayload, Registry, RegistryChange, Role};
    let keys: Vec<_> = (0..4)
        .map(|i| common::key(&format!("k{i}")).public())
        .collect();
    let enroll = |k: usize, succeeds: Option<usize>| RegistryChange::Enroll {
        key: keys[k],
        name: format!("k{k}"),
        role: Role::Intermediary,
        succeeds: succeeds.map(|s| keys[s]),
    };
    let mut r = Registry::default();
    let cp = temoin::keys::SecretKey::generate("o")
        .unwrap()
        .vkey()
        .unwrap();
    r.apply(
        0,
        RegistryChange::Genesis {
            author: common::key("custodian").public(),
            payload: GenesisPayload {
                origin: "o".into(),
                custodian_name: "c".into(),
                checkpoint_key: cp,
            },
        },
    );
    r.apply(1, enroll(0, None));
    assert!(matches!(
        r.check_change(&enroll(1, Some(1))),
        Err(AuthorityError::SucceedsItself { .. })
    ));
    assert!(matches!(
        r.check_change(&enroll(1, Some(3))),
        Err(AuthorityError::SucceedsUnknown { .. })
    ));
    r.check_change(&enroll(1, Some(0))).unwrap();
    r.apply(2, enroll(1, Some(0)));
    assert!(matches!(
        r.check_change(&enroll(2, Some(0))),
        Err(AuthorityError::AlreadySucceeded { .. })
    ));
    r.apply(3, enroll(2, Some(1)));
    // Transitive: k2 acts for k1 and k0; k0 for nobody but itself.
    assert!(r.may_act_for(&keys[2], keys[0].as_bytes()));
    assert!(r.may_act_for(&keys[2], keys[1].as_bytes()));
    assert!(!r.may_act_for(&keys[0], keys[1].as_bytes()));
    assert!(!r.may_act_for(&keys[3], keys[0].as_bytes()));
    assert_eq!(r.get(&keys[0]).unwrap().succeeded_by, Some(keys[1]));

    // A loop can only be built by skipping the checks (apply trusts its
    // caller): the walk still ends, and check_change names the loop.
    let mut looped = Registry::default();
    looped.apply(0, enroll(0, Some(1)));
    looped.apply(1, enroll(1, Some(0)));
    assert!(!looped.may_act_for(&keys[0], keys[3].as_bytes()));
    assert!(matches!(
        looped.check_change(&enroll(3, Some(0))),
        Err(AuthorityError::SuccessionCycle { .. }) | Err(AuthorityError::AlreadySucceeded { .. })
    ));
}
