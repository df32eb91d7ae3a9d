"""Golden spans per emitter family: every alias in reference/otel-genai.md §2, §4, §6 maps to the same lines,
with Decimal costs worked out by hand from genai-prices' list rates (per MTok)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ross_cost.model import LineKind
from tests.factories import attributor, span

# gpt-4.1-mini: input 0.40, cached 0.10, output 1.60 per MTok. 1,200 input of which 1,024 cached, 300 output.
GPT41_MINI_LIST = Decimal("0.0006528")  # 176 x 0.40 + 1024 x 0.10 + 300 x 1.60 = 70.4 + 102.4 + 480 = 652.8 per MTok
# Without the cache breakdown (older emitters): 1,200 x 0.40 + 300 x 1.60 = 480 + 480
GPT41_MINI_NO_CACHE = Decimal("0.00096")

FAMILIES: dict[str, tuple[dict[str, Any], Decimal]] = {
    "otel-genai-current": ({
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 300,
        "gen_ai.usage.cache_read.input_tokens": 1024}, GPT41_MINI_LIST),
    "otel-contrib-openai-v2-legacy-system": ({
        "gen_ai.operation.name": "chat", "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 300}, GPT41_MINI_NO_CACHE),
    "openllmetry-0.47-prompt-completion-tokens": ({
        "llm.request.type": "chat", "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.prompt_tokens": 1200, "gen_ai.usage.completion_tokens": 300}, GPT41_MINI_NO_CACHE),
    "openllmetry-0.50-underscore-cache": ({
        "llm.request.type": "chat", "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 300,
        "gen_ai.usage.cache_read_input_tokens": 1024}, GPT41_MINI_LIST),
    "openinference": ({
        "openinference.span.kind": "LLM", "llm.provider": "openai", "llm.model_name": "gpt-4.1-mini",
        "llm.token_count.prompt": 1200, "llm.token_count.completion": 300,
        "llm.token_count.prompt_details.cache_read": 1024}, GPT41_MINI_LIST),
    "vercel-ai-sdk": ({
        "ai.model.provider": "openai", "ai.model.id": "gpt-4.1-mini", "gen_ai.usage.prompt_tokens": 1200,
        "gen_ai.usage.completion_tokens": 300, "ai.usage.cachedInputTokens": 1024}, GPT41_MINI_LIST),
    "openai-details-keys": ({
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 300,
        "gen_ai.usage.prompt_tokens_details.cached_tokens": 1024}, GPT41_MINI_LIST),
    "no-provider-server-address": ({
        "gen_ai.operation.name": "chat", "server.address": "api.openai.com", "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 300}, GPT41_MINI_NO_CACHE),
    "no-provider-model-prefix-only": ({
        "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 300}, GPT41_MINI_NO_CACHE),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_emitter_family_prices_to_the_hand_worked_amount(family: str) -> None:
    attrs, expected = FAMILIES[family]
    outcome = attributor().attribute(span(attrs))
    assert outcome.rejection is None
    assert {line.provider for line in outcome.lines} == {"openai"}
    assert {line.model for line in outcome.lines} == {"gpt-4.1-mini"}
    assert sum((line.list_cost or Decimal(0) for line in outcome.lines), Decimal(0)) == expected


@pytest.mark.parametrize(("legacy", "vendor", "model", "expected"), [
    ("vertex_ai", "google", "gemini-2.5-flash", Decimal("0.0003")),  # 1000 x 0.30 per MTok
    ("gemini", "google", "gemini-2.5-flash", Decimal("0.0003")),
    ("gcp.gemini", "google", "gemini-2.5-flash", Decimal("0.0003")),
    ("anthropic", "anthropic", "claude-haiku-4-5", Decimal("0.001")),  # 1000 x 1.00 per MTok
])
def test_old_gen_ai_system_values_are_normalised(legacy: str, vendor: str, model: str, expected: Decimal) -> None:
    attrs = {"gen_ai.operation.name": "chat", "gen_ai.system": legacy, "gen_ai.request.model": model,
             "gen_ai.usage.input_tokens": 1000, "gen_ai.usage.output_tokens": 0}
    lines = attributor().attribute(span(attrs)).lines
    assert [line.provider for line in lines] == [vendor]
    assert lines[0].list_cost == expected


def test_int64_token_counts_sent_as_strings_are_read() -> None:
    attrs = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-5",
             "gen_ai.usage.input_tokens": "1000000", "gen_ai.usage.output_tokens": "0"}
    lines = attributor().attribute(span(attrs)).lines
    assert lines[0].kind is LineKind.INPUT_UNCACHED and lines[0].list_cost == Decimal("1.25")


@pytest.mark.parametrize(("attrs", "reason"), [
    ({"gen_ai.usage.input_tokens": -5, "gen_ai.usage.output_tokens": 1}, "negative"),
    ({"gen_ai.usage.input_tokens": "lots", "gen_ai.usage.output_tokens": 1}, "not a whole number"),
    ({"gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 5,
      "gen_ai.usage.reasoning.output_tokens": 9}, "reasoning tokens (9) exceed output tokens (5)"),
])
def test_impossible_counts_reject_the_span_with_a_reason(attrs: dict[str, Any], reason: str) -> None:
    base = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-5"}
    outcome = attributor().attribute(span(base | attrs))
    assert outcome.lines == [] and outcome.rejection is not None and reason in outcome.rejection
