//! Ingest of a statement file read as a stream (docs/FORMAT.md §3.7):
//! for statements with attachments of up to 4 GiB, in bounded memory.
//!
//! The body comes first in the file, so its commitments say where every
//! part it stores will lie in the parts file (body order, from the
//! committed end) before any part's bytes arrive. Each part, in whatever
//! order the file has them, is hashed and checked (`partcheck`) as it is
//! written straight to its place, past the committed end; nothing of it is
//! held but the `payload`, which the rules read. A statement refused at
//! any point cuts the file back to the committed end; an accepted one
//! then goes through the same order-dependent checks and the same atomic
//! write as any batch (`ingest_checked`), its parts synced before sled
//! records them.

use super::*;
use crate::partcheck::{check_reader, CheckedPart};
use crate::statement::{Part, STATEMENT_FILE_MAGIC};
use crate::store::PartLoc;
use crate::tms::{TmsError, TmsReader};
use std::io::Read;

/// Where each stored part of a body goes: one slot per distinct digest,
/// in body order (two commitments with one digest share their bytes).
struct Slot {
    label: String,
    digest: [u8; 32],
    loc: PartLoc,
}

impl Archive {
    /// Ingest one statement file read from `r` as a stream:
    /// `Ok(Ok(accepted))`, or `Ok(Err(refusal))` with the archive
    /// unchanged. Whatever the size of its parts, memory stays bounded
    /// (docs/PERFORMANCE.md).
    pub fn ingest_stream(
        &mut self,
        r: impl Read,
    ) -> Result<Result<Accepted, Refusal>, ArchiveError> {
        if self.failed {
            return Err(ArchiveError::WriteFailed);
        }
        if self.checkpoint_key.is_none() {
            return Err(ArchiveError::ReadOnly(self.dir.clone()));
        }
        let (mut tms, statement) = match TmsReader::open(r) {
            Ok(x) => x,
            Err(TmsError::Decode(e)) => return Ok(Err(Refusal::File(e))),
            Err(TmsError::Io(e)) => return Err(ArchiveError::Input(e)),
        };
        let hash = statement.hash();
        let only_statement = |statement, checked, parsed| {
            let file = StatementFile {
                magic: STATEMENT_FILE_MAGIC,
                statement,
                parts: Vec::new(),
            };
            let pre = Prechecked {
                hash,
                checked,
                parsed,
            };
            (file, pre)
        };
        // Already in the log: acknowledged as such (`check_one` answers
        // from the log before it looks at the check), its parts not read.
        if rules::Index::statement(&self.store, &hash)?.is_some() {
            let unread = Refusal::MissingPart {
                label: "(not read: the statement is in the log)".into(),
            };
            let (file, pre) = only_statement(statement, Err(unread), None);
            return self.ingest_one(file, pre);
        }
        let body = match StatementBody::decode_for_entry(&statement.body_bytes) {
            Ok(b) => b,
            Err(e) => return Ok(Err(e.into())),
        };
        if let Err(f) = statement.verify_signature(&body) {
            return Ok(Err(f.into()));
        }
        let committed_end = self.store.parts_end()?;
        let slots = match self.slots(&body, committed_end) {
            Ok(s) => s,
            Err(r) => return Ok(Err(r)),
        };
        let streamed = self.stream_parts(&mut tms, &body, &slots);
        let streamed = match streamed {
            Ok(Ok(payload)) => match tms.finish() {
                Ok(()) => Ok(Ok(payload)),
                Err(TmsError::Decode(e)) => Ok(Err(Refusal::File(e))),
                Err(TmsError::Io(e)) => Err(ArchiveError::Input(e)),
            },
            other => other,
        };
        let cut = |a: &Archive| a.store.parts_file().cut_to(committed_end);
        let payload = match streamed {
            Ok(Ok(p)) => p,
            Ok(Err(refusal)) => {
                cut(self).map_err(StoreError::from)?;
                return Ok(Err(refusal));
            }
            Err(e) => {
                // The error is what the caller needs; the leftover bytes are
                // cut at the next open anyway.
                let _ = cut(self);
                return Err(e);
            }
        };
        let parsed = match (&payload, body.kind.is_registry()) {
            (Some(p), false) => Some(crate::domain::Payload::parse(body.kind, p)),
            _ => None,
        };
        let parts = slots
            .iter()
            .map(|s| (Digest(s.digest), StoredBytes::Written(s.loc)))
            .collect();
        let (mut file, pre) = only_statement(statement, Ok((body, parts)), parsed);
        if let Some(content) = payload {
            file.parts.push(Part {
                label: PAYLOAD.to_string(),
                salt: [0; 32],
                content,
            });
        }
        let out = self.ingest_one(file, pre);
        if matches!(out, Ok(Err(_))) {
            // Refused by the rules: the streamed bytes belong to nothing.
            cut(self).map_err(StoreError::from)?;
        }
        out
    }

    fn ingest_one(
        &mut self,
        file: StatementFile,
        pre: Prechecked,
    ) -> Result<Result<Accepted, Refusal>, ArchiveError> {
        let mut out = self.ingest_checked(std::slice::from_ref(&file), vec![pre])?;
        Ok(out
            .pop()
            .unwrap_or(Err(Refusal::File(DecodeError::Malformed {
                what: "batch",
                reason: "empty".into(),
            }))))
    }

    /// Each stored part's place, from the committed end on, in body order;
    /// a part over the archive's limit is refused before any is read.
    fn slots(&self, body: &StatementBody, committed_end: u64) -> Result<Vec<Slot>, Refusal> {
        let mut slots: Vec<Slot> = Vec::new();
        let mut end = committed_end;
        for c in &body.parts {
            if crate::seal::is_sealed(body, &c.label) {
                continue;
            }
            if c.length > self.config.max_part_bytes {
                return Err(Refusal::PartTooLarge {
                    label: c.label.clone(),
                    len: c.length,
                    limit: self.config.max_part_bytes,
                });
            }
            if slots.iter().any(|s| s.digest == c.digest) {
                continue;
            }
            let loc = PartLoc {
                offset: end,
                len: 32 + c.length,
            };
            end += loc.len;
            slots.push(Slot {
                label: c.label.clone(),
                digest: c.digest,
                loc,
            });
        }
        Ok(slots)
    }

    /// Read every part of the file, each checked against its commitment
    /// and its label's content rule and written to its slot; the payload's
    /// content, if the body commits one.
    fn stream_parts<R: Read>(
        &self,
        tms: &mut TmsReader<R>,
        body: &StatementBody,
        slots: &[Slot],
    ) -> Result<Result<Option<Vec<u8>>, Refusal>, ArchiveError> {
        let file = self.store.parts_file();
        let mut seen: Vec<String> = Vec::new();
        let mut payload = None;
        loop {
            let h = match tms.next_part() {
                Ok(Some(h)) => h,
                Ok(None) => break,
                Err(TmsError::Decode(e)) => return Ok(Err(Refusal::File(e))),
                Err(TmsError::Io(e)) => return Err(ArchiveError::Input(e)),
            };
            let Some(c) = body.part(&h.label).filter(|_| !seen.contains(&h.label)) else {
                return Ok(Err(Refusal::UnexpectedPart { label: h.label }));
            };
            if crate::seal::is_sealed(body, &h.label) {
                return Ok(Err(Refusal::SealedInClear { label: h.label }));
            }
            if h.length != c.length {
                return Ok(Err(Refusal::PartMismatch {
                    label: h.label,
                    what: "its length differs from the committed length",
                }));
            }
            // Only the first commitment of a digest writes its bytes.
            let target = slots
                .iter()
                .find(|s| s.label == h.label)
                .map(|s| s.loc.offset);
            let mut at = target.unwrap_or(0);
            let mut write_failed = None;
            let mut write = |bytes: &[u8]| -> std::io::Result<()> {
                if target.is_some() {
                    if let Err(e) = file.write_unsynced_at(bytes, at) {
                        write_failed = Some(e);
                        return Err(std::io::Error::other("the parts file"));
                    }
                }
                at += bytes.len() as u64;
                Ok(())
            };
            let checked: CheckedPart = match write(&h.salt)
                .and_then(|()| check_reader(&h.label, &h.salt, tms.content(), &mut write))
            {
                Ok(c) => c,
                Err(e) => {
                    if let Some(w) = write_failed {
                        return Err(StoreError::from(w).into());
                    }
                    if e.kind() == std::io::ErrorKind::UnexpectedEof {
                        return Ok(Err(Refusal::File(DecodeError::Malformed {
                            what: "statement file",
                            reason: format!("it ends inside part {:?}: {e}", h.label),
                        })));
                    }
                    return Err(ArchiveError::Input(e));
                }
            };
            if !checked.matches(c) {
                return Ok(Err(Refusal::PartMismatch {
                    label: h.label,
                    what: "its salted digest differs from the committed digest",
                }));
            }
            if let Some(reason) = checked.fault {
                return Ok(Err(Refusal::PartContent { reason }));
            }
            if h.label == PAYLOAD {
                payload = checked.payload;
            }
            seen.push(h.label);
        }
        for c in &body.parts {
            if !crate::seal::is_sealed(body, &c.label) && !seen.contains(&c.label) {
                return Ok(Err(Refusal::MissingPart {
                    label: c.label.clone(),
                }));
            }
        }
        Ok(Ok(payload))
    }
}
