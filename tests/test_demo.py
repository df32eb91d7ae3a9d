"""The demo workload: deterministic OTLP that looks like real instrumentation and tells the four-drift story.

Spans are decoded with opentelemetry.proto only, so these tests hold whatever the ingest path does. Spend is
priced approximately here, with list prices and the price book's flat rates, to hold its levels and the
episodes' sizes; bench/demo_layer_profile.py prints the details.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from statistics import mean
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from ross_cost.demo import DAILY_GROWTH, DEMO_END, drift_episodes, generate
from ross_cost.demo_catalog import AGENTS, CHANNELS, MODULES, TENANTS, TIERS

TENANTS_CSV = Path(__file__).resolve().parents[1] / "data" / "tenants.csv"
PRICE_BOOK = Path(__file__).resolve().parents[1] / "data" / "price_book.yaml"
LAYERS = ("prompt", "tool", "memory", "response")
#: $ per million tokens (input, cache read, cache write, output): list prices in the demo window, as in
#: bench/demo_layer_profile.py. Approximate on purpose (no negotiated discounts): the tests hold levels, not cents.
LIST_PRICES = {
    "claude-sonnet-4-5": (3.0, 0.3, 3.75, 15.0), "claude-opus-4-6": (5.0, 0.5, 6.25, 25.0),
    "claude-haiku-4-5": (1.0, 0.1, 1.25, 5.0), "gpt-4.1-mini": (0.4, 0.1, 0.4, 1.6), "gpt-5": (1.25, 0.125, 1.25, 10.0),
    "gemini-2.5-flash": (0.3, 0.03, 0.3, 2.5), "gemini-2.5-pro": (1.25, 0.125, 1.25, 10.0),
    "llama-3.3-70b-instruct": (0.4, 0.4, 0.4, 0.8),
}  # fmt: skip
CONTAINERS = {"invoke_agent", "invoke_workflow"}
INFERENCE = {"chat", "generate_content"}
USAGE_PREFIXES = ("gen_ai.usage.", "llm.usage.")
TOOL_FINISH = {"tool_calls", "tool_use"}


@dataclass
class DecodedSpan:
    trace_id: bytes
    span_id: bytes
    parent: bytes
    name: str
    kind: int
    start: int
    end: int
    attrs: dict[str, Any]
    resource: dict[str, Any]
    body: int  # index of the request body that carried it

    @property
    def operation(self) -> str:
        legacy = {"chat": "chat", "embedding": "embeddings"}.get(str(self.attrs.get("llm.request.type")), "")
        return str(self.attrs.get("gen_ai.operation.name", legacy))

    @property
    def day(self) -> date:
        return datetime.fromtimestamp(self.start / 1e9, tz=UTC).date()


def _value(any_value: Any) -> Any:
    kind = any_value.WhichOneof("value")
    if kind == "array_value":
        return tuple(_value(v) for v in any_value.array_value.values)
    return getattr(any_value, kind) if kind else None


def decode(bodies: Iterable[bytes]) -> list[DecodedSpan]:
    spans = []
    for index, body in enumerate(bodies):
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            resource = {kv.key: _value(kv.value) for kv in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for s in scope_spans.spans:
                    attrs = {kv.key: _value(kv.value) for kv in s.attributes}
                    spans.append(
                        DecodedSpan(
                            s.trace_id, s.span_id, s.parent_span_id, s.name, s.kind,
                            s.start_time_unix_nano, s.end_time_unix_nano, attrs, resource, index,
                        )
                    )  # fmt: skip
    return spans


def by_trace(spans: list[DecodedSpan]) -> dict[bytes, list[DecodedSpan]]:
    traces: dict[bytes, list[DecodedSpan]] = defaultdict(list)
    for span in spans:
        traces[span.trace_id].append(span)
    return traces


def family(model: str) -> str:
    return re.sub(r"-\d{4}-?\d{2}-?\d{2}$|-\d{8}$", "", model)


def _usage(span: DecodedSpan, *keys: str) -> int:
    return next((int(span.attrs[k]) for k in keys if k in span.attrs), 0)


@cache
def _flat_rates() -> tuple[dict[str, float], dict[str, float]]:
    """Per-call tool prices and per-operation memory prices from the price book."""
    book = yaml.safe_load(PRICE_BOOK.read_text())
    tools = {row["name"]: float(row["per_call"]) for row in book["tools"]}
    return tools, {row["layer"]: float(row["per_operation"]) for row in book["memory"]}


def layer_costs(span: DecodedSpan) -> dict[str, float]:
    """Approximate list cost of one span per layer, by DESIGN.md's layer table (unknown models cost nothing)."""
    tools, memory = _flat_rates()
    found = dict.fromkeys(LAYERS, 0.0)
    if span.operation in INFERENCE:
        rates = LIST_PRICES.get(family(str(span.attrs.get("gen_ai.response.model"))))
        if rates is None:
            return found
        factor = 0.5e-6 if span.attrs.get("openai.response.service_tier") == "flex" else 1e-6
        rate_in, rate_read, rate_write, rate_out = (rate * factor for rate in rates)
        total_in = _usage(span, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
        read = _usage(span, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")
        write = _usage(span, "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens")
        output = _usage(span, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
        reasons = span.attrs.get("gen_ai.response.finish_reasons", (span.attrs.get("llm.response.finish_reason"),))
        found["prompt"] = (total_in - read - write) * rate_in
        found["memory"] = read * rate_read + write * rate_write
        found["tool" if set(reasons) & TOOL_FINISH else "response"] = output * rate_out
    elif span.operation == "embeddings":
        found["memory"] = _usage(span, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens") * 0.02e-6
    elif span.operation == "retrieval" or span.operation.endswith("_memory"):
        found["memory"] = memory[span.attrs["ross.memory_layer"]]
    elif span.operation == "execute_tool":
        found["tool"] = tools[span.attrs["gen_ai.tool.name"]]
    return found


@pytest.fixture(scope="module")
def fortnight() -> list[DecodedSpan]:
    """Two calm weeks at the start of a default window (no episode yet)."""
    return decode(generate(days=14, end=DEMO_END - timedelta(days=226), traces_per_batch=150))


@dataclass
class WindowSummary:
    """What the full default window shows, gathered in one streaming pass (its 400k spans are not kept)."""

    spans: int = 0
    traces: int = 0
    agents: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    tenants: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    tools: set[str] = field(default_factory=set)
    salesforce_days: set[date] = field(default_factory=set)
    salesforce_services: set[str] = field(default_factory=set)
    salesforce_per_trace: Counter[bytes] = field(default_factory=Counter)
    will_fund_opus_days: set[date] = field(default_factory=set)
    mem0_reindex_days: set[date] = field(default_factory=set)
    anthropic_calls: Counter[date] = field(default_factory=Counter)
    anthropic_misses: Counter[date] = field(default_factory=Counter)
    atlas_calls: Counter[date] = field(default_factory=Counter)
    atlas_input: Counter[date] = field(default_factory=Counter)
    cost: dict[date, dict[str, float]] = field(default_factory=lambda: defaultdict(lambda: dict.fromkeys(LAYERS, 0.0)))


@pytest.fixture(scope="module")
def full_window() -> WindowSummary:
    found = WindowSummary()
    for body in generate():
        for span in decode([body]):
            found.spans += 1
            found.traces += not span.parent
            for layer, cost in layer_costs(span).items():
                found.cost[span.day][layer] += cost
            attrs, service, day = span.attrs, span.resource["service.name"], span.day
            found.modules.add(span.resource["ross.module_id"])
            if span.operation == "invoke_agent":
                found.agents.add(attrs["gen_ai.agent.name"])
            if "ross.tenant_id" in attrs:
                found.tenants.add(attrs["ross.tenant_id"])
                found.channels.add(attrs["ross.channel"])
            if "gen_ai.response.model" in attrs:
                found.models.add(family(attrs["gen_ai.response.model"]))
            if span.operation == "execute_tool":
                found.tools.add(attrs["gen_ai.tool.name"])
            if attrs.get("gen_ai.tool.name") == "salesforce.query":
                assert attrs["mcp.method.name"] == "tools/call"
                found.salesforce_days.add(day)
                found.salesforce_services.add(service)
                found.salesforce_per_trace[span.trace_id] += 1
            if service == "ross-will-fund" and attrs.get("gen_ai.request.model") == "claude-opus-4-6":
                found.will_fund_opus_days.add(day)
            if attrs.get("gen_ai.workflow.name") == "mem0_reindex":
                found.mem0_reindex_days.add(day)
            if attrs.get("gen_ai.provider.name") == "anthropic" and span.operation == "chat":
                found.anthropic_calls[day] += 1
                found.anthropic_misses[day] += attrs["gen_ai.usage.cache_read.input_tokens"] == 0
            if service == "ross-atlas" and span.operation in INFERENCE:
                found.atlas_calls[day] += 1
                found.atlas_input[day] += _usage(span, "gen_ai.usage.input_tokens")
    return found


# --- determinism and re-runs --------------------------------------------------------------------------------


def test_the_same_arguments_give_byte_identical_bodies() -> None:
    assert list(generate(days=3, seed=11)) == list(generate(days=3, seed=11))


def test_a_different_seed_gives_different_traces() -> None:
    first = {s.trace_id for s in decode(generate(days=2, seed=1))}
    second = {s.trace_id for s in decode(generate(days=2, seed=2))}
    assert first and second and not first & second


def test_a_calm_day_gives_the_same_spans_whatever_the_window_length() -> None:
    """So a second demo run, even with more days, only re-sends spans that are already stored."""

    def last_two_days(days: int) -> dict[tuple[bytes, bytes], tuple[Any, ...]]:
        spans = decode(generate(days=days, seed=5))
        cutoff = DEMO_END - timedelta(days=2)
        return {
            (s.trace_id, s.span_id): (s.parent, s.name, s.start, s.end, sorted(s.attrs.items()), s.resource)
            for s in spans
            if s.day >= cutoff
        }

    assert last_two_days(2) == last_two_days(5)


def test_batches_hold_whole_traces_and_respect_the_batch_size() -> None:
    bodies = list(generate(days=3, traces_per_batch=50))
    spans = decode(bodies)
    bodies_of_trace: dict[bytes, set[int]] = defaultdict(set)
    for span in spans:
        bodies_of_trace[span.trace_id].add(span.body)
    assert all(len(found) == 1 for found in bodies_of_trace.values())
    traces_per_body = Counter(next(iter(found)) for found in bodies_of_trace.values())
    assert max(traces_per_body.values()) == 50
    assert len(bodies) == len(traces_per_body)


def test_ids_are_well_formed_and_unique(fortnight: list[DecodedSpan]) -> None:
    assert all(len(s.trace_id) == 16 and len(s.span_id) == 8 and any(s.span_id) for s in fortnight)
    assert len({(s.trace_id, s.span_id) for s in fortnight}) == len(fortnight)


# --- tenants ----------------------------------------------------------------------------------------------


def test_the_tenants_file_lists_about_forty_tenants_in_three_tiers() -> None:
    with TENANTS_CSV.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["tenant_id", "name", "tier"]
    assert 35 <= len(rows) <= 45
    assert {row["tier"] for row in rows} == set(TIERS)
    assert all(re.fullmatch(r"t-[a-z0-9-]+", row["tenant_id"]) and row["name"] for row in rows)
    assert len({row["tenant_id"] for row in rows}) == len(rows)
    assert [(r["tenant_id"], r["name"], r["tier"]) for r in rows] == [(t.tenant_id, t.name, t.tier) for t in TENANTS]


def test_enterprise_tenants_send_the_most_traffic(fortnight: list[DecodedSpan]) -> None:
    tier_of = {t.tenant_id: t.tier for t in TENANTS}
    roots = Counter(tier_of[s.attrs["ross.tenant_id"]] for s in fortnight if "ross.tenant_id" in s.attrs)
    per_tenant = {tier: roots[tier] / sum(t.tier == tier for t in TENANTS) for tier in TIERS}
    assert per_tenant["enterprise"] > per_tenant["growth"] > per_tenant["starter"] > 0


# --- trace shape ------------------------------------------------------------------------------------------


def test_every_trace_has_a_root_with_tenant_and_channel_over_an_invoke_agent_parent(
    fortnight: list[DecodedSpan],
) -> None:
    agent_names = {agent.name for agent in AGENTS}
    for spans in by_trace(fortnight).values():
        roots = [s for s in spans if not s.parent]
        assert len(roots) == 1
        root = roots[0]
        assert root.name == "POST /turn" or root.operation == "invoke_workflow"
        agents = [s for s in spans if s.operation == "invoke_agent"]
        assert len(agents) == 1 and agents[0].parent == root.span_id
        assert agents[0].attrs["gen_ai.agent.name"] in agent_names
        assert all(s.parent == agents[0].span_id for s in spans if s not in (root, agents[0]))
        assert len({tuple(sorted(s.resource.items())) for s in spans}) == 1
        assert re.fullmatch(r"M(0\d|1[0-2])", root.resource["ross.module_id"])
        assert root.resource["service.name"].startswith("ross-")
        assert root.resource["telemetry.sdk.name"] == "opentelemetry"
        assert root.resource["telemetry.sdk.language"] == "python"
        if root.attrs.get("gen_ai.workflow.name") in ("nightly_kb_reindex", "mem0_reindex"):
            assert "ross.tenant_id" not in root.attrs and "ross.channel" not in root.attrs
            continue
        assert root.attrs["ross.tenant_id"].startswith("t-")
        assert root.attrs["ross.channel"] in CHANNELS
        assert root.attrs["gen_ai.conversation.id"].startswith("conv-")
        assert not any("ross.tenant_id" in s.attrs or "ross.channel" in s.attrs for s in spans if s is not root)


def test_children_lie_inside_their_parents_in_time(fortnight: list[DecodedSpan]) -> None:
    for spans in by_trace(fortnight).values():
        by_id = {s.span_id: s for s in spans}
        for span in spans:
            assert span.start < span.end
            if span.parent:
                parent = by_id[span.parent]
                assert parent.start <= span.start and span.end <= parent.end


def test_traffic_follows_business_hours_and_the_batch_job_runs_at_night(fortnight: list[DecodedSpan]) -> None:
    for span in fortnight:
        if span.parent:
            continue
        hour = datetime.fromtimestamp(span.start / 1e9, tz=UTC).hour
        nightly = span.attrs.get("gen_ai.workflow.name") in ("nightly_kb_reindex", "mem0_reindex")
        assert 1 <= hour < 4 if nightly else 5 <= hour < 22


def test_container_spans_carry_no_usage(fortnight: list[DecodedSpan]) -> None:
    containers = [s for s in fortnight if s.operation in CONTAINERS or s.name == "POST /turn"]
    assert containers
    assert not [s for s in containers if any(k.startswith(USAGE_PREFIXES) for k in s.attrs)]


def test_a_chat_that_ends_in_a_tool_call_is_followed_by_the_tool_spans(fortnight: list[DecodedSpan]) -> None:
    seen = 0
    for spans in by_trace(fortnight).values():
        children = sorted((s for s in spans if s.parent and s.operation != "invoke_agent"), key=lambda s: s.start)
        for position, span in enumerate(children):
            reasons = span.attrs.get("gen_ai.response.finish_reasons", (span.attrs.get("llm.response.finish_reason"),))
            if span.operation in INFERENCE and set(reasons) & TOOL_FINISH:
                seen += 1
                following = children[position + 1]
                assert following.operation == "execute_tool" and following.attrs["gen_ai.tool.name"]
                assert any(s.operation in INFERENCE and s.start > following.end for s in children)
    assert seen > 100


def test_mcp_tool_calls_are_execute_tool_client_spans(fortnight: list[DecodedSpan]) -> None:
    mcp = [s for s in fortnight if s.attrs.get("mcp.method.name") == "tools/call"]
    assert {s.attrs["gen_ai.tool.name"] for s in mcp} == {"hubspot.search_contacts", "notion.query"}
    assert all(s.operation == "execute_tool" and s.kind == 3 and s.name.startswith("tools/call ") for s in mcp)


def test_memory_and_retrieval_spans_name_their_layer(fortnight: list[DecodedSpan]) -> None:
    memory_ops = {"search_memory", "create_memory", "update_memory", "upsert_memory"}
    memory = [s for s in fortnight if s.operation in memory_ops]
    assert {s.operation for s in memory} == memory_ops
    assert {s.attrs["ross.memory_layer"] for s in memory} == {"letta", "mem0", "graphiti"}
    assert all(s.attrs["gen_ai.memory.store.id"] for s in memory)
    retrieval = [s for s in fortnight if s.operation == "retrieval"]
    assert {s.attrs["gen_ai.data_source.id"] for s in retrieval} == {"kb-main", "kb-sales"}
    assert all(s.attrs["ross.memory_layer"] == s.attrs["db.system.name"] for s in retrieval)
    assert {s.attrs["db.system.name"] for s in retrieval} == {"qdrant", "pgvector"}


# --- usage as the instrumentations report it ------------------------------------------------------------------


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), end=st.dates(date(2025, 1, 1), date(2028, 1, 1)))
def test_token_counts_follow_the_spec_semantics(seed: int, end: date) -> None:
    """input includes cache read and write; output includes reasoning; every count is positive."""
    for span in decode(generate(days=2, seed=seed, end=end)):
        if span.operation not in INFERENCE:
            continue
        total_in = _usage(span, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
        read = _usage(span, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")
        write = _usage(span, "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens")
        output = _usage(span, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
        assert total_in > 0 and output > 0
        assert total_in >= read + write
        assert _usage(span, "gen_ai.usage.reasoning.output_tokens") < output
        if "llm.usage.total_tokens" in span.attrs:
            assert span.attrs["llm.usage.total_tokens"] == total_in + output


def test_providers_report_cache_and_reasoning_their_own_way(fortnight: list[DecodedSpan]) -> None:
    chats = [s for s in fortnight if s.operation in INFERENCE and "gen_ai.provider.name" in s.attrs]
    anthropic = [s for s in chats if s.attrs["gen_ai.provider.name"] == "anthropic"]
    assert all("gen_ai.usage.cache_creation.input_tokens" in s.attrs for s in anthropic)
    assert any(s.attrs["gen_ai.usage.cache_creation.input_tokens"] > 0 for s in anthropic)
    opus = [s for s in anthropic if s.attrs["gen_ai.request.model"] == "claude-opus-4-6"]
    assert opus and any(s.attrs.get("gen_ai.usage.reasoning.output_tokens", 0) > 500 for s in opus)
    gemini = [s for s in chats if s.attrs["gen_ai.provider.name"] == "gcp.gemini"]
    assert gemini and all(s.operation == "generate_content" for s in gemini)
    assert all(s.attrs["gen_ai.usage.reasoning.output_tokens"] < s.attrs["gen_ai.usage.output_tokens"] for s in gemini)
    gpt5 = [s for s in chats if s.attrs["gen_ai.request.model"] == "gpt-5"]
    assert {s.attrs.get("openai.response.service_tier") for s in gpt5} == {"default", "flex"}
    assert all("gen_ai.usage.reasoning.output_tokens" in s for s in [x.attrs for x in gpt5])
    llama = [s for s in chats if s.attrs["gen_ai.request.model"] == "llama-3.3-70b-instruct"]
    assert llama and {(s.attrs["gen_ai.provider.name"], s.attrs["server.address"]) for s in llama} == {
        ("openai", "vllm.internal.ross")
    }
    embeddings = [s for s in fortnight if s.operation == "embeddings" and "gen_ai.provider.name" in s.attrs]
    assert embeddings and all(not {"gen_ai.usage.output_tokens"} & s.attrs.keys() for s in embeddings)


def test_older_instrumentations_keep_their_legacy_spelling(fortnight: list[DecodedSpan]) -> None:
    def chats_of(service: str) -> list[DecodedSpan]:
        return [s for s in fortnight if s.resource["service.name"] == service and s.operation in INFERENCE]

    openllmetry_047 = chats_of("ross-flow")  # <= 0.47: gen_ai.system, prompt/completion tokens, no cache keys
    assert openllmetry_047 and all(
        "gen_ai.system" in s.attrs and "gen_ai.provider.name" not in s.attrs for s in openllmetry_047
    )
    assert all(
        "gen_ai.usage.prompt_tokens" in s.attrs and "gen_ai.usage.input_tokens" not in s.attrs for s in openllmetry_047
    )
    assert not [k for s in openllmetry_047 for k in s.attrs if "cache" in k]
    openllmetry_052 = chats_of("ross-irati")  # 0.48 - 0.53: underscore cache keys
    assert openllmetry_052 and all("gen_ai.system" in s.attrs for s in openllmetry_052)
    assert any(s.attrs.get("gen_ai.usage.cache_read_input_tokens", 0) > 0 for s in openllmetry_052)
    assert not [k for s in openllmetry_052 for k in s.attrs if k.startswith("gen_ai.usage.cache_read.")]


def test_an_unknown_model_and_tenantless_batch_traces_appear(fortnight: list[DecodedSpan]) -> None:
    unknown = [s for s in fortnight if s.attrs.get("gen_ai.request.model") == "acme-finetune-v2"]
    assert 2 <= len({s.trace_id for s in unknown}) <= 40  # a handful a week
    roots = [s for s in fortnight if not s.parent]
    tenantless = [s for s in roots if "ross.tenant_id" not in s.attrs]
    assert 0.005 <= len(tenantless) / len(roots) <= 0.03


# --- spend ----------------------------------------------------------------------------------------------------

#: The fortnight has the traffic of a window's last two weeks; a default window starts this much lower.
AT_WINDOW_START = DAILY_GROWTH ** -(240 - 14)


def _levels(spans: Iterable[DecodedSpan], service: str | None = None) -> dict[str, float]:
    """Mean $/day per layer at the start of a default window (weekends included, as the drift floor sees it)."""
    days: dict[date, dict[str, float]] = defaultdict(lambda: dict.fromkeys(LAYERS, 0.0))
    for span in spans:
        if service is None or span.resource["service.name"] == service:
            for layer, cost in layer_costs(span).items():
                days[span.day][layer] += cost
    assert len(days) == 14
    return {layer: mean(row[layer] for row in days.values()) * AT_WINDOW_START for layer in LAYERS}


def test_every_layer_spends_several_times_the_drift_floor_from_the_first_day(fortnight: list[DecodedSpan]) -> None:
    """The drift detector ignores a series under $1/day; each layer spends well over $5 from the start."""
    levels = _levels(fortnight)
    assert min(levels.values()) > 5.5, levels
    weekdays = {s.day for s in fortnight if s.day.weekday() < 5}
    weekday = sum(sum(layer_costs(s).values()) for s in fortnight if s.day in weekdays) / len(weekdays)
    assert 35 < weekday * AT_WINDOW_START < 70  # about $45 a weekday at the start, $80 at the end
    total = sum(levels.values())
    shares = {layer: level / total for layer, level in levels.items()}
    assert 0.35 < shares["prompt"] < 0.6, shares
    assert all(0.1 < shares[layer] < 0.3 for layer in ("tool", "memory", "response")), shares


def test_the_larger_agents_spend_over_a_dollar_a_day_on_every_layer(fortnight: list[DecodedSpan]) -> None:
    for service in ("ross-sara", "ross-sales-cdr", "ross-atlas"):
        levels = _levels(fortnight, service)
        assert min(levels.values()) > 1.0, (service, levels)


# --- the drift episodes ---------------------------------------------------------------------------------------


@given(days=st.integers(1, 800), end=st.dates(date(2024, 1, 1), date(2030, 1, 1)))
def test_drift_episodes_fit_their_window_with_calm_between(days: int, end: date) -> None:
    window_start = end - timedelta(days=days)
    episodes = drift_episodes(days, end)
    for episode in episodes:
        assert episode.start >= window_start + timedelta(days=35)
        assert episode.end <= end
        assert episode.end - episode.start >= timedelta(days=14)
    for before, after in itertools.pairwise(episodes):
        assert after.start - before.end >= timedelta(days=35)
    assert len({e.layer for e in episodes}) == len(episodes)
    if days >= 240:
        assert [e.layer for e in episodes] == ["prompt", "tool", "memory", "response"]


def test_the_default_window_plants_one_episode_per_layer() -> None:
    episodes = drift_episodes()
    assert [e.layer for e in episodes] == ["prompt", "tool", "memory", "response"]
    assert {e.agent for e in episodes} == {None, "sales-cdr", "will-fund"}
    assert all(e.name and e.description for e in episodes)


@pytest.mark.slow
def test_the_default_demo_shows_every_agent_module_channel_tier_and_model(full_window: WindowSummary) -> None:
    assert full_window.agents == {a.name for a in AGENTS}
    assert full_window.modules == set(MODULES)
    assert full_window.channels == set(CHANNELS)
    assert full_window.tenants == {t.tenant_id for t in TENANTS}
    assert full_window.models == {
        "claude-sonnet-4-5", "claude-opus-4-6", "claude-haiku-4-5", "gpt-4.1-mini", "gpt-5", "gemini-2.5-flash",
        "gemini-2.5-pro", "text-embedding-3-small", "llama-3.3-70b-instruct", "acme-finetune-v2",
    }  # fmt: skip
    assert full_window.tools == {
        "web_search", "crm_lookup", "calendar_book", "send_email", "whatsapp_send", "linkedin_post",
        "voice_synthesize", "voice_transcribe", "doc_render", "hubspot.search_contacts", "notion.query",
        "salesforce.query",
    }  # fmt: skip
    assert full_window.spans < 450_000  # `ross-cost demo` loads it in well under a minute
    assert 6 <= full_window.spans / full_window.traces <= 10


@pytest.mark.slow
def test_each_episode_changes_what_its_story_says_and_only_while_it_lasts(full_window: WindowSummary) -> None:
    episode = {e.layer: e for e in drift_episodes()}

    def days_of(layer: str) -> set[date]:
        e = episode[layer]
        return {e.start + timedelta(days=k) for k in range((e.end - e.start).days)}

    def fortnight_before(layer: str) -> set[date]:
        return {episode[layer].start - timedelta(days=k) for k in range(1, 15)}

    assert full_window.salesforce_days == days_of("tool")
    assert full_window.salesforce_services == {"ross-sales-cdr"}
    assert min(full_window.salesforce_per_trace.values()) >= 3
    assert full_window.will_fund_opus_days == days_of("response")
    assert full_window.mem0_reindex_days == days_of("memory")

    def miss_rate(days: set[date]) -> float:
        return sum(full_window.anthropic_misses[d] for d in days) / sum(full_window.anthropic_calls[d] for d in days)

    assert miss_rate(days_of("memory")) > 5 * miss_rate(fortnight_before("memory"))

    def atlas_input(days: set[date]) -> float:
        return sum(full_window.atlas_input[d] for d in days) / sum(full_window.atlas_calls[d] for d in days)

    assert atlas_input(days_of("prompt")) > 1.5 * atlas_input(fortnight_before("prompt"))


@pytest.mark.slow
def test_each_episode_lifts_its_layer_over_a_third_every_day_and_leaves_the_others(full_window: WindowSummary) -> None:
    """Against the same day type (weekday or weekend) over the four weeks before the episode, as the drift
    detector's frozen baseline does; growth alone lifts every layer about 5 % by then."""
    cost = full_window.cost
    for episode in drift_episodes():
        before = [episode.start - timedelta(days=k) for k in range(1, 29)]
        days = [episode.start + timedelta(days=k) for k in range((episode.end - episode.start).days)]

        def rise(layer: str, day: date, before: list[date] = before) -> float:
            same_type = [d for d in before if (d.weekday() >= 5) == (day.weekday() >= 5)]
            return cost[day][layer] / mean(cost[d][layer] for d in same_type) - 1

        for layer in LAYERS:
            rises = [rise(layer, day) for day in days]
            if layer == episode.layer:
                assert min(rises) > 0.3, (episode.name, layer, min(rises))
            else:
                assert mean(rises) < 0.12, (episode.name, layer, mean(rises))
