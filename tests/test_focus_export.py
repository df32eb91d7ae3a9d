"""The FOCUS 1.3 export as a finance tool gets it: `GET /api/finops/focus/v1.3` on a real server over the demo
workload, and the columnar fast path behind it, byte for byte the row-at-a-time reference path."""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ross_cost.demo import DEMO_END
from ross_cost.focus.arrow_text import decimal_texts, scaled_text
from ross_cost.focus.columnar import columnar_rows, source_batch
from ross_cost.focus.columnar_writers import csv_field, encode_batches
from ross_cost.focus.columns import COLUMN_NAMES
from ross_cost.focus.conformance import check_rows
from ross_cost.focus.formats import decimal_text
from ross_cost.focus.pipeline import prefetched
from ross_cost.focus.rows import ExportTally, FocusSourceRow, focus_rows
from ross_cost.focus.writers import FORMATS, DecimalStyle, chunks, utf8
from ross_cost.focus_api import accepts_gzip, negotiate
from ross_cost.model import Layer, LineKind, Price, UsageLine
from ross_cost.storage import Store, WriteBatch, focus_reads
from ross_cost.storage.focus_reads import focus_batches, focus_source
from tests.focus_workload import small_workload, source, source_rows, varied_workload
from tests.live_server import REPO, LiveServer, live_server

GOLDEN = Path(__file__).parent / "golden" / "focus_small_workload.csv"
DEMO_DAYS = 40
DEMO_START = DEMO_END - timedelta(days=DEMO_DAYS)
PERIOD = {"start": DEMO_START.isoformat(), "end": DEMO_END.isoformat()}
ENDPOINT = "/api/finops/focus/v1.3"
EFFECTIVE = COLUMN_NAMES.index("EffectiveCost")
VALIDATOR = Path("/work/shared/tools/focus-validate")
STYLES: list[tuple[str, DecimalStyle]] = [(fmt, "string") for fmt in FORMATS] + [
    ("ndjson", "number"),
    ("json", "number"),
]


# --- the columnar path is the row path, faster -------------------------------------------------------------


def row_path(fmt: str, workload: list[FocusSourceRow], decimals: DecimalStyle = "string") -> tuple[bytes, ExportTally]:
    tally = ExportTally()
    return b"".join(utf8(chunks(fmt, focus_rows(workload, tally=tally), decimals=decimals))), tally


def columnar_path(
    fmt: str, workload: list[FocusSourceRow], batch: int = 500, decimals: DecimalStyle = "string"
) -> tuple[bytes, ExportTally]:
    tally = ExportTally()
    parts = [workload[i : i + batch] for i in range(0, len(workload), batch)]
    built = (columnar_rows(source_batch(part), tally=tally) for part in parts)
    return b"".join(encode_batches(fmt, (rows for rows in built if rows is not None), decimals)), tally


def test_the_columnar_path_writes_the_hand_reviewed_golden_file_byte_for_byte() -> None:
    assert columnar_path("csv", small_workload())[0] == GOLDEN.read_bytes()


@pytest.mark.parametrize(("fmt", "decimals"), STYLES)
@pytest.mark.parametrize("batch", [1, 7, 5_000])
def test_the_columnar_path_writes_the_same_bytes_and_tally_as_the_row_path(
    fmt: str, decimals: DecimalStyle, batch: int
) -> None:
    workload = small_workload() + varied_workload(1_500)
    assert columnar_path(fmt, workload, batch, decimals) == row_path(fmt, workload, decimals)


@settings(max_examples=60, deadline=None)
@given(st.lists(source_rows(), max_size=20), st.sampled_from(STYLES), st.integers(1, 8))
def test_any_rows_give_the_same_bytes_on_both_paths(
    workload: list[FocusSourceRow], style: tuple[str, DecimalStyle], batch: int
) -> None:
    workload = [*workload, source(priced=False)]  # unpriced groups are counted the same way too
    fmt, decimals = style
    assert columnar_path(fmt, workload, batch, decimals) == row_path(fmt, workload, decimals)


def test_a_batch_without_priced_rows_yields_nothing_but_is_counted() -> None:
    tally = ExportTally()
    assert columnar_rows(source_batch([source(priced=False, quantity=5)]), tally=tally) is None
    assert (tally.rows, tally.unpriced_groups, tally.unpriced_quantity) == (0, 1, {"Tokens": 5})


@given(st.decimals(allow_nan=False, allow_infinity=False, places=12, min_value=-(10**18), max_value=10**18))
def test_arrow_decimal_text_is_decimal_text(value: Decimal) -> None:
    import pyarrow as pa

    assert decimal_texts(pa.array([value], pa.decimal128(38, 12))).to_pylist() == [decimal_text(value)]


@given(st.integers(-(2**63), 2**63 - 1), st.integers(0, 18))
def test_arrow_scaled_text_is_decimal_text_of_the_shifted_integer(value: int, scale: int) -> None:
    import pyarrow as pa

    digits = pa.array([str(value)])
    assert scaled_text(digits, scale).to_pylist() == [decimal_text(Decimal(value).scaleb(-scale))]


@given(st.lists(st.one_of(st.none(), st.integers(), st.text()), min_size=2, max_size=5))
def test_csv_fields_are_written_as_the_csv_module_writes_them(cells: list[str | int | None]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    assert ",".join(map(csv_field, cells)) + "\n" == buffer.getvalue()


# --- the pipeline between the stages -----------------------------------------------------------------------


def test_a_prefetched_stage_hands_over_every_item_in_order_and_raises_errors_where_they_happened() -> None:
    assert list(prefetched(iter(range(100)), depth=3)) == list(range(100))

    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("boom")

    stage = prefetched(failing())
    assert next(stage) == 1
    with pytest.raises(ValueError, match="boom"):
        next(stage)


def test_a_consumer_that_stops_early_stops_and_closes_the_producer() -> None:
    closed: list[bool] = []
    produced = 0

    def endless() -> Iterator[int]:
        nonlocal produced
        try:
            while True:
                produced += 1
                yield produced
        finally:
            closed.append(True)

    stage = prefetched(endless(), depth=2)
    assert next(stage) == 1
    stage.close()
    assert closed == [True] and produced <= 5


# --- both engines, several windows -------------------------------------------------------------------------


_ids = itertools.count(1)


def usage(day: int, tenant: str, kind: LineKind = LineKind.INPUT_UNCACHED, price: Price | None = None) -> UsageLine:
    n = next(_ids)
    return UsageLine(
        trace_id=f"{n:032x}", span_id=f"{n:016x}", kind=kind, layer=Layer.PROMPT,
        ts=datetime(2026, 1, day, 9, tzinfo=UTC), quantity=1_000 + n, model="claude-sonnet-4-5", provider="anthropic",
        operation="chat", price=price, unpriced_reason=None if price else "no price",
        dims={"tenant_id": tenant, "agent_slug": "bot", "module_id": "m", "channel": "web"},
    )  # fmt: skip


SONNET = Price(Decimal("0.000003"), Decimal("0.00000255"), "genai-prices 0.2.5", "sonnet input", "ent-2026")


def test_either_engine_streams_arrow_batches_that_encode_to_the_row_paths_bytes_across_windows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [usage(day, tenant, price=SONNET) for day in range(1, 29) for tenant in ("acme", "globex", "initech")]
    lines += [usage(5, "acme"), usage(6, "acme", LineKind.OUTPUT_VISIBLE)]  # unpriced
    store.write_batch(WriteBatch(lines=lines, source="test", accepted=len(lines)))
    monkeypatch.setattr(focus_reads, "WINDOW_LINES", 7)  # many windows, and a day bigger than one
    jan = (date(2026, 1, 1), date(2026, 2, 1))
    expected = row_path("ndjson", list(focus_source(store.engine, *jan)))
    tally = ExportTally()
    built = (columnar_rows(batch, tally=tally) for batch in focus_batches(store.engine, *jan, batch_rows=5))
    got = b"".join(encode_batches("ndjson", (rows for rows in built if rows is not None)))
    assert (got, tally) == expected
    assert tally.rows == 84 and tally.unpriced_lines == 2


# --- what the cockpit's FOCUS page calls ------------------------------------------------------------------


def test_the_cockpit_functions_preview_reconcile_check_and_download_the_same_export(store_url: str) -> None:
    from ross_cost.focus.services import (
        conformance,
        endpoint_url,
        export_bytes,
        focus_query,
        open_export,
        preview,
        reconcile,
    )
    from ross_cost.services import open_services

    svc = open_services(store_url)
    try:
        lines = [usage(day, tenant, price=SONNET) for day in (2, 3, 9) for tenant in ("acme", "globex")]
        lines += [usage(4, "acme"), usage(4, "unattributed", LineKind.CACHE_READ)]  # unpriced
        svc.store.write_batch(WriteBatch(lines=lines, source="test", accepted=len(lines)))
        query = focus_query(date(2026, 1, 1), date(2026, 2, 1), {"tenant_id": ["acme", "globex"]})

        checked = reconcile(svc, query)
        assert checked.matches and checked.rows == 6 and checked.unpriced_lines == 1
        priced = sum((line.effective_cost or Decimal(0) for line in lines), Decimal(0))
        assert checked.export_effective_cost == checked.cockpit_effective_cost == priced

        data = export_bytes(svc, query, "csv")
        _, rows = read_back("csv", data)
        shown = [[None if v is None else str(v) for v in row.values()] for row in preview(svc, query, limit=4)]
        assert shown == rows[:4]
        report = conformance(svc, query)
        assert report.ok and report.rows == 6
        assert endpoint_url(query, "csv", "http://127.0.0.1:8501/") == (
            "http://127.0.0.1:8501/api/finops/focus/v1.3?start=2026-01-01&end=2026-02-01"
            "&tenant_id=acme%2Cglobex&format=csv"
        )
        export = open_export(svc, query, "ndjson")
        assert (export.unpriced_lines, export.unpriced_quantity) == (1, {"Tokens": lines[-2].quantity})
        assert export.filename == "ross-focus-1.3_2026-01-01_2026-02-01_filtered.ndjson"
        assert gzip.decompress(b"".join(export.chunks(gzip=True))) == export_bytes(svc, query, "ndjson")
        assert export.tally.rows == 6
    finally:
        svc.close()


# --- the endpoint ------------------------------------------------------------------------------------------


@dataclass
class Demo:
    server: LiveServer
    copy: Path  # the same data, for the CLI (DuckDB allows one process per file)

    def get(self, **params: str) -> httpx.Response:
        return httpx.get(f"{self.server.url}{ENDPOINT}", params=params, timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo workload (40 days, through the real ingest path) served by `ross-cost serve`."""
    folder = tmp_path_factory.mktemp("focus-export")
    db = folder / "demo.duckdb"
    loaded = subprocess.run(
        [sys.executable, "-m", "ross_cost.cli", "demo", "--days", str(DEMO_DAYS), "--db", f"duckdb:///{db}"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    copy = folder / "copy.duckdb"
    shutil.copyfile(db, copy)
    with live_server(db) as server:
        yield Demo(server, copy)


def read_back(fmt: str, body: bytes) -> tuple[list[str], list[list[str | None]]]:
    """Header and rows as text cells (JSON numbers and strings alike), nulls as None."""
    text = body.decode("utf-8")
    if fmt == "csv":
        records = list(csv.reader(io.StringIO(text)))
        return records[0], [[None if v == "" else v for v in record] for record in records[1:]]
    objects = [json.loads(line) for line in text.splitlines()] if fmt == "ndjson" else json.loads(text)
    header = list(objects[0]) if objects else list(COLUMN_NAMES)
    return header, [[None if v is None else str(v) for v in obj.values()] for obj in objects]


def effective_total(rows: list[list[str | None]]) -> Decimal:
    return sum((Decimal(str(row[EFFECTIVE])) for row in rows), Decimal(0))


def cockpit(demo: Demo, **params: str) -> dict[str, object]:
    response = httpx.get(f"{demo.server.url}/api/cost", params=params, timeout=60)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_every_format_round_trips_to_the_same_rows_and_totals_and_passes_the_focus_checks(demo: Demo) -> None:
    exports = {fmt: read_back(fmt, demo.get(**PERIOD, format=fmt).content) for fmt in FORMATS}
    header, rows = exports["csv"]
    assert header == list(COLUMN_NAMES) and len(rows) > 10_000
    for fmt, (other_header, other_rows) in exports.items():
        assert (other_header, other_rows) == (header, rows), fmt
        report = check_rows(other_rows, other_header)
        assert report.ok, (fmt, report.summary())
    assert len({effective_total(rows) for _, rows in exports.values()}) == 1


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"tenant_tier": "enterprise"},
        {"tenant_tier": "unattributed"},
        {"layer": "tool,memory"},
        {"channel": "email,whatsapp", "agent_slug": "sara"},
    ],
)
def test_the_export_sums_to_the_cockpits_total_for_the_same_period_exactly(demo: Demo, filters: dict[str, str]) -> None:
    params = {**PERIOD, "start": (DEMO_START + timedelta(days=3)).isoformat(), **filters}
    response = demo.get(**params, format="ndjson")
    assert response.status_code == 200
    _, rows = read_back("ndjson", response.content)
    total = cockpit(demo, **params)["total"]
    assert isinstance(total, dict)
    assert rows and effective_total(rows) == Decimal(total["effective_cost"])


def test_unpriced_usage_is_left_out_and_reported_in_headers_as_the_cockpit_counts_it(demo: Demo) -> None:
    response = demo.get(**PERIOD, format="csv")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="ross-focus-1.3_{DEMO_START}_{DEMO_END}.csv"'
    )
    assert int(response.headers["x-ross-unpriced-lines"]) > 0
    rows = cockpit(demo, **PERIOD)["rows"]
    assert isinstance(rows, list)
    unpriced: dict[str, int] = {}
    for row in rows:
        for unit, quantity in row["unpriced_quantity"].items():
            unpriced[unit] = unpriced.get(unit, 0) + quantity
    reported = dict(item.split("=") for item in response.headers["x-ross-unpriced-quantity"].split(", "))
    assert {unit: int(q) for unit, q in reported.items()} == unpriced


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/csv", "text/csv; charset=utf-8"),
        ("application/x-ndjson", "application/x-ndjson"),
        ("application/json", "application/json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),
        ("application/json;q=0.5, text/csv", "text/csv; charset=utf-8"),
    ],
)
def test_the_accept_header_picks_the_encoding_when_format_is_absent(demo: Demo, accept: str, media_type: str) -> None:
    day = {"start": DEMO_START.isoformat(), "end": (DEMO_START + timedelta(days=1)).isoformat()}
    response = httpx.get(f"{demo.server.url}{ENDPOINT}", params=day, headers={"accept": accept}, timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type


def test_the_format_parameter_wins_over_accept_and_gzip_is_the_same_bytes_compressed(demo: Demo) -> None:
    day = {"start": DEMO_START.isoformat(), "end": (DEMO_START + timedelta(days=2)).isoformat(), "format": "csv"}
    url = f"{demo.server.url}{ENDPOINT}"
    plain = httpx.get(url, params=day, headers={"accept": "application/json", "accept-encoding": "identity"})
    assert plain.headers["content-type"] == "text/csv; charset=utf-8" and "content-encoding" not in plain.headers
    with httpx.stream("GET", url, params=day, headers={"accept-encoding": "gzip"}) as packed:
        assert packed.headers["content-encoding"] == "gzip"
        body = b"".join(packed.iter_raw())
    assert gzip.decompress(body) == plain.content


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"start": "2026-11-31", "end": "2026-12-01"}, "start"),
        ({"start": "yesterday", "end": "2026-12-01"}, "start"),
        ({"start": "2026-11-01"}, "end"),
        ({"start": "2026-11-10", "end": "2026-11-01"}, "end"),
        ({"start": "2026-11-10", "end": "2026-11-10"}, "end"),
        ({**PERIOD, "format": "xml"}, "format"),
        ({**PERIOD, "format": ""}, "format"),
        ({**PERIOD, "colour": "red"}, "colour"),
        ({**PERIOD, "tenant_id": ""}, "tenant_id"),
        ({**PERIOD, "group_by": "layer"}, "group_by"),
    ],
)
def test_bad_requests_get_a_400_naming_the_parameter(demo: Demo, params: dict[str, str], parameter: str) -> None:
    response = demo.get(**params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{parameter}: ")


def test_an_accept_header_allowing_none_of_the_encodings_gets_a_406(demo: Demo) -> None:
    response = httpx.get(f"{demo.server.url}{ENDPOINT}", params=PERIOD, headers={"accept": "application/xml"})
    assert response.status_code == 406 and "format" in response.json()["error"]


@pytest.mark.parametrize(("fmt", "body"), [("csv", ",".join(COLUMN_NAMES) + "\n"), ("ndjson", ""), ("json", "[]\n")])
def test_a_period_without_data_is_an_empty_but_valid_file(demo: Demo, fmt: str, body: str) -> None:
    response = demo.get(start="2020-01-01", end="2020-02-01", format=fmt)
    assert response.status_code == 200
    assert response.text == body
    assert response.headers["x-ross-unpriced-lines"] == "0"
    assert read_back(fmt, response.content) == (list(COLUMN_NAMES), [])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_cli_writes_the_same_bytes_as_the_endpoint(demo: Demo, tmp_path: Path, fmt: str) -> None:
    period = {"start": (DEMO_END - timedelta(days=6)).isoformat(), "end": DEMO_END.isoformat()}
    out = tmp_path / f"export.{fmt}"
    done = subprocess.run(
        [sys.executable, "-m", "ross_cost.cli", "export", "focus", "--start", period["start"], "--end", period["end"],
         "--format", fmt, "--filter", "layer=prompt,response", "-o", str(out), "--db", f"duckdb:///{demo.copy}"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == demo.get(**period, format=fmt, layer="prompt,response").content


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_endpoint_serves_what_the_row_by_row_reference_path_writes_for_the_demo(demo: Demo, fmt: str) -> None:
    start, end = DEMO_END - timedelta(days=8), DEMO_END
    store = Store.open(f"duckdb:///{demo.copy}")  # the CLI uses the copy too, so it is closed again at once
    try:
        expected, tally = row_path(fmt, list(focus_source(store.engine, start, end)))
    finally:
        store.close()
    assert tally.rows > 1_000 and tally.stored_cost_mismatches == 0
    assert demo.get(start=start.isoformat(), end=end.isoformat(), format=fmt).content == expected


def test_a_client_that_hangs_up_early_leaves_the_server_serving(demo: Demo) -> None:
    with httpx.stream("GET", f"{demo.server.url}{ENDPOINT}", params={**PERIOD, "format": "ndjson"}) as response:
        first = next(response.iter_bytes())
        assert first.startswith(b'{"BilledCost":')
    again = demo.get(start=DEMO_START.isoformat(), end=(DEMO_START + timedelta(days=1)).isoformat(), format="csv")
    assert again.status_code == 200 and again.text.count("\n") > 1
    assert httpx.get(f"{demo.server.url}/healthz").status_code == 200


@pytest.mark.slow
@pytest.mark.skipif(not VALIDATOR.exists(), reason="the shared focus-validate tool is not on this machine")
def test_the_finops_foundations_validator_finds_no_failed_rule_in_a_csv_export_of_the_demo(
    demo: Demo, tmp_path: Path
) -> None:
    export = tmp_path / "demo-focus.csv"
    export.write_bytes(demo.get(**PERIOD, format="csv").content)
    done = subprocess.run([str(VALIDATOR), str(export)], capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ", 0 failed," in done.stdout


# --- content negotiation rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format_param", "accept", "fmt"),
    [
        (None, None, "json"),
        (None, "", "json"),
        ("CSV", "application/json", "csv"),
        (None, "application/ndjson", "ndjson"),
        (None, "text/*;q=0.9, application/json;q=0.1", "csv"),
        (None, "application/json;q=0, text/csv;q=0.2", "csv"),
    ],
)
def test_format_negotiation(format_param: str | None, accept: str | None, fmt: str) -> None:
    assert negotiate(format_param, accept) == fmt


@pytest.mark.parametrize(
    ("header", "wanted"),
    [(None, False), ("gzip, deflate", True), ("br;q=1.0, gzip;q=0.5", True), ("gzip;q=0", False), ("*", True),
     ("identity", False)],
)  # fmt: skip
def test_gzip_is_used_only_when_the_client_accepts_it(header: str | None, wanted: bool) -> None:
    assert accepts_gzip(header) is wanted
