"""The FOCUS 1.3 rules our rows are checked against, one entry each, with where the rule comes from.

`validator_misses` marks what focus-validator 2.2.1 (FOCUS 1.2 rules, the only ones it has offline) does not
catch, per reference/focus-1.3.md section 10. Profile "focus" is the spec; "ross" adds what holds for our own
charges (no commitments, no amortization, no third-party billing) and our writing conventions. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Profile = Literal["focus", "ross"]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    text: str
    source: str
    profile: Profile = "focus"
    validator_misses: bool = False


_R = Rule
RULES: tuple[Rule, ...] = (
    # --- columns (checked once, on the header) ---
    _R("columns.mandatory", "every Mandatory FOCUS 1.3 column is present (incl. ServiceProviderName, "
       "HostProviderName)", "ColumnHandling; column feature levels", validator_misses=True),
    _R("columns.expected", "every column the export declares (the capabilities we claim) is present",
       "Conditional/Recommended feature levels", "ross"),
    _R("columns.known-or-custom", "a column is a FOCUS 1.3 column or starts with x_", "ColumnHandling",
       validator_misses=True),
    _R("columns.custom-naming", "custom column names are x_ plus PascalCase", "ColumnHandling (SHOULD)"),
    _R("columns.custom-last", "custom columns come after all FOCUS columns", "ColumnHandling (SHOULD)",
       validator_misses=True),
    _R("columns.unique", "no column name appears twice", "ColumnHandling"),
    # --- nulls and types ---
    _R("null.not-nullable", "columns that do not allow nulls are never null (PricingCurrency and "
       "PricingCurrencyEffectiveCost included)", "column constraints; errata #9, #10", validator_misses=True),
    _R("null.no-placeholder", "no empty string, 'NULL', 'N/A' or 'Not Applicable' in place of a null",
       "NullHandling"),
    _R("type.decimal", "Decimal cells follow NumericFormat (no +, no currency, exponent sign only -)",
       "NumericFormat"),
    _R("type.decimal-plain", "Decimal cells are written plain with a decimal point (3000.0)",
       "toolchain: CSV type inference", "ross"),
    _R("type.datetime", "Date/Time cells are YYYY-MM-DDTHH:mm:ssZ and a real UTC instant", "DateTimeFormat",
       validator_misses=True),
    _R("type.integer", "Integer custom cells are whole numbers", "our schema metadata", "ross"),
    _R("type.key-value", "KeyValue cells are a JSON object, unique keys, no nested objects or arrays",
       "KeyValueFormat", validator_misses=True),
    _R("sku-price-details.keys", "SkuPriceDetails keys are FOCUS-defined or start with x_", "SkuPriceDetails",
       validator_misses=True),
    _R("tags.ross", "Tags keys carry the ross/ prefix and values are strings", "Tags (provider prefix)", "ross"),
    _R("currency.iso4217", "BillingCurrency is an ISO 4217 code (three capitals)", "CurrencyFormat"),
    _R("unit.format", "ConsumedUnit, PricingUnit and CommitmentDiscountUnit follow UnitFormat "
       "(capitalised count units, whole-number multipliers)", "UnitFormat", validator_misses=True),
    # --- allowed values ---
    _R("values.allowed", "ChargeCategory, ChargeClass, ChargeFrequency, PricingCategory, ServiceCategory, "
       "ServiceSubcategory, CommitmentDiscountStatus hold allowed values", "column allowed values"),
    _R("values.subcategory-parent", "ServiceSubcategory belongs to the row's ServiceCategory",
       "ServiceSubcategory", validator_misses=True),
    # --- cross-column ---
    _R("periods.order", "period starts come before their ends", "ChargePeriod*/BillingPeriod* (half-open)"),
    _R("sku.price-id-cascade", "null SkuPriceId => null unit prices, quantities, units, PricingCategory, "
       "SkuPriceDetails; non-null SkuPriceId => unit prices set", "SkuPriceId and dependent columns (1.3)",
       validator_misses=True),
    _R("usage.required", "Usage/Purchase rows that are not corrections have SkuId, SkuPriceId, pricing "
       "quantity and unit, PricingCategory, unit prices; Usage rows a ConsumedQuantity", "column nullability"),
    _R("tax.nulls", "Tax rows have no SKU, unit prices, pricing quantity or PricingCategory",
       "column nullability"),
    _R("pairs.null-together", "ConsumedUnit/ConsumedQuantity, PricingUnit/PricingQuantity, SkuMeter/SkuId, "
       "SubAccountName/SubAccountType/SubAccountId, CommitmentDiscountStatus/Id are null together",
       "column nullability"),
    _R("price.non-negative", "unit prices are >= 0", "ListUnitPrice, ContractedUnitPrice, PricingCurrency*"),
    _R("cost.list", "ListCost = ListUnitPrice x PricingQuantity exactly", "ListCost (1.3: no exceptions)",
       validator_misses=True),
    _R("cost.contracted", "ContractedCost = ContractedUnitPrice x PricingQuantity exactly", "ContractedCost",
       validator_misses=True),
    _R("cost.third-party", "ServiceProviderName differs from InvoiceIssuerName => BilledCost = 0",
       "BilledCost (1.3 requirements model)"),
    _R("charge-frequency.purchase", "a Purchase is never Usage-Based", "ChargeFrequency"),
    _R("cost.effective-is-contracted", "EffectiveCost = ContractedCost (no commitment discounts to amortize)",
       "EffectiveCost for our charges", "ross", validator_misses=True),
    _R("cost.billed-is-effective", "BilledCost = EffectiveCost (nothing prepaid or amortized)",
       "BilledCost for our charges", "ross", validator_misses=True),
    _R("cost.pricing-currency", "with PricingCurrency = BillingCurrency the PricingCurrency* prices and cost "
       "equal their billing-currency counterparts", "PricingCurrency* (same currency)", "ross",
       validator_misses=True),
    _R("charge.description", "ChargeDescription is set", "ChargeDescription (SHOULD NOT be null)", "ross"),
    _R("periods.charge-in-billing", "the charge period (a day) lies in the billing period (its month)",
       "our daily charges, monthly billing periods", "ross"),
    # --- dataset ---
    _R("dataset.service-one-category", "each ServiceName has exactly one ServiceCategory", "ServiceName"),
    _R("dataset.service-one-subcategory", "each ServiceName has exactly one ServiceSubcategory",
       "ServiceName (SHOULD)"),
    _R("dataset.sku-price-one-sku", "each SkuPriceId has exactly one parent SkuId", "SkuPriceId"),
)  # fmt: skip
RULES_BY_ID = {rule.id: rule for rule in RULES}


def rules_for(profile: Profile) -> tuple[Rule, ...]:
    return RULES if profile == "ross" else tuple(r for r in RULES if r.profile == "focus")
