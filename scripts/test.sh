#!/usr/bin/env bash
# The project's single test command. Run from anywhere, as root on a fresh Debian
# machine with Python 3.11+ (or as a user who already has the system packages).
# Installs what is missing, then runs, stopping at the first failure:
#   ruff check, mypy, lint-imports, the widget's JavaScript tests (node --test),
#   pytest (extra arguments go to pytest; it builds the widget's bundle first).
# The tests start their own throwaway Redis and PostgreSQL servers, one set for each of
# pytest's worker processes: COMMENTS_TEST_WORKERS of them (3 unless set; `-n 0` among
# the arguments runs the tests in this process alone). Many tests wait on servers and
# browsers more than they compute, so three workers beat two even on two cores.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

have_postgres_server() {
    local bindir
    if bindir="$(pg_config --bindir 2>/dev/null)" && [ -x "$bindir/initdb" ]; then
        return 0
    fi
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
have_postgres_server || missing+=(postgresql)
if [ ! -x .venv/bin/python ] && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

if [ "${#missing[@]}" -gt 0 ]; then
    step "installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages: ${missing[*]} (run as root, or install them first)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    step "creating .venv"
    python3 -m venv .venv
fi

step "installing the project and its test tools"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

step "ruff check"
.venv/bin/ruff check .

step "mypy"
.venv/bin/mypy

step "lint-imports"
.venv/bin/lint-imports

if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
    step "installing axe-core for the accessibility tests (npm)"
    npm install --prefix tests/browser --no-audit --no-fund --silent
fi

# The widget's build tools (esbuild and zopfli, pinned in widget/package.json); the tests
# build the bundle.
if ! node scripts/widget-tools.cjs; then
    step "installing the widget's build tools (npm ci)"
    npm ci --prefix widget --no-audit --no-fund --silent
fi

step "node --test (the widget)"
node --test tests/js/

step "pytest"
status=0
.venv/bin/pytest -n "${COMMENTS_TEST_WORKERS:-3}" "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure" >&2
    exit 1
fi
exit "$status"
