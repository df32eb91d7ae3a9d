"""Reads the cockpit needs that one CostQuery does not answer: the spans behind a cell, conversations,
ingest health, unpriced models, unattributed shares, the dimension values for the slicers.

Everything aggregates in SQL and every list is bounded: over ten million usage lines a call returns a few
hundred rows at most. Filters use the same key expressions as the cost query, so a slice means the same
lines here as in GET /api/cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ross_cost.model import DIMENSIONS, UNATTRIBUTED, UNKNOWN_CHANNEL, LineKind, Unit
from ross_cost.storage.reads import key_expression, period_expression
from ross_cost.storage.schema import Schema

Filters = Mapping[str, Sequence[str]]
ZERO = Decimal(0)
#: Token buckets shown per span in a drill-down, in reading order.
TOKEN_BUCKETS: tuple[LineKind, ...] = (
    LineKind.INPUT_UNCACHED, LineKind.CACHE_READ, LineKind.CACHE_WRITE,
    LineKind.OUTPUT_VISIBLE, LineKind.REASONING, LineKind.EMBEDDING_INPUT,
)


def _sliced(schema: Schema, start: date, end: date, filters: Filters, keys: Sequence[str] = (),
            with_tenants: bool = False) -> tuple[sa.FromClause, list[sa.ColumnElement[bool]]]:
    """The FROM (joined to tenants when the tier is used) and the WHERE of a slice [start, end)."""
    ul = schema.usage_lines
    source: sa.FromClause = ul
    if with_tenants or "tenant_tier" in filters or "tenant_tier" in keys:
        source = ul.outerjoin(schema.tenants, schema.tenants.c.tenant_id == ul.c.tenant_id)
    where = [ul.c.day >= start, ul.c.day < end]
    where += [key_expression(schema, key).in_(list(values)) for key, values in filters.items() if values]
    return source, where


@dataclass(frozen=True)
class SpanCost:
    """One span behind a cell: its ids, model, token buckets and what it cost."""

    trace_id: str
    span_id: str
    ts: datetime
    model: str
    provider: str
    operation: str
    tokens: dict[str, int]
    calls: int
    operations: int
    list_cost: Decimal
    effective_cost: Decimal
    unpriced_lines: int


def spans_behind(engine: Engine, schema: Schema, start: date, end: date, filters: Filters,
                 limit: int = 50) -> list[SpanCost]:
    """The costliest spans in a slice, at most `limit`, one row per span with its buckets side by side."""
    ul = schema.usage_lines
    source, where = _sliced(schema, start, end, filters)
    buckets = [sa.func.sum(sa.case((ul.c.line_kind == kind.value, ul.c.quantity), else_=0)).label(kind.value)
               for kind in TOKEN_BUCKETS]
    effective = sa.func.coalesce(sa.func.sum(ul.c.effective_cost), ZERO)
    select = (
        sa.select(
            ul.c.trace_id, ul.c.span_id, sa.func.min(ul.c.ts).label("ts"), sa.func.max(ul.c.model).label("model"),
            sa.func.max(ul.c.provider).label("provider"), sa.func.max(ul.c.operation).label("operation"), *buckets,
            sa.func.sum(sa.case((ul.c.unit == Unit.CALLS.value, ul.c.quantity), else_=0)).label("calls"),
            sa.func.sum(sa.case((ul.c.unit == Unit.OPERATIONS.value, ul.c.quantity), else_=0)).label("operations"),
            sa.func.coalesce(sa.func.sum(ul.c.list_cost), ZERO).label("list_cost"), effective.label("effective_cost"),
            sa.func.sum(sa.case((ul.c.unpriced_reason.is_not(None), 1), else_=0)).label("unpriced_lines"),
        )
        .select_from(source)
        .where(*where)
        .group_by(ul.c.trace_id, ul.c.span_id)
        .order_by(effective.desc(), ul.c.trace_id, ul.c.span_id)
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(select).all()
    return [
        SpanCost(
            row.trace_id, row.span_id, row.ts, row.model, row.provider, row.operation,
            {kind.value: int(getattr(row, kind.value)) for kind in TOKEN_BUCKETS},
            int(row.calls), int(row.operations), Decimal(row.list_cost), Decimal(row.effective_cost),
            int(row.unpriced_lines),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ConversationGroup:
    """Distinct conversations in a group, the spend inside them and the spend outside any conversation."""

    keys: dict[str, str]
    conversations: int
    conversation_cost: Decimal
    other_cost: Decimal


def conversations(engine: Engine, schema: Schema, start: date, end: date, filters: Filters,
                  group_by: Sequence[str] = (), granularity: str | None = None) -> list[ConversationGroup]:
    """count(DISTINCT conversation_id) and the split of spend, per group (and per period bucket)."""
    ul = schema.usage_lines
    source, where = _sliced(schema, start, end, filters, group_by)
    keys = [key_expression(schema, key).label(f"k_{i}") for i, key in enumerate(group_by)]
    if granularity is not None:
        keys.append(period_expression(schema, granularity).label("k_period"))
    in_conversation = ul.c.conversation_id.is_not(None)
    select = (
        sa.select(
            *keys,
            sa.func.count(sa.distinct(ul.c.conversation_id)).label("conversations"),
            sa.func.sum(sa.case((in_conversation, ul.c.effective_cost), else_=None)).label("inside"),
            sa.func.sum(sa.case((in_conversation, None), else_=ul.c.effective_cost)).label("outside"),
        )
        .select_from(source)
        .where(*where)
        .group_by(*keys)
        .order_by(*keys)
    )
    with engine.connect() as conn:
        rows = conn.execute(select).all()
    width = len(group_by)
    found = []
    for row in rows:
        named = dict(zip(group_by, row[:width], strict=True))
        if granularity is not None:
            named["period"] = row[width].isoformat()
        found.append(ConversationGroup(named, int(row.conversations), Decimal(row.inside or 0),
                                       Decimal(row.outside or 0)))
    return found


@dataclass(frozen=True)
class IngestDay:
    day: date
    requests: int
    accepted: int
    rejected: int
    duplicate: int


def ingest_days(engine: Engine, schema: Schema, since: date) -> list[IngestDay]:
    """Spans received, rejected and re-sent per day of receipt (the ingest log), oldest first."""
    log = schema.ingest_log
    select = (
        sa.select(log.c.day, sa.func.count().label("requests"), sa.func.sum(log.c.accepted).label("accepted"),
                  sa.func.sum(log.c.rejected).label("rejected"), sa.func.sum(log.c.duplicate).label("duplicate"))
        .where(log.c.day >= since)
        .group_by(log.c.day)
        .order_by(log.c.day)
    )
    with engine.connect() as conn:
        return [IngestDay(r.day, int(r.requests), int(r.accepted or 0), int(r.rejected or 0), int(r.duplicate or 0))
                for r in conn.execute(select)]


def rejection_reasons(engine: Engine, schema: Schema, since: date, limit: int = 200) -> list[tuple[date, str, int]]:
    """(day, reason, spans) for rejected spans, newest day first, most frequent reason first."""
    rej = schema.rejections
    spans = sa.func.count().label("spans")
    select = (sa.select(rej.c.day, rej.c.reason, spans).where(rej.c.day >= since)
              .group_by(rej.c.day, rej.c.reason).order_by(rej.c.day.desc(), spans.desc(), rej.c.reason).limit(limit))
    with engine.connect() as conn:
        return [(r.day, r.reason, int(r.spans)) for r in conn.execute(select)]


@dataclass(frozen=True)
class UnpricedGroup:
    """Lines no price covered, per model, kind and reason: what the price book or genai-prices lacks."""

    model: str
    provider: str
    line_kind: str
    unit: str
    reason: str
    lines: int
    quantity: int
    first_day: date
    last_day: date
    tool_name: str | None = None
    memory_layer: str | None = None


def unpriced(engine: Engine, schema: Schema, start: date, end: date, filters: Filters,
             limit: int = 200) -> list[UnpricedGroup]:
    ul = schema.usage_lines
    source, where = _sliced(schema, start, end, filters)
    group = [ul.c.model, ul.c.provider, ul.c.line_kind, ul.c.unit, ul.c.unpriced_reason, ul.c.tool_name,
             ul.c.memory_layer]
    lines = sa.func.count().label("lines")
    select = (
        sa.select(*group, lines, sa.func.sum(ul.c.quantity).label("quantity"),
                  sa.func.min(ul.c.day).label("first_day"), sa.func.max(ul.c.day).label("last_day"))
        .select_from(source)
        .where(*where, ul.c.unpriced_reason.is_not(None))
        .group_by(*group)
        .order_by(lines.desc(), ul.c.model, ul.c.line_kind)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [UnpricedGroup(r.model, r.provider, r.line_kind, r.unit, r.unpriced_reason, int(r.lines),
                              int(r.quantity), r.first_day, r.last_day, r.tool_name, r.memory_layer)
                for r in conn.execute(select)]


@dataclass(frozen=True)
class Attribution:
    """Per dimension, the spend and lines left unattributed ("unknown" for channel), against the totals;
    the key "any" counts lines missing at least one."""

    cost: Decimal
    lines: int
    unpriced_lines: int
    missing_cost: dict[str, Decimal] = field(default_factory=dict)
    missing_lines: dict[str, int] = field(default_factory=dict)


def attribution(engine: Engine, schema: Schema, start: date, end: date, filters: Filters) -> Attribution:
    """One pass over the slice: the unattributed share of each dimension and of the tenant tier."""
    ul = schema.usage_lines
    source, where = _sliced(schema, start, end, filters, with_tenants=True)
    missing: dict[str, sa.ColumnElement[bool]] = {
        key: ul.c[key].in_((UNATTRIBUTED, UNKNOWN_CHANNEL)) for key in DIMENSIONS
    }
    missing["tenant_tier"] = schema.tenants.c.tier.is_(None)
    missing["any"] = sa.or_(*missing.values())
    columns: list[sa.ColumnElement[Any]] = [
        sa.func.coalesce(sa.func.sum(ul.c.effective_cost), ZERO).label("cost"), sa.func.count().label("lines"),
        sa.func.sum(sa.case((ul.c.unpriced_reason.is_not(None), 1), else_=0)).label("unpriced"),
    ]
    for key, condition in missing.items():
        columns.append(sa.func.sum(sa.case((condition, ul.c.effective_cost), else_=None)).label(f"c_{key}"))
        columns.append(sa.func.sum(sa.case((condition, 1), else_=0)).label(f"l_{key}"))
    with engine.connect() as conn:
        row = conn.execute(sa.select(*columns).select_from(source).where(*where)).one()
    values = row._mapping
    return Attribution(
        Decimal(values["cost"]), int(values["lines"]), int(values["unpriced"] or 0),
        {key: Decimal(values[f"c_{key}"] or 0) for key in missing},
        {key: int(values[f"l_{key}"] or 0) for key in missing},
    )


@dataclass(frozen=True)
class LastSpan:
    received_at: datetime | None  # when the newest accepted request arrived
    span_time: datetime | None  # the newest span timestamp stored
    lines: int


def last_span(engine: Engine, schema: Schema) -> LastSpan:
    ul, log = schema.usage_lines, schema.ingest_log
    with engine.connect() as conn:
        received = conn.execute(sa.select(sa.func.max(log.c.received_at)).where(log.c.accepted > 0)).scalar()
        newest, lines = conn.execute(sa.select(sa.func.max(ul.c.ts), sa.func.count()).select_from(ul)).one()
    return LastSpan(received, newest, int(lines))


def dimension_values(engine: Engine, schema: Schema) -> dict[str, list[str]]:
    """Distinct values of the six dimensions (and the tenant tiers), sorted: the slicers' options."""
    ul, tenants = schema.usage_lines, schema.tenants
    found: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for key in DIMENSIONS:
            found[key] = sorted(str(v) for v in conn.execute(sa.select(ul.c[key]).distinct()).scalars())
        known = {str(t): str(tier) for t, tier in conn.execute(sa.select(tenants.c.tenant_id, tenants.c.tier))}
    tiers = set(known.values())
    if any(tenant not in known for tenant in found["tenant_id"]):
        tiers.add(UNATTRIBUTED)  # lines of tenants missing from the tenants file group as "unattributed"
    found["tenant_tier"] = sorted(str(t) for t in tiers)
    return found


def tenant_directory(engine: Engine, schema: Schema) -> dict[str, tuple[str, str]]:
    """tenant_id -> (name, tier), from the tenants file loaded at start-up."""
    tenants = schema.tenants
    with engine.connect() as conn:
        return {r.tenant_id: (r.name, r.tier) for r in conn.execute(sa.select(tenants))}
