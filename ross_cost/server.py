"""One process, three faces: the Streamlit cockpit, the HTTP API and the OTLP receiver on one port.

DuckDB lets one process hold a file, so `st.App` serves the pages and our Starlette routes together.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ross_cost import services
from ross_cost.api import build_routes
from ross_cost.config import REPO

APP_SCRIPT = REPO / "app.py"


def quiet_streamlit() -> None:
    """No calls home, no browser pop-up, no file watcher: set before Streamlit reads its config."""
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    os.environ.setdefault("STREAMLIT_SERVER_HEADLESS", "true")
    os.environ.setdefault("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "none")


class AssetsCookie:
    """ASGI middleware: the response carrying Plotly's bundle marks the browser as having it cached, so the
    cockpit can skip the first-paint pause for it (ross_cost.ui.first_paint)."""

    def __init__(self, app: Any) -> None:
        from ross_cost.ui.first_paint import ASSETS_COOKIE  # imports Streamlit: only once it is configured

        self.app = app
        self.cookie = f"{ASSETS_COOKIE}=1; Path=/; Max-Age=2592000; SameSite=Lax; HttpOnly".encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or "/static/js/PlotlyChart." not in scope.get("path", ""):
            await self.app(scope, receive, send)
            return

        async def send_marked(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200:
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", self.cookie)]}
            await send(message)

        await self.app(scope, receive, send_marked)


def warm_up() -> None:
    """Pay at start-up what the first page view would: the store, and the cockpit's imports (pandas, Plotly).

    Also leaves Streamlit's `pages/`-folder mode before any session: app.py declares the pages itself, and
    the first session would otherwise run a page alone and then rerun through app.py (a second of waiting).
    """
    svc = services.current()
    import ross_cost.ui

    for module in pkgutil.iter_modules(ross_cost.ui.__path__, "ross_cost.ui."):
        importlib.import_module(module.name)
    for name in ("ross_cost.focus.services", "plotly.graph_objects"):
        importlib.import_module(name)
    from ross_cost import drift_service

    drift_service.evaluate(svc, explain_scope="none", layers_only=True)  # DuckDB reads the history's columns once
    try:
        from streamlit.runtime.pages_manager import PagesManager  # internal, may move
    except ImportError:  # pragma: no cover - a future Streamlit: the rerun in ui.frame still copes
        return
    PagesManager.uses_pages_directory = False


def build_app() -> Any:
    """The ASGI app: st.App running app.py, with the API routes mounted beside it."""
    quiet_streamlit()
    import streamlit as st
    from starlette.middleware import Middleware

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[dict[str, Any]]:
        warm_up()
        yield {}
        services.reset()

    return st.App(str(APP_SCRIPT), routes=build_routes(services.current), lifespan=lifespan,
                  middleware=[Middleware(AssetsCookie)])


def serve(host: str, port: int, db_url: str | None) -> None:
    import uvicorn

    if db_url:
        os.environ["ROSS_DB_URL"] = db_url
    services.current(db_url)  # fail fast with one sentence if the store cannot be opened
    uvicorn.run(build_app(), host=host, port=port, log_level="warning", access_log=False)
