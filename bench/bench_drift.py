"""Bench genai_4layer_drift: 4 layers + 4 x 9 agents + 4 x 13 modules = 92 daily series over 400 days, evaluated
with evaluate_layers (points, bands, alerts). Target: < 1 s on a 2-core machine for the default method.

    PYTHONPATH=. .venv/bin/python bench/bench_drift.py [--days 400] [--repeat 5] [--compare] [--db URL]

--compare also times every other baseline method once (statsmodels ones take seconds to minutes).
--db also times the service path on an existing store (e.g. after `ross-cost demo --days 400 --db URL`): the
three SQL aggregations plus the evaluation, then the same with every alert explained (five grouped queries each).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from ross_cost.drift import DriftSettings, SeriesKey, evaluate_layers
from ross_cost.drift_baselines import METHODS
from ross_cost.model import LAYERS

START = date(2025, 6, 2)
AGENTS = 9
MODULES = 13
WEEKLY = np.array([1.0, 1.05, 1.0, 0.95, 0.9, 0.35, 0.3])


def workload(days: int, seed: int = 7) -> dict[SeriesKey, list[tuple[date, Decimal]]]:
    """Weekly-patterned, noisy series with slow growth; one in five gets a +50 % episode of two to five weeks."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    dates = [START + timedelta(int(i)) for i in t]
    keys: list[tuple[SeriesKey, float]] = []
    for layer in LAYERS:
        keys.append(((("layer", layer.value),), float(rng.uniform(80, 600))))
        keys += [
            ((("layer", layer.value), ("agent_slug", f"agent-{a}")), float(rng.uniform(2, 90))) for a in range(AGENTS)
        ]
        keys += [
            ((("layer", layer.value), ("module_id", f"M{m:02d}")), float(rng.uniform(1, 70))) for m in range(MODULES)
        ]
    daily: dict[SeriesKey, list[tuple[date, Decimal]]] = {}
    for key, level in keys:
        shape = level * WEEKLY[t % 7] * 1.004**t * np.exp(rng.normal(0, 0.08, days))
        if rng.random() < 0.2:
            onset = int(rng.integers(60, days - 40))
            shape[onset : onset + int(rng.integers(14, 36))] *= 1.5
        daily[key] = [(d, Decimal(f"{v:.2f}")) for d, v in zip(dates, shape, strict=True)]
    return daily


def timed(daily: dict[SeriesKey, list[tuple[date, Decimal]]], method: str, repeat: int) -> tuple[list[float], int]:
    settings = DriftSettings(method=method)
    times, alerts = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        result = evaluate_layers(daily, settings)
        times.append(time.perf_counter() - began)
        alerts = sum(len(s.alerts) for s in result)
    return times, alerts


def time_service(url: str, repeat: int) -> None:
    from ross_cost import drift_service
    from ross_cost.drift_config import DriftConfig
    from ross_cost.drift_service import ExplainScope
    from ross_cost.services import open_services

    services = open_services(url)
    config = DriftConfig()
    try:
        scopes: tuple[tuple[str, ExplainScope], ...] = (
            ("series + rule", "none"), ("+ layer explanations", "layers"), ("+ every explanation", "all"))
        for label, explain in scopes:
            times, alerts, series = [], 0, 0
            for _ in range(repeat):
                began = time.perf_counter()
                report = drift_service.evaluate(services, config=config, explain_scope=explain)
                times.append(time.perf_counter() - began)
                alerts, series = len(report.alerts), len(report.series)
            days = 0 if report.start is None or report.as_of is None else (report.as_of - report.start).days + 1
            print(f"service {label}: {series} series x {days} days from {url}: median "
                  f"{statistics.median(times) * 1000:.0f} ms over {repeat} runs ({alerts} alerts)")
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare", action="store_true", help="also time the other baseline methods once")
    parser.add_argument("--db", help="also time drift_service.evaluate on this store URL")
    args = parser.parse_args()
    daily = workload(args.days)
    method = DriftSettings().method
    times, alerts = timed(daily, method, args.repeat)
    print(
        f"{len(daily)} series x {args.days} days, method {method}: median {statistics.median(times) * 1000:.0f} ms, "
        f"best {min(times) * 1000:.0f} ms over {args.repeat} runs ({alerts} alerts); target < 1000 ms"
    )
    if args.compare:
        for other in (m for m in METHODS if m != method):
            other_times, other_alerts = timed(daily, other, 1)
            print(f"  {other}: {other_times[0] * 1000:.0f} ms ({other_alerts} alerts)")
    if args.db:
        time_service(args.db, args.repeat)


if __name__ == "__main__":
    main()
