"""The cells of a FOCUS row, by the part of the source row that decides them.

A row's cells come from five parts: the export (settings and fixed values), the day, what was used at which
prices ("what": SKU, service, provider, unit prices), for whom ("who": sub account, tags, dimensions), and the
amounts. Each part function takes only its own source fields, so a cell cannot depend on anything else.
The row builder (rows.py) calls them once per row; the columnar builder (columnar.py) calls the same
functions once per distinct key of an Arrow batch, and computes only the amount cells itself, with Arrow
kernels that the tests hold byte-identical to `amount_cells`. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from ross_cost.focus.columns import COLUMN_NAMES
from ross_cost.focus.formats import Cell, decimal_text
from ross_cost.focus.parts import EXACT, periods, price_part, sku_part, who_part
from ross_cost.model import CURRENCY, NOT_APPLICABLE, UNATTRIBUTED

EXPORT_COLUMNS: tuple[str, ...] = (
    "BillingAccountId", "BillingAccountName", "BillingCurrency", "ChargeCategory", "ChargeClass",
    "ChargeFrequency", "CommitmentDiscountStatus", "InvoiceId", "PricingCategory", "PricingCurrency",
)  # fmt: skip
DAY_COLUMNS: tuple[str, ...] = ("BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart")
WHAT_COLUMNS: tuple[str, ...] = (
    "ChargeDescription", "ConsumedUnit", "ContractedUnitPrice", "HostProviderName", "InvoiceIssuerName",
    "ListUnitPrice", "PricingCurrencyContractedUnitPrice", "PricingCurrencyListUnitPrice", "PricingUnit",
    "ProviderName", "PublisherName", "ServiceCategory", "ServiceName", "ServiceProviderName",
    "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "x_Model", "x_Provider",
    "x_LineKind", "x_ToolName", "x_MemoryLayer", "x_ServiceTier", "x_PriceSource", "x_PriceReference",
    "x_NegotiatedTerm",
)  # fmt: skip
WHO_COLUMNS: tuple[str, ...] = (
    "SubAccountId", "SubAccountName", "SubAccountType", "Tags", "x_Layer", "x_TenantId", "x_TenantTier",
    "x_AgentSlug", "x_ModuleId", "x_Channel",
)  # fmt: skip
AMOUNT_COLUMNS: tuple[str, ...] = (
    "BilledCost", "ConsumedQuantity", "ContractedCost", "EffectiveCost", "ListCost",
    "PricingCurrencyEffectiveCost", "PricingQuantity", "x_UsageLines",
)  # fmt: skip
PART_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "export": EXPORT_COLUMNS,
    "day": DAY_COLUMNS,
    "what": WHAT_COLUMNS,
    "who": WHO_COLUMNS,
    "amount": AMOUNT_COLUMNS,
}
#: Column name -> (part, position of its cell in that part's tuple).
COLUMN_PART: Mapping[str, tuple[str, int]] = {
    name: (part, i) for part, names in PART_COLUMNS.items() for i, name in enumerate(names)
}
if sorted(COLUMN_PART) != sorted(COLUMN_NAMES) or len(COLUMN_PART) != len(COLUMN_NAMES):
    raise AssertionError("every FOCUS column belongs to exactly one part")

#: The FocusSourceRow fields each keyed part is a function of (the settings add the internal provider name).
WHAT_KEY: tuple[str, ...] = (
    "provider", "model", "line_kind", "unit", "tool_name", "memory_layer", "service_tier", "price_source",
    "price_reference", "list_unit_price", "effective_unit_price", "contract",
)  # fmt: skip
WHO_KEY: tuple[str, ...] = (
    "tenant_id", "tenant_name", "tenant_tier", "layer", "agent_slug", "module_id", "channel", "tool_name",
    "memory_layer",
)  # fmt: skip
DAY_KEY: tuple[str, ...] = ("day",)


@dataclass(frozen=True)
class FocusSettings:
    """Who the export is for: the billing account is the company running the agents."""

    billing_account_id: str = "ross"
    billing_account_name: str = "ROSS"
    billing_currency: str = CURRENCY
    #: ServiceProviderName (and host, issuer) of work no vendor bills: tools and memory we run ourselves.
    internal_provider_name: str = "Self-hosted"


DEFAULT_SETTINGS = FocusSettings()


@dataclass(frozen=True, slots=True)
class WhatPart:
    """The cells of one charge kind at one pair of unit prices, and what its amounts need."""

    cells: tuple[Cell, ...]  # in WHAT_COLUMNS order
    places: int  # decimal places from one consumed unit to one pricing unit
    to_pricing: Decimal  # -places
    list_price: Decimal  # per PricingUnit
    contracted_price: Decimal


def _ordered(cells: dict[str, Cell], names: tuple[str, ...]) -> tuple[Cell, ...]:
    if len(cells) != len(names):
        raise AssertionError(f"cells {sorted(cells)} are not the part's columns {names}")
    return tuple(cells[name] for name in names)


@lru_cache(maxsize=64)
def export_cells(settings: FocusSettings) -> tuple[Cell, ...]:
    """Cells every row of one export shares."""
    return _ordered(
        {
            "BillingAccountId": settings.billing_account_id,
            "BillingAccountName": settings.billing_account_name,
            "BillingCurrency": settings.billing_currency,
            "ChargeCategory": "Usage",
            "ChargeClass": None,
            "ChargeFrequency": "Usage-Based",
            "CommitmentDiscountStatus": None,
            "InvoiceId": None,
            "PricingCategory": "Standard",
            "PricingCurrency": settings.billing_currency,
        },
        EXPORT_COLUMNS,
    )


@lru_cache(maxsize=4096)
def day_cells(day: date) -> tuple[Cell, ...]:
    """Daily charge period, monthly billing period (periods())."""
    charge_start, charge_end, billing_start, billing_end = periods(day)
    return (billing_end, billing_start, charge_end, charge_start)


@lru_cache(maxsize=65_536)
def what_part(
    provider: str,
    model: str,
    line_kind: str,
    unit: str,
    tool_name: str | None,
    memory_layer: str | None,
    service_tier: str | None,
    price_source: str | None,
    price_reference: str | None,
    list_unit_price: Decimal,
    effective_unit_price: Decimal,
    contract: str | None,
    internal_provider_name: str,
) -> WhatPart:
    sku = sku_part(
        provider, model, line_kind, unit, tool_name, memory_layer, service_tier, price_source, price_reference,
        internal_provider_name,
    )  # fmt: skip
    price = price_part(list_unit_price, effective_unit_price, sku.places)
    name = sku.provider_name
    cells: dict[str, Cell] = {
        "ChargeDescription": sku.description,
        "ConsumedUnit": unit,
        "ContractedUnitPrice": price.contracted_text,
        "HostProviderName": name,
        "InvoiceIssuerName": name,
        "ListUnitPrice": price.list_text,
        "PricingCurrencyContractedUnitPrice": price.contracted_text,
        "PricingCurrencyListUnitPrice": price.list_text,
        "PricingUnit": sku.pricing_unit,
        "ProviderName": name,
        "PublisherName": name,
        "ServiceCategory": sku.service.category,
        "ServiceName": sku.service.name,
        "ServiceProviderName": name,
        "ServiceSubcategory": sku.service.subcategory,
        "SkuId": sku.sku_id,
        "SkuMeter": sku.sku_meter,
        "SkuPriceDetails": sku.price_details,
        "SkuPriceId": sku.sku_price_id,
        "x_Model": None if model == NOT_APPLICABLE else model,
        "x_Provider": None if provider == NOT_APPLICABLE else provider,
        "x_LineKind": line_kind,
        "x_ToolName": tool_name,
        "x_MemoryLayer": memory_layer,
        "x_ServiceTier": service_tier,
        "x_PriceSource": price_source,
        "x_PriceReference": price_reference,
        "x_NegotiatedTerm": contract,
    }
    return WhatPart(_ordered(cells, WHAT_COLUMNS), sku.places, sku.to_pricing, price.list_price, price.contracted_price)


@lru_cache(maxsize=65_536)
def who_cells(
    tenant_id: str,
    tenant_name: str | None,
    tenant_tier: str | None,
    layer: str,
    agent_slug: str,
    module_id: str,
    channel: str,
    tool_name: str | None,
    memory_layer: str | None,
) -> tuple[Cell, ...]:
    who = who_part(
        tenant_id, tenant_id != UNATTRIBUTED, tenant_name, tenant_tier, layer, agent_slug, module_id, channel,
        tool_name, memory_layer,
    )  # fmt: skip
    cells: dict[str, Cell] = {
        "SubAccountId": who.sub_account_id,
        "SubAccountName": who.sub_account_name,
        "SubAccountType": who.sub_account_type,
        "Tags": who.tags,
        "x_Layer": layer,
        "x_TenantId": tenant_id,
        "x_TenantTier": tenant_tier,
        "x_AgentSlug": agent_slug,
        "x_ModuleId": module_id,
        "x_Channel": channel,
    }
    return _ordered(cells, WHO_COLUMNS)


def amount_cells(
    quantity: int, what: WhatPart, effective_cost: Decimal, lines: int
) -> tuple[tuple[Cell, ...], Decimal, Decimal]:
    """The amount cells (AMOUNT_COLUMNS order), the ListCost and the ContractedCost.

    Costs are exact products, never rounded: ListCost = ListUnitPrice × PricingQuantity (= the stored unit
    price × the consumed quantity). EffectiveCost and BilledCost are the stored effective cost."""
    pricing_quantity = EXACT.scaleb(Decimal(quantity), what.to_pricing)
    list_cost = EXACT.multiply(what.list_price, pricing_quantity)
    contracted_cost = EXACT.multiply(what.contracted_price, pricing_quantity)
    effective = decimal_text(effective_cost)
    # Usually equal (no discount; stored cost = price x quantity): reuse the text rather than format again.
    contracted = effective if contracted_cost == effective_cost else decimal_text(contracted_cost)
    listed = contracted if list_cost == contracted_cost else decimal_text(list_cost)
    cells: dict[str, Cell] = {
        "BilledCost": effective,
        "ConsumedQuantity": f"{quantity}.0",
        "ContractedCost": contracted,
        "EffectiveCost": effective,
        "ListCost": listed,
        "PricingCurrencyEffectiveCost": effective,
        "PricingQuantity": decimal_text(pricing_quantity),
        "x_UsageLines": lines,
    }
    return _ordered(cells, AMOUNT_COLUMNS), list_cost, contracted_cost
