//! Negative vectors for statement files (`tests/vectors/statements/`):
//! the worked example's `.tms` (`tests/vectors/v1-note.tms`), and copies of
//! it each damaged in one way. `index.json` says, for each file, what it
//! is, the verdict a verifier must reach from the file alone, and the rule
//! of docs/FORMAT.md that decides it; `verify_vectors.py` reaches the same
//! verdicts from the spec. The files are generated here; rewrite them with
//! `TEMOIN_WRITE_VECTORS=1 cargo test --test it statement_vectors::` after
//! a deliberate change.

use serde_json::{json, Value};
use std::path::PathBuf;
use temoin::archive::{Archive, Config, Refusal};
use temoin::keys::SecretKey;
use temoin::seal::ReaderIdentity;
use temoin::statement::{Draft, Kind, Part, SignedStatement, StatementBody, StatementFile};

/// The order of the group of Ed25519, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

struct Vector {
    file: &'static str,
    about: &'static str,
    /// `valid` (the file's own checks pass; whether the log accepts it
    /// depends on the log), or the kind of refusal.
    verdict: &'static str,
    rule: &'static str,
    bytes: Vec<u8>,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/statements")
}

/// The sealed vectors' base: a note whose `witness` part is sealed to the
/// vector reader. age encrypts with fresh randomness, so it is made once
/// (when missing, or with `TEMOIN_RESEAL_VECTORS`) and read back after; the
/// damaged copies are derived from it deterministically. The bundle
/// vectors hold it too (tests/it/bundle_vectors.rs): making it again means
/// writing them again.
fn sealed_base() -> (Vec<u8>, ReaderIdentity) {
    let base = dir().join("sealed-valid.tms");
    let reader = dir().join("sealed-reader.key");
    if std::env::var_os("TEMOIN_RESEAL_VECTORS").is_some() || !base.exists() {
        let id = ReaderIdentity::generate();
        let text = id.to_file_text("DEMO ONLY: the statement vectors' reader; its key is public");
        std::fs::create_dir_all(dir()).unwrap();
        std::fs::write(&reader, text.as_bytes()).unwrap();
        let file = Draft::new(Kind::Note)
            .part("text", "Une note dont le témoin est scellé.")
            .part("witness", r#"{"nom": "Témoin de démonstration"}"#)
            .seal("witness", &[id.recipient()])
            .unwrap();
        let mut file = file;
        file.created_at = Some(1_763_078_400_000);
        file.id = Some([0x5e; 16]);
        std::fs::write(&base, file.sign(&vector_author()).unwrap().to_bytes()).unwrap();
    }
    let id = ReaderIdentity::parse_file(&std::fs::read_to_string(&reader).unwrap()).unwrap();
    (std::fs::read(&base).unwrap(), id)
}

fn vector_author() -> SecretKey {
    SecretKey::from_seed("vector-author", &[0x42; 32]).unwrap()
}

/// The base's parts, re-signed by the vector author after `change`.
fn resigned(
    base: &StatementFile,
    change: impl FnOnce(&mut StatementBody, &mut Vec<Part>),
) -> Vec<u8> {
    let mut body = StatementBody::decode(&base.statement.body_bytes).unwrap();
    let mut parts = base.parts.clone();
    change(&mut body, &mut parts);
    let body_bytes = temoin::encoding::encode(&body);
    let signature = vector_author().sign(&SignedStatement::signed_message(&body_bytes));
    StatementFile {
        magic: base.magic,
        statement: SignedStatement {
            body_bytes,
            signature,
        },
        parts,
    }
    .to_bytes()
}

/// Replace the part `label` by `content` (salt fixed), in the file and
/// the body.
fn replace_part(body: &mut StatementBody, parts: &mut [Part], label: &str, content: &[u8]) {
    let p = parts.iter_mut().find(|p| p.label == label).unwrap();
    p.salt = [0x07; 32];
    p.content = content.to_vec();
    let c = p.commitment();
    *body.parts.iter_mut().find(|q| q.label == label).unwrap() = c;
}

fn sealed_vectors() -> Vec<Vector> {
    let (good, reader) = sealed_base();
    let base = StatementFile::from_bytes(&good).expect("the sealed vector decodes");
    let body = StatementBody::decode(&base.statement.body_bytes).unwrap();
    let sealed = base
        .parts
        .iter()
        .find(|p| p.label == "witness.age")
        .unwrap();
    let plain = temoin::seal::unseal(&sealed.content, &reader, body.part("witness").unwrap())
        .expect("the vector reader opens the sealed vector");
    let mut in_clear = base.clone();
    in_clear.parts.push(plain);
    vec![
        Vector {
            file: "sealed-valid.tms",
            about: "a note whose witness part is sealed to one reader (sealed-reader.key, DEMO ONLY): the body commits witness, witness.age and witness.to; the file carries the last two",
            verdict: "valid",
            rule: "FORMAT.md §3.8: a sealed part travels as its companions only",
            bytes: good.clone(),
        },
        Vector {
            file: "sealed-in-clear.tms",
            about: "the sealed vector with its witness part also carried in clear (the plaintext the vector reader opens)",
            verdict: "part",
            rule: "FORMAT.md §3.8: a statement file never carries a sealed part",
            bytes: in_clear.to_bytes(),
        },
        Vector {
            file: "sealed-lone-companion.tms",
            about: "witness.to removed from the body and the file, re-signed: witness.age without witness.to",
            verdict: "format",
            rule: "FORMAT.md §3.3: a sealed part commits L, L.age and L.to",
            bytes: resigned(&base, |b, p| {
                b.parts.retain(|c| c.label != "witness.to");
                p.retain(|q| q.label != "witness.to");
            }),
        },
        Vector {
            file: "sealed-readers-uppercase.tms",
            about: "witness.to holds its recipient in upper case, re-committed and re-signed",
            verdict: "part",
            rule: "FORMAT.md §3.8: L.to lists canonical (lowercase) recipients",
            bytes: resigned(&base, |b, p| {
                let upper = String::from_utf8(
                    p.iter().find(|q| q.label == "witness.to").unwrap().content.clone(),
                )
                .unwrap()
                .to_uppercase();
                replace_part(b, p, "witness.to", upper.as_bytes());
            }),
        },
        Vector {
            file: "sealed-ciphertext-not-age.tms",
            about: "witness.age replaced by bytes that are not an age file, re-committed and re-signed",
            verdict: "part",
            rule: "FORMAT.md §3.8: L.age begins with an age v1 header",
            bytes: resigned(&base, |b, p| {
                replace_part(b, p, "witness.age", b"age-encryption.org/v2\nnot an age file");
            }),
        },
    ]
}

/// The bytes of the attachment vectors' photo: a JPEG's first and last
/// markers around bytes no text is made of (small: a vector, not a photo).
pub fn vector_photo() -> Vec<u8> {
    let mut v = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];
    v.extend_from_slice(b"JFIF\0");
    v.extend((0..1000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    v.extend_from_slice(&[0xff, 0xd9]);
    v
}

/// A note with a photo and its media type (FORMAT.md §3.9), every value
/// fixed, so the file is the same each time it is built.
fn attachment_base() -> StatementFile {
    let mut d = Draft::new(Kind::Note)
        .part("text", "Le marché de Tangata, photographié le 14 novembre.")
        .part("photo", vector_photo())
        .part("photo.type", "image/jpeg");
    d.created_at = Some(1_763_078_400_000);
    d.id = Some([0xa7; 16]);
    for p in &mut d.parts {
        p.salt = temoin::hash::sha256(&[b"attachment vector salt ", p.label.as_bytes()]).0;
    }
    d.sign(&vector_author()).unwrap()
}

fn attachment_vectors() -> Vec<Vector> {
    let base = attachment_base();
    // A payload one byte over the limit, committed but not carried: the
    // body alone is refused, before any part is read.
    let big = Part {
        label: "payload".into(),
        salt: [0x0b; 32],
        content: vec![b' '; 1_048_577],
    };
    vec![
        Vector {
            file: "attachment-valid.tms",
            about: "a note with a photo (1 013 bytes) and its media type photo.type = image/jpeg",
            verdict: "valid",
            rule: "FORMAT.md §3.9: an attachment is a part; L.type names its media type",
            bytes: base.to_bytes(),
        },
        Vector {
            file: "attachment-type-without-base.tms",
            about: "photo removed from the body and the file, re-signed: photo.type without photo",
            verdict: "format",
            rule: "FORMAT.md §3.3: for every label L.type, L is committed",
            bytes: resigned(&base, |b, p| {
                b.parts.retain(|c| c.label != "photo");
                p.retain(|q| q.label != "photo");
            }),
        },
        Vector {
            file: "attachment-type-not-a-media-type.tms",
            about: "photo.type holds \"Image/JPEG\", re-committed and re-signed",
            verdict: "part",
            rule: "FORMAT.md §3.9: L.type is a lowercase type/subtype",
            bytes: resigned(&base, |b, p| replace_part(b, p, "photo.type", b"Image/JPEG")),
        },
        Vector {
            file: "attachment-payload-type.tms",
            about: "a payload {} added and photo.type renamed payload.type, re-signed",
            verdict: "format",
            rule: "FORMAT.md §3.3: L.type never names payload",
            bytes: resigned(&base, |b, p| {
                let payload = Part {
                    label: "payload".into(),
                    salt: [0x0c; 32],
                    content: b"{}".to_vec(),
                };
                b.parts.push(payload.commitment());
                p.push(payload);
                for c in &mut b.parts {
                    if c.label == "photo.type" {
                        c.label = "payload.type".into();
                    }
                }
                for q in p.iter_mut() {
                    if q.label == "photo.type" {
                        q.label = "payload.type".into();
                    }
                }
            }),
        },
        Vector {
            file: "payload-over-1mib.tms",
            about: "the body also commits a payload of 1 048 577 bytes (its digest is that of 1 048 577 spaces), re-signed; the file does not carry it",
            verdict: "format",
            rule: "FORMAT.md §3.3: a payload commitment's length is at most 1 MiB",
            bytes: resigned(&base, |b, _| b.parts.push(big.commitment())),
        },
    ]
}

fn vectors() -> Vec<Vector> {
    let good =
        std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/v1-note.tms"))
            .expect("tests/vectors/v1-note.tms");
    let file = StatementFile::from_bytes(&good).expect("the worked example decodes");
    // Offsets in the file (FORMAT.md §3.7): magic (8), body length (8),
    // body, signature (64), part count (8), then each part: label length
    // (8), label, salt (32), content length (8), content.
    let body_at = 16;
    let sig_at = body_at + file.statement.body_bytes.len();
    let label_len = file.parts[0].label.len();
    let salt_at = sig_at + 64 + 8 + 8 + label_len;
    let content_at = salt_at + 32 + 8;
    // In the body (§3.1): version (2), id (16), author (32), created_at.
    let created_at = body_at + 2 + 16 + 32;
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        f(&mut b);
        b
    };
    vec![
        Vector {
            file: "valid-v1-note.tms",
            about: "the worked example's statement file, as signed",
            verdict: "valid",
            rule: "FORMAT.md §3: every check a file can pass on its own",
            bytes: good.clone(),
        },
        Vector {
            file: "bad-magic.tms",
            about: "the first byte of the magic changed",
            verdict: "format",
            rule: "FORMAT.md §3.7: a statement file begins with the 8-byte magic",
            bytes: with(&|b| b[0] ^= 0x01),
        },
        Vector {
            file: "truncated.tms",
            about: "the last byte removed",
            verdict: "format",
            rule: "FORMAT.md §3.7: the file is exactly its fields; a short one does not decode",
            bytes: with(&|b| {
                b.pop();
            }),
        },
        Vector {
            file: "trailing-byte.tms",
            about: "one zero byte appended",
            verdict: "format",
            rule: "FORMAT.md §2, §3.7: no bytes after the last field",
            bytes: with(&|b| b.push(0)),
        },
        Vector {
            file: "version-2.tms",
            about: "the body's version field set to 2",
            verdict: "format",
            rule: "FORMAT.md §3.3: version is 1",
            bytes: with(&|b| b[body_at] = 2),
        },
        Vector {
            file: "signature-bit.tms",
            about: "one bit of the signature's R flipped",
            verdict: "signature",
            rule: "FORMAT.md §1.2, §3.5: verify_strict over the signed message",
            bytes: with(&|b| b[sig_at] ^= 0x01),
        },
        Vector {
            file: "signature-s-plus-l.tms",
            about: "the signature's S replaced by S + L (the same point, a non-canonical scalar)",
            verdict: "signature",
            rule: "FORMAT.md §1.2: verify_strict refuses S >= L (malleability)",
            bytes: with(&|b| {
                let s = &mut b[sig_at + 32..sig_at + 64];
                let mut carry = 0u16;
                for (x, l) in s.iter_mut().zip(L) {
                    let sum = u16::from(*x) + u16::from(l) + carry;
                    *x = sum as u8;
                    carry = sum >> 8;
                }
            }),
        },
        Vector {
            file: "created-at-changed.tms",
            about: "the body's created_at changed by one (the body still decodes)",
            verdict: "signature",
            rule: "FORMAT.md §3.5: the signature covers the whole body",
            bytes: with(&|b| b[created_at] ^= 0x01),
        },
        Vector {
            file: "part-content.tms",
            about: "the first byte of the text part's content changed",
            verdict: "part",
            rule: "FORMAT.md §3.4: a part's digest is SHA-256 of the domain, salt and content",
            bytes: with(&|b| b[content_at] ^= 0x01),
        },
        Vector {
            file: "part-salt.tms",
            about: "the first byte of the text part's salt changed",
            verdict: "part",
            rule: "FORMAT.md §3.4: the salt is part of the digest",
            bytes: with(&|b| b[salt_at] ^= 0x01),
        },
    ]
}

/// The verdict temoin reaches from the file alone: an archive's checks
/// that need nothing but the file (decoding, signature, parts) run before
/// any that depend on the log, so a refusal for the log's state (the
/// note's ref is not in this empty archive) means the file itself passed.
fn verdict(archive: &mut Archive, bytes: &[u8]) -> &'static str {
    let file = match StatementFile::from_bytes(bytes) {
        Ok(f) => f,
        Err(_) => return "format",
    };
    match archive.ingest(&file).expect("the archive answers") {
        Ok(_) | Err(Refusal::Rule(_)) | Err(Refusal::FromTheFuture { .. }) => "valid",
        Err(Refusal::File(_) | Refusal::Malformed(_)) => "format",
        Err(Refusal::Signature(_)) => "signature",
        Err(
            Refusal::PartMismatch { .. }
            | Refusal::MissingPart { .. }
            | Refusal::UnexpectedPart { .. }
            | Refusal::PartTooLarge { .. }
            | Refusal::PartContent { .. }
            | Refusal::SealedInClear { .. },
        ) => "part",
    }
}

fn index(vs: &[Vector]) -> Value {
    json!({
        "about": "Statement files, the worked example's and damaged copies of it. For each: \
                  what it is, the verdict a verifier reaches from the file alone (valid, or \
                  the kind of refusal: format, signature, part), and the rule that decides it. \
                  Checked by tests/it/statement_vectors.rs and by verify_vectors.py.",
        "vectors": vs.iter().map(|v| json!({
            "file": v.file,
            "about": v.about,
            "expect": {"verdict": v.verdict, "rule": v.rule},
        })).collect::<Vec<_>>(),
    })
}

#[test]
fn statement_file_vectors_get_their_verdicts() {
    let mut vs = vectors();
    vs.extend(sealed_vectors());
    vs.extend(attachment_vectors());
    let tmp = tempfile::tempdir().unwrap();
    let custodian = SecretKey::generate("vectors-custodian").unwrap();
    let mut archive = Archive::init(
        &tmp.path().join("a"),
        Config::new("temoin.example/statement-vectors"),
        &custodian,
        "Custodian",
    )
    .unwrap();
    for v in &vs {
        assert_eq!(
            verdict(&mut archive, &v.bytes),
            v.verdict,
            "{}: {}",
            v.file,
            v.about
        );
    }
    // Nothing but the valid file's refusal for the log's state: the
    // archive is as it was.
    assert_eq!(archive.size(), 1);

    let index_text = serde_json::to_string_pretty(&index(&vs)).unwrap() + "\n";
    if std::env::var_os("TEMOIN_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(dir()).unwrap();
        for v in &vs {
            std::fs::write(dir().join(v.file), &v.bytes).unwrap();
        }
        std::fs::write(dir().join("index.json"), &index_text).unwrap();
    }
    for v in &vs {
        let on_disk = std::fs::read(dir().join(v.file)).unwrap_or_else(|e| {
            panic!(
                "tests/vectors/statements/{}: {e} (write it with TEMOIN_WRITE_VECTORS=1)",
                v.file
            )
        });
        assert!(
            on_disk == v.bytes,
            "tests/vectors/statements/{} is not what the generator builds",
            v.file
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir().join("index.json")).unwrap(),
        index_text,
        "tests/vectors/statements/index.json is not what the generator builds"
    );
}
