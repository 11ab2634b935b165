"""Deployments against a real `prefect server` on loopback: serve, trigger with `prefect deployment run`, wait.

Slow by nature (a server start, a serve process and flow runs): one module, one server, several checks.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from claimwatch.demo import serve_corpus, write_sources
from tests.integrity import content_problems, syndicated_links
from warehouse import reader

# Raw items one run of the demo corpus stores: its three feeds (one truncated) and thirteen article pages.
DEMO_RAW_ITEMS = 16

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def _api(api: str, path: str, body: dict | None = None) -> object:
    req = urllib.request.Request(api + path, data=json.dumps(body or {}).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def prefect_stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deploy")
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": api, "PREFECT_RUNNER_POLL_FREQUENCY": "2", "PREFECT_LOGGING_LEVEL": "INFO",
           "PREFECT_UI_ENABLED": "false"}
    logs = tmp / "logs"
    logs.mkdir()
    procs: list[subprocess.Popen] = []
    with serve_corpus(port=None) as base, open(logs / "server.log", "w") as server_log, \
            open(logs / "serve.log", "w") as serve_log:
        sources = write_sources(base, tmp / "sources.toml")
        db = tmp / "w.duckdb"
        server = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(server)
        try:
            _wait_http(f"{api}/health", 90)
            serve = subprocess.Popen(
                [str(BIN / "claimwatch"), "serve", "--sources", str(sources), "--db", str(db)],
                env=env, cwd=tmp, stdout=serve_log, stderr=subprocess.STDOUT,
                start_new_session=True)
            procs.append(serve)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                names = [d["name"] for d in _api(api, "/deployments/filter")]  # type: ignore[union-attr]
                if len(names) >= 5:
                    break
                assert serve.poll() is None, (logs / "serve.log").read_text()
                time.sleep(1)
            yield {"api": api, "env": env, "db": db, "sources": sources, "logs": logs, "tmp": tmp}
        finally:
            for p in reversed(procs):
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)


def _run_deployment(stack, name: str, *params: str) -> subprocess.Popen:
    args = [str(BIN / "prefect"), "deployment", "run", name, "--watch", "--watch-timeout", "600"]
    for p in params:
        args += ["--param", p]
    return subprocess.Popen(args, env=stack["env"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _flow_runs(stack) -> list[dict]:
    return _api(stack["api"], "/flow_runs/filter", {"sort": "EXPECTED_START_TIME_ASC"})  # type: ignore[return-value]


def test_deployments_are_registered_with_schedules(prefect_stack):
    all_deps = _api(prefect_stack["api"], "/deployments/filter")
    assert {d["name"] for d in all_deps} == {"claimwatch"}  # type: ignore[union-attr]  # "<flow>/claimwatch"
    flows = {f["id"]: f["name"] for f in _api(prefect_stack["api"], "/flows/filter")}  # type: ignore[union-attr]
    by_flow = {flows[d["flow_id"]]: d for d in all_deps}  # type: ignore[union-attr]
    assert {"pipeline", "ingest", "extract", "resolve", "sync-releases"} <= set(by_flow)
    assert by_flow["ingest"]["schedules"], "ingest must be scheduled"
    assert by_flow["resolve"]["schedules"] and by_flow["sync-releases"]["schedules"]


def test_two_triggered_pipeline_runs_complete_without_duplicates(prefect_stack):
    db = str(prefect_stack["db"])
    first = _run_deployment(prefect_stack, "pipeline/claimwatch", f"db={db}")
    second = _run_deployment(prefect_stack, "pipeline/claimwatch", f"db={db}")
    out1, _ = first.communicate(timeout=700)
    out2, _ = second.communicate(timeout=700)
    assert first.returncode == 0, out1 + (prefect_stack["logs"] / "serve.log").read_text()[-4000:]
    assert second.returncode == 0, out2 + (prefect_stack["logs"] / "serve.log").read_text()[-4000:]
    runs = [r for r in _flow_runs(prefect_stack) if r["deployment_id"] and r["parent_task_run_id"] is None]
    pipeline_runs = [r for r in runs if r["state_type"] == "COMPLETED"]
    assert len(pipeline_runs) >= 2
    with reader(db) as con:
        claims = con.execute("SELECT count(*) FROM claims").fetchall()[0][0]
        problems = content_problems(con)
        copies = syndicated_links(con)
        raw = con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0]
    # Two runs over one corpus store each body once, one original per content, one extraction per document.
    assert claims > 0 and problems == {}
    assert raw == DEMO_RAW_ITEMS  # what one run of the demo corpus stores: the second run added nothing
    # The syndicated copy was fetched and resolved to the original it republishes.
    assert [(a.split("/", 3)[3], b.split("/", 3)[3]) for a, b in copies] == [
        ("syndication/2025/11/19/us-lead-over-china-months.html", "2025/11/18/us-lead-over-china-months.html")]
    # the run published its markdown artifact
    arts = _api(prefect_stack["api"], "/artifacts/filter", {"artifacts": {"key": {"any_": ["claimwatch-run"]}}})
    assert arts and "Counts per stage" in arts[0]["data"]  # type: ignore[index]
