"""ross-cost cockpit: the entry point. Declares the pages (stable URLs), draws the shared slicers, runs the page.

`ross-cost serve` runs this file inside the same process as the API, so the cockpit and GET /api/cost read the
same store through the same services.
"""

from __future__ import annotations

import streamlit as st

from ross_cost.ui.frame import run_pages
from ross_cost.ui.theme import FAVICON_SVG

st.set_page_config(page_title="ross-cost", page_icon=FAVICON_SVG, layout="wide")
page = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/space_dashboard:", url_path="overview",
                default=True),
        st.Page("pages/explorer.py", title="Explorer", icon=":material/query_stats:", url_path="explorer"),
        st.Page("pages/unit_economics.py", title="Unit economics", icon=":material/monitoring:",
                url_path="unit_economics"),
        st.Page("pages/drift.py", title="Drift", icon=":material/trending_up:", url_path="drift"),
        st.Page("pages/focus.py", title="FOCUS 1.3", icon=":material/receipt_long:", url_path="focus"),
        st.Page("pages/data_health.py", title="Data health", icon=":material/health_and_safety:",
                url_path="data_health"),
    ],
    position="top",
)
run_pages(page)
