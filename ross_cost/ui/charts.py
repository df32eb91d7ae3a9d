"""Plotly figures with the layer colours. Money becomes float here for drawing only; the totals shown as
text and the downloads come from the Decimals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ross_cost.ui.first_paint import before_heavy_element
from ross_cost.ui.theme import COMPARE_COLORS, FONT, LAYER_COLORS, LAYER_ORDER

Series = Mapping[str, Sequence[Decimal | None]]


def _style(fig: Any, height: int, present: bool, money_axis: str = "y", legend: bool = True) -> Any:
    scale = 1.35 if present else 1.0
    fig.update_layout(
        height=int(height * scale), margin={"l": 8, "r": 8, "t": 36, "b": 8}, template="plotly_white",
        font={"family": FONT, "size": int(13 * scale)}, hovermode="x unified" if money_axis == "y" else "y unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None}, showlegend=legend,
    )
    money = {"tickprefix": "$", "separatethousands": True, "rangemode": "tozero"}
    (fig.update_yaxes if money_axis == "y" else fig.update_xaxes)(**money)
    return fig


def _floats(values: Sequence[Decimal | None]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def area_by_layer(periods: Sequence[str], by_layer: Series, present: bool = False, height: int = 340) -> Any:
    """Spend per period as a stacked area, one band per layer in the canonical order."""
    fig = go.Figure()
    for layer in LAYER_ORDER:
        values = by_layer.get(layer)
        if values is None:
            continue
        fig.add_trace(go.Scatter(
            x=list(periods), y=_floats(values), name=layer, mode="lines", stackgroup="spend",
            line={"width": 0.5, "color": LAYER_COLORS[layer]}, fillcolor=LAYER_COLORS[layer],
            hovertemplate="%{y:$,.2f}",
        ))
    return _style(fig, height, present)


def bars_by_layer(categories: Sequence[str], by_layer: Series, present: bool = False, height: int = 380,
                  horizontal: bool = False) -> Any:
    """One bar per category, stacked by layer."""
    fig = go.Figure()
    for layer in LAYER_ORDER:
        values = by_layer.get(layer)
        if values is None:
            continue
        x, y = (_floats(values), list(categories)) if horizontal else (list(categories), _floats(values))
        fig.add_trace(go.Bar(x=x, y=y, name=layer, marker_color=LAYER_COLORS[layer],
                             orientation="h" if horizontal else "v",
                             hovertemplate="%{x:$,.2f}" if horizontal else "%{y:$,.2f}"))
    fig.update_layout(barmode="stack")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return _style(fig, height, present, money_axis="x" if horizontal else "y")


def share_bars(categories: Sequence[str], by_layer: Mapping[str, Sequence[float]], present: bool = False,
               height: int = 340) -> Any:
    """The layer mix per category: 100 % stacked horizontal bars."""
    fig = go.Figure()
    for layer in LAYER_ORDER:
        if layer in by_layer:
            fig.add_trace(go.Bar(y=list(categories), x=list(by_layer[layer]), name=layer, orientation="h",
                                 marker_color=LAYER_COLORS[layer], hovertemplate="%{x:.1%}"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig = _style(fig, height, present, money_axis="x")
    fig.update_xaxes(tickprefix="", tickformat=".0%", range=[0, 1])
    return fig


def compare_bars(categories: Sequence[str], a: Sequence[Decimal], b: Sequence[Decimal], names: tuple[str, str],
                 present: bool = False, height: int = 360) -> Any:
    """Period A next to period B per category."""
    fig = go.Figure()
    for name, values, color in ((names[0], a, COMPARE_COLORS[0]), (names[1], b, COMPARE_COLORS[1])):
        fig.add_trace(go.Bar(x=list(categories), y=_floats(values), name=name, marker_color=color,
                             hovertemplate="%{y:$,.2f}"))
    fig.update_layout(barmode="group")
    return _style(fig, height, present)


def line_chart(periods: Sequence[str], series: Series, colors: Mapping[str, str] | None = None,
               present: bool = False, height: int = 320, stacked: bool = False) -> Any:
    """Money over time, one line (or stacked band) per series."""
    fig = go.Figure()
    for name, values in series.items():
        color = (colors or LAYER_COLORS).get(name)
        fig.add_trace(go.Scatter(
            x=list(periods), y=_floats(values), name=name, mode="lines" if stacked else "lines+markers",
            stackgroup="one" if stacked else None, line={"color": color, "width": 2},
            fillcolor=color if stacked else None, hovertemplate="%{y:$,.4f}",
        ))
    return _style(fig, height, present)


def show(fig: Any, key: str) -> None:
    before_heavy_element()
    st.plotly_chart(fig, key=key, config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]})
