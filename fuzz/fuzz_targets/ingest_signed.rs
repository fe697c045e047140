//! Statements of any kind, parts and refs, validly signed by an enrolled
//! custodian, intermediary or reviewer, offered to a live archive: the rules
//! and payload checks answer with a refusal or an entry, never a panic, and
//! a refusal leaves the head where it was. Where `ingest` mostly exercises
//! decoding and signatures, this one reaches the rule engine.
#![no_main]
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::sync::{Mutex, OnceLock};
use temoin::hash::Digest;
use temoin::keys::SecretKey;
use temoin::registry::{EnrollPayload, Role, PAYLOAD};
use temoin::statement::{Draft, Kind};
use temoin::{Archive, Config};

#[derive(Arbitrary, Debug)]
struct Input {
    signer: u8,
    kind: u8,
    parts: Vec<(String, String)>,
    /// Indexes into the statements appended so far.
    refs: Vec<u8>,
}

struct Held {
    _dir: tempfile::TempDir,
    archive: Archive,
    signers: Vec<SecretKey>,
    appended: Vec<Digest>,
}

fn held() -> &'static Mutex<Held> {
    static HELD: OnceLock<Mutex<Held>> = OnceLock::new();
    HELD.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let key = |name: &str, b: u8| SecretKey::from_seed(name, &[b; 32]).unwrap();
        let signers = vec![key("custodian", 1), key("ngo", 2), key("reviewer", 3)];
        let mut archive = Archive::init(
            &dir.path().join("A"),
            Config::new("temoin.example/fuzz"),
            &signers[0],
            "custodian",
        )
        .unwrap();
        let mut appended = Vec::new();
        for (who, role) in [(1, Role::Intermediary), (2, Role::Reviewer)] {
            let payload = EnrollPayload {
                key: signers[who].public().to_hex(),
                name: format!("signer {who}"),
                role,
                succeeds: None,
            };
            let file = Draft::new(Kind::Enroll)
                .part(PAYLOAD, serde_json::to_vec(&payload).unwrap())
                .sign(&signers[0])
                .unwrap();
            let out = archive.ingest_batch(&[file]).unwrap();
            appended.push(out[0].as_ref().unwrap().statement_hash);
        }
        Mutex::new(Held {
            _dir: dir,
            archive,
            signers,
            appended,
        })
    })
}

fuzz_target!(|input: Input| {
    let mut held = held().lock().unwrap();
    let kind = Kind::ALL[input.kind as usize % Kind::ALL.len()];
    let mut draft = Draft::new(kind);
    for (label, content) in input.parts.iter().take(8) {
        draft = draft.part(label, content.as_bytes());
    }
    for r in input.refs.iter().take(4) {
        if let Some(h) = held.appended.get(*r as usize % held.appended.len().max(1)) {
            draft = draft.reference(*h);
        }
    }
    let signer = &held.signers[input.signer as usize % held.signers.len()];
    let Ok(file) = draft.sign(signer) else {
        return; // a shape the signer refuses to sign (FORMAT.md §3.3)
    };
    let before = held.archive.head().size;
    let outcome = held.archive.ingest_batch(&[file]);
    match outcome {
        Ok(outcomes) => match outcomes.into_iter().next() {
            Some(Ok(accepted)) => {
                assert_eq!(held.archive.head().size, before + 1);
                held.appended.push(accepted.statement_hash);
            }
            _ => assert_eq!(held.archive.head().size, before, "a refusal changed the head"),
        },
        Err(e) => panic!("ingest failed instead of refusing: {e}"),
    }
});
