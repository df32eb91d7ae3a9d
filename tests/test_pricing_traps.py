"""Every cost-accuracy bug class found in peer tools (shared/reference/pricing-traps.md) has a test here
proving it cannot happen in ross-cost. Expected amounts are worked out by hand from genai-prices' list rates."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from genai_prices import Usage, calc_price

from ross_cost.model import Layer, LineKind, UsageLine
from tests.factories import attributor, chat, span


def lines_of(attrs: dict[str, object], **kw: object) -> list[UsageLine]:
    outcome = attributor().attribute(span(attrs, **kw))  # type: ignore[arg-type]
    assert outcome.rejection is None, outcome.rejection
    return outcome.lines


def by_kind(lines: list[UsageLine]) -> dict[LineKind, int]:
    return {line.kind: line.quantity for line in lines}


def list_total(lines: list[UsageLine]) -> Decimal:
    return sum((line.list_cost or Decimal(0) for line in lines), Decimal(0))


# --- class 1: cached tokens counted twice or at the wrong rate --------------------------------------


def test_cached_tokens_inside_input_are_not_counted_twice() -> None:
    lines = lines_of(chat("openai", "gpt-4.1-mini", input=17_903, cache_read=17_817, output=10))
    assert by_kind(lines)[LineKind.INPUT_UNCACHED] == 86
    assert by_kind(lines)[LineKind.CACHE_READ] == 17_817
    assert sum(line.quantity for line in lines) == 17_903 + 10


def test_openai_cached_tokens_are_priced_at_the_cached_rate_not_the_full_rate() -> None:
    lines = lines_of(chat("openai", "gpt-4.1-mini", input=100_000, cache_read=60_000, output=0))
    cache = next(line for line in lines if line.kind is LineKind.CACHE_READ)
    assert cache.price is not None and cache.price.list_unit_price == Decimal("0.0000001")  # $0.10 / MTok
    assert list_total(lines) == Decimal("0.022")  # 40k x 0.40 + 60k x 0.10 per MTok


def test_anthropic_cache_writes_are_charged_once_at_the_write_rate() -> None:
    lines = lines_of(chat("anthropic", "claude-sonnet-4-5", input=100_000, cache_read=60_000, cache_write=10_000,
                          output=2_000))
    # 30k x $3 + 60k x $0.30 + 10k x $3.75 + 2k x $15 per MTok = 0.09 + 0.018 + 0.0375 + 0.03
    assert list_total(lines) == Decimal("0.1755")
    expected = calc_price(Usage(input_tokens=100_000, cache_read_tokens=60_000, cache_write_tokens=10_000,
                                output_tokens=2_000), "claude-sonnet-4-5", provider_id="anthropic",
                          genai_request_timestamp=datetime(2026, 11, 15, tzinfo=UTC)).total_price
    assert list_total(lines) == expected


def test_openlit_anthropic_raw_input_excluding_cache_is_made_inclusive() -> None:
    attrs = chat("anthropic", "claude-sonnet-4-5", input=30_000, cache_read=60_000, cache_write=10_000, output=2_000)
    resource = {"service.name": "bot", "telemetry.sdk.name": "openlit"}
    lines = lines_of(attrs, resource=resource)
    assert by_kind(lines) == {LineKind.INPUT_UNCACHED: 30_000, LineKind.CACHE_READ: 60_000,
                              LineKind.CACHE_WRITE: 10_000, LineKind.OUTPUT_VISIBLE: 2_000}
    assert list_total(lines) == Decimal("0.1755")


def test_underscore_cache_keys_of_older_openllmetry_are_read() -> None:
    attrs = chat("anthropic", "claude-sonnet-4-5", input=1_000, output=10)
    attrs |= {"gen_ai.usage.cache_read_input_tokens": 400, "gen_ai.usage.cache_creation_input_tokens": 100}
    assert by_kind(lines_of(attrs))[LineKind.CACHE_READ] == 400
    assert by_kind(lines_of(attrs))[LineKind.CACHE_WRITE] == 100


def test_new_cache_write_spelling_wins_over_cache_creation() -> None:
    attrs = chat("anthropic", "claude-sonnet-4-5", input=1_000, output=10)
    attrs |= {"gen_ai.usage.cache_write.input_tokens": 300, "gen_ai.usage.cache_creation.input_tokens": 300}
    assert by_kind(lines_of(attrs))[LineKind.CACHE_WRITE] == 300
    assert by_kind(lines_of(attrs))[LineKind.INPUT_UNCACHED] == 700


def test_cache_larger_than_input_is_rejected_with_its_reason() -> None:
    outcome = attributor().attribute(span(chat("openai", "gpt-4.1-mini", input=100, cache_read=500, output=1)))
    assert outcome.lines == []
    assert outcome.rejection is not None and "exceed input tokens" in outcome.rejection


# --- class 2: reasoning tokens priced wrong in both directions --------------------------------------


def test_openai_reasoning_is_inside_output_not_added_on_top() -> None:
    lines = lines_of(chat("openai", "gpt-5", input=1_200, cache_read=1_024, output=300, reasoning=192))
    kinds = by_kind(lines)
    assert kinds[LineKind.OUTPUT_VISIBLE] + kinds[LineKind.REASONING] == 300
    # 176 x 1.25 + 1024 x 0.125 + 300 x 10 per MTok
    assert list_total(lines) == Decimal("0.003348")


def test_gemini_native_thoughts_outside_output_are_priced_too() -> None:
    attrs = chat("gcp.gemini", "gemini-2.5-flash", input=1_000, output=200)
    attrs["gen_ai.usage.thoughts_tokens"] = 800
    kinds = by_kind(lines_of(attrs))
    assert kinds[LineKind.OUTPUT_VISIBLE] == 200 and kinds[LineKind.REASONING] == 800
    # 1000 x 0.30 + 1000 x 2.50 per MTok
    assert list_total(lines_of(attrs)) == Decimal("0.0028")


def test_gemini_thoughts_already_added_by_the_official_instrumentation_are_not_double_counted() -> None:
    kinds = by_kind(lines_of(chat("gcp.gemini", "gemini-2.5-flash", input=1_000, output=1_000, reasoning=800)))
    assert kinds[LineKind.OUTPUT_VISIBLE] == 200 and kinds[LineKind.REASONING] == 800


def test_reasoning_and_visible_output_are_both_priced() -> None:
    lines = lines_of(chat("openai", "gpt-5", input=10, output=1_000, reasoning=400))
    priced = {line.kind for line in lines if line.price is not None}
    assert {LineKind.OUTPUT_VISIBLE, LineKind.REASONING} <= priced
    assert all(line.layer is Layer.RESPONSE for line in lines if line.kind is LineKind.REASONING)


def test_old_openllmetry_underscore_reasoning_key_is_read() -> None:
    attrs = chat("openai", "gpt-5", input=10, output=1_000)
    attrs["gen_ai.usage.reasoning_tokens"] = 250
    assert by_kind(lines_of(attrs))[LineKind.REASONING] == 250


# --- class 3: wrong or missing price for a model version or host ------------------------------------


def test_dated_snapshot_is_priced_as_its_model() -> None:
    lines = lines_of(chat("openai", "gpt-4o-mini", response_model="gpt-4o-mini-2024-07-18", input=1_000_000, output=0))
    assert lines[0].model == "gpt-4o-mini" and lines[0].list_cost == Decimal("0.15")


def test_response_model_is_priced_before_the_request_model() -> None:
    lines = lines_of(chat("openai", "gpt-4.1-mini", response_model="gpt-5", input=1_000_000, output=0))
    assert lines[0].model == "gpt-5" and lines[0].list_cost == Decimal("1.25")


def test_unknown_model_is_unpriced_with_a_reason_never_zero() -> None:
    lines = lines_of(chat("openai", "acme-finetune-v2", input=500, output=50))
    assert lines and all(line.price is None and line.list_cost is None for line in lines)
    assert all("acme-finetune-v2" in (line.unpriced_reason or "") for line in lines)


def test_price_in_force_at_the_span_time_is_used() -> None:
    usage = {"input": 300_000, "output": 10_000}
    before = lines_of(chat("anthropic", "claude-opus-4-6", **usage), when=datetime(2026, 3, 1, tzinfo=UTC))
    after = lines_of(chat("anthropic", "claude-opus-4-6", **usage), when=datetime(2026, 11, 1, tzinfo=UTC))
    assert list_total(before) == Decimal("3.375")  # the >200k-token tier, dropped on 2026-03-13
    assert list_total(after) == Decimal("1.75")


def test_long_context_tier_reprices_the_whole_request() -> None:
    lines = lines_of(chat("anthropic", "claude-sonnet-4-5", input=250_000, output=1_000))
    assert list_total(lines) == Decimal("1.5225")  # 250k x $6 + 1k x $22.50 per MTok


def test_self_hosted_model_is_priced_from_the_price_book() -> None:
    attrs = chat("openai", "llama-3.3-70b-instruct", input=1_000_000, output=1_000_000)
    lines = lines_of(attrs)
    assert {line.provider for line in lines} == {"self-hosted"}
    assert list_total(lines) == Decimal("1.20")


# --- class 4: service tier ignored or mis-resolved ---------------------------------------------------


def test_served_flex_tier_is_priced_at_the_flex_rate() -> None:
    attrs = chat("openai", "gpt-5", input=1_000_000, output=0) | {"openai.response.service_tier": "flex"}
    assert list_total(lines_of(attrs)) == Decimal("0.625")


def test_served_tier_wins_over_the_requested_tier() -> None:
    attrs = chat("openai", "gpt-5", input=1_000_000, output=0) | {
        "openai.request.service_tier": "priority", "openai.response.service_tier": "default"}
    assert list_total(lines_of(attrs)) == Decimal("1.25")


def test_a_tier_with_no_known_price_is_unpriced_not_billed_at_standard() -> None:
    attrs = chat("openai", "gpt-5", input=1_000, output=0) | {"openai.response.service_tier": "scale"}
    assert all(line.price is None and "scale" in (line.unpriced_reason or "") for line in lines_of(attrs))


# --- class 5: missing cost on streaming ---------------------------------------------------------------


def test_inference_span_without_usage_is_visible_as_unpriced_not_zero() -> None:
    lines = lines_of({"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
                      "gen_ai.request.model": "gpt-5", "gen_ai.request.stream": True})
    assert len(lines) == 1 and lines[0].price is None and "no token usage" in (lines[0].unpriced_reason or "")


# --- class 6: aggregation errors ---------------------------------------------------------------------


def test_container_spans_add_no_cost_even_when_they_carry_usage() -> None:
    attrs = {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Sara",
             "gen_ai.usage.input_tokens": 5_000, "gen_ai.usage.output_tokens": 500}
    assert attributor().attribute(span(attrs)).lines == []


def test_declared_tools_are_not_charged() -> None:
    attrs = chat("openai", "gpt-4.1-mini", input=100, output=10) | {
        "gen_ai.tool.definitions": '[{"name": "web_search"}, {"name": "crm_lookup"}]'}
    assert all(line.layer is not Layer.TOOL for line in lines_of(attrs))


# --- class 7: tracked total far from the bill ----------------------------------------------------------


def test_negotiated_discount_gives_effective_below_list_and_names_the_contract() -> None:
    lines = lines_of(chat("anthropic", "claude-haiku-4-5", input=1_000_000, output=0))
    assert lines[0].list_cost == Decimal("1") and lines[0].effective_cost == Decimal("0.88")
    assert lines[0].price is not None and lines[0].price.contract == "ANTH-ENT-2026"


def test_a_reported_cost_attribute_never_overrides_the_computed_cost() -> None:
    attrs = chat("openai", "gpt-5", input=1_000_000, output=0) | {"gen_ai.usage.cost": 99.0}
    assert list_total(lines_of(attrs)) == Decimal("1.25")
