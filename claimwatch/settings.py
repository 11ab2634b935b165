"""One settings object, built once from defaults → config file → environment, then passed down.

Config file: `claimwatch.toml` in the working directory (or the path in CLAIMWATCH_CONFIG), table `[claimwatch]`.
Environment: `CLAIMWATCH_<FIELD>` in upper case, e.g. CLAIMWATCH_DB=/data/claims.duckdb.
Secrets (X bearer token, Bluesky app password) are never fields here: connectors read them from the environment
or a Prefect Secret block at the moment they need them, so they cannot leak through a settings dump.
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)

DEFAULT_CONFIG_FILE = "claimwatch.toml"


class Settings(BaseModel):
    """Every tunable of claimwatch, with the default a new user gets."""

    model_config = ConfigDict(extra="forbid")

    db: Path = Field(default=Path("data/claims.duckdb"), description="the DuckDB warehouse file")
    sources: Path = Field(default=Path("sources.toml"), description="the watch list")
    # Politeness: identify ourselves with a way to reach the operator, as crawler etiquette asks.
    user_agent: str = "claimwatch/0.1 (+https://github.com/claimwatch/claimwatch; AI-claims research crawler)"
    contact_url: str = "https://github.com/claimwatch/claimwatch"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    # A news article is rarely over 2 MB of HTML; 8 MB leaves room for heavy pages yet stops a runaway body.
    max_body_bytes: int = 8 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff_seconds: float = 1.0
    max_retry_after: float = 60.0
    # At most this many requests in flight per host, and at least this many seconds between two starts.
    per_host_concurrency: int = 2
    per_host_interval: float = 1.0
    total_concurrency: int = 16
    respect_robots: bool = True
    max_items_per_source: int = 200
    # Scheduling (used by `claimwatch serve`).
    ingest_interval_minutes: int = 30
    resolve_cron: str = "15 4 * * *"
    sync_releases_cron: str = "0 4 * * *"
    timezone: str = "UTC"
    # Extraction fan-out: "thread" runs in-process; "dask" uses prefect-dask's DaskTaskRunner.
    task_runner: Literal["thread", "dask"] = "thread"
    dask_address: str | None = None
    dask_workers: int = 2
    extract_batch_size: int = 200
    # Extract in a second process while the next slice of pages is parsed (the `pipeline` flow and
    # `claimwatch run`); off, parsing and extraction take turns in one process.
    extract_worker: bool = True
    # Outcomes.
    eci_url: str | None = None
    lock_wait_seconds: float = 600.0

    def with_overrides(self, **values: Any) -> Settings:
        """Return a copy with the given non-None values replaced."""
        clean = {k: v for k, v in values.items() if v is not None}
        return self.model_copy(update=clean)


class SettingsError(ValueError):
    """A configuration value that cannot be used, with where it came from."""


def _from_env(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        key = f"CLAIMWATCH_{name.upper()}"
        if key in os.environ:
            out[name] = os.environ[key]
    return out


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings: defaults, then the config file (if any), then CLAIMWATCH_* variables, then overrides."""
    values: dict[str, Any] = {}
    path = Path(config_file or os.environ.get("CLAIMWATCH_CONFIG", DEFAULT_CONFIG_FILE))
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: {exc}") from exc
        values.update(data.get("claimwatch", {}))
    values.update(_from_env(Settings.model_fields))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SettingsError(f"setting {where}: {first['msg']}") from exc
