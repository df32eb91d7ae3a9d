"""The streaming writers: CSV, NDJSON and JSON carry the same rows and totals, nulls as nulls, flat memory."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ross_cost.focus.columns import COLUMN_NAMES
from ross_cost.focus.conformance import check_csv
from ross_cost.focus.formats import decimal_text
from ross_cost.focus.rows import FocusRow, FocusSourceRow, focus_rows
from ross_cost.focus.writers import (
    CHUNK_ROWS,
    FORMATS,
    DecimalStyle,
    chunks,
    csv_chunks,
    json_chunks,
    ndjson_chunks,
    utf8,
)
from tests.focus_workload import small_workload, source, source_rows, varied_workload

GOLDEN = Path(__file__).parent / "golden" / "focus_small_workload.csv"
EFFECTIVE = COLUMN_NAMES.index("EffectiveCost")


def text_cells(row: FocusRow) -> list[str | None]:
    """A row as any reader gets it back: text, or None for null."""
    return [None if value is None else str(value) for value in row]


def read_back(fmt: str, text: str) -> tuple[list[str], list[list[str | None]]]:
    """Header and rows of an export, cells as text (JSON numbers and strings alike), nulls as None."""
    if fmt == "csv":
        records = list(csv.reader(io.StringIO(text)))
        return records[0], [[None if v == "" else v for v in record] for record in records[1:]]
    objects = [json.loads(line) for line in text.splitlines()] if fmt == "ndjson" else json.loads(text)
    header = list(objects[0]) if objects else list(COLUMN_NAMES)
    rows = [[None if v is None else str(v) for v in obj.values()] for obj in objects]
    return header, rows


def export(fmt: str, rows: list[FocusRow], decimals: DecimalStyle = "string") -> str:
    return "".join(chunks(fmt, iter(rows), decimals=decimals))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_round_trips_to_the_same_rows_and_the_same_effective_total(fmt: str) -> None:
    rows = list(focus_rows(varied_workload(300)))
    header, back = read_back(fmt, export(fmt, rows))
    assert header == list(COLUMN_NAMES)
    assert back == [text_cells(row) for row in rows]
    total = sum((Decimal(str(row[EFFECTIVE])) for row in rows), Decimal(0))
    assert sum((Decimal(str(r[EFFECTIVE])) for r in back), Decimal(0)) == total


@settings(max_examples=60, deadline=None)
@given(st.lists(source_rows(), max_size=12), st.sampled_from(FORMATS))
def test_any_rows_round_trip_through_any_format(workload: list[FocusSourceRow], fmt: str) -> None:
    rows = list(focus_rows(workload))
    assert read_back(fmt, export(fmt, rows))[1] == [text_cells(row) for row in rows]


def test_json_numbers_mode_writes_bare_decimals_that_parse_back_exactly() -> None:
    rows = list(focus_rows(small_workload()))
    objects = [json.loads(line, parse_float=Decimal) for line in export("ndjson", rows, "number").splitlines()]
    assert isinstance(objects[0]["ListCost"], Decimal)
    assert [str(obj["ListCost"]) for obj in objects] == [row[COLUMN_NAMES.index("ListCost")] for row in rows]
    assert isinstance(objects[0]["x_UsageLines"], int)


@pytest.mark.parametrize(("fmt", "empty"), [("csv", ",".join(COLUMN_NAMES) + "\n"), ("ndjson", ""), ("json", "[]\n")])
def test_a_period_without_rows_gives_an_empty_but_valid_file(fmt: str, empty: str) -> None:
    assert export(fmt, []) == empty
    if fmt == "csv":
        assert check_csv(io.StringIO(empty)).ok


def test_nulls_are_empty_unquoted_csv_fields_and_json_nulls() -> None:
    rows = list(focus_rows([source()]))
    line = export("csv", rows).splitlines()[1]
    fields = next(csv.reader([line]))
    charge_class = COLUMN_NAMES.index("ChargeClass")
    assert fields[charge_class] == ""
    assert line.startswith(",".join(fields[:charge_class]) + ",,")  # empty and unquoted, not ""
    obj = json.loads(export("ndjson", rows))
    assert obj["ChargeClass"] is None and obj["InvoiceId"] is None


def test_csv_quotes_commas_quotes_newlines_and_keeps_unicode() -> None:
    tricky = 'Société "Générale",\nParis'
    rows = list(focus_rows([source(tenant_id=tricky, tenant_name=tricky)]))
    data = b"".join(utf8(csv_chunks(rows))).decode("utf-8")
    assert read_back("csv", data)[1][0][COLUMN_NAMES.index("SubAccountName")] == tricky
    assert json.loads(export("json", rows))[0]["x_TenantId"] == tricky


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("3000", "3000.0"),
        ("0", "0.0"),
        ("-0", "0.0"),
        ("0E-12", "0.0"),
        ("1E+3", "1000.0"),
        ("0.075000000000", "0.075"),
        ("7.5E-8", "0.000000075"),
        ("-1.50", "-1.5"),
        ("123456789012345678.123456789012", "123456789012345678.123456789012"),
    ],
)
def test_decimals_are_written_plain_with_a_decimal_point(value: str, text: str) -> None:
    assert decimal_text(Decimal(value)) == text


@given(st.decimals(allow_nan=False, allow_infinity=False, places=12, min_value=-(10**18), max_value=10**18))
def test_decimal_text_never_has_an_exponent_and_reads_back_equal(value: Decimal) -> None:
    text = decimal_text(value)
    assert "E" not in text.upper() and "." in text and not text.startswith("+")
    assert Decimal(text) == value


@pytest.mark.parametrize("writer", [csv_chunks, ndjson_chunks, json_chunks])
def test_writers_pull_rows_lazily_and_yield_bounded_chunks(
    writer: Callable[[Iterator[FocusRow]], Iterator[str]],
) -> None:
    row = next(focus_rows([source()]))
    pulled = 0

    def endless() -> Iterator[FocusRow]:
        nonlocal pulled
        while True:
            pulled += 1
            yield row

    stream = writer(endless())
    first = next(stream)
    assert pulled <= CHUNK_ROWS + 1
    second = next(stream)
    assert pulled <= 2 * CHUNK_ROWS + 1
    assert len(second) < 2 * len(first) + 10_000


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        chunks("xml", iter([]))


def test_the_small_workload_export_matches_the_hand_reviewed_golden_file_byte_for_byte() -> None:
    data = b"".join(utf8(csv_chunks(focus_rows(small_workload()))))
    if os.environ.get("ROSS_UPDATE_GOLDEN") == "1":
        GOLDEN.write_bytes(data)
    assert data == GOLDEN.read_bytes()


def test_the_golden_file_passes_our_focus_checks() -> None:
    with GOLDEN.open(encoding="utf-8", newline="") as handle:
        report = check_csv(handle)
    assert report.ok, report.summary()
    assert report.rows == 12
