"""Thread reads and posts under `wrk`, beside a bare Starlette+Redis endpoint and Isso 0.14.

Starts a throwaway PostgreSQL and Redis, then `comments serve` (one uvicorn worker, the
delivery worker in process) on them; creates the site with `comments sites add`, seeds
threads of 100 and 10,000 comments of about 500 characters straight through storage,
and makes a reader token with `comments tokens create`. In the same run, rounds
interleaved (ours, bare, Isso, ours, ...), server and load generator pinned to
different cores:

- reads: the anonymous 100-comment thread whole in one page (`limit=100`, gzip
  accepted), the same page logged in, and the first page of the 10,000-comment thread
  holding as many comments; beside them a bare Starlette endpoint (a file written to a
  temporary directory, served by uvicorn with the options `comments serve` uses, and
  again with uvicorn's defaults) answering each page with one Redis GET of the exact
  bytes our endpoint sent for the same request (the gzip'd bytes when it sent gzip),
  and Isso's `GET /?uri=` of the same 100 comments (gunicorn, one sync worker);
- posts: the whole moderation pipeline on PostgreSQL, 200 readers round-robin over 50
  articles, against Isso's `POST /new`;
- staleness: a second `comments serve` on the same PostgreSQL and Redis takes a post
  while `wrk` loads the first instance's anonymous read of that thread; the first
  instance is polled until it shows the comment.

Prints each figure, the issue's ratios and targets, and our server's resident memory.

    .venv/bin/python bench/bench_cache.py [--quick] [--seconds S] [--rounds N]
                                          [--isso-venv DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import cpu
import httpx2 as httpx
import isso
import throwaway
import wrk

from comments.app import build_service
from comments.models import Comment, SitePolicy, Thread
from comments.settings import Settings
from comments.storage import NewCommentWrite

SITE = "news"
ORIGIN = "https://news.example"
SECRET = "bench-secret-" + "b" * 32
AUTHORS = 20
READERS = 200  # posting tokens, round-robin
POST_THREADS = 50  # posts spread over this many articles, as readers spread over a front page
GROUP = 4  # a top-level comment, a reply, a reply to the reply, another reply
SERVER_CORE, LOAD_CORE = 0, 1
# The site's limits raised, not off: every check still runs on every post, none refuses
# 200 readers posting hundreds a second from one address into 50 threads.
POLICY = SitePolicy(
    rate_per_minute=1000,
    rate_per_hour=10_000,
    ip_rate_per_hour=100_000,
    surge_per_minute=10_000,
    link_min_approved=0,
)
TOPICS = "treaty border customs council ministry election budget pipeline summit tariff".split()
VOCABULARY = (
    "the a of to and in that it is was for on are as with they at be this from have or by one "
    "had not but what all were when we there can an your which their said if do will each about "
    "how up out them then she many some so these would other into has more her two like him see "
    "time could no make than first been its who now people my made over did down only way find "
    "use may water long little very after words called just where most know get through back "
    "much before go good new write our used me man too any day same right look think also around "
    "another came come work three word must because does part even place well such here take why "
    "things help put years different away again off went old number great tell men say small "
    "every found still between name should home big give air line set own under read last never "
    "us left end along while might next sound below saw something thought both few those always "
    "looked show large often together asked house world going want school important until form "
    "food keep children feet land side without once life enough took sometimes four head above "
    "kind began almost live page got earth need far hand high year mother light parts country "
    "father let night following picture being study second eyes soon times story since white "
    "days ever paper hard near sentence better best across during today others however sure "
    "means knew try told young miles sun ways thing whole hear example heard several change "
    "answer room sea against"
).split()
BARE_APP = '''"""A bare Starlette endpoint: one Redis GET of the bytes our endpoint sent."""
import json
import math
import os
import sys

import redis.asyncio as redis
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

with open(os.environ["BARE_PAGES"]) as file:
    PAGES = json.load(file)
store = redis.Redis.from_url(os.environ["BARE_REDIS_URL"])


async def page(request: Request) -> Response:
    entry = PAGES[request.path_params["name"]]
    gzipped = "gzip" in request.headers.get("accept-encoding", "")
    variant = entry["gzip" if gzipped else "plain"]
    headers = {"Vary": "Accept-Encoding"}
    if variant["encoding"]:
        headers["Content-Encoding"] = variant["encoding"]
    body = await store.get(variant["key"])
    return Response(body, media_type=entry["type"], headers=headers)


async def ping(request: Request) -> Response:
    return Response(b"ok")


app = Starlette(routes=[Route("/page/{name}", page), Route("/ping", ping)])

if __name__ == "__main__":
    options = {}
    if sys.argv[1] == "same":
        from comments.cli import uvicorn_options

        options = uvicorn_options() | {"log_level": "info"}
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), **options)
'''


def sentence(rng: random.Random, words: int) -> str:
    """Some words of English, capitalised: text that compresses like text, not like a loop."""
    return " ".join(rng.choice(VOCABULARY) for _ in range(words)).capitalize()


def comment_text(n: int) -> str:
    """Comment `n`, about 500 characters with the usual markdown: a quote, emphasis, a list
    and a link; the same `n` always gives the same text."""
    rng = random.Random(n)
    topic = rng.choice(TOPICS)
    items = [sentence(rng, 5).lower() for _ in range(3)]
    items[1] += f" *{rng.choice(VOCABULARY)}*"
    return "\n\n".join(
        [
            f"> {sentence(rng, 9)} (comment {n}).",
            f"{sentence(rng, 12)}, and the **{topic}** {sentence(rng, 22).lower()}. "
            f"{sentence(rng, 10)}:",
            "\n".join(f"- {item}," for item in items),
            f"More at https://news.example/docs/{topic}-{n} for anyone curious.",
        ]
    )


def post_template() -> str:
    """A comment's text with `@N@` where each post puts its own number (never a duplicate)."""
    return comment_text(0).replace("(comment 0)", "(comment @N@)").replace("-0 for", "-@N@ for")


def parent_of(n: int) -> int | None:
    """The shape of every seeded thread, in groups of four: top, reply, its reply, reply."""
    first = n - n % GROUP
    return {0: None, 1: first, 2: first + 1, 3: first}[n % GROUP]


# --- processes ---------------------------------------------------------------------------


@dataclass
class Server:
    """A server process we started, pinned to a core, logging to a file."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        """The server's process (taskset exec'd it)."""
        return self.process.pid

    def memory_mib(self) -> tuple[float, float]:
        """Resident memory now and at its peak (VmRSS, VmHWM), in MiB."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def pinned(command: list[str], core: int | None) -> list[str]:
    """`command` run by `taskset` on `core` (taskset execs it: the pid stays the server's)."""
    return command if core is None else ["taskset", "-c", str(core), *command]


@contextmanager
def server(
    name: str,
    command: list[str],
    *,
    port: int,
    ready: str,
    folder: Path,
    core: int | None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[Server]:
    """Start a server, wait until `ready` answers 200, stop it at the end."""
    log = folder / f"{name.replace(' ', '-')}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            pinned(command, core),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + ready, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{name} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield Server(name, url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def comments_command(*args: str) -> list[str]:
    """The `comments` command of this interpreter's environment."""
    script = Path(sys.executable).parent / "comments"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "comments", *args]


def cli(env: dict[str, str], *args: str) -> str:
    """Run `comments ARGS`; answers its output."""
    done = subprocess.run(
        comments_command(*args), env={**os.environ, **env}, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"comments {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


# --- seeding -----------------------------------------------------------------------------


async def seed(
    settings: Settings, threads: dict[str, int], progress: Callable[[str], None]
) -> list[str]:
    """Raise the site's limits, seed the threads through storage; answers the posting tokens."""
    service = build_service(settings)
    try:
        await service.sites.update(SITE, policy=POLICY)
        for a in range(AUTHORS):
            await service.sites.ensure_user(f"dev:author{a}", f"Author {a}")
        storage, ids, renderer = service.deps.storage, service.deps.ids, service.deps.renderer
        start = service.deps.clock() - timedelta(days=1)  # old enough: nothing editable
        for key, count in threads.items():
            began = time.perf_counter()
            thread = Thread(ids.new(), SITE, key, f"{ORIGIN}/{key}", key, False, start)
            stored: list[Comment] = []
            for n in range(count):
                body = comment_text(n)
                parent = stored[p] if (p := parent_of(n)) is not None else None
                comment_id = ids.new()
                comment = Comment(
                    id=comment_id,
                    site=SITE,
                    thread_id=thread.id,
                    parent_id=parent.id if parent else None,
                    root_id=parent.root_id if parent else comment_id,
                    depth=parent.depth + 1 if parent else 0,
                    author_id=f"dev:author{n % AUTHORS}",
                    body=body,
                    html=renderer.render(body),
                    status="approved",
                    reasons=(),
                    score=0,
                    report_count=0,
                    created_at=start + timedelta(seconds=n),
                    edited_at=None,
                )
                write = NewCommentWrite(comment, thread, new_thread=n == 0)
                thread = await storage.add_comment(write)
                stored.append(comment)
            progress(f"seeded {key}: {count} comments in {time.perf_counter() - began:.1f} s")
        tokens = []
        for r in range(READERS):
            await service.sites.ensure_user(f"dev:reader{r}", f"Reader {r}")
            tokens.append(await service.sessions.issue(f"dev:reader{r}", SITE))
        return tokens
    finally:
        await service.close()


def isso_bodies(count: int) -> tuple[list[str], list[int | None]]:
    """The same comments and shape as ours, for Isso's seeding."""
    return (
        [comment_text(n) for n in range(count)],
        [parent_of(n) for n in range(count)],
    )


# --- pages for the bare endpoint ---------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """What a server sent for one request: the status, encoding and the bytes on the wire."""

    status: int
    encoding: str
    type: str
    raw: bytes

    @property
    def size(self) -> int:
        """The body as sent, compressed or not."""
        return len(self.raw)

    @property
    def plain(self) -> bytes:
        """The body decompressed."""
        return gzip.decompress(self.raw) if self.encoding == "gzip" else self.raw


def fetch(url: str, headers: dict[str, str]) -> Fetched:
    """One GET, its body exactly as sent (no decompression)."""
    with httpx.Client(timeout=60) as client, client.stream("GET", url, headers=headers) as answer:
        raw = b"".join(answer.iter_raw())
        return Fetched(
            answer.status_code,
            answer.headers.get("content-encoding", ""),
            answer.headers.get("content-type", "application/json"),
            raw,
        )


def store_pages(redis_url: str, pages: dict[str, tuple[Fetched, Fetched]], path: Path) -> None:
    """Put each page's bytes in Redis, both as sent to gzip readers and to the others."""
    import redis

    client = redis.Redis.from_url(redis_url)
    described = {}
    for name, (zipped, plain) in pages.items():
        entry: dict[str, object] = {"type": plain.type}
        for variant, fetched in (("gzip", zipped), ("plain", plain)):
            key = f"bench:bare:{name}:{variant}"
            client.set(key, fetched.raw)
            entry[variant] = {"key": key, "encoding": fetched.encoding}
        described[name] = entry
    client.close()
    path.write_text(json.dumps(described))


# --- load --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One thing to load: a URL, the Lua script that shapes its requests, the server's pids."""

    name: str
    url: str
    script: str
    pids: tuple[int, ...]


@dataclass(frozen=True)
class Run:
    """One wrk run, with the CPU the server and the shared PostgreSQL and Redis spent on it."""

    result: wrk.Result
    server_cpu: float
    shared_cpu: float

    def cpu_us(self, shared: bool = False) -> float:
        """CPU µs per request: the server's alone, or with PostgreSQL's and Redis's."""
        spent = self.server_cpu + (self.shared_cpu if shared else 0.0)
        return spent / self.result.requests * 1e6 if self.result.requests else math.nan


@dataclass
class Tally:
    """Every round's figures per (target, connections); medians over the rounds."""

    runs: dict[tuple[str, int], list[Run]] = field(default_factory=dict)

    def add(self, name: str, connections: int, run: Run) -> None:
        self.runs.setdefault((name, connections), []).append(run)

    def _median(self, name: str, connections: int, figure: Callable[[Run], float]) -> float:
        return statistics.median(figure(r) for r in self.runs[(name, connections)])

    def rps(self, name: str, connections: int) -> float:
        return self._median(name, connections, lambda r: r.result.rps)

    def p50(self, name: str, connections: int) -> float:
        return self._median(name, connections, lambda r: r.result.p50)

    def p99(self, name: str, connections: int) -> float:
        return self._median(name, connections, lambda r: r.result.p99)

    def cpu(self, name: str, connections: int, shared: bool = False) -> float:
        return self._median(name, connections, lambda r: r.cpu_us(shared))

    def spread(self, name: str, connections: int) -> tuple[float, float]:
        values = [r.result.rps for r in self.runs[(name, connections)]]
        return min(values), max(values)

    def errors(self, name: str, connections: int) -> int:
        return sum(r.result.failed for r in self.runs[(name, connections)])


def interleave(
    targets: list[Target],
    tally: Tally,
    connections: list[int],
    rounds: int,
    seconds: float,
    shared: list[int],
) -> None:
    """Each round loads every target at every connection count, in the same order."""
    for n in range(rounds):
        for conns in connections:
            for target in targets:
                settle(list(target.pids))
                before = cpu.seconds(list(target.pids)), cpu.seconds(shared)
                result = wrk.run(
                    target.url,
                    connections=conns,
                    seconds=seconds,
                    script=target.script,
                    core=LOAD_CORE,
                )
                after = cpu.seconds(list(target.pids)), cpu.seconds(shared)
                run = Run(result, after[0] - before[0], after[1] - before[1])
                tally.add(target.name, conns, run)
                errors = f"  errors {result.errors}" if result.errors else ""
                print(
                    f"  round {n + 1}, {conns:>3} connections, {target.name:<30}"
                    f"{result.rps:>8.0f} rps  p50 {result.p50:7.2f}  p99 {result.p99:7.2f} ms"
                    f"  cpu {run.cpu_us():6.0f} µs{errors}",
                    flush=True,
                )


def settle(pids: list[int], limit: float = 60) -> None:
    """Until the server is idle: requests left from the last run (a sync worker still
    answers the connections wrk dropped) must not land in the next run's time."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu.seconds(pids)
        time.sleep(0.25)
        if cpu.seconds(pids) - before < 0.25 * 0.05:
            return


def post_script(template: str, threads: int, build: str, headers: dict[str, str]) -> str:
    """Lua that sends a new ~500-character comment each request, never the same text twice.

    `build` is a Lua expression of `t` (the article number), `n` (the request number) and
    `text` (the JSON-escaped comment) that makes the request: path and body.
    """
    escaped = json.dumps(template)[1:-1]  # the template as JSON string content
    salt = f"{random.getrandbits(40):x}"
    head = ", ".join(f"[{wrk.lua_string(k)}] = {wrk.lua_string(v)}" for k, v in headers.items())
    return f"""
local template = {wrk.lua_string(escaped)}
local headers = {{{head}}}
local n = 0
request = function()
  n = n + 1
  local t = n % {threads}
  local text = (template:gsub("@N@", "{salt}-" .. n))
  local path, body = {build}
  return wrk.format("POST", path, headers, body)
end
"""


def ours_post_script(tokens: list[str]) -> str:
    """Our posts: a token per request, round-robin, into one of the articles."""
    base = post_script(
        post_template(),
        POST_THREADS,
        f'"/api/v1/sites/{SITE}/comments", '
        '\'{"thread": "p\' .. t .. \'", "thread_url": "'
        + ORIGIN
        + "/p' .. t .. '\", \"body\": \"' .. text .. '\"}'",
        {"Content-Type": "application/json"},
    )
    listed = ", ".join(wrk.lua_string(f"Bearer {t}") for t in tokens)
    # The token changes per request: set it on the shared header table before formatting.
    return base.replace(
        "  local path, body",
        "  headers['Authorization'] = tokens[(n % #tokens) + 1]\n  local path, body",
    ).replace("local n = 0", f"local tokens = {{{listed}}}\nlocal n = 0")


def isso_post_script() -> str:
    """Isso's `POST /new` of the same comments into the same articles."""
    return post_script(
        post_template(),
        POST_THREADS,
        "'/new?uri=%2Fp' .. t, "
        '\'{"text": "\' .. text .. \'", "author": "Reader \' .. (n % 200) .. \'",'
        ' "title": "p\' .. t .. \'"}\'',
        {"Content-Type": "application/json"},
    )


# --- staleness ---------------------------------------------------------------------------


def staleness(
    a: Server, b: Server, thread: str, tokens: list[str], times: int, connections: int
) -> tuple[list[float], wrk.Result | None, list[str]]:
    """Post on B while wrk loads A's anonymous read; ms until A's page shows each comment."""
    # Newest first: each new comment tops the page, however many came before it.
    path = f"/api/v1/sites/{SITE}/comments?thread={thread}&sort=newest&limit=100"
    load = wrk.Background(
        a.url + path,
        connections=connections,
        seconds=times * 5 + 60,
        script=wrk.headers_script({"Accept-Encoding": "gzip"}),
        core=LOAD_CORE,
    )
    delays: list[float] = []
    problems: list[str] = []
    try:
        time.sleep(1)  # the load is on before the first post
        with (
            httpx.Client(base_url=b.url, timeout=30) as poster,
            httpx.Client(base_url=a.url, timeout=30, headers={"Accept-Encoding": "gzip"}) as reader,
        ):
            for n in range(times):
                answer = poster.post(
                    f"/api/v1/sites/{SITE}/comments",
                    json={
                        "thread": thread,
                        "body": comment_text(1_000_000 + n),
                        "thread_url": f"{ORIGIN}/{thread}",
                    },
                    headers={"Authorization": f"Bearer {tokens[n % len(tokens)]}"},
                )
                if answer.status_code != 201:
                    problems.append(f"post {n}: {answer.status_code} {answer.text[:200]}")
                    continue
                posted = time.perf_counter()
                made = answer.json()
                if made.get("status") != "approved":
                    why = [r.get("code") for r in (made.get("moderation") or {}).get("reasons", [])]
                    problems.append(f"post {n}: {made.get('status')} {why}, not published: skipped")
                    continue
                needle = made["id"].encode()
                while True:
                    page = reader.get(path)
                    if needle in page.content:
                        delays.append((time.perf_counter() - posted) * 1000)
                        break
                    if time.perf_counter() - posted > 10:
                        on_b = needle in poster.get(path).content
                        later = needle in reader.get(path).content
                        problems.append(
                            f"post {n} ({made['id']}): not on A after 10 s (on B: "
                            f"{'yes' if on_b else 'no'}; on A a moment later: "
                            f"{'yes' if later else 'no'})"
                        )
                        break
                time.sleep(random.uniform(0.02, 0.1))
    finally:
        result = load.stop()
    return delays, result, problems


def busy() -> str:
    """The load averages: anything else running on the machine skews every figure."""
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


# --- the run -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s rounds, 1 round: does it run?")
    parser.add_argument("--seconds", type=float, help="seconds per load run (default 10)")
    parser.add_argument("--rounds", type=int, help="rounds of every target (default 3)")
    parser.add_argument("--connections", default="32,64", help="comma-separated (default 32,64)")
    parser.add_argument("--isso-venv", type=Path, help="reuse (or create) Isso's venv here")
    parser.add_argument("--stale-posts", type=int, help="posts for the staleness (default 50)")
    parser.add_argument(
        "--only",
        action="append",
        choices=["reads", "posts", "staleness"],
        help="run only these parts (repeatable; default all)",
    )
    args = parser.parse_args()
    seconds = args.seconds or (3.0 if args.quick else 10.0)
    rounds = args.rounds or (1 if args.quick else 3)
    stale_posts = args.stale_posts or (10 if args.quick else 50)
    connections = [int(c) for c in args.connections.split(",")]
    parts = set(args.only or ["reads", "posts", "staleness"])
    wrk.require()

    global SERVER_CORE, LOAD_CORE
    if (os.cpu_count() or 1) < 2:
        print("one core only: nothing is pinned, figures mix server and load generator")
        SERVER_CORE = LOAD_CORE = None  # type: ignore[assignment]
    else:
        # This process, and the PostgreSQL and Redis it starts, share the load generator's
        # core: the server's core runs the server alone.
        os.sched_setaffinity(0, {LOAD_CORE})

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-cache-")))
        pg = stack.enter_context(throwaway.postgres())
        redis_url = stack.enter_context(throwaway.redis())
        isso_venv = args.isso_venv or folder / "isso-venv"
        # pip installs Isso while the threads are seeded.
        installing = stack.enter_context(ThreadPoolExecutor(1)).submit(isso.install, isso_venv)

        port_a, port_b = throwaway.free_port(), throwaway.free_port()
        env = {
            "COMMENTS_DATABASE_URL": pg,
            "COMMENTS_REDIS_URL": redis_url,
            "COMMENTS_SECRET_KEY": SECRET,
            "COMMENTS_PUBLIC_URL": f"http://127.0.0.1:{port_a}",
        }
        cli(env, "migrate")
        cli(env, "sites", "add", SITE, "--origin", ORIGIN)
        settings = Settings(
            database_url=pg,
            redis_url=redis_url,
            public_url=env["COMMENTS_PUBLIC_URL"],
            secret_key=SECRET,
        )
        threads = {"t100": 100, "t10k": 10_000, "stale": 100}
        tokens = asyncio.run(seed(settings, threads, lambda line: print(line, flush=True)))
        out = cli(
            env, "tokens", "create", "--site", SITE, "--user", "dev:reader", "--name", "Reader"
        )
        reader = out.strip().splitlines()[-1].rsplit(" ", 1)[-1]

        bindir = installing.result()
        isso_port = throwaway.free_port()
        isso_folder = folder / "isso"
        isso_folder.mkdir()
        isso_config = isso.config(isso_folder, isso_port, throwaway.free_port())
        isso_server = stack.enter_context(
            server(
                "isso",
                isso.command(bindir, isso_port),
                port=isso_port,
                ready="/info",
                folder=folder,
                core=SERVER_CORE,
                env={"ISSO_SETTINGS": str(isso_config)},
                cwd=isso_folder,
            )
        )
        bodies, parents = isso_bodies(100)
        isso.seed(isso_server.url, "/t100", bodies, parents)
        print("seeded Isso: 100 comments through POST /new", flush=True)

        a = stack.enter_context(
            server(
                "ours A",
                comments_command("serve", "--port", str(port_a)),
                port=port_a,
                ready="/healthz",
                folder=folder,
                core=SERVER_CORE,
                env=env,
            )
        )
        b = stack.enter_context(
            server(
                "ours B",
                comments_command("serve", "--port", str(port_b)),
                port=port_b,
                ready="/healthz",
                folder=folder,
                core=LOAD_CORE,
                env=env | {"COMMENTS_PUBLIC_URL": f"http://127.0.0.1:{port_b}"},
            )
        )

        comments_path = f"/api/v1/sites/{SITE}/comments"
        page100 = f"{comments_path}?thread=t100&limit=100"
        page10k = f"{comments_path}?thread=t10k&limit={100 // GROUP}"  # the same 100 comments
        gz = {"Accept-Encoding": "gzip"}
        logged = gz | {"Authorization": f"Bearer {reader}"}
        plain = {"Accept-Encoding": "identity"}
        pages = {
            "t100": (fetch(a.url + page100, gz), fetch(a.url + page100, plain)),
            "t10k": (fetch(a.url + page10k, gz), fetch(a.url + page10k, plain)),
        }
        own_logged = fetch(a.url + page100, logged)
        isso_page = fetch(isso_server.url + "/?uri=%2Ft100", gz)
        for name, (zipped, _) in pages.items():
            if zipped.status != 200:
                raise SystemExit(
                    f"our {name} page answered {zipped.status}: {zipped.plain[:300]!r}"
                )
        described = {
            "ours, anonymous, 100": pages["t100"][0],
            "ours, identity, 100": pages["t100"][1],
            "ours, logged in, 100": own_logged,
            "ours, 10,000 first page": pages["t10k"][0],
            "isso, 100": isso_page,
        }
        print("\npages (as sent to a reader accepting gzip, unless named identity):")
        for name, fetched in described.items():
            parsed = json.loads(fetched.plain)
            count = count_comments(parsed)
            extra = (
                " with a viewer block" if isinstance(parsed, dict) and "viewer" in parsed else ""
            )
            print(
                f"  {name:<26} {fetched.status} {fetched.encoding or 'identity':<8} "
                f"{fetched.size:>7} bytes sent, {len(fetched.plain):>7} plain, "
                f"{count} comments{extra}"
            )

        pages_file = folder / "pages.json"
        store_pages(redis_url, pages, pages_file)
        bare_file = folder / "bare_app.py"
        bare_file.write_text(BARE_APP)
        bare_env = {"BARE_PAGES": str(pages_file), "BARE_REDIS_URL": redis_url}
        bare_ports = throwaway.free_port(), throwaway.free_port()
        bare = stack.enter_context(
            server(
                "bare",
                [sys.executable, str(bare_file), "same", str(bare_ports[0])],
                port=bare_ports[0],
                ready="/ping",
                folder=folder,
                core=SERVER_CORE,
                env=bare_env,
                cwd=folder,
            )
        )
        bare_defaults = stack.enter_context(
            server(
                "bare defaults",
                [sys.executable, str(bare_file), "defaults", str(bare_ports[1])],
                port=bare_ports[1],
                ready="/ping",
                folder=folder,
                core=SERVER_CORE,
                env=bare_env,
                cwd=folder,
            )
        )
        for name, (zipped, identity) in pages.items():
            for fetched, headers in ((zipped, gz), (identity, plain)):
                sent = fetch(f"{bare.url}/page/{name}", headers)
                if (sent.raw, sent.encoding) != (fetched.raw, fetched.encoding):
                    raise SystemExit(f"the bare endpoint does not send our {name} bytes")

        gz_script = wrk.headers_script(gz)
        ours = (a.pid,)
        # PostgreSQL (its postmaster and every backend below it) and Redis serve ours and
        # the bare endpoint alike: their CPU is counted beside each server's own.
        shared = [
            *cpu.find("postgres", f"port={urlsplit(pg).port}"),
            *cpu.find("redis-server", f":{urlsplit(redis_url).port}"),
        ]
        reads = [
            Target(OURS_100, a.url + page100, gz_script, ours),
            Target(BARE_100, bare.url + "/page/t100", gz_script, (bare.pid,)),
            Target(
                BARE_DEFAULTS_100, bare_defaults.url + "/page/t100", gz_script, (bare_defaults.pid,)
            ),
            Target(ISSO_100, isso_server.url + "/?uri=%2Ft100", gz_script, (isso_server.pid,)),
            Target(OURS_LOGGED, a.url + page100, wrk.headers_script(logged), ours),
            Target(OURS_10K, a.url + page10k, gz_script, ours),
            Target(BARE_10K, bare.url + "/page/t10k", gz_script, (bare.pid,)),
        ]
        print(
            f"\nwarming up, then {rounds} round(s) of {seconds:.0f} s per target, "
            f"servers on core {SERVER_CORE}, wrk (one thread) on core {LOAD_CORE}",
            flush=True,
        )
        for target in reads:
            wrk.run(target.url, connections=8, seconds=1, script=target.script, core=LOAD_CORE)
        tally = Tally()
        print(f"  load average before the rounds: {busy()}", flush=True)
        if "reads" in parts:
            interleave(reads, tally, connections, rounds, seconds, shared)

        print("\nposting", flush=True)
        probe = httpx.post(
            a.url + comments_path,
            json={
                "thread": "probe",
                "body": comment_text(999_999),
                "thread_url": f"{ORIGIN}/probe",
            },
            headers={"Authorization": f"Bearer {tokens[0]}"},
            timeout=30,
        )
        print(
            f"  a probe post answered {probe.status_code}: status {probe.json().get('status')!r}",
            flush=True,
        )
        posts = [
            Target(OURS_POST, a.url + comments_path, ours_post_script(tokens), ours),
            Target(ISSO_POST, isso_server.url + "/new", isso_post_script(), (isso_server.pid,)),
        ]
        if "posts" in parts:
            interleave(posts, tally, connections, rounds, seconds, shared)

        delays: list[float] = []
        stale_load = None
        if "staleness" in parts:
            print(f"\nstaleness: {stale_posts} posts on B while wrk loads A's read", flush=True)
            delays, stale_load, problems = staleness(
                a, b, "stale", tokens, stale_posts, connections[-1]
            )
            for problem in problems:
                print(f"  {problem}")
        rss, peak = a.memory_mib()
        print(f"  load average after the rounds: {busy()}")
        report(tally, connections, rounds, seconds, delays, stale_load, rss, peak)


OURS_100 = "ours, anonymous, 100"
BARE_100 = "bare Starlette+Redis, 100"
BARE_DEFAULTS_100 = "bare, uvicorn defaults, 100"
ISSO_100 = "Isso GET, 100"
OURS_LOGGED = "ours, logged in, 100"
OURS_10K = "ours, 10,000: first page"
BARE_10K = "bare Starlette+Redis, 10,000"
OURS_POST = "ours POST"
ISSO_POST = "Isso POST /new"


def count_comments(page: object) -> int:
    """Comments in a page of ours (nested replies) or of Isso's."""
    if isinstance(page, dict):
        items = page.get("comments") or page.get("replies") or []
    else:
        items = page if isinstance(page, list) else []
    return sum(1 + count_comments({"replies": c.get("replies") or []}) for c in items)


def report(
    tally: Tally,
    connections: list[int],
    rounds: int,
    seconds: float,
    delays: list[float],
    stale_load: wrk.Result | None,
    rss: float,
    peak: float,
) -> None:
    """The table of figures, then each ratio and target."""
    print(
        f"\nmedians of {rounds} round(s) of {seconds:.0f} s; latency in ms; CPU µs per request"
        " of the server alone, and with PostgreSQL's and Redis's"
    )
    for c in connections:
        print(
            f"\n{f'{c} connections':<32}{'rps':>8}{'(range)':>15}{'p50':>8}{'p99':>8}"
            f"{'cpu µs':>8}{'+pg+redis':>10}"
        )
        for name in dict.fromkeys(n for n, _ in tally.runs):
            low, high = tally.spread(name, c)
            errors = tally.errors(name, c)
            print(
                f"{name:<32}{tally.rps(name, c):>8.0f}{f'({low:.0f}-{high:.0f})':>15}"
                f"{tally.p50(name, c):>8.1f}{tally.p99(name, c):>8.1f}"
                f"{tally.cpu(name, c):>8.0f}{tally.cpu(name, c, shared=True):>10.0f}"
                f"{'  ! errors' if errors else ''}"
            )
    if any(tally.errors(n, c) for n, c in tally.runs):
        print("! errors (connect, read, write, timeout, or status >= 400), per round:")
        for (name, c), runs in tally.runs.items():
            if tally.errors(name, c):
                print(f"  {name}, {c} connections: {[r.result.errors for r in runs]}")

    print(f"\n{'ratio':<52}" + "".join(f"{f'{c} conns':>10}" for c in connections) + "   target")

    def line(
        label: str, value: Callable[[int], float], target: str, ok: Callable[[float], bool]
    ) -> None:
        values = []
        for c in connections:
            try:
                values.append(value(c))
            except ZeroDivisionError:
                values.append(math.nan)
            except KeyError:  # a part not run (--only)
                return
        verdict = "met" if all(ok(v) for v in values) else "MISSED"
        if target.startswith("("):  # context, no target: no verdict
            verdict = ""
        cells = "".join(f"{v:>10.2f}" for v in values)
        print(f"{label:<52}{cells}   {target}" + (f" ({verdict})" if verdict else ""))

    rps = tally.rps
    line(
        "ours anonymous / bare Starlette+Redis",
        lambda c: rps(OURS_100, c) / rps(BARE_100, c),
        ">= 2",
        lambda v: v >= 2,
    )
    line(
        "ours anonymous / bare under uvicorn defaults",
        lambda c: rps(OURS_100, c) / rps(BARE_DEFAULTS_100, c),
        "(context)",
        lambda v: True,
    )
    line(
        "ours anonymous / Isso GET",
        lambda c: rps(OURS_100, c) / rps(ISSO_100, c),
        "hundreds",
        lambda v: v >= 100,
    )
    line(
        "  the same by CPU per request (bare µs / ours µs)",
        lambda c: tally.cpu(BARE_100, c) / tally.cpu(OURS_100, c),
        "(as on a core of its own)",
        lambda v: True,
    )
    line(
        "  the same with PostgreSQL's and Redis's CPU",
        lambda c: tally.cpu(BARE_100, c, True) / tally.cpu(OURS_100, c, True),
        "(as on a core of its own)",
        lambda v: True,
    )
    line(
        "ours logged in / bare Starlette+Redis",
        lambda c: rps(OURS_LOGGED, c) / rps(BARE_100, c),
        ">= 0.5",
        lambda v: v >= 0.5,
    )
    line(
        "  the same by CPU per request, with PG and Redis",
        lambda c: tally.cpu(BARE_100, c, True) / tally.cpu(OURS_LOGGED, c, True),
        "(as on a core of its own)",
        lambda v: True,
    )
    line(
        "10,000 first page p50 / 100 page p50",
        lambda c: tally.p50(OURS_10K, c) / tally.p50(OURS_100, c),
        "<= 1.2",
        lambda v: v <= 1.2,
    )
    line(
        "  CPU per request, 10,000 first page / 100 page",
        lambda c: tally.cpu(OURS_10K, c) / tally.cpu(OURS_100, c),
        "(as on a core of its own)",
        lambda v: True,
    )
    line(
        "ours POST / Isso POST /new",
        lambda c: rps(OURS_POST, c) / rps(ISSO_POST, c),
        ">= 2",
        lambda v: v >= 2,
    )
    line(
        "  the same by CPU per post, ours with PG and Redis",
        lambda c: tally.cpu(ISSO_POST, c) / tally.cpu(OURS_POST, c, True),
        "(as on a core of its own)",
        lambda v: True,
    )
    last = connections[-1]
    if (OURS_100, last) in tally.runs:
        p99 = tally.p99(OURS_100, last)
        print(
            f"p99 of the anonymous read at {last} connections: {p99:.1f} ms   target < 50 ms "
            f"({'met' if p99 < 50 else 'MISSED'})"
        )
    print(
        f"resident memory of our server after the run: {rss:.0f} MiB (peak {peak:.0f} MiB)"
        f"   target < 150 MB ({'met' if rss * 1.048576 < 150 else 'MISSED'})"
    )
    if delays:
        load = (
            f"{stale_load.rps:.0f} rps, p99 {stale_load.p99:.1f} ms"
            if stale_load
            else "wrk printed nothing"
        )
        p99_stale = percentile(delays, 99)
        print(
            f"cross-instance staleness, {len(delays)} posts on B, A under {connections[-1]} "
            f"connections ({load}): p50 {percentile(delays, 50):.0f} ms, "
            f"p99 {p99_stale:.0f} ms, max {max(delays):.0f} ms   target p99 < 1000 ms "
            f"({'met' if p99_stale < 1000 else 'MISSED'})"
        )
    else:
        print("cross-instance staleness: no post was measured")


if __name__ == "__main__":
    main()
