#!/usr/bin/env python3
"""Drive temoin serve's web pages in headless Chromium.

Used by tests/it/web.rs; Python 3 standard library only. Speaks the Chrome
DevTools Protocol over --remote-debugging-pipe, with the Browser class of
tests/verifier_page_driver.py.

Reads a job on standard input:
    {"base": "http://127.0.0.1:PORT", "token": "<an access token>",
     "incident": "<incident id>", "shots": "/abs/dir" or null}
and prints one JSON object:
    {"start": {...the page first shown...}, "tab": {...what the first Tab
     focuses...}, "after_signin": {...}, "incident": {...the incident page
     in French...}, "shots": [files written]}
where each page is {"path", "title", "lang", "h1", "th_scoped", "links"...}.
With "shots", PNG screenshots of the main pages (wide, and 400px wide) are
written there. Exit 2 if the browser cannot be started or stops answering.
"""

import base64
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verifier_page_driver import Browser, TIMEOUT  # noqa: E402


def main():
    job = json.load(sys.stdin)
    base = job["base"]
    try:
        b = Browser(job.get("chromium", "chromium"))
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    except Exception as e:
        print(f"cannot drive chromium: {e}", file=sys.stderr)
        sys.exit(2)

    def size(width):
        b.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900,
                                                       "deviceScaleFactor": 1, "mobile": width < 600}, s)

    def evaluate(expr):
        r = b.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                         "awaitPromise": True}, s)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def settle(not_path=None):
        deadline = time.time() + TIMEOUT
        while True:
            st = evaluate("[document.readyState, location.pathname, location.href]")
            if st[0] == "complete" and st[2] != "about:blank" and st[1] != not_path:
                return
            if time.time() > deadline:
                raise TimeoutError(f"the page did not load (at {st[2]})")
            time.sleep(0.05)

    def go(path):
        b.send("Page.navigate", {"url": base + path}, s)
        settle()

    def describe():
        return evaluate("""(() => ({
            path: location.pathname + location.search,
            title: document.title,
            lang: document.documentElement.lang,
            h1: (document.querySelector('h1') || {}).textContent || null,
            th_scoped: document.querySelectorAll('th[scope]').length,
            tables: document.querySelectorAll('table').length,
            captions: document.querySelectorAll('table > caption').length,
            main: !!document.querySelector('main#main'),
            header: !!document.querySelector('header'),
            nav: !!document.querySelector('nav'),
            bundle_link: !!document.querySelector('a[href$="/bundle"]'),
            scripts: document.querySelectorAll('script').length,
            text: document.body.innerText.slice(0, 4000),
        }))()""")

    def key(name, code, vk, text=None):
        down = {"type": "keyDown" if text else "rawKeyDown", "key": name, "code": code,
                "windowsVirtualKeyCode": vk}
        if text:
            down["text"] = text
        b.send("Input.dispatchKeyEvent", down, s)
        b.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": name, "code": code,
                                          "windowsVirtualKeyCode": vk}, s)

    shots = []

    def shot(name, width=1200, media="screen"):
        if not job.get("shots"):
            return
        size(width)
        b.send("Emulation.setEmulatedMedia", {"media": media}, s)
        data = b.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, s)
        path = os.path.join(job["shots"], name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(data["data"]))
        shots.append(path)
        b.send("Emulation.setEmulatedMedia", {"media": "screen"}, s)
        size(1200)

    out = {}
    try:
        size(1200)
        inc = job["incident"]
        # Not signed in: the incident page sends to the sign-in form.
        go(f"/incidents/{inc}?lang=fr")
        out["start"] = describe()
        # The first Tab reaches the skip link.
        key("Tab", "Tab", 9)
        out["tab"] = evaluate("""(() => { const a = document.activeElement;
            return {cls: a.className, text: a.textContent, href: a.getAttribute('href')}; })()""")
        shot("signin-fr")
        # Sign in through the form, as a person would: type, press Enter.
        evaluate("document.getElementById('token').focus()")
        b.send("Input.insertText", {"text": job["token"]}, s)
        key("Enter", "Enter", 13, "\r")
        settle(not_path="/signin")
        out["after_signin"] = describe()
        shot("incident-fr")
        shot("incident-fr-400", width=400)
        shot("incident-fr-print", media="print")
        go(f"/incidents/{inc}/history?lang=fr")
        out["history"] = describe()
        shot("history-fr")
        go("/tally?lang=fr")
        out["tally"] = describe()
        shot("tally-fr")
        go("/?lang=en")
        out["index"] = describe()
        shot("index-en")
        shot("index-en-400", width=400)
        go("/entries/14?lang=en")
        shot("entry-en")
        go("/search?q=tin+aicha&lang=fr")
        shot("search-fr")
        for extra in job.get("extra", []):
            go(extra["path"])
            out[extra["name"]] = describe()
            shot(extra["name"])
    except Exception as e:
        b.close()
        print(f"the browser run failed: {e}", file=sys.stderr)
        sys.exit(2)
    b.close()
    out["shots"] = shots
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
