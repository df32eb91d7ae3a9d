"""The tables, defined once in SQLAlchemy Core for DuckDB and PostgreSQL alike.

No surrogate keys: DuckDB rejects SERIAL/Identity and bulk loads would bypass client-side sequences.
The natural keys of the two big tables exist only on PostgreSQL: on DuckDB an ART index over ten million
lines costs more memory than it saves, and idempotency is enforced one level up through span_context.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ross_cost.model import MONEY_PLACES, MONEY_PRECISION

SCHEMA_VERSION = "1"


def money() -> sa.Numeric[Decimal]:
    return sa.Numeric(MONEY_PRECISION, MONEY_PLACES)


@dataclass(frozen=True)
class Schema:
    metadata: sa.MetaData
    usage_lines: sa.Table
    span_context: sa.Table
    rejections: sa.Table
    ingest_log: sa.Table
    tenants: sa.Table
    meta: sa.Table


def build_schema(keyed: bool) -> Schema:
    """The tables; `keyed` adds the natural primary keys and the day index of the big tables (PostgreSQL)."""
    md = sa.MetaData()

    def required(name: str, type_: sa.types.TypeEngine[Any] | None = None) -> sa.Column[Any]:
        return sa.Column(name, type_ if type_ is not None else sa.String(), nullable=False)

    def optional(name: str, type_: sa.types.TypeEngine[Any] | None = None) -> sa.Column[Any]:
        return sa.Column(name, type_ if type_ is not None else sa.String(), nullable=True)

    usage_lines = sa.Table(
        "usage_lines",
        md,
        required("trace_id", sa.String(32)),
        required("span_id", sa.String(16)),
        required("line_kind", sa.String(24)),
        required("ts", sa.DateTime()),
        required("day", sa.Date()),
        required("layer", sa.String(16)),
        required("tenant_id"),
        required("agent_slug"),
        required("module_id"),
        required("model"),
        required("provider"),
        required("channel"),
        optional("conversation_id"),
        required("operation"),
        optional("tool_name"),
        optional("memory_layer"),
        optional("service_tier"),
        required("quantity", sa.BigInteger()),
        required("unit", sa.String(16)),
        optional("list_unit_price", money()),
        optional("effective_unit_price", money()),
        optional("list_cost", money()),
        optional("effective_cost", money()),
        optional("unpriced_reason"),
        optional("price_source"),
        optional("price_reference"),
        optional("contract"),
        required("ingested_at", sa.DateTime()),
    )
    span_context = sa.Table(
        "span_context",
        md,
        required("trace_id", sa.String(32)),
        required("span_id", sa.String(16)),
        required("parent_span_id", sa.String(16)),
        required("ts", sa.DateTime()),
        required("operation"),
        required("candidates", sa.Text()),
        optional("resolved", sa.Text()),
        required("has_lines", sa.Boolean()),
    )
    if keyed:
        usage_lines.append_constraint(sa.PrimaryKeyConstraint("trace_id", "span_id", "line_kind"))
        sa.Index("ix_usage_lines_day", usage_lines.c.day)
        span_context.append_constraint(sa.PrimaryKeyConstraint("trace_id", "span_id"))

    rejections = sa.Table(
        "rejections",
        md,
        required("received_at", sa.DateTime()),
        required("day", sa.Date()),
        required("trace_id"),
        required("span_id"),
        required("reason", sa.Text()),
        required("source"),
    )
    ingest_log = sa.Table(
        "ingest_log",
        md,
        required("received_at", sa.DateTime()),
        required("day", sa.Date()),
        required("source"),
        required("accepted", sa.Integer()),
        required("rejected", sa.Integer()),
        required("duplicate", sa.Integer()),
    )
    tenants = sa.Table(
        "tenants",
        md,
        sa.Column("tenant_id", sa.String(), primary_key=True, autoincrement=False),
        required("name"),
        required("tier"),
    )
    meta = sa.Table(
        "meta",
        md,
        sa.Column("key", sa.String(), primary_key=True, autoincrement=False),
        required("value", sa.Text()),
    )
    return Schema(md, usage_lines, span_context, rejections, ingest_log, tenants, meta)
