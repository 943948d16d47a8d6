"""The widget's JavaScript without its comments and layout, as it is served: no build step.

The widget's files are written to be read, with a docstring on everything; readers'
browsers need none of it, and on a widget split into small modules the comments are a
third of the bytes. WidgetFiles serves every `.js` file through `minify_js` (then gzip),
in memory, once per file version.

It is a lexer, not a parser, and changes nothing but what lies between tokens: comments
go, and so do indentation and the spaces no pair of tokens needs. Line breaks stay where
automatic semicolon insertion could depend on them (everywhere except after `{ ; , ( [`
and before `} ) ]`). Strings, template literals (their `${…}` code is lexed like the
rest) and regular expressions are copied byte for byte. A `/` starts a regular
expression where an expression may begin: after an operator or punctuator other than
`) ] }`, after a keyword such as `return`, or at the start.
"""

from __future__ import annotations

import re

_WORD_CHAR = re.compile(r"[A-Za-z0-9_$\u0080-\U0010ffff]")
_WORD = re.compile(r"[A-Za-z0-9_$\u0080-\U0010ffff]+")
_NUMBER = re.compile(
    r"(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?"
)
_PUNCTUATORS = sorted(
    (
        ">>>= ... === !== **= <<= >>= >>> &&= ||= ??= => == != <= >= && || ?? ?. ++ -- += -= "
        "*= /= %= &= |= ^= ** << >>"
    ).split(),
    key=len,
    reverse=True,
)
_LINE_BREAKS = "\n\r\u2028\u2029"
_SPACES = " \t\v\f\u00a0\ufeff" + _LINE_BREAKS
# After these a `/` starts a regular expression, not a division.
_KEYWORDS_BEFORE_EXPRESSION = frozenset(
    "return typeof instanceof in of new delete void throw case do else yield await".split()
)
_NO_BREAK_AFTER = frozenset("{ ; , ( [".split())
_NO_BREAK_BEFORE = frozenset("} ) ]".split())


class _Lexer:
    """One pass over the source, writing the tokens out with the gaps they need."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.i = 0
        self.out: list[str] = []
        self.gap = ""  # "", " " or "\n": what lay between the last token and the next
        self.last = ""  # the last token written
        self.last_kind = ""  # "word", "punct", "string", "regex" or "template"
        self.braces = 0
        self.templates: list[int] = []  # for each open `${`, the brace depth it closes at

    def emit(self, token: str, kind: str) -> None:
        if self.out and self.gap:
            if (
                self.gap == "\n"
                and self.last not in _NO_BREAK_AFTER
                and token not in _NO_BREAK_BEFORE
            ):
                self.out.append("\n")
            elif self._needs_space(self.last, token):
                self.out.append(" ")
        self.out.append(token)
        self.gap = ""
        self.last, self.last_kind = token, kind

    @staticmethod
    def _needs_space(left: str, right: str) -> bool:
        a, b = left[-1], right[0]
        if _WORD_CHAR.match(a) and _WORD_CHAR.match(b):
            return True
        # `a + +b`, `a - -b`, and a division before a regular expression.
        return (a in "+-" and b == a) or (a == "/" and b in "/*")

    def regex_allowed(self) -> bool:
        if self.last_kind == "word":
            return self.last in _KEYWORDS_BEFORE_EXPRESSION
        if self.last_kind == "punct":
            return self.last not in (")", "]", "}")
        return self.last_kind == ""

    def run(self) -> str:
        src, n = self.src, len(self.src)
        while self.i < n:
            c = src[self.i]
            if c in _SPACES:
                self.space(c in _LINE_BREAKS)
                self.i += 1
            elif src.startswith("//", self.i):
                end = min(
                    (p for p in (src.find(b, self.i) for b in _LINE_BREAKS) if p >= 0), default=n
                )
                self.i = end
            elif src.startswith("/*", self.i):
                end = src.find("*/", self.i + 2)
                end = n if end < 0 else end + 2
                self.space(any(b in src[self.i : end] for b in _LINE_BREAKS))
                self.i = end
            elif c in "'\"":
                self.copy(self.quoted(c), "string")
            elif c == "`":
                self.template(self.i)
            elif c == "/" and self.regex_allowed():
                self.copy(self.regex(), "regex")
            elif c == "}" and self.templates and self.templates[-1] == self.braces:
                self.templates.pop()
                self.template(self.i)
            elif (
                (number := _NUMBER.match(src, self.i))
                and number.end() > self.i
                and (c.isdigit() or c == ".")
            ):
                self.emit(number.group(), "word")
                self.i = number.end()
            elif _WORD_CHAR.match(c):
                word = _WORD.match(src, self.i)
                assert word is not None
                self.emit(word.group(), "word")
                self.i = word.end()
            else:
                self.punctuator(c)
        return "".join(self.out).strip()

    def space(self, line_break: bool) -> None:
        if line_break:
            self.gap = "\n"
        elif not self.gap:
            self.gap = " "

    def punctuator(self, c: str) -> None:
        token = next((p for p in _PUNCTUATORS if self.src.startswith(p, self.i)), c)
        if token == "{":
            self.braces += 1
        elif token == "}":
            self.braces -= 1
        self.emit(token, "punct")
        self.i += len(token)

    def copy(self, end: int, kind: str) -> None:
        """Writes the source from `self.i` to `end` as one token and moves past it."""
        self.emit(self.src[self.i : end], kind)
        self.i = end

    def quoted(self, quote: str) -> int:
        """The end of the string starting at `self.i`."""
        src, j = self.src, self.i + 1
        while j < len(src) and src[j] != quote:
            j += 2 if src[j] == "\\" else 1
        return min(j + 1, len(src))

    def regex(self) -> int:
        """The end of the regular expression (with its flags) starting at `self.i`."""
        src, j, in_class = self.src, self.i + 1, False
        while j < len(src) and src[j] not in _LINE_BREAKS:
            ch = src[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                break
            j += 1
        j += 1
        while j < len(src) and _WORD_CHAR.match(src[j]):
            j += 1
        return min(j, len(src))

    def template(self, start: int) -> None:
        """A template literal's text from `start` (a backtick, or the `}` ending a `${`)
        up to its end or its next `${`, written out as it is."""
        src, j = self.src, start + 1
        while j < len(src):
            ch = src[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "`":
                j += 1
                break
            if src.startswith("${", j):
                j += 2
                self.templates.append(self.braces)
                break
            j += 1
        piece = src[start:j]
        if src[start] == "`":
            self.emit(piece, "template")
        else:  # the rest of a template after a substitution: no gap belongs before it
            self.out.append(piece)
            self.last, self.last_kind = piece, "template"
        self.gap = ""
        if piece.endswith("${"):
            self.last, self.last_kind = "(", "punct"  # an expression starts here
        self.i = j


def minify_js(source: str) -> str:
    """`source` without comments and needless whitespace; the same program."""
    return _Lexer(source).run() + "\n"
