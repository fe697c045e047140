//! C2SP transparency-log checkpoints (<https://c2sp.org/tlog-checkpoint>).
//!
//! A checkpoint is a signed note (see [`crate::note`]) whose text is at least
//! three non-empty lines:
//!
//! 1. the **origin**, a non-empty identifier of the log (by convention the
//!    log's key name, e.g. `example.com/behind-the-sofa`);
//! 2. the **tree size**, ASCII decimal with no sign and no leading zeros
//!    (`0` for the empty tree);
//! 3. the **root hash**, standard base64 of the 32-byte RFC 6962 Merkle root;
//! 4. optional, non-empty, opaque **extension lines**.
//!
//! ```text
//! example.com/behind-the-sofa
//! 20852163
//! CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
//!
//! — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
//! ```
//!
//! The spec says the log's key name SHOULD match the origin; this module
//! enforces it in both directions: [`Checkpoint::sign`] refuses a key whose
//! name differs from the origin, and [`Checkpoint::open`] refuses a
//! checkpoint whose origin differs from the archive key's name. Signatures by
//! other keys (e.g. witness cosignatures) are ignored by [`Checkpoint::open`].

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::signed_note::{open_note, sign_note, NoteError, SignerKey, VerifierKey};

/// Longest excerpt of untrusted input copied into an error message.
const SNIPPET_CHARS: usize = 64;

/// Everything that can go wrong when building, parsing or verifying a checkpoint.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckpointError {
    /// The signed-note layer failed (format, signature, unknown key, …).
    #[error("checkpoint note: {0}")]
    Note(#[from] NoteError),
    /// The body does not end with a newline.
    #[error("checkpoint body does not end with a newline")]
    MissingFinalNewline,
    /// The body has fewer than the three mandatory lines.
    #[error("checkpoint body has {found} line(s), expected at least 3 (origin, tree size, root hash); missing the {missing} line")]
    MissingLine {
        /// Number of lines present.
        found: usize,
        /// Name of the first missing line.
        missing: &'static str,
    },
    /// The origin line (line 1) is empty.
    #[error("checkpoint origin (line 1) is empty")]
    EmptyOrigin,
    /// The origin contains a newline or other control character.
    #[error("checkpoint origin {origin:?} contains a control character")]
    InvalidOrigin {
        /// The origin (possibly truncated).
        origin: String,
    },
    /// The tree size (line 2) is not canonical decimal.
    #[error("checkpoint tree size (line 2) {found:?} is invalid: {reason}")]
    InvalidSize {
        /// The line (possibly truncated).
        found: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The root hash (line 3) is not valid standard base64.
    #[error("checkpoint root hash (line 3) {found:?} is not valid standard base64: {source}")]
    RootBase64 {
        /// The line (possibly truncated).
        found: String,
        /// Decoder error.
        source: base64::DecodeError,
    },
    /// The root hash (line 3) does not decode to 32 bytes.
    #[error("checkpoint root hash (line 3) decodes to {found} bytes, expected 32")]
    RootLength {
        /// Decoded length.
        found: usize,
    },
    /// An extension line is empty (or, when signing, contains a control character).
    #[error("checkpoint extension line {line} is {reason}")]
    InvalidExtension {
        /// 1-based line number in the body.
        line: usize,
        /// "empty" or "contains a control character".
        reason: &'static str,
    },
    /// A control character other than newline in the body.
    #[error("checkpoint body line {line} contains a control character (U+{code:04X})")]
    ControlCharacter {
        /// 1-based line number in the body.
        line: usize,
        /// The character code.
        code: u32,
    },
    /// The origin does not match the key name.
    #[error("checkpoint origin {origin:?} does not match the log key name {key_name:?}")]
    OriginMismatch {
        /// The checkpoint's origin (possibly truncated).
        origin: String,
        /// The key's name.
        key_name: String,
    },
}

fn snippet(s: &str) -> String {
    if s.chars().count() <= SNIPPET_CHARS {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(SNIPPET_CHARS).collect();
        out.push('…');
        out
    }
}

fn has_control(s: &str) -> Option<char> {
    s.chars().find(|&c| (c as u32) < 0x20)
}

/// A transparency-log checkpoint: the signed tree head of a log.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Checkpoint {
    /// Log identity; by convention equal to the log key's name.
    pub origin: String,
    /// Number of leaves in the tree.
    pub size: u64,
    /// RFC 6962 Merkle tree root hash at `size`.
    pub root: [u8; 32],
    /// Optional opaque extension lines (without newlines), each non-empty.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    #[must_use]
    pub fn new(origin: impl Into<String>, size: u64, root: [u8; 32]) -> Self {
        Checkpoint {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The note text: `origin\n<size>\n<base64 root>\n` followed by each
    /// extension line and a newline. Does not validate; see [`Self::validate`].
    #[must_use]
    pub fn body(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for ext in &self.extensions {
            out.push_str(ext);
            out.push('\n');
        }
        out
    }

    /// Checks that [`Self::body`] would parse back to `self`: non-empty origin
    /// and extension lines, no newline or other control characters.
    ///
    /// # Errors
    ///
    /// [`CheckpointError::EmptyOrigin`], [`CheckpointError::InvalidOrigin`] or
    /// [`CheckpointError::InvalidExtension`].
    pub fn validate(&self) -> Result<(), CheckpointError> {
        if self.origin.is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        if has_control(&self.origin).is_some() {
            return Err(CheckpointError::InvalidOrigin {
                origin: snippet(&self.origin),
            });
        }
        for (i, ext) in self.extensions.iter().enumerate() {
            let line = i.saturating_add(4);
            if ext.is_empty() {
                return Err(CheckpointError::InvalidExtension {
                    line,
                    reason: "empty",
                });
            }
            if has_control(ext).is_some() {
                return Err(CheckpointError::InvalidExtension {
                    line,
                    reason: "contains a control character",
                });
            }
        }
        Ok(())
    }

    /// Parses a checkpoint note text strictly (the text only, not a signed
    /// note; this does not verify anything).
    ///
    /// # Errors
    ///
    /// The first problem found: missing final newline, control character,
    /// missing line, empty origin, non-canonical size, bad root hash, empty
    /// extension line.
    pub fn parse_body(text: &str) -> Result<Self, CheckpointError> {
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointError::MissingFinalNewline)?;
        let lines: Vec<&str> = body.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            if let Some(c) = has_control(line) {
                return Err(CheckpointError::ControlCharacter {
                    line: i.saturating_add(1),
                    code: c as u32,
                });
            }
        }
        let (origin, size_line, root_line, extensions) = match lines.as_slice() {
            [origin, size, root, rest @ ..] => (*origin, *size, *root, rest),
            other => {
                let found = if body.is_empty() { 0 } else { other.len() };
                let missing = match found {
                    0 => "origin",
                    1 => "tree size",
                    _ => "root hash",
                };
                return Err(CheckpointError::MissingLine { found, missing });
            }
        };
        if origin.is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        let size = parse_size(size_line)?;
        let decoded = STANDARD
            .decode(root_line)
            .map_err(|source| CheckpointError::RootBase64 {
                found: snippet(root_line),
                source,
            })?;
        let root: [u8; 32] =
            decoded
                .as_slice()
                .try_into()
                .map_err(|_| CheckpointError::RootLength {
                    found: decoded.len(),
                })?;
        let mut exts = Vec::with_capacity(extensions.len());
        for (i, ext) in extensions.iter().enumerate() {
            if ext.is_empty() {
                return Err(CheckpointError::InvalidExtension {
                    line: i.saturating_add(4),
                    reason: "empty",
                });
            }
            exts.push((*ext).to_owned());
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions: exts,
        })
    }

    /// Signs the checkpoint with the log key, returning the signed note.
    /// The key's name must equal the origin.
    ///
    /// # Errors
    ///
    /// As [`Self::validate`], [`CheckpointError::OriginMismatch`], or a wrapped
    /// [`NoteError`].
    pub fn sign(&self, key: &SignerKey) -> Result<String, CheckpointError> {
        self.validate()?;
        if self.origin != key.name() {
            return Err(CheckpointError::OriginMismatch {
                origin: snippet(&self.origin),
                key_name: key.name().to_owned(),
            });
        }
        Ok(sign_note(&self.body(), &[key])?)
    }

    /// Verifies a signed checkpoint with the archive (log) key and parses it.
    /// Signatures by other keys are ignored; the origin must equal the key's
    /// name.
    ///
    /// # Errors
    ///
    /// [`CheckpointError::Note`] when the note is malformed or not validly
    /// signed by `archive_vkey`, a body parse error, or
    /// [`CheckpointError::OriginMismatch`].
    pub fn open(note: &str, archive_vkey: &VerifierKey) -> Result<Checkpoint, CheckpointError> {
        let opened = open_note(note, std::slice::from_ref(archive_vkey))?;
        let checkpoint = Checkpoint::parse_body(&opened.text)?;
        if checkpoint.origin != archive_vkey.name() {
            return Err(CheckpointError::OriginMismatch {
                origin: snippet(&checkpoint.origin),
                key_name: archive_vkey.name().to_owned(),
            });
        }
        Ok(checkpoint)
    }
}

fn parse_size(line: &str) -> Result<u64, CheckpointError> {
    let invalid = |reason| CheckpointError::InvalidSize {
        found: snippet(line),
        reason,
    };
    if line.is_empty() {
        return Err(invalid("empty"));
    }
    if !line.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "not made only of ASCII decimal digits (no sign or spaces allowed)",
        ));
    }
    if line.len() > 1 && line.starts_with('0') {
        return Err(invalid("has a leading zero"));
    }
    line.parse::<u64>()
        .map_err(|_| invalid("does not fit in 64 bits"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    const ORIGIN: &str = "archive.example/temoin";

    fn key(name: &str, seed: u8) -> SignerKey {
        SignerKey::new(name, SigningKey::from_bytes(&[seed; 32])).unwrap()
    }

    fn sample() -> Checkpoint {
        let mut root = [0u8; 32];
        for (i, b) in root.iter_mut().enumerate() {
            *b = i as u8;
        }
        Checkpoint::new(ORIGIN, 20852163, root)
    }

    #[test]
    fn body_format() {
        let cp = sample();
        assert_eq!(
            cp.body(),
            "archive.example/temoin\n20852163\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
        );
        let mut with_ext = cp.clone();
        with_ext.extensions = vec!["ext one".into(), "two".into()];
        assert!(with_ext.body().ends_with("=\next one\ntwo\n"));
        assert_eq!(Checkpoint::parse_body(&with_ext.body()).unwrap(), with_ext);
    }

    #[test]
    fn spec_example_body_parses() {
        let text =
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let cp = Checkpoint::parse_body(text).unwrap();
        assert_eq!(cp.origin, "example.com/behind-the-sofa");
        assert_eq!(cp.size, 20852163);
        assert_eq!(cp.root[0], 0x0a);
        assert!(cp.extensions.is_empty());
        assert_eq!(cp.body(), text);
    }

    #[test]
    fn sign_open_round_trip() {
        let k = key(ORIGIN, 7);
        for cp in [
            sample(),
            Checkpoint::new(ORIGIN, 0, [0u8; 32]),
            Checkpoint::new(ORIGIN, u64::MAX, [0xff; 32]),
            Checkpoint {
                extensions: vec!["x-ext: 1".into()],
                ..sample()
            },
        ] {
            let note = cp.sign(&k).unwrap();
            assert!(note.starts_with(&cp.body()));
            assert_eq!(Checkpoint::open(&note, &k.verifier_key()).unwrap(), cp);
        }
    }

    #[test]
    fn open_ignores_cosignatures_but_needs_archive_key() {
        let k = key(ORIGIN, 7);
        let witness = key("witness.example", 8);
        let cp = sample();
        let note = sign_note(&cp.body(), &[&witness, &k]).unwrap();
        assert_eq!(Checkpoint::open(&note, &k.verifier_key()).unwrap(), cp);
        let only_witness = sign_note(&cp.body(), &[&witness]).unwrap();
        assert_eq!(
            Checkpoint::open(&only_witness, &k.verifier_key()).unwrap_err(),
            CheckpointError::Note(NoteError::NoKnownSignature { unknown: 1 })
        );
    }

    #[test]
    fn open_rejects_tampering() {
        let k = key(ORIGIN, 7);
        let note = sample().sign(&k).unwrap();
        let tampered = note.replacen("20852163", "20852164", 1);
        assert!(matches!(
            Checkpoint::open(&tampered, &k.verifier_key()),
            Err(CheckpointError::Note(NoteError::BadSignature { .. }))
        ));
    }

    #[test]
    fn origin_key_name_mismatch_rejected() {
        // A validly signed note whose origin is not the key's name.
        let k = key("other.example/log", 7);
        let cp = sample();
        let note = sign_note(&cp.body(), &[&k]).unwrap();
        assert_eq!(
            Checkpoint::open(&note, &k.verifier_key()).unwrap_err(),
            CheckpointError::OriginMismatch {
                origin: ORIGIN.into(),
                key_name: "other.example/log".into()
            }
        );
        assert_eq!(
            cp.sign(&k).unwrap_err(),
            CheckpointError::OriginMismatch {
                origin: ORIGIN.into(),
                key_name: "other.example/log".into()
            }
        );
    }

    #[test]
    fn parse_rejects_bad_sizes() {
        let root = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        for size in [
            "007",
            "00",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1.0",
            "0x10",
            "",
            "１",
            "18446744073709551616",
        ] {
            let text = format!("{ORIGIN}\n{size}\n{root}\n");
            assert!(
                matches!(
                    Checkpoint::parse_body(&text),
                    Err(CheckpointError::InvalidSize { .. })
                ),
                "{size:?}: {:?}",
                Checkpoint::parse_body(&text)
            );
        }
        for (size, want) in [("0", 0u64), ("10", 10), ("18446744073709551615", u64::MAX)] {
            let text = format!("{ORIGIN}\n{size}\n{root}\n");
            assert_eq!(Checkpoint::parse_body(&text).unwrap().size, want);
        }
    }

    #[test]
    fn parse_rejects_bad_roots() {
        let cases = [
            // 31 bytes.
            (STANDARD.encode([1u8; 31]), "len31"),
            // 33 bytes.
            (STANDARD.encode([1u8; 33]), "len33"),
            ("not base64!".to_owned(), "b64"),
            // Unpadded.
            (
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8".to_owned(),
                "b64",
            ),
            // Non-zero trailing bits.
            (
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=".to_owned(),
                "b64",
            ),
            // URL-safe alphabet.
            (
                STANDARD
                    .encode([0xfb; 32])
                    .replace('+', "-")
                    .replace('/', "_"),
                "b64",
            ),
            (String::new(), "len0"),
        ];
        for (root, kind) in cases {
            let text = format!("{ORIGIN}\n1\n{root}\n");
            let err = Checkpoint::parse_body(&text).unwrap_err();
            let ok = match kind {
                "len31" => err == CheckpointError::RootLength { found: 31 },
                "len33" => err == CheckpointError::RootLength { found: 33 },
                "len0" => err == CheckpointError::RootLength { found: 0 },
                _ => matches!(err, CheckpointError::RootBase64 { .. }),
            };
            assert!(ok, "{root:?}: {err:?}");
        }
    }

    #[test]
    fn parse_rejects_missing_and_empty_lines() {
        let root = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let cases: Vec<(String, CheckpointError)> = vec![
            (String::new(), CheckpointError::MissingFinalNewline),
            (
                "\n".into(),
                CheckpointError::MissingLine {
                    found: 0,
                    missing: "origin",
                },
            ),
            (
                format!("{ORIGIN}\n"),
                CheckpointError::MissingLine {
                    found: 1,
                    missing: "tree size",
                },
            ),
            (
                format!("{ORIGIN}\n5\n"),
                CheckpointError::MissingLine {
                    found: 2,
                    missing: "root hash",
                },
            ),
            (
                format!("{ORIGIN}\n5\n{root}"),
                CheckpointError::MissingFinalNewline,
            ),
            (format!("\n5\n{root}\n"), CheckpointError::EmptyOrigin),
            (
                format!("{ORIGIN}\n5\n{root}\n\n"),
                CheckpointError::InvalidExtension {
                    line: 4,
                    reason: "empty",
                },
            ),
            (
                format!("{ORIGIN}\n5\n{root}\next\n\n"),
                CheckpointError::InvalidExtension {
                    line: 5,
                    reason: "empty",
                },
            ),
            (
                format!("{ORIGIN}\r\n5\n{root}\n"),
                CheckpointError::ControlCharacter { line: 1, code: 13 },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Checkpoint::parse_body(&text).unwrap_err(), want, "{text:?}");
        }
    }

    #[test]
    fn sign_validates_fields() {
        let k = key(ORIGIN, 7);
        let mut cp = sample();
        cp.extensions = vec![String::new()];
        assert_eq!(
            cp.sign(&k).unwrap_err(),
            CheckpointError::InvalidExtension {
                line: 4,
                reason: "empty"
            }
        );
        cp.extensions = vec!["a\nb".into()];
        assert!(matches!(
            cp.sign(&k),
            Err(CheckpointError::InvalidExtension { line: 4, .. })
        ));
        let mut cp = sample();
        cp.origin = format!("{ORIGIN}\n1");
        assert!(matches!(
            cp.sign(&k),
            Err(CheckpointError::InvalidOrigin { .. })
        ));
        cp.origin = String::new();
        assert_eq!(cp.sign(&k).unwrap_err(), CheckpointError::EmptyOrigin);
    }

    #[test]
    fn note_errors_are_wrapped() {
        let k = key(ORIGIN, 7);
        let err = Checkpoint::open("garbage", &k.verifier_key()).unwrap_err();
        assert_eq!(err, CheckpointError::Note(NoteError::MissingSignatureBlock));
        assert!(err
            .to_string()
            .starts_with("checkpoint note: malformed note"));
    }

    #[test]
    fn signed_garbage_body_is_rejected_after_verification() {
        let k = key(ORIGIN, 7);
        let note = sign_note(&format!("{ORIGIN}\n01\nAAAA\n"), &[&k]).unwrap();
        assert!(matches!(
            Checkpoint::open(&note, &k.verifier_key()),
            Err(CheckpointError::InvalidSize { .. })
        ));
    }
}
