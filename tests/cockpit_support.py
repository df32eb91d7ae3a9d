"""Shared setup for the cockpit's AppTests: a small demo store, the process-wide services pointed at it,
a spy that keeps download bytes (AppTest throws them away after each run), and page runners.

The demo store holds 10 days around the Q3/Q4 boundary (2026-09-25 .. 2026-10-04), one rejected span and
the demo's unpriced fine-tuned model, so every page has something to show and Q3 vs Q4 has both sides.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from ross_cost import demo, services
from ross_cost.query import CostQuery, CostRow
from ross_cost.services import Services

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
DEMO_END = date(2026, 10, 5)
DEMO_DAYS = 10
FIRST_DAY, LAST_DAY = date(2026, 9, 25), date(2026, 10, 4)
#: The default period the frame shows: the last 30 days of data, clipped to the first day.
DEFAULT_START, DEFAULT_END = FIRST_DAY, date(2026, 10, 5)
NS = int(datetime(2026, 10, 3, 12, 0, tzinfo=UTC).timestamp() * 1_000_000_000)


def otlp_json(trace_id: str, span_id: str, attrs: dict[str, Any]) -> bytes:
    def value(v: object) -> dict[str, str]:
        return {"intValue": str(v)} if isinstance(v, int) else {"stringValue": str(v)}

    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "t"}}]},
            "scopeSpans": [{"scope": {"name": "test"}, "spans": [{
                "traceId": trace_id, "spanId": span_id, "name": "chat", "kind": 3,
                "startTimeUnixNano": str(NS), "endTimeUnixNano": str(NS + 10**9),
                "attributes": [{"key": k, "value": value(v)} for k, v in attrs.items()]}]}]}]}
    return json.dumps(body).encode()


#: Cache read larger than the whole input: rejected at ingest, with a reason.
IMPOSSIBLE_SPAN = otlp_json("7b8efff798038103d269b633813fc60c", "bee19b7ec3c1b174", {
    "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-5",
    "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 1, "gen_ai.usage.cache_read.input_tokens": 99,
})


def load_demo(url: str) -> None:
    svc = services.open_services(url)
    try:
        for body in demo.generate(days=DEMO_DAYS, end=DEMO_END):
            svc.ingest_otlp(body, "application/x-protobuf", None, "demo")
        svc.ingest_otlp(IMPOSSIBLE_SPAN, "application/json", None, "test")
    finally:
        svc.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file with the small demo, built once per test process and copied per test."""
    path = tmp_path_factory.mktemp("cockpit") / "demo.duckdb"
    load_demo(f"duckdb:///{path}")
    return path


@pytest.fixture
def cockpit(demo_db: Path, tmp_path: Path) -> Iterator[Services]:
    """The process-wide services, opened on a private copy of the demo store (AppTest runs in-process)."""
    copy = tmp_path / "cockpit.duckdb"
    shutil.copy(demo_db, copy)
    services.reset()
    svc = services.current(f"duckdb:///{copy}")
    yield svc
    services.reset()


@pytest.fixture
def empty_cockpit(tmp_path: Path) -> Iterator[Services]:
    services.reset()
    svc = services.current(f"duckdb:///{tmp_path / 'empty.duckdb'}")
    yield svc
    services.reset()


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """file name -> bytes of every download button drawn, built on click or not (the spies outlive AppTest's
    per-run media store)."""
    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: MemoryMediaFileStorage, path_or_data: Any, mimetype: str, kind: Any,
            filename: str | None = None) -> str:
        if filename is not None and isinstance(path_or_data, bytes):
            captured[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    def spy_deferred(self: MediaFileManager, data_callable: Any, mimetype: Any, coordinates: str,
                     file_name: str | None = None, **kwargs: Any) -> str:
        """Buttons that build their file on click (FOCUS): build it now, as the click would."""
        if file_name is not None:
            data = data_callable()
            captured[file_name] = data.encode() if isinstance(data, str) else data
        return original_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    original_deferred = MediaFileManager.add_deferred
    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    return captured


def open_page(page: str | None = None, **query: str | list[str]) -> AppTest:
    """Run app.py (with these URL query parameters), then switch to `page` ("pages/x.py") if given."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))


def metric(at: AppTest, label: str) -> str:
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; have {[m.label for m in at.metric]}"
    return str(found[0].value)


def total(rows: list[CostRow]) -> Decimal:
    return sum((r.effective_cost for r in rows), Decimal(0))


def cost(svc: Services, start: date, end: date, group_by: tuple[str, ...] = (), granularity: Any = None,
         **filters: list[str]) -> list[CostRow]:
    return svc.cost(CostQuery.build(start, end, group_by, granularity, filters))


def money_text(value: Decimal) -> str:
    """What a file cell holds for an amount: the stored 12-place decimal string (as GET /api/cost)."""
    return format(value.quantize(Decimal("1e-12")), "f")
