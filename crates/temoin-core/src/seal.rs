//! Sealed parts (DESIGN §9, docs/FORMAT.md §3.8): a part's content
//! encrypted with age to named readers.
//!
//! The author commits the plaintext part `L` as any part (the salted digest
//! binds the author to the words), and two companions that travel in its
//! place: `L.age`, the age ciphertext of `salt || content` to the readers'
//! X25519 recipients, and `L.to`, the readers' recipients, one per line.
//! The archive, the `.tms` and bundles hold only the companions; a reader
//! decrypts `L.age` and checks what it recovers against `L`'s commitment.
//! All cryptography here is the age crate's.

use crate::hash::part_digest;
use crate::statement::{Part, PartCommitment, StatementBody};
use std::fmt;
use std::io::{Read, Write};
use std::str::FromStr;
use zeroize::Zeroizing;

/// Suffix of the ciphertext companion of a sealed part.
pub const CIPHERTEXT_SUFFIX: &str = ".age";
/// Suffix of the readers companion of a sealed part.
pub const READERS_SUFFIX: &str = ".to";
/// At most this many readers per sealed part.
pub const MAX_READERS: usize = 64;

/// What a companion part holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Companion {
    /// `L.age`: the age ciphertext of `salt || content`.
    Ciphertext,
    /// `L.to`: the readers' recipients.
    Readers,
    /// `L.type`: the part's media type (an attachment, `attach`); not a
    /// sealing companion: `L` need not be sealed.
    MediaType,
}

/// A label's base and, for a companion, which one: `witness.age` is
/// `("witness", Some(Ciphertext))`, `witness` is `("witness", None)`.
pub fn split_label(label: &str) -> (&str, Option<Companion>) {
    if let Some(base) = label.strip_suffix(CIPHERTEXT_SUFFIX) {
        (base, Some(Companion::Ciphertext))
    } else if let Some(base) = label.strip_suffix(READERS_SUFFIX) {
        (base, Some(Companion::Readers))
    } else if let Some(base) = label.strip_suffix(crate::attach::MEDIA_TYPE_SUFFIX) {
        (base, Some(Companion::MediaType))
    } else {
        (label, None)
    }
}

pub fn ciphertext_label(base: &str) -> String {
    format!("{base}{CIPHERTEXT_SUFFIX}")
}

pub fn readers_label(base: &str) -> String {
    format!("{base}{READERS_SUFFIX}")
}

/// Is the part `label` of `body` sealed (its ciphertext companion committed)?
pub fn is_sealed(body: &StatementBody, label: &str) -> bool {
    split_label(label).1.is_none() && body.part(&ciphertext_label(label)).is_some()
}

/// At most 80 characters of what the user gave, for an error message.
fn shorten(s: &str) -> String {
    s.chars().take(80).collect()
}

/// The label whose stored bytes stand for the part `label` of `body`: its
/// ciphertext companion if it is sealed, else itself. A redaction order
/// naming `label` erases those bytes.
pub fn stored_label(body: &StatementBody, label: &str) -> String {
    if is_sealed(body, label) {
        ciphertext_label(label)
    } else {
        label.to_string()
    }
}

/// The part a missing stored part stands for: a redaction order naming
/// the base of a ciphertext companion erased it.
pub fn redaction_label(label: &str) -> &str {
    match split_label(label) {
        (base, Some(Companion::Ciphertext)) => base,
        _ => label,
    }
}

/// A reader's age X25519 recipient (`age1…`).
#[derive(Clone)]
pub struct Recipient(age::x25519::Recipient);

impl Recipient {
    pub fn as_age(&self) -> &age::x25519::Recipient {
        &self.0
    }
}

impl FromStr for Recipient {
    type Err = SealError;
    fn from_str(s: &str) -> Result<Recipient, SealError> {
        let r = age::x25519::Recipient::from_str(s).map_err(|e| SealError::BadRecipient {
            given: shorten(s),
            reason: e.to_string(),
        })?;
        // One spelling per recipient, so that lists compare and sort.
        if r.to_string() != s {
            return Err(SealError::BadRecipient {
                given: shorten(s),
                reason: "not in canonical form (lowercase age1…)".into(),
            });
        }
        Ok(Recipient(r))
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({})", self.0)
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Recipient) -> bool {
        self.to_string() == other.to_string()
    }
}
impl Eq for Recipient {}

/// A reader's age identity: the secret that opens parts sealed to its
/// recipient.
pub struct ReaderIdentity(age::x25519::Identity);

impl ReaderIdentity {
    pub fn generate() -> ReaderIdentity {
        ReaderIdentity(age::x25519::Identity::generate())
    }

    pub fn recipient(&self) -> Recipient {
        Recipient(self.0.to_public())
    }

    /// The identity file, as `age-keygen` writes it: comment lines, then the
    /// `AGE-SECRET-KEY-1…` line.
    pub fn to_file_text(&self, created: &str) -> Zeroizing<String> {
        use age::secrecy::ExposeSecret;
        Zeroizing::new(format!(
            "# created: {created}\n# public key: {}\n{}\n",
            self.recipient(),
            self.0.to_string().expose_secret()
        ))
    }

    /// Read an identity file: `#` comments and blank lines, and exactly one
    /// `AGE-SECRET-KEY-1…` line (the form `age-keygen` and `temoin key
    /// generate --reader` write).
    pub fn parse_file(text: &str) -> Result<ReaderIdentity, SealError> {
        let mut found = None;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if found.is_some() {
                return Err(SealError::BadIdentity(
                    "more than one key line (temoin reads one identity per file)".into(),
                ));
            }
            found = Some(line);
        }
        let line = found.ok_or_else(|| {
            SealError::BadIdentity("no AGE-SECRET-KEY-1… line (is this a reader key?)".into())
        })?;
        age::x25519::Identity::from_str(line)
            .map(ReaderIdentity)
            .map_err(|_| {
                SealError::BadIdentity(
                    "its key line is not an age X25519 identity (AGE-SECRET-KEY-1…)".into(),
                )
            })
    }
}

/// The content of `L.to`: each recipient on its own line, in the order
/// given.
pub fn readers_content(readers: &[Recipient]) -> Vec<u8> {
    let mut out = String::new();
    for r in readers {
        out.push_str(&r.to_string());
        out.push('\n');
    }
    out.into_bytes()
}

/// Read `L.to`: 1 to `MAX_READERS` canonical recipients, each ending with
/// a newline, none twice.
pub fn parse_readers(content: &[u8]) -> Result<Vec<Recipient>, String> {
    let text = std::str::from_utf8(content).map_err(|_| "it is not UTF-8".to_string())?;
    let Some(body) = text.strip_suffix('\n') else {
        return Err("it must be recipients, each on a line ending with a newline".into());
    };
    let mut out: Vec<Recipient> = Vec::new();
    for (i, line) in body.split('\n').enumerate() {
        let r = Recipient::from_str(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        if out.contains(&r) {
            return Err(format!("line {}: recipient {r} appears twice", i + 1));
        }
        out.push(r);
        if out.len() > MAX_READERS {
            return Err(format!("more than {MAX_READERS} readers"));
        }
    }
    Ok(out)
}

/// Why a companion part's content is not what its label says, or `None`.
/// Checked at ingest, by the audit and by bundle verifiers alike.
pub fn companion_fault(label: &str, content: &[u8]) -> Option<String> {
    match split_label(label).1? {
        Companion::Readers => parse_readers(content)
            .err()
            .map(|e| format!("part {label:?} does not list the readers: {e}")),
        Companion::Ciphertext => ciphertext_fault(content)
            .map(|e| format!("part {label:?} is not an age file sealed to recipients: {e}")),
        Companion::MediaType => crate::attach::media_type_fault(content)
            .map(|e| format!("part {label:?} does not name a media type: {e}")),
    }
}

/// The age header of a ciphertext parses, and it is not sealed to a
/// passphrase (a sealed part is for named readers).
fn ciphertext_fault(content: &[u8]) -> Option<String> {
    match age::Decryptor::new_buffered(content) {
        Err(e) => Some(e.to_string()),
        Ok(d) if d.is_scrypt() => Some("it is sealed to a passphrase, not to readers".into()),
        Ok(_) => None,
    }
}

/// Seal `salt || content` to `readers`: the content of `L.age`.
pub fn seal(part: &Part, readers: &[Recipient]) -> Result<Vec<u8>, SealError> {
    let mut out = Vec::with_capacity(part.content.len() + 64 + 200 * readers.len());
    let mut w = seal_writer(&mut out, readers)?;
    w.write_all(&part.salt).map_err(SealError::io)?;
    w.write_all(&part.content).map_err(SealError::io)?;
    w.finish().map_err(SealError::io)?;
    Ok(out)
}

/// A writer that seals what is written to it to `readers` (streaming: for
/// attachments of any size). Write the salt, then the content, then call
/// `finish`.
pub fn seal_writer<W: Write>(
    out: W,
    readers: &[Recipient],
) -> Result<age::stream::StreamWriter<W>, SealError> {
    if readers.is_empty() {
        return Err(SealError::NoReaders);
    }
    let enc =
        age::Encryptor::with_recipients(readers.iter().map(|r| r.as_age() as &dyn age::Recipient))
            .map_err(|e| SealError::Age(e.to_string()))?;
    enc.wrap_output(out).map_err(SealError::io)
}

/// Open `L.age` with `identity` and check what it holds against `L`'s
/// commitment: the part the author signed, or why not.
pub fn unseal(
    ciphertext: &[u8],
    identity: &ReaderIdentity,
    commitment: &PartCommitment,
) -> Result<Part, UnsealError> {
    let mut content = Zeroizing::new(Vec::new());
    let salt = unseal_to(ciphertext, identity, commitment, &mut *content)?;
    Ok(Part {
        label: commitment.label.clone(),
        salt,
        content: std::mem::take(&mut *content),
    })
}

/// [`unseal`] as a stream, for a sealed attachment of any size: the
/// plaintext content goes to `out` as it is decrypted, and is checked
/// against `commitment` once it has all gone by. On an error, what was
/// written to `out` is not the part: the caller discards it. The salt.
pub fn unseal_to(
    ciphertext: impl std::io::BufRead,
    identity: &ReaderIdentity,
    commitment: &PartCommitment,
    out: &mut impl Write,
) -> Result<[u8; 32], UnsealError> {
    let mut reader = unseal_reader(ciphertext, identity)?;
    let mut salt = [0u8; 32];
    reader
        .read_exact(&mut salt)
        .map_err(|e| UnsealError::Damaged(e.to_string()))?;
    let mut check = crate::partcheck::PartCheck::new(&commitment.label, &salt);
    let mut buf = Zeroizing::new(vec![0u8; crate::partcheck::CHUNK]);
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(UnsealError::Damaged(e.to_string())),
        };
        total += n as u64;
        // Never more than the commitment allows: a hostile ciphertext
        // cannot make us write beyond it.
        if total > commitment.length {
            return Err(UnsealError::Mismatch(
                "its length differs from the length the author committed",
            ));
        }
        check.update(&buf[..n]);
        out.write_all(&buf[..n])
            .map_err(|e| UnsealError::Output(e.to_string()))?;
    }
    let checked = check.finish();
    if checked.length != commitment.length {
        return Err(UnsealError::Mismatch(
            "its length differs from the length the author committed",
        ));
    }
    if checked.digest.0 != commitment.digest {
        return Err(UnsealError::Mismatch(
            "its salted digest differs from the digest the author committed",
        ));
    }
    Ok(salt)
}

/// Open the sealed part `label` of `body` from its stored ciphertext part
/// (`salt`, `ciphertext`): the ciphertext must be the one the author
/// committed, and what it holds the plaintext the author committed.
pub fn open_sealed(
    body: &StatementBody,
    label: &str,
    salt: &[u8; 32],
    ciphertext: &[u8],
    identity: &ReaderIdentity,
) -> Result<Part, UnsealError> {
    let (Some(plain), Some(sealed)) = (body.part(label), body.part(&ciphertext_label(label)))
    else {
        return Err(UnsealError::NotSealed(label.to_string()));
    };
    if split_label(label).1.is_some() {
        return Err(UnsealError::NotSealed(label.to_string()));
    }
    if ciphertext.len() as u64 != sealed.length || part_digest(salt, ciphertext).0 != sealed.digest
    {
        return Err(UnsealError::Mismatch(
            "the ciphertext is not the one the author committed",
        ));
    }
    unseal(ciphertext, identity, plain)
}

/// A reader of the plaintext `salt || content` of `L.age` (streaming).
/// The caller checks it against the commitment.
pub fn unseal_reader<'a, R: std::io::BufRead + 'a>(
    ciphertext: R,
    identity: &ReaderIdentity,
) -> Result<age::stream::StreamReader<R>, UnsealError> {
    let d = age::Decryptor::new_buffered(ciphertext)
        .map_err(|e| UnsealError::Damaged(e.to_string()))?;
    d.decrypt(std::iter::once(&identity.0 as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => UnsealError::NotForThisIdentity,
            other => UnsealError::Damaged(other.to_string()),
        })
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("{given:?} is not a reader's recipient (age1…): {reason}")]
    BadRecipient { given: String, reason: String },
    #[error("not a reader key: {0}")]
    BadIdentity(String),
    #[error("a sealed part needs at least one reader (--to RECIPIENT or --to-readers)")]
    NoReaders,
    #[error("age: {0}")]
    Age(String),
    #[error("there is no part {0:?} to seal")]
    NoSuchPart(String),
    #[error("the payload part cannot be sealed: authority and projections are computed from it")]
    Payload,
}

impl From<std::io::Error> for UnsealError {
    fn from(e: std::io::Error) -> UnsealError {
        UnsealError::Output(e.to_string())
    }
}

impl SealError {
    fn io(e: std::io::Error) -> SealError {
        SealError::Age(e.to_string())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UnsealError {
    #[error("this reader key cannot open the part: it was not sealed to its recipient")]
    NotForThisIdentity,
    #[error("the sealed part is damaged: {0}")]
    Damaged(String),
    #[error("the opened part does not match the author's signed commitment: {0}")]
    Mismatch(&'static str),
    #[error("part {0:?} of this statement is not sealed (no {0:?}.age is committed)")]
    NotSealed(String),
    #[error("cannot write the opened part: {0}")]
    Output(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(content: &str) -> Part {
        Part::new("witness", content.as_bytes().to_vec())
    }

    /// Each reader opens a sealed part and gets the exact part committed;
    /// another key cannot; a part sealed over other content is caught by
    /// the commitment check.
    #[test]
    fn seal_and_unseal() {
        let (a, b, c) = (
            ReaderIdentity::generate(),
            ReaderIdentity::generate(),
            ReaderIdentity::generate(),
        );
        let p = part("Toraghite Walet Innabougor");
        let sealed = seal(&p, &[a.recipient(), b.recipient()]).unwrap();
        assert!(
            !sealed.windows(9).any(|w| w == b"Toraghite"),
            "ciphertext holds no plaintext"
        );
        assert_eq!(companion_fault("witness.age", &sealed), None);
        for id in [&a, &b] {
            let got = unseal(&sealed, id, &p.commitment()).unwrap();
            assert_eq!(got, p);
        }
        assert!(matches!(
            unseal(&sealed, &c, &p.commitment()),
            Err(UnsealError::NotForThisIdentity)
        ));
        let other = part("someone else");
        assert!(matches!(
            unseal(&sealed, &a, &other.commitment()),
            Err(UnsealError::Mismatch(_))
        ));
        let mut cut = sealed.clone();
        cut.truncate(sealed.len() - 1);
        assert!(matches!(
            unseal(&cut, &a, &p.commitment()),
            Err(UnsealError::Damaged(_))
        ));
        assert!(companion_fault("witness.age", b"not age").is_some());
        // Sealed to a passphrase rather than to readers: refused.
        let scrypt = crate::keys::protect("x", "a passphrase".to_string().into()).unwrap();
        assert!(companion_fault("witness.age", &scrypt)
            .unwrap()
            .contains("passphrase"));
    }

    #[test]
    fn readers_lists() {
        let (a, b) = (ReaderIdentity::generate(), ReaderIdentity::generate());
        let list = readers_content(&[a.recipient(), b.recipient()]);
        assert_eq!(
            parse_readers(&list).unwrap(),
            vec![a.recipient(), b.recipient()]
        );
        assert_eq!(companion_fault("witness.to", &list), None);
        let twice = readers_content(&[a.recipient(), a.recipient()]);
        assert!(parse_readers(&twice).unwrap_err().contains("twice"));
        assert!(parse_readers(b"").is_err());
        assert!(parse_readers(&list[..list.len() - 1]).is_err());
        let upper = String::from_utf8(list).unwrap().to_uppercase();
        assert!(parse_readers(upper.as_bytes()).is_err());
    }

    #[test]
    fn identity_files_round_trip() {
        let id = ReaderIdentity::generate();
        let text = id.to_file_text("2026-12-04T00:00:00Z");
        let back = ReaderIdentity::parse_file(&text).unwrap();
        assert_eq!(back.recipient(), id.recipient());
        assert!(ReaderIdentity::parse_file("# nothing\n").is_err());
        let two = format!("{}{}", *text, *text);
        assert!(ReaderIdentity::parse_file(&two).is_err());
    }
}
