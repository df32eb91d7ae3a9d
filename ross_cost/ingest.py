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

import pyarrow as pa

from ross_cost.attribution import Attributor, SpanOutcome
from ross_cost.dimensions import (
    RESOLVED_KEYS,
    Best,
    Candidates,
    TraceNode,
    decode_candidates,
    encode_candidates,
    own_best,
    resolve_trace,
)
from ross_cost.gc_pause import gc_paused
from ross_cost.model import UsageLine
from ross_cost.spans import DecodedBatch, SpanRecord
from ross_cost.storage import DimensionUpdate, Store, WriteBatch
from ross_cost.storage.tables import contexts_table, priced_lines, resolved_contexts, with_dimensions


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
class Prepared:
    """A request after the step that needs no store (decode, attribute, price), as Arrow tables.

    Small and cheap to pickle, so the step can run in a worker process (ingest_pool) while the main process
    resolves and writes the previous batch.
    """

    repeats: int  # spans repeated inside the request (duplicates)
    malformed: list[tuple[str, str, str]]
    rejected: list[tuple[str, str, str]]  # (trace_id, span_id, reason): read, but impossible counts
    contexts: pa.Table  # one row per other span (storage.tables.contexts_table)
    lines: pa.Table  # their priced lines (storage.tables.priced_lines, SPAN_ROW = row in `contexts`)


def prepare(batch: DecodedBatch, attributor: Attributor) -> Prepared:
    """Attribute and price every span of a request; the result does not depend on what is stored."""
    seen: set[tuple[str, str]] = set()
    spans: list[SpanRecord] = []
    outcomes: list[SpanOutcome] = []
    rejected: list[tuple[str, str, str]] = []
    lines: list[UsageLine] = []
    rows: list[int] = []
    encoded: dict[int, str] = {}  # spans sharing their resource's candidates share one encoding
    candidates: list[str] = []
    for span in batch.spans:
        key = (span.trace_id, span.span_id)
        if key in seen:
            continue
        seen.add(key)
        outcome = attributor.attribute(span)
        if outcome.rejection is not None:
            rejected.append((span.trace_id, span.span_id, outcome.rejection))
            continue
        row = len(spans)
        spans.append(span)
        outcomes.append(outcome)
        candidates.append(_encoded(outcome.candidates, encoded))
        lines.extend(outcome.lines)
        rows.extend([row] * len(outcome.lines))
    contexts = contexts_table(
        [s.trace_id for s in spans], [s.span_id for s in spans], [s.parent_span_id for s in spans],
        [o.ts for o in outcomes], [o.operation for o in outcomes], candidates, [bool(o.lines) for o in outcomes])
    return Prepared(len(batch.spans) - len(seen), batch.malformed, rejected, contexts, priced_lines(lines, rows))


class Ingestor:
    """Runs ingest against one store. Writes are serialised: DuckDB wants one writer at a time.

    Two steps: `prepare` is pure (no store) and may run ahead, in another process; `commit` reads what the
    store already holds for the batch's traces, resolves dimensions, and writes, one batch at a time.
    """

    def __init__(self, store: Store, attributor: Attributor) -> None:
        self.store = store
        self.attributor = attributor
        self._lock = threading.Lock()
        self._candidates: dict[str, tuple[Candidates, Best]] = {}
        self.generation = 0  # bumped on every write, so readers can invalidate caches

    def ingest(self, batch: DecodedBatch, source: str) -> IngestResult:
        with gc_paused():
            return self.commit(prepare(batch, self.attributor), source)

    def ingest_many(self, batches: Iterable[DecodedBatch], source: str) -> Iterator[IngestResult]:
        """Batches one after another in this process (ingest_pool overlaps `prepare` in a worker instead)."""
        for batch in batches:
            yield self.ingest(batch, source)

    def commit(self, prepared: Prepared, source: str) -> IngestResult:
        with self._lock, gc_paused():
            result = self._commit(prepared, source)
            self.generation += 1
            return result

    def _node(self, span_id: str, parent_span_id: str, candidates: str) -> TraceNode:
        """A trace node from stored candidate JSON; spans of one resource (and many roots) share a few texts."""
        hit = self._candidates.get(candidates)
        if hit is None:
            if len(self._candidates) > 50_000:
                self._candidates.clear()
            decoded = decode_candidates(candidates)
            hit = self._candidates[candidates] = (decoded, own_best(decoded))
        return TraceNode(span_id, parent_span_id, hit[0], hit[1])

    def _commit(self, prepared: Prepared, source: str) -> IngestResult:
        result = IngestResult(duplicate=prepared.repeats)
        write = WriteBatch(source=source, received_at=datetime.now(UTC).replace(tzinfo=None))
        for trace_id, span_id, reason in prepared.malformed:
            result.rejected += 1
            result.reasons[reason] += 1
            write.rejections.append((trace_id, span_id, reason))

        ctx = prepared.contexts
        trace_col, span_col, parent_col, candidate_col = (
            ctx.column(name).to_pylist() for name in ("trace_id", "span_id", "parent_span_id", "candidates"))
        trace_ids = sorted({*trace_col, *(trace_id for trace_id, _, _ in prepared.rejected)})
        stored = self.store.existing_contexts(trace_ids) if trace_ids else []
        known = {(c.trace_id, c.span_id) for c in stored}
        nodes: dict[str, dict[str, TraceNode]] = {t: {} for t in trace_ids}
        previous: dict[tuple[str, str], str | None] = {}
        for c in stored:
            nodes[c.trace_id][c.span_id] = self._node(c.span_id, c.parent_span_id, c.candidates)
            previous[(c.trace_id, c.span_id)] = c.resolved

        for trace_id, span_id, reason in prepared.rejected:
            if (trace_id, span_id) in known:
                result.duplicate += 1
            else:
                result.rejected += 1
                result.reasons[reason] += 1
                write.rejections.append((trace_id, span_id, f"span {span_id}: {reason}"))
        keep = []
        for trace_id, span_id, parent, candidates in zip(trace_col, span_col, parent_col, candidate_col, strict=True):
            fresh = (trace_id, span_id) not in known
            keep.append(fresh)
            if fresh:
                nodes[trace_id][span_id] = self._node(span_id, parent, candidates)
        result.accepted = sum(keep)
        result.duplicate += len(keep) - result.accepted

        resolved = {trace_id: resolve_trace(trace_nodes) for trace_id, trace_nodes in nodes.items() if trace_nodes}
        dims = [resolved[t][s] if fresh else None for t, s, fresh in zip(trace_col, span_col, keep, strict=True)]
        write.context_table = resolved_contexts(ctx, keep, [_dims_key(d) for d in dims if d is not None])
        write.line_table = with_dimensions(prepared.lines, dims, keep)
        for (trace_id, span_id), old in previous.items():
            new_dims = resolved[trace_id][span_id]
            new = _dims_key(new_dims)
            if new != old:
                write.updates.append(DimensionUpdate(trace_id, span_id, new_dims, new))

        write.accepted, write.rejected, write.duplicate = result.accepted, result.rejected, result.duplicate
        result.lines = write.line_table.num_rows
        self.store.write_batch(write)
        return result
