//! The per-thread caches of parsed author keys (issue 5's speed-ups in
//! `statement::verify_signature` and `PublicKey::from_bytes`) must never
//! change a verdict: the same bytes give the same answer, first time or
//! hundredth, whatever other keys were seen in between.

use temoin::keys::{PublicKey, SecretKey};
use temoin::statement::{Draft, Kind, SignatureFault, SignedStatement, StatementBody};

fn signed(key: &SecretKey, text: &str) -> (SignedStatement, StatementBody) {
    let f = Draft::new(Kind::Note)
        .part("text", text.as_bytes().to_vec())
        .sign(key)
        .expect("sign");
    let body = StatementBody::decode(&f.statement.body_bytes).expect("decode");
    (f.statement, body)
}

/// `body` with its author replaced (the signature no longer matters: the
/// key is refused first, or the signature is invalid).
fn with_author(body: &StatementBody, author: [u8; 32]) -> StatementBody {
    let mut b = body.clone();
    b.author = author;
    b
}

#[test]
fn cached_verdicts_equal_first_verdicts() {
    let a = SecretKey::from_seed("a", &[1; 32]).expect("key");
    let b = SecretKey::from_seed("b", &[2; 32]).expect("key");
    let (sa, ba) = signed(&a, "premier");
    let (sb, bb) = signed(&b, "second");
    let mut tampered = sa.clone();
    tampered.signature[0] ^= 1;

    // The identity point (y = 1): a valid, canonical, small-order key.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    // y = p + 1: a non-canonical encoding of the same point.
    let mut noncanonical = [0xffu8; 32];
    noncanonical[0] = 0xee;
    noncanonical[31] = 0x7f;
    // Not a point at all (no x for this y).
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2;

    let cases: Vec<(SignedStatement, StatementBody, Result<(), SignatureFault>)> = vec![
        (sa.clone(), ba.clone(), Ok(())),
        (sb.clone(), bb.clone(), Ok(())),
        (tampered, ba.clone(), Err(SignatureFault::Invalid)),
        (sa.clone(), bb.clone(), Err(SignatureFault::Invalid)),
        (
            sa.clone(),
            with_author(&ba, identity),
            Err(SignatureFault::WeakKey),
        ),
        (
            sa.clone(),
            with_author(&ba, noncanonical),
            Err(SignatureFault::BadKey),
        ),
        (
            sa.clone(),
            with_author(&ba, not_a_point),
            Err(SignatureFault::BadKey),
        ),
    ];
    // In several orders, several times, on this thread and on fresh ones.
    for round in 0..3 {
        for (i, (st, body, want)) in cases.iter().enumerate() {
            assert_eq!(&st.verify_signature(body), want, "case {i}, round {round}");
        }
        for (i, (st, body, want)) in cases.iter().enumerate().rev() {
            assert_eq!(&st.verify_signature(body), want, "case {i} reversed");
        }
    }
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for (i, (st, body, want)) in cases.iter().enumerate() {
                    assert_eq!(&st.verify_signature(body), want, "case {i}, thread");
                }
            });
        }
    });

    // PublicKey::from_bytes: the same verdicts, again and again.
    for _ in 0..3 {
        assert!(PublicKey::from_bytes(&a.public().to_bytes()).is_ok());
        assert!(PublicKey::from_bytes(&identity).is_ok());
        assert!(PublicKey::from_bytes(&noncanonical).is_err());
        assert!(PublicKey::from_bytes(&not_a_point).is_err());
    }
}
