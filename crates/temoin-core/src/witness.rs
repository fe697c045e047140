//! The witness side of C2SP [`tlog-witness`](https://c2sp.org/tlog-witness):
//! the `add-checkpoint` request body and the decision a witness takes on
//! it, with the HTTP status the spec assigns to each refusal. Pure: the
//! state (the latest checkpoint cosigned per log) is kept by the caller,
//! which must check and update it atomically.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::checkpoint::Checkpoint;
use crate::merkle::{self, Hash, EMPTY_ROOT};
use crate::signed_note::{open_note, NoteError, VerifierKey};

/// Most consistency proof lines a client may send (tlog-witness).
pub const MAX_PROOF_LINES: usize = 63;

/// Largest `add-checkpoint` body read: a checkpoint and 63 hashes are a
/// few KiB; a note has at most 100 signature lines.
pub const MAX_ADD_CHECKPOINT_BYTES: usize = 64 * 1024;

/// Media type of a 409 answer's body.
pub const SIZE_MEDIA_TYPE: &str = "text/x.tlog.size";

/// A parsed `add-checkpoint` request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The size of the checkpoint the client believes the witness holds.
    pub old_size: u64,
    /// The consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note.
    pub note: String,
}

/// Why a witness does not cosign, each with its tlog-witness status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// 400: the body is malformed, or the old size exceeds the checkpoint's.
    #[error("malformed request: {0}")]
    BadRequest(String),
    /// 404: the witness does not witness this origin.
    #[error("unknown log origin {0:?}")]
    UnknownLog(String),
    /// 403: no valid signature by the log's key.
    #[error("the checkpoint is not signed by the log's key: {0}")]
    Forbidden(String),
    /// 409: the old size is not the size of the latest cosigned checkpoint.
    #[error(
        "old size {old} does not match the latest checkpoint cosigned for this log (size {latest})"
    )]
    Conflict {
        /// The size the client sent.
        old: u64,
        /// The witness's size for this log.
        latest: u64,
    },
    /// 422: the checkpoint is not consistent with the witness's view.
    #[error("{0}")]
    Unprocessable(String),
}

impl Refusal {
    /// The HTTP status code tlog-witness assigns.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Refusal::BadRequest(_) => 400,
            Refusal::UnknownLog(_) => 404,
            Refusal::Forbidden(_) => 403,
            Refusal::Conflict { .. } => 409,
            Refusal::Unprocessable(_) => 422,
        }
    }
}

fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// Parses a request body: `old <size>\n`, up to 63 lines of base64 hashes,
/// an empty line, then the signed checkpoint.
///
/// # Errors
///
/// [`Refusal::BadRequest`] saying what is wrong.
pub fn parse_add_checkpoint(body: &[u8]) -> Result<AddCheckpoint, Refusal> {
    let bad = |s: &str| Refusal::BadRequest(s.to_owned());
    if body.len() > MAX_ADD_CHECKPOINT_BYTES {
        return Err(bad("the body is larger than 64 KiB"));
    }
    let text = std::str::from_utf8(body).map_err(|_| bad("the body is not UTF-8"))?;
    let (first, mut rest) = text
        .split_once('\n')
        .ok_or_else(|| bad("no old size line (\"old <size>\\n\")"))?;
    let old_size = first
        .strip_prefix("old ")
        .and_then(parse_decimal)
        .ok_or_else(|| {
            bad("the first line is not \"old <size>\" (ASCII decimal, no leading zeros)")
        })?;
    let mut proof = Vec::new();
    loop {
        let (line, after) = rest
            .split_once('\n')
            .ok_or_else(|| bad("no empty line before the checkpoint"))?;
        rest = after;
        if line.is_empty() {
            break;
        }
        if proof.len() == MAX_PROOF_LINES {
            return Err(bad("more than 63 consistency proof lines"));
        }
        let decoded = STANDARD
            .decode(line)
            .map_err(|_| bad("a consistency proof line is not standard base64"))?;
        let hash: Hash = decoded
            .as_slice()
            .try_into()
            .map_err(|_| bad("a consistency proof line does not decode to 32 bytes"))?;
        proof.push(hash);
    }
    if rest.is_empty() {
        return Err(bad("no checkpoint after the empty line"));
    }
    Ok(AddCheckpoint {
        old_size,
        proof,
        note: rest.to_owned(),
    })
}

/// The latest checkpoint a witness cosigned for a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    /// Its tree size.
    pub size: u64,
    /// Its root hash.
    pub root: Hash,
}

/// A log a witness witnesses: its origin and the key it trusts for it.
/// temoin archives name their checkpoint key after their origin; other logs
/// need not (Go's checksum database: origin `go.sum database tree`, key
/// `sum.golang.org`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogKey {
    /// The checkpoint origin (first line).
    pub origin: String,
    /// The log's checkpoint key.
    pub key: VerifierKey,
}

impl LogKey {
    /// A log whose origin is its key's name (a temoin archive).
    #[must_use]
    pub fn named(key: VerifierKey) -> LogKey {
        LogKey {
            origin: key.name().to_owned(),
            key,
        }
    }

    /// Opens a checkpoint of this log: signed by its key, of its origin.
    ///
    /// # Errors
    ///
    /// What is wrong, as text.
    pub fn open(&self, note: &str) -> Result<Checkpoint, String> {
        let opened = open_note(note, std::slice::from_ref(&self.key)).map_err(|e| e.to_string())?;
        let cp = Checkpoint::parse_body(&opened.text).map_err(|e| e.to_string())?;
        if cp.origin != self.origin {
            return Err(format!("origin {:?}, not {:?}", cp.origin, self.origin));
        }
        Ok(cp)
    }
}

/// Decides an `add-checkpoint` request for a log the witness knows by
/// `logs` (each origin with the key it trusts for it), given the
/// latest checkpoint it cosigned for that origin (`None`: never). Returns
/// the verified checkpoint to cosign and record, or the refusal.
///
/// The checks, in the spec's order: the note's text is a checkpoint (400);
/// its origin is known (404); a trusted key signed it and no line by a
/// trusted key fails (403); old size ≤ size (400); old size = the latest
/// cosigned size (409); a size-0 checkpoint has the empty root, no proof
/// from size 0, equal roots at equal sizes, the proof verifies (422).
///
/// # Errors
///
/// The [`Refusal`].
pub fn decide(
    req: &AddCheckpoint,
    logs: &[LogKey],
    latest: impl FnOnce(&str) -> Option<Latest>,
) -> Result<Checkpoint, Refusal> {
    let text = req
        .note
        .rfind("\n\n")
        .and_then(|i| req.note.get(..=i))
        .ok_or_else(|| Refusal::BadRequest("the checkpoint is not a signed note".into()))?;
    let body = Checkpoint::parse_body(text)
        .map_err(|e| Refusal::BadRequest(format!("the checkpoint: {e}")))?;
    let known: Vec<VerifierKey> = logs
        .iter()
        .filter(|k| k.origin == body.origin)
        .map(|k| k.key.clone())
        .collect();
    if known.is_empty() {
        return Err(Refusal::UnknownLog(body.origin));
    }
    match open_note(&req.note, &known) {
        Ok(_) => {}
        Err(
            e @ (NoteError::BadSignature { .. }
            | NoteError::SignatureLength { .. }
            | NoteError::NoKnownSignature { .. }
            | NoteError::AmbiguousKey { .. }),
        ) => return Err(Refusal::Forbidden(e.to_string())),
        Err(e) => return Err(Refusal::BadRequest(format!("the checkpoint note: {e}"))),
    }
    let cp = body;
    if req.old_size > cp.size {
        return Err(Refusal::BadRequest(format!(
            "old size {} is larger than the checkpoint's size {}",
            req.old_size, cp.size
        )));
    }
    let now = latest(&cp.origin);
    let latest_size = now.as_ref().map_or(0, |l| l.size);
    if req.old_size != latest_size {
        return Err(Refusal::Conflict {
            old: req.old_size,
            latest: latest_size,
        });
    }
    if cp.size == 0 && cp.root != EMPTY_ROOT {
        return Err(Refusal::Unprocessable(
            "a checkpoint of size 0 must have the root of the empty tree".into(),
        ));
    }
    let old_root = now.map_or(EMPTY_ROOT, |l| l.root);
    if req.old_size == 0 {
        if !req.proof.is_empty() {
            return Err(Refusal::Unprocessable(
                "the consistency proof from size 0 must be empty".into(),
            ));
        }
        return Ok(cp);
    }
    if req.old_size == cp.size {
        if old_root != cp.root {
            return Err(Refusal::Unprocessable(format!(
                "the checkpoint's root at size {} differs from the one this witness cosigned: the log forked",
                cp.size
            )));
        }
        if !req.proof.is_empty() {
            return Err(Refusal::Unprocessable(
                "the consistency proof between equal sizes must be empty".into(),
            ));
        }
        return Ok(cp);
    }
    merkle::verify_consistency(req.old_size, cp.size, &old_root, &cp.root, &req.proof).map_err(
        |e| {
            Refusal::Unprocessable(format!(
                "the consistency proof from size {} to {} does not verify ({e}): the checkpoint does not extend the tree this witness cosigned",
                req.old_size, cp.size
            ))
        },
    )?;
    Ok(cp)
}

/// The request body a log sends: `old <size>`, the proof, an empty line,
/// the note.
#[must_use]
pub fn add_checkpoint_body(old_size: u64, proof: &[Hash], note: &str) -> String {
    let mut out = format!("old {old_size}\n");
    for h in proof {
        out.push_str(&STANDARD.encode(h));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(note);
    out
}

/// The lowercase hex SHA-256 of a log's origin: the name of the
/// witness's monitoring path `/<origin hash>/checkpoint`, and of its state
/// file for that log.
#[must_use]
pub fn origin_hash(origin: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(origin.as_bytes()))
}

/// Parses a 409 answer's body: a decimal size and a newline.
#[must_use]
pub fn parse_size_body(body: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(body).ok()?;
    parse_decimal(s.strip_suffix('\n')?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signed_note::SignerKey;
    use ed25519_dalek::SigningKey;

    fn log_key(seed: u8) -> SignerKey {
        SignerKey::new("temoin.example/log", SigningKey::from_bytes(&[seed; 32])).unwrap()
    }

    fn leaves(n: u64, salt: u8) -> Vec<Hash> {
        (0..n)
            .map(|i| merkle::leaf_hash(&[salt, i as u8]))
            .collect()
    }

    fn note_at(n: u64, salt: u8, key: &SignerKey) -> (String, Hash) {
        let root = merkle::root_of(&leaves(n, salt));
        (
            Checkpoint::new("temoin.example/log", n, root)
                .sign(key)
                .unwrap(),
            root,
        )
    }

    #[test]
    fn parses_the_spec_example_shape() {
        let (note, _) = note_at(3, 0, &log_key(1));
        let proof = [[1u8; 32], [2u8; 32]];
        let body = add_checkpoint_body(2, &proof, &note);
        let req = parse_add_checkpoint(body.as_bytes()).unwrap();
        assert_eq!(req.old_size, 2);
        assert_eq!(req.proof, proof);
        assert_eq!(req.note, note);
        for bad in [
            "".to_owned(),
            "old 1\n".to_owned(),
            format!("old 01\n\n{note}"),
            format!("old -1\n\n{note}"),
            format!("old 1 \n\n{note}"),
            format!("new 1\n\n{note}"),
            format!("old 1\nAAAA\n\n{note}"),
            format!("old 1\n!!\n\n{note}"),
            "old 1\n\n".to_owned(),
            format!(
                "old 1\n{}\n{note}",
                "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n".repeat(64)
            ),
        ] {
            assert!(
                matches!(
                    parse_add_checkpoint(bad.as_bytes()),
                    Err(Refusal::BadRequest(_))
                ),
                "{bad:?}"
            );
        }
        assert!(parse_add_checkpoint(&[0xff, b'\n']).is_err());
        assert_eq!(parse_size_body(b"17\n"), Some(17));
        assert_eq!(parse_size_body(b"017\n"), None);
        assert_eq!(parse_size_body(b"17"), None);
    }

    #[test]
    fn decisions_follow_the_spec() {
        let k = log_key(1);
        let logs = [LogKey::named(k.verifier_key())];
        let all = leaves(8, 0);
        let (n5, r5) = note_at(5, 0, &k);
        let (n8, r8) = note_at(8, 0, &k);
        // First contact: old 0, no proof.
        let req = |old, proof: Vec<Hash>, note: &str| AddCheckpoint {
            old_size: old,
            proof,
            note: note.to_owned(),
        };
        let cp = decide(&req(0, vec![], &n5), &logs, |_| None).unwrap();
        assert_eq!((cp.size, cp.root), (5, r5));
        let latest5 = || Some(Latest { size: 5, root: r5 });
        // Stale old size: 409 with the witness's size.
        assert_eq!(
            decide(&req(0, vec![], &n8), &logs, |_| latest5()).unwrap_err(),
            Refusal::Conflict { old: 0, latest: 5 }
        );
        // A good proof from 5 to 8.
        let proof = merkle::consistency_proof_naive(&all, 5).unwrap();
        let cp = decide(&req(5, proof.clone(), &n8), &logs, |_| latest5()).unwrap();
        assert_eq!(cp.root, r8);
        // A bad proof: 422.
        let mut broken = proof.clone();
        broken[0][0] ^= 1;
        assert_eq!(
            decide(&req(5, broken, &n8), &logs, |_| latest5())
                .unwrap_err()
                .status(),
            422
        );
        // A fork: same key, same origin, other history, with its own valid proof.
        let (fork8, _) = note_at(8, 9, &k);
        let fork_proof = merkle::consistency_proof_naive(&leaves(8, 9), 5).unwrap();
        assert_eq!(
            decide(&req(5, fork_proof, &fork8), &logs, |_| latest5())
                .unwrap_err()
                .status(),
            422
        );
        let (fork5, _) = note_at(5, 9, &k);
        assert_eq!(
            decide(&req(5, vec![], &fork5), &logs, |_| latest5())
                .unwrap_err()
                .status(),
            422
        );
        // Same checkpoint again: fine.
        assert!(decide(&req(5, vec![], &n5), &logs, |_| latest5()).is_ok());
        // Old > size: 400.
        assert_eq!(
            decide(&req(9, vec![], &n8), &logs, |_| latest5())
                .unwrap_err()
                .status(),
            400
        );
        // Non-empty proof from 0: 422.
        assert_eq!(
            decide(&req(0, vec![[0; 32]], &n5), &logs, |_| None)
                .unwrap_err()
                .status(),
            422
        );
        // Size 0 with a non-empty root: 422.
        let bad0 = Checkpoint::new("temoin.example/log", 0, [1; 32])
            .sign(&k)
            .unwrap();
        assert_eq!(
            decide(&req(0, vec![], &bad0), &logs, |_| None)
                .unwrap_err()
                .status(),
            422
        );
        // Unknown origin: 404; signed by another key: 403.
        let other = SignerKey::new("other.example/log", SigningKey::from_bytes(&[3; 32])).unwrap();
        let on = Checkpoint::new("other.example/log", 1, [0; 32])
            .sign(&other)
            .unwrap();
        assert_eq!(
            decide(&req(0, vec![], &on), &logs, |_| None)
                .unwrap_err()
                .status(),
            404
        );
        let (impostor, _) = note_at(5, 0, &log_key(2));
        assert_eq!(
            decide(&req(0, vec![], &impostor), &logs, |_| None)
                .unwrap_err()
                .status(),
            403
        );
        // A bad signature by the trusted key: 403.
        let mut forged = n5.clone().into_bytes();
        let at = forged.len() - 5;
        forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        assert_eq!(
            decide(&req(0, vec![], &forged), &logs, |_| None)
                .unwrap_err()
                .status(),
            403
        );
        // Not a checkpoint at all: 400.
        assert_eq!(
            decide(&req(0, vec![], "hello\n"), &logs, |_| None)
                .unwrap_err()
                .status(),
            400
        );
    }

    /// A real checkpoint of Go's checksum database (from litewitness's
    /// test data): origin `go.sum database tree`, signed by the key
    /// `sum.golang.org`, whose name is not the origin.
    #[test]
    fn a_sumdb_checkpoint_is_witnessed_under_its_origin() {
        let note = "go.sum database tree\n35225469\nvt5T6GaLCXvyHFl9VUvvItR43XZxfLgftEcTyO3eJCQ=\n\n\u{2014} sum.golang.org Az3grpukl5AXaVfYkLiDGORx/DN2nlcS5kZHR5uYOBV2KA2HgXpD+gu9HHONebHLAyaKbbTM75QTtPydhKCExixSfwQ=\n";
        let key = VerifierKey::parse(
            "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
        )
        .unwrap();
        let log = LogKey {
            origin: "go.sum database tree".into(),
            key: key.clone(),
        };
        let req = parse_add_checkpoint(format!("old 0\n\n{note}").as_bytes()).unwrap();
        let cp = decide(&req, std::slice::from_ref(&log), |_| None).unwrap();
        assert_eq!(cp.size, 35_225_469);
        assert_eq!(log.open(note).unwrap(), cp);
        // Under the key's name as origin, it is another log: 404.
        assert_eq!(
            decide(&req, &[LogKey::named(key)], |_| None)
                .unwrap_err()
                .status(),
            404
        );
    }
}
