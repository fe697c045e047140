//! Witness cosignatures on checkpoints: C2SP
//! [`tlog-cosignature`](https://c2sp.org/tlog-cosignature) v1 (Ed25519,
//! signature type `0x04`), and the witness policy a verifier applies
//! (docs/FORMAT.md §6.1).
//!
//! A cosignature is one more signature line on the archive's checkpoint
//! note, by a witness key:
//!
//! ```text
//! — <witness name> base64( key ID (4) || timestamp (8, big-endian) || Ed25519 signature (64) )
//! ```
//!
//! * key ID: `SHA-256(name || 0x0A || 0x04 || public key (32))[..4]`;
//! * signed message: `"cosignature/v1\n" || "time " || decimal(timestamp) ||
//!   "\n" || checkpoint body` (the body with its final newline, without any
//!   signature line);
//! * witness verifier key (vkey): `name+hex8(key ID)+base64(0x04 || public key)`;
//! * witness secret key: `PRIVATE+KEY+name+hex8(key ID)+base64(0x04 || seed)`
//!   (the form `transparency-dev/formats`' `NewSignerForCosignatureV1` reads).
//!
//! A verifier that only knows the archive's key ignores these lines, as
//! signed-note requires of lines by unknown keys: cosigned checkpoints
//! verify with every existing verifier.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::signed_note::{
    check_control_chars, check_key_name, check_verifying_key, key_id_of_typed,
    parse_signature_line, parse_typed_skey, parse_typed_vkey, snippet, NoteError, TypedKeyError,
    VerifierKey, MAX_SIGNATURES,
};

/// Signature type byte of timestamped Ed25519 cosignatures (signed-note).
pub const COSIGNATURE_V1_TYPE: u8 = 0x04;

/// Decoded length of a cosignature line's payload: key ID, timestamp, signature.
pub const COSIGNATURE_PAYLOAD_LEN: usize = 4 + 8 + 64;

/// The header line of the signed message.
pub const COSIGNATURE_V1_HEADER: &str = "cosignature/v1\n";

const SKEY_PREFIX: &str = "PRIVATE+KEY+";
const EM_DASH_PREFIX: &str = "\u{2014} ";

/// What can go wrong with witness keys, cosignatures and witness policies.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CosignatureError {
    /// The key string is malformed (shape, name, key ID, base64, length, point).
    #[error("witness key: {0}")]
    Key(NoteError),
    /// A key of another signature type where a witness key (0x04) is expected.
    #[error("{what} has signature type 0x{found:02x}; a witness key has type 0x04 (C2SP tlog-cosignature/v1, Ed25519){hint}")]
    NotAWitnessKey {
        /// "witness verifier key" or "witness secret key".
        what: &'static str,
        /// The type byte found.
        found: u8,
        /// A hint when the type is 0x01.
        hint: &'static str,
    },
    /// The checkpoint itself does not verify with the archive's key.
    #[error("{0}")]
    Checkpoint(#[from] CheckpointError),
    /// A line by a configured witness does not decode to 4 + 8 + 64 bytes.
    #[error("cosignature on line {line} by witness {name:?} ({key_id:08x}) decodes to {found} bytes, a tlog-cosignature/v1 line needs exactly 76 (4-byte key ID + 8-byte timestamp + 64-byte signature)")]
    Length {
        /// 1-based line number in the note.
        line: usize,
        /// Witness name.
        name: String,
        /// Key ID.
        key_id: u32,
        /// Decoded length.
        found: usize,
    },
    /// A cosignature's timestamp is above 2^63 - 1.
    #[error(
        "cosignature on line {line} by witness {name:?} has timestamp {timestamp}, above 2^63 - 1"
    )]
    Timestamp {
        /// 1-based line number.
        line: usize,
        /// Witness name.
        name: String,
        /// The timestamp.
        timestamp: u64,
    },
    /// A cosignature by a configured witness does not verify.
    #[error("invalid cosignature on line {line} by witness {name:?} ({key_id:08x}): Ed25519 verification failed (the note is refused whole, as signed-note says)")]
    BadCosignature {
        /// 1-based line number.
        line: usize,
        /// Witness name.
        name: String,
        /// Key ID.
        key_id: u32,
    },
    /// The same witness key given twice, or two keys with one name and key ID.
    #[error("witness key {name}+{key_id:08x} is given twice")]
    DuplicateWitness {
        /// Witness name.
        name: String,
        /// Key ID.
        key_id: u32,
    },
    /// A threshold of 0, or above the number of witnesses.
    #[error("witness threshold {threshold} is not between 1 and the number of witness keys given ({witnesses})")]
    Threshold {
        /// The threshold asked.
        threshold: usize,
        /// Witness keys given.
        witnesses: usize,
    },
    /// Fewer valid cosignatures from distinct given witnesses than the threshold.
    #[error("the checkpoint (size {size}) has {have} valid cosignature(s) from the given witnesses, {need} required; missing: {}", missing.join(", "))]
    NotEnough {
        /// The checkpoint's tree size.
        size: u64,
        /// Distinct witnesses that cosigned.
        have: usize,
        /// The threshold.
        need: usize,
        /// The witnesses (name+key ID) whose cosignature is missing.
        missing: Vec<String>,
    },
    /// Signature lines to add are malformed.
    #[error("signature lines to add: {0}")]
    Lines(NoteError),
}

/// A witness's public key (cosignature/v1, Ed25519).
#[derive(Clone, PartialEq, Eq)]
pub struct WitnessKey {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl fmt::Debug for WitnessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WitnessKey({self})")
    }
}

fn typed(key: &[u8; 32]) -> [u8; 33] {
    let mut out = [0u8; 33];
    let [ty, rest @ ..] = &mut out;
    *ty = COSIGNATURE_V1_TYPE;
    *rest = *key;
    out
}

/// A witness key refused by the shared key parser, in the witness's words.
fn typed_key_error(e: TypedKeyError, what: &'static str) -> CosignatureError {
    match e {
        TypedKeyError::Note(e) => CosignatureError::Key(e),
        TypedKeyError::Type(found) => CosignatureError::NotAWitnessKey {
            what,
            found,
            hint: type_hint(found),
        },
    }
}

fn type_hint(found: u8) -> &'static str {
    if found == crate::signed_note::ED25519_SIG_TYPE {
        " (this is a plain Ed25519 note key, type 0x01, such as an archive's checkpoint key; a witness key is made by `temoin witness key generate`)"
    } else {
        ""
    }
}

impl WitnessKey {
    /// A witness key from a name and an Ed25519 public key.
    ///
    /// # Errors
    ///
    /// [`CosignatureError::Key`]: invalid name, non-canonical or weak key.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, CosignatureError> {
        check_key_name(name).map_err(|reason| {
            CosignatureError::Key(NoteError::InvalidKeyName {
                name: snippet(name),
                reason,
            })
        })?;
        let key = check_verifying_key(name, key.as_bytes()).map_err(CosignatureError::Key)?;
        Ok(WitnessKey {
            name: name.to_owned(),
            key_id: key_id_of_typed(name, &typed(key.as_bytes())),
            key,
        })
    }

    /// Parses `name+hex8(key ID)+base64(0x04 || public key)`.
    ///
    /// # Errors
    ///
    /// [`CosignatureError::Key`] naming the first problem, or
    /// [`CosignatureError::NotAWitnessKey`] for a type byte other than 0x04.
    pub fn parse(vkey: &str) -> Result<Self, CosignatureError> {
        const WHAT: &str = "witness verifier key";
        let (name, key_id, key) = parse_typed_vkey(vkey, WHAT, COSIGNATURE_V1_TYPE)
            .map_err(|e| typed_key_error(e, WHAT))?;
        Ok(WitnessKey { name, key_id, key })
    }

    /// The witness's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID (type 0x04).
    #[must_use]
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    #[must_use]
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// `name+hex8(key ID)`, how messages name a witness.
    #[must_use]
    pub fn label(&self) -> String {
        format!("{}+{:08x}", self.name, self.key_id)
    }

    /// Checks one cosignature payload (after the key ID: timestamp and
    /// signature) over `body`; returns the timestamp.
    fn verify_payload(&self, body: &str, payload: &[u8]) -> Option<u64> {
        let (ts, sig) = payload.split_first_chunk::<8>()?;
        let sig: &[u8; 64] = sig.try_into().ok()?;
        let timestamp = u64::from_be_bytes(*ts);
        let msg = cosigned_message(body, timestamp);
        self.key
            .verify_strict(msg.as_bytes(), &Signature::from_bytes(sig))
            .ok()
            .map(|()| timestamp)
    }
}

impl fmt::Display for WitnessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(typed(self.key.as_bytes()))
        )
    }
}

impl std::str::FromStr for WitnessKey {
    type Err = CosignatureError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WitnessKey::parse(s)
    }
}

/// The message a cosignature/v1 signs: the header line, the time line and
/// the checkpoint body (final newline included).
#[must_use]
pub fn cosigned_message(body: &str, timestamp: u64) -> String {
    format!("{COSIGNATURE_V1_HEADER}time {timestamp}\n{body}")
}

/// A witness's secret key. Not `Clone`, not `Display`; zeroized on drop.
pub struct WitnessSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl fmt::Debug for WitnessSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WitnessSigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .field("key", &"<redacted>")
            .finish()
    }
}

impl WitnessSigner {
    /// A witness signer from a name and an Ed25519 key.
    ///
    /// # Errors
    ///
    /// [`CosignatureError::Key`] for an invalid name.
    pub fn new(name: &str, key: SigningKey) -> Result<Self, CosignatureError> {
        let vk = WitnessKey::new(name, key.verifying_key())?;
        Ok(WitnessSigner {
            name: vk.name,
            key_id: vk.key_id,
            key,
        })
    }

    /// A fresh witness key.
    ///
    /// # Errors
    ///
    /// As [`WitnessSigner::new`].
    pub fn generate<R: rand::CryptoRng + rand::RngCore>(
        name: &str,
        rng: &mut R,
    ) -> Result<Self, CosignatureError> {
        WitnessSigner::new(name, SigningKey::generate(rng))
    }

    /// Parses `PRIVATE+KEY+name+hex8(key ID)+base64(0x04 || seed)`. Errors
    /// never quote key material.
    ///
    /// # Errors
    ///
    /// [`CosignatureError::Key`] or [`CosignatureError::NotAWitnessKey`].
    pub fn parse(skey: &str) -> Result<Self, CosignatureError> {
        const WHAT: &str = "witness secret key";
        let (name, _, key) = parse_typed_skey(skey, WHAT, COSIGNATURE_V1_TYPE)
            .map_err(|e| typed_key_error(e, WHAT))?;
        WitnessSigner::new(&name, key)
    }

    /// Parses a key file's text: comment (`#`) and blank lines skipped,
    /// exactly one key line.
    ///
    /// # Errors
    ///
    /// As [`WitnessSigner::parse`]; a file with no or several key lines.
    pub fn parse_file(text: &str) -> Result<Self, CosignatureError> {
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let (Some(line), None) = (lines.next(), lines.next()) else {
            return Err(CosignatureError::Key(NoteError::SignerKeyFormat {
                reason: "a witness key file holds exactly one key line (besides # comments)",
            }));
        };
        WitnessSigner::parse(line)
    }

    /// The `PRIVATE+KEY+…` form (zeroized when dropped).
    #[must_use]
    pub fn to_skey_string(&self) -> Zeroizing<String> {
        let raw = Zeroizing::new(typed(self.key.as_bytes()));
        let mut out = Zeroizing::new(String::with_capacity(
            SKEY_PREFIX
                .len()
                .saturating_add(self.name.len())
                .saturating_add(54),
        ));
        out.push_str(SKEY_PREFIX);
        out.push_str(&self.name);
        out.push('+');
        out.push_str(&format!("{:08x}", self.key_id));
        out.push('+');
        STANDARD.encode_string(&raw[..], &mut out);
        out
    }

    /// The matching public key.
    #[must_use]
    pub fn witness_key(&self) -> WitnessKey {
        WitnessKey {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// The witness's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Cosigns a checkpoint body at `timestamp` (POSIX seconds), returning
    /// the signature line, final newline included.
    ///
    /// # Errors
    ///
    /// [`CosignatureError::Checkpoint`] when `body` is not a checkpoint
    /// body; [`CosignatureError::Timestamp`] above 2^63 - 1.
    pub fn cosign(&self, body: &str, timestamp: u64) -> Result<String, CosignatureError> {
        Checkpoint::parse_body(body)?;
        if timestamp > i64::MAX as u64 {
            return Err(CosignatureError::Timestamp {
                line: 0,
                name: self.name.clone(),
                timestamp,
            });
        }
        let sig = self.key.sign(cosigned_message(body, timestamp).as_bytes());
        let mut payload = Vec::with_capacity(COSIGNATURE_PAYLOAD_LEN);
        payload.extend_from_slice(&self.key_id.to_be_bytes());
        payload.extend_from_slice(&timestamp.to_be_bytes());
        payload.extend_from_slice(&sig.to_bytes());
        Ok(format!(
            "{EM_DASH_PREFIX}{} {}\n",
            self.name,
            STANDARD.encode(payload)
        ))
    }
}

/// One valid cosignature found on a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    /// The witness, `name+hex8(key ID)`.
    pub witness: String,
    /// When the witness signed (POSIX seconds).
    pub timestamp: u64,
}

/// A checkpoint verified with the archive's key, and the cosignatures of
/// the given witnesses on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosignedCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// Valid cosignatures by the given witnesses, one per witness, in the
    /// order the witnesses were given.
    pub cosignatures: Vec<Cosignature>,
}

/// The note's text (up to and including the first newline of its last
/// blank line) and its signature lines (without their newline), with the
/// 1-based line number of the first signature line. The note must already
/// have been checked by [`crate::signed_note::open_note`].
fn split_note(note: &str) -> Option<(&str, &str, usize)> {
    let split = note.rfind("\n\n")?;
    let text = note.get(..split.saturating_add(1))?;
    let sigs = note.get(split.saturating_add(2)..)?.strip_suffix('\n')?;
    let first = text.matches('\n').count().saturating_add(2);
    Some((text, sigs, first))
}

/// Verifies `note` with the archive key (as [`Checkpoint::open`]) and every
/// signature line by one of `witnesses`: a line by a given witness that
/// does not decode to 76 bytes or does not verify refuses the note whole;
/// lines by other keys are ignored.
///
/// # Errors
///
/// [`CosignatureError::Checkpoint`], [`CosignatureError::Length`],
/// [`CosignatureError::Timestamp`], [`CosignatureError::BadCosignature`].
pub fn verify_cosignatures(
    note: &str,
    archive_key: &VerifierKey,
    witnesses: &[WitnessKey],
) -> Result<CosignedCheckpoint, CosignatureError> {
    let checkpoint = Checkpoint::open(note, archive_key)?;
    let mut found: Vec<Option<u64>> = vec![None; witnesses.len()];
    if let Some((text, sigs, first)) = split_note(note) {
        for (i, line) in sigs.split('\n').enumerate() {
            let line_no = first.saturating_add(i);
            let mut buf = Vec::new();
            let Ok(parsed) = parse_signature_line(line, line_no, &mut buf) else {
                continue; // open_note already refused malformed lines
            };
            for (w, slot) in witnesses.iter().zip(found.iter_mut()) {
                if w.name != parsed.name || w.key_id != parsed.key_id {
                    continue;
                }
                if parsed.decoded_len != COSIGNATURE_PAYLOAD_LEN {
                    return Err(CosignatureError::Length {
                        line: line_no,
                        name: w.name.clone(),
                        key_id: w.key_id,
                        found: parsed.decoded_len,
                    });
                }
                let ts = parsed
                    .signature
                    .first_chunk::<8>()
                    .map_or(0, |b| u64::from_be_bytes(*b));
                if ts > i64::MAX as u64 {
                    return Err(CosignatureError::Timestamp {
                        line: line_no,
                        name: w.name.clone(),
                        timestamp: ts,
                    });
                }
                let timestamp = w.verify_payload(text, parsed.signature).ok_or_else(|| {
                    CosignatureError::BadCosignature {
                        line: line_no,
                        name: w.name.clone(),
                        key_id: w.key_id,
                    }
                })?;
                if slot.is_none() {
                    *slot = Some(timestamp);
                }
            }
        }
    }
    let cosignatures = witnesses
        .iter()
        .zip(found)
        .filter_map(|(w, ts)| {
            ts.map(|timestamp| Cosignature {
                witness: w.label(),
                timestamp,
            })
        })
        .collect();
    Ok(CosignedCheckpoint {
        checkpoint,
        cosignatures,
    })
}

/// A verifier's witness policy: witness keys and how many of them must
/// have cosigned a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessPolicy {
    witnesses: Vec<WitnessKey>,
    threshold: usize,
}

/// What a policy check established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyOutcome {
    /// The checkpoint and the cosignatures found.
    pub cosigned: CosignedCheckpoint,
    /// The threshold that was met.
    pub threshold: usize,
    /// Given witnesses without a cosignature (`name+key ID`).
    pub missing: Vec<String>,
}

impl WitnessPolicy {
    /// A policy of `witnesses`, `threshold` of which must cosign (default:
    /// all of them).
    ///
    /// # Errors
    ///
    /// [`CosignatureError::DuplicateWitness`], [`CosignatureError::Threshold`].
    pub fn new(
        witnesses: Vec<WitnessKey>,
        threshold: Option<usize>,
    ) -> Result<Self, CosignatureError> {
        for (i, w) in witnesses.iter().enumerate() {
            if witnesses
                .iter()
                .take(i)
                .any(|o| o.name == w.name && o.key_id == w.key_id)
            {
                return Err(CosignatureError::DuplicateWitness {
                    name: w.name.clone(),
                    key_id: w.key_id,
                });
            }
        }
        let threshold = threshold.unwrap_or(witnesses.len());
        if threshold == 0 || threshold > witnesses.len() {
            return Err(CosignatureError::Threshold {
                threshold,
                witnesses: witnesses.len(),
            });
        }
        Ok(WitnessPolicy {
            witnesses,
            threshold,
        })
    }

    /// The witness keys.
    #[must_use]
    pub fn witnesses(&self) -> &[WitnessKey] {
        &self.witnesses
    }

    /// The threshold.
    #[must_use]
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// Checks a checkpoint note: it verifies with the archive key, every
    /// line by a given witness verifies, and at least `threshold` distinct
    /// given witnesses cosigned it.
    ///
    /// # Errors
    ///
    /// As [`verify_cosignatures`], and [`CosignatureError::NotEnough`]
    /// naming the witnesses that did not cosign.
    pub fn check(
        &self,
        note: &str,
        archive_key: &VerifierKey,
    ) -> Result<PolicyOutcome, CosignatureError> {
        let cosigned = verify_cosignatures(note, archive_key, &self.witnesses)?;
        let missing: Vec<String> = self
            .witnesses
            .iter()
            .map(WitnessKey::label)
            .filter(|l| !cosigned.cosignatures.iter().any(|c| &c.witness == l))
            .collect();
        if cosigned.cosignatures.len() < self.threshold {
            return Err(CosignatureError::NotEnough {
                size: cosigned.checkpoint.size,
                have: cosigned.cosignatures.len(),
                need: self.threshold,
                missing,
            });
        }
        Ok(PolicyOutcome {
            cosigned,
            threshold: self.threshold,
            missing,
        })
    }
}

/// Adds signature lines (e.g. a witness's answer) to a signed note: each
/// line of `lines` whose (name, key ID) is not yet on the note is appended,
/// one that is replaces the note's line. The note's text and its other
/// lines are kept byte for byte.
///
/// # Errors
///
/// [`CosignatureError::Lines`] when `lines` are not signature lines
/// (each `— name base64\n`), or the result would exceed
/// [`MAX_SIGNATURES`] lines.
pub fn add_signature_lines(note: &str, lines: &str) -> Result<String, CosignatureError> {
    let bad = CosignatureError::Lines;
    check_control_chars(lines, 1).map_err(bad)?;
    let Some((text, sigs, first)) = split_note(note) else {
        return Err(bad(NoteError::MissingSignatureBlock));
    };
    let add = lines
        .strip_suffix('\n')
        .ok_or(bad(NoteError::SignatureMissingFinalNewline { line: 1 }))?;
    let mut out: Vec<(String, u32, String)> = Vec::new();
    for (i, line) in sigs.split('\n').enumerate() {
        let mut buf = Vec::new();
        let p = parse_signature_line(line, first.saturating_add(i), &mut buf).map_err(bad)?;
        out.push((p.name.to_owned(), p.key_id, line.to_owned()));
    }
    for (i, line) in add.split('\n').enumerate() {
        let mut buf = Vec::new();
        let p = parse_signature_line(line, i.saturating_add(1), &mut buf).map_err(bad)?;
        match out
            .iter_mut()
            .find(|(n, k, _)| n == p.name && *k == p.key_id)
        {
            Some(slot) => slot.2 = line.to_owned(),
            None => out.push((p.name.to_owned(), p.key_id, line.to_owned())),
        }
    }
    if out.len() > MAX_SIGNATURES {
        return Err(bad(NoteError::TooManySignatures {
            found: out.len(),
            max: MAX_SIGNATURES,
        }));
    }
    let mut note = String::with_capacity(text.len().saturating_add(out.len().saturating_mul(140)));
    note.push_str(text);
    note.push('\n');
    for (_, _, line) in out {
        note.push_str(&line);
        note.push('\n');
    }
    Ok(note)
}

/// The signature lines of `note` by `witness`, each with its newline
/// (what a witness's answer holds).
#[must_use]
pub fn lines_by(note: &str, witness: &WitnessKey) -> String {
    let mut out = String::new();
    if let Some((_, sigs, first)) = split_note(note) {
        for (i, line) in sigs.split('\n').enumerate() {
            let mut buf = Vec::new();
            if let Ok(p) = parse_signature_line(line, first.saturating_add(i), &mut buf) {
                if p.name == witness.name && p.key_id == witness.key_id {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signed_note::{open_note, SignerKey};

    fn archive() -> SignerKey {
        SignerKey::new("temoin.example/log", SigningKey::from_bytes(&[7; 32])).unwrap()
    }

    fn witness(name: &str, seed: u8) -> WitnessSigner {
        WitnessSigner::new(name, SigningKey::from_bytes(&[seed; 32])).unwrap()
    }

    fn checkpoint_note() -> (String, String) {
        let cp = Checkpoint::new("temoin.example/log", 5, [9; 32]);
        (cp.body(), cp.sign(&archive()).unwrap())
    }

    #[test]
    fn cosign_and_verify_round_trip() {
        let (body, note) = checkpoint_note();
        let w = witness("witness.example/w1", 1);
        let line = w.cosign(&body, 1_679_315_147).unwrap();
        let cosigned = add_signature_lines(&note, &line).unwrap();
        assert!(cosigned.starts_with(&note));
        let got =
            verify_cosignatures(&cosigned, &archive().verifier_key(), &[w.witness_key()]).unwrap();
        assert_eq!(
            got.cosignatures,
            vec![Cosignature {
                witness: w.witness_key().label(),
                timestamp: 1_679_315_147
            }]
        );
        // The archive's key alone still opens it: the line is ignored.
        let opened = open_note(&cosigned, &[archive().verifier_key()]).unwrap();
        assert_eq!(opened.text, body);
        assert_eq!(opened.unknown_signers.len(), 1);
    }

    #[test]
    fn signed_message_is_exactly_the_spec() {
        let (body, _) = checkpoint_note();
        assert_eq!(
            cosigned_message(&body, 1_679_315_147),
            format!("cosignature/v1\ntime 1679315147\n{body}")
        );
        let w = witness("w", 3);
        let line = w.cosign(&body, 42).unwrap();
        let b64 = line
            .strip_prefix("— w ")
            .unwrap()
            .strip_suffix('\n')
            .unwrap();
        let raw = STANDARD.decode(b64).unwrap();
        assert_eq!(raw.len(), 76);
        assert_eq!(&raw[..4], &w.witness_key().key_id().to_be_bytes());
        assert_eq!(&raw[4..12], &42u64.to_be_bytes());
        let sig = Signature::from_bytes(raw[12..].try_into().unwrap());
        w.witness_key()
            .public_key()
            .verify_strict(b"cosignature/v1\ntime 42\ntemoin.example/log\n5\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n", &sig)
            .unwrap();
        // Key ID over type 0x04, not 0x01.
        let vk = w.witness_key();
        let mut t = vec![0x04];
        t.extend_from_slice(vk.public_key().as_bytes());
        assert_eq!(vk.key_id(), key_id_of_typed("w", &t));
        assert_ne!(
            vk.key_id(),
            crate::signed_note::ed25519_key_id("w", vk.public_key())
        );
    }

    #[test]
    fn vkey_and_skey_round_trip_and_types() {
        let w = witness("witness.example/w1", 5);
        let vk = w.witness_key();
        assert_eq!(WitnessKey::parse(&vk.to_string()).unwrap(), vk);
        let skey = w.to_skey_string();
        let again = WitnessSigner::parse(&skey).unwrap();
        assert_eq!(again.witness_key(), vk);
        assert!(vk.to_string().split('+').nth(2).unwrap().starts_with('B'));
        // A real native 0x04 vkey (transparency-dev/formats test data).
        let remora = WitnessKey::parse(
            "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
        )
        .unwrap();
        assert_eq!(remora.key_id(), 0xda77_ade7);
        // A plain (0x01) key is refused with a hint.
        let plain = archive().verifier_key().to_string();
        assert!(matches!(
            WitnessKey::parse(&plain),
            Err(CosignatureError::NotAWitnessKey { found: 1, .. })
        ));
        assert!(matches!(
            WitnessSigner::parse(&archive().to_skey_string()),
            Err(CosignatureError::NotAWitnessKey { found: 1, .. })
        ));
        let wrong_id = vk
            .to_string()
            .replacen(&format!("{:08x}", vk.key_id()), "00000000", 1);
        assert!(matches!(
            WitnessKey::parse(&wrong_id),
            Err(CosignatureError::Key(NoteError::KeyIdMismatch { .. }))
        ));
        let msg = WitnessSigner::parse("PRIVATE+KEY+w+00000000+BAAA!")
            .unwrap_err()
            .to_string();
        assert!(!msg.contains("BAAA"), "{msg}");
        assert!(WitnessSigner::parse_file(&format!("# c\n{}\n", &*skey)).is_ok());
        assert!(WitnessSigner::parse_file(&format!("{}\n{}\n", &*skey, &*skey)).is_err());
    }

    #[test]
    fn a_forged_or_misplaced_cosignature_refuses_the_note() {
        let (body, note) = checkpoint_note();
        let w = witness("witness.example/w1", 1);
        let line = w.cosign(&body, 100).unwrap();
        // A cosignature over another checkpoint body.
        let other = Checkpoint::new("temoin.example/log", 6, [9; 32]).body();
        let wrong = w.cosign(&other, 100).unwrap();
        let forged = add_signature_lines(&note, &wrong).unwrap();
        let keys = [w.witness_key()];
        assert!(matches!(
            verify_cosignatures(&forged, &archive().verifier_key(), &keys),
            Err(CosignatureError::BadCosignature { line: 6, .. })
        ));
        // The timestamp changed: the signature covers it.
        let mut raw = STANDARD
            .decode(line.trim_end().rsplit(' ').next().unwrap())
            .unwrap();
        raw[11] ^= 1;
        let changed = format!("— witness.example/w1 {}\n", STANDARD.encode(&raw));
        let n = add_signature_lines(&note, &changed).unwrap();
        assert!(matches!(
            verify_cosignatures(&n, &archive().verifier_key(), &keys),
            Err(CosignatureError::BadCosignature { .. })
        ));
        // Truncated.
        raw.pop();
        let short = format!("— witness.example/w1 {}\n", STANDARD.encode(&raw));
        let n = add_signature_lines(&note, &short).unwrap();
        assert!(matches!(
            verify_cosignatures(&n, &archive().verifier_key(), &keys),
            Err(CosignatureError::Length { found: 75, .. })
        ));
        // A timestamp above 2^63 - 1 is refused (not signed by us: the
        // check comes first).
        let mut big = STANDARD
            .decode(line.trim_end().rsplit(' ').next().unwrap())
            .unwrap();
        big[4] = 0x80;
        let n = add_signature_lines(
            &note,
            &format!("— witness.example/w1 {}\n", STANDARD.encode(&big)),
        )
        .unwrap();
        assert!(matches!(
            verify_cosignatures(&n, &archive().verifier_key(), &keys),
            Err(CosignatureError::Timestamp { .. })
        ));
        assert!(w.cosign(&body, u64::MAX).is_err());
        // The archive's own signature is still required.
        let without = format!("{body}\n{line}");
        assert!(matches!(
            verify_cosignatures(&without, &archive().verifier_key(), &keys),
            Err(CosignatureError::Checkpoint(_))
        ));
    }

    #[test]
    fn policy_threshold_and_missing_witnesses() {
        let (body, note) = checkpoint_note();
        let w1 = witness("w1.example", 1);
        let w2 = witness("w2.example", 2);
        let w3 = witness("w3.example", 3);
        let mut n = add_signature_lines(&note, &w1.cosign(&body, 10).unwrap()).unwrap();
        n = add_signature_lines(&n, &w2.cosign(&body, 11).unwrap()).unwrap();
        let keys = vec![w1.witness_key(), w2.witness_key(), w3.witness_key()];
        let ak = archive().verifier_key();
        let ok = WitnessPolicy::new(keys.clone(), Some(2))
            .unwrap()
            .check(&n, &ak)
            .unwrap();
        assert_eq!(ok.cosigned.cosignatures.len(), 2);
        assert_eq!(ok.missing, vec![w3.witness_key().label()]);
        let err = WitnessPolicy::new(keys.clone(), None)
            .unwrap()
            .check(&n, &ak)
            .unwrap_err();
        assert_eq!(
            err,
            CosignatureError::NotEnough {
                size: 5,
                have: 2,
                need: 3,
                missing: vec![w3.witness_key().label()]
            }
        );
        assert!(err.to_string().contains("w3.example+"), "{err}");
        // The same witness twice counts once: a duplicated line is no second witness.
        let dup = format!("{n}{}", w1.cosign(&body, 12).unwrap());
        let p = WitnessPolicy::new(vec![w1.witness_key(), w3.witness_key()], Some(2)).unwrap();
        assert!(matches!(
            p.check(&dup, &ak),
            Err(CosignatureError::NotEnough { have: 1, .. })
        ));
        // A wrong key (same name, other key) does not count.
        let impostor = witness("w1.example", 9);
        let p = WitnessPolicy::new(vec![impostor.witness_key()], None).unwrap();
        assert!(matches!(
            p.check(&n, &ak),
            Err(CosignatureError::NotEnough { have: 0, .. })
        ));
        assert!(matches!(
            WitnessPolicy::new(vec![w1.witness_key(), w1.witness_key()], None),
            Err(CosignatureError::DuplicateWitness { .. })
        ));
        assert!(matches!(
            WitnessPolicy::new(keys.clone(), Some(0)),
            Err(CosignatureError::Threshold { .. })
        ));
        assert!(matches!(
            WitnessPolicy::new(keys, Some(4)),
            Err(CosignatureError::Threshold { .. })
        ));
    }

    #[test]
    fn adding_lines_replaces_a_witness_line_and_keeps_the_rest() {
        let (body, note) = checkpoint_note();
        let w = witness("w1.example", 1);
        let a = add_signature_lines(&note, &w.cosign(&body, 1).unwrap()).unwrap();
        let b = add_signature_lines(&a, &w.cosign(&body, 2).unwrap()).unwrap();
        assert_eq!(b.lines().count(), a.lines().count());
        assert!(b.starts_with(&note));
        assert_eq!(lines_by(&b, &w.witness_key()), w.cosign(&body, 2).unwrap());
        assert!(add_signature_lines(&note, "not a line\n").is_err());
        assert!(add_signature_lines(&note, "— x AAAAAAAA\r\n").is_err());
        assert!(add_signature_lines(&note, "").is_err());
    }

    /// The example of c2sp.org/tlog-cosignature: the log's line and a
    /// witness line, in that order; an archive that knows neither key
    /// ignores both, one that knows the log's still needs it to verify.
    #[test]
    fn spec_example_shape() {
        let note = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
        let (_, sigs, first) = split_note(note).unwrap();
        assert_eq!(first, 5);
        let w = sigs.split('\n').nth(1).unwrap();
        let mut buf = Vec::new();
        let p = parse_signature_line(w, 6, &mut buf).unwrap();
        assert_eq!(p.decoded_len, COSIGNATURE_PAYLOAD_LEN);
        assert_eq!(
            u64::from_be_bytes(p.signature[..8].try_into().unwrap()),
            1_679_315_147
        );
    }
}
