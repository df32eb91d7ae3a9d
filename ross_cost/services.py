"""The use cases the API, the CLI and the cockpit share: one object per process, built once.

DuckDB allows one process per file, so the cockpit, the API and the OTLP receiver all hold this same object.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ross_cost import config, ingest_pool
from ross_cost.attribution import Attributor
from ross_cost.ingest import Ingestor, IngestResult
from ross_cost.otel.decode import MAX_INFLATED_BYTES, decode_request, read_file
from ross_cost.pricing import GENAI_PRICES_SOURCE, Pricer
from ross_cost.query import CostQuery, CostRow
from ross_cost.storage import Store


@dataclass
class Services:
    store: Store
    pricer: Pricer
    ingestor: Ingestor

    @property
    def generation(self) -> int:
        """Changes whenever data is written: the cockpit's cache key."""
        return self.ingestor.generation

    @property
    def price_catalogue(self) -> str:
        return f"{GENAI_PRICES_SOURCE} + {self.pricer.book_source}"

    def ingest_otlp(self, body: bytes, content_type: str | None, encoding: str | None, source: str,
                    max_inflated: int = MAX_INFLATED_BYTES) -> IngestResult:
        return self.ingestor.ingest(decode_request(body, content_type, encoding, max_inflated), source)

    def ingest_file(self, path: Path) -> Iterator[IngestResult]:
        return self.ingestor.ingest_many(read_file(path), f"file:{path.name}")

    def ingest_bodies(self, bodies: Iterable[bytes], content_type: str, source: str) -> Iterator[IngestResult]:
        """Many OTLP request bodies (the demo, benchmarks): decoding and attribution overlap the writes."""
        return ingest_pool.ingest_bodies(self.ingestor, bodies, content_type, source)

    def cost(self, query: CostQuery) -> list[CostRow]:
        return self.store.cost(query)

    def data_range(self) -> tuple[date, date] | None:
        """First and last day with usage, or None for an empty store."""
        return self.store.day_range()

    def close(self) -> None:
        self.store.close()


def open_services(url: str | None = None) -> Services:
    """Open the store, load the price book and tenants. Raises ConfigError / StoreError with one sentence."""
    pricer = Pricer(config.load_price_book())
    tenants = config.load_tenants()
    store = Store.open(url)
    try:
        store.replace_tenants(tenants)
    except Exception:
        store.close()
        raise
    return Services(store, pricer, Ingestor(store, Attributor(pricer)))


_lock = threading.Lock()
_current: Services | None = None


def current(url: str | None = None) -> Services:
    """The process-wide services (opened on first use with `url` or ROSS_DB_URL / the embedded default)."""
    global _current  # noqa: PLW0603 - one store per process is the point
    with _lock:
        if _current is None:
            _current = open_services(url)
        return _current


def reset() -> None:
    """Close and forget the process-wide services (tests, shutdown)."""
    global _current  # noqa: PLW0603
    with _lock:
        if _current is not None:
            _current.close()
            _current = None
