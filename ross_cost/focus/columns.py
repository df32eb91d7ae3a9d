"""The FOCUS 1.3 CostAndUsage columns: the spec's catalogue and the ones we emit, in one place.

Everything else (row builder, writers, conformance, metadata, importer) reads names, types, feature levels
and nullability from here, so a column is added or retyped once. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

FOCUS_VERSION = "1.3"
DATASET = "CostAndUsage"
#: Prefix of the tag keys ROSS defines (published as ProviderTagPrefixes in the schema metadata).
TAG_PREFIX = "ross/"


class DataType(StrEnum):
    """The spec's data types; JSON columns say which JSON attribute governs them."""

    STRING = "String"
    DECIMAL = "Decimal"
    DATETIME = "Date/Time"
    KEY_VALUE = "JSON (KeyValueFormat)"
    JSON_OBJECT = "JSON (JsonObjectFormat)"
    INTEGER = "Integer"  # only our x_ columns


class FeatureLevel(StrEnum):
    MANDATORY = "Mandatory"
    CONDITIONAL = "Conditional"
    RECOMMENDED = "Recommended"
    CUSTOM = "Custom"  # an x_ column of ours


@dataclass(frozen=True, slots=True)
class FocusColumn:
    """One column. `nullable` is the spec's "Allows nulls" with the errata applied (PricingCurrency*)."""

    name: str
    data_type: DataType
    level: FeatureLevel
    nullable: bool
    since: str = "1.3"
    deprecated: bool = False
    #: Why we emit it, for columns whose presence is a choice (Conditional/Recommended/helper).
    why: str = ""


S, D, T, KV, JO, INT = (
    DataType.STRING,
    DataType.DECIMAL,
    DataType.DATETIME,
    DataType.KEY_VALUE,
    DataType.JSON_OBJECT,
    DataType.INTEGER,
)
M, C, R = FeatureLevel.MANDATORY, FeatureLevel.CONDITIONAL, FeatureLevel.RECOMMENDED

#: All 65 CostAndUsage columns of FOCUS 1.3, alphabetical: (name, type, level, nullable, since, deprecated).
SPEC_COLUMNS: tuple[FocusColumn, ...] = tuple(
    FocusColumn(name, data_type, level, nullable, since, deprecated)
    for name, data_type, level, nullable, since, deprecated in (
        ("AllocatedMethodDetails", JO, R, True, "1.3", False),
        ("AllocatedMethodId", S, C, True, "1.3", False),
        ("AllocatedResourceId", S, C, True, "1.3", False),
        ("AllocatedResourceName", S, C, True, "1.3", False),
        ("AllocatedTags", KV, C, True, "1.3", False),
        ("AvailabilityZone", S, R, True, "0.5", False),
        ("BilledCost", D, M, False, "0.5", False),
        ("BillingAccountId", S, M, False, "0.5", False),
        ("BillingAccountName", S, M, True, "0.5", False),
        ("BillingAccountType", S, C, False, "1.2", False),
        ("BillingCurrency", S, M, False, "0.5", False),
        ("BillingPeriodEnd", T, M, False, "0.5", False),
        ("BillingPeriodStart", T, M, False, "0.5", False),
        ("CapacityReservationId", S, C, True, "1.1", False),
        ("CapacityReservationStatus", S, C, True, "1.1", False),
        ("ChargeCategory", S, M, False, "0.5", False),
        ("ChargeClass", S, M, True, "1.0", False),
        ("ChargeDescription", S, M, True, "1.0", False),
        ("ChargeFrequency", S, R, False, "1.0", False),
        ("ChargePeriodEnd", T, M, False, "0.5", False),
        ("ChargePeriodStart", T, M, False, "0.5", False),
        ("CommitmentDiscountCategory", S, C, True, "1.0", False),
        ("CommitmentDiscountId", S, C, True, "1.0", False),
        ("CommitmentDiscountName", S, C, True, "1.0", False),
        ("CommitmentDiscountQuantity", D, C, True, "1.1", False),
        ("CommitmentDiscountStatus", S, C, True, "1.0", False),
        ("CommitmentDiscountType", S, C, True, "1.0", False),
        ("CommitmentDiscountUnit", S, C, True, "1.1", False),
        ("ConsumedQuantity", D, C, True, "1.0", False),
        ("ConsumedUnit", S, C, True, "1.0", False),
        ("ContractApplied", JO, C, True, "1.3", False),
        ("ContractedCost", D, M, False, "1.0", False),
        ("ContractedUnitPrice", D, C, True, "1.0", False),
        ("EffectiveCost", D, M, False, "0.5", False),
        ("HostProviderName", S, M, True, "1.3", False),
        ("InvoiceId", S, R, True, "1.2", False),
        ("InvoiceIssuerName", S, M, False, "0.5", False),
        ("ListCost", D, M, False, "1.0", False),
        ("ListUnitPrice", D, C, True, "1.0", False),
        ("PricingCategory", S, C, True, "1.0", False),
        ("PricingCurrency", S, C, False, "1.2", False),  # errata #9: not nullable
        ("PricingCurrencyContractedUnitPrice", D, C, True, "1.2", False),
        ("PricingCurrencyEffectiveCost", D, C, False, "1.2", False),  # errata #10: not nullable
        ("PricingCurrencyListUnitPrice", D, C, True, "1.2", False),
        ("PricingQuantity", D, M, True, "1.0", False),
        ("PricingUnit", S, M, True, "1.0", False),
        ("ProviderName", S, M, False, "0.5", True),
        ("PublisherName", S, M, False, "0.5", True),
        ("RegionId", S, C, True, "1.0", False),
        ("RegionName", S, C, True, "1.0", False),
        ("ResourceId", S, C, True, "0.5", False),
        ("ResourceName", S, C, True, "0.5", False),
        ("ResourceType", S, C, True, "1.0", False),
        ("ServiceCategory", S, M, False, "0.5", False),
        ("ServiceName", S, M, False, "0.5", False),
        ("ServiceProviderName", S, M, False, "1.3", False),
        ("ServiceSubcategory", S, R, False, "1.1", False),
        ("SkuId", S, C, True, "1.0", False),
        ("SkuMeter", S, C, True, "1.1", False),
        ("SkuPriceDetails", KV, C, True, "1.1", False),
        ("SkuPriceId", S, C, True, "1.0", False),
        ("SubAccountId", S, C, True, "0.5", False),
        ("SubAccountName", S, C, True, "0.5", False),
        ("SubAccountType", S, C, True, "1.2", False),
        ("Tags", KV, C, True, "1.0", False),
    )
)
SPEC_BY_NAME: Mapping[str, FocusColumn] = {c.name: c for c in SPEC_COLUMNS}
MANDATORY_NAMES: tuple[str, ...] = tuple(c.name for c in SPEC_COLUMNS if c.level is M)

#: The spec columns we emit beyond the Mandatory ones, and why (capabilities we claim, or validator needs).
OPTIONAL_EMITTED: Mapping[str, str] = {
    "ChargeFrequency": "Recommended; always Usage-Based for our rows",
    "CommitmentDiscountStatus": "always null; focus-validator 2.2.1 rules on ConsumedQuantity reference it",
    "ConsumedQuantity": "usage measurement: the raw count of tokens, calls or operations",
    "ConsumedUnit": "usage measurement",
    "ContractedUnitPrice": "negotiated pricing (the price book's terms)",
    "InvoiceId": "Recommended; always null (no provider invoice is known when the usage is exported)",
    "ListUnitPrice": "public price lists (genai-prices) and the price book",
    "PricingCategory": "Standard for every row: no dynamic or commitment-based prices",
    "PricingCurrency": "equal to BillingCurrency; required by the validator once public prices are claimed",
    "PricingCurrencyContractedUnitPrice": "equal to ContractedUnitPrice (same currency)",
    "PricingCurrencyEffectiveCost": "equal to EffectiveCost (same currency)",
    "PricingCurrencyListUnitPrice": "equal to ListUnitPrice (same currency)",
    "ServiceSubcategory": "Recommended",
    "SkuId": "unit pricing: provider/model/token bucket, tool or memory layer",
    "SkuMeter": "unit pricing: what is metered, e.g. Cached Input Tokens",
    "SkuPriceDetails": "unit pricing: x_ keys naming the price source and reference",
    "SkuPriceId": "unit pricing: the SKU plus service tier and unit price",
    "SubAccountId": "sub accounts: the ROSS tenant (null when the tenant is unattributed)",
    "SubAccountName": "sub accounts: the tenant's name from the tenants table",
    "SubAccountType": "sub accounts: always Tenant",
    "Tags": "tagging: the layer and the ROSS dimensions, keys prefixed ross/",
}

#: Our custom columns, after the FOCUS ones. All may be null where the detail does not apply.
CUSTOM_COLUMNS: tuple[FocusColumn, ...] = tuple(
    FocusColumn(name, data_type, FeatureLevel.CUSTOM, nullable, why=why)
    for name, data_type, nullable, why in (
        ("x_Layer", S, False, "cost layer: prompt, tool, memory or response"),
        ("x_TenantId", S, False, "ROSS tenant, 'unattributed' when unresolved"),
        ("x_TenantTier", S, True, "tier from the tenants table, null for unknown tenants"),
        ("x_AgentSlug", S, False, "agent dimension"),
        ("x_ModuleId", S, False, "module dimension"),
        ("x_Channel", S, False, "channel dimension, 'unknown' when unresolved"),
        ("x_Model", S, True, "model dimension, null on lines that use no model"),
        ("x_Provider", S, True, "provider dimension as stored (vendor id), null where no vendor is involved"),
        ("x_LineKind", S, False, "token bucket (input_uncached, cache_read, ...), tool_call or memory_operation"),
        ("x_ToolName", S, True, "tool name on tool lines"),
        ("x_MemoryLayer", S, True, "memory layer detail (prompt_cache, embeddings, mem0, ...)"),
        ("x_ServiceTier", S, True, "provider service tier when reported (batch, priority, flex)"),
        ("x_PriceSource", S, True, "where the price came from, with version"),
        ("x_PriceReference", S, True, "the price entry used, for audit and re-pricing"),
        ("x_NegotiatedTerm", S, True, "price book term that set the contracted price, null at list price"),
        ("x_UsageLines", INT, False, "number of stored usage lines summed into this row"),
    )
)

EMITTED_FOCUS_NAMES: tuple[str, ...] = tuple(c.name for c in SPEC_COLUMNS if c.level is M or c.name in OPTIONAL_EMITTED)
COLUMNS: tuple[FocusColumn, ...] = (
    *(SPEC_BY_NAME[name] for name in EMITTED_FOCUS_NAMES),
    *CUSTOM_COLUMNS,
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMN_BY_NAME: Mapping[str, FocusColumn] = {c.name: c for c in COLUMNS}


def column_definitions() -> list[dict[str, Any]]:
    """The Schema metadata's ColumnDefinition list (FOCUS 1.3 metadata, section 'Schema')."""
    out: list[dict[str, Any]] = []
    for column in COLUMNS:
        entry: dict[str, Any] = {"ColumnName": column.name, "DataType": _METADATA_TYPE[column.data_type]}
        if column.data_type is D:
            entry |= {"NumericPrecision": 38, "NumberScale": 12}
        if column.data_type in (S, KV):
            entry["StringEncoding"] = "UTF-8"
        if column.name == "Tags":
            entry["ProviderTagPrefixes"] = [TAG_PREFIX]
        if column.deprecated:
            entry["Deprecated"] = True
        out.append(entry)
    return out


def schema_metadata(schema_id: str, dataset_instance_id: str, created: str, generator_version: str) -> dict[str, Any]:
    """Machine-readable FOCUS metadata for one export (DataGenerator, DatasetInstance, Schema)."""
    return {
        "DataGenerator": {"DataGenerator": "ross-cost"},
        "DatasetInstance": [
            {
                "DatasetInstanceId": dataset_instance_id,
                "DatasetInstanceName": "ROSS LLM cost and usage (daily)",
                "FocusDatasetId": DATASET,
            }
        ],
        "Schema": [
            {
                "SchemaId": schema_id,
                "FocusVersion": FOCUS_VERSION,
                "CreationDate": created,
                "DataGeneratorVersion": generator_version,
                "DatasetInstanceId": dataset_instance_id,
                "ColumnDefinition": column_definitions(),
            }
        ],
    }


_METADATA_TYPE: Mapping[DataType, str] = {
    S: "STRING",
    D: "DECIMAL",
    T: "DATETIME",
    KV: "JSON",
    JO: "JSON",
    INT: "INTEGER",
}
