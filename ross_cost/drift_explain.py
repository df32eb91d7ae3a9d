"""Why a drift alert fired: which dimension values drove the excess, in dollars and shares, and one sentence.

Pure. The caller supplies the breakdown (cost per dimension value during the alert window, and the same value's
baseline-period cost scaled to as many days); the narrative is built only from those numbers and the alert's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ross_cost.drift import DEFAULT_SETTINGS, Alert, DriftSettings

#: The dimensions an explanation looks at, in the order the narrative prefers them.
DRIVER_DIMENSIONS: tuple[str, ...] = ("agent_slug", "module_id", "model", "tenant_id", "channel")
SHARE_QUANTUM = Decimal("0.0001")
CENT = Decimal("0.01")
#: How a dimension value is named when it leads the sentence ("sales-cdr drove ...", "tenant t-acme drove ...").
_LEAD_LABEL = {
    "agent_slug": "",
    "module_id": "module ",
    "model": "model ",
    "tenant_id": "tenant ",
    "channel": "channel ",
}


@dataclass(frozen=True)
class Contribution:
    """One dimension value's part of an alert's excess: dollars above its baseline and its share of the rise."""

    dimension: str
    value: str
    excess: Decimal
    share: Decimal  # of the dimension's gross rise (sum over the values whose spend rose); 0.81 = 81 %


@dataclass(frozen=True)
class ExplainWindows:
    """The two date ranges ([start, end), UTC days) whose costs per dimension value feed `explain`."""

    alert_start: date  # the alert's first day
    alert_end: date  # the day after its last over-day
    baseline_start: date  # window_days before the first day
    baseline_end: date  # the first day

    @property
    def scale(self) -> Decimal:
        """Multiplies baseline-period cost to the alert window's length."""
        return Decimal((self.alert_end - self.alert_start).days) / (self.baseline_end - self.baseline_start).days


def explain_windows(alert: Alert, settings: DriftSettings = DEFAULT_SETTINGS) -> ExplainWindows:
    """The alert's over-days against the window its baseline was fitted on (the days before the first)."""
    start = alert.first_day
    return ExplainWindows(
        start, alert.last_over_day + timedelta(days=1), start - timedelta(days=settings.window_days), start
    )


def scaled_breakdown(
    during: Mapping[str, Mapping[str, Decimal]], before: Mapping[str, Mapping[str, Decimal]], windows: ExplainWindows
) -> dict[str, dict[str, tuple[Decimal, Decimal]]]:
    """dimension -> value -> (cost in the alert window, baseline-period cost scaled to as many days).

    A value seen in only one window counts 0 in the other: a new agent is all rise, a retired one all fall.
    """
    out: dict[str, dict[str, tuple[Decimal, Decimal]]] = {}
    for dimension in {*during, *before}:
        now, then = during.get(dimension, {}), before.get(dimension, {})
        out[dimension] = {
            value: (now.get(value, Decimal(0)), then.get(value, Decimal(0)) * windows.scale)
            for value in sorted({*now, *then})
        }
    return out


def contributions(
    breakdown: Mapping[str, Mapping[str, tuple[Decimal, Decimal]]], top: int | None = 3
) -> list[Contribution]:
    """The values whose spend rose, per dimension, largest first (at most `top` each; None keeps all).

    Shares are of the dimension's gross rise, so they stay within 0..1 and sum to 1 over all risers even when
    other values fell; a value whose spend fell drove none of the excess and is left out.
    """
    known = [d for d in DRIVER_DIMENSIONS if d in breakdown]
    ordered = known + sorted(d for d in breakdown if d not in DRIVER_DIMENSIONS)
    out: list[Contribution] = []
    for dimension in ordered:
        rises = sorted(
            ((value, cost - baseline) for value, (cost, baseline) in breakdown[dimension].items() if cost > baseline),
            key=lambda item: (-item[1], item[0]),
        )
        gross = sum((rise for _, rise in rises), Decimal(0))
        for value, rise in rises[:top]:
            out.append(Contribution(dimension, value, rise, (rise / gross).quantize(SHARE_QUANTUM)))
    return out


def money(amount: Decimal) -> str:
    """$1,234.56: dollars, thousands separators, two decimals (half up, as an invoice rounds)."""
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return f"-${-cents:,.2f}" if cents < 0 else f"${cents:,.2f}"


def percent(ratio: Decimal) -> str:
    """0.456 -> '46 %'."""
    return f"{(ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)} %"


def _subject(alert: Alert) -> str:
    keys = dict(alert.series)
    layer = keys.pop("layer", None)
    head = f"{layer.capitalize()} spend" if layer else "Spend"
    return f"{head} of {', '.join(keys.values())}" if keys else head


def narrative(alert: Alert, drivers: list[Contribution]) -> str:
    """One sentence: how far over, how long, how much, and who drove it (the top value of each dimension)."""
    over = f"ran {percent(alert.over_ratio)} over baseline" if alert.baseline_total else "ran above a zero baseline"
    sentence = (
        f"{_subject(alert)} {over} for {alert.days_sustained} days from {alert.first_day.isoformat()} "
        f"(+{money(alert.excess)})"
    )
    fixed = {dimension for dimension, _ in alert.series}
    tops: dict[str, Contribution] = {}
    for c in drivers:
        if c.dimension not in fixed:
            tops.setdefault(c.dimension, c)
    if not tops:
        return sentence + "."
    lead = tops.pop(next(iter(tops)))
    label = _LEAD_LABEL.get(lead.dimension, f"{lead.dimension} ")
    sentence += f"; {label}{lead.value} drove {percent(lead.share)} of the excess"
    where = [f"through model {tops['model'].value}"] if "model" in tops else []
    if "module_id" in tops:
        where.append(f"in {tops['module_id'].value}")
    return sentence + (f", mostly {' '.join(where)}" if where else "") + "."


def explain(
    alert: Alert, breakdown: Mapping[str, Mapping[str, tuple[Decimal, Decimal]]], top: int | None = 3
) -> tuple[list[Contribution], str]:
    """The top drivers per dimension and the one-line narrative built from them (see `contributions`)."""
    drivers = contributions(breakdown, top)
    return drivers, narrative(alert, drivers)
