"""Our FOCUS 1.3 conformance checks pass our exports and catch each rule's violation, including the rules
the FinOps Foundation's validator misses; and the validator itself passes a varied export."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from ross_cost.focus.columns import COLUMN_NAMES
from ross_cost.focus.conformance import ConformanceChecker, check_csv, check_rows, checked
from ross_cost.focus.formats import Cell
from ross_cost.focus.rows import FocusRow, focus_rows, row_dict
from ross_cost.focus.rules import RULES, rules_for
from ross_cost.focus.writers import csv_chunks
from tests.focus_workload import small_workload, source, varied_workload

VALIDATOR = Path(__file__).resolve().parents[2] / "shared" / "tools" / "focus-validate"


def good_row() -> dict[str, Cell]:
    return row_dict(next(focus_rows([source(line_kind="cache_read", quantity=1_234_567)])))


def failures_after(change: dict[str, Cell], header: list[str] | None = None) -> set[str]:
    row = {**good_row(), **change}
    names = header or list(COLUMN_NAMES)
    return set(check_rows([[row.get(name) for name in names]], names).failures)


def test_our_exports_pass_every_rule() -> None:
    report = check_rows(focus_rows(small_workload() + varied_workload(400)))
    assert report.ok, report.summary()
    assert report.rows == 412
    assert {rule.id for rule in report.rules} == {rule.id for rule in RULES}


def test_the_rule_list_marks_what_the_official_validator_misses() -> None:
    missed = {rule.id for rule in RULES if rule.validator_misses}
    assert {"cost.list", "type.datetime", "unit.format", "values.subcategory-parent", "type.key-value",
            "sku-price-details.keys", "columns.known-or-custom", "columns.mandatory"} <= missed  # fmt: skip


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"PricingUnit": "1M Tokens"}, "unit.format"),
        ({"ConsumedUnit": "tokens"}, "unit.format"),
        ({"PricingUnit": "per 1000000 Tokens"}, "unit.format"),
        ({"ChargePeriodStart": "2026-01-15T00:00:00+00:00"}, "type.datetime"),
        ({"ChargePeriodStart": "2026-01-15 00:00:00"}, "type.datetime"),
        ({"BillingPeriodEnd": "2026-02-30T00:00:00Z"}, "type.datetime"),
        ({"ListCost": "0.370370100001"}, "cost.list"),
        ({"ContractedCost": "0.3703702"}, "cost.contracted"),
        ({"ServiceSubcategory": "Search"}, "values.subcategory-parent"),
        ({"ServiceSubcategory": "Vector Databases"}, "values.allowed"),
        ({"ChargeCategory": "usage"}, "values.allowed"),
        ({"ChargeFrequency": "Usage-based"}, "values.allowed"),
        ({"Tags": '{"ross/team":{"name":"support"}}'}, "type.key-value"),
        ({"Tags": '{"ross/a":"1","ross/a":"2"}'}, "type.key-value"),
        ({"Tags": "team=support"}, "type.key-value"),
        ({"Tags": '["ross/a"]'}, "type.key-value"),
        ({"Tags": '{"team":"support"}'}, "tags.ross"),
        ({"SkuPriceDetails": '{"ModelName":"claude"}'}, "sku-price-details.keys"),
        ({"BillingCurrency": "usd"}, "currency.iso4217"),
        ({"BilledCost": "$0.37"}, "type.decimal"),
        ({"BilledCost": "3.7E+1"}, "type.decimal"),
        ({"ConsumedQuantity": "1234567"}, "type.decimal-plain"),
        ({"x_UsageLines": "1.5"}, "type.integer"),
        ({"PricingCurrency": None}, "null.not-nullable"),
        ({"PricingCurrencyEffectiveCost": None}, "null.not-nullable"),
        ({"ServiceProviderName": None}, "null.not-nullable"),
        ({"x_Layer": "N/A"}, "null.no-placeholder"),
        ({"ChargeClass": ""}, "null.no-placeholder"),
        ({"SkuPriceId": None}, "sku.price-id-cascade"),
        ({"ListUnitPrice": None}, "usage.required"),
        ({"ConsumedQuantity": None, "ConsumedUnit": None}, "usage.required"),
        ({"ConsumedUnit": None}, "pairs.null-together"),
        ({"SubAccountName": None}, "pairs.null-together"),
        ({"SkuId": None}, "pairs.null-together"),
        ({"ListUnitPrice": "-0.3", "PricingCurrencyListUnitPrice": "-0.3", "ListCost": "-0.3703701"},
         "price.non-negative"),
        ({"InvoiceIssuerName": "Amazon Web Services, Inc."}, "cost.third-party"),
        ({"ChargeCategory": "Purchase"}, "charge-frequency.purchase"),
        ({"ChargeCategory": "Tax"}, "tax.nulls"),
        ({"ChargePeriodEnd": "2026-01-15T00:00:00Z"}, "periods.order"),
        ({"BillingPeriodEnd": "2025-12-31T00:00:00Z"}, "periods.order"),
        ({"ChargePeriodStart": "2025-12-31T00:00:00Z"}, "periods.charge-in-billing"),
        ({"BilledCost": "0.1"}, "cost.billed-is-effective"),
        ({"EffectiveCost": "0.1", "BilledCost": "0.1", "PricingCurrencyEffectiveCost": "0.1"},
         "cost.effective-is-contracted"),
        ({"PricingCurrencyListUnitPrice": "0.31"}, "cost.pricing-currency"),
        ({"ChargeDescription": None}, "charge.description"),
    ],
)  # fmt: skip
def test_each_violation_is_caught_by_its_rule(change: dict[str, Cell], rule: str) -> None:
    assert rule in failures_after(change)


@pytest.mark.parametrize(
    ("header_change", "rule"),
    [
        (lambda h: [n for n in h if n != "HostProviderName"], "columns.mandatory"),
        (lambda h: [n for n in h if n != "ServiceProviderName"], "columns.mandatory"),
        (lambda h: [n for n in h if n != "Tags"], "columns.expected"),
        (lambda h: [*h, "Id"], "columns.known-or-custom"),
        (lambda h: [*h, "x_lower_case"], "columns.custom-naming"),
        (lambda h: [n for n in h if n != "BilledCost"] + ["BilledCost"], "columns.custom-last"),
        (lambda h: [*h, "Tags"], "columns.unique"),
    ],
)
def test_each_column_violation_is_caught(header_change: Callable[[list[str]], list[str]], rule: str) -> None:
    header = header_change(list(COLUMN_NAMES))
    assert rule in failures_after({"Id": "1", "x_lower_case": "a"}, header)


def test_dataset_rules_see_all_rows() -> None:
    rows = [good_row(), {**good_row(), "ServiceCategory": "Databases", "ServiceSubcategory": "Other (Databases)"}]
    rows.append({**good_row(), "SkuId": "anthropic/other"})
    report = check_rows([list(r.values()) for r in rows])
    assert {"dataset.service-one-category", "dataset.service-one-subcategory", "dataset.sku-price-one-sku"} <= set(
        report.failures
    )


def test_the_focus_profile_checks_the_spec_only() -> None:
    row = {**good_row(), "BilledCost": "0.1"}  # amortization is allowed by FOCUS, not by our charges
    assert check_rows([list(row.values())], profile="focus").ok
    assert not check_rows([list(row.values())], profile="ross").ok
    assert all(rule.profile == "focus" for rule in rules_for("focus"))


def test_a_clean_row_passes_and_the_report_serialises() -> None:
    report = check_rows([list(good_row().values())])
    assert report.ok and report.failures == {}
    assert json.loads(json.dumps(report.as_dict()))["ok"] is True
    assert "0 failed" in report.summary()


def test_a_failed_report_names_rows_columns_and_values() -> None:
    report = check_rows([list({**good_row(), "PricingUnit": "1M Tokens"}.values())])
    assert report.failures == {"unit.format": 1}
    example = str(report.examples[0])
    assert "row 1" in example and "PricingUnit" in example and "1M Tokens" in example


def test_checked_passes_rows_through_while_checking_a_streaming_export() -> None:
    rows = list(focus_rows(small_workload()))
    checker = ConformanceChecker(COLUMN_NAMES)
    streamed: list[FocusRow] = list(checked(rows, checker))
    assert streamed == rows
    report = checker.report()
    assert report.ok and report.rows == len(rows)


def test_csv_as_written_passes_and_a_broken_csv_fails() -> None:
    text = "".join(csv_chunks(focus_rows(small_workload())))
    assert check_csv(io.StringIO(text)).ok
    broken = text.replace("1000000 Tokens", "1M tokens", 1)
    assert set(check_csv(io.StringIO(broken)).failures) == {"unit.format"}


@pytest.mark.slow
def test_the_official_validator_reports_no_failed_rule_on_a_varied_export(tmp_path: Path) -> None:
    tool = VALIDATOR if VALIDATOR.exists() else shutil.which("focus-validate")
    if tool is None:
        pytest.skip("focus-validate is not installed")
    path = tmp_path / "varied.csv"
    path.write_text("".join(csv_chunks(focus_rows(small_workload() + varied_workload(400)))), encoding="utf-8")
    done = subprocess.run([str(tool), str(path)], capture_output=True, text=True, timeout=900, check=False)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in summary, summary
