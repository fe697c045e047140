#!/usr/bin/env python3
"""A loopback RFC 3161 TSA for tests: POST a TimeStampReq (DER) and get
`openssl ts -reply`'s TimeStampResp back.

    serve_tsa.py DIR  (DIR holds tsa.cnf, serial, tsa.key, tsa.crt)

Prints "PORT <n>" once listening on 127.0.0.1 (port chosen by the system).
With a file DIR/garbage present, answers garbage instead (a broken TSA).
"""
import http.server
import os
import subprocess
import sys
import tempfile

DIR = os.path.abspath(sys.argv[1])


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        query = self.rfile.read(n)
        if os.path.exists(os.path.join(DIR, "garbage")):
            body, status = b"\x30\x03\x02\x01\x00 not a TimeStampResp", 200
        elif self.headers.get("Content-Type") != "application/timestamp-query":
            body, status = b"wrong content type", 415
        else:
            with tempfile.TemporaryDirectory() as t:
                q = os.path.join(t, "q.tsq")
                r = os.path.join(t, "r.tsr")
                with open(q, "wb") as f:
                    f.write(query)
                p = subprocess.run(
                    ["openssl", "ts", "-reply", "-config", "tsa.cnf", "-queryfile", q,
                     "-inkey", "tsa.key", "-signer", "tsa.crt", "-out", r],
                    cwd=DIR, capture_output=True)
                if p.returncode != 0:
                    body, status = p.stderr, 500
                else:
                    with open(r, "rb") as f:
                        body, status = f.read(), 200
        self.send_response(status)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("PORT", server.server_address[1], flush=True)
server.serve_forever()
