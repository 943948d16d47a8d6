"""Accessibility checks with axe-core, loaded into the page from the test run's own files.

`scripts/test.sh` installs axe-core with npm beside these tests; nothing is fetched by the
page. axe reads open shadow roots, so the widget's Shadow DOM is checked with the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def violations(page: Page, context: str | None = None) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the page (or under the `context` selector)."""
    if not page.evaluate("() => Boolean(window.axe)"):
        # Evaluated through the browser's debugging protocol: a strict page CSP doesn't block it.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    found: list[dict[str, Any]] = page.evaluate(
        """async (context) => {
            const root = context ? document.querySelector(context) : document;
            const result = await window.axe.run(root, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        context,
    )
    return [v for v in found if v["impact"] in SERIOUS]


def describe(found: list[dict[str, Any]]) -> str:
    """The violations as lines a failing assertion can show."""
    lines = []
    for v in found:
        lines.append(f"{v['impact']} {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['summary']}")
    return "\n".join(lines)
