"""Read queries: the cost aggregation every view asks, and stored span contexts for ingest.

Aggregation happens in SQL (conditional sums split quantities by unit), so a quarter of ten million lines
comes back as a few hundred groups, never as raw rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ross_cost.model import NOT_APPLICABLE, UNATTRIBUTED, Unit, quantize_money
from ross_cost.query import CostQuery, CostRow
from ross_cost.storage.bulk import registered
from ross_cost.storage.records import StoredContext
from ross_cost.storage.schema import Schema

#: Nullable layer-detail columns group and filter as "n/a" where they do not apply.
_NULLABLE_KEYS = frozenset({"tool_name", "memory_layer"})
_ZERO = quantize_money(Decimal(0))


def key_expression(schema: Schema, key: str) -> sa.ColumnElement[Any]:
    if key == "tenant_tier":
        return sa.func.coalesce(schema.tenants.c.tier, UNATTRIBUTED)
    column = schema.usage_lines.c[key]
    if key in _NULLABLE_KEYS:
        return sa.func.coalesce(column, NOT_APPLICABLE)
    return column


def period_expression(schema: Schema, granularity: str) -> sa.ColumnElement[Any]:
    """The bucket start as a DATE: the day, the ISO week's Monday, or the first of the month."""
    day = schema.usage_lines.c.day
    if granularity == "day":
        return day
    # Truncate a timestamp without time zone: PostgreSQL would otherwise cast the date to timestamptz.
    return sa.cast(sa.func.date_trunc(granularity, sa.cast(day, sa.DateTime())), sa.Date())


def cost_select(schema: Schema, query: CostQuery) -> sa.Select[Any]:
    ul = schema.usage_lines
    filters = query.filter_map
    source: sa.FromClause = ul
    if "tenant_tier" in query.group_by or "tenant_tier" in filters:
        source = ul.outerjoin(schema.tenants, schema.tenants.c.tenant_id == ul.c.tenant_id)
    keys = [key_expression(schema, key).label(f"k_{i}") for i, key in enumerate(query.group_by)]
    if query.granularity is not None:
        keys.append(period_expression(schema, query.granularity).label("k_period"))
    effective = sa.func.sum(ul.c.effective_cost)
    unpriced = ul.c.unpriced_reason.is_not(None)
    aggregates = [
        sa.func.sum(ul.c.list_cost).label("list_cost"),
        effective.label("effective_cost"),
        sa.func.count().label("lines"),
    ]
    for unit in Unit:
        is_unit = ul.c.unit == unit.value
        aggregates.append(sa.func.sum(sa.case((is_unit, ul.c.quantity), else_=0)).label(f"q_{unit.name}"))
        aggregates.append(
            sa.func.sum(sa.case((sa.and_(is_unit, unpriced), ul.c.quantity), else_=0)).label(f"u_{unit.name}")
        )
    where = [ul.c.day >= query.start, ul.c.day < query.end]
    where += [key_expression(schema, key).in_(values) for key, values in query.filters]
    return (
        sa.select(*keys, *aggregates)
        .select_from(source)
        .where(*where)
        .group_by(*keys)
        .order_by(sa.func.coalesce(effective, 0).desc(), *keys)
    )


def cost_rows(conn: sa.Connection, schema: Schema, query: CostQuery) -> list[CostRow]:
    """Run the cost select and shape its rows (positionally: large day-level answers stay quick)."""
    names = list(query.group_by)
    width = len(names)
    with_period = query.granularity is not None
    units = [unit.value for unit in Unit]
    rows: list[CostRow] = []
    for record in conn.execute(cost_select(schema, query)).all():
        if not record[width + with_period + 2]:
            continue  # an ungrouped aggregate over no lines still yields one row: no lines, no answer
        keys = dict(zip(names, record[:width], strict=True))  # every key is NOT NULL or coalesced in SQL
        if with_period:
            keys["period"] = record[width].isoformat()
        list_cost, effective_cost, lines, *by_unit = record[width + with_period :]
        quantity = {unit: int(q) for unit, q in zip(units, by_unit[0::2], strict=True) if q}
        unpriced = {unit: int(q) for unit, q in zip(units, by_unit[1::2], strict=True) if q}
        rows.append(
            CostRow(
                keys=keys,
                list_cost=_ZERO if list_cost is None else list_cost,
                effective_cost=_ZERO if effective_cost is None else effective_cost,
                quantity=quantity,
                unpriced_quantity=unpriced,
                lines=int(lines),
            )
        )
    return rows


def existing_contexts(conn: sa.Connection, schema: Schema, trace_ids: Sequence[str]) -> list[StoredContext]:
    """All stored span contexts of these traces: a join against a registered Arrow table on DuckDB,
    `= ANY(array)` on PostgreSQL (both stay fast for thousands of ids)."""
    ids = sorted(set(trace_ids))
    if not ids:
        return []
    sc = schema.span_context
    columns = [sc.c[name] for name in ("trace_id", "span_id", "parent_span_id", "operation", "candidates")]
    columns += [sc.c.resolved, sc.c.has_lines]
    if conn.dialect.name == "duckdb":
        with registered(conn, pa.table({"trace_id": pa.array(ids, pa.string())}), "ids") as wanted:
            select = sa.select(*columns).join_from(sc, wanted, sc.c.trace_id == wanted.c.trace_id)
            result = conn.execute(select).all()
    else:
        ids_param = sa.bindparam("ids", ids, type_=postgresql.ARRAY(sa.String()))
        result = conn.execute(sa.select(*columns).where(sc.c.trace_id == sa.any_(ids_param))).all()
    return [
        StoredContext(
            trace_id=row.trace_id,
            span_id=row.span_id,
            parent_span_id=row.parent_span_id,
            operation=row.operation,
            candidates=row.candidates,
            resolved=row.resolved,
            has_lines=bool(row.has_lines),
        )
        for row in result
    ]
