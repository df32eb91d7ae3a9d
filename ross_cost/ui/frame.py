"""The shared frame: the slicers every page reads, bound to the URL, and the page header.

The slicers are drawn by app.py before the page runs, so Streamlit binds them to the entry point and keeps
their query parameters when the user moves between pages (widgets drawn inside a page are bound to that
page and lose their parameters on navigation). A page still calls `frame()` first: when it runs without
app.py (Streamlit's `pages/` mode, which AppTest and a deep link after a restart use), `frame()` sends the
run back through app.py, or draws the slicers itself when that is impossible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st

from ross_cost import services
from ross_cost.query import CostQuery, Granularity
from ross_cost.ui import data, fmt
from ross_cost.ui.theme import BASE_CSS, PRESENTATION_CSS, label
from ross_cost.views import Period, labelled

#: The slicers: tenant tier, then the six dimensions (also the URL parameter and GET /api/cost filter names).
FILTER_KEYS: tuple[str, ...] = ("tenant_tier", "tenant_id", "agent_slug", "module_id", "model", "provider", "channel")
PERIOD_KEY, GRAIN_KEY, PRESENT_KEY = "period", "granularity", "present"
GRAINS: tuple[Granularity, ...] = ("day", "week", "month")
DEFAULT_DAYS = 30
EARLIEST = date(2000, 1, 1)
_THIS_RUN = "_ross_frame_this_run"


@dataclass(frozen=True)
class Selection:
    """What the slicers say: [start, end) in UTC days, the time bucket, filters, and presentation mode."""

    start: date
    end: date
    granularity: Granularity
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    present: bool
    data_range: tuple[date, date] | None

    @property
    def empty(self) -> bool:
        """True when the store has no usage at all (not merely none in this slice)."""
        return self.data_range is None

    @property
    def period(self) -> Period:
        return labelled(Period(self.start, self.end))

    @property
    def filter_map(self) -> dict[str, tuple[str, ...]]:
        return dict(self.filters)

    def query(self, group_by: tuple[str, ...] | list[str] = (), granularity: Granularity | None = None,
              period: Period | None = None, extra: Mapping[str, tuple[str, ...]] | None = None) -> CostQuery:
        """The CostQuery of this slice (optionally another period, or narrowed by `extra` filters)."""
        span = period or self.period
        return CostQuery.build(span.start, span.end, list(group_by), granularity, {**self.filter_map, **(extra or {})})

    def api_path(self, group_by: tuple[str, ...] | list[str] = (), granularity: Granularity | None = None,
                 period: Period | None = None) -> str:
        """The GET /api/cost request that answers the same question (for auditors and scripts)."""
        query = self.query(group_by, granularity, period)
        params: list[tuple[str, str]] = [("start", query.start.isoformat()), ("end", query.end.isoformat())]
        if query.group_by:
            params.append(("group_by", ",".join(query.group_by)))
        if granularity:
            params.append(("granularity", granularity))
        params += [(key, ",".join(values)) for key, values in query.filters]
        return "/api/cost?" + urlencode(params)

    def describe(self) -> str:
        parts = [fmt.day_span(self.start, self.end - timedelta(days=1))]
        parts += [f"{label(key).lower()}: {', '.join(values)}" for key, values in self.filters]
        return " · ".join(parts)


def _range(picked: Any, default: tuple[date, date]) -> tuple[date, date]:
    """The date input gives one date while a range is half picked: treat it as a one-day range."""
    if isinstance(picked, tuple | list) and len(picked) == 2:
        return picked[0], picked[1]
    if isinstance(picked, tuple | list) and len(picked) == 1:
        return picked[0], picked[0]
    if isinstance(picked, date):
        return picked, picked
    return default


def render() -> Selection:
    """Draw the slicers in the sidebar and return what they say."""
    span = data.data_range()
    bar = st.sidebar
    if span is None:
        bar.caption("No usage stored yet: the slicers appear once data arrives.")
        today = datetime.now(UTC).date()
        return Selection(today - timedelta(days=DEFAULT_DAYS - 1), today + timedelta(days=1), "day", (), False, None)
    first, last = span
    default = (max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last)
    picked = bar.date_input("Period", value=default, min_value=EARLIEST, max_value=last + timedelta(days=366),
                            key=PERIOD_KEY, bind="query-params", format="YYYY-MM-DD",
                            help=f"Data from {fmt.day(first)} to {fmt.day(last)} (UTC days, both included).")
    start, last_day = _range(picked, default)
    grain = bar.segmented_control("Granularity", GRAINS, default="day", required=True, key=GRAIN_KEY,
                                  bind="query-params")
    options = data.dimension_values()
    filters = []
    for key in FILTER_KEYS:
        chosen = bar.multiselect(label(key), options.get(key, []), key=key, bind="query-params", placeholder="All")
        if chosen:
            filters.append((key, tuple(sorted(chosen))))
    present = bar.toggle("Presentation mode", key=PRESENT_KEY, bind="query-params",
                         help="Hides the controls and enlarges the figures, for a screen-share.")
    bar.caption(f"Store: `{services.current().store.url}`")
    return Selection(start, last_day + timedelta(days=1), grain, tuple(filters), bool(present), span)


def run_pages(page: Any) -> None:
    """Draw the slicers, then run the page with them (app.py's body after st.navigation)."""
    st.session_state[_THIS_RUN] = render()
    try:
        page.run()
    finally:
        st.session_state.pop(_THIS_RUN, None)


def _leave_legacy_pages_mode() -> None:
    """A `pages/` folder makes Streamlit run a page without app.py until some session calls st.navigation;
    rerun through app.py so the slicers and navigation are the same on every entry."""
    try:
        from streamlit.runtime.pages_manager import PagesManager  # noqa: PLC0415 - internal, may move
    except ImportError:  # pragma: no cover - a future Streamlit; the page then draws the slicers itself
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _exit_presentation() -> None:
    st.session_state[PRESENT_KEY] = False


def frame(title: str) -> Selection:
    """What every page calls first: the slicers' selection, the header, and presentation mode."""
    _leave_legacy_pages_mode()
    selection = st.session_state.get(_THIS_RUN)
    if not isinstance(selection, Selection):
        selection = render()
    st.html(BASE_CSS + (PRESENTATION_CSS if selection.present else ""))
    if selection.present:
        with st.container(horizontal=True, horizontal_alignment="right"):
            st.button("Exit presentation", key="exit-present", on_click=_exit_presentation, type="tertiary",
                      icon=":material/close_fullscreen:")
    st.title(title)
    if not selection.empty:
        st.caption(selection.describe())
    return selection


def onboarding() -> None:
    """What an empty store shows instead of charts: how to get data in."""
    here = urlsplit(st.context.url or "")
    base = f"{here.scheme}://{here.netloc}" if here.netloc else "http://127.0.0.1:8501"
    st.info("No spans in the store yet, so there is nothing to chart.", icon=":material/inbox:")
    st.markdown(
        "**Load the demo workload** (240 days of realistic agent traces, about a minute):\n\n"
        "```bash\nross-cost demo\n```\n\n"
        "then reload this page. **Or send your own telemetry**: point any OpenTelemetry exporter at this "
        "server's OTLP/HTTP receiver, for example\n\n"
        f"```bash\nexport OTEL_EXPORTER_OTLP_TRACES_ENDPOINT={base}/v1/traces\n```\n\n"
        "Spans with `gen_ai.*` attributes are priced and attributed as they arrive; tag them with "
        "`ross.tenant_id`, `ross.agent_slug`, `ross.module_id` and `ross.channel` to slice by them here."
    )


def no_data(selection: Selection) -> None:
    st.info(f"No spend in this slice ({selection.describe()}). Widen the period or clear a filter.",
            icon=":material/filter_alt_off:")
