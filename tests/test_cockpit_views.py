"""The cockpit's pure parts: periods, comparisons, shaping for charts and tables, formatting, the narrative
and the question box. Conservation holds for any rows: no shaping step gains or loses a cent."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ross_cost.query import CostRow
from ross_cost.ui import ask, fmt, shape, tables
from ross_cost.ui.tables import Column
from ross_cost.views import (
    Change,
    NarrativeFacts,
    Period,
    UnitCost,
    compare,
    labelled,
    layer_totals,
    month,
    narrative,
    period_from_label,
    period_labels,
    quarter,
    rollup,
    total,
)

LAYERS = ("prompt", "tool", "memory", "response")
money = st.decimals(min_value=0, max_value=10_000, places=12, allow_nan=False, allow_infinity=False)
rows_strategy = st.lists(
    st.builds(lambda agent, layer, cost: CostRow({"agent_slug": agent, "layer": layer}, cost, cost, lines=1),
              st.sampled_from(["sara", "atlas", "irati", "will", "maya"]), st.sampled_from(LAYERS), money),
    max_size=40,
)


@given(rows_strategy, rows_strategy)
def test_a_comparison_keeps_both_totals_and_every_group(rows_a: list[CostRow], rows_b: list[CostRow]) -> None:
    compared = compare(rows_a, rows_b, ("agent_slug",))
    assert sum((r.a for r in compared), Decimal(0)) == total(rows_a)
    assert sum((r.b for r in compared), Decimal(0)) == total(rows_b)
    assert {r.keys["agent_slug"] for r in compared} == {r.keys["agent_slug"] for r in rows_a + rows_b}


@given(rows_strategy, st.integers(min_value=1, max_value=4))
def test_bars_with_an_other_bucket_still_add_up_to_the_total(rows: list[CostRow], top: int) -> None:
    names, series = shape.by_layer(rows, ("agent_slug",), top=top)
    assert len(names) <= top + 1
    assert sum((v for values in series.values() for v in values), Decimal(0)) == total(rows)


@given(rows_strategy)
def test_pivot_rows_and_columns_add_up_to_the_total(rows: list[CostRow]) -> None:
    columns, table = shape.pivot(rows, "agent_slug", "layer")
    assert sum((entry["total"] for entry in table), Decimal(0)) == total(rows)
    for entry in table:
        assert sum((entry[c] for c in columns if entry[c] is not None), Decimal(0)) == entry["total"]
    assert list(columns) == [layer for layer in LAYERS if layer in columns]


@given(rows_strategy)
def test_rollup_and_layer_totals_conserve_money(rows: list[CostRow]) -> None:
    assert total(rollup(rows, ("agent_slug",))) == total(rows)
    assert sum(layer_totals(rows).values(), Decimal(0)) == total(rows)


@settings(deadline=None)  # the first example imports streamlit (tables.py)
@given(st.lists(st.tuples(st.sampled_from(["a,b", "plain", 'q"uote']), money), max_size=20))
def test_csv_and_ndjson_carry_exact_decimal_strings(pairs: list[tuple[str, Decimal]]) -> None:
    columns = [Column("name", "Name"), Column("cost", "Cost", "money")]
    rows = [{"name": name, "cost": cost} for name, cost in pairs]
    parsed = list(csv.DictReader(io.StringIO(tables.csv_bytes(columns, rows).decode())))
    assert [(r["name"], Decimal(r["cost"])) for r in parsed] == pairs
    lines = [json.loads(x) for x in tables.ndjson_bytes(columns, rows).decode().splitlines()]
    assert [(r["name"], Decimal(r["cost"])) for r in lines] == pairs
    assert tables.arrow_table(columns, rows).num_rows == len(rows)


def test_money_is_formatted_with_currency_and_precision_that_fits_the_amount() -> None:
    assert fmt.money(Decimal("12345.675")) == "$12,345.68"
    assert fmt.money(Decimal("0.0042134")) == "$0.004213"
    assert fmt.money(Decimal("0.5")) == "$0.5000"
    assert fmt.money(Decimal(0)) == "$0.00"
    assert fmt.money(Decimal("-3.2")) == "-$3.20"
    assert fmt.money_delta(Decimal("1.5")) == "+$1.50"
    assert (fmt.percent(Decimal("0.1234")), fmt.percent(None), fmt.percent_delta(None)) == ("12.3%", "n/a", "new")
    assert (fmt.count(1234), fmt.count(1_234_567)) == ("1,234", "1.23M")


def test_quarters_and_months_are_half_open_and_labelled() -> None:
    assert quarter(2026, 4) == Period(date(2026, 10, 1), date(2027, 1, 1), "2026-Q4")
    assert month(2026, 2).days == 28 and month(2026, 12).end == date(2027, 1, 1)
    assert period_from_label("2026-q3") == quarter(2026, 3) and period_from_label("2026-10") == month(2026, 10)
    assert period_from_label("previous period") is None
    assert Period(date(2026, 11, 1), date(2026, 12, 1)).previous() == Period(date(2026, 10, 2), date(2026, 11, 1))
    labels = period_labels(date(2026, 9, 25), date(2026, 10, 4))
    assert labels == ["2026-Q4", "2026-Q3", "2026-10", "2026-09"]
    assert quarter(2026, 4).covered_days(date(2026, 9, 25), date(2026, 10, 4)) == 4
    assert labelled(Period(date(2026, 7, 1), date(2026, 10, 1))).label == "2026-Q3"
    assert labelled(Period(date(2026, 11, 1), date(2026, 12, 1))).label == "2026-11"
    assert labelled(Period(date(2026, 11, 2), date(2026, 12, 1))).label == ""


OPTIONS = {"agent_slug": ["sara", "sales-cdr"], "channel": ["voice", "email"], "tenant_id": ["t-acme"],
           "tenant_tier": ["enterprise", "growth"]}


def test_the_question_box_understands_the_sara_question() -> None:
    found = ask.parse("Show me Sara's voice spend, Q3 against Q4, by module and tenant tier", OPTIONS,
                      date(2026, 11, 30))
    assert found.filters == {"agent_slug": ["sara"], "channel": ["voice"]}
    assert (found.period, found.against) == (quarter(2026, 4), quarter(2026, 3))
    assert found.group_by == ["module_id", "tenant_tier"] and found.ignored == []


def test_the_question_box_reads_months_years_tenants_and_reports_what_it_ignored() -> None:
    found = ask.parse("acme october vs nov 2025 by agent, bananas", OPTIONS, date(2026, 11, 30))
    assert found.filters == {"tenant_id": ["t-acme"]}
    assert [p.label for p in found.periods] == ["2026-10", "2025-11"]
    assert found.period == month(2026, 10) and found.against == month(2025, 11)
    assert found.group_by == ["agent_slug"] and found.ignored == ["bananas"]
    assert ask.parse("q4", OPTIONS, date(2026, 2, 1)).period == quarter(2025, 4)  # Q4 2026 has not begun


def facts(spend: Change, unit: UnitCost, covered: int = 30) -> NarrativeFacts:
    layers = {"prompt": Change(spend.current / 2, spend.previous / 2), "tool": Change(spend.current / 4, Decimal(0)),
              "memory": Change(spend.current / 4, spend.previous / 2), "response": Change(Decimal(0), Decimal(0))}
    period = Period(date(2026, 11, 1), date(2026, 12, 1))
    return NarrativeFacts(period, spend, layers, ("sara", spend.current / 5), unit, UnitCost(10, Decimal(5),
                          Decimal(0)), 3, 1000, Decimal("1.25"), covered)


def test_the_narrative_quotes_only_numbers_it_was_given() -> None:
    text = narrative(facts(Change(Decimal("200"), Decimal("160")), UnitCost(400, Decimal("180"), Decimal("20"))))
    assert "$200.00" in text and "up 25.0% (+$40.00)" in text and "previous 30 days" in text
    assert "prompt 50%" in text and "sara, accounts for 20.0%" in text
    assert "$0.4500" in text and "400 conversations" in text and "-10.0% against $0.5000" in text
    assert "0.30% of usage lines are unpriced" in text and "0.6% of spend has no tenant" in text
    assert narrative(facts(Change(Decimal(0), Decimal(5)), UnitCost(0, Decimal(0), Decimal(0)))).startswith("No ")
    partial = narrative(facts(Change(Decimal("200"), Decimal("20")), UnitCost(1, Decimal(1), Decimal(0)), covered=3))
    assert "hold data on only 3 days" in partial


def test_a_day_span_reads_like_people_write_it() -> None:
    start = date(2026, 11, 1)
    assert fmt.day_span(start, start + timedelta(days=29)) == "1 – 30 Nov 2026"
    assert fmt.day_span(date(2026, 10, 2), date(2026, 11, 1)) == "2 Oct – 1 Nov 2026"
    assert fmt.day_span(date(2025, 12, 30), date(2026, 1, 2)) == "30 Dec 2025 – 2 Jan 2026"
