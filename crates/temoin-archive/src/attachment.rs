//! Signing a statement with attachments (docs/FORMAT.md §3.9): photos,
//! audio, video of up to 4 GiB each, streamed from their files into the
//! statement file, never held in memory.
//!
//! Each attachment is read twice: once to commit to it (its salted digest,
//! and for a sealed one its age ciphertext, written to a temporary file
//! beside the output and committed in turn), once to copy it into the
//! `.tms`, hashed again on the way so that a file changed in between
//! cannot travel under the commitment of its former bytes. The `.tms` is
//! written to a temporary file and renamed into place: it appears whole or
//! not at all. Neither the statement file nor any temporary file ever
//! holds a sealed attachment's plaintext.

use crate::attach::{media_type_fault, media_type_label, MAX_ATTACHMENT_BYTES};
use crate::hash::Digest;
use crate::keys::SecretKey;
use crate::partcheck::{check_reader, CheckedPart, PartCheck};
use crate::seal::{self, Recipient};
use crate::statement::{fresh_salt, BodyError, Draft, PartCommitment};
use crate::tms::{self, PartHeader, PartOut, Source};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file to attach under `label`, sealed to `readers` if there are any.
#[derive(Clone, Debug)]
pub struct Attachment {
    pub label: String,
    pub path: PathBuf,
    pub media_type: String,
    pub readers: Vec<Recipient>,
}

#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error("attachment {label:?}: cannot read {}: {source}", path.display())]
    Read {
        label: String,
        path: PathBuf,
        source: io::Error,
    },
    #[error("attachment {label:?}: {} is {len} bytes, over the limit of 4 GiB ({MAX_ATTACHMENT_BYTES} bytes); split the recording or send it by another channel", path.display())]
    TooLarge {
        label: String,
        path: PathBuf,
        len: u64,
    },
    #[error("attachment {label:?}: {why}")]
    Label { label: String, why: String },
    #[error("attachment {label:?}: {reason}")]
    Content { label: String, reason: String },
    #[error("attachment {label:?}: cannot seal it: {source}")]
    Seal {
        label: String,
        source: seal::SealError,
    },
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error("cannot write {}: {source}; nothing was written", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// A part whose content streams from a file into the statement file.
struct Streamed {
    header: PartHeader,
    digest: [u8; 32],
    path: PathBuf,
    /// Holds a sealed attachment's ciphertext until the `.tms` is written.
    _temp: Option<tempfile::NamedTempFile>,
}

/// Sign `draft` with `attachments` and write the statement file to `out`
/// (mode 0600); its statement hash.
pub fn sign_to_file(
    mut draft: Draft,
    attachments: &[Attachment],
    key: &SecretKey,
    out: &Path,
) -> Result<Digest, AttachError> {
    let dir = crate::durable::parent_of(out);
    let mut streamed: Vec<Streamed> = Vec::new();
    let mut commitments: Vec<PartCommitment> = Vec::new();
    for a in attachments {
        check_label(&draft, attachments, a)?;
        let read_err = |source| AttachError::Read {
            label: a.label.clone(),
            path: a.path.clone(),
            source,
        };
        let len = std::fs::metadata(&a.path).map_err(read_err)?.len();
        if len > MAX_ATTACHMENT_BYTES {
            return Err(AttachError::TooLarge {
                label: a.label.clone(),
                path: a.path.clone(),
                len,
            });
        }
        let open = || File::open(&a.path).map(BufReader::new).map_err(read_err);
        let salt = fresh_salt();
        if a.readers.is_empty() {
            let checked = check_reader(&a.label, &salt, open()?, |_| Ok(())).map_err(read_err)?;
            let c = commitment(&a.label, &checked)?;
            streamed.push(Streamed {
                header: PartHeader {
                    label: a.label.clone(),
                    salt,
                    length: c.length,
                },
                digest: c.digest,
                path: a.path.clone(),
                _temp: None,
            });
            commitments.push(c);
        } else {
            let (plain, sealed) = seal_attachment(a, &salt, open()?, dir)?;
            commitments.push(plain);
            let label = seal::ciphertext_label(&a.label);
            let ct_salt = fresh_salt();
            let ct_read = |source| AttachError::Read {
                label: label.clone(),
                path: sealed.path().to_path_buf(),
                source,
            };
            let ct = File::open(sealed.path())
                .map(BufReader::new)
                .map_err(ct_read)?;
            let checked = check_reader(&label, &ct_salt, ct, |_| Ok(())).map_err(ct_read)?;
            let c = commitment(&label, &checked)?;
            streamed.push(Streamed {
                header: PartHeader {
                    label,
                    salt: ct_salt,
                    length: c.length,
                },
                digest: c.digest,
                path: sealed.path().to_path_buf(),
                _temp: Some(sealed),
            });
            commitments.push(c);
            draft = draft.part(
                &seal::readers_label(&a.label),
                seal::readers_content(&a.readers),
            );
        }
        draft = draft.part(
            &media_type_label(&a.label),
            a.media_type.as_bytes().to_vec(),
        );
    }
    let file = draft.sign_with(key, commitments)?;
    let hash = file.statement.hash();
    let write_err = |source| AttachError::Write {
        path: out.to_path_buf(),
        source,
    };
    let mut sources = Vec::with_capacity(streamed.len());
    for s in &streamed {
        sources.push(File::open(&s.path).map(BufReader::new).map_err(|source| {
            AttachError::Read {
                label: s.header.label.clone(),
                path: s.path.clone(),
                source,
            }
        })?);
    }
    let written = crate::durable::write_atomic_with(out, 0o600, |f: &mut File| {
        let mut parts: Vec<PartOut<'_>> = file
            .parts
            .iter()
            .map(|p| PartOut {
                header: PartHeader {
                    label: p.label.clone(),
                    salt: p.salt,
                    length: p.content.len() as u64,
                },
                content: Source::Bytes(&p.content),
            })
            .collect();
        let mut checks: HashMap<String, PartCheck> = streamed
            .iter()
            .map(|s| {
                (
                    s.header.label.clone(),
                    PartCheck::new(&s.header.label, &s.header.salt),
                )
            })
            .collect();
        for (s, r) in streamed.iter().zip(sources.iter_mut()) {
            parts.push(PartOut {
                header: s.header.clone(),
                content: Source::Reader(r),
            });
        }
        let mut w = BufWriter::with_capacity(crate::partcheck::CHUNK, f);
        tms::write(&mut w, &file.statement, parts, |label, chunk| {
            if let Some(c) = checks.get_mut(label) {
                c.update(chunk);
            }
        })?;
        w.flush()?;
        for s in &streamed {
            let again = checks.remove(&s.header.label).map(PartCheck::finish);
            if again.map(|c| c.digest.0) != Some(s.digest) {
                return Err(io::Error::other(format!(
                    "{} changed while it was being signed (its bytes no longer match the digest just signed); sign again once nothing is writing to it",
                    s.path.display()
                )));
            }
        }
        Ok(())
    });
    written.map_err(|e| match e {
        crate::durable::WriteError::Sync(s) => AttachError::Write {
            path: s.path,
            source: s.source,
        },
        crate::durable::WriteError::Content(e) => write_err(e),
    })?;
    Ok(hash)
}

/// The label is a base label (no companion suffix), not the payload, and
/// not already a part of the statement or another attachment.
fn check_label(draft: &Draft, all: &[Attachment], a: &Attachment) -> Result<(), AttachError> {
    let bad = |why: String| {
        Err(AttachError::Label {
            label: a.label.clone(),
            why,
        })
    };
    if seal::split_label(&a.label).1.is_some() {
        return bad(
            "an attachment's label is a plain name (a-z 0-9 - _), without .age, .to or .type"
                .into(),
        );
    }
    if a.label == crate::registry::PAYLOAD {
        return bad("\"payload\" holds the statement's structured content; name the attachment otherwise, e.g. photo-1".into());
    }
    let taken = draft
        .parts
        .iter()
        .map(|p| p.label.as_str())
        .chain(draft.sealed.iter().map(|c| c.label.as_str()))
        .any(|l| seal::split_label(l).0 == a.label);
    if taken || all.iter().filter(|b| b.label == a.label).count() > 1 {
        return bad(
            "the statement already has a part of that name; give each attachment its own label"
                .into(),
        );
    }
    if let Some(why) = media_type_fault(a.media_type.as_bytes()) {
        return bad(format!("media type {:?}: {why}", a.media_type));
    }
    Ok(())
}

fn commitment(label: &str, checked: &CheckedPart) -> Result<PartCommitment, AttachError> {
    if let Some(reason) = &checked.fault {
        return Err(AttachError::Content {
            label: label.to_string(),
            reason: reason.clone(),
        });
    }
    Ok(PartCommitment {
        label: label.to_string(),
        digest: checked.digest.0,
        length: checked.length,
    })
}

/// Seal `salt ‖ content` to the readers into a temporary file in `dir`
/// while committing to the plaintext in the same pass: the plaintext's
/// commitment, and the file holding the ciphertext.
fn seal_attachment(
    a: &Attachment,
    salt: &[u8; 32],
    content: impl io::Read,
    dir: &Path,
) -> Result<(PartCommitment, tempfile::NamedTempFile), AttachError> {
    let temp = tempfile::Builder::new()
        .prefix(".temoin-sealing-")
        .tempfile_in(dir)
        .map_err(|source| AttachError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    let seal_err = |source| AttachError::Seal {
        label: a.label.clone(),
        source,
    };
    let mut w = seal::seal_writer(BufWriter::new(temp.as_file()), &a.readers).map_err(seal_err)?;
    let io_err = |source| AttachError::Write {
        path: temp.path().to_path_buf(),
        source,
    };
    w.write_all(salt).map_err(io_err)?;
    let checked =
        check_reader(&a.label, salt, content, |chunk| w.write_all(chunk)).map_err(|source| {
            AttachError::Read {
                label: a.label.clone(),
                path: a.path.clone(),
                source,
            }
        })?;
    w.finish().and_then(|mut b| b.flush()).map_err(io_err)?;
    let plain = commitment(&a.label, &checked)?;
    Ok((plain, temp))
}
