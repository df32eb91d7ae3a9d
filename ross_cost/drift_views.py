"""What a drift evaluation hands to the API, the CLI and the cockpit, and its JSON. Pure (no I/O).

A report holds every evaluated series (the four layers, layer x agent, layer x module) with its daily points
and its alerts; each alert carries its lifecycle status, its explanation and, once stored, its delivery state.
Money stays Decimal here and becomes a decimal string only in JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ross_cost.drift import Alert, DailyPoint, DriftSettings, SeriesKey
from ross_cost.drift_explain import Contribution
from ross_cost.model import money_text

OPEN, RESOLVED = "open", "resolved"
#: Bumped when the explanation or its sentence changes, so stored explanations are rebuilt, not reused.
EXPLANATION_VERSION = 3
#: dimension -> value -> (its cost on the alert's over-days, the cost expected of it on those days)
Breakdown = Mapping[str, Mapping[str, tuple[Decimal, Decimal]]]


def series_key_text(series: SeriesKey) -> str:
    """The canonical text of a series key (the stored alert's key): compact JSON of its pairs."""
    return json.dumps([list(pair) for pair in series], separators=(",", ":"))


def series_label(series: SeriesKey) -> str:
    """'tool', 'tool · sales-cdr', 'memory · module M03' for tables and charts."""
    parts = [value if name in ("layer", "agent_slug") else f"{name.removesuffix('_id')} {value}" for name, value in
             series]
    return " · ".join(parts) or "all"


def layer_of(series: SeriesKey) -> str:
    return dict(series).get("layer", "")


@dataclass(frozen=True)
class Explanation:
    """Who drove an alert: the top risers per dimension, the sentence, and the full per-value breakdown.

    In each dimension the values' (cost - expected) add up exactly to the alert's excess: cost is a value's
    spend on the over-days, expected its share of the baseline window's spend times the alert's baseline total.
    """

    drivers: tuple[Contribution, ...]
    narrative: str
    breakdown: Breakdown = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({
            "version": EXPLANATION_VERSION,
            "drivers": [_driver_json(d) for d in self.drivers],
            "narrative": self.narrative,
            "breakdown": {
                dim: {value: [money_text(cost), money_text(expected)] for value, (cost, expected) in values.items()}
                for dim, values in self.breakdown.items()
            },
        }, separators=(",", ":"))  # fmt: skip

    @staticmethod
    def is_current(text: str) -> bool:
        """Whether a stored explanation was built the way this version builds it."""
        try:
            return bool(json.loads(text).get("version") == EXPLANATION_VERSION)
        except (ValueError, AttributeError):
            return False

    @staticmethod
    def from_json(text: str) -> Explanation:
        raw = json.loads(text)
        drivers = tuple(
            Contribution(d["dimension"], d["value"], Decimal(d["excess"]), Decimal(d["share"])) for d in raw["drivers"]
        )
        breakdown = {
            dim: {value: (Decimal(pair[0]), Decimal(pair[1])) for value, pair in values.items()}
            for dim, values in raw.get("breakdown", {}).items()
        }
        return Explanation(drivers, raw["narrative"], breakdown)


@dataclass(frozen=True)
class Delivery:
    """The webhook state of a stored alert."""

    delivered_at: datetime | None
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    status: str  # open | resolved (as of the evaluation)
    explanation: Explanation | None
    delivery: Delivery | None = None  # None when the evaluation was not stored (filtered or past as_of)

    @property
    def layer(self) -> str:
        return layer_of(self.alert.series)

    @property
    def label(self) -> str:
        return series_label(self.alert.series)

    @property
    def narrative(self) -> str:
        return self.explanation.narrative if self.explanation else ""


@dataclass(frozen=True)
class SeriesView:
    """One evaluated series: the chart's points (cost, baseline, threshold, band) and its alert windows."""

    series: SeriesKey
    points: tuple[DailyPoint, ...]
    alerts: tuple[AlertView, ...]

    @property
    def layer(self) -> str:
        return layer_of(self.series)

    @property
    def label(self) -> str:
        return series_label(self.series)

    @property
    def excess(self) -> Decimal:
        return sum((a.alert.excess for a in self.alerts), Decimal(0))

    @property
    def is_open(self) -> bool:
        return any(a.status == OPEN for a in self.alerts)


@dataclass(frozen=True)
class DriftReport:
    """One evaluation. `start`..`as_of` is the history judged (None for a store without data in range)."""

    as_of: date | None
    start: date | None
    settings: DriftSettings
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    layers: tuple[SeriesView, ...]  # the four layers, in LAYERS order, even when one has no cost
    series: tuple[SeriesView, ...]  # every evaluated series, layers included
    recorded: bool = False  # whether the lifecycle was stored (unfiltered evaluation of the latest day)

    @property
    def alerts(self) -> list[AlertView]:
        """Every alert of every series: open ones first, then the most recently fired."""
        views = [a for s in self.series for a in s.alerts]
        return sorted(views, key=lambda a: (a.status != OPEN, -a.alert.fired_on.toordinal(), -a.alert.excess))

    @property
    def drifting(self) -> list[SeriesView]:
        """Series with at least one alert, ranked: open ones first, then by excess over their alerts."""
        return sorted(
            (s for s in self.series if s.alerts), key=lambda s: (not s.is_open, -s.excess, len(s.series), s.series)
        )


def chart_rows(report: DriftReport) -> list[dict[str, Any]]:
    """One row per layer and day for the Drift page's small multiples (money stays Decimal; None before a
    series has its baseline)."""
    return [
        {"layer": view.layer, "day": p.day, "cost": p.cost, "baseline": p.baseline, "threshold": p.threshold,
         "band_low": p.band_low, "band_high": p.band_high, "over": p.over}
        for view in report.layers
        for p in view.points
    ]  # fmt: skip


def alert_windows(report: DriftReport) -> list[dict[str, Any]]:
    """The shaded spans of the layer charts: first day over to the last over-day (inclusive), per layer alert."""
    return [
        {"layer": view.layer, "start": a.alert.first_day, "end": a.alert.last_over_day, "status": a.status,
         "label": a.narrative}
        for view in report.layers
        for a in view.alerts
    ]  # fmt: skip


def _optional_money_text(value: Decimal | None) -> str | None:
    return None if value is None else money_text(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _driver_json(driver: Contribution) -> dict[str, str]:
    return {"dimension": driver.dimension, "value": driver.value, "excess": money_text(driver.excess),
            "share": money_text(driver.share)}  # fmt: skip


def settings_json(settings: DriftSettings) -> dict[str, Any]:
    return {
        "threshold": money_text(settings.threshold),
        "window_days": settings.window_days,
        "sustain_days": settings.sustain_days,
        "resolve_days": settings.resolve_days,
        "min_daily_spend": money_text(settings.min_daily_spend),
        "method": settings.method,
    }


def alert_json(view: AlertView) -> dict[str, Any]:
    a = view.alert
    delivery = view.delivery
    return {
        "series": dict(a.series),
        "label": view.label,
        "layer": view.layer,
        "status": view.status,
        "first_day": a.first_day.isoformat(),
        "fired_on": a.fired_on.isoformat(),
        "last_over_day": a.last_over_day.isoformat(),
        "resolved_on": _day(a.resolved_on),
        "days_sustained": a.days_sustained,
        "excess": money_text(a.excess),
        "baseline_total": money_text(a.baseline_total),
        "over_ratio": money_text(a.over_ratio),
        "peak_ratio": money_text(a.peak_ratio),
        "explanation": [_driver_json(d) for d in view.explanation.drivers] if view.explanation else None,
        "narrative": view.narrative,
        "delivery": None if delivery is None else {
            "delivered_at": None if delivery.delivered_at is None else delivery.delivered_at.isoformat() + "Z",
            "attempts": delivery.attempts,
            "last_error": delivery.last_error,
        },
    }  # fmt: skip


def point_json(point: DailyPoint) -> dict[str, Any]:
    return {
        "day": point.day.isoformat(),
        "cost": money_text(point.cost),
        "baseline": _optional_money_text(point.baseline),
        "threshold": _optional_money_text(point.threshold),
        "band_low": _optional_money_text(point.band_low),
        "band_high": _optional_money_text(point.band_high),
        "over": point.over,
    }


def report_json(report: DriftReport, layer: str | None = None) -> dict[str, Any]:
    """The GET /api/drift and `ross-cost drift --json` document; `layer` keeps one layer's series and alerts."""

    def wanted(series: SeriesKey) -> bool:
        return layer is None or layer_of(series) == layer

    return {
        "metric": "genai_4layer_drift",
        "as_of": _day(report.as_of),
        "start": _day(report.start),
        "currency": "USD",
        "settings": settings_json(report.settings),
        "filters": {key: list(values) for key, values in report.filters},
        "recorded": report.recorded,
        "layers": [
            {
                "layer": view.layer,
                "days": [point_json(p) for p in view.points],
                "alerts": [alert_json(a) for a in view.alerts],
            }
            for view in report.layers
            if wanted(view.series)
        ],
        "alerts": [alert_json(a) for a in report.alerts if wanted(a.alert.series)],
        "drifting_series": [
            {
                "series": dict(s.series),
                "label": s.label,
                "layer": s.layer,
                "open": s.is_open,
                "alerts": len(s.alerts),
                "excess": money_text(s.excess),
            }
            for s in report.drifting
            if wanted(s.series)
        ],
    }
