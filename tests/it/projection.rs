//! Projection tests on hand-made logs: figures per source with ranges,
//! independent sources and conflicts; amendments, retractions, merges,
//! annotations and redactions; victims matched by folded name; as-of by
//! seq and by time; history; the `J` cache and `rebuild`.

use crate::projection_support as support;

use serde_json::json;
use std::sync::Arc;
use support::*;
use temoin::domain::{Count, Sex};
use temoin::projection::{ArchiveViews, AsOf, Fold, ProjectionError, TallyFilter, TestimonyStatus};
use temoin::statement::Kind;
use temoin::store;

const A: &str = "emimalane-2025-10-24";
const B: &str = "aratane-2025-11-06";

fn two_incidents() -> Fx {
    let mut f = Fx::new();
    f.open(A, "Émimalane", "2025-10-24");
    f.open(B, "Aratane", "2025-11-06");
    f
}

fn dead(f: &Fx, id: &str) -> Option<(u32, u32, bool)> {
    let v = f.p().incident(id, f.size()).expect("view");
    v.figures.dead.map(|d| (d.min, d.max, d.conflict))
}

#[test]
fn figures_per_source_range_conflict_and_independent_sources() {
    let mut f = two_incidents();
    let press = "Le Méridional, novembre 2025";
    f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(&[A], "press", press, json!([{"incident": A, "dead": 8}])),
    );
    f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(
            &[A],
            "eyewitness",
            "berger présent au campement",
            json!([{"incident": A, "dead": 7}]),
        ),
    );
    // The same press source, spelt differently: not an independent source.
    f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(
            &[A],
            "press",
            "LE MERIDIONAL,  novembre 2025",
            json!([{"incident": A, "dead": 8}]),
        ),
    );
    let v = f.p().incident(A, f.size()).unwrap();
    let d = v.figures.dead.as_ref().unwrap();
    assert_eq!((d.min, d.max, d.conflict), (7, 8, true));
    assert_eq!(d.per_source.len(), 3);
    assert_eq!(
        d.sources, 2,
        "two independent sources: the press (twice) and the shepherd"
    );
    assert_eq!(d.authors, 2);
    assert_eq!(d.display(), "7–8 ⚠");
    // Every per-source figure names its entry and statement.
    for s in &d.per_source {
        let e = temoin::projection::read_event(f.archive.store(), s.source.seq).unwrap();
        assert_eq!(e.hash, s.source.statement);
    }
    // B is untouched.
    assert_eq!(dead(&f, B), None);
}

#[test]
fn overlapping_ranges_do_not_conflict() {
    let mut f = two_incidents();
    f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(&[A], "press", "p", json!([{"incident": A, "dead": 7}])),
    );
    f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(
            &[A],
            "hearsay",
            "h",
            json!([{"incident": A, "dead": {"min": 6, "max": 9}}]),
        ),
    );
    assert_eq!(dead(&f, A), Some((6, 9, false)));
    f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(
            &[A],
            "relative",
            "r",
            json!([{"incident": A, "dead": {"min": 8, "max": 10}}]),
        ),
    );
    // 7 and 8–10 cannot both be right.
    assert_eq!(dead(&f, A), Some((6, 10, true)));
}

#[test]
fn amendment_replaces_and_retraction_withdraws_with_as_of() {
    let mut f = two_incidents();
    let t1 = f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(&[A], "eyewitness", "e", json!([{"incident": A, "dead": 8}])),
    );
    let s_t1 = f.size();
    let mut amended = testimony_json(&[A], "eyewitness", "e", json!([{"incident": A, "dead": 6}]));
    amended.as_object_mut().unwrap().remove("witness");
    let text = amended.as_object_mut().unwrap().remove("text").unwrap();
    let t2 = f.ok(
        Who::Ngo,
        Kind::Amendment,
        json!({"amends": t1.to_hex(), "reason": "le témoin a recompté", "testimony": amended, "text": text}),
    );
    let s_t2 = f.size();
    assert_eq!(dead(&f, A), Some((6, 6, false)));
    let v = f.p().incident(A, f.size()).unwrap();
    assert_eq!(v.testimonies.len(), 1);
    assert_eq!(v.testimonies[0].versions.len(), 2);
    assert_eq!(v.testimonies[0].current.statement, t2);
    assert_eq!(
        v.testimonies[0].versions[1].reason.as_deref(),
        Some("le témoin a recompté")
    );
    assert_eq!(
        v.figures.dead.as_ref().unwrap().per_source[0]
            .source
            .statement,
        t2
    );

    f.ok(
        Who::Ngo,
        Kind::Retraction,
        json!({"retracts": t2.to_hex(), "reason": "témoin revenu sur ses propos"}),
    );
    let v = f.p().incident(A, f.size()).unwrap();
    assert_eq!(
        v.figures.dead, None,
        "a retracted testimony is out of the figures"
    );
    assert_eq!(v.testimonies.len(), 1, "but still shown");
    assert!(matches!(
        &v.testimonies[0].status,
        TestimonyStatus::Retracted { reason, .. } if reason == "témoin revenu sur ses propos"
    ));
    // As of earlier entries.
    let p = f.p();
    let at = |upto: u64| {
        p.incident(A, upto)
            .unwrap()
            .figures
            .dead
            .map(|d| (d.min, d.max))
    };
    assert_eq!(at(s_t1 - 1), None);
    assert_eq!(at(s_t1), Some((8, 8)));
    assert_eq!(at(s_t2), Some((6, 6)));
    assert_eq!(at(f.size()), None);
    assert_eq!(p.cut(Some(AsOf::Seq(s_t1 - 1))).unwrap(), s_t1);
    assert_eq!(p.cut(Some(AsOf::Seq(10_000))).unwrap(), f.size());
    // An incident asked for before it was opened.
    assert!(matches!(
        p.incident(B, 5),
        Err(ProjectionError::NotYetOpened { .. })
    ));
}

#[test]
fn victims_are_merged_by_folded_name_keeping_every_source() {
    let mut f = two_incidents();
    f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(
            &[A],
            "press",
            "p",
            json!([{"incident": A, "dead": 3, "victims": [
                {"name": "Aïcha Walet Mohamed", "sex": "female", "age": 30, "status": "dead"},
                {"name": "Fatouma", "sex": "female", "status": "dead"},
                {"name": "Fatouma", "sex": "female", "age": 4, "status": "dead"}
            ]}]),
        ),
    );
    f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(
            &[A],
            "relative",
            "frère",
            json!([{"incident": A, "dead": 3, "victims": [
                {"name": "AICHA  WALET MOHAMED", "sex": "unknown", "age": {"min": 28, "max": 32}, "status": "dead"},
                {"name": "fatouma", "sex": "female", "status": "injured"}
            ]}]),
        ),
    );
    let v = f.p().incident(A, f.size()).unwrap();
    assert_eq!(v.victims.len(), 3, "{:#?}", v.victims);
    let aicha = &v.victims[0];
    assert_eq!(aicha.name, "Aïcha Walet Mohamed");
    assert_eq!(aicha.spellings.len(), 2);
    assert_eq!(aicha.mentions.len(), 2);
    assert_eq!(aicha.sex, Some(Sex::Female));
    assert_eq!(aicha.age, Some(Count::Range { min: 28, max: 32 }));
    assert!(!aicha.conflict);
    // The first Fatouma of each account is matched; her status differs.
    let fat1 = &v.victims[1];
    assert_eq!(fat1.mentions.len(), 2);
    assert!(fat1.conflict);
    assert_eq!(fat1.status, None);
    // The second Fatouma of the first account is another person.
    assert_eq!(v.victims[2].mentions.len(), 1);
    assert_eq!(v.victims[2].age, Some(Count::Exact(4)));
}

#[test]
fn a_merged_incident_is_read_as_part_of_the_other() {
    let mut f = two_incidents();
    f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(&[A], "press", "p", json!([{"incident": A, "dead": 3}])),
    );
    f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(&[B], "eyewitness", "e", json!([{"incident": B, "dead": 4}])),
    );
    let before = f.size();
    f.ok(
        Who::Reviewer,
        Kind::Merge,
        json!({"from": B, "into": A, "reason": "même frappe, deux noms de lieu"}),
    );
    let v = f.p().incident(A, f.size()).unwrap();
    assert_eq!(v.members(), vec![A.to_string(), B.to_string()]);
    assert_eq!(v.merged.len(), 1);
    assert_eq!(v.merged_records.len(), 1);
    let d = v.figures.dead.as_ref().unwrap();
    assert_eq!(
        (d.min, d.max, d.conflict, d.per_source.len()),
        (3, 4, true, 2)
    );
    let vb = f.p().incident(B, f.size()).unwrap();
    assert_eq!(vb.merged_into.as_ref().map(|m| m.into.as_str()), Some(A));
    // Before the merge, A held only its own testimony.
    let old = f.p().incident(A, before).unwrap();
    assert_eq!(old.figures.dead.as_ref().unwrap().per_source.len(), 1);
    // A later testimony about B counts for A too.
    f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(&[B], "relative", "r", json!([{"incident": B, "dead": 5}])),
    );
    assert_eq!(dead(&f, A), Some((3, 5, true)));
    // The tally counts the merged pair once, under A.
    let t = f
        .p()
        .tally(&TallyFilter::default(), f.size())
        .expect("tally");
    assert_eq!(t.incidents.len(), 1);
    assert_eq!(t.incidents[0].id, A);
    let tot = t.total("dead").unwrap();
    assert_eq!((tot.min, tot.max), (3, 5));
}

#[test]
fn annotations_are_shown_against_their_target_and_redactions_as_gaps() {
    let mut f = two_incidents();
    let t = f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(&[A], "eyewitness", "e", json!([{"incident": A, "dead": 2}])),
    );
    let note = f.ok(
        Who::Reviewer,
        Kind::Annotation,
        json!({"on": t.to_hex(), "stance": "corroborates", "text": "recoupé avec un second témoin"}),
    );
    let order = f.ok(
        Who::Custodian,
        Kind::Redaction,
        json!({"statement": t.to_hex(), "label": "witness", "reason": "protection du témoin"}),
    );
    let v = f.p().incident(A, f.size()).unwrap();
    let tv = &v.testimonies[0];
    assert_eq!(tv.annotations.len(), 1);
    assert_eq!(tv.annotations[0].source.statement, note);
    assert_eq!(tv.annotations[0].on, t);
    let parts = &tv.versions[0].parts;
    let w = parts.iter().find(|p| p.label == "witness").unwrap();
    let r = w.redacted.as_ref().expect("witness shown as a gap");
    assert_eq!(r.by.statement, order);
    assert_eq!(r.reason, "protection du témoin");
    assert!(parts
        .iter()
        .filter(|p| p.label != "witness")
        .all(|p| p.redacted.is_none()));
    // The content is gone from the store, the figures are not.
    assert_eq!(dead(&f, A), Some((2, 2, false)));
    // The annotation changes nothing in the figures (history says so).
    let h = f.p().history(A).unwrap();
    let step = h.steps.iter().find(|s| s.statement == note).unwrap();
    assert!(step.changes.is_empty(), "{:?}", step.changes);
    let step = h.steps.iter().find(|s| s.statement == order).unwrap();
    assert!(step.changes[0].contains("erased"), "{:?}", step.changes);
}

#[test]
fn a_testimony_moved_by_amendment_leaves_the_old_incident() {
    let mut f = two_incidents();
    let t1 = f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(&[A], "eyewitness", "e", json!([{"incident": A, "dead": 2}])),
    );
    let mut moved = testimony_json(&[B], "eyewitness", "e", json!([{"incident": B, "dead": 2}]));
    let obj = moved.as_object_mut().unwrap();
    obj.remove("witness");
    let text = obj.remove("text").unwrap();
    f.ok(
        Who::Ngo,
        Kind::Amendment,
        json!({"amends": t1.to_hex(), "reason": "mauvais lieu", "testimony": moved, "text": text}),
    );
    let va = f.p().incident(A, f.size()).unwrap();
    assert_eq!(va.figures.dead, None);
    assert!(matches!(
        va.testimonies[0].status,
        TestimonyStatus::Elsewhere { .. }
    ));
    let vb = f.p().incident(B, f.size()).unwrap();
    assert_eq!(vb.figures.dead.as_ref().map(|d| d.min), Some(2));
    assert_eq!(vb.testimonies[0].amends_outside, Some(t1));
}

#[test]
fn as_of_time_finds_the_last_entry_received_by_then() {
    let mut f = two_incidents();
    for n in 0..4 {
        std::thread::sleep(std::time::Duration::from_millis(3));
        f.ok(
            Who::Ngo,
            Kind::Testimony,
            testimony_json(
                &[A],
                "hearsay",
                &format!("s{n}"),
                json!([{"incident": A, "dead": n}]),
            ),
        );
    }
    let p = f.p();
    let size = f.size();
    let times: Vec<i64> = (0..size)
        .map(|s| f.archive.store().entry(s).unwrap().unwrap().received_at)
        .collect();
    for (s, &t) in times.iter().enumerate() {
        let expected = times.iter().filter(|&&x| x <= t).count() as u64;
        assert!(expected > s as u64);
        assert_eq!(p.cut(Some(AsOf::Time(t))).unwrap(), expected);
        assert_eq!(
            p.cut(Some(AsOf::Time(t - 1))).unwrap(),
            times.iter().filter(|&&x| x < t).count() as u64
        );
    }
    assert_eq!(p.cut(Some(AsOf::Time(times[0] - 1))).unwrap(), 0);
    assert_eq!(p.cut(Some(AsOf::Time(i64::MAX))).unwrap(), size);
    // Parsing: digits are a seq, a date is the end of that day.
    assert_eq!("42".parse::<AsOf>().unwrap(), AsOf::Seq(42));
    assert_eq!(
        "2025-11-14".parse::<AsOf>().unwrap(),
        AsOf::Time(1_763_078_400_000 + 86_400_000 - 1)
    );
    assert_eq!(
        "2025-11-14T00:00:01Z".parse::<AsOf>().unwrap(),
        AsOf::Time(1_763_078_401_000)
    );
    assert!("hier".parse::<AsOf>().is_err());
}

#[test]
fn incidents_are_found_by_folded_name() {
    let mut f = two_incidents();
    f.open(
        "eghachar-ntirikene-2025-11-14",
        "Eghachar N’Tirikene",
        "2025-11-14",
    );
    let p = f.p();
    assert_eq!(p.resolve("Emimalane").unwrap(), A);
    assert_eq!(p.resolve("ÉMIMALANE").unwrap(), A);
    assert_eq!(p.resolve(A).unwrap(), A);
    assert_eq!(
        p.resolve("eghachar n'tirikene").unwrap(),
        "eghachar-ntirikene-2025-11-14"
    );
    assert!(matches!(
        p.resolve("Frappe"),
        Err(ProjectionError::Ambiguous { .. })
    ));
    assert!(matches!(
        p.resolve("Tombouctou-inconnu"),
        Err(ProjectionError::UnknownIncident(_))
    ));
}

#[test]
fn history_says_what_each_entry_changed() {
    let mut f = two_incidents();
    let t1 = f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(&[A], "eyewitness", "e", json!([{"incident": A, "dead": 8}])),
    );
    let mut amended = testimony_json(&[A], "eyewitness", "e", json!([{"incident": A, "dead": 6}]));
    let text = amended.as_object_mut().unwrap().remove("text").unwrap();
    amended.as_object_mut().unwrap().remove("witness");
    let t2 = f.ok(
        Who::Ngo,
        Kind::Amendment,
        json!({"amends": t1.to_hex(), "reason": "recompté", "testimony": amended, "text": text}),
    );
    let h = f.p().history("Emimalane").unwrap();
    assert_eq!(h.kind, "incident");
    assert_eq!(h.steps.len(), 3);
    assert!(h.steps[0].changes[0].starts_with("record: Frappe à Émimalane"));
    assert!(h.steps[1]
        .changes
        .contains(&"dead: — → 8 (1 source)".to_string()));
    assert!(
        h.steps[2]
            .changes
            .contains(&"dead: 8 (1 source) → 6 (1 source)".to_string()),
        "{:?}",
        h.steps[2].changes
    );
    // The testimony's own history, from any version's hash prefix.
    let th = f.p().history(&t2.to_hex()[..10]).unwrap();
    assert_eq!(th.kind, "testimony");
    assert_eq!(th.subject, t1.to_hex());
    assert_eq!(th.steps.len(), 2);
    assert!(th.steps[1].changes.contains(&format!("dead ({A}): 8 → 6")));
    assert!(matches!(
        f.p().history("zz"),
        Err(ProjectionError::BadSubject(_))
    ));
    assert!(matches!(
        f.p().history("0123456789"),
        Err(ProjectionError::UnknownStatement(_))
    ));
}

#[test]
fn tally_reconciles_claims_with_records_in_their_scope() {
    let mut f = two_incidents();
    f.open("zouera-2025-07-08", "Zouéra", "2025-07-08");
    f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(
            &[A, B, "zouera-2025-07-08"],
            "press",
            "p",
            json!([
                {"incident": A, "dead": 8, "children_dead": 4},
                {"incident": B, "dead": 4, "women_dead": 1},
                {"incident": "zouera-2025-07-08", "dead": 4}
            ]),
        ),
    );
    let claim = f.ok(
        Who::Journalist,
        Kind::SummaryClaim,
        json!({
            "source": {"relation": "press", "description": "p"},
            "text": "10 morts en deux semaines",
            "region": "Tombouctou",
            "from": "2025-10-24", "to": "2025-11-06",
            "figures": {"dead": 10, "women_and_children_dead": 5}
        }),
    );
    f.ok(
        Who::Journalist,
        Kind::SummaryClaim,
        json!({
            "source": {"relation": "press", "description": "p"},
            "text": "12 morts à Émimalane et Zouéra",
            "from": "2025-07-01", "to": "2025-11-30",
            "incidents": [A, "zouera-2025-07-08"],
            "figures": {"dead": 12}
        }),
    );
    let filter = TallyFilter {
        region: Some("TOMBOUCTOU".into()),
        from: Some("2025-10-01".into()),
        to: Some("2025-11-30".into()),
        min_grade: None,
    };
    let t = f.p().tally(&filter, f.size()).unwrap();
    assert_eq!(
        t.incidents
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        vec![A, B]
    );
    assert_eq!(t.total("dead").map(|x| (x.min, x.max)), Some((12, 12)));
    assert_eq!(t.claims.len(), 2);
    let c = &t.claims[0];
    assert_eq!(c.claim.source.statement, claim);
    assert_eq!(c.scope, vec![A.to_string(), B.to_string()]);
    let dead = &c.rows[0];
    assert_eq!(
        (
            dead.figure.as_str(),
            dead.records.min,
            dead.difference,
            dead.agrees
        ),
        ("dead", 12, (-2, -2), false)
    );
    let wc = &c.rows[1];
    assert_eq!(wc.figure, "women_and_children_dead");
    assert_eq!((wc.records.min, wc.difference), (5, (0, 0)));
    assert!(wc.agrees);
    assert_eq!(
        wc.records.partial.len(),
        2,
        "each incident gives only one of the two"
    );
    // A claim that names its incidents is reconciled with those.
    let named = &t.claims[1];
    assert_eq!(
        named.scope,
        vec![A.to_string(), "zouera-2025-07-08".to_string()]
    );
    assert!(named.rows[0].agrees);
    // Outside the window, no claim and no incident.
    let none = f
        .p()
        .tally(
            &TallyFilter {
                region: None,
                from: Some("2026-01-01".into()),
                to: None,
                min_grade: None,
            },
            f.size(),
        )
        .unwrap();
    assert!(none.incidents.is_empty() && none.claims.is_empty());
    assert!(matches!(
        f.p().tally(
            &TallyFilter {
                region: None,
                from: Some("novembre".into()),
                to: None,
                min_grade: None,
            },
            f.size()
        ),
        Err(ProjectionError::BadDate { .. })
    ));
}

#[test]
fn cache_is_refreshed_and_rebuild_checks_what_is_stored() {
    let mut f = two_incidents();
    f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(&[A], "eyewitness", "e", json!([{"incident": A, "dead": 2}])),
    );
    let size = f.size();
    let cached = f.p().summaries(size).unwrap();
    let fresh = ArchiveViews::uncached(f.archive.store())
        .summaries(size)
        .unwrap();
    assert_eq!(cached, fresh);
    assert!(f.archive.store().view(A).unwrap().is_some());
    // A new entry makes A's cached summary stale: it is recomputed.
    f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(&[A], "press", "p", json!([{"incident": A, "dead": 3}])),
    );
    let size = f.size();
    let again = f.p().summaries(size).unwrap();
    assert_eq!(again[1].figures.dead.as_ref().map(|d| d.max), Some(3));
    assert_eq!(
        again,
        ArchiveViews::uncached(f.archive.store())
            .summaries(size)
            .unwrap()
    );
    let r = f.p().rebuild(&mut |_| {}).unwrap();
    assert!(r.matched(), "{r:?}");
    assert_eq!(
        (r.incidents, r.views_matched, r.views_differing.len()),
        (2, 2, 0)
    );

    // A forged cache entry that claims to be current is caught.
    let db = &f.archive.store().raw_db();
    let k = store::layout::key(store::layout::VIEW, A.as_bytes());
    let forged = String::from_utf8(db.get(&k).unwrap().unwrap().to_vec())
        .unwrap()
        .replace("\"max\":3", "\"max\":30");
    db.insert(&k, forged.as_bytes()).unwrap();
    let r = f.p().rebuild(&mut |_| {}).unwrap();
    assert_eq!(r.views_differing, vec![A.to_string()]);
    assert!(!r.matched());
    // ...and rewritten by the rebuild.
    assert!(f.p().rebuild(&mut |_| {}).unwrap().matched());

    // A touch missing from the T index is caught.
    db.remove(store::layout::touch_key(A, size - 1)).unwrap();
    let r = f.p().rebuild(&mut |_| {}).unwrap();
    assert_eq!(r.touch_mismatches.len(), 1);
    assert_eq!(r.touch_mismatches[0].missing, vec![size - 1]);
    assert!(!r.matched());
    db.insert(store::layout::touch_key(A, size - 1), &[])
        .unwrap();
    assert!(f.p().rebuild(&mut |_| {}).unwrap().matched());

    use temoin::projection::Tuning;
    // A cached summary of an incident the log does not have is reported
    // and removed, whether the rebuild meets the cached ids in one chunk
    // or along a fold of one-entry chunks.
    for chunk in [Tuning::default().chunk, 1] {
        let ghost = store::layout::key(store::layout::VIEW, b"inc-ghost");
        db.insert(&ghost, &b"{}"[..]).unwrap();
        let tuning = Tuning {
            chunk,
            ..Default::default()
        };
        let r = f.p().rebuild_tuned(tuning, &mut |_| {}).unwrap();
        assert_eq!(
            r.views_unknown,
            vec!["inc-ghost".to_string()],
            "chunk {chunk}"
        );
        assert_eq!(r.views_matched, 2, "chunk {chunk}");
        assert!(!r.matched());
        assert!(db.get(&ghost).unwrap().is_none());
    }
}

#[test]
fn the_fold_one_entry_at_a_time_equals_the_views_from_the_touch_index() {
    let mut f = two_incidents();
    let t = f.ok(
        Who::Journalist,
        Kind::Testimony,
        testimony_json(
            &[A, B],
            "press",
            "p",
            json!([{"incident": A, "dead": 1}, {"incident": B, "dead": 2}]),
        ),
    );
    f.ok(
        Who::Reviewer,
        Kind::Annotation,
        json!({"on": t.to_hex(), "stance": "note", "text": "à vérifier"}),
    );
    f.ok(
        Who::Reviewer,
        Kind::Merge,
        json!({"from": A, "into": B, "reason": "même événement"}),
    );
    let store = f.archive.store();
    let p = ArchiveViews::uncached(store);
    let mut fold = Fold::new();
    for seq in 0..f.size() {
        fold.apply(Arc::new(
            temoin::projection::read_event(store, seq).unwrap(),
        ));
        for id in fold.incidents().keys() {
            assert_eq!(
                fold.view(id).unwrap(),
                p.incident(id, seq + 1).unwrap(),
                "{id} as of {seq}"
            );
        }
    }
}

/// A payload part's row dropped, damaged, out of range, or pointing past
/// the parts file's end: the rebuild (which reads a chunk's rows in one
/// scan and their parts in one read) fails on it exactly as reading that
/// entry alone does, however it cuts the log.
#[test]
fn rebuild_meets_a_damaged_payload_part_as_reading_the_entry_does() {
    use temoin::projection::Tuning;
    let mut f = two_incidents();
    for i in 0..6 {
        f.ok(
            Who::Ngo,
            Kind::Testimony,
            testimony_json(
                &[A],
                "eyewitness",
                &format!("t{i}"),
                json!([{"incident": A, "dead": i}]),
            ),
        );
    }
    let store = f.archive.store();
    let db = store.raw_db();
    let seq = f.size() - 3;
    let key = store::layout::seq_key(store::layout::PART, seq);
    let stored = db.get(key).unwrap().expect("the entry has parts");
    let row = store::decode_part_row(seq, &stored).unwrap();
    assert!(!row.is_empty());
    let end = store.parts_end().unwrap();
    // Every location of the row replaced by `loc`.
    let with = |loc: store::PartLoc| -> Vec<u8> {
        let r: store::PartRow = row.iter().map(|(d, _)| (*d, loc)).collect();
        temoin::encoding::encode(&r)
    };
    let damages: Vec<Option<Vec<u8>>> = vec![
        None,
        Some(vec![1, 2, 3]),
        Some(with(store::PartLoc {
            offset: end,
            len: 64,
        })),
        Some(with(store::PartLoc {
            offset: 0,
            len: u64::MAX,
        })),
    ];
    for d in damages {
        match &d {
            None => db.remove(key).unwrap(),
            Some(v) => db.insert(key, v.as_slice()).unwrap(),
        };
        let want = temoin::projection::read_event(store, seq)
            .expect_err("the entry reads badly")
            .to_string();
        for chunk in [1, 2, 5, 16384] {
            let tuning = Tuning {
                chunk,
                pending_budget: 0,
            };
            let got = f
                .p()
                .rebuild_tuned(tuning, &mut |_| {})
                .expect_err("rebuild fails");
            assert_eq!(got.to_string(), want, "chunks of {chunk}, row {d:?}");
        }
        db.insert(key, stored.clone()).unwrap();
        assert!(temoin::projection::read_event(store, seq).is_ok());
    }
}
