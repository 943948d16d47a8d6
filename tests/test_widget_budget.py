"""The widget's size budget: what an anonymous reader's browser downloads for the first
screen, in one language, gzip'd as the service serves it, is at most 15 KB.

That is the loader (`comments.js`), every module `app/main.js` imports statically,
followed through (styles included: they are a module), and one language file. Modules
the widget asks for on demand (logging in, writing, the live stream, rare actions) are
left out of the sum and listed beside it. The loader's own list of first-screen modules,
which it asks for all at once, must be exactly that set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from comments.app import widget_dir
from comments.http.widget_files import WidgetFiles

BUDGET = 15 * 1024
ENTRY = "app/main.js"
LOADER = "comments.js"
STATIC_IMPORT = re.compile(
    r'^\s*(?:import|export)\b[^;"`]*?\bfrom\s*"([^"]+)"|^\s*import\s*"([^"]+)"', re.M
)
DYNAMIC_IMPORT = re.compile(r'\bimport\(\s*"([^"]+)"\s*\)')
LOADER_LIST = re.compile(r"const FIRST_SCREEN = \[([^\]]*)\]")


def resolve(module: str, target: str) -> str:
    """`target` as imported by `module`, relative to the widget folder."""
    return (Path(module).parent / target).as_posix().replace("app/../", "")


def imports(module: str, pattern: re.Pattern[str]) -> list[str]:
    text = (widget_dir() / module).read_text(encoding="utf-8")
    return [resolve(module, m.group(1) or m.group(2)) for m in pattern.finditer(text)]


def static_closure(entry: str) -> list[str]:
    """`entry` and everything it imports statically, followed through."""
    seen: list[str] = []
    todo = [entry]
    while todo:
        module = todo.pop(0)
        if module not in seen:
            seen.append(module)
            todo += imports(module, STATIC_IMPORT)
    return seen


def on_demand(first: list[str]) -> list[str]:
    """The modules asked for with `import("…")` anywhere in the app, and what they import."""
    found: list[str] = []
    for file in sorted((widget_dir() / "app").glob("*.js")):
        for target in imports(f"app/{file.name}", DYNAMIC_IMPORT):
            found += [m for m in static_closure(target) if m not in first and m not in found]
    return found


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, int]]:
    """Each file's size as the service sends it to a browser that takes gzip."""
    files = WidgetFiles(directory=widget_dir())
    client = TestClient(files)  # a bare file app: no lifespan to run
    sizes: dict[str, int] = {}
    first = static_closure(ENTRY)
    for path in [LOADER, *first, "i18n/en.js", "i18n/ru.js", *on_demand(first)]:
        url = f"/{path}" if path == LOADER else f"/v/{files.version}/{path}"
        r = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200, path
        assert r.headers["content-encoding"] == "gzip", path
        sizes[path] = int(r.headers["content-length"])
    yield sizes


def table(rows: list[tuple[str, int]]) -> str:
    return "\n".join(f"  {path:<22} {n:>6} B" for path, n in rows)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_first_screen_in_one_language_fits_in_15_kb(served: dict[str, int], language: str) -> None:
    first = [LOADER, *static_closure(ENTRY), f"i18n/{language}.js"]
    rows = [(path, served[path]) for path in first]
    later = [(path, served[path]) for path in on_demand(static_closure(ENTRY))]
    total = sum(n for _, n in rows)
    report = (
        f"first screen ({language}), gzip'd as served: {total} B of {BUDGET} B\n"
        f"{table(rows)}\non demand (not counted):\n{table(later)}"
    )
    print(report)
    assert total <= BUDGET, report


def test_the_loader_asks_for_exactly_the_first_screen_at_once() -> None:
    listed = LOADER_LIST.search((widget_dir() / LOADER).read_text(encoding="utf-8"))
    assert listed, "comments.js names its first-screen modules in FIRST_SCREEN"
    named = re.findall(r'"([^"]+)"', listed.group(1))
    assert named[0] == ENTRY
    assert sorted(named) == sorted(static_closure(ENTRY))
