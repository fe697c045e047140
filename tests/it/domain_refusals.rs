//! Every domain refusal: the statement is refused with the rule it breaks,
//! and the archive is unchanged afterwards — same size, same last hash,
//! same checksum over every key and value of the store.

use crate::projection_support as support;

use serde_json::{json, Value};
use support::*;
use temoin::archive::Refusal;
use temoin::hash::Digest;
use temoin::registry::{AuthorityError, PayloadError, Role, PAYLOAD};
use temoin::rules::RuleError;
use temoin::statement::{Draft, Kind, StatementFile};

const A: &str = "tangata-2025-11-13";
const B: &str = "aratane-2025-11-06";

struct World {
    f: Fx,
    /// The NGO's testimony about A.
    t: Digest,
    /// The incident record of A (opened by the journalist).
    rec: Digest,
}

fn world() -> World {
    let mut f = Fx::new();
    let rec = f.open(A, "Tangata", "2025-11-13");
    f.open(B, "Aratane", "2025-11-06");
    let t = f.ok(
        Who::Ngo,
        Kind::Testimony,
        testimony_json(&[A], "eyewitness", "e", json!([{"incident": A, "dead": 7}])),
    );
    World { f, t, rec }
}

fn amendment_of(t: Digest, dead: u32) -> Value {
    json!({
        "amends": t.to_hex(),
        "reason": "correction",
        "text": "récit corrigé",
        "testimony": {
            "incidents": [A],
            "source": {"relation": "eyewitness", "description": "e"},
            "language": "fr",
            "claims": [{"incident": A, "dead": dead}]
        }
    })
}

/// Ingest `file`, expect a refusal matching `check`, and an unchanged archive.
fn refused_file(w: &mut World, file: &StatementFile, check: impl Fn(&Refusal) -> bool) {
    let before = w.f.state();
    let out = w.f.archive.ingest(file).expect("archive error");
    match out {
        Ok(a) => panic!("accepted at entry {}, expected a refusal", a.seq),
        Err(r) => {
            assert!(check(&r), "unexpected refusal: {r}");
            // Every refusal says what is wrong in words.
            assert!(r.to_string().len() > 20, "terse refusal: {r}");
        }
    }
    assert_eq!(w.f.state(), before, "the archive changed after a refusal");
    // Reopened from disk, the head is the same too.
    assert_eq!(w.f.archive.store().head().unwrap().size, before.0);
}

fn refused(w: &mut World, who: Who, kind: Kind, input: Value, check: impl Fn(&Refusal) -> bool) {
    let file = sign(w.f.key(who), kind, &input);
    refused_file(w, &file, check);
}

fn rule(r: &Refusal) -> Option<&RuleError> {
    match r {
        Refusal::Rule(e) => Some(e),
        _ => None,
    }
}

fn role_may_not(r: &Refusal, role: Role, kind: Kind) -> bool {
    matches!(rule(r), Some(RuleError::Authority(AuthorityError::RoleMayNot { role: ro, kind: k, .. })) if *ro == role && *k == kind)
}

fn invalid_payload(r: &Refusal, needle: &str) -> bool {
    matches!(rule(r), Some(RuleError::Payload(PayloadError::Invalid { reason, .. })) if reason.to_string().contains(needle))
}

#[test]
fn amending_someone_elses_testimony() {
    let mut w = world();
    let t = w.t;
    refused(
        &mut w,
        Who::Journalist,
        Kind::Amendment,
        amendment_of(t, 9),
        |r| matches!(rule(r), Some(RuleError::NotOwner { kind: Kind::Amendment, target }) if *target == t),
    );
    // Its author and a custodian may.
    w.f.ok(Who::Ngo, Kind::Amendment, amendment_of(t, 8));
}

#[test]
fn a_custodian_may_amend_and_retract_any_testimony() {
    let mut w = world();
    let t2 =
        w.f.ok(Who::Custodian, Kind::Amendment, amendment_of(w.t, 6));
    w.f.ok(
        Who::Custodian,
        Kind::Retraction,
        json!({"retracts": t2.to_hex(), "reason": "ordre du dépositaire"}),
    );
}

#[test]
fn retracting_someone_elses_testimony() {
    let mut w = world();
    let t = w.t;
    refused(
        &mut w,
        Who::Journalist,
        Kind::Retraction,
        json!({"retracts": t.to_hex(), "reason": "r"}),
        |r| {
            matches!(
                rule(r),
                Some(RuleError::NotOwner {
                    kind: Kind::Retraction,
                    ..
                })
            )
        },
    );
}

#[test]
fn amending_someone_elses_incident_record() {
    let mut w = world();
    let rec = w.rec;
    let mut i = incident_json(A, "Tangata", "2025-11-14");
    i["title"] = json!("autre titre");
    refused(
        &mut w,
        Who::Ngo,
        Kind::Amendment,
        json!({"amends": rec.to_hex(), "reason": "r", "incident": i}),
        |r| matches!(rule(r), Some(RuleError::NotOwner { .. })),
    );
}

#[test]
fn retraction_of_an_unknown_statement() {
    let mut w = world();
    let unknown = Digest([7u8; 32]);
    refused(
        &mut w,
        Who::Ngo,
        Kind::Retraction,
        json!({"retracts": unknown.to_hex(), "reason": "r"}),
        |r| matches!(rule(r), Some(RuleError::UnknownRef(d)) if *d == unknown),
    );
}

#[test]
fn annotation_by_an_intermediary() {
    let mut w = world();
    let t = w.t;
    refused(
        &mut w,
        Who::Journalist,
        Kind::Annotation,
        json!({"on": t.to_hex(), "stance": "contradicts", "text": "non"}),
        |r| role_may_not(r, Role::Intermediary, Kind::Annotation),
    );
}

#[test]
fn merge_by_an_intermediary() {
    let mut w = world();
    refused(
        &mut w,
        Who::Ngo,
        Kind::Merge,
        json!({"from": B, "into": A, "reason": "r"}),
        |r| role_may_not(r, Role::Intermediary, Kind::Merge),
    );
}

#[test]
fn reviewers_open_no_incident_record_no_testimony_and_publish_no_claim() {
    let mut w = world();
    refused(
        &mut w,
        Who::Reviewer,
        Kind::Incident,
        incident_json("zouera-2025-07-08", "Zouéra", "2025-07-08"),
        |r| role_may_not(r, Role::Reviewer, Kind::Incident),
    );
    refused(
        &mut w,
        Who::Reviewer,
        Kind::Testimony,
        testimony_json(&[A], "hearsay", "h", json!([])),
        |r| role_may_not(r, Role::Reviewer, Kind::Testimony),
    );
    refused(
        &mut w,
        Who::Reviewer,
        Kind::SummaryClaim,
        json!({"source": {"relation": "press"}, "text": "t", "from": "2025-10-01", "to": "2025-11-01", "figures": {"dead": 1}}),
        |r| role_may_not(r, Role::Reviewer, Kind::SummaryClaim),
    );
}

#[test]
fn redaction_by_an_intermediary() {
    let mut w = world();
    let t = w.t;
    refused(
        &mut w,
        Who::Ngo,
        Kind::Redaction,
        json!({"statement": t.to_hex(), "label": "witness", "reason": "r"}),
        |r| role_may_not(r, Role::Intermediary, Kind::Redaction),
    );
}

#[test]
fn testimony_about_an_unknown_incident() {
    let mut w = world();
    refused(
        &mut w,
        Who::Ngo,
        Kind::Testimony,
        testimony_json(&["inconnu-2025-01-01"], "hearsay", "h", json!([])),
        |r| matches!(rule(r), Some(RuleError::UnknownIncident(id)) if id == "inconnu-2025-01-01"),
    );
}

#[test]
fn opening_an_incident_id_twice() {
    let mut w = world();
    refused(
        &mut w,
        Who::Ngo,
        Kind::Incident,
        incident_json(A, "Tangata bis", "2025-11-13"),
        |r| matches!(rule(r), Some(RuleError::DuplicateIncident(id)) if id == A),
    );
}

#[test]
fn amending_a_superseded_version_or_a_retracted_testimony() {
    let mut w = world();
    let t1 = w.t;
    let t2 = w.f.ok(Who::Ngo, Kind::Amendment, amendment_of(t1, 8));
    refused(
        &mut w,
        Who::Ngo,
        Kind::Amendment,
        amendment_of(t1, 9),
        |r| matches!(rule(r), Some(RuleError::Superseded { target, by }) if *target == t1 && *by == t2),
    );
    refused(
        &mut w,
        Who::Ngo,
        Kind::Retraction,
        json!({"retracts": t1.to_hex(), "reason": "r"}),
        |r| matches!(rule(r), Some(RuleError::Superseded { .. })),
    );
    w.f.ok(
        Who::Ngo,
        Kind::Retraction,
        json!({"retracts": t2.to_hex(), "reason": "r"}),
    );
    refused(
        &mut w,
        Who::Ngo,
        Kind::Amendment,
        amendment_of(t2, 9),
        |r| matches!(rule(r), Some(RuleError::Retracted { target, .. }) if *target == t2),
    );
    refused(
        &mut w,
        Who::Ngo,
        Kind::Retraction,
        json!({"retracts": t2.to_hex(), "reason": "encore"}),
        |r| matches!(rule(r), Some(RuleError::Retracted { .. })),
    );
}

#[test]
fn retraction_and_amendment_of_the_wrong_kind_of_statement() {
    let mut w = world();
    let rec = w.rec;
    let t = w.t;
    refused(
        &mut w,
        Who::Journalist,
        Kind::Retraction,
        json!({"retracts": rec.to_hex(), "reason": "r"}),
        |r| {
            matches!(
                rule(r),
                Some(RuleError::WrongTarget {
                    expected: "a testimony",
                    ..
                })
            )
        },
    );
    // A testimony amendment aimed at an incident record.
    refused(
        &mut w,
        Who::Journalist,
        Kind::Amendment,
        amendment_of(rec, 1),
        |r| matches!(rule(r), Some(RuleError::WrongTarget { .. })),
    );
    // An incident amendment aimed at a testimony.
    refused(
        &mut w,
        Who::Ngo,
        Kind::Amendment,
        json!({"amends": t.to_hex(), "reason": "r", "incident": incident_json(A, "Tangata", "2025-11-13")}),
        |r| {
            matches!(
                rule(r),
                Some(RuleError::WrongTarget {
                    expected: "an incident record",
                    ..
                })
            )
        },
    );
    // A retraction of an annotation.
    let note = w.f.ok(
        Who::Reviewer,
        Kind::Annotation,
        json!({"on": t.to_hex(), "stance": "note", "text": "vu"}),
    );
    refused(
        &mut w,
        Who::Custodian,
        Kind::Retraction,
        json!({"retracts": note.to_hex(), "reason": "r"}),
        |r| matches!(rule(r), Some(RuleError::WrongTarget { .. })),
    );
}

#[test]
fn an_incident_amendment_may_not_change_the_id() {
    let mut w = world();
    let rec = w.rec;
    refused(
        &mut w,
        Who::Journalist,
        Kind::Amendment,
        json!({"amends": rec.to_hex(), "reason": "r", "incident": incident_json("tangata-bis", "Tangata", "2025-11-13")}),
        |r| matches!(rule(r), Some(RuleError::IncidentIdChanged { old, new }) if old == A && new == "tangata-bis"),
    );
}

#[test]
fn merging_an_incident_already_merged() {
    let mut w = world();
    w.f.open("zouera-2025-07-08", "Zouéra", "2025-07-08");
    w.f.ok(
        Who::Reviewer,
        Kind::Merge,
        json!({"from": B, "into": A, "reason": "même frappe"}),
    );
    refused(
        &mut w,
        Who::Reviewer,
        Kind::Merge,
        json!({"from": B, "into": "zouera-2025-07-08", "reason": "r"}),
        |r| matches!(rule(r), Some(RuleError::AlreadyMerged(from, into)) if from == B && into == A),
    );
    refused(
        &mut w,
        Who::Reviewer,
        Kind::Merge,
        json!({"from": "zouera-2025-07-08", "into": B, "reason": "r"}),
        |r| matches!(rule(r), Some(RuleError::AlreadyMerged(..))),
    );
}

#[test]
fn redaction_refusals() {
    let mut w = world();
    let t = w.t;
    // The payload cannot be erased (compose refuses it before signing too).
    let payload_order = Draft::new(Kind::Redaction)
        .reference(t)
        .part(
            PAYLOAD,
            serde_json::to_vec(&json!({"label": "payload", "reason": "r"})).unwrap(),
        )
        .sign(&w.f.custodian)
        .unwrap();
    refused_file(&mut w, &payload_order, |r| {
        invalid_payload(r, "payload part cannot be redacted")
    });
    refused(
        &mut w,
        Who::Custodian,
        Kind::Redaction,
        json!({"statement": t.to_hex(), "label": "photo", "reason": "r"}),
        |r| matches!(rule(r), Some(RuleError::NoSuchPart { label, .. }) if label == "photo"),
    );
    w.f.ok(
        Who::Custodian,
        Kind::Redaction,
        json!({"statement": t.to_hex(), "label": "witness", "reason": "protection"}),
    );
    refused(
        &mut w,
        Who::Custodian,
        Kind::Redaction,
        json!({"statement": t.to_hex(), "label": "witness", "reason": "encore"}),
        |r| matches!(rule(r), Some(RuleError::AlreadyRedacted { .. })),
    );
    // Registry statements are never redacted.
    let enrolment =
        w.f.archive
            .store()
            .entry(1)
            .unwrap()
            .unwrap()
            .statement
            .hash();
    refused(
        &mut w,
        Who::Custodian,
        Kind::Redaction,
        json!({"statement": enrolment.to_hex(), "label": "payload2", "reason": "r"}),
        |r| matches!(rule(r), Some(RuleError::RedactRegistry)),
    );
}

#[test]
fn a_testimony_needs_its_text() {
    let mut w = world();
    let mut t = testimony_json(&[A], "eyewitness", "e", json!([]));
    t.as_object_mut().unwrap().remove("text");
    // Said at signing...
    let composed = temoin::compose::draft_from_json(Kind::Testimony, t.to_string().as_bytes());
    assert!(
        matches!(
            composed,
            Err(temoin::compose::ComposeError::Input(ref e))
                if e.iter().any(|e| e.path == "text" && e.to_string().contains("needs its \"text\""))
        ),
        "{composed:?}"
    );
    // ...and by the archive, to a file signed without temoin's help (the
    // witness goes in its own part, as compose would put it).
    t.as_object_mut().unwrap().remove("witness");
    let untold = Draft::new(Kind::Testimony)
        .part(PAYLOAD, t.to_string())
        .sign(&w.f.ngo)
        .unwrap();
    refused_file(&mut w, &untold, |r| {
        matches!(
            rule(r),
            Some(RuleError::Payload(PayloadError::MissingPart {
                label: "text",
                ..
            }))
        )
    });
}

#[test]
fn an_annotation_names_exactly_one_statement() {
    let mut w = world();
    let payload = serde_json::to_vec(&json!({"stance": "note", "text": "t"})).unwrap();
    let two = Draft::new(Kind::Annotation)
        .reference(w.t)
        .reference(w.rec)
        .part(PAYLOAD, payload.clone())
        .sign(&w.f.reviewer)
        .unwrap();
    refused_file(&mut w, &two, |r| {
        matches!(
            rule(r),
            Some(RuleError::RefCount {
                expected: 1,
                got: 2,
                ..
            })
        )
    });
    let none = Draft::new(Kind::Annotation)
        .part(PAYLOAD, payload)
        .sign(&w.f.reviewer)
        .unwrap();
    refused_file(&mut w, &none, |r| {
        matches!(rule(r), Some(RuleError::RefCount { got: 0, .. }))
    });
}

#[test]
fn unknown_and_revoked_keys() {
    let mut w = world();
    let stranger = temoin::keys::SecretKey::generate("stranger").unwrap();
    let file = sign(
        &stranger,
        Kind::Testimony,
        &testimony_json(&[A], "hearsay", "h", json!([])),
    );
    refused_file(&mut w, &file, |r| {
        matches!(
            rule(r),
            Some(RuleError::Authority(AuthorityError::UnknownKey { .. }))
        )
    });
    let revoke = Draft::new(Kind::Revoke)
        .part(
            PAYLOAD,
            serde_json::to_vec(&json!({"key": w.f.ngo.public().to_hex(), "reason": "ordinateur perdu", "effective_at": 0})).unwrap(),
        )
        .sign(&w.f.custodian)
        .unwrap();
    w.f.archive.ingest(&revoke).unwrap().unwrap();
    let t = w.t;
    // The revoked author can no longer amend its own testimony...
    refused(&mut w, Who::Ngo, Kind::Amendment, amendment_of(t, 1), |r| {
        matches!(
            rule(r),
            Some(RuleError::Authority(AuthorityError::Revoked { .. }))
        )
    });
    // ...but a custodian still can.
    w.f.ok(Who::Custodian, Kind::Amendment, amendment_of(t, 1));
}

/// Payloads that `temoin sign` refuses are refused at ingest too, when
/// signed by other means.
#[test]
fn invalid_testimony_payloads() {
    let mut w = world();
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"incidents": [A, A], "source": {"relation": "press"}, "language": "fr", "claims": []}),
            "named twice",
        ),
        (
            json!({"incidents": [A], "source": {"relation": "press"}, "language": "fr",
                   "claims": [{"incident": A, "dead": 1}, {"incident": A, "dead": 2}]}),
            "two claims blocks",
        ),
        (
            json!({"incidents": [A], "source": {"relation": "press"}, "language": "fr",
                   "claims": [{"incident": B, "dead": 1}]}),
            "not in the testimony's incidents",
        ),
        (
            json!({"incidents": [A], "source": {"relation": "press"}, "language": "fr",
                   "claims": [{"incident": A, "dead": {"min": 9, "max": 2}}]}),
            "above max",
        ),
    ];
    for (payload, needle) in cases {
        // `temoin sign` refuses it...
        let mut input = payload.clone();
        input["text"] = json!("t");
        let err =
            temoin::compose::draft_from_json(Kind::Testimony, &serde_json::to_vec(&input).unwrap())
                .expect_err("compose should refuse");
        assert!(err.to_string().contains(needle), "{err}");
        // ...and so does the archive.
        let file = Draft::new(Kind::Testimony)
            .part(PAYLOAD, serde_json::to_vec(&payload).unwrap())
            .part("text", "t")
            .sign(&w.f.ngo)
            .unwrap();
        refused_file(&mut w, &file, |r| invalid_payload(r, needle));
    }
    // An unknown field is refused (strict JSON): a typo is not a silent gap.
    let typo = Draft::new(Kind::Testimony)
        .part(
            PAYLOAD,
            serde_json::to_vec(
                &json!({"incidents": [A], "source": {"relation": "press"}, "language": "fr",
                                        "claims": [{"incident": A, "daed": 3}]}),
            )
            .unwrap(),
        )
        .part("text", "t")
        .sign(&w.f.ngo)
        .unwrap();
    refused_file(
        &mut w,
        &typo,
        |r| matches!(rule(r), Some(RuleError::Payload(PayloadError::Json { errors, .. })) if errors.iter().any(|e| e.path == "claims[0].daed")),
    );
}
