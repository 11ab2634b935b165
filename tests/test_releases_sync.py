"""Release sync: Epoch CSVs (renamed headers, quoted newlines, country lists) and the Hub API on a loopback server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from claimwatch.outcomes_cli import SyncError, releases_sync_command, sync_releases
from sources.download import download
from tests.httpfixture import fast_settings
from warehouse.db import migrate, open_db, reader
from warehouse.outcomes.epoch import epoch_model_id, match_columns, parse_epoch_csv
from warehouse.outcomes.hf import parse_hf_models
from warehouse.outcomes.normalize import countries_iso2, open_weights_from, org_id
from warehouse.outcomes.releases import BUNDLED_ECI, Fetched, load_seed_rows
from warehouse.outcomes.releases import sync_releases as sync_core

# ECI file as Epoch publishes it, but with the header spellings of another vintage ("ECI score",
# "Release date", "Country (of organisation)", "Open weights") and a display-name cell with a quoted newline.
ECI_CSV = (
    'Model,Display name,ECI score,eci_ci_low,eci_ci_high,Release date,Organization,Country (of organisation),'
    "Model accessibility\n"
    'Frontier One,"Frontier One\n(high)",150.5,148.0,152.0,2025-03-01,OpenAI,United States of America,API access\n'
    'Dragon Open,Dragon Open,140.25,,,2025-06-15,DeepSeek,China,Open weights (unrestricted)\n'
    'Gemini X (Jun 2025),Gemini X,149.0,147.0,151.0,2025-06-17,Google DeepMind,'
    '"United States of America,United Kingdom of Great Britain and Northern Ireland",API access\n'
    'Gemini X (Mar 2025),Gemini X early,145.0,143.0,147.0,2025-03-25,Google DeepMind,'
    '"United States of America,United Kingdom of Great Britain and Northern Ireland",API access\n'
    "Nameless Date,Nameless Date,120.0,,,,Anthropic,United States of America,API access\n"
    "Claude Sonnet 4.5,Claude Sonnet 4.5 (thinking),146.4,,,2025-09-29,Anthropic,United States of America,API access\n"
)

# Header of Epoch's notable_ai_models.csv (checked against a published copy), two rows: an abstract with
# newlines and commas, an organization with a parenthesis, "Open model weights?" Yes/No.
MODELS_HEADER = (
    "Model,Organization,Publication date,Domain,Task,Parameters,Parameters notes,Training compute (FLOP),"
    "Training compute notes,Training dataset,Training dataset size (total),Dataset size notes,Confidence,Link,"
    "Reference,Citations,Authors,Abstract,Organization categorization,Country (of organization),Notability criteria,"
    "Model accessibility,Frontier model,Open model weights?\n"
)
MODELS_CSV = MODELS_HEADER + (
    'GLM-4.6,Z.ai (Zhipu AI),2025-09-30,Language,"Language modeling/generation,Question answering",357000000000.0,,'
    ',,,,,Confident,https://z.ai/blog/glm-4.6,GLM-4.6,,,"We present GLM-4.6.\nIt improves coding,\nagents '
    'and reasoning.",Industry,China,Discretionary,Open weights (unrestricted),,Yes\n'
    "Frontier One,OpenAI,2025-03-01,Language,Chat,,,3e26,,,,,Likely,https://example.org/frontier-one,Frontier One,"
    ",,,Industry,United States of America,Discretionary,API access,True,No\n"
)

HF_LIST = [
    {"_id": "6761", "id": "deepseek-ai/DeepSeek-V3", "likes": 4020, "trendingScore": 3, "private": False,
     "downloads": 802000, "tags": ["transformers", "safetensors", "deepseek_v3", "text-generation", "fp8"],
     "pipeline_tag": "text-generation", "library_name": "transformers", "createdAt": "2024-12-25T12:52:23.000Z",
     "modelId": "deepseek-ai/DeepSeek-V3"},
    {"_id": "6762", "id": "deepseek-ai/Dragon-Open", "likes": 10, "private": False, "downloads": 5,
     "tags": ["text-generation"], "pipeline_tag": "text-generation", "createdAt": "2025-06-10T08:00:00.000Z",
     "modelId": "deepseek-ai/Dragon-Open"},
    {"_id": "6763", "id": "deepseek-ai/deepseek-vl2", "likes": 1, "private": False, "downloads": 1,
     "tags": ["image-classification"], "pipeline_tag": "image-classification",
     "createdAt": "2024-12-13T00:00:00.000Z", "modelId": "deepseek-ai/deepseek-vl2"},
]
HF_ONE = {
    "_id": "6810", "id": "Qwen/Qwen3-235B-A22B", "author": "Qwen", "sha": "abc", "private": False, "disabled": False,
    "gated": False, "downloads": 100000, "likes": 1000, "tags": ["transformers", "qwen3_moe", "text-generation"],
    "pipeline_tag": "text-generation", "library_name": "transformers", "createdAt": "2025-04-27T03:52:21.000Z",
    "lastModified": "2025-07-01T00:00:00.000Z", "siblings": [{"rfilename": "config.json"}],
}


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def do_GET(self) -> None:
        status, ctype, body = self.routes.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _Handler.routes = {
        "/data/eci_scores.csv": (200, "text/csv", ECI_CSV.encode()),
        "/data/notable_ai_models.csv": (200, "text/csv", MODELS_CSV.encode()),
        "/api/models?author=deepseek-ai&sort=createdAt&direction=-1&limit=50": (
            200, "application/json", json.dumps(HF_LIST).encode()),
        "/api/models/Qwen/Qwen3-235B-A22B": (200, "application/json", json.dumps(HF_ONE).encode()),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_country_cells_map_to_iso2_with_primary_first() -> None:
    assert countries_iso2("United States of America,United Kingdom of Great Britain and Northern Ireland") == [
        "US", "GB"]
    assert countries_iso2("China") == ["CN"]
    assert countries_iso2("Taiwan, Province of China") == ["TW"]
    assert countries_iso2("Korea (Republic of),United States of America") == ["KR", "US"]
    assert countries_iso2("") == []
    assert countries_iso2("Atlantis") == []


def test_org_ids_and_openness() -> None:
    assert org_id("Google DeepMind") == "google"
    assert org_id("DeepSeek,Peking University") == "deepseek"
    assert org_id("Z.ai (Zhipu AI)") == "zhipu"
    assert org_id("Some New Lab") == "somenewlab"
    assert open_weights_from("Open weights (restricted use)") is True
    assert open_weights_from("API access") is False
    assert open_weights_from("Unknown") is None
    assert open_weights_from("Unknown", "Yes") is True


def test_columns_are_matched_by_name_whatever_the_vintage() -> None:
    cols = match_columns(["model", "ECI score", "Publication date", "Country (of organization)", "Open weights"])
    assert cols["model"] == "model" and cols["eci"] == "ECI score" and cols["date"] == "Publication date"
    assert cols["country"] == "Country (of organization)" and cols["open_flag"] == "Open weights"


def test_epoch_model_ids_keep_sizes_but_drop_version_dates() -> None:
    assert epoch_model_id("GPT-4o (Nov 2024)") == "gpt-4o"
    assert epoch_model_id("Qwen2.5-Coder (32B)") == "qwen2.5-coder-32b"
    assert epoch_model_id("DeepSeek-V2 (MoE-236B)") == "deepseek-v2"


def test_parse_eci_csv_quoted_newlines_versions_and_undated_rows() -> None:
    parsed = parse_epoch_csv(ECI_CSV.encode(), "http://x/eci.csv")
    assert parsed.kind == "epoch-eci" and parsed.n_rows == 6
    rel = {r["model_id"]: r for r in parsed.releases}
    assert rel["gemini-x"]["release_date"] == date(2025, 3, 25)  # earliest version is the release
    assert rel["gemini-x"]["country"] == "US" and rel["gemini-x"]["countries"] == "US,GB"
    assert rel["dragon-open"]["open_weights"] is True and rel["dragon-open"]["organization"] == "deepseek"
    scores = {(s["model_id"], s["as_of"]): s for s in parsed.scores}
    assert len(scores) == 5  # both Gemini X versions kept as separate dated scores; the undated row is not
    assert scores[("frontier-one", date(2025, 3, 1))]["source_model"] == "Frontier One\n(high)"
    assert scores[("dragon-open", date(2025, 6, 15))]["ci_low"] is None
    assert [u["source_model"] for u in parsed.undated] == ["Nameless Date"]
    assert rel["nameless-date"]["release_date"] is None  # kept, flagged in its note
    assert "no usable date" in rel["nameless-date"]["note"]


def test_parse_models_csv_real_header() -> None:
    parsed = parse_epoch_csv(MODELS_CSV, "http://x/notable.csv")
    assert parsed.kind == "epoch-models" and parsed.n_rows == 2
    rel = {r["model_id"]: r for r in parsed.releases}
    assert rel["glm-4.6"]["organization"] == "zhipu" and rel["glm-4.6"]["open_weights"] is True
    assert rel["glm-4.6"]["source_url"] == "https://z.ai/blog/glm-4.6"
    assert rel["frontier-one"]["open_weights"] is False
    assert [s["metric"] for s in parsed.scores] == ["training_compute_flop"]


def test_parse_hf_list_and_single_model() -> None:
    rows, n = parse_hf_models(json.dumps(HF_LIST))
    assert n == 3
    by = {r["model_id"]: r for r in rows}
    assert set(by) == {"deepseek-v3", "dragon-open"}  # the image classifier is not a release we track
    assert by["deepseek-v3"]["release_date"] == date(2024, 12, 25)
    assert by["deepseek-v3"]["country"] == "CN" and by["deepseek-v3"]["origin"] == "hf"
    assert "upper bound" in by["deepseek-v3"]["note"]
    one, n1 = parse_hf_models(json.dumps(HF_ONE))
    assert n1 == 1 and one[0]["model_id"] == "qwen3-235b-a22b" and one[0]["organization"] == "alibaba"
    assert parse_hf_models(b"<html>rate limited</html>") == ([], 0)


def test_seed_file_is_complete_and_sourced() -> None:
    rows = load_seed_rows()
    assert len(rows) >= 60
    ids = {r["model_id"] for r in rows}
    for must in ("gpt-4", "gpt-4o", "o1", "o3", "gpt-5", "claude-sonnet-4.5", "claude-opus-4.5", "gemini-3-pro",
                 "llama-3.1-405b", "grok-4", "mistral-large-2", "deepseek-v3", "deepseek-r1", "deepseek-v3.2",
                 "qwen3-max", "kimi-k2", "kimi-k2-thinking", "glm-4.6", "minimax-m2"):
        assert must in ids, must
    assert all(r["source_url"].startswith("https://") for r in rows)
    assert {r["country"] for r in rows} >= {"US", "CN", "FR"}


def test_sync_over_http_is_idempotent_and_seeds_win(server: str, tmp_path: Path) -> None:
    con = open_db(tmp_path / "w.duckdb")
    migrate(con)
    urls = [f"{server}/data/eci_scores.csv", f"{server}/data/notable_ai_models.csv"]
    hf = [f"{server}/api/models?author=deepseek-ai&sort=createdAt&direction=-1&limit=50",
          f"{server}/api/models/Qwen/Qwen3-235B-A22B"]
    settings = fast_settings()

    def bodies(targets: list[str], api: bool) -> list[Fetched]:
        got = download(targets, settings, "t", name="sync-releases", api=api, allow_private=True).downloads
        assert all(d.ok for d in got), [d.error for d in got]
        return [Fetched(url=d.url, body=d.body, status=d.status, content_type=d.content_type) for d in got]

    epoch_bodies, hub_bodies = bodies(urls, api=False), bodies(hf, api=True)
    first = sync_core(con, epoch_bodies, hub_bodies)
    assert first.errors == []
    counts = [con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
              for t in ("releases", "scores", "snapshots", "undated_rows")]
    second = sync_core(con, epoch_bodies, hub_bodies)
    assert second.errors == []
    again = [con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
             for t in ("releases", "scores", "snapshots", "undated_rows")]
    assert again == counts  # same bodies: nothing new anywhere
    assert counts[2] == 5  # 2 Epoch + 2 Hub + seed file
    snap = con.execute("SELECT kind, n_rows, length(sha256), bytes > 0 FROM snapshots ORDER BY kind").fetchall()
    assert ("epoch-eci", 6, 64, True) in snap and ("hf-models", 3, 64, True) in snap
    # the curated seed beats both Epoch and the Hub for DeepSeek-V3 and Claude Sonnet 4.5
    row = con.execute("SELECT release_date, origin, open_weights FROM releases WHERE model_id = 'deepseek-v3'"
                      ).fetchall()[0]
    assert row == (date(2024, 12, 26), "seed", True)
    # a Hub-only model keeps its Hub date; Epoch's date wins over the Hub's for a model both know
    assert con.execute("SELECT origin FROM releases WHERE model_id = 'dragon-open'").fetchall()[0][0] == "epoch"
    assert con.execute("SELECT release_date FROM releases WHERE model_id = 'dragon-open'").fetchall()[0][0] == date(
        2025, 6, 15)
    assert con.execute("SELECT origin FROM releases WHERE model_id = 'qwen3-235b-a22b'").fetchall()[0][0] == "seed"
    n = con.execute("SELECT count(*) FROM scores WHERE model_id = 'gemini-x' AND metric = 'eci'").fetchall()[0][0]
    assert n == 2
    con.close()


def test_failed_source_is_recorded_not_fatal(server: str, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with pytest.raises(SyncError, match="404"):
        sync_releases(db, eci_url=f"{server}/data/missing.csv", allow_private=True)
    # non-strict command: the seeds still loaded and the failure is in the summary
    text = releases_sync_command(db, f"{server}/data/missing.csv", None, allow_private=True)
    assert "errors" in text and "404" in text
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM releases WHERE origin = 'seed'").fetchall()[0][0] >= 60


def test_offline_default_loads_bundled_eci_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    text = releases_sync_command(db, None, None)
    assert "bundled" in text
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM scores WHERE metric = 'eci'").fetchall()[0][0] >= 130
        assert con.execute("SELECT count(*) FROM undated_rows").fetchall()[0][0] == 1
        url, n = con.execute("SELECT url, n_rows FROM snapshots WHERE kind = 'epoch-eci'").fetchall()[0]
        assert "IAPS-AI/ECI-Accessibility-Gap" in url and n == 140
    assert (BUNDLED_ECI.parent / "README.md").read_text().count("CC BY 4.0") >= 1


def test_invalid_rows_are_dropped_not_fatal(tmp_path: Path) -> None:
    from warehouse.outcomes.releases import merge_releases, upsert_scores

    con = open_db(tmp_path / "w.duckdb")
    migrate(con)
    good = {"model_id": "m1", "display_name": "M1", "organization": "x", "release_date": date(2025, 1, 1),
            "source_url": "https://e", "origin": "seed"}
    assert merge_releases(con, [good, {**good, "model_id": "m2", "source_url": None}]) == 1
    assert upsert_scores(con, [{"model_id": "m1", "metric": "eci", "as_of": date(2025, 1, 1), "value": "high",
                                "source_url": "s", "origin": "t"}], None) == 0
    con.close()


def test_downloads_go_through_the_polite_client(server: str, tmp_path: Path) -> None:
    """Release data is fetched like any source: the SSRF guard applies and every attempt is in fetch_log."""
    db = tmp_path / "w.duckdb"
    text = releases_sync_command(db, f"{server}/data/eci_scores.csv", None)  # loopback, not allowed by default
    assert "errors" in text
    text = releases_sync_command(db, f"{server}/data/eci_scores.csv", None, allow_private=True)
    assert "errors" not in text
    with reader(db) as con:
        rows = con.execute("SELECT ok, error_class FROM fetch_log WHERE source = 'sync-releases' "
                           "AND url LIKE '%eci_scores.csv' ORDER BY started_at").fetchall()
    # the refused attempt, the fallback it caused (bundled snapshot), then the allowed download
    assert rows == [(False, "ssrf"), (False, "fallback"), (True, None)]
