//! Why a statement is refused, in the user's language. The library's
//! errors are typed; each variant has its message in the catalogue, and the
//! matches are exhaustive so that a new refusal cannot reach a user in
//! English only without a compile error here. Details that are the
//! library's own words about bytes (a malformed encoding, a part's
//! mismatch) stay as the library says them.

use crate::archive::Refusal;
use crate::compose::ComposeError;
use crate::i18n::Lang;
use crate::json::{JsonError, JsonErrorKind, JsonErrors, JsonType};
use crate::reason::{Reason, VictimFault};
use crate::registry::{AuthorityError, PayloadError};
use crate::rules::RuleError;
use crate::statement::SignatureFault;
use crate::tr;

/// A refusal, as said to the user.
pub fn refusal(lang: Lang, r: &Refusal) -> String {
    match r {
        Refusal::Malformed(e) => tr!(lang, "refusal-malformed", detail = e.to_string()),
        Refusal::File(e) => tr!(lang, "refusal-file", detail = e.to_string()),
        Refusal::Signature(SignatureFault::BadKey) => tr!(lang, "refusal-signature-bad-key"),
        Refusal::Signature(SignatureFault::WeakKey) => tr!(lang, "refusal-signature-weak-key"),
        Refusal::Signature(SignatureFault::Invalid) => tr!(lang, "refusal-signature-invalid"),
        Refusal::MissingPart { label } => tr!(lang, "refusal-missing-part", label = q(label)),
        Refusal::UnexpectedPart { label } => tr!(lang, "refusal-unexpected-part", label = q(label)),
        Refusal::PartMismatch { label, what } => {
            tr!(
                lang,
                "refusal-part-mismatch",
                label = q(label),
                what = what.to_owned()
            )
        }
        Refusal::PartContent { reason } => reason.clone(),
        Refusal::SealedInClear { label } => tr!(lang, "refusal-sealed-in-clear", label = q(label)),
        Refusal::PartTooLarge { label, len, limit } => tr!(
            lang,
            "refusal-part-too-large",
            label = q(label),
            len = len.to_owned(),
            limit = limit.to_owned()
        ),
        Refusal::FromTheFuture {
            claimed,
            now,
            max_hours,
        } => tr!(
            lang,
            "refusal-from-the-future",
            claimed = claimed.clone(),
            now = now.clone(),
            hours = max_hours.to_owned()
        ),
        Refusal::Rule(e) => rule(lang, e),
    }
}

/// `{:?}` of a label or an id, as the English messages quote them.
fn q(s: &str) -> String {
    format!("{s:?}")
}

/// Why a value is refused. JSON names (fields, the values an author
/// writes) stay as the author must write them, quoted, in both languages.
pub fn reason(lang: Lang, r: &Reason) -> String {
    use Reason as R;
    match r {
        R::Expected(t) => tr!(lang, "reason-expected", expected = json_type(lang, t)),
        R::ExpectedCount => tr!(lang, "reason-expected-count"),
        R::StatementHash => tr!(lang, "reason-statement-hash"),
        R::Time => tr!(lang, "reason-time"),
        R::NoteNeedsText => tr!(lang, "reason-note-needs-text"),
        R::TestimonyNeedsText => tr!(lang, "reason-testimony-needs-text"),
        R::Country {
            value,
            fix: Some(fix),
        } => tr!(
            lang,
            "reason-country-fix",
            value = q(value),
            fix = q(fix.as_str())
        ),
        R::Country { value, fix: None } => tr!(lang, "reason-country", value = q(value)),
        R::Language {
            value,
            fix: Some(fix),
        } => tr!(
            lang,
            "reason-language-fix",
            value = q(value),
            fix = q(fix.as_str())
        ),
        R::Language { value, fix: None } => tr!(lang, "reason-language", value = q(value)),
        R::NotADate { field, value } => {
            tr!(
                lang,
                "reason-not-a-date",
                field = field.clone(),
                value = q(value)
            )
        }
        R::Empty { field } => tr!(lang, "reason-empty", field = field.to_string()),
        R::EmptyPerpetratorName => tr!(lang, "reason-empty-perpetrator-name"),
        R::EmptyVictimName => tr!(lang, "reason-empty-victim-name"),
        R::EmptyModel => tr!(lang, "reason-empty-model"),
        R::IncidentId { id } => tr!(lang, "reason-incident-id", id = q(id)),
        R::EndBeforeStart => tr!(lang, "reason-end-before-start"),
        R::CoordinatesOutOfRange => tr!(lang, "reason-coordinates"),
        R::Range { field, min, max } => tr!(
            lang,
            "reason-range",
            field = field.clone(),
            min = min.to_string(),
            max = max.to_string()
        ),
        R::Victim {
            incident,
            name,
            fault,
        } => tr!(
            lang,
            "reason-victim",
            incident = q(incident),
            name = q(name),
            fault = victim_fault(lang, fault)
        ),
        R::NoIncident => tr!(lang, "reason-no-incident"),
        R::IncidentTwice { id } => tr!(lang, "reason-incident-twice", id = q(id)),
        R::ClaimsTwice { id } => tr!(lang, "reason-claims-twice", id = q(id)),
        R::ClaimsNotNamed { id } => tr!(lang, "reason-claims-not-named", id = q(id)),
        R::AmendmentOneOf => tr!(lang, "reason-amendment-one-of"),
        R::GradeEmpty => tr!(lang, "reason-grade-empty"),
        R::MergeIntoItself => tr!(lang, "reason-merge-into-itself"),
        R::ToBeforeFrom => tr!(lang, "reason-to-before-from"),
        R::RedactPayload => tr!(lang, "reason-redact-payload"),
        R::RedactCompanion => tr!(lang, "reason-redact-companion"),
        R::CheckpointKeyName { name, origin } => tr!(
            lang,
            "reason-checkpoint-key-name",
            name = q(name),
            origin = q(origin)
        ),
        R::ReaderRole { role } => tr!(lang, "reason-reader-role", role = role.clone()),
        R::ReaderByKey => tr!(lang, "reason-reader-by-key"),
        R::RevocationReason => tr!(lang, "reason-revocation-reason"),
        R::Field { field, detail } => tr!(
            lang,
            "reason-field",
            field = field.to_string(),
            detail = detail.clone()
        ),
        // A parser's words: no catalogue has them.
        R::Other(s) => s.clone(),
    }
}

fn victim_fault(lang: Lang, f: &VictimFault) -> String {
    use VictimFault as V;
    match f {
        V::AgeRange { min, max } => tr!(
            lang,
            "victim-fault-age-range",
            min = min.to_string(),
            max = max.to_string()
        ),
        V::ChildAged { age } => tr!(lang, "victim-fault-child-aged", age = age.to_string()),
        V::MinorAged { group, age } => tr!(
            lang,
            "victim-fault-minor-aged",
            group = q(group),
            age = age.to_string()
        ),
        V::ActTwice { act } => tr!(lang, "victim-fault-act-twice", act = q(act)),
        V::KilledNotDead { status } => {
            tr!(lang, "victim-fault-killed-not-dead", status = q(status))
        }
        V::DeadNotKilled => tr!(lang, "victim-fault-dead-not-killed"),
    }
}

pub fn rule(lang: Lang, e: &RuleError) -> String {
    match e {
        RuleError::Authority(a) => authority(lang, a),
        RuleError::Payload(p) => payload(lang, p),
        RuleError::UnknownRef(d) => tr!(lang, "rule-unknown-ref", target = d.to_string()),
        RuleError::RefCount {
            kind,
            expected,
            got,
        } => tr!(
            lang,
            "rule-ref-count",
            kind = kind.to_string(),
            expected = expected.to_owned(),
            got = got.to_owned()
        ),
        RuleError::UnknownIncident(id) => tr!(lang, "rule-unknown-incident", id = q(id)),
        RuleError::DuplicateIncident(id) => tr!(lang, "rule-duplicate-incident", id = q(id)),
        RuleError::NotOwner { kind, target } => tr!(
            lang,
            "rule-not-owner",
            kind = kind.to_string(),
            target = target.to_string()
        ),
        RuleError::WrongTarget {
            kind,
            target,
            found,
            expected,
        } => tr!(
            lang,
            "rule-wrong-target",
            kind = kind.to_string(),
            target = target.to_string(),
            found = found.to_string(),
            expected = expected.to_owned()
        ),
        RuleError::Superseded { target, by } => tr!(
            lang,
            "rule-superseded",
            target = target.to_string(),
            by = by.to_string()
        ),
        RuleError::Retracted { target, by } => tr!(
            lang,
            "rule-retracted",
            target = target.to_string(),
            by = by.to_string()
        ),
        RuleError::IncidentIdChanged { old, new } => {
            tr!(lang, "rule-incident-id-changed", old = q(old), new = q(new))
        }
        RuleError::AlreadyMerged(id, into) => {
            tr!(lang, "rule-already-merged", id = q(id), into = q(into))
        }
        RuleError::NoSuchPart { target, label } => tr!(
            lang,
            "rule-no-such-part",
            target = target.to_string(),
            label = q(label)
        ),
        RuleError::AlreadyRedacted { target, label, seq } => tr!(
            lang,
            "rule-already-redacted",
            target = target.to_string(),
            label = q(label),
            seq = seq.to_owned()
        ),
        RuleError::RedactRegistry => tr!(lang, "rule-redact-registry"),
        RuleError::GenesisRefs => tr!(lang, "rule-genesis-refs"),
        RuleError::GradeTarget { target, found } => tr!(
            lang,
            "rule-grade-target",
            target = target.to_string(),
            found = found.to_string()
        ),
    }
}

pub fn payload(lang: Lang, e: &PayloadError) -> String {
    match e {
        PayloadError::MissingPart { kind, label } => tr!(
            lang,
            "payload-missing-part",
            kind = kind.to_string(),
            label = q(label)
        ),
        PayloadError::Json { kind, errors } => tr!(
            lang,
            "payload-json",
            kind = kind.to_string(),
            reason = json_errors_inline(lang, errors)
        ),
        PayloadError::Invalid { kind, reason: r } => tr!(
            lang,
            "payload-invalid",
            kind = kind.to_string(),
            reason = reason(lang, r)
        ),
    }
}

pub fn authority(lang: Lang, e: &AuthorityError) -> String {
    use AuthorityError as A;
    match e {
        A::UnknownKey { key } => tr!(lang, "authority-unknown-key", key = key.clone()),
        A::Revoked {
            key,
            name,
            seq,
            reason,
        } => tr!(
            lang,
            "authority-revoked",
            key = key.clone(),
            name = name.clone(),
            seq = seq.to_owned(),
            reason = reason.clone()
        ),
        A::RoleMayNot { name, role, kind } => tr!(
            lang,
            "authority-role-may-not",
            name = name.clone(),
            role = role.to_string(),
            kind = kind.to_string()
        ),
        A::LateGenesis => tr!(lang, "authority-late-genesis"),
        A::NoGenesis { kind } => tr!(lang, "authority-no-genesis", kind = kind.to_string()),
        A::AlreadyEnrolled { key, name, role } => tr!(
            lang,
            "authority-already-enrolled",
            key = key.clone(),
            name = name.clone(),
            role = role.to_string()
        ),
        A::ReEnrolRevoked { key, seq } => {
            tr!(
                lang,
                "authority-re-enrol-revoked",
                key = key.clone(),
                seq = seq.to_owned()
            )
        }
        A::RevokeUnknown { key } => tr!(lang, "authority-revoke-unknown", key = key.clone()),
        A::AlreadyRevoked { key, seq } => {
            tr!(
                lang,
                "authority-already-revoked",
                key = key.clone(),
                seq = seq.to_owned()
            )
        }
        A::LastCustodian => tr!(lang, "authority-last-custodian"),
        A::BadKey(d) => tr!(lang, "authority-bad-key", detail = d.clone()),
        A::ReaderEnrolled {
            recipient,
            name,
            revoked: false,
        } => tr!(
            lang,
            "authority-reader-enrolled",
            recipient = recipient.clone(),
            name = name.clone()
        ),
        A::ReaderEnrolled {
            recipient,
            name,
            revoked: true,
        } => tr!(
            lang,
            "authority-reader-enrolled-revoked",
            recipient = recipient.clone(),
            name = name.clone()
        ),
        A::RevokeUnknownReader { recipient } => tr!(
            lang,
            "authority-revoke-unknown-reader",
            recipient = recipient.clone()
        ),
        A::ReaderRevoked { recipient, seq } => tr!(
            lang,
            "authority-reader-revoked",
            recipient = recipient.clone(),
            seq = seq.to_owned()
        ),
        A::SucceedsItself { key } => tr!(lang, "authority-succeeds-itself", key = key.clone()),
        A::SucceedsUnknown { key } => tr!(lang, "authority-succeeds-unknown", key = key.clone()),
        A::AlreadySucceeded {
            key,
            name,
            by,
            by_name,
        } => tr!(
            lang,
            "authority-already-succeeded",
            key = key.clone(),
            name = name.clone(),
            by = by.clone(),
            by_name = by_name.clone()
        ),
        A::SuccessionCycle { key, succeeds } => tr!(
            lang,
            "authority-succession-cycle",
            key = key.clone(),
            succeeds = succeeds.clone()
        ),
    }
}

fn json_type(lang: Lang, t: &JsonType) -> String {
    match t {
        JsonType::String => tr!(lang, "json-type-string"),
        JsonType::Integer => tr!(lang, "json-type-integer"),
        JsonType::NonNegativeInteger => tr!(lang, "json-type-non-negative-integer"),
        JsonType::Number => tr!(lang, "json-type-number"),
        JsonType::Boolean => tr!(lang, "json-type-boolean"),
        JsonType::Array => tr!(lang, "json-type-array"),
        JsonType::Object => tr!(lang, "json-type-object"),
        JsonType::Null => tr!(lang, "json-type-null"),
        JsonType::Other(s) => s.clone(),
    }
}

/// One error of a JSON input: where, what was there, what is wrong.
pub fn json_error(lang: Lang, e: &JsonError) -> String {
    let path = if e.path.is_empty() {
        tr!(lang, "json-top")
    } else {
        e.path.clone()
    };
    let value = e.value.clone().unwrap_or_default();
    match &e.kind {
        JsonErrorKind::Syntax {
            line,
            column,
            reason,
        } => tr!(
            lang,
            "json-syntax",
            line = line.to_owned(),
            column = column.to_owned(),
            reason = reason.clone()
        ),
        JsonErrorKind::RepeatedMember { name, line, column } => tr!(
            lang,
            "json-repeated",
            name = q(name),
            line = line.to_owned(),
            column = column.to_owned()
        ),
        JsonErrorKind::UnknownField { allowed } if allowed.is_empty() => {
            tr!(lang, "json-unknown-field-none", path = path)
        }
        JsonErrorKind::UnknownField { allowed } => tr!(
            lang,
            "json-unknown-field",
            path = path,
            allowed = allowed.join(", ")
        ),
        JsonErrorKind::WrongType { found, expected } => tr!(
            lang,
            "json-wrong-type",
            path = path,
            value = value,
            found = json_type(lang, found),
            expected = json_type(lang, expected)
        ),
        JsonErrorKind::NotOneOf { allowed } => tr!(
            lang,
            "json-not-one-of",
            path = path,
            value = value,
            allowed = allowed.join(", ")
        ),
        JsonErrorKind::MissingField => tr!(lang, "json-missing", path = path),
        JsonErrorKind::InvalidValue { reason: r } if value.is_empty() => {
            tr!(lang, "json-invalid", path = path, reason = reason(lang, r))
        }
        JsonErrorKind::InvalidValue { reason: r } => tr!(
            lang,
            "json-invalid-value",
            path = path,
            value = value,
            reason = reason(lang, r)
        ),
    }
}

/// Every error on one line (a refusal line), as the library writes them.
fn json_errors_inline(lang: Lang, errors: &JsonErrors) -> String {
    let each: Vec<String> = errors.iter().map(|e| json_error(lang, e)).collect();
    if each.len() > 1 {
        format!(
            "{}{}",
            tr!(lang, "json-errors-count", n = each.len()),
            each.join("; ")
        )
    } else {
        each.join("; ")
    }
}

/// What `sign` says of its input: one error a line when there are several.
pub fn compose(lang: Lang, e: &ComposeError) -> String {
    match e {
        ComposeError::Input(errors) => {
            let each: Vec<String> = errors.iter().map(|e| json_error(lang, e)).collect();
            match each.as_slice() {
                [one] => one.clone(),
                many => {
                    let mut s = tr!(lang, "json-errors-count", n = many.len())
                        .trim_end()
                        .to_string();
                    for m in many {
                        s.push_str("\n  ");
                        s.push_str(m);
                    }
                    s
                }
            }
        }
        ComposeError::NotAnObject => tr!(lang, "compose-not-an-object"),
        ComposeError::NotComposable { kind, hint } => tr!(
            lang,
            "compose-not-composable",
            kind = kind.to_string(),
            hint = hint.to_owned()
        ),
        ComposeError::Payload(p) => payload(lang, p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each reason (a new variant fails to compile in `reason`,
    /// and should be added here).
    fn every_reason() -> Vec<Reason> {
        use crate::domain::Count;
        let s = |x: &str| x.to_string();
        let victim = |fault| Reason::Victim {
            incident: s("tangata-2025-11-13"),
            name: s("Fadimata Walet Ahmed"),
            fault,
        };
        vec![
            Reason::Expected(JsonType::String),
            Reason::ExpectedCount,
            Reason::StatementHash,
            Reason::Time,
            Reason::NoteNeedsText,
            Reason::TestimonyNeedsText,
            Reason::Country {
                value: s("Mali"),
                fix: Some(s("ML")),
            },
            Reason::Country {
                value: s("XX"),
                fix: None,
            },
            Reason::Language {
                value: s("français"),
                fix: Some(s("fr")),
            },
            Reason::Language {
                value: s("fr_ML"),
                fix: None,
            },
            Reason::NotADate {
                field: s("when.start"),
                value: s("13/11/2025"),
            },
            Reason::Empty { field: "title" },
            Reason::EmptyPerpetratorName,
            Reason::EmptyVictimName,
            Reason::EmptyModel,
            Reason::IncidentId { id: s("Tangata") },
            Reason::EndBeforeStart,
            Reason::CoordinatesOutOfRange,
            Reason::Range {
                field: s("dead"),
                min: 9,
                max: 7,
            },
            victim(VictimFault::AgeRange { min: 9, max: 7 }),
            victim(VictimFault::ChildAged {
                age: Count::Exact(40),
            }),
            victim(VictimFault::MinorAged {
                group: s("adult"),
                age: Count::Range { min: 5, max: 8 },
            }),
            victim(VictimFault::ActTwice { act: s("burned") }),
            victim(VictimFault::KilledNotDead {
                status: s("injured"),
            }),
            victim(VictimFault::DeadNotKilled),
            Reason::NoIncident,
            Reason::IncidentTwice { id: s("x") },
            Reason::ClaimsTwice { id: s("x") },
            Reason::ClaimsNotNamed { id: s("x") },
            Reason::AmendmentOneOf,
            Reason::GradeEmpty,
            Reason::MergeIntoItself,
            Reason::ToBeforeFrom,
            Reason::RedactPayload,
            Reason::RedactCompanion,
            Reason::CheckpointKeyName {
                name: s("a"),
                origin: s("b"),
            },
            Reason::ReaderRole {
                role: s("custodian"),
            },
            Reason::ReaderByKey,
            Reason::RevocationReason,
            Reason::Field {
                field: "key",
                detail: s("not 64 hex digits"),
            },
        ]
    }

    #[test]
    fn every_reason_is_said_in_french() {
        let reasons = every_reason();
        let english: Vec<String> = reasons
            .iter()
            .filter(|r| reason(Lang::Fr, r) == r.to_string())
            .map(|r| format!("{r:?}"))
            .collect();
        assert!(english.is_empty(), "no French words for {english:#?}");
        let fr = reason(Lang::Fr, &reasons[6]);
        assert_eq!(
            fr,
            "\"Mali\" n'est pas un code de pays ISO 3166-1 alpha-2 : écrivez \"ML\""
        );
    }

    /// In English the catalogue says exactly what the library says: the
    /// messages users and scripts already know do not change.
    #[test]
    fn english_refusals_are_the_librarys_words() {
        let lang = Lang::En;
        let d = crate::hash::Digest([7; 32]);
        let cases: Vec<Refusal> = vec![
            Refusal::MissingPart {
                label: "witness".into(),
            },
            Refusal::SealedInClear {
                label: "witness".into(),
            },
            Refusal::PartTooLarge {
                label: "video".into(),
                len: 10,
                limit: 5,
            },
            Refusal::Signature(SignatureFault::Invalid),
            Refusal::Rule(RuleError::UnknownIncident("tangata".into())),
            Refusal::Rule(RuleError::NotOwner {
                kind: crate::statement::Kind::Retraction,
                target: d,
            }),
            Refusal::Rule(RuleError::AlreadyRedacted {
                target: d,
                label: "text".into(),
                seq: 4,
            }),
            Refusal::Rule(RuleError::Authority(AuthorityError::ReaderEnrolled {
                recipient: "age1x".into(),
                name: "n".into(),
                revoked: true,
            })),
            Refusal::Rule(RuleError::Payload(PayloadError::Invalid {
                kind: crate::statement::Kind::Testimony,
                reason: Reason::NoIncident,
            })),
        ];
        for r in cases {
            assert_eq!(refusal(lang, &r), r.to_string());
        }
        for r in every_reason() {
            assert_eq!(reason(Lang::En, &r), r.to_string());
        }
        // Every kind of JSON error, one at a time and together.
        let input = br#"{"incidents":["x"],"source":{"relation":"friend","extra":1},"language":5,"claims":[{"incident":"x","dead":-1}],"language2":true}"#;
        let errors = crate::json::from_slice_all::<crate::domain::Testimony>(input).unwrap_err();
        assert!(errors.len() >= 3, "{errors}");
        let e = ComposeError::Input(errors.clone());
        assert_eq!(compose(lang, &e), e.to_string());
        let p = PayloadError::Json {
            kind: crate::statement::Kind::Testimony,
            errors,
        };
        assert_eq!(payload(lang, &p), p.to_string());
        for bad in [&b"{\"a\":1,\"a\":2}"[..], b"{\"incidents\": [", b"[]"] {
            if let Err(errors) = crate::json::from_slice_all::<crate::domain::Testimony>(bad) {
                let e = ComposeError::Input(errors);
                assert_eq!(compose(lang, &e), e.to_string());
            }
        }
    }
}
