//! The facts a case needs beyond the figures (docs/DOMAIN.md §4.3): who is
//! alleged to have done it (perpetrators), with what (means), how far each
//! source is to be relied on (a reviewer's grade), and the figures an
//! account contradicts itself on (data conflicts). Each fact carries the
//! entries it comes from, as every projected value does.

use super::incident::TestimonyView;
use super::matching::search_key;
use super::{Event, SourceRef};
use crate::domain::{
    AgeGroup, Attribution, Claims, Count, Grade, Means, MeansKind, Payload, Perpetrator,
    PerpetratorKind, Relation, Reliability, Verification, VictimStatus,
};
use crate::hash::Digest;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One part of a grade, with the annotation it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeMark<T> {
    pub value: T,
    /// The annotation that gave it.
    pub by: SourceRef,
    /// The version it was given on (a grade given on an earlier version of
    /// a testimony still holds for its later ones: an author cannot shed a
    /// reviewer's grade by amending).
    #[serde(with = "super::hex_digest")]
    pub on: Digest,
}

/// A source's grade: for each part, the latest a reviewer gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceGrade {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<GradeMark<Verification>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliability: Option<GradeMark<Reliability>>,
}

impl SourceGrade {
    /// The grade of a source from the annotations on it (any of its
    /// versions), those signed after a declared compromise already left
    /// out: each part as the latest annotation (by seq) that gives it.
    pub fn from_annotations<'e>(notes: impl IntoIterator<Item = &'e Event>) -> Option<SourceGrade> {
        let mut notes: Vec<&Event> = notes.into_iter().collect();
        notes.sort_by_key(|e| e.seq);
        let mut g = SourceGrade::default();
        for ev in notes {
            let (Some(Payload::Annotation(a)), Some(on)) = (&ev.payload, ev.refs.first()) else {
                continue;
            };
            let Some(Grade {
                verification,
                reliability,
            }) = a.grade
            else {
                continue;
            };
            if let Some(value) = verification {
                g.verification = Some(GradeMark {
                    value,
                    by: ev.source(),
                    on: *on,
                });
            }
            if let Some(value) = reliability {
                g.reliability = Some(GradeMark {
                    value,
                    by: ev.source(),
                    on: *on,
                });
            }
        }
        (g.verification.is_some() || g.reliability.is_some()).then_some(g)
    }

    pub fn verification(&self) -> Option<Verification> {
        self.verification.as_ref().map(|m| m.value)
    }

    pub fn reliability(&self) -> Option<Reliability> {
        self.reliability.as_ref().map(|m| m.value)
    }
}

/// Where a perpetrator or a means comes from: a testimony (its latest
/// version) or the incident record (its current version).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactSource {
    /// The incident of the group the source says it of.
    pub incident: String,
    pub source: SourceRef,
    /// Set when it is the incident record's author who says it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub record: bool,
    /// The testimony's source relation (none for a record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<SourceGrade>,
}

/// One source's attribution of the incident to a perpetrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerpetratorSource {
    /// The name as this source spells it.
    pub name: String,
    pub kind: PerpetratorKind,
    pub attribution: Attribution,
    #[serde(flatten)]
    pub from: FactSource,
}

/// An alleged perpetrator as every current source names it: merged by
/// name (accents, case, hyphens and apostrophes ignored), each source's
/// attribution and kind kept side by side, as a figure keeps each count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerpetratorView {
    /// The name as first given.
    pub name: String,
    /// Every distinct spelling given.
    pub spellings: Vec<String>,
    /// Every attribution given, in the order first given.
    pub attributions: Vec<Attribution>,
    /// Every kind given, in the order first given.
    pub kinds: Vec<PerpetratorKind>,
    /// Sources disagree: different attributions, or different kinds
    /// (`unknown` disagrees with none).
    pub conflict: bool,
    /// Independent sources (as for figures; an incident record counts as a
    /// source of its own).
    pub sources: usize,
    /// Distinct authors (signing keys).
    pub authors: usize,
    pub per_source: Vec<PerpetratorSource>,
}

/// One source's account of a means used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeansSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(flatten)]
    pub from: FactSource,
}

/// A means (weapon, method) as the current sources give it, by kind. Not
/// a conflict when sources name different means or models: several may
/// have been used; each source's model is listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeansView {
    pub kind: MeansKind,
    /// Every model given (distinct under folding), as first spelt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    pub sources: usize,
    pub authors: usize,
    pub per_source: Vec<MeansSource>,
}

/// An account whose figures contradict each other within one claims block
/// (children among the dead above the dead, more named dead than dead…):
/// not refused — the source said it — but flagged, with its entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataConflict {
    pub incident: String,
    /// The testimony version that says it.
    pub source: SourceRef,
    /// The figures that disagree (`children_dead`, `dead`, `victims`…).
    pub figures: Vec<String>,
    /// Which figures disagree, in a sentence.
    pub text: String,
}

/// `--min-grade`: the figures counted only sources graded at least
/// `min_grade`; the others are listed here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeFilter {
    pub min_grade: Verification,
    /// Testimonies giving a figure that no reviewer graded (for
    /// verification).
    pub ungraded: usize,
    /// Testimonies giving a figure graded below `min_grade`.
    pub below: usize,
    /// Those testimonies (their latest versions), with their grades.
    pub left_out: Vec<LeftOut>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    pub source: SourceRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
}

impl GradeFilter {
    pub fn left_out_count(&self) -> usize {
        self.ungraded + self.below
    }
}

/// A source of perpetrators and means: the key that says which sources
/// are the same (as for figures), where it comes from, and its blocks
/// (incident, perpetrators, means).
pub(crate) struct Account<'a> {
    pub key: String,
    pub from: FactSource,
    pub blocks: Vec<(&'a str, &'a [Perpetrator], &'a [Means])>,
}

fn distinct_count<'a>(it: impl Iterator<Item = &'a str>) -> usize {
    it.collect::<BTreeSet<_>>().len()
}

/// The perpetrators of the accounts, merged by folded name in the order
/// first given.
pub(crate) fn perpetrators(accounts: &[Account<'_>]) -> Vec<PerpetratorView> {
    // (folded name, per source, source keys)
    let mut groups: Vec<(String, Vec<PerpetratorSource>, Vec<&str>)> = Vec::new();
    for a in accounts {
        for (incident, ps, _) in &a.blocks {
            for p in ps.iter() {
                let key = search_key(&p.name);
                let item = PerpetratorSource {
                    name: p.name.clone(),
                    kind: p.kind,
                    attribution: p.attribution,
                    from: FactSource {
                        incident: incident.to_string(),
                        ..a.from.clone()
                    },
                };
                match groups.iter_mut().find(|g| g.0 == key) {
                    Some(g) => {
                        g.1.push(item);
                        g.2.push(&a.key);
                    }
                    None => groups.push((key, vec![item], vec![&a.key])),
                }
            }
        }
    }
    groups
        .into_iter()
        .map(|(_, per_source, keys)| {
            let mut spellings: Vec<String> = Vec::new();
            let mut attributions = Vec::new();
            let mut kinds = Vec::new();
            for s in &per_source {
                if !spellings.contains(&s.name) {
                    spellings.push(s.name.clone());
                }
                if !attributions.contains(&s.attribution) {
                    attributions.push(s.attribution);
                }
                if !kinds.contains(&s.kind) {
                    kinds.push(s.kind);
                }
            }
            let known_kinds = kinds
                .iter()
                .filter(|k| **k != PerpetratorKind::Unknown)
                .count();
            PerpetratorView {
                name: per_source[0].name.clone(),
                spellings,
                conflict: attributions.len() > 1 || known_kinds > 1,
                attributions,
                kinds,
                sources: distinct_count(keys.into_iter()),
                authors: distinct_count(per_source.iter().map(|s| s.from.source.author.as_str())),
                per_source,
            }
        })
        .collect()
}

/// The means of the accounts, by kind in the order first given.
pub(crate) fn means(accounts: &[Account<'_>]) -> Vec<MeansView> {
    let mut groups: Vec<(MeansKind, Vec<MeansSource>, Vec<&str>)> = Vec::new();
    for a in accounts {
        for (incident, _, ms) in &a.blocks {
            for m in ms.iter() {
                let item = MeansSource {
                    model: m.model.clone(),
                    from: FactSource {
                        incident: incident.to_string(),
                        ..a.from.clone()
                    },
                };
                match groups.iter_mut().find(|g| g.0 == m.kind) {
                    Some(g) => {
                        g.1.push(item);
                        g.2.push(&a.key);
                    }
                    None => groups.push((m.kind, vec![item], vec![&a.key])),
                }
            }
        }
    }
    groups
        .into_iter()
        .map(|(kind, per_source, keys)| {
            let mut models: Vec<String> = Vec::new();
            let mut folded: Vec<String> = Vec::new();
            for m in per_source.iter().filter_map(|s| s.model.as_ref()) {
                let f = search_key(m);
                if !folded.contains(&f) {
                    folded.push(f);
                    models.push(m.clone());
                }
            }
            MeansView {
                kind,
                models,
                sources: distinct_count(keys.into_iter()),
                authors: distinct_count(per_source.iter().map(|s| s.from.source.author.as_str())),
                per_source,
            }
        })
        .collect()
}

/// One way a claims block contradicts itself.
enum Contradiction {
    /// A part of a figure (women, children among the dead) above it.
    Part {
        part: &'static str,
        count: Count,
        whole: &'static str,
        of: Count,
    },
    /// Women and children among the dead, together, above the dead.
    Sum {
        women: Count,
        children: Count,
        dead: Count,
    },
    /// More victims named with a status (or as children among the dead)
    /// than the figure for it.
    Named {
        named: usize,
        what: &'static str,
        figure: &'static str,
        of: Count,
    },
}

impl Contradiction {
    fn figures(&self) -> Vec<String> {
        match self {
            Contradiction::Part { part, whole, .. } => {
                vec![part.to_string(), whole.to_string()]
            }
            Contradiction::Sum { .. } => {
                vec!["women_dead".into(), "children_dead".into(), "dead".into()]
            }
            Contradiction::Named { figure, .. } => vec!["victims".into(), figure.to_string()],
        }
    }

    /// The sentence shown (and put in the JSON). The one place these are
    /// worded.
    fn sentence(&self) -> String {
        match self {
            Contradiction::Part {
                part,
                count,
                whole,
                of,
            } => format!("{part} ({count}) is more than {whole} ({of}) in the same account"),
            Contradiction::Sum {
                women,
                children,
                dead,
            } => {
                let sum = u64::from(women.min()) + u64::from(children.min());
                if women.min() == women.max() && children.min() == children.max() {
                    format!("women_dead ({women}) + children_dead ({children}) = {sum} is more than dead ({dead}) in the same account")
                } else {
                    format!("women_dead ({women}) + children_dead ({children}) is at least {sum}, more than dead ({dead}) in the same account")
                }
            }
            Contradiction::Named {
                named,
                what,
                figure,
                of,
            } => format!(
                "{named} victims are named as {what}, more than {figure} ({of}) in the same account"
            ),
        }
    }
}

fn contradictions(c: &Claims) -> Vec<Contradiction> {
    let mut out = Vec::new();
    let mut part_above = false;
    if let Some(dead) = c.dead {
        for (part, count) in [
            ("women_dead", c.women_dead),
            ("children_dead", c.children_dead),
        ] {
            if let Some(count) = count.filter(|n| n.min() > dead.max()) {
                part_above = true;
                out.push(Contradiction::Part {
                    part,
                    count,
                    whole: "dead",
                    of: dead,
                });
            }
        }
        // The sum only when neither part alone says it already.
        if let (false, Some(w), Some(ch)) = (part_above, c.women_dead, c.children_dead) {
            if u64::from(w.min()) + u64::from(ch.min()) > u64::from(dead.max()) {
                out.push(Contradiction::Sum {
                    women: w,
                    children: ch,
                    dead,
                });
            }
        }
    }
    let named =
        |f: &dyn Fn(&crate::domain::Victim) -> bool| c.victims.iter().filter(|v| f(v)).count();
    for (status, what, figure, of) in [
        (VictimStatus::Dead, "dead", "dead", c.dead),
        (VictimStatus::Injured, "injured", "injured", c.injured),
        (VictimStatus::Missing, "missing", "missing", c.missing),
    ] {
        let n = named(&|v| v.status == status);
        if let Some(of) = of.filter(|of| n > of.max() as usize) {
            out.push(Contradiction::Named {
                named: n,
                what,
                figure,
                of,
            });
        }
    }
    let children =
        named(&|v| v.status == VictimStatus::Dead && v.age_group == Some(AgeGroup::Child));
    if let Some(of) = c.children_dead.filter(|of| children > of.max() as usize) {
        out.push(Contradiction::Named {
            named: children,
            what: "dead children",
            figure: "children_dead",
            of,
        });
    }
    out
}

/// The data conflicts of the counted testimonies' blocks about a member.
pub(crate) fn data_conflicts<'t>(
    members: &BTreeSet<String>,
    testimonies: impl Iterator<Item = &'t TestimonyView>,
) -> Vec<DataConflict> {
    let mut out = Vec::new();
    for t in testimonies.filter(|t| t.is_active()) {
        for c in t.claims.iter().filter(|c| members.contains(&c.incident)) {
            for x in contradictions(c) {
                out.push(DataConflict {
                    incident: c.incident.clone(),
                    source: t.current.clone(),
                    figures: x.figures(),
                    text: x.sentence(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Sex, Victim};

    fn block(json: &str) -> Claims {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_block_that_contradicts_itself_says_which_figures() {
        let c = block(r#"{"incident":"a","dead":8,"children_dead":12}"#);
        let x = contradictions(&c);
        assert_eq!(x.len(), 1);
        assert_eq!(x[0].figures(), ["children_dead", "dead"]);
        assert_eq!(
            x[0].sentence(),
            "children_dead (12) is more than dead (8) in the same account"
        );

        let c = block(
            r#"{"incident":"a","dead":{"min":6,"max":8},"women_dead":5,"children_dead":{"min":4,"max":6}}"#,
        );
        let x = contradictions(&c);
        assert_eq!(x.len(), 1);
        assert_eq!(x[0].figures(), ["women_dead", "children_dead", "dead"]);
        assert!(
            x[0].sentence().contains("at least 9, more than dead (6–8)"),
            "{}",
            x[0].sentence()
        );

        // Ranges that can fit are not a contradiction.
        let c = block(
            r#"{"incident":"a","dead":{"min":6,"max":9},"women_dead":4,"children_dead":{"min":2,"max":6}}"#,
        );
        assert!(contradictions(&c).is_empty());
    }

    #[test]
    fn more_named_victims_than_the_figure_is_flagged() {
        let mut c = block(r#"{"incident":"a","dead":1,"children_dead":1}"#);
        for name in ["x", "y"] {
            c.victims.push(Victim {
                name: name.into(),
                sex: Sex::Unknown,
                age: None,
                status: VictimStatus::Dead,
                relation: None,
                acts: Vec::new(),
                age_group: Some(AgeGroup::Child),
            });
        }
        let x: Vec<String> = contradictions(&c).iter().map(|x| x.sentence()).collect();
        assert_eq!(
            x,
            [
                "2 victims are named as dead, more than dead (1) in the same account",
                "2 victims are named as dead children, more than children_dead (1) in the same account"
            ]
        );
    }

    #[test]
    fn perpetrators_merge_by_folded_name_and_disagreements_conflict() {
        let p = |name: &str, kind, attribution| Perpetrator {
            name: name.into(),
            kind,
            attribution,
        };
        let from = |seq: u64| FactSource {
            incident: "a".into(),
            source: SourceRef {
                seq,
                statement: Digest([seq as u8; 32]),
                author: format!("{seq}"),
            },
            record: false,
            relation: Some(Relation::Press),
            description: String::new(),
            grade: None,
        };
        let one = [p(
            "Armée malienne",
            PerpetratorKind::StateForces,
            Attribution::Alleged,
        )];
        let two = [
            p(
                "ARMEE MALIENNE",
                PerpetratorKind::Unknown,
                Attribution::Alleged,
            ),
            p(
                "Wagner",
                PerpetratorKind::PrivateMilitaryCompany,
                Attribution::Alleged,
            ),
        ];
        let three = [p(
            "Wagner",
            PerpetratorKind::PrivateMilitaryCompany,
            Attribution::Denied,
        )];
        let accounts = [
            Account {
                key: "k1".into(),
                from: from(1),
                blocks: vec![("a", &one[..], &[][..])],
            },
            Account {
                key: "k2".into(),
                from: from(2),
                blocks: vec![("a", &two[..], &[][..])],
            },
            Account {
                key: "k3".into(),
                from: from(3),
                blocks: vec![("a", &three[..], &[][..])],
            },
        ];
        let v = perpetrators(&accounts);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].name, "Armée malienne");
        assert_eq!(v[0].spellings, ["Armée malienne", "ARMEE MALIENNE"]);
        assert!(!v[0].conflict, "an unknown kind contradicts no kind");
        assert_eq!((v[0].sources, v[0].authors), (2, 2));
        assert_eq!(
            v[1].attributions,
            [Attribution::Alleged, Attribution::Denied]
        );
        assert!(v[1].conflict);
        assert_eq!(
            v[1].per_source
                .iter()
                .map(|s| s.from.source.seq)
                .collect::<Vec<_>>(),
            [2, 3]
        );
    }
}
