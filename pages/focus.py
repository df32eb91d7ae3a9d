"""FOCUS 1.3: the cost rows an auditor or a finance tool takes, for the period and slicers chosen, reconciled
against the cockpit's own figures, checked against the FOCUS rules, and downloadable as CSV, NDJSON or JSON."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

import streamlit as st

from ross_cost import services
from ross_cost.focus import services as focus
from ross_cost.focus.conformance import ConformanceReport
from ross_cost.query import CostRow
from ross_cost.ui import fmt, tables
from ross_cost.ui.blocks import QUIET
from ross_cost.ui.data import stamp
from ross_cost.ui.frame import frame, no_data, onboarding
from ross_cost.ui.tables import Column

#: Download buttons build the whole file in memory; longer periods go through the endpoint, which streams.
MAX_DOWNLOAD_DAYS = 92
CHECKED_ROWS = 5_000


@st.cache_data(ttl="5m", max_entries=16, show_spinner=False)
def totals(stamp_key: Any, query_key: str, _query: Any) -> list[CostRow]:
    return focus.cockpit_totals(services.current(), _query)


@st.cache_data(ttl="5m", max_entries=16, show_spinner="Reconciling the export with the cockpit…")
def reconciled(stamp_key: Any, query_key: str, _query: Any) -> focus.Reconciliation:
    return focus.reconcile(services.current(), _query, totals(stamp_key, query_key, _query))


@st.cache_data(ttl="5m", max_entries=16, show_spinner="Checking FOCUS 1.3 conformance…")
def checked(stamp_key: Any, query_key: str, _query: Any) -> ConformanceReport:
    return focus.conformance(services.current(), _query, max_rows=CHECKED_ROWS)


@st.cache_data(ttl="5m", max_entries=8, show_spinner=False)
def file_bytes(stamp_key: Any, query_key: str, _query: Any, fmt_name: str) -> bytes:
    return focus.export_bytes(services.current(), _query, fmt_name)


selection = frame("FOCUS 1.3")
if selection.empty:
    onboarding()
    st.stop()
query = focus.focus_query(selection.period.start, selection.period.end, selection.filter_map)
key = repr(query)
cockpit = totals(stamp(), key, query)
if not cockpit:
    no_data(selection)
    st.stop()

top = st.columns(4)
top[0].metric("EffectiveCost", fmt.money(sum((r.effective_cost for r in cockpit), Decimal(0))),
              "the cockpit's total for this slice", **QUIET)
top[1].metric("ListCost", fmt.money(sum((r.list_cost for r in cockpit), Decimal(0))), "before discounts", **QUIET)
top[2].metric("Usage lines", fmt.count(sum(r.lines for r in cockpit)), "priced and unpriced", **QUIET)
recon = reconciled(stamp(), key, query)  # builds the export's rows: after the figures are on screen
top[3].metric("FOCUS rows", fmt.count(recon.rows), f"{fmt.count(recon.unpriced_lines)} unpriced lines left out",
              **QUIET)
if recon.matches:
    st.success(f"The export's {fmt.count(recon.rows)} rows sum to the cockpit: EffectiveCost "
               f"{fmt.money(recon.export_effective_cost)}, ListCost {fmt.money(recon.export_list_cost)}; "
               f"{fmt.count(recon.unpriced_lines)} unpriced lines are left out and counted (see Data health).",
               icon=":material/balance:")
else:
    st.error(f"The export does not reconcile with the cockpit: {recon}", icon=":material/error:")

report = checked(stamp(), key, query)
if report.ok:
    st.success(f"Conformance: {len(report.rules)} FOCUS 1.3 rules checked on {fmt.count(report.rows)} rows, "
               "0 failed.", icon=":material/verified:")
else:
    st.error(report.summary(), icon=":material/rule:")

st.subheader("Download")
endpoint = focus.endpoint_url(query, "csv", base=st.context.url.rsplit("/", 1)[0] if st.context.url else "")
st.markdown(f"Hand this URL to a finance tool (streams any period; `format=csv|ndjson|json`):\n\n`{endpoint}`")
if selection.period.days > MAX_DOWNLOAD_DAYS:
    st.info(f"Pick at most {MAX_DOWNLOAD_DAYS} days to download from the page; the endpoint above streams any "
            "period.", icon=":material/info:")
else:
    with st.container(horizontal=True):
        for name, mime in (("csv", "text/csv"), ("ndjson", "application/x-ndjson"), ("json", "application/json")):
            st.download_button(name.upper(), partial(file_bytes, stamp(), key, query, name),  # built on click
                               focus.export_filename(query, name), mime, key=f"focus-{name}", on_click="ignore",
                               icon=":material/download:")

st.subheader("Preview")
rows = focus.preview(services.current(), query, limit=50)
shown = ("ChargePeriodStart", "ServiceProviderName", "ServiceName", "SkuId", "ConsumedQuantity", "ConsumedUnit",
         "PricingQuantity", "PricingUnit", "ListCost", "EffectiveCost", "x_Layer", "x_AgentSlug", "x_TenantId")
cells = [{c: None if row.get(c) is None else str(row.get(c)) for c in shown} for row in rows]
tables.show("focus-preview", [Column(c, c) for c in shown], cells, "focus-preview")
