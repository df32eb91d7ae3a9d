"""Arrow tables of usage lines and span contexts, the form every batch takes on its way into the store.

Built in two steps so the expensive one can run in the ingest worker process: `priced_lines` (everything a
span knows alone: ids, kind, layer, model, quantities, prices, costs) and `with_dimensions` (the tenant,
agent, module, channel and conversation resolved across the trace tree, which needs the store).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ross_cost.model import (
    MONEY_PLACES,
    MONEY_PRECISION,
    MONEY_QUANTUM,
    UNATTRIBUTED,
    UNKNOWN_CHANNEL,
    LineKind,
    UsageLine,
    quantize_money,
    unit_of,
)
from ross_cost.storage.bulk import arrow_type
from ross_cost.storage.records import StoreError
from ross_cost.storage.schema import build_schema

#: Largest magnitude a DECIMAL(18, 12) column holds.
MONEY_LIMIT = Decimal(10) ** (MONEY_PRECISION - MONEY_PLACES)
UNPRICED_WITHOUT_REASON = "no price and no reason given"
#: The column of `priced_lines` naming the span (row of the batch's context table) each line belongs to.
SPAN_ROW = "span_row"
#: Resolved per span, filled by `with_dimensions`, with the value stored when nothing was found.
DIMENSION_DEFAULTS: dict[str, str | None] = {
    "tenant_id": UNATTRIBUTED,
    "agent_slug": UNATTRIBUTED,
    "module_id": UNATTRIBUTED,
    "channel": UNKNOWN_CHANNEL,
    "conversation_id": None,
}
_UNIT_OF = {kind: unit_of(kind).value for kind in LineKind}
_SCHEMA = build_schema(keyed=False)
_TYPES = {col.key: arrow_type(col.type) for col in (*_SCHEMA.usage_lines.columns, *_SCHEMA.span_context.columns)}
_MONEY = _TYPES["list_cost"]


def utc_naive(ts: datetime) -> datetime:
    """Stored timestamps are naive UTC; an aware value is converted, a naive one is taken as UTC."""
    return ts if ts.tzinfo is None else ts.astimezone(UTC).replace(tzinfo=None)


def _money(value: Decimal, line: UsageLine, what: str) -> Decimal:
    stored = quantize_money(value)
    if not -MONEY_LIMIT < stored < MONEY_LIMIT:
        raise StoreError(
            f"The {what} {value} of span {line.trace_id}/{line.span_id} ({line.kind.value}) "
            f"exceeds what DECIMAL({MONEY_PRECISION}, {MONEY_PLACES}) can store."
        )
    return stored


def money_columns(lines: Sequence[UsageLine]) -> dict[str, list[Any]]:
    """Unit prices, costs (unit price x quantity, rounded once to 12 places), reason and price provenance.

    Costs are NULL exactly when a line is unpriced, and then it always carries a reason.
    """
    names = ("list_unit_price", "effective_unit_price", "list_cost", "effective_cost", "unpriced_reason",
             "price_source", "price_reference", "contract")
    columns: dict[str, list[Any]] = {name: [] for name in names}
    lu, eu, lc, ec, reason, source, reference, contract = columns.values()
    per_price: dict[int, tuple[Decimal, Decimal]] = {}  # lines of one batch share Price objects
    for line in lines:
        price = line.price
        if price is None:
            for column in (lu, eu, lc, ec, source, reference, contract):
                column.append(None)
            reason.append(line.unpriced_reason or UNPRICED_WITHOUT_REASON)
            continue
        units = per_price.get(id(price))
        if units is None:
            units = per_price[id(price)] = (
                _money(price.list_unit_price, line, "list unit price"),
                _money(price.effective_unit_price, line, "effective unit price"),
            )
        lu.append(units[0])
        eu.append(units[1])
        lc.append((price.list_unit_price * line.quantity).quantize(MONEY_QUANTUM, ROUND_HALF_EVEN))
        ec.append((price.effective_unit_price * line.quantity).quantize(MONEY_QUANTUM, ROUND_HALF_EVEN))
        reason.append(None)
        source.append(price.source)
        reference.append(price.reference)
        contract.append(price.contract)
    _check_range(lines, lc, "list cost")
    _check_range(lines, ec, "effective cost")
    return columns


def _check_range(lines: Sequence[UsageLine], costs: list[Decimal | None], what: str) -> None:
    """Fail the batch (naming the line) if a cost does not fit the money column; fast when all fit."""
    present = [cost for cost in costs if cost]
    if not present or (min(present) > -MONEY_LIMIT and max(present) < MONEY_LIMIT):
        return
    for line, cost in zip(lines, costs, strict=True):
        if cost is not None:
            _money(cost, line, what)


def priced_lines(lines: Sequence[UsageLine], span_rows: Sequence[int]) -> pa.Table:
    """Every usage_lines column a span determines alone, plus SPAN_ROW (the line's span in the batch)."""
    ts = pa.array([utc_naive(line.ts) for line in lines], _TYPES["ts"])
    values: dict[str, Any] = {
        "trace_id": [line.trace_id for line in lines],
        "span_id": [line.span_id for line in lines],
        "line_kind": [line.kind.value for line in lines],
        "ts": ts,
        "day": pc.cast(ts, pa.date32()),
        "layer": [line.layer.value for line in lines],
        "model": [line.model for line in lines],
        "provider": [line.provider for line in lines],
        "operation": [line.operation for line in lines],
        "tool_name": [line.tool_name for line in lines],
        "memory_layer": [line.memory_layer for line in lines],
        "service_tier": [line.service_tier for line in lines],
        "quantity": [line.quantity for line in lines],
        "unit": [_UNIT_OF[line.kind] for line in lines],
        **money_columns(lines),
    }
    arrays = {name: v if isinstance(v, pa.Array) else pa.array(v, _TYPES[name]) for name, v in values.items()}
    arrays[SPAN_ROW] = pa.array(span_rows, pa.int32())
    return pa.table(arrays)


def with_dimensions(priced: pa.Table, dims_by_span: Sequence[dict[str, str] | None], keep: Sequence[bool],
                    ingested_at: datetime | None = None) -> pa.Table:
    """The lines of the kept spans, with each span's resolved dimensions (and `ingested_at`, when given)."""
    if not all(keep):
        priced = priced.filter(pa.array(keep, pa.bool_()).take(priced.column(SPAN_ROW)))
    rows = priced.column(SPAN_ROW)
    table = priced.drop_columns([SPAN_ROW])
    for key, default in DIMENSION_DEFAULTS.items():
        per_span = pa.array([(d.get(key) or default) if d is not None else None for d in dims_by_span], pa.string())
        table = table.append_column(key, per_span.take(rows))
    if ingested_at is not None:
        table = table.append_column("ingested_at", pa.array([ingested_at] * table.num_rows, _TYPES["ingested_at"]))
    return table


def lines_table(lines: Sequence[UsageLine], ingested_at: datetime | None = None) -> pa.Table:
    """Complete usage_lines rows for lines that already carry their dimensions (tests, benches, imports)."""
    rows = range(len(lines))
    return with_dimensions(priced_lines(lines, rows), [line.dims for line in lines], [True] * len(lines),
                           ingested_at)


def contexts_table(trace_ids: Sequence[str], span_ids: Sequence[str], parents: Sequence[str],
                   ts: Sequence[datetime], operations: Sequence[str], candidates: Sequence[str],
                   has_lines: Sequence[bool]) -> pa.Table:
    """span_context rows without `resolved` (added with `resolved_contexts` once the trace is resolved)."""
    values = {"trace_id": trace_ids, "span_id": span_ids, "parent_span_id": parents,
              "ts": [utc_naive(t) for t in ts], "operation": operations, "candidates": candidates,
              "has_lines": has_lines}
    return pa.table({name: pa.array(v, _TYPES[name]) for name, v in values.items()})


def resolved_contexts(contexts: pa.Table, keep: Sequence[bool], resolved: Sequence[str]) -> pa.Table:
    """The kept rows of `contexts`, with their resolved-dimensions fingerprint (one per kept row)."""
    if not all(keep):
        contexts = contexts.filter(pa.array(keep, pa.bool_()))
    return contexts.append_column("resolved", pa.array(resolved, _TYPES["resolved"]))
