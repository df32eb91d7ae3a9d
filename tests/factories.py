"""Small span factories so tests read as specifications."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from ross_cost.attribution import Attributor
from ross_cost.config import load_price_book
from ross_cost.pricing import Pricer
from ross_cost.spans import SpanRecord

WHEN = datetime(2026, 11, 15, 10, 30, tzinfo=UTC)
RESOURCE: dict[str, Any] = {"service.name": "ross-sara", "ross.module_id": "M03", "telemetry.sdk.name": "opentelemetry"}
_ids = itertools.count(1)


def span(attrs: dict[str, Any], *, trace: str = "a" * 32, span_id: str | None = None, parent: str = "",
         resource: dict[str, Any] | None = None, when: datetime = WHEN, name: str = "span") -> SpanRecord:
    ns = int(when.timestamp() * 1_000_000_000)
    sid = span_id or f"{next(_ids):016x}"
    return SpanRecord(trace, sid, parent, name, ns, ns + 1_000_000_000, dict(attrs),
                      RESOURCE if resource is None else resource)


def chat(provider: str, model: str, *, response_model: str | None = None, **usage: Any) -> dict[str, Any]:
    """A chat span's attributes; usage keywords use the short names below or full attribute keys."""
    short = {
        "input": "gen_ai.usage.input_tokens",
        "output": "gen_ai.usage.output_tokens",
        "cache_read": "gen_ai.usage.cache_read.input_tokens",
        "cache_write": "gen_ai.usage.cache_creation.input_tokens",
        "reasoning": "gen_ai.usage.reasoning.output_tokens",
    }
    attrs: dict[str, Any] = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": provider,
                             "gen_ai.request.model": model}
    if response_model:
        attrs["gen_ai.response.model"] = response_model
    for key, value in usage.items():
        attrs[short.get(key, key)] = value
    return attrs


@lru_cache(maxsize=1)
def attributor() -> Attributor:
    return Attributor(Pricer(load_price_book()))
