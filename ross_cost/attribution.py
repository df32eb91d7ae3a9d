"""One span in, its priced usage lines out: the four-layer table of DESIGN.md, in one place.

| layer    | what lands there                                                                      |
|----------|---------------------------------------------------------------------------------------|
| prompt   | uncached input tokens of inference spans                                              |
| tool     | execute_tool / MCP tools/call spans per call; output tokens of an inference span that  |
|          | ended in a tool call                                                                  |
| memory   | prompt-cache reads and writes; embeddings; retrieval; memory-framework operations      |
| response | output tokens of inference spans that did not end in a tool call (reasoning its own   |
|          | line kind, same layer)                                                                |

Container spans (invoke_agent, invoke_workflow, create_agent ...) carry context, never cost.
Pure: the pricer is passed in; dimensions are resolved later across the trace tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ross_cost import tokens
from ross_cost.dimensions import Candidates, candidates_of, resource_candidates
from ross_cost.model import NOT_APPLICABLE, UNATTRIBUTED, Layer, LineKind, Priced, TokenBuckets, UsageLine
from ross_cost.otel import semconv as sc
from ross_cost.pricing import ModelMatch, Pricer
from ross_cost.spans import Attributes, AttrValue, SpanRecord
from ross_cost.tokens import Picked

TOOL_CALL_FINISH = frozenset({"tool_calls", "tool_call", "tool_use", "function_call"})
PROMPT_CACHE = "prompt_cache"
MODEL_TOOL_USE = "(model tool-call tokens)"
_OPENINFERENCE_KINDS = {"LLM": "chat", "EMBEDDING": "embeddings", "RETRIEVER": "retrieval", "TOOL": "execute_tool",
                        "AGENT": "invoke_agent", "CHAIN": "invoke_workflow"}
_TRACELOOP_KINDS = {"tool": "execute_tool", "agent": "invoke_agent", "workflow": "invoke_workflow"}


@dataclass(slots=True)
class SpanOutcome:
    """What one span contributes: its context candidates, its lines, or the reason it was rejected."""

    operation: str
    candidates: Candidates
    ts: datetime
    lines: list[UsageLine] = field(default_factory=list)
    rejection: str | None = None


def _text(picked: Picked, keys: tuple[str, ...]) -> str | None:
    found = picked.get(keys)
    return None if found is None else str(found[1]).strip()


def operation_of(attrs: Mapping[str, AttrValue], picked: Picked | None = None) -> str:
    """The GenAI operation, read from the current key or inferred from older emitters' markers."""
    op = attrs.get(sc.OPERATION)
    if isinstance(op, str) and op:
        return op
    picked = tokens.pick(attrs) if picked is None else picked
    if _text(picked, sc.MCP_METHOD_KEYS) == sc.MCP_TOOLS_CALL:
        return "execute_tool"
    legacy = attrs.get(sc.LEGACY_REQUEST_TYPE)
    if isinstance(legacy, str) and legacy in sc.LEGACY_REQUEST_TYPES:
        return sc.LEGACY_REQUEST_TYPES[legacy]
    oi = attrs.get(sc.OPENINFERENCE_SPAN_KIND)
    if isinstance(oi, str) and oi.upper() in _OPENINFERENCE_KINDS:
        return _OPENINFERENCE_KINDS[oi.upper()]
    tl = attrs.get(sc.TRACELOOP_SPAN_KIND)
    if isinstance(tl, str) and tl in _TRACELOOP_KINDS:
        return _TRACELOOP_KINDS[tl]
    if attrs.get(sc.ROSS_MEMORY_LAYER) or _text(picked, sc.DB_SYSTEM_KEYS) in sc.VECTOR_STORES:
        return "search_memory"
    if tokens.has_token_usage(picked):
        return "chat"  # usage with no operation name (OpenLIT `model_request` and kin): an inference call
    return ""


def vendor_of(picked: Picked, resource: Picked, model: str) -> str:
    """The vendor that priced the call: provider attribute, then server address, then the model's prefix."""
    raw = _text(picked, sc.PROVIDER_KEYS) or _text(resource, sc.PROVIDER_KEYS)
    if raw:
        name = sc.LEGACY_PROVIDER_VALUES.get(raw.lower(), raw.lower())
        return sc.VENDOR_OF_PROVIDER.get(name, name)
    host = (_text(picked, (sc.SERVER_ADDRESS,)) or "").lower()
    for suffix, vendor in sc.VENDOR_OF_HOST:
        if suffix in host:
            return vendor
    lowered = model.lower()
    for prefix, vendor in sc.VENDOR_OF_MODEL_PREFIX:
        if lowered.startswith(prefix):
            return vendor
    return ""


def _ts(span: SpanRecord) -> datetime:
    return datetime.fromtimestamp(span.start_ns / 1e9, tz=UTC).replace(tzinfo=None)


def _finished_with_tool_call(picked: Picked) -> bool:
    found = picked.get(sc.FINISH_REASONS)
    if found is None:
        return False
    value = found[1]
    reasons = value if isinstance(value, tuple) else (value,)
    return any(isinstance(r, str) and r.lower() in TOOL_CALL_FINISH for r in reasons)


def _served_tier(picked: Picked) -> str | None:
    return _text(picked, sc.SERVICE_TIER_KEYS)


class Attributor:
    """Turns spans into priced usage lines. Holds only the (read-only) pricer."""

    def __init__(self, pricer: Pricer) -> None:
        self.pricer = pricer
        # Decoders share one resource dict among the spans of a ResourceSpans: scan it once. The dict is kept
        # alongside what was read from it so its id cannot be reused while cached.
        self._resources: dict[int, tuple[Attributes, Candidates, Picked]] = {}

    def _resource(self, resource: Attributes) -> tuple[Attributes, Candidates, Picked]:
        hit = self._resources.get(id(resource))
        if hit is not None and hit[0] is resource:
            return hit
        if len(self._resources) > 4096:
            self._resources.clear()
        hit = self._resources[id(resource)] = (resource, resource_candidates(resource), tokens.pick(resource))
        return hit

    def attribute(self, span: SpanRecord) -> SpanOutcome:
        attrs = span.attributes
        picked = tokens.pick(attrs)
        _, resource_candidates_, resource_picked = self._resource(span.resource)
        operation = operation_of(attrs, picked)
        outcome = SpanOutcome(operation, candidates_of(span, resource_candidates_), _ts(span))
        if not operation or operation in sc.CONTAINER_OPERATIONS:
            return outcome
        try:
            if operation in sc.TOOL_OPERATIONS:
                self._tool(span, picked, outcome)
            elif operation in sc.EMBEDDING_OPERATIONS:
                self._tokens(span, picked, resource_picked, outcome, embedding=True)
            elif operation in sc.RETRIEVAL_OPERATIONS or operation in sc.MEMORY_OPERATIONS:
                self._memory(span, picked, outcome)
            elif operation in sc.INFERENCE_OPERATIONS or tokens.has_token_usage(picked):
                self._tokens(span, picked, resource_picked, outcome, embedding=False)
        except tokens.UsageError as error:
            outcome.lines.clear()
            outcome.rejection = str(error)
        return outcome

    def _line(self, span: SpanRecord, outcome: SpanOutcome, kind: LineKind, layer: Layer, quantity: int,
              priced: Priced, model: str, vendor: str, *, tool_name: str | None = None,
              memory_layer: str | None = None, service_tier: str | None = None) -> None:
        outcome.lines.append(UsageLine(
            span.trace_id, span.span_id, kind, layer, outcome.ts, quantity, model, vendor or UNATTRIBUTED,
            outcome.operation, tool_name=tool_name, memory_layer=memory_layer, service_tier=service_tier,
            price=priced.price, unpriced_reason=priced.unpriced_reason,
        ))

    def _tool(self, span: SpanRecord, picked: Picked, outcome: SpanOutcome) -> None:
        tool = _text(picked, sc.TOOL_NAME_KEYS) or span.name.removeprefix("execute_tool ").strip() or "unnamed"
        vendor, priced = self.pricer.price_tool(tool, outcome.ts)
        self._line(span, outcome, LineKind.TOOL_CALL, Layer.TOOL, 1, priced, NOT_APPLICABLE, vendor, tool_name=tool)

    def _memory(self, span: SpanRecord, picked: Picked, outcome: SpanOutcome) -> None:
        layer = (_text(picked, (sc.ROSS_MEMORY_LAYER,)) or _text(picked, sc.DB_SYSTEM_KEYS)
                 or _text(picked, (sc.DATA_SOURCE_ID, sc.MEMORY_STORE_ID)) or outcome.operation)
        vendor, priced = self.pricer.price_memory(layer, outcome.ts)
        self._line(span, outcome, LineKind.MEMORY_OPERATION, Layer.MEMORY, 1, priced, NOT_APPLICABLE, vendor,
                   memory_layer=layer)

    def _tokens(self, span: SpanRecord, picked: Picked, resource: Picked, outcome: SpanOutcome, *,
                embedding: bool) -> None:
        ts = outcome.ts
        request_model = _text(picked, sc.REQUEST_MODEL_KEYS)
        model = _text(picked, sc.RESPONSE_MODEL_KEYS) or request_model or ""
        vendor = vendor_of(picked, resource, model)
        sdk = _text(picked, (sc.TELEMETRY_SDK_NAME,)) or _text(resource, (sc.TELEMETRY_SDK_NAME,))
        buckets = tokens.normalise(picked, vendor, sdk)
        tier = _served_tier(picked)
        match = self._match(vendor, model, request_model, ts, tier)
        model_dim = match.model_id if isinstance(match, ModelMatch) else (model or UNATTRIBUTED)
        vendor_dim = match.vendor if isinstance(match, ModelMatch) else vendor
        for kind, layer, quantity, memory_layer in _token_lines(buckets, embedding, _finished_with_tool_call(picked)):
            if isinstance(match, ModelMatch):
                priced = self.pricer.price_tokens(match, kind, buckets.total_input, ts)
            else:
                priced = Priced(None, match)
            tool_name = MODEL_TOOL_USE if layer is Layer.TOOL else None
            self._line(span, outcome, kind, layer, quantity, priced, model_dim, vendor_dim,
                       service_tier=tier, memory_layer=memory_layer, tool_name=tool_name)
        if not outcome.lines:  # e.g. a stream without include_usage: visible, never a silent $0
            self._line(span, outcome, LineKind.EMBEDDING_INPUT if embedding else LineKind.INPUT_UNCACHED,
                       Layer.MEMORY if embedding else Layer.PROMPT, 0,
                       Priced(None, "span reports no token usage (a stream without usage reporting?)"),
                       model_dim, vendor_dim, service_tier=tier)

    def _match(self, vendor: str, model: str, request_model: str | None, ts: datetime,
               tier: str | None) -> ModelMatch | str:
        """Price the response model; fall back to the request model only when the response model is unknown."""
        if not model:
            return "span names no model"
        match = self.pricer.match_model(vendor, model, ts, tier)
        if isinstance(match, str) and request_model and request_model != model:
            fallback = self.pricer.match_model(vendor, request_model, ts, tier)
            return fallback if isinstance(fallback, ModelMatch) else match
        return match


def _token_lines(b: TokenBuckets, embedding: bool, tool_call: bool) -> list[tuple[LineKind, Layer, int, str | None]]:
    """The layer table for token buckets; zero buckets give no line."""
    rows: list[tuple[LineKind, Layer, int, str | None]]
    if embedding:
        rows = [(LineKind.EMBEDDING_INPUT, Layer.MEMORY, b.total_input, "embeddings")]
    else:
        out_layer = Layer.TOOL if tool_call else Layer.RESPONSE
        rows = [
            (LineKind.INPUT_UNCACHED, Layer.PROMPT, b.input_uncached, None),
            (LineKind.CACHE_READ, Layer.MEMORY, b.cache_read, PROMPT_CACHE),
            (LineKind.CACHE_WRITE, Layer.MEMORY, b.cache_write, PROMPT_CACHE),
            (LineKind.OUTPUT_VISIBLE, out_layer, b.output_visible, None),
            (LineKind.REASONING, out_layer, b.reasoning, None),
        ]
    return [row for row in rows if row[2] > 0]
