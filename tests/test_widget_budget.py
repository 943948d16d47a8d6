"""The widget's size budget: what an anonymous reader's browser downloads for the first
screen, in one language, gzip'd as the service serves it; and in brotli, which every
current browser takes and gets, held to a ceiling of its own.

The goal is 15 KB, and it is not met yet (about 17.7 KB in English, 18.2 KB in Russian): that
test is marked as an expected failure, strict, so it turns red the day it passes and the
mark must go. Until then a ceiling just above today's size fails any growth.

That is the bundle (`widget/build.mjs`) as the service serves it: the loader
(`comments.js`, its map of the bundle filled in, from which it guesses the language file
itself), the entry `app/main.js` (the whole first screen's code, one file) and one
language file; each file once. The files the widget asks for on demand (logging in,
writing, the live stream, the pages after the first, rare actions, the words only those
show, the other languages) are left out of the sum and listed beside it. The test command
builds the bundle before the tests; without it (no node here) this test fails and says so.

For the modules (served when the bundle is not), the loader's own list of first-screen
modules, which it asks for all at once, must be exactly what `app/main.js` imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from comments.app import widget_dir
from comments.http.widget_bundle import load_bundle, sources_hash
from comments.http.widget_files import WidgetFiles

BUDGET = 15 * 1024
CEILING = 17982 + 256  # the Russian first screen once trimmed, and a little: no growth past it
BROTLI_CEILING = 16679 + 256  # the same, in brotli
ENTRY = "app/main.js"
LOADER = "comments.js"
STATIC_IMPORT = re.compile(
    r'^\s*(?:import|export)\b[^;"`]*?\bfrom\s*"([^"]+)"|^\s*import\s*"([^"]+)"', re.M
)
LOADER_LIST = re.compile(r"const FIRST_SCREEN = \[([^\]]*)\]")


@pytest.fixture(scope="module")
def files() -> WidgetFiles:
    """The widget as the app serves it; the bundle, or the reason it is not served."""
    served = WidgetFiles(directory=widget_dir())
    if served.bundle is None:
        why = load_bundle(widget_dir(), sources_hash(widget_dir()))[1]
        pytest.fail(f"the first screen is measured on the bundle, and it is not served: {why}")
    return served


@pytest.fixture(scope="module")
def served(files: WidgetFiles) -> Iterator[dict[str, dict[str, int]]]:
    """Each file's size as the service sends it to a browser that takes gzip (and not
    brotli), and to one that takes brotli (every current browser does), by coding."""
    assert files.bundle is not None
    client = TestClient(files)  # a bare file app: no lifespan to run
    sizes: dict[str, dict[str, int]] = {"gzip": {}, "br": {}}
    names = {name for chunks in files.bundle.modules.values() for name in chunks}
    for coding, sent in sizes.items():
        for path in [LOADER, *sorted(names)]:
            url = f"/{path}" if path == LOADER else f"/v/{files.version}/{path}"
            r = client.get(url, headers={"Accept-Encoding": coding})
            assert r.status_code == 200, path
            # A file too small to shrink goes out as it is: its length is what counts.
            assert r.headers.get("content-encoding", coding) == coding, path
            sent[path] = int(r.headers["content-length"])
    yield sizes


def first_screen(files: WidgetFiles, language: str) -> list[str]:
    """The files the loader asks for before the first comments show, each once."""
    assert files.bundle is not None
    table = files.bundle.modules
    wanted = [LOADER, *table[ENTRY], *table[f"i18n/{language}.js"]]
    return list(dict.fromkeys(wanted))


def table(rows: list[tuple[str, int]]) -> str:
    return "\n".join(f"  {path:<26} {n:>6} B" for path, n in rows)


def measured(
    files: WidgetFiles, served: dict[str, int], language: str, limit: int, coding: str
) -> tuple[int, str]:
    first = first_screen(files, language)
    rows = [(path, served[path]) for path in first]
    later = [(path, n) for path, n in served.items() if path not in first]
    total = sum(n for _, n in rows)
    report = (
        f"first screen ({language}), bundled, in {coding} as served: {total} B of {limit} B\n"
        f"{table(rows)}\non demand (not counted):\n{table(later)}"
    )
    print(report)
    return total, report


GOAL_NOT_MET = pytest.mark.xfail(strict=True, reason="the 15 KB goal is not met yet (17.7 KB)")


@pytest.mark.parametrize(
    "limit",
    [pytest.param(BUDGET, id="goal-15KB", marks=GOAL_NOT_MET), pytest.param(CEILING, id="ceiling")],
)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_first_screen_in_one_language_fits(
    files: WidgetFiles, served: dict[str, dict[str, int]], language: str, limit: int
) -> None:
    total, report = measured(files, served["gzip"], language, limit, "gzip")
    assert total <= limit, report


@pytest.mark.parametrize("language", ["en", "ru"])
def test_first_screen_in_brotli_is_smaller_still_and_does_not_grow(
    files: WidgetFiles, served: dict[str, dict[str, int]], language: str
) -> None:
    """What a browser taking brotli downloads: each file smaller than in gzip, and all of
    them under their own ceiling."""
    total, report = measured(files, served["br"], language, BROTLI_CEILING, "br")
    for path in first_screen(files, language):
        assert served["br"][path] < served["gzip"][path], path
    assert total <= BROTLI_CEILING, report


def test_the_first_screen_asks_for_nothing_on_demand(files: WidgetFiles) -> None:
    """Writing, logging in, what only a logged-in reader sees, the rare actions and their
    words, the reading of a publisher's own words, are files of their own."""
    assert files.bundle is not None
    first = set(first_screen(files, "en"))
    later = ("app/pages.js", "app/words-later.js", "i18n-later/en.js", "app/overrides.js")
    writing = ("app/composer.js", "app/reader.js", "app/login.js")
    for module in (*writing, "app/report.js", "app/live.js", *later):
        assert files.bundle.modules[module][0] not in first, module


def test_the_first_screen_is_one_file_of_code(files: WidgetFiles) -> None:
    """One request for the code, not one per chunk: the modules asked for later take what
    they share with it from it."""
    assert files.bundle is not None
    assert files.bundle.modules[ENTRY] == [ENTRY]
    for module in ("app/composer.js", "app/live.js"):
        assert ENTRY not in files.bundle.modules[module], module
        chunks = files.bundle.modules[module]
        texts = [files.bundle.files[chunk].decode() for chunk in chunks]
        assert any('from"../app/main.js"' in text for text in texts), module


def resolve(module: str, target: str) -> str:
    """`target` as imported by `module`, relative to the widget folder."""
    return (Path(module).parent / target).as_posix().replace("app/../", "")


def static_closure(entry: str) -> list[str]:
    """`entry` and every module it imports statically, followed through."""
    seen: list[str] = []
    todo = [entry]
    while todo:
        module = todo.pop(0)
        if module not in seen:
            seen.append(module)
            text = (widget_dir() / module).read_text(encoding="utf-8")
            todo += [
                resolve(module, m.group(1) or m.group(2)) for m in STATIC_IMPORT.finditer(text)
            ]
    return seen


def test_the_loader_asks_for_exactly_the_first_screen_at_once_without_the_bundle() -> None:
    listed = LOADER_LIST.search((widget_dir() / LOADER).read_text(encoding="utf-8"))
    assert listed, "comments.js names its first-screen modules in FIRST_SCREEN"
    named = re.findall(r'"([^"]+)"', listed.group(1))
    assert named[0] == ENTRY
    assert sorted(named) == sorted(static_closure(ENTRY))
