"""genai_4layer_drift: a sustained rise of a daily cost series over its own recent baseline.

Pure (numpy; statsmodels only for the comparison methods). The rule: a day is *over* when its cost exceeds
baseline x (1 + threshold); `sustain_days` over-days in a row fire an alert on the last of them, dated from the
first; `resolve_days` days back under the threshold resolve it. While a run of over-days or an alert is live the
baseline is frozen at the model fitted before the run began, so an episode never raises its own bar; once an
episode has resolved, its days are replaced by that frozen baseline in later fits. An alert still open after a
whole window is treated as the new normal: the baseline refits on the episode and the alert resolves.
Why `dow_upper` is the default: docs/drift-method.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

Floats = NDArray[np.float64]
SeriesKey = tuple[tuple[str, str], ...]
#: Baselines, thresholds and bands are reported to the micro-dollar (costs of cheap series are cents).
BASELINE_QUANTUM = Decimal("0.000001")
RATIO_QUANTUM = Decimal("0.0001")
BAND_QUANTILES = (0.1, 0.9)


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
    """One drift episode of one series; excess and baseline_total sum over its over-threshold days."""

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


# --- baseline methods: row t of the (n, 7) result is the expected cost per weekday phase (t % 7), fitted on
# --- the days before t only; NaN in the input is "no history yet".


def _lagged_weekdays(x: Floats, weeks: int) -> Floats:
    """Row j holds x[j], x[j-7], ... x[j-7(weeks-1)]: the same weekday over the last `weeks` weeks."""
    padded = np.concatenate([np.full(7 * (weeks - 1), np.nan), x])
    return np.stack([padded[7 * (weeks - 1 - i) : 7 * (weeks - 1 - i) + len(x)] for i in range(weeks)], axis=1)


def _spread_by_phase(per_day: Floats) -> Floats:
    """Row t takes, for each weekday phase, the statistic of the most recent such day before t."""
    n = len(per_day)
    out = np.full((n, 7), np.nan)
    rows = np.arange(n)
    for back in range(1, 8):
        src = rows - back
        ok = src >= 0
        out[rows[ok], src[ok] % 7] = per_day[src[ok]]
    return out


def _dow_quantile(q: float) -> Callable[[Floats, DriftSettings], Floats]:
    def fit(x: Floats, settings: DriftSettings) -> Floats:
        lagged = _lagged_weekdays(x, settings.window_days // 7)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows before any history
            per_day = np.nanquantile(lagged, q, axis=1)
        return _spread_by_phase(per_day)

    return fit


def _trailing_median(x: Floats, settings: DriftSettings) -> Floats:
    window = settings.window_days
    padded = np.concatenate([np.full(window, np.nan), x])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(sliding_window_view(padded, window)[: len(x)], axis=1)
    return np.repeat(med[:, None], 7, axis=1)


def _stl(x: Floats, settings: DriftSettings) -> Floats:
    from statsmodels.tsa.seasonal import STL

    out = np.full((len(x), 7), np.nan)
    for t in range(len(x)):
        window = x[max(0, t - settings.window_days) : t]
        window = window[~np.isnan(window)]
        if len(window) < max(settings.min_history_days, 14):
            continue
        fit = STL(window, period=7, robust=True).fit()
        phases = np.arange(t - 7, t) % 7
        out[t, phases] = np.maximum(fit.trend[-1] + fit.seasonal[-7:], 0.0)
    return out


def _holt_winters(x: Floats, settings: DriftSettings) -> Floats:
    """Additive weekly Holt-Winters: parameters fitted by statsmodels on the first window, then run as a filter."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    out = np.full((len(x), 7), np.nan)
    valid = np.flatnonzero(~np.isnan(x))
    if len(valid) < settings.window_days:
        return out
    start, stop = int(valid[0]), int(valid[0]) + settings.window_days
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = ExponentialSmoothing(
            x[start:stop], seasonal="add", seasonal_periods=7, initialization_method="estimated"
        ).fit()
    alpha, gamma = float(fitted.params["smoothing_level"]), float(fitted.params["smoothing_seasonal"])
    level = float(fitted.level[-1])
    season = {int(t % 7): float(s) for t, s in zip(range(stop - 7, stop), fitted.season[-7:], strict=True)}
    for t in range(stop, len(x)):
        out[t, list(season)] = np.maximum(level + np.array(list(season.values())), 0.0)
        phase, value = t % 7, float(x[t])
        new_level = alpha * (value - season[phase]) + (1 - alpha) * level
        season[phase] = gamma * (value - new_level) + (1 - gamma) * season[phase]
        level = new_level
    return out


METHODS: dict[str, Callable[[Floats, DriftSettings], Floats]] = {
    "dow_upper": _dow_quantile(2 / 3),
    "dow_median": _dow_quantile(0.5),
    "median": _trailing_median,
    "stl": _stl,
    "holt_winters": _holt_winters,
}
