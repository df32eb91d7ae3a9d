"""Bulk loads on two cores: a worker process decodes, attributes and prices while this one writes.

DuckDB allows one writing process, and resolving dimensions needs what is stored, so those stay here; the
part that needs neither (`ingest.prepare`, about half the work per span) moves to a worker and comes back as
Arrow tables, which pickle as raw buffers. Batches are committed in input order, with a few prepared ahead
(bounded memory). A `spawn` worker (never `fork`: this process holds DuckDB's and the server's threads) costs
about a second to start, so small inputs stay in this process.
"""

from __future__ import annotations

import multiprocessing
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice

from ross_cost.attribution import Attributor
from ross_cost.gc_pause import gc_paused
from ross_cost.ingest import Ingestor, IngestResult, Prepared, prepare
from ross_cost.otel.decode import decode_request
from ross_cost.price_book import PriceBook
from ross_cost.pricing import Pricer

#: Inputs of fewer requests than this are ingested in this process (the worker's start-up would not pay off).
WORKER_AFTER = 4
#: Requests prepared ahead of the one being written: enough to keep the worker busy, little memory.
AHEAD = 3

#: The worker process's attributor, built once from the main process's price book.
_worker: dict[str, Attributor] = {}


def _start_worker(book: PriceBook) -> None:
    _worker["attributor"] = Attributor(Pricer(book))


def _prepare_body(body: bytes, content_type: str) -> Prepared:
    with gc_paused():
        return prepare(decode_request(body, content_type, None), _worker["attributor"])


def _next_prepared(pending: deque[tuple[bytes, Future[Prepared]]]) -> Prepared:
    """The oldest body's result; the body stays pending until it has one (so a dead worker loses nothing)."""
    prepared = pending[0][1].result()
    pending.popleft()
    return prepared


def ingest_bodies(ingestor: Ingestor, bodies: Iterable[bytes], content_type: str, source: str,
                  worker_after: int = WORKER_AFTER) -> Iterator[IngestResult]:
    """Ingest OTLP request bodies in order; from `worker_after` bodies on, preparation runs in a worker.

    A body that cannot be decoded raises its DecodeError when its turn comes, after every earlier body is
    committed, exactly as the in-process path does. If the worker dies (killed, or it could not start), the
    remaining bodies are prepared here: slower, nothing lost.
    """
    items = iter(bodies)
    head = list(islice(items, worker_after))
    if len(head) < worker_after:
        yield from ingestor.ingest_many((decode_request(b, content_type, None) for b in head), source)
        return
    context = multiprocessing.get_context("spawn")
    book = ingestor.attributor.pricer.book
    remaining = chain(head, items)
    pending: deque[tuple[bytes, Future[Prepared]]] = deque()
    with ProcessPoolExecutor(1, mp_context=context, initializer=_start_worker, initargs=(book,)) as pool:
        try:
            for body in remaining:
                pending.append((body, pool.submit(_prepare_body, body, content_type)))
                if len(pending) > AHEAD:
                    yield ingestor.commit(_next_prepared(pending), source)
            while pending:
                yield ingestor.commit(_next_prepared(pending), source)
        except BrokenProcessPool:
            warnings.warn("the ingest worker process stopped; going on in this process", RuntimeWarning,
                          stacklevel=2)
        finally:
            for _, future in pending:
                future.cancel()
    unprepared = chain((body for body, _ in pending), remaining)
    yield from ingestor.ingest_many((decode_request(b, content_type, None) for b in unprepared), source)
