//! Every ingest refusal: each is its own `Refusal` variant, and the archive
//! is unchanged afterwards (same head size and last hash, same number of
//! sled keys).

use crate::common;

use common::*;
use temoin::archive::{Archive, Config, Refusal};
use temoin::encoding::{self, DecodeError, MAX_BODY_BYTES};
use temoin::hash::Digest;
use temoin::keys::{PublicKey, SecretKey};
use temoin::registry::{AuthorityError, GenesisPayload, Role};
use temoin::rules::RuleError;
use temoin::statement::{
    BodyError, Draft, Kind, Part, SignatureFault, SignedStatement, StatementBody, StatementFile,
    BODY_VERSION, STATEMENT_FILE_MAGIC,
};

/// The archive's part limit in these tests.
const PART_LIMIT: u64 = 4096;

struct Setup {
    f: Fixture,
    a: Archive,
    /// Enrolled as an intermediary, then revoked at entry 4.
    revoked: SecretKey,
}

/// 0 genesis, 1 enroll ngo, 2 enroll reviewer, 3 enroll `revoked`,
/// 4 revoke it, 5 a note by the ngo.
fn setup() -> Setup {
    let mut f = Fixture::empty();
    let mut config = Config::new(ORIGIN);
    config.max_part_bytes = PART_LIMIT;
    let mut a = f.init(config);
    let revoked = key("revoked");
    f.push(&mut a, |k| {
        enroll(&k.custodian, &k.ngo.public(), "NGO", Role::Intermediary)
    });
    f.push(&mut a, |k| {
        enroll(
            &k.custodian,
            &k.reviewer.public(),
            "Reviewer",
            Role::Reviewer,
        )
    });
    let rp = revoked.public();
    f.push(&mut a, |k| {
        enroll(&k.custodian, &rp, "Lost laptop", Role::Intermediary)
    });
    f.push(&mut a, |k| revoke(&k.custodian, &rp, "laptop stolen"));
    f.push(&mut a, |k| note(&k.ngo, "a first note"));
    assert_eq!(a.size(), 6);
    Setup { f, a, revoked }
}

impl Setup {
    /// Ingest `file`: it must be refused, and the archive left unchanged.
    fn refused(&mut self, file: &StatementFile) -> Refusal {
        let before = snapshot(&self.a);
        let out = self.a.ingest(file).expect("archive error");
        let refusal = match out {
            Ok(acc) => panic!("accepted as entry {}, expected a refusal", acc.seq),
            Err(r) => r,
        };
        assert_eq!(snapshot(&self.a), before, "a refusal changed the archive");
        // The refusal has a message of its own.
        assert!(!refusal.to_string().is_empty());
        refusal
    }

    /// Close the archive and check that it still audits clean.
    fn finish(self) {
        let Setup { f, a, .. } = self;
        drop(a);
        f.assert_clean();
    }
}

/// Sign arbitrary body bytes as `key`, with the given parts.
fn sign_raw(key: &SecretKey, body_bytes: Vec<u8>, parts: Vec<Part>) -> StatementFile {
    let signature = key.sign(&SignedStatement::signed_message(&body_bytes));
    StatementFile {
        magic: STATEMENT_FILE_MAGIC,
        statement: SignedStatement {
            body_bytes,
            signature,
        },
        parts,
    }
}

/// A note body by `author` committing to `part`.
fn note_body(author: [u8; 32], part: &Part) -> StatementBody {
    StatementBody {
        version: BODY_VERSION,
        id: [9u8; 16],
        author,
        created_at: temoin::time::now_ms(),
        kind: Kind::Note,
        refs: Vec::new(),
        parts: vec![part.commitment()],
    }
}

// -------------------------------------------------------------- decoding

#[test]
fn undecodable_body_is_refused() {
    let mut s = setup();
    let file = sign_raw(&s.f.keys.ngo, b"this is not a body".to_vec(), Vec::new());
    match s.refused(&file) {
        Refusal::Malformed(BodyError::Decode(DecodeError::Malformed { what, .. })) => {
            assert_eq!(what, "statement body")
        }
        other => panic!("{other:?}"),
    }
    s.finish();
}

#[test]
fn undecodable_statement_file_is_refused() {
    let err = StatementFile::from_bytes(b"TEMOIN\x01S and then garbage").unwrap_err();
    assert!(
        matches!(
            err,
            DecodeError::Malformed {
                what: "statement file",
                ..
            }
        ),
        "{err:?}"
    );
    let err = StatementFile::from_bytes(b"{\"text\": \"a json file\"}").unwrap_err();
    assert!(
        err.to_string()
            .contains("does not start with the temoin statement magic"),
        "{err}"
    );
    // And through the binary: exit 1, the file named, nothing appended.
    let s = setup();
    let Setup { f, a, .. } = s;
    let before = snapshot(&a);
    drop(a);
    let bad = f.tmp.path().join("bad.tms");
    std::fs::write(&bad, b"TEMOIN\x01S and then garbage").unwrap();
    let (code, _, stderr) = temoin(&[
        "ingest",
        "--archive",
        f.dir().to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("refused")
            && stderr.contains("bad.tms")
            && stderr.contains("malformed statement file"),
        "{stderr}"
    );
    assert_eq!(snapshot(&f.open()), before);
    f.assert_clean();
}

#[test]
fn varint_encoded_body_is_refused() {
    // The same body, encoded with bincode's standard (varint) configuration
    // and validly signed by an enrolled key: not the canonical encoding.
    let mut s = setup();
    let part = Part::new("text", b"a note".to_vec());
    let body = note_body(s.f.keys.ngo.public().to_bytes(), &part);
    let canonical = encoding::encode(&body);
    let varint = bincode::encode_to_vec(&body, bincode::config::standard()).unwrap();
    assert_ne!(varint, canonical);
    // The canonical bytes are accepted later; the varint bytes never.
    let file = sign_raw(&s.f.keys.ngo, varint, vec![part.clone()]);
    match s.refused(&file) {
        Refusal::Malformed(BodyError::Decode(
            DecodeError::Malformed { .. }
            | DecodeError::TrailingBytes { .. }
            | DecodeError::NonCanonical { .. },
        )) => {}
        other => panic!("{other:?}"),
    }
    let ok = sign_raw(&s.f.keys.ngo, canonical, vec![part]);
    accept(&mut s.a, &ok);
    s.finish();
}

#[test]
fn body_with_trailing_bytes_is_refused() {
    let mut s = setup();
    let part = Part::new("text", b"a note".to_vec());
    let mut bytes = encoding::encode(&note_body(s.f.keys.ngo.public().to_bytes(), &part));
    bytes.extend_from_slice(&[0, 0]);
    let file = sign_raw(&s.f.keys.ngo, bytes, vec![part]);
    assert_eq!(
        s.refused(&file),
        Refusal::Malformed(BodyError::Decode(DecodeError::TrailingBytes {
            what: "statement body",
            extra: 2
        }))
    );
    s.finish();
}

#[test]
fn body_over_64_kib_is_refused() {
    // Draft::sign refuses such a body; a hand-made one, validly signed,
    // must be refused by the archive before it is even decoded.
    let mut s = setup();
    let part = Part::new("a".repeat(MAX_BODY_BYTES), b"x".to_vec());
    let body = note_body(s.f.keys.ngo.public().to_bytes(), &part);
    let bytes = encoding::encode(&body);
    let len = bytes.len();
    assert!(len > MAX_BODY_BYTES);
    let file = sign_raw(&s.f.keys.ngo, bytes, vec![part]);
    assert_eq!(
        s.refused(&file),
        Refusal::Malformed(BodyError::Decode(DecodeError::TooLarge {
            what: "statement body",
            len,
            limit: MAX_BODY_BYTES
        }))
    );
    s.finish();
}

#[test]
fn body_whose_entry_exceeds_65535_bytes_is_refused() {
    // DESIGN §11: every entry fits a tlog-tiles entry bundle (u16 length).
    // A body one byte over what an entry can hold, validly signed, is
    // refused for its size, with the fix, and the archive is unchanged.
    use temoin::entry::{entry_len, MAX_BODY_IN_ENTRY, MAX_ENTRY_BYTES};
    let mut s = setup();
    let author = s.f.keys.ngo.public().to_bytes();
    let sized = |len: usize| {
        let probe = note_body(author, &Part::new("a", vec![]));
        let base = encoding::encode(&probe).len() - 1;
        let part = Part::new("a".repeat(len - base), b"x".to_vec());
        let bytes = encoding::encode(&note_body(author, &part));
        assert_eq!(bytes.len(), len);
        (bytes, part)
    };
    let (bytes, part) = sized(MAX_BODY_IN_ENTRY + 1);
    assert_eq!(entry_len(bytes.len()), MAX_ENTRY_BYTES + 1);
    let file = sign_raw(&s.f.keys.ngo, bytes, vec![part]);
    let refusal = s.refused(&file);
    assert_eq!(
        refusal,
        Refusal::Malformed(BodyError::EntryTooLarge {
            len: MAX_ENTRY_BYTES + 1,
            limit: MAX_ENTRY_BYTES
        })
    );
    assert!(
        refusal.to_string().contains("parts/attachments"),
        "{refusal}"
    );
    // At the limit, size is not the reason: a body of exactly
    // MAX_BODY_IN_ENTRY bytes is not constructible within the shape rules
    // (32 parts, 64 refs, 32-byte labels keep a body under 5 KiB), so this
    // one is refused for its label, not its size.
    let (bytes, part) = sized(MAX_BODY_IN_ENTRY);
    assert_eq!(entry_len(bytes.len()), MAX_ENTRY_BYTES);
    let file = sign_raw(&s.f.keys.ngo, bytes, vec![part]);
    assert!(matches!(
        s.refused(&file),
        Refusal::Malformed(BodyError::BadLabel { .. })
    ));
    s.finish();
}

// ------------------------------------------------------------ signatures

#[test]
fn bad_signature_is_refused() {
    let mut s = setup();
    let mut file = note(&s.f.keys.ngo, "a note");
    file.statement.signature[10] ^= 0x20;
    assert_eq!(
        s.refused(&file),
        Refusal::Signature(SignatureFault::Invalid)
    );
    s.finish();
}

#[test]
fn signature_by_another_key_is_refused() {
    // The body names the ngo as its author, Mallory signed it.
    let mut s = setup();
    let part = Part::new("text", b"a note".to_vec());
    let body = note_body(s.f.keys.ngo.public().to_bytes(), &part);
    let file = sign_raw(&s.f.keys.mallory, encoding::encode(&body), vec![part]);
    assert_eq!(
        s.refused(&file),
        Refusal::Signature(SignatureFault::Invalid)
    );
    s.finish();
}

#[test]
fn weak_key_is_refused() {
    // The identity point (small order): any "signature" by it proves nothing.
    let mut s = setup();
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert!(PublicKey::from_bytes(&identity).unwrap().is_weak());
    let part = Part::new("text", b"signed by nobody".to_vec());
    let bytes = encoding::encode(&note_body(identity, &part));
    // R = identity, s = 0 satisfies the cofactored equation for this key.
    let mut signature = [0u8; 64];
    signature[0] = 1;
    let file = StatementFile {
        magic: STATEMENT_FILE_MAGIC,
        statement: SignedStatement {
            body_bytes: bytes,
            signature,
        },
        parts: vec![part],
    };
    assert_eq!(
        s.refused(&file),
        Refusal::Signature(SignatureFault::WeakKey)
    );
    s.finish();
}

#[test]
fn author_that_is_not_a_curve_point_is_refused() {
    let mut s = setup();
    let not_a_point = (2u8..)
        .map(|b| {
            let mut k = [0u8; 32];
            k[0] = b;
            k
        })
        .find(|k| PublicKey::from_bytes(k).is_err())
        .unwrap();
    let part = Part::new("text", b"x".to_vec());
    let file = sign_raw(
        &s.f.keys.ngo,
        encoding::encode(&note_body(not_a_point, &part)),
        vec![part],
    );
    assert_eq!(s.refused(&file), Refusal::Signature(SignatureFault::BadKey));
    s.finish();
}

// -------------------------------------------------------------- authority

#[test]
fn unknown_author_is_refused() {
    let mut s = setup();
    let file = note(&s.f.keys.mallory, "who am I?");
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::UnknownKey {
            key: s.f.keys.mallory.public().to_hex()
        }))
    );
    s.finish();
}

#[test]
fn revoked_author_is_refused() {
    let mut s = setup();
    let file = note(&s.revoked, "from the stolen laptop");
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::Revoked {
            key: s.revoked.public().to_hex(),
            name: "Lost laptop".into(),
            seq: 4,
            reason: "laptop stolen".into()
        }))
    );
    s.finish();
}

#[test]
fn role_that_may_not_sign_the_kind_is_refused() {
    let mut s = setup();
    // An intermediary may not enrol keys.
    let file = enroll(
        &s.f.keys.ngo,
        &s.f.keys.mallory.public(),
        "M",
        Role::Custodian,
    );
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::RoleMayNot {
            name: "NGO".into(),
            role: Role::Intermediary,
            kind: Kind::Enroll
        }))
    );
    // A reviewer may not sign testimonies.
    let file = Draft::new(Kind::Testimony)
        .part("payload", "{}")
        .part("text", "an account")
        .sign(&s.f.keys.reviewer)
        .unwrap();
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::RoleMayNot {
            name: "Reviewer".into(),
            role: Role::Reviewer,
            kind: Kind::Testimony
        }))
    );
    s.finish();
}

#[test]
fn second_genesis_is_refused() {
    let mut s = setup();
    let file = with_payload(
        Kind::Genesis,
        &s.f.keys.custodian,
        &GenesisPayload {
            origin: ORIGIN.into(),
            custodian_name: "Custodian".into(),
            checkpoint_key: s.a.checkpoint_key().unwrap().vkey().unwrap(),
        },
    );
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::LateGenesis))
    );
    s.finish();
}

#[test]
fn enrolling_an_enrolled_key_is_refused() {
    let mut s = setup();
    let file = enroll(
        &s.f.keys.custodian,
        &s.f.keys.ngo.public(),
        "again",
        Role::Reviewer,
    );
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::AlreadyEnrolled {
            key: s.f.keys.ngo.public().to_hex(),
            name: "NGO".into(),
            role: Role::Intermediary
        }))
    );
    s.finish();
}

#[test]
fn enrolling_a_revoked_key_again_is_refused() {
    let mut s = setup();
    let file = enroll(
        &s.f.keys.custodian,
        &s.revoked.public(),
        "back",
        Role::Intermediary,
    );
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::ReEnrolRevoked {
            key: s.revoked.public().to_hex(),
            seq: 4
        }))
    );
    s.finish();
}

#[test]
fn revoking_the_last_custodian_is_refused() {
    let mut s = setup();
    let file = revoke(&s.f.keys.custodian, &s.f.keys.custodian.public(), "leaving");
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::LastCustodian))
    );
    // With a second custodian enrolled, the first may be revoked.
    let second = key("second-custodian");
    let e = enroll(
        &s.f.keys.custodian,
        &second.public(),
        "Second",
        Role::Custodian,
    );
    accept(&mut s.a, &e);
    let r = revoke(&second, &s.f.keys.custodian.public(), "handed over");
    accept(&mut s.a, &r);
    s.finish();
}

#[test]
fn revoking_an_unknown_or_revoked_key_is_refused() {
    let mut s = setup();
    let file = revoke(&s.f.keys.custodian, &s.f.keys.mallory.public(), "?");
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::RevokeUnknown {
            key: s.f.keys.mallory.public().to_hex()
        }))
    );
    let file = revoke(&s.f.keys.custodian, &s.revoked.public(), "twice");
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::Authority(AuthorityError::AlreadyRevoked {
            key: s.revoked.public().to_hex(),
            seq: 4
        }))
    );
    s.finish();
}

// ------------------------------------------------------------------ parts

#[test]
fn missing_part_is_refused() {
    let mut s = setup();
    let mut file = note(&s.f.keys.ngo, "the account");
    file.parts.clear();
    assert_eq!(
        s.refused(&file),
        Refusal::MissingPart {
            label: "text".into()
        }
    );
    s.finish();
}

#[test]
fn part_with_other_content_is_refused() {
    let mut s = setup();
    let mut file = note(&s.f.keys.ngo, "7 dead");
    file.parts[0].content = b"8 dead".to_vec();
    assert_eq!(
        s.refused(&file),
        Refusal::PartMismatch {
            label: "text".into(),
            what: "its salted digest differs from the committed digest"
        }
    );
    s.finish();
}

#[test]
fn part_with_other_salt_is_refused() {
    let mut s = setup();
    let mut file = note(&s.f.keys.ngo, "7 dead");
    file.parts[0].salt[0] ^= 1;
    assert_eq!(
        s.refused(&file),
        Refusal::PartMismatch {
            label: "text".into(),
            what: "its salted digest differs from the committed digest"
        }
    );
    s.finish();
}

#[test]
fn part_with_other_length_is_refused() {
    let mut s = setup();
    let mut file = note(&s.f.keys.ngo, "7 dead");
    file.parts[0].content.push(b'!');
    assert_eq!(
        s.refused(&file),
        Refusal::PartMismatch {
            label: "text".into(),
            what: "its length differs from the committed length"
        }
    );
    s.finish();
}

#[test]
fn unexpected_extra_part_is_refused() {
    let mut s = setup();
    let mut file = note(&s.f.keys.ngo, "the account");
    file.parts.push(Part::new("witness", b"a name".to_vec()));
    assert_eq!(
        s.refused(&file),
        Refusal::UnexpectedPart {
            label: "witness".into()
        }
    );
    // The same label twice is not a committed part either.
    let mut file = note(&s.f.keys.ngo, "the account");
    file.parts.push(file.parts[0].clone());
    assert_eq!(
        s.refused(&file),
        Refusal::UnexpectedPart {
            label: "text".into()
        }
    );
    s.finish();
}

#[test]
fn part_over_the_archive_limit_is_refused() {
    let mut s = setup();
    let file = note(&s.f.keys.ngo, &"x".repeat(PART_LIMIT as usize + 1));
    assert_eq!(
        s.refused(&file),
        Refusal::PartTooLarge {
            label: "text".into(),
            len: PART_LIMIT + 1,
            limit: PART_LIMIT
        }
    );
    // At the limit exactly it is accepted.
    let ok = note(&s.f.keys.ngo, &"x".repeat(PART_LIMIT as usize));
    accept(&mut s.a, &ok);
    s.finish();
}

// ------------------------------------------------------- refs, time, dups

#[test]
fn ref_to_a_statement_not_in_the_log_is_refused() {
    let mut s = setup();
    let missing = Digest([0x5a; 32]);
    let file = Draft::new(Kind::Note)
        .part("text", "about something")
        .reference(missing)
        .sign(&s.f.keys.ngo)
        .unwrap();
    assert_eq!(
        s.refused(&file),
        Refusal::Rule(RuleError::UnknownRef(missing))
    );
    // A ref to a statement in the log is fine.
    let first = s.f.hashes[5];
    let ok = Draft::new(Kind::Note)
        .part("text", "about the first note")
        .reference(first)
        .sign(&s.f.keys.ngo)
        .unwrap();
    accept(&mut s.a, &ok);
    s.finish();
}

#[test]
fn claimed_time_far_in_the_future_is_refused() {
    let mut s = setup();
    let mut draft = Draft::new(Kind::Note).part("text", "from next year");
    draft.created_at = Some(temoin::time::now_ms() + 365 * 24 * 3_600_000);
    let file = draft.sign(&s.f.keys.ngo).unwrap();
    match s.refused(&file) {
        Refusal::FromTheFuture { max_hours, .. } => assert_eq!(max_hours, 24),
        other => panic!("{other:?}"),
    }
    // A field laptop's clock an hour ahead is drift, not a refusal.
    let mut draft = Draft::new(Kind::Note).part("text", "clock drift");
    draft.created_at = Some(temoin::time::now_ms() + 3_600_000);
    accept(&mut s.a, &draft.sign(&s.f.keys.ngo).unwrap());
    s.finish();
}

#[test]
fn duplicate_returns_the_existing_entry() {
    let mut s = setup();
    let file = note(&s.f.keys.ngo, "sent twice, by USB and by message");
    let first = accept(&mut s.a, &file);
    assert_eq!(first.seq, 6);
    let before = snapshot(&s.a);
    let again = s.a.ingest(&file).unwrap().unwrap();
    assert!(again.duplicate);
    assert_eq!(
        (
            again.seq,
            again.entry_hash,
            again.statement_hash,
            again.received_at
        ),
        (
            first.seq,
            first.entry_hash,
            first.statement_hash,
            first.received_at
        )
    );
    assert_eq!(snapshot(&s.a), before, "a duplicate changed the archive");
    // Twice in one batch: appended once.
    let other = note(&s.f.keys.ngo, "twice in one batch");
    let out = s.a.ingest_batch(&[other.clone(), other]).unwrap();
    let (a, b) = (out[0].clone().unwrap(), out[1].clone().unwrap());
    assert!(!a.duplicate && b.duplicate);
    assert_eq!((a.seq, b.seq), (7, 7));
    assert_eq!(s.a.size(), 8);
    s.finish();
}

/// A writer reopening the archive learns the log's statements on a thread
/// of its own (`seen`); before and after it has, a statement of the log is
/// acknowledged as a duplicate, never appended again.
#[test]
fn a_duplicate_is_found_after_reopening_before_and_after_the_writer_knows_the_log() {
    let mut s = setup();
    let file = note(&s.f.keys.ngo, "sent before the archive was reopened");
    let first = accept(&mut s.a, &file);
    let Setup { f, a, revoked } = s;
    drop(a);
    let mut a = f.open();
    assert!(!a.knows_every_statement(), "a reader never scans");
    // The first ingest starts the scan; done or not, a duplicate is found.
    let early = a.ingest(&file).unwrap().unwrap();
    assert!(early.duplicate && early.seq == first.seq);
    let mut waited = 0;
    while !a.knows_every_statement() {
        assert!(waited < 5000, "the scan of the statement index did not end");
        std::thread::sleep(std::time::Duration::from_millis(1));
        waited += 1;
    }
    let before = snapshot(&a);
    let again = a.ingest(&file).unwrap().unwrap();
    assert!(again.duplicate);
    assert_eq!(
        (again.seq, again.entry_hash, again.received_at),
        (first.seq, first.entry_hash, first.received_at)
    );
    assert_eq!(snapshot(&a), before, "a duplicate changed the archive");
    // A new statement is still new.
    let fresh = accept(&mut a, &note(&f.keys.ngo, "new after the scan"));
    assert_eq!(fresh.seq, first.seq + 1);
    Setup { f, a, revoked }.finish();
}

#[test]
fn refusals_in_a_batch_leave_the_accepted_statements() {
    let mut s = setup();
    let good1 = note(&s.f.keys.ngo, "good 1");
    let bad = note(&s.f.keys.mallory, "bad");
    let good2 = note(&s.f.keys.reviewer, "good 2");
    let out = s.a.ingest_batch(&[good1, bad, good2]).unwrap();
    assert_eq!(out[0].as_ref().unwrap().seq, 6);
    assert!(matches!(
        out[1],
        Err(Refusal::Rule(RuleError::Authority(
            AuthorityError::UnknownKey { .. }
        )))
    ));
    assert_eq!(out[2].as_ref().unwrap().seq, 7);
    assert_eq!(s.a.size(), 8);
    s.finish();
}

#[test]
fn every_refusal_has_its_own_message() {
    // The Display of each refusal kind names what is wrong; no two alike.
    let messages = [
        Refusal::Malformed(BodyError::Decode(DecodeError::NonCanonical {
            what: "statement body",
        })),
        Refusal::Signature(SignatureFault::Invalid),
        Refusal::Signature(SignatureFault::WeakKey),
        Refusal::MissingPart {
            label: "text".into(),
        },
        Refusal::UnexpectedPart {
            label: "text".into(),
        },
        Refusal::PartTooLarge {
            label: "text".into(),
            len: 2,
            limit: 1,
        },
        Refusal::Rule(RuleError::UnknownRef(Digest([1; 32]))),
        Refusal::Rule(RuleError::Authority(AuthorityError::LateGenesis)),
        Refusal::Rule(RuleError::Authority(AuthorityError::LastCustodian)),
    ]
    .map(|r| r.to_string());
    for (i, m) in messages.iter().enumerate() {
        assert!(!messages[..i].contains(m), "{m}");
    }
    assert!(
        messages[0].contains("not in canonical form"),
        "{}",
        messages[0]
    );
    assert!(messages[2].contains("weak"), "{}", messages[2]);
}
