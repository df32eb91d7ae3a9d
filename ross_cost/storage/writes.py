"""write_batch: one ingest request's contexts, lines, late dimension fixes, rejections and log row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import sqlalchemy as sa

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
from ross_cost.storage.bulk import Row, append_columns, columns_of, staged
from ross_cost.storage.records import UPDATABLE_DIMENSIONS, ContextRow, DimensionUpdate, StoreError, WriteBatch
from ross_cost.storage.schema import Schema

#: Largest magnitude a DECIMAL(18, 12) column holds.
MONEY_LIMIT = Decimal(10) ** (MONEY_PRECISION - MONEY_PLACES)
UNPRICED_WITHOUT_REASON = "no price and no reason given"
_UNIT_OF = {kind: unit_of(kind).value for kind in LineKind}


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


def money_columns(lines: Sequence[UsageLine]) -> list[list[Any]]:
    """Unit prices, costs (unit price x quantity, rounded once to 12 places), reason and price provenance.

    Costs are NULL exactly when a line is unpriced, and then it always carries a reason.
    """
    columns: list[list[Any]] = [[] for _ in range(8)]
    lu, eu, lc, ec, reason, source, reference, contract = columns
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


def line_columns(lines: Sequence[UsageLine], ingested_at: datetime) -> list[list[Any]]:
    """usage_lines values column by column, in the table's column order."""
    ts = [utc_naive(line.ts) for line in lines]
    dims = [line.dims for line in lines]
    return [
        [line.trace_id for line in lines],
        [line.span_id for line in lines],
        [line.kind.value for line in lines],
        ts,
        [t.date() for t in ts],
        [line.layer.value for line in lines],
        [d.get("tenant_id") or UNATTRIBUTED for d in dims],
        [d.get("agent_slug") or UNATTRIBUTED for d in dims],
        [d.get("module_id") or UNATTRIBUTED for d in dims],
        [line.model for line in lines],
        [line.provider for line in lines],
        [d.get("channel") or UNKNOWN_CHANNEL for d in dims],
        [d.get("conversation_id") or None for d in dims],
        [line.operation for line in lines],
        [line.tool_name for line in lines],
        [line.memory_layer for line in lines],
        [line.service_tier for line in lines],
        [line.quantity for line in lines],
        [_UNIT_OF[line.kind] for line in lines],
        *money_columns(lines),
        [ingested_at] * len(lines),
    ]


def context_columns(contexts: Sequence[ContextRow]) -> list[list[Any]]:
    """span_context values column by column, in the table's column order."""
    return [
        [c.trace_id for c in contexts],
        [c.span_id for c in contexts],
        [c.parent_span_id for c in contexts],
        [utc_naive(c.ts) for c in contexts],
        [c.operation for c in contexts],
        [c.candidates for c in contexts],
        [c.resolved for c in contexts],
        [c.has_lines for c in contexts],
    ]


def _update_value(key: str, value: str) -> str | None:
    if key == "conversation_id":
        return value or None
    if not value:
        return UNKNOWN_CHANNEL if key == "channel" else UNATTRIBUTED
    return value


def update_groups(updates: Sequence[DimensionUpdate]) -> dict[tuple[str, ...], list[Row]]:
    """Updates grouped by the keys they set (one UPDATE per group); the last update of a span wins."""
    latest: dict[tuple[str, str], DimensionUpdate] = {}
    for update in updates:
        unknown = set(update.dims) - set(UPDATABLE_DIMENSIONS)
        if unknown:
            raise ValueError(f"dimension update of {update.trace_id}/{update.span_id} sets {sorted(unknown)}")
        latest[(update.trace_id, update.span_id)] = update
    groups: dict[tuple[str, ...], list[Row]] = {}
    for update in latest.values():
        keys = tuple(key for key in UPDATABLE_DIMENSIONS if key in update.dims)
        resolved = update.resolved
        if resolved is None:
            resolved = json.dumps(update.dims, sort_keys=True, separators=(",", ":"))
        values = tuple(_update_value(key, update.dims[key]) for key in keys)
        groups.setdefault(keys, []).append((update.trace_id, update.span_id, resolved, *values))
    return groups


def apply_updates(conn: sa.Connection, schema: Schema, updates: Sequence[DimensionUpdate]) -> None:
    """UPDATE ... FROM a staged table of new values: one statement per table and key set."""
    lines, contexts = schema.usage_lines, schema.span_context
    for keys, rows in update_groups(updates).items():
        columns: list[sa.Column[Any]] = [
            sa.Column("trace_id", sa.String()),
            sa.Column("span_id", sa.String()),
            sa.Column("resolved", sa.Text()),
            *(sa.Column(key, sa.String()) for key in keys),
        ]
        with staged(conn, columns, rows) as new:
            if keys:
                conn.execute(
                    lines.update()
                    .where(lines.c.trace_id == new.c.trace_id, lines.c.span_id == new.c.span_id)
                    .values({key: new.c[key] for key in keys})
                )
            conn.execute(
                contexts.update()
                .where(contexts.c.trace_id == new.c.trace_id, contexts.c.span_id == new.c.span_id)
                .values(resolved=new.c.resolved)
            )


def write_batch(conn: sa.Connection, schema: Schema, batch: WriteBatch) -> None:
    """All of a batch inside the caller's transaction. Rows are built first, so bad input writes nothing."""
    received_at = utc_naive(batch.received_at or datetime.now(UTC))
    day: date = received_at.date()
    contexts = context_columns(batch.contexts)
    lines = line_columns(batch.lines, received_at)
    rejections = [(received_at, day, t, s, reason, batch.source) for t, s, reason in batch.rejections]
    update_groups(batch.updates)  # validate before writing anything
    append_columns(conn, schema.span_context, contexts)
    append_columns(conn, schema.usage_lines, lines)
    if batch.updates:
        apply_updates(conn, schema, batch.updates)
    append_columns(conn, schema.rejections, columns_of(rejections, len(schema.rejections.columns)))
    conn.execute(
        schema.ingest_log.insert().values(
            received_at=received_at,
            day=day,
            source=batch.source,
            accepted=batch.accepted,
            rejected=batch.rejected,
            duplicate=batch.duplicate,
        )
    )
