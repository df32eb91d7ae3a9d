"""AppTest of the unit economics / investor walkthrough page: the narrative's figures are computed, the
per-tenant spend adds up to the services' total, and presentation mode hides the controls."""

from __future__ import annotations

from decimal import Decimal

from ross_cost.services import Services
from ross_cost.storage import cockpit_reads
from ross_cost.ui import fmt
from tests.cockpit_support import (
    DEFAULT_END,
    DEFAULT_START,
    cockpit,
    cost,
    csv_rows,
    demo_db,
    downloads,
    metric,
    open_page,
    total,
)

__all__ = ["cockpit", "demo_db", "downloads"]
PAGE = "pages/unit_economics.py"


def conversations(svc: Services, **filters: list[str]) -> cockpit_reads.ConversationGroup:
    store = svc.store
    [found] = cockpit_reads.conversations(store.engine, store.schema, DEFAULT_START, DEFAULT_END, filters)
    return found


def test_unit_economics_opens_and_the_narrative_quotes_the_service_numbers(cockpit: Services) -> None:
    at = open_page(PAGE)
    narrative = next(m.value for m in at.markdown if m.value.startswith("Over "))
    spend = total(cost(cockpit, DEFAULT_START, DEFAULT_END))
    assert fmt.money(spend) in narrative
    found = conversations(cockpit)
    assert fmt.money(found.conversation_cost / found.conversations) in narrative
    assert metric(at, "Cost per conversation") == fmt.money(found.conversation_cost / found.conversations)
    assert metric(at, "Conversations") == fmt.count(found.conversations)


def test_per_tenant_spend_adds_up_to_the_service_total(cockpit: Services, downloads: dict[str, bytes]) -> None:
    open_page(PAGE, tenant_tier=["growth", "starter"])
    tenants = csv_rows(downloads["cost-per-tenant.csv"])
    expected = cost(cockpit, DEFAULT_START, DEFAULT_END, ("tenant_id",), tenant_tier=["growth", "starter"])
    assert {r["tenant_id"] for r in tenants} == {r.keys["tenant_id"] for r in expected}
    assert sum(Decimal(r["spend"]) for r in tenants) == total(expected)
    assert {r["tier"] for r in tenants} <= {"growth", "starter"}


def test_cost_per_conversation_by_layer_stacks_to_the_period_figure(
    cockpit: Services, downloads: dict[str, bytes]
) -> None:
    open_page(PAGE, granularity="month")
    rows = csv_rows(downloads["cost-per-conversation.csv"])
    months = {r["period"] for r in rows}
    assert months == {"2026-09-01", "2026-10-01"}
    for month in months:
        layers = [r for r in rows if r["period"] == month]
        assert len(layers) == 4 and len({r["conversations"] for r in layers}) == 1


def test_presentation_mode_hides_the_controls_and_keeps_the_figures(cockpit: Services) -> None:
    at = open_page(PAGE, present="true")
    assert at.sidebar.toggle(key="present").value is True
    styles = " ".join(str(h.proto.body) for h in at.get("html"))
    assert 'section[data-testid="stSidebar"]' in styles and "display: none" in styles
    assert metric(at, "Cost per conversation")
    at.button(key="exit-present").click().run()
    assert at.sidebar.toggle(key="present").value is False
