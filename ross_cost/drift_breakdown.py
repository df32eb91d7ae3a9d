"""Explaining a drift alert from the store: each driver dimension's values, their cost on the alert's over-days
against what was expected of them, from one day-grouped cost query per dimension.

Expected is a value's share of the baseline window's spend times the alert's baseline total, so in every
dimension the values' (cost - expected) add up exactly to the alert's excess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from ross_cost.drift import Alert
from ross_cost.drift_config import DriftConfig
from ross_cost.drift_explain import DRIVER_DIMENSIONS, contributions, explain_windows, narrative
from ross_cost.drift_views import Breakdown, Explanation
from ross_cost.model import NOT_APPLICABLE, quantize_money
from ross_cost.query import CostQuery
from ross_cost.services import Services

Filters = Mapping[str, Sequence[str]]


def expected_shares(before: Mapping[str, Decimal], total: Decimal) -> dict[str, Decimal]:
    """Split `total` over the values in proportion to their baseline-window cost, to the money quantum; the
    rounding remainder goes to the largest value, so the parts add up to `total` exactly."""
    spent = sum(before.values(), Decimal(0))
    if spent <= 0:
        return dict.fromkeys(before, Decimal(0))
    parts = {value: quantize_money(cost * total / spent) for value, cost in before.items()}
    largest = max(before, key=lambda value: (before[value], value))
    parts[largest] += total - sum(parts.values(), Decimal(0))
    return parts


def breakdown_for(
    services: Services, alert: Alert, over_days: Sequence[date], config: DriftConfig, filters: Filters | None = None
) -> Breakdown:
    """Per driver dimension (those the series does not fix), each value's cost on the over-days and its expected
    cost: one day-grouped query per dimension over the baseline window and the alert window."""
    windows = explain_windows(alert, config.settings)
    scoped = {**as_lists(filters), **{name: [value] for name, value in alert.series}}
    wanted = {day.isoformat() for day in over_days}
    first_baseline, last_baseline = windows.baseline_start.isoformat(), windows.baseline_end.isoformat()
    out: dict[str, dict[str, tuple[Decimal, Decimal]]] = {}
    for dimension in DRIVER_DIMENSIONS:
        if dimension in scoped and len(scoped[dimension]) == 1:
            continue  # one value by construction: it drove everything, nothing to learn
        during: dict[str, Decimal] = {}
        before: dict[str, Decimal] = {}
        query = CostQuery.build(windows.baseline_start, windows.alert_end, [dimension], "day", scoped)
        for row in services.cost(query):
            value, day = row.keys[dimension], row.keys["period"]
            if day in wanted:
                during[value] = during.get(value, Decimal(0)) + row.effective_cost
            if first_baseline <= day < last_baseline:
                before[value] = before.get(value, Decimal(0)) + row.effective_cost
        expected = expected_shares(before, alert.baseline_total)
        out[dimension] = {
            value: (during.get(value, Decimal(0)), expected.get(value, Decimal(0)))
            for value in sorted({*during, *before})
        }
    return out


def explain_alert(
    services: Services, alert: Alert, over_days: Sequence[date], config: DriftConfig, filters: Filters | None = None
) -> Explanation:
    breakdown = breakdown_for(services, alert, over_days, config, filters)
    drivers = contributions(breakdown, top=3)
    # "mostly through model n/a" says nothing (tool calls use no model): such a dimension stays out of the sentence.
    silent = {d.dimension for d in drivers if d.value == NOT_APPLICABLE and d.share >= Decimal("0.5")}
    sentence = narrative(alert, [d for d in drivers if d.dimension not in silent])
    return Explanation(tuple(drivers), sentence, breakdown)


def as_lists(filters: Filters | None) -> dict[str, list[str]]:
    """Slicer filters as CostQuery.build takes them, empty selections dropped."""
    return {key: list(values) for key, values in (filters or {}).items() if values}
