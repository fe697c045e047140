#!/usr/bin/env python3
"""Rebuild tests/vectors/timestamp.json (docs/FORMAT.md §6.3) with openssl.

The TSA keys and certificates under tests/vectors/tsa/ are DEMO ONLY test
keys, committed so the vectors are fixed; this script makes them if they are
missing, then asks `openssl ts -reply` for tokens over the vector notes.
Run from anywhere: python3 tests/vectors/make_timestamp_vectors.py
"""
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TSA = os.path.join(HERE, "tsa")
CNF = os.path.join(HERE, "..", "tsa", "tsa.cnf")


def run(*args, cwd=TSA):
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)


def make_tsa(name, keyargs, subject):
    if os.path.exists(os.path.join(TSA, name + ".crt")):
        return
    run("openssl", "req", "-x509", "-new", "-nodes", *keyargs, "-keyout", name + ".key",
        "-out", name + ".crt", "-days", "36500", "-config", CNF, "-extensions", "tsa_ext",
        "-subj", subject)


def token(name, text):
    with tempfile.TemporaryDirectory() as t:
        shutil.copy(CNF, os.path.join(t, "tsa.cnf"))
        with open(os.path.join(t, "serial"), "w") as f:
            f.write("2a\n")
        with open(os.path.join(t, "text"), "wb") as f:
            f.write(text.encode())
        run("openssl", "ts", "-query", "-data", "text", "-sha256", "-cert", "-out", "q.tsq", cwd=t)
        run("openssl", "ts", "-reply", "-config", "tsa.cnf", "-queryfile", "q.tsq", "-token_out",
            "-inkey", os.path.join(TSA, name + ".key"), "-signer", os.path.join(TSA, name + ".crt"),
            "-out", "token.der", cwd=t)
        with open(os.path.join(t, "token.der"), "rb") as f:
            return f.read()


def b64(b):
    return base64.b64encode(b).decode()


def pem(name):
    with open(os.path.join(TSA, name + ".crt")) as f:
        return f.read()


os.makedirs(TSA, exist_ok=True)
make_tsa("rsa", ["-newkey", "rsa:2048"], "/CN=temoin test TSA (RSA)/O=temoin DEMO ONLY")
make_tsa("p256", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
         "/CN=temoin test TSA (P-256)/O=temoin DEMO ONLY")
make_tsa("other", ["-newkey", "rsa:2048"], "/CN=temoin other TSA/O=temoin DEMO ONLY")
# A CA and a TSA certificate it issued: trusting the CA is enough.
if not os.path.exists(os.path.join(TSA, "issued.crt")):
    with open(os.path.join(TSA, "ca.ext"), "w") as f:
        f.write("[ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign\n"
                "[tsa]\nextendedKeyUsage = critical,timeStamping\nbasicConstraints = CA:FALSE\n")
    run("openssl", "req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-keyout", "ca.key", "-out", "ca.crt", "-days", "36500",
        "-config", CNF, "-extensions", "tsa_ext", "-subj", "/CN=temoin test CA/O=temoin DEMO ONLY",
        "-addext", "basicConstraints=critical,CA:TRUE")
    run("openssl", "req", "-new", "-nodes", "-newkey", "rsa:2048", "-keyout", "issued.key",
        "-out", "issued.csr", "-config", CNF, "-subj",
        "/CN=temoin test TSA (issued by the CA)/O=temoin DEMO ONLY")
    run("openssl", "x509", "-req", "-in", "issued.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-set_serial", "7", "-days", "36500", "-sha256", "-extfile", "ca.ext", "-extensions",
        "tsa", "-out", "issued.crt")
    os.remove(os.path.join(TSA, "issued.csr"))
    os.remove(os.path.join(TSA, "ca.ext"))

note = ("temoin.example/timestamped\n7\nq0Pz1Cj1Q6mF5mJ2L3gyVJmIlh7V3qWjX8sWl0v0xyU=\n\n"
        "\u2014 temoin.example/timestamped AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n")
text = note[: note.rfind("\n\n") + 1]
other_note = note.replace("\n7\n", "\n8\n")
other_text = other_note[: other_note.rfind("\n\n") + 1]

rsa_token = token("rsa", text)
p256_token = token("p256", text)
issued_token = token("issued", text)
other_token = token("rsa", other_text)
# Altered genTime: the first GeneralizedTime (tag 0x18, 15 bytes) is the
# TSTInfo's; one year later, the signature no longer verifies.
m = re.search(rb"\x18\x0f(\d{4})(\d{10}Z)", rsa_token)
altered = (rsa_token[: m.start(1)] + str(int(m.group(1)) + 1).encode() + rsa_token[m.end(1):])

vectors = {
    "about": "RFC 3161 timestamp tokens over a checkpoint (docs/FORMAT.md §6.3): the message imprint is SHA-256 of the note text (everything up to and including the first newline of the note's last blank line), and the token must be signed by a trusted TSA certificate (or one it issued). DEMO ONLY TSA keys under tests/vectors/tsa/. Built by tests/vectors/make_timestamp_vectors.py; checked by crates/temoin-core (timestamp::tests) and, imprint and genTime only, by tests/vectors/verify_vectors.py.",
    "note": note,
    "note_text_sha256": hashlib.sha256(text.encode()).hexdigest(),
    "certs": {"rsa": pem("rsa"), "p256": pem("p256"), "other": pem("other"), "ca": pem("ca"),
              "issued": pem("issued")},
    "vectors": [
        {"name": "rsa", "token": b64(rsa_token), "trusted": ["rsa"], "ok": True,
         "tsa": "O=temoin DEMO ONLY,CN=temoin test TSA (RSA)", "error": None},
        {"name": "p256", "token": b64(p256_token), "trusted": ["p256"], "ok": True,
         "tsa": "O=temoin DEMO ONLY,CN=temoin test TSA (P-256)", "error": None},
        {"name": "issued-by-trusted-ca", "token": b64(issued_token), "trusted": ["ca"],
         "ok": True, "tsa": "O=temoin DEMO ONLY,CN=temoin test TSA (issued by the CA)",
         "error": None},
        {"name": "issued-by-untrusted-ca", "token": b64(issued_token), "trusted": ["rsa"],
         "ok": False, "error": "untrusted"},
        {"name": "wrong-imprint", "token": b64(other_token), "trusted": ["rsa"], "ok": False,
         "error": "imprint"},
        {"name": "wrong-cert", "token": b64(rsa_token), "trusted": ["other"], "ok": False,
         "error": "untrusted"},
        {"name": "altered-gentime", "token": b64(altered), "trusted": ["rsa"], "ok": False,
         "error": "signature"},
    ],
}
with open(os.path.join(HERE, "timestamp.json"), "w") as f:
    json.dump(vectors, f, indent=2, ensure_ascii=False)
    f.write("\n")
