"""CPU time of processes and their descendants, from /proc: a figure other load cannot inflate.

Requests a second fall when something else runs on the machine; the CPU seconds a
server spends per request hardly move. Each figure sums user and system time of a
process, of its threads, of its live descendants, and of the children it has reaped.
"""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """The parent pid and the CPU seconds (own and reaped children's) of one process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the name in parentheses may hold spaces
    # After the name: state, ppid, ..., utime (14th field overall), stime, cutime, cstime.
    ppid = int(fields[1])
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    return ppid, ticks / TICK


def _table() -> dict[int, tuple[int, float]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def seconds(roots: list[int]) -> float:
    """CPU seconds used so far by these processes and everything below them."""
    table = _table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, todo, seen = 0.0, list(roots), set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in table:
            continue
        seen.add(pid)
        total += table[pid][1]
        todo += children.get(pid, [])
    return total


def find(*needles: str) -> list[int]:
    """The processes whose command line holds every needle, outermost only."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if all(needle in line for needle in needles):
            found.append(int(entry.name))
    table = _table()
    return [pid for pid in found if table.get(pid, (0, 0.0))[0] not in found]
