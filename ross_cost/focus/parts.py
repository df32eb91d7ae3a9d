"""The cached pieces of a FOCUS row: what was used (SKU, service, provider), at which unit prices, for whom
(sub account, tags), and when (periods). Most rows of an export share them, so each is computed once.

Naming choices (FOCUS 1.3):
- SkuId names what is used, never its price: `anthropic/claude-sonnet-4-5/cache_read`,
  `self-hosted/tool/web_search`, `self-hosted/memory/mem0`. SkuPriceId adds the pricing tier only
  (`.../standard`, `.../batch`): the spec keeps amounts, dates and contract terms out of it.
- SkuPriceDetails carries the price entry used (`x_PriceSource`, `x_PriceReference`): FOCUS defines no
  token keys, and custom keys must start with `x_`.
- Tags: the layer and the ROSS dimensions, keys prefixed `ross/` (provider-defined tags need a prefix).
Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, Inexact, Rounded
from functools import lru_cache

from ross_cost.focus.catalog import Service, is_internal, service_of, sku_meter, vendor_name
from ross_cost.focus.columns import TAG_PREFIX
from ross_cost.focus.formats import day_start_text, decimal_text, key_value_json

#: Exact arithmetic: an operation that would need rounding raises instead. Prices have 12 places and
#: quantities are integers, so 60 digits is far more than any product needs.
EXACT = Context(prec=60, traps=[Inexact, Rounded])
#: ConsumedUnit -> (PricingUnit, decimal places from one consumed unit to one pricing unit). Tokens are
#: priced per million, the unit every LLM price list quotes; calls and operations per unit.
PRICING_UNITS: dict[str, tuple[str, int]] = {
    "Tokens": ("1000000 Tokens", 6),
    "Calls": ("Calls", 0),
    "Operations": ("Operations", 0),
}


@dataclass(frozen=True, slots=True)
class SkuPart:
    provider_name: str
    service: Service
    description: str
    sku_id: str
    sku_meter: str
    sku_price_id: str
    price_details: str | None
    pricing_unit: str
    places: int
    #: -places as a Decimal, to scale consumed quantities to pricing quantities
    to_pricing: Decimal


@dataclass(frozen=True, slots=True)
class PricePart:
    list_price: Decimal  # per PricingUnit
    contracted_price: Decimal
    list_text: str
    contracted_text: str


@dataclass(frozen=True, slots=True)
class WhoPart:
    sub_account_id: str | None
    sub_account_name: str | None
    sub_account_type: str | None
    tags: str


@lru_cache(maxsize=16384)
def sku_part(
    provider: str,
    model: str,
    line_kind: str,
    unit: str,
    tool_name: str | None,
    memory_layer: str | None,
    service_tier: str | None,
    price_source: str | None,
    price_reference: str | None,
    internal_name: str,
) -> SkuPart:
    # Direct API billing: the vendor serves, hosts and invoices, so the provider, host, issuer and the
    # deprecated Provider/Publisher names are one string (the validator reads any difference as
    # third-party billing and then wants BilledCost = 0).
    provider_name = internal_name if is_internal(provider) else vendor_name(provider)
    service = service_of(line_kind, provider_name)
    vendor = "self-hosted" if is_internal(provider) else provider
    meter = sku_meter(line_kind)
    if line_kind == "tool_call":
        sku_id = f"{vendor}/tool/{tool_name or 'unnamed'}"
        description = f"Tool calls: {tool_name or 'unnamed tool'} ({service.name})"
    elif line_kind == "memory_operation":
        sku_id = f"{vendor}/memory/{memory_layer or 'unspecified'}"
        description = f"Memory operations: {memory_layer or 'unspecified memory'} ({service.name})"
    else:
        sku_id = f"{vendor}/{model}/{line_kind}"
        description = f"{meter} of {model} ({service.name})"
    pricing_unit, places = PRICING_UNITS.get(unit, (unit, 0))
    details = {"x_PriceReference": price_reference, "x_PriceSource": price_source}
    known = {key: value for key, value in details.items() if value is not None}
    return SkuPart(
        provider_name=provider_name,
        service=service,
        description=description,
        sku_id=sku_id,
        sku_meter=meter,
        sku_price_id=f"{sku_id}/{service_tier or 'standard'}",
        price_details=key_value_json(known) if known else None,
        pricing_unit=pricing_unit,
        places=places,
        to_pricing=Decimal(-places),
    )


@lru_cache(maxsize=16384)
def price_part(list_unit_price: Decimal, effective_unit_price: Decimal, places: int) -> PricePart:
    """Stored per-unit prices scaled to one PricingUnit (exactly: a shift of the decimal point)."""
    list_price = EXACT.scaleb(list_unit_price, Decimal(places))
    contracted_price = EXACT.scaleb(effective_unit_price, Decimal(places))
    return PricePart(list_price, contracted_price, decimal_text(list_price), decimal_text(contracted_price))


@lru_cache(maxsize=65536)
def who_part(
    tenant_id: str,
    tenant_known: bool,
    tenant_name: str | None,
    tenant_tier: str | None,
    layer: str,
    agent_slug: str,
    module_id: str,
    channel: str,
    tool_name: str | None,
    memory_layer: str | None,
) -> WhoPart:
    """Sub account = the tenant (null when unattributed: the charge belongs to no known tenant)."""
    tags = {
        "layer": layer,
        "tenant_id": tenant_id,
        "agent_slug": agent_slug,
        "module_id": module_id,
        "channel": channel,
        "tenant_tier": tenant_tier,
        "tool_name": tool_name,
        "memory_layer": memory_layer,
    }
    tags_json = key_value_json({TAG_PREFIX + key: value for key, value in tags.items() if value is not None})
    if not tenant_known:
        return WhoPart(None, None, None, tags_json)
    return WhoPart(tenant_id, tenant_name or tenant_id, "Tenant", tags_json)


@lru_cache(maxsize=4096)
def periods(day: date) -> tuple[str, str, str, str]:
    """(ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd): the UTC day and its
    calendar month, both half-open."""
    next_day = date.fromordinal(day.toordinal() + 1)
    month = day.replace(day=1)
    next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return day_start_text(day), day_start_text(next_day), day_start_text(month), day_start_text(next_month)
