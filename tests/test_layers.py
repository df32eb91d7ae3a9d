"""The four-layer table of DESIGN.md, one rule per test."""

from __future__ import annotations

from decimal import Decimal

from ross_cost.model import NOT_APPLICABLE, Layer, LineKind
from tests.factories import attributor, chat, span


def layers(attrs: dict[str, object]) -> dict[LineKind, Layer]:
    return {line.kind: line.layer for line in attributor().attribute(span(attrs)).lines}


def test_uncached_input_is_prompt_cache_is_memory_output_is_response() -> None:
    assert layers(chat("anthropic", "claude-sonnet-4-5", input=1_000, cache_read=300, cache_write=100,
                       output=50, reasoning=20)) == {
        LineKind.INPUT_UNCACHED: Layer.PROMPT,
        LineKind.CACHE_READ: Layer.MEMORY,
        LineKind.CACHE_WRITE: Layer.MEMORY,
        LineKind.OUTPUT_VISIBLE: Layer.RESPONSE,
        LineKind.REASONING: Layer.RESPONSE,
    }


def test_output_of_a_call_that_ended_in_a_tool_call_is_tool_layer() -> None:
    attrs = chat("openai", "gpt-5", input=1_000, output=80, reasoning=30) | {
        "gen_ai.response.finish_reasons": ("tool_calls",)}
    assert layers(attrs)[LineKind.OUTPUT_VISIBLE] is Layer.TOOL
    assert layers(attrs)[LineKind.REASONING] is Layer.TOOL
    assert layers(attrs)[LineKind.INPUT_UNCACHED] is Layer.PROMPT


def test_prompt_cache_lines_say_which_memory_they_are() -> None:
    lines = attributor().attribute(span(chat("anthropic", "claude-sonnet-4-5", input=10, cache_read=5, output=1))).lines
    assert {line.memory_layer for line in lines if line.layer is Layer.MEMORY} == {"prompt_cache"}


def test_execute_tool_is_one_priced_call_with_its_tool_name() -> None:
    lines = attributor().attribute(span({"gen_ai.operation.name": "execute_tool",
                                         "gen_ai.tool.name": "web_search"})).lines
    assert [(line.kind, line.layer, line.quantity, line.tool_name) for line in lines] == [
        (LineKind.TOOL_CALL, Layer.TOOL, 1, "web_search")]
    assert lines[0].list_cost == Decimal("0.008") and lines[0].model == NOT_APPLICABLE
    assert lines[0].provider == "tavily"


def test_mcp_tools_call_without_genai_operation_is_a_tool_call() -> None:
    lines = attributor().attribute(span({"mcp.method.name": "tools/call", "gen_ai.tool.name": "notion.query"})).lines
    assert [(line.layer, line.tool_name) for line in lines] == [(Layer.TOOL, "notion.query")]


def test_tool_with_no_price_book_entry_is_unpriced_with_reason() -> None:
    attrs = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "teleport"}
    lines = attributor().attribute(span(attrs)).lines
    assert lines[0].price is None and "teleport" in (lines[0].unpriced_reason or "")


def test_embeddings_are_memory_priced_per_token() -> None:
    attrs = {"gen_ai.operation.name": "embeddings", "gen_ai.provider.name": "openai",
             "gen_ai.request.model": "text-embedding-3-small", "gen_ai.usage.input_tokens": 1_000_000}
    lines = attributor().attribute(span(attrs)).lines
    assert [(line.kind, line.layer, line.memory_layer) for line in lines] == [
        (LineKind.EMBEDDING_INPUT, Layer.MEMORY, "embeddings")]
    assert lines[0].list_cost == Decimal("0.02")


def test_retrieval_is_a_memory_operation_named_by_its_store() -> None:
    attrs = {"gen_ai.operation.name": "retrieval", "gen_ai.data_source.id": "kb-main", "db.system.name": "qdrant"}
    lines = attributor().attribute(span(attrs)).lines
    assert [(line.kind, line.layer, line.memory_layer) for line in lines] == [
        (LineKind.MEMORY_OPERATION, Layer.MEMORY, "qdrant")]
    assert lines[0].list_cost == Decimal("0.00006")


def test_memory_framework_operations_are_priced_per_operation() -> None:
    for layer, price in (("letta", "0.0004"), ("mem0", "0.0003"), ("graphiti", "0.0009")):
        attrs = {"gen_ai.operation.name": "search_memory", "ross.memory_layer": layer}
        lines = attributor().attribute(span(attrs)).lines
        assert [(line.layer, line.memory_layer, line.list_cost) for line in lines] == [
            (Layer.MEMORY, layer, Decimal(price))]


def test_spans_that_are_not_genai_add_nothing() -> None:
    assert attributor().attribute(span({"http.request.method": "GET"})).lines == []
