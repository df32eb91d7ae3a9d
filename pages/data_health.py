"""Data health: spans received and rejected per day with reasons, unpriced usage and what it would need,
unattributed share per dimension, the price catalogue, the last span received and the store in use."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
import streamlit as st

from ross_cost import services
from ross_cost.ui import charts, data, fmt, health, tables
from ross_cost.ui.blocks import QUIET
from ross_cost.ui.frame import frame, onboarding

INGEST_DAYS = 60

selection = frame("Data health")
svc = services.current()
last = data.last_span()
since = (last.received_at.date() if last.received_at else selection.end) - timedelta(days=INGEST_DAYS - 1)
days, reasons = data.ingest(since)
cols = st.columns(4)
cols[0].metric("Last span received", health.ago(last.received_at),
               None if last.received_at is None else f"{last.received_at:%d %b %Y %H:%M:%S} UTC", **QUIET)
cols[1].metric("Usage lines stored", fmt.count(last.lines),
               "none yet" if last.span_time is None else f"newest span {last.span_time:%d %b %Y %H:%M} UTC", **QUIET)
cols[2].metric(f"Spans accepted, {INGEST_DAYS} days", fmt.count(sum(d.accepted for d in days)),
               f"{fmt.count(sum(d.duplicate for d in days))} re-sent and ignored", **QUIET)
cols[3].metric(f"Spans rejected, {INGEST_DAYS} days", fmt.count(sum(d.rejected for d in days)),
               f"{len({reason for _, reason, _ in reasons})} distinct reasons", **QUIET)
with st.container(border=True, key="setup"):
    st.markdown(f"**Store in use:** `{svc.store.url}` ({svc.store.dialect})  \n"
                f"**Price catalogue:** `{svc.price_catalogue}` (list prices dated per span; the price book adds "
                f"discounts, self-hosted rates, tool and memory prices)  \n"
                f"**Write generation:** {svc.generation} (moves with every ingest; the cockpit's caches follow it)")
if selection.empty:
    onboarding()

st.subheader("Spans received per day")
st.caption(f"By day of receipt (UTC), the last {INGEST_DAYS} days with any request; re-sent spans are ignored.")
if days:
    ingest = health.ingest_rows(days)
    fig = go.Figure([
        go.Bar(x=[fmt.day(d.day) for d in days], y=[getattr(d, k) for d in days], name=name, marker_color=color)
        for k, name, color in (("accepted", "accepted", "#009E73"), ("rejected", "rejected", "#D55E00"),
                               ("duplicate", "re-sent", "#9CA3AF"))
    ])
    fig.update_layout(barmode="stack", height=300, margin={"l": 8, "r": 8, "t": 30, "b": 8}, template="plotly_white",
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
                      xaxis={"type": "category"})
    charts.show(fig, "chart-ingest")
    tables.downloads("spans-received-per-day-chart", health.INGEST_COLUMNS, ingest, "ingest-chart", ndjson=False)
    tables.show("spans-received-per-day", health.INGEST_COLUMNS, ingest, "ingest")
else:
    st.info("No ingest requests recorded yet.")

st.subheader("Rejected spans and why")
if reasons:
    rejection_rows = [{"day": day, "reason": reason, "spans": spans} for day, reason, spans in reasons]
    tables.show("rejected-spans", health.REJECTION_COLUMNS, rejection_rows, "rejections")
else:
    st.success("No span was rejected in this window.", icon=":material/check_circle:")

if not selection.empty:
    period, filters = selection.period, selection.filter_map
    st.subheader("Unpriced usage and what it would need")
    st.caption(f"In {selection.describe()}. Unpriced lines are stored with their quantity and "
               "reason, left out of spend (never priced at $0) until a price covers them, and never dropped.")
    unpriced = health.unpriced_rows(data.unpriced(period.start, period.end, filters))
    if unpriced:
        tables.show("unpriced-usage", health.UNPRICED_COLUMNS, unpriced, "unpriced")
    else:
        st.success("Every usage line in this slice has a price.", icon=":material/check_circle:")

    st.subheader("Unattributed share per dimension")
    st.caption("Spend whose span (and its trace) never named the value: `unattributed`, or `unknown` for the "
               "channel; for the tier, tenants missing from data/tenants.csv.")
    found = data.attribution(period.start, period.end, filters)
    tables.show("unattributed-share", health.ATTRIBUTION_COLUMNS, health.attribution_rows(found), "attribution")
