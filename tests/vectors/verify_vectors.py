#!/usr/bin/env python3
"""Independent check of the temoin v1 test vectors (tests/vectors/v1-note.json).

Written from docs/FORMAT.md alone, with only the Python 3 standard library:
hashlib for SHA-256/SHA-512 and a compact RFC 8032 Ed25519 below. It parses
every byte string as the specification describes it (not with temoin's code),
re-encodes it, recomputes every digest, signature, link, Merkle root, proof and
checkpoint, replays the registry's authority rules, reads the sled rows, and
checks that tampered inputs are refused. Exit status 0 means every check held.

    python3 tests/vectors/verify_vectors.py             # check
    python3 tests/vectors/verify_vectors.py --annotate 2  # field-by-field hex of entry 2
"""

import base64
import hashlib
import json
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKS = 0


def check(cond, what):
    global CHECKS
    if not cond:
        raise SystemExit(f"FAIL: {what}")
    CHECKS += 1


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


# --------------------------------------------------------------------------
# Ed25519 (RFC 8032 §5.1) with the strict verification of FORMAT.md §1.2
# --------------------------------------------------------------------------
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1, 1, 0)


def _add(a, b):
    A = (a[1] - a[0]) * (b[1] - b[0]) % P
    B = (a[1] + a[0]) * (b[1] + b[0]) % P
    C = 2 * a[3] * b[3] * D % P
    DD = 2 * a[2] * b[2] % P
    E, F, G, H = B - A, DD - C, DD + C, B + A
    return (E * F % P, G * H % P, F * G % P, E * H % P)


def _mul(s, pt):
    q = IDENTITY
    while s > 0:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _eq(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _decode(s):
    """RFC 8032 §5.1.3: None unless s is the canonical encoding of a point."""
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        if sign:
            return None
        x = 0
    else:
        x = pow(x2, (P + 3) // 8, P)
        if (x * x - x2) % P != 0:
            x = x * SQRT_M1 % P
        if (x * x - x2) % P != 0:
            return None
        if (x & 1) != sign:
            x = P - x
    return (x, y, 1, x * y % P)


def _encode(pt):
    zi = pow(pt[2], P - 2, P)
    x, y = pt[0] * zi % P, pt[1] * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


GY = 4 * pow(5, P - 2, P) % P
BASE = _decode(GY.to_bytes(32, "little"))


def small_order(pt):
    return _eq(_mul(8, pt), IDENTITY)


def valid_public_key(pub):
    """FORMAT.md §1.2: canonical encoding of a point that is not of small order."""
    pt = _decode(pub)
    return pt is not None and not small_order(pt)


def public_from_seed(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    return _encode(_mul(a, BASE))


def sign(seed, msg):
    """RFC 8032 signing (deterministic): lets us reproduce every signature."""
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    pub = _encode(_mul(a, BASE))
    r = int.from_bytes(hashlib.sha512(h[32:] + msg).digest(), "little") % L
    R = _encode(_mul(r, BASE))
    k = int.from_bytes(hashlib.sha512(R + pub + msg).digest(), "little") % L
    return R + ((r + k * a) % L).to_bytes(32, "little")


def verify_strict(pub, msg, sig):
    if len(pub) != 32 or len(sig) != 64:
        return False
    A = _decode(pub)
    R = _decode(sig[:32])
    if A is None or R is None or small_order(A) or small_order(R):
        return False
    S = int.from_bytes(sig[32:], "little")
    if S >= L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little") % L
    neg_A = (P - A[0], A[1], A[2], P - A[3])
    return _encode(_add(_mul(S, BASE), _mul(k, neg_A))) == sig[:32]


# --------------------------------------------------------------------------
# The canonical encoding (FORMAT.md §2): little-endian, fixed width,
# u64 lengths, u32 enum tags, fixed arrays with no length.
# --------------------------------------------------------------------------
class Malformed(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if n > len(self.data) - self.pos:
            raise Malformed(f"needs {n} bytes at offset {self.pos}, has {len(self.data) - self.pos}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u16(self):
        return struct.unpack("<H", self.take(2))[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def i64(self):
        return struct.unpack("<q", self.take(8))[0]

    def bytes(self):
        return self.take(self.u64())

    def string(self):
        try:
            return self.bytes().decode("utf-8", errors="strict")
        except UnicodeDecodeError as e:
            raise Malformed(f"string is not UTF-8: {e}")

    def count(self, min_item_size):
        n = self.u64()
        if n * min_item_size > len(self.data) - self.pos:
            raise Malformed(f"count {n} cannot fit in the remaining bytes")
        return n

    def end(self):
        if self.pos != len(self.data):
            raise Malformed(f"{len(self.data) - self.pos} trailing bytes")


def enc_u64(n):
    return struct.pack("<Q", n)


def enc_bytes(b):
    return enc_u64(len(b)) + b


KINDS = ["genesis", "enroll", "revoke", "note", "incident", "testimony", "amendment",
         "retraction", "annotation", "merge", "summary-claim", "redaction"]
MAX_BODY = 65536
MAX_ENTRY = 65535  # FORMAT.md §13: every entry fits a tlog-tiles bundle (u16 length)
MAX_PARTS, MAX_REFS, MAX_LABEL = 32, 64, 32
LABEL_CHARS = set(b"abcdefghijklmnopqrstuvwxyz0123456789-_")
PART_DOMAIN = b"temoin/part/v1\x00"
STATEMENT_DOMAIN = b"temoin/statement/v1\x00"
MAGIC = b"TEMOIN\x01S"


MAX_PAYLOAD = 1 << 20  # §3.3: the rules read a payload in memory


def split_label(label):
    """A label's base and its companion suffix (§3.3, §3.8, §3.9):
    "witness.age" is ("witness", ".age"), "witness" is ("witness", None)."""
    for suffix in (".age", ".to", ".type"):
        if label.endswith(suffix):
            return label[: -len(suffix)], suffix
    return label, None


def is_sealed(labels, label):
    """§3.8: a part L is sealed iff the body commits L.age."""
    return split_label(label)[1] is None and label + ".age" in labels


def redaction_label(label):
    """The label a redaction order names for an absent part: L for L.age."""
    base, companion = split_label(label)
    return base if companion == ".age" else label


def parse_body(b):
    """StatementBody (FORMAT.md §3). Returns a dict, raises Malformed."""
    if len(b) > MAX_BODY:
        raise Malformed("body over 64 KiB")
    r = Reader(b)
    body = {"version": r.u16(), "id": r.take(16), "author": r.take(32), "created_at": r.i64()}
    tag = r.u32()
    if tag >= len(KINDS):
        raise Malformed(f"unknown kind {tag}")
    body["kind"] = KINDS[tag]
    body["refs"] = [r.take(32) for _ in range(r.count(32))]
    parts = []
    for _ in range(r.count(8 + 32 + 8)):
        parts.append({"label": r.string(), "digest": r.take(32), "length": r.u64()})
    body["parts"] = parts
    r.end()
    # Shape rules (FORMAT.md §3.3).
    if body["version"] != 1:
        raise Malformed("version is not 1")
    if len(parts) > MAX_PARTS or len(body["refs"]) > MAX_REFS:
        raise Malformed("too many parts or refs")
    labels = [p["label"] for p in parts]
    for lab in labels:
        # A base label, optionally followed by a companion suffix (§3.8).
        base = split_label(lab)[0]
        if not (1 <= len(base) <= MAX_LABEL and set(base.encode()) <= LABEL_CHARS):
            raise Malformed(f"bad label {lab!r}")
    if len(set(labels)) != len(labels) or len(set(body["refs"])) != len(body["refs"]):
        raise Malformed("duplicate label or ref")
    for lab in labels:
        base, companion = split_label(lab)
        if companion is None:
            continue
        if base == "payload":
            raise Malformed("the payload is never sealed and has no media type")
        if companion == ".type":
            if base not in labels:
                raise Malformed(f"{lab!r}: a media type goes with its part {base}")
        elif not {base, base + ".age", base + ".to"} <= set(labels):
            raise Malformed(f"{lab!r}: a sealed part commits {base}, {base}.age and {base}.to")
    for p in parts:
        if p["label"] == "payload" and p["length"] > MAX_PAYLOAD:
            raise Malformed("a payload over 1 MiB")
    # Canonical: the bytes are the encoding of what they decode to.
    if encode_body(body) != b:
        raise Malformed("not canonical")
    return body


def encode_body(body):
    out = struct.pack("<H", body["version"]) + body["id"] + body["author"]
    out += struct.pack("<q", body["created_at"]) + struct.pack("<I", KINDS.index(body["kind"]))
    out += enc_u64(len(body["refs"])) + b"".join(body["refs"])
    out += enc_u64(len(body["parts"]))
    for p in body["parts"]:
        out += enc_bytes(p["label"].encode()) + p["digest"] + enc_u64(p["length"])
    return out


def read_signed_statement(r):
    body_bytes = r.bytes()
    return {"body_bytes": body_bytes, "signature": r.take(64)}


def encode_signed_statement(st):
    return enc_bytes(st["body_bytes"]) + st["signature"]


def parse_entry(b):
    """Entry (FORMAT.md §4)."""
    if len(b) > MAX_ENTRY:
        raise Malformed("entry too large")
    r = Reader(b)
    e = {"seq": r.u64(), "prev": r.take(32), "received_at": r.i64()}
    e["statement"] = read_signed_statement(r)
    r.end()
    return e


def parse_statement_file(b):
    """Statement file .tms (FORMAT.md §3.7)."""
    r = Reader(b)
    if r.take(8) != MAGIC:
        raise Malformed("not a temoin statement file")
    st = read_signed_statement(r)
    parts = []
    for _ in range(r.count(8 + 32 + 8)):
        parts.append({"label": r.string(), "salt": r.take(32), "content": r.bytes()})
    r.end()
    return st, parts


def part_digest(salt, content):
    return sha256(PART_DOMAIN, salt, content)


# --------------------------------------------------------------------------
# Keys and signed notes (FORMAT.md §6, §7)
# --------------------------------------------------------------------------
def key_id(name, pub):
    return sha256(name.encode(), b"\n", b"\x01", pub)[:4]


def vkey(name, pub):
    typed = b"\x01" + pub
    return f"{name}+{key_id(name, pub).hex()}+{base64.b64encode(typed).decode()}"


def parse_vkey(s):
    # The name has no '+'; base64 may: split at the first two '+' only.
    name, rest = s.split("+", 1)
    kid, b64 = rest.split("+", 1)
    raw = base64.b64decode(b64, validate=True)
    check(base64.b64encode(raw).decode() == b64, "vkey base64 is canonical")
    check(len(raw) == 33 and raw[0] == 1, "vkey holds 0x01 || 32-byte key")
    check(len(kid) == 8 and kid == key_id(name, raw[1:]).hex(), "vkey key ID")
    check(valid_public_key(raw[1:]), "vkey key is a valid, non-weak point")
    return name, raw[1:]


def open_note(note, name, pub):
    """C2SP signed-note: the text ends at the last blank line."""
    split = note.rindex("\n\n")
    text, sigs = note[: split + 1], note[split + 2 :]
    check(sigs.endswith("\n"), "signature block ends with a newline")
    good = 0
    for line in sigs[:-1].split("\n"):
        check(line.startswith("\u2014 "), "signature line starts with an em dash")
        who, b64 = line[2:].split(" ")
        raw = base64.b64decode(b64, validate=True)
        if who == name and raw[:4] == key_id(name, pub):
            check(len(raw) == 68, "Ed25519 note signature is 4 + 64 bytes")
            check(verify_strict(pub, text.encode(), raw[4:]), "note signature verifies")
            good += 1
    check(good >= 1, "note signed by the known key")
    return text


def parse_checkpoint(text):
    check(text.endswith("\n"), "checkpoint body ends with a newline")
    lines = text[:-1].split("\n")
    check(len(lines) >= 3, "checkpoint has origin, size, root")
    origin, size, root = lines[0], lines[1], lines[2]
    check(size.isdigit() and (size == "0" or not size.startswith("0")), "size is canonical decimal")
    raw = base64.b64decode(root, validate=True)
    check(len(raw) == 32, "root is 32 bytes")
    return origin, int(size), raw


# --------------------------------------------------------------------------
# Merkle tree, RFC 9162 §2.1 (FORMAT.md §5)
# --------------------------------------------------------------------------
def node_hash(left, right):
    return sha256(b"\x01", left, right)


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if not leaves:
        return sha256()
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, b):
    if m == len(leaves):
        return [] if b else [mth(leaves)]
    k = split(len(leaves))
    if m <= k:
        return subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(size1, size2, proof, root1, root2):
    """RFC 9162 §2.1.4.2 (0 < size1 < size2)."""
    if not 0 < size1 < size2 or not proof:
        return False
    if size1 & (size1 - 1) == 0:
        proof = [root1] + proof
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


# --------------------------------------------------------------------------
# Registry and authority (FORMAT.md §10)
# --------------------------------------------------------------------------
MAY_SIGN = {
    "custodian": set(KINDS) - {"genesis"},
    "intermediary": {"note", "incident", "testimony", "amendment", "retraction", "summary-claim"},
    "reviewer": {"note", "annotation", "merge"},
    "reader": set(),  # §10.2: a reader (an age recipient) signs nothing
}
# Rust's char::is_whitespace (Unicode White_Space).
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + \
    "\u2028\u2029\u202f\u205f\u3000"


def strict_json(content, fields):
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        check(len(keys) == len(set(keys)), "no duplicate JSON member")
        return dict(pairs)

    obj = json.loads(content.decode("utf-8"), object_pairs_hook=no_duplicates)
    check(isinstance(obj, dict) and set(obj) == set(fields), f"payload has exactly {sorted(fields)}")
    for f, t in fields.items():
        check(isinstance(obj[f], t) and not isinstance(obj[f], bool), f"payload field {f} type")
    return obj


def text_part(label, content):
    """FORMAT.md §10: a part labelled text or translation is UTF-8 text."""
    if label in ("text", "translation"):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            check(False, f"part {label} is UTF-8 text")


# --------------------------------------------------------------------------
# Sealed parts' companions (FORMAT.md §3.8): L.to lists age X25519
# recipients (BIP-173 Bech32, HRP "age"), L.age begins with an age v1 header
# --------------------------------------------------------------------------
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
MAX_READERS = 64


def bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def recipient_key(s):
    """The 32-byte key of an age X25519 recipient in its canonical form
    (lowercase "age1…", Bech32 not Bech32m), or None."""
    return bech32_decode(s, "age")


def bech32_decode(s, hrp):
    """The data of a lowercase BIP-173 Bech32 string with this HRP, if it is
    32 bytes, or None."""
    if not isinstance(s, str) or not s.startswith(hrp + "1") or len(s) > 90:
        return None
    data = s[len(hrp) + 1 :]
    if len(data) < 6 or any(c not in BECH32_CHARSET for c in data):
        return None
    values = [BECH32_CHARSET.index(c) for c in data]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    if bech32_polymod(expanded + values) != 1:  # 1: Bech32 (Bech32m is 0x2bc830a3)
        return None
    acc, bits, out = 0, 0, bytearray()
    for v in values[:-6]:  # 5-bit groups to bytes, no padding allowed
        acc = (acc << 5 | v) & 0xFFF
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append(acc >> bits & 0xFF)
    if bits >= 5 or acc & ((1 << bits) - 1):
        return None
    return bytes(out) if len(out) == 32 else None


def readers_fault(content):
    """L.to: 1 to 64 canonical recipients, each ending with "\n", none twice."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return "it is not UTF-8"
    if not text.endswith("\n"):
        return "its recipients are not each on a line ending with a newline"
    lines = text[:-1].split("\n")
    if len(lines) > MAX_READERS:
        return f"more than {MAX_READERS} readers"
    if len(set(lines)) != len(lines):
        return "a recipient appears twice"
    for i, line in enumerate(lines):
        if recipient_key(line) is None:
            return f"line {i + 1} is not a canonical age X25519 recipient"
    return None


B64_ALPHABET = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def b64_unpadded(s):
    """Canonical unpadded standard base64 (as age writes it) -> bytes, or None."""
    if not set(s) <= B64_ALPHABET or len(s) % 4 == 1:
        return None
    raw = base64.b64decode(s + b"=" * (-len(s) % 4))
    return raw if base64.b64encode(raw).rstrip(b"=") == s else None


def age_header_fault(content):
    """L.age begins with an age v1 header (binary, not armored) that parses,
    and has no scrypt stanza. https://age-encryption.org/v1"""
    pos = 0

    def line():
        nonlocal pos
        end = content.find(b"\n", pos)
        if end < 0:
            return None
        out, pos = content[pos:end], end + 1
        return out

    if line() != b"age-encryption.org/v1":
        return "it does not begin with the line age-encryption.org/v1"
    types = []
    ln = line()
    while ln is not None and ln.startswith(b"-> "):
        args = ln[3:].split(b" ")
        if any(not a or any(not 33 <= c <= 126 for c in a) for a in args):
            return "a stanza's arguments are not non-empty printable ASCII"
        types.append(args[0])
        while True:  # the body: full 64-column lines, then a shorter one
            body = line()
            if body is None or len(body) > 64 or b64_unpadded(body) is None:
                return "a stanza's body is not wrapped unpadded base64"
            if len(body) < 64:
                break
        ln = line()
    if not types:
        return "its header has no stanza"
    if ln is None or not ln.startswith(b"--- ") or len(ln) != 4 + 43 \
            or b64_unpadded(ln[4:]) is None:
        return "its header does not end with the --- MAC line"
    if b"scrypt" in types:
        return "it is sealed to a passphrase, not to readers"
    return None


def x25519_base(scalar):
    """RFC 7748 X25519(k, 9): a reader key's recipient from its secret."""
    k = bytearray(scalar)
    k[0] &= 248
    k[31] = k[31] & 127 | 64
    k = int.from_bytes(k, "little")
    x1, x2, z2, x3, z3, swap = 9, 1, 0, 9, 1, 0
    for t in reversed(range(255)):
        bit = k >> t & 1
        swap ^= bit
        if swap:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a, b = (x2 + z2) % P, (x2 - z2) % P
        c, d = (x3 + z3) % P, (x3 - z3) % P
        aa, bb, da, cb = a * a % P, b * b % P, d * a % P, c * b % P
        e = (aa - bb) % P
        x3, z3 = (da + cb) ** 2 % P, x1 * (da - cb) ** 2 % P
        x2, z2 = aa * bb % P, e * (aa + 121665 * e) % P
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, P - 2, P) % P).to_bytes(32, "little")


MEDIA_TYPE_CHARS = set(b"abcdefghijklmnopqrstuvwxyz0123456789!#$&-^_.+")
MAX_MEDIA_TYPE = 127
AGE_HEADER_LIMIT = 65536  # §3.8: the header parses within the first 64 KiB
MAX_READERS_BYTES = 8192  # §3.9: an L.to of at most 8 KiB


def media_type_fault(content):
    """§3.9: type/subtype, lowercase, each side 1 to 63 of a-z 0-9 ! # $ & - ^ _ . +
    beginning with a letter or digit, no parameters, at most 127 bytes."""
    if len(content) > MAX_MEDIA_TYPE:
        return "it is longer than 127 bytes"
    sides = content.split(b"/")
    if len(sides) != 2:
        return "it is not type/subtype"
    for side in sides:
        if not 1 <= len(side) <= 63 or not set(side) <= MEDIA_TYPE_CHARS \
                or not (chr(side[0]).isdigit() or chr(side[0]).islower()):
            return "it is not a lowercase type/subtype"
    return None


def part_content_fault(label, content):
    """Why a part's content is not what its label says, or None (§3.8, §3.9,
    §10): text parts are UTF-8, companions are what they say. For a label
    other than a text's, the first 64 KiB + 1 bytes decide."""
    if label in ("text", "translation"):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return f"part {label} is text and must be UTF-8"
        return None
    companion = split_label(label)[1]
    if companion == ".to":
        why = "more than 8 KiB" if len(content) > MAX_READERS_BYTES else readers_fault(content)
    elif companion == ".age":
        why = age_header_fault(content[:AGE_HEADER_LIMIT])
    elif companion == ".type":
        why = media_type_fault(content)
    else:
        return None
    return None if why is None else f"part {label}: {why}"


def content_rule(label):
    """The vectors' name for the content rule of a label."""
    if label in ("text", "translation"):
        return "text-utf8"
    return {".to": "readers", ".age": "age-header", ".type": "media-type"}.get(
        split_label(label)[1], "content")


def beside_check(path, label, salt, length):
    """§12.2: a part beside the bundle, streamed: (digest, bytes read, content
    rule fault), reading at most one byte past the committed length."""
    import codecs
    h = hashlib.sha256(PART_DOMAIN + salt)
    n, head = 0, bytearray()
    text = label in ("text", "translation")
    decoder = codecs.getincrementaldecoder("utf-8")()
    not_utf8 = False
    with open(path, "rb") as f:
        while n <= length:
            chunk = f.read(min(65536, length + 1 - n))
            if not chunk:
                break
            h.update(chunk)
            n += len(chunk)
            head += chunk[: AGE_HEADER_LIMIT + 1 - len(head)]
            if text and not not_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    not_utf8 = True
    if text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            not_utf8 = True
        why = f"part {label} is text and must be UTF-8" if not_utf8 else None
    else:
        why = part_content_fault(label, bytes(head))
    return h.digest(), n, why


def refused(f, what):
    """Check that f() is refused (a failed check or a malformed input)."""
    try:
        f()
    except (SystemExit, Malformed, ValueError):
        check(True, "")
        return
    check(False, f"{what} refused")


def payload_key(s):
    check(len(s) == 64 and all(c in "0123456789abcdef" for c in s), "key is 64 lowercase hex")
    key = bytes.fromhex(s)
    check(valid_public_key(key), "key is a valid, non-weak Ed25519 point")
    return key


class Registry:
    def __init__(self):
        self.keys = {}  # public key -> {"name", "role", "enrolled_at", "revoked_at"}
        self.origin = self.checkpoint_key = None

    def authorize(self, seq, author, kind):
        if kind == "genesis":
            check(seq == 0 and not self.keys, "genesis only as entry 0")
            return "custodian"
        check(seq != 0 and self.keys, "entry 0 is a genesis statement")
        rec = self.keys.get(author)
        check(rec is not None, f"entry {seq}: author is enrolled")
        check(rec["revoked_at"] is None, f"entry {seq}: author is not revoked")
        check(kind in MAY_SIGN[rec["role"]], f"entry {seq}: a {rec['role']} may sign {kind}")
        return rec["role"]

    def apply(self, seq, author, kind, payload):
        if kind == "genesis":
            p = strict_json(payload, {"origin": str, "custodian_name": str, "checkpoint_key": str})
            name, _ = parse_vkey(p["checkpoint_key"])
            check(name == p["origin"], "the checkpoint key is named after the origin")
            self.origin, self.checkpoint_key = p["origin"], p["checkpoint_key"]
            self.keys[author] = {"name": p["custodian_name"], "role": "custodian",
                                 "enrolled_at": seq, "revoked_at": None}
        elif kind == "enroll":
            # "succeeds" (§10.2) is optional; the worked example has none.
            check("succeeds" not in json.loads(payload.decode("utf-8")),
                  "the example enrols no successor")
            p = strict_json(payload, {"key": str, "name": str, "role": str})
            key = payload_key(p["key"])
            check(p["name"].strip(WHITE_SPACE) != "", "enrolment name is not empty")
            check(p["role"] in MAY_SIGN and p["role"] != "reader",
                  "role is custodian, intermediary or reviewer")
            check(key not in self.keys, "key not enrolled before (even if revoked)")
            self.keys[key] = {"name": p["name"], "role": p["role"], "enrolled_at": seq,
                              "revoked_at": None}
        elif kind == "revoke":
            p = strict_json(payload, {"key": str, "reason": str, "effective_at": int})
            key = payload_key(p["key"])
            check(p["reason"].strip(WHITE_SPACE) != "", "revocation has a reason")
            check(-2**63 <= p["effective_at"] < 2**63, "effective_at is an i64")
            rec = self.keys.get(key)
            check(rec is not None and rec["revoked_at"] is None, "revoked key is enrolled, active")
            active = [r for r in self.keys.values()
                      if r["role"] == "custodian" and r["revoked_at"] is None]
            check(rec["role"] != "custodian" or len(active) > 1, "not the last custodian")
            rec["revoked_at"] = seq


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------
def unhex(s):
    return bytes.fromhex(s)


def main():
    v = json.load(open(os.path.join(HERE, "v1-note.json"), encoding="utf-8"))

    # Keys (FORMAT.md §7).
    pubs = {}
    for role, k in v["keys"].items():
        seed = unhex(k["seed"])
        seed_name = k["seed_source"].split(": ")[1].rstrip('")')
        check(seed == sha256(b"temoin DEMO ONLY key: " + seed_name.encode()), f"{role} seed")
        pub = public_from_seed(seed)
        check(pub.hex() == k["public_key"], f"{role} public key from seed")
        check(key_id(k["name"], pub).hex() == k["key_id"], f"{role} key ID")
        check(vkey(k["name"], pub) == k["vkey"], f"{role} vkey")
        typed = base64.b64encode(b"\x01" + seed).decode()
        skey = f"PRIVATE+KEY+{k['name']}+{k['key_id']}+{typed}"
        check(skey == k["skey"], f"{role} skey")
        pubs[role] = pub
    seeds = {role: unhex(k["seed"]) for role, k in v["keys"].items()}
    for role, keyfile in [("custodian", "demo-custodian.key"), ("journalist", "demo-journalist.key")]:
        path_ = os.path.join(HERE, "..", "..", "keys", keyfile)
        if os.path.exists(path_):
            lines = [ln.strip() for ln in open(path_, encoding="utf-8")]
            lines = [ln for ln in lines if ln and not ln.startswith("#")]
            check(lines == [v["keys"][role]["skey"]], f"keys/{keyfile} holds the vector key")

    # Entries: decode, re-encode, hashes, signatures, links, authority.
    registry = Registry()
    prev, prev_received = bytes(32), None
    statements = {}  # statement hash -> seq
    leaves = []
    part_store = {}
    authors = set()
    for e in v["entries"]:
        seq = e["seq"]
        eb = unhex(e["entry_bytes"])
        entry = parse_entry(eb)
        st = entry["statement"]
        s = e["statement"]
        check(entry["seq"] == seq == len(leaves), f"entry {seq}: seq continuity")
        check(entry["prev"] == prev and e["prev"] == prev.hex(), f"entry {seq}: prev link")
        check(prev_received is None or entry["received_at"] >= prev_received,
              f"entry {seq}: received_at does not go back")
        check(entry["received_at"] == e["received_at"], f"entry {seq}: received_at")
        re_encoded = enc_u64(entry["seq"]) + entry["prev"] + struct.pack("<q", entry["received_at"])
        check(re_encoded + encode_signed_statement(st) == eb, f"entry {seq}: canonical")
        check(st["body_bytes"].hex() == s["body_bytes"], f"entry {seq}: body bytes")
        body = parse_body(st["body_bytes"])
        check(body["id"].hex() == s["id"] and body["author"].hex() == s["author"], "id, author")
        check(body["created_at"] == s["created_at"] and body["kind"] == s["kind"], "time, kind")
        check(KINDS.index(body["kind"]) == s["kind_number"], "kind number")
        check([r.hex() for r in body["refs"]] == s["refs"], "refs")
        check(body["author"] == pubs[s["author_key"]], f"entry {seq}: author key")
        msg = STATEMENT_DOMAIN + st["body_bytes"]
        check(msg.hex() == s["signed_message"], f"entry {seq}: signed message")
        check(st["signature"].hex() == s["signature"], f"entry {seq}: signature bytes")
        check(valid_public_key(body["author"]), f"entry {seq}: author key valid, not weak")
        check(verify_strict(body["author"], msg, st["signature"]), f"entry {seq}: signature")
        check(sign(seeds[s["author_key"]], msg) == st["signature"],
              f"entry {seq}: RFC 8032 signing reproduces the signature")
        ssb = encode_signed_statement(st)
        check(ssb.hex() == s["signed_statement_bytes"], f"entry {seq}: signed statement bytes")
        sh = sha256(ssb)
        check(sh.hex() == s["statement_hash"], f"entry {seq}: statement hash")
        eh = sha256(b"\x00", eb)
        check(eh.hex() == e["entry_hash"], f"entry {seq}: entry hash")

        # Parts.
        check(len(body["parts"]) == len(s["parts"]), "part count")
        contents = {}
        for c, p in zip(body["parts"], s["parts"]):
            salt, content = unhex(p["salt"]), unhex(p["content"])
            check(c["label"] == p["label"] and c["length"] == len(content) == p["length"], "part")
            check(c["digest"] == part_digest(salt, content), f"entry {seq}: part digest")
            check(c["digest"].hex() == p["digest"], f"entry {seq}: part digest value")
            check(content.decode("utf-8") == p["content_text"], "part text")
            text_part(c["label"], content)
            contents[c["label"]] = content
            part_store[seq.to_bytes(8, "big") + c["digest"]] = salt + content

        # Authority and the rules of the kinds in this example.
        kind = body["kind"]
        registry.authorize(seq, body["author"], kind)
        for r in body["refs"]:
            check(r in statements, f"entry {seq}: ref names an earlier statement")
        if kind == "genesis":
            check(not body["refs"], "genesis has no refs")
        if kind == "note":
            check("text" in contents, "a note has a text part")
        else:
            check("payload" in contents, f"a {kind} has a payload part")
        check(kind in ("genesis", "enroll", "revoke", "note"), "kind covered by this script")
        if kind in ("genesis", "enroll", "revoke"):
            registry.apply(seq, body["author"], kind, contents["payload"])
        check(sh not in statements, "no statement twice")
        statements[sh] = seq
        authors.add(body["author"])
        leaves.append(eh)
        prev, prev_received = eh, entry["received_at"]
    check(registry.origin == v["origin"], "origin from genesis")

    # Statement file (.tms) of the note.
    tms = unhex(v["statement_file"]["bytes"])
    with open(os.path.join(HERE, v["statement_file"]["file"]), "rb") as f:
        check(f.read() == tms, "v1-note.tms is the vector's statement file")
    st, parts = parse_statement_file(tms)
    note = v["entries"][v["statement_file"]["entry"]]
    check(encode_signed_statement(st).hex() == note["statement"]["signed_statement_bytes"],
          "statement file carries the signed statement")
    body = parse_body(st["body_bytes"])
    check([p["label"] for p in parts] == [c["label"] for c in body["parts"]], "file parts")
    for p, c in zip(parts, body["parts"]):
        check(part_digest(p["salt"], p["content"]) == c["digest"], "file part digest")
        check(len(p["content"]) == c["length"], "file part length")
    check(parts[0]["content"].decode("utf-8") == "Témoignage recueilli à Tin-Aïcha.", "note text")

    # Merkle tree, proofs.
    m = v["merkle"]
    check([x.hex() for x in leaves] == m["leaves"], "leaves are the entry hashes")
    for r in m["roots"]:
        check(mth(leaves[: r["size"]]).hex() == r["root"], f"root of size {r['size']}")
    for nd in m["nodes"]:
        lo = nd["index"] << nd["level"]
        check(mth(leaves[lo : lo + (1 << nd["level"])]).hex() == nd["hash"], "stored node")
    for inc in m["inclusion"]:
        i, n = inc["index"], inc["size"]
        proof = [unhex(x) for x in inc["proof"]]
        check(path(i, leaves[:n]) == proof, f"inclusion proof {i} in {n} is PATH")
        check(verify_inclusion(leaves[i], i, n, proof, mth(leaves[:n])), f"inclusion {i} in {n}")
        if proof:
            bad = [bytes([proof[0][0] ^ 1]) + proof[0][1:]] + proof[1:]
            check(not verify_inclusion(leaves[i], i, n, bad, mth(leaves[:n])), "bad proof fails")
    for con in m["consistency"]:
        a, b = con["old_size"], con["new_size"]
        proof = [unhex(x) for x in con["proof"]]
        check(subproof(a, leaves[:b], True) == proof, f"consistency {a}->{b} is PROOF")
        check(verify_consistency(a, b, proof, mth(leaves[:a]), mth(leaves[:b])),
              f"consistency {a}->{b}")
        check(not verify_consistency(a, b, proof, mth(leaves[:a]), mth(leaves[: b - 1])),
              f"consistency {a}->{b} against a wrong root fails")

    # Checkpoints.
    cp_name, cp_pub = parse_vkey(registry.checkpoint_key)
    check(cp_pub == pubs["archive"], "genesis names the archive key")
    for c in v["checkpoints"]:
        text = open_note(c["note"], cp_name, cp_pub)
        check(text == c["body"], "checkpoint note text")
        origin, size, root = parse_checkpoint(text)
        check(origin == v["origin"] == cp_name, "checkpoint origin")
        check(size == c["size"] and root == mth(leaves[:size]), "checkpoint root")
        check(root.hex() == c["root"], "checkpoint root value")
        sig_line = c["note"][len(text) + 1 :]
        check(sig_line == f"\u2014 {cp_name} " + base64.b64encode(
            key_id(cp_name, cp_pub) + sign(seeds["archive"], text.encode())).decode() + "\n",
            "checkpoint signature line reproduced")

    # The sled rows (FORMAT.md §8), the parts file (§8.2).
    parts_file = unhex(v["parts_file"])
    by_seq = {e["seq"]: e for e in v["entries"]}
    last_checkpoint = {c["size"]: c for c in v["checkpoints"]}
    seen = set()
    listed = set()
    for row in v["store"]:
        k, val = unhex(row["key"]), unhex(row["value"])
        prefix = chr(k[0])
        seen.add(prefix)
        if prefix in "ERCP":
            check(len(k) == 9, "seq key is 9 bytes")
            n = int.from_bytes(k[1:], "big")
        if prefix == "E":
            check(val.hex() == by_seq[n]["entry_bytes"], "E row holds the entry bytes")
        elif prefix == "R":
            check(val == b"" and by_seq[n]["statement"]["kind"] in ("genesis", "enroll", "revoke"),
                  "R row marks a registry statement")
        elif prefix == "C":
            check(val.decode() == last_checkpoint[n]["note"], "C row holds the signed note")
        elif prefix == "P":
            # FORMAT.md §8.2: the entry's stored parts, each digest ->
            # location of salt || content in the parts file.
            r = Reader(val)
            count = r.u64()
            committed = {unhex(p["digest"]) for p in by_seq[n]["statement"]["parts"]}
            digests = []
            for _ in range(count):
                d, offset, length = r.take(32), r.u64(), r.u64()
                stored = parts_file[offset : offset + length]
                check(len(stored) == length and part_store[k[1:9] + d] == stored,
                      "P row: digest -> location of salt || content")
                check(part_digest(stored[:32], stored[32:]) == d, "P row digest")
                digests.append(d)
                listed.add(k[1:9] + d)
            r.end()
            check(len(set(digests)) == count and set(digests) <= committed,
                  "P row lists distinct committed digests")
        elif prefix == "X":
            name = k[1:].decode()
            if name == "head":
                r = Reader(val)
                size, last, last_received = r.u64(), r.take(32), r.i64()
                r.end()
                check(size == len(leaves) and last == leaves[-1], "head: size and last hash")
                check(last_received == prev_received, "head: last received_at")
            elif name == "parts_end":
                r = Reader(val)
                check(r.u64() == len(parts_file), "parts_end is the parts file's length")
                r.end()
            elif name == "format":
                check(val == b"temoin-archive-v3", "format tag")
        else:
            check(False, f"unexpected row prefix {prefix}")
    check(seen == set("EPRCX"), "every evidence prefix present")
    check(listed == set(part_store), "the P rows locate every stored part")

    # The tree file (FORMAT.md §8.1): every perfect subtree in post-order,
    # 32 bytes each; node (level, index) at 2m - popcount(m) + level, where
    # m = (index + 1) * 2^level - 1 is the last leaf it covers.
    tree_file = unhex(v["tree_file"])
    n = len(leaves)
    check(len(tree_file) == 32 * (2 * n - bin(n).count("1")), "tree file length")
    for level in range(64):
        if (1 << level) > n:
            break
        for index in range(n >> level):
            m = (index + 1) * (1 << level) - 1
            pos = 2 * m - bin(m).count("1") + level
            lo = index << level
            check(tree_file[32 * pos : 32 * pos + 32] == mth(leaves[lo : lo + (1 << level)]),
                  f"tree file node ({level}, {index})")
    check(len(leaves) == v["audit"]["entries"] and len(authors) == v["audit"]["authors"], "audit")
    check(len(part_store) == v["audit"]["parts"], "audit parts")

    # Tampered inputs are refused (the checks above are not vacuous).
    eb = unhex(v["entries"][2]["entry_bytes"])
    for bad, what in [(eb + b"\x00", "a trailing byte"), (eb[:-1], "a missing byte")]:
        try:
            parse_entry(bad)
            check(False, f"entry with {what} refused")
        except Malformed:
            check(True, "")
    body_bytes = unhex(v["entries"][2]["statement"]["body_bytes"])
    sig = unhex(v["entries"][2]["statement"]["signature"])
    author = body_bytes[18:50]
    check(not verify_strict(author, STATEMENT_DOMAIN + body_bytes, sig[:5] + b"\x00" + sig[6:]),
          "flipped signature byte refused")
    check(not verify_strict(author, body_bytes, sig), "signature without the domain refused")
    s_plus_l = (int.from_bytes(sig[32:], "little") + L).to_bytes(32, "little")
    check(not verify_strict(author, STATEMENT_DOMAIN + body_bytes, sig[:32] + s_plus_l),
          "non-canonical S (S + L) refused")
    identity = (1).to_bytes(32, "little")
    check(not valid_public_key(identity), "small-order key refused")
    non_canonical = (P + 3).to_bytes(32, "little")
    check(not valid_public_key(non_canonical), "non-canonical key encoding refused")
    long_label = bytearray(body_bytes)
    long_label[-44] ^= 0x20  # 'text' -> 'Text': not a lowercase label
    try:
        parse_body(bytes(long_label))
        check(False, "upper-case label refused")
    except Malformed:
        check(True, "")

    # What the spec refuses (FORMAT.md §1, §7, §10).
    g = v["entries"][0]["statement"]["parts"][0]
    check(g["label"] == "payload", "genesis part 0 is its payload")
    gp = unhex(g["content"])
    genesis_fields = {"origin": str, "custodian_name": str, "checkpoint_key": str}
    strict_json(gp, genesis_fields)
    refused(lambda: strict_json(gp.replace(b"{", b'{"origin": "ailleurs", ', 1), genesis_fields),
            "a payload member given twice")
    payload_key(pubs["journalist"].hex())
    refused(lambda: payload_key(pubs["journalist"].hex().upper()), "an upper-case hex key")
    jv = v["keys"]["journalist"]["vkey"]
    name_, kid, b64 = jv.split("+", 2)
    refused(lambda: parse_vkey(f"{name_}+{kid.upper()}+{b64}"), "an upper-case key ID")
    # Sealed parts' companions (FORMAT.md §3.3, §3.8): the statement
    # vectors' reader key (DEMO ONLY), its recipient decoded by hand.
    key_lines = open(os.path.join(HERE, "statements", "sealed-reader.key"), encoding="utf-8").read()
    recipient = key_lines.split("# public key: ")[1].split("\n")[0]
    secret = [ln for ln in key_lines.split("\n") if ln.startswith("AGE-SECRET-KEY-1")][0]
    check(x25519_base(bech32_decode(secret.lower(), "age-secret-key-")) == recipient_key(recipient),
          "the reader's recipient is X25519 of its secret key")
    check(readers_fault((recipient + "\n").encode()) is None, "a canonical readers list")
    for bad, what in [(recipient.upper(), "upper case"), (recipient[:-1] + "q", "a bad checksum"),
                      ("age1" + recipient[5:], "a shortened recipient")]:
        check(readers_fault((bad + "\n").encode()) is not None, f"a recipient in {what} refused")
    check(readers_fault((recipient + "\n") .encode() * 2) is not None, "a reader twice refused")
    check(readers_fault(recipient.encode()) is not None, "a readers list without its newline refused")
    with open(os.path.join(HERE, "statements", "sealed-valid.tms"), "rb") as f:
        _, sealed_parts = parse_statement_file(f.read())
    ciphertext = {p["label"]: p["content"] for p in sealed_parts}["witness.age"]
    check(age_header_fault(ciphertext) is None, "an age v1 header parses")
    check(age_header_fault(ciphertext.replace(b"-> X25519", b"-> scrypt", 1)) is not None,
          "an scrypt stanza refused")
    check(age_header_fault(ciphertext[: ciphertext.index(b"\n--- ") + 1]) is not None,
          "an age header without its MAC line refused")
    for bad in [["witness.age", "witness.to"], ["payload", "payload.age", "payload.to"],
                ["witness", "witness.age", "witness.to", "Witness"]]:
        body = {"version": 1, "id": bytes(16), "author": bytes(32), "created_at": 0,
                "kind": "note", "refs": [],
                "parts": [{"label": lab, "digest": bytes(32), "length": 0} for lab in bad]}
        refused(lambda: parse_body(encode_body(body)), f"a body committing {bad}")
    text_part("text", "Café".encode("utf-8"))
    refused(lambda: text_part("text", b"Caf\xe9"), "a text part that is not UTF-8")

    print(f"ok: {CHECKS} checks passed on tests/vectors/v1-note.json")
    check_bundle_vectors()
    n = check_statement_vectors()
    print(f"ok: {n} statement-file vectors get their verdicts")
    n = check_witness_vectors()
    print(f"ok: {n} witness-cosignature vectors get their verdicts")
    n = check_tiles_vectors()
    print(f"ok: {n} tiles vectors get their verdicts")
    n = check_timestamp_vectors()
    print(f"ok: {n} timestamp vectors: message imprints and genTime checked "
          "(CMS signatures are not checked here: no RSA or ECDSA in the standard library)")


# --------------------------------------------------------------------------
# Evidence bundles (FORMAT.md §12): tests/vectors/bundles/, each with the
# verdict §12.6 gives it. The projection (step 9) is not recomputed here.
# --------------------------------------------------------------------------
class Fault(Exception):
    def __init__(self, kind, what):
        super().__init__(what)
        self.kind, self.what = kind, what


def need(cond, kind, what):
    if not cond:
        raise Fault(kind, what)


def b64(s):
    raw = base64.b64decode(s, validate=True)
    need(base64.b64encode(raw).decode() == s, "entry bytes", "canonical base64")
    return raw


def open_note_quiet(note, name, pub):
    """The signed note's text if a signature by (name, pub) verifies, else None."""
    if "\n\n" not in note or not note.endswith("\n"):
        return None
    split = note.rindex("\n\n")
    text, sigs = note[: split + 1], note[split + 2 :]
    for line in sigs[:-1].split("\n"):
        if not line.startswith("\u2014 ") or line.count(" ") != 2:
            return None
        who, sig = line[2:].split(" ")
        try:
            raw = base64.b64decode(sig, validate=True)
        except ValueError:
            return None
        if who == name and raw[:4] == key_id(name, pub) and len(raw) == 68 \
                and verify_strict(pub, text.encode(), raw[4:]):
            return text
    return None


def utc(ms):
    import datetime
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=ms // 1000)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def payload_json(content):
    """A payload is a JSON object with no member twice (FORMAT.md §10)."""
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        need(len(keys) == len(set(keys)), "rules", "payload")
        return dict(pairs)
    try:
        obj = json.loads(content.decode("utf-8"), object_pairs_hook=no_duplicates)
    except (UnicodeDecodeError, ValueError) as e:
        raise Fault("rules", "payload")
    need(isinstance(obj, dict), "rules", "payload")
    return obj


def check_bundle_entry(be, n, root, d):
    """§12.6 step 3, one entry on its own: (entry, body, statement hash, parts).
    Parts beside the bundle are read from the directory d."""
    seq = be["seq"]
    eb = b64(be["entry"])
    try:
        entry = parse_entry(eb)
        body = parse_body(entry["statement"]["body_bytes"])
    except Malformed as e:
        raise Fault("entry bytes", str(e))
    need(entry["seq"] == seq, "entry bytes", "the bytes say another seq")
    eh = sha256(b"\x00", eb)
    sh = sha256(encode_signed_statement(entry["statement"]))
    need(be["entry_hash"] == eh.hex() and be["statement_hash"] == sh.hex(), "hash", "hashes")
    need(valid_public_key(body["author"]) and verify_strict(
        body["author"], STATEMENT_DOMAIN + entry["statement"]["body_bytes"],
        entry["statement"]["signature"]), "signature", "the author's signature")
    decoded = {
        "seq": seq, "prev": entry["prev"].hex(), "received_at": entry["received_at"],
        "received_at_utc": utc(entry["received_at"]),
        "statement": {
            "version": body["version"], "id": body["id"].hex(), "author": body["author"].hex(),
            "created_at": body["created_at"], "created_at_utc": utc(body["created_at"]),
            "kind": body["kind"], "refs": [r.hex() for r in body["refs"]],
            "parts": [{"label": c["label"], "digest": c["digest"].hex(), "length": c["length"]}
                      for c in body["parts"]],
            "signature": entry["statement"]["signature"].hex()}}
    need(be["decoded"] == decoded, "decoded form", "decoded form")
    proof = [unhex(h) for h in be["inclusion_proof"]]
    need(verify_inclusion(eh, seq, n, proof, root), "inclusion proof", "inclusion proof")
    committed = {c["label"]: c for c in body["parts"]}
    parts, beside = {}, set()
    for p in be["parts"]:
        # §12.2: carried in the JSON (content, text) or beside it (beside).
        need(("content" in p) != ("beside" in p) and not ("beside" in p and "text" in p),
             "format", "beside-shape")
        c = committed.get(p["label"])
        need(c is not None and p["label"] not in parts and p["label"] not in beside,
             "part", "part not committed, or twice")
        need(not is_sealed(committed, p["label"]), "part", "sealed-in-clear")
        if "beside" in p:
            salt = b64(p["salt"])
            need(len(salt) == 32, "part", "salt")
            need(p["label"] != "payload", "part", "beside-payload")
            need(p["beside"] == c["digest"].hex(), "part", "beside-name")
            path_ = os.path.join(d, p["beside"])
            need(os.path.isfile(path_), "missing part", "beside-missing")
            digest, length, why = beside_check(path_, p["label"], salt, c["length"])
            need(length == c["length"] and digest == c["digest"], "part", "beside-mismatch")
            need(why is None, "part", content_rule(p["label"]))
            beside.add(p["label"])
            continue
        salt, content = b64(p["salt"]), b64(p["content"])
        need(len(salt) == 32 and len(content) == c["length"]
             and part_digest(salt, content) == c["digest"], "part", "part digest")
        why = part_content_fault(p["label"], content)
        need(why is None, "part", content_rule(p["label"]))
        if "text" in p:
            try:
                same = content.decode("utf-8") == p["text"]
            except UnicodeDecodeError:
                same = False
            need(same, "decoded form", "part text")
        parts[p["label"]] = content
    absent = {a["label"]: a for a in be.get("absent", [])}
    for label in committed:
        need(label in parts or label in beside or label in absent,
             "missing part", f"part {label} unaccounted")
    for label in absent:
        need(label in committed and label not in parts and label not in beside,
             "missing part", "absent, not committed")
    return {"seq": seq, "entry": entry, "body": body, "hash": sh, "entry_hash": eh,
            "parts": parts, "absent": absent, "faults": []}


def acts_for(keys, author):
    """§10.2, §10.3: the keys whose records `author` may amend and retract:
    itself and every key it succeeds, directly or through successors."""
    out, k = {author}, author
    while k in keys and keys[k].get("succeeds") is not None and len(out) <= len(keys):
        k = keys[k]["succeeds"]
        out.add(k)
    return out


def authority_pass(entries, origin, archive_vkey):
    """§12.6 step 6: the registry replayed from the bundle's registry entries."""
    keys = {}
    readers = {}  # recipient -> {"revoked_at"} (§10.2: readers sign nothing)
    owners = {}
    for c in entries:
        seq, body, kind = c["seq"], c["body"], c["body"]["kind"]
        author = body["author"]
        try:
            need(seq != 0 or kind == "genesis", "registry", "entry0-genesis")
            if kind == "genesis":
                need(not keys, "authority", "authorised")
                role = "custodian"
            else:
                rec = keys.get(author)
                need(rec is not None and rec["revoked_at"] is None
                     and kind in MAY_SIGN[rec["role"]], "authority", "authorised")
                role = rec["role"]
            if kind in ("genesis", "enroll", "revoke"):
                need("payload" in c["parts"], "registry", "registry-payload")
                p = payload_json(c["parts"]["payload"])
                if kind == "genesis":
                    need(set(p) == {"origin", "custodian_name", "checkpoint_key"}, "registry", "registry-payload")
                    need(p["origin"] == origin and p["checkpoint_key"] == archive_vkey,
                         "registry", "genesis-key")
                    keys[author] = {"role": "custodian", "revoked_at": None}
                elif kind == "enroll" and "recipient" in p:
                    need(set(p) == {"recipient", "name", "role"} and p["role"] == "reader"
                         and isinstance(p["name"], str) and p["name"].strip(WHITE_SPACE) != ""
                         and recipient_key(p["recipient"]) is not None,
                         "registry", "registry-payload")
                    need(p["recipient"] not in readers, "registry", "registry-change")
                    readers[p["recipient"]] = {"revoked_at": None}
                elif kind == "revoke" and "recipient" in p:
                    need(set(p) == {"recipient", "reason"} and isinstance(p["reason"], str)
                         and p["reason"].strip(WHITE_SPACE) != ""
                         and recipient_key(p["recipient"]) is not None,
                         "registry", "registry-payload")
                    rec = readers.get(p["recipient"])
                    need(rec is not None and rec["revoked_at"] is None, "registry", "registry-change")
                    rec["revoked_at"] = seq
                elif kind == "enroll":
                    need({"key", "name", "role"} <= set(p) <= {"key", "name", "role", "succeeds"}
                         and p["role"] in MAY_SIGN and p["role"] != "reader",
                         "registry", "registry-payload")
                    key = bytes.fromhex(p["key"])
                    need(key not in keys, "registry", "registry-change")
                    old = p.get("succeeds")
                    if old is not None:
                        # §10.2: a successor succeeds a key enrolled before
                        # it, never itself, at most once, and never in a loop.
                        need(isinstance(old, str) and len(old) == 64
                             and all(ch in "0123456789abcdef" for ch in old)
                             and valid_public_key(bytes.fromhex(old)),
                             "registry", "registry-payload")
                        old = bytes.fromhex(old)
                        need(old != key and old in keys
                             and keys[old].get("succeeded_by") is None
                             and key not in acts_for(keys, old),
                             "registry", "registry-change")
                        keys[old]["succeeded_by"] = key
                    keys[key] = {"role": p["role"], "revoked_at": None, "succeeds": old}
                else:
                    need(set(p) == {"key", "reason", "effective_at"}, "registry", "registry-payload")
                    rec = keys.get(bytes.fromhex(p["key"]))
                    need(rec is not None and rec["revoked_at"] is None, "registry", "registry-change")
                    active = [r for r in keys.values()
                              if r["role"] == "custodian" and r["revoked_at"] is None]
                    need(rec["role"] != "custodian" or len(active) > 1, "registry", "registry-change")
                    rec["revoked_at"] = seq
                    rec["effective_at"] = p["effective_at"]
            elif kind in ("amendment", "retraction"):
                if body["refs"] and body["refs"][0] in owners:
                    owner = owners[body["refs"][0]]
                    need(owner in acts_for(keys, author) or role == "custodian",
                         "authority", "owner")
                    owners[c["hash"]] = owner
            else:
                owners[c["hash"]] = author
            c["role"] = role
            c["acts_for"] = acts_for(keys, author)
        except Fault as f:
            c["faults"].append((f.kind, f.what))
    return keys


def compromise_pass(entries, bundle_entries, keys, n):
    """§12.2, §12.6 step 6: which entries are signed after a declared
    compromise, and the bundle says so of exactly those."""
    said = {be["seq"]: be.get("signed_after_compromise") for be in bundle_entries}
    for c in entries:
        seq, rec = c["seq"], keys.get(c["body"]["author"])
        flag = None
        if rec is not None and rec["revoked_at"] is not None \
                and seq < rec["revoked_at"] <= n - 1 \
                and c["entry"]["received_at"] >= rec["effective_at"]:
            flag = {"revoked_at": rec["revoked_at"], "effective_at": rec["effective_at"]}
        c["compromise"] = flag
        if said.get(seq) != flag:
            c["faults"].append(("compromise", "signed-after-compromise"))


def rules_pass(entries, whole):
    """§12.6 step 7: the rules of §10 against a state built from the bundle."""
    st, inc, not_established = {}, {}, []
    position = {}
    opened_by = {}
    for c in reversed(entries):
        position[c["hash"]] = c["seq"]
        try:
            if c["body"]["kind"] == "incident":
                opened_by[payload_json(c["parts"]["payload"])["id"]] = c["seq"]
        except (Fault, KeyError, TypeError):
            pass
    for c in entries:
        seq, body, h = c["seq"], c["body"], c["hash"]
        kind, refs = body["kind"], body["refs"]
        labels = [p["label"] for p in body["parts"]]
        if h in st:
            c["faults"].append(("rules", "once"))
            continue
        info = {"seq": seq, "kind": kind, "subject": kind, "owner": body["author"],
                "labels": labels, "incidents": [], "superseded_by": None,
                "retracted_by": None, "redacted": []}
        updates = []
        try:
            need(kind == "note" or "payload" in labels, "rules", "missing-part")
            need(kind != "note" or "text" in labels, "rules", "missing-part")
            need(kind != "genesis" or not refs, "rules", "genesis-refs")
            for r in refs:
                later = position.get(r, -1) >= seq
                need(r in st, "rules", "ref-later" if later else "ref-unknown")
            if kind in ("genesis", "enroll", "revoke", "note"):
                pass
            else:
                need("payload" in c["parts"], "rules", "missing-part")
                p = payload_json(c["parts"]["payload"])
                named = []
                if kind == "testimony":
                    named = p["incidents"]
                elif kind == "amendment" and "testimony" in p:
                    named = p["testimony"]["incidents"]
                elif kind == "merge":
                    named = [p["from"], p["into"]]
                elif kind == "summary-claim":
                    named = p.get("incidents", [])
                for i in named:
                    if i not in inc:
                        need(not whole and i not in opened_by, "rules", "named-incident")
                        not_established.append(seq)
                        inc[i] = {"merged_into": None}

                def target():
                    need(len(refs) == 1, "rules", "ref-count")
                    return refs[0], st[refs[0]]

                def owned(t):
                    need(t["owner"] in c.get("acts_for", {body["author"]})
                         or c.get("role") == "custodian", "rules", "owner")
                if kind == "incident":
                    need(p["id"] not in inc, "rules", "incident-taken")
                    inc[p["id"]] = {"merged_into": None}
                    info["incidents"] = [p["id"]]
                elif kind == "testimony":
                    need("text" in labels, "rules", "missing-part")
                    info["incidents"] = p["incidents"]
                elif kind == "amendment":
                    th, t = target()
                    subject = "testimony" if "testimony" in p else "incident"
                    need(t["subject"] == subject, "rules", "target")
                    need(t["superseded_by"] is None, "rules", "superseded")
                    need(t["retracted_by"] is None, "rules", "retracted")
                    owned(t)
                    if subject == "testimony":
                        need("text" in labels, "rules", "missing-part")
                        info["incidents"] = p["testimony"]["incidents"]
                    else:
                        need(t["incidents"][:1] == [p["incident"]["id"]], "rules", "incident-id")
                        info["incidents"] = t["incidents"]
                    info["subject"], info["owner"] = subject, t["owner"]
                    updates.append((th, "superseded_by", h))
                elif kind == "retraction":
                    th, t = target()
                    need(t["subject"] == "testimony", "rules", "target")
                    need(t["retracted_by"] is None, "rules", "retracted")
                    need(t["superseded_by"] is None, "rules", "superseded")
                    owned(t)
                    updates.append((th, "retracted_by", h))
                elif kind == "annotation":
                    target()
                elif kind == "merge":
                    for i in (p["from"], p["into"]):
                        need(inc[i]["merged_into"] is None, "rules", "merged")
                    inc[p["from"]]["merged_into"] = p["into"]
                    info["incidents"] = [p["into"], p["from"]]
                elif kind == "summary-claim":
                    info["incidents"] = p.get("incidents", [])
                elif kind == "redaction":
                    th, t = target()
                    need(p["label"] != "payload", "rules", "payload")
                    need(split_label(p["label"])[1] is None, "rules", "payload")
                    need(t["kind"] not in ("genesis", "enroll", "revoke"), "rules", "redact-registry")
                    need(p["label"] in t["labels"], "rules", "redact-label")
                    need(p["label"] not in t["redacted"], "rules", "redacted")
                    updates.append((th, "redacted", p["label"]))
        except (Fault, KeyError, TypeError) as f:
            if not c["faults"]:
                c["faults"].append((f.kind, f.what) if isinstance(f, Fault) else ("rules", "payload"))
            st[h] = info
            continue
        for th, field, value in updates:
            if field == "redacted":
                st[th]["redacted"].append(value)
            else:
                st[th][field] = value
        st[h] = info
    return not_established


def verify_bundle(b, archive_vkey, d):
    """FORMAT.md §12.6 steps 1-8, the parts beside the bundle read from the
    directory d. Returns ({seq: [fault kinds]}, not established seqs)."""
    check(b["format"] == "temoin-bundle/v1" and "payload" not in b["withheld_labels"], "format")
    name, pub = parse_vkey(archive_vkey)
    text = open_note_quiet(b["checkpoint"], name, pub)
    check(text is not None, "the checkpoint verifies with the archive key")
    origin, n, root = parse_checkpoint(text)
    check(origin == b["origin"] == name, "bundle origin is the checkpoint's")
    seqs = [e["seq"] for e in b["entries"]]
    check(seqs == sorted(set(seqs)), "entries in strictly increasing seq")
    entries, faults = [], {}
    for be in b["entries"]:
        try:
            entries.append(check_bundle_entry(be, n, root, d))
        except Fault as f:
            faults.setdefault(be["seq"], []).append((f.kind, f.what))
    by_seq = {c["seq"]: c for c in entries}
    last_received = None
    for c in entries:
        seq = c["seq"]
        prev = bytes(32) if seq == 0 else by_seq[seq - 1]["entry_hash"] if seq - 1 in by_seq else None
        if prev is not None and c["entry"]["prev"] != prev:
            c["faults"].append(("hash chain", "prev"))
        if last_received is not None and c["entry"]["received_at"] < last_received:
            c["faults"].append(("hash chain", "received_at"))
        last_received = c["entry"]["received_at"]
    # Absent parts (§12.2): sealed (exactly when the body commits label.age),
    # withheld by label, or erased by an included order (naming L for L.age).
    orders = {}
    for c in entries:
        if c["body"]["kind"] == "redaction" and "payload" in c["parts"] and c["body"]["refs"]:
            try:
                orders[c["seq"]] = (c["body"]["refs"][0], payload_json(c["parts"]["payload"])["label"])
            except (Fault, KeyError):
                pass
    for c in entries:
        labels = {p["label"] for p in c["body"]["parts"]}
        for label, a in c["absent"].items():
            sealed = is_sealed(labels, label)
            named = redaction_label(label)
            if sealed or a["why"] == "sealed":
                ok = sealed and a["why"] == "sealed"
            elif a["why"] == "withheld":
                # Not withheld if an included order erased it: then redacted.
                ok = (label in b["withheld_labels"] and label != "payload"
                      and c["body"]["kind"] not in ("genesis", "enroll", "revoke")
                      and (c["hash"], named) not in orders.values())
            else:
                ok = a["why"] == "redacted" and orders.get(a.get("by_seq")) == (c["hash"], named)
            if not ok:
                c["faults"].append(("missing part", "absent"))
    check(entries and entries[0]["seq"] == 0, "entry 0 is in the bundle")
    keys = authority_pass(entries, origin, archive_vkey)
    compromise_pass(entries, b["entries"], keys, n)
    not_established = rules_pass(entries, b["scope"] == "all")
    scope = b["scope"]
    if scope == "all":
        check(seqs == list(range(n)), "an \"all\" bundle holds every entry")
    elif "statement" in scope:
        # Its entry may have a fault of its own (a part, say): it is held.
        check(any(be["statement_hash"] == scope["statement"] for be in b["entries"]),
              "holds its statement")
    for c in entries:
        if c["faults"]:
            faults.setdefault(c["seq"], []).extend(c["faults"])
    return faults, not_established, entries


def fold(s):
    """The matching key of a name (docs/DOMAIN.md §5)."""
    import unicodedata
    out, pending = [], False
    for c in unicodedata.normalize("NFKD", s):
        if unicodedata.category(c) in ("Mn", "Mc", "Me"):
            continue
        if c in WHITE_SPACE:
            pending = bool(out)
            continue
        if pending:
            out.append(" ")
            pending = False
        if c in "\u2019\u2018\u02bc\u00b4`":
            out.append("'")
        elif "\u2010" <= c <= "\u2015":
            out.append("-")
        elif c in "œŒ":
            out.append("oe")
        elif c in "æÆ":
            out.append("ae")
        elif c in "ßẞ":
            out.append("ss")
        else:
            out.append(c.lower())
    return unicodedata.normalize("NFC", "".join(out))


FIGURES = ["dead", "injured", "missing", "women_dead", "children_dead"]


def project_figures(entries, x):
    """FORMAT.md §12.5.2: the figures of incident x from the bundle's entries."""
    pl = {}
    for c in entries:
        if c["body"]["kind"] not in ("genesis", "enroll", "revoke", "note"):
            pl[c["hash"]] = payload_json(c["parts"]["payload"])
    by_hash = {c["hash"]: c for c in entries}

    def speaks(c):
        kind, p = c["body"]["kind"], pl.get(c["hash"], {})
        if kind == "incident":
            return [p["id"]]
        if kind == "testimony":
            return p["incidents"]
        if kind == "amendment":
            return p["testimony"]["incidents"] if "testimony" in p else [p["incident"]["id"]]
        if kind == "merge":
            return [p["into"], p["from"]]
        if kind == "summary-claim":
            return p.get("incidents", [])
        return []

    def touches(c):
        t = list(speaks(c))
        refs = c["body"]["refs"]
        if c["body"]["kind"] in ("amendment", "retraction", "annotation", "redaction") \
                and refs and refs[0] in by_hash:
            t += speaks(by_hash[refs[0]])
        return t

    members = {x}
    grew = True
    while grew:
        grew = False
        for c in entries:
            if c["body"]["kind"] == "merge":
                p = pl[c["hash"]]
                if p["into"] in members and p["from"] not in members:
                    members.add(p["from"])
                    grew = True
    group = [c for c in entries if set(touches(c)) & members]

    def subject(c):
        kind, p = c["body"]["kind"], pl.get(c["hash"], {})
        if kind == "testimony" or (kind == "amendment" and "testimony" in p):
            return "testimony"
        if kind == "incident" or (kind == "amendment" and "incident" in p):
            return "record"
        return None

    index = {c["hash"]: i for i, c in enumerate(group)}
    root, chains = list(range(len(group))), {}
    for i, c in enumerate(group):
        if subject(c) is None:
            continue
        if c["body"]["kind"] == "amendment" and c["body"]["refs"]:
            j = index.get(c["body"]["refs"][0])
            if j is not None and j < i and subject(group[j]) == subject(c):
                root[i] = root[j]
        chains.setdefault(root[i], []).append(i)
    retracted = {c["body"]["refs"][0] for c in group
                 if c["body"]["kind"] == "retraction" and c["body"]["refs"]}
    per = {f: [] for f in FIGURES}
    keys = {f: [] for f in FIGURES}
    for r in sorted(chains):
        chain = [group[i] for i in chains[r]]
        if subject(chain[0]) != "testimony":
            continue
        last = chain[-1]
        p = pl[last["hash"]]
        t = p["testimony"] if last["body"]["kind"] == "amendment" else p
        # Retracted, signed after a declared compromise, or about other
        # incidents only: out of the figures.
        if last["hash"] in retracted or last["compromise"] or not set(t["incidents"]) & members:
            continue
        src = t["source"]
        desc = src.get("description", "")
        if desc.strip(WHITE_SPACE) == "":
            key = "testimony:" + chain[0]["hash"].hex()
        else:
            key = src["relation"] + ":" + fold(desc)
        ref = {"seq": last["seq"], "statement": last["hash"].hex(), "author": last["body"]["author"].hex()}
        for block in t.get("claims", []):
            if block["incident"] not in members:
                continue
            for f in FIGURES:
                if f in block:
                    item = {"incident": block["incident"], "count": block[f], "source": ref,
                            "relation": src["relation"]}
                    if desc:
                        item["description"] = desc
                    per[f].append(item)
                    keys[f].append(key)

    def lo(n):
        return n["min"] if isinstance(n, dict) else n

    def hi(n):
        return n["max"] if isinstance(n, dict) else n
    out = {}
    for f in FIGURES:
        items = per[f]
        if not items:
            continue
        counts = [i["count"] for i in items]
        out[f] = {"min": min(map(lo, counts)), "max": max(map(hi, counts)),
                  "conflict": max(map(lo, counts)) > min(map(hi, counts)),
                  "sources": len(set(keys[f])),
                  "authors": len({i["source"]["author"] for i in items}),
                  "per_source": items}
    return out


def statement_verdict(b):
    """What a verifier concludes from a statement file alone (§3): valid,
    or the kind of refusal."""
    try:
        st, parts = parse_statement_file(b)
        body = parse_body(st["body_bytes"])
    except Malformed:
        return "format"
    if not valid_public_key(body["author"]) or not verify_strict(
            body["author"], STATEMENT_DOMAIN + st["body_bytes"], st["signature"]):
        return "signature"
    commitments = {c["label"]: c for c in body["parts"]}
    if len({p["label"] for p in parts}) != len(parts):
        return "part"
    for p in parts:
        c = commitments.get(p["label"])
        # §3.8: a file never carries a sealed part, only its companions.
        if c is None or is_sealed(commitments, p["label"]) \
                or part_digest(p["salt"], p["content"]) != c["digest"] \
                or len(p["content"]) != c["length"]:
            return "part"
        if part_content_fault(p["label"], p["content"]) is not None:
            return "part"
    # Every commitment has its part in the file, but a sealed one.
    if {p["label"] for p in parts} != {lab for lab in commitments
                                       if not is_sealed(commitments, lab)}:
        return "part"
    return "valid"


def check_statement_vectors():
    d = os.path.join(HERE, "statements")
    index = json.load(open(os.path.join(d, "index.json"), encoding="utf-8"))
    for v in index["vectors"]:
        with open(os.path.join(d, v["file"]), "rb") as f:
            got = statement_verdict(f.read())
        check(got == v["expect"]["verdict"],
              f"statements/{v['file']}: {got}, expected {v['expect']['verdict']} ({v['about']})")
    return len(index["vectors"])


def check_bundle_vectors():
    d = os.path.join(HERE, "bundles")
    index = json.load(open(os.path.join(d, "index.json"), encoding="utf-8"))
    v1 = json.load(open(os.path.join(HERE, "v1-note.json"), encoding="utf-8"))
    check(index["archive_key"] == v1["keys"]["archive"]["vkey"], "bundles use the vector archive key")
    listed = set()
    figures_checked = []
    for vec in index["vectors"]:
        listed.add(vec["file"])
        path_ = os.path.join(d, vec["file"])
        b = json.load(open(path_, encoding="utf-8"))
        faults, not_established, entries = verify_bundle(b, index["archive_key"],
                                                         os.path.dirname(path_))
        want = vec["expect"]
        if want["verified"]:
            check(not faults, f"{vec['file']}: verifies (faults at {sorted(faults)})")
            check(not_established == want["not_established"],
                  f"{vec['file']}: not established at {not_established}")
            compromised = [c["seq"] for c in entries if c["compromise"]]
            check(compromised == want["signed_after_compromise"],
                  f"{vec['file']}: signed after a declared compromise: {compromised}")
            for x, view in b["projection"].items():
                if view is not None:
                    figures_checked.append(x)
                    check(project_figures(entries, x) == view["figures"],
                          f"{vec['file']}: the figures of {x} recomputed from FORMAT.md §12.5.2")
        else:
            check(faults, f"{vec['file']}: refused")
            first = min(faults)
            got = {"entry": first, "kind": faults[first][0][0], "rule": faults[first][0][1]}
            check(got == want["first_fault"], f"{vec['file']}: first fault {got}, want {want['first_fault']}")
    # A vector with files beside its bundle has a directory of its own.
    on_disk = {os.path.relpath(os.path.join(r, f), d).replace(os.sep, "/")
               for r, _, fs in os.walk(d) for f in fs if f.endswith(".bundle.json")}
    check(on_disk == listed, "every bundle file is a listed vector")
    check(len(figures_checked) >= 3, "figures recomputed for the honest bundles")
    # The comparison is not vacuous: one source less is seen.
    b = json.load(open(os.path.join(d, "all-verified.bundle.json"), encoding="utf-8"))
    _, _, entries = verify_bundle(b, index["archive_key"], d)
    tampered = json.loads(json.dumps(b["projection"]["tangata-2025-11-13"]["figures"]))
    tampered["dead"]["sources"] -= 1
    check(project_figures(entries, "tangata-2025-11-13") != tampered, "a changed figure differs")
    print(f"ok: {len(listed)} bundle vectors get their verdicts; "
          f"figures of {len(figures_checked)} projections recomputed")


# --------------------------------------------------------------------------
# Tiles (FORMAT.md §15): tests/vectors/tiles/site/, a `temoin tiles` export,
# and altered copies of it, each with the verdict §15.2 gives it.
# --------------------------------------------------------------------------
def encode_index(n):
    """§15 paths: zero-padded 3-digit groups, all but the last x-prefixed."""
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n > 0:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


def level_tiles(count):
    """(index, width) of the tiles of a level holding `count` hashes."""
    out = [(i, 256) for i in range(count // 256)]
    if count % 256:
        out.append((count // 256, count % 256))
    return out


def tile_path(kind, index, width):
    p = f"{kind}/{encode_index(index)}"
    return p if width == 256 else f"{p}.p/{width}"


def framed(b, width, prefix):
    """A bundle's items: each a big-endian length of `prefix` bytes, then the item."""
    items, pos = [], 0
    for _ in range(width):
        need(pos + prefix <= len(b), "framing", "cut short")
        n = int.from_bytes(b[pos : pos + prefix], "big")
        pos += prefix
        need(pos + n <= len(b), "framing", "cut short")
        items.append(b[pos : pos + n])
        pos += n
    need(pos == len(b), "framing", "trailing bytes")
    return items


def verify_tiles(files, vkey_text):
    """§15.2 on a tiles directory given as {path: bytes}: (size, entries), or a Fault."""
    name, pub = parse_vkey(vkey_text)

    def get(path):
        need(path in files, "missing", path)
        return files[path]

    text = open_note_quiet(get("checkpoint").decode("utf-8", "replace"), name, pub)
    need(text is not None, "checkpoint", "does not open with the key")
    origin, size, root = parse_checkpoint(text)
    need(origin == name, "checkpoint", "origin is the key's name")
    entries, payloads = [], []
    for index, width in level_tiles(size):
        entries += framed(get(tile_path("tile/entries", index, width)), width, 2)
        payloads += framed(get(tile_path("payload", index, width)), width, 4)
    levels = [[sha256(b"\x00", e) for e in entries]]
    while len(levels[-1]) >= 256:
        below = levels[-1]
        levels.append([mth(below[i : i + 256]) for i in range(0, len(below) // 256 * 256, 256)])
    need(mth(levels[0]) == root, "root", "the entries do not give the signed root")
    for level, hashes in enumerate(levels):
        for index, width in level_tiles(len(hashes)):
            want = b"".join(hashes[index * 256 : index * 256 + width])
            need(get(tile_path(f"tile/{level}", index, width)) == want, "tile",
                 tile_path(f"tile/{level}", index, width))
    # §9 steps 2, 4-8, the payload (step 9), then authority (step 10).
    checked, seen, prev, last = [], set(), bytes(32), None
    for n, (eb, pb) in enumerate(zip(entries, payloads)):
        try:
            entry = parse_entry(eb)
            body = parse_body(entry["statement"]["body_bytes"])
        except Malformed as e:
            raise Fault("entry bytes", str(e))
        need(entry["seq"] == n, "sequence", "seq")
        sh = sha256(encode_signed_statement(entry["statement"]))
        need(sh not in seen, "rules", "twice")
        seen.add(sh)
        need(entry["prev"] == prev, "hash chain", "prev")
        need(last is None or entry["received_at"] >= last, "hash chain", "received_at")
        need(valid_public_key(body["author"]) and verify_strict(
            body["author"], STATEMENT_DOMAIN + entry["statement"]["body_bytes"],
            entry["statement"]["signature"]), "signature", "the author's signature")
        parts = {}
        committed = {c["label"]: c for c in body["parts"]}
        if "payload" in committed:
            c = committed["payload"]
            need(len(pb) >= 32 and len(pb) - 32 == c["length"]
                 and part_digest(pb[:32], pb[32:]) == c["digest"], "payload", f"entry {n}")
            parts["payload"] = pb[32:]
        else:
            need(pb == b"", "payload", f"entry {n}")
        checked.append({"seq": n, "entry": entry, "body": body, "hash": sh,
                        "entry_hash": sha256(b"\x00", eb), "parts": parts, "faults": []})
        prev, last = sha256(b"\x00", eb), entry["received_at"]
    authority_pass(checked, origin, vkey_text)
    for c in checked:
        if c["faults"]:
            kind, what = c["faults"][0]
            raise Fault(kind, f"entry {c['seq']}: {what}")
    return size, checked


def check_tiles_vectors():
    d = os.path.join(HERE, "tiles")
    index = json.load(open(os.path.join(d, "index.json"), encoding="utf-8"))
    site = os.path.join(d, index["site"])
    files = {}
    for root, _, names in os.walk(site):
        for f in names:
            full = os.path.join(root, f)
            files[os.path.relpath(full, site).replace(os.sep, "/")] = open(full, "rb").read()
    vkey_text = files["key"].decode().strip()
    # The paths of §15, from its examples.
    check(encode_index(1234067) == "x001/x234/067" and encode_index(0) == "000"
          and encode_index(1000) == "x001/000", "tile index encoding")
    check([(i, w) for i, w in level_tiles(70000 // 256)] == [(0, 256), (1, 17)],
          "level 1 of a 70,000-entry tree")
    for v in index["vectors"]:
        altered = dict(files)
        key = vkey_text
        f = v.get("file")
        if "flip" in v:
            b = bytearray(altered[f])
            b[v["flip"]] ^= 1
            altered[f] = bytes(b)
        if "append" in v:
            altered[f] = altered[f] + bytes.fromhex(v["append"])
        if "cut" in v:
            altered[f] = altered[f][: -v["cut"]]
        if v.get("remove"):
            del altered[f]
        if v.get("flip_root"):
            lines = altered[f].decode().split("\n")
            lines[2] = ("A" if lines[2][0] != "A" else "B") + lines[2][1:]
            altered[f] = "\n".join(lines).encode()
        if v.get("other_key"):
            name, _ = parse_vkey(vkey_text)
            key = vkey(name, public_from_seed(bytes(range(32))))
        try:
            size, checked = verify_tiles(altered, key)
            got = "ok"
            check(size == index["size"] and len(checked) == size, f"{v['name']}: size")
        except Fault as e:
            got = e.kind
        check(got == v["verdict"], f"tiles vector {v['name']}: {got}, not {v['verdict']}")
    return len(index["vectors"])


# --------------------------------------------------------------------------
# --annotate N: the field-by-field hex of entry N, as in FORMAT.md §14
# --------------------------------------------------------------------------
def annotate(seq):
    v = json.load(open(os.path.join(HERE, "v1-note.json"), encoding="utf-8"))
    e = v["entries"][seq]
    eb = unhex(e["entry_bytes"])
    rows = []
    pos = 0

    def field(n, name, note=""):
        nonlocal pos
        chunk = eb[pos : pos + n]
        hx = chunk.hex()
        first = True
        while first or hx:
            rows.append((f"{pos:04x}" if first else "", hx[:64], name if first else "",
                         note if first else ""))
            hx, first = hx[64:], False
        pos += n
        return chunk

    def u64(name):
        return int.from_bytes(field(8, name, ""), "little")

    field(8, "entry.seq", f"u64 = {e['seq']}")
    field(32, "entry.prev", "entry hash of the previous entry")
    field(8, "entry.received_at", f"i64 = {e['received_at']} ({e['received_at_utc']})")
    blen = int.from_bytes(eb[pos : pos + 8], "little")
    field(8, "statement.body_bytes length", f"u64 = {blen}")
    body_start = pos
    s = e["statement"]
    field(2, "body.version", "u16 = 1")
    field(16, "body.id", "16 bytes")
    field(32, "body.author", "Ed25519 public key")
    field(8, "body.created_at", f"i64 = {s['created_at']} ({s['created_at_utc']})")
    field(4, "body.kind", f"u32 = {s['kind_number']} ({s['kind']})")
    field(8, "body.refs count", f"u64 = {len(s['refs'])}")
    for i, _ in enumerate(s["refs"]):
        field(32, f"body.refs[{i}]", "statement hash")
    field(8, "body.parts count", f"u64 = {len(s['parts'])}")
    for i, p in enumerate(s["parts"]):
        field(8, f"parts[{i}].label length", f"u64 = {len(p['label'])}")
        field(len(p["label"]), f"parts[{i}].label", f'"{p["label"]}"')
        field(32, f"parts[{i}].digest", "SHA-256 part digest")
        field(8, f"parts[{i}].length", f"u64 = {p['length']}")
    assert pos - body_start == blen
    field(64, "statement.signature", "Ed25519 signature")
    assert pos == len(eb)
    for off, hx, name, note in rows:
        print(f"{off:>4}  {hx:<64}  {name}{'  ' + note if note else ''}".rstrip())


# --------------------------------------------------------------------------
# Witness cosignatures (FORMAT.md §6.1): tests/vectors/witness.json.
# C2SP tlog-cosignature/v1: key ID over type 0x04, a line decodes to
# key ID (4) || timestamp (8, big-endian) || Ed25519 signature (64) over
# "cosignature/v1\ntime <t>\n" || checkpoint body.
# --------------------------------------------------------------------------
def parse_witness_vkey(s):
    name, kid, b64 = s.split("+", 2)
    raw = base64.b64decode(b64, validate=True)
    check(base64.b64encode(raw).decode() == b64, "witness vkey base64 is canonical")
    check(len(raw) == 33 and raw[0] == 4, "witness vkey holds 0x04 || 32-byte key")
    check(kid == sha256(name.encode(), b"\n", raw)[:4].hex(), "witness vkey key ID (type 0x04)")
    check(valid_public_key(raw[1:]), "witness key is a valid, non-weak point")
    return name, bytes.fromhex(kid), raw[1:]


def witness_policy(note, archive, witnesses, threshold):
    """None if the policy holds, else the error kind of the vector file."""
    text = open_note(note, archive[0], archive[1])  # the archive's signature first
    sigs = note[note.rindex("\n\n") + 2:-1].split("\n")
    cosigned = set()
    for line in sigs:
        who, b64 = line[2:].split(" ")
        raw = base64.b64decode(b64, validate=True)
        for name, kid, pub in witnesses:
            if who != name or raw[:4] != kid:
                continue  # lines by other keys are ignored
            if len(raw) != 4 + 8 + 64:
                return "length"
            t = int.from_bytes(raw[4:12], "big")
            if t >= 1 << 63:
                return "timestamp"
            msg = f"cosignature/v1\ntime {t}\n".encode() + text.encode()
            if not verify_strict(pub, msg, raw[12:]):
                return "bad-cosignature"
            cosigned.add(name)
    return None if len(cosigned) >= threshold else "not-enough"


def check_witness_vectors():
    v = json.load(open(os.path.join(HERE, "witness.json"), encoding="utf-8"))
    name, pub = parse_vkey(v["archive"]["vkey"])
    check(pub == public_from_seed(sha256(b"temoin DEMO ONLY key: " + v["archive"]["seed_name"].encode())),
          "witness vectors: archive key from its seed")
    keys = {}
    for w, k in v["witnesses"].items():
        seed = sha256(b"temoin DEMO ONLY key: " + k["seed_name"].encode())
        wname, kid, wpub = parse_witness_vkey(k["vkey"])
        check(wpub == public_from_seed(seed), f"witness {w}: key from its seed")
        check(k["skey"] == f"PRIVATE+KEY+{wname}+{kid.hex()}+" + base64.b64encode(b"\x04" + seed).decode(),
              f"witness {w}: secret key form")
        keys[w] = (wname, kid, wpub)
    body = v["checkpoint_body"]
    check(v["w1_signed_message"] == "cosignature/v1\ntime 1700000000\n" + body, "the signed message")
    raw = base64.b64decode(v["w1_line"].split(" ")[2])
    check(raw[:4] == keys["w1"][1] and int.from_bytes(raw[4:12], "big") == 1700000000, "w1 line layout")
    for vec in v["vectors"]:
        got = witness_policy(vec["note"], (name, pub), [keys[w] for w in vec["witnesses"]], vec["threshold"])
        want = None if vec["ok"] else vec["error"]
        check(got == want, f"witness vector {vec['name']}: {got} (expected {want})")
    return len(v["vectors"])


# Trusted time (FORMAT.md §6.3): tests/vectors/timestamp.json. A minimal
# DER reader walks each token to its TSTInfo; the imprint must be SHA-256 of
# the note text. The CMS signature is not checked here (the Rust tests do).


def der_read(b, i=0):
    """One DER TLV at b[i:]: (tag, content start, content end)."""
    check(i + 2 <= len(b), "DER: truncated header")
    tag, n = b[i], b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        check(1 <= k <= 4 and i + k <= len(b), "DER: bad length")
        n = int.from_bytes(b[i:i + k], "big")
        check(n >= 0x80 and b[i] != 0, "DER: non-minimal length")
        i += k
    check(i + n <= len(b), "DER: content runs past the end")
    return tag, i, i + n


def der_items(b, start, end):
    out = []
    while start < end:
        tag, s, e = der_read(b, start)
        out.append((tag, s, e))
        start = e
    return out


def tst_info(token):
    """(imprint algorithm OID bytes, hashed message, genTime text)."""
    tag, s, e = der_read(token)
    check(tag == 0x30 and e == len(token), "token: ContentInfo SEQUENCE, no trailing bytes")
    ci = der_items(token, s, e)
    check(token[ci[0][1]:ci[0][2]] == bytes.fromhex("2a864886f70d010702"), "token: id-signedData")
    check(ci[1][0] == 0xA0, "token: [0] content")
    _, s, e = der_read(token, ci[1][1])
    sd = der_items(token, s, e)
    encap = der_items(token, sd[2][1], sd[2][2])
    check(token[encap[0][1]:encap[0][2]] == bytes.fromhex("2a864886f70d0109100104"),
          "token: eContentType id-ct-TSTInfo")
    check(encap[1][0] == 0xA0, "token: [0] eContent")
    tag, s, e = der_read(token, encap[1][1])
    check(tag == 0x04, "token: eContent OCTET STRING")
    tag, s, e = der_read(token, s)
    check(tag == 0x30, "TSTInfo SEQUENCE")
    tst = der_items(token, s, e)
    mi = der_items(token, tst[2][1], tst[2][2])
    alg = der_items(token, mi[0][1], mi[0][2])
    check(mi[1][0] == 0x04, "messageImprint: hashedMessage OCTET STRING")
    check(tst[4][0] == 0x18, "genTime is a GeneralizedTime")
    return (token[alg[0][1]:alg[0][2]], token[mi[1][1]:mi[1][2]],
            token[tst[4][1]:tst[4][2]].decode("ascii"))


def check_timestamp_vectors():
    v = json.load(open(os.path.join(HERE, "timestamp.json"), encoding="utf-8"))
    note = v["note"]
    text = note[: note.rindex("\n\n") + 1]
    imprint = hashlib.sha256(text.encode("utf-8")).digest()
    check(imprint.hex() == v["note_text_sha256"], "timestamp vectors: SHA-256 of the note text")
    sha256_oid = bytes.fromhex("608648016503040201")
    times = {}
    for vec in v["vectors"]:
        token = base64.b64decode(vec["token"], validate=True)
        alg, hashed, gen_time = tst_info(token)
        check(alg == sha256_oid, f"timestamp vector {vec['name']}: SHA-256 imprint")
        check(re.fullmatch(r"\d{14}Z", gen_time) is not None,
              f"timestamp vector {vec['name']}: genTime YYYYMMDDHHMMSSZ")
        times[vec["name"]] = gen_time
        over_note = hashed == imprint
        want = vec["error"] != "imprint"
        check(over_note == want,
              f"timestamp vector {vec['name']}: imprint {'is' if over_note else 'is not'} over the note")
    # The altered token differs from the RSA one in its genTime only.
    check(times["altered-gentime"] != times["rsa"], "the altered token's genTime differs")
    return len(v["vectors"])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--annotate":
        annotate(int(sys.argv[2]))
    else:
        main()
