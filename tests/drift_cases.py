"""The labelled synthetic suite for drift: daily cost series with known episodes, and how a method scores on it.

Each case is seeded, so every run sees the same numbers. An episode is labelled with the window its alert's
first_day must fall in; an alert outside every window is a false positive, an episode without one a miss.
`python -m tests.drift_cases` prints the comparison table that docs/drift-method.md quotes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from ross_cost.drift import Alert, DriftSettings, evaluate_series

START = date(2025, 9, 1)  # a Monday: day index % 7 == 0 is Monday
DAYS = 180
ONSET = 100
FLAT = (1.0,) * 7
WEEKEND_DIPS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.3, 0.3)
STRONG_DIPS = (1.0, 1.05, 1.0, 0.95, 0.9, 0.25, 0.2)
WEEKEND_PEAKS = (1.0, 1.0, 1.0, 1.0, 1.0, 1.6, 1.6)
WEEKDAYS_ONLY = (1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0)
Shape = Callable[[np.ndarray], np.ndarray]  # day indices -> multiplier


@dataclass(frozen=True)
class Episode:
    """A labelled drift: an alert must fire with first_day in [earliest, latest]."""

    earliest: date
    latest: date


@dataclass(frozen=True)
class Case:
    name: str
    days: tuple[date, ...]
    costs: tuple[Decimal, ...]
    episodes: tuple[Episode, ...] = ()

    @property
    def fires(self) -> bool:
        return bool(self.episodes)


def day(index: int) -> date:
    return START + timedelta(index)


def episode(first: int, last: int) -> Episode:
    return Episode(day(first), day(last))


def step(at: int, factor: float, until: int = DAYS) -> Shape:
    return lambda t: np.where((t >= at) & (t < until), factor, 1.0)


def ramp(at: int, length: int, to: float) -> Shape:
    return lambda t: 1.0 + (to - 1.0) * np.clip((t - at + 1) / length, 0.0, 1.0)


def growth(per_month: float) -> Shape:
    return lambda t: (1.0 + per_month) ** (t / 30.0)


def flat() -> Shape:
    return lambda t: np.ones(len(t))


def make(
    name: str,
    seed: int,
    shape: Shape | None = None,
    *,
    level: float = 100.0,
    weekly: Sequence[float] = FLAT,
    noise: float = 0.05,
    overrides: dict[int, float] | None = None,
    missing: float = 0.0,
    zero: float = 0.0,
    start: int = 0,
    episodes: Sequence[Episode] = (),
) -> Case:
    """level x weekday factor x shape x log-normal noise, in cents; `overrides` multiplies given days."""
    rng = np.random.default_rng(seed)
    t = np.arange(DAYS)
    values = level * np.asarray(weekly)[t % 7] * (shape or flat())(t) * np.exp(rng.normal(0.0, noise, DAYS))
    for index, factor in (overrides or {}).items():
        values[index] *= factor
    values[rng.random(DAYS) < zero] = 0.0
    kept = (t >= start) & ~(rng.random(DAYS) < missing)
    return Case(
        name,
        tuple(day(int(i)) for i in t[kept]),
        tuple(Decimal(f"{v:.2f}") for v in values[kept]),
        tuple(episodes),
    )


def _holidays() -> dict[int, float]:
    return {80: 0.0, 81: 0.0, 82: 0.1, 120: 0.05, 121: 0.0}


def _fortnight(first: int, factor: float) -> dict[int, float]:
    return dict.fromkeys(range(first, first + 14), factor)


def cases() -> list[Case]:
    return [
        # must fire
        make("step +30 %, flat", 1, step(ONSET, 1.3), noise=0.03, episodes=[episode(ONSET, ONSET + 14)]),
        make(
            "step +50 %, weekend dips", 2, step(ONSET, 1.5), weekly=WEEKEND_DIPS, episodes=[episode(ONSET, ONSET + 6)]
        ),
        make("step +80 %, noisy (12 %)", 3, step(ONSET, 1.8), noise=0.12, episodes=[episode(ONSET, ONSET + 6)]),
        make(
            "step +60 %, weekend peaks", 4, step(ONSET, 1.6), weekly=WEEKEND_PEAKS, episodes=[episode(ONSET, ONSET + 6)]
        ),
        make(
            "step +45 %, weekdays only",
            5,
            step(ONSET, 1.45),
            weekly=WEEKDAYS_ONLY,
            episodes=[episode(ONSET, ONSET + 6)],
        ),
        make("episode +40 % for 3 weeks", 6, step(ONSET, 1.4, ONSET + 21), episodes=[episode(ONSET, ONSET + 6)]),
        make(
            "two episodes, 2 months apart",
            7,
            lambda t: step(60, 1.5, 75)(t) * step(130, 1.6, 150)(t),
            weekly=STRONG_DIPS,
            episodes=[episode(60, 66), episode(130, 136)],
        ),
        make("ramp to +60 % over 4 weeks", 8, ramp(ONSET, 28, 1.6), episodes=[episode(ONSET, ONSET + 28)]),
        make(
            "ramp to +80 % over 6 weeks, weekend dips",
            9,
            ramp(ONSET, 42, 1.8),
            weekly=WEEKEND_DIPS,
            episodes=[episode(ONSET, ONSET + 42)],
        ),
        make(
            "step +60 %, 4 % of days missing", 10, step(ONSET, 1.6), missing=0.04, episodes=[episode(ONSET, ONSET + 14)]
        ),
        make("starts mid-window, then +50 %", 11, step(110, 1.5), start=75, episodes=[episode(110, 116)]),
        make(
            "step +50 % after holidays",
            12,
            step(ONSET, 1.5),
            weekly=WEEKEND_DIPS,
            overrides=_holidays(),
            episodes=[episode(ONSET, ONSET + 6)],
        ),
        make(
            "small series ($3/day) doubles, noisy",
            13,
            step(ONSET, 2.0),
            level=3.0,
            noise=0.15,
            episodes=[episode(ONSET, ONSET + 6)],
        ),
        # must stay quiet
        make("flat, 5 % noise", 21),
        make("flat, 12 % noise", 22, noise=0.12),
        make("strong weekend dips", 23, weekly=STRONG_DIPS, noise=0.08),
        make("weekend peaks", 24, weekly=WEEKEND_PEAKS, noise=0.08),
        make("weekdays only", 25, weekly=WEEKDAYS_ONLY),
        make("spike x3 for 3 days", 26, step(ONSET, 3.0, ONSET + 3)),
        make("spike x2 for 6 days", 27, step(ONSET, 2.0, ONSET + 6), weekly=WEEKEND_DIPS),
        make(
            "two 6-day spikes, 1 day apart",
            28,
            lambda t: np.where((t >= ONSET) & (t < ONSET + 13) & (t != ONSET + 6), 1.8, 1.0),
        ),
        make("holidays: zero and near-zero days", 29, weekly=WEEKEND_DIPS, overrides=_holidays()),
        make("year-end fortnight at 30 %", 30, weekly=WEEKEND_DIPS, overrides=_fortnight(ONSET, 0.3)),
        make("5 % zero days", 31, zero=0.05),
        make("5 % missing days", 32, missing=0.05, weekly=STRONG_DIPS),
        make("growth +10 %/month", 33, growth(0.10), weekly=WEEKEND_DIPS),
        make("growth +10 %/month, 10 % noise", 34, growth(0.10), noise=0.10),
        make("step down -40 %", 35, step(ONSET, 0.6)),
        make("step +15 % (under the threshold)", 36, step(ONSET, 1.15), noise=0.03),
        make("below the spend floor, doubles", 37, step(ONSET, 2.0), level=0.40),
        make("no cost at all", 38, level=0.0),
        make("starts mid-window, flat", 39, start=75, weekly=STRONG_DIPS),
    ]


def noise_cases(count: int = 96, days: int = 400) -> list[Case]:
    """Long must-stay-quiet series: weekly pattern x growth (0-10 %/month) x noise of 5 to 30 %, nothing else."""
    rng = np.random.default_rng(2024)
    patterns = (FLAT, WEEKEND_DIPS, STRONG_DIPS, WEEKEND_PEAKS)
    t = np.arange(days)
    out = []
    for i in range(count):
        sigma = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30)[i % 6]
        growth_rate = float(rng.uniform(0.0, 0.10))
        values = 100.0 * np.asarray(patterns[i % 4])[t % 7] * (1 + growth_rate) ** (t / 30)
        values *= np.exp(rng.normal(0.0, sigma, days))
        out.append(
            Case(f"noise {sigma:.0%} #{i}", tuple(day(int(k)) for k in t), tuple(Decimal(f"{v:.2f}") for v in values))
        )
    return out


@dataclass
class Score:
    """Episode-level counts for one method over the suite, with each failing case named."""

    method: str
    true_positives: int = 0
    false_positives: int = 0
    missed: int = 0
    delays: list[int] = field(default_factory=list)  # fired_on - earliest, per detected episode
    failures: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.missed
        return self.true_positives / labelled if labelled else 1.0

    @property
    def mean_delay(self) -> float:
        return sum(self.delays) / len(self.delays) if self.delays else float("nan")


def match(case: Case, alerts: Sequence[Alert]) -> tuple[int, int, int, list[int]]:
    """(true positives, false positives, missed, delays): each episode claims at most one alert."""
    unclaimed = list(alerts)
    delays = []
    for ep in case.episodes:
        hit = next((a for a in unclaimed if ep.earliest <= a.first_day <= ep.latest), None)
        if hit is not None:
            unclaimed.remove(hit)
            delays.append((hit.fired_on - ep.earliest).days)
    return len(delays), len(unclaimed), len(case.episodes) - len(delays), delays


def score(method: str, suite: Sequence[Case] | None = None) -> Score:
    settings = DriftSettings(method=method)
    result = Score(method)
    for case in suite if suite is not None else cases():
        _, alerts = evaluate_series(case.days, case.costs, settings)
        tp, fp, fn, delays = match(case, alerts)
        result.true_positives += tp
        result.false_positives += fp
        result.missed += fn
        result.delays += delays
        if fp or fn:
            result.failures.append(case.name)
    return result


def table(scores: Sequence[Score]) -> str:
    """The markdown comparison table (docs/drift-method.md holds a copy that a test keeps equal)."""
    lines = [
        "| method | precision | recall | detected | false alerts | missed | mean delay (days) | max delay (days) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        worst = max(s.delays) if s.delays else "-"
        lines.append(
            f"| `{s.method}` | {s.precision:.2f} | {s.recall:.2f} | {s.true_positives} | {s.false_positives} "
            f"| {s.missed} | {s.mean_delay:.1f} | {worst} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    from ross_cost.drift_baselines import METHODS

    all_scores = [score(m) for m in METHODS]
    print(table(all_scores))
    for s in all_scores:
        print(s.method, "fails:", "; ".join(s.failures) or "none")
    if "--stress" in sys.argv:  # slow for stl and holt_winters (minutes)
        quiet = noise_cases()
        for m in METHODS:
            stressed = score(m, quiet)
            print(f"{m}: {stressed.false_positives} false alerts on {len(quiet)} noise-only series x 400 days")
