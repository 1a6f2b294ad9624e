#!/usr/bin/env bash
# Installs what the end-to-end tests (pytest -m e2e, tests/e2e/) need on top of `make setup`:
#   * Debian's Chromium (/usr/bin/chromium), driven headless by Playwright for Python;
#     Playwright's own browser download (`playwright install`) is never used;
#   * Playwright for Python in the project's virtualenv;
#   * the Microsoft 365 Agents Playground (npm @microsoft/m365agentsplayground 0.2.28) and
#     Microsoft's app manifest schemas (npm @microsoft/app-manifest 1.1.2), pinned by
#     tests/e2e/playground/package.json + package-lock.json, into tests/e2e/playground/node_modules
#     (git-ignored);
#   * fonts-noto-cjk, so Japanese renders in the screenshots.
# Safe to run again: every step is skipped when its result is already there.
# Usage: bash scripts/install-e2e.sh   (as root, or with sudo for apt-get)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
PLAYWRIGHT_SPEC="${PLAYWRIGHT_SPEC:-playwright>=1.48,<2}"

if ! command -v chromium >/dev/null 2>&1; then
    echo "install-e2e: installing Debian chromium"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        chromium fonts-noto-cjk >/dev/null
fi
chromium --version

if [ ! -x "$VENV/bin/python" ]; then
    echo "install-e2e: no virtualenv at $VENV; run 'make setup' first" >&2
    exit 1
fi
if ! "$VENV/bin/python" -c "import playwright" 2>/dev/null; then
    echo "install-e2e: installing Playwright for Python (no browser download)"
    "$VENV/bin/pip" install --quiet "$PLAYWRIGHT_SPEC"
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install-e2e: npm is missing; install Node.js 18+ (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi
PLAYGROUND=tests/e2e/playground
if [ ! -x "$PLAYGROUND/node_modules/.bin/agentsplayground" ] \
        || [ ! -d "$PLAYGROUND/node_modules/@microsoft/app-manifest" ] \
        || ! cmp -s "$PLAYGROUND/package-lock.json" "$PLAYGROUND/node_modules/.package-lock.json.installed"; then
    echo "install-e2e: installing the Microsoft 365 Agents Playground (pinned in $PLAYGROUND)"
    (cd "$PLAYGROUND" && npm ci --no-audit --no-fund --omit-lockfile-registry-resolved)
    cp "$PLAYGROUND/package-lock.json" "$PLAYGROUND/node_modules/.package-lock.json.installed"
fi
"$PLAYGROUND/node_modules/.bin/agentsplayground" --version || true
echo "install-e2e: ready"
