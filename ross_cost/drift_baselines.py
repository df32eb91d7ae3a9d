"""Baseline methods for drift: what a day of a daily cost series is expected to cost, from the days before it.

Every method returns an (n, 7) array: row t is the expected cost for each weekday phase (day index % 7), fitted
on days < t only, so a frozen row keeps predicting every weekday of a run. NaN in the input is "no history yet";
zeros are real zero-cost days. The methods were compared on the labelled suite in tests/drift_cases.py; the
figures and the reason `dow_upper` is the default are in docs/drift-method.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from decimal import Decimal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

Floats = NDArray[np.float64]
#: (history with NaN before the series is live, window_days, first row wanted) -> (n, 7) expected cost per weekday
#: phase; rows before the first row wanted may be left NaN (a refit after an episode only needs the rows after it).
BaselineMethod = Callable[[Floats, int, int], Floats]
#: The noise band drawn around the baseline: these quantiles of the window's cost / baseline ratios.
BAND_QUANTILES = (0.1, 0.9)


def _lagged_weekdays(x: Floats, weeks: int) -> Floats:
    """Row j holds x[j], x[j-7], ... x[j-7(weeks-1)]: the same weekday over the last `weeks` weeks."""
    lag = 7 * (weeks - 1)
    padded = np.concatenate([np.full(lag, np.nan), x])
    return np.stack([padded[lag - 7 * i : lag - 7 * i + len(x)] for i in range(weeks)], axis=1)


def _by_phase(per_day: Floats) -> Floats:
    """Row t takes, for each weekday phase, the statistic computed at the most recent such day before t."""
    n = len(per_day)
    out = np.full((n, 7), np.nan)
    rows = np.arange(n)
    for back in range(1, 8):
        src = rows - back
        ok = src >= 0
        out[rows[ok], src[ok] % 7] = per_day[src[ok]]
    return out


def row_quantile(values: Floats, q: float) -> Floats:
    """np.nanquantile(values, q, axis=1) (linear), vectorised: numpy's own loops row by row when NaN is present."""
    ordered = np.sort(values, axis=1)  # NaN sorts last
    count = (~np.isnan(ordered)).sum(axis=1)
    out = np.full(len(values), np.nan)
    has = count > 0
    position = q * (count[has] - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, count[has] - 1)
    rows = np.flatnonzero(has)
    low, high = ordered[rows, below], ordered[rows, above]
    out[has] = low + (high - low) * (position - below)
    return out


def dow_quantile(q: float) -> BaselineMethod:
    """Per weekday, the q-quantile of that weekday's values over the window's whole weeks (4 of 30 days).

    q = 2/3 (`dow_upper`) takes the second highest of four: a holiday or an outage week (even two) does not
    pull the bar down, and one unusually high week does not push it up.
    """

    def fit(x: Floats, window_days: int, first_row: int) -> Floats:
        return _by_phase(row_quantile(_lagged_weekdays(x, window_days // 7), q))

    return fit


def trailing_median(x: Floats, window_days: int, first_row: int) -> Floats:
    """The median of the last window_days, the same for every weekday (the naive reference)."""
    padded = np.concatenate([np.full(window_days, np.nan), x])
    median = row_quantile(sliding_window_view(padded, window_days)[: len(x)], 0.5)
    return np.repeat(median[:, None], 7, axis=1)


def stl(x: Floats, window_days: int, first_row: int) -> Floats:
    """Robust STL (weekly period) refitted on the trailing window every day: last trend + weekday seasonal."""
    from statsmodels.tsa.seasonal import STL  # noqa: PLC0415 - heavy import, comparison method only

    out = np.full((len(x), 7), np.nan)
    for t in range(first_row, len(x)):
        window = x[max(0, t - window_days) : t]
        window = window[~np.isnan(window)]
        if len(window) >= 14:
            fit = STL(window, period=7, robust=True).fit()
            out[t, np.arange(t - 7, t) % 7] = np.maximum(fit.trend[-1] + fit.seasonal[-7:], 0.0)
    return out


def holt_winters(x: Floats, window_days: int, first_row: int) -> Floats:
    """Additive weekly Holt-Winters: smoothing fitted by statsmodels on the first window, then run as a filter."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing  # noqa: PLC0415 - heavy import, comparison only

    out = np.full((len(x), 7), np.nan)
    live = np.flatnonzero(~np.isnan(x))
    if len(live) < window_days:
        return out
    stop = int(live[0]) + window_days
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short windows
        fitted = ExponentialSmoothing(
            x[int(live[0]) : stop], seasonal="add", seasonal_periods=7, initialization_method="estimated"
        ).fit()
    alpha, gamma = float(fitted.params["smoothing_level"]), float(fitted.params["smoothing_seasonal"])
    level = float(fitted.level[-1])
    season = np.empty(7)
    season[np.arange(stop - 7, stop) % 7] = np.asarray(fitted.season, dtype=float)[-7:]
    for t in range(stop, len(x)):
        out[t] = np.maximum(level + season, 0.0)
        phase = t % 7
        new_level = alpha * (x[t] - season[phase]) + (1 - alpha) * level
        season[phase] = gamma * (x[t] - new_level) + (1 - gamma) * season[phase]
        level = new_level
    return out


METHODS: dict[str, BaselineMethod] = {
    "dow_upper": dow_quantile(2 / 3),
    "dow_median": dow_quantile(0.5),
    "median": trailing_median,
    "stl": stl,
    "holt_winters": holt_winters,
}


def micro_dollars(value: float) -> Decimal:
    """A float statistic back in Decimal dollars, to the micro-dollar (faster than Decimal(value).quantize)."""
    return Decimal(round(value * 1_000_000)).scaleb(-6)


def profiles(
    fit_x: Floats, method: str, window_days: int, min_history_days: int, first_row: int = 0
) -> tuple[Floats, Floats]:
    """Per-row weekday baselines (NaN until min_history_days of live history) and each row's band as ratios."""
    profile = METHODS[method](fit_x, window_days, first_row)
    live = np.flatnonzero(~np.isnan(fit_x))
    profile[: (int(live[0]) if len(live) else len(fit_x)) + min_history_days] = np.nan
    n = len(fit_x)
    days = np.arange(n)[:, None] - window_days + np.arange(window_days)[None, :]
    past = np.where(days >= 0, fit_x[np.clip(days, 0, None)], np.nan)
    expected = profile[np.arange(n)[:, None], days % 7]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(expected > 0, past / expected, np.nan)
    return profile, np.stack([row_quantile(ratios, q) for q in BAND_QUANTILES], axis=1)
