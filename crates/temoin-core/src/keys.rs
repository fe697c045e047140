//! Keys and key files (docs/FORMAT.md §7, keys/README.md): the key types,
//! their text forms, and reading key files. Writing them is the archive
//! crate's (`temoin::keys::SaveKey`), which makes them durable.
//!
//! A key file is UTF-8 text: lines starting with `#` are comments (demo keys
//! carry a `DEMO ONLY` warning there), and exactly one line holds the key in
//! its C2SP form:
//!
//! - secret: `PRIVATE+KEY+<name>+<keyid>+<base64(0x01 || seed32)>` (Go's
//!   `sumdb/note` signer key form), file mode 0600;
//! - public: `<name>+<keyid>+<base64(0x01 || pubkey32)>` (the C2SP vkey).
//!
//! Using the transparency-log forms means the archive's checkpoint key can
//! be handed to standard tooling as it is.

use crate::signed_note::{SignerKey, VerifierKey};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::{Zeroize as _, Zeroizing};

thread_local! {
    /// Key bytes -> whether `is_canonical_point` holds (see `PublicKey::from_bytes`).
    static VALID_KEYS: std::cell::RefCell<std::collections::HashMap<[u8; 32], bool>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn is_canonical_point(bytes: &[u8; 32]) -> bool {
    let Ok(vk) = VerifyingKey::from_bytes(bytes) else {
        return false;
    };
    // One key, one encoding: refuse the non-canonical encodings (y >= p,
    // or x = 0 with the sign bit set) that the decoder accepts and
    // RFC 8032 §5.1.3 rejects (docs/FORMAT.md §1.2).
    vk.to_edwards().compress().as_bytes() == bytes
}

/// A raw Ed25519 public key: an author's identity in the archive.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// Accepts only valid curve points; weak keys are caught by `is_weak`.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, KeyError> {
        // The check costs a point decompression and a compression; ingest
        // and audit ask it of the same few authors for every statement, so
        // each thread keeps its verdicts (a pure function of the bytes).
        let valid = VALID_KEYS.with(|c| {
            let mut c = c.borrow_mut();
            if let Some(&v) = c.get(bytes) {
                return v;
            }
            if c.len() >= 4096 {
                c.clear();
            }
            let v = is_canonical_point(bytes);
            c.insert(*bytes, v);
            v
        });
        if !valid {
            return Err(KeyError::NotAPoint);
        }
        Ok(PublicKey(*bytes))
    }

    pub fn to_bytes(self) -> [u8; 32] {
        self.0
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        // A PublicKey holds only bytes that from_bytes accepted (or that a
        // signing key derived): decoding them again cannot fail, and a
        // default key in their place would be another key.
        VerifyingKey::from_bytes(&self.0).expect("a PublicKey holds a valid curve point")
    }

    /// Small-order keys: a signature "by" them proves nothing.
    pub fn is_weak(&self) -> bool {
        self.verifying_key().is_weak()
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// 12 hex digits, for tables.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..6])
    }

    /// Parse 64 lowercase hex digits (as payloads write keys) or a C2SP vkey.
    pub fn parse(s: &str) -> Result<PublicKey, KeyError> {
        let s = s.trim();
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            let mut b = [0u8; 32];
            hex::decode_to_slice(s, &mut b).map_err(|_| KeyError::NotAPoint)?;
            return PublicKey::from_bytes(&b);
        }
        let v = VerifierKey::parse(s).map_err(|e| KeyError::Format {
            reason: e.to_string(),
        })?;
        Ok(PublicKey(v.public_key().to_bytes()))
    }

    /// The C2SP vkey of this key under `name`.
    pub fn vkey(&self, name: &str) -> Result<String, KeyError> {
        let v = VerifierKey::new(name, self.verifying_key()).map_err(|e| KeyError::Format {
            reason: e.to_string(),
        })?;
        Ok(v.to_string())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl serde::Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// A named Ed25519 signing key. The seed is zeroized on drop
/// (ed25519-dalek's `zeroize` feature).
pub struct SecretKey {
    name: String,
    signing: SigningKey,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}, {})", self.name, self.public().short())
    }
}

impl SecretKey {
    /// A fresh key from the OS's random generator.
    pub fn generate(name: &str) -> Result<SecretKey, KeyError> {
        check_name(name)?;
        Ok(SecretKey {
            name: name.to_string(),
            signing: SigningKey::generate(&mut rand::rngs::OsRng),
        })
    }

    /// A key from a fixed seed: for test vectors and demo keys only.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<SecretKey, KeyError> {
        check_name(name)?;
        Ok(SecretKey {
            name: name.to_string(),
            signing: SigningKey::from_bytes(seed),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key().to_bytes())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// This key as a C2SP note signer (for checkpoints).
    pub fn note_signer(&self) -> Result<SignerKey, KeyError> {
        SignerKey::new(&self.name, self.signing.clone()).map_err(|e| KeyError::Format {
            reason: e.to_string(),
        })
    }

    pub fn vkey(&self) -> Result<String, KeyError> {
        self.public().vkey(&self.name)
    }

    /// Parse a secret key file's text.
    pub fn parse_file(text: &str) -> Result<SecretKey, KeyError> {
        let line = key_line(text)?;
        if !line.starts_with("PRIVATE+KEY+") {
            return Err(KeyError::Format {
                reason: "this is not a secret key (secret keys start with PRIVATE+KEY+; \
                         did you pass the .pub file?)"
                    .into(),
            });
        }
        let s = SignerKey::parse(line).map_err(|e| KeyError::Format {
            reason: e.to_string(),
        })?;
        Ok(SecretKey {
            name: s.name().to_string(),
            signing: s.signing_key().clone(),
        })
    }

    /// The secret key file's text, with `comment` lines above the key.
    pub fn to_file_text(&self, comment: &str) -> Result<Zeroizing<String>, KeyError> {
        let skey = self.note_signer()?.to_skey_string();
        // Sized once, so that no reallocation leaves a copy of the key behind.
        let cap = comment.len() + 3 * comment.lines().count() + skey.len() + 1;
        let mut out = Zeroizing::new(String::with_capacity(cap));
        for c in comment.lines() {
            out.push_str("# ");
            out.push_str(c);
            out.push('\n');
        }
        out.push_str(&skey);
        out.push('\n');
        Ok(out)
    }

    /// The public key file's text, with `comment` lines above the key. A
    /// comment holding the secret-key marker is refused: readers refuse any
    /// file that holds it (a secret key is never taken for a public one),
    /// so the file could not be read back.
    pub fn public_file_text(&self, comment: &str) -> Result<String, KeyError> {
        if is_secret_key_text(comment) {
            return Err(KeyError::Format {
                reason: "a public key file's comment cannot hold \"PRIVATE+KEY+\", the mark of secret keys: change the comment".into(),
            });
        }
        let mut out = String::new();
        for c in comment.lines() {
            out.push_str("# ");
            out.push_str(c);
            out.push('\n');
        }
        out.push_str(&self.vkey()?);
        out.push('\n');
        Ok(out)
    }

    /// Read a secret key file. Like ssh, refuse one that others may read
    /// or write (any group or other permission bit): its key may be in
    /// other hands. Demo keys, whose seeds are public, are exempt.
    pub fn load(path: &Path) -> Result<SecretKey, KeyError> {
        SecretKey::load_with(path, &mut |p| {
            Err(KeyError::NeedsPassphrase { path: p.into() })
        })
    }

    /// Read a secret key file that may be protected by a passphrase, which
    /// `ask` gives when it is (and only then).
    pub fn load_with(path: &Path, ask: &mut AskPassphrase<'_>) -> Result<SecretKey, KeyError> {
        let text = read_secret_file(path, ask)?;
        SecretKey::parse_file(&text).map_err(|e| e.at(path))
    }
}

/// `PATH.pub` for a secret key at `PATH`.
pub fn public_path_for(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".pub");
    PathBuf::from(s)
}

/// A public key read from a file, with the name it carries.
#[derive(Debug, Clone)]
pub struct NamedPublicKey {
    pub name: String,
    pub key: PublicKey,
}

impl NamedPublicKey {
    pub fn parse_file(text: &str) -> Result<NamedPublicKey, KeyError> {
        if is_secret_key_text(text) {
            return Err(KeyError::SecretGiven);
        }
        let line = key_line(text)?;
        let v = VerifierKey::parse(line).map_err(|e| KeyError::Format {
            reason: e.to_string(),
        })?;
        Ok(NamedPublicKey {
            name: v.name().to_string(),
            key: PublicKey(v.public_key().to_bytes()),
        })
    }

    /// Read a public key file, or accept the argument itself as a vkey or hex key.
    pub fn load_or_parse(arg: &str) -> Result<NamedPublicKey, KeyError> {
        // Before anything that could echo the argument.
        if is_secret_key_text(arg) {
            return Err(KeyError::SecretGiven);
        }
        let path = Path::new(arg);
        if path.exists() {
            let text = read_key_file(path)?;
            return NamedPublicKey::parse_file(&text).map_err(|e| e.at(path));
        }
        if let Ok(v) = VerifierKey::parse(arg.trim()) {
            return Ok(NamedPublicKey {
                name: v.name().to_string(),
                key: PublicKey(v.public_key().to_bytes()),
            });
        }
        let trimmed = arg.trim();
        let typed = if trimmed.len() == 64 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
            trimmed.to_ascii_lowercase()
        } else {
            trimmed.to_string()
        };
        let key = PublicKey::parse(&typed).map_err(|_| KeyError::NotFound { path: arg.into() })?;
        Ok(NamedPublicKey {
            name: key.short(),
            key,
        })
    }
}

/// Read a public key file holding a C2SP vkey (exactly one key line).
pub fn load_vkey_file(path: &Path) -> Result<VerifierKey, KeyError> {
    let text = read_key_file(path)?;
    if is_secret_key_text(&text) {
        return Err(KeyError::SecretGiven);
    }
    let line = key_line(&text).map_err(|e| e.at(path))?;
    VerifierKey::parse(line).map_err(|e| {
        KeyError::Format {
            reason: e.to_string(),
        }
        .at(path)
    })
}

/// Whether `text` holds a secret key line (`PRIVATE+KEY+…`). Checked
/// before any message could quote it: a secret key is never printed.
pub fn is_secret_key_text(text: &str) -> bool {
    text.contains("PRIVATE+KEY+")
}

/// Whether a key file carries the `DEMO ONLY` comment of the demo keys
/// (keys/README.md), whose seeds are public.
fn is_demo_key_text(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .any(|l| l.starts_with('#') && l.contains("DEMO ONLY"))
}

fn key_line(text: &str) -> Result<&str, KeyError> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let line = lines.next().ok_or(KeyError::Format {
        reason: "no key line (only comments or blank lines)".into(),
    })?;
    if lines.next().is_some() {
        return Err(KeyError::Format {
            reason: "more than one key line; a key file holds exactly one key".into(),
        });
    }
    Ok(line)
}

/// Gives the passphrase of a protected key file (a prompt, a file).
pub type AskPassphrase<'a> = dyn FnMut(&Path) -> Result<SecretString, KeyError> + 'a;

pub use age::secrecy::{ExposeSecret, SecretString};

/// First bytes of a passphrase-protected key file: an age file
/// (docs/FORMAT.md §7.1), encrypted with age's scrypt passphrase mode.
pub const PROTECTED_MARK: &[u8] = b"age-encryption.org/v1\n";

/// Whether a key file's bytes are a passphrase-protected key file.
pub fn is_protected(bytes: &[u8]) -> bool {
    bytes.starts_with(PROTECTED_MARK)
}

/// A key file's text, protected by `passphrase` (age, scrypt).
pub fn protect(text: &str, passphrase: SecretString) -> Result<Vec<u8>, KeyError> {
    use std::io::Write as _;
    let failed = |e: String| KeyError::Format {
        reason: format!("cannot protect the key: {e}"),
    };
    let enc = age::Encryptor::with_user_passphrase(passphrase);
    let mut out = Vec::new();
    let mut w = enc
        .wrap_output(&mut out)
        .map_err(|e| failed(e.to_string()))?;
    w.write_all(text.as_bytes())
        .and_then(|_| w.finish().map(|_| ()))
        .map_err(|e| failed(e.to_string()))?;
    Ok(out)
}

/// The text of a passphrase-protected key file.
pub fn unprotect(
    bytes: &[u8],
    passphrase: SecretString,
    path: &Path,
) -> Result<Zeroizing<String>, KeyError> {
    use std::io::Read as _;
    let wrong = || KeyError::WrongPassphrase { path: path.into() };
    let d = age::Decryptor::new_buffered(bytes).map_err(|e| KeyError::FormatAt {
        path: path.into(),
        reason: format!("a damaged passphrase-protected key file: {e}"),
    })?;
    if !d.is_scrypt() {
        return Err(KeyError::FormatAt {
            path: path.into(),
            reason: "an age file, but not one protected by a passphrase".into(),
        });
    }
    let id = age::scrypt::Identity::new(passphrase);
    let mut r = d
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::ExcessiveWork { .. } => KeyError::FormatAt {
                path: path.into(),
                reason: format!("its passphrase protection asks for more work than allowed ({e})"),
            },
            _ => wrong(),
        })?;
    let mut plain = Zeroizing::new(Vec::with_capacity(bytes.len()));
    r.read_to_end(&mut plain).map_err(|_| wrong())?;
    let text = std::str::from_utf8(&plain).map_err(|_| KeyError::FormatAt {
        path: path.into(),
        reason: "the protected key is not UTF-8 text".into(),
    })?;
    Ok(Zeroizing::new(text.to_string()))
}

/// Read a secret key file (a signing key or a reader's key): refused, like
/// ssh does, when others may read or write it (any group or other
/// permission bit), since its key may be in other hands; demo keys, whose
/// seeds are public, are exempt. A passphrase-protected file is opened
/// with the passphrase `ask` gives.
pub fn read_secret_file(
    path: &Path,
    ask: &mut AskPassphrase<'_>,
) -> Result<Zeroizing<String>, KeyError> {
    let bytes = read_key_bytes(path)?;
    let (text, bytes) = if is_protected(&bytes) {
        (None, bytes)
    } else {
        (Some(key_text(bytes, path)?), Zeroizing::new(Vec::new()))
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path)
            .map_err(|e| KeyError::Io {
                path: path.into(),
                source: e,
            })?
            .permissions()
            .mode();
        let secret = match &text {
            None => true,
            Some(t) => {
                (is_secret_key_text(t) || t.contains("AGE-SECRET-KEY-")) && !is_demo_key_text(t)
            }
        };
        if mode & 0o077 != 0 && secret {
            return Err(KeyError::Exposed {
                path: path.into(),
                mode: mode & 0o777,
            });
        }
    }
    match text {
        Some(t) => Ok(t),
        None => {
            let passphrase = ask(path)?;
            unprotect(&bytes, passphrase, path)
        }
    }
}

/// A key file's text, wiped from memory when dropped.
fn read_key_file(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    let bytes = read_key_bytes(path)?;
    if is_protected(&bytes) {
        return Err(KeyError::NeedsPassphrase { path: path.into() });
    }
    key_text(bytes, path)
}

fn read_key_bytes(path: &Path) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut bytes = std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            KeyError::NotFound { path: path.into() }
        } else {
            KeyError::Io {
                path: path.into(),
                source: e,
            }
        }
    })?;
    if bytes.len() > 64 * 1024 {
        bytes.zeroize();
        return Err(KeyError::Format {
            reason: format!("{} is too large to be a key file", path.display()),
        });
    }
    Ok(Zeroizing::new(bytes))
}

fn key_text(mut bytes: Zeroizing<Vec<u8>>, path: &Path) -> Result<Zeroizing<String>, KeyError> {
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(e) => {
            e.into_bytes().zeroize();
            Err(KeyError::Format {
                reason: format!("{} is not UTF-8 text", path.display()),
            })
        }
    }
}

/// C2SP key names: non-empty, no whitespace, no `+`.
pub fn check_name(name: &str) -> Result<(), KeyError> {
    if name.is_empty() || name.len() > 100 || name.chars().any(|c| c.is_whitespace() || c == '+') {
        return Err(KeyError::BadName { name: name.into() });
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key file {path} not found")]
    NotFound { path: PathBuf },
    #[error("{path} already exists; refusing to overwrite a key (move it away first)")]
    Exists { path: PathBuf },
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("bad key: {reason}")]
    Format { reason: String },
    #[error("bad key in {path}: {reason}")]
    FormatAt { path: PathBuf, reason: String },
    #[error("key name {name:?} is not allowed: use 1-100 characters without spaces or '+' (e.g. \"aminata-walet\")")]
    BadName { name: String },
    #[error("the key is not a valid Ed25519 public key")]
    NotAPoint,
    #[error("this is a SECRET key (a PRIVATE+KEY+ line, not shown here); pass the public key (the .pub file, or its vkey) instead, and keep the secret key private")]
    SecretGiven,
    #[error("key file {path} is protected by a passphrase: give it with --passphrase-file FILE, or run the command on a terminal to be asked for it")]
    NeedsPassphrase { path: PathBuf },
    #[error("wrong passphrase for key file {path} (nothing was written)")]
    WrongPassphrase { path: PathBuf },
    #[error("secret key file {path} has mode {mode:03o}: others may read or change it, so the key may no longer be secret. Make it private with `chmod 600 {path}` (and replace the key if others could have copied it)")]
    Exposed { path: PathBuf, mode: u32 },
}

impl KeyError {
    /// A format error, placed in the file it was found in.
    pub fn at(self, path: &Path) -> KeyError {
        match self {
            KeyError::Format { reason } => KeyError::FormatAt {
                path: path.into(),
                reason,
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `public_file_text` writes, `NamedPublicKey::parse_file` reads
    /// back; a comment that would make it unreadable is refused instead.
    #[test]
    fn a_public_key_file_reads_back_or_is_not_written() {
        let k = SecretKey::from_seed("témoin", &[9; 32]).unwrap();
        let text = k.public_file_text("Agent de terrain\nGoundam").unwrap();
        let back = NamedPublicKey::parse_file(&text).unwrap();
        assert_eq!(back.key, k.public());
        assert!(k.public_file_text("see PRIVATE+KEY+x").is_err());
    }
}
