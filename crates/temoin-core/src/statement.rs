//! Statements: what an author signs (DESIGN §1, docs/FORMAT.md §3).
//!
//! A statement is a small signed *body* that commits to its *parts*: the
//! content (an account, structured claims, a witness's identity) lives
//! outside the body, each part committed by a salted digest. The body's exact
//! bytes are what the author signed and are kept verbatim forever.

use crate::encoding::{self, DecodeError, MAX_BODY_BYTES};
use crate::hash::{part_digest, sha256, Digest};
use crate::keys::{PublicKey, SecretKey};
use bincode::{Decode, Encode};
use ed25519_dalek::VerifyingKey;
use rand::RngCore;
use std::fmt;

/// Format version carried by every v1 body.
pub const BODY_VERSION: u16 = 1;
/// Prefix of the signed message: `STATEMENT_DOMAIN || body_bytes`.
pub const STATEMENT_DOMAIN: &[u8] = b"temoin/statement/v1\0";
/// At most this many parts per statement.
pub const MAX_PARTS: usize = 32;
/// At most this many refs per statement.
pub const MAX_REFS: usize = 64;
/// Longest part label.
pub const MAX_LABEL_LEN: usize = 32;

/// What a statement is. Encoded as a `u32` (the variant's number below);
/// numbers are fixed forever, new kinds only ever get new numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Encode, Decode, PartialOrd, Ord)]
pub enum Kind {
    /// Entry 0: the archive's origin and first custodian.
    Genesis = 0,
    /// A custodian enrols a key with a role.
    Enroll = 1,
    /// A custodian revokes a key.
    Revoke = 2,
    /// A free-text note.
    Note = 3,
    /// An incident record (an ESF event).
    Incident = 4,
    /// A testimony about one or more incidents.
    Testimony = 5,
    /// A new version of a testimony or incident record.
    Amendment = 6,
    /// A testimony withdrawn.
    Retraction = 7,
    /// A reviewer's annotation on a statement.
    Annotation = 8,
    /// Two incident records found to be the same event.
    Merge = 9,
    /// A published figure over several incidents.
    SummaryClaim = 10,
    /// A custodian's order to erase one part of a statement.
    Redaction = 11,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Genesis,
        Kind::Enroll,
        Kind::Revoke,
        Kind::Note,
        Kind::Incident,
        Kind::Testimony,
        Kind::Amendment,
        Kind::Retraction,
        Kind::Annotation,
        Kind::Merge,
        Kind::SummaryClaim,
        Kind::Redaction,
    ];

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Genesis => "genesis",
            Kind::Enroll => "enroll",
            Kind::Revoke => "revoke",
            Kind::Note => "note",
            Kind::Incident => "incident",
            Kind::Testimony => "testimony",
            Kind::Amendment => "amendment",
            Kind::Retraction => "retraction",
            Kind::Annotation => "annotation",
            Kind::Merge => "merge",
            Kind::SummaryClaim => "summary-claim",
            Kind::Redaction => "redaction",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Kinds that change who may sign what. Their payloads may never be
    /// redacted: the audit needs them to replay authority.
    pub fn is_registry(self) -> bool {
        matches!(self, Kind::Genesis | Kind::Enroll | Kind::Revoke)
    }
}

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The commitment to one part: its label, salted digest and length.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct PartCommitment {
    pub label: String,
    pub digest: [u8; 32],
    pub length: u64,
}

/// What the author signs.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct StatementBody {
    pub version: u16,
    /// Random, chosen by the author: two statements with the same content
    /// still have different hashes.
    pub id: [u8; 16],
    pub author: [u8; 32],
    /// The author's claimed creation time, unix milliseconds.
    pub created_at: i64,
    pub kind: Kind,
    /// Statement hashes this one refers to (what it amends, retracts,
    /// annotates...). Their meaning depends on the kind (docs/DOMAIN.md).
    pub refs: Vec<[u8; 32]>,
    pub parts: Vec<PartCommitment>,
}

/// Why a body is not well formed, independent of any archive.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum BodyError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("unsupported statement version {0} (this build reads version {BODY_VERSION})")]
    Version(u16),
    #[error("{count} parts, over the limit of {MAX_PARTS}")]
    TooManyParts { count: usize },
    #[error("{count} refs, over the limit of {MAX_REFS}")]
    TooManyRefs { count: usize },
    #[error("part label {label:?} is not 1-{MAX_LABEL_LEN} characters of a-z, 0-9, '-' or '_', optionally followed by .age or .to (a sealed part's companions) or .type (its media type)")]
    BadLabel { label: String },
    #[error("part {label:?} is a companion, but {missing:?} is not committed (a sealed part L commits L, L.age and L.to; a media type L.type goes with L)")]
    LoneCompanion { label: String, missing: String },
    #[error("the payload part cannot be sealed nor have a media type: authority and projections are computed from it")]
    SealedPayload,
    #[error("the payload part commits {length} bytes, over the limit of {limit}: the rules read it in memory")]
    PayloadTooLarge { length: u64, limit: u64 },
    #[error("part label {label:?} appears twice")]
    DuplicateLabel { label: String },
    #[error("ref {hash} appears twice")]
    DuplicateRef { hash: Digest },
    #[error("the entry wrapping this statement would be {len} bytes, over the limit of {limit} (every entry must fit a tlog-tiles entry bundle): put large content in parts/attachments, not in the signed body")]
    EntryTooLarge { len: usize, limit: usize },
}

/// Whether a body of these bytes fits an entry (DESIGN §11): its entry
/// must be at most [`crate::entry::MAX_ENTRY_BYTES`].
pub fn check_entry_size(body_bytes: &[u8]) -> Result<(), BodyError> {
    let len = crate::entry::entry_len(body_bytes.len());
    if len > crate::entry::MAX_ENTRY_BYTES {
        return Err(BodyError::EntryTooLarge {
            len,
            limit: crate::entry::MAX_ENTRY_BYTES,
        });
    }
    Ok(())
}

/// A base label, or a base label and a sealed part's companion suffix.
fn valid_label(label: &str) -> bool {
    let base = crate::seal::split_label(label).0;
    !base.is_empty()
        && base.len() <= MAX_LABEL_LEN
        && base
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

impl StatementBody {
    /// Decode and check a body: canonical bytes, version, limits, labels.
    pub fn decode(bytes: &[u8]) -> Result<StatementBody, BodyError> {
        let body: StatementBody =
            encoding::decode_canonical(bytes, MAX_BODY_BYTES, "statement body")?;
        body.check_shape()?;
        Ok(body)
    }

    /// [`StatementBody::decode`] of a body bound for an entry: also refused
    /// if its entry would exceed [`crate::entry::MAX_ENTRY_BYTES`] (a body
    /// over the decoding limit is refused as such first).
    pub fn decode_for_entry(bytes: &[u8]) -> Result<StatementBody, BodyError> {
        if bytes.len() <= MAX_BODY_BYTES {
            check_entry_size(bytes)?;
        }
        StatementBody::decode(bytes)
    }

    /// The structural rules every body obeys, whatever its kind.
    pub fn check_shape(&self) -> Result<(), BodyError> {
        if self.version != BODY_VERSION {
            return Err(BodyError::Version(self.version));
        }
        if self.parts.len() > MAX_PARTS {
            return Err(BodyError::TooManyParts {
                count: self.parts.len(),
            });
        }
        if self.refs.len() > MAX_REFS {
            return Err(BodyError::TooManyRefs {
                count: self.refs.len(),
            });
        }
        for (i, p) in self.parts.iter().enumerate() {
            if !valid_label(&p.label) {
                return Err(BodyError::BadLabel {
                    label: p.label.clone(),
                });
            }
            if self.parts[..i].iter().any(|q| q.label == p.label) {
                return Err(BodyError::DuplicateLabel {
                    label: p.label.clone(),
                });
            }
        }
        self.check_companions()?;
        if let Some(p) = self.part(crate::registry::PAYLOAD) {
            if p.length > crate::attach::MAX_PAYLOAD_BYTES {
                return Err(BodyError::PayloadTooLarge {
                    length: p.length,
                    limit: crate::attach::MAX_PAYLOAD_BYTES,
                });
            }
        }
        for (i, r) in self.refs.iter().enumerate() {
            if self.refs[..i].contains(r) {
                return Err(BodyError::DuplicateRef { hash: Digest(*r) });
            }
        }
        Ok(())
    }

    /// A sealed part `L` commits `L`, `L.age` and `L.to`, all three; a
    /// media type `L.type` goes with `L`; the payload has no companion.
    fn check_companions(&self) -> Result<(), BodyError> {
        use crate::seal::{ciphertext_label, readers_label, split_label, Companion};
        for p in &self.parts {
            let (base, companion) = split_label(&p.label);
            let Some(companion) = companion else {
                continue;
            };
            if base == crate::registry::PAYLOAD {
                return Err(BodyError::SealedPayload);
            }
            let needed = match companion {
                Companion::MediaType => vec![base.to_string()],
                Companion::Ciphertext | Companion::Readers => vec![
                    base.to_string(),
                    ciphertext_label(base),
                    readers_label(base),
                ],
            };
            for needed in needed {
                if self.part(&needed).is_none() {
                    return Err(BodyError::LoneCompanion {
                        label: p.label.clone(),
                        missing: needed,
                    });
                }
            }
        }
        Ok(())
    }

    pub fn part(&self, label: &str) -> Option<&PartCommitment> {
        self.parts.iter().find(|p| p.label == label)
    }

    pub fn refs(&self) -> impl Iterator<Item = Digest> + '_ {
        self.refs.iter().map(|r| Digest(*r))
    }
}

/// A body and its author's signature, exactly as signed.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SignedStatement {
    pub body_bytes: Vec<u8>,
    pub signature: [u8; 64],
}

impl SignedStatement {
    /// `SHA-256(signed_statement_bytes)`: the statement's name everywhere.
    pub fn hash(&self) -> Digest {
        sha256(&[&encoding::encode(self)])
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::encode(self)
    }

    /// The message the author signed.
    pub fn signed_message(body_bytes: &[u8]) -> Vec<u8> {
        let mut m = Vec::with_capacity(STATEMENT_DOMAIN.len() + body_bytes.len());
        m.extend_from_slice(STATEMENT_DOMAIN);
        m.extend_from_slice(body_bytes);
        m
    }

    /// Check the signature against the body's author: ed25519-dalek's
    /// `verify_strict`, the verdict FORMAT.md §1.2 names. Keys that are not
    /// canonical points or are of small order are refused before any curve
    /// arithmetic.
    pub fn verify_signature(&self, body: &StatementBody) -> Result<(), SignatureFault> {
        let signature = ed25519_dalek::Signature::from_bytes(&self.signature);
        let message = Self::signed_message(&self.body_bytes);
        with_author_key(&body.author, |key| {
            key.verify_strict(&message, &signature).is_ok()
        })?
        .then_some(())
        .ok_or(SignatureFault::Invalid)
    }
}

/// Most threads that verify see the same few authors again and again.
const KEY_CACHE_MAX: usize = 4096;

/// Author key bytes -> the verdict of `parse_author_key` on them.
type KeyCache = std::collections::HashMap<[u8; 32], Result<VerifyingKey, SignatureFault>>;

thread_local! {
    static KEY_CACHE: std::cell::RefCell<KeyCache> = std::cell::RefCell::new(KeyCache::new());
}

/// `f` of the author's key, ready to verify with: a valid, canonical, not
/// weak point. Parsing costs point decompressions and a compression (a
/// fifth of a verification), so each thread keeps the verdicts of the
/// keys it has seen: a pure function of the 32 bytes, cached.
fn with_author_key<T>(
    bytes: &[u8; 32],
    f: impl FnOnce(&VerifyingKey) -> T,
) -> Result<T, SignatureFault> {
    KEY_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= KEY_CACHE_MAX && !c.contains_key(bytes) {
            c.clear();
        }
        let key = c.entry(*bytes).or_insert_with(|| parse_author_key(bytes));
        Ok(f(key.as_ref().map_err(|e| *e)?))
    })
}

fn parse_author_key(bytes: &[u8; 32]) -> Result<VerifyingKey, SignatureFault> {
    let key = PublicKey::from_bytes(bytes).map_err(|_| SignatureFault::BadKey)?;
    if key.is_weak() {
        return Err(SignatureFault::WeakKey);
    }
    Ok(key.verifying_key())
}

/// Why a signature does not verify.
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum SignatureFault {
    #[error("the author key is not a valid Ed25519 point")]
    BadKey,
    #[error("the author key is a weak (small-order) Ed25519 key")]
    WeakKey,
    #[error("the signature does not verify (verify_strict) over the body")]
    Invalid,
}

/// A part's salt: 32 bytes from the operating system's secure generator,
/// fresh for every part (docs/FORMAT.md §3.4).
pub fn fresh_salt() -> [u8; 32] {
    let mut salt = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    salt
}

/// One part's content, with the salt that hides it.
#[derive(Clone, PartialEq, Eq, Encode, Decode)]
pub struct Part {
    pub label: String,
    pub salt: [u8; 32],
    pub content: Vec<u8>,
}

impl fmt::Debug for Part {
    // Parts can hold a witness's identity: never print their content in
    // debug output or logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("label", &self.label)
            .field("length", &self.content.len())
            .finish_non_exhaustive()
    }
}

impl Part {
    /// A part with a fresh random salt.
    pub fn new(label: impl Into<String>, content: Vec<u8>) -> Part {
        Part {
            label: label.into(),
            salt: fresh_salt(),
            content,
        }
    }

    pub fn digest(&self) -> Digest {
        part_digest(&self.salt, &self.content)
    }

    pub fn commitment(&self) -> PartCommitment {
        PartCommitment {
            label: self.label.clone(),
            digest: self.digest().0,
            length: self.content.len() as u64,
        }
    }
}

/// What an author builds before signing: kind, refs and parts.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: Kind,
    pub refs: Vec<Digest>,
    pub parts: Vec<Part>,
    /// Claimed creation time; `None` = now.
    pub created_at: Option<i64>,
    /// Statement id; `None` = random. Fixed only for test vectors.
    pub id: Option<[u8; 16]>,
    /// Commitments of sealed parts: signed, but their content travels only
    /// as the ciphertext companion among `parts`.
    pub sealed: Vec<PartCommitment>,
}

impl Draft {
    pub fn new(kind: Kind) -> Draft {
        Draft {
            kind,
            refs: Vec::new(),
            parts: Vec::new(),
            created_at: None,
            id: None,
            sealed: Vec::new(),
        }
    }

    /// Seal the part `label` to `readers` (docs/FORMAT.md §3.8): its
    /// commitment stays, its content is replaced by the companions
    /// `label.age` (the ciphertext) and `label.to` (the readers), and the
    /// plaintext is wiped from memory.
    pub fn seal(
        mut self,
        label: &str,
        readers: &[crate::seal::Recipient],
    ) -> Result<Draft, crate::seal::SealError> {
        use crate::seal::{ciphertext_label, readers_content, readers_label, seal};
        let i = self
            .parts
            .iter()
            .position(|p| p.label == label)
            .ok_or_else(|| crate::seal::SealError::NoSuchPart(label.to_string()))?;
        if label == crate::registry::PAYLOAD {
            return Err(crate::seal::SealError::Payload);
        }
        let ciphertext = seal(&self.parts[i], readers)?;
        let mut plain = self.parts.remove(i);
        self.sealed.push(plain.commitment());
        zeroize::Zeroize::zeroize(&mut plain.content);
        self.parts
            .push(Part::new(ciphertext_label(label), ciphertext));
        self.parts
            .push(Part::new(readers_label(label), readers_content(readers)));
        Ok(self)
    }

    pub fn part(mut self, label: &str, content: impl Into<Vec<u8>>) -> Draft {
        self.parts.push(Part::new(label, content.into()));
        self
    }

    pub fn reference(mut self, hash: Digest) -> Draft {
        self.refs.push(hash);
        self
    }

    /// Sign the draft: the result can travel as a statement file.
    pub fn sign(self, key: &SecretKey) -> Result<StatementFile, BodyError> {
        self.sign_with(key, Vec::new())
    }

    /// Sign the draft, committing also to `streamed`: parts whose content
    /// is not in memory (attachments) and travels beside the returned
    /// file's parts (`tms::write`). Their commitments come last in the
    /// body.
    pub fn sign_with(
        self,
        key: &SecretKey,
        streamed: Vec<PartCommitment>,
    ) -> Result<StatementFile, BodyError> {
        let id = self.id.unwrap_or_else(|| {
            let mut id = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut id);
            id
        });
        let body = StatementBody {
            version: BODY_VERSION,
            id,
            author: key.public().to_bytes(),
            created_at: self.created_at.unwrap_or_else(crate::time::now_ms),
            kind: self.kind,
            refs: self.refs.iter().map(|d| d.0).collect(),
            parts: (self.sealed.iter().cloned())
                .chain(self.parts.iter().map(Part::commitment))
                .chain(streamed)
                .collect(),
        };
        body.check_shape()?;
        let body_bytes = encoding::encode(&body);
        if body_bytes.len() > MAX_BODY_BYTES {
            return Err(BodyError::Decode(DecodeError::TooLarge {
                what: "statement body",
                len: body_bytes.len(),
                limit: MAX_BODY_BYTES,
            }));
        }
        check_entry_size(&body_bytes)?;
        let signature = key.sign(&SignedStatement::signed_message(&body_bytes));
        Ok(StatementFile {
            magic: STATEMENT_FILE_MAGIC,
            statement: SignedStatement {
                body_bytes,
                signature,
            },
            parts: self.parts,
        })
    }
}

/// First bytes of a `.tms` statement file.
pub const STATEMENT_FILE_MAGIC: [u8; 8] = *b"TEMOIN\x01S";
/// Largest statement file accepted.
pub const MAX_STATEMENT_FILE_BYTES: usize = 64 * 1024 * 1024;

/// A `.tms` file: a signed statement with its parts, ready to travel.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct StatementFile {
    pub magic: [u8; 8],
    pub statement: SignedStatement,
    pub parts: Vec<Part>,
}

impl StatementFile {
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::encode(self)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<StatementFile, DecodeError> {
        if bytes.len() >= 8 && bytes[..8] != STATEMENT_FILE_MAGIC {
            return Err(DecodeError::Malformed {
                what: "statement file",
                reason: "it does not start with the temoin statement magic (is it a .tms file?)"
                    .into(),
            });
        }
        encoding::decode_canonical(bytes, MAX_STATEMENT_FILE_BYTES, "statement file")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Good signatures verify, altered ones and ones over another author
    /// do not, and keys that are not points or of small order are refused
    /// as such, again and again (from the cache).
    #[test]
    fn signature_verdicts() {
        let key = SecretKey::from_seed("author", &[7; 32]).unwrap();
        let other = SecretKey::from_seed("other", &[8; 32]).unwrap();
        for i in 0..40 {
            let f = Draft::new(Kind::Note)
                .part("text", format!("note {i}"))
                .sign(&key)
                .unwrap();
            let body = StatementBody::decode(&f.statement.body_bytes).unwrap();
            assert_eq!(f.statement.verify_signature(&body), Ok(()), "note {i}");
            let mut bad = f.statement.clone();
            bad.signature[i % 64] ^= 0x20;
            assert_eq!(
                bad.verify_signature(&body),
                Err(SignatureFault::Invalid),
                "note {i}, altered"
            );
            let mut forged = body.clone();
            forged.author = other.public().to_bytes();
            assert_eq!(
                f.statement.verify_signature(&forged),
                Err(SignatureFault::Invalid)
            );
            // The identity point (small order) and a y that is no point.
            let mut weak = body.clone();
            weak.author = [0; 32];
            weak.author[0] = 1;
            assert_eq!(
                f.statement.verify_signature(&weak),
                Err(SignatureFault::WeakKey)
            );
            let mut not_a_point = body.clone();
            not_a_point.author = [0xff; 32];
            assert!(matches!(
                f.statement.verify_signature(&not_a_point),
                Err(SignatureFault::BadKey) | Err(SignatureFault::WeakKey)
            ));
        }
    }
}
