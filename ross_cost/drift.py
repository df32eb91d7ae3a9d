"""genai_4layer_drift: a sustained rise of a daily cost series over its own recent baseline. Pure (numpy).

A day is *over* when its cost exceeds baseline x (1 + threshold); `sustain_days` over-days in a row fire an alert
on the last, dated from the first; `resolve_days` days under resolve it. While a run or an alert is live the
baseline stays frozen at the fit from before the run, so an episode never raises its own bar; a resolved
episode's days are replaced by that frozen baseline in later fits; an alert open for a whole window becomes the
new normal. Why the default method is `dow_upper`: docs/drift-method.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from math import isnan

import numpy as np

from ross_cost.drift_baselines import METHODS, micro_dollars, profiles

SeriesKey = tuple[tuple[str, str], ...]
BASELINE_QUANTUM = Decimal("0.000001")  # baselines, thresholds, bands: cheap series cost cents a day
RATIO_QUANTUM = Decimal("0.0001")


@dataclass(frozen=True)
class DriftSettings:
    """How drift is judged; defaults are the issue's: +20 % for 7 days over the previous 30 days."""

    threshold: Decimal = Decimal("0.20")
    window_days: int = 30
    sustain_days: int = 7
    resolve_days: int = 3
    min_daily_spend: Decimal = Decimal("1.00")
    method: str = "dow_upper"
    #: Days of history a series needs before it gets a baseline (two of each weekday).
    min_history_days: int = 14

    def __post_init__(self) -> None:
        for name in ("threshold", "min_daily_spend"):  # accept "0.2" or 0.2 from a CLI or a form, keep Decimal
            if not isinstance(getattr(self, name), Decimal):
                object.__setattr__(self, name, Decimal(str(getattr(self, name))))
        if self.threshold <= 0:
            raise ValueError("threshold must be positive, e.g. 0.20 for +20 %")
        if self.window_days < 14:
            raise ValueError("window_days must be at least 14 (two weeks, for the weekly pattern)")
        if not 7 <= self.min_history_days <= self.window_days:
            raise ValueError("min_history_days must be between 7 and window_days")
        if self.sustain_days < 1 or self.resolve_days < 1:
            raise ValueError("sustain_days and resolve_days must be at least 1")
        if self.min_daily_spend < 0:
            raise ValueError("min_daily_spend must not be negative")
        if self.method not in METHODS:
            raise ValueError(f"unknown drift method {self.method!r}; choose one of {', '.join(METHODS)}")


@dataclass(frozen=True, slots=True)
class DailyPoint:
    """One day of one series as the chart draws it; baseline and bands are None before enough history."""

    day: date
    cost: Decimal
    baseline: Decimal | None
    threshold: Decimal | None
    band_low: Decimal | None
    band_high: Decimal | None
    over: bool


@dataclass(frozen=True)
class Alert:
    """One drift episode of one series; excess and baseline_total sum over its over-threshold days.

    days_sustained counts the over-days (at least sustain_days); peak_ratio is the highest cost / baseline among
    them (0 if every one had a zero baseline); resolved_on is None while the alert is open.
    """

    series: SeriesKey
    first_day: date
    fired_on: date
    last_over_day: date
    resolved_on: date | None
    days_sustained: int
    excess: Decimal
    peak_ratio: Decimal
    baseline_total: Decimal

    @property
    def over_ratio(self) -> Decimal:
        """How far over baseline the over-days ran on average (0.46 = 46 % over)."""
        return (self.excess / self.baseline_total).quantize(RATIO_QUANTUM) if self.baseline_total else Decimal(0)


@dataclass(frozen=True)
class SeriesDrift:
    """The evaluation of one series: what the chart draws and the alerts it raised."""

    series: SeriesKey
    points: tuple[DailyPoint, ...]
    alerts: tuple[Alert, ...]

    @property
    def excess(self) -> Decimal:
        return sum((a.excess for a in self.alerts), Decimal(0))


DEFAULT_SETTINGS = DriftSettings()


@dataclass
class _Run:
    """Over-days since a run began: pending until `sustain_days` of them fire it, then the open alert."""

    start: int
    row: int  # the baseline row frozen at the run's first day
    over_days: int = 0
    last_over: int = 0
    excess: Decimal = Decimal(0)
    baseline_total: Decimal = Decimal(0)
    peak: Decimal = Decimal(0)
    fired: int | None = None
    resolved: int | None = None
    under_streak: int = 0
    absorbed: bool = False

    def add(self, t: int, cost: Decimal, baseline: Decimal) -> None:
        self.over_days, self.last_over, self.under_streak = self.over_days + 1, t, 0
        self.excess += cost - baseline
        self.baseline_total += baseline
        if baseline > 0:
            self.peak = max(self.peak, (cost / baseline).quantize(RATIO_QUANTUM))


class _Judge:
    """Walks one dense series day by day (sequential: a live run freezes the baseline). The statistics are numpy
    arrays, read as Python lists here because per-element numpy access is slow."""

    def __init__(self, costs: list[Decimal], settings: DriftSettings) -> None:
        self.costs, self.settings = costs, settings
        self.mult, self.floor = 1 + settings.threshold, float(settings.min_daily_spend)
        n = len(costs)
        self.fit_x = np.array([float(c) for c in costs])
        live = np.flatnonzero(self.fit_x > 0)
        self.fit_x[: int(live[0]) if len(live) else n] = np.nan  # zeros before the first spend: not live yet
        self.expected: list[list[float]] = []  # row -> expected cost per weekday phase
        self.level: list[float] = []
        self.band: list[list[float]] = []
        self._fit(0)
        self.base_used = [np.nan] * n
        self.row_used = [0] * n
        self.baseline: list[Decimal | None] = [None] * n
        self.threshold: list[Decimal | None] = [None] * n
        self.over = [False] * n
        self.runs: list[_Run] = []  # every run that fired, in order
        self.run: _Run | None = None

    def _fit(self, first_row: int) -> None:
        """(Re)fit the baseline rows from first_row on."""
        s = self.settings
        profile, band = profiles(self.fit_x, s.method, s.window_days, s.min_history_days, first_row)
        with np.errstate(invalid="ignore"):
            level = profile.mean(axis=1)
        self.expected[first_row:] = profile[first_row:].tolist()
        self.level[first_row:] = level[first_row:].tolist()
        self.band[first_row:] = band[first_row:].tolist()

    def judge(self) -> None:
        for t in range(len(self.costs)):
            self._day(t)

    def _day(self, t: int) -> None:
        run, s = self.run, self.settings
        if run is not None and run.fired is not None and t - run.start >= s.window_days:
            run.absorbed = True  # open for a whole window: the episode has become the normal level
        row = run.row if run is not None and not run.absorbed else t
        expected = self.expected[row][t % 7]
        if isnan(expected):  # not enough history yet
            self.run = None
            return
        self.base_used[t], self.row_used[t] = expected, row
        baseline = self.baseline[t] = micro_dollars(expected)
        threshold = self.threshold[t] = (baseline * self.mult).quantize(BASELINE_QUANTUM)
        cost = self.costs[t]
        if self.level[row] < self.floor:
            over = False  # spend floor: a tiny series stays quiet
        elif expected <= 0 and cost == 0:
            return  # nothing expected and nothing spent (a closed day): neither over nor under
        else:
            over = self.over[t] = cost > threshold
        if over:
            if run is None:
                run = self.run = _Run(start=t, row=t)
            run.add(t, cost, baseline)
            if run.fired is None and run.over_days >= s.sustain_days:
                run.fired = t
                self.runs.append(run)
        elif run is not None and run.fired is None:
            self.run = None  # fewer than sustain_days in a row: a spike, not drift
        elif run is not None:
            run.under_streak += 1
            if run.under_streak >= s.resolve_days:
                self._resolve(run, t)

    def _resolve(self, run: _Run, t: int) -> None:
        run.resolved, self.run = t, None
        if not run.absorbed:  # later fits see the episode as the baseline it was judged against
            self.fit_x[run.start : t + 1] = self.base_used[run.start : t + 1]
            self._fit(t + 1)

    def points(self, day0: date) -> list[DailyPoint]:
        base = np.array(self.base_used)
        band = np.array(self.band)[self.row_used] * base[:, None]
        low, high = ([None if isnan(v) else micro_dollars(v) for v in band[:, i].tolist()] for i in (0, 1))
        return [
            DailyPoint(day0 + timedelta(t), cost, None, None, None, None, False)
            if self.baseline[t] is None
            else DailyPoint(
                day0 + timedelta(t), cost, self.baseline[t], self.threshold[t], low[t], high[t], self.over[t]
            )
            for t, cost in enumerate(self.costs)
        ]


def _densify(days: Sequence[date], costs: Sequence[Decimal], as_of: date | None) -> tuple[date, list[Decimal]] | None:
    """One cost per calendar day from the first to the last (or as_of): absent days are zero-cost days."""
    if len(days) != len(costs):
        raise ValueError(f"{len(days)} days but {len(costs)} costs")
    if (
        days
        and (as_of is None or days[-1] <= as_of)
        and (days[-1] - days[0]).days == len(days) - 1
        and all(a < b for a, b in itertools.pairwise(days))
    ):
        return days[0], list(costs)  # already dense and in order: the usual case
    totals: dict[date, Decimal] = {}
    for day, cost in zip(days, costs, strict=True):
        if as_of is None or day <= as_of:
            totals[day] = totals.get(day, Decimal(0)) + cost
    if not totals:
        return None
    start = min(totals)
    return start, [totals.get(start + timedelta(i), Decimal(0)) for i in range((max(totals) - start).days + 1)]


def evaluate_series(
    days: Sequence[date],
    costs: Sequence[Decimal],
    settings: DriftSettings = DEFAULT_SETTINGS,
    as_of: date | None = None,
    key: SeriesKey = (),
) -> tuple[list[DailyPoint], list[Alert]]:
    """Judge one daily series (a layer, a layer x agent ...): its points for the chart and its alerts.

    Days may come unsorted or with gaps: repeated days are summed, absent ones are zero-cost days; days after
    as_of are ignored (as_of does not extend the series). History starts at the first day with spend (zeros
    before it are a series not live yet) and needs `min_history_days` of it for a baseline.
    """
    densified = _densify(days, costs, as_of)
    if densified is None:
        return [], []
    day0, dense = densified
    judge = _Judge(dense, settings)
    judge.judge()
    points = judge.points(day0)
    alerts = [_alert(run, day0, key) for run in judge.runs]
    return points, alerts


def _alert(run: _Run, day0: date, key: SeriesKey) -> Alert:
    fired = run.start if run.fired is None else run.fired  # every run in judge.runs has fired
    return Alert(
        series=key,
        first_day=day0 + timedelta(run.start),
        fired_on=day0 + timedelta(fired),
        last_over_day=day0 + timedelta(run.last_over),
        resolved_on=None if run.resolved is None else day0 + timedelta(run.resolved),
        days_sustained=run.over_days,
        excess=run.excess,
        peak_ratio=run.peak,
        baseline_total=run.baseline_total,
    )


def evaluate_layers(
    daily: Mapping[SeriesKey, Sequence[tuple[date, Decimal]]],
    settings: DriftSettings = DEFAULT_SETTINGS,
    as_of: date | None = None,
) -> list[SeriesDrift]:
    """Evaluate many series (layers, layer x agent, layer x module), the one with the most excess first."""
    results = []
    for key, rows in daily.items():
        points, alerts = evaluate_series([d for d, _ in rows], [c for _, c in rows], settings, as_of, key)
        results.append(SeriesDrift(key, tuple(points), tuple(alerts)))
    return sorted(results, key=lambda s: (-s.excess, s.series))
