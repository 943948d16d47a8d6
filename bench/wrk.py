"""`wrk` runs for the benchmarks: one load run, its figures read back from a Lua `done` hook.

wrk prints its own summary for people; the Lua script written here prints one machine
line as well (requests, duration, latency percentiles, errors by kind), so the numbers
the benchmark reports are wrk's own histogram, not a re-parse of its text. Every run
is pinned with `taskset` to the load generator's core.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

MARK = "BENCH-WRK "
INSTALL = "wrk not found: install the Debian package (`apt-get install wrk`, as root)"

DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d,'
    .. ' "p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d,'
    .. ' "status": %d, "timeout": %d}\\n',
    MARK, summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def require() -> str:
    """The path of `wrk` and `taskset`, or stop with how to install what is missing."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(INSTALL)
    if shutil.which("taskset") is None:
        raise SystemExit("taskset not found: install the Debian package `util-linux`")
    return found


@dataclass(frozen=True)
class Result:
    """One wrk run: throughput, latency in ms, and what went wrong."""

    requests: int
    seconds: float
    bytes: int
    p50: float
    p90: float
    p99: float
    max: float
    errors: dict[str, int]

    @property
    def rps(self) -> float:
        """Completed requests a second (answers with a status of 400 or more included)."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        """Connect, read, write and timeout errors, and answers with a status of 400 or more."""
        return sum(self.errors.values())


def lua_string(value: str) -> str:
    """`value` as a Lua string literal."""
    return json.dumps(value)  # JSON's escapes are valid Lua escapes for this text


def headers_script(headers: dict[str, str], method: str = "GET", body: str | None = None) -> str:
    """A script sending the same request every time, with `headers`."""
    lines = [f"wrk.method = {lua_string(method)}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"wrk.body = {lua_string(body)}")
    return "\n".join(lines) + "\n"


def _script(script: str) -> Path:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(f"local MARK = {lua_string(MARK)}\n{script}\n{DONE}")
    return Path(file.name)


def _command(url: str, connections: int, seconds: float, script: Path, core: int | None,
             timeout_s: int) -> list[str]:  # fmt: skip
    command = [require(), "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               f"--timeout={timeout_s}s", "-s", str(script), url]  # fmt: skip
    return command if core is None else ["taskset", "-c", str(core), *command]


def _parse(out: str) -> Result | None:
    line = next((x for x in out.splitlines() if x.startswith(MARK)), None)
    if line is None:
        return None
    data = json.loads(line[len(MARK) :])
    errors = {k: int(data[k]) for k in ("connect", "read", "write", "status", "timeout")}
    return Result(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        bytes=int(data["bytes"]),
        p50=data["p50_us"] / 1000,
        p90=data["p90_us"] / 1000,
        p99=data["p99_us"] / 1000,
        max=data["max_us"] / 1000,
        errors={k: v for k, v in errors.items() if v},
    )


def run(
    url: str,
    *,
    connections: int,
    seconds: float,
    script: str = "",
    core: int | None = 1,
    timeout_s: int = 10,
) -> Result:
    """Load `url` for `seconds` over `connections` keep-alive connections from one thread."""
    path = _script(script)
    try:
        command = _command(url, connections, seconds, path, core, timeout_s)
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    finally:
        path.unlink(missing_ok=True)
    result = _parse(done.stdout)
    if done.returncode != 0 or result is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    return result


class Background:
    """A wrk run loading a server while something else is measured."""

    def __init__(
        self, url: str, *, connections: int, seconds: float, script: str = "", core: int | None = 1
    ) -> None:
        self._path = _script(script)
        command = _command(url, connections, seconds, self._path, core, 10)
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def stop(self) -> Result | None:
        """End the run (on SIGINT wrk still prints its figures); None if it printed none."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
        out, _ = self._process.communicate(timeout=30)
        self._path.unlink(missing_ok=True)
        return _parse(out)
