//! Why a statement is refused, in the user's language. The library's
//! errors are typed; each variant has its message in the catalogue, and the
//! matches are exhaustive so that a new refusal cannot reach a user in
//! English only without a compile error here. Details that are the
//! library's own words about bytes (a malformed encoding, a part's
//! mismatch) stay as the library says them.

use temoin::archive::Refusal;
use temoin::compose::ComposeError;
use temoin::json::{JsonError, JsonErrorKind, JsonErrors, JsonType};
use temoin::registry::{AuthorityError, PayloadError};
use temoin::rules::RuleError;
use temoin::statement::SignatureFault;
use temoin::t;

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
        PayloadError::Invalid { kind, reason } => t!(
            "payload-invalid",
            kind = kind.to_string(),
            reason = reason.clone()
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

fn json_type(t: &JsonType) -> String {
    match t {
        JsonType::String => t!("json-type-string"),
        JsonType::Integer => t!("json-type-integer"),
        JsonType::NonNegativeInteger => t!("json-type-non-negative-integer"),
        JsonType::Number => t!("json-type-number"),
        JsonType::Boolean => t!("json-type-boolean"),
        JsonType::Array => t!("json-type-array"),
        JsonType::Object => t!("json-type-object"),
        JsonType::Null => t!("json-type-null"),
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
            found = json_type(found),
            expected = json_type(expected)
        ),
        JsonErrorKind::NotOneOf { allowed } => t!(
            "json-not-one-of",
            path = path,
            value = value,
            allowed = allowed.join(", ")
        ),
        JsonErrorKind::MissingField => t!("json-missing", path = path),
        JsonErrorKind::InvalidValue { reason } if value.is_empty() => {
            t!("json-invalid", path = path, reason = reason.clone())
        }
        JsonErrorKind::InvalidValue { reason } => t!(
            "json-invalid-value",
            path = path,
            value = value,
            reason = reason.clone()
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
                reason: "r".into(),
            })),
        ];
        for r in cases {
            assert_eq!(refusal(&r), r.to_string());
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
