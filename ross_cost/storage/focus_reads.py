"""The stored usage a FOCUS export needs, aggregated in SQL and streamed.

One row per (day, dimensions, layer detail, unit prices, price provenance, unpriced reason): the grain of
a FOCUS charge. Rows come through a server-side cursor in batches (`stream_results`, `yield_per`), so an
export of millions of rows never holds more than one batch in memory. Filters mean what they mean in the
cockpit (reads.key_expression), so a filtered export reconciles with the filtered cockpit total.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
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

#: Group keys, in output order: (FocusSourceRow field, column).
_UL = _SCHEMA.usage_lines
_TENANTS = _SCHEMA.tenants
_KEYS: tuple[tuple[str, sa.ColumnElement[Any]], ...] = (
    ("day", _UL.c.day),
    ("tenant_id", _UL.c.tenant_id),
    ("agent_slug", _UL.c.agent_slug),
    ("module_id", _UL.c.module_id),
    ("layer", _UL.c.layer),
    ("line_kind", _UL.c.line_kind),
    ("model", _UL.c.model),
    ("provider", _UL.c.provider),
    ("channel", _UL.c.channel),
    ("unit", _UL.c.unit),
    ("tool_name", _UL.c.tool_name),
    ("memory_layer", _UL.c.memory_layer),
    ("service_tier", _UL.c.service_tier),
    ("list_unit_price", _UL.c.list_unit_price),
    ("effective_unit_price", _UL.c.effective_unit_price),
    ("price_source", _UL.c.price_source),
    ("price_reference", _UL.c.price_reference),
    ("contract", _UL.c.contract),
    ("unpriced_reason", _UL.c.unpriced_reason),
    ("tenant_name", _TENANTS.c.name),
    ("tenant_tier", _TENANTS.c.tier),
)


@dataclass(frozen=True, slots=True)
class UnpricedUsage:
    """Usage a FOCUS export leaves out for want of a price, by unit and reason (shown next to the export)."""

    unit: str
    reason: str
    lines: int
    quantity: int


def focus_select(start: date, end: date, filters: Mapping[str, Sequence[str]] | None = None) -> sa.Select[Any]:
    """The aggregate query; QueryError (naming the parameter) for an empty period or an unknown filter key."""
    where = _where(start, end, filters)
    keys = [column.label(name) for name, column in _KEYS]
    return (
        sa.select(
            *keys,
            sa.func.sum(_UL.c.quantity).label("quantity"),
            sa.func.sum(_UL.c.list_cost).label("list_cost"),
            sa.func.sum(_UL.c.effective_cost).label("effective_cost"),
            sa.func.count().label("lines"),
        )
        .select_from(_UL.outerjoin(_TENANTS, _TENANTS.c.tenant_id == _UL.c.tenant_id))
        .where(*where)
        .group_by(*(column for _, column in _KEYS))
        .order_by(*(column.asc().nulls_last() for _, column in _KEYS))
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
                yield _source_row(row._mapping)
        finally:
            result.close()


def _source_row(r: sa.RowMapping) -> FocusSourceRow:
    return FocusSourceRow(
        day=r["day"],
        tenant_id=r["tenant_id"],
        agent_slug=r["agent_slug"],
        module_id=r["module_id"],
        model=r["model"],
        provider=r["provider"],
        channel=r["channel"],
        layer=r["layer"],
        line_kind=r["line_kind"],
        unit=r["unit"],
        quantity=int(r["quantity"]),
        list_unit_price=_decimal(r["list_unit_price"]),
        effective_unit_price=_decimal(r["effective_unit_price"]),
        list_cost=_decimal(r["list_cost"]),
        effective_cost=_decimal(r["effective_cost"]),
        tool_name=r["tool_name"],
        memory_layer=r["memory_layer"],
        service_tier=r["service_tier"],
        price_source=r["price_source"],
        price_reference=r["price_reference"],
        contract=r["contract"],
        unpriced_reason=r["unpriced_reason"],
        lines=int(r["lines"]),
        tenant_name=r["tenant_name"],
        tenant_tier=r["tenant_tier"],
    )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else value if isinstance(value, Decimal) else Decimal(str(value))


@contextmanager
def _connection(bind: Engine | Connection) -> Iterator[Connection]:
    """The caller's own Connection (left open), or one from an Engine (closed here)."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as conn:
        yield conn
