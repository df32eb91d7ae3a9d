"""The stored usage a FOCUS export needs, aggregated in SQL and streamed.

One row per (day, dimensions, layer detail, unit prices, price provenance, unpriced reason): the grain of
a FOCUS charge. Rows come through a server-side cursor in batches (`stream_results`, `yield_per`), so an
export of millions of rows never holds more than one batch in memory. Filters mean what they mean in the
cockpit (reads.key_expression), so a filtered export reconciles with the filtered cockpit total.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ross_cost.focus.rows import FocusSourceRow
from ross_cost.model import GROUPABLE
from ross_cost.query import QueryError
from ross_cost.storage.reads import key_expression
from ross_cost.storage.schema import Schema, build_schema

#: Rows per fetch from the server-side cursor.
BATCH_ROWS = 10_000
#: The tables as a query sees them (the keyed variant only adds constraints, which queries never use).
_SCHEMA: Schema = build_schema(keyed=False)

_UL = _SCHEMA.usage_lines
_TENANTS = _SCHEMA.tenants
#: The group keys, in output (ORDER BY) order.
_KEYS: tuple[sa.ColumnElement[Any], ...] = (
    _UL.c.day,
    _UL.c.tenant_id,
    _UL.c.agent_slug,
    _UL.c.module_id,
    _UL.c.layer,
    _UL.c.line_kind,
    _UL.c.model,
    _UL.c.provider,
    _UL.c.channel,
    _UL.c.unit,
    _UL.c.tool_name,
    _UL.c.memory_layer,
    _UL.c.service_tier,
    _UL.c.list_unit_price,
    _UL.c.effective_unit_price,
    _UL.c.price_source,
    _UL.c.price_reference,
    _UL.c.contract,
    _UL.c.unpriced_reason,
    _TENANTS.c.name,
    _TENANTS.c.tier,
)
#: The selected columns in FocusSourceRow's field order, so a result row is its positional arguments.
_FIELDS: tuple[sa.ColumnElement[Any], ...] = (
    _UL.c.day,
    _UL.c.tenant_id,
    _UL.c.agent_slug,
    _UL.c.module_id,
    _UL.c.model,
    _UL.c.provider,
    _UL.c.channel,
    _UL.c.layer,
    _UL.c.line_kind,
    _UL.c.unit,
    sa.cast(sa.func.sum(_UL.c.quantity), sa.BigInteger()).label("quantity"),
    _UL.c.list_unit_price,
    _UL.c.effective_unit_price,
    sa.func.sum(_UL.c.list_cost).label("list_cost"),
    sa.func.sum(_UL.c.effective_cost).label("effective_cost"),
    _UL.c.tool_name,
    _UL.c.memory_layer,
    _UL.c.service_tier,
    _UL.c.price_source,
    _UL.c.price_reference,
    _UL.c.contract,
    _UL.c.unpriced_reason,
    sa.cast(sa.func.count(), sa.BigInteger()).label("lines"),
    _TENANTS.c.name.label("tenant_name"),
    _TENANTS.c.tier.label("tenant_tier"),
)
assert [getattr(c, "name", None) for c in _FIELDS] == [f.name for f in fields(FocusSourceRow)]


@dataclass(frozen=True, slots=True)
class UnpricedUsage:
    """Usage a FOCUS export leaves out for want of a price, by unit and reason (shown next to the export)."""

    unit: str
    reason: str
    lines: int
    quantity: int


def focus_select(start: date, end: date, filters: Mapping[str, Sequence[str]] | None = None) -> sa.Select[Any]:
    """The aggregate query; QueryError (naming the parameter) for an empty period or an unknown filter key."""
    return (
        sa.select(*_FIELDS)
        .select_from(_UL.outerjoin(_TENANTS, _TENANTS.c.tenant_id == _UL.c.tenant_id))
        .where(*_where(start, end, filters))
        .group_by(*_KEYS)
        .order_by(*(column.asc().nulls_last() for column in _KEYS))
    )


def focus_source(
    store_engine_or_conn: Engine | Connection,
    start: date,
    end: date,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[FocusSourceRow]:
    """Stream the source rows of a FOCUS export for [start, end).

    Parameters are checked now (QueryError before any row is asked for, so an HTTP handler can still answer
    400); the query runs when the first row is requested. Given an Engine, the connection is held until the
    iterator is exhausted or closed."""
    select = focus_select(start, end, filters)
    return _stream(store_engine_or_conn, select)


def focus_unpriced(
    store_engine_or_conn: Engine | Connection,
    start: date,
    end: date,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> list[UnpricedUsage]:
    """What the same export leaves out: unpriced usage by unit and reason (a few rows, safe to hold)."""
    where = [*_where(start, end, filters), _UL.c.unpriced_reason.is_not(None)]
    select = (
        sa.select(
            _UL.c.unit,
            _UL.c.unpriced_reason,
            sa.func.count().label("lines"),
            sa.func.sum(_UL.c.quantity).label("quantity"),
        )
        .select_from(_UL.outerjoin(_TENANTS, _TENANTS.c.tenant_id == _UL.c.tenant_id))
        .where(*where)
        .group_by(_UL.c.unit, _UL.c.unpriced_reason)
        .order_by(_UL.c.unit, _UL.c.unpriced_reason)
    )
    with _connection(store_engine_or_conn) as conn:
        return [
            UnpricedUsage(row.unit, row.unpriced_reason, int(row.lines), int(row.quantity))
            for row in conn.execute(select)
        ]


def _where(start: date, end: date, filters: Mapping[str, Sequence[str]] | None) -> list[sa.ColumnElement[bool]]:
    if end <= start:
        raise QueryError("end", f"must be after start ({start.isoformat()})")
    where: list[sa.ColumnElement[bool]] = [_UL.c.day >= start, _UL.c.day < end]
    for key, values in sorted((filters or {}).items()):
        if key not in GROUPABLE:
            raise QueryError(key, f"is not a filterable key; use one of {', '.join(GROUPABLE)}")
        if values:
            where.append(key_expression(_SCHEMA, key).in_(sorted(set(values))))
    return where


def _stream(bind: Engine | Connection, select: sa.Select[Any]) -> Iterator[FocusSourceRow]:
    with _connection(bind) as conn:
        result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(select)
        try:
            for row in result:
                yield FocusSourceRow(*row)
        finally:
            result.close()


@contextmanager
def _connection(bind: Engine | Connection) -> Iterator[Connection]:
    """The caller's own Connection (left open), or one from an Engine (closed here)."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as conn:
        yield conn
