"""ross-cost cockpit: spend by layer and by agent for a date range, read from the store."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from ross_cost import services
from ross_cost.query import CostQuery

st.set_page_config(page_title="ross-cost", page_icon="💸", layout="wide")
svc = services.current()
span = svc.data_range()
st.title("LLM spend")
if span is None:
    st.info("The store is empty. Load the demo with `ross-cost demo`, or point an OpenTelemetry exporter at "
            "`/v1/traces` on this server (see the README).")
    st.stop()
first, last = span
default_start = max(first, last - timedelta(days=29))
picked = st.date_input("Period", (default_start, last), min_value=first, max_value=last)
if not isinstance(picked, tuple) or len(picked) != 2:
    st.stop()
start, end = picked[0], picked[1] + timedelta(days=1)
by_layer = svc.cost(CostQuery.build(start, end, ["layer"]))
by_agent = svc.cost(CostQuery.build(start, end, ["agent_slug", "layer"]))
cols = st.columns(5)
cols[0].metric("Effective cost", f"${sum(r.effective_cost for r in by_layer):,.2f}")
for col, layer in zip(cols[1:], ("prompt", "tool", "memory", "response"), strict=True):
    value = sum(r.effective_cost for r in by_layer if r.keys["layer"] == layer)
    col.metric(layer.title(), f"${value:,.2f}")
frame = pd.DataFrame([{**r.keys, "effective_cost": float(r.effective_cost)} for r in by_agent])
if not frame.empty:
    st.plotly_chart(px.bar(frame, x="agent_slug", y="effective_cost", color="layer", title="Spend by agent and layer"))
