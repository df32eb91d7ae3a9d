"""Cached reads for the pages, keyed by (store, generation, question).

`services.generation` moves whenever spans are written, so a new batch makes every page recompute, and
the ttl bounds staleness for writers in other processes (PostgreSQL deployments). Cached functions take
primitives to hash; the query object itself rides along unhashed (leading underscore).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import streamlit as st

from ross_cost import services
from ross_cost.query import CostQuery, CostRow
from ross_cost.storage import cockpit_reads as reads

TTL = "10m"
ENTRIES = 512
Stamp = tuple[str, int, int]


def stamp() -> Stamp:
    """What identifies the data right now: the store, the Services object, and its write generation."""
    svc = services.current()
    return svc.store.url, id(svc), svc.generation


def _filters_key(filters: Mapping[str, Sequence[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((k, tuple(sorted(v))) for k, v in filters.items() if v))


@st.cache_data(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def _cost(stamp_key: Stamp, query_key: str, _query: CostQuery) -> list[CostRow]:
    return services.current().cost(_query)


def cost(query: CostQuery) -> list[CostRow]:
    """svc.cost(query), cached: the same call GET /api/cost makes, so the numbers are the same."""
    return _cost(stamp(), repr(query), query)


@st.cache_data(ttl="1m", max_entries=16, show_spinner=False)
def _data_range(stamp_key: Stamp) -> tuple[date, date] | None:
    return services.current().data_range()


def data_range() -> tuple[date, date] | None:
    return _data_range(stamp())


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def _dimension_values(stamp_key: Stamp) -> dict[str, list[str]]:
    store = services.current().store
    return reads.dimension_values(store.engine, store.schema)


def dimension_values() -> dict[str, list[str]]:
    return _dimension_values(stamp())


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def _tenants(stamp_key: Stamp) -> dict[str, tuple[str, str]]:
    store = services.current().store
    return reads.tenant_directory(store.engine, store.schema)


def tenants() -> dict[str, tuple[str, str]]:
    """tenant_id -> (name, tier)."""
    return _tenants(stamp())


@st.cache_data(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def _conversations(stamp_key: Stamp, start: date, end: date, filters: tuple[tuple[str, tuple[str, ...]], ...],
                   group_by: tuple[str, ...], granularity: str | None) -> list[reads.ConversationGroup]:
    store = services.current().store
    return reads.conversations(store.engine, store.schema, start, end, dict(filters), group_by, granularity)


def conversations(start: date, end: date, filters: Mapping[str, Sequence[str]], group_by: Sequence[str] = (),
                  granularity: str | None = None) -> list[reads.ConversationGroup]:
    return _conversations(stamp(), start, end, _filters_key(filters), tuple(group_by), granularity)


@st.cache_data(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def _spans_behind(stamp_key: Stamp, start: date, end: date, filters: tuple[tuple[str, tuple[str, ...]], ...],
                  limit: int) -> list[reads.SpanCost]:
    store = services.current().store
    return reads.spans_behind(store.engine, store.schema, start, end, dict(filters), limit)


def spans_behind(start: date, end: date, filters: Mapping[str, Sequence[str]], limit: int = 50) -> list[reads.SpanCost]:
    return _spans_behind(stamp(), start, end, _filters_key(filters), limit)


@st.cache_data(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def _attribution(stamp_key: Stamp, start: date, end: date,
                 filters: tuple[tuple[str, tuple[str, ...]], ...]) -> reads.Attribution:
    store = services.current().store
    return reads.attribution(store.engine, store.schema, start, end, dict(filters))


def attribution(start: date, end: date, filters: Mapping[str, Sequence[str]]) -> reads.Attribution:
    return _attribution(stamp(), start, end, _filters_key(filters))


@st.cache_data(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def _unpriced(stamp_key: Stamp, start: date, end: date,
              filters: tuple[tuple[str, tuple[str, ...]], ...]) -> list[reads.UnpricedGroup]:
    store = services.current().store
    return reads.unpriced(store.engine, store.schema, start, end, dict(filters))


def unpriced(start: date, end: date, filters: Mapping[str, Sequence[str]]) -> list[reads.UnpricedGroup]:
    return _unpriced(stamp(), start, end, _filters_key(filters))


@st.cache_data(ttl="1m", max_entries=16, show_spinner=False)
def _ingest(stamp_key: Stamp, since: date) -> tuple[list[reads.IngestDay], list[tuple[date, str, int]]]:
    store = services.current().store
    return (reads.ingest_days(store.engine, store.schema, since),
            reads.rejection_reasons(store.engine, store.schema, since))


def ingest(since: date) -> tuple[list[reads.IngestDay], list[tuple[date, str, int]]]:
    """Per day of receipt: requests and spans accepted / rejected / duplicate, and the rejection reasons."""
    return _ingest(stamp(), since)


def last_span() -> reads.LastSpan:
    """Not cached: a health page must say what is true now."""
    store = services.current().store
    return reads.last_span(store.engine, store.schema)
