"""The stored usage a FOCUS export needs, aggregated in SQL and streamed.

One row per (day, dimensions, layer detail, unit prices, price provenance, unpriced reason): the grain of
a FOCUS charge. Filters mean what they mean in the cockpit (reads.key_expression), so a filtered export
reconciles with the filtered cockpit total.

Memory stays flat whatever the period: a GROUP BY and ORDER BY hold all their groups, so the period is cut
into windows of consecutive days of at most WINDOW_LINES stored lines (a bigger day alone), aggregated one
after the other; rows come out in the same order as one query would give them. All windows run on one
connection in one transaction, so an export is one snapshot. `focus_batches` hands out Arrow record batches
(DuckDB: its Arrow reader, no Python per row; PostgreSQL: a server-side cursor, converted per batch);
`focus_source` hands out FocusSourceRows for the row-at-a-time path.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ross_cost.focus.columnar import SOURCE_SCHEMA, conform, records_batch
from ross_cost.focus.rows import FocusSourceRow
from ross_cost.model import GROUPABLE
from ross_cost.query import QueryError
from ross_cost.storage.reads import key_expression
from ross_cost.storage.schema import Schema, build_schema

#: Rows per fetch (server-side cursor) or per Arrow record batch.
BATCH_ROWS = 8_192
#: Stored lines one aggregate query may cover (its groups sit in the database's memory until sorted out).
WINDOW_LINES = 50_000
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
assert [getattr(c, "name", None) for c in _FIELDS] == [f.name for f in fields(FocusSourceRow)] == SOURCE_SCHEMA.names


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
) -> Generator[FocusSourceRow, None, None]:
    """Stream the source rows of a FOCUS export for [start, end).

    Parameters are checked now (QueryError before any row is asked for, so an HTTP handler can still answer
    400); the queries run when the first row is requested. Given an Engine, the connection is held until the
    iterator is exhausted or closed."""
    focus_select(start, end, filters)
    return _stream_rows(store_engine_or_conn, start, end, filters)


def focus_batches(
    store_engine_or_conn: Engine | Connection,
    start: date,
    end: date,
    filters: Mapping[str, Sequence[str]] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Generator[pa.RecordBatch, None, None]:
    """The same source rows as focus_source, as Arrow record batches in columnar.SOURCE_SCHEMA (checked now,
    run lazily, like focus_source)."""
    focus_select(start, end, filters)
    return _stream_batches(store_engine_or_conn, start, end, filters, batch_rows)


def focus_windows(
    conn: Connection, start: date, end: date, filters: Mapping[str, Sequence[str]] | None = None
) -> list[tuple[date, date]]:
    """Consecutive [from, to) day ranges covering the days of [start, end) that have lines, each of at most
    WINDOW_LINES lines unless one day alone has more."""
    select = (
        sa.select(_UL.c.day, sa.func.count().label("lines"))
        .select_from(_UL.outerjoin(_TENANTS, _TENANTS.c.tenant_id == _UL.c.tenant_id))
        .where(*_where(start, end, filters))
        .group_by(_UL.c.day)
        .order_by(_UL.c.day)
    )
    windows: list[tuple[date, date]] = []
    first: date | None = None
    last = start
    lines = 0
    for day, count in conn.execute(select).all():
        if first is not None and lines + count > WINDOW_LINES:
            windows.append((first, day))
            first = None
        if first is None:
            first, lines = day, 0
        lines += count
        last = day
    if first is not None:
        windows.append((first, last + timedelta(days=1)))
    return windows


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


def _stream_rows(
    bind: Engine | Connection, start: date, end: date, filters: Mapping[str, Sequence[str]] | None
) -> Generator[FocusSourceRow, None, None]:
    with _connection(bind) as conn:
        for window in focus_windows(conn, start, end, filters):
            result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(
                focus_select(*window, filters)
            )
            try:
                for row in result:
                    yield FocusSourceRow(*row)
            finally:
                result.close()


def _stream_batches(
    bind: Engine | Connection,
    start: date,
    end: date,
    filters: Mapping[str, Sequence[str]] | None,
    batch_rows: int,
) -> Generator[pa.RecordBatch, None, None]:
    with _connection(bind) as conn:
        for window in focus_windows(conn, start, end, filters):
            select = focus_select(*window, filters)
            if conn.dialect.name == "duckdb":
                yield from _duckdb_batches(conn, select, batch_rows)
                continue
            result = conn.execution_options(stream_results=True, yield_per=batch_rows).execute(select)
            try:
                for rows in result.partitions():
                    yield records_batch(rows)
            finally:
                result.close()


def _duckdb_batches(conn: Connection, select: sa.Select[Any], batch_rows: int) -> Iterator[pa.RecordBatch]:
    """DuckDB's own Arrow reader on the connection (and transaction) SQLAlchemy holds: no Python per row."""
    compiled = select.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    duck: Any = conn.connection.driver_connection
    reader = duck.sql(compiled.string, params=params).to_arrow_reader(batch_rows)
    try:
        for batch in reader:
            if batch.num_rows:
                yield conform(batch)
    finally:
        reader.close()


@contextmanager
def _connection(bind: Engine | Connection) -> Iterator[Connection]:
    """The caller's own Connection (left open), or one from an Engine (closed here)."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as conn:
        yield conn
