//! Round trips: statement files, bodies, entries and key files come back
//! byte for byte; the canonical encoding is the only one accepted.

use crate::common;
use temoin::keys::SaveKey as _;

use common::*;
use temoin::encoding::{self, DecodeError};
use temoin::entry::{entry_hash, Entry};
use temoin::keys::{public_path_for, KeyError, NamedPublicKey, PublicKey, SecretKey};
use temoin::statement::{BodyError, Draft, Kind, StatementBody, StatementFile};

fn sample() -> StatementFile {
    let k = key("author");
    let mut d = Draft::new(Kind::Note).part("text", "Témoignage: 7 morts à Tin-Aïcha.");
    d.created_at = Some(1_763_200_000_000);
    d.sign(&k).unwrap()
}

#[test]
fn statement_file_round_trips() {
    let file = sample();
    let bytes = file.to_bytes();
    let back = StatementFile::from_bytes(&bytes).unwrap();
    assert_eq!(back, file);
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!(back.statement.hash(), file.statement.hash());
    // The body decodes to what was signed, and re-encodes to the same bytes.
    let body = StatementBody::decode(&file.statement.body_bytes).unwrap();
    assert_eq!(encoding::encode(&body), file.statement.body_bytes);
    assert_eq!(body.author, key("author").public().to_bytes());
    assert_eq!(body.created_at, 1_763_200_000_000);
    assert_eq!(body.kind, Kind::Note);
    assert_eq!(body.parts[0].length, file.parts[0].content.len() as u64);
    assert_eq!(body.parts[0].digest, file.parts[0].digest().0);
    file.statement.verify_signature(&body).unwrap();
    // The statement hash is SHA-256 of the signed statement's bytes.
    assert_eq!(
        file.statement.hash(),
        temoin::hash::sha256(&[&file.statement.to_bytes()])
    );
}

#[test]
fn statement_file_with_trailing_bytes_is_refused() {
    let mut bytes = sample().to_bytes();
    bytes.push(0);
    assert_eq!(
        StatementFile::from_bytes(&bytes),
        Err(DecodeError::TrailingBytes {
            what: "statement file",
            extra: 1
        })
    );
}

#[test]
fn varint_encoding_of_a_body_is_not_accepted() {
    let file = sample();
    let body = StatementBody::decode(&file.statement.body_bytes).unwrap();
    let varint = bincode::encode_to_vec(&body, bincode::config::standard()).unwrap();
    assert_ne!(varint, file.statement.body_bytes);
    assert!(matches!(
        StatementBody::decode(&varint),
        Err(BodyError::Decode(_))
    ));
    // Canonical bytes plus anything: refused too.
    let mut longer = file.statement.body_bytes.clone();
    longer.extend_from_slice(b"\0\0\0");
    assert_eq!(
        StatementBody::decode(&longer),
        Err(BodyError::Decode(DecodeError::TrailingBytes {
            what: "statement body",
            extra: 3
        }))
    );
    // Cut short: refused.
    let shorter = &file.statement.body_bytes[..file.statement.body_bytes.len() - 1];
    assert!(matches!(
        StatementBody::decode(shorter),
        Err(BodyError::Decode(DecodeError::Malformed { .. }))
    ));
}

#[test]
fn entries_round_trip_from_the_store() {
    let f = Fixture::standard(3);
    let a = f.open();
    let mut prev = [0u8; 32];
    for seq in 0..a.size() {
        let stored = a.store().entry_bytes(seq).unwrap().unwrap();
        let e = Entry::from_bytes(&stored).unwrap();
        assert_eq!(e.seq, seq);
        assert_eq!(e.prev, prev, "entry {seq}: prev link");
        assert_eq!(e.to_bytes(), stored.to_vec());
        assert_eq!(e.statement.hash(), f.hashes[seq as usize]);
        // entry_hash = SHA-256(0x00 || entry_bytes)
        assert_eq!(e.hash(), temoin::hash::sha256(&[&[0u8], &stored]));
        assert_eq!(e.hash(), entry_hash(&stored));
        prev = e.hash().0;
    }
    assert_eq!(a.head().last_hash, prev);
    let mut bytes = a.store().entry_bytes(1).unwrap().unwrap().to_vec();
    bytes.push(7);
    assert!(matches!(
        Entry::from_bytes(&bytes),
        Err(DecodeError::TrailingBytes { what: "entry", .. })
    ));
}

#[test]
fn key_files_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("aminata.key");
    let k = SecretKey::generate("aminata-walet").unwrap();
    let public_path = k.save(&path, "a test key").unwrap();
    assert_eq!(public_path, public_path_for(&path));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let loaded = SecretKey::load(&path).unwrap();
    assert_eq!(loaded.public(), k.public());
    assert_eq!(loaded.name(), "aminata-walet");
    // Signatures by the loaded key verify under the original public key.
    let file = Draft::new(Kind::Note)
        .part("text", "x")
        .sign(&loaded)
        .unwrap();
    let body = StatementBody::decode(&file.statement.body_bytes).unwrap();
    file.statement.verify_signature(&body).unwrap();
    assert_eq!(body.author, k.public().to_bytes());

    let text = std::fs::read_to_string(&public_path).unwrap();
    let named = NamedPublicKey::parse_file(&text).unwrap();
    assert_eq!(
        (named.name.as_str(), named.key),
        ("aminata-walet", k.public())
    );
    let by_path = NamedPublicKey::load_or_parse(public_path.to_str().unwrap()).unwrap();
    assert_eq!(by_path.key, k.public());
    // The vkey and the hex form parse back to the same key.
    let vkey = k.vkey().unwrap();
    assert!(text.contains(&vkey));
    assert_eq!(PublicKey::parse(&vkey).unwrap(), k.public());
    assert_eq!(PublicKey::parse(&k.public().to_hex()).unwrap(), k.public());
    assert_eq!(
        NamedPublicKey::load_or_parse(&vkey).unwrap().key,
        k.public()
    );
    // In-memory text forms.
    let again = SecretKey::parse_file(&k.to_file_text("comment").unwrap()).unwrap();
    assert_eq!(again.public(), k.public());

    // Never overwritten; secret and public files not confused.
    assert!(matches!(k.save(&path, ""), Err(KeyError::Exists { .. })));
    let err = SecretKey::load(&public_path).unwrap_err();
    assert!(
        err.to_string().contains("did you pass the .pub file?"),
        "{err}"
    );
    let err = NamedPublicKey::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap_err();
    assert!(err.to_string().contains("this is a SECRET key"), "{err}");
}

#[test]
fn demo_keys_load_and_are_marked_demo_only() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keys");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("key") {
            continue;
        }
        let secret = SecretKey::load(&path).unwrap();
        let public_path = public_path_for(&path);
        let public =
            NamedPublicKey::parse_file(&std::fs::read_to_string(&public_path).unwrap()).unwrap();
        assert_eq!(public.key, secret.public(), "{path:?}");
        for p in [&path, &public_path] {
            let text = std::fs::read_to_string(p).unwrap();
            assert!(text.contains("DEMO ONLY"), "{p:?} is not marked DEMO ONLY");
        }
        n += 1;
    }
    assert!(n >= 4, "only {n} demo keys in keys/");
}

#[test]
fn part_contents_stay_out_of_debug_output() {
    let file = Draft::new(Kind::Note)
        .part("witness", "Fatoumata Walet Aghaly")
        .part("text", "x")
        .sign(&key("a"))
        .unwrap();
    let shown = format!("{file:?}");
    assert!(!shown.contains("Fatoumata"), "{shown}");
}
