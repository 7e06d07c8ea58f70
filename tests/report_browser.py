#!/usr/bin/env python3
"""report_browser.py - opens a report page (scripts/report.sh's index.html)
in headless Chromium and says what the browser saw, for
tests/test_report_page.sh. It speaks the DevTools protocol over a pipe
(--remote-debugging-pipe: JSON messages ending in a NUL byte on file
descriptors 3 and 4), so it needs no port, no network and no package
beyond python3 and chromium.

Usage: report_browser.py CHROMIUM PAGE.html SCREENSHOT.png [SECTION_ID...]
Prints one line per check, "ok|NAME" or "bad|NAME|DETAIL", for the calling
suite to count; exits 0 when every check passed. The checks:
  - the page loads, and the only request it makes is for itself (every
    request the browser's network layer saw, data: URLs aside, and no
    Content-Security-Policy violation reported);
  - every SECTION_ID is a <section> of the page, with a heading;
  - every inline SVG has a non-zero size on the page, and, serialised and
    decoded as an image by the browser, non-zero natural width and height;
  - the page has no <img>, <script>, <link> or <iframe>;
  - a PNG screenshot of the whole page is written to SCREENSHOT.png.
"""
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

chromium, page, shot = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
want_sections = sys.argv[4:]
failures = 0


def check(name, ok, detail=""):
    global failures
    if ok:
        print("ok|" + name)
    else:
        failures += 1
        print("bad|%s|%s" % (name, str(detail).replace("\n", " ")[:400]))
    sys.stdout.flush()


class Browser:
    """One headless Chromium and one page target, over the DevTools pipe."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="ompk-chromium-")
        to_child, self.w = os.pipe()   # we write commands, Chromium reads fd 3
        self.r, from_child = os.pipe()  # Chromium writes fd 4, we read
        args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--disable-dev-shm-usage",
                "--remote-debugging-pipe", "--user-data-dir=" + self.profile, "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--no-default-browser-check", "--mute-audio",
                "--disable-extensions", "--disable-features=Translate,MediaRouter,OptimizationHints",
                "about:blank"]
        # fds 3 and 4 as Chromium wants them, whatever numbers the pipes got here
        self.proc = subprocess.Popen(
            ["sh", "-c", 'exec "$@" 3<&%d 4>&%d' % (to_child, from_child), "sh"] + args,
            pass_fds=(to_child, from_child), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self.read(timeout)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})

    def read(self, timeout):
        deadline = time.time() + timeout
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                raise TimeoutError("no answer from chromium in %d s" % timeout)
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed its pipe")
            self.buf += chunk
        raw, _, self.buf = self.buf.partition(b"\0")
        m = json.loads(raw)
        if "method" in m:
            self.events.append(m)
        return m

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        while True:
            for e in self.events:
                if e["method"] == method:
                    return e
            self.read(max(deadline - time.time(), 0.01))

    def settle(self, seconds):
        """Collect events for a while (late requests, console messages)."""
        deadline = time.time() + seconds
        try:
            while True:
                self.read(max(deadline - time.time(), 0.01))
        except TimeoutError:
            pass

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


PROBE = r"""
(async () => {
  const sections = [...document.querySelectorAll('section')].map(s => ({
    id: s.id, heading: (s.querySelector('h2') || {}).textContent || ''}));
  const svgs = [];
  for (const s of document.querySelectorAll('svg')) {
    const r = s.getBoundingClientRect();
    const xml = new XMLSerializer().serializeToString(s);
    const img = new Image();
    img.src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(xml)));
    let decoded = true, why = '';
    try { await img.decode(); } catch (e) { decoded = false; why = String(e); }
    svgs.push({label: s.getAttribute('aria-label') || '', w: r.width, h: r.height,
               nw: img.naturalWidth, nh: img.naturalHeight, decoded, why,
               shapes: s.querySelectorAll('path, rect, circle, polygon, polyline, line').length});
  }
  return JSON.stringify({
    sections, svgs, title: document.title,
    foreign: document.querySelectorAll('img, script, link, iframe, object, embed').length,
    height: document.documentElement.scrollHeight});
})()
"""


def main():
    url = "file://" + page
    b = Browser()
    try:
        target = b.send("Target.createTarget", {"url": "about:blank"}, session=False)
        b.session = b.send("Target.attachToTarget",
                           {"targetId": target["targetId"], "flatten": True},
                           session=False)["sessionId"]
        for domain in ("Network", "Page", "Runtime", "Log"):
            b.send(domain + ".enable")
        b.send("Emulation.setDeviceMetricsOverride",
               {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        b.events.clear()
        nav = b.send("Page.navigate", {"url": url})
        check("the page loads", "errorText" not in nav, nav.get("errorText"))
        b.wait_event("Page.loadEventFired")
        b.settle(1.0)
        requests = [e["params"]["request"]["url"] for e in b.events
                    if e["method"] == "Network.requestWillBeSent"]
        others = [u for u in requests if u != url and not u.startswith("data:")]
        check("the page requests nothing but itself (%d request(s) seen)" % len(requests),
              requests.count(url) == 1 and not others, "requests: %s" % requests)
        violations = [e["params"] for e in b.events
                      if e["method"] in ("Log.entryAdded", "Runtime.consoleAPICalled")
                      and "Content Security Policy" in json.dumps(e["params"])]
        check("no Content-Security-Policy violation", not violations, violations[:2])
        failed = [e["params"] for e in b.events if e["method"] == "Network.loadingFailed"]
        check("no request failed", not failed, failed[:2])

        res = b.send("Runtime.evaluate", {"expression": PROBE, "awaitPromise": True,
                                          "returnByValue": True}, timeout=60)
        facts = json.loads(res["result"]["value"])
        have = {s["id"]: s["heading"] for s in facts["sections"]}
        for sid in want_sections:
            check("section #%s is there, with a heading" % sid, have.get(sid, "").strip() != "",
                  "sections: %s" % sorted(have))
        check("the page has inline SVG plots (%d)" % len(facts["svgs"]), len(facts["svgs"]) > 0)
        bad = [s for s in facts["svgs"] if not (s["w"] > 0 and s["h"] > 0 and s["decoded"]
                                                 and s["nw"] > 0 and s["nh"] > 0 and s["shapes"] > 0)]
        check("every SVG has a size on the page and decodes as an image of non-zero size",
              not bad, bad[:3])
        check("no <img>, <script>, <link>, <iframe>, <object> or <embed>", facts["foreign"] == 0,
              "%d found" % facts["foreign"])

        metrics = b.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = min(int(size["height"]), 16000)
        shotres = b.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1}}, timeout=60)
        png = base64.b64decode(shotres["data"])
        with open(shot, "wb") as f:
            f.write(png)
        check("a PNG screenshot of the page (%d x %d, %d bytes)" % (1280, height, len(png)),
              png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000)
    except Exception as e:  # a protocol failure is one failed check, with what happened
        check("the browser session", False, "%s: %s" % (type(e).__name__, e))
    finally:
        b.close()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
