//! C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 keys.
//!
//! A signed note is a UTF-8 text ending in a newline, followed by a blank
//! line, followed by one or more signature lines. Each signature line is an
//! em dash (U+2014), a space, the key name, a space, and the standard base64
//! (RFC 4648 §4, padded) encoding of `key ID (4 bytes, big-endian) || signature`:
//!
//! ```text
//! If you think cryptography is the answer to your problem,
//! then you don't know what your problem is.
//!
//! — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=
//! ```
//!
//! The signed bytes are the note text *including* its final newline but not
//! the separating blank line. The text may itself contain blank lines: it is
//! separated from the signatures by the *last* blank line of the note. The whole
//! note must not contain ASCII control characters other than newline.
//!
//! Keys:
//!
//! * key name: non-empty, no Unicode white space, no `+`;
//! * key ID: `SHA-256(name || 0x0A || 0x01 || public key (32 bytes))[..4]`,
//!   where `0x01` is the Ed25519 signature type;
//! * verifier key (public, [`VerifierKey`]):
//!   `name+hex8(key ID)+base64(0x01 || public key)`, e.g.
//!   `PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW`;
//! * signer key (secret, [`SignerKey`], Go `golang.org/x/mod/sumdb/note`
//!   form): `PRIVATE+KEY+name+hex8(key ID)+base64(0x01 || seed (32 bytes))`.
//!
//! Verification rules ([`open_note`]): signatures whose (name, key ID) pair is
//! not among the known keys are ignored (and reported); every signature by a
//! known key must verify (strict Ed25519: canonical `S`, no small-order `R` or
//! key), otherwise the whole note is rejected; at least one known key must
//! have signed. At most [`MAX_SIGNATURES`] signature lines are accepted.
//!
//! Deliberate strictness beyond the Go implementation: the key ID in key
//! strings must be exactly 8 *lowercase* hex digits (what every encoder
//! emits), base64 must be canonical (padding and zero trailing bits), and a
//! signature line for a known Ed25519 key must carry exactly 4 + 64 bytes.
//! Every signature line by a known key is verified (Go skips repeated lines
//! from the same key unverified), verifier keys with a non-canonical point
//! encoding are refused, and two *different* known keys sharing a name and
//! key ID make [`open_note`] fail with [`NoteError::AmbiguousKey`].

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Signature type identifier byte for Ed25519 in the signed-note spec.
pub const ED25519_SIG_TYPE: u8 = 0x01;

/// Maximum number of signature lines accepted in a note (the spec requires
/// accepting at least 16; Go's implementation stops at 100).
pub const MAX_SIGNATURES: usize = 100;

/// Length of an Ed25519 signature line payload: 4-byte key ID + 64-byte signature.
pub const ED25519_SIGNATURE_PAYLOAD_LEN: usize = 4 + 64;

const EM_DASH_PREFIX: &str = "\u{2014} ";
const SKEY_PREFIX: &str = "PRIVATE+KEY+";
/// Longest excerpt of untrusted input copied into an error message.
const SNIPPET_CHARS: usize = 64;

/// Everything that can go wrong when handling keys and signed notes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NoteError {
    /// A key name is empty, contains white space or contains `+`.
    #[error("invalid key name {name:?}: {reason}")]
    InvalidKeyName {
        /// The offending name (possibly truncated).
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A verifier key string does not have the `name+keyid+key` shape.
    #[error("malformed verifier key: {reason}")]
    VerifierKeyFormat {
        /// What is missing.
        reason: &'static str,
    },
    /// A signer key string does not have the `PRIVATE+KEY+name+keyid+key` shape.
    #[error("malformed signer key: {reason}")]
    SignerKeyFormat {
        /// What is missing.
        reason: &'static str,
    },
    /// The key ID field of a key string is not 8 lowercase hex digits.
    #[error("malformed key ID {found:?} in {what}: expected exactly 8 lowercase hex digits")]
    KeyIdFormat {
        /// "verifier key" or "signer key".
        what: &'static str,
        /// The offending field (possibly truncated; never secret).
        found: String,
    },
    /// The key material field is not valid canonical standard base64.
    #[error("key material of {what} is not valid standard base64")]
    KeyBase64 {
        /// "verifier key" or "signer key".
        what: &'static str,
    },
    /// The key material does not start with the Ed25519 type byte 0x01.
    #[error("{what} has signature type byte 0x{found:02x}, only Ed25519 (0x01) is supported")]
    UnsupportedKeyType {
        /// "verifier key" or "signer key".
        what: &'static str,
        /// The type byte found.
        found: u8,
    },
    /// The key material has the wrong length.
    #[error("{what} material is {found} bytes after base64 decoding, expected 33 (type byte + 32-byte key)")]
    KeyLength {
        /// "verifier key" or "signer key".
        what: &'static str,
        /// Decoded length (or a lower bound if it was too long to decode).
        found: usize,
    },
    /// The key ID in a key string is not the hash of its name and key.
    #[error("{what} for {name:?} declares key ID {declared:08x} but its name and key hash to {computed:08x}")]
    KeyIdMismatch {
        /// "verifier key" or "signer key".
        what: &'static str,
        /// The key name.
        name: String,
        /// The key ID written in the key string.
        declared: u32,
        /// The key ID computed from name and public key.
        computed: u32,
    },
    /// The 32 public-key bytes are not a valid (canonically encoded) curve point.
    #[error("verifier key for {name:?} is not a valid canonical Ed25519 public key")]
    InvalidPublicKey {
        /// The key name.
        name: String,
    },
    /// The public key is of small order (signatures by it prove nothing).
    #[error("verifier key for {name:?} is a weak (small-order) Ed25519 public key")]
    WeakKey {
        /// The key name.
        name: String,
    },
    /// The note text to sign is empty.
    #[error("note text is empty")]
    EmptyText,
    /// The note text to sign does not end in a newline.
    #[error("note text does not end with a newline")]
    TextMissingFinalNewline,
    /// A control character other than newline appears in the note.
    #[error("control character U+{code:04X} at line {line}, byte column {column} (only newline is allowed)")]
    ControlCharacter {
        /// 1-based line number in the note.
        line: usize,
        /// 1-based byte column in that line.
        column: usize,
        /// The character code.
        code: u32,
    },
    /// `sign_note` was called without signers.
    #[error("cannot sign a note with no signer keys")]
    NoSigners,
    /// More signatures than [`MAX_SIGNATURES`].
    #[error("note has {found} signatures, at most {max} are accepted")]
    TooManySignatures {
        /// Number of signatures (or signature lines) found or requested.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// The note has no blank line separating text from signatures.
    #[error("malformed note: no blank line separating the text from the signature lines")]
    MissingSignatureBlock,
    /// The blank line is the end of the note.
    #[error("malformed note: no signature lines after the blank line (line {line})")]
    EmptySignatureBlock {
        /// 1-based line number of the blank separator line.
        line: usize,
    },
    /// The note does not end with a newline.
    #[error("malformed note: the last signature line (line {line}) does not end with a newline")]
    SignatureMissingFinalNewline {
        /// 1-based line number of the last line.
        line: usize,
    },
    /// A signature line does not start with an em dash and a space.
    #[error("malformed signature line {line}: does not start with an em dash (U+2014) followed by a space")]
    MissingEmDash {
        /// 1-based line number.
        line: usize,
    },
    /// A signature line lacks the space between name and signature, or the signature.
    #[error("malformed signature line {line}: expected \"— <key name> <base64 signature>\"")]
    SignatureLineFormat {
        /// 1-based line number.
        line: usize,
    },
    /// A signature line names an invalid key name.
    #[error("malformed signature line {line}: invalid key name {name:?}: {reason}")]
    SignatureKeyName {
        /// 1-based line number.
        line: usize,
        /// The offending name (possibly truncated).
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The signature field is not valid canonical standard base64.
    #[error("malformed signature line {line} (key {name:?}): signature is not valid standard base64: {source}")]
    SignatureBase64 {
        /// 1-based line number.
        line: usize,
        /// The key name on that line (possibly truncated).
        name: String,
        /// Decoder error.
        source: base64::DecodeError,
    },
    /// The decoded signature is shorter than a key ID plus one byte.
    #[error("malformed signature line {line} (key {name:?}): decoded signature is {found} bytes, need at least 5 (4-byte key ID + signature)")]
    SignatureTooShort {
        /// 1-based line number.
        line: usize,
        /// The key name on that line (possibly truncated).
        name: String,
        /// Decoded length.
        found: usize,
    },
    /// A signature by a known Ed25519 key is not 4 + 64 bytes.
    #[error("signature line {line} by known key {name:?} ({key_id:08x}) decodes to {found} bytes, an Ed25519 signature needs exactly 68 (4-byte key ID + 64)")]
    SignatureLength {
        /// 1-based line number.
        line: usize,
        /// Key name.
        name: String,
        /// Key ID.
        key_id: u32,
        /// Decoded length.
        found: usize,
    },
    /// A signature by a known key does not verify.
    #[error("invalid signature on line {line} by known key {name:?} ({key_id:08x}): Ed25519 verification failed")]
    BadSignature {
        /// Key name.
        name: String,
        /// Key ID.
        key_id: u32,
        /// 1-based line number of the signature line.
        line: usize,
    },
    /// Two different known keys share a name and key ID.
    #[error(
        "ambiguous known keys: several different keys are named {name:?} with key ID {key_id:08x}"
    )]
    AmbiguousKey {
        /// Key name.
        name: String,
        /// Key ID.
        key_id: u32,
    },
    /// No signature by any known key.
    #[error(
        "note is not signed by any known key ({unknown} signature(s) by unknown keys ignored)"
    )]
    NoKnownSignature {
        /// Number of signatures by unknown keys.
        unknown: usize,
    },
}

/// Identity of a signature's key as written in a note: name and key ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignerId {
    /// Key name.
    pub name: String,
    /// 32-bit key ID.
    pub key_id: u32,
}

impl fmt::Display for SignerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{:08x}", self.name, self.key_id)
    }
}

/// A successfully verified note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedNote {
    /// The note text, including its final newline (this is what was signed).
    pub text: String,
    /// Names of the known keys whose signatures verified, in note order,
    /// without duplicates.
    pub verified_signers: Vec<String>,
    /// Signatures by keys not in the known list (ignored), in note order,
    /// without duplicates.
    pub unknown_signers: Vec<SignerId>,
}

pub(crate) fn snippet(s: &str) -> String {
    if s.chars().count() <= SNIPPET_CHARS {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(SNIPPET_CHARS).collect();
        out.push('…');
        out
    }
}

/// Checks the key-name rules: non-empty, no Unicode white space, no `+`.
pub(crate) fn check_key_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        Err("key name is empty")
    } else if name.chars().any(char::is_whitespace) {
        Err("key name contains white space")
    } else if name.contains('+') {
        Err("key name contains '+'")
    } else {
        Ok(())
    }
}

/// Reports whether `name` is a valid key name (non-empty, no Unicode white
/// space, no `+`).
#[must_use]
pub fn is_valid_key_name(name: &str) -> bool {
    check_key_name(name).is_ok()
}

/// Key ID over an already typed key (`type byte || key`).
pub(crate) fn key_id_of_typed(name: &str, typed_key: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n']);
    h.update(typed_key);
    let digest: [u8; 32] = h.finalize().into();
    let [b0, b1, b2, b3, ..] = digest;
    u32::from_be_bytes([b0, b1, b2, b3])
}

/// Computes the key ID: big-endian first 4 bytes of
/// `SHA-256(name || 0x0A || 0x01 || public key)`.
#[must_use]
pub fn ed25519_key_id(name: &str, public_key: &VerifyingKey) -> u32 {
    let mut typed = [0u8; 33];
    fill_typed_key(&mut typed, public_key.as_bytes());
    key_id_of_typed(name, &typed)
}

/// Writes `0x01 || key`, the typed key encoding used in key strings.
fn fill_typed_key(out: &mut [u8; 33], key: &[u8; 32]) {
    let [ty, rest @ ..] = out;
    *ty = ED25519_SIG_TYPE;
    *rest = *key;
}

pub(crate) fn parse_key_id(field: &str, what: &'static str) -> Result<u32, NoteError> {
    let well_formed = field.len() == 8
        && field
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let parsed = if well_formed {
        u32::from_str_radix(field, 16).ok()
    } else {
        None
    };
    parsed.ok_or_else(|| NoteError::KeyIdFormat {
        what,
        found: snippet(field),
    })
}

/// Why [`parse_typed_vkey`] or [`parse_typed_skey`] refused a key: its
/// text, or a type byte other than the one asked for (which each key kind
/// reports in its own words).
pub(crate) enum TypedKeyError {
    Note(NoteError),
    Type(u8),
}

impl From<NoteError> for TypedKeyError {
    fn from(e: NoteError) -> Self {
        TypedKeyError::Note(e)
    }
}

/// `name+hex8(key ID)+base64(sig_type || public key)`, every part checked:
/// name, key ID syntax, base64, type, length, the key ID against the one
/// computed, the key itself. The archive's verifier keys (0x01) and the
/// witnesses' (0x04) differ only in `sig_type`.
pub(crate) fn parse_typed_vkey(
    vkey: &str,
    what: &'static str,
    sig_type: u8,
) -> Result<(String, u32, VerifyingKey), TypedKeyError> {
    let (name, rest) = vkey.split_once('+').ok_or(NoteError::VerifierKeyFormat {
        reason: "expected <name>+<hex key ID>+<base64 key>, found no '+'",
    })?;
    let (id_field, key_field) = rest.split_once('+').ok_or(NoteError::VerifierKeyFormat {
        reason: "expected <name>+<hex key ID>+<base64 key>, found only one '+'",
    })?;
    check_key_name(name).map_err(|reason| NoteError::InvalidKeyName {
        name: snippet(name),
        reason,
    })?;
    let declared = parse_key_id(id_field, what)?;
    let raw = STANDARD
        .decode(key_field)
        .map_err(|_| NoteError::KeyBase64 { what })?;
    let [found, key_bytes @ ..] = raw.as_slice() else {
        return Err(NoteError::KeyLength { what, found: 0 }.into());
    };
    if *found != sig_type {
        return Err(TypedKeyError::Type(*found));
    }
    let key_arr: [u8; 32] = key_bytes.try_into().map_err(|_| NoteError::KeyLength {
        what,
        found: raw.len(),
    })?;
    let computed = key_id_of_typed(name, &raw);
    if computed != declared {
        return Err(NoteError::KeyIdMismatch {
            what,
            name: name.to_owned(),
            declared,
            computed,
        }
        .into());
    }
    let key = check_verifying_key(name, &key_arr)?;
    Ok((name.to_owned(), declared, key))
}

/// `PRIVATE+KEY+name+hex8(key ID)+base64(sig_type || seed)`, checked as
/// [`parse_typed_vkey`] checks a verifier key; the key ID is that of the
/// seed's public key with `sig_type`. Errors never quote key material, and
/// the seed is decoded straight into a zeroizing buffer (no heap copy).
pub(crate) fn parse_typed_skey(
    skey: &str,
    what: &'static str,
    sig_type: u8,
) -> Result<(String, u32, SigningKey), TypedKeyError> {
    let rest = skey
        .strip_prefix(SKEY_PREFIX)
        .ok_or(NoteError::SignerKeyFormat {
            reason: "does not start with \"PRIVATE+KEY+\"",
        })?;
    let (name, rest) = rest.split_once('+').ok_or(NoteError::SignerKeyFormat {
        reason: "expected PRIVATE+KEY+<name>+<hex key ID>+<base64 key>, missing '+' after the name",
    })?;
    let (id_field, key_field) = rest.split_once('+').ok_or(NoteError::SignerKeyFormat {
        reason:
            "expected PRIVATE+KEY+<name>+<hex key ID>+<base64 key>, missing '+' after the key ID",
    })?;
    check_key_name(name).map_err(|reason| NoteError::InvalidKeyName {
        name: snippet(name),
        reason,
    })?;
    let declared = parse_key_id(id_field, what)?;
    let mut raw = Zeroizing::new([0u8; 33]);
    let written = match STANDARD.decode_slice(key_field, &mut raw[..]) {
        Ok(n) => n,
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
            return Err(NoteError::KeyLength { what, found: 34 }.into())
        }
        Err(base64::DecodeSliceError::DecodeError(_)) => {
            return Err(NoteError::KeyBase64 { what }.into())
        }
    };
    if written > 0 && raw[0] != sig_type {
        return Err(TypedKeyError::Type(raw[0]));
    }
    if written != 33 {
        return Err(NoteError::KeyLength {
            what,
            found: written,
        }
        .into());
    }
    let [_, seed @ ..] = &*raw;
    let key = SigningKey::from_bytes(seed);
    let vk = check_verifying_key(name, key.verifying_key().as_bytes())?;
    let mut typed = [0u8; 33];
    typed[0] = sig_type;
    typed[1..].copy_from_slice(vk.as_bytes());
    let computed = key_id_of_typed(name, &typed);
    if computed != declared {
        return Err(NoteError::KeyIdMismatch {
            what,
            name: name.to_owned(),
            declared,
            computed,
        }
        .into());
    }
    Ok((name.to_owned(), declared, key))
}

pub(crate) fn check_verifying_key(name: &str, bytes: &[u8; 32]) -> Result<VerifyingKey, NoteError> {
    let invalid = || NoteError::InvalidPublicKey {
        name: name.to_owned(),
    };
    let vk = VerifyingKey::from_bytes(bytes).map_err(|_| invalid())?;
    // Reject the handful of non-canonical encodings (y >= p) so that a key
    // has exactly one textual form.
    if vk.to_edwards().compress().as_bytes() != bytes {
        return Err(invalid());
    }
    if vk.is_weak() {
        return Err(NoteError::WeakKey {
            name: name.to_owned(),
        });
    }
    Ok(vk)
}

/// A public Ed25519 note verifier key: name, key ID and public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl VerifierKey {
    /// Builds a verifier key from a name and an Ed25519 public key, computing
    /// the key ID.
    ///
    /// # Errors
    ///
    /// [`NoteError::InvalidKeyName`], [`NoteError::InvalidPublicKey`] for a
    /// non-canonical encoding, [`NoteError::WeakKey`] for a small-order key.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        check_key_name(name).map_err(|reason| NoteError::InvalidKeyName {
            name: snippet(name),
            reason,
        })?;
        let key = check_verifying_key(name, key.as_bytes())?;
        Ok(VerifierKey {
            name: name.to_owned(),
            key_id: ed25519_key_id(name, &key),
            key,
        })
    }

    /// Parses the text form `name+hex8(keyid)+base64(0x01 || pubkey32)`.
    ///
    /// # Errors
    ///
    /// A [`NoteError`] naming the first problem: shape, name, key ID syntax,
    /// base64, type byte, length, key ID mismatch, invalid or weak key.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        const WHAT: &str = "verifier key";
        let (name, key_id, key) =
            parse_typed_vkey(vkey, WHAT, ED25519_SIG_TYPE).map_err(|e| match e {
                TypedKeyError::Note(e) => e,
                TypedKeyError::Type(found) => NoteError::UnsupportedKeyType { what: WHAT, found },
            })?;
        Ok(VerifierKey { name, key_id, key })
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 32-bit key ID.
    #[must_use]
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    #[must_use]
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Name and key ID.
    #[must_use]
    pub fn signer_id(&self) -> SignerId {
        SignerId {
            name: self.name.clone(),
            key_id: self.key_id,
        }
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = [0u8; 33];
        fill_typed_key(&mut raw, self.key.as_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(raw)
        )
    }
}

impl FromStr for VerifierKey {
    type Err = NoteError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VerifierKey::parse(s)
    }
}

/// A secret Ed25519 note signer key. The secret is zeroized on drop (by
/// `ed25519_dalek::SigningKey`); `Debug` does not print it and there is no
/// `Display` or `Clone`, to avoid accidental copies.
pub struct SignerKey {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerKey")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .field("key", &"<redacted>")
            .finish()
    }
}

impl SignerKey {
    /// Builds a signer key from a name and an Ed25519 signing key.
    ///
    /// # Errors
    ///
    /// [`NoteError::InvalidKeyName`], or [`NoteError::WeakKey`] in the
    /// (astronomically unlikely) case the public key has small order.
    pub fn new(name: &str, key: SigningKey) -> Result<Self, NoteError> {
        check_key_name(name).map_err(|reason| NoteError::InvalidKeyName {
            name: snippet(name),
            reason,
        })?;
        let vk = check_verifying_key(name, key.verifying_key().as_bytes())?;
        Ok(SignerKey {
            name: name.to_owned(),
            key_id: ed25519_key_id(name, &vk),
            key,
        })
    }

    /// Generates a fresh signer key with the given name.
    ///
    /// # Errors
    ///
    /// As [`SignerKey::new`].
    pub fn generate<R: rand::CryptoRng + rand::RngCore>(
        name: &str,
        rng: &mut R,
    ) -> Result<Self, NoteError> {
        SignerKey::new(name, SigningKey::generate(rng))
    }

    /// Parses Go's signer key form
    /// `PRIVATE+KEY+name+hex8(keyid)+base64(0x01 || seed32)`.
    ///
    /// # Errors
    ///
    /// A [`NoteError`] naming the first problem (shape, name, key ID syntax,
    /// base64, type byte, length, key ID mismatch). Error messages never
    /// contain key material.
    pub fn parse(skey: &str) -> Result<Self, NoteError> {
        const WHAT: &str = "signer key";
        let (name, key_id, key) =
            parse_typed_skey(skey, WHAT, ED25519_SIG_TYPE).map_err(|e| match e {
                TypedKeyError::Note(e) => e,
                TypedKeyError::Type(found) => NoteError::UnsupportedKeyType { what: WHAT, found },
            })?;
        Ok(SignerKey { name, key_id, key })
    }

    /// Formats the secret key in Go's `PRIVATE+KEY+…` form. The returned
    /// string is zeroized when dropped.
    #[must_use]
    pub fn to_skey_string(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new([0u8; 33]);
        fill_typed_key(&mut raw, self.key.as_bytes());
        // Pre-size so the buffer never reallocates (which would leave an
        // unzeroized copy behind): prefix, name, '+', 8 hex, '+', 44 base64.
        let cap = SKEY_PREFIX
            .len()
            .saturating_add(self.name.len())
            .saturating_add(54);
        let mut out = Zeroizing::new(String::with_capacity(cap));
        out.push_str(SKEY_PREFIX);
        out.push_str(&self.name);
        out.push('+');
        out.push_str(&hex::encode(self.key_id.to_be_bytes()));
        out.push('+');
        STANDARD.encode_string(&raw[..], &mut out);
        out
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 32-bit key ID.
    #[must_use]
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The underlying Ed25519 signing key. This exposes the secret: clone it
    /// only into types that zeroize on drop (as `SigningKey` does).
    #[must_use]
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The matching public verifier key.
    #[must_use]
    pub fn verifier_key(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    fn sign_bytes(&self, msg: &[u8]) -> Signature {
        self.key.sign(msg)
    }
}

/// Rejects ASCII control characters other than newline, reporting the
/// position relative to the start of `s`, whose first line is `first_line`.
pub(crate) fn check_control_chars(s: &str, first_line: usize) -> Result<(), NoteError> {
    for (i, line) in s.split('\n').enumerate() {
        if let Some((col, c)) = line.char_indices().find(|&(_, c)| (c as u32) < 0x20) {
            return Err(NoteError::ControlCharacter {
                line: first_line.saturating_add(i),
                column: col.saturating_add(1),
                code: c as u32,
            });
        }
    }
    Ok(())
}

/// One syntactically valid signature line.
pub(crate) struct SignatureLine<'a> {
    pub(crate) name: &'a str,
    pub(crate) key_id: u32,
    /// The bytes after the key ID (non-empty).
    pub(crate) signature: &'a [u8],
    /// Length of the whole decoded payload (key ID included).
    pub(crate) decoded_len: usize,
}

/// Parses `— <name> <base64(keyid || signature)>` (without its newline).
/// The decoded payload is stored in `buf`, which the result borrows.
pub(crate) fn parse_signature_line<'a>(
    line: &'a str,
    line_no: usize,
    buf: &'a mut Vec<u8>,
) -> Result<SignatureLine<'a>, NoteError> {
    let rest = line
        .strip_prefix(EM_DASH_PREFIX)
        .ok_or(NoteError::MissingEmDash { line: line_no })?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or(NoteError::SignatureLineFormat { line: line_no })?;
    check_key_name(name).map_err(|reason| NoteError::SignatureKeyName {
        line: line_no,
        name: snippet(name),
        reason,
    })?;
    if b64.is_empty() {
        return Err(NoteError::SignatureLineFormat { line: line_no });
    }
    *buf = STANDARD
        .decode(b64)
        .map_err(|source| NoteError::SignatureBase64 {
            line: line_no,
            name: snippet(name),
            source,
        })?;
    let decoded_len = buf.len();
    match buf.as_slice() {
        [a, b, c, d, signature @ ..] if !signature.is_empty() => Ok(SignatureLine {
            name,
            key_id: u32::from_be_bytes([*a, *b, *c, *d]),
            signature,
            decoded_len,
        }),
        _ => Err(NoteError::SignatureTooShort {
            line: line_no,
            name: snippet(name),
            found: decoded_len,
        }),
    }
}

/// Signs `text` with every signer, returning the signed note
/// `text || "\n" || ("— " name " " base64(keyid || sig) "\n")*`.
///
/// `text` must be non-empty, end in a newline and contain no control
/// characters other than newline (it may contain blank lines).
///
/// # Errors
///
/// [`NoteError::EmptyText`], [`NoteError::TextMissingFinalNewline`],
/// [`NoteError::ControlCharacter`], [`NoteError::NoSigners`] or
/// [`NoteError::TooManySignatures`].
pub fn sign_note(text: &str, signers: &[&SignerKey]) -> Result<String, NoteError> {
    if text.is_empty() {
        return Err(NoteError::EmptyText);
    }
    if !text.ends_with('\n') {
        return Err(NoteError::TextMissingFinalNewline);
    }
    check_control_chars(text, 1)?;
    if signers.is_empty() {
        return Err(NoteError::NoSigners);
    }
    if signers.len() > MAX_SIGNATURES {
        return Err(NoteError::TooManySignatures {
            found: signers.len(),
            max: MAX_SIGNATURES,
        });
    }
    let mut out = String::with_capacity(
        text.len()
            .saturating_add(1)
            .saturating_add(signers.len().saturating_mul(128)),
    );
    out.push_str(text);
    out.push('\n');
    for signer in signers {
        let sig = signer.sign_bytes(text.as_bytes());
        let mut payload = Vec::with_capacity(ED25519_SIGNATURE_PAYLOAD_LEN);
        payload.extend_from_slice(&signer.key_id.to_be_bytes());
        payload.extend_from_slice(&sig.to_bytes());
        out.push_str(EM_DASH_PREFIX);
        out.push_str(&signer.name);
        out.push(' ');
        STANDARD.encode_string(payload, &mut out);
        out.push('\n');
    }
    Ok(out)
}

/// Parses `note`, verifies every signature by a key in `known` and returns
/// the text. See the module documentation for the rules.
///
/// # Errors
///
/// A format error locating the first malformed line,
/// [`NoteError::TooManySignatures`], [`NoteError::AmbiguousKey`],
/// [`NoteError::SignatureLength`] or [`NoteError::BadSignature`] for a known
/// key's unusable signature, and [`NoteError::NoKnownSignature`] when no
/// known key signed.
pub fn open_note(note: &str, known: &[VerifierKey]) -> Result<OpenedNote, NoteError> {
    check_control_chars(note, 1)?;

    let split = note.rfind("\n\n").ok_or(NoteError::MissingSignatureBlock)?;
    let text = note
        .get(..split.saturating_add(1))
        .ok_or(NoteError::MissingSignatureBlock)?;
    let sigs = note
        .get(split.saturating_add(2)..)
        .ok_or(NoteError::MissingSignatureBlock)?;
    // Text lines are 1..=k (k = newlines in text), the blank line is k + 1.
    let blank_line = text.matches('\n').count().saturating_add(1);
    let first_sig_line = blank_line.saturating_add(1);

    if sigs.is_empty() {
        return Err(NoteError::EmptySignatureBlock { line: blank_line });
    }
    let Some(sigs) = sigs.strip_suffix('\n') else {
        return Err(NoteError::SignatureMissingFinalNewline {
            line: first_sig_line.saturating_add(sigs.matches('\n').count()),
        });
    };
    let line_count = sigs.matches('\n').count().saturating_add(1);
    if line_count > MAX_SIGNATURES {
        return Err(NoteError::TooManySignatures {
            found: line_count,
            max: MAX_SIGNATURES,
        });
    }

    let mut verified: Vec<SignerId> = Vec::new();
    let mut unknown: Vec<SignerId> = Vec::new();
    let mut unknown_count = 0usize;

    for (i, line) in sigs.split('\n').enumerate() {
        let line_no = first_sig_line.saturating_add(i);
        let mut buf = Vec::new();
        let parsed = parse_signature_line(line, line_no, &mut buf)?;
        let (name, key_id) = (parsed.name, parsed.key_id);

        let mut matches = known
            .iter()
            .filter(|k| k.name == name && k.key_id == key_id);
        let Some(key) = matches.next() else {
            unknown_count = unknown_count.saturating_add(1);
            let id = SignerId {
                name: name.to_owned(),
                key_id,
            };
            if !unknown.contains(&id) {
                unknown.push(id);
            }
            continue;
        };
        if matches.any(|other| other.key != key.key) {
            return Err(NoteError::AmbiguousKey {
                name: name.to_owned(),
                key_id,
            });
        }
        let sig_arr: [u8; 64] =
            parsed
                .signature
                .try_into()
                .map_err(|_| NoteError::SignatureLength {
                    line: line_no,
                    name: name.to_owned(),
                    key_id,
                    found: parsed.decoded_len,
                })?;
        let sig = Signature::from_bytes(&sig_arr);
        key.key
            .verify_strict(text.as_bytes(), &sig)
            .map_err(|_| NoteError::BadSignature {
                name: name.to_owned(),
                key_id,
                line: line_no,
            })?;
        let id = key.signer_id();
        if !verified.contains(&id) {
            verified.push(id);
        }
    }

    if verified.is_empty() {
        return Err(NoteError::NoKnownSignature {
            unknown: unknown_count,
        });
    }
    let mut verified_signers: Vec<String> = Vec::with_capacity(verified.len());
    for id in verified {
        if !verified_signers.contains(&id.name) {
            verified_signers.push(id.name);
        }
    }
    Ok(OpenedNote {
        text: text.to_owned(),
        verified_signers,
        unknown_signers: unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    const SPEC_TEXT: &str = "This is an example message.\n";
    const SPEC_SIG_LINE: &str = "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

    const PN_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PN_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PN_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const PN_SIG_LINE: &str = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    fn spec_note() -> String {
        format!("{SPEC_TEXT}\n{SPEC_SIG_LINE}")
    }

    fn fixed_signer(name: &str, seed: u8) -> SignerKey {
        SignerKey::new(name, SigningKey::from_bytes(&[seed; 32])).unwrap()
    }

    /// Builds a vkey string with a correct key ID for arbitrary key bytes.
    fn raw_vkey(name: &str, key_material: &[u8]) -> String {
        let mut h = Sha256::new();
        h.update(name.as_bytes());
        h.update([b'\n']);
        h.update(key_material);
        let sum = h.finalize();
        format!(
            "{name}+{}+{}",
            hex::encode(&sum[..4]),
            STANDARD.encode(key_material)
        )
    }

    /// Replaces the character at byte index `i` (ASCII) by another base64 char.
    fn flip_ascii(s: &str, i: usize) -> String {
        let mut b = s.as_bytes().to_vec();
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn spec_vkey_parses_and_round_trips() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        assert_eq!(k.name(), "example.com/foo");
        assert_eq!(k.key_id(), 0x530d903a);
        assert_eq!(k.to_string(), SPEC_VKEY);
        assert_eq!(SPEC_VKEY.parse::<VerifierKey>().unwrap(), k);
        assert_eq!(ed25519_key_id(k.name(), k.public_key()), 0x530d903a);
    }

    #[test]
    fn spec_note_verifies() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        let opened = open_note(&spec_note(), &[k]).unwrap();
        assert_eq!(opened.text, SPEC_TEXT);
        assert_eq!(opened.verified_signers, vec!["example.com/foo".to_owned()]);
        assert!(opened.unknown_signers.is_empty());
    }

    #[test]
    fn spec_note_flipped_text_fails() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        let note = spec_note().replacen("example", "exbmple", 1);
        assert_eq!(
            open_note(&note, &[k]).unwrap_err(),
            NoteError::BadSignature {
                name: "example.com/foo".into(),
                key_id: 0x530d903a,
                line: 3
            }
        );
    }

    #[test]
    fn spec_note_flipped_signature_fails() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        let note = spec_note();
        let sig_start = note.find("Uw2Q").unwrap();
        // Character 20 of the base64 is well past the 4-byte key ID (6 chars).
        for offset in [8, 20, 60, 80] {
            let bad = flip_ascii(&note, sig_start + offset);
            assert!(
                matches!(
                    open_note(&bad, std::slice::from_ref(&k)),
                    Err(NoteError::BadSignature { ref name, line: 3, .. }) if name == "example.com/foo"
                ),
                "offset {offset}: {:?}",
                open_note(&bad, std::slice::from_ref(&k))
            );
        }
    }

    #[test]
    fn go_skey_derives_vkey_and_round_trips() {
        let s = SignerKey::parse(PN_SKEY).unwrap();
        assert_eq!(s.name(), "PeterNeumann");
        assert_eq!(s.key_id(), 0xc74f20a3);
        assert_eq!(s.verifier_key().to_string(), PN_VKEY);
        assert_eq!(s.verifier_key(), VerifierKey::parse(PN_VKEY).unwrap());
        assert_eq!(s.to_skey_string().as_str(), PN_SKEY);
        assert_eq!(
            s.signing_key().verifying_key(),
            *s.verifier_key().public_key()
        );
        let dbg = format!("{s:?}");
        assert!(
            dbg.contains("redacted") && !dbg.contains("AYEKFALV"),
            "{dbg}"
        );
    }

    #[test]
    fn go_example_signs_byte_exact() {
        let s = SignerKey::parse(PN_SKEY).unwrap();
        let note = sign_note(PN_TEXT, &[&s]).unwrap();
        assert_eq!(note, format!("{PN_TEXT}\n{PN_SIG_LINE}"));
        let opened = open_note(&note, &[VerifierKey::parse(PN_VKEY).unwrap()]).unwrap();
        assert_eq!(opened.text, PN_TEXT);
        assert_eq!(opened.verified_signers, vec!["PeterNeumann".to_owned()]);
    }

    /// Builds a scalar of the same type as `_like` from little-endian bytes,
    /// reduced modulo the group order (Horner's rule in the scalar field).
    fn reduce_like<T>(_like: &T, bytes: &[u8]) -> T
    where
        T: From<u64> + Copy + std::ops::Add<Output = T> + std::ops::Mul<Output = T>,
    {
        let base = T::from(256u64);
        bytes
            .iter()
            .rev()
            .fold(T::from(0u64), |acc, &b| acc * base + T::from(u64::from(b)))
    }

    #[test]
    fn small_order_r_signature_rejected_by_strict_verification() {
        use ed25519_dalek::Verifier as _;
        use sha2::Sha512;
        // With R = identity (small order) and S = H(R || A || M) * a, the
        // cofactorless equation S*B = R + H(..)*A holds: plain `verify`
        // accepts this, `verify_strict` must not.
        let signer = fixed_signer("strict.example", 3);
        let vkey = signer.verifier_key();
        let text = "small-order R\n";
        let mut r = [0u8; 32];
        r[0] = 1;
        let mut h = Sha512::new();
        h.update(r);
        h.update(vkey.public_key().as_bytes());
        h.update(text.as_bytes());
        let digest = h.finalize();
        let a = signer.key.to_scalar();
        let s = reduce_like(&a, &digest) * a;
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&r);
        sig[32..].copy_from_slice(&s.to_bytes());
        assert!(vkey
            .public_key()
            .verify(text.as_bytes(), &Signature::from_bytes(&sig))
            .is_ok());
        let mut payload = vkey.key_id().to_be_bytes().to_vec();
        payload.extend_from_slice(&sig);
        let note = format!("{text}\n— strict.example {}\n", STANDARD.encode(&payload));
        assert_eq!(
            open_note(&note, std::slice::from_ref(&vkey)).unwrap_err(),
            NoteError::BadSignature {
                name: "strict.example".into(),
                key_id: vkey.key_id(),
                line: 3
            }
        );
    }

    #[test]
    fn unknown_signatures_ignored_and_reported() {
        let a = fixed_signer("a.example/log", 1);
        let b = fixed_signer("b.example/witness", 2);
        let note = sign_note("hello\n", &[&b, &a]).unwrap();
        // Also append a non-Ed25519-looking signature by an unknown key.
        let extra = format!("— c.example/x {}\n", STANDARD.encode([9u8; 20]));
        let note = format!("{note}{extra}");
        let opened = open_note(&note, &[a.verifier_key()]).unwrap();
        assert_eq!(opened.verified_signers, vec!["a.example/log".to_owned()]);
        assert_eq!(
            opened.unknown_signers,
            vec![
                b.verifier_key().signer_id(),
                SignerId {
                    name: "c.example/x".into(),
                    key_id: 0x09090909
                }
            ]
        );
    }

    #[test]
    fn same_name_other_key_id_is_unknown() {
        // Same name as the known key but a different key: different ID, ignored.
        let known = fixed_signer("log.example", 1);
        let other = fixed_signer("log.example", 2);
        let note = sign_note("x\n", &[&other]).unwrap();
        assert_eq!(
            open_note(&note, &[known.verifier_key()]).unwrap_err(),
            NoteError::NoKnownSignature { unknown: 1 }
        );
    }

    #[test]
    fn same_key_id_other_name_is_unknown() {
        // A valid signature whose line names another key (same key ID) must be
        // treated as unknown, not checked against the known key.
        let known = fixed_signer("log.example", 1);
        let note = sign_note("x\n", &[&known]).unwrap();
        let renamed = note.replacen("— log.example ", "— other.example ", 1);
        assert_eq!(
            open_note(&renamed, &[known.verifier_key()]).unwrap_err(),
            NoteError::NoKnownSignature { unknown: 1 }
        );
    }

    #[test]
    fn only_unknown_signatures_is_rejected() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        let s = SignerKey::parse(PN_SKEY).unwrap();
        let note = sign_note("text\n", &[&s]).unwrap();
        assert_eq!(
            open_note(&note, &[k]).unwrap_err(),
            NoteError::NoKnownSignature { unknown: 1 }
        );
        assert_eq!(
            open_note(&note, &[]).unwrap_err(),
            NoteError::NoKnownSignature { unknown: 1 }
        );
    }

    #[test]
    fn known_bad_signature_rejects_even_with_good_one() {
        let a = fixed_signer("a.example", 1);
        let b = fixed_signer("b.example", 2);
        let good = sign_note("msg\n", &[&a]).unwrap();
        // b signs different text, then the line is grafted on.
        let other = sign_note("other\n", &[&b]).unwrap();
        let b_line = other.rsplit_once("\n\n").unwrap().1;
        let note = format!("{good}{b_line}");
        assert_eq!(
            open_note(&note, &[a.verifier_key(), b.verifier_key()]).unwrap_err(),
            NoteError::BadSignature {
                name: "b.example".into(),
                key_id: b.key_id(),
                line: 4
            }
        );
        // Without b known, b's line is just ignored.
        assert!(open_note(&note, &[a.verifier_key()]).is_ok());
    }

    #[test]
    fn multi_signature_and_blank_lines_in_text() {
        let a = fixed_signer("a.example", 1);
        let b = fixed_signer("b.example", 2);
        for text in ["p1\n\np2\n", "\n", "a\n\n", "x\n\n\n\ny\n"] {
            let note = sign_note(text, &[&a, &b]).unwrap();
            let opened = open_note(&note, &[b.verifier_key(), a.verifier_key()]).unwrap();
            assert_eq!(opened.text, text);
            assert_eq!(
                opened.verified_signers,
                vec!["a.example".to_owned(), "b.example".to_owned()]
            );
        }
    }

    #[test]
    fn duplicate_known_signature_listed_once() {
        let a = fixed_signer("a.example", 1);
        let note = sign_note("dup\n", &[&a, &a]).unwrap();
        let opened = open_note(&note, &[a.verifier_key()]).unwrap();
        assert_eq!(opened.verified_signers, vec!["a.example".to_owned()]);
    }

    #[test]
    fn malformed_no_blank_line() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        let note = format!("{SPEC_TEXT}{SPEC_SIG_LINE}");
        assert_eq!(
            open_note(&note, std::slice::from_ref(&k)).unwrap_err(),
            NoteError::MissingSignatureBlock
        );
        assert_eq!(
            open_note("", &[k]).unwrap_err(),
            NoteError::MissingSignatureBlock
        );
    }

    #[test]
    fn malformed_signature_block_endings() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        let note = spec_note();
        let no_nl = note.strip_suffix('\n').unwrap();
        assert_eq!(
            open_note(no_nl, std::slice::from_ref(&k)).unwrap_err(),
            NoteError::SignatureMissingFinalNewline { line: 3 }
        );
        assert_eq!(
            open_note(&format!("{SPEC_TEXT}\n"), std::slice::from_ref(&k)).unwrap_err(),
            NoteError::EmptySignatureBlock { line: 2 }
        );
        // A trailing blank line moves the split point past the signatures.
        assert_eq!(
            open_note(&format!("{note}\n"), &[k]).unwrap_err(),
            NoteError::EmptySignatureBlock { line: 4 }
        );
    }

    #[test]
    fn malformed_bad_base64() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        for bad in ["Uw2Q!!!!", "Uw2QOkn8", "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQN=", "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM"] {
            let note = format!("{SPEC_TEXT}\n— example.com/foo {bad}\n");
            match open_note(&note, std::slice::from_ref(&k)) {
                Err(NoteError::SignatureBase64 { line: 3, .. }) => {}
                // "Uw2QOkn8" is valid base64 of 6 bytes: too short for known key.
                Err(NoteError::SignatureLength { line: 3, found: 6, .. }) if bad == "Uw2QOkn8" => {}
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn malformed_short_signature() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        // 4 bytes only: no signature at all.
        let note = format!(
            "{SPEC_TEXT}\n— example.com/foo {}\n",
            STANDARD.encode([0x53, 0x0d, 0x90, 0x3a])
        );
        assert_eq!(
            open_note(&note, std::slice::from_ref(&k)).unwrap_err(),
            NoteError::SignatureTooShort {
                line: 3,
                name: "example.com/foo".into(),
                found: 4
            }
        );
        // Known key, truncated Ed25519 signature (4 + 63 bytes).
        let mut raw = STANDARD
            .decode(&SPEC_SIG_LINE[20..SPEC_SIG_LINE.len() - 1])
            .unwrap();
        assert_eq!(raw.len(), 68);
        raw.pop();
        let note = format!("{SPEC_TEXT}\n— example.com/foo {}\n", STANDARD.encode(&raw));
        assert_eq!(
            open_note(&note, std::slice::from_ref(&k)).unwrap_err(),
            NoteError::SignatureLength {
                line: 3,
                name: "example.com/foo".into(),
                key_id: 0x530d903a,
                found: 67
            }
        );
        // Too long is rejected too.
        raw.extend_from_slice(&[0, 0]);
        let note = format!("{SPEC_TEXT}\n— example.com/foo {}\n", STANDARD.encode(&raw));
        assert!(matches!(
            open_note(&note, &[k]),
            Err(NoteError::SignatureLength { found: 69, .. })
        ));
    }

    #[test]
    fn malformed_missing_em_dash() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        // Hyphen, em dash without its space, double hyphen, en dash, nothing.
        for prefix in ["- ", "—", "-- ", "– ", ""] {
            let line = SPEC_SIG_LINE.replacen("— ", prefix, 1);
            let note = format!("{SPEC_TEXT}\n{line}");
            assert_eq!(
                open_note(&note, std::slice::from_ref(&k)).unwrap_err(),
                NoteError::MissingEmDash { line: 3 },
                "{prefix:?}"
            );
        }
        // A valid first line does not excuse a bad second one.
        let note = format!("{}- x AAAAAAA=\n", spec_note());
        assert_eq!(
            open_note(&note, &[k]).unwrap_err(),
            NoteError::MissingEmDash { line: 4 }
        );
    }

    #[test]
    fn malformed_signature_line_shape() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        let cases = [
            (
                "— example.com/foo\n",
                NoteError::SignatureLineFormat { line: 3 },
            ),
            (
                "— example.com/foo \n",
                NoteError::SignatureLineFormat { line: 3 },
            ),
            (
                "—  Uw2QOkn8\n",
                NoteError::SignatureKeyName {
                    line: 3,
                    name: String::new(),
                    reason: "key name is empty",
                },
            ),
            (
                "— a+b Uw2QOkn8\n",
                NoteError::SignatureKeyName {
                    line: 3,
                    name: "a+b".into(),
                    reason: "key name contains '+'",
                },
            ),
        ];
        for (line, want) in cases {
            let note = format!("{SPEC_TEXT}\n{line}");
            assert_eq!(
                open_note(&note, std::slice::from_ref(&k)).unwrap_err(),
                want,
                "{line}"
            );
        }
        // Double space: the base64 then starts with a space.
        let note = format!(
            "{SPEC_TEXT}\n{}",
            SPEC_SIG_LINE.replacen("foo ", "foo  ", 1)
        );
        assert!(matches!(
            open_note(&note, &[k]),
            Err(NoteError::SignatureBase64 { line: 3, .. })
        ));
    }

    #[test]
    fn control_characters_rejected() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        let note = spec_note().replacen("example message", "example\rmessage", 1);
        assert_eq!(
            open_note(&note, std::slice::from_ref(&k)).unwrap_err(),
            NoteError::ControlCharacter {
                line: 1,
                column: 19,
                code: 0x0d
            }
        );
        let note = format!("{SPEC_TEXT}\n{}", SPEC_SIG_LINE.replace('\n', "\r\n"));
        assert_eq!(
            open_note(&note, &[k]).unwrap_err(),
            NoteError::ControlCharacter {
                line: 3,
                column: SPEC_SIG_LINE.len(),
                code: 0x0d
            }
        );
        let s = fixed_signer("a", 1);
        assert!(matches!(
            sign_note("tab\there\n", &[&s]),
            Err(NoteError::ControlCharacter {
                line: 1,
                column: 4,
                code: 9
            })
        ));
    }

    #[test]
    fn too_many_signatures() {
        let a = fixed_signer("a.example", 1);
        let note = sign_note("m\n", &[&a]).unwrap();
        let line = note.rsplit_once("\n\n").unwrap().1;
        let ok = format!("m\n\n{}", line.repeat(MAX_SIGNATURES));
        assert!(open_note(&ok, &[a.verifier_key()]).is_ok());
        let too_many = format!("m\n\n{}", line.repeat(MAX_SIGNATURES + 1));
        assert_eq!(
            open_note(&too_many, &[a.verifier_key()]).unwrap_err(),
            NoteError::TooManySignatures {
                found: MAX_SIGNATURES + 1,
                max: MAX_SIGNATURES
            }
        );
        let signers: Vec<&SignerKey> = vec![&a; MAX_SIGNATURES + 1];
        assert!(matches!(
            sign_note("m\n", &signers),
            Err(NoteError::TooManySignatures { .. })
        ));
    }

    #[test]
    fn sign_rejects_bad_text_and_no_signers() {
        let s = fixed_signer("a", 1);
        assert_eq!(sign_note("", &[&s]).unwrap_err(), NoteError::EmptyText);
        assert_eq!(
            sign_note("no newline", &[&s]).unwrap_err(),
            NoteError::TextMissingFinalNewline
        );
        assert_eq!(sign_note("ok\n", &[]).unwrap_err(), NoteError::NoSigners);
    }

    #[test]
    fn weak_vkey_rejected() {
        // The identity point (order 1) and a point of order 8, with correct key IDs.
        let mut identity = [0u8; 33];
        identity[0] = 1;
        identity[1] = 1;
        let vkey = raw_vkey("weak.example", &identity);
        assert_eq!(
            VerifierKey::parse(&vkey).unwrap_err(),
            NoteError::WeakKey {
                name: "weak.example".into()
            }
        );
        let mut order8 = [0u8; 33];
        order8[0] = 1;
        order8[1..].copy_from_slice(
            &hex::decode("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
                .unwrap(),
        );
        assert_eq!(
            VerifierKey::parse(&raw_vkey("weak.example", &order8)).unwrap_err(),
            NoteError::WeakKey {
                name: "weak.example".into()
            }
        );
        let weak = VerifyingKey::from_bytes(&{
            let mut b = [0u8; 32];
            b[0] = 1;
            b
        })
        .unwrap();
        assert!(matches!(
            VerifierKey::new("w", weak),
            Err(NoteError::WeakKey { .. })
        ));
    }

    #[test]
    fn non_canonical_vkey_rejected() {
        // Encodings of y = p + small (p = 2^255 - 19) are non-canonical; those
        // that decompress to a non-weak point must still be refused.
        let mut refused_valid_point = 0;
        for small in 0u8..19 {
            for sign in [0u8, 0x80] {
                let mut k = [0xffu8; 33];
                k[0] = 1;
                k[1] = 0xed + small;
                k[32] = 0x7f | sign;
                let err = VerifierKey::parse(&raw_vkey("nc.example", &k)).unwrap_err();
                let mut pk = [0u8; 32];
                pk.copy_from_slice(&k[1..]);
                match VerifyingKey::from_bytes(&pk) {
                    Ok(vk) if !vk.is_weak() => {
                        assert!(matches!(err, NoteError::InvalidPublicKey { .. }), "{err:?}");
                        refused_valid_point += 1;
                    }
                    _ => assert!(
                        matches!(
                            err,
                            NoteError::InvalidPublicKey { .. } | NoteError::WeakKey { .. }
                        ),
                        "{err:?}"
                    ),
                }
            }
        }
        assert!(
            refused_valid_point > 0,
            "test did not exercise the canonical check"
        );
    }

    #[test]
    fn wrong_key_id_in_vkey_rejected() {
        let bad = SPEC_VKEY.replace("530d903a", "530d903b");
        assert_eq!(
            VerifierKey::parse(&bad).unwrap_err(),
            NoteError::KeyIdMismatch {
                what: "verifier key",
                name: "example.com/foo".into(),
                declared: 0x530d903b,
                computed: 0x530d903a
            }
        );
        // Renaming the key changes its ID too.
        let renamed = SPEC_VKEY.replace("example.com/foo", "example.com/bar");
        assert!(matches!(
            VerifierKey::parse(&renamed),
            Err(NoteError::KeyIdMismatch { .. })
        ));
        let bad = PN_SKEY.replace("c74f20a3", "c74f20a4");
        assert!(matches!(
            SignerKey::parse(&bad),
            Err(NoteError::KeyIdMismatch {
                what: "signer key",
                ..
            })
        ));
    }

    type ErrCheck = fn(&NoteError) -> bool;

    #[test]
    fn malformed_vkeys_rejected() {
        let cases: &[(&str, ErrCheck)] = &[
            ("", |e| matches!(e, NoteError::VerifierKeyFormat { .. })),
            ("name", |e| matches!(e, NoteError::VerifierKeyFormat { .. })),
            ("name+530d903a", |e| {
                matches!(e, NoteError::VerifierKeyFormat { .. })
            }),
            (
                "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
                |e| matches!(e, NoteError::InvalidKeyName { .. }),
            ),
            (
                "exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
                |e| matches!(e, NoteError::InvalidKeyName { .. }),
            ),
            (
                "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
                |e| matches!(e, NoteError::KeyIdFormat { .. }),
            ),
            (
                "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
                |e| matches!(e, NoteError::KeyIdFormat { .. }),
            ),
            (
                "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",
                |e| matches!(e, NoteError::KeyBase64 { .. }),
            ),
            ("example.com/foo+530d903a+", |e| {
                matches!(e, NoteError::KeyLength { found: 0, .. })
            }),
            (
                "example.com/foo+530d903a+AgkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
                |e| matches!(e, NoteError::UnsupportedKeyType { found: 2, .. }),
            ),
            (
                "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U0=",
                |e| matches!(e, NoteError::KeyLength { found: 32, .. }),
            ),
        ];
        for (vkey, ok) in cases {
            let err = VerifierKey::parse(vkey).unwrap_err();
            assert!(ok(&err), "{vkey}: {err:?}");
            assert!(!err.to_string().is_empty());
        }
    }

    #[test]
    fn malformed_skeys_rejected_without_leaking() {
        let cases = [
            PN_SKEY.replacen("PRIVATE+KEY+", "PRIVATE+KEYS+", 1),
            PN_SKEY.replacen("PRIVATE+KEY+", "", 1),
            "PRIVATE+KEY+PeterNeumann".to_owned(),
            PN_SKEY.replacen("AYEK", "AYE!", 1),
            PN_SKEY.replacen("AYEK", "AiEK", 1),
            format!("{PN_SKEY}AAAA"),
            PN_SKEY.replacen("AYEKFALV", "AYEKFAL", 1),
        ];
        for skey in &cases {
            let err = SignerKey::parse(skey).unwrap_err();
            let msg = err.to_string();
            assert!(!msg.contains("FALV") && !msg.contains("+Y7h"), "{msg}");
        }
        assert!(matches!(
            SignerKey::parse(&cases[4]),
            Err(NoteError::UnsupportedKeyType { found: 2, .. })
        ));
        assert!(matches!(
            SignerKey::parse(&cases[5]),
            Err(NoteError::KeyLength { .. })
        ));
    }

    #[test]
    fn generated_keys_round_trip() {
        let mut rng = rand::thread_rng();
        let s = SignerKey::generate("gen.example/log", &mut rng).unwrap();
        let again = SignerKey::parse(&s.to_skey_string()).unwrap();
        assert_eq!(again.verifier_key(), s.verifier_key());
        let v = VerifierKey::parse(&s.verifier_key().to_string()).unwrap();
        assert_eq!(v, s.verifier_key());
        assert!(matches!(
            SignerKey::generate("bad name", &mut rng),
            Err(NoteError::InvalidKeyName { .. })
        ));
        assert!(matches!(
            SignerKey::generate("bad\u{a0}name", &mut rng),
            Err(NoteError::InvalidKeyName { .. })
        ));
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let k = VerifierKey::parse(SPEC_VKEY).unwrap();
        let base = spec_note();
        let inputs = [
            "\n\n".to_owned(),
            "\n\n\n".to_owned(),
            "\n\n—".to_owned(),
            "\n\n— \n".to_owned(),
            "\n\n— a \n".to_owned(),
            "\n\n— a =\n".to_owned(),
            "\n\n— a ====\n".to_owned(),
            "é\n\n— é AAAAAAA=\n".to_owned(),
            "x\n\n\u{2014}\u{2014} a b\n".to_owned(),
            format!("{}\n", "\n".repeat(1000)),
        ];
        for input in inputs {
            assert!(
                open_note(&input, std::slice::from_ref(&k)).is_err(),
                "{input:?}"
            );
        }
        // Every truncation of a valid note, and every single-byte ASCII change.
        for cut in 0..=base.len() {
            if let Some(prefix) = base.get(..cut) {
                let _ = open_note(prefix, std::slice::from_ref(&k));
            }
        }
        for i in 0..base.len() {
            for repl in [b' ', b'\n', b'+', b'=', b'A'] {
                let mut b = base.as_bytes().to_vec();
                if b[i].is_ascii() {
                    b[i] = repl;
                    if let Ok(s) = String::from_utf8(b) {
                        let _ = open_note(&s, std::slice::from_ref(&k));
                    }
                }
            }
        }
        for s in [
            "+",
            "++",
            "a++",
            "a+12345678+",
            "PRIVATE+KEY+",
            "PRIVATE+KEY+a+b+c",
        ] {
            assert!(VerifierKey::parse(s).is_err());
            assert!(SignerKey::parse(s).is_err());
        }
    }

    #[test]
    fn error_messages_locate_the_problem() {
        let e = NoteError::BadSignature {
            name: "n".into(),
            key_id: 0xabc,
            line: 7,
        };
        assert_eq!(
            e.to_string(),
            "invalid signature on line 7 by known key \"n\" (00000abc): Ed25519 verification failed"
        );
        let long = "x".repeat(1000);
        let err = VerifierKey::parse(&format!("{long} +00000000+AA==")).unwrap_err();
        assert!(err.to_string().len() < 200, "{err}");
    }
}
