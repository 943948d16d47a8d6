"""Text that goes inside the pages the service writes itself."""

from __future__ import annotations

# What could end a <script> element or a JavaScript string, written as JSON escapes instead.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_safe(json_text: str) -> str:
    """JSON text that can sit inside a `<script>` element: nothing in it closes one."""
    return json_text.translate(_SCRIPT_SAFE)
