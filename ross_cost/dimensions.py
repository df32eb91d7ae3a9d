"""Tenant, agent, module, channel (and conversation) resolved across the trace tree.

GenAI spans rarely carry this context themselves: the agent sits on an `invoke_agent` parent, tenant and
channel on the root, the module on the resource. Spans of one trace arrive in any order and in separate
requests, so each span keeps its own *candidates* and the resolution is a pure function of all the spans
of the trace stored so far: the same set of spans always resolves the same way, whatever the order.

Resolution per dimension: tiers of keys from `semconv.DIMENSION_TIERS`, most trusted first (`ross.*` is
tier 0). Within a tier the span itself wins, then its ancestors nearest first, then the resources along
that path; only then is the next tier tried. Nothing found gives `unattributed` (`unknown` for channel).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ross_cost.model import CONTEXT_DIMENSIONS, UNATTRIBUTED, UNKNOWN_CHANNEL
from ross_cost.otel import semconv as sc
from ross_cost.spans import Attributes, SpanRecord

#: Dimensions resolved here, plus the conversation id (not a dimension, but inherited the same way).
RESOLVED_KEYS: tuple[str, ...] = (*CONTEXT_DIMENSIONS, "conversation_id")
DEFAULTS: dict[str, str] = {
    "tenant_id": UNATTRIBUTED,
    "agent_slug": UNATTRIBUTED,
    "module_id": UNATTRIBUTED,
    "channel": UNKNOWN_CHANNEL,
    "conversation_id": "",
}
#: A candidate: (tier, from the resource?, value). The service.name fallback is tier 99.
Candidate = tuple[int, bool, str]
Candidates = dict[str, list[Candidate]]
SERVICE_TIER = 99
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def slugify(value: str) -> str:
    """'Sales Cdr' -> 'sales-cdr', so that every emitter's spelling of an agent groups together."""
    return _SLUG_JUNK.sub("-", value.strip().lower()).strip("-") or UNATTRIBUTED


def _normalise(dimension: str, value: str) -> str:
    value = value.strip()
    if dimension == "agent_slug":
        return slugify(value)
    if dimension == "channel":
        return value.lower()
    return value


#: key -> [(dimension, tier, rank within the tier)]: a span's attributes are scanned once, not probed per alias.
_KEY_INDEX: dict[str, list[tuple[str, int, int]]] = {}
for _dimension, _tiers in sc.DIMENSION_TIERS.items():
    for _tier, _keys in enumerate(_tiers):
        for _rank, _key in enumerate(_keys):
            _KEY_INDEX.setdefault(_key, []).append((_dimension, _tier, _rank))

_KEY_SET = frozenset(_KEY_INDEX) | {sc.TRACELOOP_SPAN_KIND}
Slot = tuple[str, int, bool]  # (dimension, tier, from the resource?)


def _scan(attrs: Attributes, from_resource: bool, found: dict[Slot, tuple[int, str]]) -> None:
    """Within a tier the earliest-listed alias wins, whatever the attribute order."""
    for key, value in attrs.items():
        hits = _KEY_INDEX.get(key)
        if hits is None or not isinstance(value, str) or not value.strip():
            continue
        for dimension, tier, rank in hits:
            slot = (dimension, tier, from_resource)
            current = found.get(slot)
            if current is None or rank < current[0]:
                found[slot] = (rank, value)


def resource_candidates(resource: Attributes) -> Candidates:
    """The candidates a resource offers (computed once per resource, shared by its spans)."""
    return _candidates({}, resource)


def candidates_of(span: SpanRecord, resource_part: Candidates | None = None) -> Candidates:
    """The context values this span (and its resource) offers, before looking at the tree."""
    span_attrs = span.attributes
    if resource_part is not None and _KEY_SET.isdisjoint(span_attrs):
        return resource_part  # most inference spans carry no context of their own
    if span_attrs.get(sc.TRACELOOP_SPAN_KIND) == "agent" and isinstance(span_attrs.get("traceloop.entity.name"), str):
        span_attrs = {**span_attrs, sc.TRACELOOP_AGENT_KEY: span_attrs["traceloop.entity.name"]}
    if resource_part is None:
        resource_part = resource_candidates(span.resource)
    own = _candidates(span_attrs, {})
    if not own:
        return resource_part
    merged = {dim: list(values) for dim, values in own.items()}
    for dim, values in resource_part.items():
        merged.setdefault(dim, []).extend(values)
    return merged


def _candidates(span_attrs: Attributes, resource: Attributes) -> Candidates:
    found: dict[Slot, tuple[int, str]] = {}
    _scan(span_attrs, False, found)
    _scan(resource, True, found)
    out: Candidates = {}
    for (dimension, tier, from_resource), (_rank, value) in sorted(found.items()):
        out.setdefault(dimension, []).append((tier, from_resource, _normalise(dimension, value)))
    service = resource.get(sc.SERVICE_NAME)
    if isinstance(service, str) and service and not service.startswith("unknown_service"):
        for dimension in sc.SERVICE_NAME_FALLBACK:
            out.setdefault(dimension, []).append((SERVICE_TIER, True, _normalise(dimension, service)))
    return out


def encode_candidates(candidates: Candidates) -> str:
    return json.dumps(candidates, separators=(",", ":"), sort_keys=True)


def decode_candidates(text: str) -> Candidates:
    raw = json.loads(text) if text else {}
    return {dim: [(int(t), bool(r), str(v)) for t, r, v in values] for dim, values in raw.items()}


Best = dict[str, tuple[int, int, str]]  # dimension -> (tier, from resource?, value) of the best candidate so far


@dataclass(frozen=True, slots=True)
class TraceNode:
    span_id: str
    parent_span_id: str
    candidates: Candidates
    own: Best | None = None  # own_best(candidates) when the caller has it cached (spans share candidates)


def own_best(candidates: Candidates) -> Best:
    """The best candidate of each dimension on one span alone."""
    best: Best = {}
    for dimension, values in candidates.items():
        tier, from_resource, value = min(values, key=lambda c: (c[0], c[1]))
        best[dimension] = (tier, int(from_resource), value)
    return best


def _parents(nodes: Mapping[str, TraceNode]) -> dict[str, str]:
    """Known parent of each span, with any parent cycle cut at its smallest span id (same cut in any order)."""
    parents = {sid: n.parent_span_id for sid, n in nodes.items() if n.parent_span_id in nodes}
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    for start in sorted(nodes):
        walk: list[str] = []
        current: str | None = start
        while current is not None and current not in state:
            state[current] = 1
            walk.append(current)
            current = parents.get(current)
        if current is not None and state[current] == 1:  # closed a cycle
            cycle = walk[walk.index(current):]
            del parents[min(cycle)]
        for sid in walk:
            state[sid] = 2
    return parents


def _best_of(span_id: str, nodes: Mapping[str, TraceNode], parents: Mapping[str, str], memo: dict[str, Best]) -> Best:
    """Best candidates along the span's ancestry: own ones win ties, since nearer beats farther."""
    chain: list[str] = []
    current: str | None = span_id
    while current is not None and current not in memo:
        chain.append(current)
        current = parents.get(current)
    inherited: Best = memo[current] if current is not None else {}
    for sid in reversed(chain):
        best = dict(inherited)
        node = nodes[sid]
        for dimension, own in (node.own if node.own is not None else own_best(node.candidates)).items():
            above = best.get(dimension)
            if above is None or own[:2] <= above[:2]:
                best[dimension] = own
        memo[sid] = inherited = best
    return inherited


def resolve_trace(nodes: Mapping[str, TraceNode]) -> dict[str, dict[str, str]]:
    """Resolved context for every span of one trace (all spans known so far); linear in the trace size."""
    parents = _parents(nodes)
    memo: dict[str, Best] = {}
    out: dict[str, dict[str, str]] = {}
    for span_id in nodes:
        best = _best_of(span_id, nodes, parents, memo)
        out[span_id] = {d: best[d][2] if d in best else DEFAULTS[d] for d in RESOLVED_KEYS}
    return out
