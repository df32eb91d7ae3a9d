"""Drift: genai_4layer_drift per layer (cost, 30-day baseline, +20 % band, alert windows), the alert list with
what drove each alert, and the ranked drifting series per layer x agent and layer x module."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import streamlit as st

from ross_cost import drift_service, services
from ross_cost.drift_views import OPEN, DriftReport, alert_windows, chart_rows, series_label
from ross_cost.ui import charts, fmt, tables
from ross_cost.ui.blocks import QUIET
from ross_cost.ui.data import stamp
from ross_cost.ui.drift_chart import small_multiples
from ross_cost.ui.frame import frame, no_data, onboarding
from ross_cost.ui.tables import Column


@st.cache_data(ttl="5m", max_entries=32, show_spinner="Evaluating drift…")
def evaluate(stamp_key: Any, as_of: Any, filters: tuple[tuple[str, tuple[str, ...]], ...],
             layers_only: bool = False) -> DriftReport:
    return drift_service.evaluate(services.current(), as_of=as_of, filters=dict(filters), explain_scope="layers",
                                  layers_only=layers_only)


selection = frame("Drift")
if selection.empty:
    onboarding()
    st.stop()
report = evaluate(stamp(), selection.period.last_day, selection.filters, layers_only=True)  # the figures, fast
if report.as_of is None:
    no_data(selection)
    st.stop()
settings = report.settings
st.caption(f"Alert when a layer's daily cost stays above its {settings.window_days}-day baseline × "
           f"{1 + settings.threshold:g} for {settings.sustain_days} days in a row; judged as of "
           f"{fmt.day(report.as_of)}. Baseline method `{settings.method}` (see docs/drift-method.md).")

on_layers = [view for view in report.alerts if view.status == OPEN]
top = st.columns(4)
top[0].metric("Open alerts on layers", fmt.count(len(on_layers)),
              f"{fmt.count(len(report.alerts) - len(on_layers))} resolved in this history", **QUIET)
top[1].metric("Excess of those alerts", fmt.money(sum((v.alert.excess for v in on_layers), Decimal(0))),
              "over baseline while sustained", **QUIET)
top[2].metric("Layers over their threshold", fmt.count(len({v.layer for v in on_layers})), "of 4 watched",
              **QUIET)
top[3].metric("Judged as of", fmt.day(report.as_of), f"{settings.window_days}-day baseline", **QUIET)

rows = chart_rows(report)
charts.show(small_multiples(rows, alert_windows(report), settings.threshold, selection.present), "drift-layers")
tables.downloads("drift-daily", [Column("layer", "Layer"), Column("day", "Day", "date"),
                                 Column("cost", "Cost", "money"), Column("baseline", "Baseline", "money"),
                                 Column("threshold", "Threshold", "money"), Column("band_low", "Band low", "money"),
                                 Column("band_high", "Band high", "money"), Column("over", "Over")],
                 [{**r, "over": "yes" if r["over"] else ""} for r in rows], "drift-daily")

st.subheader("Alerts")
report = evaluate(stamp(), selection.period.last_day, selection.filters)  # layers, agents and modules
alerts = report.alerts
if not alerts:
    st.success("No layer or series has stayed over its threshold for the sustain period in this history.",
               icon=":material/check_circle:")
for view in alerts[:12]:
    alert = view.alert
    title = (f"{view.label}: {fmt.money(alert.excess)} over baseline for {alert.days_sustained} days "
             f"from {fmt.day(alert.first_day)} ({view.status})")
    with st.expander(title, expanded=view.status == "open" and len(view.alert.series) == 1):
        explained = view if view.explanation is not None else drift_service.explain_view(
            services.current(), report, view)
        if explained.explanation is not None:
            st.markdown(explained.explanation.narrative)
            tables.show(f"drift-drivers-{alert.first_day}", [
                Column("dimension", "Dimension"), Column("value", "Value"),
                Column("excess", "Excess", "money"), Column("share", "Share of excess", "share")],
                [{"dimension": c.dimension, "value": c.value, "excess": c.excess, "share": c.share}
                 for c in explained.explanation.drivers], f"drivers-{series_label(alert.series)}-{alert.first_day}")

st.subheader("Drifting series")
ranked = [s for s in report.drifting if len(s.series) > 1]
tables.show("drift-series", [Column("series", "Series"), Column("alerts", "Alerts", "count"),
                             Column("excess", "Total excess", "money")],
            [{"series": s.label, "alerts": len(s.alerts), "excess": s.excess} for s in ranked], "drift-series")
