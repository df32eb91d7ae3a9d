"""Page building blocks shared by several pages: headline metrics, layer metrics, chart + download."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import streamlit as st

from ross_cost.query import Granularity
from ross_cost.ui import charts, fmt, tables
from ross_cost.ui.frame import Selection
from ross_cost.ui.tables import Column
from ross_cost.ui.theme import LAYER_ORDER, label
from ross_cost.views import Change, Period, share

COST_COLUMNS: tuple[Column, ...] = (
    Column("effective_cost", "Effective cost", "money"),
    Column("list_cost", "List cost", "money"),
    Column("lines", "Usage lines", "count"),
)

#: Metric options for a fact that is not a change: a grey note, no arrow.
QUIET: dict[str, Any] = {"delta_color": "off", "delta_arrow": "off"}


def change_text(change: Change) -> str | None:
    """The delta under a metric: "+8.2% (+$310.00)"; None when both periods are empty."""
    if change.previous == 0 and change.current == 0:
        return None
    return f"{fmt.percent_delta(change.relative)} ({fmt.money_delta(change.delta)})"


def against_previous(period: Period, data_range: tuple[date, date] | None) -> None:
    """Say once what the deltas compare with, and when that period is only partly covered by data."""
    before = period.previous()
    covered = before.covered_days(*data_range) if data_range else 0
    note = "" if covered == before.days else f" Only {covered} of those days hold data: read the changes with care."
    st.caption(f"Changes are against the previous {period.days} days, {fmt.day_span(before.start, before.last_day)}."
               + note)


def layer_metrics(now: Mapping[str, Decimal], before: Mapping[str, Decimal], total: Decimal) -> None:
    """One metric per layer, edged in its colour: spend, share of the total, change against the previous period."""
    for column, layer in zip(st.columns(len(LAYER_ORDER)), LAYER_ORDER, strict=True):
        change = Change(now.get(layer, Decimal(0)), before.get(layer, Decimal(0)))
        with column.container(key=f"layer-{layer}"):
            st.metric(f"{layer} · {fmt.percent(share(change.current, total))} of spend", fmt.money(change.current),
                      change_text(change), delta_color="inverse")


def chart_with_download(fig: Any, name: str, keys: Sequence[str], rows: Sequence[Mapping[str, Any]], key: str,
                        extra: Sequence[Column] = COST_COLUMNS) -> None:
    """The chart, then a CSV of exactly the rows it draws."""
    charts.show(fig, key=f"chart-{key}")
    columns = [Column(k, label(k)) for k in keys] + list(extra)
    tables.downloads(name, columns, rows, key, ndjson=False)


def api_link(selection: Selection, group_by: Sequence[str], granularity: Granularity | None = None) -> None:
    """The GET /api/cost request behind a chart, as a link: auditors can fetch the same numbers."""
    path = selection.api_path(list(group_by), granularity)
    st.caption(f"Same numbers from the API: [`GET {path}`]({path})")
