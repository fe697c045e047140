//! SHA-256 and the domain-separated digests of the v1 construction.
//!
//! Every hash in temoin is SHA-256. Where two different things are hashed,
//! a prefix keeps their inputs from ever colliding: `0x00`/`0x01` for Merkle
//! leaves and nodes (RFC 9162), and NUL-terminated ASCII tags for parts and
//! signatures.

use sha2::{Digest as _, Sha256};
use std::fmt;

/// Prefix of a part digest: `SHA-256(PART_DOMAIN || salt || content)`.
pub const PART_DOMAIN: &[u8] = b"temoin/part/v1\0";

/// A SHA-256 value. Shown in hex; `short()` gives the first 12 hex digits
/// that human output uses.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The first 12 hex digits: enough to tell entries apart by eye.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..6])
    }

    /// Parse 64 hex digits.
    /// Exactly 64 lowercase hex digits, the one form the formats use
    /// (docs/FORMAT.md §1); what a person types is lowercased first.
    pub fn from_hex(s: &str) -> Option<Digest> {
        if s.len() != 64 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Digest(out))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 8 bytes, as a number: a fingerprint of the digest for
    /// in-memory sets and maps (a SHA-256 output's bytes are uniformly
    /// spread, so it needs no further hashing: see [`FingerprintHasher`]).
    pub fn fingerprint(&self) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.0[..8]);
        u64::from_le_bytes(b)
    }
}

/// The hasher of maps keyed by [`Digest::fingerprint`]: the fingerprint is
/// already uniformly spread, so it is its own hash.
#[derive(Default)]
pub struct FingerprintHasher(u64);

impl std::hash::Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is meant; fold anything else in, so that the
        // hasher is correct for any key.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// `BuildHasher` of maps keyed by [`Digest::fingerprint`].
pub type Fingerprints = std::hash::BuildHasherDefault<FingerprintHasher>;

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

/// A hash as a person types it: the whole of it, or its first digits,
/// as git takes an abbreviated commit. At least [`HashPrefix::MIN_DIGITS`]
/// digits: fewer would match many statements in a large archive, and a
/// prefix that is short enough to be ambiguous today should not silently
/// name one statement tomorrow in a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashPrefix {
    /// Lowercase hex digits, 8 to 64 of them.
    hex: String,
}

impl HashPrefix {
    pub const MIN_DIGITS: usize = 8;

    /// Parse what was typed (surrounding spaces ignored, any case); the
    /// error says what is wrong with it.
    pub fn parse(typed: &str) -> Result<HashPrefix, String> {
        let hex = typed.trim().to_ascii_lowercase();
        if let Some(c) = hex.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Err(format!(
                "{typed:?} is not a hash: {c:?} is not a hex digit (give the hash, or at least its first {} hex digits)",
                Self::MIN_DIGITS
            ));
        }
        if hex.len() < Self::MIN_DIGITS {
            return Err(format!(
                "{typed:?} is too short to name a statement: give at least {} hex digits of its hash",
                Self::MIN_DIGITS
            ));
        }
        if hex.len() > 64 {
            return Err(format!(
                "{typed:?} is {} hex digits long; a hash has 64",
                hex.len()
            ));
        }
        Ok(HashPrefix { hex })
    }

    /// The digits, lowercase.
    pub fn as_str(&self) -> &str {
        &self.hex
    }

    /// The whole hash, if all 64 digits were given.
    pub fn full(&self) -> Option<Digest> {
        Digest::from_hex(&self.hex)
    }

    /// The bytes the prefix fixes whole (an odd last digit fixes only half
    /// a byte, so it is left to [`HashPrefix::matches`]): a key range to
    /// scan.
    pub fn whole_bytes(&self) -> Vec<u8> {
        let even = &self.hex[..self.hex.len() & !1];
        // Checked hex digits of even length always decode.
        hex::decode(even).unwrap_or_default()
    }

    pub fn matches(&self, d: &Digest) -> bool {
        d.to_hex().starts_with(&self.hex)
    }

    /// Whether the hex form of a hash (as a bundle writes it) starts with
    /// the prefix.
    pub fn matches_hex(&self, hex: &str) -> bool {
        hex.len() == 64 && hex.to_ascii_lowercase().starts_with(&self.hex)
    }
}

impl fmt::Display for HashPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex)
    }
}

/// SHA-256 of the concatenation of `pieces`.
pub fn sha256(pieces: &[&[u8]]) -> Digest {
    let mut h = Sha256::new();
    for p in pieces {
        h.update(p);
    }
    Digest(h.finalize().into())
}

/// The commitment to a part's content: `SHA-256("temoin/part/v1\0" || salt || content)`.
pub fn part_digest(salt: &[u8; 32], content: &[u8]) -> Digest {
    sha256(&[PART_DOMAIN, salt, content])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_prefixes_parse_and_match_odd_lengths() {
        let d = sha256(&[b"x"]);
        let h = d.to_hex();
        for n in [8, 9, 63, 64] {
            let p = HashPrefix::parse(&h[..n].to_ascii_uppercase()).unwrap();
            assert!(p.matches(&d) && p.matches_hex(&h));
            assert_eq!(p.whole_bytes(), d.0[..n / 2].to_vec());
        }
        assert_eq!(HashPrefix::parse(&h).unwrap().full(), Some(d));
        assert!(HashPrefix::parse(&h[..7])
            .unwrap_err()
            .contains("at least 8"));
        assert!(HashPrefix::parse("0123456z").unwrap_err().contains("'z'"));
        assert!(HashPrefix::parse(&format!("{h}0"))
            .unwrap_err()
            .contains("65"));
        let other = HashPrefix::parse("ffffffff").unwrap();
        assert_eq!(other.matches(&d), h.starts_with("ffffffff"));
    }

    #[test]
    fn empty_sha256_is_the_known_value() {
        assert_eq!(
            sha256(&[]).to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn part_digest_depends_on_salt_and_content() {
        let a = part_digest(&[0; 32], b"Tangata");
        assert_ne!(a, part_digest(&[1; 32], b"Tangata"));
        assert_ne!(a, part_digest(&[0; 32], b"Tangatb"));
        assert_eq!(a, sha256(&[b"temoin/part/v1\0", &[0; 32], b"Tangata"]));
    }

    #[test]
    fn hex_round_trip() {
        let d = sha256(&[b"x"]);
        assert_eq!(Digest::from_hex(&d.to_hex()), Some(d));
        assert_eq!(Digest::from_hex("zz"), None);
    }
}
