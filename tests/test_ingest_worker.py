"""Bulk ingest on two processes (ross_cost.ingest_pool): a worker decodes, attributes and prices, this process
resolves and writes. It must store exactly what the one-process path stores, count the same, stop at a bad
body after committing everything before it, and carry on in-process when the worker dies."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from ross_cost import demo, ingest_pool
from ross_cost.ingest import Ingestor, IngestResult
from ross_cost.otel.decode import DecodeError
from ross_cost.storage import Store
from tests.factories import attributor

PROTOBUF = "application/x-protobuf"


def split_traces(body: bytes) -> list[bytes]:
    """Two requests from one, the second half of every trace's spans first: traces cross requests and
    children arrive before their parents."""
    request = ExportTraceServiceRequest.FromString(body)
    halves = [ExportTraceServiceRequest(), ExportTraceServiceRequest()]
    for resource_spans in request.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            spans = list(scope_spans.spans)
            for half, part in zip(halves, (spans[len(spans) // 2:], spans[: len(spans) // 2]), strict=True):
                target = half.resource_spans.add(resource=resource_spans.resource)
                target.scope_spans.add(scope=scope_spans.scope).spans.extend(part)
    return [half.SerializeToString() for half in halves]


@pytest.fixture(scope="module")
def bodies() -> list[bytes]:
    """Two demo days in 12 requests, split and re-ordered, with one request sent twice."""
    whole = list(demo.generate(days=2, seed=11, end=date(2026, 10, 3), traces_per_batch=250))
    split = [part for body in whole for part in split_traces(body)]
    return [*split, split[3]]


def fresh_store(folder: Path) -> Store:
    return Store.open(f"duckdb:///{folder / f'{uuid.uuid4().hex}.duckdb'}")


def table_rows(store: Store, name: str, skip: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    table = store.schema.metadata.tables[name]
    columns = [column for column in table.columns if column.key not in skip]
    with store.engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(sa.select(*columns)))


def total(results: Iterator[IngestResult]) -> IngestResult:
    out = IngestResult()
    for result in results:
        out.add(result)
    return out


def test_the_worker_stores_exactly_what_one_process_stores(tmp_path: Path, bodies: list[bytes]) -> None:
    alone, pooled = fresh_store(tmp_path), fresh_store(tmp_path)
    try:
        expected = total(ingest_pool.ingest_bodies(Ingestor(alone, attributor()), bodies, PROTOBUF, "t",
                                                   worker_after=len(bodies) + 1))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the worker must really run: no fallback
            got = total(ingest_pool.ingest_bodies(Ingestor(pooled, attributor()), bodies, PROTOBUF, "t",
                                                  worker_after=1))
        assert (got.accepted, got.rejected, got.duplicate, got.lines) == (
            expected.accepted, expected.rejected, expected.duplicate, expected.lines)
        assert got.duplicate > 0 and got.lines > 1000
        assert table_rows(pooled, "usage_lines", skip=("ingested_at",)) == table_rows(alone, "usage_lines",
                                                                                      skip=("ingested_at",))
        assert table_rows(pooled, "span_context") == table_rows(alone, "span_context")
    finally:
        alone.close()
        pooled.close()


def test_a_bad_body_stops_the_load_after_everything_before_it_is_committed(tmp_path: Path,
                                                                           bodies: list[bytes]) -> None:
    store = fresh_store(tmp_path)
    accepted = 0
    try:
        with pytest.raises(DecodeError):
            for result in ingest_pool.ingest_bodies(Ingestor(store, attributor()), [*bodies[:5], b"\x0f junk"],
                                                    PROTOBUF, "t", worker_after=1):
                accepted += result.accepted
        assert accepted > 0
        assert len(table_rows(store, "span_context")) == accepted
    finally:
        store.close()


def failing_start(book: object) -> None:
    """Runs in the worker instead of its start-up: the worker cannot start."""
    raise RuntimeError("worker start-up failed")


def test_when_the_worker_cannot_run_the_load_goes_on_in_this_process(tmp_path: Path, bodies: list[bytes],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    expected_store, store = fresh_store(tmp_path), fresh_store(tmp_path)
    ingestor = Ingestor(store, attributor())
    monkeypatch.setattr(ingest_pool, "_start_worker", failing_start)
    try:
        expected = total(ingest_pool.ingest_bodies(Ingestor(expected_store, attributor()), bodies, PROTOBUF, "t",
                                                   worker_after=len(bodies) + 1))
        with pytest.warns(RuntimeWarning, match="worker process stopped"):
            got = total(ingest_pool.ingest_bodies(ingestor, bodies, PROTOBUF, "t", worker_after=1))
        assert (got.accepted, got.duplicate, got.lines) == (expected.accepted, expected.duplicate, expected.lines)
        assert table_rows(store, "span_context") == table_rows(expected_store, "span_context")
    finally:
        expected_store.close()
        store.close()
