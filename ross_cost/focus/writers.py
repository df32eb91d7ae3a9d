"""Streaming encoders for FOCUS rows: CSV with a header, NDJSON, and a JSON array.

Each is a generator of `str` chunks (a few hundred rows each) over an iterator of rows, so memory stays flat
whatever the row count; wrap with `utf8()` for bytes. Rows already hold the text of every cell (formats.py):
decimals plain with a decimal point, Date/Time as `YYYY-MM-DDTHH:mm:ssZ`, JSON columns as their serialized
JSON string; null is an empty unquoted CSV field or JSON `null`. In JSON, decimals are strings by default
(exact for any reader, like the rest of the API's money); `decimals="number"` writes bare JSON numbers.
Pure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Literal, cast

from ross_cost.focus.columns import COLUMN_BY_NAME, COLUMN_NAMES, DataType
from ross_cost.focus.formats import Cell
from ross_cost.focus.rows import FocusRow

FORMATS: tuple[str, ...] = ("csv", "ndjson", "json")
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
    "json": "application/json",
}
FILE_SUFFIXES: dict[str, str] = {"csv": ".csv", "ndjson": ".ndjson", "json": ".json"}
#: Rows per yielded chunk: big enough to amortise per-chunk costs, small enough to keep memory flat.
CHUNK_ROWS = 500

DecimalStyle = Literal["string", "number"]


def utf8(chunks: Iterable[str]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8")


def csv_chunks(rows: Iterable[FocusRow], columns: Sequence[str] = COLUMN_NAMES) -> Iterator[str]:
    """RFC 4180 CSV with `\\n` line ends, header first (no rows: just the header, an empty but valid file)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    batch: list[FocusRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK_ROWS:
            writer.writerows(batch)
            batch.clear()
            yield _drain(buffer)
    writer.writerows(batch)
    yield _drain(buffer)


def ndjson_chunks(
    rows: Iterable[FocusRow], columns: Sequence[str] = COLUMN_NAMES, decimals: DecimalStyle = "string"
) -> Iterator[str]:
    """One JSON object per line, every column present (nulls included), in column order."""
    encode = ObjectEncoder(columns, decimals)
    batch: list[str] = []
    for row in rows:
        batch.append(encode(row))
        if len(batch) >= CHUNK_ROWS:
            yield "\n".join(batch) + "\n"
            batch.clear()
    if batch:
        yield "\n".join(batch) + "\n"


def json_chunks(
    rows: Iterable[FocusRow], columns: Sequence[str] = COLUMN_NAMES, decimals: DecimalStyle = "string"
) -> Iterator[str]:
    """A JSON array of row objects, one object per line; `[]` for no rows."""
    encode = ObjectEncoder(columns, decimals)
    batch: list[str] = []
    separator = "[\n"
    for row in rows:
        batch.append(encode(row))
        if len(batch) >= CHUNK_ROWS:
            yield separator + ",\n".join(batch)
            separator = ",\n"
            batch.clear()
    if batch:
        yield separator + ",\n".join(batch)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


def chunks(
    fmt: str, rows: Iterable[FocusRow], columns: Sequence[str] = COLUMN_NAMES, decimals: DecimalStyle = "string"
) -> Iterator[str]:
    """The encoder named by `fmt` (csv, ndjson or json); ValueError for another name."""
    if fmt == "csv":
        return csv_chunks(rows, columns)
    if fmt == "ndjson":
        return ndjson_chunks(rows, columns, decimals)
    if fmt == "json":
        return json_chunks(rows, columns, decimals)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


class ObjectEncoder:
    """Encodes a row as one JSON object by joining precomputed `"Name":` prefixes with encoded values.

    Per column, a cache maps a cell to its JSON text (most cells repeat: account, periods, services, SKUs,
    tags), looked up for the whole row at C speed with `map`. Numeric columns (Decimal, Integer) are unique
    per row, so they skip the cache: a decimal's text needs no escaping, only quotes (or none)."""

    _CACHE_LIMIT = 50_000

    def __init__(self, columns: Sequence[str], decimals: DecimalStyle = "string") -> None:
        prefixes = [("{" if i == 0 else ",") + encode_basestring(name) + ":" for i, name in enumerate(columns)]
        #: prefix, value, prefix, value, ..., "}": values go to the odd places.
        self._parts: list[str | None] = [part for prefix in prefixes for part in (prefix, None)] + ["}"]
        self._caches: list[dict[Cell, str]] = [{None: "null"} for _ in columns]
        numeric = [COLUMN_BY_NAME[name].data_type if name in COLUMN_BY_NAME else None for name in columns]
        quote = decimals == "string"
        self._decimal_quoted = [i for i, t in enumerate(numeric) if t is DataType.DECIMAL and quote]
        self._bare = [
            i for i, t in enumerate(numeric) if t is DataType.INTEGER or (t is DataType.DECIMAL and not quote)
        ]
        for i in (*self._decimal_quoted, *self._bare):
            self._caches[i] = {}

    def __call__(self, row: Sequence[Cell]) -> str:
        if len(row) != len(self._caches):
            raise ValueError(f"a row of {len(row)} cells for {len(self._caches)} columns")
        encoded: list[str | None] = list(map(dict.get, self._caches, row))
        for i in self._decimal_quoted:
            value = row[i]
            encoded[i] = "null" if value is None else '"' + str(value) + '"'
        for i in self._bare:
            value = row[i]
            encoded[i] = "null" if value is None else str(value)
        parts = self._parts.copy()
        parts[1:-1:2] = encoded
        try:
            return "".join(cast("list[str]", parts))
        except TypeError:  # a None is left: a cell not seen before in its column
            self._fill_misses(row, encoded)
            parts[1:-1:2] = encoded
            return "".join(cast("list[str]", parts))

    def _fill_misses(self, row: Sequence[Cell], encoded: list[str | None]) -> None:
        for i, known in enumerate(encoded):
            if known is None:
                value = row[i]
                text = encode_basestring(value) if isinstance(value, str) else str(value)
                cache = self._caches[i]
                if len(cache) >= self._CACHE_LIMIT:
                    cache.clear()
                    cache[None] = "null"
                cache[value] = encoded[i] = text
