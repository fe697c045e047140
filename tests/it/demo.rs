//! The seed demo, asserted against the article
//! (`examples/seed/mali-drone-strikes-2025.fr.txt`): each incident's dead,
//! the named victims, the amendment, the annotations, the redaction, and the
//! tally with its differences to the article's own summary claims.

use temoin::archive::Archive;
use temoin::demo::{self, DemoError};
use temoin::domain::{Count, Sex};
use temoin::projection::{ArchiveViews, AsOf, TestimonyStatus};

const EMIMALANE: &str = "emimalane-2025-10-24";
const ARATANE: &str = "aratane-2025-11-06";
const ZOUERA: &str = "zouera-2025-07-08";
const TANGATA: &str = "tangata-2025-11-13";
const EGHACHAR: &str = "eghachar-ntirikene-2025-11-14";

fn range(f: Option<&temoin::projection::Figure>) -> Option<(u32, u32, bool)> {
    f.map(|f| (f.min, f.max, f.conflict))
}

#[test]
fn the_seed_demo_shows_the_articles_figures_and_their_disagreements() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo-archive");
    let r = demo::run(&path, false).expect("demo");

    // Built and verified: genesis, 3 enrolments, 5 incidents, 2 testimonies,
    // 2 summary claims, 2 amendments, 2 annotations, 1 redaction, and the
    // reviewer's grading of the article (an annotation).
    assert_eq!(r.audit.entries, 19);
    assert_eq!(r.steps.len(), 19);
    assert_eq!(r.steps[18].label, "grade-press");
    assert_eq!(r.audit.authors, 4);
    assert_eq!(r.audit.redacted.len(), 1);
    assert_eq!(r.audit.redacted[0].label, "witness");

    // Each incident's dead, as the article gives them.
    let by_id = |id: &str| r.incidents.iter().find(|s| s.id == id).expect(id);
    for (id, dead) in [
        (EMIMALANE, 8),
        (ARATANE, 4),
        (ZOUERA, 4),
        (TANGATA, 7),
        (EGHACHAR, 6),
    ] {
        assert_eq!(
            range(by_id(id).figures.dead.as_ref()),
            Some((dead, dead, false)),
            "{id}"
        );
    }
    assert_eq!(r.incidents.len(), 5);
    // "dont trois fillettes et un nourrisson", "dont deux adolescents",
    // "une mère et ses cinq enfants", "6 femmes touaregues".
    assert_eq!(
        range(by_id(EMIMALANE).figures.children_dead.as_ref()),
        Some((4, 4, false))
    );
    assert_eq!(
        range(by_id(ARATANE).figures.children_dead.as_ref()),
        Some((2, 2, false))
    );
    assert_eq!(
        range(by_id(TANGATA).figures.women_dead.as_ref()),
        Some((1, 1, false))
    );
    assert_eq!(
        range(by_id(TANGATA).figures.children_dead.as_ref()),
        Some((5, 5, false))
    );
    assert_eq!(
        range(by_id(EGHACHAR).figures.women_dead.as_ref()),
        Some((6, 6, false))
    );
    // "un enfant blessé gravement" against the fictitious second source.
    assert_eq!(
        range(by_id(EGHACHAR).figures.injured.as_ref()),
        Some((1, 2, true))
    );
    assert_eq!(by_id(EGHACHAR).testimonies, 2);
    // The Tangata record was amended: "dans la nuit du 13 au 14 novembre".
    let tangata = by_id(TANGATA);
    let when = &tangata.incident.as_ref().unwrap().when;
    assert_eq!(
        (when.start.as_str(), when.end.as_deref()),
        ("2025-11-13", Some("2025-11-14"))
    );
    assert_eq!(tangata.record_versions, 2);
    assert_eq!(
        tangata.incident.as_ref().unwrap().place.commune.as_deref(),
        Some("Tin-Aïcha")
    );
    assert_eq!(tangata.victims, 7);

    // The tally over the article's three weeks, reconciled with its claims.
    let t = &r.tally;
    let ids: Vec<&str> = t.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, vec![EMIMALANE, ARATANE, TANGATA, EGHACHAR]);
    let total = |n: &str| t.total(n).map(|x| (x.min, x.max)).unwrap();
    assert_eq!(total("dead"), (25, 25), "8 + 4 + 7 + 6");
    assert_eq!(total("women_dead"), (7, 7), "1 + 6");
    assert_eq!(total("children_dead"), (11, 11), "4 + 2 + 5");
    assert_eq!(total("women_and_children_dead"), (18, 18));
    assert_eq!(t.claims.len(), 2);
    let row = |claim: usize, fig: &str| {
        let x = t.claims[claim]
            .rows
            .iter()
            .find(|x| x.figure == fig)
            .unwrap_or_else(|| panic!("{fig}"));
        (x.claimed, x.records.min, x.difference, x.agrees)
    };
    // « En trois semaines, 23 civils ont été tués, dont 13 femmes et enfants »
    assert!(t.claims[0].claim.claim.text.contains("23 civils"));
    assert_eq!(row(0, "dead"), (Count::Exact(23), 25, (-2, -2), false));
    assert_eq!(
        row(0, "women_and_children_dead"),
        (Count::Exact(13), 18, (-5, -5), false)
    );
    // « 23 morts civils au total ; 10 femmes tuées ; 7 enfants tués »
    assert_eq!(row(1, "dead"), (Count::Exact(23), 25, (-2, -2), false));
    assert_eq!(row(1, "women_dead"), (Count::Exact(10), 7, (3, 3), false));
    assert_eq!(
        row(1, "children_dead"),
        (Count::Exact(7), 11, (-4, -4), false)
    );
    assert_eq!(
        row(1, "women_and_children_dead"),
        (Count::Exact(17), 18, (-1, -1), false)
    );
    // The two claims disagree with each other: 13 against 10 + 7 = 17.
    assert_eq!(t.disagreements.len(), 1);
    let d = &t.disagreements[0];
    assert_eq!(d.figure, "women_and_children_dead");
    let vals: Vec<Count> = d.values.iter().map(|v| v.claimed).collect();
    assert_eq!(vals, vec![Count::Exact(13), Count::Exact(17)]);
    // The reviewer's note is shown against the claim it annotates.
    assert_eq!(t.claims[1].claim.annotations.len(), 1);
    assert!(t.claims[1].claim.annotations[0].text.contains("25"));
    // Over any date, Zouéra (8 July) counts too: 29.
    assert_eq!(r.region_tally.total("dead").map(|x| x.min), Some(29));
    assert_eq!(r.region_tally.incidents.len(), 5);

    // Reading the archive back.
    let a = Archive::open(&path).unwrap();
    let p = ArchiveViews::new(a.store());
    let size = p.size().unwrap();
    assert_eq!(p.resolve("Emimalane").unwrap(), EMIMALANE);
    assert_eq!(p.resolve("eghachar n'tirikene").unwrap(), EGHACHAR);
    let v = p.incident(TANGATA, size).unwrap();
    let ali = v
        .victims
        .iter()
        .find(|x| x.name == "Ali Ag Mohamed Elmehdi")
        .unwrap();
    assert_eq!(
        (ali.age, ali.sex),
        (Some(Count::Exact(41)), Some(Sex::Male))
    );
    let tora = v
        .victims
        .iter()
        .find(|x| x.name == "Toraghite Walet Innabougor")
        .unwrap();
    assert_eq!(
        (tora.age, tora.sex),
        (Some(Count::Exact(35)), Some(Sex::Female))
    );
    let children: Vec<_> = v
        .victims
        .iter()
        .filter(|x| x.name.starts_with("Enfant"))
        .collect();
    assert_eq!(children.len(), 5);
    assert!(children
        .iter()
        .all(|c| c.age == Some(Count::Range { min: 7, max: 15 })));
    // The press testimony carries the article itself as its text.
    let press = &v.testimonies[0];
    assert_eq!(press.versions.len(), 2);
    let text = press.versions[1]
        .parts
        .iter()
        .find(|p| p.label == "text")
        .unwrap();
    assert_eq!(text.length, demo::ARTICLE.len() as u64);
    // The fictitious source: contradicted by the reviewer, its witness erased.
    let e = p.incident(EGHACHAR, size).unwrap();
    let ngo = e
        .testimonies
        .iter()
        .find(|t| t.source.description.contains("FICTIVE"))
        .unwrap();
    assert_eq!(ngo.status, TestimonyStatus::Active);
    assert_eq!(ngo.annotations.len(), 1);
    assert!(ngo.versions[0]
        .parts
        .iter()
        .any(|p| p.label == "witness" && p.redacted.is_some()));

    // As of entry 9 (the article's list only): no named victims yet, and
    // Tangata's date as the list gives it.
    let upto = p.cut(Some(AsOf::Seq(9))).unwrap();
    let old = p.incident(TANGATA, upto).unwrap();
    assert!(old.victims.is_empty());
    assert_eq!(old.record.unwrap().incident.when.end, None);
    assert_eq!(range(old.figures.dead.as_ref()), Some((7, 7, false)));
    let h = p.history(TANGATA).unwrap();
    assert_eq!(
        h.steps.iter().map(|s| s.seq).collect::<Vec<_>>(),
        vec![7, 9, 12, 13, 18]
    );
    assert!(
        h.steps[4]
            .changes
            .iter()
            .any(|c| c.contains("ungraded → verification weak, reliability medium")),
        "{:?}",
        h.steps[4].changes
    );
    assert!(p.rebuild(&mut |_| {}).unwrap().matched());
}

#[test]
fn the_demo_refuses_a_used_directory_unless_replacing_a_demo() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo-archive");
    demo::run(&path, false).unwrap();
    assert!(matches!(demo::run(&path, false), Err(DemoError::Exists(_))));
    let again = demo::run(&path, true).expect("--force replaces a demo archive");
    assert_eq!(again.audit.entries, 19);

    // Anything else is never removed, even with --force.
    let other = dir.path().join("papers");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mes notes").unwrap();
    assert!(matches!(
        demo::run(&other, true),
        Err(DemoError::NotADemo(_))
    ));
    assert_eq!(
        std::fs::read_to_string(other.join("notes.txt")).unwrap(),
        "mes notes"
    );
}

#[test]
fn the_seed_article_is_the_shared_seed_verbatim() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/seed/mali-drone-strikes-2025.fr.txt");
    if let Ok(original) = std::fs::read_to_string(shared) {
        assert_eq!(original, demo::ARTICLE);
    }
    assert!(demo::ARTICLE.contains("Ali Ag Mohamed Elmehdi (41 ans)"));
}

/// What the article alleges — the Malian army and Wagner/Africa Corps, by
/// armed drones (Bayraktar TB2) — is recorded as alleged, sourced to the
/// article's testimony; the victims of Tangata were killed and burned
/// ("brûlés vifs"), five of them children; the reviewer's grade of the
/// article shows next to it as a source, with its entry.
#[test]
fn the_demo_records_the_articles_attributions_as_alleged_with_their_source() {
    use temoin::domain::{
        Act, AgeGroup, Attribution, MeansKind, PerpetratorKind, Reliability, Verification,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo-archive");
    let r = demo::run(&path, false).expect("demo");
    let seq_of = |label: &str| r.steps.iter().find(|s| s.label == label).unwrap().seq;
    let (press_v2, grade) = (seq_of("press-v2"), seq_of("grade-press"));
    let a = Archive::open(&path).unwrap();
    let p = ArchiveViews::new(a.store());
    let size = p.size().unwrap();
    for id in [EMIMALANE, ARATANE, ZOUERA, TANGATA, EGHACHAR] {
        let v = p.incident(id, size).unwrap();
        let names: Vec<&str> = v.perpetrators.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(
            names,
            ["Armée malienne (FAMa)", "Wagner/Africa Corps"],
            "{id}"
        );
        for (x, kind) in v.perpetrators.iter().zip([
            PerpetratorKind::StateForces,
            PerpetratorKind::PrivateMilitaryCompany,
        ]) {
            assert_eq!(x.attributions, [Attribution::Alleged], "{id}");
            assert_eq!(x.kinds, [kind]);
            assert!(!x.conflict);
            // One source: the article (its latest version), by the press.
            assert_eq!(x.per_source.len(), 1);
            let s = &x.per_source[0].from;
            assert_eq!(s.source.seq, press_v2);
            assert!(s.description.contains("Le Méridional"), "{}", s.description);
            assert!(!s.record);
            let g = s.grade.as_ref().expect("the article is graded");
            assert_eq!(
                g.verification.as_ref().map(|m| (m.value, m.by.seq)),
                Some((Verification::Weak, grade))
            );
            assert_eq!(
                g.reliability.as_ref().map(|m| m.value),
                Some(Reliability::Medium)
            );
        }
        assert_eq!(v.means.len(), 1);
        assert_eq!(v.means[0].kind, MeansKind::ArmedDrone);
        assert_eq!(v.means[0].models, ["Bayraktar TB2"]);
        assert_eq!(v.means[0].per_source[0].from.source.seq, press_v2);
        assert!(v.data_conflicts.is_empty(), "{id}: {:?}", v.data_conflicts);
        // The fictitious source at Eghachar is not graded.
        for t in &v.testimonies {
            assert_eq!(t.grade.is_some(), t.current.seq == press_v2, "{id}");
        }
    }
    let v = p.incident(TANGATA, size).unwrap();
    for x in &v.victims {
        assert_eq!(x.acts, [Act::Killed, Act::Burned], "{}", x.name);
        let group = if x.name.starts_with("Enfant") {
            AgeGroup::Child
        } else {
            AgeGroup::Adult
        };
        assert_eq!(x.age_group, Some(group), "{}", x.name);
    }
    // With --min-grade weak, the ungraded fictitious source is left out of
    // Eghachar's figures, and said to be.
    let e = p
        .incident(EGHACHAR, size)
        .unwrap()
        .with_min_grade(Verification::Weak);
    let injured = e.figures.injured.as_ref().unwrap();
    assert_eq!((injured.min, injured.max, injured.conflict), (1, 1, false));
    let f = e.grade_filter.as_ref().unwrap();
    assert_eq!((f.ungraded, f.below), (1, 0));
    // With --min-grade fair, nothing in the demo counts.
    let e = p
        .incident(EGHACHAR, size)
        .unwrap()
        .with_min_grade(Verification::Fair);
    assert!(e.figures.dead.is_none() && e.figures.injured.is_none());
    assert_eq!(
        e.grade_filter.as_ref().map(|f| (f.ungraded, f.below)),
        Some((1, 1))
    );
}
