"""The FOCUS 1.3 row builder: columns from one catalogue, exact costs, the right names and units."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ross_cost.focus.columns import (
    COLUMN_NAMES,
    COLUMNS,
    CUSTOM_COLUMNS,
    MANDATORY_NAMES,
    SPEC_COLUMNS,
    DataType,
    FeatureLevel,
    schema_metadata,
)
from ross_cost.focus.formats import Cell
from ross_cost.focus.rows import (
    DEFAULT_SETTINGS,
    ExportTally,
    FocusSettings,
    FocusSourceRow,
    UnpricedSourceError,
    focus_row,
    focus_rows,
    row_dict,
)
from ross_cost.model import quantize_money
from tests.focus_workload import BOOK, per_token, small_workload, source, source_rows

D = Decimal


def cells(src: FocusSourceRow, settings: FocusSettings = DEFAULT_SETTINGS) -> dict[str, Cell]:
    return row_dict(focus_row(src, settings))


def number(value: Cell) -> Decimal:
    assert isinstance(value, str), value
    return Decimal(value)


def test_the_catalogue_has_the_65_columns_of_focus_1_3_and_its_23_mandatory_ones() -> None:
    assert len(SPEC_COLUMNS) == 65
    assert len({c.name for c in SPEC_COLUMNS}) == 65
    assert len(MANDATORY_NAMES) == 23
    assert {"ServiceProviderName", "HostProviderName", "ProviderName", "PublisherName"} <= set(MANDATORY_NAMES)


def test_every_mandatory_column_is_emitted_once_and_custom_columns_come_last_with_x_prefix() -> None:
    assert len(set(COLUMN_NAMES)) == len(COLUMN_NAMES)
    assert set(MANDATORY_NAMES) <= set(COLUMN_NAMES)
    focus = [c.name for c in COLUMNS if c.level is not FeatureLevel.CUSTOM]
    custom = [c.name for c in COLUMNS if c.level is FeatureLevel.CUSTOM]
    assert (*focus, *custom) == COLUMN_NAMES
    assert focus == sorted(focus)
    assert all(name.startswith("x_") for name in custom)
    assert {"x_Layer", "x_TenantId", "x_AgentSlug", "x_ModuleId", "x_Channel"} <= set(custom)


def test_a_row_has_one_cell_per_column_and_nulls_only_where_the_column_allows_them() -> None:
    for src in small_workload():
        if not src.priced:
            continue
        row = focus_row(src)
        assert len(row) == len(COLUMN_NAMES)
        for column, value in zip(COLUMNS, row, strict=True):
            assert value is not None or column.nullable, column.name
            assert value != ""


def test_tokens_are_priced_per_million_with_exact_costs_and_the_bucket_in_the_sku() -> None:
    row = cells(source(line_kind="cache_read", quantity=1_234_567, list_unit_price=per_token("0.3")))
    assert row["ConsumedQuantity"] == "1234567.0"
    assert row["ConsumedUnit"] == "Tokens"
    assert row["PricingUnit"] == "1000000 Tokens"
    assert row["PricingQuantity"] == "1.234567"
    assert row["ListUnitPrice"] == "0.3"
    assert row["ListCost"] == "0.3703701"
    assert number(row["ListUnitPrice"]) * number(row["PricingQuantity"]) == number(row["ListCost"])
    assert row["SkuId"] == "anthropic/claude-sonnet-4-5/cache_read"
    assert row["SkuMeter"] == "Cached Input Tokens"
    assert row["SkuPriceId"] == "anthropic/claude-sonnet-4-5/cache_read/standard"
    assert row["x_LineKind"] == "cache_read"


def test_llm_usage_is_generative_ai_billed_served_and_hosted_by_the_vendor() -> None:
    row = cells(source(model="gpt-4.1", provider="openai"))
    assert (row["ServiceCategory"], row["ServiceSubcategory"]) == ("AI and Machine Learning", "Generative AI")
    assert row["ServiceName"] == "OpenAI Models"
    names = ("ServiceProviderName", "HostProviderName", "InvoiceIssuerName", "ProviderName", "PublisherName")
    assert {row[name] for name in names} == {"OpenAI"}
    assert (row["ChargeCategory"], row["ChargeFrequency"], row["PricingCategory"]) == (
        "Usage",
        "Usage-Based",
        "Standard",
    )
    assert row["ChargeClass"] is None
    assert row["InvoiceId"] is None


def test_self_hosted_tool_calls_are_bots_in_calls_and_memory_operations_are_databases_in_operations() -> None:
    tool = cells(source(line_kind="tool_call", quantity=40, model="n/a", provider="n/a", tool_name="web_search",
                        list_unit_price=D("0.01"), price_source=BOOK))  # fmt: skip
    assert (tool["ServiceCategory"], tool["ServiceSubcategory"]) == ("AI and Machine Learning", "Bots")
    assert (tool["ConsumedUnit"], tool["PricingUnit"], tool["PricingQuantity"]) == ("Calls", "Calls", "40.0")
    assert (tool["ListUnitPrice"], tool["ListCost"]) == ("0.01", "0.4")
    assert tool["ServiceProviderName"] == tool["InvoiceIssuerName"] == "Self-hosted"
    assert tool["SkuId"] == "self-hosted/tool/web_search"
    assert (tool["x_Model"], tool["x_Provider"], tool["x_ToolName"]) == (None, None, "web_search")
    memory = cells(source(line_kind="memory_operation", quantity=1200, model="n/a", provider="n/a",
                          memory_layer="qdrant", list_unit_price=D("0.000002")))  # fmt: skip
    assert (memory["ServiceCategory"], memory["ServiceSubcategory"]) == ("Databases", "Other (Databases)")
    assert (memory["ConsumedUnit"], memory["PricingUnit"]) == ("Operations", "Operations")
    assert memory["ServiceName"] == "Self-hosted Agent Memory"
    assert memory["SkuId"] == "self-hosted/memory/qdrant"


def test_a_negotiated_price_gives_contracted_and_effective_cost_below_list_and_names_the_term() -> None:
    row = cells(source(quantity=2_000_000, list_unit_price=per_token("3"), effective_unit_price=per_token("2.55"),
                       contract="anthropic-enterprise-2026"))  # fmt: skip
    assert (row["ListUnitPrice"], row["ContractedUnitPrice"]) == ("3.0", "2.55")
    assert (row["ListCost"], row["ContractedCost"], row["EffectiveCost"], row["BilledCost"]) == (
        "6.0",
        "5.1",
        "5.1",
        "5.1",
    )
    assert row["x_NegotiatedTerm"] == "anthropic-enterprise-2026"
    assert row["PricingCurrencyContractedUnitPrice"] == row["ContractedUnitPrice"]
    assert row["PricingCurrencyEffectiveCost"] == row["EffectiveCost"]


def test_an_unattributed_tenant_is_no_sub_account_but_stays_in_the_tags_and_x_columns() -> None:
    row = cells(source(tenant_id="unattributed"))
    assert (row["SubAccountId"], row["SubAccountName"], row["SubAccountType"]) == (None, None, None)
    assert row["x_TenantId"] == "unattributed"
    assert isinstance(row["Tags"], str)
    assert json.loads(row["Tags"])["ross/tenant_id"] == "unattributed"
    known = cells(source(tenant_id="globex", tenant_name="Globex Corporation", tenant_tier="growth"))
    assert (known["SubAccountId"], known["SubAccountName"], known["SubAccountType"]) == (
        "globex",
        "Globex Corporation",
        "Tenant",
    )


def test_tags_are_a_flat_object_of_strings_with_the_layer_and_the_ross_dimensions() -> None:
    row = cells(source(line_kind="cache_read", memory_layer="prompt_cache", tenant_tier="enterprise"))
    assert isinstance(row["Tags"], str)
    assert json.loads(row["Tags"]) == {
        "ross/layer": "memory",
        "ross/tenant_id": "acme",
        "ross/tenant_tier": "enterprise",
        "ross/agent_slug": "support-bot",
        "ross/module_id": "triage",
        "ross/channel": "web",
        "ross/memory_layer": "prompt_cache",
    }
    assert (row["x_Layer"], row["x_AgentSlug"], row["x_ModuleId"], row["x_Channel"]) == (
        "memory",
        "support-bot",
        "triage",
        "web",
    )


@pytest.mark.parametrize(
    ("day", "charge", "billing"),
    [
        (date(2026, 1, 15), ("2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z"), ("2026-01-01", "2026-02-01")),
        (date(2026, 1, 31), ("2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z"), ("2026-01-01", "2026-02-01")),
        (date(2026, 12, 31), ("2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z"), ("2026-12-01", "2027-01-01")),
        (date(2028, 2, 29), ("2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z"), ("2028-02-01", "2028-03-01")),
    ],
)
def test_charge_periods_are_utc_days_and_billing_periods_calendar_months(
    day: date, charge: tuple[str, str], billing: tuple[str, str]
) -> None:
    row = cells(source(day=day))
    assert (row["ChargePeriodStart"], row["ChargePeriodEnd"]) == charge
    assert (row["BillingPeriodStart"], row["BillingPeriodEnd"]) == tuple(f"{d}T00:00:00Z" for d in billing)


def test_unpriced_usage_is_left_out_of_the_rows_and_counted_by_unit_and_reason() -> None:
    workload = [
        source(quantity=100),
        source(quantity=77_000, priced=False, lines=5),
        source(line_kind="tool_call", quantity=4, priced=False, unpriced_reason="tool not in price book", lines=4),
    ]
    tally = ExportTally()
    rows = list(focus_rows(workload, tally=tally))
    assert len(rows) == 1
    assert (tally.rows, tally.unpriced_groups, tally.unpriced_lines) == (1, 2, 9)
    assert tally.unpriced_quantity == {"Tokens": 77_000, "Calls": 4}
    assert tally.unpriced_reasons == {"model not in any price list": 5, "tool not in price book": 4}
    with pytest.raises(UnpricedSourceError):
        focus_row(workload[1])


def test_the_billing_account_and_the_internal_provider_name_are_settings() -> None:
    settings_ = FocusSettings(billing_account_id="ross-eu", billing_account_name="ROSS Europe",
                              internal_provider_name="ROSS Platform")  # fmt: skip
    row = cells(source(line_kind="tool_call", model="n/a", provider="n/a", tool_name="t"), settings_)
    assert (row["BillingAccountId"], row["BillingAccountName"]) == ("ross-eu", "ROSS Europe")
    assert row["ServiceProviderName"] == "ROSS Platform"
    assert row["ServiceName"] == "ROSS Platform Agent Tools"


def test_a_stored_cost_that_is_not_unit_price_times_quantity_is_counted_as_a_mismatch() -> None:
    good = source(quantity=1000)
    bad = FocusSourceRow(**{**{f: getattr(good, f) for f in good.__dataclass_fields__}, "effective_cost": D("9")})
    tally = ExportTally()
    list(focus_rows([good, bad], tally=tally))
    assert tally.stored_cost_mismatches == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(source_rows(), max_size=20))
def test_costs_are_exactly_unit_price_times_pricing_quantity_and_effective_cost_sums_to_the_store(
    workload: list[FocusSourceRow],
) -> None:
    tally = ExportTally()
    rows = [row_dict(row) for row in focus_rows(workload, tally=tally)]
    for src, row in zip(workload, rows, strict=True):
        quantity = number(row["PricingQuantity"])
        assert number(row["ListUnitPrice"]) * quantity == number(row["ListCost"])
        assert number(row["ContractedUnitPrice"]) * quantity == number(row["ContractedCost"])
        assert number(row["EffectiveCost"]) == src.effective_cost == number(row["BilledCost"])
        scale = 10**6 if src.unit == "Tokens" else 1
        assert quantity * scale == number(row["ConsumedQuantity"]) == src.quantity
        assert number(row["ListCost"]) == src.list_cost
    stored = sum((src.effective_cost or D(0) for src in workload), D(0))
    assert sum((number(row["EffectiveCost"]) for row in rows), D(0)) == stored == tally.effective_cost
    assert tally.stored_cost_mismatches == 0


def test_costs_keep_every_stored_digit() -> None:
    price = D("0.000000075001")  # a 12-place per-token price
    row = cells(source(quantity=999_999_937, list_unit_price=price))
    assert number(row["ListCost"]) == price * 999_999_937 == quantize_money(price * 999_999_937)
    assert row["ListUnitPrice"] == "0.075001"


def test_schema_metadata_declares_every_column_its_type_the_tag_prefix_and_the_deprecated_ones() -> None:
    meta = schema_metadata("schema-1", "instance-1", "2026-02-02T00:00:00Z", "0.1.0")
    definitions = meta["Schema"][0]["ColumnDefinition"]
    assert [d["ColumnName"] for d in definitions] == list(COLUMN_NAMES)
    by_name = {d["ColumnName"]: d for d in definitions}
    assert by_name["Tags"]["ProviderTagPrefixes"] == ["ross/"]
    assert by_name["ProviderName"]["Deprecated"] is True
    assert by_name["BilledCost"]["DataType"] == "DECIMAL"
    assert meta["Schema"][0]["FocusVersion"] == "1.3"
    assert all(c.data_type in (DataType.STRING, DataType.INTEGER) for c in CUSTOM_COLUMNS)
