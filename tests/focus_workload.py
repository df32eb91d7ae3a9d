"""FOCUS source rows for the tests: one builder with defaults, a small fixed workload, varied ones.

Stored costs are computed the way storage stores them: unit price × quantity, rounded once to 12 places.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from ross_cost.focus.rows import FocusSourceRow
from ross_cost.model import LineKind, Unit, quantize_money, unit_of

D = Decimal
GENAI = "genai-prices 0.2.5"
BOOK = "price-book 2026-11-01"
#: Per-token list prices (USD), from per-million prices.
SONNET = {"input_uncached": D("3"), "cache_read": D("0.3"), "cache_write": D("3.75"), "output_visible": D("15")}
LAYER_OF_KIND = {
    "input_uncached": "prompt",
    "cache_read": "memory",
    "cache_write": "memory",
    "output_visible": "response",
    "reasoning": "response",
    "embedding_input": "memory",
    "tool_call": "tool",
    "memory_operation": "memory",
}


def per_token(per_million: str | Decimal) -> Decimal:
    return quantize_money(D(per_million) / 1_000_000)


def source(
    *,
    day: date = date(2026, 1, 15),
    line_kind: str = "input_uncached",
    quantity: int = 1_250_000,
    list_unit_price: Decimal | None = None,
    effective_unit_price: Decimal | None = None,
    priced: bool = True,
    **fields: Any,
) -> FocusSourceRow:
    """A source row; prices default to Claude Sonnet 4.5's list prices, costs follow from them."""
    if priced and list_unit_price is None:
        list_unit_price = per_token(SONNET.get(line_kind, D("3")))
    if priced and effective_unit_price is None:
        effective_unit_price = list_unit_price
    defaults: dict[str, Any] = {
        "tenant_id": "acme",
        "agent_slug": "support-bot",
        "module_id": "triage",
        "model": "claude-sonnet-4-5",
        "provider": "anthropic",
        "channel": "web",
        "layer": LAYER_OF_KIND[line_kind],
        "unit": unit_of(LineKind(line_kind)).value,
        "price_source": GENAI if priced else None,
        "price_reference": f"anthropic/claude-sonnet-4-5 {line_kind}" if priced else None,
        "unpriced_reason": None if priced else "model not in any price list",
    }
    defaults.update(fields)
    list_cost = effective_cost = None
    if priced:
        assert list_unit_price is not None and effective_unit_price is not None
        list_cost = quantize_money(list_unit_price * quantity)
        effective_cost = quantize_money(effective_unit_price * quantity)
    return FocusSourceRow(
        day=day,
        line_kind=line_kind,
        quantity=quantity,
        list_unit_price=list_unit_price if priced else None,
        effective_unit_price=effective_unit_price if priced else None,
        list_cost=list_cost,
        effective_cost=effective_cost,
        **defaults,
    )


def small_workload() -> list[FocusSourceRow]:
    """The golden file's workload: every line kind, a negotiated discount, a batch tier, an unattributed
    tenant, self-hosted tools and memory, a vendor tool, a month boundary, and one unpriced group."""
    jan31, feb1 = date(2026, 1, 31), date(2026, 2, 1)
    return [
        source(day=jan31, line_kind="input_uncached", quantity=1_250_000, tenant_tier="enterprise", lines=42),
        source(day=jan31, line_kind="cache_read", quantity=4_000_000, tenant_tier="enterprise",
               memory_layer="prompt_cache", lines=40),
        source(day=jan31, line_kind="cache_write", quantity=350_000, tenant_tier="enterprise",
               memory_layer="prompt_cache", lines=12),
        source(day=jan31, line_kind="output_visible", quantity=180_000, tenant_tier="enterprise", lines=30),
        source(day=jan31, line_kind="output_visible", quantity=42_000, layer="tool", tenant_tier="enterprise",
               lines=12),
        source(day=feb1, line_kind="reasoning", quantity=96_000, model="o4-mini", provider="openai",
               list_unit_price=per_token("2.2"), price_reference="openai/o4-mini output_mtok batch",
               tenant_id="globex", tenant_name="Globex Corporation", tenant_tier="growth", channel="slack",
               agent_slug="sales-assistant", module_id="qualify", service_tier="batch", lines=9),
        source(day=feb1, line_kind="embedding_input", quantity=2_000_000, model="text-embedding-3-small",
               provider="openai", list_unit_price=per_token("0.02"),
               price_reference="openai/text-embedding-3-small input_mtok", memory_layer="embeddings",
               tenant_id="globex", tenant_name="Globex Corporation", tenant_tier="growth", channel="slack",
               agent_slug="sales-assistant", module_id="qualify", lines=250),
        source(day=feb1, line_kind="input_uncached", quantity=310_000, list_unit_price=per_token("3"),
               effective_unit_price=per_token("2.55"), contract="anthropic-enterprise-2026",
               tenant_id="unattributed", channel="unknown", agent_slug="unattributed", module_id="unattributed",
               lines=7),
        source(day=feb1, line_kind="tool_call", quantity=40, model="n/a", provider="n/a", tool_name="web_search",
               list_unit_price=D("0.01"), price_source=BOOK, price_reference="tool web_search", lines=40),
        source(day=feb1, line_kind="tool_call", quantity=3, model="gpt-4.1", provider="openai",
               tool_name="code_interpreter", list_unit_price=D("0.03"), price_source=BOOK,
               price_reference="tool openai/code_interpreter", lines=3),
        source(day=feb1, line_kind="memory_operation", quantity=1_200, model="n/a", provider="n/a",
               memory_layer="qdrant", list_unit_price=D("0.000002"), price_source=BOOK,
               price_reference="memory qdrant", lines=1_200),
        source(day=feb1, line_kind="output_visible", quantity=5_000, model="gemini-2.5-flash", provider="google",
               list_unit_price=per_token("2.5"), price_reference="google/gemini-2.5-flash output_mtok", lines=2),
        source(day=feb1, line_kind="input_uncached", quantity=77_000, model="acme-finetune-7b",
               provider="self-hosted", priced=False, lines=5),
    ]  # fmt: skip


_KINDS = [kind.value for kind in LineKind]
_MODELS = {
    "anthropic": ["claude-sonnet-4-5", "claude-haiku-4-5"],
    "openai": ["gpt-4.1", "gpt-4o-mini", "text-embedding-3-small"],
    "google": ["gemini-2.5-pro", "gemini-2.5-flash"],
    "aws": ["anthropic.claude-sonnet-4-5"],
    "mistral": ["mistral-large"],
}


def varied_workload(rows: int, seed: int = 7) -> list[FocusSourceRow]:
    """Seeded random source rows over two months, providers, tiers, tenants and every line kind."""
    rng = random.Random(seed)
    out = []
    for _ in range(rows):
        kind = rng.choice(_KINDS)
        unit = unit_of(LineKind(kind))
        vendor = rng.choice([*_MODELS, "n/a"]) if unit is not Unit.TOKENS else rng.choice(list(_MODELS))
        model = rng.choice(_MODELS[vendor]) if vendor != "n/a" else "n/a"
        list_price = (
            per_token(D(rng.randint(1, 80_000)) / 1000) if unit is Unit.TOKENS else D(rng.randint(1, 9999)) / 10**6
        )
        discount = rng.choice([D(1), D(1), D("0.9"), D("0.85"), D("0.5")])
        tenant = rng.choice(["acme", "globex", "initech", "unattributed", "umbrella"])
        out.append(
            source(
                day=date(2026, 1, 1) + timedelta(days=rng.randrange(59)),
                line_kind=kind,
                quantity=rng.choice([0, 1, rng.randint(2, 999), rng.randint(1_000, 50_000_000)]),
                list_unit_price=list_price,
                effective_unit_price=quantize_money(list_price * discount),
                contract=None if discount == 1 else f"{vendor}-discount-{discount}",
                provider=vendor,
                model=model,
                tenant_id=tenant,
                tenant_tier=None if tenant in ("unattributed", "umbrella") else rng.choice(["enterprise", "growth"]),
                agent_slug=rng.choice(["support-bot", "sales-assistant", "unattributed"]),
                module_id=rng.choice(["triage", "qualify", "answer"]),
                channel=rng.choice(["web", "slack", "api", "unknown"]),
                tool_name=rng.choice(["web_search", "crm_lookup", "run_sql"]) if kind == "tool_call" else None,
                memory_layer=rng.choice(["mem0", "qdrant", "pgvector"]) if kind == "memory_operation" else None,
                service_tier=rng.choice([None, None, "batch", "priority"]),
                price_source=rng.choice([GENAI, BOOK]),
                price_reference=f"{vendor}/{model} {kind}",
                lines=rng.randint(1, 500),
            )
        )
    return out


@st.composite
def source_rows(draw: st.DrawFn) -> FocusSourceRow:
    """Any priced source row within the stored column ranges (prices of 12 places, quantities < 2^40)."""
    kind = draw(st.sampled_from(_KINDS))
    list_price = D(draw(st.integers(0, 10**8))).scaleb(-12)
    effective_price = D(draw(st.integers(0, 10**8))).scaleb(-12)
    return source(
        day=draw(st.dates(date(2025, 1, 1), date(2027, 12, 31))),
        line_kind=kind,
        quantity=draw(st.integers(0, 2**40)),
        list_unit_price=list_price,
        effective_unit_price=min(list_price, effective_price),
        tenant_id=draw(st.sampled_from(["acme", "unattributed", "Société Générale", 'quote"comma,'])),
        lines=draw(st.integers(1, 10**6)),
    )
