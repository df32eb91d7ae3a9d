"""The tolerant FOCUS reader: real, dirty files come in as 1.3 text cells, every repair counted."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ross_cost.focus.columns import COLUMN_NAMES
from ross_cost.focus.conformance import check_rows
from ross_cost.focus.importer import detect_version, read_focus_csv
from ross_cost.focus.rows import focus_rows
from ross_cost.focus.writers import csv_chunks
from tests.focus_workload import small_workload

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "focus-samples"
OFFICIAL_1_0 = SAMPLES / "focus-1.0-official-sample-1000.csv"
SPEC_1_3 = SAMPLES / "spec-1.3-example-virtual-currency-usage.csv"


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"fixture {path.name} not present")
    return path


def test_our_own_export_reads_back_unchanged_with_no_repairs() -> None:
    rows = list(focus_rows(small_workload()))
    imported = read_focus_csv(io.StringIO("".join(csv_chunks(rows))))
    assert imported.version == "1.3"
    assert imported.header == list(COLUMN_NAMES)
    assert list(imported.rows()) == [[None if v is None else str(v) for v in row] for row in rows]
    assert imported.repairs == {}


def test_the_official_1_0_sample_is_read_with_its_quirks_repaired_and_counted() -> None:
    with needs(OFFICIAL_1_0).open(encoding="utf-8", newline="") as handle:
        imported = read_focus_csv(handle)
        rows = list(imported.rows())
    assert (imported.version, len(rows)) == ("1.0", 1000)
    header = imported.header
    assert "x_Id" in header and "Id" not in header and header[-1] == "x_Id"
    first = dict(zip(header, rows[0], strict=True))
    assert first["BillingPeriodStart"] == "2024-09-01T00:00:00Z"
    assert first["AvailabilityZone"] is None  # the literal NULL
    assert first["BillingAccountId"] == "1234567890123"  # all digits, still a string
    assert first["ServiceProviderName"] == first["HostProviderName"] == first["ProviderName"] == "AWS"
    assert {row[header.index("ChargeFrequency")] for row in rows} <= {"Usage-Based", "One-Time", "Recurring", None}
    assert imported.repairs["ChargeFrequency casing"] == 7
    assert imported.repairs["literal NULL read as null"] > 1000
    report = check_rows(rows, header, profile="focus")
    assert {"type.datetime", "null.no-placeholder", "values.allowed", "columns.known-or-custom"}.isdisjoint(
        report.failures
    )
    assert report.failures["cost.third-party"] == 615  # ProviderName "AWS" vs the issuer's legal name


def test_the_spec_1_3_example_loses_its_bom_crlf_and_short_dates() -> None:
    with needs(SPEC_1_3).open(encoding="utf-8", newline="") as handle:
        imported = read_focus_csv(handle)
        rows = list(imported.rows())
    assert imported.header[0] == "BilledCost"
    assert (imported.version, len(rows)) == ("1.3", 3)
    first = dict(zip(imported.header, rows[0], strict=True))
    assert (first["ChargePeriodStart"], first["BillingPeriodEnd"]) == ("2025-04-01T00:00:00Z", "2025-05-01T00:00:00Z")
    assert first["HostProviderName"] == first["ServiceProviderName"] == "ACMECORP"
    assert first["PricingCurrency"] == "Token"
    assert "columns.mandatory" in check_rows(rows, imported.header, profile="focus").failures  # no ServiceCategory


@pytest.mark.parametrize(
    ("columns", "version"),
    [
        (["BilledCost", "ProviderName"], "1.0"),
        (["ServiceSubcategory", "ProviderName"], "1.1"),
        (["InvoiceId", "SkuMeter"], "1.2"),
        (["ServiceProviderName", "ProviderName", "InvoiceId"], "1.3"),
        (["ServiceProviderName", "InvoiceDetailId"], "1.4"),
    ],
)
def test_the_version_is_detected_from_the_columns(columns: list[str], version: str) -> None:
    assert detect_version(columns) == version


def test_money_noise_and_zones_are_cleaned_but_nonsense_is_left_for_the_checks() -> None:
    text = (
        "BilledCost,ChargePeriodStart,ChargeCategory\r\n"
        '"$1,250.50",2026-01-15T00:00:00+00:00,usage\r\n'
        "abc,yesterday,Usage\r\n"
    )
    imported = read_focus_csv(io.StringIO(text))
    assert list(imported.rows()) == [["1250.50", "2026-01-15T00:00:00Z", "Usage"], ["abc", "yesterday", "Usage"]]
    assert imported.repairs["currency symbols or separators removed from numbers"] == 1
