"""The FOCUS source query: stored lines aggregate per day and price, stream, and reconcile with the cockpit.
Every test runs once per engine (DuckDB, and PostgreSQL when its binaries are present)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ross_cost.focus.conformance import check_rows
from ross_cost.focus.rows import ExportTally, focus_rows
from ross_cost.model import Layer, LineKind, Price, UsageLine
from ross_cost.query import CostQuery, QueryError
from ross_cost.storage import Store, WriteBatch
from ross_cost.storage.focus_reads import UnpricedUsage, focus_source, focus_unpriced

SONNET_IN = Price(Decimal("0.000003"), Decimal("0.00000255"), "genai-prices 0.2.5", "sonnet input", "ent-2026")
ODD = Price(Decimal("0.000000123457"), Decimal("0.000000111111"), "price-book", "odd", None)
SEARCH = Price(Decimal("0.01"), Decimal("0.01"), "price-book", "tool web_search")
JAN = (date(2026, 1, 1), date(2026, 2, 1))
_ids = itertools.count(1)


def line(
    day: int,
    kind: LineKind = LineKind.INPUT_UNCACHED,
    quantity: int = 1000,
    price: Price | None = SONNET_IN,
    tenant: str = "acme",
    **extra: str,
) -> UsageLine:
    n = next(_ids)
    tool = kind is LineKind.TOOL_CALL
    return UsageLine(
        trace_id=f"{n:032x}",
        span_id=f"{n:016x}",
        kind=kind,
        layer=Layer.TOOL if tool else Layer.PROMPT,
        ts=datetime(2026, 1, day, 10, 30, tzinfo=UTC),
        quantity=quantity,
        model="n/a" if tool else "claude-sonnet-4-5",
        provider="n/a" if tool else "anthropic",
        operation="execute_tool" if tool else "chat",
        tool_name="web_search" if tool else None,
        price=price,
        unpriced_reason=None if price else "no price",
        dims={"tenant_id": tenant, "agent_slug": "bot", "module_id": "m", "channel": "web", **extra},
    )


def write(store: Store, lines: Iterable[UsageLine]) -> None:
    batch = list(lines)
    store.write_batch(WriteBatch(lines=batch, source="test", accepted=len(batch)))


def cockpit_total(store: Store, **filters: tuple[str, ...]) -> Decimal:
    return sum((row.effective_cost for row in store.cost(CostQuery.build(*JAN, filters=filters))), Decimal(0))


def test_lines_of_one_day_and_price_become_one_source_row_with_summed_quantities_and_costs(store: Store) -> None:
    write(store, [line(5, quantity=1000), line(5, quantity=2500), line(6, quantity=7), line(5, price=ODD)])
    rows = list(focus_source(store.engine, *JAN))
    assert [(r.day, r.quantity, r.lines, r.list_unit_price) for r in rows] == [  # ordered by the group keys
        (date(2026, 1, 5), 1000, 1, Decimal("0.000000123457")),
        (date(2026, 1, 5), 3500, 2, Decimal("0.000003")),
        (date(2026, 1, 6), 7, 1, Decimal("0.000003")),
    ]
    first = next(r for r in rows if r.quantity == 3500)
    assert first.list_cost == Decimal("0.0105") and first.effective_cost == Decimal("0.008925")
    assert (first.contract, first.price_source, first.tenant_id, first.unpriced_reason) == (
        "ent-2026",
        "genai-prices 0.2.5",
        "acme",
        None,
    )


def test_the_export_sums_to_the_cockpit_total_exactly_and_passes_the_checks(store: Store) -> None:
    write(store, [line(d, quantity=q, price=p) for d in (3, 9, 31) for q, p in ((123_457, ODD), (999, SONNET_IN))])
    write(store, [line(4, LineKind.TOOL_CALL, quantity=3, price=SEARCH), line(4, quantity=50, price=None)])
    tally = ExportTally()
    rows = list(focus_rows(focus_source(store.engine, *JAN), tally=tally))
    assert tally.effective_cost == cockpit_total(store)
    assert tally.stored_cost_mismatches == 0
    assert (tally.rows, tally.unpriced_lines, tally.unpriced_quantity) == (7, 1, {"Tokens": 50})
    assert check_rows(rows).ok


def test_unpriced_usage_comes_back_as_its_own_rows_and_in_the_summary(store: Store) -> None:
    write(store, [line(4, quantity=50, price=None), line(4, quantity=70, price=None), line(4)])
    rows = list(focus_source(store.engine, *JAN))
    unpriced = [r for r in rows if not r.priced]
    assert [(r.quantity, r.lines, r.unpriced_reason, r.list_cost) for r in unpriced] == [(120, 2, "no price", None)]
    assert focus_unpriced(store.engine, *JAN) == [UnpricedUsage("Tokens", "no price", 2, 120)]


def test_tenant_name_and_tier_come_from_the_tenants_table(store: Store) -> None:
    store.replace_tenants([("acme", "Acme Corp", "enterprise")])
    write(store, [line(2), line(2, tenant="initech")])
    by_tenant = {r.tenant_id: r for r in focus_source(store.engine, *JAN)}
    assert (by_tenant["acme"].tenant_name, by_tenant["acme"].tenant_tier) == ("Acme Corp", "enterprise")
    assert (by_tenant["initech"].tenant_name, by_tenant["initech"].tenant_tier) == (None, None)


def test_filters_mean_what_they_mean_in_the_cockpit(store: Store) -> None:
    store.replace_tenants([("acme", "Acme Corp", "enterprise")])
    write(store, [line(2), line(2, tenant="initech"), line(3, LineKind.TOOL_CALL, quantity=2, price=SEARCH)])
    for filters in ({"tenant_tier": ("unattributed",)}, {"tool_name": ("n/a",)}, {"layer": ("tool",)}):
        tally = ExportTally()
        list(focus_rows(focus_source(store.engine, *JAN, filters), tally=tally))
        assert tally.effective_cost == cockpit_total(store, **filters)
        assert tally.rows >= 1


def test_the_period_is_half_open_and_an_empty_one_yields_nothing(store: Store) -> None:
    write(store, [line(1), line(31)])
    assert [r.day for r in focus_source(store.engine, date(2026, 1, 1), date(2026, 1, 31))] == [date(2026, 1, 1)]
    assert list(focus_source(store.engine, date(2025, 1, 1), date(2025, 2, 1))) == []


def test_a_callers_connection_is_used_and_left_open(store: Store) -> None:
    write(store, [line(7)])
    with store.engine.connect() as conn:
        assert len(list(focus_source(conn, *JAN))) == 1
        assert not conn.closed


def test_bad_parameters_fail_before_any_row_is_asked_for(store: Store) -> None:
    with pytest.raises(QueryError, match="end"):
        focus_source(store.engine, date(2026, 2, 1), date(2026, 2, 1))
    with pytest.raises(QueryError, match="colour"):
        focus_source(store.engine, *JAN, {"colour": ("red",)})
