"""The widget's time to first comments, in headless Chromium: bundled, as modules, and
the one-file widget from before it was split into modules, side by side.

Seeds a 100-comment thread (every third comment top-level, the others replies), serves
the app under uvicorn on a loopback port, and opens an article page in Debian's
Chromium (`/usr/bin/chromium`, through Playwright, as the browser tests do), in a new
browser context each time (a cold cache). It measures from the loader's first line
(`performance.mark("comments:loader")`) to the first comments in the shadow DOM
(`performance.mark("comments:shown")`: the first five threads, the widget drawing the rest
of the first page once the browser has painted them, "comments:drawn", printed below the
rows), 20 loads per row, median and p90. The harness leaves each load alone while it runs
(Playwright's own polling script would take 10 to 30 ms of the page's main thread in the
middle of the span) and reads the marks afterwards:

- bundle: the embed as publishers write it, the service serving the bundle
  (`node widget/build.mjs` first: the bench builds it when node is there);
- modules: the same widget unbundled, under `/mod/` (WidgetFiles with bundle=False, the
  API with it);
- before: the one-file widget of the last commit that had it (`git show C:widget/…`),
  served by the same app from a temporary folder under `/old/` (the API with it), the
  two marks added to a copy of it at the same two moments;
- bundle, fragment: the demo article, which carries the first page inside its mount
  element (no request for it).

`--latency MS` adds that much round-trip latency to every request (Chromium's network
emulation), to show what a real network does to the import waterfall. Below the rows,
the ratios of the medians, and where the time goes in the bundle: when the answers the
first screen waits on arrived, measured from the loader's mark (resource timing,
medians).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import Browser, sync_playwright
from seeding import seed_thread
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from comments.app import create_app, widget_dir
from comments.http.widget_files import WidgetFiles
from comments.settings import Settings
from comments.storage.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"]
SITE, THREAD = "demo", "belarus-russia-union"  # the demo article's thread
COMMENTS = 100
LOADS = 20
TARGET_MS = 100
QUIET_MS = 700  # how long each load is left alone before the bench looks at it
SHOWN = "() => performance.getEntriesByName('comments:shown').length > 0"
ARTICLE = """<!doctype html><html lang="en">
<head><meta charset="utf-8"><title>Article</title></head><body><h1>An article</h1><p>{text}</p>
<div id="comments" data-site="{site}" data-thread="{thread}"></div>
<script async src="{script}"></script></body></html>"""


async def seed(url: str, public_url: str) -> None:
    """COMMENTS approved comments on the demo thread, straight through storage."""
    app = create_app(Settings(database_url=url, public_url=public_url), demo=True)
    async with app.router.lifespan_context(app):
        service = app.state.context.service
        deps = service.deps
        await service.sites.ensure_user("dev:bench")
        start = deps.clock() - timedelta(days=1)
        thread = await deps.storage.get_thread(SITE, THREAD)
        if thread is None:
            from comments.models import Thread

            thread = Thread(deps.ids.new(), SITE, THREAD, public_url + "/", "Bench", False, start)
        await seed_thread(
            deps,
            thread,
            COMMENTS,
            lambda n: f"Comment number {n}, with *some* text to read. " * 4,
            start,
        )


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout


def one_file_commit() -> str:
    """The last commit whose widget was one file (before widget/app/ existed)."""
    for commit in git("rev-list", "HEAD", "--", "widget").split():
        if not git("ls-tree", "--name-only", commit, "widget/app"):
            return commit
    raise SystemExit("no commit with the one-file widget to compare with")


def baseline_widget(folder: Path) -> Path:
    """The one-file widget's files, with the two marks added to its comments.js."""
    commit = one_file_commit()
    for name in git("ls-tree", "-r", "--name-only", commit, "widget").split():
        content = subprocess.run(
            ["git", "show", f"{commit}:{name}"], cwd=REPO, capture_output=True, check=True
        ).stdout
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name == "widget/comments.js":
            text = content.decode()
            text = text.replace(
                '"use strict";', '"use strict";\n  performance.mark("comments:loader");', 1
            )
            anchor = "this.appendComments(this.listEl, data.comments, 0);"
            assert anchor in text, "the baseline's first render moved: update the bench"
            mark = (
                'if (!window.__shown) { window.__shown = 1; performance.mark("comments:shown"); }'
            )
            text = text.replace(anchor, anchor + "\n      " + mark, 1)
            content = text.encode()
        target.write_bytes(content)
    return folder / "widget"


def build_bundle() -> str:
    """The bundle built afresh where node is here; what the app will serve, said."""
    node = shutil.which("node")
    if node and (widget_dir() / "node_modules" / "esbuild").is_dir():
        subprocess.run([node, str(widget_dir() / "build.mjs"), "--quiet"], check=True)
    served = WidgetFiles(directory=widget_dir())
    return (
        "the bundle" if served.bundle else "the modules (no bundle built: npm ci --prefix widget)"
    )


class Bench:
    """The app; the modules under /mod/ and the baseline's files under /old/ (each with the
    API behind them); and the bench's own article pages."""

    def __init__(self, app: ASGIApp, old_widget: Path, base: str) -> None:
        self.app = app
        self.widgets = Router(
            routes=[
                Mount("/old/widget", app=WidgetFiles(directory=old_widget)),
                Mount("/mod/widget", app=WidgetFiles(directory=widget_dir(), bundle=False)),
            ]
        )
        self.base = base

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.endswith("/bench/plain.html"):
            prefix = path[: -len("/bench/plain.html")]
            html = ARTICLE.format(
                text="Lorem ipsum " * 50,
                site=SITE,
                thread=THREAD,
                script=f"{self.base}{prefix}/widget/comments.js",
            )
            await HTMLResponse(html)(scope, receive, send)
        elif scope["type"] == "http" and path.startswith(("/old/widget/", "/mod/widget/")):
            await self.widgets(scope, receive, send)
        elif scope["type"] == "http" and path.startswith(("/old/", "/mod/")):
            await self.app(
                dict(scope, path="/" + path.split("/", 2)[2], raw_path=None), receive, send
            )
        else:
            await self.app(scope, receive, send)


@dataclass
class Row:
    name: str
    url: str
    times: list[float]
    parts: list[dict[str, float]]


def measure(browser: Browser, url: str, latency: float) -> tuple[float, dict[str, float]]:
    """One cold load: loader → shown (ms), and when the waited-on answers arrived."""
    context = browser.new_context()
    page = context.new_page()
    if latency:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": latency,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            },
        )
    page.goto(url)
    # Nothing of the harness runs in the page while it loads: Playwright's wait_for_function
    # (and its first evaluate) runs Playwright's own script in the page, 10 to 30 ms of its
    # main thread in the middle of the span measured. So the bench waits from outside, then
    # looks; the marks say when things happened.
    page.wait_for_timeout(QUIET_MS)
    for _ in range(600):
        if page.evaluate(SHOWN):
            break
        page.wait_for_timeout(50)
    else:
        raise TimeoutError(f"no comments shown at {url}")
    data: dict[str, Any] = page.evaluate(
        """() => {
        const mark = (name) => performance.getEntriesByName(name)[0].startTime;
        const start = mark("comments:loader");
        const parts = {};
        for (const r of performance.getEntriesByType("resource")) {
          const path = new URL(r.name).pathname
            .replace(/^\\/(old|mod)\\//, "/").replace(/\\/v\\/[0-9a-f]+\\//, "/");
          const key = path.startsWith("/api/") ? "API " + path.split("/").pop() : path;
          if (key.startsWith("/widget/comments.js")) continue;
          parts[key] = Math.max(parts[key] || 0, r.responseEnd - start);
        }
        for (const name of ["comments:words", "comments:page", "comments:drawn"]) {
          const entry = performance.getEntriesByName(name)[0];
          if (entry) parts["mark " + name.split(":")[1]] = entry.startTime - start;
        }
        return { shown: mark("comments:shown") - start, parts };
    }"""
    )
    context.close()
    return float(data["shown"]), {k: float(v) for k, v in data["parts"].items()}


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=LOADS)
    parser.add_argument("--latency", type=float, default=0.0, help="added round trip, ms")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        url = f"sqlite+aiosqlite:///{root}/bench.db"
        upgrade(url)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        asyncio.run(seed(url, base))
        serving = build_bundle()
        app = create_app(
            Settings(database_url=url, public_url=base, secret_key="b" * 32), demo=True
        )
        bench = Bench(app, baseline_widget(root / "old"), base)
        server = uvicorn.Server(uvicorn.Config(bench, log_level="warning", lifespan="on"))
        running = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        running.start()
        while not server.started:
            time.sleep(0.02)
        rows = [
            Row("bundle", f"{base}/bench/plain.html", [], []),
            Row("modules", f"{base}/mod/bench/plain.html", [], []),
            Row("before (one file)", f"{base}/old/bench/plain.html", [], []),
            Row("bundle, fragment", f"{base}/", [], []),
        ]
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for row in rows:
                    measure(browser, row.url, options.latency)  # warm the server's caches
                for _ in range(options.loads):
                    for row in rows:  # interleaved: a slow moment hits every row alike
                        shown, parts = measure(browser, row.url, options.latency)
                        row.times.append(shown)
                        row.parts.append(parts)
                browser.close()
        finally:
            server.should_exit = True
            running.join(timeout=10)
    report(rows, options, serving)


def report(rows: list[Row], options: argparse.Namespace, serving: str) -> None:
    """The rows, their ratios, and where the bundle's first screen waits."""
    bundle, modules, before = rows[0], rows[1], rows[2]
    print(
        f"first comments on screen, loader's first line → first comments in the shadow DOM; "
        f"{COMMENTS}-comment thread, {options.loads} cold loads each, "
        f"added latency {options.latency:g} ms; the app serves {serving}"
    )
    for row in rows:
        print(
            f"{row.name:>18}: median {statistics.median(row.times):6.1f} ms   "
            f"p90 {p90(row.times):6.1f} ms"
        )
    median = {row.name: statistics.median(row.times) for row in rows}
    for a, b in ((bundle, before), (modules, before), (bundle, modules)):
        print(f"{'ratio':>18}: {median[a.name] / median[b.name]:.2f} ({a.name} / {b.name})")
    target = "met" if median[bundle.name] <= TARGET_MS else "missed"
    print(f"{'target':>18}: {TARGET_MS} ms for the bundle, {target}")
    print("where the bundle waits (answer arrived, ms after the loader's mark, medians):")
    waits = {
        key: statistics.median([p[key] for p in bundle.parts if key in p])
        for key in {k for p in bundle.parts for k in p}
    }
    for key, ms in sorted(waits.items(), key=lambda item: item[1]):
        if ms <= median[bundle.name]:  # what came after the first screen is no wait
            print(f"  {key:<36} {ms:6.1f}")
    print(f"  {'mark shown':<36} {median[bundle.name]:6.1f}")
    if "mark drawn" in waits:
        print(f"  {'mark drawn (the whole first page)':<36} {waits['mark drawn']:6.1f}")


if __name__ == "__main__":
    main()
