//! Checkpoint bodies and signed checkpoint notes from anyone: parsing and
//! opening never panic, only the one canonical body parses (what parses is
//! what `body()` writes), and signing then opening gives back exactly what
//! `parse_body` says of the text (the same checkpoint, or the same error).
//! Seed the corpus with the `checkpoint` notes of
//! tests/vectors/bundles/*.bundle.json, and with their bodies.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use temoin::checkpoint::{Checkpoint, CheckpointError};
use temoin::keys::SecretKey;
use temoin::signed_note::{is_valid_key_name, open_note, sign_note, SignerKey, VerifierKey};

/// The vector archive's key (tests/vectors/bundles/index.json).
const ARCHIVE_KEY: &str =
    "temoin.example/vectors+0f9f8610+AfJuwLX0aZNu1GPUM9WyOcZUHJJfHl3gi+sv6ZDenoZL";
/// Its secret half: the demo archive key's public seed (keys/README.md),
/// under the vectors' name.
const DEMO_ARCHIVE_KEY: &str = include_str!("../../keys/demo-archive.key");

struct Keys {
    demo: SecretKey,
    signer: SignerKey,
    vkey: VerifierKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let demo = SecretKey::parse_file(DEMO_ARCHIVE_KEY).unwrap();
        let vkey = VerifierKey::parse(ARCHIVE_KEY).unwrap();
        let signer = SignerKey::new(vkey.name(), demo.signing_key().clone()).unwrap();
        assert_eq!(signer.verifier_key(), vkey);
        Keys { demo, signer, vkey }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let k = keys();

    // The text as a checkpoint body.
    let parsed = Checkpoint::parse_body(text);
    if let Ok(cp) = &parsed {
        assert_eq!(
            cp.validate(),
            Ok(()),
            "a parsed checkpoint does not validate"
        );
        assert_eq!(cp.body(), text, "a non-canonical checkpoint body parsed");
        // Any checkpoint that parses can be signed by its log's key, and
        // opens to itself.
        if is_valid_key_name(&cp.origin) {
            let own = SignerKey::new(&cp.origin, k.demo.signing_key().clone()).unwrap();
            let note = cp.sign(&own).expect("a parsed checkpoint cannot be signed");
            assert_eq!(
                Checkpoint::open(&note, &own.verifier_key()).as_ref(),
                Ok(cp),
                "sign then open changed the checkpoint"
            );
        }
    }

    // The text signed by the archive key: opening gives the verdict of
    // parse_body, then of the origin check, and nothing else.
    if let Ok(note) = sign_note(text, &[&k.signer]) {
        match (Checkpoint::open(&note, &k.vkey), &parsed) {
            (Ok(opened), Ok(cp)) => {
                assert_eq!(&opened, cp);
                assert_eq!(opened.origin, k.vkey.name());
            }
            (Err(CheckpointError::OriginMismatch { .. }), Ok(cp)) => {
                assert_ne!(
                    cp.origin,
                    k.vkey.name(),
                    "origin mismatch on the key's own origin"
                );
            }
            (Err(e), Err(want)) => assert_eq!(&e, want, "open and parse_body disagree"),
            (got, want) => panic!("open of a signed body gave {got:?}, parse_body {want:?}"),
        }
    }

    // The text as a signed checkpoint note.
    if let Ok(cp) = Checkpoint::open(text, &k.vkey) {
        assert_eq!(cp.origin, k.vkey.name());
        assert_eq!(cp.validate(), Ok(()));
        let opened = open_note(text, std::slice::from_ref(&k.vkey))
            .expect("Checkpoint::open accepted a note open_note refuses");
        assert_eq!(
            opened.text,
            cp.body(),
            "an opened checkpoint is not its signed text"
        );
        assert!(opened.verified_signers.iter().any(|n| n == k.vkey.name()));
        assert!(text.starts_with(&cp.body()));
    }
});
