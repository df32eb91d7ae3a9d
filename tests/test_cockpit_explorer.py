"""AppTest of the Explorer: slicers, groupings, the pivot, the period comparison and the drill-down all
answer with the services' numbers; the question box reaches "Sara voice Q3 vs Q4 by module and tier"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ross_cost.services import Services
from ross_cost.ui import fmt
from ross_cost.views import rollup
from tests.cockpit_support import (
    DEFAULT_END,
    DEFAULT_START,
    cockpit,
    cost,
    csv_rows,
    demo_db,
    downloads,
    metric,
    money_text,
    open_page,
    total,
)

__all__ = ["cockpit", "demo_db", "downloads"]
EXPLORER = "pages/explorer.py"
Q3, Q4 = (date(2026, 7, 1), date(2026, 10, 1)), (date(2026, 10, 1), date(2027, 1, 1))


def test_explorer_opens_with_its_pickers_and_the_question_box(cockpit: Services) -> None:
    at = open_page(EXPLORER)
    assert at.text_input(key="ask") is not None
    assert at.selectbox(key="by").value == "agent_slug"
    assert at.selectbox(key="then").value == "—"
    assert at.selectbox(key="compare").value == "previous period"
    assert "2026-Q3" in at.selectbox(key="compare").options
    assert at.sidebar.multiselect(key="agent_slug") is not None


def test_explorer_total_and_pivot_equal_the_service_rows(cockpit: Services, downloads: dict[str, bytes]) -> None:
    at = open_page(EXPLORER, tenant_tier="enterprise")
    expected = cost(cockpit, DEFAULT_START, DEFAULT_END, ("agent_slug", "layer"), tenant_tier=["enterprise"])
    assert metric(at, "Spend in this slice") == fmt.money(total(expected))
    pivot = {r["agent_slug"]: r for r in csv_rows(downloads["explorer-pivot.csv"])}
    for row in expected:
        assert pivot[row.keys["agent_slug"]][row.keys["layer"]] == money_text(row.effective_cost)
    for row in rollup(expected, ("agent_slug",)):
        assert pivot[row.keys["agent_slug"]]["total"] == money_text(row.effective_cost)
    bars = csv_rows(downloads["explorer-bars.csv"])
    assert sum(Decimal(r["effective_cost"]) for r in bars) == total(expected)


def test_changing_the_grouping_regroups_the_chart_and_the_pivot(cockpit: Services, downloads: dict[str, bytes]) -> None:
    at = open_page(EXPLORER)
    at.selectbox(key="by").select("module_id").run()
    at.selectbox(key="then").select("channel").run()
    assert not at.exception
    pivot = csv_rows(downloads["explorer-pivot.csv"])
    expected = rollup(cost(cockpit, DEFAULT_START, DEFAULT_END, ("module_id", "channel")), ("module_id", "channel"))
    for row in expected:
        line = next(p for p in pivot if p["module_id"] == row.keys["module_id"])
        assert line[row.keys["channel"]] == money_text(row.effective_cost)


def test_the_sara_voice_question_takes_one_interaction_and_compares_q3_with_q4(
    cockpit: Services, downloads: dict[str, bytes]
) -> None:
    at = open_page(EXPLORER)
    at.text_input(key="ask").input("Show me Sara's voice spend, Q3 against Q4, by module and tenant tier").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="agent_slug").value == ["sara"]
    assert at.sidebar.multiselect(key="channel").value == ["voice"]
    assert at.sidebar.date_input(key="period").value == (Q4[0], date(2026, 12, 31))
    assert (at.selectbox(key="by").value, at.selectbox(key="then").value) == ("module_id", "tenant_tier")
    assert at.selectbox(key="compare").value == "2026-Q3"
    keys = ("module_id", "tenant_tier")
    slice_ = {"agent_slug": ["sara"], "channel": ["voice"]}
    q3 = {tuple(r.keys.values()): r.effective_cost for r in rollup(cost(cockpit, *Q3, keys, **slice_), keys)}
    q4 = {tuple(r.keys.values()): r.effective_cost for r in rollup(cost(cockpit, *Q4, keys, **slice_), keys)}
    compared = csv_rows(downloads["explorer-comparison.csv"])
    assert {(r["module_id"], r["tenant_tier"]) for r in compared} == set(q3) | set(q4)
    for row in compared:
        ident = (row["module_id"], row["tenant_tier"])
        assert row["a"] == money_text(q3.get(ident, Decimal(0)))
        assert row["b"] == money_text(q4.get(ident, Decimal(0)))
    assert any("Q3" in c.value and "Q4" in c.value for c in at.caption)


def test_drilling_into_a_cell_lists_its_spans_with_their_cost(cockpit: Services, downloads: dict[str, bytes]) -> None:
    at = open_page(EXPLORER, agent_slug="will")
    assert "explorer-spans.csv" not in downloads  # nothing is fetched until a cell is chosen
    at.selectbox(key="drill").select("will · tool").run()
    assert not at.exception
    spans = csv_rows(downloads["explorer-spans.csv"])
    cell = total(cost(cockpit, DEFAULT_START, DEFAULT_END, agent_slug=["will"], layer=["tool"]))
    assert 0 < len(spans) <= 50
    assert all(len(s["trace_id"]) == 32 and len(s["span_id"]) == 16 for s in spans)
    listed = sum(Decimal(s["effective_cost"]) for s in spans)
    assert listed <= cell and (len(spans) == 50 or listed == cell)



def test_a_question_naming_a_period_without_data_says_so_and_keeps_the_rest(cockpit: Services) -> None:
    at = open_page(EXPLORER)
    at.text_input(key="ask").input("atlas 2020-Q1 vs Q4 by channel").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="agent_slug").value == ["atlas"]
    assert at.selectbox(key="by").value == "channel"
    assert at.selectbox(key="compare").value == "previous period"
    assert any("2020-Q1 (no data)" in c.value for c in at.caption)
