"""The row-level FOCUS 1.3 rules (see rules.py for the list and sources). Pure."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Context, Decimal
from functools import lru_cache
from typing import Any

from ross_cost.focus.columns import COLUMN_BY_NAME, SPEC_BY_NAME, TAG_PREFIX, DataType
from ross_cost.focus.vocabulary import (
    CHARGE_CATEGORIES,
    CHARGE_CLASSES,
    CHARGE_FREQUENCIES,
    CURRENCY_RE,
    DATETIME_RE,
    INTEGER_RE,
    NUMERIC_RE,
    PARENT_CATEGORY,
    PLACEHOLDERS,
    PLAIN_DECIMAL_RE,
    PRICING_CATEGORIES,
    SERVICE_CATEGORIES,
    SKU_PRICE_DETAIL_KEYS,
    UNIT_RE,
    USED_UNUSED,
)

#: Records one violation: (rule id, 1-based row, column, value).
Fail = Callable[[str, int, str, str | None], None]

#: Wide enough that products of any prices and quantities we could meet are exact.
_WIDE = Context(prec=200)
_ALLOWED = {
    "ChargeCategory": CHARGE_CATEGORIES,
    "ChargeClass": CHARGE_CLASSES,
    "ChargeFrequency": CHARGE_FREQUENCIES,
    "PricingCategory": PRICING_CATEGORIES,
    "ServiceCategory": SERVICE_CATEGORIES,
    "ServiceSubcategory": frozenset(PARENT_CATEGORY),
    "CommitmentDiscountStatus": USED_UNUSED,
}
_UNIT_COLUMNS = ("ConsumedUnit", "PricingUnit", "CommitmentDiscountUnit")
_UNIT_PRICES = (
    "ListUnitPrice", "ContractedUnitPrice", "PricingCurrencyListUnitPrice", "PricingCurrencyContractedUnitPrice",
)  # fmt: skip
_NULL_WITHOUT_SKU_PRICE = (
    *_UNIT_PRICES, "PricingQuantity", "PricingUnit", "PricingCategory", "ConsumedQuantity", "ConsumedUnit",
    "CommitmentDiscountQuantity", "CommitmentDiscountUnit", "SkuPriceDetails",
)  # fmt: skip
_REQUIRED_ON_USAGE = ("SkuId", "SkuPriceId", "PricingQuantity", "PricingUnit", "PricingCategory", *_UNIT_PRICES[:2])
_NULL_ON_TAX = ("SkuId", "SkuPriceId", *_UNIT_PRICES, "PricingQuantity", "PricingUnit", "PricingCategory")
_PAIRS = (
    ("ConsumedQuantity", "ConsumedUnit"),
    ("PricingQuantity", "PricingUnit"),
    ("SubAccountId", "SubAccountName"),
    ("SubAccountId", "SubAccountType"),
)
_SAME_CURRENCY = (
    ("PricingCurrencyListUnitPrice", "ListUnitPrice"),
    ("PricingCurrencyContractedUnitPrice", "ContractedUnitPrice"),
    ("PricingCurrencyEffectiveCost", "EffectiveCost"),
)


def check_cells(fail: Fail, n: int, r: Mapping[str, str | None]) -> None:
    """Nulls, types, formats and allowed values, cell by cell (verdicts cached: most cells repeat)."""
    for name, value in r.items():
        for rule in cell_failures(name, value):
            fail(rule, n, name, value)


@lru_cache(maxsize=262_144)
def cell_failures(name: str, value: str | None) -> tuple[str, ...]:
    """The rules one cell breaks on its own; depends only on the column and the value."""
    column = SPEC_BY_NAME.get(name) or COLUMN_BY_NAME.get(name)
    if value is None:
        return ("null.not-nullable",) if column is not None and not column.nullable else ()
    failed: list[str] = []
    if value.strip().lower() in PLACEHOLDERS:
        failed.append("null.no-placeholder")
    kind = column.data_type if column is not None else DataType.STRING
    if kind is DataType.DECIMAL:
        if not NUMERIC_RE.fullmatch(value):
            failed.append("type.decimal")
        elif not PLAIN_DECIMAL_RE.fullmatch(value):
            failed.append("type.decimal-plain")
    elif kind is DataType.DATETIME:
        if not DATETIME_RE.fullmatch(value) or not _real_instant(value):
            failed.append("type.datetime")
    elif kind is DataType.INTEGER:
        if not INTEGER_RE.fullmatch(value):
            failed.append("type.integer")
    elif kind is DataType.KEY_VALUE:
        failed += _key_value_failures(name, value)
    if name in _ALLOWED and value not in _ALLOWED[name]:
        failed.append("values.allowed")
    if name in _UNIT_COLUMNS and not UNIT_RE.fullmatch(value):
        failed.append("unit.format")
    if name == "BillingCurrency" and not CURRENCY_RE.fullmatch(value):
        failed.append("currency.iso4217")
    return tuple(failed)


def _key_value_failures(name: str, value: str) -> list[str]:
    pairs = _json_pairs(value)
    if pairs is None or len({k for k, _ in pairs}) != len(pairs) or any(isinstance(v, dict | list) for _, v in pairs):
        return ["type.key-value"]
    failed = []
    if name == "SkuPriceDetails" and any(k not in SKU_PRICE_DETAIL_KEYS and not k.startswith("x_") for k, _ in pairs):
        failed.append("sku-price-details.keys")
    if name == "Tags" and any(not k.startswith(TAG_PREFIX) or not isinstance(v, str) for k, v in pairs):
        failed.append("tags.ross")
    return failed


def check_cross(fail: Fail, n: int, r: Mapping[str, str | None]) -> None:
    """Rules between columns of one row (a column that is absent counts as null)."""
    get = r.get
    category, correction = get("ChargeCategory"), get("ChargeClass") == "Correction"
    sub = get("ServiceSubcategory")
    if sub is not None and sub in PARENT_CATEGORY and PARENT_CATEGORY[sub] != get("ServiceCategory"):
        fail("values.subcategory-parent", n, "ServiceSubcategory", sub)
    for start_column, end_column in (
        ("ChargePeriodStart", "ChargePeriodEnd"),
        ("BillingPeriodStart", "BillingPeriodEnd"),
    ):
        start, end = get(start_column), get(end_column)
        if start is not None and end is not None and not start < end:  # one format: text order is time order
            fail("periods.order", n, start_column, start)
    if "SkuPriceId" in r:
        if get("SkuPriceId") is None:
            for name in _NULL_WITHOUT_SKU_PRICE:
                if get(name) is not None:
                    fail("sku.price-id-cascade", n, name, get(name))
        else:
            for name in _UNIT_PRICES[:2]:
                if name in r and get(name) is None:
                    fail("sku.price-id-cascade", n, name, None)
    if category in ("Usage", "Purchase") and not correction:
        for name in _REQUIRED_ON_USAGE:
            if name in r and get(name) is None:
                fail("usage.required", n, name, None)
        unused = get("CommitmentDiscountStatus") == "Unused"
        if category == "Usage" and "ConsumedQuantity" in r and get("ConsumedQuantity") is None and not unused:
            fail("usage.required", n, "ConsumedQuantity", None)
    if category == "Tax":
        for name in _NULL_ON_TAX:
            if get(name) is not None:
                fail("tax.nulls", n, name, get(name))
    for a, b in (*_PAIRS, ("SkuId", "SkuMeter"), ("CommitmentDiscountId", "CommitmentDiscountStatus")):
        if b in r and (get(a) is None) != (get(b) is None):
            if b == "SkuMeter" and get(a) is not None:
                continue  # SkuMeter SHOULD (not MUST) be set when SkuId is
            fail("pairs.null-together", n, b, get(b))
    for name in _UNIT_PRICES:
        if (price := _number(get(name))) is not None and price < 0:
            fail("price.non-negative", n, name, get(name))
    quantity = _number(get("PricingQuantity"))
    for rule, cost_column, price_column in (
        ("cost.list", "ListCost", "ListUnitPrice"),
        ("cost.contracted", "ContractedCost", "ContractedUnitPrice"),
    ):
        unit_price, amount = _number(get(price_column)), _number(get(cost_column))
        if quantity is None or unit_price is None or amount is None:
            continue
        if _WIDE.multiply(unit_price, quantity) != amount:
            fail(rule, n, cost_column, get(cost_column))
    issuer, provider = get("InvoiceIssuerName"), get("ServiceProviderName", get("ProviderName"))
    third_party = issuer is not None and provider is not None and issuer != provider
    if third_party and _number(get("BilledCost")) != 0:
        fail("cost.third-party", n, "BilledCost", get("BilledCost"))
    if category == "Purchase" and get("ChargeFrequency") == "Usage-Based":
        fail("charge-frequency.purchase", n, "ChargeFrequency", "Usage-Based")


def check_ours(fail: Fail, n: int, r: Mapping[str, str | None]) -> None:
    """What holds for our own charges: no commitments, no amortization, one currency."""
    get = r.get
    effective = _number(get("EffectiveCost"))
    if get("CommitmentDiscountId") is None and effective != _number(get("ContractedCost")):
        fail("cost.effective-is-contracted", n, "EffectiveCost", get("EffectiveCost"))
    if _number(get("BilledCost")) != effective:
        fail("cost.billed-is-effective", n, "BilledCost", get("BilledCost"))
    if get("PricingCurrency") == get("BillingCurrency"):
        for pricing, billing in _SAME_CURRENCY:
            if _number(get(pricing)) != _number(get(billing)):
                fail("cost.pricing-currency", n, pricing, get(pricing))
    if get("ChargeDescription") is None:
        fail("charge.description", n, "ChargeDescription", None)
    if not _periods_nest(
        get("BillingPeriodStart"), get("ChargePeriodStart"), get("ChargePeriodEnd"), get("BillingPeriodEnd")
    ):
        fail("periods.charge-in-billing", n, "ChargePeriodStart", get("ChargePeriodStart"))


def _periods_nest(
    billing_start: str | None, charge_start: str | None, charge_end: str | None, billing_end: str | None
) -> bool:
    """The charge period lies inside the billing period (one format, so text order is time order; a
    malformed value is type.datetime's business, a missing one null handling's)."""
    if billing_start is None or charge_start is None or charge_end is None or billing_end is None:
        return True
    return billing_start <= charge_start and charge_end <= billing_end


def _number(text: str | None) -> Decimal | None:
    if text is None or not NUMERIC_RE.fullmatch(text):
        return None
    return Decimal(text)


def _real_instant(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")  # noqa: DTZ007 (the Z is checked by the pattern)
    except ValueError:
        return False
    return True


def _json_pairs(text: str) -> list[tuple[str, Any]] | None:
    """The key/value pairs of a JSON object, duplicates kept; None when the text is not a JSON object."""
    pairs: list[list[tuple[str, Any]]] = []

    def keep(items: list[tuple[str, Any]]) -> dict[str, Any]:
        pairs.append(items)
        return dict(items)

    try:
        parsed = json.loads(text, object_pairs_hook=keep)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    return pairs[-1]  # the outermost object is completed last
