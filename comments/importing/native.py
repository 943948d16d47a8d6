"""Our own format: a site's full export as JSON lines, and its exact restore.

The first line names the format, its version and the schema revision; each further line
is `{"table": name, "row": {…}}`, table by table in the order a restore needs. Rows keep
their ids, times and states, so a restore into an empty site (on any database engine)
gives back every row as it was, minus what never leaves: the SSO secret, webhook
secrets, sessions and tokens, and e-mail addresses unless `--with-emails`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TextIO

from comments.importing.progress import Progress
from comments.importing.records import ImportFailed
from comments.service import Service
from comments.service.effects import Consequences
from comments.service.freshness import Freshness
from comments.storage import Effects, RestoreRefused

FORMAT = "comments-export"
VERSION = 1
MAX_LINE = 1 << 20


def sniff(head: bytes) -> bool:
    """Whether a file starts like one of our exports."""
    return head.lstrip().startswith(b'{"format": "comments-export"') or (
        b'"format":"comments-export"' in head[:200]
    )


async def export_site(
    service: Service, site: str, path: Path, out: TextIO, *, with_emails: bool
) -> dict[str, int]:
    """Write the site's rows to `path`; answers rows per table."""
    await service.sites.get(site)  # a mistyped name is an error, not an empty file
    progress = Progress("exporting", out, unit="rows")
    counts: dict[str, int] = {}
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"format": FORMAT, "version": VERSION, "site": site}) + "\n")
        async for table, row in service.deps.storage.export_rows(site, with_emails=with_emails):
            handle.write(json.dumps({"table": table, "row": row}, ensure_ascii=False) + "\n")
            counts[table] = counts.get(table, 0) + 1
            progress.update()
    progress.finish()
    return counts


async def _rows(path: Path, progress: Progress) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    with path.open("rb") as handle:
        head = handle.readline(MAX_LINE)
        try:
            header = json.loads(head)
        except ValueError:
            raise ImportFailed(f"{path} line 1: not one of our exports") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ImportFailed(f"{path} line 1: not one of our exports")
        if header.get("version") != VERSION:
            raise ImportFailed(
                f"{path} line 1: export version {header.get('version')!r} is unknown"
            )
        for number, line in enumerate(handle, 2):
            if len(line) > MAX_LINE:
                raise ImportFailed(f"{path} line {number}: a line over 1 MB")
            try:
                item = json.loads(line)
                table, row = item["table"], item["row"]
            except (ValueError, KeyError, TypeError):
                raise ImportFailed(f"{path} line {number}: not a table row") from None
            if not isinstance(table, str) or not isinstance(row, dict):
                raise ImportFailed(f"{path} line {number}: not a table row")
            progress.update()
            yield table, row


async def restore_site(service: Service, site: str, path: Path, out: TextIO) -> dict[str, int]:
    """Restore an export into `site` (created when new), whole or not at all."""
    progress = Progress("restoring", out, unit="rows")
    try:
        counts = await service.deps.storage.restore_rows(site, _rows(path, progress))
    except RestoreRefused as exc:
        raise ImportFailed(str(exc)) from None
    except KeyError as exc:
        raise ImportFailed(f"{path}: unknown table {exc}") from None
    except (ValueError, TypeError) as exc:
        raise ImportFailed(f"{path}: a row does not fit its table ({exc})") from None
    progress.finish()
    bump = Consequences(service.deps).site_changed(site)  # every cached page of the site
    await service.deps.storage.record(Effects(outbox=(bump,)))
    await Freshness(service.deps).after([bump])  # at once; the outbox row retries it
    return counts
