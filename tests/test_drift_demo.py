"""The demo workload's story, judged with the default rule: each planted episode fires on its own layer within
the 7-day rule, and no layer alerts outside its episode. Loads the 240-day demo once (about a minute)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from ross_cost import demo
from ross_cost.drift_config import DriftConfig
from ross_cost.drift_service import evaluate
from ross_cost.drift_views import AlertView, DriftReport
from ross_cost.services import open_services

pytestmark = pytest.mark.slow
RULE = DriftConfig()  # the defaults (+20 %, 30 days, 7 days, $1/day floor), whatever the environment says
EPISODES = demo.drift_episodes()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DriftReport]:
    services = open_services(f"duckdb:///{tmp_path_factory.mktemp('demo') / 'demo.duckdb'}")
    try:
        for body in demo.generate():
            services.ingest_otlp(body, "application/x-protobuf", None, "demo")
        yield evaluate(services, config=RULE)
    finally:
        services.close()


def layer_alerts(report: DriftReport, layer: str) -> list[AlertView]:
    return [a for a in report.alerts if a.alert.series == (("layer", layer),)]


def test_the_demo_plants_one_episode_per_layer() -> None:
    assert sorted(e.layer for e in EPISODES) == ["memory", "prompt", "response", "tool"]


@pytest.mark.parametrize("episode", EPISODES, ids=[e.layer for e in EPISODES])
def test_each_episode_fires_once_on_its_layer_within_the_seven_day_rule(
    report: DriftReport, episode: demo.DriftEpisode
) -> None:
    alerts = [a.alert for a in layer_alerts(report, episode.layer) if episode.start <= a.alert.first_day < episode.end]
    assert len(alerts) == 1, f"{episode.name}: {alerts}"
    alert = alerts[0]
    assert episode.start <= alert.first_day <= episode.start + timedelta(days=RULE.settings.sustain_days - 1)
    assert alert.fired_on == alert.first_day + timedelta(days=RULE.settings.sustain_days - 1)
    assert alert.fired_on < episode.end and alert.excess > 0


@pytest.mark.parametrize("layer", ["prompt", "tool", "memory", "response"])
def test_no_layer_alerts_outside_its_episode(report: DriftReport, layer: str) -> None:
    (episode,) = [e for e in EPISODES if e.layer == layer]
    for view in layer_alerts(report, layer):
        a = view.alert
        assert episode.start <= a.first_day and a.last_over_day < episode.end, f"{layer} alert outside {episode}: {a}"


@pytest.mark.parametrize("episode", [e for e in EPISODES if e.agent], ids=lambda e: e.layer)
def test_an_episode_one_agent_causes_is_explained_by_that_agent(
    report: DriftReport, episode: demo.DriftEpisode
) -> None:
    (view,) = [a for a in layer_alerts(report, episode.layer) if episode.start <= a.alert.first_day < episode.end]
    assert view.explanation is not None
    top_agent = next(d for d in view.explanation.drivers if d.dimension == "agent_slug")
    assert top_agent.value == episode.agent and top_agent.share > Decimal("0.5")
    assert f"{episode.agent} drove" in view.narrative
    agent_series = (("layer", episode.layer), ("agent_slug", episode.agent or ""))
    (agent,) = [s for s in report.series if s.series == agent_series]
    before = [p.cost for p in agent.points if episode.start - timedelta(days=28) <= p.day < episode.start]
    if sum(before) / len(before) >= RULE.settings.min_daily_spend:  # under the spend floor a series stays quiet
        assert any(episode.start <= a.alert.first_day < episode.end for a in agent.alerts), agent.alerts


def test_every_layer_alert_explanation_adds_up_to_its_excess(report: DriftReport) -> None:
    for view in (a for a in report.alerts if len(a.alert.series) == 1):
        assert view.explanation is not None
        for values in view.explanation.breakdown.values():
            assert sum((cost - expected for cost, expected in values.values()), Decimal(0)) == view.alert.excess
