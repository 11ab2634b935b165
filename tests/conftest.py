"""Test-wide setup: Prefect gets a private home and no analytics; nothing here talks to the internet."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Before anything imports prefect: a throwaway PREFECT_HOME per test session, no analytics, no API URL
# inherited from the developer's shell (tests that need a server start their own on loopback).
_HOME = tempfile.mkdtemp(prefix="claimwatch-prefect-")
os.environ["PREFECT_HOME"] = _HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("CLAIMWATCH_LOCK_WAIT_SECONDS", "120")
# The CLI's log file (claimwatch.logsetup) goes under $XDG_STATE_HOME: a throwaway one, not the user's.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="claimwatch-state-")

ROOT = Path(__file__).resolve().parents[1]
# Retries keep their count but not their wall-clock wait: tests exercise the retry path, not the patience.
os.environ.setdefault("CLAIMWATCH_BACKOFF_SECONDS", "0.05")
# Every test server is on loopback: no politeness interval is owed to ourselves.
os.environ.setdefault("CLAIMWATCH_PER_HOST_INTERVAL", "0.01")
# Release sync never reaches the internet from a test: live sources are off, and every default live URL is
# replaced by a closed loopback port the SSRF guard refuses anyway. Tests of the live path set their own URLs.
os.environ.setdefault("CLAIMWATCH_RELEASES_LIVE", "false")
for _url_setting in ("ECI_URL", "EPOCH_MODELS_URL", "HF_API_URL", "OPENROUTER_URL"):
    os.environ.setdefault(f"CLAIMWATCH_{_url_setting}", "http://127.0.0.1:9/no-live-data-in-tests")

# Modules that run Prefect flows take `prefect_api` (tests/prefect_api.py): one test server per module.
pytest_plugins = ["tests.prefect_api"]
