#!/usr/bin/env bash
# Runs the demo: an article with comments under it, on a local SQLite database.
# Extra arguments go to `comments demo` (e.g. --port 8001).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
exec .venv/bin/comments demo "$@"
