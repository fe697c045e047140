//! Why a statement is refused, in the user's language. The library's
//! errors are typed; each variant has its message in the catalogue, and the
//! matches are exhaustive so that a new refusal cannot reach a user in
//! English only without a compile error here. Details that are the
//! library's own words about bytes (a malformed encoding, a part's
//! mismatch) stay as the library says them.

use temoin::archive::Refusal;
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
        PayloadError::Json { kind, reason } => t!(
            "payload-json",
            kind = kind.to_string(),
            reason = reason.clone()
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
    }
}
