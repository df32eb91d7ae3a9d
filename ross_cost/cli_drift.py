"""`ross-cost drift`: evaluate genai_4layer_drift, store the alerts' lifecycle, deliver them, print them.

A table for people (the layers today, their alerts with the narrative, the top drifting series) or, with
--json, the same document GET /api/drift serves.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from ross_cost.cli import DbOption, _services, app, user_errors
from ross_cost.drift_explain import money, percent
from ross_cost.drift_views import OPEN, AlertView, DriftReport, report_json
from ross_cost.query import QueryError

TOP_SERIES = 10


@app.command()
def drift(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge the history up to this day (YYYY-MM-DD); default the last day "
                                 "with data. Another day is shown, not stored or delivered.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the GET /api/drift JSON document.")] = False,
    notify: Annotated[bool, typer.Option(help="Deliver new alerts to ROSS_DRIFT_WEBHOOK_URL, if set.")] = True,
    db: DbOption = None,
) -> None:
    """Evaluate genai_4layer_drift (per layer, layer x agent, layer x module) and print the alerts."""
    from ross_cost import drift_service  # noqa: PLC0415 - keeps `ross-cost --help` fast
    from ross_cost.drift_config import load_config  # noqa: PLC0415

    with user_errors():
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise QueryError("--as-of", f"{as_of!r} is not a YYYY-MM-DD date") from None
        config = load_config()
        report, outcomes = drift_service.run(_services(db), day, config, deliver=notify)
    if as_json:
        typer.echo(json.dumps(report_json(report), indent=2))
        return
    for line in report_lines(report):
        typer.echo(line)
    for outcome in outcomes:
        result = f"delivered in {outcome.attempts} attempt(s)" if outcome.delivered else f"failed: {outcome.error}"
        typer.echo(f"webhook: {outcome.label} from {outcome.first_day.isoformat()} {result}")


def report_lines(report: DriftReport) -> list[str]:
    """The human-readable report: settings, the layers on the last day, alerts, top drifting series."""
    s = report.settings
    rule = (f"+{percent(s.threshold)} for {s.sustain_days} days over a {s.window_days}-day baseline "
            f"({s.method}), floor {money(s.min_daily_spend)}/day")  # fmt: skip
    if report.as_of is None or report.start is None:
        return [f"genai_4layer_drift: no cost data to judge yet. Rule: {rule}."]
    lines = [f"genai_4layer_drift as of {report.as_of.isoformat()} (history from {report.start.isoformat()})",
             f"Rule: {rule}.", "", "Layers on the last day"]  # fmt: skip
    lines.append(f"  {'layer':<10}{'cost':>12}{'baseline':>12}{'threshold':>12}  status")
    for view in report.layers:
        last = view.points[-1] if view.points else None
        opened = [a for a in view.alerts if a.status == OPEN]
        status = f"DRIFTING since {opened[0].alert.first_day.isoformat()}" if opened else "ok"
        cost = money(last.cost) if last else "-"
        baseline = money(last.baseline) if last and last.baseline is not None else "-"
        threshold = money(last.threshold) if last and last.threshold is not None else "-"
        lines.append(f"  {view.layer:<10}{cost:>12}{baseline:>12}{threshold:>12}  {status}")
    layer_alerts = [a for a in report.alerts if len(a.alert.series) == 1]
    lines += ["", f"Layer alerts ({len(layer_alerts)})" if layer_alerts else "Layer alerts: none"]
    if layer_alerts:
        lines.append(_alert_header())
    for alert_view in layer_alerts:
        lines.append(_alert_row(alert_view))
        if alert_view.narrative:
            lines.append(f"      {alert_view.narrative}")
    ranked = report.drifting
    lines += ["", f"Top drifting series ({min(TOP_SERIES, len(ranked))} of {len(ranked)})" if ranked
              else "Drifting series: none"]  # fmt: skip
    if ranked:
        lines.append(f"  {'#':>3}  {'series':<32}{'alerts':>7}{'excess':>13}  latest")
    for rank, series in enumerate(ranked[:TOP_SERIES], start=1):
        latest = max(series.alerts, key=lambda a: a.alert.first_day)
        state = "open" if latest.status == OPEN else f"resolved {latest.alert.resolved_on}"
        lines.append(f"  {rank:>3}  {series.label:<32}{len(series.alerts):>7}{'+' + money(series.excess):>13}  "
                     f"from {latest.alert.first_day.isoformat()}, {state}")  # fmt: skip
    return lines


def _alert_header() -> str:
    return f"  {'status':<10}{'series':<12}{'first day':<12}{'fired on':<12}{'days':>5}{'excess':>13}{'over':>8}"


def _alert_row(view: AlertView) -> str:
    a = view.alert
    return (f"  {view.status:<10}{view.label:<12}{a.first_day.isoformat():<12}{a.fired_on.isoformat():<12}"
            f"{a.days_sustained:>5}{'+' + money(a.excess):>13}{'+' + percent(a.over_ratio):>8}")  # fmt: skip
