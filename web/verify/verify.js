// temoin offline bundle verifier: docs/FORMAT.md §12.6 in JavaScript.
//
// A second implementation, written from FORMAT.md and the independent Python
// verifier (tests/vectors/verify_vectors.py), not from temoin's Rust code.
// SHA-256 and Ed25519 come from WebCrypto; what WebCrypto does not enforce
// (canonical encodings, S < L, small-order keys and R, FORMAT.md §1.2) is
// checked here with BigInt. No network access: the page's CSP forbids it.
//
// verifyBundle(bytes, name, files, archiveKey) -> a report (see the end).
"use strict";
const TemoinVerify = (() => {
  const enc = new TextEncoder();
  const te = (s) => enc.encode(s);
  const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  // ------------------------------------------------------------------
  // Faults
  // ------------------------------------------------------------------
  class Fault extends Error {
    constructor(kind, rule, detail) {
      super(detail || rule);
      this.kind = kind;
      this.rule = rule;
      this.detail = detail || "";
    }
  }
  const need = (cond, kind, rule, detail) => {
    if (!cond) throw new Fault(kind, rule, detail);
  };

  // ------------------------------------------------------------------
  // Bytes, hex, base64, SHA-256
  // ------------------------------------------------------------------
  const concat = (...parts) => {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  const HEX = "0123456789abcdef";
  const hex = (b) => {
    let s = "";
    for (const x of b) s += HEX[x >> 4] + HEX[x & 15];
    return s;
  };
  const isHex = (s, n) => typeof s === "string" && s.length === n && /^[0-9a-f]*$/.test(s);
  const unhex = (s) => {
    const out = new Uint8Array(s.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  };
  const eqBytes = (a, b) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const b64encode = (b) => {
    let s = "";
    for (let i = 0; i < b.length; i += 3) {
      const n = (b[i] << 16) | ((b[i + 1] || 0) << 8) | (b[i + 2] || 0);
      s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
      s += i + 1 < b.length ? B64[(n >> 6) & 63] : "=";
      s += i + 2 < b.length ? B64[n & 63] : "=";
    }
    return s;
  };
  // Standard, padded, canonical base64 (RFC 4648 §4; FORMAT.md §1), or null.
  const b64decode = (s) => {
    if (typeof s !== "string" || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
    const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
    const out = new Uint8Array((s.length / 4) * 3 - pad);
    let o = 0;
    for (let i = 0; i < s.length; i += 4) {
      let n = 0;
      for (let j = 0; j < 4; j++) {
        const c = s[i + j];
        n = (n << 6) | (c === "=" ? 0 : B64.indexOf(c));
      }
      if (o < out.length) out[o++] = (n >> 16) & 255;
      if (o < out.length) out[o++] = (n >> 8) & 255;
      if (o < out.length) out[o++] = n & 255;
    }
    return b64encode(out) === s ? out : null;
  };
  // Canonical unpadded base64 (as age writes it), or null.
  const b64unpadded = (s) => {
    if (!/^[A-Za-z0-9+/]*$/.test(s) || s.length % 4 === 1) return null;
    const raw = b64decode(s + "=".repeat((4 - (s.length % 4)) % 4));
    return raw && b64encode(raw).replace(/=+$/, "") === s ? raw : null;
  };

  let subtle = globalThis.crypto && globalThis.crypto.subtle ? globalThis.crypto.subtle : null;
  const sha256 = async (...parts) => new Uint8Array(await subtle.digest("SHA-256", concat(...parts)));
  const sha512 = async (b) => new Uint8Array(await subtle.digest("SHA-512", b));

  // ------------------------------------------------------------------
  // Ed25519 strictness (FORMAT.md §1.2), BigInt, then WebCrypto
  // ------------------------------------------------------------------
  const P = (1n << 255n) - 19n;
  const L = (1n << 252n) + 27742317777372353535851937790883648493n;
  const mod = (a) => ((a % P) + P) % P;
  const pow = (b, e) => {
    let r = 1n;
    b = mod(b);
    while (e > 0n) {
      if (e & 1n) r = (r * b) % P;
      b = (b * b) % P;
      e >>= 1n;
    }
    return r;
  };
  const D = mod(-121665n * pow(121666n, P - 2n));
  const SQRT_M1 = pow(2n, (P - 1n) / 4n);
  const leInt = (b) => {
    let n = 0n;
    for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
    return n;
  };
  // RFC 8032 §5.1.3: the point, or null unless b is a canonical encoding.
  const decodePoint = (b) => {
    if (b.length !== 32) return null;
    let y = leInt(b);
    const sign = y >> 255n;
    y &= (1n << 255n) - 1n;
    if (y >= P) return null;
    const x2 = mod((y * y - 1n) * pow(D * y * y + 1n, P - 2n));
    let x;
    if (x2 === 0n) {
      if (sign) return null;
      x = 0n;
    } else {
      x = pow(x2, (P + 3n) / 8n);
      if (mod(x * x - x2) !== 0n) x = (x * SQRT_M1) % P;
      if (mod(x * x - x2) !== 0n) return null;
      if ((x & 1n) !== sign) x = P - x;
    }
    return [x, y, 1n, (x * y) % P];
  };
  const add = (a, b) => {
    const A = mod((a[1] - a[0]) * (b[1] - b[0]));
    const B = mod((a[1] + a[0]) * (b[1] + b[0]));
    const C = mod(2n * a[3] * b[3] * D);
    const DD = mod(2n * a[2] * b[2]);
    const E = B - A, F = DD - C, G = DD + C, H = B + A;
    return [mod(E * F), mod(G * H), mod(F * G), mod(E * H)];
  };
  // [8]P is the identity (x = 0, y = z).
  const smallOrder = (pt) => {
    let q = pt;
    for (let i = 0; i < 3; i++) q = add(q, q);
    return mod(q[0]) === 0n && mod(q[1] - q[2]) === 0n;
  };
  const validPublicKey = (b) => {
    const pt = decodePoint(b);
    return pt !== null && !smallOrder(pt);
  };

  let ed25519Missing = null; // why WebCrypto cannot verify Ed25519, once known
  const keyCache = new Map();
  async function verifyStrict(pub, msg, sig) {
    if (pub.length !== 32 || sig.length !== 64) return false;
    if (!validPublicKey(pub)) return false;
    const R = decodePoint(sig.subarray(0, 32));
    if (R === null || smallOrder(R)) return false;
    if (leInt(sig.subarray(32)) >= L) return false;
    // The cofactorless equation, compared on encodings: WebCrypto's verify.
    const h = hex(pub);
    let key = keyCache.get(h);
    if (!key) {
      key = await subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
      keyCache.set(h, key);
    }
    return subtle.verify({ name: "Ed25519" }, key, sig, msg);
  }

  // Does this browser's WebCrypto verify Ed25519 at all? The worked
  // example of FORMAT.md §14 (the note's signature) must verify and a
  // flipped bit must not.
  async function checkEd25519() {
    if (!globalThis.crypto || !globalThis.crypto.subtle) {
      return "WebCrypto (crypto.subtle) is not available in this browser or context";
    }
    subtle = globalThis.crypto.subtle;
    try {
      const pub = unhex("46b9d5d8a630dec41495ab3c32fd5acd89983d6c6e22abf0778e1f0dc7a58adf");
      const sig = unhex(
        "a3f06ce0434372735d58481da49ceae724979e1c7a6cd839f295ad2ae04c1882" +
          "b6fece5ccc5f9cba8293db0a733e673238aa92e9da1ca37dd0c863d992d72c0f"
      );
      const body = unhex(
        "01000123456789abcdeffedcba987654321046b9d5d8a630dec41495ab3c32fd5acd89983d6c6e22abf0778e1f0dc7a58adf" +
          "c041b3819a01000003000000010000000000000086237470" +
          "3a7967e58e0c6d7b6b2107a4a54b31e281f22e1bbfb6f249cc2c0375010000000000000004000000000000007465787444" +
          "6737dfadd621cb2076c9164b0136d720b06f5455e9a2c70f57275e673a4a872400000000000000"
      );
      const msg = concat(STATEMENT_DOMAIN, body);
      const good = await verifyStrict(pub, msg, sig);
      const bad = sig.slice();
      bad[0] ^= 1;
      const forged = await verifyStrict(pub, msg, bad);
      if (good !== true || forged !== false) return "this browser's WebCrypto Ed25519 does not verify the worked example of FORMAT.md §14";
      return null;
    } catch (e) {
      return "this browser's WebCrypto has no Ed25519 (" + (e && e.message ? e.message : e) + ")";
    }
  }

  // ------------------------------------------------------------------
  // Strict JSON (RFC 8259; a member twice is refused at any depth).
  // Integers outside JS's safe range are kept as BigInt.
  // ------------------------------------------------------------------
  class JsonError extends Error {}
  // A JSON number that is not an integer (no field of a bundle is one).
  class JsonFloat {
    constructor(text) {
      this.text = text;
    }
  }
  function parseJson(text) {
    let i = 0;
    const ws = () => {
      while (i < text.length && " \t\n\r".includes(text[i])) i++;
    };
    const fail = (what) => {
      throw new JsonError(what + " at character " + i);
    };
    const value = (depth) => {
      if (depth > 128) fail("nesting too deep");
      ws();
      const c = text[i];
      if (c === "{") {
        i++;
        const obj = Object.create(null);
        const seen = new Set();
        ws();
        if (text[i] === "}") {
          i++;
          return obj;
        }
        for (;;) {
          ws();
          if (text[i] !== '"') fail("a member name expected");
          const k = string();
          if (seen.has(k)) fail('member "' + k + '" given twice');
          seen.add(k);
          ws();
          if (text[i] !== ":") fail("':' expected");
          i++;
          obj[k] = value(depth + 1);
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "}") {
            i++;
            return obj;
          }
          fail("',' or '}' expected");
        }
      }
      if (c === "[") {
        i++;
        const arr = [];
        ws();
        if (text[i] === "]") {
          i++;
          return arr;
        }
        for (;;) {
          arr.push(value(depth + 1));
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "]") {
            i++;
            return arr;
          }
          fail("',' or ']' expected");
        }
      }
      if (c === '"') return string();
      if (text.startsWith("true", i)) return (i += 4), true;
      if (text.startsWith("false", i)) return (i += 5), false;
      if (text.startsWith("null", i)) return (i += 4), null;
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
      if (!m) fail("a value expected");
      i += m[0].length;
      if (!m[2] && !m[3]) {
        const n = BigInt(m[0]);
        return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      }
      return new JsonFloat(m[0]);
    };
    const string = () => {
      i++;
      let out = "";
      for (;;) {
        const c = text[i];
        if (c === undefined) fail("unterminated string");
        if (c === '"') {
          i++;
          return out;
        }
        if (c < " ") fail("control character in a string");
        if (c === "\\") {
          const e = text[i + 1];
          const map = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
          if (e in map) {
            out += map[e];
            i += 2;
          } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.substr(i + 2, 4))) {
            out += String.fromCharCode(parseInt(text.substr(i + 2, 4), 16));
            i += 6;
          } else fail("bad escape");
          continue;
        }
        out += c;
        i++;
      }
    };
    const v = value(0);
    ws();
    if (i !== text.length) fail("trailing characters");
    return v;
  }
  const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof JsonFloat);
  const isInt = (v) => typeof v === "number" || typeof v === "bigint";
  const isStr = (v) => typeof v === "string";
  const keysOf = (o) => Object.keys(o);
  // Any parsed value, shown in a message.
  const show = (v) => {
    try {
      return JSON.stringify(v, (k, x) => (typeof x === "bigint" ? x.toString() : x instanceof JsonFloat ? Number(x.text) : x));
    } catch (e) {
      return String(e);
    }
  };
  const sameSet = (o, names) => {
    const k = keysOf(o);
    return k.length === names.length && names.every((n) => k.includes(n));
  };
  // Deep equality of parsed JSON values (numbers compared by value).
  const deepEq = (a, b) => {
    if (isInt(a) && isInt(b)) return String(a) === String(b);
    if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEq(x, b[i]));
    if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
      if (Array.isArray(b)) return false;
      const ka = keysOf(a), kb = keysOf(b);
      return ka.length === kb.length && ka.every((k) => kb.includes(k) && deepEq(a[k], b[k]));
    }
    return a === b;
  };

  // Rust's char::is_whitespace (Unicode White_Space).
  const WS = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
  const trimWs = (s) => {
    let a = 0, b = s.length;
    while (a < b && WS.includes(s[a])) a++;
    while (b > a && WS.includes(s[b - 1])) b--;
    return s.slice(a, b);
  };
  const nonEmpty = (s) => isStr(s) && trimWs(s) !== "";

  // ------------------------------------------------------------------
  // The canonical encoding (FORMAT.md §2) and statements (§3), entries (§4)
  // ------------------------------------------------------------------
  const KINDS = ["genesis", "enroll", "revoke", "note", "incident", "testimony", "amendment",
    "retraction", "annotation", "merge", "summary-claim", "redaction"];
  const REGISTRY = ["genesis", "enroll", "revoke"];
  const MAX_BODY = 65536, MAX_ENTRY = 65535, MAX_PAYLOAD = 1 << 20;
  const PART_DOMAIN = te("temoin/part/v1\0");
  const STATEMENT_DOMAIN = te("temoin/statement/v1\0");

  class Malformed extends Error {}
  class Reader {
    constructor(b) {
      this.b = b;
      this.pos = 0;
      this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    left() {
      return this.b.length - this.pos;
    }
    take(n) {
      if (n > this.left()) throw new Malformed("needs " + n + " bytes at offset " + this.pos + ", has " + this.left());
      const out = this.b.subarray(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    u16() {
      this.take(2);
      return this.dv.getUint16(this.pos - 2, true);
    }
    u32() {
      this.take(4);
      return this.dv.getUint32(this.pos - 4, true);
    }
    u64() {
      this.take(8);
      return this.dv.getBigUint64(this.pos - 8, true);
    }
    i64() {
      this.take(8);
      return this.dv.getBigInt64(this.pos - 8, true);
    }
    len() {
      const n = this.u64();
      if (n > BigInt(this.left())) throw new Malformed("a length of " + n + " is beyond the remaining " + this.left() + " bytes");
      return Number(n);
    }
    count(minItem) {
      const n = this.u64();
      if (n * BigInt(minItem) > BigInt(this.left())) throw new Malformed("count " + n + " cannot fit in the remaining bytes");
      return Number(n);
    }
    string() {
      try {
        return utf8.decode(this.take(this.len()));
      } catch (e) {
        if (e instanceof Malformed) throw e;
        throw new Malformed("a string is not UTF-8");
      }
    }
    end() {
      if (this.pos !== this.b.length) throw new Malformed(this.left() + " trailing bytes");
    }
  }
  const num = (big) => (big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big);
  const u64le = (n) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    return b;
  };

  const splitLabel = (label) => {
    for (const suffix of [".age", ".to", ".type"]) {
      if (label.endsWith(suffix)) return [label.slice(0, -suffix.length), suffix];
    }
    return [label, null];
  };
  const isSealed = (labels, label) => splitLabel(label)[1] === null && labels.includes(label + ".age");
  const redactionLabel = (label) => {
    const [base, c] = splitLabel(label);
    return c === ".age" ? base : label;
  };

  function encodeBody(body) {
    const head = new Uint8Array(62);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, body.version, true);
    head.set(body.id, 2);
    head.set(body.author, 18);
    dv.setBigInt64(50, body.createdAt, true);
    dv.setUint32(58, body.kindTag, true);
    const out = [head, u64le(body.refs.length), ...body.refs, u64le(body.parts.length)];
    for (const p of body.parts) {
      const l = te(p.label);
      out.push(u64le(l.length), l, p.digest, u64le(p.length));
    }
    return concat(...out);
  }

  // StatementBody (FORMAT.md §3.1-3.3); throws Malformed.
  function parseBody(b) {
    if (b.length > MAX_BODY) throw new Malformed("the body is over 64 KiB");
    const r = new Reader(b);
    const body = { version: r.u16(), id: r.take(16), author: r.take(32), createdAt: r.i64() };
    const tag = r.u32();
    if (tag >= KINDS.length) throw new Malformed("unknown kind " + tag);
    body.kindTag = tag;
    body.kind = KINDS[tag];
    const nrefs = r.count(32);
    body.refs = [];
    for (let i = 0; i < nrefs; i++) body.refs.push(r.take(32));
    const nparts = r.count(8 + 32 + 8);
    body.parts = [];
    for (let i = 0; i < nparts; i++) {
      body.parts.push({ label: r.string(), digest: r.take(32), length: r.u64() });
    }
    r.end();
    if (body.version !== 1) throw new Malformed("version is not 1");
    if (body.parts.length > 32 || body.refs.length > 64) throw new Malformed("too many parts or refs");
    const labels = body.parts.map((p) => p.label);
    for (const lab of labels) {
      const base = splitLabel(lab)[0];
      if (!(base.length >= 1 && base.length <= 32 && /^[a-z0-9_-]+$/.test(base))) throw new Malformed("bad label " + JSON.stringify(lab));
    }
    if (new Set(labels).size !== labels.length) throw new Malformed("a label appears twice");
    if (new Set(body.refs.map(hex)).size !== body.refs.length) throw new Malformed("a ref appears twice");
    for (const lab of labels) {
      const [base, c] = splitLabel(lab);
      if (c === null) continue;
      if (base === "payload") throw new Malformed("the payload is never sealed and has no media type");
      if (c === ".type") {
        if (!labels.includes(base)) throw new Malformed(lab + ": a media type goes with its part " + base);
      } else if (!(labels.includes(base) && labels.includes(base + ".age") && labels.includes(base + ".to"))) {
        throw new Malformed(lab + ": a sealed part commits " + base + ", " + base + ".age and " + base + ".to");
      }
    }
    for (const p of body.parts) {
      if (p.label === "payload" && p.length > BigInt(MAX_PAYLOAD)) throw new Malformed("a payload over 1 MiB");
    }
    if (!eqBytes(encodeBody(body), b)) throw new Malformed("not canonical");
    return body;
  }

  // Entry (FORMAT.md §4).
  function parseEntry(b) {
    if (b.length > MAX_ENTRY) throw new Malformed("the entry is over 65 535 bytes");
    const r = new Reader(b);
    const e = { seq: r.u64(), prev: r.take(32), receivedAt: r.i64() };
    const start = r.pos;
    const bodyBytes = r.take(r.len());
    const signature = r.take(64);
    e.statement = { bodyBytes, signature, bytes: b.subarray(start, r.pos) };
    r.end();
    return e;
  }

  const partDigest = (salt, content) => sha256(PART_DOMAIN, salt, content);

  // ------------------------------------------------------------------
  // Keys, signed notes, checkpoints (FORMAT.md §6, §7)
  // ------------------------------------------------------------------
  const keyId = async (name, pub) => (await sha256(te(name), new Uint8Array([10, 1]), pub)).subarray(0, 4);

  // A vkey (name+id+base64(0x01 || key)), or throws with what is wrong.
  async function parseVkey(s) {
    // A vkey, or a key file's text (FORMAT.md §7): comments and empty
    // lines aside, exactly one line.
    let lines = s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    // A one-line field gets a pasted key file with its lines run together:
    // its one vkey-shaped word is the key.
    if (lines.length <= 1 && /\s/.test(s.trim())) {
      const words = s.split(/\s+/).filter((w) => /^[^+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/.test(w));
      if (words.length === 1) lines = words;
    }
    if (lines.length > 1) throw new Error("it holds " + lines.length + " key lines; give one key");
    s = lines.length ? lines[0] : "";
    const a = s.indexOf("+");
    const b = a < 0 ? -1 : s.indexOf("+", a + 1);
    if (a < 1 || b < 0) throw new Error("it is not name+keyid+key (a vkey, as in checkpoint.key.pub)");
    if (s.startsWith("PRIVATE+KEY+")) throw new Error("this is a secret key: give the public key (checkpoint.key.pub), and keep the secret one private");
    const name = s.slice(0, a), kid = s.slice(a + 1, b), raw = b64decode(s.slice(b + 1));
    if (/\s/.test(name)) throw new Error("a key name has no white space");
    if (!raw) throw new Error("its key is not canonical base64");
    if (raw.length !== 33 || raw[0] !== 1) throw new Error("its key is not an Ed25519 key (0x01 and 32 bytes)");
    const pub = raw.subarray(1);
    if (!isHex(kid, 8) || kid !== hex(await keyId(name, pub))) throw new Error("its key ID " + kid + " does not match its name and key");
    if (!validPublicKey(pub)) throw new Error("its key is not a valid Ed25519 public key (or is a weak one)");
    return { name, pub, text: s };
  }

  // The note's text if a signature by (name, pub) verifies (C2SP signed note).
  async function openNote(note, name, pub) {
    if (typeof note !== "string" || !note.endsWith("\n") || !note.includes("\n\n")) return { why: "it is not a signed note" };
    for (const ch of note) {
      if (ch < " " && ch !== "\n") return { why: "it holds a control character" };
    }
    const split = note.lastIndexOf("\n\n");
    const text = note.slice(0, split + 1), sigs = note.slice(split + 2);
    const lines = sigs.slice(0, -1).split("\n");
    if (!sigs || lines.length > 100) return { why: "its signature block is empty or over 100 lines" };
    const kid = await keyId(name, pub);
    let good = false;
    for (const line of lines) {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) return { why: "a signature line is not '— name base64'" };
      const raw = b64decode(m[2]);
      if (!raw) return { why: "a signature line's base64 is not canonical" };
      if (m[1] === name && raw.length >= 4 && eqBytes(raw.subarray(0, 4), kid)) {
        if (raw.length !== 68 || !(await verifyStrict(pub, te(text), raw.subarray(4)))) {
          return { why: "the signature by " + name + " does not verify" };
        }
        good = true;
      }
    }
    return good ? { text } : { why: "it is not signed by " + name + " (key ID " + hex(kid) + ")" };
  }

  function parseCheckpoint(text) {
    const lines = text.slice(0, -1).split("\n");
    if (lines.length < 3) return null;
    const [origin, size, root] = lines;
    if (!/^(0|[1-9][0-9]*)$/.test(size) || size.length > 20) return null;
    const raw = b64decode(root);
    if (!raw || raw.length !== 32) return null;
    const n = BigInt(size);
    if (n >= 1n << 64n) return null;
    return { origin, size: num(n), root: raw };
  }

  // ------------------------------------------------------------------
  // RFC 9162 §2.1.3.2 inclusion proofs (FORMAT.md §5)
  // ------------------------------------------------------------------
  const nodeHash = (l, r) => sha256(new Uint8Array([1]), l, r);
  async function verifyInclusion(leaf, index, size, proof, root) {
    let fn = BigInt(index), sn = BigInt(size) - 1n;
    if (BigInt(index) >= BigInt(size)) return false;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0n) return false;
      if (fn & 1n || fn === sn) {
        r = await nodeHash(p, r);
        if (!(fn & 1n)) {
          while (!(fn & 1n) && fn !== 0n) {
            fn >>= 1n;
            sn >>= 1n;
          }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && eqBytes(r, root);
  }

  // ------------------------------------------------------------------
  // Content rules of parts (FORMAT.md §3.8, §3.9, §10)
  // ------------------------------------------------------------------
  const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  const polymod = (values) => {
    const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let chk = 1;
    for (const v of values) {
      const top = chk >>> 25;
      chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
      for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ gen[i]) >>> 0;
    }
    return chk;
  };
  // The 32-byte key of a canonical (lowercase, Bech32) age X25519 recipient, or null.
  const recipientKey = (s) => {
    const hrp = "age";
    if (typeof s !== "string" || !s.startsWith(hrp + "1") || s.length > 90) return null;
    const data = s.slice(hrp.length + 1);
    if (data.length < 6 || [...data].some((c) => !BECH32.includes(c))) return null;
    const values = [...data].map((c) => BECH32.indexOf(c));
    const expanded = [...hrp].map((c) => c.charCodeAt(0) >> 5).concat([0], [...hrp].map((c) => c.charCodeAt(0) & 31));
    if (polymod(expanded.concat(values)) !== 1) return null;
    let acc = 0, bits = 0;
    const out = [];
    for (const v of values.slice(0, -6)) {
      acc = ((acc << 5) | v) & 0xfff;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.push((acc >> bits) & 0xff);
      }
    }
    if (bits >= 5 || acc & ((1 << bits) - 1)) return null;
    return out.length === 32 ? new Uint8Array(out) : null;
  };
  const readersFault = (content) => {
    let text;
    try {
      text = utf8.decode(content);
    } catch (e) {
      return "it is not UTF-8";
    }
    if (!text.endsWith("\n")) return "its recipients are not each on a line ending with a newline";
    const lines = text.slice(0, -1).split("\n");
    if (lines.length > 64) return "more than 64 readers";
    if (new Set(lines).size !== lines.length) return "a recipient appears twice";
    for (let i = 0; i < lines.length; i++) {
      if (recipientKey(lines[i]) === null) return "line " + (i + 1) + " is not a canonical age X25519 recipient";
    }
    return null;
  };
  const ascii = (b) => String.fromCharCode(...b);
  const ageHeaderFault = (content) => {
    let pos = 0;
    const line = () => {
      const end = content.indexOf(10, pos);
      if (end < 0) return null;
      const out = content.subarray(pos, end);
      pos = end + 1;
      return out;
    };
    let ln = line();
    if (ln === null || ascii(ln) !== "age-encryption.org/v1") return "it does not begin with the line age-encryption.org/v1";
    const types = [];
    ln = line();
    while (ln !== null && ln.length >= 3 && ascii(ln.subarray(0, 3)) === "-> ") {
      const args = ascii(ln.subarray(3)).split(" ");
      if (args.some((a) => !a || [...a].some((c) => c.charCodeAt(0) < 33 || c.charCodeAt(0) > 126))) {
        return "a stanza's arguments are not non-empty printable ASCII";
      }
      types.push(args[0]);
      for (;;) {
        const body = line();
        if (body === null || body.length > 64 || b64unpadded(ascii(body)) === null) return "a stanza's body is not wrapped unpadded base64";
        if (body.length < 64) break;
      }
      ln = line();
    }
    if (!types.length) return "its header has no stanza";
    if (ln === null || ln.length !== 4 + 43 || ascii(ln.subarray(0, 4)) !== "--- " || b64unpadded(ascii(ln.subarray(4))) === null) {
      return "its header does not end with the --- MAC line";
    }
    if (types.includes("scrypt")) return "it is sealed to a passphrase, not to readers";
    return null;
  };
  const mediaTypeFault = (content) => {
    if (content.length > 127) return "it is longer than 127 bytes";
    const sides = ascii(content).split("/");
    if (sides.length !== 2) return "it is not type/subtype";
    for (const side of sides) {
      if (!(side.length >= 1 && side.length <= 63 && /^[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(side))) return "it is not a lowercase type/subtype";
    }
    return null;
  };
  const isText = (label) => label === "text" || label === "translation";
  // Why a part's content is not what its label says, or null.
  const partContentFault = (label, content) => {
    if (isText(label)) {
      try {
        utf8.decode(content);
        return null;
      } catch (e) {
        return "part " + label + " is text and must be UTF-8";
      }
    }
    const c = splitLabel(label)[1];
    let why = null;
    if (c === ".to") why = content.length > 8192 ? "more than 8 KiB" : readersFault(content);
    else if (c === ".age") why = ageHeaderFault(content.subarray(0, 65536));
    else if (c === ".type") why = mediaTypeFault(content);
    return why === null ? null : "part " + label + ": " + why;
  };
  const contentRule = (label) => {
    if (isText(label)) return "text-utf8";
    return { ".to": "readers", ".age": "age-header", ".type": "media-type" }[splitLabel(label)[1]] || "content";
  };

  // ------------------------------------------------------------------
  // FORMAT.md §12.6 step 3: one entry on its own
  // ------------------------------------------------------------------
  const utc = (ms) => {
    const s = BigInt(ms);
    let secs = s / 1000n;
    if (s < 0n && s % 1000n !== 0n) secs -= 1n;
    const d = new Date(Number(secs) * 1000);
    if (isNaN(d.getTime())) return null;
    const y = d.getUTCFullYear();
    if (y < 0 || y > 9999) return null;
    return d.toISOString().slice(0, 19) + "Z";
  };

  async function checkEntry(be, n, root, files) {
    const seq = be.seq;
    need(isInt(seq), "format", "entry-shape", "seq is not an integer");
    const eb = b64decode(be.entry);
    need(eb !== null, "entry bytes", "base64", "entry is not canonical base64");
    let entry, body;
    try {
      entry = parseEntry(eb);
      body = parseBody(entry.statement.bodyBytes);
    } catch (e) {
      if (e instanceof Malformed) throw new Fault("entry bytes", "decoding", e.message);
      throw e;
    }
    need(String(entry.seq) === String(seq), "entry bytes", "seq", "the bytes say seq " + entry.seq);
    // From here on a fault does not stop the entry: like temoin, the
    // verifier reports every fault of step 3 and replays the entry all the
    // same (a part that fails is left out of its parts).
    const faults = [];
    const soft = (cond, kind, rule, detail) => {
      if (!cond) faults.push(new Fault(kind, rule, detail));
      return cond;
    };
    const eh = await sha256(new Uint8Array([0]), eb);
    const sh = await sha256(entry.statement.bytes);
    soft(be.entry_hash === hex(eh), "hash", "entry-hash", "entry_hash is not SHA-256(0x00 || entry)");
    soft(be.statement_hash === hex(sh), "hash", "statement-hash", "statement_hash is not SHA-256 of the signed statement");
    soft(await verifyStrict(body.author, concat(STATEMENT_DOMAIN, entry.statement.bodyBytes), entry.statement.signature),
      "signature", "signature", "the author's signature does not verify (verify_strict)");
    const rc = utc(entry.receivedAt), cc = utc(body.createdAt);
    const decoded = {
      seq: num(entry.seq), prev: hex(entry.prev), received_at: num(entry.receivedAt), received_at_utc: rc,
      statement: {
        version: body.version, id: hex(body.id), author: hex(body.author), created_at: num(body.createdAt),
        created_at_utc: cc, kind: body.kind, refs: body.refs.map(hex),
        parts: body.parts.map((c) => ({ label: c.label, digest: hex(c.digest), length: num(c.length) })),
        signature: hex(entry.statement.signature),
      },
    };
    soft(deepEq(be.decoded, decoded), "decoded form", "decoded", "decoded is not what the entry bytes decode to");
    if (soft(Array.isArray(be.inclusion_proof) && be.inclusion_proof.length <= 66 && be.inclusion_proof.every((h) => isHex(h, 64)),
      "inclusion proof", "inclusion", "inclusion_proof is not a list of at most 66 hashes")) {
      soft(await verifyInclusion(eh, seq, n, be.inclusion_proof.map(unhex), root),
        "inclusion proof", "inclusion", "the inclusion proof does not lead to the checkpoint's root");
    }
    const committed = new Map(body.parts.map((c) => [c.label, c]));
    const labels = body.parts.map((c) => c.label);
    const parts = new Map(), beside = new Set(), given = new Set();
    for (const p of Array.isArray(be.parts) ? be.parts : []) {
      if (!soft(isObj(p) && isStr(p.label) && isStr(p.salt) && keysOf(p).every((k) => ["label", "salt", "content", "text", "beside"].includes(k))
        && ["content", "text", "beside"].every((k) => !(k in p) || isStr(p[k])), "format", "entry-shape", "a part object is not {label, salt, content[, text]} or {label, salt, beside}")) continue;
      given.add(p.label);
      if (!soft(("content" in p) !== ("beside" in p) && !("beside" in p && "text" in p), "format", "beside-shape",
        "part " + p.label + " must be carried either in the JSON or beside the bundle")) continue;
      const c = committed.get(p.label);
      if (!soft(c !== undefined && !parts.has(p.label) && !beside.has(p.label), "part", "part", "part " + p.label + " is not committed, or is given twice")) continue;
      if (!soft(!isSealed(labels, p.label), "part", "sealed-in-clear", "part " + p.label + " is sealed, yet the bundle carries it in clear")) continue;
      const salt = b64decode(p.salt);
      if ("beside" in p) {
        if (!soft(salt !== null && salt.length === 32, "part", "part", "part " + p.label + ": its salt is not 32 bytes of base64")) continue;
        if (!soft(p.label !== "payload", "part", "beside-payload", "a payload never travels beside the bundle")) continue;
        if (!soft(p.beside === hex(c.digest), "part", "beside-name", "part " + p.label + " is named " + p.beside + " beside the bundle, which is not its committed digest")) continue;
        const file = files ? files.get(p.beside) : undefined;
        if (!soft(file !== undefined, "missing part", "beside-missing",
          "part " + p.label + " travels beside the bundle as the file " + p.beside + ", which is not there (select it with the bundle)")) continue;
        const len = Number(c.length);
        let content;
        try {
          content = await file.read(len + 1);
        } catch (e) {
          soft(false, "missing part", "beside-missing", "the file " + p.beside + " could not be read: " + (e && e.message ? e.message : e));
          continue;
        }
        if (!soft(content.length === len && eqBytes(await partDigest(salt, content), c.digest), "part", "beside-mismatch",
          "part " + p.label + " does not match its commitment: the file " + p.beside + " beside the bundle was changed, or is another part's")) continue;
        const why = partContentFault(p.label, content);
        if (!soft(why === null, "part", contentRule(p.label), why)) continue;
        beside.add(p.label);
        continue;
      }
      const content = b64decode(p.content);
      if (!soft(salt !== null && content !== null, "part", "part", "part " + p.label + ": its salt or content is not canonical base64")) continue;
      if (!soft(salt.length === 32 && String(content.length) === String(c.length) && eqBytes(await partDigest(salt, content), c.digest),
        "part", "part", "part " + p.label + " does not match its commitment (SHA-256 of salt and content is not the signed digest)")) continue;
      const why = partContentFault(p.label, content);
      if (!soft(why === null, "part", contentRule(p.label), why)) continue;
      if ("text" in p) {
        let same = false;
        try {
          same = utf8.decode(content) === p.text;
        } catch (e) {
          same = false;
        }
        if (!soft(same, "decoded form", "part-text", "part " + p.label + ": its text is not its content")) continue;
      }
      parts.set(p.label, content);
    }
    const absent = new Map();
    for (const a of Array.isArray(be.absent) ? be.absent : []) {
      if (!soft(isObj(a) && isStr(a.label) && isStr(a.why) && keysOf(a).every((k) => ["label", "why", "by_seq"].includes(k)),
        "format", "entry-shape", "an absent part is not {label, why[, by_seq]}")) continue;
      soft(committed.has(a.label), "missing part", "absent", "part " + a.label + " is declared absent but the signed body commits no such part");
      if (committed.has(a.label) && !given.has(a.label) && !absent.has(a.label)) absent.set(a.label, a);
    }
    for (const label of labels) {
      soft(given.has(label) || absent.has(label), "missing part", "unaccounted",
        "part " + label + " is committed but neither included nor declared absent");
    }
    return { seq: Number(seq), entry, body, hash: sh, hashHex: hex(sh), entryHash: eh, parts, absent, faults, labels };
  }

  // A payload: a JSON object with no member twice (FORMAT.md §10).
  const payloadJson = (content) => {
    let obj;
    try {
      obj = parseJson(utf8.decode(content));
    } catch (e) {
      throw new Fault("rules", "payload", "the payload is not valid JSON: " + e.message);
    }
    need(isObj(obj), "rules", "payload", "the payload is not a JSON object");
    return obj;
  };

  // ------------------------------------------------------------------
  // §12.6 step 6: authority, from the bundle's registry entries
  // ------------------------------------------------------------------
  const MAY_SIGN = {
    custodian: KINDS.filter((k) => k !== "genesis"),
    intermediary: ["note", "incident", "testimony", "amendment", "retraction", "summary-claim"],
    reviewer: ["note", "annotation", "merge"],
  };
  const actsFor = (keys, author) => {
    const out = new Set([author]);
    let k = author;
    while (keys.has(k) && keys.get(k).succeeds && out.size <= keys.size) {
      k = keys.get(k).succeeds;
      out.add(k);
    }
    return out;
  };

  function authorityPass(entries, origin, archiveVkey) {
    const keys = new Map(), readers = new Map(), owners = new Map();
    for (const c of entries) {
      const { seq, body } = c, kind = body.kind, author = hex(body.author);
      try {
        need(seq !== 0 || kind === "genesis", "registry", "entry0-genesis", "entry 0 must be the genesis");
        let role;
        if (kind === "genesis") {
          need(keys.size === 0, "authority", "authorised", "a genesis was not authorised at entry " + seq + " (only entry 0 is one)");
          role = "custodian";
        } else {
          const rec = keys.get(author);
          need(rec && rec.revokedAt === null && MAY_SIGN[rec.role].includes(kind), "authority", "authorised",
            "its author " + author.slice(0, 12) + (rec ? " (" + rec.role + (rec.revokedAt !== null ? ", revoked at entry " + rec.revokedAt : "") + ")" : " (not enrolled)") +
              " was not authorised at entry " + seq + " to sign a " + kind);
          role = rec.role;
        }
        if (REGISTRY.includes(kind)) {
          need(c.parts.has("payload"), "registry", "registry-payload", "a registry entry's payload must be in the bundle");
          let p;
          try {
            p = payloadJson(c.parts.get("payload"));
          } catch (e) {
            throw new Fault("registry", "registry-payload", e.detail || e.message);
          }
          const bad = () => new Fault("registry", "registry-payload", "the " + kind + " payload is invalid");
          if (kind === "genesis") {
            if (!(sameSet(p, ["origin", "custodian_name", "checkpoint_key"]) && isStr(p.origin) && nonEmpty(p.custodian_name) && isStr(p.checkpoint_key))) throw bad();
            need(p.origin === origin && p.checkpoint_key === archiveVkey, "registry", "genesis-key",
              "the genesis names the origin " + p.origin + " and checkpoint key " + p.checkpoint_key + ", not the key given");
            keys.set(author, { key: author, name: p.custodian_name, role: "custodian", enrolledAt: seq, revokedAt: null, succeeds: null });
          } else if (kind === "enroll" && "recipient" in p) {
            if (!(sameSet(p, ["recipient", "name", "role"]) && p.role === "reader" && nonEmpty(p.name) && recipientKey(p.recipient) !== null)) throw bad();
            need(!readers.has(p.recipient), "registry", "registry-change", "this registry change was not allowed: the reader was enrolled before");
            readers.set(p.recipient, { revokedAt: null });
          } else if (kind === "revoke" && "recipient" in p) {
            if (!(sameSet(p, ["recipient", "reason"]) && nonEmpty(p.reason) && recipientKey(p.recipient) !== null)) throw bad();
            const rec = readers.get(p.recipient);
            need(rec && rec.revokedAt === null, "registry", "registry-change", "this registry change was not allowed: the reader is not enrolled, or is revoked");
            rec.revokedAt = seq;
          } else if (kind === "enroll") {
            const k = keysOf(p);
            if (!(["key", "name", "role"].every((f) => k.includes(f)) && k.every((f) => ["key", "name", "role", "succeeds"].includes(f))
              && isHex(p.key, 64) && validPublicKey(unhex(p.key)) && nonEmpty(p.name) && p.role in MAY_SIGN)) throw bad();
            need(!keys.has(p.key), "registry", "registry-change", "this registry change was not allowed: key " + p.key.slice(0, 12) + " was enrolled before");
            let old = "succeeds" in p ? p.succeeds : null;
            if (old !== null) {
              if (!(isHex(old, 64) && validPublicKey(unhex(old)))) throw bad();
              need(old !== p.key && keys.has(old) && !keys.get(old).succeededBy && !actsFor(keys, old).has(p.key),
                "registry", "registry-change", "this registry change was not allowed: key " + old.slice(0, 12) + " cannot be succeeded by it");
              keys.get(old).succeededBy = p.key;
            }
            keys.set(p.key, { key: p.key, name: p.name, role: p.role, enrolledAt: seq, revokedAt: null, succeeds: old });
          } else {
            if (!(sameSet(p, ["key", "reason", "effective_at"]) && isHex(p.key, 64) && validPublicKey(unhex(p.key)) && nonEmpty(p.reason)
              && isInt(p.effective_at) && BigInt(p.effective_at) >= -(1n << 63n) && BigInt(p.effective_at) < 1n << 63n)) throw bad();
            const rec = keys.get(p.key);
            need(rec && rec.revokedAt === null, "registry", "registry-change", "this registry change was not allowed: key " + p.key.slice(0, 12) + " is not enrolled, or already revoked");
            const active = [...keys.values()].filter((r) => r.role === "custodian" && r.revokedAt === null);
            need(rec.role !== "custodian" || active.length > 1, "registry", "registry-change", "this registry change was not allowed: it would revoke the last custodian");
            rec.revokedAt = seq;
            rec.effectiveAt = p.effective_at;
            rec.reason = p.reason;
          }
        } else if (kind === "amendment" || kind === "retraction") {
          const t = body.refs.length ? hex(body.refs[0]) : null;
          if (t !== null && owners.has(t)) {
            const owner = owners.get(t);
            need(actsFor(keys, author).has(owner) || role === "custodian", "authority", "owner",
              "only the record's owner " + owner.slice(0, 12) + ", a key that succeeds it, or a custodian may do that");
            owners.set(c.hashHex, owner);
          }
        } else {
          owners.set(c.hashHex, author);
        }
        c.role = role;
        c.actsFor = actsFor(keys, author);
      } catch (e) {
        if (!(e instanceof Fault)) throw e;
        c.faults.push(e);
      }
    }
    return keys;
  }

  // §12.2, §12.6 step 6: which entries are signed after a declared
  // compromise, and the bundle says so of exactly those.
  function compromisePass(entries, bundleEntries, keys, n) {
    const said = new Map(bundleEntries.map((be) => [Number(be.seq), "signed_after_compromise" in be ? be.signed_after_compromise : null]));
    for (const c of entries) {
      const rec = keys.get(hex(c.body.author));
      let flag = null;
      if (rec && rec.revokedAt !== null && c.seq < rec.revokedAt && rec.revokedAt <= n - 1
        && BigInt(c.entry.receivedAt) >= BigInt(rec.effectiveAt)) {
        flag = { revoked_at: rec.revokedAt, effective_at: rec.effectiveAt };
      }
      c.compromise = flag;
      const got = said.has(c.seq) ? said.get(c.seq) : null;
      if (!deepEq(got, flag)) {
        c.faults.push(new Fault("compromise", "signed-after-compromise",
          flag ? "signed_after_compromise says " + (got ? show(got) : "nothing") + ": it is signed after a declared compromise (revocation at entry " + flag.revoked_at + ")"
            : "signed_after_compromise says " + show(got) + ", but the bundle's registry declares no such compromise"));
      }
    }
  }

  // ------------------------------------------------------------------
  // §12.6 step 7: the rules of §10 against a state built from the bundle
  // ------------------------------------------------------------------
  function rulesPass(entries, whole) {
    const st = new Map(), inc = new Map(), notEstablished = [];
    const reg = new Map();
    let genesisApplied = false;
    const position = new Map(), openedBy = new Map();
    for (const c of [...entries].reverse()) {
      position.set(c.hashHex, c.seq);
      try {
        if (c.body.kind === "incident" && c.parts.has("payload")) {
          const id = payloadJson(c.parts.get("payload")).id;
          if (isStr(id)) openedBy.set(id, c.seq);
        }
      } catch (e) {
        /* its own entry reports it */
      }
    }
    for (const c of entries) {
      const { seq, body } = c, h = c.hashHex, kind = body.kind, refs = body.refs.map(hex);
      const labels = c.labels;
      if (st.has(h)) {
        c.faults.push(new Fault("rules", "once", "statement " + h.slice(0, 12) + " is already entry " + st.get(h).seq + ": a statement is never appended twice"));
        continue;
      }
      const info = { seq, kind, subject: kind, owner: hex(body.author), labels, incidents: [], supersededBy: null, retractedBy: null, redacted: [] };
      const updates = [];
      try {
        // §10.1 items 1-2 against the registry as the rules replayed it: an
        // entry that failed applied none of its effects, registry ones too.
        if (kind === "genesis") {
          need(!genesisApplied, "rules", "authorised", "a genesis is accepted only while the registry is empty");
        } else {
          need(genesisApplied, "rules", "entry0-genesis", "entry 0 must be a genesis statement, not " + kind);
          const rec = reg.get(hex(body.author));
          need(rec && !rec.revoked && MAY_SIGN[rec.role].includes(kind), "rules", "authorised", "its author was not authorised at entry " + seq);
        }
        need(kind === "note" || labels.includes("payload"), "rules", "missing-part", "a " + kind + " needs a part labelled payload");
        need(kind !== "note" || labels.includes("text"), "rules", "missing-part", "a note needs a part labelled text");
        need(kind !== "genesis" || !refs.length, "rules", "genesis-refs", "a genesis statement cannot refer to another");
        for (const r of refs) {
          const later = (position.has(r) ? position.get(r) : -1) >= seq;
          need(st.has(r), "rules", later ? "ref-later" : "ref-unknown", later
            ? "it refers to statement " + r.slice(0, 12) + ", which is entry " + position.get(r) + ": a ref names an earlier entry"
            : "it refers to statement " + r.slice(0, 12) + ", which is not in this bundle");
        }
        if (!["genesis", "enroll", "revoke", "note"].includes(kind)) {
          need(c.parts.has("payload"), "rules", "missing-part", "a " + kind + " needs a part labelled payload");
          const p = payloadJson(c.parts.get("payload"));
          const badPayload = () => new Fault("rules", "payload", "the " + kind + " payload is not valid JSON of its kind");
          const strList = (v) => Array.isArray(v) && v.every(isStr);
          let named = [];
          if (kind === "testimony") named = p.incidents;
          else if (kind === "amendment" && "testimony" in p) named = isObj(p.testimony) ? p.testimony.incidents : null;
          else if (kind === "merge") named = [p.from, p.into];
          else if (kind === "summary-claim") named = "incidents" in p ? p.incidents : [];
          if (!strList(named)) throw badPayload();
          for (const i of named) {
            if (!inc.has(i)) {
              need(!whole && !openedBy.has(i), "rules", "named-incident", openedBy.has(i)
                ? "it names incident " + JSON.stringify(i) + ", opened only later (entry " + openedBy.get(i) + ")"
                : "it names incident " + JSON.stringify(i) + ", which is not in the archive");
              notEstablished.push({ seq, incident: i });
              inc.set(i, { mergedInto: null });
            }
          }
          const target = () => {
            need(refs.length === 1, "rules", "ref-count", "a " + kind + " has exactly 1 ref(s), this one has " + refs.length);
            return [refs[0], st.get(refs[0])];
          };
          const owned = (t) => {
            need((c.actsFor || new Set([hex(body.author)])).has(t.owner) || c.role === "custodian", "rules", "owner",
              "only the record's owner, a key that succeeds it, or a custodian may do that");
          };
          if (kind === "incident") {
            if (!isStr(p.id)) throw badPayload();
            need(!inc.has(p.id), "rules", "incident-taken", "incident id " + show(p.id) + " is already taken");
            inc.set(p.id, { mergedInto: null });
            info.incidents = [p.id];
          } else if (kind === "testimony") {
            need(labels.includes("text"), "rules", "missing-part", "a testimony needs a part labelled text");
            info.incidents = p.incidents;
          } else if (kind === "amendment") {
            const [th, t] = target();
            const subject = "testimony" in p ? "testimony" : "incident";
            if (subject === "incident" && !(isObj(p.incident) && isStr(p.incident.id))) throw badPayload();
            need(t.subject === subject, "rules", "target", "an amendment of a " + subject + " applies to a " + subject + " (or a version of one), not a " + t.subject);
            need(t.supersededBy === null, "rules", "superseded", "its target is already superseded");
            need(t.retractedBy === null, "rules", "retracted", "its target is already retracted");
            owned(t);
            if (subject === "testimony") {
              need(labels.includes("text"), "rules", "missing-part", "a testimony amendment needs a part labelled text");
              info.incidents = p.testimony.incidents;
            } else {
              need(t.incidents.length > 0 && t.incidents[0] === p.incident.id, "rules", "incident-id", "an incident amendment cannot change its id");
              info.incidents = t.incidents;
            }
            info.subject = subject;
            info.owner = t.owner;
            updates.push([th, "supersededBy", h]);
          } else if (kind === "retraction") {
            const [th, t] = target();
            need(t.subject === "testimony", "rules", "target", "a retraction applies to a testimony, not a " + t.subject);
            need(t.retractedBy === null, "rules", "retracted", "its target is already retracted");
            need(t.supersededBy === null, "rules", "superseded", "its target is already superseded");
            owned(t);
            updates.push([th, "retractedBy", h]);
          } else if (kind === "annotation") {
            target();
          } else if (kind === "merge") {
            for (const i of [p.from, p.into]) {
              need(inc.get(i).mergedInto === null, "rules", "merged", "incident " + show(i) + " is already merged");
            }
            inc.get(p.from).mergedInto = p.into;
            info.incidents = [p.into, p.from];
          } else if (kind === "summary-claim") {
            info.incidents = "incidents" in p ? p.incidents : [];
          } else if (kind === "redaction") {
            const [th, t] = target();
            if (!isStr(p.label)) throw badPayload();
            need(p.label !== "payload" && splitLabel(p.label)[1] === null, "rules", "payload", "the redaction payload is invalid: it cannot name " + p.label);
            need(!REGISTRY.includes(t.kind), "rules", "redact-registry", "registry statements cannot be redacted");
            need(t.labels.includes(p.label), "rules", "redact-label", "its target has no part labelled " + p.label);
            need(!t.redacted.includes(p.label), "rules", "redacted", "part " + p.label + " is already redacted");
            updates.push([th, "redacted", p.label]);
          }
        }
      } catch (e) {
        if (!(e instanceof Fault) && !(e instanceof TypeError)) throw e;
        // An entry already at fault (but for its hash chain or compromise
        // flag) is replayed, but its refusal is not reported twice.
        if (!c.faults.some((f) => f.kind !== "hash chain" && f.kind !== "compromise")) c.faults.push(e instanceof Fault ? e : new Fault("rules", "payload", "the " + kind + " payload is not valid JSON of its kind"));
        st.set(h, info);
        continue;
      }
      for (const [th, field, value] of updates) {
        if (field === "redacted") st.get(th).redacted.push(value);
        else st.get(th)[field] = value;
      }
      if (REGISTRY.includes(kind)) {
        let p = {};
        try {
          p = c.parts.has("payload") ? payloadJson(c.parts.get("payload")) : {};
        } catch (e) {
          /* the authority pass reports an invalid registry payload */
        }
        if (kind === "genesis") {
          reg.set(hex(body.author), { role: "custodian", revoked: false });
          genesisApplied = true;
        } else if (kind === "enroll" && isStr(p.key)) reg.set(p.key, { role: p.role, revoked: false });
        else if (kind === "revoke" && isStr(p.key) && reg.has(p.key)) reg.get(p.key).revoked = true;
      }
      st.set(h, info);
    }
    return notEstablished;
  }

  // ------------------------------------------------------------------
  // §12.4 authors and §12.5.2 figures
  // ------------------------------------------------------------------
  function expectedAuthors(signed, keys) {
    const out = [];
    for (const rec of keys.values()) {
      if (!signed.has(rec.key)) continue;
      const a = { key: rec.key, name: rec.name, role: rec.role, enrolled_at: rec.enrolledAt };
      if (rec.revokedAt !== null) {
        a.revoked_at = rec.revokedAt;
        a.revocation_reason = rec.reason;
        a.revoked_effective_at = rec.effectiveAt;
      }
      if (rec.succeeds) a.succeeds = rec.succeeds;
      out.push(a);
    }
    out.sort((x, y) => x.enrolled_at - y.enrolled_at || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    return out;
  }

  // The matching key of a name (docs/DOMAIN.md §5).
  const fold = (s) => {
    const out = [];
    let pending = false;
    for (const c of s.normalize("NFKD")) {
      if (/\p{M}/u.test(c)) continue;
      if (WS.includes(c)) {
        pending = out.length > 0;
        continue;
      }
      if (pending) {
        out.push(" ");
        pending = false;
      }
      if ("\u2019\u2018\u02bc\u00b4`".includes(c)) out.push("'");
      else if (c >= "\u2010" && c <= "\u2015") out.push("-");
      else if ("œŒ".includes(c)) out.push("oe");
      else if ("æÆ".includes(c)) out.push("ae");
      else if ("ßẞ".includes(c)) out.push("ss");
      else out.push(c.toLowerCase());
    }
    return out.join("").normalize("NFC");
  };

  const FIGURES = ["dead", "injured", "missing", "women_dead", "children_dead"];
  function projectFigures(entries, x) {
    const pl = new Map();
    for (const c of entries) {
      if (!["genesis", "enroll", "revoke", "note"].includes(c.body.kind)) pl.set(c.hashHex, payloadJson(c.parts.get("payload")));
    }
    const byHash = new Map(entries.map((c) => [c.hashHex, c]));
    const speaks = (c) => {
      const kind = c.body.kind, p = pl.get(c.hashHex) || {};
      if (kind === "incident") return [p.id];
      if (kind === "testimony") return p.incidents;
      if (kind === "amendment") return "testimony" in p ? p.testimony.incidents : [p.incident.id];
      if (kind === "merge") return [p.into, p.from];
      if (kind === "summary-claim") return p.incidents || [];
      return [];
    };
    const touches = (c) => {
      let t = [...speaks(c)];
      const refs = c.body.refs;
      if (["amendment", "retraction", "annotation", "redaction"].includes(c.body.kind) && refs.length && byHash.has(hex(refs[0]))) {
        t = t.concat(speaks(byHash.get(hex(refs[0]))));
      }
      return t;
    };
    const members = new Set([x]);
    for (let grew = true; grew;) {
      grew = false;
      for (const c of entries) {
        if (c.body.kind === "merge") {
          const p = pl.get(c.hashHex);
          if (members.has(p.into) && !members.has(p.from)) {
            members.add(p.from);
            grew = true;
          }
        }
      }
    }
    const group = entries.filter((c) => touches(c).some((i) => members.has(i)));
    const subject = (c) => {
      const kind = c.body.kind, p = pl.get(c.hashHex) || {};
      if (kind === "testimony" || (kind === "amendment" && "testimony" in p)) return "testimony";
      if (kind === "incident" || (kind === "amendment" && "incident" in p)) return "record";
      return null;
    };
    const index = new Map(group.map((c, i) => [c.hashHex, i]));
    const root = group.map((_, i) => i), chains = new Map();
    group.forEach((c, i) => {
      if (subject(c) === null) return;
      if (c.body.kind === "amendment" && c.body.refs.length) {
        const j = index.get(hex(c.body.refs[0]));
        if (j !== undefined && j < i && subject(group[j]) === subject(c)) root[i] = root[j];
      }
      if (!chains.has(root[i])) chains.set(root[i], []);
      chains.get(root[i]).push(i);
    });
    const retracted = new Set(group.filter((c) => c.body.kind === "retraction" && c.body.refs.length).map((c) => hex(c.body.refs[0])));
    const per = {}, keys = {};
    for (const f of FIGURES) {
      per[f] = [];
      keys[f] = [];
    }
    for (const r of [...chains.keys()].sort((a, b) => a - b)) {
      const chain = chains.get(r).map((i) => group[i]);
      if (subject(chain[0]) !== "testimony") continue;
      const last = chain[chain.length - 1];
      const p = pl.get(last.hashHex);
      const t = last.body.kind === "amendment" ? p.testimony : p;
      if (retracted.has(last.hashHex) || last.compromise || !t.incidents.some((i) => members.has(i))) continue;
      const src = t.source;
      const desc = "description" in src ? src.description : "";
      const key = trimWs(desc) === "" ? "testimony:" + chain[0].hashHex : src.relation + ":" + fold(desc);
      const ref = { seq: last.seq, statement: last.hashHex, author: hex(last.body.author) };
      for (const block of t.claims || []) {
        if (!members.has(block.incident)) continue;
        for (const f of FIGURES) {
          if (f in block) {
            const item = { incident: block.incident, count: block[f], source: ref, relation: src.relation };
            if (desc) item.description = desc;
            per[f].push(item);
            keys[f].push(key);
          }
        }
      }
    }
    const lo = (n) => Number(isObj(n) ? n.min : n), hi = (n) => Number(isObj(n) ? n.max : n);
    const out = {};
    for (const f of FIGURES) {
      const items = per[f];
      if (!items.length) continue;
      const counts = items.map((i) => i.count);
      out[f] = {
        min: Math.min(...counts.map(lo)), max: Math.max(...counts.map(hi)),
        conflict: Math.max(...counts.map(lo)) > Math.min(...counts.map(hi)),
        sources: new Set(keys[f]).size, authors: new Set(items.map((i) => i.source.author)).size, per_source: items,
      };
    }
    return out;
  }

  // ------------------------------------------------------------------
  // FORMAT.md §12.6, whole
  // ------------------------------------------------------------------
  const TOP = ["format", "about", "origin", "exported_at", "scope", "checkpoint", "withheld_labels", "entries", "authors", "projection_format", "projection"];
  const ENTRY_FIELDS = ["seq", "entry", "entry_hash", "statement_hash", "inclusion_proof", "decoded", "parts", "absent", "signed_after_compromise"];

  // files: Map name -> {read(max) -> Promise<Uint8Array>} of the files given
  // beside the bundle.
  async function verifyBundle(bytes, files, archiveKeyText) {
    const report = { ok: false, faults: [], notEstablished: [], compromised: [], entries: [], checked: [] };
    const stop = (at, kind, rule, detail) => {
      report.faults.push({ at, kind, rule, detail });
      return report;
    };
    const why = await checkEd25519();
    if (why) {
      report.unsupported = why;
      return stop("browser", "browser", "no-ed25519", why);
    }
    let archive;
    try {
      archive = await parseVkey(archiveKeyText || "");
    } catch (e) {
      report.keyError = e.message;
      return stop("archive key", "archive key", "vkey", e.message);
    }
    let b;
    try {
      b = parseJson(utf8.decode(bytes));
    } catch (e) {
      return stop("bundle", "format", "json", e instanceof JsonError ? "the bundle is not JSON: " + e.message : "the bundle is not UTF-8 text");
    }
    if (!isObj(b)) return stop("bundle", "format", "json", "the bundle is not a JSON object");
    const unknown = keysOf(b).filter((k) => !TOP.includes(k));
    const missing = TOP.filter((k) => !(k in b));
    if (unknown.length || missing.length) {
      return stop("bundle", "format", "fields", (unknown.length ? "unknown member(s) " + unknown.join(", ") : "") + (missing.length ? " missing member(s) " + missing.join(", ") : ""));
    }
    report.scope = b.scope;
    report.archive = archive.text;
    report.exportedAt = b.exported_at;
    if (b.format !== "temoin-bundle/v1") return stop("bundle", "format", "format", "format is " + show(b.format) + ", not temoin-bundle/v1");
    if (!Array.isArray(b.withheld_labels) || !b.withheld_labels.every(isStr) || b.withheld_labels.includes("payload")) {
      return stop("bundle", "format", "withheld", "withheld_labels is not a list of labels other than payload");
    }
    if (!Array.isArray(b.entries) || !b.entries.every((e) => isObj(e) && keysOf(e).every((k) => ENTRY_FIELDS.includes(k)) && ENTRY_FIELDS.slice(0, 7).every((k) => k in e))) {
      return stop("bundle", "format", "entries", "entries is not a list of entries with the members of FORMAT.md §12.2");
    }
    // Step 2: the checkpoint.
    const opened = await openNote(b.checkpoint, archive.name, archive.pub);
    if (!opened.text) return stop("checkpoint", "checkpoint", "checkpoint", "the checkpoint does not verify with the archive key: " + opened.why);
    const cp = parseCheckpoint(opened.text);
    if (!cp) return stop("checkpoint", "checkpoint", "checkpoint", "the checkpoint's text is not origin, size, root");
    report.origin = cp.origin;
    report.size = cp.size;
    report.root = hex(cp.root);
    if (cp.origin !== archive.name || b.origin !== cp.origin) {
      return stop("checkpoint", "checkpoint", "origin", "the checkpoint's origin " + cp.origin + " is not the bundle's (" + show(b.origin) + ") or the key's (" + archive.name + ")");
    }
    const n = cp.size;
    report.checked.push("checkpoint");
    // Step 3.
    const seqs = b.entries.map((e) => e.seq);
    if (!seqs.every(isInt) || !seqs.every((s, i) => i === 0 || BigInt(s) > BigInt(seqs[i - 1]))) {
      return stop("bundle", "format", "order", "entries are not in strictly increasing seq");
    }
    const entries = [];
    const faults = new Map();
    const addFault = (seq, f) => {
      if (!faults.has(seq)) faults.set(seq, []);
      faults.get(seq).push(f);
    };
    for (const be of b.entries) {
      try {
        entries.push(await checkEntry(be, n, cp.root, files));
      } catch (e) {
        if (!(e instanceof Fault)) throw e;
        addFault(Number(be.seq), e);
      }
    }
    report.entries = entries;
    // Step 4: the hash chain.
    const bySeq = new Map(entries.map((c) => [c.seq, c]));
    let lastReceived = null;
    for (const c of entries) {
      const prev = c.seq === 0 ? new Uint8Array(32) : bySeq.has(c.seq - 1) ? bySeq.get(c.seq - 1).entryHash : null;
      if (prev !== null && !eqBytes(c.entry.prev, prev)) c.faults.push(new Fault("hash chain", "prev", "prev is not the entry hash of entry " + (c.seq - 1)));
      if (lastReceived !== null && c.entry.receivedAt < lastReceived) c.faults.push(new Fault("hash chain", "received_at", "received_at goes back in time"));
      lastReceived = c.entry.receivedAt;
    }
    // Step 5: absent parts.
    const orders = new Map();
    for (const c of entries) {
      if (c.body.kind === "redaction" && c.parts.has("payload") && c.body.refs.length) {
        try {
          const label = payloadJson(c.parts.get("payload")).label;
          if (isStr(label)) orders.set(c.seq, hex(c.body.refs[0]) + " " + label);
        } catch (e) {
          /* reported by the rules */
        }
      }
    }
    const erased = new Set(orders.values());
    for (const c of entries) {
      for (const [label, a] of c.absent) {
        const sealed = isSealed(c.labels, label);
        const named = c.hashHex + " " + redactionLabel(label);
        let ok;
        if (sealed || a.why === "sealed") ok = sealed && a.why === "sealed";
        else if (a.why === "withheld") {
          ok = b.withheld_labels.includes(label) && label !== "payload" && !REGISTRY.includes(c.body.kind) && !erased.has(named);
        } else {
          ok = a.why === "redacted" && isInt(a.by_seq) && orders.get(Number(a.by_seq)) === named;
        }
        if (!ok) c.faults.push(new Fault("missing part", "absent", "part " + label + " is declared " + a.why + (a.by_seq !== undefined ? " by entry " + show(a.by_seq) : "") + ", which the bundle does not bear out"));
      }
    }
    // Step 6.
    if (!entries.length || entries[0].seq !== 0) {
      for (const [seq, fs] of faults) for (const f of fs) report.faults.push({ at: seq, kind: f.kind, rule: f.rule, detail: f.detail });
      return stop("bundle", "registry", "entry0-genesis", "entry 0 (the genesis) must be in the bundle");
    }
    const keys = authorityPass(entries, cp.origin, archive.text);
    report.registry = keys;
    // Every key that signed an entry of the bundle whose bytes decode, even
    // one refused for its hashes, signature or parts.
    const signers = new Set(entries.map((c) => hex(c.body.author)));
    for (const be of b.entries) {
      try {
        signers.add(hex(parseBody(parseEntry(b64decode(be.entry)).statement.bodyBytes).author));
      } catch (e) {
        /* its entry reports it */
      }
    }
    report.authors = expectedAuthors(signers, keys);
    compromisePass(entries, b.entries, keys, n);
    // Step 7.
    const whole = b.scope === "all";
    report.notEstablished = rulesPass(entries, whole);
    for (const c of entries) for (const f of c.faults) addFault(c.seq, f);
    for (const seq of [...faults.keys()].sort((x, y) => x - y)) {
      for (const f of faults.get(seq)) report.faults.push({ at: seq, kind: f.kind, rule: f.rule, detail: f.detail });
    }
    // Step 8: the scope.
    const held = new Set(b.entries.map((e) => e.statement_hash));
    if (whole) {
      if (!(seqs.length === n && seqs.every((s, i) => Number(s) === i))) report.faults.push({ at: "bundle", kind: "scope", rule: "scope", detail: "an \"all\" bundle holds every entry 0.." + (n - 1) });
    } else if (isObj(b.scope) && sameSet(b.scope, ["statement"]) && isStr(b.scope.statement)) {
      if (!held.has(b.scope.statement)) report.faults.push({ at: "bundle", kind: "scope", rule: "scope", detail: "it does not hold its statement " + b.scope.statement });
    } else if (isObj(b.scope) && sameSet(b.scope, ["incident"]) && isStr(b.scope.incident)) {
      const opens = entries.some((c) => {
        if (c.body.kind !== "incident" || !c.parts.has("payload")) return false;
        try {
          return payloadJson(c.parts.get("payload")).id === b.scope.incident;
        } catch (e) {
          return false;
        }
      });
      if (!opens) report.faults.push({ at: "bundle", kind: "scope", rule: "scope", detail: "it does not hold the record that opened incident " + b.scope.incident });
    } else {
      report.faults.push({ at: "bundle", kind: "format", rule: "scope", detail: "scope is not \"all\", {\"incident\": id} or {\"statement\": hash}" });
    }
    report.compromised = entries.filter((c) => c.compromise).map((c) => c.seq);
    report.checked.push("entries", "chain", "parts", "authority", "rules", "scope");
    // Step 9: authors, and of the projection its incidents and figures
    // (over the entries that passed step 3, as temoin does).
    if (!deepEq(b.authors, report.authors)) {
      report.faults.push({ at: "authors", kind: "authors", rule: "authors", detail: "authors is not the list of FORMAT.md §12.4 (key, name, role, enrolment and revocation of every key that signed an entry)" });
    }
    report.checked.push("authors");
    const pay = (c) => {
      try {
        return c.parts.has("payload") ? payloadJson(c.parts.get("payload")) : null;
      } catch (e) {
        return null;
      }
    };
    const ids = [];
    const addId = (i) => {
      if (isStr(i) && !ids.includes(i)) ids.push(i);
    };
    const openedIds = new Set(entries.filter((c) => c.body.kind === "incident").map((c) => (pay(c) || {}).id).filter(isStr));
    if (whole) openedIds.forEach(addId);
    else if (isObj(b.scope) && isStr(b.scope.incident)) addId(b.scope.incident);
    else if (isObj(b.scope) && isStr(b.scope.statement)) {
      for (const c of entries.filter((c) => c.hashHex === b.scope.statement)) {
        const p = pay(c), k = c.body.kind;
        if (!p) continue;
        if (k === "incident") addId(p.id);
        else if (k === "amendment" && isObj(p.incident)) addId(p.incident.id);
        else if (k === "testimony" && Array.isArray(p.incidents)) p.incidents.forEach(addId);
        else if (k === "amendment" && isObj(p.testimony) && Array.isArray(p.testimony.incidents)) p.testimony.incidents.forEach(addId);
        else if (k === "merge") [p.from, p.into].forEach(addId);
        else if (k === "summary-claim" && Array.isArray(p.incidents)) p.incidents.forEach(addId);
      }
    }
    if (b.projection_format !== "temoin-incident-view/2") {
      report.faults.push({ at: "projection", kind: "projection", rule: "projection-format", detail: "projection_format " + show(b.projection_format) + " is not the form this page computes (temoin-incident-view/2): not comparable" });
    } else if (!isObj(b.projection)) {
      report.faults.push({ at: "projection", kind: "projection", rule: "projection", detail: "projection is not an object" });
    } else {
      report.incidents = keysOf(b.projection);
      const keys = keysOf(b.projection);
      if (!(keys.length === ids.length && ids.every((i) => keys.includes(i)))) {
        report.faults.push({ at: "projection", kind: "projection", rule: "projection", detail: "the projection's incidents are " + JSON.stringify(keys) + ", the scope's " + JSON.stringify(ids) });
      }
      for (const x of keys.filter((i) => ids.includes(i))) {
        const view = b.projection[x];
        if ((view === null) !== !openedIds.has(x)) {
          report.faults.push({ at: "projection", kind: "projection", rule: "projection", detail: "projection." + x + (view === null ? " is null, but the bundle holds the record that opened it" : " is a view, but no record in the bundle opens it") });
          continue;
        }
        if (view === null) continue;
        let figures;
        try {
          figures = projectFigures(entries, x);
        } catch (e) {
          figures = null;
        }
        if (!isObj(view) || !deepEq(view.figures || {}, figures)) {
          report.faults.push({ at: "projection", kind: "projection", rule: "figures", detail: "projection." + x + ".figures is not what the entries give (FORMAT.md §12.5.2)" });
        }
      }
      report.checked.push("figures");
    }
    report.ok = report.faults.length === 0;
    return report;
  }

  return { verifyBundle, parseJson, checkEd25519, validPublicKey, verifyStrict, fold, hex, unhex, STATEMENT_DOMAIN };
})();
if (typeof module !== "undefined") module.exports = TemoinVerify;
