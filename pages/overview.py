"""Overview (home): spend in the period against the previous one, the layer split, unpriced and unattributed
shares, spend over time by layer, the top agents and modules."""

from __future__ import annotations

import streamlit as st

from ross_cost import views
from ross_cost.ui import blocks, charts, data, fmt, shape
from ross_cost.ui.blocks import QUIET
from ross_cost.ui.frame import frame, no_data, onboarding

selection = frame("Overview")
if selection.empty:
    onboarding()
    st.stop()

period, previous = selection.period, selection.period.previous()
over_time = data.cost(selection.query(("layer",), selection.granularity))
if not over_time:
    no_data(selection)
    st.stop()
before = data.cost(selection.query(("layer",), period=previous))
spend = views.Change(views.total(over_time), views.total(before))
list_spend = views.list_total(over_time)
blocks.against_previous(period, selection.data_range)

top = st.columns(4)
top[0].metric("Spend (effective)", fmt.money(spend.current), blocks.change_text(spend),
              delta_color="inverse", help="What you pay after negotiated discounts, in USD.")
top[1].metric("At list price", fmt.money(list_spend),
              f"{fmt.money(list_spend - spend.current)} saved by contracts", **QUIET)
attribution = data.attribution(period.start, period.end, selection.filter_map)
unpriced_share = views.share(views.Decimal(attribution.unpriced_lines), views.Decimal(attribution.lines))
top[2].metric("Unpriced usage", fmt.percent(unpriced_share, 2),
              f"{fmt.count(attribution.unpriced_lines)} of {fmt.count(attribution.lines)} lines", **QUIET,
              help="Usage no price covers is kept with its reason, left out of spend (never priced at $0) "
                   "and listed on Data health.")
top[3].metric("Unattributed spend", fmt.percent(views.share(attribution.missing_cost["any"], attribution.cost)),
              f"{fmt.money(attribution.missing_cost['any'])} lacks a tenant, agent, module or channel",
              **QUIET)

blocks.layer_metrics(views.layer_totals(over_time), views.layer_totals(before), spend.current)

st.subheader(f"Spend per {selection.granularity} by layer")
periods, series = shape.over_time(over_time)
blocks.chart_with_download(charts.area_by_layer(periods, series, selection.present), "spend-by-layer",
                           ("period", "layer"), shape.long_rows(over_time, ("period", "layer")), "area")

left, right = st.columns(2)
for column, key, title in ((left, "agent_slug", "Top agents"), (right, "module_id", "Top modules")):
    with column:
        st.subheader(title)
        rows = data.cost(selection.query((key, "layer")))
        names, by_layer = shape.by_layer(rows, (key,), top=10)
        blocks.chart_with_download(charts.bars_by_layer(names, by_layer, selection.present, horizontal=True),
                                   f"spend-by-{key}", (key, "layer"), shape.long_rows(rows, (key, "layer")), key)
blocks.api_link(selection, ("layer",), selection.granularity)
