//! The testimony domain's payloads (docs/DOMAIN.md): what each kind's
//! `payload` part holds, as strict JSON. Modelled on the HURIDOCS Events
//! Standard Formats: an *incident* is an ESF event, a *testimony* is an ESF
//! "information" from a source about one or more events.
//!
//! Parsing is strict (unknown fields are refused) so that a typo in a
//! field name is an error at signing time, not a silently missing figure.

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
    fn check(self, what: &str) -> Result<(), String> {
        match self {
            Count::Range { min, max } if min > max => {
                Err(format!("{what}: range min {min} is above max {max}"))
            }
            _ => Ok(()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    Exact,
    Estimated,
    UnknownDay,
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

fn invalid(kind: Kind, reason: impl Into<String>) -> PayloadError {
    PayloadError::Invalid {
        kind,
        reason: reason.into(),
    }
}

fn check_date(kind: Kind, what: &str, s: &str) -> Result<(), PayloadError> {
    crate::time::parse_date(s)
        .map(|_| ())
        .ok_or_else(|| invalid(kind, format!("{what} {s:?} is not a date YYYY-MM-DD")))
}

fn check_nonempty(kind: Kind, what: &str, s: &str) -> Result<(), PayloadError> {
    if s.trim().is_empty() {
        Err(invalid(kind, format!("{what} is empty")))
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
                format!(
                    "incident id {:?} must be 1-64 characters of a-z, 0-9 and '-'",
                    self.id
                ),
            ));
        }
        check_nonempty(kind, "title", &self.title)?;
        check_nonempty(kind, "type", &self.incident_type)?;
        check_nonempty(kind, "place.name", &self.place.name)?;
        check_date(kind, "when.start", &self.when.start)?;
        if let Some(end) = &self.when.end {
            check_date(kind, "when.end", end)?;
            if end.as_str() < self.when.start.as_str() {
                return Err(invalid(kind, "when.end is before when.start"));
            }
        }
        if let Some(c) = self.place.coordinates {
            if !(-90.0..=90.0).contains(&c.lat) || !(-180.0..=180.0).contains(&c.lon) {
                return Err(invalid(kind, "coordinates out of range"));
            }
        }
        Ok(())
    }
}

impl Testimony {
    fn check(&self, kind: Kind) -> Result<(), PayloadError> {
        if self.incidents.is_empty() {
            return Err(invalid(kind, "a testimony must name at least one incident"));
        }
        check_nonempty(kind, "language", &self.language)?;
        // Projections count each (testimony, incident) once: a repeated
        // incident or claims block would count a source twice.
        for (i, id) in self.incidents.iter().enumerate() {
            if self.incidents[..i].contains(id) {
                return Err(invalid(kind, format!("incident {id:?} is named twice")));
            }
        }
        for (i, c) in self.claims.iter().enumerate() {
            if self.claims[..i].iter().any(|d| d.incident == c.incident) {
                return Err(invalid(
                    kind,
                    format!(
                        "two claims blocks about {:?}: give one block per incident",
                        c.incident
                    ),
                ));
            }
        }
        for c in &self.claims {
            if !self.incidents.contains(&c.incident) {
                return Err(invalid(
                    kind,
                    format!(
                        "claims about {:?}, which is not in the testimony's incidents",
                        c.incident
                    ),
                ));
            }
            for (what, n) in [
                ("dead", c.dead),
                ("injured", c.injured),
                ("missing", c.missing),
                ("women_dead", c.women_dead),
                ("children_dead", c.children_dead),
            ] {
                if let Some(n) = n {
                    n.check(what).map_err(|r| invalid(kind, r))?;
                }
            }
            for v in &c.victims {
                check_nonempty(kind, "victim name", &v.name)?;
                if let Some(a) = v.age {
                    a.check("victim age").map_err(|r| invalid(kind, r))?;
                }
            }
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
                    _ => {
                        return Err(invalid(
                            kind,
                            "an amendment carries exactly one of \"testimony\" or \"incident\"",
                        ))
                    }
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
                Payload::Annotation(a)
            }
            Kind::Merge => {
                let m: Merge = parse_json(kind, bytes)?;
                check_nonempty(kind, "reason", &m.reason)?;
                if m.from == m.into {
                    return Err(invalid(kind, "an incident cannot be merged into itself"));
                }
                Payload::Merge(m)
            }
            Kind::SummaryClaim => {
                let s: SummaryClaim = parse_json(kind, bytes)?;
                check_nonempty(kind, "text", &s.text)?;
                check_date(kind, "from", &s.from)?;
                check_date(kind, "to", &s.to)?;
                if s.to < s.from {
                    return Err(invalid(kind, "\"to\" is before \"from\""));
                }
                Payload::SummaryClaim(s)
            }
            Kind::Redaction => {
                let r: Redaction = parse_json(kind, bytes)?;
                check_nonempty(kind, "reason", &r.reason)?;
                if r.label == crate::registry::PAYLOAD {
                    return Err(invalid(
                        kind,
                        "the payload part cannot be redacted (projections and audit need it); \
                         redact the witness or text part instead",
                    ));
                }
                if crate::seal::split_label(&r.label).1.is_some() {
                    return Err(invalid(
                        kind,
                        "a sealed part's companion is not redacted on its own: name the sealed \
                         part (e.g. \"witness\", not \"witness.age\"), which erases its ciphertext",
                    ));
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
}
