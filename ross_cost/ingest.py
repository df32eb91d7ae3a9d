"""The ingest use case: decoded spans in, priced and attributed lines stored, counts out.

Idempotent and order-independent: a span already stored is a duplicate and changes nothing; a span whose
ancestors arrive later is re-resolved when they do (its stored lines get the new dimensions), so the end
state depends only on the set of spans received, never on their order or batching.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ross_cost.attribution import Attributor, SpanOutcome
from ross_cost.dimensions import (
    RESOLVED_KEYS,
    Candidates,
    TraceNode,
    decode_candidates,
    encode_candidates,
    resolve_trace,
)
from ross_cost.gc_pause import gc_paused
from ross_cost.spans import DecodedBatch, SpanRecord
from ross_cost.storage import ContextRow, DimensionUpdate, Store, WriteBatch


@dataclass
class IngestResult:
    """Counts of one request or file, with the reasons spans were rejected."""

    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    lines: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, other: IngestResult) -> None:
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.duplicate += other.duplicate
        self.lines += other.lines
        self.reasons.update(other.reasons)

    def message(self, limit: int = 3) -> str:
        """A short partial_success message: the most frequent rejection reasons."""
        parts = [f"{count} × {reason}" if count > 1 else reason for reason, count in self.reasons.most_common(limit)]
        more = len(self.reasons) - limit
        return "; ".join(parts) + (f"; and {more} other reason(s)" if more > 0 else "")


def _dims_key(dims: dict[str, str]) -> str:
    """A compact, order-fixed fingerprint of resolved dimensions, to spot the ones a late parent changed."""
    return "\x1f".join(dims[key] for key in RESOLVED_KEYS)


def _encoded(candidates: Candidates, cache: dict[int, str]) -> str:
    hit = cache.get(id(candidates))
    if hit is None:
        hit = cache[id(candidates)] = encode_candidates(candidates)
    return hit


@dataclass
class Attributed:
    """A batch after the pure step (decode + attribute), before the store is consulted."""

    batch: DecodedBatch
    outcomes: list[tuple[SpanRecord, SpanOutcome]]


class Ingestor:
    """Runs ingest against one store. Writes are serialised: DuckDB wants one writer at a time.

    Two steps: `attribute` is pure (no store) and may run ahead; `commit` reads what the store already holds
    for the batch's traces, resolves dimensions, and writes, one batch at a time under a lock.
    """

    def __init__(self, store: Store, attributor: Attributor) -> None:
        self.store = store
        self.attributor = attributor
        self._lock = threading.Lock()
        self.generation = 0  # bumped on every write, so readers can invalidate caches

    def ingest(self, batch: DecodedBatch, source: str) -> IngestResult:
        with gc_paused():
            return self.commit(self.attribute(batch), source)

    def ingest_many(self, batches: Iterable[DecodedBatch], source: str) -> Iterator[IngestResult]:
        """Bulk path (files, demo). Overlapping attribution with writes in a thread gained nothing measurable
        (bench/bench_ingest.py: both steps hold the GIL most of the time), so batches go one after another."""
        for batch in batches:
            yield self.ingest(batch, source)

    def attribute(self, batch: DecodedBatch) -> Attributed:
        seen: set[tuple[str, str]] = set()
        outcomes = []
        for span in batch.spans:
            key = (span.trace_id, span.span_id)
            if key not in seen:  # a span repeated inside one request is a duplicate, counted at commit
                seen.add(key)
                outcomes.append((span, self.attributor.attribute(span)))
        return Attributed(batch, outcomes)

    def commit(self, attributed: Attributed, source: str) -> IngestResult:
        with self._lock:
            result = self._commit(attributed, source)
            self.generation += 1
            return result

    def _commit(self, attributed: Attributed, source: str) -> IngestResult:
        batch = attributed.batch
        result = IngestResult(duplicate=len(batch.spans) - len(attributed.outcomes))
        write = WriteBatch(source=source, received_at=datetime.now(UTC).replace(tzinfo=None))
        for trace_id, span_id, reason in batch.malformed:
            result.rejected += 1
            result.reasons[reason] += 1
            write.rejections.append((trace_id, span_id, reason))

        trace_ids = sorted({span.trace_id for span, _ in attributed.outcomes})
        stored = self.store.existing_contexts(trace_ids) if trace_ids else []
        known = {(c.trace_id, c.span_id) for c in stored}
        nodes: dict[str, dict[str, TraceNode]] = {t: {} for t in trace_ids}
        previous: dict[tuple[str, str], str | None] = {}
        for ctx in stored:
            nodes[ctx.trace_id][ctx.span_id] = TraceNode(ctx.span_id, ctx.parent_span_id,
                                                         decode_candidates(ctx.candidates))
            previous[(ctx.trace_id, ctx.span_id)] = ctx.resolved

        fresh = []
        for span, outcome in attributed.outcomes:
            if (span.trace_id, span.span_id) in known:
                result.duplicate += 1
            elif outcome.rejection is not None:
                result.rejected += 1
                result.reasons[outcome.rejection] += 1
                write.rejections.append((span.trace_id, span.span_id, f"span {span.span_id}: {outcome.rejection}"))
            else:
                nodes[span.trace_id][span.span_id] = TraceNode(span.span_id, span.parent_span_id, outcome.candidates)
                fresh.append((span, outcome))
                result.accepted += 1

        resolved = {trace_id: resolve_trace(trace_nodes) for trace_id, trace_nodes in nodes.items() if trace_nodes}
        encoded: dict[int, str] = {}  # spans sharing their resource's candidates share one encoding
        for span, outcome in fresh:
            dims = resolved[span.trace_id][span.span_id]
            for line in outcome.lines:
                line.dims = dims
            write.lines.extend(outcome.lines)
            write.contexts.append(ContextRow(
                span.trace_id, span.span_id, span.parent_span_id, outcome.ts, outcome.operation,
                _encoded(outcome.candidates, encoded), _dims_key(dims), bool(outcome.lines),
            ))
        for (trace_id, span_id), old in previous.items():
            dims = resolved[trace_id][span_id]
            new = _dims_key(dims)
            if new != old:
                write.updates.append(DimensionUpdate(trace_id, span_id, dims, new))

        write.accepted, write.rejected, write.duplicate = result.accepted, result.rejected, result.duplicate
        result.lines = len(write.lines)
        self.store.write_batch(write)
        return result
