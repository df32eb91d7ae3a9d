"""The demo workload: months of realistic GenAI traces as OTLP protobuf, with one cost drift per layer.

The bodies go through the same ingest path as real telemetry, so the demo exercises the decoders, the
alias handling and the trace-tree dimension resolution, not a shortcut. Everything is derived from
(seed, date): one `random.Random` per day and ids hashed from (seed, date, index), and the episodes and
the growth curve are anchored to `end`, so a date's traffic never depends on how many days were asked
for. Re-running, or running with more days, re-sends the same spans (idempotent ingest drops them).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource

from ross_cost.demo_catalog import (
    AGENT_BY_NAME,
    AGENTS,
    APP_SCOPE,
    LLM_SCOPES,
    MCP_SCOPE,
    MODELS,
    TENANTS,
    UNKNOWN_MODEL,
    AgentSpec,
    Weighted,
)
from ross_cost.demo_trace import TracePlan, TraceWriter, nightly_trace, tenant_trace

DEMO_END: date = date(2026, 12, 1)
DAILY_GROWTH = 1.0025
WEEKDAY_TRACES_AT_END = 346.0  # about 190 per weekday 240 days before the end
WEEKEND_FACTOR = 0.4
EPISODE_DAYS = 16
CALM_LEAD_DAYS = 35  # no episode in the first 35 days of a window: the detector needs a baseline


@dataclass(frozen=True)
class DriftEpisode:
    """A planted cost drift. `start` is the first affected day, `end` the first day back to normal
    (half-open, like the demo window); `agent` is the agent slug when one agent causes it."""

    layer: str
    name: str
    start: date
    end: date
    agent: str | None
    description: str


# (layer, name, days before `end` when it starts, agent slug, description): 40 calm days between episodes.
_EPISODES = (
    ("prompt", "RAG context bloat", 200, None,
     "Retrieval top-k raised from 4 to 12 for Sara and Atlas: their uncached input tokens roughly double."),
    ("tool", "New MCP integration: salesforce.query", 144, "sales-cdr",
     "Sales Cdr starts calling the new Salesforce MCP server, several tools/call spans per trace."),
    ("memory", "Prompt-cache miss spike", 88, None,
     "A prompt-template change breaks the cached prefix: Anthropic cache reads collapse and cache writes "
     "(1.25x input price) jump for most traffic, and mem0 re-indexes every night."),
    ("response", "Will Fund upgraded to Opus with thinking", 32, "will-fund",
     "Will Fund moves from Claude Sonnet 4.5 to Claude Opus 4.6 with extended thinking: heavy reasoning tokens."),
)  # fmt: skip


def drift_episodes(days: int = 240, end: date = DEMO_END) -> list[DriftEpisode]:
    """The episodes planted in the window [end - days, end): those that fit after its calm lead-in."""
    first_allowed = end - timedelta(days=days - CALM_LEAD_DAYS)
    found = []
    for layer, name, before_end, agent, description in _EPISODES:
        start = end - timedelta(days=before_end)
        if start >= first_allowed:
            found.append(DriftEpisode(layer, name, start, start + timedelta(days=EPISODE_DAYS), agent, description))
    return found


def generate(days: int = 240, seed: int = 7, end: date = DEMO_END, traces_per_batch: int = 400) -> Iterator[bytes]:
    """Serialized OTLP ExportTraceServiceRequest bodies, each holding whole traces, for [end - days, end)."""
    episodes = drift_episodes(days, end)
    batch = _Batch()
    for offset in range(days, 0, -1):
        day = end - timedelta(days=offset)
        active = frozenset(e.layer for e in episodes if e.start <= day < e.end)
        for plan in _day_plans(seed, day, end, active):
            plan.build(TraceWriter(batch.scope, _trace_id(seed, day, plan.index)))
            batch.traces += 1
            if batch.traces >= traces_per_batch:
                yield batch.serialize()
                batch = _Batch()
    if batch.traces:
        yield batch.serialize()


class _Batch:
    """One ExportTraceServiceRequest under construction: one ResourceSpans per service, one ScopeSpans per scope."""

    def __init__(self) -> None:
        self.request: Any = ExportTraceServiceRequest()
        self.scopes: dict[tuple[str, str, tuple[str, str]], Any] = {}
        self.resources: dict[tuple[str, str], Any] = {}
        self.traces = 0

    def scope(self, agent: str, module: str, scope: tuple[str, str]) -> Any:
        """The repeated `spans` field of (service, scope) in this request, created on first use."""
        key = (agent, module, scope)
        spans = self.scopes.get(key)
        if spans is None:
            resource_spans = self.resources.get((agent, module))
            if resource_spans is None:
                resource_spans = self.request.resource_spans.add()
                resource_spans.resource.CopyFrom(_resource(agent, module))
                self.resources[(agent, module)] = resource_spans
            scope_spans = resource_spans.scope_spans.add()
            scope_spans.scope.CopyFrom(InstrumentationScope(name=scope[0], version=scope[1]))
            spans = self.scopes[key] = scope_spans.spans
        return spans

    def serialize(self) -> bytes:
        return bytes(self.request.SerializeToString())


@lru_cache(maxsize=None)
def _resource(agent_slug: str, module: str) -> Any:
    attributes = [
        KeyValue(key=key, value=AnyValue(string_value=value))
        for key, value in (
            ("service.name", f"ross-{agent_slug}"),
            ("ross.module_id", module),
            ("telemetry.sdk.name", "opentelemetry"),
            ("telemetry.sdk.language", "python"),
        )
    ]
    return Resource(attributes=attributes)


def _trace_id(seed: int, day: date, index: int) -> bytes:
    return hashlib.blake2b(f"{seed}|{day.isoformat()}|{index}".encode(), digest_size=16, person=b"ross-demo").digest()


def _day_rng(seed: int, day: date) -> random.Random:
    digest = hashlib.blake2b(f"{seed}|{day.isoformat()}".encode(), digest_size=8, person=b"ross-demo-day").digest()
    return random.Random(int.from_bytes(digest, "big"))


def _pick(rng: random.Random, weighted: Weighted) -> str:
    point = rng.random() * sum(weight for _, weight in weighted)
    for name, weight in weighted:
        point -= weight
        if point < 0:
            return name
    return weighted[-1][0]


_TENANT_WEIGHTS = tuple((t.tenant_id, 1.0 / (rank + 1) ** 0.9) for rank, t in enumerate(TENANTS))


def _day_plans(seed: int, day: date, end: date, active: frozenset[str]) -> list[TracePlan]:
    """The traces of one day in start-time order: agents allocated by share, tenants Zipf, business hours."""
    rng = _day_rng(seed, day)
    midnight_ns = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()) * 1_000_000_000
    level = WEEKDAY_TRACES_AT_END * DAILY_GROWTH ** -(end - day).days
    weekend = day.weekday() >= 5
    total = level * (WEEKEND_FACTOR if weekend else 1.0) * (1.0 + rng.gauss(0.0, 0.03))
    plans: list[TracePlan] = []
    for agent in AGENTS:
        expected = agent.share * total
        count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        plans.extend(_tenant_plan(rng, agent, midnight_ns, active) for _ in range(count))
    if not weekend and rng.random() < 0.8:  # a tenant's own fine-tune, served on our vLLM: not in any price list
        maya = [p for p in plans if p.agent.name == "Maya"]
        if maya:
            chosen = rng.choice(maya)
            chosen.model, chosen.tenant = MODELS[UNKNOWN_MODEL], "t-acme"
    nightly = 2 + (rng.random() < 0.3) + (2 if "memory" in active else 0)
    for shard in range(nightly):
        start_ns = midnight_ns + int((2 * 3600 + shard * 420 + rng.uniform(0, 300)) * 1e9)
        plans.append(TracePlan(AGENT_BY_NAME["FLOW"], "", "", "M00", MODELS["llama-3.3-70b-instruct"], start_ns, rng))
        plans[-1].nightly = nightly_trace(shard, mem0_reindex=shard >= 2 and "memory" in active)
    plans.sort(key=lambda p: p.start_ns)
    for index, plan in enumerate(plans):
        plan.index = index
        plan.active = active
    return plans


def _tenant_plan(rng: random.Random, agent: AgentSpec, midnight_ns: int, active: frozenset[str]) -> TracePlan:
    tenant = _pick(rng, _TENANT_WEIGHTS)
    channel = _pick(rng, agent.channels)
    module = _pick(rng, agent.modules)
    model_key = _pick(rng, agent.models)
    if "response" in active and agent.name == "Will Fund" and model_key == "claude-sonnet-4-5":
        model_key = "claude-opus-4-6"
    seconds = min(max(rng.gauss(13.5 * 3600, 3 * 3600), 5.5 * 3600), 21.5 * 3600)
    return TracePlan(agent, tenant, channel, module, MODELS[model_key], midnight_ns + int(seconds * 1e9), rng)


__all__ = ["DEMO_END", "DriftEpisode", "drift_episodes", "generate", "math", "APP_SCOPE", "LLM_SCOPES", "MCP_SCOPE"]
