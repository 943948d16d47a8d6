"""Isso 0.14 as a baseline: installed at run time into a throwaway venv, run under gunicorn.

Nothing of it is committed or kept: the venv, its configuration and its SQLite file live
in a temporary directory the caller removes (or in `--isso-venv DIR`, reused between
runs to save the install). Its guard (two comments a minute per address) is off, as
in any benchmark that posts from one address, and so is moderation; every other
setting is Isso's default (mistune rendering, PBKDF2 author hashes, `notify = stdout`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

VERSION = "0.14.0"
PACKAGES = [f"isso=={VERSION}", "gunicorn"]


def install(venv: Path) -> Path:
    """Isso and gunicorn in the venv at `venv` (created when missing); answers its bin dir."""
    bindir = venv / "bin"
    if (bindir / "gunicorn").exists() and (bindir / "isso").exists():
        return bindir
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [str(bindir / "pip"), "install", "--quiet", "--disable-pip-version-check", *PACKAGES],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"could not install {' '.join(PACKAGES)}:\n{done.stdout}{done.stderr}")
    return bindir


def config(folder: Path, port: int, website_port: int, renderer: str = "mistune") -> Path:
    """An Isso configuration: SQLite in `folder`, guard and moderation off."""
    path = folder / "isso.cfg"
    path.write_text(
        "[general]\n"
        f"dbpath = {folder / 'isso.db'}\n"
        # Isso probes this address once at start; nothing listens there, which it only logs.
        f"host = http://127.0.0.1:{website_port}/\n"
        "[moderation]\nenabled = false\n"
        "[guard]\nenabled = false\n"
        f"[markup]\nrenderer = {renderer}\n"
        f"[server]\nlisten = http://127.0.0.1:{port}/\n"
    )
    return path


def command(bindir: Path, port: int) -> list[str]:
    """gunicorn with one sync worker serving Isso's WSGI app."""
    return [str(bindir / "gunicorn"), "--workers", "1", "--worker-class", "sync",
            "--bind", f"127.0.0.1:{port}", "isso.run"]  # fmt: skip


def seed(base: str, uri: str, bodies: list[str], parents: list[int | None]) -> int:
    """Post the comments through Isso's own `POST /new`; answers how many it published."""
    ids: list[int] = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for n, (text, parent) in enumerate(zip(bodies, parents, strict=True)):
            data: dict[str, object] = {"text": text, "author": f"Author {n % 20}", "title": uri}
            if parent is not None:
                data["parent"] = ids[parent]
            answer = client.post("/new", params={"uri": uri}, json=data)
            if answer.status_code != 201:
                raise RuntimeError(f"Isso refused comment {n}: {answer.status_code} {answer.text}")
            ids.append(int(answer.json()["id"]))
            client.cookies.clear()  # Isso sets a cookie per comment: they would pile up
    return len(ids)


def wait_ready(base: str, seconds: float = 30) -> None:
    """Until Isso answers `GET /info`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/info", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("Isso did not start")
        time.sleep(0.1)
