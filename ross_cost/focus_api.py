"""HTTP route for FOCUS 1.3 export (filled in by the FOCUS issue)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.routing import BaseRoute

from ross_cost.services import Services


def routes(services: Callable[[], Services]) -> list[BaseRoute]:
    return []
