//! Why a value is refused: the reasons of [`PayloadError::Invalid`] and of
//! [`JsonErrorKind::InvalidValue`], typed so that a translation renders
//! each one itself. [`fmt::Display`] is the English text.
//!
//! [`PayloadError::Invalid`]: crate::registry::PayloadError::Invalid
//! [`JsonErrorKind::InvalidValue`]: crate::json::JsonErrorKind::InvalidValue

use std::fmt;

use crate::domain::Count;
use crate::json::JsonType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A value of the right JSON type but not the expected form.
    Expected(JsonType),
    /// A figure that is neither a number nor a range.
    ExpectedCount,
    /// A reference that is not a statement hash.
    StatementHash,
    /// A time that is not RFC 3339 UTC.
    Time,
    NoteNeedsText,
    TestimonyNeedsText,
    /// Not an ISO 3166-1 alpha-2 code; `fix` is the code meant, when known.
    Country {
        value: String,
        fix: Option<String>,
    },
    /// Not a BCP 47 tag; `fix` is the tag meant, when known.
    Language {
        value: String,
        fix: Option<String>,
    },
    NotADate {
        field: String,
        value: String,
    },
    /// A JSON member that must not be blank.
    Empty {
        field: &'static str,
    },
    EmptyPerpetratorName,
    EmptyVictimName,
    EmptyModel,
    IncidentId {
        id: String,
    },
    EndBeforeStart,
    CoordinatesOutOfRange,
    /// A range whose minimum is above its maximum.
    Range {
        field: String,
        min: u64,
        max: u64,
    },
    /// What one victim's record says does not hold together.
    Victim {
        incident: String,
        name: String,
        fault: VictimFault,
    },
    NoIncident,
    IncidentTwice {
        id: String,
    },
    ClaimsTwice {
        id: String,
    },
    ClaimsNotNamed {
        id: String,
    },
    AmendmentOneOf,
    GradeEmpty,
    MergeIntoItself,
    ToBeforeFrom,
    RedactPayload,
    RedactCompanion,
    CheckpointKeyName {
        name: String,
        origin: String,
    },
    ReaderRole {
        role: String,
    },
    ReaderByKey,
    RevocationReason,
    /// A field whose value a library refused, in that library's words
    /// (a key, a recipient, a checkpoint key).
    Field {
        field: &'static str,
        detail: String,
    },
    /// A parser's own words (JSON syntax, serde), which no catalogue holds.
    Other(String),
}

/// The contradictions within one victim's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VictimFault {
    AgeRange { min: u64, max: u64 },
    ChildAged { age: Count },
    MinorAged { group: String, age: Count },
    ActTwice { act: String },
    KilledNotDead { status: String },
    DeadNotKilled,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Reason as R;
        match self {
            R::Expected(t) => write!(f, "expected {t}"),
            R::ExpectedCount => f.write_str(
                "expected a count: a whole number, 0 or more, or {\"min\": N, \"max\": M}",
            ),
            R::StatementHash => f.write_str("must be a statement hash, 64 hex digits"),
            R::Time => f.write_str("must be a time like 2025-11-20T10:00:00Z"),
            R::NoteNeedsText => f.write_str("a note needs a \"text\""),
            R::TestimonyNeedsText => {
                f.write_str("a testimony needs its \"text\": the account as the witness gave it")
            }
            R::Country {
                value,
                fix: Some(c),
            } => write!(
                f,
                "{value:?} is not an ISO 3166-1 alpha-2 country code: write {c:?}"
            ),
            R::Country { value, fix: None } => write!(
                f,
                "{value:?} is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. \"ML\" for Mali)"
            ),
            R::Language {
                value,
                fix: Some(t),
            } => write!(f, "{value:?} is not a BCP 47 language tag: write {t:?}"),
            R::Language { value, fix: None } => write!(
                f,
                "{value:?} is not a BCP 47 language tag (e.g. \"fr\" for French, \"tmh\" for Tamasheq, \"fr-ML\" for the French of Mali)"
            ),
            R::NotADate { field, value } => {
                write!(f, "{field} {value:?} is not a date YYYY-MM-DD")
            }
            R::Empty { field } => write!(f, "{field} is empty"),
            R::EmptyPerpetratorName => f.write_str("perpetrator name is empty"),
            R::EmptyVictimName => f.write_str("victim name is empty"),
            R::EmptyModel => f.write_str("means model (omit it when not known) is empty"),
            R::IncidentId { id } => write!(
                f,
                "incident id {id:?} must be 1-64 characters of a-z, 0-9 and '-'"
            ),
            R::EndBeforeStart => f.write_str("when.end is before when.start"),
            R::CoordinatesOutOfRange => f.write_str("coordinates out of range"),
            R::Range { field, min, max } => {
                write!(f, "{field}: range min {min} is above max {max}")
            }
            R::Victim {
                incident,
                name,
                fault,
            } => write!(f, "claims about {incident:?}, victim {name:?}: {fault}"),
            R::NoIncident => f.write_str("a testimony must name at least one incident"),
            R::IncidentTwice { id } => write!(f, "incident {id:?} is named twice"),
            R::ClaimsTwice { id } => write!(
                f,
                "two claims blocks about {id:?}: give one block per incident"
            ),
            R::ClaimsNotNamed { id } => write!(
                f,
                "claims about {id:?}, which is not in the testimony's incidents"
            ),
            R::AmendmentOneOf => f.write_str(
                "an amendment carries exactly one of \"testimony\" or \"incident\"",
            ),
            R::GradeEmpty => f.write_str(
                "grade: give its verification, its reliability or both (or leave out grade)",
            ),
            R::MergeIntoItself => f.write_str("an incident cannot be merged into itself"),
            R::ToBeforeFrom => f.write_str("\"to\" is before \"from\""),
            R::RedactPayload => f.write_str(
                "the payload part cannot be redacted (projections and audit need it); \
                 redact the witness or text part instead",
            ),
            R::RedactCompanion => f.write_str(
                "a sealed part's companion is not redacted on its own: name the sealed \
                 part (e.g. \"witness\", not \"witness.age\"), which erases its ciphertext",
            ),
            R::CheckpointKeyName { name, origin } => write!(
                f,
                "checkpoint_key is named {name:?}, not the origin {origin:?}"
            ),
            R::ReaderRole { role } => write!(
                f,
                "a recipient is enrolled as a reader, not as {role} (a signing key is enrolled by \"key\")"
            ),
            R::ReaderByKey => f.write_str(
                "a reader is enrolled by its age recipient (\"recipient\": \"age1…\"), not by a signing key",
            ),
            R::RevocationReason => f.write_str("a revocation needs a reason"),
            R::Field { field, detail } => write!(f, "{field}: {detail}"),
            R::Other(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for VictimFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use VictimFault as V;
        match self {
            V::AgeRange { min, max } => write!(f, "age: range min {min} is above max {max}"),
            V::ChildAged { age } => write!(f, "age_group \"child\" but age {age} is 18 or over"),
            V::MinorAged { group, age } => {
                write!(f, "age_group {group:?} but age {age} is under 18")
            }
            V::ActTwice { act } => write!(f, "act {act:?} is given twice"),
            V::KilledNotDead { status } => write!(
                f,
                "act \"killed\" but status {status:?}: a victim killed has status \"dead\""
            ),
            V::DeadNotKilled => f.write_str(
                "status \"dead\" but the acts given do not include \"killed\": add it, or give no acts",
            ),
        }
    }
}
