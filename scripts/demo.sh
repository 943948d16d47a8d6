#!/usr/bin/env bash
# Runs the demo: a news article with comments under it, on a local SQLite database
# (./data) and an in-process cache. Extra arguments go to `comments demo` (--port 8001).
# Every COMMENTS_* setting given in the environment is honoured.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ]; then
    if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "python3-venv is missing: install it (apt-get install python3-venv) or run as root" >&2
            exit 1
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    fi
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
# The widget's bundle, where node and npm are here (the modules are served otherwise).
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if ! node scripts/widget-tools.cjs; then
        npm ci --prefix widget --no-audit --no-fund --silent
    fi
    node widget/build.mjs --quiet || echo "the widget's bundle did not build: serving its modules" >&2
else
    echo "no node here: the widget is served as modules, not bundled" >&2
fi
exec .venv/bin/comments demo "$@"
