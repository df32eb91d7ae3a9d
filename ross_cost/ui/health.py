"""Data health shaped for its page: what unpriced usage would need, unattributed shares, ingest days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ross_cost.model import LineKind
from ross_cost.storage.cockpit_reads import Attribution, IngestDay, UnpricedGroup
from ross_cost.ui import fmt
from ross_cost.ui.tables import Column
from ross_cost.ui.theme import label
from ross_cost.views import share

PRICE_BOOK = "data/price_book.yaml"
UNPRICED_COLUMNS: tuple[Column, ...] = (
    Column("model", "Model"), Column("provider", "Provider"), Column("line_kind", "Line kind"),
    Column("lines", "Lines", "count"), Column("quantity", "Quantity", "count"), Column("unit", "Unit"),
    Column("first_day", "First day", "date"), Column("last_day", "Last day", "date"),
    Column("needs", "What it needs"), Column("reason", "Why unpriced"),
)
ATTRIBUTION_COLUMNS: tuple[Column, ...] = (
    Column("dimension", "Dimension"), Column("cost", "Unattributed spend", "money"),
    Column("cost_share", "Share of spend", "share"), Column("lines", "Unattributed lines", "count"),
    Column("line_share", "Share of lines", "share"),
)
INGEST_COLUMNS: tuple[Column, ...] = (
    Column("day", "Day received (UTC)", "date"), Column("requests", "Requests", "count"),
    Column("accepted", "Spans accepted", "count"), Column("rejected", "Spans rejected", "count"),
    Column("duplicate", "Spans re-sent (ignored)", "count"),
)
REJECTION_COLUMNS: tuple[Column, ...] = (
    Column("day", "Day received (UTC)", "date"), Column("reason", "Reason"), Column("spans", "Spans", "count"),
)


def needs(group: UnpricedGroup) -> str:
    """The price that would cover these lines, and where it goes."""
    if group.line_kind == LineKind.TOOL_CALL:
        return f"a per-call price for tool {group.tool_name!r} under `tools:` in {PRICE_BOOK}"
    if group.line_kind == LineKind.MEMORY_OPERATION:
        return f"a per-operation price for memory layer {group.memory_layer!r} under `memory:` in {PRICE_BOOK}"
    return (f"a list price for {group.provider}/{group.model} (a newer genai-prices), or an entry under "
            f"`self_hosted:` (input_per_mtok, output_per_mtok) in {PRICE_BOOK}")


def unpriced_rows(groups: Sequence[UnpricedGroup]) -> list[dict[str, Any]]:
    return [
        {"model": g.model, "provider": g.provider, "line_kind": g.line_kind, "lines": g.lines, "quantity": g.quantity,
         "unit": g.unit, "first_day": g.first_day, "last_day": g.last_day, "reason": g.reason, "needs": needs(g)}
        for g in groups
    ]


def attribution_rows(found: Attribution) -> list[dict[str, Any]]:
    """One row per dimension (tier included), then "any": lines missing at least one of them."""
    return [
        {"dimension": "any of them" if key == "any" else label(key), "cost": found.missing_cost[key],
         "cost_share": share(found.missing_cost[key], found.cost),
         "lines": found.missing_lines[key],
         "line_share": found.missing_lines[key] / found.lines if found.lines else None}
        for key in found.missing_cost
    ]


def ingest_rows(days: Sequence[IngestDay]) -> list[dict[str, Any]]:
    return [{"day": d.day, "requests": d.requests, "accepted": d.accepted, "rejected": d.rejected,
             "duplicate": d.duplicate} for d in days]


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """"3 min ago" for a naive-UTC timestamp; "never" for None."""
    if moment is None:
        return "never"
    seconds = ((now or datetime.now(UTC)).replace(tzinfo=None) - moment.replace(tzinfo=None)).total_seconds()
    if seconds < 90:
        return f"{max(0, int(seconds))} s ago"
    if seconds < 5400:
        return f"{int(seconds // 60)} min ago"
    if seconds < 172_800:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86_400)} days ago ({fmt.day(moment.date())})"
