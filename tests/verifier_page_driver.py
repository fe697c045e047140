#!/usr/bin/env python3
"""Drive the offline verifier page (web/verify/) in headless Chromium.

Used by tests/it/verifier_page.rs; Python 3 standard library only. One
browser for every case: it speaks the Chrome DevTools Protocol over
--remote-debugging-pipe (JSON messages ended by a NUL byte, the browser
reading fd 3 and writing fd 4).

Reads a job on standard input:
    {"page": "/abs/verify.html", "key": "<vkey>", "lang": "en",
     "cases": [{"name": "...", "files": ["/abs/x.bundle.json", ...],
                "key": "<vkey, instead of the job's>", "screenshot": "/abs/x.png",
                "media": "print", "before": "<JavaScript run once the page is loaded>"}, ...]}
(and optionally "probes": [JavaScript expressions]) and prints one JSON
object: {"probes": [their values], "results": [{"name", "verdict", "text",
"fault_entry", "fault_kind", "fault_rule", "faults", "locations"}], "requests": [urls the
page asked for other than its own file], "seconds": ...}.
Exit 2 if the browser cannot be started or stops answering.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60.0


class Browser:
    def __init__(self, exe="chromium"):
        self.profile = tempfile.TemporaryDirectory(prefix="temoin-verifier-page-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            # The browser reads commands on fd 3 and writes answers on fd 4
            # (first moved out of the way: a pipe may already be fd 3 or 4).
            r, w = os.dup(to_child_r) + 10, os.dup(from_child_w) + 10
            os.dup2(to_child_r, r)
            os.dup2(from_child_w, w)
            os.dup2(r, 3)
            os.dup2(w, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-sync",
             "--user-data-dir=" + self.profile.name, "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        deadline = time.time() + TIMEOUT
        while True:
            m = self.read(deadline)
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def read(self, deadline):
        import select
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("the browser stopped answering")
            r, _, _ = select.select([self.from_child], [], [], left)
            if r:
                chunk = os.read(self.from_child, 1 << 16)
                if not chunk:
                    raise RuntimeError("the browser closed its pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.profile.cleanup()


def main():
    job = json.load(sys.stdin)
    start = time.time()
    try:
        b = Browser(job.get("chromium", "chromium"))
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        b.send("Network.enable", {}, s)
        b.send("Emulation.setDeviceMetricsOverride", {"width": job.get("width", 1200), "height": 900,
                                                       "deviceScaleFactor": 1, "mobile": False}, s)
    except Exception as e:
        print(f"cannot drive chromium: {e}", file=sys.stderr)
        sys.exit(2)

    def evaluate(expr):
        r = b.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                         "awaitPromise": True}, s)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    page_url = "file://" + job["page"] + "?lang=" + job.get("lang", "en")
    results = []
    probes = []
    try:
        if job.get("probes"):
            # Expressions evaluated in the loaded page (awaited), e.g. calls
            # of the verifier's strictness checks.
            b.send("Page.navigate", {"url": page_url}, s)
            deadline = time.time() + TIMEOUT
            while evaluate("document.readyState") != "complete":
                if time.time() > deadline:
                    raise TimeoutError("the page did not load")
                time.sleep(0.02)
            probes = [evaluate(p) for p in job["probes"]]
        for case in job["cases"]:
            b.send("Page.navigate", {"url": page_url}, s)
            deadline = time.time() + TIMEOUT
            while evaluate("document.readyState + (document.getElementById('verdict') ? '+' : '')") != "complete+":
                if time.time() > deadline:
                    raise TimeoutError("the page did not load")
                time.sleep(0.02)
            if case.get("before"):
                # e.g. take WebCrypto's Ed25519 away, as in a browser without it
                evaluate(case["before"])
            evaluate("document.getElementById('archive-key').value = " + json.dumps(case.get("key", job["key"])))
            node = b.send("Runtime.evaluate", {"expression": "document.getElementById('bundle')"}, s)
            b.send("DOM.setFileInputFiles", {"files": case["files"],
                                             "objectId": node["result"]["objectId"]}, s)
            deadline = time.time() + TIMEOUT
            while True:
                v = evaluate("""(() => { const v = document.getElementById('verdict');
                    return {verdict: v.dataset.verdict, text: v.textContent,
                            fault_entry: v.dataset.faultEntry === undefined ? null : Number(v.dataset.faultEntry),
                            fault_kind: v.dataset.faultKind || null, fault_rule: v.dataset.faultRule || null,
                            faults: Array.from(document.querySelectorAll('#faults li'), li => li.textContent),
                            locations: Array.from(document.querySelectorAll('#faults li'), li => li.dataset.at + ': ' + li.dataset.kind)}; })()""")
                if v["verdict"] in ("ok", "fail"):
                    break
                if time.time() > deadline:
                    raise TimeoutError(f"{case['name']}: no verdict (data-verdict={v['verdict']!r})")
                time.sleep(0.02)
            v["name"] = case["name"]
            results.append(v)
            if case.get("screenshot"):
                # For looking at the page: a PNG of the whole page.
                import base64
                b.send("Emulation.setEmulatedMedia", {"media": case.get("media", "screen")}, s)
                shot = b.send("Page.captureScreenshot", {"format": "png",
                                                         "captureBeyondViewport": True}, s)
                with open(case["screenshot"], "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
    except Exception as e:
        b.close()
        print(f"the browser run failed: {e}", file=sys.stderr)
        sys.exit(2)
    requests = [e["params"]["request"]["url"] for e in b.events
                if e.get("method") == "Network.requestWillBeSent"
                and not e["params"]["request"]["url"].startswith("file://")
                and e["params"]["request"]["url"] != "about:blank"]
    b.close()
    json.dump({"results": results, "probes": probes, "requests": requests, "seconds": time.time() - start}, sys.stdout)


if __name__ == "__main__":
    main()
