"""Dimension resolution across the trace tree (DESIGN.md, reference/otel-genai.md §9): pure rules."""

from __future__ import annotations

from typing import Any

from ross_cost.dimensions import TraceNode, candidates_of, resolve_trace, slugify
from tests.factories import span

RES: dict[str, Any] = {"service.name": "ross-sara", "ross.module_id": "M03"}


def resolve(*spans: Any) -> dict[str, dict[str, str]]:
    nodes = {s.span_id: TraceNode(s.span_id, s.parent_span_id, candidates_of(s)) for s in spans}
    return resolve_trace(nodes)


def test_agent_comes_from_the_invoke_agent_parent_tenant_and_channel_from_the_root_module_from_resource() -> None:
    root = span({"ross.tenant_id": "t-acme", "ross.channel": "Voice", "gen_ai.conversation.id": "c-1"},
                span_id="1" * 16, resource=RES)
    agent = span({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Sales Cdr"},
                 span_id="2" * 16, parent="1" * 16, resource=RES)
    call = span({"gen_ai.operation.name": "chat"}, span_id="3" * 16, parent="2" * 16, resource=RES)
    assert resolve(root, agent, call)["3" * 16] == {
        "tenant_id": "t-acme", "agent_slug": "sales-cdr", "module_id": "M03", "channel": "voice",
        "conversation_id": "c-1"}


def test_nothing_resolvable_is_unattributed_and_channel_unknown() -> None:
    lone = span({"gen_ai.operation.name": "chat"}, resource={})
    assert resolve(lone)[lone.span_id] == {"tenant_id": "unattributed", "agent_slug": "unattributed",
                                           "module_id": "unattributed", "channel": "unknown",
                                           "conversation_id": ""}


def test_ross_keys_anywhere_beat_aliases_on_the_span_itself() -> None:
    root = span({"ross.tenant_id": "t-acme"}, span_id="1" * 16, resource={})
    child = span({"tenant.id": "t-other"}, span_id="2" * 16, parent="1" * 16, resource={})
    assert resolve(root, child)["2" * 16]["tenant_id"] == "t-acme"


def test_within_a_tier_the_span_beats_its_ancestors_and_ancestors_beat_the_resource() -> None:
    resource = {"ross.tenant_id": "t-from-resource"}
    root = span({"ross.tenant_id": "t-root"}, span_id="1" * 16, resource=resource)
    mid = span({}, span_id="2" * 16, parent="1" * 16, resource=resource)
    leaf = span({"ross.tenant_id": "t-leaf"}, span_id="3" * 16, parent="2" * 16, resource=resource)
    resolved = resolve(root, mid, leaf)
    assert resolved["3" * 16]["tenant_id"] == "t-leaf"
    assert resolved["2" * 16]["tenant_id"] == "t-root"


def test_nested_agents_attribute_to_the_innermost() -> None:
    outer = span({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Atlas"}, span_id="1" * 16)
    inner = span({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Irati"}, span_id="2" * 16,
                 parent="1" * 16)
    call = span({"gen_ai.operation.name": "chat"}, span_id="3" * 16, parent="2" * 16)
    assert resolve(outer, inner, call)["3" * 16]["agent_slug"] == "irati"


def test_service_name_is_the_last_resort_for_agent_and_module_only() -> None:
    lone = span({}, resource={"service.name": "billing-bot"})
    resolved = resolve(lone)[lone.span_id]
    assert resolved["agent_slug"] == "billing-bot" and resolved["module_id"] == "billing-bot"
    assert resolved["tenant_id"] == "unattributed"


def test_the_sdk_default_service_name_is_not_a_name() -> None:
    lone = span({}, resource={"service.name": "unknown_service:python"})
    assert resolve(lone)[lone.span_id]["agent_slug"] == "unattributed"


def test_langfuse_and_traceloop_context_keys_are_fallbacks() -> None:
    lone = span({"langfuse.trace.metadata.tenant_id": "t-lf", "traceloop.association.properties.channel": "email"},
                resource={})
    resolved = resolve(lone)[lone.span_id]
    assert resolved["tenant_id"] == "t-lf" and resolved["channel"] == "email"


def test_a_parent_cycle_does_not_hang() -> None:
    a = span({"ross.tenant_id": "t-a"}, span_id="1" * 16, parent="2" * 16, resource={})
    b = span({}, span_id="2" * 16, parent="1" * 16, resource={})
    assert resolve(a, b)["2" * 16]["tenant_id"] == "t-a"


def test_agent_names_are_slugged_the_same_whatever_the_spelling() -> None:
    assert slugify("Sales Cdr") == slugify("sales_cdr") == slugify(" SALES-CDR ") == "sales-cdr"
    assert slugify("Will Fund") == "will-fund"


def test_a_parent_cycle_resolves_the_same_whatever_the_order_spans_are_seen() -> None:
    a = span({"ross.tenant_id": "t-a"}, span_id="1" * 16, parent="2" * 16, resource={})
    b = span({"ross.channel": "email"}, span_id="2" * 16, parent="1" * 16, resource={})
    assert resolve(a, b) == resolve(b, a)
