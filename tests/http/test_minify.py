"""The widget's JavaScript as served: comments and layout gone, the program the same.

Pieces of JavaScript the lexer could get wrong are run through node before and after;
then the whole widget, minified, must still parse and pass its own unit tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from comments.app import widget_dir
from comments.http.minify import minify_js

REPO = Path(__file__).resolve().parents[2]


def run(source: str) -> str:
    """What `source` (ending in an expression statement `result = …`) leaves in `result`."""
    script = f"let result;\n{source}\nprocess.stdout.write(JSON.stringify(result));"
    done = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


SAME_PROGRAM = {
    "strings keep comment-like text and spaces": """
        const a = "// not a comment", b = '/* nor this */', c = "  two  spaces  ";
        result = [a, b, c, 'it\\'s', "a \\" quote"];""",
    "template literals keep their text, and their code is lexed": """
        const n = 2;
        const css = `
          .a { color: red; }   /* kept, inside the template */
          // kept too
        `;
        result = [css, `${n} ${`inner ${n + 1} {`} }`, `${{ a: { b: n } }.a.b}`];""",
    "regular expressions, with slashes, quotes and brackets in them": """
        const re = /\\/\\/["']+[/]x/g;
        const half = 10 / 2 / 5;
        function f(x) { return /a b/.test(x); }
        result = [re.source, half, f("a b"), "a/b".split(/\\//), /[*]/.test("*")];""",
    "line breaks that automatic semicolons depend on": """
        function f() {
          return
            42;
        }
        let i = 1
        let j = i
        ++j
        const g = () => "g"
        const list = [1, 2]
        result = [f(), i, j, g(), list.length];""",
    "operators that must not run together": """
        const a = 1, b = 2;
        result = [a - -b, a + +b, a- -b, a / /2/.source.length, typeof "x", !a === false];""",
    "comments between tokens leave a gap where one is needed": """
        const x/* gap */= 1;
        const y = x/**/+/**/1; // trailing
        result = [x, y, typeof/**/x];""",
}


@pytest.mark.parametrize("source", SAME_PROGRAM.values(), ids=SAME_PROGRAM.keys())
def test_minified_javascript_does_what_the_source_does(source: str) -> None:
    minified = minify_js(source)
    assert run(minified) == run(source)
    assert "gap */" not in minified and "// trailing" not in minified


def test_comments_and_indentation_go() -> None:
    source = """/*
 * A module docstring.
 */

// A line comment.
export function f(a, b) {
    /** A docstring. */
    const sum = a + b; // why
    return sum;
}
"""
    assert minify_js(source) == "export function f(a,b){const sum=a+b;return sum;}\n"


@pytest.fixture(scope="module")
def minified_widget(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the widget, every .js file minified, beside a copy of its unit tests."""
    root = tmp_path_factory.mktemp("minified")
    shutil.copytree(widget_dir(), root / "widget")
    shutil.copytree(REPO / "tests" / "js", root / "tests" / "js")
    for file in (root / "widget").rglob("*.js"):
        file.write_text(minify_js(file.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def test_every_minified_widget_file_still_parses(minified_widget: Path) -> None:
    files = sorted((minified_widget / "widget").rglob("*.js"))
    assert len(files) > 20
    for file in files:
        done = subprocess.run(
            ["node", "--check", str(file)], capture_output=True, text=True, timeout=30, check=False
        )
        assert done.returncode == 0, f"{file.relative_to(minified_widget)}: {done.stderr}"


def test_the_widgets_unit_tests_pass_on_its_minified_modules(minified_widget: Path) -> None:
    # The tests that read the widget's source text (the languages test) and those of
    # modules outside the widget folder are not about what is served: left out here.
    tests = [
        path
        for path in sorted((minified_widget / "tests" / "js").glob("*.test.mjs"))
        if "../../widget/" in path.read_text(encoding="utf-8")
        and "../../comments/" not in path.read_text(encoding="utf-8")
        and "readFileSync" not in path.read_text(encoding="utf-8")
    ]
    assert len(tests) >= 3
    done = subprocess.run(
        ["node", "--test", "--test-reporter=tap", *map(str, tests)],
        cwd=minified_widget,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout, json.dumps(done.stdout[-2000:])
