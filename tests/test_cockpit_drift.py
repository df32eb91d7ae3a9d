"""AppTest of the Drift page: it opens, draws the four layers, and what it draws and exports is the drift
service's evaluation for the same slice."""

from __future__ import annotations

import json
from decimal import Decimal

from ross_cost import drift_service
from ross_cost.drift_views import chart_rows
from ross_cost.services import Services
from ross_cost.ui import fmt
from tests.cockpit_support import LAST_DAY, cockpit, csv_rows, demo_db, downloads, open_page

__all__ = ["cockpit", "demo_db", "downloads"]  # fixtures used by name


def test_drift_page_draws_each_layers_cost_baseline_and_threshold(cockpit: Services) -> None:
    at = open_page("pages/drift.py")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {trace.get("name") for trace in figure["data"]}
    assert {"prompt cost", "tool cost", "memory cost", "response cost", "Baseline"} <= names
    assert any("threshold" in str(name) for name in names)
    assert any(t.value == "Drift" for t in at.title)


def test_drift_page_draws_and_exports_the_services_daily_costs(cockpit: Services,
                                                               downloads: dict[str, bytes]) -> None:
    at = open_page("pages/drift.py")
    expected = chart_rows(drift_service.evaluate(cockpit, as_of=LAST_DAY, explain_scope="none"))
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    drawn = sum(y for trace in figure["data"] if str(trace.get("name", "")).endswith(" cost")
                for y in trace["y"] if y is not None)
    assert abs(drawn - float(sum((r["cost"] for r in expected), Decimal(0)))) < 1e-6
    exported = csv_rows(downloads["drift-daily.csv"])
    assert len(exported) == len(expected)
    assert sum(Decimal(r["cost"]) for r in exported) == sum((r["cost"] for r in expected), Decimal(0))


def test_drift_page_heads_with_the_open_layer_alerts_and_their_excess(cockpit: Services) -> None:
    at = open_page("pages/drift.py")
    report = drift_service.evaluate(cockpit, as_of=LAST_DAY, explain_scope="none")
    on_layers = [view for view in report.alerts if view.status == "open" and len(view.alert.series) == 1]
    shown = {metric.label: metric for metric in at.metric}
    assert shown["Open alerts on layers"].value == f"{len(on_layers):,}"
    assert shown["Layers over their threshold"].value == f"{len({v.layer for v in on_layers}):,}"
    assert shown["Excess of those alerts"].value == fmt.money(sum((v.alert.excess for v in on_layers), Decimal(0)))


def test_the_layers_alone_are_judged_exactly_as_in_the_whole_evaluation(cockpit: Services) -> None:
    whole = drift_service.evaluate(cockpit, as_of=LAST_DAY, explain_scope="none")
    alone = drift_service.evaluate(cockpit, as_of=LAST_DAY, explain_scope="none", layers_only=True)
    assert alone.layers == whole.layers
    assert [v.alert for v in alone.alerts] == [v.alert for v in whole.alerts if len(v.alert.series) == 1]
