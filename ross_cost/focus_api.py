"""GET /api/finops/focus/v1.3: the FOCUS 1.3 export over HTTP (CONTRACT.md), streamed.

`start` and `end` (YYYY-MM-DD, [start, end)), `format` (json, ndjson or csv; without it the Accept header
chooses, JSON by default) and the cockpit's filters, the same keys as /api/cost. A bad parameter is a 400
naming it; an Accept header that allows none of the three encodings is a 406. The body streams batch by
batch, so memory stays flat whatever the row count; a period without data is an empty but valid file.
Usage left out for want of a price is reported in the X-Ross-Unpriced-Lines and X-Ross-Unpriced-Quantity
headers (known before the first byte; the rows themselves never carry a placeholder cost). A client that
accepts gzip gets it, compressed by the export pipeline at a fast level rather than by the server's middleware.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from ross_cost.focus.columns import FOCUS_VERSION
from ross_cost.focus.services import ENDPOINT, check_format, open_export
from ross_cost.query import QueryError
from ross_cost.services import Services

#: Media types the Accept header may ask for, and the format each one means.
ACCEPTED: dict[str, str] = {
    "application/json": "json",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "text/csv": "csv",
    "application/*": "json",
    "text/*": "csv",
    "*/*": "json",
}


class NotAcceptableError(ValueError):
    """The Accept header allows none of the export's encodings."""


def negotiate(format_param: str | None, accept: str | None) -> str:
    """The format: the `format` parameter if given (QueryError when unknown), else the Accept header's most
    preferred encoding we have (NotAcceptableError when none), else JSON."""
    if format_param is not None:
        return check_format(format_param.strip().lower())
    if not accept or not accept.strip():
        return "json"
    ranked: list[tuple[float, int, str]] = []
    for order, item in enumerate(accept.split(",")):
        media, *options = (part.strip() for part in item.split(";"))
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, order, media.lower()))
    for negative_quality, _, media in sorted(ranked):
        if negative_quality < 0 and media in ACCEPTED:
            return ACCEPTED[media]
    raise NotAcceptableError(
        f"Accept: {accept!r} allows none of application/json, application/x-ndjson, text/csv; "
        "or use ?format=json|ndjson|csv"
    )


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether Accept-Encoding allows gzip (`gzip` or `*`, not with q=0)."""
    for item in (accept_encoding or "").split(","):
        coding, *options = (part.strip().lower() for part in item.split(";"))
        if coding in ("gzip", "x-gzip", "*"):
            return not any(option.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for option in options)
    return False


def routes(services: Callable[[], Services]) -> list[BaseRoute]:
    from ross_cost.api import cost_query_from, error  # noqa: PLC0415 - ross_cost.api imports this module

    async def focus(request: Request) -> Response:
        params = request.query_params
        try:
            query = cost_query_from(params)
            fmt = negotiate(params.get("format"), request.headers.get("accept"))
            export = await run_in_threadpool(open_export, services(), query, fmt)
        except QueryError as problem:
            return error(400, str(problem))
        except NotAcceptableError as problem:
            return error(406, str(problem))
        quantity = ", ".join(f"{unit}={q}" for unit, q in sorted(export.unpriced_quantity.items()))
        gzip = accepts_gzip(request.headers.get("accept-encoding"))
        headers = {
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
            "X-Ross-Focus-Version": FOCUS_VERSION,
            "X-Ross-Unpriced-Lines": str(export.unpriced_lines),
            "X-Ross-Unpriced-Quantity": quantity,
            "Vary": "Accept, Accept-Encoding",
        }
        if gzip:  # compressed here, in the export's own thread and fast; the server's middleware passes it on
            headers["Content-Encoding"] = "gzip"
        # A client that hangs up drops the response, and with it the generator: its `finally` stops the export's
        # threads and frees the connection. HEAD answers the headers without building the rows.
        body = iter(()) if request.method == "HEAD" else export.chunks(gzip)
        return StreamingResponse(body, media_type=export.media_type, headers=headers)

    return [Route(ENDPOINT, focus, methods=["GET"])]
