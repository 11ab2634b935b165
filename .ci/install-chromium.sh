#!/usr/bin/env bash
# Install Debian's chromium for the report rendering test (tests/test_report.py), once.
# Idempotent: does nothing when chromium is already on PATH. Needs root (CI containers run as root);
# without root it prints a notice and exits 0, and the rendering test skips with its reason.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install-chromium: not root and no passwordless sudo; skipping (the render test will skip)" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium
