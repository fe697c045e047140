//! A part checked as its bytes go by: its salted digest, its length and
//! the content rule its label sets (docs/FORMAT.md §3.3, §3.8, §3.9), in
//! bounded memory whatever its size.
//!
//! Every reader of parts — ingest, the audit, `part get`, bundle
//! verification — checks content through this one type, whether the part
//! is in memory or streamed from a 4 GiB file: the verdict cannot depend on
//! which path read it.

use crate::hash::{Digest, PART_DOMAIN};
use crate::seal::{split_label, Companion};
use crate::statement::PartCommitment;
use sha2::{Digest as _, Sha256};
use std::io::Read;

/// How much of an `L.age` part the content rule reads: its age header
/// must parse within it (64 readers take under 7 KiB).
pub const CIPHERTEXT_HEADER_LIMIT: usize = 64 << 10;
/// Longest `L.to` part: 64 recipients of 62 characters and a line end
/// each take 4 032 bytes.
pub const MAX_READERS_BYTES: usize = 8 << 10;
/// The size of the chunks parts are read in.
pub const CHUNK: usize = 64 << 10;

/// What a label asks of its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// `text`, `translation`: UTF-8.
    Text,
    /// `payload`: kept for the rules, which parse it.
    Payload,
    Companion(Companion),
    /// Anything else: any bytes.
    Bytes,
}

impl Rule {
    fn of(label: &str) -> Rule {
        if crate::domain::TEXT_LABELS.contains(&label) {
            return Rule::Text;
        }
        if label == crate::registry::PAYLOAD {
            return Rule::Payload;
        }
        match split_label(label).1 {
            Some(c) => Rule::Companion(c),
            None => Rule::Bytes,
        }
    }

    /// How many first bytes to keep for the final check.
    fn keep(self) -> usize {
        match self {
            Rule::Text | Rule::Bytes => 0,
            Rule::Payload => crate::attach::MAX_PAYLOAD_BYTES as usize,
            Rule::Companion(Companion::Ciphertext) => CIPHERTEXT_HEADER_LIMIT,
            Rule::Companion(Companion::Readers) => MAX_READERS_BYTES + 1,
            Rule::Companion(Companion::MediaType) => crate::attach::MAX_MEDIA_TYPE_LEN + 1,
        }
    }
}

/// A part being checked: feed it the content with `update`, then `finish`.
pub struct PartCheck {
    label: String,
    rule: Rule,
    hasher: Sha256,
    length: u64,
    kept: Vec<u8>,
    /// For a text part: the bytes of a character cut by a chunk's end.
    carry: Vec<u8>,
    /// For a text part: the first byte that is not UTF-8.
    not_utf8_at: Option<u64>,
}

/// A part checked: what its bytes hash to, how many there were, and why
/// they break their label's rule, if they do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedPart {
    pub digest: Digest,
    pub length: u64,
    pub fault: Option<String>,
    /// For `payload`, its content (at most `MAX_PAYLOAD_BYTES` of it).
    pub payload: Option<Vec<u8>>,
}

impl CheckedPart {
    /// Its digest and length are the commitment's.
    pub fn matches(&self, c: &PartCommitment) -> bool {
        self.length == c.length && self.digest.0 == c.digest
    }
}

impl PartCheck {
    pub fn new(label: &str, salt: &[u8; 32]) -> PartCheck {
        let mut hasher = Sha256::new();
        hasher.update(PART_DOMAIN);
        hasher.update(salt);
        PartCheck {
            label: label.to_string(),
            rule: Rule::of(label),
            hasher,
            length: 0,
            kept: Vec::new(),
            carry: Vec::new(),
            not_utf8_at: None,
        }
    }

    pub fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
        let room = self.rule.keep().saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&chunk[..room.min(chunk.len())]);
        if self.rule == Rule::Text && self.not_utf8_at.is_none() {
            self.utf8(chunk);
        }
        self.length += chunk.len() as u64;
    }

    /// Validate UTF-8 across chunks: a character cut by a chunk's end is
    /// carried (at most 3 bytes) to the next.
    fn utf8(&mut self, chunk: &[u8]) {
        let start = self.length - self.carry.len() as u64;
        // Joined with the carry only when there is one (a chunk's edge when
        // streaming); a part in memory is validated where it lies.
        let joined;
        let bytes = if self.carry.is_empty() {
            chunk
        } else {
            joined = [std::mem::take(&mut self.carry).as_slice(), chunk].concat();
            &joined
        };
        if let Err(e) = std::str::from_utf8(bytes) {
            match e.error_len() {
                Some(_) => self.not_utf8_at = Some(start + e.valid_up_to() as u64),
                None => self.carry = bytes[e.valid_up_to()..].to_vec(),
            }
        }
    }

    pub fn finish(self) -> CheckedPart {
        let label = &self.label;
        let fault = match self.rule {
            Rule::Text => self
                .not_utf8_at
                .or_else(|| (!self.carry.is_empty()).then(|| self.length - self.carry.len() as u64))
                .map(|at| format!("part {label:?} is text and must be UTF-8, but its byte {at} is not")),
            Rule::Companion(Companion::Readers) if self.length > MAX_READERS_BYTES as u64 => {
                Some(format!(
                    "part {label:?} does not list the readers: {} bytes is too long for at most {} readers",
                    self.length,
                    crate::seal::MAX_READERS
                ))
            }
            Rule::Companion(_) => crate::seal::companion_fault(label, &self.kept),
            Rule::Payload | Rule::Bytes => None,
        };
        let payload = (self.rule == Rule::Payload).then_some(self.kept);
        CheckedPart {
            digest: Digest(self.hasher.finalize().into()),
            length: self.length,
            fault,
            payload,
        }
    }
}

/// Check a part held in memory.
pub fn check(label: &str, salt: &[u8; 32], content: &[u8]) -> CheckedPart {
    let mut c = PartCheck::new(label, salt);
    c.update(content);
    c.finish()
}

/// Check a part read from `r` to its end, in `CHUNK`s, passing each chunk
/// on to `sink` (to write it somewhere) as it goes.
pub fn check_reader(
    label: &str,
    salt: &[u8; 32],
    mut r: impl Read,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<CheckedPart> {
    let mut c = PartCheck::new(label, salt);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        c.update(&buf[..n]);
        sink(&buf[..n])?;
    }
    Ok(c.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::part_digest;

    /// Fed whole or a byte at a time, the same digest and the same verdict.
    fn both_ways(label: &str, content: &[u8]) -> CheckedPart {
        let salt = [9u8; 32];
        let whole = check(label, &salt, content);
        let mut c = PartCheck::new(label, &salt);
        for b in content {
            c.update(std::slice::from_ref(b));
        }
        assert_eq!(c.finish(), whole, "{label}");
        assert_eq!(whole.digest, part_digest(&salt, content));
        assert_eq!(whole.length, content.len() as u64);
        whole
    }

    #[test]
    fn text_must_be_utf8_wherever_the_chunks_cut_it() {
        assert_eq!(
            both_ways("text", "Eghachar N'Tirikène, 15 morts".as_bytes()).fault,
            None
        );
        let mut bad = "abc é".as_bytes().to_vec();
        bad.push(0xff);
        bad.extend_from_slice(b"def");
        let f = both_ways("text", &bad).fault.unwrap();
        assert!(f.contains("byte 6 is not"), "{f}");
        // A character cut off at the very end.
        let f = both_ways("translation", &"abé".as_bytes()[..3])
            .fault
            .unwrap();
        assert!(f.contains("byte 2 is not"), "{f}");
        assert_eq!(both_ways("photo", &[0xff, 0xfe]).fault, None);
    }

    #[test]
    fn companions_and_payload() {
        assert_eq!(both_ways("photo.type", b"image/jpeg").fault, None);
        assert!(both_ways("photo.type", b"IMAGE/JPEG").fault.is_some());
        assert!(both_ways("photo.type", &[b'a'; 300]).fault.is_some());
        assert!(both_ways("witness.to", &[b'a'; 9000])
            .fault
            .unwrap()
            .contains("too long"));
        assert!(both_ways("witness.age", b"not age").fault.is_some());
        let p = both_ways("payload", b"{}");
        assert_eq!(p.payload.as_deref(), Some(&b"{}"[..]));
        assert_eq!(both_ways("text", b"x").payload, None);
    }

    /// Only the header of a ciphertext is read: a large one is judged on
    /// its first 64 KiB exactly as a small one on all of it.
    #[test]
    fn a_large_ciphertext_is_judged_by_its_header() {
        let reader = crate::seal::ReaderIdentity::generate();
        let part = crate::statement::Part::new("photo", vec![7u8; 300_000]);
        let sealed = crate::seal::seal(&part, &[reader.recipient()]).unwrap();
        assert!(sealed.len() > CIPHERTEXT_HEADER_LIMIT);
        assert_eq!(both_ways("photo.age", &sealed).fault, None);
        let mut damaged = sealed.clone();
        damaged[3] ^= 1;
        assert!(both_ways("photo.age", &damaged).fault.is_some());
    }

    #[test]
    fn check_reader_passes_every_byte_on() {
        let content: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        let mut copied = Vec::new();
        let c = check_reader("video", &[1; 32], &content[..], |b| {
            copied.extend_from_slice(b);
            Ok(())
        })
        .unwrap();
        assert_eq!(copied, content);
        assert_eq!(c.digest, part_digest(&[1; 32], &content));
    }
}
