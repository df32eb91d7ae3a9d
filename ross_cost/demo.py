"""The demo workload: months of realistic GenAI traces as OTLP protobuf, with one cost drift per layer.

The bodies go through the same ingest path as real telemetry, so the demo exercises the decoders, the
alias handling and the trace-tree dimension resolution, not a shortcut. Everything derives from
(seed, date): a day's random stream decides who, where and when, and each trace draws its content from
its own stream seeded by its id, so an episode changes only the traces it touches. Growth and episode
dates are anchored to `end`, not to the window's start: a calm date gives the same spans whatever the
number of days, and re-running sends identical spans, which idempotent ingest ignores. A window only
plants the episodes that have their full calm lead-in inside it (see `drift_episodes`).
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource

from ross_cost.demo_catalog import (
    AGENT_BY_NAME,
    AGENTS,
    APP_SCOPE,
    BLOATED_AGENTS,
    DELIVERY_TOOL,
    EMBEDDING_MODEL,
    EMITTERS,
    EPISODE_DAYS,
    EPISODES,
    LLM_SCOPE_NAMES,
    MCP_SCOPE,
    MCP_SERVERS,
    MEMORY_STORES,
    MODELS,
    MODULES,
    TENANTS,
    UNKNOWN_MODEL,
    WEBHOOK_CHANNELS,
    AgentSpec,
    ModelSpec,
    Weighted,
)

DEMO_END: date = date(2026, 12, 1)
DAILY_GROWTH = 1.0025
WEEKDAY_TRACES_AT_END = 346.0  # about 190 per weekday 240 days before the end
WEEKEND_FACTOR = 0.4
CALM_LEAD_DAYS = 35  # no episode in a window's first 35 days: drift detection needs a baseline
CACHE_MISS_RATE = {False: 0.02, True: 0.5}  # Anthropic prefix-cache misses: normal, in the memory episode
HISTORY_TOKENS = 350  # median conversation tail each Anthropic turn writes to the cache
RAG_BLOAT = 3.0  # retrieved-chunk multiplier of the bloated agents in the prompt episode (top-k 4 -> 12)
SALESFORCE_CALLS = (6, 12)  # tools/call spans per Sales Cdr tool turn in the tool episode
_INTERNAL, _SERVER, _CLIENT = 1, 2, 3
_TOOL_SECONDS = {"web_search": 1.2, "doc_render": 1.5, "voice_synthesize": 0.9, "voice_transcribe": 0.7}


@dataclass(frozen=True)
class DriftEpisode:
    """A planted cost drift. `start` is its first day and `end` the first day back to normal (half-open,
    like the demo window); `agent` is the agent slug when one agent causes it."""

    layer: str
    name: str
    start: date
    end: date
    agent: str | None
    description: str


def drift_episodes(days: int = 240, end: date = DEMO_END) -> list[DriftEpisode]:
    """The episodes planted in the window [end - days, end): those that start after its calm lead-in."""
    first_allowed = end - timedelta(days=days - CALM_LEAD_DAYS)
    found = []
    for layer, name, before_end, agent, description in EPISODES:
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
            _TraceBuilder(batch, plan, active).build()
            batch.traces += 1
            if batch.traces >= traces_per_batch:
                yield batch.serialize()
                batch = _Batch()
    if batch.traces:
        yield batch.serialize()


# --- the day: how many traces, whose, when ---------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    agent: AgentSpec
    tenant: str  # "" for the nightly batch job, which runs for no tenant
    channel: str
    module: str
    model: ModelSpec
    start_ns: int
    trace_id: bytes
    nightly: str = ""  # the batch job's workflow name
    conversation: str = ""


def _trace_id(seed: int, day: date, key: str) -> bytes:
    return hashlib.blake2b(f"{seed}|{day.isoformat()}|{key}".encode(), digest_size=16, person=b"ross-demo").digest()


def _pick(rng: random.Random, weighted: Weighted) -> str:
    names, cumulative = _cumulative(weighted)
    return names[min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(names) - 1)]


@cache
def _cumulative(weighted: Weighted) -> tuple[tuple[str, ...], list[float]]:
    return tuple(name for name, _ in weighted), list(itertools.accumulate(weight for _, weight in weighted))


def _allocate(rng: random.Random, weighted: Weighted, count: int) -> list[str]:
    """`count` draws whose mix follows the weights to within one each (systematic sampling), shuffled:
    daily mixes wobble like real traffic without sampling noise that would drown a drift."""
    step = sum(weight for _, weight in weighted) / max(count, 1)
    point, cumulative, drawn = rng.random() * step, 0.0, list[str]()
    for name, weight in weighted:
        cumulative += weight
        while point < cumulative and len(drawn) < count:
            drawn.append(name)
            point += step
    drawn += [weighted[-1][0]] * (count - len(drawn))
    rng.shuffle(drawn)
    return drawn


_WEEKEND_NORM = sum(agent.share * agent.weekend for agent in AGENTS)
_TENANT_WEIGHTS = tuple((t.tenant_id, 1.0 / (rank + 1) ** 0.9) for rank, t in enumerate(TENANTS))


def _day_plans(seed: int, day: date, end: date, active: frozenset[str]) -> list[_Plan]:
    """One day's traces in start-time order: agents by share, tenants Zipf, business hours (UTC)."""
    rng = random.Random(int.from_bytes(_trace_id(seed, day, "day")[:8], "big"))
    midnight_ns = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 10**9
    weekend = day.weekday() >= 5
    level = WEEKDAY_TRACES_AT_END * DAILY_GROWTH ** -(end - day).days * (WEEKEND_FACTOR if weekend else 1.0)
    total = level * (1.0 + rng.gauss(0.0, 0.02))
    plans: list[_Plan] = []
    for agent in AGENTS:
        expected = total * (agent.share * agent.weekend / _WEEKEND_NORM if weekend else agent.share)
        count = int(expected) + (rng.random() < expected - int(expected))
        mixes = zip(*(_allocate(rng, mix, count) for mix in (agent.models, agent.channels, agent.modules)), strict=True)
        for index, (drawn_model, channel, module) in enumerate(mixes):
            model = drawn_model
            if "response" in active and agent.name == "Will Fund" and model == "claude-sonnet-4-5":
                model = "claude-opus-4-6"
            seconds = min(max(rng.gauss(13.5 * 3600, 3 * 3600), 5.5 * 3600), 21.5 * 3600)
            start_ns, trace_id = midnight_ns + int(seconds * 1e9), _trace_id(seed, day, f"{agent.slug}|{index}")
            plans.append(_Plan(agent, _pick(rng, _TENANT_WEIGHTS), channel, module, MODELS[model], start_ns, trace_id))
    maya = [p for p in plans if p.agent.name == "Maya"]
    if maya and not weekend and rng.random() < 0.8:  # a tenant's own fine-tune on our vLLM: in no price list
        chosen = rng.choice(maya)
        chosen.model, chosen.tenant = MODELS[UNKNOWN_MODEL], "t-acme"
    conversations: dict[tuple[str, str, str], str] = {}
    for plan in sorted(plans, key=lambda p: p.start_ns):
        key = (plan.tenant, plan.agent.name, plan.channel)
        if key in conversations and rng.random() < 0.35:  # a follow-up turn of the same conversation
            plan.conversation = conversations[key]
        else:
            plan.conversation = conversations[key] = "conv-" + plan.trace_id[:8].hex()
    jobs = [("nightly_kb_reindex", 2 * 3600 + k * 420 + rng.uniform(0, 300)) for k in range(2 + (rng.random() < 0.3))]
    if "memory" in active:  # the cache-miss episode also has mem0 re-index every night
        jobs += [("mem0_reindex", 3 * 3600 + 600 * k) for k in range(2)]
    flow, llama = AGENT_BY_NAME["FLOW"], MODELS["llama-3.3-70b-instruct"]
    for shard, (workflow, seconds) in enumerate(jobs):
        trace_id = _trace_id(seed, day, f"nightly|{shard}")
        plans.append(_Plan(flow, "", "", "M00", llama, midnight_ns + int(seconds * 1e9), trace_id, nightly=workflow))
    return sorted(plans, key=lambda p: p.start_ns)


# --- OTLP building ----------------------------------------------------------------------------------------


class _Batch:
    """One ExportTraceServiceRequest under construction: one ResourceSpans per service, one ScopeSpans per scope."""

    def __init__(self) -> None:
        self.request: Any = ExportTraceServiceRequest()
        self.scopes: dict[tuple[str, str, tuple[str, str]], Any] = {}
        self.resources: dict[tuple[str, str], Any] = {}
        self.traces = 0

    def spans(self, agent_slug: str, module: str, scope: tuple[str, str]) -> Any:
        """The repeated `spans` field of (service, scope) in this request, created on first use."""
        found = self.scopes.get((agent_slug, module, scope))
        if found is None:
            resource_spans = self.resources.get((agent_slug, module))
            if resource_spans is None:
                resource_spans = self.resources[(agent_slug, module)] = self.request.resource_spans.add()
                resource_spans.resource.CopyFrom(_resource(agent_slug, module))
            scope_spans = resource_spans.scope_spans.add()
            scope_spans.scope.CopyFrom(InstrumentationScope(name=scope[0], version=scope[1]))
            found = self.scopes[(agent_slug, module, scope)] = scope_spans.spans
        return found

    def serialize(self) -> bytes:
        return bytes(self.request.SerializeToString())


@cache
def _resource(agent_slug: str, module: str) -> Any:
    return Resource(
        attributes=_attrs(
            ("service.name", f"ross-{agent_slug}"),
            ("ross.module_id", module),
            ("telemetry.sdk.name", "opentelemetry"),
            ("telemetry.sdk.language", "python"),
        )
    )


@cache
def _attrs(*pairs: tuple[str, str | tuple[str, ...]]) -> list[Any]:
    """Low-cardinality attributes, built once and copied into each span (cheaper than building them again).
    A tuple value becomes a string array; a pair with an empty key or value is left out. Do not mutate."""
    found = []
    for key, value in pairs:
        if not key or not value:
            continue
        if isinstance(value, tuple):
            any_value = AnyValue(array_value=ArrayValue(values=[AnyValue(string_value=v) for v in value]))
        else:
            any_value = AnyValue(string_value=value)
        found.append(KeyValue(key=key, value=any_value))
    return found


Ints = list[tuple[str, int]]


class _TraceBuilder:
    """Writes one trace: a root, an invoke_agent parent, and its children laid out one after another in time."""

    def __init__(self, batch: _Batch, plan: _Plan, active: frozenset[str]) -> None:
        self.batch, self.plan, self.active = batch, plan, active
        self.agent, self.model, self.emitter = plan.agent, plan.model, EMITTERS[plan.agent.emitter]
        self.rng = random.Random(int.from_bytes(plan.trace_id[:8], "big"))
        self.app = batch.spans(plan.agent.slug, plan.module, APP_SCOPE)
        self.serial, self.parent, self.cursor = 0, b"", plan.start_ns

    def build(self) -> None:
        plan, agent = self.plan, self.agent
        if plan.channel in WEBHOOK_CHANNELS:
            root = self._open("POST /turn", _SERVER, [])
        else:
            workflow = plan.nightly or MODULES[plan.module]
            kvs = _attrs(("gen_ai.operation.name", "invoke_workflow"), ("gen_ai.workflow.name", workflow))
            root = self._open(f"invoke_workflow {workflow}", _INTERNAL, kvs)
        if plan.tenant:
            root.attributes.extend(_attrs(("ross.tenant_id", plan.tenant), ("ross.channel", plan.channel)))
            root.attributes.add(key="gen_ai.conversation.id", value=AnyValue(string_value=plan.conversation))
        agent_kvs = _attrs(
            ("gen_ai.operation.name", "invoke_agent"),
            ("gen_ai.agent.name", agent.name),
            ("gen_ai.provider.name", self.model.provider),
        )
        agent_span = self._open(f"invoke_agent {agent.name}", _INTERNAL, agent_kvs)
        if plan.nightly:
            self._nightly()
        else:
            self._turn()
        agent_span.end_time_unix_nano = self.cursor + 2_000_000
        root.end_time_unix_nano = self.cursor + 4_000_000

    def _turn(self) -> None:
        """One conversation turn: recall, retrieve, think (maybe call tools), answer, deliver, remember."""
        rng, agent, plan = self.rng, self.agent, self.plan
        if plan.channel == "voice":
            self._tool("voice_transcribe")
        if agent.memory and rng.random() < 0.85:
            self._memory("search_memory", agent.memory)
        context = self._tokens(agent.context)
        source, store, probability, retrieved = agent.retrieval
        if rng.random() < probability:
            self._embeddings(int(rng.uniform(8, 40)))
            kvs = _attrs(
                ("gen_ai.operation.name", "retrieval"),
                ("gen_ai.data_source.id", source),
                ("db.system.name", store),
                ("ross.memory_layer", store),
            )
            self._step(f"retrieval {source}", _CLIENT, rng.uniform(0.02, 0.09), kvs)
            bloat = RAG_BLOAT if "prompt" in self.active and agent.name in BLOATED_AGENTS else 1.0
            context += int(self._tokens(retrieved) * bloat)
        salesforce = rng.randint(*SALESFORCE_CALLS) * ("tool" in self.active) if agent.name == "Sales Cdr" else 0
        if self.model.tool_finish and rng.random() < agent.tool_turn:
            tools = [_pick(rng, agent.tools) for _ in range(1 + (rng.random() < 0.3))]
            output = self._tokens(agent.out_tool) + 40 * (len(tools) - 1)
            self._chat(context, output + 30 * salesforce, final=False)
            for tool in tools + ["salesforce.query"] * salesforce:
                self._tool(tool)
            # the next turn reads the calls and their results; the MCP server returns Salesforce rows as counts
            context += output + 250 * len(tools) + 25 * salesforce
        self._chat(context, self._tokens(agent.out_final), final=True)
        if DELIVERY_TOOL[plan.channel] and rng.random() < (0.6 if plan.channel == "linkedin" else 0.92):
            self._tool(DELIVERY_TOOL[plan.channel])
        if agent.memory and rng.random() < 0.45:
            self._memory(MEMORY_STORES[agent.memory], agent.memory)

    def _nightly(self) -> None:
        """The tenant-less batch job: re-embed changed documents, consolidate memories, summarise."""
        rng = self.rng
        if self.plan.nightly == "mem0_reindex":
            for _ in range(rng.randint(16, 24)):
                self._memory("upsert_memory", "mem0")
            return
        for _ in range(rng.randint(3, 4)):
            self._embeddings(int(rng.uniform(20_000, 80_000)))
        for _ in range(rng.randint(2, 3)):
            self._memory("upsert_memory", "mem0")
        self._chat(self._tokens(6000), self._tokens(400), final=True)

    def _tokens(self, median: int) -> int:
        return max(1, int(median * self.rng.lognormvariate(0.0, 0.25)))

    # --- spans ---------------------------------------------------------------------------------------------

    def _open(self, name: str, kind: int, kvs: list[Any]) -> Any:
        """A container span (root or invoke_agent): the parent of what follows; its end is set last."""
        span = self._span(self.app, name, kind, self.cursor, 0, kvs, [])
        self.parent, self.cursor = span.span_id, self.cursor + int(self.rng.uniform(1e6, 8e6))
        return span

    def _span(self, spans: Any, name: str, kind: int, start: int, end: int, kvs: list[Any], ints: Ints) -> Any:
        self.serial += 1
        span = spans.add(
            trace_id=self.plan.trace_id,
            span_id=hashlib.blake2b(self.plan.trace_id + self.serial.to_bytes(2, "big"), digest_size=8).digest(),
            parent_span_id=self.parent,
            name=name,
            kind=kind,
            start_time_unix_nano=start,
            end_time_unix_nano=end,
        )
        attributes = span.attributes
        attributes.extend(kvs)
        for key, value in ints:
            kv = attributes.add()
            kv.key = key
            kv.value.int_value = value
        return span

    def _step(
        self, name: str, kind: int, seconds: float, kvs: list[Any], ints: Ints | None = None, spans: Any = None
    ) -> Any:
        """A child of the invoke_agent span, starting a few milliseconds after the previous one ended."""
        start = self.cursor + int(self.rng.uniform(0.5e6, 6e6))
        self.cursor = start + int(seconds * 1e9)
        return self._span(self.app if spans is None else spans, name, kind, start, self.cursor, kvs, ints or [])

    def _tool(self, tool: str) -> None:
        seconds = _TOOL_SECONDS.get(tool, 0.4) * self.rng.lognormvariate(0.0, 0.4)
        kvs = _attrs(("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", tool))
        if tool in MCP_SERVERS:  # the MCP client span carries the execute_tool attributes (one span, per §5)
            spans = self.batch.spans(self.agent.slug, self.plan.module, MCP_SCOPE)
            kvs = [*kvs, *_attrs(("mcp.method.name", "tools/call"), ("server.address", MCP_SERVERS[tool]))]
            span = self._step(f"tools/call {tool}", _CLIENT, seconds, kvs, spans=spans)
        else:
            span = self._step(f"execute_tool {tool}", _INTERNAL, seconds, kvs)
        if self.rng.random() < 0.004:
            span.status.code, span.status.message = 2, "upstream timeout"

    def _memory(self, operation: str, framework: str) -> None:
        store = f"{framework}-{'shared' if self.plan.nightly else self.agent.slug}"
        kvs = _attrs(
            ("gen_ai.operation.name", operation), ("ross.memory_layer", framework), ("gen_ai.memory.store.id", store)
        )
        self._step(f"{operation} {store}", _CLIENT, self.rng.uniform(0.02, 0.15), kvs)

    def _llm_spans(self, provider: str) -> Any:
        scope = (LLM_SCOPE_NAMES[(self.emitter.legacy, provider)], self.emitter.scope_version)
        return self.batch.spans(self.agent.slug, self.plan.module, scope)

    def _embeddings(self, tokens: int) -> None:
        e = self.emitter
        kvs = _attrs(
            ("llm.request.type", "embedding") if e.legacy else ("gen_ai.operation.name", "embeddings"),
            (e.provider_key, "openai"),
            ("gen_ai.request.model", EMBEDDING_MODEL),
            ("gen_ai.response.model", EMBEDDING_MODEL),
            ("server.address", "api.openai.com"),
        )
        ints = [(e.input_key, tokens)] + ([(e.total_key, tokens)] if e.total_key else [])
        name = "openai.embeddings" if e.legacy else f"embeddings {EMBEDDING_MODEL}"
        self._step(name, _CLIENT, 0.05 + tokens / 400_000, kvs, ints, spans=self._llm_spans("openai"))

    def _chat(self, context: int, visible: int, final: bool) -> None:
        """An inference span with spec-consistent usage: input includes cache, output includes reasoning."""
        rng, model, e = self.rng, self.model, self.emitter
        prefix = int(self.agent.prefix * rng.uniform(0.97, 1.03))
        read = write = tail = 0
        if model.cache == "explicit" and e.cache_read_key:  # prefix read, the new conversation tail written
            tail = self._tokens(HISTORY_TOKENS)
            missed = rng.random() < CACHE_MISS_RATE["memory" in self.active]
            read, write = (0, prefix + tail) if missed else (prefix, tail)
        elif model.cache == "automatic" and e.cache_read_key and rng.random() < 0.85:
            read = prefix // 128 * 128
        reasoning = 0
        if model.reasoning_median and (final or model.provider == "openai"):  # gpt-5 also reasons before tools
            reasoning = self._tokens(model.reasoning_median if final else model.reasoning_median // 6)
        input_tokens, output_tokens = context + prefix + tail, visible + reasoning
        ints = [(e.input_key, input_tokens), (e.output_key, output_tokens)]
        if read or model.cache == "explicit":
            ints.append((e.cache_read_key, read))
        if model.cache == "explicit":
            ints.append((e.cache_write_key, write))
        if reasoning:
            ints.append((e.reasoning_key, reasoning))
        if e.total_key:
            ints.append((e.total_key, input_tokens + output_tokens))
        finish = model.stop_finish if final else model.tool_finish
        kvs = _attrs(
            ("llm.request.type", "chat") if e.legacy else ("gen_ai.operation.name", model.operation),
            (e.provider_key, model.provider),
            ("gen_ai.request.model", model.request_model),
            ("gen_ai.response.model", model.response_model),
            ("server.address", model.server_address),
            (e.finish_key, finish if e.finish_key.startswith("llm.") else (finish,)),
            ("" if e.legacy else "openai.response.service_tier", self._service_tier()),
        )
        name = f"{model.provider}.chat" if e.legacy else f"{model.operation} {model.request_model}"
        seconds = (0.3 + input_tokens / 30_000 + output_tokens / model.tokens_per_second) * rng.lognormvariate(0, 0.2)
        self._step(name, _CLIENT, seconds, kvs, [(k, v) for k, v in ints if k], spans=self._llm_spans(model.provider))

    def _service_tier(self) -> str:
        """The served tier OpenAI reports: gpt-5 reports runs on flex about a third of the time."""
        if self.model.server_address != "api.openai.com":
            return ""
        if self.model.reasoning_median:
            return "flex" if self.rng.random() < 0.3 else "default"
        return "default" if self.rng.random() < 0.5 else ""
