"""The drift alert rule on hand-made series: when it fires, resolves, stays quiet, and how it explains itself."""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ross_cost.drift import Alert, DailyPoint, DriftSettings, evaluate_layers, evaluate_series
from ross_cost.drift_baselines import row_quantile
from ross_cost.drift_explain import contributions, explain, explain_windows, money, percent, scaled_breakdown

D0 = date(2026, 1, 5)  # a Monday
TOOL = (("layer", "tool"),)


def day(i: int) -> date:
    return D0 + timedelta(i)


def run(
    values: Sequence[float | int | str | Decimal],
    drift: DriftSettings | None = None,
    as_of: date | None = None,
    skip: Sequence[int] = (),
) -> tuple[list[DailyPoint], list[Alert]]:
    """Evaluate values[i] on day i; indices in `skip` are left out of the input entirely (no data that day)."""
    kept = [i for i in range(len(values)) if i not in skip]
    return evaluate_series(
        [day(i) for i in kept], [Decimal(str(values[i])) for i in kept], drift or DriftSettings(), as_of, TOOL
    )


def flat(n: int, level: float = 100) -> list[float]:
    return [level] * n


# --- firing


def test_seven_days_over_the_threshold_fire_on_the_seventh_dated_from_the_first() -> None:
    _, alerts = run(flat(40) + flat(10, 130) + flat(10))
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert.first_day, alert.fired_on, alert.last_over_day) == (day(40), day(46), day(49))
    assert alert.series == TOOL
    assert alert.days_sustained == 10
    assert alert.excess == Decimal(300)
    assert alert.baseline_total == Decimal(1000)
    assert alert.peak_ratio == Decimal("1.3")


def test_no_alert_exists_before_the_seventh_day_and_one_exists_on_it() -> None:
    values = flat(40) + flat(10, 130)
    assert run(values, as_of=day(45))[1] == []
    [alert] = run(values, as_of=day(46))[1]
    assert alert.fired_on == day(46)
    assert alert.resolved_on is None


def test_cost_exactly_on_the_threshold_is_not_over() -> None:
    points, alerts = run(flat(40) + flat(10, 120))
    assert alerts == []
    assert not any(p.over for p in points)


def test_six_days_over_then_one_under_does_not_fire() -> None:
    points, alerts = run(flat(40) + flat(6, 130) + flat(1) + flat(6, 130) + flat(10))
    assert alerts == []
    assert sum(p.over for p in points) == 12


def test_sustain_days_is_a_setting() -> None:
    _, alerts = run(flat(40) + flat(4, 150) + flat(10), DriftSettings(sustain_days=3))
    assert [(a.first_day, a.fired_on) for a in alerts] == [(day(40), day(42))]


# --- resolving


def test_an_alert_resolves_after_resolve_days_back_under_the_threshold() -> None:
    values = flat(40) + flat(10, 130) + flat(2) + flat(1, 130) + flat(5)
    [alert] = run(values)[1]
    assert alert.last_over_day == day(52)
    assert alert.resolved_on == day(55)  # the third of three consecutive days under, after the relapse
    assert alert.days_sustained == 11


def test_resolve_days_is_a_setting() -> None:
    [alert] = run(flat(40) + flat(10, 130) + flat(10), DriftSettings(resolve_days=5))[1]
    assert alert.resolved_on == day(54)


def test_an_open_alert_never_fires_twice() -> None:
    values = flat(40) + flat(9, 150) + flat(1) + flat(15, 150)  # 24 days over, one dip: one episode
    [alert] = run(values)[1]
    assert alert.resolved_on is None
    assert alert.days_sustained == 24


def test_a_new_episode_after_resolution_fires_a_new_alert() -> None:
    alerts = run(flat(40) + flat(10, 150) + flat(10) + flat(10, 150) + flat(5))[1]
    assert [(a.first_day, a.fired_on, a.resolved_on) for a in alerts] == [
        (day(40), day(46), day(52)),
        (day(60), day(66), day(72)),
    ]


# --- staying quiet


def test_a_series_below_the_spend_floor_stays_quiet() -> None:
    values = flat(40, 0.5) + flat(20, 1.5)
    assert run(values)[1] == []
    assert len(run(values, DriftSettings(min_daily_spend=Decimal(0)))[1]) == 1  # the floor is what held it


def test_fewer_days_than_min_history_have_no_baseline_and_no_alert() -> None:
    points, alerts = run(flat(6) + flat(7, 300))  # tripled for 7 days, but 13 days are too few to judge
    assert alerts == []
    assert len(points) == 13
    assert all(p.baseline is None and p.threshold is None and p.band_low is None and not p.over for p in points)


def test_a_series_younger_than_the_window_gets_a_baseline_after_min_history_days() -> None:
    points, alerts = run(flat(29))
    assert alerts == []
    assert all(p.baseline is None for p in points[:14])
    assert all(p.baseline == Decimal(100) for p in points[14:])


def test_a_series_starting_mid_range_counts_its_history_from_its_first_spend() -> None:
    points, alerts = run(flat(50, 0) + flat(30) + flat(10, 150))
    assert all(p.baseline is None for p in points[:64])
    assert points[64].baseline == Decimal(100)
    assert [(a.first_day, a.fired_on) for a in alerts] == [(day(80), day(86))]


def test_a_layer_with_no_cost_at_all_has_points_and_no_alert() -> None:
    points, alerts = run(flat(60, 0))
    assert alerts == []
    assert len(points) == 60
    assert all(p.cost == 0 and p.baseline is None and not p.over for p in points)


def test_no_input_at_all_gives_nothing() -> None:
    assert evaluate_series([], [], DriftSettings()) == ([], [])


def test_a_day_with_no_data_is_a_zero_cost_day() -> None:
    points, alerts = run(flat(60), skip=[20, 45])
    assert [p.day for p in points] == [day(i) for i in range(60)]
    assert points[20].cost == 0 and points[45].cost == 0
    assert alerts == []


def test_a_missing_day_inside_a_run_breaks_it() -> None:
    _, alerts = run(flat(40) + flat(12, 150) + flat(5), skip=[43])
    assert [(a.first_day, a.fired_on) for a in alerts] == [(day(44), day(50))]


def test_days_with_nothing_expected_and_nothing_spent_neither_break_nor_count() -> None:
    weekdays_only = [0 if i % 7 >= 5 else 100 for i in range(42)]
    stepped = weekdays_only + [0 if i % 7 >= 5 else 150 for i in range(42, 56)]
    [alert] = run(stepped)[1]
    assert alert.first_day == day(42)  # Monday
    assert alert.fired_on == day(50)  # Tuesday after: the 7th over-day, the weekend in between did not count


# --- the baseline


def test_an_episode_does_not_raise_its_own_baseline() -> None:
    for method in ("dow_upper", "median"):
        points, [alert] = run(flat(40) + flat(25, 160), DriftSettings(method=method))
        assert alert.first_day == day(40)
        assert {p.baseline for p in points[40:]} == {Decimal(100)}, method


def test_a_resolved_episode_is_left_out_of_later_baselines() -> None:
    points, [alert] = run(flat(40) + flat(20, 200) + flat(40), DriftSettings(method="median"))
    assert alert.resolved_on == day(62)
    assert {p.baseline for p in points[60:]} == {Decimal(100)}


def test_a_rise_lasting_a_whole_window_becomes_the_new_baseline() -> None:
    points, [alert] = run(flat(40) + flat(70, 150))
    assert alert.resolved_on == day(40 + 30 + 2)  # refit on the episode after 30 days, then 3 days under
    assert points[-1].baseline == Decimal(150)


def test_baseline_follows_the_weekly_pattern() -> None:
    weekly = [100, 100, 100, 100, 100, 30, 20]
    points, alerts = run([weekly[i % 7] for i in range(70)])
    assert alerts == []
    assert [p.baseline for p in points[63:70]] == [Decimal(v) for v in weekly]
    assert all(p.threshold == p.baseline * Decimal("1.2") for p in points[63:70] if p.baseline is not None)


def test_band_brackets_the_baseline_on_a_noisy_series() -> None:
    noisy = [100 + (13 * i % 11) - 5 for i in range(60)]
    points, _ = run(noisy)
    for p in points[30:]:
        assert p.band_low is not None and p.band_high is not None and p.baseline is not None
        assert p.band_low <= p.baseline <= p.band_high
        assert p.band_low < p.band_high


def test_baseline_and_threshold_are_decimals_to_the_micro_dollar() -> None:
    points, _ = run([Decimal("1.234567891") * (1 + i % 3) for i in range(40)])
    for p in points[14:]:
        assert isinstance(p.baseline, Decimal) and isinstance(p.threshold, Decimal)
        micro = Decimal("0.000001")
        assert p.baseline == p.baseline.quantize(micro) and p.threshold == p.threshold.quantize(micro)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)), min_size=4, max_size=4),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([0.0, 0.1, 0.5, 2 / 3, 0.9, 1.0]),
)
def test_the_vectorised_row_quantile_is_numpys_nanquantile(rows: list[list[float | None]], q: float) -> None:
    values = np.array([[np.nan if v is None else v for v in row] for row in rows])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
        expected = np.nanquantile(values, q, axis=1)
    np.testing.assert_allclose(row_quantile(values, q), expected, rtol=1e-12, atol=1e-9)


def test_an_unknown_method_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="dow_upper"):
        DriftSettings(method="prophet")


@pytest.mark.parametrize(
    ("field", "value"),
    [("threshold", Decimal(0)), ("window_days", 10), ("sustain_days", 0), ("min_history_days", 40)],
)
def test_settings_that_cannot_work_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        DriftSettings(**{field: value})  # type: ignore[arg-type]


def test_settings_keep_money_and_ratios_decimal_whatever_they_are_given() -> None:
    drift = DriftSettings(threshold="0.3", min_daily_spend=0.5)  # type: ignore[arg-type]
    assert (drift.threshold, drift.min_daily_spend) == (Decimal("0.3"), Decimal("0.5"))


def test_unsorted_input_with_repeated_days_is_summed_per_day() -> None:
    values = flat(40) + flat(10, 130)
    halves = [(day(i), Decimal(str(v)) / 2) for i, v in enumerate(values)] * 2
    halves.reverse()
    points, alerts = evaluate_series([d for d, _ in halves], [c for _, c in halves], DriftSettings())
    assert [p.cost for p in points] == [Decimal(str(v)) for v in values]
    assert [(a.first_day, a.fired_on) for a in alerts] == [(day(40), day(46))]


def test_days_and_costs_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="2 days but 1 costs"):
        evaluate_series([day(0), day(1)], [Decimal(1)])


# --- many series


def test_evaluate_layers_ranks_series_by_excess_and_keys_their_alerts() -> None:
    def rows(values: list[float]) -> list[tuple[date, Decimal]]:
        return [(day(i), Decimal(str(v))) for i, v in enumerate(values)]

    small, large, quiet = (
        (("layer", "prompt"),),
        (("layer", "tool"), ("agent_slug", "sales-cdr")),
        (("layer", "memory"),),
    )
    result = evaluate_layers(
        {quiet: rows(flat(60)), small: rows(flat(40) + flat(20, 130)), large: rows(flat(40) + flat(20, 200))}
    )
    assert [r.series for r in result] == [large, small, quiet]
    assert result[0].alerts[0].series == large
    assert result[0].excess > result[1].excess > result[2].excess == 0
    assert all(len(r.points) == 60 for r in result)


# --- explanation


BREAKDOWN = {
    "agent_slug": {
        "sales-cdr": (Decimal("2000.00"), Decimal("1000.00")),
        "support": (Decimal("600.00"), Decimal("364.60")),
        "ops": (Decimal("10.00"), Decimal("20.00")),  # fell: drove none of the excess
    },
    "model": {"n/a": (Decimal("1500.00"), Decimal("500.00")), "gpt-x": (Decimal("1110.00"), Decimal("884.60"))},
    "module_id": {"M07": (Decimal("1800.00"), Decimal("800.00")), "M01": (Decimal("810.00"), Decimal("584.60"))},
    "tenant_id": {"t-acme": (Decimal("2610.00"), Decimal("1384.60"))},
    "channel": {},
}


def alert_of(
    excess: str = "1234.555", baseline_total: str = "2683.80", series: tuple[tuple[str, str], ...] = TOOL
) -> Alert:
    return Alert(series, day(10), day(16), day(21), None, 12, Decimal(excess), Decimal("1.9"), Decimal(baseline_total))


def test_contributions_are_the_rises_per_dimension_and_their_shares_of_the_rise() -> None:
    drivers = contributions(BREAKDOWN, top=None)
    agents = [c for c in drivers if c.dimension == "agent_slug"]
    assert [(c.value, c.excess) for c in agents] == [("sales-cdr", Decimal("1000.00")), ("support", Decimal("235.40"))]
    assert [c.share for c in agents] == [Decimal("0.8095"), Decimal("0.1905")]
    for dimension in ("agent_slug", "model", "module_id", "tenant_id"):
        rises = [c for c in drivers if c.dimension == dimension]
        gross = sum(cost - base for cost, base in BREAKDOWN[dimension].values() if cost > base)
        assert sum(c.excess for c in rises) == gross
        assert abs(sum((c.share for c in rises), Decimal(0)) - 1) <= Decimal("0.0001") * len(rises)
    assert [c.dimension for c in drivers][:2] == ["agent_slug", "agent_slug"]  # agent first, then module, model ...
    assert not any(c.dimension == "channel" for c in drivers)


def test_contributions_keep_the_top_values_per_dimension() -> None:
    drivers = contributions(BREAKDOWN, top=1)
    assert [(c.dimension, c.value) for c in drivers] == [
        ("agent_slug", "sales-cdr"),
        ("module_id", "M07"),
        ("model", "n/a"),
        ("tenant_id", "t-acme"),
    ]


def test_the_narrative_is_built_from_the_alert_and_the_drivers() -> None:
    _, sentence = explain(alert_of(), BREAKDOWN)
    assert sentence == (
        "Tool spend ran 46 % over baseline for 12 days from 2026-01-15 (+$1,234.56); "
        "sales-cdr drove 81 % of the excess, mostly through model n/a in M07."
    )


def test_every_number_in_the_narrative_comes_from_the_inputs() -> None:
    alert = alert_of(excess="98765.4321", baseline_total="123456.78")
    drivers, sentence = explain(alert, BREAKDOWN)
    numbers = re.findall(r"\d{4}-\d{2}-\d{2}|(?<![\w.,])\d[\d,]*(?:\.\d+)?", sentence)
    assert numbers == [
        str(round(alert.excess / alert.baseline_total * 100)),
        str(alert.days_sustained),
        alert.first_day.isoformat(),
        "98,765.43",
        str(round(drivers[0].share * 100)),
    ]
    assert money(alert.excess) == "$98,765.43"
    assert percent(drivers[0].share) == "81 %"


def test_a_series_already_sliced_by_agent_is_explained_by_the_other_dimensions() -> None:
    series = (("layer", "prompt"), ("agent_slug", "sales-cdr"))
    _, sentence = explain(alert_of(series=series), BREAKDOWN)
    assert sentence.startswith("Prompt spend of sales-cdr ran 46 % over baseline")
    assert "; module M07 drove 82 % of the excess, mostly through model n/a." in sentence


def test_the_narrative_without_any_breakdown_still_states_the_alert() -> None:
    assert explain(alert_of(), {}) == (
        [],
        "Tool spend ran 46 % over baseline for 12 days from 2026-01-15 (+$1,234.56).",
    )


def test_explain_windows_pair_the_over_days_with_the_baseline_window_before_them() -> None:
    windows = explain_windows(alert_of())  # first day day(10), last over-day day(21)
    assert (windows.alert_start, windows.alert_end) == (day(10), day(22))
    assert (windows.baseline_start, windows.baseline_end) == (day(-20), day(10))
    assert windows.scale == Decimal("0.4")  # 12 days against 30


def test_scaled_breakdown_scales_the_baseline_period_and_zero_fills_values_seen_once() -> None:
    windows = explain_windows(alert_of())
    during = {"agent_slug": {"sales-cdr": Decimal("900"), "new-bot": Decimal("50")}}
    before = {"agent_slug": {"sales-cdr": Decimal("1500"), "retired": Decimal("30")}, "channel": {"voice": Decimal(10)}}
    assert scaled_breakdown(during, before, windows) == {
        "agent_slug": {
            "new-bot": (Decimal("50"), Decimal(0)),
            "retired": (Decimal(0), Decimal("12")),
            "sales-cdr": (Decimal("900"), Decimal("600")),
        },
        "channel": {"voice": (Decimal(0), Decimal(4))},
    }


# --- invariants


def series_strategy() -> st.SearchStrategy[list[Decimal]]:
    """Piecewise levels (steps up and down, short spikes) with cent-level wiggle: enough to make alerts happen."""
    segment = st.tuples(st.integers(1, 25), st.sampled_from([0.0, 0.5, 1.0, 1.0, 1.1, 1.3, 1.6, 2.5]))
    return st.tuples(st.floats(2, 500), st.lists(segment, min_size=2, max_size=8), st.integers(0, 2**16)).map(
        lambda args: [
            Decimal(f"{args[0] * factor * (1 + ((args[2] * (i + 7)) % 13) / 200):.2f}")
            for length, factor in [(35, 1.0), *args[1]]
            for i in range(length)
        ]
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series_strategy(), st.integers(1, 9), st.integers(1, 5))
def test_alerts_are_well_formed(values: list[Decimal], sustain: int, resolve: int) -> None:
    drift = DriftSettings(sustain_days=sustain, resolve_days=resolve)
    points, alerts = run(values, drift)
    for alert in alerts:
        assert alert.days_sustained >= sustain
        assert (alert.fired_on - alert.first_day).days >= sustain - 1
        assert alert.first_day <= alert.fired_on <= alert.last_over_day
        assert alert.resolved_on is None or (alert.resolved_on - alert.last_over_day).days >= resolve
        assert alert.excess > 0
        assert alert.peak_ratio > Decimal("1.2") or alert.baseline_total == 0
    for earlier, later in itertools.pairwise(alerts):
        assert earlier.resolved_on is not None and earlier.resolved_on < later.first_day
    assert all(p.cost > p.threshold for p in points if p.over and p.threshold is not None)
    assert not any(p.over and p.threshold is None for p in points)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series_strategy())
def test_without_a_floor_a_day_is_over_exactly_when_its_cost_exceeds_its_threshold(values: list[Decimal]) -> None:
    points, _ = run(values, DriftSettings(min_daily_spend=Decimal(0)))
    assert all(p.over == (p.cost > p.threshold) for p in points if p.threshold is not None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series_strategy(), st.sampled_from(["0.1", "0.37", "3", "7.5", "1000", "123456.789"]))
def test_scaling_every_cost_by_a_positive_constant_changes_no_alert_day(values: list[Decimal], factor: str) -> None:
    drift = DriftSettings(min_daily_spend=Decimal(0))  # the floor is in dollars: it is the one scale-aware part
    points, alerts = run(values, drift)
    # float statistics are exact only up to rounding: leave out series with a day within 0.1 % of its threshold
    assume(all(not p.threshold or abs(p.cost - p.threshold) > p.threshold / 1000 for p in points))
    scaled_points, scaled_alerts = run([v * Decimal(factor) for v in values], drift)
    assert [p.over for p in scaled_points] == [p.over for p in points]
    assert [(a.first_day, a.fired_on, a.resolved_on) for a in scaled_alerts] == [
        (a.first_day, a.fired_on, a.resolved_on) for a in alerts
    ]
