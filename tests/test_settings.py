"""Settings: defaults → config file → CLAIMWATCH_* environment → command-line flags, and every setting is read."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

import warehouse.db
from claimwatch.settings import DEFAULT_CONTACT_URL, Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]
CODE_DIRS = ("claimwatch", "flows", "sources", "stages", "warehouse", "extractors")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No CLAIMWATCH_* variable from the session, and a working directory without claimwatch.toml."""
    for key in list(os.environ):
        if key.startswith("CLAIMWATCH_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    warehouse.db.set_lock_wait(120)
    warehouse.db.set_duckdb_limits("256MB", 0, "1GB")


def test_each_layer_overrides_the_one_before(clean_env, monkeypatch):
    cfg = clean_env / "cw.toml"
    cfg.write_text('[claimwatch]\nretries = 5\nper_host_interval = 2.5\nmax_redirects = 7\ndb = "from-file.duckdb"\n')
    monkeypatch.setenv("CLAIMWATCH_CONFIG", str(cfg))
    monkeypatch.setenv("CLAIMWATCH_PER_HOST_INTERVAL", "0.5")
    monkeypatch.setenv("CLAIMWATCH_DB", "from-env.duckdb")
    s = load_settings().with_overrides(db=Path("from-flag.duckdb"), sources=None)
    assert s.retries == 5  # file over default (3)
    assert s.max_redirects == 7
    assert s.per_host_interval == 0.5  # environment over file
    assert s.db == Path("from-flag.duckdb")  # flag over environment
    assert s.sources == Path("sources.toml")  # a flag left unset (None) keeps the lower layer
    assert s.connect_timeout == Settings().connect_timeout  # untouched: the default


def test_claimwatch_toml_in_the_working_directory_is_read(clean_env):
    (clean_env / "claimwatch.toml").write_text("[claimwatch]\nmax_items_per_source = 9\n")
    assert load_settings().max_items_per_source == 9


def test_a_named_config_file_that_is_missing_is_an_error(clean_env, monkeypatch):
    monkeypatch.setenv("CLAIMWATCH_CONFIG", str(clean_env / "nope.toml"))
    with pytest.raises(SettingsError, match=r"config file not found: .*nope\.toml"):
        load_settings()
    monkeypatch.delenv("CLAIMWATCH_CONFIG")
    with pytest.raises(SettingsError, match="not found"):
        load_settings(clean_env / "also-missing.toml")
    assert load_settings().retries == Settings().retries  # no file named and none present: defaults


def test_bad_values_name_the_setting(clean_env, monkeypatch):
    monkeypatch.setenv("CLAIMWATCH_RETRIES", "many")
    with pytest.raises(SettingsError, match="setting retries"):
        load_settings()
    monkeypatch.delenv("CLAIMWATCH_RETRIES")
    (clean_env / "claimwatch.toml").write_text("[claimwatch]\nno_such_setting = 1\n")
    with pytest.raises(SettingsError, match="no_such_setting"):
        load_settings()


def test_user_agent_carries_the_operators_contact(clean_env, monkeypatch):
    default = load_settings()
    assert default.contact_is_default and DEFAULT_CONTACT_URL in default.user_agent
    assert default.user_agent.startswith("claimwatch/")
    monkeypatch.setenv("CLAIMWATCH_CONTACT_URL", "mailto:crawler-ops@example.org")
    s = load_settings()
    assert "(+mailto:crawler-ops@example.org;" in s.user_agent and not s.contact_is_default
    flagged = default.with_overrides(contact_url="https://example.org/bot")
    assert "+https://example.org/bot;" in flagged.user_agent
    whole = Settings(user_agent="examplebot/2 (+https://example.org)")
    assert whole.user_agent == "examplebot/2 (+https://example.org)" and not whole.contact_is_default


def test_lock_wait_comes_from_the_settings(clean_env, monkeypatch):
    monkeypatch.setenv("CLAIMWATCH_LOCK_WAIT_SECONDS", "7.5")
    load_settings()
    assert warehouse.db.LOCK_WAIT_SECONDS == 7.5


def test_duckdb_limits_come_from_the_settings(clean_env, monkeypatch):
    s = load_settings()
    assert (s.duckdb_memory_limit, s.duckdb_threads) == ("256MB", 0)
    assert warehouse.db.duckdb_config() == {"memory_limit": "256MB", "max_vacuum_tasks": 0}
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_THREADS", "1")
    load_settings()
    assert warehouse.db.duckdb_config() == {"memory_limit": "1GB", "threads": 1, "max_vacuum_tasks": 0}
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_MEMORY_LIMIT", "")
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_THREADS", "0")
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_VACUUM", "true")
    load_settings()
    assert warehouse.db.duckdb_config() == {}
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_THREADS", "-1")
    with pytest.raises(SettingsError, match="duckdb_threads"):
        load_settings()


def test_every_setting_is_read_somewhere():
    """A setting no code reads is a promise the program does not keep."""
    sources = "\n".join(p.read_text(encoding="utf-8") for d in CODE_DIRS for p in (ROOT / d).rglob("*.py")
                        if p.name != "settings.py")
    settings_src = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    tree = ast.parse(settings_src)
    # Properties and validators inside settings.py read some fields (contact_url builds user_agent).
    read_in_settings = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    unread = [name for name in Settings.model_fields
              if not re.search(rf"\.{name}\b", sources) and name not in read_in_settings]
    assert unread == []


def test_the_command_line_applies_the_same_order(clean_env, monkeypatch):
    from typer.testing import CliRunner

    from claimwatch.cli import app

    for name in ("file", "env", "flag"):
        (clean_env / f"{name}.toml").write_text(f'[[source]]\nname = "{name}-source"\ntype = "rss"\n'
                                                'url = "https://example.org/feed"\n')
    (clean_env / "claimwatch.toml").write_text('[claimwatch]\nsources = "file.toml"\n')

    def listed(*args: str) -> str:
        res = CliRunner().invoke(app, ["sources", "list", *args])
        assert res.exit_code == 0, res.output
        return res.output

    assert "file-source" in listed()
    monkeypatch.setenv("CLAIMWATCH_SOURCES", "env.toml")
    assert "env-source" in listed()
    assert "flag-source" in listed("--sources", "flag.toml")


def test_a_users_query_gets_its_own_memory_budget(clean_env, monkeypatch):
    from warehouse import writer
    from warehouse.db import read_only_batches, read_only_query

    db = clean_env / "w.duckdb"
    with writer(db) as con:
        con.execute("SELECT 1")
    load_settings()
    pipeline = warehouse.db.connect(db, read_only=True)
    try:
        assert pipeline.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "244.1 MiB"
    finally:
        pipeline.close()
    assert read_only_query(db, "SELECT current_setting('memory_limit')")[1] == [("953.6 MiB",)]
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_QUERY_MEMORY_LIMIT", "512MB")
    load_settings()
    with read_only_batches(db, "SELECT current_setting('memory_limit') AS m") as batches:
        assert batches.read_all().column("m").to_pylist() == ["488.2 MiB"]
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_QUERY_MEMORY_LIMIT", "lots")
    with pytest.raises(SettingsError, match="duckdb_query_memory_limit"):
        load_settings()
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_QUERY_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("CLAIMWATCH_DUCKDB_MEMORY_LIMIT", "a lot")
    with pytest.raises(SettingsError, match="duckdb_memory_limit"):
        load_settings()
