"""One settings object, built once from defaults → config file → environment, then passed down.

Config file: `claimwatch.toml` in the working directory if present, or the path in CLAIMWATCH_CONFIG (which must
exist), table `[claimwatch]`. Command-line options, applied with `with_overrides`, come last.
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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

log = logging.getLogger(__name__)

DEFAULT_CONFIG_FILE = "claimwatch.toml"
# The project's own page: a placeholder for the operator's contact, which `claimwatch serve` warns about.
DEFAULT_CONTACT_URL = "https://github.com/claimwatch/claimwatch"


class Settings(BaseModel):
    """Every tunable of claimwatch, with the default a new user gets."""

    model_config = ConfigDict(extra="forbid")

    db: Path = Field(default=Path("data/claims.duckdb"), description="the DuckDB warehouse file")
    sources: Path = Field(default=Path("sources.toml"), description="the watch list")
    # Politeness: identify ourselves with a way to reach whoever runs this instance (a web page or mailto:),
    # as crawler etiquette asks. The User-Agent is built from it unless `user_agent` replaces it whole.
    contact_url: str = DEFAULT_CONTACT_URL
    user_agent: str = ""
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
    timezone: str = "UTC"  # the time zone the two cron schedules are read in (an IANA name)
    # Extraction fan-out: "thread" runs in-process; "dask" uses prefect-dask's DaskTaskRunner.
    task_runner: Literal["thread", "dask"] = "thread"
    dask_address: str | None = None
    dask_workers: int = 2
    extract_batch_size: int = 200
    # Extract in a second process while the next slice of pages is parsed (the `pipeline` flow and
    # `claimwatch run`); off, parsing and extraction take turns in one process.
    extract_worker: bool = True
    # Outcomes: live release data, fetched by `releases sync` and the sync-releases flow (issue 12). With
    # `releases_live = false` only the explicitly given URLs are fetched (none: the bundled Epoch ECI snapshot and
    # the seeds); an empty URL turns that one source off. Sources: see warehouse/outcomes/README.md.
    releases_live: bool = True
    # https://epoch.ai/data/eci_scores.csv: Epoch Capabilities Index per model (Epoch AI, CC BY 4.0).
    eci_url: str | None = "https://epoch.ai/data/eci_scores.csv"
    # https://epoch.ai/data/all_ai_models.csv: Epoch's AI Models dataset, daily CSV (publication date,
    # organization, country, accessibility; https://epoch.ai/data/ai-models-documentation).
    epoch_models_url: str = "https://epoch.ai/data/all_ai_models.csv"
    # Hugging Face Hub model list (https://huggingface.co/docs/hub/api): one request per author below.
    hf_api_url: str = "https://huggingface.co/api/models"
    hf_authors: str = "deepseek-ai,Qwen,moonshotai,zai-org,MiniMaxAI,meta-llama,mistralai,google,openai"
    hf_limit: int = 100
    # OpenRouter's public model list (https://openrouter.ai/docs): `created` per model, closed and open.
    openrouter_url: str = "https://openrouter.ai/api/v1/models"
    # Release downloads give up quickly (then fall back to stored or bundled data) instead of hanging offline.
    releases_connect_timeout: float = 5.0
    releases_retries: int = 1
    # Epoch's AI-models CSV carries every model's abstract and notes: several MB, over the 8 MB page cap soon.
    releases_max_body_bytes: int = 64 * 1024 * 1024
    # How long a writer waits for another writer's warehouse lock before giving up. A pipeline run holds it for
    # seconds at a time, so ten minutes covers a long backlog load without hanging forever on a stuck process.
    lock_wait_seconds: float = 600.0
    # DuckDB's memory limit and threads in every warehouse connection (a DuckDB size such as "256MB"; "" and 0
    # keep DuckDB's defaults: 80% of RAM, one thread per core). A pipeline session reads about a slice's rows, so
    # a few hundred MB is ample; the limit caps the pages a session keeps resident as the warehouse grows.
    duckdb_memory_limit: str = "256MB"
    duckdb_threads: int = Field(default=0, ge=0)
    # The budget of a user's own query (`claimwatch sql`): a one-off read that may sort or join the whole history,
    # so it gets more room than a pipeline session before DuckDB spills to disk ("" = the pipeline's limit).
    duckdb_query_memory_limit: str = "1GB"
    # Whether DuckDB's checkpoints merge the small row groups each short write appends (warehouse/db.py): off, a
    # run's memory and bytes written stay flat; `claimwatch retention --compact` rewrites the file when wanted.
    duckdb_vacuum: bool = False

    @model_validator(mode="after")
    def _fill_user_agent(self) -> Settings:
        """Build the User-Agent from contact_url unless one was given whole."""
        if not self.user_agent:
            self.user_agent = default_user_agent(self.contact_url)
        return self

    @property
    def contact_is_default(self) -> bool:
        """True while the operator has not said how to reach them (neither contact_url nor user_agent set)."""
        return self.user_agent == default_user_agent(DEFAULT_CONTACT_URL)

    def with_overrides(self, **values: Any) -> Settings:
        """Return a copy with the given non-None values replaced."""
        clean = {k: v for k, v in values.items() if v is not None}
        if "contact_url" in clean and "user_agent" not in clean and self.user_agent == default_user_agent(
                self.contact_url):
            clean["user_agent"] = default_user_agent(clean["contact_url"])
        return self.model_copy(update=clean)


def default_user_agent(contact_url: str) -> str:
    """The User-Agent claimwatch sends: its product token, version and the operator's contact."""
    from config import __version__

    return f"claimwatch/{__version__} (+{contact_url}; AI-claims research crawler)"


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
    values = _from_file(config_file)
    values.update(_from_env(Settings.model_fields))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SettingsError(f"setting {where}: {first['msg']}") from exc
    from warehouse.db import set_duckdb_limits, set_lock_wait

    # Every writer in the process opens the warehouse through warehouse.db, which takes paths, not settings.
    set_lock_wait(settings.lock_wait_seconds)
    try:
        set_duckdb_limits(settings.duckdb_memory_limit, settings.duckdb_threads, settings.duckdb_query_memory_limit,
                          settings.duckdb_vacuum)
    except ValueError as exc:
        raise SettingsError(f"setting {exc}") from exc
    return settings


def _from_file(config_file: str | Path | None) -> dict[str, Any]:
    """The `[claimwatch]` table of the config file; a file named explicitly (argument or variable) must exist."""
    named = config_file or os.environ.get("CLAIMWATCH_CONFIG")
    path = Path(named or DEFAULT_CONFIG_FILE)
    if not path.exists():
        if named:
            raise SettingsError(f"config file not found: {path} (fix CLAIMWATCH_CONFIG or create the file)")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    table = data.get("claimwatch", {})
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [claimwatch] must be a table")
    return dict(table)
