//! Statement files (`.tms`, docs/FORMAT.md §3.7) read and written as
//! streams, for files too large to hold in memory: a statement with
//! attachments of up to 4 GiB each.
//!
//! The bytes are exactly those of `StatementFile::to_bytes`; only the way
//! they are read differs. The reader hands out the signed statement first,
//! then each part's label, salt and length, and the part's content as a
//! reader of exactly that many bytes, which the caller streams wherever it
//! goes (the parts file, a hash) without holding it.

use crate::encoding::{DecodeError, MAX_BODY_BYTES};
use crate::statement::{SignedStatement, MAX_LABEL_LEN, MAX_PARTS, STATEMENT_FILE_MAGIC};
use std::io::{self, Read, Write};

const WHAT: &str = "statement file";

/// Why a statement file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TmsError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("cannot read the statement file: {0}")]
    Io(#[from] io::Error),
}

fn malformed(reason: impl Into<String>) -> TmsError {
    TmsError::Decode(DecodeError::Malformed {
        what: WHAT,
        reason: reason.into(),
    })
}

/// One part's header: its label, salt and content length.
#[derive(Clone, PartialEq, Eq)]
pub struct PartHeader {
    pub label: String,
    pub salt: [u8; 32],
    pub length: u64,
}

impl std::fmt::Debug for PartHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartHeader")
            .field("label", &self.label)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// Reads a statement file part by part.
pub struct TmsReader<R> {
    r: R,
    parts_left: u64,
    /// Bytes of the current part's content not read yet.
    content_left: u64,
}

fn read_exact(r: &mut impl Read, buf: &mut [u8], what: &str) -> Result<(), TmsError> {
    r.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            malformed(format!("it ends inside {what}"))
        } else {
            TmsError::Io(e)
        }
    })
}

fn read_u64(r: &mut impl Read, what: &str) -> Result<u64, TmsError> {
    let mut b = [0u8; 8];
    read_exact(r, &mut b, what)?;
    Ok(u64::from_le_bytes(b))
}

impl<R: Read> TmsReader<R> {
    /// Read the magic and the signed statement. Nothing beyond the
    /// statement's fixed limits is allocated, whatever the lengths say.
    pub fn open(mut r: R) -> Result<(TmsReader<R>, SignedStatement), TmsError> {
        let mut magic = [0u8; 8];
        read_exact(&mut r, &mut magic, "its magic")?;
        if magic != STATEMENT_FILE_MAGIC {
            return Err(malformed(
                "it does not start with the temoin statement magic (is it a .tms file?)",
            ));
        }
        let len = read_u64(&mut r, "the statement's length")?;
        if len > MAX_BODY_BYTES as u64 {
            return Err(TmsError::Decode(DecodeError::TooLarge {
                what: "statement body",
                len: usize::try_from(len).unwrap_or(usize::MAX),
                limit: MAX_BODY_BYTES,
            }));
        }
        let mut body_bytes = vec![0u8; len as usize];
        read_exact(&mut r, &mut body_bytes, "the statement body")?;
        let mut signature = [0u8; 64];
        read_exact(&mut r, &mut signature, "the signature")?;
        let parts_left = read_u64(&mut r, "the parts count")?;
        if parts_left > MAX_PARTS as u64 {
            return Err(malformed(format!(
                "it holds {parts_left} parts, over the limit of {MAX_PARTS}"
            )));
        }
        Ok((
            TmsReader {
                r,
                parts_left,
                content_left: 0,
            },
            SignedStatement {
                body_bytes,
                signature,
            },
        ))
    }

    /// The next part's header, `None` after the last part. The previous
    /// part's content must have been read whole (`content`).
    pub fn next_part(&mut self) -> Result<Option<PartHeader>, TmsError> {
        if self.content_left != 0 {
            return Err(malformed("a part's content was not read to its end"));
        }
        if self.parts_left == 0 {
            return Ok(None);
        }
        self.parts_left -= 1;
        let n = read_u64(&mut self.r, "a part's label length")?;
        // Labels are at most a base and a suffix; anything longer is not a
        // label, and is refused before it is allocated.
        if n > (MAX_LABEL_LEN + 8) as u64 {
            return Err(malformed(format!("a part's label is {n} bytes long")));
        }
        let mut label = vec![0u8; n as usize];
        read_exact(&mut self.r, &mut label, "a part's label")?;
        let label =
            String::from_utf8(label).map_err(|_| malformed("a part's label is not UTF-8"))?;
        let mut salt = [0u8; 32];
        read_exact(&mut self.r, &mut salt, "a part's salt")?;
        let length = read_u64(&mut self.r, "a part's length")?;
        self.content_left = length;
        Ok(Some(PartHeader {
            label,
            salt,
            length,
        }))
    }

    /// The current part's content: a reader of exactly its length, which
    /// fails (rather than ends early) if the file ends before it does.
    pub fn content(&mut self) -> Content<'_, R> {
        Content { tms: self }
    }

    /// After the last part: the file must end here.
    pub fn finish(mut self) -> Result<(), TmsError> {
        if self.parts_left != 0 || self.content_left != 0 {
            return Err(malformed("not every part was read"));
        }
        let mut b = [0u8; 1];
        loop {
            match self.r.read(&mut b) {
                Ok(0) => return Ok(()),
                Ok(_) => {
                    return Err(TmsError::Decode(DecodeError::TrailingBytes {
                        what: WHAT,
                        extra: 1,
                    }))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(TmsError::Io(e)),
            }
        }
    }
}

/// A part's content being read (`TmsReader::content`).
pub struct Content<'a, R> {
    tms: &'a mut TmsReader<R>,
}

impl<R: Read> Read for Content<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.tms.content_left;
        if left == 0 {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.tms.r.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the statement file ends {left} bytes before a part's content does"),
            ));
        }
        self.tms.content_left -= n as u64;
        Ok(n)
    }
}

/// Where a written part's content comes from.
pub enum Source<'a> {
    Bytes(&'a [u8]),
    /// A reader of exactly `length` bytes (the header's), e.g. a file.
    Reader(&'a mut dyn Read),
}

/// A part to write: its header and its content.
pub struct PartOut<'a> {
    pub header: PartHeader,
    pub content: Source<'a>,
}

/// Write a statement file: the bytes `StatementFile::to_bytes` would give
/// for these parts. A reader's content is passed through `check` chunk by
/// chunk as it is copied (to hash it again: a file that changed since it
/// was committed must not travel under the old commitment); a reader that
/// yields more or fewer bytes than its header says is an error.
pub fn write(
    out: &mut impl Write,
    statement: &SignedStatement,
    parts: Vec<PartOut<'_>>,
    mut check: impl FnMut(&str, &[u8]),
) -> io::Result<()> {
    out.write_all(&STATEMENT_FILE_MAGIC)?;
    out.write_all(&(statement.body_bytes.len() as u64).to_le_bytes())?;
    out.write_all(&statement.body_bytes)?;
    out.write_all(&statement.signature)?;
    out.write_all(&(parts.len() as u64).to_le_bytes())?;
    for p in parts {
        let h = &p.header;
        out.write_all(&(h.label.len() as u64).to_le_bytes())?;
        out.write_all(h.label.as_bytes())?;
        out.write_all(&h.salt)?;
        out.write_all(&h.length.to_le_bytes())?;
        match p.content {
            Source::Bytes(b) => {
                if b.len() as u64 != h.length {
                    return Err(io::Error::other(format!(
                        "part {:?}: {} bytes given for a length of {}",
                        h.label,
                        b.len(),
                        h.length
                    )));
                }
                check(&h.label, b);
                out.write_all(b)?;
            }
            Source::Reader(r) => {
                let mut copied = 0u64;
                let mut buf = vec![0u8; crate::partcheck::CHUNK];
                loop {
                    let n = match r.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    };
                    copied += n as u64;
                    if copied > h.length {
                        break;
                    }
                    check(&h.label, &buf[..n]);
                    out.write_all(&buf[..n])?;
                }
                if copied != h.length {
                    let now = if copied > h.length {
                        format!("more than {}", h.length)
                    } else {
                        copied.to_string()
                    };
                    return Err(io::Error::other(format!(
                        "part {:?} changed while it was being signed: it was {} bytes, it is now {now}",
                        h.label, h.length
                    )));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use crate::statement::{Draft, Kind, StatementFile};

    fn note() -> StatementFile {
        let key = SecretKey::from_seed("author", &[7; 32]).unwrap();
        Draft::new(Kind::Note)
            .part("text", "Toraghite Walet Innabougor")
            .part("photo", vec![0xd8u8; 200_000])
            .sign(&key)
            .unwrap()
    }

    type Whole = (SignedStatement, Vec<(PartHeader, Vec<u8>)>);

    fn read_all(bytes: &[u8]) -> Result<Whole, TmsError> {
        let (mut r, st) = TmsReader::open(bytes)?;
        let mut parts = Vec::new();
        while let Some(h) = r.next_part()? {
            let mut c = Vec::new();
            r.content().read_to_end(&mut c)?;
            parts.push((h, c));
        }
        r.finish()?;
        Ok((st, parts))
    }

    #[test]
    fn streamed_and_whole_are_the_same_bytes() {
        let f = note();
        let bytes = f.to_bytes();
        let (st, parts) = read_all(&bytes).unwrap();
        assert_eq!(st, f.statement);
        assert_eq!(parts.len(), 2);
        for ((h, c), p) in parts.iter().zip(&f.parts) {
            assert_eq!((&h.label, &h.salt, c), (&p.label, &p.salt, &p.content));
        }
        let mut photo = &f.parts[1].content[..];
        let outs = vec![
            PartOut {
                header: PartHeader {
                    label: "text".into(),
                    salt: f.parts[0].salt,
                    length: f.parts[0].content.len() as u64,
                },
                content: Source::Bytes(&f.parts[0].content),
            },
            PartOut {
                header: PartHeader {
                    label: "photo".into(),
                    salt: f.parts[1].salt,
                    length: 200_000,
                },
                content: Source::Reader(&mut photo),
            },
        ];
        let mut written = Vec::new();
        let mut seen = 0;
        write(&mut written, &f.statement, outs, |_, b| seen += b.len()).unwrap();
        assert_eq!(written, bytes);
        assert_eq!(seen, 200_000 + 26);
    }

    #[test]
    fn cut_padded_or_lying_files_are_refused() {
        let bytes = note().to_bytes();
        for cut in [0, 5, 8, 20, bytes.len() - 1] {
            assert!(read_all(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut padded = bytes.clone();
        padded.push(0);
        assert!(matches!(
            read_all(&padded),
            Err(TmsError::Decode(DecodeError::TrailingBytes { .. }))
        ));
        let mut bad_magic = bytes.clone();
        bad_magic[0] = b'X';
        assert!(read_all(&bad_magic).is_err());
        // A statement length of 2^63 is refused before anything is allocated.
        let mut huge = bytes[..8].to_vec();
        huge.extend_from_slice(&(1u64 << 63).to_le_bytes());
        assert!(matches!(
            TmsReader::open(&huge[..]),
            Err(TmsError::Decode(DecodeError::TooLarge { .. }))
        ));
    }

    #[test]
    fn a_source_that_changed_is_an_error() {
        let f = note();
        let mut short: &[u8] = &[1, 2, 3];
        let outs = vec![PartOut {
            header: PartHeader {
                label: "photo".into(),
                salt: [0; 32],
                length: 4,
            },
            content: Source::Reader(&mut short),
        }];
        let e = write(&mut Vec::new(), &f.statement, outs, |_, _| {}).unwrap_err();
        assert!(
            e.to_string().contains("changed while it was being signed"),
            "{e}"
        );
    }
}
