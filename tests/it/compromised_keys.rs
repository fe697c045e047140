//! A key declared compromised taints what it signed afterwards (issue 11
//! §4, DESIGN §8): the journalist's key signs S1, then S2; the custodian
//! then revokes it as distrusted since S2 was received. S2 was authorised
//! when appended (no fault of the log) but is signed after a declared
//! compromise: `verify` and `verify-bundle` list it as a finding (exit 0),
//! every view from the revocation on keeps it out of the figures and marks
//! it, views as of an earlier entry are unchanged, the report never calls
//! it verified, and `key list` shows both times. S1 stands throughout.
//!
//! Everything is checked through the `temoin` commands and the JSON they
//! print, as a user (or an outside verifier) sees it.

use crate::evidence_support;

use evidence_support::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use temoin::archive::{Archive, Refusal};
use temoin::hash::Digest;
use temoin::keys::SecretKey;
use temoin::registry::{RevokePayload, Role, PAYLOAD};
use temoin::statement::{Draft, Kind, StatementFile};

/// Run a command that must succeed and print JSON.
fn json_of(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Value {
    let (code, out, err) = temoin(args);
    assert_eq!(code, 0, "{out}{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// One accepted entry: (seq, statement hash, received_at).
struct Got {
    seq: u64,
    hash: Digest,
    received_at: i64,
}

fn accept(a: &mut Archive, f: &StatementFile) -> Got {
    // Distinct receipt times, so that "received before T" is a fact.
    std::thread::sleep(std::time::Duration::from_millis(3));
    let r = a.ingest(f).expect("ingest").expect("accepted");
    let received_at = a.store().entry(r.seq).unwrap().expect("entry").received_at;
    Got {
        seq: r.seq,
        hash: r.statement_hash,
        received_at,
    }
}

fn revoke_since(custodian: &SecretKey, who: &SecretKey, effective_at: i64) -> StatementFile {
    let p = RevokePayload {
        key: who.public().to_hex(),
        reason: "ordinateur saisi à un barrage".into(),
        effective_at,
    };
    Draft::new(Kind::Revoke)
        .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
        .sign(custodian)
        .unwrap()
}

/// The archive of the scenario, closed after `before_revocation` has run
/// on it with the revocation still to come (to fill caches, take a
/// checkpoint…). Entries: 0 genesis, 1 enrol ngo, 2 enrol journalist,
/// 3 incident Tangata (ngo), 4 S1 (journalist, 8 dead), 5 ngo's testimony
/// (7 dead), 6 S2 (journalist, 12 dead), 7 revocation of the journalist's
/// key, distrusted since S2's receipt.
struct Scenario {
    dir: PathBuf,
    keys: Keys,
    s1: Got,
    ngo: Got,
    s2: Got,
    revocation: Got,
}

fn scenario(root: &Path, before_revocation: impl FnOnce(&Path)) -> Scenario {
    let keys = Keys::new();
    let dir = root.join("archive");
    let mut a = init_archive(&dir, &keys);
    accept(
        &mut a,
        &enroll(
            &keys.custodian,
            &keys.ngo,
            "ONG Tombouctou",
            Role::Intermediary,
        ),
    );
    accept(
        &mut a,
        &enroll(
            &keys.custodian,
            &keys.journalist,
            "Mohamed AG Ahmedou, journaliste",
            Role::Intermediary,
        ),
    );
    accept(
        &mut a,
        &incident(
            &keys.ngo,
            TANGATA,
            "Frappe de drone sur Tangata",
            "Tangata",
            "2025-11-13",
        ),
    );
    let s1 = accept(
        &mut a,
        &testimony_from(
            &keys.journalist,
            TANGATA,
            8,
            ("press", "Mohamed AG Ahmedou, d'après des habitants"),
            "Huit morts selon les habitants.",
            "Témoin n° 1",
        ),
    );
    let ngo = accept(
        &mut a,
        &testimony(&keys.ngo, TANGATA, 7, "Sept morts.", WITNESS_NAME),
    );
    let s2 = accept(
        &mut a,
        &testimony_from(
            &keys.journalist,
            TANGATA,
            12,
            ("eyewitness", "un berger de passage"),
            "Douze morts.",
            "Témoin n° 2",
        ),
    );
    assert!(s1.received_at < s2.received_at);
    drop(a);
    before_revocation(&dir);
    let mut a = Archive::open(&dir).expect("open");
    // Distrusted since S2 was received (to the millisecond): S2 is at the
    // time, S1 before it.
    let revocation = accept(
        &mut a,
        &revoke_since(&keys.custodian, &keys.journalist, s2.received_at),
    );
    drop(a);
    Scenario {
        dir,
        keys,
        s1,
        ngo,
        s2,
        revocation,
    }
}

fn dead_sources(view: &Value) -> Vec<u64> {
    view["figures"]["dead"]["per_source"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["source"]["seq"].as_u64())
                .collect()
        })
        .unwrap_or_default()
}

fn testimony_view(view: &Value, seq: u64) -> &Value {
    view["testimonies"]
        .as_array()
        .and_then(|a| a.iter().find(|t| t["current"]["seq"] == seq))
        .unwrap_or_else(|| panic!("no testimony {seq} in {view}"))
}

#[test]
fn verify_lists_the_entry_signed_after_the_compromise_as_a_finding_not_a_fault() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), |_| {});
    let (code, out, err) = run!("verify", "--archive", s.dir);
    assert_eq!(code, 0, "a finding, not a fault: {out}{err}");
    let findings: Vec<&str> = out.lines().filter(|l| l.starts_with("finding: ")).collect();
    assert_eq!(findings.len(), 1, "{out}");
    let f = findings[0];
    assert!(f.contains("entry 6:"), "{f}");
    assert!(f.contains(&s.s2.hash.to_hex()), "{f}");
    assert!(f.contains(&s.keys.journalist.public().to_hex()), "{f}");
    assert!(f.contains("revocation at entry 7"), "{f}");
    assert!(
        f.contains(&temoin::time::format_ms(s.s2.received_at)),
        "the time since when the key is distrusted: {f}"
    );
    assert!(!out.contains(&s.s1.hash.to_hex()), "S1 stands: {out}");
    assert!(
        out.lines()
            .last()
            .unwrap_or("")
            .starts_with("ok: 8 entries"),
        "{out}"
    );

    let j = json_of(&[&"verify", &"--archive", &s.dir, &"--json"]);
    assert_eq!(j["ok"], true);
    let list = j["report"]["signed_after_compromise"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{j}");
    let f = &list[0];
    assert_eq!(f["seq"], s.s2.seq);
    assert_eq!(f["statement"], s.s2.hash.to_hex());
    assert_eq!(f["author"], s.keys.journalist.public().to_hex());
    assert_eq!(
        crate::common::rfc3339_ms(&f["received_at"]),
        s.s2.received_at
    );
    assert_eq!(f["revoked_seq"], s.revocation.seq);
    assert_eq!(
        crate::common::rfc3339_ms(&f["effective_at"]),
        s.s2.received_at
    );

    // The archive's derived rows agree with the log, and a rebuild finds
    // the cached views as they should be.
    let (code, out, err) = run!("rebuild", "--archive", s.dir);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn from_the_revocation_on_the_figures_leave_it_out_and_mark_it_earlier_views_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    // Before the revocation, list and tally (filling the cached summaries
    // with S2 counted) and take its view.
    let mut before = None;
    let s = scenario(tmp.path(), |dir| {
        let list = json_of(&[&"incident", &"list", &"--archive", &dir, &"--json"]);
        let tally = json_of(&[
            &"tally",
            &"--archive",
            &dir,
            &"--region",
            &"Tombouctou",
            &"--json",
        ]);
        before = Some((list, tally));
    });
    let (list_before, tally_before) = before.unwrap();
    let dead_before = &list_before["incidents"][0]["figures"]["dead"];
    assert_eq!(
        (&dead_before["min"], &dead_before["max"]),
        (&7.into(), &12.into())
    );
    assert_eq!(tally_before["totals"][0]["max"], 12, "{tally_before}");

    // Now: S2 is out of the figures (S1 and the ngo's account stay) and
    // marked; S1 is counted, unmarked.
    let now = json_of(&[
        &"incident",
        &"show",
        &TANGATA,
        &"--archive",
        &s.dir,
        &"--json",
    ]);
    assert_eq!(
        dead_sources(&now),
        vec![s.s1.seq, s.ngo.seq],
        "{}",
        now["figures"]
    );
    assert_eq!(now["figures"]["dead"]["max"], 8);
    let t2 = testimony_view(&now, s.s2.seq);
    assert_eq!(t2["status"], "compromised", "{t2}");
    assert_eq!(t2["revoked_seq"], s.revocation.seq);
    assert_eq!(
        crate::common::rfc3339_ms(&t2["effective_at"]),
        s.s2.received_at
    );
    assert_eq!(
        t2["versions"][0]["signed_after_compromise"]["revoked_seq"],
        s.revocation.seq
    );
    let t1 = testimony_view(&now, s.s1.seq);
    assert_eq!(t1["status"], "active");
    assert!(t1["versions"][0].get("signed_after_compromise").is_none());
    let marked: Vec<u64> = now["signed_after_compromise"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["source"]["seq"].as_u64())
        .collect();
    assert_eq!(marked, vec![s.s2.seq]);
    // S2's victims are those of S1 too (same names): still named, by S1
    // and the ngo only.
    for v in now["victims"].as_array().unwrap() {
        for m in v["mentions"].as_array().unwrap() {
            assert_ne!(m["source"]["seq"], s.s2.seq, "{v}");
        }
    }

    // The list and the tally, whose cached summaries were computed before
    // the revocation, follow it (the revocation does not touch the
    // incident, yet the cache must not be taken as current).
    let list = json_of(&[&"incident", &"list", &"--archive", &s.dir, &"--json"]);
    assert_eq!(list["incidents"][0]["figures"]["dead"]["max"], 8, "{list}");
    assert_eq!(list["incidents"][0]["compromised"], 1, "{list}");
    let tally = json_of(&[
        &"tally",
        &"--archive",
        &s.dir,
        &"--region",
        &"Tombouctou",
        &"--json",
    ]);
    assert_eq!(tally["totals"][0]["figure"], "dead");
    assert_eq!(
        (&tally["totals"][0]["min"], &tally["totals"][0]["max"]),
        (&7.into(), &8.into())
    );

    // As of an entry before the revocation: unchanged, S2 counted.
    let seq = s.s2.seq.to_string();
    let earlier = json_of(&[
        &"incident",
        &"show",
        &TANGATA,
        &"--archive",
        &s.dir,
        &"--as-of",
        &seq,
        &"--json",
    ]);
    assert_eq!(dead_sources(&earlier), vec![s.s1.seq, s.ngo.seq, s.s2.seq]);
    assert_eq!(testimony_view(&earlier, s.s2.seq)["status"], "active");
    assert!(
        earlier.get("signed_after_compromise").is_none(),
        "{earlier}"
    );
    // As of the revocation itself: out.
    let seq = s.revocation.seq.to_string();
    let at = json_of(&[
        &"incident",
        &"show",
        &TANGATA,
        &"--archive",
        &s.dir,
        &"--as-of",
        &seq,
        &"--json",
    ]);
    assert_eq!(dead_sources(&at), vec![s.s1.seq, s.ngo.seq]);

    // The history has a step at the revocation, saying what it changed.
    let h = json_of(&[&"history", &TANGATA, &"--archive", &s.dir, &"--json"]);
    let step = h["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["seq"] == s.revocation.seq)
        .unwrap_or_else(|| panic!("no step at the revocation: {h}"));
    let changes = step["changes"].to_string();
    assert!(
        changes.contains("signed after a declared compromise"),
        "{changes}"
    );
    assert!(changes.contains("dead: 7–12"), "{changes}");

    // A rebuild finds every stored view as the log gives it, and the
    // audit still passes.
    let (code, out, err) = run!("rebuild", "--archive", s.dir);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run!("verify", "--archive", s.dir);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn the_bundle_flags_it_and_a_bundle_hiding_it_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), |_| {});
    let key = s.keys.vkey().to_string();
    let file = tmp.path().join("tangata.bundle.json");
    let (code, out, err) = run!(
        "export",
        "--archive",
        s.dir,
        "--incident",
        TANGATA,
        "--out",
        file
    );
    assert_eq!(code, 0, "{out}{err}");
    let b: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let flag = |b: &Value, seq: u64| {
        b["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["seq"] == seq)
            .map(|e| e.get("signed_after_compromise").cloned())
            .unwrap()
    };
    let f2 = flag(&b, s.s2.seq).expect("S2 flagged in the bundle");
    assert_eq!(f2["revoked_at"], s.revocation.seq);
    assert_eq!(f2["effective_at"], s.s2.received_at);
    assert_eq!(flag(&b, s.s1.seq), None);
    let view = &b["projection"][TANGATA];
    assert_eq!(dead_sources(view), vec![s.s1.seq, s.ngo.seq]);
    assert_eq!(testimony_view(view, s.s2.seq)["status"], "compromised");

    // verify-bundle: intact (exit 0), with S2 as a finding, never "VERIFIED".
    let (code, out, err) = run!("verify-bundle", file, "--archive-key", key);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("finding: entry {}:", s.s2.seq)),
        "{out}"
    );
    assert!(
        !out.contains(&format!("finding: entry {}:", s.s1.seq)),
        "{out}"
    );
    assert!(!out.contains("VERIFIED"), "{out}");
    assert!(out.contains("SIGNED AFTER A DECLARED COMPROMISE"), "{out}");
    let j = json_of(&[&"verify-bundle", &file, &"--archive-key", &key, &"--json"]);
    assert_eq!(j["ok"], true);
    let seqs: Vec<u64> = j["signed_after_compromise"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["seq"].as_u64())
        .collect();
    assert_eq!(seqs, vec![s.s2.seq]);

    // The operator removes the flag: refused, at S2.
    let mut forged = b.clone();
    for e in forged["entries"].as_array_mut().unwrap() {
        if let Some(o) = e.as_object_mut() {
            o.remove("signed_after_compromise");
        }
    }
    let forged_file = tmp.path().join("forged.bundle.json");
    std::fs::write(&forged_file, serde_json::to_vec(&forged).unwrap()).unwrap();
    let (code, out, err) = run!("verify-bundle", forged_file, "--archive-key", key);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(&format!("entry {}: compromise:", s.s2.seq)),
        "{err}"
    );

    // The operator also leaves the revocation out: the authors and the
    // projection the bundle states no longer follow from its entries.
    let mut forged = forged.clone();
    let rev = s.revocation.seq;
    forged["entries"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["seq"] != rev);
    std::fs::write(&forged_file, serde_json::to_vec(&forged).unwrap()).unwrap();
    let (code, out, err) = run!("verify-bundle", forged_file, "--archive-key", key);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("authors"), "{err}");

    // The chain-of-custody report: S2 is not presented as verified.
    let html = tmp.path().join("report.html");
    let (code, out, err) = run!("report", file, "--archive-key", key, "--out", html);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("VERIFIED"), "{out}");
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(
        !html.contains("<div class=\"title\">VERIFIED</div>"),
        "the verdict must not say VERIFIED"
    );
    assert!(html.contains("SIGNED AFTER A DECLARED KEY COMPROMISE"));
    assert!(html.contains(&format!(
        "Entry {} — testimony — SIGNED AFTER A DECLARED COMPROMISE",
        s.s2.seq
    )));
    assert!(
        html.contains(&format!("Entry {} — testimony</", s.s1.seq)),
        "S1 unmarked"
    );
    let md = tmp.path().join("report.md");
    let (code, out, err) = run!("report", file, "--archive-key", key, "--out", md);
    assert_eq!(code, 0, "{out}{err}");
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(!md.contains("**VERIFIED**"), "{md}");
}

#[test]
fn key_list_shows_when_the_key_was_revoked_and_since_when_it_is_distrusted() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), |_| {});
    let rows = json_of(&[&"key", &"list", &"--archive", &s.dir, &"--json"]);
    let j = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == s.keys.journalist.public().to_hex())
        .unwrap();
    // Entry positions are `*_seq`; times RFC 3339 strings, to the millisecond.
    assert_eq!(j["revoked_seq"], s.revocation.seq);
    assert_eq!(
        crate::common::rfc3339_ms(&j["revoked_at"]),
        s.revocation.received_at
    );
    assert_eq!(
        crate::common::rfc3339_ms(&j["distrusted_since"]),
        s.s2.received_at
    );
    let (code, out, err) = run!("key", "list", "--archive", s.dir);
    assert_eq!(code, 0, "{err}");
    let line = out
        .lines()
        .find(|l| l.contains("journaliste"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains(&format!(
            "revoked at entry {} ({})",
            s.revocation.seq,
            temoin::time::format_ms(s.revocation.received_at)
        )),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "distrusted since {}",
            temoin::time::format_ms(s.s2.received_at)
        )),
        "{line}"
    );
}

#[test]
fn a_statement_received_after_the_revocation_is_still_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), |_| {});
    let mut a = Archive::open(&s.dir).unwrap();
    let late = testimony(
        &s.keys.journalist,
        TANGATA,
        3,
        "Trois morts.",
        "Témoin n° 3",
    );
    match a.ingest(&late).unwrap() {
        Err(e @ Refusal::Rule(_)) => {
            assert!(e.to_string().contains("was revoked at entry 7"), "{e}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(a.head().size, 8);
}

#[test]
fn a_custodian_restores_a_genuine_account_by_amending_it() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), |_| {});
    let mut a = Archive::open(&s.dir).unwrap();
    // A custodian may amend any record; the amendment is signed by a key
    // no one distrusts, so the account counts again, in its new version.
    let fix = accept(
        &mut a,
        &amendment(
            &s.keys.custodian,
            s.s2.hash,
            TANGATA,
            12,
            "Douze morts (vérifié).",
        ),
    );
    drop(a);
    let now = json_of(&[
        &"incident",
        &"show",
        &TANGATA,
        &"--archive",
        &s.dir,
        &"--json",
    ]);
    let t = testimony_view(&now, fix.seq);
    assert_eq!(t["status"], "active", "{t}");
    assert_eq!(
        t["versions"][0]["signed_after_compromise"]["revoked_seq"],
        s.revocation.seq
    );
    assert!(t["versions"][1].get("signed_after_compromise").is_none());
    assert_eq!(dead_sources(&now), vec![s.s1.seq, s.ngo.seq, fix.seq]);
    // The finding stays: S2 itself was signed after the compromise.
    let j = json_of(&[&"verify", &"--archive", &s.dir, &"--json"]);
    assert_eq!(j["report"]["signed_after_compromise"][0]["seq"], s.s2.seq);
}

#[test]
fn a_registry_row_removed_behind_the_archive_is_caught_not_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), |_| {});
    // Views read the revocations through the registry rows (`R`); drop the
    // revocation's row, as damage or a forger would.
    {
        let db = crate::common::open_sled(&s.dir);
        let k = temoin::store::layout::seq_key(temoin::store::layout::REGISTRY, s.revocation.seq);
        assert!(db.remove(k).unwrap().is_some());
        db.flush().unwrap();
    }
    // The rebuild folds the log itself and meets a revocation the rows do
    // not list: it fails rather than report views without it.
    let (code, out, err) = run!("rebuild", "--archive", s.dir);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("registry rows (R)"), "{err}");
    // The audit names the row.
    let (code, out, err) = run!("verify", "--archive", s.dir);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("verification FAILED") && err.contains("registry"),
        "{err}"
    );
}
