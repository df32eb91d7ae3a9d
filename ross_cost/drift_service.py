"""genai_4layer_drift over the store: the use cases the API, the CLI and the cockpit's Drift page share.

`evaluate` loads daily effective cost per layer, layer x agent and layer x module (aggregated in SQL), judges
every series with the pure rule in ross_cost.drift and explains each alert from grouped cost queries. `run` is
the scheduled form: evaluate the latest day unfiltered, store the alerts' lifecycle, then deliver new alerts to
the webhook. Filtered evaluations (the cockpit's slicers) and other as_of dates are read-only: only the whole,
current picture is stored and delivered. Explanations: ross_cost.drift_breakdown.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from ross_cost import drift_webhook
from ross_cost.drift import Alert, DailyPoint, SeriesDrift, SeriesKey, evaluate_layers
from ross_cost.drift_breakdown import Filters, as_lists, breakdown_for, expected_shares, explain_alert
from ross_cost.drift_config import DriftConfig, load_config
from ross_cost.drift_views import (
    OPEN,
    RESOLVED,
    AlertView,
    Delivery,
    DriftReport,
    Explanation,
    SeriesView,
    series_key_text,
)
from ross_cost.model import LAYERS
from ross_cost.query import CostQuery
from ross_cost.services import Services
from ross_cost.storage.drift_store import AlertRecord, DriftStore, StoredAlert

#: The series judged: each layer, each layer x agent, each layer x module.
SERIES_GROUPS: tuple[tuple[str, ...], ...] = (("layer",), ("layer", "agent_slug"), ("layer", "module_id"))
ExplainScope = Literal["all", "layers", "none"]


def history(services: Services, as_of: date | None, history_days: int) -> tuple[date, date, date] | None:
    """(first day judged, as_of, last day with data): as_of defaults to the last day with data."""
    found = services.data_range()
    if found is None:
        return None
    first, last = found
    as_of = as_of or last
    start = max(first, as_of - timedelta(days=history_days - 1))
    return None if start > as_of else (start, as_of, last)


def daily_costs(services: Services, start: date, as_of: date, filters: Filters | None = None,
                groups: tuple[tuple[str, ...], ...] = SERIES_GROUPS) -> dict[SeriesKey, list[tuple[date, Decimal]]]:
    """Effective cost per day of every series in [start, as_of], dense (absent days are zero); the four layers
    are always there, a layer without cost as zeros.

    One SQL aggregation per grouping: a single one by (layer, agent, module, day) returns agents x modules rows
    per day, 1.2 million over a year of a 10-million-line store where every agent works in every module
    (bench/bench_cockpit.py: 28 s), against a few thousand per grouping.
    """
    days = [start + timedelta(i) for i in range((as_of - start).days + 1)]
    index = {day.isoformat(): i for i, day in enumerate(days)}
    dense: dict[SeriesKey, list[Decimal]] = {(("layer", layer.value),): [Decimal(0)] * len(days) for layer in LAYERS}
    for group in groups:
        for row in services.cost(CostQuery.build(start, as_of + timedelta(1), list(group), "day", as_lists(filters))):
            key = tuple((name, row.keys[name]) for name in group)
            costs = dense.get(key)
            if costs is None:
                costs = dense[key] = [Decimal(0)] * len(days)
            costs[index[row.keys["period"]]] += row.effective_cost
    return {key: list(zip(days, costs, strict=True)) for key, costs in dense.items()}


def explain_view(
    services: Services, report: DriftReport, view: AlertView, config: DriftConfig | None = None
) -> AlertView:
    """The alert with its explanation, computed now under the report's filters if it has none yet."""
    if view.explanation is not None:
        return view
    series = next(s for s in report.series if s.series == view.alert.series)
    over = _over_days(series.points, view.alert)
    explanation = explain_alert(services, view.alert, over, config or load_config(), dict(report.filters))
    return dataclasses.replace(view, explanation=explanation)


def evaluate(
    services: Services,
    as_of: date | None = None,
    filters: Filters | None = None,
    config: DriftConfig | None = None,
    explain_scope: ExplainScope = "all",
    layers_only: bool = False,
) -> DriftReport:
    """Judge every series up to as_of (default: the last day with data) under the slicer `filters`; with
    `layers_only`, the four layers alone (one query: what the Drift page shows first).

    Read-only. Each alert is explained with five grouped queries (about 0.1 s): `explain_scope` "layers" explains
    only the four layers' alerts and "none" none (see `explain_view` to explain one on demand). Unfiltered, the
    stored explanation of an alert whose lifecycle has not moved is reused, with its delivery state.
    """
    config = config or load_config()
    normal = CostQuery.build(date.min, date.max, (), None, as_lists(filters)).filters  # validated and sorted
    span = history(services, as_of, config.history_days)
    if span is None:
        empty = tuple(SeriesView((("layer", layer.value),), (), ()) for layer in LAYERS)
        return DriftReport(as_of, None, config.settings, normal, empty, empty)
    start, as_of, _ = span
    groups = SERIES_GROUPS[:1] if layers_only else SERIES_GROUPS
    results = evaluate_layers(daily_costs(services, start, as_of, filters, groups), config.settings, as_of)
    stored: dict[tuple[str, date], StoredAlert] = {}
    if not normal:
        keys = [series_key_text(r.series) for r in results if r.alerts]
        stored = {(s.series_key, s.first_day): s for s in _drift_store(services).alerts(keys)} if keys else {}
    views = tuple(_series_view(services, r, config, filters, stored, explain_scope) for r in results)
    by_key = {view.series: view for view in views}
    layers = tuple(by_key[(("layer", layer.value),)] for layer in LAYERS)
    return DriftReport(as_of, start, config.settings, normal, layers, views)


def run(
    services: Services,
    as_of: date | None = None,
    config: DriftConfig | None = None,
    deliver: bool = True,
    post: drift_webhook.Poster | None = None,
) -> tuple[DriftReport, list[drift_webhook.DeliveryOutcome]]:
    """Evaluate the whole picture, store the lifecycle when as_of is the last day with data (the default), then
    deliver pending alerts. Another day is a what-if: shown, never stored, so it cannot rewind the lifecycle."""
    config = config or load_config()
    report = evaluate(services, as_of, None, config)
    span = history(services, as_of, config.history_days)
    if span is None or report.as_of != span[2]:
        return report, []
    store = _drift_store(services)
    record(store, report, config, _now())
    outcomes = deliver_pending(services, report.as_of, config, post) if deliver else []
    return refresh_delivery(store, dataclasses.replace(report, recorded=True)), outcomes


def deliver_pending(
    services: Services, as_of: date, config: DriftConfig | None = None, post: drift_webhook.Poster | None = None
) -> list[drift_webhook.DeliveryOutcome]:
    """Post the stored alerts not yet delivered (open, or fired within the lookback) to the webhook, if any."""
    config = config or load_config()
    if not config.webhook.url:
        return []
    return drift_webhook.deliver_pending(_drift_store(services), config.webhook, as_of, post=post, now=_now)


def record(store: DriftStore, report: DriftReport, config: DriftConfig, now: datetime) -> None:
    """Upsert every alert of the report and withdraw stored ones the evaluation no longer finds."""
    records = [_record(view) for series in report.series for view in series.alerts]
    store.upsert(records, now)
    if report.start is not None:
        # Alerts too close to the start of the loaded history may differ only because their baseline is cut.
        since = report.start + timedelta(days=config.settings.window_days + config.settings.sustain_days)
        keep = {(r.series_key, r.first_day) for r in records}
        store.withdraw_missing((series_key_text(s.series) for s in report.series), since, keep, now)


def refresh_delivery(store: DriftStore, report: DriftReport) -> DriftReport:
    """The report with each alert's delivery state as stored now."""
    keys = [series_key_text(s.series) for s in report.series if s.alerts]
    stored = {(s.series_key, s.first_day): s for s in store.alerts(keys)} if keys else {}

    def fresh(view: AlertView) -> AlertView:
        row = stored.get((series_key_text(view.alert.series), view.alert.first_day))
        return view if row is None else dataclasses.replace(view, delivery=_delivery(row))

    series = tuple(dataclasses.replace(s, alerts=tuple(map(fresh, s.alerts))) for s in report.series)
    by_key = {s.series: s for s in series}
    return dataclasses.replace(report, series=series, layers=tuple(by_key[s.series] for s in report.layers))


def stored_alerts(services: Services, include_withdrawn: bool = False) -> list[StoredAlert]:
    """Every stored alert, newest first (the lifecycle table as it is)."""
    return _drift_store(services).alerts(include_withdrawn=include_withdrawn)


def _series_view(
    services: Services,
    result: SeriesDrift,
    config: DriftConfig,
    filters: Filters | None,
    stored: Mapping[tuple[str, date], StoredAlert],
    explain_scope: ExplainScope,
) -> SeriesView:
    alerts = []
    for alert in result.alerts:
        row = stored.get((series_key_text(alert.series), alert.first_day))
        explanation: Explanation | None = None
        if row is not None and _unchanged(row, alert):
            explanation = Explanation.from_json(row.explanation)
        elif explain_scope == "all" or (explain_scope == "layers" and len(alert.series) == 1):
            explanation = explain_alert(services, alert, _over_days(result.points, alert), config, filters)
        status = OPEN if alert.resolved_on is None else RESOLVED
        alerts.append(AlertView(alert, status, explanation, None if row is None else _delivery(row)))
    return SeriesView(result.series, result.points, tuple(alerts))


def _over_days(points: Sequence[DailyPoint], alert: Alert) -> list[date]:
    return [p.day for p in points if p.over and alert.first_day <= p.day <= alert.last_over_day]


def _unchanged(row: StoredAlert, alert: Alert) -> bool:
    return (row.last_over_day, row.days_sustained, row.excess) == (
        alert.last_over_day, alert.days_sustained, alert.excess
    ) and Explanation.is_current(row.explanation)  # fmt: skip


def _record(view: AlertView) -> AlertRecord:
    a = view.alert
    explanation = view.explanation or Explanation((), "")
    return AlertRecord(
        series_key=series_key_text(a.series),
        first_day=a.first_day,
        layer=view.layer,
        series=json.dumps(dict(a.series), separators=(",", ":")),
        fired_on=a.fired_on,
        last_over_day=a.last_over_day,
        resolved_on=a.resolved_on,
        days_sustained=a.days_sustained,
        excess=a.excess,
        baseline_total=a.baseline_total,
        peak_ratio=a.peak_ratio,
        explanation=explanation.to_json(),
        narrative=explanation.narrative,
        status=view.status,
    )


def _delivery(row: StoredAlert) -> Delivery:
    return Delivery(row.delivered_at, row.delivery_attempts, row.last_error)


def _drift_store(services: Services) -> DriftStore:
    return DriftStore.on(services.store.engine)


def _now() -> datetime:
    """UTC wall time without a zone, as the store's DateTime columns hold it."""
    return datetime.now(UTC).replace(tzinfo=None)



__all__ = [  # the explanation helpers and view types are re-exported for the cockpit
    "SERIES_GROUPS", "AlertView", "DriftReport", "ExplainScope", "Explanation", "SeriesView", "breakdown_for",
    "daily_costs", "deliver_pending", "evaluate", "expected_shares", "explain_alert", "explain_view", "history",
    "record", "refresh_delivery", "run", "stored_alerts",
]  # fmt: skip
