"""Read models the cockpit needs beyond one CostQuery: periods, comparisons, layer splits, unit economics.

Pure over CostRows (the cockpit caches the rows, then shapes them here), plus thin functions taking a
Services for callers without a cache. Money stays Decimal; only ratios of money become Decimal ratios.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ross_cost.model import LAYERS
from ross_cost.query import CostRow
from ross_cost.ui import fmt

ZERO = Decimal(0)
PREVIOUS = "previous period"


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC days, with a label people recognise ("2026-Q3", "2026-10", or the dates)."""

    start: date
    end: date
    label: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def name(self) -> str:
        return self.label or fmt.day_span(self.start, self.last_day)

    def previous(self) -> Period:
        """The period of equal length that ends where this one starts."""
        return Period(self.start - timedelta(days=self.days), self.start)

    def covered_days(self, first: date, last: date) -> int:
        """How many of this period's days fall inside the data range [first, last]."""
        return max(0, (min(self.end, last + timedelta(days=1)) - max(self.start, first)).days)


def quarter(year: int, number: int) -> Period:
    start = date(year, 3 * number - 2, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(start, end, f"{year}-Q{number}")


def month(year: int, number: int) -> Period:
    last = calendar.monthrange(year, number)[1]
    return Period(date(year, number, 1), date(year, number, last) + timedelta(days=1), f"{year}-{number:02d}")


def period_from_label(label: str) -> Period | None:
    """"2026-Q3" or "2026-10" to a Period; None for anything else."""
    head, _, tail = label.strip().upper().partition("-")
    if not head.isdigit() or len(head) != 4:
        return None
    if tail.startswith("Q") and tail[1:] in ("1", "2", "3", "4"):
        return quarter(int(head), int(tail[1:]))
    if tail.isdigit() and 1 <= int(tail) <= 12:
        return month(int(head), int(tail))
    return None


def labelled(period: Period) -> Period:
    """The same days, named "2026-Q3" or "2026-10" when they are exactly that quarter or month."""
    if period.label or period.start.day != 1:
        return period
    start = period.start
    for candidate in (quarter(start.year, (start.month - 1) // 3 + 1), month(start.year, start.month)):
        if (candidate.start, candidate.end) == (period.start, period.end):
            return candidate
    return period


def period_labels(first: date, last: date) -> list[str]:
    """Quarters, then months, that overlap the data range [first, last], newest first."""
    quarters, months = [], []
    year, q = last.year, (last.month - 1) // 3 + 1
    while quarter(year, q).end > first:
        quarters.append(quarter(year, q).label)
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    year, m = last.year, last.month
    while month(year, m).end > first:
        months.append(month(year, m).label)
        year, m = (year, m - 1) if m > 1 else (year - 1, 12)
    return quarters + months


def total(rows: Iterable[CostRow]) -> Decimal:
    return sum((row.effective_cost for row in rows), ZERO)


def list_total(rows: Iterable[CostRow]) -> Decimal:
    return sum((row.list_cost for row in rows), ZERO)


def by_key(rows: Iterable[CostRow], key: str) -> dict[str, Decimal]:
    """Effective cost per value of one group key (the rows may be grouped by more keys)."""
    sums: dict[str, Decimal] = {}
    for row in rows:
        value = row.keys[key]
        sums[value] = sums.get(value, ZERO) + row.effective_cost
    return sums


def layer_totals(rows: Iterable[CostRow]) -> dict[str, Decimal]:
    """Effective cost per layer, every layer present (zero when it has no lines), in the canonical order."""
    sums = by_key(rows, "layer")
    return {layer.value: sums.get(layer.value, ZERO) for layer in LAYERS}


def rollup(rows: Iterable[CostRow], keys: Sequence[str]) -> list[CostRow]:
    """Sum rows over every key not in `keys` (e.g. layer), keeping money exact; biggest first."""
    groups: dict[tuple[str, ...], CostRow] = {}
    for row in rows:
        ident = tuple(row.keys[k] for k in keys)
        seen = groups.get(ident)
        if seen is None:
            groups[ident] = CostRow(
                {k: row.keys[k] for k in keys}, row.list_cost, row.effective_cost,
                dict(row.quantity), dict(row.unpriced_quantity), row.lines,
            )
            continue
        quantity, unpriced = dict(seen.quantity), dict(seen.unpriced_quantity)
        for unit, q in row.quantity.items():
            quantity[unit] = quantity.get(unit, 0) + q
        for unit, q in row.unpriced_quantity.items():
            unpriced[unit] = unpriced.get(unit, 0) + q
        groups[ident] = CostRow(seen.keys, seen.list_cost + row.list_cost, seen.effective_cost + row.effective_cost,
                                quantity, unpriced, seen.lines + row.lines)
    return sorted(groups.values(), key=lambda r: (-r.effective_cost, tuple(r.keys.values())))


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole as a fraction; None when the whole is zero (a share of nothing is not 0 %)."""
    return None if whole == 0 else part / whole


@dataclass(frozen=True)
class Change:
    current: Decimal
    previous: Decimal

    @property
    def delta(self) -> Decimal:
        return self.current - self.previous

    @property
    def relative(self) -> Decimal | None:
        """(current - previous) / previous; None when there was nothing before."""
        return None if self.previous == 0 else self.delta / self.previous


@dataclass(frozen=True)
class ComparisonRow:
    """One group in period A against period B."""

    keys: dict[str, str]
    a: Decimal
    b: Decimal

    @property
    def change(self) -> Change:
        return Change(self.b, self.a)


def compare(rows_a: Iterable[CostRow], rows_b: Iterable[CostRow], keys: Sequence[str]) -> list[ComparisonRow]:
    """Outer-join two answers on their group keys; a group missing on one side costs zero there.

    Ordered by the size of the change, biggest movers first."""
    a = {tuple(r.keys[k] for k in keys): r.effective_cost for r in rollup(rows_a, keys)}
    b = {tuple(r.keys[k] for k in keys): r.effective_cost for r in rollup(rows_b, keys)}
    joined = [
        ComparisonRow(dict(zip(keys, ident, strict=True)), a.get(ident, ZERO), b.get(ident, ZERO))
        for ident in sorted(set(a) | set(b))
    ]
    return sorted(joined, key=lambda row: (-abs(row.change.delta), -row.b))


@dataclass(frozen=True)
class UnitCost:
    """Spend inside conversations divided by the number of distinct conversations."""

    conversations: int
    conversation_cost: Decimal
    other_cost: Decimal  # spend on lines that belong to no conversation (batch jobs); shown apart

    @property
    def per_conversation(self) -> Decimal | None:
        return None if self.conversations == 0 else self.conversation_cost / self.conversations


def per_unit(cost: Decimal, units: int) -> Decimal | None:
    return None if units == 0 else cost / units


@dataclass(frozen=True)
class NarrativeFacts:
    """The computed numbers a walkthrough paragraph is made of (nothing in the text is typed in)."""

    period: Period
    spend: Change
    layers: dict[str, Change]
    top_agent: tuple[str, Decimal] | None
    unit: UnitCost
    unit_previous: UnitCost
    unpriced_lines: int
    lines: int
    unattributed_tenant_cost: Decimal
    previous_covered_days: int  # days of the previous period that fall inside the data


def narrative(facts: NarrativeFacts) -> str:
    """One paragraph for an investor walkthrough, every figure derived from `facts`."""
    spend = facts.spend
    if spend.current == 0:
        return f"No priced spend was recorded in {facts.period.name}."
    days = facts.period.days
    parts = [f"Over {fmt.day_span(facts.period.start, facts.period.last_day)} ({days} days) LLM spend was "
             f"{fmt.money(spend.current)}"]
    if spend.relative is None or facts.previous_covered_days == 0:
        parts[-1] += ", with no spend in the previous period to compare against."
    else:
        direction = "up" if spend.delta >= 0 else "down"
        parts[-1] += (f", {direction} {fmt.percent(abs(spend.relative))} ({fmt.money_delta(spend.delta)}) on the "
                      f"previous {days} days")
        partial = facts.previous_covered_days < days
        parts[-1] += (f" (which hold data on only {facts.previous_covered_days} days, so the change overstates "
                      "growth)." if partial else ".")
    ranked = sorted(facts.layers.items(), key=lambda item: -item[1].current)
    mix = ", ".join(f"{name} {fmt.percent(share(change.current, spend.current), 0)}" for name, change in ranked)
    parts.append(f"By layer: {mix}.")
    movers = [(name, change) for name, change in ranked if change.previous > 0]
    if movers:
        name, change = max(movers, key=lambda item: item[1].delta)
        if change.delta > 0:
            parts.append(f"The {name} layer grew most, by {fmt.money_delta(change.delta)} "
                         f"({fmt.percent_delta(change.relative)}).")
    if facts.top_agent is not None:
        agent, cost = facts.top_agent
        parts.append(f"The largest agent, {agent}, accounts for {fmt.percent(share(cost, spend.current))} of spend.")
    unit, before = facts.unit.per_conversation, facts.unit_previous.per_conversation
    if unit is not None:
        sentence = (f"A conversation costs {fmt.money(unit)} on average across "
                    f"{fmt.count(facts.unit.conversations)} conversations")
        if before is not None:
            sentence += f" ({fmt.percent_delta(Change(unit, before).relative)} against {fmt.money(before)} before)"
        parts.append(sentence + ".")
    unpriced = fmt.percent(Decimal(facts.unpriced_lines) / facts.lines, 2) if facts.lines else "0%"
    unattributed = fmt.percent(share(facts.unattributed_tenant_cost, spend.current))
    parts.append(f"{unpriced} of usage lines are unpriced and {unattributed} of spend has no tenant; both are "
                 "counted, never hidden.")
    return " ".join(parts)
