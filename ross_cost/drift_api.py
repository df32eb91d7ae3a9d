"""GET /api/drift: genai_4layer_drift as JSON (CONTRACT.md), per layer and for every alert.

`?as_of=YYYY-MM-DD` judges the history up to that day (default: the last day with data); `?layer=` keeps one
layer. Evaluating the last day with data stores the alerts' lifecycle; pending alerts then go to the webhook
after the response is sent, so a slow receiver never holds up the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ross_cost import drift_service
from ross_cost.config import ConfigError
from ross_cost.drift_config import load_config
from ross_cost.drift_views import report_json
from ross_cost.model import LAYERS
from ross_cost.query import QueryError
from ross_cost.services import Services

PARAMETERS = ("as_of", "layer")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def parse_params(params: dict[str, str]) -> tuple[date | None, str | None]:
    """(as_of, layer) from the query string; a QueryError names the bad parameter."""
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise QueryError(unknown[0], f"unknown parameter; /api/drift takes {' and '.join(PARAMETERS)}")
    raw_day, layer = params.get("as_of") or None, params.get("layer") or None
    try:
        as_of = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        raise QueryError("as_of", f"{raw_day!r} is not a YYYY-MM-DD date") from None
    names = [value.value for value in LAYERS]
    if layer is not None and layer not in names:
        raise QueryError("layer", f"{layer!r} is not a layer; use one of {', '.join(names)}")
    return as_of, layer


def routes(services: Callable[[], Services]) -> list[BaseRoute]:
    async def drift(request: Request) -> Response:
        try:
            as_of, layer = parse_params(dict(request.query_params))
            config = load_config()
        except QueryError as problem:
            return _error(400, str(problem))
        except ConfigError as problem:
            return _error(500, f"drift settings: {problem}")
        svc = services()
        report, _ = await run_in_threadpool(drift_service.run, svc, as_of, config, False)
        background = None
        if report.recorded and report.as_of is not None and config.webhook.url:
            background = BackgroundTask(run_in_threadpool, drift_service.deliver_pending, svc, report.as_of, config)
        return JSONResponse(report_json(report, layer), background=background)

    return [Route("/api/drift", drift, methods=["GET"])]
