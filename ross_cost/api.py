"""HTTP routes served next to the cockpit: OTLP/HTTP ingest, cost and health (CONTRACT.md).

Thin: parse and validate the request, call a service in a worker thread (the event loop also serves the
cockpit's websockets), encode the answer. Every user mistake is a 4xx with a message naming the parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, cast

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ross_cost import config, drift_api, focus_api
from ross_cost.model import GROUPABLE, money_text
from ross_cost.otel.decode import DecodeError, InflatedTooLarge, UnsupportedMediaType, encode_response
from ross_cost.query import CostQuery, CostRow, Granularity, QueryError
from ross_cost.services import Services

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
#: A gzip body may expand this many times past the size limit before we call it a bomb.
GZIP_EXPANSION = 20


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def parse_day(params: Mapping[str, str], name: str) -> date:
    raw = params.get(name)
    if not raw:
        raise QueryError(name, "is required (YYYY-MM-DD)")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise QueryError(name, f"{raw!r} is not a YYYY-MM-DD date") from None


def cost_query_from(params: Any) -> CostQuery:
    """Build a CostQuery from query parameters: start, end, group_by, granularity and one param per filter."""
    known = {"start", "end", "group_by", "granularity", "format"} | set(GROUPABLE)
    unknown = sorted(set(params.keys()) - known)
    if unknown:
        raise QueryError(unknown[0], f"unknown parameter; filters are {', '.join(GROUPABLE)}")
    group_by = [k.strip() for k in params.get("group_by", "").split(",") if k.strip()]
    granularity = params.get("granularity") or None
    filters = {
        key: [v.strip() for raw in params.getlist(key) for v in raw.split(",") if v.strip()]
        for key in GROUPABLE
        if key in params
    }
    for key, values in filters.items():
        if not values:
            raise QueryError(key, "filter is empty")
    gran = cast("Granularity | None", granularity)  # validated by CostQuery
    return CostQuery.build(parse_day(params, "start"), parse_day(params, "end"), group_by, gran, filters)


def row_json(row: CostRow) -> dict[str, Any]:
    return {
        **row.keys,
        "list_cost": money_text(row.list_cost),
        "effective_cost": money_text(row.effective_cost),
        "quantity": row.quantity,
        "unpriced_quantity": row.unpriced_quantity,
        "lines": row.lines,
    }


def build_routes(services: Callable[[], Services]) -> list[BaseRoute]:
    """The API routes; `services` is called per request so the process-wide store is opened lazily."""

    async def healthz(_: Request) -> Response:
        ok = await run_in_threadpool(services().store.ping)
        return JSONResponse({"status": "ok" if ok else "store unavailable"}, status_code=200 if ok else 503)

    async def cost(request: Request) -> Response:
        try:
            query = cost_query_from(request.query_params)
        except QueryError as problem:
            return error(400, str(problem))
        rows = await run_in_threadpool(services().cost, query)
        total_list = sum((r.list_cost for r in rows), Decimal(0))
        total_effective = sum((r.effective_cost for r in rows), Decimal(0))
        return JSONResponse({
            "start": query.start.isoformat(),
            "end": query.end.isoformat(),
            "group_by": list(query.group_by),
            "granularity": query.granularity,
            "filters": {k: list(v) for k, v in query.filters},
            "currency": "USD",
            "total": {"list_cost": money_text(total_list), "effective_cost": money_text(total_effective)},
            "rows": [row_json(r) for r in rows],
        })

    async def traces(request: Request) -> Response:
        token = config.ingest_token()
        if token and request.headers.get("authorization", "") != f"Bearer {token}":
            return error(401, "missing or invalid bearer token for OTLP ingest")
        content_type = request.headers.get("content-type", "")
        as_json = content_type.split(";")[0].strip().lower() == JSON
        limit = config.max_body_bytes()
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            return error(413, f"body of {declared} bytes is over the {limit}-byte limit")
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                return error(413, f"body is over the {limit}-byte limit")
        try:
            result = await run_in_threadpool(services().ingest_otlp, bytes(body), content_type,
                                             request.headers.get("content-encoding"), "otlp-http",
                                             limit * GZIP_EXPANSION)
        except InflatedTooLarge as problem:
            return error(413, str(problem))
        except UnsupportedMediaType as problem:
            return error(415, str(problem))
        except DecodeError as problem:
            return error(400, str(problem))
        payload = encode_response(result.rejected, result.message(), as_json)
        return Response(payload, media_type=JSON if as_json else PROTOBUF)

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/cost", cost, methods=["GET"]),
        Route("/v1/traces", traces, methods=["POST"]),
        *focus_api.routes(services),
        *drift_api.routes(services),
    ]
