"""One process, three faces: the Streamlit cockpit, the HTTP API and the OTLP receiver on one port.

DuckDB lets one process hold a file, so `st.App` serves the pages and our Starlette routes together.
"""

from __future__ import annotations

import os
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


def build_app() -> Any:
    """The ASGI app: st.App running app.py, with the API routes mounted beside it."""
    quiet_streamlit()
    import streamlit as st

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[dict[str, Any]]:
        services.current()  # open the store at start-up, not on the first page view
        yield {}
        services.reset()

    return st.App(str(APP_SCRIPT), routes=build_routes(services.current), lifespan=lifespan)


def serve(host: str, port: int, db_url: str | None) -> None:
    import uvicorn

    if db_url:
        os.environ["ROSS_DB_URL"] = db_url
    services.current(db_url)  # fail fast with one sentence if the store cannot be opened
    uvicorn.run(build_app(), host=host, port=port, log_level="warning", access_log=False)
