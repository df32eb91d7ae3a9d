"""`ross-cost export focus` as a user runs it: a real subprocess on a temp DuckDB file holding a few usage lines."""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ross_cost.focus.columns import COLUMN_NAMES
from ross_cost.focus.conformance import check_csv
from ross_cost.model import Layer, LineKind, Price, UsageLine
from ross_cost.query import CostQuery
from ross_cost.services import open_services
from ross_cost.storage import Store, WriteBatch
from tests.live_server import REPO

SONNET = Price(Decimal("0.000003"), Decimal("0.00000255"), "genai-prices 0.2.5", "sonnet input", "ent-2026")
SEARCH = Price(Decimal("0.01"), Decimal("0.01"), "price-book", "tool web_search")
JAN = ("2026-01-01", "2026-02-01")
EFFECTIVE = COLUMN_NAMES.index("EffectiveCost")
_ids = itertools.count(1)


def line(day: int, tenant: str, kind: LineKind = LineKind.INPUT_UNCACHED, price: Price | None = SONNET) -> UsageLine:
    n = next(_ids)
    tool = kind is LineKind.TOOL_CALL
    return UsageLine(
        trace_id=f"{n:032x}", span_id=f"{n:016x}", kind=kind, layer=Layer.TOOL if tool else Layer.PROMPT,
        ts=datetime(2026, 1, day, 12, tzinfo=UTC), quantity=3 if tool else 10_000 * day,
        model="n/a" if tool else "claude-sonnet-4-5", provider="n/a" if tool else "anthropic",
        operation="execute_tool" if tool else "chat", tool_name="web_search" if tool else None, price=price,
        unpriced_reason=None if price else "no price for model", dims={"tenant_id": tenant, "agent_slug": "bot",
        "module_id": "triage", "channel": "web"},
    )  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Six priced lines over three days and two tenants, a tool call, and one unpriced line."""
    path = tmp_path / "store.duckdb"
    lines = [line(day, tenant) for day in (3, 4, 31) for tenant in ("acme", "globex")]
    lines += [line(4, "acme", LineKind.TOOL_CALL, SEARCH), line(5, "acme", price=None)]
    store = Store.open(f"duckdb:///{path}")
    try:
        store.write_batch(WriteBatch(lines=lines, source="test", accepted=len(lines)))
    finally:
        store.close()
    return path


def export(db: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ross_cost.cli", "export", "focus", *args, "--db", f"duckdb:///{db}"],
        cwd=REPO, capture_output=True, timeout=300, check=False,
    )  # fmt: skip


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))[1:]


def test_the_default_is_csv_on_stdout_and_stderr_says_what_was_exported_and_left_out(db: Path) -> None:
    done = export(db, "--start", JAN[0], "--end", JAN[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"BilledCost,BillingAccountId,")
    assert len(csv_rows(done.stdout)) == 7
    assert check_csv(io.StringIO(done.stdout.decode("utf-8"))).ok
    summary, unpriced = done.stderr.decode().splitlines()
    assert "7 FOCUS 1.3 rows (csv)" in summary and "to stdout" in summary
    assert unpriced.startswith("ross-cost: 1 unpriced usage lines left out (50,000 Tokens; no price for model ×1)")


def test_o_writes_the_file_in_the_format_its_suffix_names_and_nothing_to_stdout(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "focus.ndjson"
    done = export(db, "--start", JAN[0], "--end", JAN[1], "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    objects = [json.loads(text) for text in out.read_text().splitlines()]
    assert len(objects) == 7 and list(objects[0]) == list(COLUMN_NAMES)
    assert {obj["x_TenantId"] for obj in objects} == {"acme", "globex"}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_the_export_is_the_bytes_the_services_give_the_endpoint(db: Path) -> None:
    from ross_cost.focus.services import export_bytes, focus_query

    done = export(db, "--start", JAN[0], "--end", JAN[1], "--format", "json")
    assert done.returncode == 0, done.stderr
    svc = open_services(f"duckdb:///{db}")
    try:
        expected = export_bytes(svc, focus_query(date(2026, 1, 1), date(2026, 2, 1)), "json")
    finally:
        svc.close()
    assert done.stdout == expected
    assert len(json.loads(done.stdout)) == 7


def test_filters_select_the_same_usage_as_in_the_cockpit_and_sum_to_its_total(db: Path) -> None:
    done = export(db, "--start", JAN[0], "--end", JAN[1], "--filter", "tenant_id=acme", "--filter", "layer=prompt,tool")
    assert done.returncode == 0, done.stderr
    rows = csv_rows(done.stdout)
    assert len(rows) == 4 and {row[COLUMN_NAMES.index("x_TenantId")] for row in rows} == {"acme"}
    store = Store.open(f"duckdb:///{db}")
    try:
        query = CostQuery.build(
            date(2026, 1, 1), date(2026, 2, 1), filters={"tenant_id": ["acme"], "layer": ["prompt", "tool"]}
        )
        cockpit = sum((row.effective_cost for row in store.cost(query)), Decimal(0))
    finally:
        store.close()
    assert sum((Decimal(row[EFFECTIVE]) for row in rows), Decimal(0)) == cockpit


@pytest.mark.parametrize(("fmt", "body"), [("csv", ",".join(COLUMN_NAMES) + "\n"), ("ndjson", ""), ("json", "[]\n")])
def test_a_period_without_data_is_an_empty_but_valid_file(db: Path, fmt: str, body: str) -> None:
    done = export(db, "--start", "2025-06-01", "--end", "2025-07-01", "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == body
    assert "0 FOCUS 1.3 rows" in done.stderr.decode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "2026-02-01", "--end", "2026-01-01"), "--end: must be after start (2026-02-01)"),
        (("--start", "2026-01-32", "--end", "2026-02-01"), "--start: '2026-01-32' is not a YYYY-MM-DD date"),
        (("--end", "2026-02-01"), "--start: is required"),
        (("--start", JAN[0], "--end", JAN[1], "--format", "parquet"), "--format: 'parquet' is not a format"),
        (("--start", JAN[0], "--end", JAN[1], "--filter", "acme"), "--filter: 'acme' is not KEY=VALUE"),
        (("--start", JAN[0], "--end", JAN[1], "--filter", "colour=red"), "--filter colour: is not a filterable key"),
        (("--start", JAN[0], "--end", JAN[1], "-o", "/nonexistent-folder/focus.csv"), "cannot write"),
    ],
)
def test_user_mistakes_are_one_line_on_stderr_with_a_non_zero_exit_and_no_file(
    db: Path, args: tuple[str, ...], message: str
) -> None:
    done = export(db, *args)
    assert done.returncode != 0
    lines = [text for text in done.stderr.decode().splitlines() if text.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in lines[0], done.stderr
    assert done.stdout == b""


def test_a_folder_given_as_output_is_refused_before_anything_is_written(db: Path, tmp_path: Path) -> None:
    done = export(db, "--start", JAN[0], "--end", JAN[1], "-o", str(tmp_path))
    assert done.returncode != 0 and b"is a folder" in done.stderr
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("store.duckdb")] == []
