//! The testimony domain's payloads (docs/DOMAIN.md): what each kind's
//! `payload` part holds, as strict JSON. Modelled on the HURIDOCS Events
//! Standard Formats: an *incident* is an ESF event, a *testimony* is an ESF
//! "information" from a source about one or more events.
//!
//! Parsing is strict (unknown fields are refused) so that a typo in a
//! field name is an error at signing time, not a silently missing figure.

use crate::reason::{Reason, VictimFault};
use crate::registry::{parse_json, PayloadError};
use crate::statement::Kind;
use serde::{Deserialize, Serialize};

/// Label of a testimony's original text.
pub const TEXT: &str = "text";
/// Label of a testimony's optional translation.
pub const TRANSLATION: &str = "translation";
/// Labels of the parts whose content is text: UTF-8, or the statement is
/// refused (docs/FORMAT.md §10).
pub const TEXT_LABELS: [&str; 2] = [TEXT, TRANSLATION];

/// Why a part's content is not what its label declares, if it is not:
/// a text part (`TEXT_LABELS`) must be UTF-8, a companion must be what it
/// says (`seal::companion_fault`). `partcheck` decides, for parts in memory
/// and streamed alike.
pub fn part_content_fault(label: &str, content: &[u8]) -> Option<String> {
    crate::partcheck::check(label, &[0; 32], content).fault
}

/// Label of the witness's identity: kept apart so it can be withheld from
/// a bundle or redacted without touching anything else.
pub const WITNESS: &str = "witness";

/// A count as a source gives it: exact, or a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Count {
    Exact(u32),
    Range { min: u32, max: u32 },
}

impl Count {
    pub fn min(self) -> u32 {
        match self {
            Count::Exact(n) => n,
            Count::Range { min, .. } => min,
        }
    }
    pub fn max(self) -> u32 {
        match self {
            Count::Exact(n) => n,
            Count::Range { max, .. } => max,
        }
    }
    /// `Some((min, max))` when a range's minimum is above its maximum.
    fn inverted(self) -> Option<(u64, u64)> {
        match self {
            Count::Range { min, max } if min > max => Some((min.into(), max.into())),
            _ => None,
        }
    }
}

/// `7`, `7–15` (a range whose bounds are equal is one number).
impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Count::Range { min, max } if min != max => write!(f, "{min}–{max}"),
            c => write!(f, "{}", c.min()),
        }
    }
}

/// How much of an incident's date is known. With `unknown_day` only the
/// year and month of `start` (and `end`) are known, with `unknown_month`
/// only the year: the rest of the `YYYY-MM-DD` is a placeholder, never
/// shown and never used to place the incident in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    Exact,
    Estimated,
    UnknownDay,
    UnknownMonth,
}

impl DatePrecision {
    /// `date` (`YYYY-MM-DD`) cut to what is known: `2025-11` for an unknown
    /// day, `2025` for an unknown month.
    pub fn cut(self, date: &str) -> &str {
        let keep = match self {
            DatePrecision::Exact | DatePrecision::Estimated => date.len(),
            DatePrecision::UnknownDay => 7,
            DatePrecision::UnknownMonth => 4,
        };
        date.get(..keep).unwrap_or(date)
    }
}

/// When an incident happened: a day or a range of days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// `YYYY-MM-DD`.
    pub start: String,
    /// `YYYY-MM-DD`, for a range (e.g. "the night of 13 to 14 November").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    pub precision: DatePrecision,
}

impl When {
    /// The dates as far as they are known: `2025-11-13`, `2025-11-13 →
    /// 2025-11-14`, `2025-11` (unknown day), `2025` (unknown month); a range
    /// whose two ends read the same is shown once.
    pub fn display(&self) -> String {
        let start = self.precision.cut(&self.start);
        match self.end.as_deref().map(|e| self.precision.cut(e)) {
            Some(end) if end != start => format!("{start} → {end}"),
            _ => start.to_string(),
        }
    }

    /// The first and last day the incident may have happened on, as
    /// `YYYY-MM-DD` strings for comparison with a window: for an unknown
    /// day the whole month(s), for an unknown month the whole year(s), so
    /// that a placeholder never decides whether an incident is in a window.
    /// (The last day of a month is written `-31` whatever the month: it is
    /// only ever compared, never shown.)
    pub fn span(&self) -> (String, String) {
        let end = self.end.as_deref().unwrap_or(&self.start);
        match self.precision {
            DatePrecision::Exact | DatePrecision::Estimated => {
                (self.start.clone(), end.to_string())
            }
            DatePrecision::UnknownDay => (
                format!("{}-01", self.precision.cut(&self.start)),
                format!("{}-31", self.precision.cut(end)),
            ),
            DatePrecision::UnknownMonth => (
                format!("{}-01-01", self.precision.cut(&self.start)),
                format!("{}-12-31", self.precision.cut(end)),
            ),
        }
    }
}

/// How precisely `place` locates the incident (HURIDOCS ESF: the
/// geographical term's level; ACLED `geo_precision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacePrecision {
    /// The very spot (the coordinates, if given, are it).
    Exact,
    /// Near the place named.
    Approximate,
    /// Somewhere in the locality (village, campement) named.
    Locality,
    /// Only the commune is known.
    Commune,
    /// Only the cercle is known.
    Cercle,
    /// Only the region is known.
    Region,
    /// Only the country is known.
    Country,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cercle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `ML`.
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    /// How precisely the place is known, when said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<PlacePrecision>,
}

/// What kind of actor an alleged perpetrator is (HURIDOCS ESF perpetrator
/// type; ACLED `inter1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum PerpetratorKind {
    StateForces,
    ForeignForces,
    PrivateMilitaryCompany,
    ArmedGroup,
    Unknown,
}

/// How firmly the source attributes the act to the perpetrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// The source establishes it (or the perpetrator acknowledged it).
    Confirmed,
    /// The source says so without establishing it.
    Alleged,
    /// The source reports the attribution as disputed.
    Disputed,
    /// The source reports the named party denying it.
    Denied,
}

/// Who did it, according to a source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Perpetrator {
    /// e.g. "Forces armées maliennes (FAMa)", "Wagner/Africa Corps".
    pub name: String,
    pub kind: PerpetratorKind,
    pub attribution: Attribution,
}

/// The kind of weapon or method used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum MeansKind {
    ArmedDrone,
    Aircraft,
    Helicopter,
    Artillery,
    SmallArms,
    ExplosiveDevice,
    Arson,
    Other,
}

/// How it was done, according to a source: e.g. an armed drone, model
/// "Bayraktar TB2".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Means {
    pub kind: MeansKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// An incident record (kind `incident`, or inside an amendment).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// Stable id chosen when the incident is opened, e.g. `tangata-2025-11-13`:
    /// lowercase ASCII letters, digits and '-'.
    pub id: String,
    pub title: String,
    /// e.g. `drone_strike`.
    #[serde(rename = "type")]
    pub incident_type: String,
    pub place: Place,
    pub when: When,
    #[serde(default)]
    pub description: String,
    /// Who did it, as the record's author has it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub perpetrators: Vec<Perpetrator>,
    /// How, as the record's author has it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub means: Vec<Means>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Eyewitness,
    Relative,
    LocalNotable,
    Hearsay,
    Press,
    IntermediaryObservation,
}

/// Who the information comes from, as far as can be said in the clear. The
/// witness's identity itself goes in the `witness` part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub relation: Relation,
    /// e.g. "notable de Tin-Aïcha", "Mohamed AG Ahmedou, journaliste".
    #[serde(default)]
    pub description: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VictimStatus {
    Dead,
    Injured,
    Missing,
}

/// What was done to a victim (HURIDOCS ESF act types, trimmed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Act {
    Killed,
    Injured,
    Burned,
    Disappeared,
    Detained,
    Tortured,
    Displaced,
    PropertyDestroyed,
}

/// A victim's age category (HURIDOCS ESF), for when the age itself is
/// not known, or alongside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum AgeGroup {
    /// Under 18.
    Child,
    Adult,
    Elderly,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Victim {
    pub name: String,
    pub sex: Sex,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<Count>,
    pub status: VictimStatus,
    /// e.g. "époux de Toraghite Walet Innabougor", "enfant".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// What was done to this victim, when the source says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acts: Vec<Act>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_group: Option<AgeGroup>,
}

/// What one testimony says about one incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    pub incident: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injured: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub women_dead: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children_dead: Option<Count>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub victims: Vec<Victim>,
    /// Who did it, according to this source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub perpetrators: Vec<Perpetrator>,
    /// How, according to this source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub means: Vec<Means>,
}

/// A testimony's structured payload. Its original text is the `text` part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Testimony {
    pub incidents: Vec<String>,
    pub source: Source,
    /// BCP 47 tag of the original text, e.g. `fr`.
    pub language: String,
    #[serde(default)]
    pub claims: Vec<Claims>,
}

/// A new version of a testimony or an incident record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub testimony: Option<Testimony>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<Incident>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retraction {
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Corroborates,
    Contradicts,
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    pub stance: Stance,
    pub text: String,
    /// A reviewer's grading of the testimony or summary claim annotated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

/// How well an account is verified, after Airwars' civilian harm grading,
/// best first. `--min-grade` counts a source graded at least so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    Confirmed,
    Fair,
    Weak,
    Contested,
    Discounted,
}

impl Verification {
    pub const ALL: [Verification; 5] = [
        Verification::Confirmed,
        Verification::Fair,
        Verification::Weak,
        Verification::Contested,
        Verification::Discounted,
    ];

    /// Higher is better: confirmed 4 … discounted 0.
    pub fn rank(self) -> u8 {
        match self {
            Verification::Confirmed => 4,
            Verification::Fair => 3,
            Verification::Weak => 2,
            Verification::Contested => 1,
            Verification::Discounted => 0,
        }
    }

    /// Whether `self` is `min` or better.
    pub fn at_least(self, min: Verification) -> bool {
        self.rank() >= min.rank()
    }

    /// Its name in the data: `fair`.
    pub fn name(self) -> &'static str {
        match self {
            Verification::Confirmed => "confirmed",
            Verification::Fair => "fair",
            Verification::Weak => "weak",
            Verification::Contested => "contested",
            Verification::Discounted => "discounted",
        }
    }
}

/// A value that is not a verification grade.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a verification grade: use confirmed, fair, weak, contested or discounted")]
pub struct BadGrade(pub String);

impl std::str::FromStr for Verification {
    type Err = BadGrade;
    fn from_str(s: &str) -> Result<Verification, BadGrade> {
        Verification::ALL
            .into_iter()
            .find(|v| v.name() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| BadGrade(s.to_string()))
    }
}

/// How reliable the source is (HURIDOCS ESF "reliability as source").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Reliability {
    High,
    Medium,
    Low,
    Unknown,
}

/// A reviewer's grade of a source: either part may be left out, not both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliability: Option<Reliability>,
}

/// `from` is the same event as `into`; `from`'s records are read as `into`'s.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Merge {
    pub from: String,
    pub into: String,
    pub reason: String,
}

/// The figures one source gives (a claim), as opposed to the figures the
/// projection reconciles from all sources (`projection::Figures`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ClaimFigures {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injured: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub women_dead: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children_dead: Option<Count>,
    /// "dont 13 femmes et enfants": some sources give only the sum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub women_and_children_dead: Option<Count>,
}

/// A figure someone published over several incidents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryClaim {
    pub source: Source,
    /// The claim as published, e.g. "23 civils ont été tués en trois semaines".
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `YYYY-MM-DD` window the claim covers.
    pub from: String,
    pub to: String,
    /// Incidents the claim names, if it names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<String>,
    pub figures: ClaimFigures,
}

/// A custodian's order to erase one part of an earlier statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    pub label: String,
    pub reason: String,
}

/// A decoded domain payload.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    Incident(Incident),
    Testimony(Testimony),
    Amendment(Amendment),
    Retraction(Retraction),
    Annotation(Annotation),
    Merge(Merge),
    SummaryClaim(SummaryClaim),
    Redaction(Redaction),
}

fn invalid(kind: Kind, reason: Reason) -> PayloadError {
    PayloadError::Invalid { kind, reason }
}

fn check_date(kind: Kind, field: &str, s: &str) -> Result<(), PayloadError> {
    crate::time::parse_date(s).map(|_| ()).ok_or_else(|| {
        invalid(
            kind,
            Reason::NotADate {
                field: field.to_string(),
                value: s.to_string(),
            },
        )
    })
}

fn check_nonempty(kind: Kind, field: &'static str, s: &str) -> Result<(), PayloadError> {
    nonempty(kind, Reason::Empty { field }, s)
}

fn nonempty(kind: Kind, reason: Reason, s: &str) -> Result<(), PayloadError> {
    if s.trim().is_empty() {
        Err(invalid(kind, reason))
    } else {
        Ok(())
    }
}

/// Incident ids: 1-64 of `a-z 0-9 -`, so they are safe in file names and URLs.
pub fn valid_incident_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Incident {
    fn check(&self, kind: Kind) -> Result<(), PayloadError> {
        if !valid_incident_id(&self.id) {
            return Err(invalid(
                kind,
                Reason::IncidentId {
                    id: self.id.clone(),
                },
            ));
        }
        check_nonempty(kind, "title", &self.title)?;
        check_nonempty(kind, "type", &self.incident_type)?;
        check_nonempty(kind, "place.name", &self.place.name)?;
        check_date(kind, "when.start", &self.when.start)?;
        if let Some(end) = &self.when.end {
            check_date(kind, "when.end", end)?;
            if end.as_str() < self.when.start.as_str() {
                return Err(invalid(kind, Reason::EndBeforeStart));
            }
        }
        if let Some(c) = self.place.coordinates {
            if !(-90.0..=90.0).contains(&c.lat) || !(-180.0..=180.0).contains(&c.lon) {
                return Err(invalid(kind, Reason::CoordinatesOutOfRange));
            }
        }
        check_actors(kind, &self.perpetrators, &self.means)
    }
}

/// Perpetrators have a name, a means' model is not blank.
fn check_actors(
    kind: Kind,
    perpetrators: &[Perpetrator],
    means: &[Means],
) -> Result<(), PayloadError> {
    for p in perpetrators {
        nonempty(kind, Reason::EmptyPerpetratorName, &p.name)?;
    }
    for m in means {
        if let Some(model) = &m.model {
            nonempty(kind, Reason::EmptyModel, model)?;
        }
    }
    Ok(())
}

/// What one victim's record says must hold together: an age group that
/// fits the age, acts that fit the status. A contradiction within one
/// victim is a typo, refused with the victim's name, not a disagreement
/// between sources (those are kept and shown).
fn check_victim(kind: Kind, incident: &str, v: &Victim) -> Result<(), PayloadError> {
    nonempty(kind, Reason::EmptyVictimName, &v.name)?;
    let fault = |fault: VictimFault| {
        invalid(
            kind,
            Reason::Victim {
                incident: incident.to_string(),
                name: v.name.clone(),
                fault,
            },
        )
    };
    if let Some(age) = v.age {
        if let Some((min, max)) = age.inverted() {
            return Err(fault(VictimFault::AgeRange { min, max }));
        }
        match v.age_group {
            Some(AgeGroup::Child) if age.min() >= 18 => {
                return Err(fault(VictimFault::ChildAged { age }))
            }
            Some(g @ (AgeGroup::Adult | AgeGroup::Elderly)) if age.max() < 18 => {
                let group = if g == AgeGroup::Adult {
                    "adult"
                } else {
                    "elderly"
                };
                return Err(fault(VictimFault::MinorAged {
                    group: group.to_string(),
                    age,
                }));
            }
            _ => {}
        }
    }
    for (i, act) in v.acts.iter().enumerate() {
        if v.acts[..i].contains(act) {
            return Err(fault(VictimFault::ActTwice {
                act: act_name(*act),
            }));
        }
    }
    let killed = v.acts.contains(&Act::Killed);
    if killed && v.status != VictimStatus::Dead {
        return Err(fault(VictimFault::KilledNotDead {
            status: status_name(v.status).to_string(),
        }));
    }
    if !v.acts.is_empty() && !killed && v.status == VictimStatus::Dead {
        return Err(fault(VictimFault::DeadNotKilled));
    }
    Ok(())
}

fn act_name(a: Act) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn status_name(s: VictimStatus) -> &'static str {
    match s {
        VictimStatus::Dead => "dead",
        VictimStatus::Injured => "injured",
        VictimStatus::Missing => "missing",
    }
}

impl Testimony {
    fn check(&self, kind: Kind) -> Result<(), PayloadError> {
        if self.incidents.is_empty() {
            return Err(invalid(kind, Reason::NoIncident));
        }
        check_nonempty(kind, "language", &self.language)?;
        // Projections count each (testimony, incident) once: a repeated
        // incident or claims block would count a source twice.
        for (i, id) in self.incidents.iter().enumerate() {
            if self.incidents[..i].contains(id) {
                return Err(invalid(kind, Reason::IncidentTwice { id: id.clone() }));
            }
        }
        for (i, c) in self.claims.iter().enumerate() {
            if self.claims[..i].iter().any(|d| d.incident == c.incident) {
                return Err(invalid(
                    kind,
                    Reason::ClaimsTwice {
                        id: c.incident.clone(),
                    },
                ));
            }
        }
        for c in &self.claims {
            if !self.incidents.contains(&c.incident) {
                return Err(invalid(
                    kind,
                    Reason::ClaimsNotNamed {
                        id: c.incident.clone(),
                    },
                ));
            }
            for (what, n) in [
                ("dead", c.dead),
                ("injured", c.injured),
                ("missing", c.missing),
                ("women_dead", c.women_dead),
                ("children_dead", c.children_dead),
            ] {
                if let Some((min, max)) = n.and_then(Count::inverted) {
                    let field = what.to_string();
                    return Err(invalid(kind, Reason::Range { field, min, max }));
                }
            }
            for v in &c.victims {
                check_victim(kind, &c.incident, v)?;
            }
            check_actors(kind, &c.perpetrators, &c.means)?;
        }
        Ok(())
    }
}

impl Payload {
    /// Parse and check the payload of a domain kind. `Ok(None)` for kinds
    /// without a domain payload (registry kinds, notes).
    pub fn parse(kind: Kind, bytes: &[u8]) -> Result<Option<Payload>, PayloadError> {
        let p = match kind {
            Kind::Incident => {
                let i: Incident = parse_json(kind, bytes)?;
                i.check(kind)?;
                Payload::Incident(i)
            }
            Kind::Testimony => {
                let t: Testimony = parse_json(kind, bytes)?;
                t.check(kind)?;
                Payload::Testimony(t)
            }
            Kind::Amendment => {
                let a: Amendment = parse_json(kind, bytes)?;
                check_nonempty(kind, "reason", &a.reason)?;
                match (&a.testimony, &a.incident) {
                    (Some(t), None) => t.check(kind)?,
                    (None, Some(i)) => i.check(kind)?,
                    _ => return Err(invalid(kind, Reason::AmendmentOneOf)),
                }
                Payload::Amendment(a)
            }
            Kind::Retraction => {
                let r: Retraction = parse_json(kind, bytes)?;
                check_nonempty(kind, "reason", &r.reason)?;
                Payload::Retraction(r)
            }
            Kind::Annotation => {
                let a: Annotation = parse_json(kind, bytes)?;
                check_nonempty(kind, "text", &a.text)?;
                if let Some(Grade {
                    verification: None,
                    reliability: None,
                }) = a.grade
                {
                    return Err(invalid(kind, Reason::GradeEmpty));
                }
                Payload::Annotation(a)
            }
            Kind::Merge => {
                let m: Merge = parse_json(kind, bytes)?;
                check_nonempty(kind, "reason", &m.reason)?;
                if m.from == m.into {
                    return Err(invalid(kind, Reason::MergeIntoItself));
                }
                Payload::Merge(m)
            }
            Kind::SummaryClaim => {
                let s: SummaryClaim = parse_json(kind, bytes)?;
                check_nonempty(kind, "text", &s.text)?;
                check_date(kind, "from", &s.from)?;
                check_date(kind, "to", &s.to)?;
                if s.to < s.from {
                    return Err(invalid(kind, Reason::ToBeforeFrom));
                }
                Payload::SummaryClaim(s)
            }
            Kind::Redaction => {
                let r: Redaction = parse_json(kind, bytes)?;
                check_nonempty(kind, "reason", &r.reason)?;
                if r.label == crate::registry::PAYLOAD {
                    return Err(invalid(kind, Reason::RedactPayload));
                }
                if crate::seal::split_label(&r.label).1.is_some() {
                    return Err(invalid(kind, Reason::RedactCompanion));
                }
                Payload::Redaction(r)
            }
            Kind::Genesis | Kind::Enroll | Kind::Revoke | Kind::Note => return Ok(None),
        };
        Ok(Some(p))
    }

    /// Incident ids this payload names; each must exist in the archive.
    pub fn named_incidents(&self) -> Vec<&str> {
        match self {
            Payload::Testimony(t) => t.incidents.iter().map(String::as_str).collect(),
            Payload::Amendment(Amendment {
                testimony: Some(t), ..
            }) => t.incidents.iter().map(String::as_str).collect(),
            Payload::Merge(m) => vec![m.from.as_str(), m.into.as_str()],
            Payload::SummaryClaim(s) => s.incidents.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `domain_payload` fuzz target: a date field read with a
    /// sign (`2025-+2-01`, `+999-01-01`) passed as a date, and the string
    /// comparison of bounds then let an end come before its start.
    #[test]
    fn signed_date_fields_are_refused() {
        let claim = br#"{"source":{"relation":"press"},"text":"x","from":"2025-+2-01","to":"2025-01-15","figures":{}}"#;
        assert!(Payload::parse(Kind::SummaryClaim, claim).is_err());
        let incident = br#"{"id":"inc-9","title":"t","type":"x","place":{"name":"p","country":"ML"},"when":{"start":"+999-01-01","end":"0001-01-01","precision":"exact"}}"#;
        assert!(Payload::parse(Kind::Incident, incident).is_err());
        let fine = br#"{"id":"inc-9","title":"t","type":"x","place":{"name":"p","country":"ML"},"when":{"start":"2025-01-01","end":"2025-01-15","precision":"exact"}}"#;
        assert!(Payload::parse(Kind::Incident, fine).is_ok());
    }

    fn testimony_with_victim(victim: &str) -> Vec<u8> {
        format!(
            r#"{{"incidents":["a"],"source":{{"relation":"press"}},"language":"fr","claims":[{{"incident":"a","victims":[{victim}]}}]}}"#
        )
        .into_bytes()
    }

    fn refusal(victim: &str) -> String {
        match Payload::parse(Kind::Testimony, &testimony_with_victim(victim)) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted: {victim}"),
        }
    }

    #[test]
    fn a_victim_that_contradicts_itself_is_refused_with_its_name() {
        let e = refusal(
            r#"{"name":"Aïcha","sex":"female","age":19,"status":"dead","age_group":"child"}"#,
        );
        assert!(
            e.contains(r#"victim "Aïcha""#) && e.contains("child") && e.contains("19"),
            "{e}"
        );
        let e = refusal(
            r#"{"name":"B","sex":"male","age":{"min":7,"max":15},"status":"dead","age_group":"adult"}"#,
        );
        assert!(
            e.contains(r#"victim "B""#) && e.contains("adult") && e.contains("7–15"),
            "{e}"
        );
        let e = refusal(r#"{"name":"C","sex":"male","status":"dead","acts":["burned"]}"#);
        assert!(e.contains(r#"victim "C""#) && e.contains("killed"), "{e}");
        let e = refusal(r#"{"name":"D","sex":"male","status":"injured","acts":["killed"]}"#);
        assert!(e.contains(r#"victim "D""#) && e.contains("injured"), "{e}");
        let e = refusal(r#"{"name":"E","sex":"male","status":"dead","acts":["killed","killed"]}"#);
        assert!(e.contains("twice"), "{e}");
        // What holds together is accepted: a range straddling 18, no acts,
        // acts with the status they imply.
        for ok in [
            r#"{"name":"F","sex":"male","age":{"min":16,"max":20},"status":"dead","age_group":"child"}"#,
            r#"{"name":"G","sex":"male","age":17,"status":"dead","age_group":"child","acts":["killed","burned"]}"#,
            r#"{"name":"H","sex":"female","status":"injured","acts":["burned","displaced"],"age_group":"elderly"}"#,
            r#"{"name":"I","sex":"female","status":"dead"}"#,
        ] {
            assert!(
                Payload::parse(Kind::Testimony, &testimony_with_victim(ok)).is_ok(),
                "{ok}"
            );
        }
    }

    #[test]
    fn dates_show_only_what_is_known_and_span_their_uncertainty() {
        let w = |start: &str, end: Option<&str>, precision| When {
            start: start.into(),
            end: end.map(String::from),
            precision,
        };
        use DatePrecision::*;
        assert_eq!(w("2025-11-13", None, Exact).display(), "2025-11-13");
        assert_eq!(
            w("2025-11-13", Some("2025-11-14"), Estimated).display(),
            "2025-11-13 → 2025-11-14"
        );
        assert_eq!(w("2025-11-01", None, UnknownDay).display(), "2025-11");
        assert_eq!(
            w("2025-11-01", Some("2025-11-30"), UnknownDay).display(),
            "2025-11"
        );
        assert_eq!(
            w("2025-11-01", Some("2025-12-02"), UnknownDay).display(),
            "2025-11 → 2025-12"
        );
        assert_eq!(w("2025-01-01", None, UnknownMonth).display(), "2025");
        assert_eq!(
            w("2025-01-01", None, UnknownMonth).span(),
            ("2025-01-01".to_string(), "2025-12-31".to_string())
        );
        assert_eq!(
            w("2025-11-20", None, UnknownDay).span(),
            ("2025-11-01".to_string(), "2025-11-31".to_string())
        );
        let json = br#"{"id":"x","title":"t","type":"drone_strike","place":{"name":"p","country":"ML","precision":"commune"},"when":{"start":"2025-01-01","precision":"unknown_month"}}"#;
        assert!(Payload::parse(Kind::Incident, json).is_ok());
    }

    #[test]
    fn a_grade_gives_something_and_grades_parse_by_name() {
        let none = br#"{"stance":"note","text":"t","grade":{}}"#;
        assert!(Payload::parse(Kind::Annotation, none).is_err());
        let some = br#"{"stance":"note","text":"t","grade":{"reliability":"medium"}}"#;
        assert!(Payload::parse(Kind::Annotation, some).is_ok());
        let bad = br#"{"stance":"note","text":"t","grade":{"verification":"good"}}"#;
        assert!(Payload::parse(Kind::Annotation, bad).is_err());
        assert_eq!("Fair".parse::<Verification>(), Ok(Verification::Fair));
        assert!("good".parse::<Verification>().is_err());
        assert!(Verification::Fair.at_least(Verification::Weak));
        assert!(!Verification::Contested.at_least(Verification::Weak));
        assert!(Verification::Confirmed.at_least(Verification::Confirmed));
    }
}
