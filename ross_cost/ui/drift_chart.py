"""The Drift page's figure: the four layers as small multiples on one time axis, each with its daily cost, the
baseline, the +threshold band and the statistical band, and the alert windows shaded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ross_cost.ui.theme import FONT, LAYER_COLORS, LAYER_ORDER

BASELINE = "#6B7280"
THRESHOLD_FILL = "rgba(239, 68, 68, 0.08)"
BAND_FILL = "rgba(107, 114, 128, 0.12)"
ALERT_FILL = {"open": "rgba(239, 68, 68, 0.16)", "resolved": "rgba(245, 158, 11, 0.14)"}


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def small_multiples(rows: Sequence[Mapping[str, Any]], windows: Sequence[Mapping[str, Any]], threshold: Decimal,
                    present: bool = False) -> Any:
    """`rows` and `windows` as `drift_views.chart_rows` / `alert_windows` give them."""
    fig = make_subplots(rows=len(LAYER_ORDER), cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        subplot_titles=[layer.capitalize() for layer in LAYER_ORDER])
    above = f"+{(threshold * 100).normalize():f} % threshold"
    for index, layer in enumerate(LAYER_ORDER, start=1):
        mine = [r for r in rows if r["layer"] == layer]
        days = [r["day"] for r in mine]
        first = index == 1
        fig.add_trace(go.Scatter(x=days, y=[_f(r["band_high"]) for r in mine], mode="lines", line={"width": 0},
                                 hoverinfo="skip", showlegend=False, legendgroup="band"), row=index, col=1)
        fig.add_trace(go.Scatter(x=days, y=[_f(r["band_low"]) for r in mine], mode="lines", line={"width": 0},
                                 fill="tonexty", fillcolor=BAND_FILL, name="Statistical band", hoverinfo="skip",
                                 showlegend=first, legendgroup="band"), row=index, col=1)
        fig.add_trace(go.Scatter(x=days, y=[_f(r["baseline"]) for r in mine], mode="lines", name="Baseline",
                                 line={"color": BASELINE, "dash": "dash", "width": 1.5}, showlegend=first,
                                 legendgroup="baseline"), row=index, col=1)
        fig.add_trace(go.Scatter(x=days, y=[_f(r["threshold"]) for r in mine], mode="lines", name=above,
                                 line={"color": "#EF4444", "dash": "dot", "width": 1.2}, fill="tonexty",
                                 fillcolor=THRESHOLD_FILL, showlegend=first, legendgroup="threshold"), row=index, col=1)
        fig.add_trace(go.Scatter(x=days, y=[_f(r["cost"]) for r in mine], mode="lines", name=f"{layer} cost",
                                 line={"color": LAYER_COLORS[layer], "width": 2}), row=index, col=1)
        for window in (w for w in windows if w["layer"] == layer):
            fig.add_vrect(x0=window["start"], x1=window["end"] + timedelta(days=1), line_width=0,
                          fillcolor=ALERT_FILL.get(window["status"], ALERT_FILL["resolved"]), row=index, col=1)
    scale = 1.35 if present else 1.0
    fig.update_layout(height=int(760 * scale), margin={"l": 8, "r": 8, "t": 48, "b": 8}, template="plotly_white",
                      font={"family": FONT, "size": int(12 * scale)}, hovermode="x unified",
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.03, "x": 0})
    fig.update_yaxes(tickprefix="$", separatethousands=True, rangemode="tozero")
    return fig
