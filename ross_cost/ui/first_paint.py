"""A new browser's first page: the figures before the heavy JavaScript.

The first time a browser meets a chart or a table, Streamlit fetches Plotly's bundle (4.7 MB) and the data
grid's (1.2 MB); with nothing cached, compiling them holds the browser's main thread for about 1.5 s on this
class of machine, and everything sent just before them (title, metrics) waits behind it: the first figures
showed after 2.5-3 s (bench/bench_cockpit.py, fresh browser). So the first run of a session pauses once,
just before its first chart or table, for the browser to draw what it already has. Browsers that have
fetched the bundle before carry a cookie (set by the server with the bundle, see ross_cost.server) and skip
the pause; so do sessions without a browser (AppTest).
"""

from __future__ import annotations

import time

import streamlit as st

#: Long enough for the browser to fetch and draw the metric and markdown chunks (measured 0.25-0.45 s).
GRACE_SECONDS = 0.5
#: Set on the response that delivers Plotly's bundle: this browser has the heavy JavaScript cached.
ASSETS_COOKIE = "ross_assets"
_DONE = "_ross_first_paint_done"


def before_heavy_element() -> None:
    """Call before a chart or a table; pauses at most once per session, and only for a fresh browser."""
    if st.session_state.get(_DONE):
        return
    st.session_state[_DONE] = True
    if ASSETS_COOKIE in st.context.cookies or not st.context.headers.get("user-agent"):
        return
    time.sleep(GRACE_SECONDS)
