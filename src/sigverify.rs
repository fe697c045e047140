//! Ed25519 `verify_strict`, with the same verdict as ed25519-dalek's on
//! every input, in 60 % of its time for a key seen before (22.8 µs against
//! 37.5 µs on the benchmark machine; docs/PERFORMANCE.md).
//!
//! The verdict of a statement's signature is evidence, so it must be
//! exactly that of `ed25519_dalek::VerifyingKey::verify_strict` (2.x, without
//! `legacy_compatibility`), which:
//!
//! 1. refuses a signature whose `s` is not canonical (`s ≥ ℓ`);
//! 2. decompresses `R` from the signature's first 32 bytes (refuses if that
//!    is not a point);
//! 3. refuses a small-order `R` or a small-order key `A`;
//! 4. computes `k = SHA-512(R_bytes ‖ A_bytes ‖ M) mod ℓ` and
//!    `R' = [s]B − [k]A`;
//! 5. accepts iff `compress(R') == R_bytes`.
//!
//! Step 5 costs a field inversion (`compress`, ~3.7 µs of a ~37 µs
//! verification on our machine). Here it is replaced by the equivalent:
//!
//! > `compress(R') == R_bytes` ⟺ `R' == R` (as points, compared
//! > projectively: four multiplications) and `R_bytes` is the canonical
//! > encoding of `R`.
//!
//! (⇒: `compress` is injective and its output canonical, and `R_bytes`
//! decompresses to `R`. ⇐: `compress(R') = compress(R) = R_bytes`.) And
//! `R_bytes` is the canonical encoding of the `R` it decompresses to iff
//! its `y` (the low 255 bits, little-endian) is below `p = 2^255 − 19`:
//! decompression reduces `y` mod `p` and gives `x` the parity of the sign
//! bit, which `compress` writes back; the one exception, `x = 0` with the
//! sign bit set, is `y = ±1`, the points `(0, ±1)` of order 1 and 2, which
//! step 3 has already refused.
//!
//! Steps 1–4 use the same dalek functions as `verify_strict`, in the same
//! order, but for one: `R' = [s]B − [k]A` is the same point computed
//! another way when the key has a [`FixedBase`] table (an archive's authors
//! sign thousands of statements each): [s]B and [k](−A) each as at most 33
//! additions of precomputed multiples, instead of dalek's ~253 doublings
//! and ~50 additions. The key's own checks (valid, canonical, not small
//! order) are made once, when the key is parsed, not per signature. The
//! tests compare the verdicts with dalek's on valid, corrupted and crafted
//! signatures (small-order `R`, non-canonical `s`, keys with a torsion
//! component), with and without tables, and the tables' products with
//! dalek's scalar multiplication.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use sha2::{Digest, Sha512};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A verifying key prepared for many verifications: its encoding, `−A`,
/// and possibly a table of multiples of `−A`.
#[derive(Clone, Debug)]
pub struct StrictKey {
    compressed: [u8; 32],
    minus_a: EdwardsPoint,
    table: Option<Arc<FixedBase>>,
}

/// How many keys get a [`FixedBase`] table (~680 KB each) in a process:
/// the first ones seen; any further key verifies without one (dalek's
/// double-scalar multiplication): 32 µs instead of 17 µs.
const MAX_TABLES: usize = 64;

impl StrictKey {
    /// `None` if `key` is of small order, which `verify_strict` refuses for
    /// every signature.
    pub fn new(key: &ed25519_dalek::VerifyingKey) -> Option<StrictKey> {
        let a = key.to_edwards();
        if a.is_small_order() {
            return None;
        }
        Some(StrictKey {
            compressed: key.to_bytes(),
            minus_a: -a,
            table: None,
        })
    }

    /// [`StrictKey::new`] with a table of multiples of `−A`.
    pub fn with_table(key: &ed25519_dalek::VerifyingKey) -> Option<StrictKey> {
        let mut k = StrictKey::new(key)?;
        k.add_table();
        Some(k)
    }

    /// [`StrictKey::new`] with a table of its own, outside the process's
    /// shared ones (whose number is capped): for tests of many keys.
    #[cfg(test)]
    fn with_own_table(key: &ed25519_dalek::VerifyingKey) -> Option<StrictKey> {
        let mut k = StrictKey::new(key)?;
        k.table = Some(Arc::new(FixedBase::new(k.minus_a)));
        Some(k)
    }

    /// Whether the key verifies with a table.
    pub fn has_table(&self) -> bool {
        self.table.is_some()
    }

    /// Give the key a table of multiples of `−A`, shared by the whole
    /// process: built once per key (~1.2 ms, as much as 50 verifications
    /// save), for the first `MAX_TABLES` keys; later keys stay without.
    pub fn add_table(&mut self) {
        static TABLES: OnceLock<Mutex<HashMap<[u8; 32], Arc<FixedBase>>>> = OnceLock::new();
        if self.table.is_some() {
            return;
        }
        let tables = TABLES.get_or_init(|| Mutex::new(HashMap::new()));
        // A poisoned lock only means another thread panicked while
        // inserting: the map is still a valid cache.
        let mut tables = tables.lock().unwrap_or_else(|p| p.into_inner());
        self.table = match tables.get(&self.compressed) {
            Some(t) => Some(t.clone()),
            None if tables.len() < MAX_TABLES => {
                let t = Arc::new(FixedBase::new(self.minus_a));
                tables.insert(self.compressed, t.clone());
                Some(t)
            }
            None => None,
        };
    }

    /// Whether `signature` verifies over the message `parts` (concatenated,
    /// hashed in place) with `verify_strict`'s verdict.
    pub fn verify_strict(&self, parts: &[&[u8]], signature: &[u8; 64]) -> bool {
        let (mut r_bytes, mut s_bytes) = ([0u8; 32], [0u8; 32]);
        r_bytes.copy_from_slice(&signature[..32]);
        s_bytes.copy_from_slice(&signature[32..]);
        // 1. A canonical s.
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes)) else {
            return false;
        };
        // 2. R is a point.
        let Some(r) = CompressedEdwardsY(r_bytes).decompress() else {
            return false;
        };
        // 3. Not of small order (A was checked in `new`).
        if r.is_small_order() {
            return false;
        }
        // 4. k and R'.
        let mut h = Sha512::new();
        h.update(r_bytes);
        h.update(self.compressed);
        for p in parts {
            h.update(p);
        }
        let k = Scalar::from_hash(h);
        let r_prime = match &self.table {
            Some(minus_a) => basepoint_table().mul(&s) + minus_a.mul(&k),
            None => EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &self.minus_a, &s),
        };
        // 5. compress(R') == R_bytes, without the inversion (see above).
        r_prime == r && y_is_canonical(&r_bytes)
    }
}

/// The multiples `d · 256^j · P` of a point `P`, for `d` in `1..=128` and
/// `j` in `0..33`, so that `[x]P` for a reduced scalar `x` is at most 33
/// additions (variable time: for public data only, as signatures are).
///
/// `x < ℓ < 2^253` is written in signed base 256, `x = Σ d_j · 256^j`
/// with `d_j` in `−128..=127` for `j < 32` and `d_32` in `{0, 1}` (a byte
/// of 128 or more becomes `byte − 256`, carrying 1 into the next); `[x]P`
/// is the sum of `±table[j][|d_j|]`. 33 × 128 points of 160 bytes: 676 KB.
#[derive(Debug)]
pub struct FixedBase {
    table: Vec<EdwardsPoint>,
}

const DIGITS: usize = 33;
const MULTIPLES: usize = 128;

impl FixedBase {
    pub fn new(p: EdwardsPoint) -> FixedBase {
        let mut table = Vec::with_capacity(DIGITS * MULTIPLES);
        let mut base = p;
        for _ in 0..DIGITS {
            let mut multiple = base;
            for _ in 0..MULTIPLES {
                table.push(multiple);
                multiple += base;
            }
            for _ in 0..8 {
                base = base + base;
            }
        }
        FixedBase { table }
    }

    /// `[x]P`, for a canonical scalar (`Scalar` values always are).
    pub fn mul(&self, x: &Scalar) -> EdwardsPoint {
        let bytes = x.as_bytes();
        let mut acc = EdwardsPoint::identity();
        let mut carry = 0i16;
        for j in 0..DIGITS {
            let mut d = bytes.get(j).map_or(0, |&b| b as i16) + carry;
            carry = 0;
            if d >= MULTIPLES as i16 {
                d -= 256;
                carry = 1;
            }
            let row = &self.table[j * MULTIPLES..];
            match d {
                1.. => acc += &row[d as usize - 1],
                ..=-1 => acc -= &row[(-d) as usize - 1],
                0 => {}
            }
        }
        // x < 2^253: the last digit takes the last carry.
        debug_assert_eq!(carry, 0);
        acc
    }
}

/// The table of the base point, built once per process.
fn basepoint_table() -> &'static FixedBase {
    static TABLE: OnceLock<FixedBase> = OnceLock::new();
    TABLE.get_or_init(|| FixedBase::new(ED25519_BASEPOINT_POINT))
}

/// Whether the `y` of a point encoding (its low 255 bits, little-endian) is
/// below `p = 2^255 − 19`. At or above, `y` is one of the 19 values
/// `p .. 2^255 − 1`: bytes 1..31 all 0xff (bit 255, the sign, masked off)
/// and byte 0 at least 0xed.
fn y_is_canonical(bytes: &[u8; 32]) -> bool {
    let high_all_ones = bytes[1..31].iter().all(|&b| b == 0xff) && bytes[31] & 0x7f == 0x7f;
    !(high_all_ones && bytes[0] >= 0xed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT as B, EIGHT_TORSION};
    use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
    use rand::{Rng, RngCore, SeedableRng};

    /// Both verdicts on one input; `None` if the key itself is refused
    /// (invalid or small order), which both refuse for any signature.
    fn verdicts(key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> Option<(bool, bool)> {
        let vk = VerifyingKey::from_bytes(key).ok()?;
        let dalek = vk.verify_strict(msg, &Signature::from_bytes(sig)).is_ok();
        let (plain, tabled) = match (StrictKey::new(&vk), StrictKey::with_own_table(&vk)) {
            (Some(k), Some(t)) => (k.verify_strict(&[msg], sig), t.verify_strict(&[msg], sig)),
            (None, None) => (false, false),
            _ => panic!("with and without a table, the key is refused alike"),
        };
        assert_eq!(plain, tabled, "with and without a table");
        Some((dalek, plain))
    }

    fn assert_same(key: &[u8; 32], msg: &[u8], sig: &[u8; 64], what: &str) -> bool {
        let (dalek, ours) = verdicts(key, msg, sig).unwrap_or((false, false));
        assert_eq!(ours, dalek, "{what}: key {key:02x?} sig {sig:02x?}");
        dalek
    }

    fn rng() -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(0x007e_301a)
    }

    #[test]
    fn valid_signatures_are_accepted_and_every_corruption_judged_as_dalek_does() {
        let mut rng = rng();
        let mut accepted = 0;
        for i in 0..300 {
            let sk = SigningKey::generate(&mut rng);
            let key = sk.verifying_key().to_bytes();
            let mut msg = vec![0u8; rng.gen_range(0..600)];
            rng.fill_bytes(&mut msg);
            let sig = sk.sign(&msg).to_bytes();
            assert!(assert_same(&key, &msg, &sig, "valid"), "case {i}");
            accepted += 1;
            // One flipped bit anywhere in the signature, the message, the key.
            let mut s = sig;
            s[rng.gen_range(0..64)] ^= 1 << rng.gen_range(0..8);
            assert!(!assert_same(&key, &msg, &s, "signature bit"));
            if !msg.is_empty() {
                let mut m = msg.clone();
                let at = rng.gen_range(0..m.len());
                m[at] ^= 1 << rng.gen_range(0..8);
                assert!(!assert_same(&key, &m, &sig, "message bit"));
            }
            let mut k = key;
            k[rng.gen_range(0..32)] ^= 1 << rng.gen_range(0..8);
            assert_same(&k, &msg, &sig, "key bit");
            // Random bytes as a signature.
            let mut r = [0u8; 64];
            rng.fill_bytes(&mut r);
            assert_same(&key, &msg, &r, "random signature");
        }
        assert_eq!(accepted, 300);
    }

    #[test]
    fn a_message_in_parts_is_the_concatenation() {
        let sk = SigningKey::generate(&mut rng());
        let sig = sk.sign(b"temoin/statement/v1\0body").to_bytes();
        let k = StrictKey::new(&sk.verifying_key()).unwrap();
        assert!(k.verify_strict(&[b"temoin/statement/v1\0", b"body"], &sig));
        assert!(k.verify_strict(&[b"temoin/statement/v1\0body"], &sig));
        assert!(!k.verify_strict(&[b"temoin/statement/v1\0", b"bodY"], &sig));
    }

    #[test]
    fn small_order_r_is_refused_as_dalek_does() {
        let mut rng = rng();
        let sk = SigningKey::generate(&mut rng);
        let key = sk.verifying_key().to_bytes();
        let msg = b"small order R";
        let good = sk.sign(msg).to_bytes();
        for t in EIGHT_TORSION.iter() {
            let mut sig = good;
            sig[..32].copy_from_slice(t.compress().as_bytes());
            assert!(!assert_same(&key, msg, &sig, "small-order R"));
            // Its encoding with the sign bit flipped (non-canonical for x = 0).
            sig[31] ^= 0x80;
            assert_same(&key, msg, &sig, "small-order R, sign bit flipped");
        }
    }

    #[test]
    fn non_canonical_s_is_refused_as_dalek_does() {
        let mut rng = rng();
        let sk = SigningKey::generate(&mut rng);
        let key = sk.verifying_key().to_bytes();
        let msg = b"malleable?";
        let sig = sk.sign(msg).to_bytes();
        // s + ℓ: the same scalar mod ℓ, not canonical (fits in 256 bits).
        // ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
        let mut ell = [0u8; 32];
        ell[..16].copy_from_slice(&[
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14,
        ]);
        ell[31] = 0x10;
        let mut s = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let v = sig[32 + i] as u16 + ell[i] as u16 + carry;
            s[i] = v as u8;
            carry = v >> 8;
        }
        let mut forged = sig;
        forged[32..].copy_from_slice(&s);
        assert!(!assert_same(&key, msg, &forged, "s + ℓ"));
        for high in [0x10u8, 0x20, 0x80, 0xff] {
            let mut f = sig;
            f[63] |= high;
            assert!(!assert_same(&key, msg, &f, "high bits of s"));
        }
    }

    /// Keys `[a]B + T` with a torsion point T: not small order, so
    /// `verify_strict` does not refuse them outright; whether an honest
    /// signature verifies then depends on `[k]T`. Both verdicts must agree,
    /// and both outcomes must occur.
    #[test]
    fn keys_with_a_torsion_component_are_judged_as_dalek_does() {
        let mut rng = rng();
        let (mut yes, mut no) = (0, 0);
        for i in 0..200 {
            let mut wide = [0u8; 64];
            rng.fill_bytes(&mut wide);
            let a = Scalar::from_bytes_mod_order_wide(&wide);
            let t = EIGHT_TORSION[1 + i % 7];
            let big_a = a * B + t;
            let key = big_a.compress().to_bytes();
            let msg = format!("statement {i}");
            rng.fill_bytes(&mut wide);
            let r = Scalar::from_bytes_mod_order_wide(&wide);
            let big_r = (r * B).compress().to_bytes();
            let mut h = Sha512::new();
            h.update(big_r);
            h.update(key);
            h.update(msg.as_bytes());
            let k = Scalar::from_hash(h);
            let s = r + k * a;
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&big_r);
            sig[32..].copy_from_slice(s.as_bytes());
            if assert_same(&key, msg.as_bytes(), &sig, "torsion key") {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(yes > 0 && no > 0, "accepted {yes}, refused {no}");
    }

    /// The table's product is dalek's, for edge scalars (every signed
    /// digit's extremes, carries through every byte, ℓ − 1) and random ones.
    #[test]
    fn a_fixed_base_table_multiplies_as_dalek_does() {
        let mut rng = rng();
        let mut wide = [0u8; 64];
        rng.fill_bytes(&mut wide);
        let p = Scalar::from_bytes_mod_order_wide(&wide) * B;
        let tables = [FixedBase::new(p), FixedBase::new(B)];
        let mut scalars = vec![Scalar::ZERO, Scalar::ONE, -Scalar::ONE];
        for b in [1u8, 127, 128, 129, 255] {
            for at in [0usize, 1, 15, 30, 31] {
                let mut bytes = [0u8; 32];
                bytes[at] = b;
                scalars.push(Scalar::from_bytes_mod_order(bytes));
            }
            // Every byte `b`: carries run through the whole scalar.
            scalars.push(Scalar::from_bytes_mod_order([b; 32]));
        }
        for _ in 0..200 {
            rng.fill_bytes(&mut wide);
            scalars.push(Scalar::from_bytes_mod_order_wide(&wide));
        }
        for (t, base) in tables.iter().zip([p, B]) {
            for x in &scalars {
                assert_eq!(t.mul(x), x * base, "x = {:02x?}", x.as_bytes());
            }
        }
    }

    #[test]
    fn small_order_keys_are_refused() {
        for t in EIGHT_TORSION.iter() {
            let vk = VerifyingKey::from_bytes(t.compress().as_bytes()).unwrap();
            assert!(StrictKey::new(&vk).is_none());
            assert!(StrictKey::with_own_table(&vk).is_none());
            assert!(StrictKey::with_table(&vk).is_none());
        }
    }

    #[test]
    fn y_is_canonical_below_p_only() {
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert!(!y_is_canonical(&p), "p");
        let mut p_minus_1 = p;
        p_minus_1[0] = 0xec;
        assert!(y_is_canonical(&p_minus_1), "p - 1");
        let max = [0xffu8; 32];
        assert!(!y_is_canonical(&max), "2^255 - 1, sign set");
        let mut max_unsigned = max;
        max_unsigned[31] = 0x7f;
        assert!(!y_is_canonical(&max_unsigned), "2^255 - 1");
        // The sign bit is not part of y.
        let mut one_signed = [0u8; 32];
        one_signed[0] = 1;
        one_signed[31] = 0x80;
        assert!(y_is_canonical(&one_signed));
        let mut almost = p;
        almost[15] = 0xfe;
        assert!(y_is_canonical(&almost), "a byte below 0xff in the middle");
    }

    /// A non-canonical encoding `y + p` of a point that is not of small
    /// order decompresses (dalek reduces y) but is not what `compress`
    /// writes: refused by both whatever the rest of the signature.
    #[test]
    fn a_non_canonical_r_encoding_is_refused_as_dalek_does() {
        let mut rng = rng();
        let sk = SigningKey::generate(&mut rng);
        let key = sk.verifying_key().to_bytes();
        let msg = b"non-canonical R";
        let good = sk.sign(msg).to_bytes();
        let mut found = 0;
        for y in 2u8..19 {
            // y + p, little-endian: p = 2^255 - 19.
            let mut enc = [0xffu8; 32];
            enc[31] = 0x7f;
            enc[0] = 0xed + y;
            let Some(pt) = CompressedEdwardsY(enc).decompress() else {
                continue;
            };
            if pt.is_small_order() {
                continue;
            }
            found += 1;
            let mut sig = good;
            sig[..32].copy_from_slice(&enc);
            assert!(!assert_same(&key, msg, &sig, "y + p"));
        }
        assert!(found > 0, "some y + p is a point");
    }
}
