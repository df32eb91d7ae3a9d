"""How the demo's spans are spelled: OTLP requests, resources, scopes and each kind of span, per emitter.

What a trace does is decided in demo.py; this module writes it the way real instrumentation would. Token
counts follow what the instrumentations report: input includes cache read and write, output includes
reasoning (shared/reference/otel-genai.md §6). Each trace draws from its own random stream, seeded by its id.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource

from ross_cost.demo_catalog import EMBEDDING_MODEL, MCP_SERVERS, AgentSpec, ModelSpec

CACHE_MISS_RATE = {False: 0.02, True: 0.5}  # Anthropic prefix-cache misses: normal, in the memory episode
HISTORY_TOKENS = 6000  # median tokens each Anthropic call writes to the cache: what the conversation added
OPUS_UPGRADE_THINKING = 13_000  # Will Fund's extended-thinking tokens per answer once on Opus (budget 32k)
INTERNAL, SERVER, CLIENT = 1, 2, 3  # span kinds
_TOOL_SECONDS = {"web_search": 1.2, "doc_render": 1.5, "voice_synthesize": 0.9, "voice_transcribe": 0.7}


@dataclass(frozen=True)
class Emitter:
    """How one instrumentation generation spells inference usage (shared/reference/otel-genai.md §6).

    Every emitter here reports input including cache and output including reasoning; an empty key means
    that emitter does not report the quantity at all.
    """

    legacy: bool  # OpenLLMetry: `llm.request.type` instead of gen_ai.operation.name, spans named "openai.chat"
    provider_key: str
    input_key: str
    output_key: str
    cache_read_key: str
    cache_write_key: str
    reasoning_key: str
    total_key: str
    finish_key: str  # the finish reasons: a string array, or one string under the llm.* key
    scope_version: str


EMITTERS: Final = {
    "semconv": Emitter(
        False, "gen_ai.provider.name", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
        "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_creation.input_tokens",
        "gen_ai.usage.reasoning.output_tokens", "", "gen_ai.response.finish_reasons", "1.3b0",
    ),
    "openllmetry-0.52": Emitter(  # 0.48 - 0.53: gen_ai.system and the underscore cache keys
        True, "gen_ai.system", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
        "gen_ai.usage.cache_read_input_tokens", "gen_ai.usage.cache_creation_input_tokens",
        "llm.usage.reasoning_tokens", "llm.usage.total_tokens", "gen_ai.response.finish_reasons", "0.52.1",
    ),
    "openllmetry-0.47": Emitter(  # <= 0.47: prompt/completion tokens and no cache keys
        True, "gen_ai.system", "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens",
        "", "", "llm.usage.reasoning_tokens", "llm.usage.total_tokens", "llm.response.finish_reason", "0.47.3",
    ),
}  # fmt: skip
#: Instrumentation scope name of inference spans, per (semconv?, provider).
LLM_SCOPE_NAMES: Final = {
    (False, "anthropic"): "opentelemetry.instrumentation.genai.anthropic",
    (False, "openai"): "opentelemetry.instrumentation.genai.openai",
    (False, "gcp.gemini"): "opentelemetry.instrumentation.google_genai",
    (True, "anthropic"): "opentelemetry.instrumentation.anthropic",
    (True, "openai"): "opentelemetry.instrumentation.openai",
}
APP_SCOPE: Final = ("ross.agents", "2.14.0")
MCP_SCOPE: Final = ("opentelemetry.instrumentation.mcp", "0.3b0")


@dataclass(slots=True)
class TracePlan:
    """Who, where, when and on which model one trace runs; decided by the day's plan."""

    agent: AgentSpec
    tenant: str  # "" for the nightly batch job, which runs for no tenant
    channel: str
    module: str
    model: ModelSpec
    start_ns: int
    trace_id: bytes
    upgraded: bool = False  # Will Fund on Opus with extended thinking (the response episode)
    rounds: int = 0  # rounds of tool calls before the answer
    nightly: str = ""  # the batch job's workflow name
    conversation: str = ""


class Batch:
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
        attributes=attrs(
            ("service.name", f"ross-{agent_slug}"),
            ("ross.module_id", module),
            ("telemetry.sdk.name", "opentelemetry"),
            ("telemetry.sdk.language", "python"),
        )
    )


@cache
def attrs(*pairs: tuple[str, str | tuple[str, ...]]) -> list[Any]:
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


class SpanWriter:
    """Writes the spans of one trace into a batch, each child a few milliseconds after the previous one ended.
    Knows how each kind of span is spelled; what a trace does is up to the subclass (demo.py)."""

    def __init__(self, batch: Batch, plan: TracePlan, active: frozenset[str]) -> None:
        self.batch, self.plan, self.active = batch, plan, active
        self.agent, self.model, self.emitter = plan.agent, plan.model, EMITTERS[plan.agent.emitter]
        self.rng = random.Random(int.from_bytes(plan.trace_id[:8], "big"))
        self.app = batch.spans(plan.agent.slug, plan.module, APP_SCOPE)
        self.serial, self.parent, self.cursor = 0, b"", plan.start_ns

    def tokens(self, median: int) -> int:
        return max(1, int(median * self.rng.lognormvariate(0.0, 0.25)))

    # --- spans ---------------------------------------------------------------------------------------------

    def open_container(self, name: str, kind: int, kvs: list[Any]) -> Any:
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

    def step(
        self, name: str, kind: int, seconds: float, kvs: list[Any], ints: Ints | None = None, spans: Any = None
    ) -> Any:
        """A child of the invoke_agent span, starting a few milliseconds after the previous one ended."""
        start = self.cursor + int(self.rng.uniform(0.5e6, 6e6))
        self.cursor = start + int(seconds * 1e9)
        return self._span(self.app if spans is None else spans, name, kind, start, self.cursor, kvs, ints or [])

    def tool(self, tool: str) -> None:
        seconds = _TOOL_SECONDS.get(tool, 0.4) * self.rng.lognormvariate(0.0, 0.4)
        kvs = attrs(("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", tool))
        if tool in MCP_SERVERS:  # the MCP client span carries the execute_tool attributes (one span, per §5)
            spans = self.batch.spans(self.agent.slug, self.plan.module, MCP_SCOPE)
            kvs = [*kvs, *attrs(("mcp.method.name", "tools/call"), ("server.address", MCP_SERVERS[tool]))]
            span = self.step(f"tools/call {tool}", CLIENT, seconds, kvs, spans=spans)
        else:
            span = self.step(f"execute_tool {tool}", INTERNAL, seconds, kvs)
        if self.rng.random() < 0.004:
            span.status.code, span.status.message = 2, "upstream timeout"

    def memory(self, operation: str, framework: str) -> None:
        store = f"{framework}-{'shared' if self.plan.nightly else self.agent.slug}"
        kvs = attrs(
            ("gen_ai.operation.name", operation), ("ross.memory_layer", framework), ("gen_ai.memory.store.id", store)
        )
        self.step(f"{operation} {store}", CLIENT, self.rng.uniform(0.02, 0.15), kvs)

    def _llm_spans(self, provider: str) -> Any:
        scope = (LLM_SCOPE_NAMES[(self.emitter.legacy, provider)], self.emitter.scope_version)
        return self.batch.spans(self.agent.slug, self.plan.module, scope)

    def embeddings(self, tokens: int) -> None:
        e = self.emitter
        kvs = attrs(
            ("llm.request.type", "embedding") if e.legacy else ("gen_ai.operation.name", "embeddings"),
            (e.provider_key, "openai"),
            ("gen_ai.request.model", EMBEDDING_MODEL),
            ("gen_ai.response.model", EMBEDDING_MODEL),
            ("server.address", "api.openai.com"),
        )
        ints = [(e.input_key, tokens)] + ([(e.total_key, tokens)] if e.total_key else [])
        name = "openai.embeddings" if e.legacy else f"embeddings {EMBEDDING_MODEL}"
        self.step(name, CLIENT, 0.05 + tokens / 400_000, kvs, ints, spans=self._llm_spans("openai"))

    def _reasoning(self, final: bool) -> int:
        """Reasoning tokens: reasoning models on every answer (gpt-5 also before tool calls), Claude Sonnet and
        Haiku where the agent turns extended thinking on (interleaved: before tool calls too), and Will Fund's
        upgrade, which thinks hard on its answers."""
        model = self.model
        if final and self.plan.upgraded:
            median = OPUS_UPGRADE_THINKING
        elif model.reasoning_median:
            median = model.reasoning_median if final else model.reasoning_median // 2 * (model.provider == "openai")
        else:
            median = self.agent.thinking * (model.provider == "anthropic")
        return self.tokens(median) if median else 0

    def chat(self, context: int, visible: int, final: bool) -> None:
        """An inference span with spec-consistent usage: input includes cache, output includes reasoning."""
        rng, model, e = self.rng, self.model, self.emitter
        prefix = int(self.agent.prefix * rng.uniform(0.97, 1.03))
        read = write = tail = 0
        if model.cache == "explicit" and e.cache_read_key:  # prefix read, the new conversation tail written
            tail = self.tokens(HISTORY_TOKENS)
            missed = rng.random() < CACHE_MISS_RATE["memory" in self.active]
            read, write = (0, prefix + tail) if missed else (prefix, tail)
        elif model.cache == "automatic" and e.cache_read_key and rng.random() < 0.85:
            read = prefix // 128 * 128
        reasoning = self._reasoning(final)
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
        kvs = attrs(
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
        self.step(name, CLIENT, seconds, kvs, [(k, v) for k, v in ints if k], spans=self._llm_spans(model.provider))

    def _service_tier(self) -> str:
        """The served tier OpenAI reports: gpt-5 reports runs on flex about a third of the time."""
        if self.model.server_address != "api.openai.com":
            return ""
        if self.model.reasoning_median:
            return "flex" if self.rng.random() < 0.3 else "default"
        return "default" if self.rng.random() < 0.5 else ""
