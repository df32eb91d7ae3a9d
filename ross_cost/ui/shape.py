"""Shape CostRows into what a chart draws and a table lists. Pure; money stays Decimal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from ross_cost.query import CostRow
from ross_cost.ui.theme import LAYER_ORDER
from ross_cost.views import ZERO

SEPARATOR = " · "


def name_of(row: CostRow, keys: Sequence[str]) -> str:
    return SEPARATOR.join(row.keys[k] for k in keys)


def by_layer(rows: Iterable[CostRow], keys: Sequence[str], top: int | None = None) -> tuple[
    list[str], dict[str, list[Decimal]]
]:
    """Categories (the group keys joined) by total spend, and each layer's spend per category.

    Past `top` categories the rest is summed into one "other (n)" bar, so the bars still add up to the total."""
    cost: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        cell = cost.setdefault(name_of(row, keys), {})
        cell[row.keys["layer"]] = cell.get(row.keys["layer"], ZERO) + row.effective_cost
    ranked = sorted(cost, key=lambda name: (-sum(cost[name].values(), ZERO), name))
    if top is not None and len(ranked) > top + 1:
        rest = ranked[top:]
        other: dict[str, Decimal] = {}
        for name in rest:
            for layer, value in cost[name].items():
                other[layer] = other.get(layer, ZERO) + value
        ranked = [*ranked[:top], f"other ({len(rest)})"]
        cost[ranked[-1]] = other
    series = {layer: [cost[name].get(layer, ZERO) for name in ranked] for layer in LAYER_ORDER}
    return ranked, series


def over_time(rows: Iterable[CostRow]) -> tuple[list[str], dict[str, list[Decimal]]]:
    """Periods in order, and each layer's spend per period (zero where a layer had no lines)."""
    cost: dict[tuple[str, str], Decimal] = {}
    periods: set[str] = set()
    for row in rows:
        periods.add(row.keys["period"])
        ident = (row.keys["period"], row.keys["layer"])
        cost[ident] = cost.get(ident, ZERO) + row.effective_cost
    ordered = sorted(periods)
    return ordered, {layer: [cost.get((p, layer), ZERO) for p in ordered] for layer in LAYER_ORDER}


def long_rows(rows: Iterable[CostRow], keys: Sequence[str]) -> list[dict[str, Any]]:
    """One dict per CostRow with its keys, list and effective cost and lines: a chart's data as a table."""
    return [
        {**{k: row.keys[k] for k in keys}, "list_cost": row.list_cost, "effective_cost": row.effective_cost,
         "lines": row.lines}
        for row in rows
    ]


def pivot(rows: Iterable[CostRow], row_key: str, column_key: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Effective cost with `row_key` down and `column_key` across, plus a total column; biggest rows first."""
    cells: dict[str, dict[str, Decimal]] = {}
    columns: dict[str, Decimal] = {}
    for row in rows:
        across = row.keys[column_key]
        line = cells.setdefault(row.keys[row_key], {})
        line[across] = line.get(across, ZERO) + row.effective_cost
        columns[across] = columns.get(across, ZERO) + row.effective_cost
    if column_key == "layer":
        order = [layer for layer in LAYER_ORDER if layer in columns]
    else:
        order = sorted(columns, key=lambda name: (-columns[name], name))
    totals = {name: sum(line.values(), ZERO) for name, line in cells.items()}
    ranked = sorted(cells, key=lambda name: (-totals[name], name))
    return order, [{row_key: name, **{col: cells[name].get(col) for col in order}, "total": totals[name]}
                   for name in ranked]
