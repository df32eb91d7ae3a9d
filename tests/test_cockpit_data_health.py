"""AppTest of the Data health page: store in use (no password), price catalogue, last span, spans received
and rejected with reasons, unpriced usage with what it needs, unattributed share per dimension."""

from __future__ import annotations

from decimal import Decimal

from ross_cost.services import Services
from tests.cockpit_support import (
    DEFAULT_END,
    DEFAULT_START,
    cockpit,
    cost,
    csv_rows,
    demo_db,
    downloads,
    empty_cockpit,
    open_page,
    total,
)

__all__ = ["cockpit", "demo_db", "downloads", "empty_cockpit"]
PAGE = "pages/data_health.py"


def test_data_health_names_the_store_the_catalogue_and_the_last_span(cockpit: Services) -> None:
    at = open_page(PAGE)
    text = " ".join(m.value for m in at.markdown)
    assert cockpit.store.url in text and cockpit.price_catalogue in text
    assert any(m.label == "Last span received" and m.value.endswith("ago") for m in at.metric)


def test_spans_received_and_rejected_are_listed_with_reasons(cockpit: Services, downloads: dict[str, bytes]) -> None:
    open_page(PAGE)
    received = csv_rows(downloads["spans-received-per-day.csv"])
    assert sum(int(r["rejected"]) for r in received) == 1
    assert sum(int(r["accepted"]) for r in received) > 1000
    [rejected] = csv_rows(downloads["rejected-spans.csv"])
    assert rejected["spans"] == "1" and "input" in rejected["reason"]


def test_unpriced_usage_says_what_price_it_needs(cockpit: Services, downloads: dict[str, bytes]) -> None:
    open_page(PAGE)
    unpriced = csv_rows(downloads["unpriced-usage.csv"])
    assert unpriced and {r["model"] for r in unpriced} == {"acme-finetune-v2"}
    assert all("price_book.yaml" in r["needs"] for r in unpriced)
    expected = cost(cockpit, DEFAULT_START, DEFAULT_END, model=["acme-finetune-v2"])
    assert sum(int(r["quantity"]) for r in unpriced) == sum(sum(r.unpriced_quantity.values()) for r in expected)


def test_unattributed_share_per_dimension_matches_the_service_rows(
    cockpit: Services, downloads: dict[str, bytes]
) -> None:
    open_page(PAGE)
    shares = {r["dimension"]: r for r in csv_rows(downloads["unattributed-share.csv"])}
    no_tenant = total(cost(cockpit, DEFAULT_START, DEFAULT_END, tenant_id=["unattributed"]))
    assert Decimal(shares["Tenant"]["cost"]) == no_tenant
    everything = total(cost(cockpit, DEFAULT_START, DEFAULT_END))
    assert abs(float(shares["Tenant"]["cost_share"]) - float(no_tenant / everything)) < 1e-9
    assert set(shares) >= {"Tenant", "Agent", "Module", "Model", "Provider", "Channel", "Tenant tier", "any of them"}


def test_data_health_on_an_empty_store_shows_the_store_and_how_to_load_data(empty_cockpit: Services) -> None:
    at = open_page(PAGE)
    text = " ".join(m.value for m in at.markdown)
    assert empty_cockpit.store.url in text and "ross-cost demo" in text
    assert any(m.label == "Last span received" and m.value == "never" for m in at.metric)
