//! Why a statement is refused, in the user's language. The library's
//! errors are typed; each variant has its message in the catalogue, and the
//! matches are exhaustive so that a new refusal cannot reach a user in
//! English only without a compile error here. Details that are the
//! library's own words about bytes (a malformed encoding, a part's
//! mismatch) stay as the library says them.

use temoin::archive::Refusal;
use temoin::compose::ComposeError;
use temoin::i18n::{current, Lang};
use temoin::json::{JsonError, JsonErrorKind, JsonErrors, JsonType};
use temoin::reason::{Reason, VictimFault};
use temoin::registry::{AuthorityError, PayloadError};
use temoin::rules::RuleError;
use temoin::statement::SignatureFault;
use temoin::{t, tr};

/// A refusal, as said to the user.
pub fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::Malformed(e) => t!("refusal-malformed", detail = e.to_string()),
        Refusal::File(e) => t!("refusal-file", detail = e.to_string()),
        Refusal::Signature(SignatureFault::BadKey) => t!("refusal-signature-bad-key"),
        Refusal::Signature(SignatureFault::WeakKey) => t!("refusal-signature-weak-key"),
        Refusal::Signature(SignatureFault::Invalid) => t!("refusal-signature-invalid"),
        Refusal::MissingPart { label } => t!("refusal-missing-part", label = q(label)),
        Refusal::UnexpectedPart { label } => t!("refusal-unexpected-part", label = q(label)),
        Refusal::PartMismatch { label, what } => {
            t!(
                "refusal-part-mismatch",
                label = q(label),
                what = what.to_owned()
            )
        }
        Refusal::PartContent { reason } => reason.clone(),
        Refusal::SealedInClear { label } => t!("refusal-sealed-in-clear", label = q(label)),
        Refusal::PartTooLarge { label, len, limit } => t!(
            "refusal-part-too-large",
            label = q(label),
            len = len.to_owned(),
            limit = limit.to_owned()
        ),
        Refusal::FromTheFuture {
            claimed,
            now,
            max_hours,
        } => t!(
            "refusal-from-the-future",
            claimed = claimed.clone(),
            now = now.clone(),
            hours = max_hours.to_owned()
        ),
        Refusal::Rule(e) => rule(e),
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

pub fn rule(e: &RuleError) -> String {
    match e {
        RuleError::Authority(a) => authority(a),
        RuleError::Payload(p) => payload(p),
        RuleError::UnknownRef(d) => t!("rule-unknown-ref", target = d.to_string()),
        RuleError::RefCount {
            kind,
            expected,
            got,
        } => t!(
            "rule-ref-count",
            kind = kind.to_string(),
            expected = expected.to_owned(),
            got = got.to_owned()
        ),
        RuleError::UnknownIncident(id) => t!("rule-unknown-incident", id = q(id)),
        RuleError::DuplicateIncident(id) => t!("rule-duplicate-incident", id = q(id)),
        RuleError::NotOwner { kind, target } => t!(
            "rule-not-owner",
            kind = kind.to_string(),
            target = target.to_string()
        ),
        RuleError::WrongTarget {
            kind,
            target,
            found,
            expected,
        } => t!(
            "rule-wrong-target",
            kind = kind.to_string(),
            target = target.to_string(),
            found = found.to_string(),
            expected = expected.to_owned()
        ),
        RuleError::Superseded { target, by } => t!(
            "rule-superseded",
            target = target.to_string(),
            by = by.to_string()
        ),
        RuleError::Retracted { target, by } => t!(
            "rule-retracted",
            target = target.to_string(),
            by = by.to_string()
        ),
        RuleError::IncidentIdChanged { old, new } => {
            t!("rule-incident-id-changed", old = q(old), new = q(new))
        }
        RuleError::AlreadyMerged(id, into) => {
            t!("rule-already-merged", id = q(id), into = q(into))
        }
        RuleError::NoSuchPart { target, label } => t!(
            "rule-no-such-part",
            target = target.to_string(),
            label = q(label)
        ),
        RuleError::AlreadyRedacted { target, label, seq } => t!(
            "rule-already-redacted",
            target = target.to_string(),
            label = q(label),
            seq = seq.to_owned()
        ),
        RuleError::RedactRegistry => t!("rule-redact-registry"),
        RuleError::GenesisRefs => t!("rule-genesis-refs"),
        RuleError::GradeTarget { target, found } => t!(
            "rule-grade-target",
            target = target.to_string(),
            found = found.to_string()
        ),
    }
}

pub fn payload(e: &PayloadError) -> String {
    match e {
        PayloadError::MissingPart { kind, label } => t!(
            "payload-missing-part",
            kind = kind.to_string(),
            label = q(label)
        ),
        PayloadError::Json { kind, errors } => t!(
            "payload-json",
            kind = kind.to_string(),
            reason = json_errors_inline(errors)
        ),
        PayloadError::Invalid { kind, reason: r } => t!(
            "payload-invalid",
            kind = kind.to_string(),
            reason = reason(current(), r)
        ),
    }
}

pub fn authority(e: &AuthorityError) -> String {
    use AuthorityError as A;
    match e {
        A::UnknownKey { key } => t!("authority-unknown-key", key = key.clone()),
        A::Revoked {
            key,
            name,
            seq,
            reason,
        } => t!(
            "authority-revoked",
            key = key.clone(),
            name = name.clone(),
            seq = seq.to_owned(),
            reason = reason.clone()
        ),
        A::RoleMayNot { name, role, kind } => t!(
            "authority-role-may-not",
            name = name.clone(),
            role = role.to_string(),
            kind = kind.to_string()
        ),
        A::LateGenesis => t!("authority-late-genesis"),
        A::NoGenesis { kind } => t!("authority-no-genesis", kind = kind.to_string()),
        A::AlreadyEnrolled { key, name, role } => t!(
            "authority-already-enrolled",
            key = key.clone(),
            name = name.clone(),
            role = role.to_string()
        ),
        A::ReEnrolRevoked { key, seq } => {
            t!(
                "authority-re-enrol-revoked",
                key = key.clone(),
                seq = seq.to_owned()
            )
        }
        A::RevokeUnknown { key } => t!("authority-revoke-unknown", key = key.clone()),
        A::AlreadyRevoked { key, seq } => {
            t!(
                "authority-already-revoked",
                key = key.clone(),
                seq = seq.to_owned()
            )
        }
        A::LastCustodian => t!("authority-last-custodian"),
        A::BadKey(d) => t!("authority-bad-key", detail = d.clone()),
        A::ReaderEnrolled {
            recipient,
            name,
            revoked: false,
        } => t!(
            "authority-reader-enrolled",
            recipient = recipient.clone(),
            name = name.clone()
        ),
        A::ReaderEnrolled {
            recipient,
            name,
            revoked: true,
        } => t!(
            "authority-reader-enrolled-revoked",
            recipient = recipient.clone(),
            name = name.clone()
        ),
        A::RevokeUnknownReader { recipient } => t!(
            "authority-revoke-unknown-reader",
            recipient = recipient.clone()
        ),
        A::ReaderRevoked { recipient, seq } => t!(
            "authority-reader-revoked",
            recipient = recipient.clone(),
            seq = seq.to_owned()
        ),
        A::SucceedsItself { key } => t!("authority-succeeds-itself", key = key.clone()),
        A::SucceedsUnknown { key } => t!("authority-succeeds-unknown", key = key.clone()),
        A::AlreadySucceeded {
            key,
            name,
            by,
            by_name,
        } => t!(
            "authority-already-succeeded",
            key = key.clone(),
            name = name.clone(),
            by = by.clone(),
            by_name = by_name.clone()
        ),
        A::SuccessionCycle { key, succeeds } => t!(
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
pub fn json_error(e: &JsonError) -> String {
    let path = if e.path.is_empty() {
        t!("json-top")
    } else {
        e.path.clone()
    };
    let value = e.value.clone().unwrap_or_default();
    match &e.kind {
        JsonErrorKind::Syntax {
            line,
            column,
            reason,
        } => t!(
            "json-syntax",
            line = line.to_owned(),
            column = column.to_owned(),
            reason = reason.clone()
        ),
        JsonErrorKind::RepeatedMember { name, line, column } => t!(
            "json-repeated",
            name = q(name),
            line = line.to_owned(),
            column = column.to_owned()
        ),
        JsonErrorKind::UnknownField { allowed } if allowed.is_empty() => {
            t!("json-unknown-field-none", path = path)
        }
        JsonErrorKind::UnknownField { allowed } => t!(
            "json-unknown-field",
            path = path,
            allowed = allowed.join(", ")
        ),
        JsonErrorKind::WrongType { found, expected } => t!(
            "json-wrong-type",
            path = path,
            value = value,
            found = json_type(current(), found),
            expected = json_type(current(), expected)
        ),
        JsonErrorKind::NotOneOf { allowed } => t!(
            "json-not-one-of",
            path = path,
            value = value,
            allowed = allowed.join(", ")
        ),
        JsonErrorKind::MissingField => t!("json-missing", path = path),
        JsonErrorKind::InvalidValue { reason: r } if value.is_empty() => {
            t!("json-invalid", path = path, reason = reason(current(), r))
        }
        JsonErrorKind::InvalidValue { reason: r } => t!(
            "json-invalid-value",
            path = path,
            value = value,
            reason = reason(current(), r)
        ),
    }
}

/// Every error on one line (a refusal line), as the library writes them.
fn json_errors_inline(errors: &JsonErrors) -> String {
    let each: Vec<String> = errors.iter().map(json_error).collect();
    if each.len() > 1 {
        format!(
            "{}{}",
            t!("json-errors-count", n = each.len()),
            each.join("; ")
        )
    } else {
        each.join("; ")
    }
}

/// What `sign` says of its input: one error a line when there are several.
pub fn compose(e: &ComposeError) -> String {
    match e {
        ComposeError::Input(errors) => {
            let each: Vec<String> = errors.iter().map(json_error).collect();
            match each.as_slice() {
                [one] => one.clone(),
                many => {
                    let mut s = t!("json-errors-count", n = many.len())
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
        ComposeError::NotAnObject => t!("compose-not-an-object"),
        ComposeError::NotComposable { kind, hint } => t!(
            "compose-not-composable",
            kind = kind.to_string(),
            hint = hint.to_owned()
        ),
        ComposeError::Payload(p) => payload(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each reason (a new variant fails to compile in `reason`,
    /// and should be added here).
    fn every_reason() -> Vec<Reason> {
        use temoin::domain::Count;
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
        temoin::i18n::set_current(temoin::i18n::Lang::En);
        let d = temoin::hash::Digest([7; 32]);
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
                kind: temoin::statement::Kind::Retraction,
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
                kind: temoin::statement::Kind::Testimony,
                reason: Reason::NoIncident,
            })),
        ];
        for r in cases {
            assert_eq!(refusal(&r), r.to_string());
        }
        for r in every_reason() {
            assert_eq!(reason(Lang::En, &r), r.to_string());
        }
        // Every kind of JSON error, one at a time and together.
        let input = br#"{"incidents":["x"],"source":{"relation":"friend","extra":1},"language":5,"claims":[{"incident":"x","dead":-1}],"language2":true}"#;
        let errors = temoin::json::from_slice_all::<temoin::domain::Testimony>(input).unwrap_err();
        assert!(errors.len() >= 3, "{errors}");
        let e = ComposeError::Input(errors.clone());
        assert_eq!(compose(&e), e.to_string());
        let p = PayloadError::Json {
            kind: temoin::statement::Kind::Testimony,
            errors,
        };
        assert_eq!(payload(&p), p.to_string());
        for bad in [&b"{\"a\":1,\"a\":2}"[..], b"{\"incidents\": [", b"[]"] {
            if let Err(errors) = temoin::json::from_slice_all::<temoin::domain::Testimony>(bad) {
                let e = ComposeError::Input(errors);
                assert_eq!(compose(&e), e.to_string());
            }
        }
    }
}
