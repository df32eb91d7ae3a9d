"""Stored usage, aggregated per day, becomes FOCUS 1.3 CostAndUsage rows.

One source row is one (day, dimensions, layer detail, unit prices) group of usage lines; it becomes one
Usage charge. Tokens are priced per `1000000 Tokens` (PricingQuantity = tokens / 10^6, ListUnitPrice the
per-million price), calls and operations per unit. Costs are exact Decimal products, never rounded:
ListCost = ListUnitPrice × PricingQuantity and ContractedCost = ContractedUnitPrice × PricingQuantity.
EffectiveCost and BilledCost are the stored effective cost (no amortization, no third party), so an export
sums to the cockpit's total to the last stored digit.

Usage without a price cannot be a FOCUS Usage row: such a row needs a SkuPriceId and unit prices, and a
placeholder 0 cost is forbidden by the spec's null handling. It is left out of the rows and counted in
`ExportTally` (and by storage.focus_reads.focus_unpriced) so that it stays visible. Pure: no I/O.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ross_cost.focus.columns import COLUMN_NAMES
from ross_cost.focus.formats import Cell, decimal_text
from ross_cost.focus.parts import EXACT, periods, price_part, sku_part, who_part
from ross_cost.model import CURRENCY, NOT_APPLICABLE, UNATTRIBUTED

#: One FOCUS row: a cell per column of `COLUMN_NAMES`, in that order.
FocusRow = tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class FocusSourceRow:
    """One day's sum of usage lines sharing every dimension, the layer detail and the unit prices."""

    day: date
    tenant_id: str
    agent_slug: str
    module_id: str
    model: str
    provider: str
    channel: str
    layer: str
    line_kind: str
    unit: str
    quantity: int
    list_unit_price: Decimal | None = None  # per consumed unit (token, call, operation), as stored
    effective_unit_price: Decimal | None = None
    list_cost: Decimal | None = None  # stored sums
    effective_cost: Decimal | None = None
    tool_name: str | None = None
    memory_layer: str | None = None
    service_tier: str | None = None
    price_source: str | None = None
    price_reference: str | None = None
    contract: str | None = None
    unpriced_reason: str | None = None
    lines: int = 1
    tenant_name: str | None = None
    tenant_tier: str | None = None

    @property
    def priced(self) -> bool:
        return (
            self.unpriced_reason is None
            and self.effective_cost is not None
            and self.list_unit_price is not None
            and self.effective_unit_price is not None
        )


@dataclass(frozen=True)
class FocusSettings:
    """Who the export is for: the billing account is the company running the agents."""

    billing_account_id: str = "ross"
    billing_account_name: str = "ROSS"
    billing_currency: str = CURRENCY
    #: ServiceProviderName (and host, issuer) of work no vendor bills: tools and memory we run ourselves.
    internal_provider_name: str = "Self-hosted"


DEFAULT_SETTINGS = FocusSettings()


@dataclass
class ExportTally:
    """What an export contained and what it left out, filled while its rows stream."""

    rows: int = 0
    usage_lines: int = 0
    list_cost: Decimal = Decimal(0)
    effective_cost: Decimal = Decimal(0)
    unpriced_groups: int = 0
    unpriced_lines: int = 0
    unpriced_quantity: dict[str, int] = field(default_factory=dict)  # by unit
    unpriced_reasons: dict[str, int] = field(default_factory=dict)  # lines by reason
    #: Rows whose stored cost sums differ from unit price × quantity (conformance flags them as well).
    stored_cost_mismatches: int = 0

    def add_unpriced(self, source: FocusSourceRow) -> None:
        self.unpriced_groups += 1
        self.unpriced_lines += source.lines
        self.unpriced_quantity[source.unit] = self.unpriced_quantity.get(source.unit, 0) + source.quantity
        reason = source.unpriced_reason or "no price"
        self.unpriced_reasons[reason] = self.unpriced_reasons.get(reason, 0) + source.lines


class UnpricedSourceError(ValueError):
    """A source row without a price was asked to become a FOCUS row."""


def focus_rows(
    source: Iterable[FocusSourceRow],
    settings: FocusSettings = DEFAULT_SETTINGS,
    tally: ExportTally | None = None,
) -> Iterator[FocusRow]:
    """Stream FOCUS rows; unpriced groups go to `tally`, never into rows."""
    for item in source:
        if not item.priced:
            if tally is not None:
                tally.add_unpriced(item)
            continue
        row, list_cost, contracted_cost = _build(item, settings)
        if tally is not None:
            assert item.effective_cost is not None
            tally.rows += 1
            tally.usage_lines += item.lines
            tally.list_cost += list_cost
            tally.effective_cost += item.effective_cost
            if list_cost != item.list_cost or contracted_cost != item.effective_cost:
                tally.stored_cost_mismatches += 1
        yield row


def focus_row(source: FocusSourceRow, settings: FocusSettings = DEFAULT_SETTINGS) -> FocusRow:
    """One Usage charge; UnpricedSourceError for a source row without a price."""
    return _build(source, settings)[0]


def row_dict(row: FocusRow) -> dict[str, Cell]:
    return dict(zip(COLUMN_NAMES, row, strict=True))


_in_column_order: Callable[[dict[str, Cell]], FocusRow] = operator.itemgetter(*COLUMN_NAMES)


def _build(src: FocusSourceRow, settings: FocusSettings) -> tuple[FocusRow, Decimal, Decimal]:
    """The row, its ListCost and its ContractedCost."""
    if not src.priced:
        raise UnpricedSourceError(f"{src.line_kind} of {src.model} on {src.day} has no price")
    assert src.list_unit_price is not None and src.effective_unit_price is not None
    assert src.effective_cost is not None
    sku = sku_part(
        src.provider, src.model, src.line_kind, src.unit, src.tool_name, src.memory_layer, src.service_tier,
        src.price_source, src.price_reference, settings.internal_provider_name,
    )  # fmt: skip
    price = price_part(src.list_unit_price, src.effective_unit_price, sku.places)
    who = who_part(
        src.tenant_id, src.tenant_id != UNATTRIBUTED, src.tenant_name, src.tenant_tier, src.layer,
        src.agent_slug, src.module_id, src.channel, src.tool_name, src.memory_layer,
    )  # fmt: skip
    charge_start, charge_end, billing_start, billing_end = periods(src.day)
    pricing_quantity = EXACT.scaleb(Decimal(src.quantity), sku.to_pricing)
    list_cost = EXACT.multiply(price.list_price, pricing_quantity)
    contracted_cost = EXACT.multiply(price.contracted_price, pricing_quantity)
    effective = decimal_text(src.effective_cost)
    # Usually equal (no discount; stored cost = price x quantity): reuse the text rather than format again.
    contracted = effective if contracted_cost == src.effective_cost else decimal_text(contracted_cost)
    listed = contracted if list_cost == contracted_cost else decimal_text(list_cost)
    provider = sku.provider_name
    cells: dict[str, Cell] = {
        "BilledCost": effective,
        "BillingAccountId": settings.billing_account_id,
        "BillingAccountName": settings.billing_account_name,
        "BillingCurrency": settings.billing_currency,
        "BillingPeriodEnd": billing_end,
        "BillingPeriodStart": billing_start,
        "ChargeCategory": "Usage",
        "ChargeClass": None,
        "ChargeDescription": sku.description,
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodEnd": charge_end,
        "ChargePeriodStart": charge_start,
        "CommitmentDiscountStatus": None,
        "ConsumedQuantity": f"{src.quantity}.0",
        "ConsumedUnit": src.unit,
        "ContractedCost": contracted,
        "ContractedUnitPrice": price.contracted_text,
        "EffectiveCost": effective,
        "HostProviderName": provider,
        "InvoiceId": None,
        "InvoiceIssuerName": provider,
        "ListCost": listed,
        "ListUnitPrice": price.list_text,
        "PricingCategory": "Standard",
        "PricingCurrency": settings.billing_currency,
        "PricingCurrencyContractedUnitPrice": price.contracted_text,
        "PricingCurrencyEffectiveCost": effective,
        "PricingCurrencyListUnitPrice": price.list_text,
        "PricingQuantity": decimal_text(pricing_quantity),
        "PricingUnit": sku.pricing_unit,
        "ProviderName": provider,
        "PublisherName": provider,
        "ServiceCategory": sku.service.category,
        "ServiceName": sku.service.name,
        "ServiceProviderName": provider,
        "ServiceSubcategory": sku.service.subcategory,
        "SkuId": sku.sku_id,
        "SkuMeter": sku.sku_meter,
        "SkuPriceDetails": sku.price_details,
        "SkuPriceId": sku.sku_price_id,
        "SubAccountId": who.sub_account_id,
        "SubAccountName": who.sub_account_name,
        "SubAccountType": who.sub_account_type,
        "Tags": who.tags,
        "x_Layer": src.layer,
        "x_TenantId": src.tenant_id,
        "x_TenantTier": src.tenant_tier,
        "x_AgentSlug": src.agent_slug,
        "x_ModuleId": src.module_id,
        "x_Channel": src.channel,
        "x_Model": None if src.model == NOT_APPLICABLE else src.model,
        "x_Provider": None if src.provider == NOT_APPLICABLE else src.provider,
        "x_LineKind": src.line_kind,
        "x_ToolName": src.tool_name,
        "x_MemoryLayer": src.memory_layer,
        "x_ServiceTier": src.service_tier,
        "x_PriceSource": src.price_source,
        "x_PriceReference": src.price_reference,
        "x_NegotiatedTerm": src.contract,
        "x_UsageLines": src.lines,
    }
    return _in_column_order(cells), list_cost, contracted_cost
