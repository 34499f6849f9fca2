#!/usr/bin/env bash
# Installs headless Chromium for the Web UI browser test (test/ui): Debian's `chromium` package,
# which playwright-core drives through /usr/bin/chromium (no Playwright browser download).
# Idempotent and quiet when Chromium is already there. Needs root (or sudo) and apt.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: apt-get not found; install Chromium yourself so that $CHROMIUM exists" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-chromium: run as root (or install sudo) to apt-get install chromium" >&2; exit 1; }
  SUDO=(sudo)
fi

echo "install-chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null

[ -x "$CHROMIUM" ] || { echo "install-chromium: apt installed chromium but $CHROMIUM is missing" >&2; exit 1; }
echo "install-chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed"
