"""FOCUS 1.3 use cases shared by the endpoint, `ross-cost export focus` and the cockpit's FOCUS page.

The one module of this package that reaches the store (through storage.focus_reads), as ross_cost/services.py
does for the rest. Exports stream: `open_export(...).chunks()` encodes Arrow batches (columnar path, no
per-row Python, no per-row checks); the endpoint and the CLI both write exactly those bytes. The cockpit gets
small, finished answers: a preview, totals reconciled against the cockpit's own `Services.cost`, the
conformance report, the download bytes and the endpoint URL.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pyarrow as pa

from ross_cost.focus.columnar import columnar_rows, tally_rows
from ross_cost.focus.columnar_writers import Chunk, encode_batches
from ross_cost.focus.columns import FOCUS_VERSION
from ross_cost.focus.conformance import ConformanceReport, check_rows
from ross_cost.focus.formats import Cell
from ross_cost.focus.pipeline import prefetched
from ross_cost.focus.rows import DEFAULT_SETTINGS, ExportTally, FocusSettings, focus_rows, row_dict
from ross_cost.focus.writers import FILE_SUFFIXES, FORMATS, MEDIA_TYPES
from ross_cost.query import CostQuery, CostRow, QueryError
from ross_cost.storage.focus_reads import UnpricedUsage, focus_batches, focus_source, focus_unpriced

if TYPE_CHECKING:
    from ross_cost.services import Services

ENDPOINT = "/api/finops/focus/v1.3"
#: Largest piece handed to a writer or the HTTP server at a time: 4 MiB cost the server the least CPU per row
#: in bench/bench_focus_export.py (1 MiB +5%, 256 KiB +20%, 16 MiB +30%).
CHUNK_BYTES = 1 << 22
#: zlib level for compressed exports: level 1 compresses ~370 MB/s here, level 5 (the server's default) ~230.
GZIP_LEVEL = 1


def focus_query(start: date, end: date, filters: Mapping[str, Sequence[str]] | None = None) -> CostQuery:
    """The period [start, end) and the cockpit's filters, validated as the cockpit validates them."""
    return CostQuery.build(start, end, filters={key: list(values) for key, values in (filters or {}).items()})


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise QueryError("format", f"{fmt!r} is not a format; use one of {', '.join(FORMATS)}")
    return fmt


def export_filename(query: CostQuery, fmt: str) -> str:
    filtered = "_filtered" if query.filters else ""
    return f"ross-focus-{FOCUS_VERSION}_{query.start.isoformat()}_{query.end.isoformat()}{filtered}{FILE_SUFFIXES[fmt]}"


def endpoint_url(query: CostQuery, fmt: str = "csv", base: str = "") -> str:
    """The endpoint URL for the same export, for a finance tool (`base` e.g. `http://127.0.0.1:8501`)."""
    params: list[tuple[str, str]] = [("start", query.start.isoformat()), ("end", query.end.isoformat())]
    params += [(key, ",".join(values)) for key, values in query.filters]
    params.append(("format", fmt))
    return f"{base.rstrip('/')}{ENDPOINT}?{urlencode(params)}"


@dataclass
class FocusExport:
    """One export being streamed: the unpriced usage it leaves out is known before the first byte (for
    headers and messages); `tally` fills as `chunks()` is consumed."""

    query: CostQuery
    fmt: str
    unpriced: list[UnpricedUsage]
    settings: FocusSettings = DEFAULT_SETTINGS
    tally: ExportTally = field(default_factory=ExportTally)
    _batches: Generator[pa.RecordBatch, None, None] | None = field(default=None, repr=False)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]

    @property
    def filename(self) -> str:
        return export_filename(self.query, self.fmt)

    @property
    def unpriced_lines(self) -> int:
        return sum(u.lines for u in self.unpriced)

    @property
    def unpriced_quantity(self) -> dict[str, int]:
        """Quantity left out for want of a price, by unit."""
        out: dict[str, int] = {}
        for usage in self.unpriced:
            out[usage.unit] = out.get(usage.unit, 0) + usage.quantity
        return out

    def chunks(self, gzip: bool = False) -> Generator[Chunk, None, None]:
        """The export's bytes (gzip-compressed with `gzip`), in pieces of at most CHUNK_BYTES, bytes or
        memoryviews (bytes-like). A second call gives nothing: the rows stream once. Reading, building and
        encoding, and compressing, run in their own threads ahead of the caller (pipeline.py), a couple of
        batches deep."""
        batches, self._batches = self._batches, None
        if batches is None:
            return
        read = prefetched(batches, 2, "focus-read")
        stream = prefetched(self._encoded(read), 2, "focus-encode")
        if gzip:
            stream = prefetched(_gzipped(stream), 2, "focus-gzip")
        try:
            for chunk in stream:
                view = memoryview(chunk)
                for start in range(0, len(view), CHUNK_BYTES):
                    yield view[start : start + CHUNK_BYTES]
        finally:
            stream.close()

    def _encoded(self, batches: Generator[pa.RecordBatch, None, None]) -> Generator[Chunk, None, None]:
        try:
            rows = (columnar_rows(batch, self.settings, self.tally) for batch in batches)
            yield from encode_batches(self.fmt, (r for r in rows if r is not None))
        finally:
            batches.close()  # stops the reader, which releases the connection at once


def _gzipped(chunks: Generator[Chunk, None, None]) -> Generator[bytes, None, None]:
    """One gzip member over all chunks, at GZIP_LEVEL (fast: JSON and CSV still shrink about tenfold)."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    try:
        for chunk in chunks:
            if out := compressor.compress(chunk):
                yield out
        yield compressor.flush()
    finally:
        chunks.close()


def open_export(svc: Services, query: CostQuery, fmt: str, settings: FocusSettings = DEFAULT_SETTINGS) -> FocusExport:
    """Check the request (QueryError naming the parameter), count the unpriced usage, and prepare the stream
    (the rows are read when `chunks()` is consumed)."""
    check_format(fmt)
    if query.group_by:
        raise QueryError("group_by", "does not apply to a FOCUS export (one row per day and charge)")
    if query.granularity is not None:
        raise QueryError("granularity", "does not apply to a FOCUS export (charge periods are days)")
    filters = query.filter_map
    batches = focus_batches(svc.store.engine, query.start, query.end, filters)
    unpriced = focus_unpriced(svc.store.engine, query.start, query.end, filters)
    return FocusExport(query, fmt, unpriced, settings, _batches=batches)


def export_bytes(svc: Services, query: CostQuery, fmt: str) -> bytes:
    """The whole export in memory, for a download button (the endpoint and the CLI stream the same bytes)."""
    return b"".join(open_export(svc, query, fmt).chunks())


def preview(svc: Services, query: CostQuery, limit: int = 100) -> list[dict[str, Cell]]:
    """The first `limit` rows, column name -> cell text (decimals as text, nulls as None)."""
    source = focus_source(svc.store.engine, query.start, query.end, query.filter_map)
    try:
        return [row_dict(row) for row in itertools.islice(focus_rows(source), limit)]
    finally:
        source.close()


@dataclass(frozen=True)
class Reconciliation:
    """The export's totals next to the cockpit's for the same period and filters."""

    rows: int
    usage_lines: int
    export_effective_cost: Decimal
    export_list_cost: Decimal
    cockpit_effective_cost: Decimal
    cockpit_list_cost: Decimal
    #: usage left out of the export for want of a price, and the cockpit's unpriced quantity (by unit)
    unpriced_lines: int
    export_unpriced_quantity: dict[str, int]
    cockpit_unpriced_quantity: dict[str, int]
    cockpit_lines: int

    @property
    def effective_difference(self) -> Decimal:
        return self.export_effective_cost - self.cockpit_effective_cost

    @property
    def matches(self) -> bool:
        """Same cost to the last stored digit, and every stored line either exported or counted unpriced."""
        return (
            self.export_effective_cost == self.cockpit_effective_cost
            and self.export_list_cost == self.cockpit_list_cost
            and self.export_unpriced_quantity == self.cockpit_unpriced_quantity
            and self.usage_lines + self.unpriced_lines == self.cockpit_lines
        )


def cockpit_totals(svc: Services, query: CostQuery) -> list[CostRow]:
    """What the cockpit answers for the export's slice, ungrouped: the figures the export must sum to."""
    return svc.cost(CostQuery.build(query.start, query.end, filters=dict(query.filters)))


def reconcile(svc: Services, query: CostQuery, cockpit: Sequence[CostRow] | None = None) -> Reconciliation:
    """Tally the export's rows (not their text) and compare with the cockpit's totals for the same query
    (`cockpit`: those totals when the caller already has them)."""
    tally = ExportTally()
    for batch in focus_batches(svc.store.engine, query.start, query.end, query.filter_map):
        tally_rows(batch, tally)
    if cockpit is None:
        cockpit = cockpit_totals(svc, query)
    unpriced: dict[str, int] = {}
    for row in cockpit:
        for unit, quantity in row.unpriced_quantity.items():
            unpriced[unit] = unpriced.get(unit, 0) + quantity
    return Reconciliation(
        rows=tally.rows,
        usage_lines=tally.usage_lines,
        export_effective_cost=tally.effective_cost,
        export_list_cost=tally.list_cost,
        cockpit_effective_cost=sum((row.effective_cost for row in cockpit), Decimal(0)),
        cockpit_list_cost=sum((row.list_cost for row in cockpit), Decimal(0)),
        unpriced_lines=tally.unpriced_lines,
        export_unpriced_quantity={unit: q for unit, q in tally.unpriced_quantity.items() if q},
        cockpit_unpriced_quantity=unpriced,
        cockpit_lines=sum(row.lines for row in cockpit),
    )


def conformance(svc: Services, query: CostQuery, max_rows: int | None = None) -> ConformanceReport:
    """The FOCUS 1.3 checks (conformance.py) on the export's rows, all of them or the first `max_rows`
    (about 13,000 rows/s: for the cockpit, not for every download)."""
    source = focus_source(svc.store.engine, query.start, query.end, query.filter_map)
    try:
        return check_rows(itertools.islice(focus_rows(source), max_rows))
    finally:
        source.close()
