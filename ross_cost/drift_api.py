"""HTTP route for genai_4layer_drift (filled in by the drift issue)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.routing import BaseRoute

from ross_cost.services import Services


def routes(services: Callable[[], Services]) -> list[BaseRoute]:
    return []
