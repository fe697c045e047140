//! The facts a case needs (who did what to whom, with what; how far each
//! source is to be relied on), tested as an adversary would: two sources
//! that disagree on who did it must both show, with their entries; a grade
//! must change what `--min-grade` counts, and only a grade its author may
//! give; an account that contradicts itself is flagged, not hidden and not
//! refused; a victim that contradicts itself is refused at signing, with
//! its name; a date known to the year shows as the year.

use crate::projection_support as support;

use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use support::*;
use temoin::archive::Refusal;
use temoin::domain::{Attribution, PerpetratorKind, Verification};
use temoin::hash::Digest;
use temoin::registry::{AuthorityError, PayloadError, RevokePayload, Role, PAYLOAD};
use temoin::rules::RuleError;
use temoin::statement::{Draft, Kind};

const T: &str = "tangata-2025-11-13";

fn temoin(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(args)
        .env_remove("TEMOIN_ARCHIVE")
        .output()
        .expect("run temoin");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = temoin(args);
    assert_eq!(code, 0, "temoin {args:?}: {err}");
    out
}

fn perp(name: &str, kind: &str, attribution: &str) -> Value {
    json!({"name": name, "kind": kind, "attribution": attribution})
}

/// The seq of the entry that holds statement `h`.
fn seq_of(f: &Fx, h: Digest) -> u64 {
    use temoin::rules::Index as _;
    f.archive
        .store()
        .statement(&h)
        .unwrap()
        .expect("in the log")
        .seq
}

/// Close the archive, keep its directory: the commands open it themselves.
fn closed(f: Fx) -> (tempfile::TempDir, String) {
    let path = f.path().display().to_string();
    let Fx { dir, archive, .. } = f;
    drop(archive);
    (dir, path)
}

fn grade_annotation(on: Digest, grade: Value) -> Value {
    json!({"on": on.to_hex(), "stance": "note", "text": "Évaluation de la source.", "grade": grade})
}

#[test]
fn conflicting_attributions_from_two_testimonies_appear_side_by_side_with_each_source() {
    let mut f = Fx::new();
    let mut record = incident_json(T, "Tangata", "2025-11-13");
    record["perpetrators"] = json!([perp("Armée malienne (FAMa)", "state_forces", "alleged")]);
    let r = f.ok(Who::Journalist, Kind::Incident, record);
    let t1 = f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(
            &[T],
            "press",
            "Le Méridional",
            json!([{"incident": T, "dead": 7,
                    "perpetrators": [perp("Armée malienne (FAMa)", "state_forces", "alleged"),
                                     perp("Wagner/Africa Corps", "private_military_company", "alleged")],
                    "means": [{"kind": "armed_drone", "model": "Bayraktar TB2"}]}]),
        ),
    );
    // Another source: the same army, spelt otherwise, says it was not them
    // and calls it an armed group; and a helicopter, no model.
    let t2 = f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(
            &[T],
            "eyewitness",
            "berger de Tangata",
            json!([{"incident": T,
                    "perpetrators": [perp("ARMEE MALIENNE (Fama)", "armed_group", "denied")],
                    "means": [{"kind": "helicopter"}]}]),
        ),
    );
    let (sr, s1, s2) = (seq_of(&f, r), seq_of(&f, t1), seq_of(&f, t2));
    let v = f.p().incident(T, f.size()).unwrap();
    assert_eq!(v.perpetrators.len(), 2, "{:#?}", v.perpetrators);
    let army = &v.perpetrators[0];
    assert_eq!(army.name, "Armée malienne (FAMa)");
    assert_eq!(
        army.spellings,
        ["Armée malienne (FAMa)", "ARMEE MALIENNE (Fama)"]
    );
    assert!(army.conflict, "alleged against denied must be a conflict");
    assert_eq!(
        army.attributions,
        [Attribution::Alleged, Attribution::Denied]
    );
    assert_eq!(
        army.kinds,
        [PerpetratorKind::StateForces, PerpetratorKind::ArmedGroup]
    );
    // Every attribution with the entry and statement that gives it: the
    // record first, then each testimony.
    let per: Vec<(u64, Digest, Attribution, bool)> = army
        .per_source
        .iter()
        .map(|s| {
            (
                s.from.source.seq,
                s.from.source.statement,
                s.attribution,
                s.from.record,
            )
        })
        .collect();
    assert_eq!(
        per,
        [
            (sr, r, Attribution::Alleged, true),
            (s1, t1, Attribution::Alleged, false),
            (s2, t2, Attribution::Denied, false)
        ]
    );
    assert_eq!((army.sources, army.authors), (3, 2));
    let wagner = &v.perpetrators[1];
    assert!(!wagner.conflict);
    assert_eq!(wagner.per_source.len(), 1);
    // Means: each source's, side by side, no conflict (both may be true).
    let kinds: Vec<_> = v
        .means
        .iter()
        .map(|m| (m.kind, m.per_source[0].from.source.seq))
        .collect();
    assert_eq!(
        kinds,
        [
            (temoin::domain::MeansKind::ArmedDrone, s1),
            (temoin::domain::MeansKind::Helicopter, s2)
        ]
    );

    // Withdrawn, a source's attribution leaves the view: the conflict goes.
    f.ok(
        Who::Ngo,
        Kind::Retraction,
        json!({"retracts": t2.to_hex(), "reason": "le berger s'est rétracté"}),
    );
    let v = f.p().incident(T, f.size()).unwrap();
    assert!(!v.perpetrators[0].conflict);
    assert!(v.perpetrators[0]
        .per_source
        .iter()
        .all(|s| s.from.source.seq != s2));

    // Through the commands: as of the second testimony, both sources side
    // by side with ⚠, in the table and in the JSON.
    let (_keep, d) = closed(f);
    let at = s2.to_string();
    let human = ok(&["incident", "show", T, "--archive", &d, "--as-of", &at]);
    assert!(human.contains("alleged/denied ⚠"), "{human}");
    for s in [sr, s1, s2] {
        assert!(human.contains(&format!("#{s} ")), "#{s} in {human}");
    }
    let json: Value = serde_json::from_str(&ok(&[
        "incident",
        "show",
        T,
        "--archive",
        &d,
        "--as-of",
        &at,
        "--json",
    ]))
    .unwrap();
    let p = &json["perpetrators"][0];
    assert_eq!(p["conflict"], true);
    let seqs: Vec<u64> = p["per_source"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [sr, s1, s2]);
    assert_eq!(p["per_source"][2]["attribution"], "denied");
    // Now: no conflict.
    let now = ok(&["incident", "show", T, "--archive", &d]);
    assert!(!now.contains("alleged/denied"), "{now}");
    // Search finds them, with the entries that name them.
    let hits: Value =
        serde_json::from_str(&ok(&["search", "wagner", "--archive", &d, "--json"])).unwrap();
    assert_eq!(hits[0]["kind"], "perpetrator");
    assert_eq!(hits[0]["entries"], json!([s1]));
    // The incident list's CSV names them and their entries.
    let csv = ok(&["incident", "list", "--archive", &d, "--csv"]);
    assert!(
        csv.contains("Armée malienne (FAMa) (alleged; state_forces)"),
        "{csv}"
    );
}

#[test]
fn a_grade_changes_what_min_grade_counts_and_ungraded_sources_are_left_out_and_counted() {
    let mut f = Fx::new();
    f.open(T, "Tangata", "2025-11-13");
    let t1 = f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(
            &[T],
            "press",
            "Le Méridional",
            json!([{"incident": T, "dead": 8}]),
        ),
    );
    let t2 = f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(
            &[T],
            "eyewitness",
            "berger",
            json!([{"incident": T, "dead": 5, "injured": 2}]),
        ),
    );
    let view = |f: &Fx| f.p().incident(T, f.size()).unwrap();
    let dead = |v: &temoin::projection::IncidentView| {
        v.figures.dead.as_ref().map(|d| (d.min, d.max, d.conflict))
    };
    let left = |v: &temoin::projection::IncidentView| {
        v.grade_filter
            .as_ref()
            .map(|g| (g.ungraded, g.below))
            .unwrap()
    };
    // Unfiltered: both; nothing graded, so a filter counts nothing.
    assert_eq!(dead(&view(&f)), Some((5, 8, true)));
    let v = view(&f).with_min_grade(Verification::Weak);
    assert_eq!(dead(&v), None);
    assert_eq!(left(&v), (2, 0));

    // The reviewer grades the press account fair.
    let g1 = f.ok(
        Who::Reviewer,
        Kind::Annotation,
        grade_annotation(t1, json!({"verification": "fair", "reliability": "high"})),
    );
    let v = view(&f);
    let g = v.testimonies[0].grade.as_ref().expect("graded");
    assert_eq!(
        g.verification
            .as_ref()
            .map(|m| (m.value, m.by.statement, m.on)),
        Some((Verification::Fair, g1, t1))
    );
    // The grade shows next to the source wherever its figures are listed.
    let d = v.figures.dead.as_ref().unwrap();
    assert!(d
        .per_source
        .iter()
        .any(|s| s.source.statement == t1 && s.grade.is_some()));
    assert!(d
        .per_source
        .iter()
        .any(|s| s.source.statement == t2 && s.grade.is_none()));
    let v = view(&f).with_min_grade(Verification::Fair);
    assert_eq!(dead(&v), Some((8, 8, false)));
    assert_eq!(
        v.figures.injured, None,
        "the ungraded source's figure is left out"
    );
    assert_eq!(left(&v), (1, 0));
    assert_eq!(
        v.grade_filter.as_ref().unwrap().left_out[0]
            .source
            .statement,
        t2
    );
    let v = view(&f).with_min_grade(Verification::Confirmed);
    assert_eq!(dead(&v), None);
    assert_eq!(left(&v), (1, 1));

    // A reliability alone is no verification grade: still left out.
    f.ok(
        Who::Reviewer,
        Kind::Annotation,
        grade_annotation(t2, json!({"reliability": "low"})),
    );
    assert_eq!(left(&view(&f).with_min_grade(Verification::Weak)), (1, 0));

    // The latest grade wins (a custodian may grade too).
    let g2 = f.ok(
        Who::Custodian,
        Kind::Annotation,
        grade_annotation(t1, json!({"verification": "discounted"})),
    );
    let v = view(&f);
    let g = v.testimonies[0].grade.as_ref().unwrap();
    assert_eq!(g.verification.as_ref().map(|m| m.by.statement), Some(g2));
    // …part by part: the reliability given earlier stands.
    assert_eq!(g.reliability.as_ref().map(|m| m.by.statement), Some(g1));
    assert_eq!(dead(&view(&f).with_min_grade(Verification::Fair)), None);

    // An author cannot shed a grade by amending: it holds for the new version.
    let mut amended = testimony_json(
        &[T],
        "press",
        "Le Méridional",
        json!([{"incident": T, "dead": 9}]),
    );
    let text = amended.as_object_mut().unwrap().remove("text").unwrap();
    amended.as_object_mut().unwrap().remove("witness");
    let t1b = f.ok(
        Who::Journalist,
        Kind::Amendment,
        json!({"amends": t1.to_hex(), "reason": "recompte", "testimony": amended, "text": text}),
    );
    let v = view(&f);
    let t = v
        .testimonies
        .iter()
        .find(|t| t.current.statement == t1b)
        .unwrap();
    assert_eq!(
        t.grade
            .as_ref()
            .and_then(|g| g.verification.as_ref())
            .map(|m| (m.value, m.on)),
        Some((Verification::Discounted, t1))
    );
    assert_eq!(
        dead(&view(&f).with_min_grade(Verification::Contested)),
        None
    );
    assert_eq!(
        dead(&view(&f).with_min_grade(Verification::Discounted)),
        Some((9, 9, false))
    );

    // Through the commands, the output says how many were left out.
    let (_keep, d) = closed(f);
    let out = ok(&[
        "incident",
        "show",
        T,
        "--archive",
        &d,
        "--min-grade",
        "discounted",
    ]);
    assert!(
        out.contains("counting only sources graded at least discounted: 1 testimony left out (1 ungraded, 0 graded below)"),
        "{out}"
    );
    assert!(out.contains("(ungraded)"), "{out}");
    let json: Value = serde_json::from_str(&ok(&[
        "incident",
        "show",
        T,
        "--archive",
        &d,
        "--min-grade",
        "fair",
        "--json",
    ]))
    .unwrap();
    assert_eq!(json["grade_filter"]["ungraded"], 1);
    assert_eq!(json["grade_filter"]["below"], 1);
    assert!(json["figures"].get("dead").is_none(), "{json}");
    let tally = ok(&["tally", "--archive", &d, "--min-grade", "fair"]);
    assert!(
        tally.contains("counting only sources graded at least fair: 2 testimonies left out (1 ungraded, 1 graded below)"),
        "{tally}"
    );
    let tally: Value = serde_json::from_str(&ok(&[
        "tally",
        "--archive",
        &d,
        "--min-grade",
        "discounted",
        "--json",
    ]))
    .unwrap();
    let total = tally["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["figure"] == "dead")
        .unwrap()
        .clone();
    assert_eq!(
        (total["min"].as_u64(), total["max"].as_u64()),
        (Some(9), Some(9))
    );
    assert_eq!(tally["filter"]["min_grade"], "discounted");
    // Without the filter the tally is what it was.
    let all: Value = serde_json::from_str(&ok(&["tally", "--archive", &d, "--json"])).unwrap();
    assert!(all["filter"].get("min_grade").is_none());
    // A grade that does not exist is a usage error.
    let (code, _, err) = temoin(&[
        "incident",
        "show",
        T,
        "--archive",
        &d,
        "--min-grade",
        "good",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("confirmed, fair, weak, contested or discounted"),
        "{err}"
    );
}

#[test]
fn a_grade_from_someone_who_may_not_annotate_or_on_what_is_not_a_source_is_refused() {
    let mut f = Fx::new();
    let record = f.open(T, "Tangata", "2025-11-13");
    let t1 = f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(
            &[T],
            "press",
            "Le Méridional",
            json!([{"incident": T, "dead": 8}]),
        ),
    );
    let before = f.state();
    // An intermediary grading its own account: its role may not annotate.
    let r = f
        .submit(
            Who::Journalist,
            Kind::Annotation,
            grade_annotation(t1, json!({"verification": "confirmed"})),
        )
        .expect_err("an intermediary may not grade");
    assert!(
        matches!(
            &r,
            Refusal::Rule(RuleError::Authority(AuthorityError::RoleMayNot {
                role: Role::Intermediary,
                kind: Kind::Annotation,
                ..
            }))
        ),
        "{r}"
    );
    // A grade on an incident record: not a source.
    let r = f
        .submit(
            Who::Reviewer,
            Kind::Annotation,
            grade_annotation(record, json!({"verification": "fair"})),
        )
        .expect_err("a record is not a source");
    assert!(
        matches!(&r, Refusal::Rule(RuleError::GradeTarget { target, found: Kind::Incident }) if *target == record),
        "{r}"
    );
    assert!(r.to_string().contains("a grade grades a source"), "{r}");
    assert_eq!(f.state(), before, "a refusal changed the archive");
    let v = f.p().incident(T, f.size()).unwrap();
    assert!(v.testimonies[0].grade.is_none());

    // A grade signed with a key since declared compromised is shown, not
    // applied: a stolen reviewer key cannot raise what --min-grade counts.
    let g = f.ok(
        Who::Reviewer,
        Kind::Annotation,
        grade_annotation(t1, json!({"verification": "confirmed"})),
    );
    let gs = seq_of(&f, g);
    let received = f.archive.store().entry(gs).unwrap().unwrap().received_at;
    assert!(f.p().incident(T, f.size()).unwrap().testimonies[0]
        .grade
        .is_some());
    let revoke = Draft::new(Kind::Revoke)
        .part(
            PAYLOAD,
            serde_json::to_vec(&RevokePayload {
                key: f.reviewer.public().to_hex(),
                reason: "clé volée".into(),
                effective_at: received,
            })
            .unwrap(),
        )
        .sign(&f.custodian)
        .unwrap();
    f.archive
        .ingest(&revoke)
        .unwrap()
        .expect("revocation accepted");
    let v = f.p().incident(T, f.size()).unwrap();
    assert!(
        v.testimonies[0].grade.is_none(),
        "{:?}",
        v.testimonies[0].grade
    );
    assert!(v.signed_after_compromise.iter().any(|c| c.source.seq == gs));
    assert_eq!(v.testimonies[0].annotations.len(), 1, "still shown");
    let v = v.with_min_grade(Verification::Weak);
    assert_eq!(
        v.grade_filter.as_ref().map(|g| (g.ungraded, g.below)),
        Some((1, 0))
    );
    assert!(v.figures.dead.is_none());

    // A grade that is not one of the values is refused at signing.
    let e = temoin::compose::draft_from_json(
        Kind::Annotation,
        &serde_json::to_vec(&grade_annotation(t1, json!({"verification": "solid"}))).unwrap(),
    )
    .expect_err("refused");
    assert!(e.to_string().contains("solid"), "{e}");
}

#[test]
fn figures_that_contradict_each_other_in_one_account_are_flagged_with_their_entry() {
    let mut f = Fx::new();
    f.open(T, "Tangata", "2025-11-13");
    // 12 children among 8 dead: not refused — the source said it.
    let t1 = f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(
            &[T],
            "press",
            "Le Méridional",
            json!([{"incident": T, "dead": 8, "children_dead": 12}]),
        ),
    );
    let victim = |name: &str| json!({"name": name, "sex": "female", "status": "dead"});
    let t2 = f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(
            &[T],
            "relative",
            "frère d'une victime",
            json!([{"incident": T, "dead": {"min": 2, "max": 3}, "women_dead": 2, "children_dead": 2,
                    "victims": [victim("A"), victim("B"), victim("C"), victim("D")]}]),
        ),
    );
    let (s1, s2) = (seq_of(&f, t1), seq_of(&f, t2));
    let v = f.p().incident(T, f.size()).unwrap();
    let got: Vec<(u64, Vec<String>)> = v
        .data_conflicts
        .iter()
        .map(|c| (c.source.seq, c.figures.clone()))
        .collect();
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        [
            (s1, names(&["children_dead", "dead"])),
            (s2, names(&["women_dead", "children_dead", "dead"])),
            (s2, names(&["victims", "dead"])),
        ]
    );
    assert_eq!(v.data_conflicts[0].source.statement, t1);
    assert_eq!(
        v.data_conflicts[0].text,
        "children_dead (12) is more than dead (8) in the same account"
    );
    assert_eq!(
        v.data_conflicts[1].text,
        "women_dead (2) + children_dead (2) = 4 is more than dead (2–3) in the same account"
    );
    assert!(
        v.data_conflicts[2]
            .text
            .starts_with("4 victims are named as dead"),
        "{}",
        v.data_conflicts[2].text
    );
    // The figures are kept as given.
    let c = v.figures.children_dead.as_ref().unwrap();
    assert_eq!((c.min, c.max), (2, 12));
    // A withdrawn account's contradictions go with it.
    f.ok(
        Who::Journalist,
        Kind::Retraction,
        json!({"retracts": t1.to_hex(), "reason": "erreur de saisie"}),
    );
    let v = f.p().incident(T, f.size()).unwrap();
    assert!(v.data_conflicts.iter().all(|c| c.source.seq == s2));

    let (_keep, d) = closed(f);
    let at = s2.to_string();
    let json: Value = serde_json::from_str(&ok(&[
        "incident",
        "show",
        T,
        "--archive",
        &d,
        "--as-of",
        &at,
        "--json",
    ]))
    .unwrap();
    let conflicts = json["data_conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 3);
    assert_eq!(conflicts[0]["source"]["seq"], s1);
    assert_eq!(
        conflicts[0]["text"],
        "children_dead (12) is more than dead (8) in the same account"
    );
    let human = ok(&["incident", "show", T, "--archive", &d, "--as-of", &at]);
    assert!(
        human.contains(&format!("⚠ #{s1} "))
            && human.contains("children_dead (12) is more than dead (8)"),
        "{human}"
    );
    let hist = ok(&["history", T, "--archive", &d]);
    assert!(
        hist.contains(&format!("data conflict in entry {s1} about {T}")),
        "{hist}"
    );
}

#[test]
fn the_report_shows_perpetrators_grades_and_data_conflicts_with_their_entries() {
    use temoin::bundle::{self, ExportOptions, Scope};
    let mut f = Fx::new();
    f.open(T, "Tangata", "2025-11-13");
    let t1 = f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(
            &[T],
            "press",
            "Le Méridional",
            json!([{"incident": T, "dead": 8, "children_dead": 12,
                    "perpetrators": [perp("Armée malienne (FAMa)", "state_forces", "alleged")],
                    "means": [{"kind": "armed_drone", "model": "Bayraktar TB2"}],
                    "victims": [{"name": "Ali Ag Mohamed Elmehdi", "sex": "male", "age": 41,
                                 "age_group": "adult", "status": "dead", "acts": ["killed", "burned"]}]}]),
        ),
    );
    let g = f.ok(
        Who::Reviewer,
        Kind::Annotation,
        grade_annotation(t1, json!({"verification": "weak", "reliability": "medium"})),
    );
    let (s1, sg) = (seq_of(&f, t1), seq_of(&f, g));
    let b = bundle::export(
        f.archive.store(),
        &ExportOptions {
            scope: Scope::Incident(T.into()),
            withhold: vec![],
            beside: None,
        },
        0,
    )
    .unwrap();
    // The bundle's own projection leaves data conflicts out (bundles
    // exported before them still compare); the verifier recomputes them.
    assert!(b.projection[T].get("data_conflicts").is_none());
    assert!(b.projection[T].get("perpetrators").is_some());
    let v = bundle::verify(&b, &f.archive.checkpoint_vkey().unwrap());
    assert!(v.ok(), "{:?}", v.faults);
    let md = temoin::report::markdown(&v, &Default::default());
    assert!(
        md.contains(&format!("### Alleged perpetrators of {T}, by source")),
        "{md}"
    );
    assert!(md.contains(&format!("alleged, state forces — entry {s1}, demo-journalist (press — Le Méridional); verification weak (entry {sg}, demo-reviewer); reliability medium (entry {sg}, demo-reviewer)")), "{md}");
    assert!(md.contains("Bayraktar TB2 — entry"), "{md}");
    assert!(
        md.contains("children\\_dead (12) is more than dead (8) in the same account"),
        "{md}"
    );
    assert!(md.contains("killed, burned"), "{md}");
    assert!(md.contains("41 (adult)"), "{md}");
    assert!(
        md.contains(&format!("entry {s1} (demo-journalist); graded weak")),
        "{md}"
    );
    assert!(md.contains("| grade: verification | weak |"), "{md}");
}

#[test]
fn a_victim_that_contradicts_itself_is_refused_at_signing_with_its_name() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = json!({"name": "Fadimata Walet Ahmed", "sex": "female", "age": 24,
                        "age_group": "child", "status": "dead"});
    let input = testimony_json(
        &[T],
        "relative",
        "sœur",
        json!([{"incident": T, "dead": 1, "victims": [victim]}]),
    );
    // The library path `temoin sign` takes.
    let e = temoin::compose::draft_from_json(Kind::Testimony, &serde_json::to_vec(&input).unwrap())
        .expect_err("refused");
    let msg = e.to_string();
    assert!(
        msg.contains(r#"victim "Fadimata Walet Ahmed""#)
            && msg.contains(r#"age_group "child" but age 24 is 18 or over"#),
        "{msg}"
    );
    // The command: refused, nothing written.
    let file = tmp.path().join("t.json");
    std::fs::write(&file, serde_json::to_vec(&input).unwrap()).unwrap();
    let out = tmp.path().join("t.tms");
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("keys/demo-journalist.key");
    let (code, _, err) = temoin(&[
        "sign",
        "--key",
        key.to_str().unwrap(),
        "--kind",
        "testimony",
        "--input",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    assert!(
        err.contains("Fadimata Walet Ahmed") && err.contains("18 or over"),
        "{err}"
    );
    assert!(!out.exists());
    // Killed but injured, dead but not killed: each named.
    for (v, needle) in [
        (
            json!({"name": "Ag Alher", "sex": "male", "status": "injured", "acts": ["killed"]}),
            r#"victim "Ag Alher": act "killed" but status "injured""#,
        ),
        (
            json!({"name": "Ag Ousmane", "sex": "male", "status": "dead", "acts": ["burned"]}),
            r#"victim "Ag Ousmane": status "dead" but the acts given do not include "killed""#,
        ),
        (
            json!({"name": "Mariam", "sex": "female", "age": {"min": 6, "max": 9}, "age_group": "adult", "status": "missing"}),
            r#"victim "Mariam": age_group "adult" but age 6–9 is under 18"#,
        ),
    ] {
        let input = testimony_json(
            &[T],
            "relative",
            "sœur",
            json!([{"incident": T, "victims": [v]}]),
        );
        let e =
            temoin::compose::draft_from_json(Kind::Testimony, &serde_json::to_vec(&input).unwrap())
                .expect_err("refused");
        assert!(e.to_string().contains(needle), "{e}");
    }
    // Signed by hand past the check, the archive refuses it all the same.
    let mut f = Fx::new();
    f.open(T, "Tangata", "2025-11-13");
    let before = f.state();
    let mut payload = input_payload(&input);
    payload.as_object_mut().unwrap().remove("witness");
    let forged = Draft::new(Kind::Testimony)
        .part(PAYLOAD, serde_json::to_vec(&payload).unwrap())
        .part("text", b"texte".to_vec())
        .sign(&f.journalist)
        .unwrap();
    let r = f.archive.ingest(&forged).unwrap().expect_err("refused");
    assert!(
        matches!(&r, Refusal::Rule(RuleError::Payload(PayloadError::Invalid { reason, .. })) if reason.to_string().contains("Fadimata Walet Ahmed")),
        "{r}"
    );
    assert_eq!(f.state(), before);
}

/// The payload part of a testimony input: the input without its parts.
fn input_payload(input: &Value) -> Value {
    let mut p = input.clone();
    for k in ["text", "translation"] {
        p.as_object_mut().unwrap().remove(k);
    }
    p
}

#[test]
fn a_date_known_to_the_year_shows_as_the_year_and_is_never_placed_by_its_placeholder() {
    let mut f = Fx::new();
    let mut x = incident_json("zouera-2025", "Zouéra", "2025-01-01");
    x["when"]["precision"] = json!("unknown_month");
    x["place"]["precision"] = json!("locality");
    f.ok(Who::Journalist, Kind::Incident, x);
    let mut y = incident_json("aratane-2025-11", "Aratane", "2025-11-01");
    y["when"]["precision"] = json!("unknown_day");
    f.ok(Who::Journalist, Kind::Incident, y);
    f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(
            &["zouera-2025", "aratane-2025-11"],
            "press",
            "p",
            json!([{"incident": "zouera-2025", "dead": 4}, {"incident": "aratane-2025-11", "dead": 2}]),
        ),
    );
    let (_keep, d) = closed(f);
    let list = ok(&["incident", "list", "--archive", &d]);
    let line = |id: &str| {
        list.lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id}: {list}"))
            .to_string()
    };
    assert!(line("zouera-2025 ").contains(" 2025 "), "{list}");
    assert!(
        !list.contains("2025-01-01"),
        "the placeholder is never shown: {list}"
    );
    assert!(line("aratane-2025-11").contains(" 2025-11 "), "{list}");
    let show = ok(&["incident", "show", "zouera-2025", "--archive", &d]);
    assert!(show.contains("when       2025\n"), "{show}");
    assert!(show.contains("(precision: locality)"), "{show}");
    let hist = ok(&["history", "zouera-2025", "--archive", &d]);
    assert!(hist.contains(", 2025 (drone_strike)"), "{hist}");
    // The CSV keeps the stored date and says how much of it is known.
    let csv = ok(&["incident", "list", "--archive", &d, "--csv"]);
    let row = csv.lines().find(|l| l.starts_with("zouera-2025,")).unwrap();
    assert!(
        row.contains(",2025-01-01,,unknown_month,") && row.contains(",locality,"),
        "{row}"
    );
    // A window is matched against the whole year (or month), never the
    // placeholder day: November holds both, December only the year.
    let ids = |from: &str, to: &str| -> Vec<String> {
        let t: Value = serde_json::from_str(&ok(&[
            "tally",
            "--archive",
            &d,
            "--from",
            from,
            "--to",
            to,
            "--json",
        ]))
        .unwrap();
        t["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids("2025-11-20", "2025-11-30"),
        ["zouera-2025", "aratane-2025-11"]
    );
    assert_eq!(ids("2025-12-01", "2025-12-31"), ["zouera-2025"]);
    assert!(ids("2026-01-01", "2026-12-31").is_empty());
    let tally = ok(&["tally", "--archive", &d]);
    assert!(
        tally.contains("zouera-2025 ") && !tally.contains("2025-01-01"),
        "{tally}"
    );
}
