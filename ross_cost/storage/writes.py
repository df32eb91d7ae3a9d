"""write_batch: one ingest request's contexts, lines, late dimension fixes, rejections and log row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ross_cost.model import (
    MONEY_PLACES,
    MONEY_PRECISION,
    UNATTRIBUTED,
    UNKNOWN_CHANNEL,
    UsageLine,
    quantize_money,
    unit_of,
)
from ross_cost.storage.bulk import Row, append_rows, staged
from ross_cost.storage.records import UPDATABLE_DIMENSIONS, ContextRow, DimensionUpdate, StoreError, WriteBatch
from ross_cost.storage.schema import Schema

#: Largest magnitude a DECIMAL(18, 12) column holds.
MONEY_LIMIT = Decimal(10) ** (MONEY_PRECISION - MONEY_PLACES)
UNPRICED_WITHOUT_REASON = "no price and no reason given"


def utc_naive(ts: datetime) -> datetime:
    """Stored timestamps are naive UTC; an aware value is converted, a naive one is taken as UTC."""
    return ts if ts.tzinfo is None else ts.astimezone(UTC).replace(tzinfo=None)


def _money(value: Decimal, line: UsageLine, what: str) -> Decimal:
    stored = quantize_money(value)
    if abs(stored) >= MONEY_LIMIT:
        raise StoreError(
            f"The {what} {value} of span {line.trace_id}/{line.span_id} ({line.kind.value}) "
            f"exceeds what DECIMAL({MONEY_PRECISION}, {MONEY_PLACES}) can store."
        )
    return stored


def line_row(line: UsageLine, ingested_at: datetime) -> Row:
    """One usage_lines row, in the table's column order. Costs are unit price x quantity, rounded once."""
    ts = utc_naive(line.ts)
    dims = line.dims
    price = line.price
    if price is None:
        money: tuple[Decimal | None, ...] = (None, None, None, None)
        reason: str | None = line.unpriced_reason or UNPRICED_WITHOUT_REASON
        source = reference = contract = None
    else:
        money = (
            _money(price.list_unit_price, line, "list unit price"),
            _money(price.effective_unit_price, line, "effective unit price"),
            _money(price.list_unit_price * line.quantity, line, "list cost"),
            _money(price.effective_unit_price * line.quantity, line, "effective cost"),
        )
        reason, source, reference, contract = None, price.source, price.reference, price.contract
    return (
        line.trace_id,
        line.span_id,
        line.kind.value,
        ts,
        ts.date(),
        line.layer.value,
        dims.get("tenant_id") or UNATTRIBUTED,
        dims.get("agent_slug") or UNATTRIBUTED,
        dims.get("module_id") or UNATTRIBUTED,
        line.model,
        line.provider,
        dims.get("channel") or UNKNOWN_CHANNEL,
        dims.get("conversation_id") or None,
        line.operation,
        line.tool_name,
        line.memory_layer,
        line.service_tier,
        line.quantity,
        unit_of(line.kind).value,
        *money,
        reason,
        source,
        reference,
        contract,
        ingested_at,
    )


def context_row(ctx: ContextRow) -> Row:
    return (
        ctx.trace_id,
        ctx.span_id,
        ctx.parent_span_id,
        utc_naive(ctx.ts),
        ctx.operation,
        ctx.candidates,
        ctx.resolved,
        ctx.has_lines,
    )


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
    context_rows = [context_row(ctx) for ctx in batch.contexts]
    line_rows = [line_row(line, received_at) for line in batch.lines]
    rejection_rows = [(received_at, day, t, s, reason, batch.source) for t, s, reason in batch.rejections]
    update_groups(batch.updates)  # validate before writing anything
    append_rows(conn, schema.span_context, context_rows)
    append_rows(conn, schema.usage_lines, line_rows)
    if batch.updates:
        apply_updates(conn, schema, batch.updates)
    append_rows(conn, schema.rejections, rejection_rows)
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
