"""Unit economics and the investor walkthrough: cost per conversation, per tenant, per agent and per layer
over time, the layer mix per agent, and a paragraph written from the numbers. Presentation mode (sidebar
toggle, or ?present=true in a link) hides the controls and enlarges the figures for a screen-share."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from ross_cost import views
from ross_cost.ui import blocks, charts, data, fmt, tables, unit
from ross_cost.ui.blocks import QUIET
from ross_cost.ui.frame import frame, no_data, onboarding
from ross_cost.ui.tables import Column
from ross_cost.ui.theme import LAYER_ORDER

selection = frame("Unit economics")
if selection.empty:
    onboarding()
    st.stop()
period, previous = selection.period, selection.period.previous()
filters = selection.filter_map
layers_now = data.cost(selection.query(("layer",)))
if not layers_now:
    no_data(selection)
    st.stop()
layers_before = data.cost(selection.query(("layer",), period=previous))
agents = data.cost(selection.query(("agent_slug", "layer")))
now = unit.totals(data.conversations(period.start, period.end, filters))
before = unit.totals(data.conversations(previous.start, previous.end, filters))
attribution = data.attribution(period.start, period.end, filters)

with st.container(border=True, key="narrative"):
    st.markdown(views.narrative(unit.facts(period, layers_now, layers_before, agents, now, before, attribution,
                                          selection.data_range)))

spend = views.total(layers_now)
blocks.against_previous(period, selection.data_range)
tenants = data.conversations(period.start, period.end, filters, ("tenant_id",))
active = [t for t in tenants if t.conversation_cost + t.other_cost > 0]
per_tenant = views.per_unit(spend, len(active))
cols = st.columns(4)
if now.per_conversation is None:
    cols[0].metric("Cost per conversation", "n/a", "no conversation ids in this slice", **QUIET)
else:
    unit_change = views.Change(now.per_conversation, before.per_conversation or views.ZERO)
    cols[0].metric("Cost per conversation", fmt.money(now.per_conversation),
                   blocks.change_text(unit_change), delta_color="inverse",
                   help="Spend on lines that belong to a conversation ÷ distinct conversations.")
conversations = views.Change(Decimal(now.conversations), Decimal(before.conversations))
cols[1].metric("Conversations", fmt.count(now.conversations),
               fmt.percent_delta(conversations.relative))
cols[2].metric("Spend per active tenant", "n/a" if per_tenant is None else fmt.money(per_tenant),
               f"{len(active)} active tenants", **QUIET)
cols[3].metric("Spend outside conversations", fmt.money(now.other_cost),
               f"{fmt.percent(views.share(now.other_cost, spend))} of spend (scheduled jobs)", **QUIET)

st.subheader(f"Cost per conversation per {selection.granularity}, by layer")
periods, by_layer, trend_rows = unit.per_conversation_over_time(
    data.conversations(period.start, period.end, filters, ("layer",), selection.granularity),
    data.conversations(period.start, period.end, filters, (), selection.granularity))
blocks.chart_with_download(charts.line_chart(periods, by_layer, present=selection.present, stacked=True),
                           "cost-per-conversation", ("period", "layer"), trend_rows, "trend",
                           unit.PER_CONVERSATION_COLUMNS)

left, right = st.columns(2)
with left:
    st.subheader("Cost per conversation by agent")
    names, agent_layers, agent_rows = unit.per_conversation_by(
        data.conversations(period.start, period.end, filters, ("agent_slug", "layer")),
        data.conversations(period.start, period.end, filters, ("agent_slug",)), "agent_slug")
    blocks.chart_with_download(charts.bars_by_layer(names, agent_layers, selection.present, horizontal=True),
                               "cost-per-conversation-by-agent", ("agent_slug", "layer"), agent_rows, "agents",
                               unit.PER_CONVERSATION_COLUMNS)
with right:
    st.subheader("Layer mix per agent")
    names, mix = unit.layer_mix(agents)
    charts.show(charts.share_bars(names, mix, selection.present), "chart-mix")
    mix_rows = [{"agent_slug": name, **{layer: mix[layer][i] for layer in LAYER_ORDER}} for i, name in enumerate(names)]
    tables.downloads("layer-mix-by-agent", [Column("agent_slug", "Agent"),
                                            *(Column(layer, layer, "share") for layer in LAYER_ORDER)],
                     mix_rows, "mix", ndjson=False)

st.subheader("Cost per tenant")
tables.show("cost-per-tenant", unit.TENANT_COLUMNS, unit.tenant_rows(tenants, data.tenants()), "tenants")
