"""AppTest of the FOCUS page: its totals are the cockpit's, its conformance check passes, and its CSV download
is the export of the same period, summing to the same EffectiveCost."""

from __future__ import annotations

from decimal import Decimal

from ross_cost.services import Services
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

__all__ = ["cockpit", "demo_db", "downloads"]  # fixtures used by name


def test_focus_page_reconciles_with_the_cockpit_and_passes_conformance(cockpit: Services) -> None:
    at = open_page("pages/focus.py")
    assert metric(at, "EffectiveCost") == fmt.money(total(cost(cockpit, DEFAULT_START, DEFAULT_END)))
    assert any("0 failed" in s.value for s in at.success)
    assert not at.error


def test_focus_csv_download_sums_to_the_cockpit_total(cockpit: Services, downloads: dict[str, bytes]) -> None:
    open_page("pages/focus.py")
    name = next(n for n in downloads if n.startswith("ross-focus-") and n.endswith(".csv"))
    rows = csv_rows(downloads[name])
    assert sum(Decimal(r["EffectiveCost"]) for r in rows) == total(cost(cockpit, DEFAULT_START, DEFAULT_END))
    assert {"ListCost", "BilledCost", "ContractedCost", "x_Layer", "Tags"} <= set(rows[0])
