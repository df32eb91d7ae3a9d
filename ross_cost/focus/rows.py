"""Stored usage, aggregated per day, becomes FOCUS 1.3 CostAndUsage rows.

One source row is one (day, dimensions, layer detail, unit prices) group of usage lines; it becomes one
Usage charge. Tokens are priced per `1000000 Tokens` (PricingQuantity = tokens / 10^6, ListUnitPrice the
per-million price), calls and operations per unit. Costs are exact Decimal products, never rounded:
ListCost = ListUnitPrice × PricingQuantity and ContractedCost = ContractedUnitPrice × PricingQuantity.
EffectiveCost and BilledCost are the stored effective cost (no amortization, no third party), so an export
sums to the cockpit's total to the last stored digit.

Usage without a price cannot be a FOCUS Usage row: such a row needs a SkuPriceId and unit prices, and a
placeholder 0 cost is forbidden by the spec's null handling. It is left out of the rows and counted in
`ExportTally` (and by storage.focus_reads.focus_unpriced) so that it stays visible.

The cells come from cells.py's part functions, which the columnar builder (columnar.py) shares: this is the
reference path, one row at a time (previews, conformance checks, tests). Pure: no I/O.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ross_cost.focus.cells import (
    DEFAULT_SETTINGS,
    PART_COLUMNS,
    FocusSettings,
    amount_cells,
    day_cells,
    export_cells,
    what_part,
    who_cells,
)
from ross_cost.focus.columns import COLUMN_NAMES
from ross_cost.focus.formats import Cell

__all__ = [
    "DEFAULT_SETTINGS",
    "ExportTally",
    "FocusRow",
    "FocusSettings",
    "FocusSourceRow",
    "UnpricedSourceError",
    "focus_row",
    "focus_rows",
    "row_dict",
]

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
        self.add_unpriced_groups(source.unit, source.unpriced_reason, 1, source.lines, source.quantity)

    def add_unpriced_groups(self, unit: str, reason: str | None, groups: int, lines: int, quantity: int) -> None:
        """Unpriced source groups of one unit and reason (None: no reason stored)."""
        self.unpriced_groups += groups
        self.unpriced_lines += lines
        self.unpriced_quantity[unit] = self.unpriced_quantity.get(unit, 0) + quantity
        reason = reason or "no price"
        self.unpriced_reasons[reason] = self.unpriced_reasons.get(reason, 0) + lines

    def add_priced(self, rows: int, lines: int, list_cost: Decimal, effective_cost: Decimal, mismatches: int) -> None:
        self.rows += rows
        self.usage_lines += lines
        self.list_cost += list_cost
        self.effective_cost += effective_cost
        self.stored_cost_mismatches += mismatches


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
            mismatch = list_cost != item.list_cost or contracted_cost != item.effective_cost
            tally.add_priced(1, item.lines, list_cost, item.effective_cost, int(mismatch))
        yield row


def focus_row(source: FocusSourceRow, settings: FocusSettings = DEFAULT_SETTINGS) -> FocusRow:
    """One Usage charge; UnpricedSourceError for a source row without a price."""
    return _build(source, settings)[0]


def row_dict(row: Sequence[Cell]) -> dict[str, Cell]:
    return dict(zip(COLUMN_NAMES, row, strict=True))


#: The parts' cells, concatenated in PART_COLUMNS order, put back in COLUMN_NAMES order.
_PART_ORDER: tuple[str, ...] = tuple(name for names in PART_COLUMNS.values() for name in names)
_in_column_order: Callable[[tuple[Cell, ...]], FocusRow] = operator.itemgetter(
    *(_PART_ORDER.index(name) for name in COLUMN_NAMES)
)


def _build(src: FocusSourceRow, settings: FocusSettings) -> tuple[FocusRow, Decimal, Decimal]:
    """The row, its ListCost and its ContractedCost."""
    if not src.priced:
        raise UnpricedSourceError(f"{src.line_kind} of {src.model} on {src.day} has no price")
    assert src.list_unit_price is not None and src.effective_unit_price is not None
    assert src.effective_cost is not None
    what = what_part(
        src.provider, src.model, src.line_kind, src.unit, src.tool_name, src.memory_layer, src.service_tier,
        src.price_source, src.price_reference, src.list_unit_price, src.effective_unit_price, src.contract,
        settings.internal_provider_name,
    )  # fmt: skip
    who = who_cells(
        src.tenant_id, src.tenant_name, src.tenant_tier, src.layer, src.agent_slug, src.module_id, src.channel,
        src.tool_name, src.memory_layer,
    )  # fmt: skip
    amounts, list_cost, contracted_cost = amount_cells(src.quantity, what, src.effective_cost, src.lines)
    cells = export_cells(settings) + day_cells(src.day) + what.cells + who + amounts
    return _in_column_order(cells), list_cost, contracted_cost
