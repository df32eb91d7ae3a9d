"""write_batch: one ingest request's contexts, lines, late dimension fixes, rejections and log row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from ross_cost.model import UNATTRIBUTED, UNKNOWN_CHANNEL
from ross_cost.storage.bulk import Row, append_columns, append_table, columns_of, staged
from ross_cost.storage.records import UPDATABLE_DIMENSIONS, DimensionUpdate, WriteBatch
from ross_cost.storage.schema import Schema
from ross_cost.storage.tables import contexts_table, lines_table, resolved_contexts, utc_naive


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


def _contexts(batch: WriteBatch) -> pa.Table:
    rows = batch.contexts
    table = contexts_table([c.trace_id for c in rows], [c.span_id for c in rows], [c.parent_span_id for c in rows],
                           [c.ts for c in rows], [c.operation for c in rows], [c.candidates for c in rows],
                           [c.has_lines for c in rows])
    return resolved_contexts(table, [True] * len(rows), [c.resolved for c in rows])


def write_batch(conn: sa.Connection, schema: Schema, batch: WriteBatch) -> None:
    """All of a batch inside the caller's transaction. Rows are built first, so bad input writes nothing."""
    received_at = utc_naive(batch.received_at or datetime.now(UTC))
    day: date = received_at.date()
    contexts = batch.context_table if batch.context_table is not None else _contexts(batch)
    if batch.line_table is not None:
        ingested = pa.array([received_at] * batch.line_table.num_rows, pa.timestamp("us"))
        lines = batch.line_table.append_column("ingested_at", ingested)
    else:
        lines = lines_table(batch.lines, received_at)
    rejections = [(received_at, day, t, s, reason, batch.source) for t, s, reason in batch.rejections]
    update_groups(batch.updates)  # validate before writing anything
    append_table(conn, schema.span_context, contexts)
    append_table(conn, schema.usage_lines, lines)
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
