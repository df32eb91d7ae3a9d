"""GET /api/drift on a live server and `ross-cost drift` as a user runs it, over the same small workload."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from ross_cost.services import open_services
from tests.drift_store_workload import DAYS, EPISODE_START, day, write_days
from tests.live_server import REPO, LiveServer, live_server
from tests.webhook_receiver import receiving


def loaded_file(path: Path, days: range = range(DAYS)) -> Path:
    services = open_services(f"duckdb:///{path}")
    try:
        write_days(services.store, days)
    finally:
        services.close()
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = loaded_file(tmp_path_factory.mktemp("drift-http") / "served.duckdb")  # loaded before the server holds it
    with live_server(db) as running:
        yield running


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return loaded_file(tmp_path_factory.mktemp("drift-cli") / "cli.duckdb")


def get(server: LiveServer, **params: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/drift", params=params, timeout=60)


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ross_cost.cli", "drift", *args, "--db", f"duckdb:///{db}"],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)  # fmt: skip


def assert_money(value: Any) -> None:
    assert isinstance(value, str) and Decimal(value) >= 0


def assert_document(doc: dict[str, Any]) -> None:
    """The contract's fields: per-layer daily cost, baseline and band; alerts with layer, first day, days, excess."""
    assert [layer["layer"] for layer in doc["layers"]] == ["prompt", "tool", "memory", "response"]
    for layer in doc["layers"]:
        assert len(layer["days"]) == DAYS
        for point in layer["days"]:
            assert_money(point["cost"])
            for key in ("baseline", "threshold", "band_low", "band_high"):
                assert point[key] is None or Decimal(point[key]) >= 0
    (tool,) = [a for a in doc["alerts"] if a["series"] == {"layer": "tool"}]
    assert tool["layer"] == "tool" and tool["status"] == "resolved"
    assert day(EPISODE_START).isoformat() <= tool["first_day"] <= day(EPISODE_START + 6).isoformat()
    assert tool["days_sustained"] >= 7
    for key in ("excess", "baseline_total"):
        assert_money(tool[key])
    assert tool["explanation"][0] == {**tool["explanation"][0], "dimension": "agent_slug", "value": "sales-cdr"}
    assert "sales-cdr drove" in tool["narrative"]
    assert {s["label"] for s in doc["drifting_series"]} == {"tool", "tool · sales-cdr", "tool · module M07"}


def test_get_drift_serves_layers_alerts_and_explanations(server: LiveServer) -> None:
    response = get(server)
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["as_of"] == day(DAYS - 1).isoformat() and doc["recorded"] is True
    assert doc["settings"]["threshold"] == "0.20" and doc["settings"]["sustain_days"] == 7
    assert_document(doc)


def test_get_drift_as_of_a_past_day_shows_the_alert_open_then(server: LiveServer) -> None:
    doc = get(server, as_of=day(EPISODE_START + 8).isoformat()).json()
    assert doc["recorded"] is False
    assert {a["status"] for a in doc["alerts"]} == {"open"}
    assert doc["layers"][1]["days"][-1]["day"] == day(EPISODE_START + 8).isoformat()


def test_get_drift_for_one_layer_keeps_only_that_layer(server: LiveServer) -> None:
    doc = get(server, layer="tool").json()
    assert [layer["layer"] for layer in doc["layers"]] == ["tool"]
    assert {a["layer"] for a in doc["alerts"]} == {"tool"}
    assert get(server, layer="prompt").json()["alerts"] == []


@pytest.mark.parametrize(("params", "named"), [
    ({"as_of": "2026-13-01"}, "as_of"),
    ({"as_of": "yesterday"}, "as_of"),
    ({"layer": "tools"}, "layer"),
    ({"asof": "2026-05-01"}, "asof"),
])  # fmt: skip
def test_a_bad_parameter_is_a_400_naming_it(server: LiveServer, params: dict[str, str], named: str) -> None:
    response = get(server, **params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{named}: ")


def test_the_api_delivers_new_alerts_to_the_webhook_once_after_answering(tmp_path: Path) -> None:
    db = loaded_file(tmp_path / "hooked.duckdb", days=range(EPISODE_START + 21))  # alerts within the lookback
    with receiving() as receiver:
        env = {"ROSS_DRIFT_WEBHOOK_URL": receiver.url, "ROSS_DRIFT_WEBHOOK_SCOPE": "layers",
               "ROSS_DRIFT_WEBHOOK_BACKOFF_SECONDS": "0.01"}  # fmt: skip
        with live_server(db, env=env) as running:
            first = get(running)
            assert first.status_code == 200 and [a["layer"] for a in first.json()["alerts"]] == ["tool"] * 3
            deadline, tool = time.monotonic() + 30, {}
            while time.monotonic() < deadline:  # delivery runs after the answer: poll until it is recorded
                alerts = get(running).json()["alerts"]
                (tool,) = [a for a in alerts if a["series"] == {"layer": "tool"}]
                if tool["delivery"]["delivered_at"]:
                    break
                time.sleep(0.2)
            assert tool["delivery"]["delivered_at"] and tool["delivery"]["attempts"] == 1
        (headers, body), = receiver.requests
        assert json.loads(body)["text"].startswith("Tool spend ran ") and headers["idempotency-key"]


def test_cli_drift_json_is_the_api_document(cli_db: Path) -> None:
    done = cli("--json", db=cli_db)
    assert done.returncode == 0, done.stderr
    assert_document(json.loads(done.stdout))


def test_cli_drift_prints_layers_alerts_with_their_story_and_top_series(cli_db: Path) -> None:
    done = cli(db=cli_db)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"as of {day(DAYS - 1).isoformat()}" in out and "+20 % for 7 days over a 30-day baseline" in out
    assert "Layer alerts (1)" in out and "Tool spend ran" in out and "sales-cdr drove" in out
    rows = [line.split() for line in out.splitlines()]
    assert next(r[:2] for r in rows if r[:1] == ["resolved"]) == ["resolved", "tool"]
    assert "Top drifting series (3 of 3)" in out and "tool · sales-cdr" in out and "tool · module M07" in out


def test_cli_drift_as_of_a_past_day_reports_the_alert_open(cli_db: Path) -> None:
    done = cli("--as-of", day(EPISODE_START + 8).isoformat(), db=cli_db)
    assert done.returncode == 0, done.stderr
    assert "DRIFTING since" in done.stdout and "open" in done.stdout


def test_cli_drift_on_an_empty_store_says_so(tmp_path: Path) -> None:
    done = cli(db=tmp_path / "empty.duckdb")
    assert done.returncode == 0, done.stderr
    assert "no cost data to judge yet" in done.stdout


def test_cli_drift_with_a_bad_date_is_one_line_on_stderr(cli_db: Path) -> None:
    done = cli("--as-of", "2026-02-30", db=cli_db)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--as-of" in lines[0] and "not a YYYY-MM-DD date" in lines[0]
