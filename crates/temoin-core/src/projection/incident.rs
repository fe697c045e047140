//! The view of one incident, computed from the entries of its group.
//!
//! [`IncidentView::build`] is a pure function of the set of entries that
//! touched the incident (and the incidents merged into it), given in seq
//! order. It reads statements only through their refs and payloads, never
//! through the order they were folded in, so the view of a set of entries
//! is the same however the set was gathered: one entry at a time, from the
//! `T` index, or from a full replay (docs/DOMAIN.md, "Projections").

use super::facts::{
    self, Account, DataConflict, FactSource, GradeFilter, LeftOut, MeansView, PerpetratorView,
    SourceGrade,
};
use super::matching::fold_cached as fold;
use super::{Event, SourceRef};
use crate::compromise::{Compromise, Distrust};
use crate::domain::{
    Act, AgeGroup, Claims, Count, Grade, Incident, Payload, Relation, Sex, Source, Stance,
    SummaryClaim, Verification, Victim, VictimStatus,
};
use crate::hash::Digest;
use crate::registry::PAYLOAD;
use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// One source's count of one figure, for one incident of the group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureSource {
    pub incident: String,
    pub count: Count,
    /// The testimony version that gives it.
    pub source: SourceRef,
    pub relation: Relation,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The testimony's grade, when a reviewer gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<SourceGrade>,
}

/// A figure (e.g. the dead) as all current sources give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// The lowest count any source gives.
    pub min: u32,
    /// The highest count any source gives.
    pub max: u32,
    /// Sources disagree: no single count fits every source's count or range.
    pub conflict: bool,
    /// Independent sources: distinct (relation, source description), a
    /// testimony without a description counting as a source of its own.
    pub sources: usize,
    /// Distinct authors (signing keys) of those testimonies.
    pub authors: usize,
    pub per_source: Vec<FigureSource>,
}

impl Figure {
    fn from_sources(per_source: Vec<FigureSource>, keys: &[String]) -> Option<Figure> {
        if per_source.is_empty() {
            return None;
        }
        let min = per_source.iter().map(|s| s.count.min()).min().unwrap_or(0);
        let max = per_source.iter().map(|s| s.count.max()).max().unwrap_or(0);
        let lowest_max = per_source.iter().map(|s| s.count.max()).min().unwrap_or(0);
        let highest_min = per_source.iter().map(|s| s.count.min()).max().unwrap_or(0);
        let sources = keys.iter().collect::<BTreeSet<_>>().len();
        let authors = per_source
            .iter()
            .map(|s| s.source.author.as_str())
            .collect::<BTreeSet<_>>()
            .len();
        Some(Figure {
            min,
            max,
            conflict: highest_min > lowest_max,
            sources,
            authors,
            per_source,
        })
    }

    /// `8`, `7–8`, with ` ⚠` when sources conflict.
    pub fn display(&self) -> String {
        let mut s = if self.min == self.max {
            self.min.to_string()
        } else {
            format!("{}–{}", self.min, self.max)
        };
        if self.conflict {
            s.push_str(" ⚠");
        }
        s
    }
}

/// The figures of an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Figures {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead: Option<Figure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injured: Option<Figure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Figure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub women_dead: Option<Figure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children_dead: Option<Figure>,
}

/// Names of the figures, in display order.
pub const FIGURE_NAMES: [&str; 5] = ["dead", "injured", "missing", "women_dead", "children_dead"];

impl Figures {
    pub fn get(&self, name: &str) -> Option<&Figure> {
        match name {
            "dead" => self.dead.as_ref(),
            "injured" => self.injured.as_ref(),
            "missing" => self.missing.as_ref(),
            "women_dead" => self.women_dead.as_ref(),
            "children_dead" => self.children_dead.as_ref(),
            _ => None,
        }
    }

    pub fn any_conflict(&self) -> bool {
        FIGURE_NAMES
            .iter()
            .any(|n| self.get(n).is_some_and(|f| f.conflict))
    }
}

/// A part of a statement version, or the gap a redaction left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartView {
    pub label: String,
    pub length: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted: Option<RedactionView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionView {
    pub by: SourceRef,
    pub reason: String,
}

/// One version of a testimony or of an incident record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub source: SourceRef,
    /// The author's claimed creation time (unix ms).
    pub created_at: i64,
    /// When the archive received it (unix ms).
    pub received_at: i64,
    /// For amendments: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub parts: Vec<PartView>,
    /// Set when this version's author key was declared compromised since a
    /// time at or before its receipt (docs/DOMAIN.md, "Compromised keys").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_after_compromise: Option<Compromise>,
}

/// A reviewer's annotation, shown against what it annotates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationView {
    pub source: SourceRef,
    /// The statement annotated.
    #[serde(with = "super::hex_digest")]
    pub on: Digest,
    pub stance: Stance,
    pub text: String,
    /// The grade it gives, if it grades what it annotates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

/// The incident record: its latest version and every earlier one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordView {
    pub incident: Incident,
    /// The version `incident` comes from.
    pub current: SourceRef,
    pub versions: Vec<VersionView>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<AnnotationView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TestimonyStatus {
    /// Its latest version counts in the figures.
    Active,
    /// Withdrawn: kept in history, out of the figures.
    Retracted { by: SourceRef, reason: String },
    /// Its latest version was signed after its author's key was declared
    /// compromised: kept and shown, out of the figures (as a retraction).
    Compromised { revoked_at: u64, effective_at: i64 },
    /// Its latest version no longer speaks of this incident.
    Elsewhere { incidents: Vec<String> },
}

/// A testimony as this incident sees it: every version, the latest one's content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestimonyView {
    /// The latest version.
    pub current: SourceRef,
    #[serde(flatten)]
    pub status: TestimonyStatus,
    /// Set when the earliest version shown here amends a statement that did
    /// not speak of this incident (the testimony was moved here).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::hex_digest_opt"
    )]
    pub amends_outside: Option<Digest>,
    pub versions: Vec<VersionView>,
    pub source: Source,
    pub language: String,
    pub incidents: Vec<String>,
    pub claims: Vec<Claims>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<AnnotationView>,
    /// The reviewers' latest grade of it, from annotations on any of its
    /// versions not signed after a declared compromise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<SourceGrade>,
}

impl TestimonyView {
    pub fn is_active(&self) -> bool {
        self.status == TestimonyStatus::Active
    }
}

/// One testimony's mention of a victim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimMention {
    pub source: SourceRef,
    pub incident: String,
    pub victim: Victim,
    /// The testimony's grade, when a reviewer gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<SourceGrade>,
}

/// A victim, merged across testimonies by folded name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimView {
    /// The name as first given.
    pub name: String,
    /// Every distinct spelling given.
    pub spellings: Vec<String>,
    /// The sex, when every source that gives one agrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// The age, as the range covering every source's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<Count>,
    /// The status, when every source agrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<VictimStatus>,
    /// Sources disagree on sex, status, age or age group.
    pub conflict: bool,
    pub mentions: Vec<VictimMention>,
    /// Every act any source gives (a source naming fewer acts does not
    /// contradict one naming more), in the order of `Act`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acts: Vec<Act>,
    /// The age group, when every source that gives one (but `unknown`)
    /// agrees; `unknown` when the only ones given are `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_group: Option<AgeGroup>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeView {
    pub source: SourceRef,
    pub from: String,
    pub into: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<AnnotationView>,
}

/// A summary claim naming this incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimView {
    pub source: SourceRef,
    pub claim: SummaryClaim,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<AnnotationView>,
    /// Set when the claim was signed after its author's key was declared
    /// compromised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_after_compromise: Option<Compromise>,
    /// The reviewers' latest grade of the claim's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<SourceGrade>,
}

/// An entry of the view signed after a declared compromise of its author's
/// key, whatever it is (a version, a retraction, an annotation, a merge…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompromisedView {
    pub source: SourceRef,
    pub kind: crate::statement::Kind,
    #[serde(flatten)]
    pub compromise: Compromise,
}

/// Everything the log says about one incident, as of one entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IncidentView {
    pub id: String,
    /// The view includes entries up to and including this seq.
    pub as_of: u64,
    /// The last entry that touched the incident or one merged into it.
    pub last_seq: u64,
    /// Entries that make up this view.
    pub entries: usize,
    pub record: Option<RecordView>,
    /// Set when this incident was merged into another: read it there.
    pub merged_into: Option<MergeView>,
    /// Incidents read as part of this one (merged into it), with their records.
    pub merged: Vec<MergeView>,
    pub merged_records: Vec<RecordView>,
    pub testimonies: Vec<TestimonyView>,
    pub figures: Figures,
    pub victims: Vec<VictimView>,
    pub claims: Vec<ClaimView>,
    /// Annotations on statements not otherwise shown here.
    pub other_annotations: Vec<AnnotationView>,
    /// The entries of this view signed after a declared compromise of their
    /// author's key, in seq order (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signed_after_compromise: Vec<CompromisedView>,
    /// Alleged perpetrators, from the incident records and the counted
    /// testimonies, each with every source's attribution.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub perpetrators: Vec<PerpetratorView>,
    /// Means (weapons, methods), with their sources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub means: Vec<MeansView>,
    /// Counted accounts whose figures contradict each other.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data_conflicts: Vec<DataConflict>,
    /// Set by [`IncidentView::with_min_grade`]: the figures count only the
    /// sources graded so; the others are listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_filter: Option<GradeFilter>,
}

/// What a list of incidents needs: small enough to cache per incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentSummary {
    pub id: String,
    pub last_seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<Incident>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<SourceRef>,
    pub record_versions: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// This incident and those merged into it.
    pub members: Vec<String>,
    pub testimonies: usize,
    pub retracted: usize,
    /// Testimonies out of the figures because their latest version was
    /// signed after a declared compromise.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub compromised: usize,
    pub victims: usize,
    pub annotations: usize,
    pub figures: Figures,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub perpetrators: Vec<PerpetratorView>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub means: Vec<MeansView>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_conflicts: Vec<DataConflict>,
    /// Set when the summary was taken off a view filtered by grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade_filter: Option<GradeFilter>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl IncidentView {
    /// The view of incident `id` from `events` (sorted by seq, no repeats),
    /// as of entry `as_of`, under the compromises `distrust` declares (only
    /// those declared at `as_of` or before count).
    pub fn build(id: &str, events: &[Arc<Event>], as_of: u64, distrust: &Distrust) -> IncidentView {
        Builder::new(id, events, distrust, as_of).view(as_of)
    }

    /// Incidents read as part of this one, itself first.
    pub fn members(&self) -> Vec<String> {
        let mut m = vec![self.id.clone()];
        m.extend(self.merged.iter().map(|g| g.from.clone()));
        m
    }

    pub fn summary(&self) -> IncidentSummary {
        self.summary_with(self.figures.clone())
    }

    /// [`IncidentView::summary`], consuming the view: its figures (most of
    /// a summary: every source of every count) are moved, not copied.
    pub fn into_summary(mut self) -> IncidentSummary {
        let figures = std::mem::take(&mut self.figures);
        self.summary_with(figures)
    }

    /// The summary, with `figures` for the view's figures.
    fn summary_with(&self, figures: Figures) -> IncidentSummary {
        let annotations = self
            .testimonies
            .iter()
            .map(|t| t.annotations.len())
            .chain(self.record.iter().map(|r| r.annotations.len()))
            .chain(self.claims.iter().map(|c| c.annotations.len()))
            .sum::<usize>()
            + self.other_annotations.len();
        IncidentSummary {
            id: self.id.clone(),
            last_seq: self.last_seq,
            incident: self.record.as_ref().map(|r| r.incident.clone()),
            record: self.record.as_ref().map(|r| r.current.clone()),
            record_versions: self.record.as_ref().map_or(0, |r| r.versions.len()),
            merged_into: self.merged_into.as_ref().map(|m| m.into.clone()),
            members: self.members(),
            testimonies: self.testimonies.iter().filter(|t| t.is_active()).count(),
            retracted: self
                .testimonies
                .iter()
                .filter(|t| matches!(t.status, TestimonyStatus::Retracted { .. }))
                .count(),
            compromised: self
                .testimonies
                .iter()
                .filter(|t| matches!(t.status, TestimonyStatus::Compromised { .. }))
                .count(),
            victims: self.victims.len(),
            annotations,
            figures,
            perpetrators: self.perpetrators.clone(),
            means: self.means.clone(),
            data_conflicts: self.data_conflicts.clone(),
            grade_filter: self.grade_filter.clone(),
        }
    }

    /// The view with its figures counting only the testimonies graded
    /// `min` or better for verification (`--min-grade`); the others — the
    /// ungraded ones too — are left out and listed in `grade_filter`.
    /// Everything else (perpetrators, victims, testimonies) is unchanged.
    pub fn with_min_grade(mut self, min: Verification) -> IncidentView {
        let members: BTreeSet<String> = self.members().into_iter().collect();
        let passes = |t: &TestimonyView| {
            t.grade
                .as_ref()
                .and_then(SourceGrade::verification)
                .is_some_and(|v| v.at_least(min))
        };
        let mut filter = GradeFilter {
            min_grade: min,
            ungraded: 0,
            below: 0,
            left_out: Vec::new(),
        };
        for t in self.testimonies.iter().filter(|t| t.is_active()) {
            let gives_a_figure = t.claims.iter().any(|c| {
                members.contains(&c.incident)
                    && [c.dead, c.injured, c.missing, c.women_dead, c.children_dead]
                        .iter()
                        .any(Option::is_some)
            });
            if !gives_a_figure || passes(t) {
                continue;
            }
            let verification = t.grade.as_ref().and_then(SourceGrade::verification);
            match verification {
                None => filter.ungraded += 1,
                Some(_) => filter.below += 1,
            }
            filter.left_out.push(LeftOut {
                source: t.current.clone(),
                verification,
            });
        }
        self.figures = figures_from(
            &members,
            self.testimonies
                .iter()
                .filter(|t| t.is_active() && passes(t)),
        );
        self.grade_filter = Some(filter);
        self
    }
}

impl IncidentSummary {
    /// `IncidentView::build(id, events, _).summary()`: the summary is
    /// always read off the full view, so that the rebuild and the cache it
    /// checks (written from views) cannot disagree by construction. (A
    /// separate counting walk was 10–15 % faster for the rebuild at 100k
    /// entries, but was a second copy of the view's logic.)
    pub fn of(id: &str, events: &[Arc<Event>], as_of: u64, distrust: &Distrust) -> IncidentSummary {
        Builder::new(id, events, distrust, as_of)
            .view(as_of)
            .into_summary()
    }
}

/// What kind of record a version belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Subject {
    Record,
    Testimony,
}

struct Builder<'a> {
    id: &'a str,
    events: &'a [Arc<Event>],
    /// Per event (same index): the compromise it was signed after, as of
    /// the view's entry.
    tainted: Vec<Option<Compromise>>,
    by_hash: HashMap<Digest, usize>,
    retracted: HashMap<Digest, usize>,
    annotations: HashMap<Digest, Vec<usize>>,
    redactions: HashMap<Digest, Vec<usize>>,
    members: BTreeSet<String>,
    shown: BTreeSet<Digest>,
}

fn subject(ev: &Event) -> Option<Subject> {
    match &ev.payload {
        Some(Payload::Incident(_)) => Some(Subject::Record),
        Some(Payload::Amendment(a)) if a.incident.is_some() => Some(Subject::Record),
        Some(Payload::Testimony(_)) => Some(Subject::Testimony),
        Some(Payload::Amendment(a)) if a.testimony.is_some() => Some(Subject::Testimony),
        _ => None,
    }
}

fn is_amendment(ev: &Event) -> bool {
    matches!(ev.payload, Some(Payload::Amendment(_)))
}

impl<'a> Builder<'a> {
    fn new(id: &'a str, events: &'a [Arc<Event>], distrust: &Distrust, as_of: u64) -> Builder<'a> {
        let tainted = if distrust.is_empty() {
            vec![None; events.len()]
        } else {
            events
                .iter()
                .map(|ev| distrust.taint(&ev.author, ev.seq, ev.received_at, as_of))
                .collect()
        };
        let mut b = Builder {
            id,
            events,
            tainted,
            by_hash: HashMap::new(),
            retracted: HashMap::new(),
            annotations: HashMap::new(),
            redactions: HashMap::new(),
            members: BTreeSet::from([id.to_string()]),
            shown: BTreeSet::new(),
        };
        for (i, ev) in events.iter().enumerate() {
            b.by_hash.insert(ev.hash, i);
            let target = ev.refs.first().copied();
            match (&ev.payload, target) {
                (Some(Payload::Retraction(_)), Some(t)) => {
                    b.retracted.insert(t, i);
                }
                (Some(Payload::Annotation(_)), Some(t)) => {
                    b.annotations.entry(t).or_default().push(i)
                }
                (Some(Payload::Redaction(_)), Some(t)) => {
                    b.redactions.entry(t).or_default().push(i)
                }
                _ => {}
            }
        }
        // Incidents merged into this one, however deep.
        loop {
            let mut grew = false;
            for ev in events {
                if let Some(Payload::Merge(m)) = &ev.payload {
                    if b.members.contains(&m.into) && !b.members.contains(&m.from) {
                        b.members.insert(m.from.clone());
                        grew = true;
                    }
                }
            }
            if !grew {
                break;
            }
        }
        b
    }

    fn view(mut self, as_of: u64) -> IncidentView {
        let events = self.events;
        // Chains of versions: each version's root is the earliest version
        // of the same record that this set holds.
        let mut root: Vec<usize> = (0..events.len()).collect();
        let mut chains: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut outside: HashMap<usize, Digest> = HashMap::new();
        for (i, ev) in events.iter().enumerate() {
            let Some(subj) = subject(ev) else { continue };
            if is_amendment(ev) {
                if let Some(prev) = ev.refs.first() {
                    match self.by_hash.get(prev) {
                        Some(&p) if p < i && subject(&events[p]) == Some(subj) => {
                            root[i] = root[p];
                        }
                        _ => {
                            outside.insert(i, *prev);
                        }
                    }
                }
            }
            chains.entry(root[i]).or_default().push(i);
        }

        let mut record = None;
        let mut merged_records = Vec::new();
        let mut testimonies = Vec::new();
        for (r, chain) in &chains {
            match subject(&events[*r]) {
                Some(Subject::Record) => {
                    if let Some(v) = self.record_view(chain) {
                        if v.incident.id == self.id && record.is_none() {
                            record = Some(v);
                        } else {
                            merged_records.push(v);
                        }
                    }
                }
                Some(Subject::Testimony) => {
                    if let Some(v) = self.testimony_view(chain, outside.get(r).copied()) {
                        testimonies.push(v);
                    }
                }
                None => {}
            }
        }

        let mut merged = Vec::new();
        let mut merged_into = None;
        let mut claims = Vec::new();
        for ev in events {
            match &ev.payload {
                Some(Payload::Merge(m)) => {
                    let view = MergeView {
                        source: ev.source(),
                        from: m.from.clone(),
                        into: m.into.clone(),
                        reason: m.reason.clone(),
                        annotations: self.annotations_on(&[ev.hash]),
                    };
                    if m.from == self.id {
                        merged_into = Some(view);
                    } else if self.members.contains(&m.into) {
                        merged.push(view);
                    }
                }
                Some(Payload::SummaryClaim(c)) => claims.push(ClaimView {
                    source: ev.source(),
                    claim: c.clone(),
                    annotations: self.annotations_on(&[ev.hash]),
                    signed_after_compromise: self.taint_of(ev),
                    grade: self.grade_of(&[ev.hash]),
                }),
                _ => {}
            }
        }

        let figures = figures_from(&self.members, testimonies.iter().filter(|t| t.is_active()));
        let victims = self.victims(&testimonies);
        let accounts = self.accounts(record.iter().chain(&merged_records), &testimonies);
        let perpetrators = facts::perpetrators(&accounts);
        let means = facts::means(&accounts);
        let data_conflicts = facts::data_conflicts(&self.members, testimonies.iter());
        let mut other_annotations = Vec::new();
        for ev in events {
            if let (Some(Payload::Annotation(a)), Some(on)) = (&ev.payload, ev.refs.first()) {
                if !self.shown.contains(on) {
                    other_annotations.push(AnnotationView {
                        source: ev.source(),
                        on: *on,
                        stance: a.stance,
                        text: a.text.clone(),
                        grade: a.grade,
                    });
                }
            }
        }
        let signed_after_compromise = events
            .iter()
            .zip(&self.tainted)
            .filter_map(|(ev, t)| {
                t.map(|compromise| CompromisedView {
                    source: ev.source(),
                    kind: ev.kind,
                    compromise,
                })
            })
            .collect();
        IncidentView {
            id: self.id.to_string(),
            as_of,
            last_seq: events.last().map_or(0, |e| e.seq),
            entries: events.len(),
            record,
            merged_into,
            merged,
            merged_records,
            testimonies,
            figures,
            victims,
            claims,
            other_annotations,
            signed_after_compromise,
            perpetrators,
            means,
            data_conflicts,
            grade_filter: None,
        }
    }

    /// The sources of perpetrators and means: the incident records (as
    /// their authors have them), then the counted testimonies' blocks
    /// about a member.
    fn accounts<'r>(
        &self,
        records: impl Iterator<Item = &'r RecordView>,
        testimonies: &'r [TestimonyView],
    ) -> Vec<Account<'r>> {
        let mut out = Vec::new();
        for r in records {
            let i = &r.incident;
            if i.perpetrators.is_empty() && i.means.is_empty() {
                continue;
            }
            let first = r.versions.first().map_or(&r.current, |v| &v.source);
            out.push(Account {
                key: format!("record:{}", first.statement.to_hex()),
                from: FactSource {
                    incident: i.id.clone(),
                    source: r.current.clone(),
                    record: true,
                    relation: None,
                    description: String::new(),
                    grade: None,
                },
                blocks: vec![(i.id.as_str(), &i.perpetrators[..], &i.means[..])],
            });
        }
        for t in testimonies.iter().filter(|t| t.is_active()) {
            let blocks: Vec<_> = t
                .claims
                .iter()
                .filter(|c| self.members.contains(&c.incident))
                .filter(|c| !c.perpetrators.is_empty() || !c.means.is_empty())
                .map(|c| (c.incident.as_str(), &c.perpetrators[..], &c.means[..]))
                .collect();
            if blocks.is_empty() {
                continue;
            }
            out.push(Account {
                key: source_key(&t.source, &t.versions[0].source.statement),
                from: FactSource {
                    incident: String::new(),
                    source: t.current.clone(),
                    record: false,
                    relation: Some(t.source.relation),
                    description: t.source.description.clone(),
                    grade: t.grade.clone(),
                },
                blocks,
            });
        }
        out
    }

    /// The grade of a source from the annotations on `hashes` (its
    /// versions), leaving out those signed after a declared compromise: a
    /// grade decides what `--min-grade` counts, and figures never grow
    /// because of a compromised key.
    fn grade_of(&self, hashes: &[Digest]) -> Option<SourceGrade> {
        let notes = hashes
            .iter()
            .flat_map(|h| self.annotations.get(h).map(Vec::as_slice).unwrap_or(&[]))
            .filter(|&&i| self.tainted.get(i).copied().flatten().is_none())
            .map(|&i| &*self.events[i]);
        SourceGrade::from_annotations(notes)
    }

    /// The compromise `ev` (one of the view's events) was signed after.
    fn taint_of(&self, ev: &Event) -> Option<Compromise> {
        self.by_hash
            .get(&ev.hash)
            .and_then(|&i| self.tainted.get(i).copied().flatten())
    }

    fn annotations_on(&mut self, hashes: &[Digest]) -> Vec<AnnotationView> {
        let mut out = Vec::new();
        for h in hashes {
            self.shown.insert(*h);
            for &i in self.annotations.get(h).map(Vec::as_slice).unwrap_or(&[]) {
                let ev = &self.events[i];
                if let Some(Payload::Annotation(a)) = &ev.payload {
                    out.push(AnnotationView {
                        source: ev.source(),
                        on: *h,
                        stance: a.stance,
                        text: a.text.clone(),
                        grade: a.grade,
                    });
                }
            }
        }
        out.sort_by_key(|a| a.source.seq);
        out
    }

    fn version(&self, ev: &Event) -> VersionView {
        let reason = match &ev.payload {
            Some(Payload::Amendment(a)) => Some(a.reason.clone()),
            _ => None,
        };
        let redactions = self.redactions.get(&ev.hash);
        let parts = ev
            .parts
            .iter()
            .map(|(label, length)| {
                let redacted = redactions.and_then(|rs| {
                    rs.iter().find_map(|&i| {
                        let r = &self.events[i];
                        match &r.payload {
                            Some(Payload::Redaction(p)) if p.label == *label => {
                                Some(RedactionView {
                                    by: r.source(),
                                    reason: p.reason.clone(),
                                })
                            }
                            _ => None,
                        }
                    })
                });
                PartView {
                    label: label.clone(),
                    length: *length,
                    redacted,
                }
            })
            .collect();
        VersionView {
            source: ev.source(),
            created_at: ev.created_at,
            received_at: ev.received_at,
            reason,
            parts,
            signed_after_compromise: self.taint_of(ev),
        }
    }

    fn record_view(&mut self, chain: &[usize]) -> Option<RecordView> {
        let events = self.events;
        let last = &events[*chain.last()?];
        let incident = match &last.payload {
            Some(Payload::Incident(i)) => i.clone(),
            Some(Payload::Amendment(a)) => a.incident.clone()?,
            _ => return None,
        };
        let hashes: Vec<Digest> = chain.iter().map(|&i| events[i].hash).collect();
        Some(RecordView {
            incident,
            current: last.source(),
            versions: chain.iter().map(|&i| self.version(&events[i])).collect(),
            annotations: self.annotations_on(&hashes),
        })
    }

    fn testimony_view(
        &mut self,
        chain: &[usize],
        outside: Option<Digest>,
    ) -> Option<TestimonyView> {
        let events = self.events;
        let last = &events[*chain.last()?];
        let t = match &last.payload {
            Some(Payload::Testimony(t)) => t.clone(),
            Some(Payload::Amendment(a)) => a.testimony.clone()?,
            _ => return None,
        };
        let status = if let Some(&r) = self.retracted.get(&last.hash) {
            let ev = &events[r];
            let reason = match &ev.payload {
                Some(Payload::Retraction(p)) => p.reason.clone(),
                _ => String::new(),
            };
            TestimonyStatus::Retracted {
                by: ev.source(),
                reason,
            }
        } else if let Some(c) = self.taint_of(last) {
            TestimonyStatus::Compromised {
                revoked_at: c.revoked_at,
                effective_at: c.effective_at,
            }
        } else if t.incidents.iter().any(|i| self.members.contains(i)) {
            TestimonyStatus::Active
        } else {
            TestimonyStatus::Elsewhere {
                incidents: t.incidents.clone(),
            }
        };
        let hashes: Vec<Digest> = chain.iter().map(|&i| events[i].hash).collect();
        Some(TestimonyView {
            current: last.source(),
            status,
            amends_outside: outside,
            versions: chain.iter().map(|&i| self.version(&events[i])).collect(),
            source: t.source,
            language: t.language,
            incidents: t.incidents,
            claims: t.claims,
            annotations: self.annotations_on(&hashes),
            grade: self.grade_of(&hashes),
        })
    }

    fn victims(&self, testimonies: &[TestimonyView]) -> Vec<VictimView> {
        // Key: folded name and its occurrence within one claims block, so
        // that two different victims of the same name in one account stay two.
        // Groups in the order their keys first appear.
        let mut groups: Vec<Vec<VictimMention>> = Vec::new();
        let mut group_of: HashMap<(String, usize), usize> = HashMap::new();
        for t in testimonies.iter().filter(|t| t.is_active()) {
            for c in t
                .claims
                .iter()
                .filter(|c| self.members.contains(&c.incident))
            {
                // The block's names so far, each with its count: a block
                // names a handful of victims, a list is cheaper than a map.
                let mut seen: Vec<(String, usize)> = Vec::new();
                for v in &c.victims {
                    let name = fold(&v.name);
                    let n = match seen.iter_mut().find(|(s, _)| *s == name) {
                        Some((_, n)) => {
                            *n += 1;
                            *n - 1
                        }
                        None => {
                            seen.push((name.clone(), 1));
                            0
                        }
                    };
                    let mention = VictimMention {
                        source: t.current.clone(),
                        incident: c.incident.clone(),
                        victim: v.clone(),
                        grade: t.grade.clone(),
                    };
                    match group_of.entry((name, n)) {
                        Entry::Occupied(g) => groups[*g.get()].push(mention),
                        Entry::Vacant(g) => {
                            g.insert(groups.len());
                            groups.push(vec![mention]);
                        }
                    }
                }
            }
        }
        groups.into_iter().map(merge_victim).collect()
    }
}

fn merge_victim(mentions: Vec<VictimMention>) -> VictimView {
    let name = mentions[0].victim.name.clone();
    let mut spellings: Vec<String> = Vec::new();
    for m in &mentions {
        if !spellings.contains(&m.victim.name) {
            spellings.push(m.victim.name.clone());
        }
    }
    // The distinct sexes given (but unknown) and statuses, in order.
    let mut sexes: Vec<Sex> = Vec::new();
    let mut statuses: Vec<VictimStatus> = Vec::new();
    for m in &mentions {
        let (sex, status) = (m.victim.sex, m.victim.status);
        if sex != Sex::Unknown && !sexes.contains(&sex) {
            sexes.push(sex);
        }
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    let sex = match sexes.len() {
        0 => Some(Sex::Unknown),
        1 => sexes.first().copied(),
        _ => None,
    };
    let status = (statuses.len() == 1).then(|| mentions[0].victim.status);
    let ages: Vec<Count> = mentions.iter().filter_map(|m| m.victim.age).collect();
    let age = if ages.is_empty() {
        None
    } else {
        let min = ages.iter().map(|a| a.min()).min().unwrap_or(0);
        let max = ages.iter().map(|a| a.max()).max().unwrap_or(0);
        Some(if min == max {
            Count::Exact(min)
        } else {
            Count::Range { min, max }
        })
    };
    let ages_conflict =
        !ages.is_empty() && ages.iter().map(|a| a.min()).max() > ages.iter().map(|a| a.max()).min();
    // Age groups as sexes: `unknown` agrees with any.
    let mut groups: Vec<AgeGroup> = Vec::new();
    let mut any_group = false;
    let mut acts: BTreeSet<Act> = BTreeSet::new();
    for m in &mentions {
        if let Some(g) = m.victim.age_group {
            any_group = true;
            if g != AgeGroup::Unknown && !groups.contains(&g) {
                groups.push(g);
            }
        }
        acts.extend(m.victim.acts.iter().copied());
    }
    let age_group = match groups.len() {
        0 if any_group => Some(AgeGroup::Unknown),
        1 => groups.first().copied(),
        _ => None,
    };
    VictimView {
        name,
        spellings,
        conflict: sexes.len() > 1 || statuses.len() > 1 || ages_conflict || groups.len() > 1,
        sex,
        age,
        status,
        mentions,
        acts: acts.into_iter().collect(),
        age_group,
    }
}

/// `7`, `7–15`.
pub fn count_display(c: Count) -> String {
    c.to_string()
}

/// Whether a part label is the statement's payload (never redactable).
pub fn is_payload(label: &str) -> bool {
    label == PAYLOAD
}

/// Independent-source key: the folded source description with its
/// relation; a testimony that describes no source is a source of its own
/// (`first`: its first version's statement hash).
fn source_key(source: &crate::domain::Source, first: &Digest) -> String {
    if source.description.trim().is_empty() {
        format!("testimony:{}", first.to_hex())
    } else {
        format!("{:?}:{}", source.relation, fold(&source.description))
    }
}

/// The figures of an incident whose members are `members`, from the
/// testimonies given (the counted ones, or those a grade filter keeps).
fn figures_from<'a>(
    members: &BTreeSet<String>,
    testimonies: impl Iterator<Item = &'a TestimonyView>,
) -> Figures {
    let mut per: [(Vec<FigureSource>, Vec<String>); 5] = Default::default();
    for t in testimonies {
        let key = source_key(&t.source, &t.versions[0].source.statement);
        for c in t.claims.iter().filter(|c| members.contains(&c.incident)) {
            let counts = [c.dead, c.injured, c.missing, c.women_dead, c.children_dead];
            for (slot, count) in per.iter_mut().zip(counts) {
                if let Some(count) = count {
                    slot.0.push(FigureSource {
                        incident: c.incident.clone(),
                        count,
                        source: t.current.clone(),
                        relation: t.source.relation,
                        description: t.source.description.clone(),
                        grade: t.grade.clone(),
                    });
                    slot.1.push(key.clone());
                }
            }
        }
    }
    let [dead, injured, missing, women, children] = per;
    Figures {
        dead: Figure::from_sources(dead.0, &dead.1),
        injured: Figure::from_sources(injured.0, &injured.1),
        missing: Figure::from_sources(missing.0, &missing.1),
        women_dead: Figure::from_sources(women.0, &women.1),
        children_dead: Figure::from_sources(children.0, &children.1),
    }
}

#[cfg(test)]
mod tests {
    use super::{merge_victim, VictimMention};
    use crate::domain::{Count, Sex, Victim, VictimStatus};
    use crate::hash::Digest;
    use crate::projection::SourceRef;

    fn mention(name: &str, sex: Sex, status: VictimStatus, age: Option<Count>) -> VictimMention {
        VictimMention {
            source: SourceRef {
                seq: 1,
                statement: Digest([1; 32]),
                author: "a".into(),
            },
            incident: "i".into(),
            victim: Victim {
                name: name.into(),
                sex,
                age,
                status,
                relation: None,
                acts: Vec::new(),
                age_group: None,
            },
            grade: None,
        }
    }

    #[test]
    fn a_victim_merged_from_mentions_keeps_only_what_they_agree_on() {
        use Sex::*;
        use VictimStatus::*;
        let v = merge_victim(vec![
            mention("Ag", Unknown, Dead, None),
            mention("AG", Unknown, Dead, None),
            mention("Ag", Unknown, Dead, None),
        ]);
        assert_eq!(v.name, "Ag");
        assert_eq!(v.spellings, ["Ag", "AG"]);
        assert_eq!(
            (v.sex, v.status, v.age, v.conflict),
            (Some(Unknown), Some(Dead), None, false)
        );

        let v = merge_victim(vec![
            mention("x", Unknown, Dead, Some(Count::Exact(3))),
            mention("x", Male, Dead, Some(Count::Range { min: 2, max: 4 })),
            mention("x", Male, Dead, None),
        ]);
        assert_eq!(
            (v.sex, v.status, v.conflict),
            (Some(Male), Some(Dead), false)
        );
        assert_eq!(v.age, Some(Count::Range { min: 2, max: 4 }));

        let v = merge_victim(vec![
            mention("x", Female, Dead, None),
            mention("x", Unknown, Dead, None),
            mention("x", Male, Dead, None),
        ]);
        assert_eq!((v.sex, v.status, v.conflict), (None, Some(Dead), true));

        let v = merge_victim(vec![
            mention("x", Female, Missing, None),
            mention("x", Female, Injured, None),
            mention("x", Female, Missing, None),
        ]);
        assert_eq!((v.sex, v.status, v.conflict), (Some(Female), None, true));

        let v = merge_victim(vec![
            mention("x", Female, Dead, Some(Count::Exact(3))),
            mention("x", Female, Dead, Some(Count::Exact(5))),
        ]);
        assert!(v.conflict);
        assert_eq!(v.age, Some(Count::Range { min: 3, max: 5 }));
    }
}
