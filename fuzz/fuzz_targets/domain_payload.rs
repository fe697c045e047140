//! Statement payloads from anyone: the first byte picks the kind (and the
//! statement a ref points to), the rest is the `payload` part. The domain
//! (`domain::Payload::parse`) and registry (`RegistryChange::from_payload`)
//! decoders never panic, an accepted payload's JSON reads back to the same
//! payload, what they promise of an accepted one holds (dates in order, one
//! spelling of a key, a genesis key named after the origin), the author's
//! JSON (`compose::draft_from_json`) only yields payloads the archive
//! accepts, and the rule engine refuses a payload that does not parse with
//! that very error. The collecting JSON reader (`json::from_slice_all`)
//! accepts exactly what the strict one does, and never panics or loops. Seed the corpus with a kind byte followed by the
//! payloads of tests/vectors/bundles/*.bundle.json (`parts[].text` of the
//! `payload` parts).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use temoin::compose::draft_from_json;
use temoin::domain::{Payload, TEXT, WITNESS};
use temoin::hash::Digest;
use temoin::keys::{PublicKey, SecretKey};
use temoin::signed_note::VerifierKey;
use temoin::registry::{
    EnrollPayload, EnrollReaderPayload, PayloadError, Registry, RegistryChange, RevokePayload,
    RevokeReaderPayload, Role, PAYLOAD,
};
use temoin::rules::{self, IncidentInfo, MemIndex, RuleError, StatementInfo};
use temoin::statement::{Kind, PartCommitment, StatementBody};
use temoin::time::parse_date;

/// The vector archive's key (tests/vectors/bundles/index.json).
const ARCHIVE_KEY: &str =
    "temoin.example/vectors+0f9f8610+AfJuwLX0aZNu1GPUM9WyOcZUHJJfHl3gi+sv6ZDenoZL";

/// A small archive's state: a custodian and an intermediary enrolled,
/// incidents `inc-1` and `inc-2` opened, a testimony about `inc-1`.
struct Fixed {
    custodian: PublicKey,
    intermediary: PublicKey,
    registry: Registry,
    index: MemIndex,
    /// The incident record of `inc-1` and the testimony.
    targets: [Digest; 2],
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let custodian = SecretKey::from_seed("custodian", &[1; 32]).unwrap().public();
        let intermediary = SecretKey::from_seed("ngo", &[2; 32]).unwrap().public();
        let mut registry = Registry::default();
        let genesis = format!(
            r#"{{"origin":"temoin.example/vectors","custodian_name":"c","checkpoint_key":"{ARCHIVE_KEY}"}}"#
        );
        for (seq, kind, payload) in [
            (0, Kind::Genesis, genesis),
            (
                1,
                Kind::Enroll,
                serde_json::to_string(&EnrollPayload {
                    key: intermediary.to_hex(),
                    name: "ngo".into(),
                    role: Role::Intermediary,
                    succeeds: None,
                })
                .unwrap(),
            ),
        ] {
            let change = RegistryChange::from_payload(kind, custodian, payload.as_bytes())
                .unwrap()
                .unwrap();
            registry.check_change(&change).unwrap();
            registry.apply(seq, change);
        }
        let record = Digest([0x11; 32]);
        let testimony = Digest([0x22; 32]);
        let info = |seq, kind, labels: &[&str], incidents: &[&str]| StatementInfo {
            seq,
            kind,
            subject: kind,
            owner: intermediary.to_bytes(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            incidents: incidents.iter().map(|i| i.to_string()).collect(),
            superseded_by: None,
            retracted_by: None,
            redacted: Vec::new(),
        };
        let mut index = MemIndex::default();
        index.statements.insert(record, info(2, Kind::Incident, &[PAYLOAD], &["inc-1"]));
        index.statements.insert(
            testimony,
            info(4, Kind::Testimony, &[PAYLOAD, TEXT, WITNESS], &["inc-1"]),
        );
        for (id, seq, rec) in [("inc-1", 2, record), ("inc-2", 3, Digest([0x33; 32]))] {
            index.incidents.insert(
                id.into(),
                IncidentInfo {
                    opened_at: seq,
                    record: rec.0,
                    merged_into: None,
                },
            );
        }
        Fixed {
            custodian,
            intermediary,
            registry,
            index,
            targets: [record, testimony],
        }
    })
}

fn has_domain_payload(kind: Kind) -> bool {
    !kind.is_registry() && kind != Kind::Note
}

/// The payload's JSON, as its types write it.
fn to_json(p: &Payload) -> Vec<u8> {
    match p {
        Payload::Incident(x) => serde_json::to_vec(x),
        Payload::Testimony(x) => serde_json::to_vec(x),
        Payload::Amendment(x) => serde_json::to_vec(x),
        Payload::Retraction(x) => serde_json::to_vec(x),
        Payload::Annotation(x) => serde_json::to_vec(x),
        Payload::Merge(x) => serde_json::to_vec(x),
        Payload::SummaryClaim(x) => serde_json::to_vec(x),
        Payload::Redaction(x) => serde_json::to_vec(x),
    }
    .unwrap()
}

fn incident(p: &mut Payload) -> Option<&mut temoin::domain::Incident> {
    match p {
        Payload::Incident(i) => Some(i),
        Payload::Amendment(a) => a.incident.as_mut(),
        _ => None,
    }
}

/// Equal, but for the last bit of coordinates: serde_json's default float
/// reader (the one the archive uses) may be off by one unit in the last
/// place on what its writer wrote.
fn same_payload(a: &Payload, b: &Payload) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    if let (Some(x), Some(y)) = (incident(&mut a), incident(&mut b)) {
        if let (Some(cx), Some(cy)) = (&mut x.place.coordinates, &mut y.place.coordinates) {
            let close = |u: f64, v: f64| u == v || u.to_bits().abs_diff(v.to_bits()) <= 1;
            if !close(cx.lat, cy.lat) || !close(cx.lon, cy.lon) {
                return false;
            }
            *cy = *cx;
        }
    }
    a == b
}

fn date(s: &str) -> (i64, u32, u32) {
    parse_date(s).expect("an accepted payload holds a date parse_date refuses")
}

/// A body of `kind` by `author` with a payload, a text and a witness part,
/// and a ref where the kind takes one.
fn body(kind: Kind, author: PublicKey, payload: &[u8], target: Digest) -> StatementBody {
    let part = |label: &str, length: usize| PartCommitment {
        label: label.into(),
        digest: [0; 32],
        length: length as u64,
    };
    let takes_ref = matches!(
        kind,
        Kind::Amendment | Kind::Retraction | Kind::Annotation | Kind::Redaction
    );
    StatementBody {
        version: 1,
        id: [0; 16],
        author: author.to_bytes(),
        created_at: 0,
        kind,
        refs: if takes_ref {
            vec![target.0]
        } else {
            Vec::new()
        },
        parts: vec![
            part(PAYLOAD, payload.len()),
            part(TEXT, 4),
            part(WITNESS, 4),
        ],
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, payload)) = data.split_first() else {
        return;
    };
    let kind = Kind::ALL[selector as usize % Kind::ALL.len()];
    let f = fixed();

    // The collecting reader (every error of a file at once) accepts exactly
    // what the strict one accepts, and a refusal is a list of 1 to
    // MAX_ERRORS typed errors, each with a path unless the text is not JSON.
    let strict = temoin::json::from_slice::<temoin::domain::Testimony>(payload);
    let all = temoin::json::from_slice_all::<temoin::domain::Testimony>(payload);
    assert_eq!(strict.is_ok(), all.is_ok(), "the two readers disagree");
    if let Err(e) = &all {
        assert!((1..=temoin::json::MAX_ERRORS).contains(&e.len()), "{e}");
    }

    // The domain decoder.
    let parsed = Payload::parse(kind, payload);
    match &parsed {
        Ok(None) => assert!(!has_domain_payload(kind)),
        Err(_) => assert!(has_domain_payload(kind)),
        Ok(Some(p)) => {
            assert!(has_domain_payload(kind));
            let json = to_json(p);
            match Payload::parse(kind, &json) {
                Ok(Some(back)) => assert!(same_payload(p, &back), "{p:?} read back as {back:?}"),
                other => panic!("the JSON of an accepted {kind} payload reads as {other:?}"),
            }
            let mut p = p.clone();
            if let Some(i) = incident(&mut p) {
                if let Some(end) = &i.when.end {
                    assert!(
                        date(end) >= date(&i.when.start),
                        "when.end before when.start: {i:?}"
                    );
                }
            }
            if let Payload::SummaryClaim(s) = &p {
                assert!(
                    date(&s.to) >= date(&s.from),
                    "\"to\" before \"from\": {s:?}"
                );
            }
        }
    }

    // The registry decoder.
    let registry = RegistryChange::from_payload(kind, f.custodian, payload);
    match &registry {
        Ok(None) => assert!(!kind.is_registry()),
        Err(_) => assert!(kind.is_registry()),
        Ok(Some(change)) => {
            assert!(kind.is_registry());
            let value: serde_json::Value = serde_json::from_slice(payload).unwrap();
            let json = match change {
                RegistryChange::Genesis { author, payload: g } => {
                    assert_eq!(*author, f.custodian);
                    let vk = VerifierKey::parse(&g.checkpoint_key).unwrap();
                    assert_eq!(
                        vk.name(),
                        g.origin,
                        "a genesis key not named after the origin"
                    );
                    serde_json::to_vec(g)
                }
                RegistryChange::Enroll {
                    key,
                    name,
                    role,
                    succeeds,
                } => {
                    assert!(!key.is_weak());
                    assert_eq!(
                        value["key"].as_str(),
                        Some(key.to_hex().as_str()),
                        "another spelling of a key"
                    );
                    serde_json::to_vec(&EnrollPayload {
                        key: key.to_hex(),
                        name: name.clone(),
                        role: *role,
                        succeeds: succeeds.map(|k| k.to_hex()),
                    })
                }
                RegistryChange::Revoke {
                    key,
                    reason,
                    effective_at,
                } => {
                    assert!(!key.is_weak());
                    assert_eq!(
                        value["key"].as_str(),
                        Some(key.to_hex().as_str()),
                        "another spelling of a key"
                    );
                    serde_json::to_vec(&RevokePayload {
                        key: key.to_hex(),
                        reason: reason.clone(),
                        effective_at: *effective_at,
                    })
                }
                // A reader's recipient has one spelling (canonical age1…).
                RegistryChange::EnrollReader { recipient, name } => {
                    assert_eq!(value["recipient"].as_str(), Some(recipient.as_str()));
                    assert!(recipient.parse::<temoin::seal::Recipient>().is_ok());
                    serde_json::to_vec(&EnrollReaderPayload {
                        recipient: recipient.clone(),
                        name: name.clone(),
                        role: Role::Reader,
                    })
                }
                RegistryChange::RevokeReader { recipient, reason } => {
                    assert_eq!(value["recipient"].as_str(), Some(recipient.as_str()));
                    serde_json::to_vec(&RevokeReaderPayload {
                        recipient: recipient.clone(),
                        reason: reason.clone(),
                    })
                }
            }
            .unwrap();
            assert_eq!(
                RegistryChange::from_payload(kind, f.custodian, &json).as_ref(),
                Ok(&Some(change.clone())),
                "the JSON of an accepted {kind} payload does not read back"
            );
            // Applied to the fixed registry, the change does what it says.
            if f.registry.check_change(change).is_ok() {
                let mut r = f.registry.clone();
                r.apply(9, change.clone());
                match change {
                    RegistryChange::Genesis { .. } => panic!("a second genesis was let in"),
                    RegistryChange::Enroll {
                        key,
                        role,
                        succeeds,
                        ..
                    } => {
                        for k in Kind::ALL {
                            let may = k != Kind::Genesis && role.may_sign(k);
                            assert_eq!(r.authorize(key, k).is_ok(), may, "{role} signing {k}");
                        }
                        // A successor acts for the key it succeeds, and
                        // that key now has exactly this successor.
                        if let Some(old) = succeeds {
                            assert!(r.may_act_for(key, old.as_bytes()));
                            assert_eq!(r.get(old).and_then(|o| o.succeeded_by), Some(*key));
                        }
                    }
                    RegistryChange::Revoke { key, .. } => {
                        assert!(
                            r.authorize(key, Kind::Note).is_err(),
                            "a revoked key still signs"
                        );
                    }
                    RegistryChange::EnrollReader { recipient, .. } => {
                        let rec = r.reader(recipient).expect("an enrolled reader is listed");
                        assert!(rec.revoked.is_none());
                    }
                    RegistryChange::RevokeReader { recipient, .. } => {
                        let rec = r.reader(recipient).expect("a revoked reader stays listed");
                        assert!(rec.revoked.is_some(), "a revoked reader is not marked");
                    }
                }
            }
        }
    }

    // The rule engine on a statement carrying this payload, by the
    // custodian or (by the selector) the intermediary: a payload that does
    // not parse is refused with that error.
    let author = if selector & 0x80 == 0 {
        f.custodian
    } else {
        f.intermediary
    };
    let target = f.targets[usize::from(selector / 12 % 2)];
    let b = body(kind, author, payload, target);
    let hash = Digest([0xee; 32]);
    let verdict = match rules::check(&f.registry, &f.index, 10, hash, &b, Some(payload)) {
        Ok(v) => v,
        Err(never) => match never {},
    };
    let authorized = f.registry.authorize(&author, kind).is_ok();
    match &verdict {
        Ok(fx) => {
            assert!(authorized);
            assert_eq!(fx.statements.first().map(|s| s.0), Some(hash));
            if kind.is_registry() {
                assert_eq!(
                    fx.registry.as_ref(),
                    registry.as_ref().ok().and_then(Option::as_ref)
                );
            } else {
                assert!(
                    matches!(parsed, Ok(Some(_))) || kind == Kind::Note,
                    "a {kind} payload that does not parse was accepted"
                );
            }
        }
        Err(RuleError::Payload(e)) => {
            assert!(authorized);
            if kind.is_registry() {
                assert_eq!(Err(e), registry.as_ref());
            } else {
                assert_eq!(Err(e), parsed.as_ref());
            }
        }
        Err(_) => {}
    }
    if authorized {
        match (&parsed, &registry) {
            (Err(e), _) if has_domain_payload(kind) => {
                assert_eq!(verdict.as_ref().err(), Some(&RuleError::Payload(e.clone())));
            }
            (_, Err(e)) if kind.is_registry() => {
                assert_eq!(verdict.as_ref().err(), Some(&RuleError::Payload(e.clone())));
            }
            _ => {}
        }
    }

    // The author's JSON file for this kind: what it composes, the archive
    // would decode.
    if let Ok(draft) = draft_from_json(kind, payload) {
        assert_eq!(draft.kind, kind);
        let part = |label: &str| draft.parts.iter().find(|p| p.label == label);
        if kind == Kind::Note {
            assert!(part(TEXT).is_some() && draft.parts.len() == 1);
        } else {
            let p = &part(PAYLOAD)
                .expect("a composed statement without payload")
                .content;
            if kind.is_registry() {
                let nobody = PublicKey::from_bytes(&[0; 32]).unwrap();
                assert!(matches!(
                    RegistryChange::from_payload(kind, nobody, p),
                    Ok(Some(_))
                ));
            } else {
                let parsed: Result<_, PayloadError> = Payload::parse(kind, p);
                assert!(
                    matches!(parsed, Ok(Some(_))),
                    "a composed {kind} payload: {parsed:?}"
                );
            }
        }
    }
});
