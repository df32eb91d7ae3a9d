"""The drift use cases over a real store: series from SQL, alerts per layer / agent / module, explanations that
add up, and a stored lifecycle that updates and never duplicates (DuckDB and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ross_cost import drift_service
from ross_cost.config import ConfigError
from ross_cost.drift import DriftSettings
from ross_cost.drift_config import DriftConfig, load_config
from ross_cost.drift_views import OPEN, RESOLVED, alert_windows, chart_rows, report_json, series_key_text
from ross_cost.model import MONEY_QUANTUM
from ross_cost.services import Services, open_services
from ross_cost.storage.drift_store import WITHDRAWN, AlertRecord, DriftStore
from tests.drift_store_workload import DAYS, EPISODE_DAYS, EPISODE_START, day, write_days

CONFIG = DriftConfig()
TOOL = (("layer", "tool"),)
SALES_TOOL = (("layer", "tool"), ("agent_slug", "sales-cdr"))
M07_TOOL = (("layer", "tool"), ("module_id", "M07"))


@pytest.fixture
def services(store_url: str) -> Iterator[Services]:
    opened = open_services(store_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The whole workload in one DuckDB file, shared by the read-only tests of this module."""
    opened = open_services(f"duckdb:///{tmp_path_factory.mktemp('drift') / 'loaded.duckdb'}")
    write_days(opened.store, range(DAYS))
    try:
        yield opened
    finally:
        opened.close()


def stored_rows(services: Services) -> list[tuple[str, str, str]]:
    return [(a.series_key, a.first_day.isoformat(), a.status) for a in drift_service.stored_alerts(services, True)]


# --- what fires


def test_the_planted_episode_fires_on_its_layer_agent_and_module_and_nowhere_else(loaded: Services) -> None:
    report = drift_service.evaluate(loaded, config=CONFIG)
    alerting = {view.alert.series for view in report.alerts}
    assert alerting == {TOOL, SALES_TOOL, M07_TOOL}
    for view in report.alerts:
        assert day(EPISODE_START) <= view.alert.first_day <= day(EPISODE_START + 6)
        assert view.alert.fired_on - view.alert.first_day == timedelta(days=6)
        assert view.status == RESOLVED


def test_drifting_series_are_ranked_by_excess_and_layers_come_in_layer_order(loaded: Services) -> None:
    report = drift_service.evaluate(loaded, config=CONFIG)
    ranked = report.drifting
    assert [s.excess for s in ranked] == sorted((s.excess for s in ranked), reverse=True)
    assert [v.layer for v in report.layers] == ["prompt", "tool", "memory", "response"]


def test_an_open_alert_ranks_first_and_is_reported_open(loaded: Services) -> None:
    mid_episode = day(EPISODE_START + 9)
    report = drift_service.evaluate(loaded, as_of=mid_episode, config=CONFIG)
    assert report.drifting and report.drifting[0].is_open
    assert {a.status for a in report.alerts} == {OPEN}
    assert report.layers[1].points[-1].day == mid_episode


def test_a_layer_with_no_cost_has_a_zero_for_every_day_and_no_alert(loaded: Services) -> None:
    report = drift_service.evaluate(loaded, config=CONFIG)
    memory = report.layers[2]
    assert len(memory.points) == DAYS and {p.cost for p in memory.points} == {Decimal(0)}
    assert memory.alerts == () and all(p.baseline is None for p in memory.points)


def test_a_day_with_no_data_at_all_is_a_zero_cost_day_in_every_series(services: Services) -> None:
    write_days(services.store, range(40), episode=False)
    write_days(services.store, range(41, 60), episode=False)
    report = drift_service.evaluate(services, config=CONFIG)
    for view in report.series:
        gap = [p for p in view.points if p.day == day(40)]
        assert [p.cost for p in gap] == [Decimal(0)]


def test_fewer_than_thirty_days_of_history_still_judge_once_two_weeks_are_there(services: Services) -> None:
    write_days(services.store, range(20), episode=False)
    report = drift_service.evaluate(services, config=CONFIG)
    tool = report.layers[1]
    assert tool.points[13].baseline is None and tool.points[14].baseline is not None
    assert report.alerts == []


def test_an_empty_store_gives_four_empty_layers(services: Services) -> None:
    report = drift_service.evaluate(services, config=CONFIG)
    assert report.as_of is None and [len(v.points) for v in report.layers] == [0, 0, 0, 0]
    assert report_json(report)["alerts"] == []


def test_slicer_filters_narrow_the_series_and_are_never_stored(loaded: Services) -> None:
    other = drift_service.evaluate(loaded, filters={"agent_slug": ["support"]}, config=CONFIG)
    assert other.alerts == [] and other.filters == (("agent_slug", ("support",)),)
    sales = drift_service.evaluate(loaded, filters={"tenant_id": ["t-big"]}, config=CONFIG)
    assert TOOL in {a.alert.series for a in sales.alerts}
    assert all(a.delivery is None for a in sales.alerts)


def test_the_drift_page_gets_chart_rows_and_shaded_alert_windows(loaded: Services) -> None:
    report = drift_service.evaluate(loaded, config=CONFIG)
    rows = chart_rows(report)
    assert len(rows) == 4 * DAYS and all(isinstance(r["cost"], Decimal) for r in rows)
    (window,) = alert_windows(report)
    assert (window["layer"], window["status"]) == ("tool", RESOLVED) and window["label"].startswith("Tool spend")
    over = [r["day"] for r in rows if r["layer"] == "tool" and r["over"]]
    assert over and all(window["start"] <= d <= window["end"] for d in over)
    assert all(r["threshold"] == (r["baseline"] * Decimal("1.2")).quantize(Decimal("0.000001"))
               for r in rows if r["baseline"] is not None)  # fmt: skip


# --- explanations


def test_every_dimension_of_an_explanation_adds_up_exactly_to_the_excess(loaded: Services) -> None:
    report = drift_service.evaluate(loaded, config=CONFIG)
    assert report.alerts
    for view in report.alerts:
        assert view.explanation is not None
        fixed = {name for name, _ in view.alert.series}
        assert set(view.explanation.breakdown) == {"agent_slug", "module_id", "model", "tenant_id", "channel"} - fixed
        for values in view.explanation.breakdown.values():
            assert sum((cost - expected for cost, expected in values.values()), Decimal(0)) == view.alert.excess


def test_the_explanation_names_the_planted_drivers_in_dollars_and_shares(loaded: Services) -> None:
    report = drift_service.evaluate(loaded, config=CONFIG)
    tool = next(a for a in report.alerts if a.alert.series == TOOL)
    assert tool.explanation is not None
    top = {d.dimension: d for d in tool.explanation.drivers if d.share >= Decimal("0.9")}
    assert top["agent_slug"].value == "sales-cdr" and top["tenant_id"].value == "t-big"
    assert top["channel"].value == "email" and top["module_id"].value == "M07"
    assert "sales-cdr drove" in tool.narrative and "model n/a" not in tool.narrative
    assert tool.narrative.startswith(f"Tool spend ran {round(tool.alert.over_ratio * 100)} % over baseline")


def test_explanations_can_be_limited_to_layers_and_filled_in_on_demand(loaded: Services) -> None:
    both = {"channel": ["email", "voice"]}
    lean = drift_service.evaluate(loaded, filters=both, config=CONFIG, explain_scope="layers")
    explained = {a.alert.series: a.explanation is not None for a in lean.alerts}
    assert explained == {TOOL: True, SALES_TOOL: False, M07_TOOL: False}
    sales = next(a for a in lean.alerts if a.alert.series == SALES_TOOL)
    filled = drift_service.explain_view(loaded, lean, sales, CONFIG)
    full = drift_service.evaluate(loaded, filters=both, config=CONFIG)
    assert filled.explanation == next(a.explanation for a in full.alerts if a.alert.series == SALES_TOOL)


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.decimals(0, 10_000, places=12), min_size=1),
       st.decimals(0, 100_000, places=6))  # fmt: skip
def test_expected_costs_split_the_baseline_exactly_in_proportion(before: dict[str, Decimal], total: Decimal) -> None:
    parts = drift_service.expected_shares(before, total)
    assert set(parts) == set(before)
    spent = sum(before.values(), Decimal(0))
    if spent == 0:
        assert set(parts.values()) == {Decimal(0)}
        return
    assert sum(parts.values(), Decimal(0)) == total
    for value, cost in before.items():  # each part is its share, but for the rounding remainder
        assert abs(parts[value] - cost * total / spent) <= MONEY_QUANTUM * len(before)


# --- the stored lifecycle


def test_re_evaluating_updates_the_stored_lifecycle_and_never_duplicates(services: Services) -> None:
    write_days(services.store, range(EPISODE_START + 8))
    first, _ = drift_service.run(services, config=CONFIG, deliver=False)
    assert first.recorded
    opened = {a.series_key: a for a in drift_service.stored_alerts(services)}
    assert set(opened) == {series_key_text(k) for k in (TOOL, SALES_TOOL, M07_TOOL)}
    assert {a.status for a in opened.values()} == {OPEN}

    write_days(services.store, range(EPISODE_START + 8, DAYS))
    drift_service.run(services, config=CONFIG, deliver=False)
    again, _ = drift_service.run(services, config=CONFIG, deliver=False)
    closed = {a.series_key: a for a in drift_service.stored_alerts(services)}
    assert len(stored_rows(services)) == 3
    for key, before in opened.items():
        after = closed[key]
        assert (after.first_day, after.first_seen_at) == (before.first_day, before.first_seen_at)
        assert after.status == RESOLVED and after.resolved_on is not None
        assert after.days_sustained >= EPISODE_DAYS - 1 > before.days_sustained
        assert after.excess > before.excess and after.narrative
    assert {a.status for a in again.alerts} == {RESOLVED}
    assert all(a.delivery is not None and a.delivery.delivered_at is None for a in again.alerts)


def test_another_as_of_than_the_last_data_day_is_shown_but_never_stored(services: Services) -> None:
    write_days(services.store, range(DAYS))
    drift_service.run(services, config=CONFIG, deliver=False)
    before = stored_rows(services)
    past, _ = drift_service.run(services, as_of=day(EPISODE_START + 8), config=CONFIG, deliver=False)
    assert not past.recorded and {a.status for a in past.alerts} == {OPEN}
    future, _ = drift_service.run(services, as_of=day(DAYS + 5), config=CONFIG, deliver=False)
    assert not future.recorded and future.layers[1].points[-1].cost == 0
    assert stored_rows(services) == before


def test_a_stored_alert_the_data_no_longer_shows_is_withdrawn_not_deleted(services: Services) -> None:
    write_days(services.store, range(DAYS), episode=False)
    ghost = AlertRecord(series_key_text(TOOL), day(60), "tool", '{"layer":"tool"}', day(66), day(70), day(73), 11,
                        Decimal("3.5"), Decimal("20"), Decimal("1.4"), "{}", "", RESOLVED)  # fmt: skip
    DriftStore.on(services.store.engine).upsert([ghost], drift_service._now())
    report, _ = drift_service.run(services, config=CONFIG, deliver=False)
    assert report.alerts == []
    assert stored_rows(services) == [(series_key_text(TOOL), day(60).isoformat(), WITHDRAWN)]
    assert drift_service.stored_alerts(services) == []


def test_an_unchanged_alert_reuses_its_stored_explanation(loaded: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    drift_service.run(loaded, config=CONFIG, deliver=False)

    def no_queries(*args: object, **kwargs: object) -> None:
        raise AssertionError("explanation recomputed")

    monkeypatch.setattr(drift_service, "explain_alert", no_queries)
    report = drift_service.evaluate(loaded, config=CONFIG)
    assert all(a.explanation and a.explanation.breakdown for a in report.alerts)


# --- settings


def test_settings_default_to_twenty_percent_thirty_days_seven_days() -> None:
    config = load_config({})
    assert config.settings == DriftSettings()
    assert (config.settings.threshold, config.settings.window_days, config.settings.sustain_days) == (
        Decimal("0.20"), 30, 7)  # fmt: skip
    assert config.webhook.url is None


def test_settings_come_from_the_environment() -> None:
    config = load_config({"ROSS_DRIFT_THRESHOLD": "35%", "ROSS_DRIFT_WINDOW_DAYS": "28", "ROSS_DRIFT_SUSTAIN_DAYS": "5",
                          "ROSS_DRIFT_RESOLVE_DAYS": "2", "ROSS_DRIFT_MIN_DAILY_SPEND": "$2.50",
                          "ROSS_DRIFT_WEBHOOK_URL": "http://127.0.0.1:9/hook", "ROSS_DRIFT_WEBHOOK_ATTEMPTS": "2"})
    s = config.settings
    assert (s.threshold, s.window_days, s.sustain_days, s.resolve_days, s.min_daily_spend) == (
        Decimal("0.35"), 28, 5, 2, Decimal("2.50"))  # fmt: skip
    assert (config.webhook.url, config.webhook.attempts) == ("http://127.0.0.1:9/hook", 2)


@pytest.mark.parametrize(("env", "named"), [
    ({"ROSS_DRIFT_THRESHOLD": "lots"}, "ROSS_DRIFT_THRESHOLD"),
    ({"ROSS_DRIFT_SUSTAIN_DAYS": "7.5"}, "ROSS_DRIFT_SUSTAIN_DAYS"),
    ({"ROSS_DRIFT_WINDOW_DAYS": "7"}, "window_days"),
    ({"ROSS_DRIFT_WEBHOOK_URL": "file:///etc/passwd"}, "ROSS_DRIFT_WEBHOOK_URL"),
    ({"ROSS_DRIFT_WEBHOOK_SCOPE": "some"}, "ROSS_DRIFT_WEBHOOK_SCOPE"),
])  # fmt: skip
def test_a_bad_setting_is_a_config_error_naming_it(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_config(env)


def test_a_higher_threshold_keeps_the_episode_quiet(loaded: Services) -> None:
    strict = load_config({"ROSS_DRIFT_THRESHOLD": "2.5"})
    assert drift_service.evaluate(loaded, config=strict).alerts == []
