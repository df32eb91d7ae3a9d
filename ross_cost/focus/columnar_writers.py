"""CSV, NDJSON and JSON of whole `ColumnarRows` batches, byte for byte what writers.py makes of the same rows.

A line is fixed text (`{"BilledCost":"`, `","BillingAccountId":"ross",...`) around a few kinds of values.
The layout is worked out once: neighbouring columns of one keyed part (with the fixed text and the export's
constant cells between them) become one "run", whose text is encoded once per distinct key and cached; the
amount columns are text arrays already. Each batch is then a handful of `take`s and one element-wise string
join in Arrow, and its bytes are the joined array's data buffer: no per-row Python. Pure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ross_cost.focus.cells import COLUMN_PART
from ross_cost.focus.columnar import ColumnarRows
from ross_cost.focus.columns import COLUMN_BY_NAME, COLUMN_NAMES, DataType
from ross_cost.focus.formats import Cell
from ross_cost.focus.writers import FORMATS, DecimalStyle

#: Encoded bytes: bytes, or a memoryview of Arrow memory (no copy).
Chunk = bytes | memoryview
#: A cell's text in the output format.
CellEncoder = Callable[[Cell], str]
#: Distinct keys cached per run before the cache starts over (bounds memory on exports with many tenants).
CACHE_LIMIT = 100_000


def csv_field(value: Cell) -> str:
    """One field exactly as writers.csv_chunks' csv.writer writes it; None is an empty field. Text without a
    delimiter, quote or line-break character is never quoted; anything else is left to the csv module."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not any(c in text for c in ',"\r\n'):
        return text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow((text, None))
    return buffer.getvalue()[: -len(",\n")]


def json_value(value: Cell) -> str:
    if value is None:
        return "null"
    return encode_basestring(value) if isinstance(value, str) else str(value)


def json_bare(value: Cell) -> str:
    """A decimal written as a JSON number (decimals="number")."""
    return "null" if value is None else str(value)


@dataclass(frozen=True)
class _Run:
    """Consecutive text of a line that depends on one keyed part at most: pieces are text, or a cell index
    of that part with the encoder of its column."""

    part: str | None
    pieces: tuple[str | tuple[int, CellEncoder], ...]


@dataclass(frozen=True)
class _Amount:
    name: str


class ColumnarEncoder:
    """Encodes batches of one export; `head()` before the first, `tail()` after the last."""

    def __init__(self, fmt: str, decimals: DecimalStyle = "string") -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        self.fmt = fmt
        self.decimals: DecimalStyle = decimals
        self.rows = 0
        self._layout: list[_Run | _Amount] | None = None
        self._caches: list[dict[Hashable, str]] = []

    def head(self) -> bytes:
        if self.fmt != "csv":
            return b""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(COLUMN_NAMES)
        return buffer.getvalue().encode("utf-8")

    def tail(self) -> bytes:
        if self.fmt != "json":
            return b""
        return b"[]\n" if self.rows == 0 else b"\n]\n"

    def encode(self, batch: ColumnarRows) -> Chunk:
        """The batch's lines; a memoryview of Arrow memory (bytes-like: write it, join it, send it)."""
        if batch.length == 0:
            return b""
        if self._layout is None:
            self._layout = self._plan(batch.export)
            self._caches = [{} for _ in self._layout]
        items: list[pa.Array | str] = []
        for item, cache in zip(self._layout, self._caches, strict=True):
            if isinstance(item, _Amount):
                items.append(batch.amounts[item.name])
            elif item.part is None:
                items.append("".join(piece for piece in item.pieces if isinstance(piece, str)))
            else:
                items.append(_run_texts(item, batch, cache))
        lines = pc.binary_join_element_wise(*items, "")
        data: Chunk = _joined_bytes(lines)
        if self.fmt == "json" and self.rows == 0:
            data = b"[\n" + data[2:]  # the first object opens the array instead of following a comma
        self.rows += batch.length
        return data

    def _plan(self, export: tuple[Cell, ...]) -> list[_Run | _Amount]:
        """The line as runs and amount columns, merging fixed text into its neighbours."""
        layout: list[_Run | _Amount] = []
        part: str | None = None
        pieces: list[str | tuple[int, CellEncoder]] = []

        def close() -> None:
            nonlocal part, pieces
            if pieces:
                layout.append(_Run(part, tuple(pieces)))
            part, pieces = None, []

        if self.fmt == "json":
            pieces.append(",\n")
        for i, name in enumerate(COLUMN_NAMES):
            pieces.append(self._prefix(i, name))
            owner, index = COLUMN_PART[name]
            encode = self._encoder(name)
            if owner == "export":
                pieces.append(encode(export[index]))
            elif owner == "amount":
                quoted = (
                    self.fmt != "csv" and encode is json_value and COLUMN_BY_NAME[name].data_type is DataType.DECIMAL
                )
                if quoted:
                    pieces.append('"')
                close()
                layout.append(_Amount(name))
                if quoted:
                    pieces.append('"')
            else:
                if part is not None and part != owner:
                    close()
                part = owner
                pieces.append((index, encode))
        if self.fmt != "csv":
            pieces.append("}")
        if self.fmt != "json":  # a JSON array's objects are separated by the next line's ",\n"
            pieces.append("\n")
        close()
        return layout

    def _prefix(self, i: int, name: str) -> str:
        if self.fmt == "csv":
            return "" if i == 0 else ","
        return ("{" if i == 0 else ",") + encode_basestring(name) + ":"

    def _encoder(self, name: str) -> CellEncoder:
        if self.fmt == "csv":
            return csv_field
        bare = COLUMN_BY_NAME[name].data_type is DataType.INTEGER or (
            COLUMN_BY_NAME[name].data_type is DataType.DECIMAL and self.decimals == "number"
        )
        return json_bare if bare else json_value


def _run_texts(run: _Run, batch: ColumnarRows, cache: dict[Hashable, str]) -> pa.Array:
    """The run's text per row: encoded once per distinct key (cached across batches), then taken per row."""
    assert run.part is not None
    part = batch.parts[run.part]
    if len(cache) > CACHE_LIMIT:
        cache.clear()
    texts: list[str] = []
    for key, cells in zip(part.keys, part.cells, strict=True):
        text = cache.get(key)
        if text is None:
            text = cache[key] = "".join(
                piece if isinstance(piece, str) else piece[1](cells[piece[0]]) for piece in run.pieces
            )
        texts.append(text)
    return pa.array(texts, type=pa.string()).take(part.codes)


def _joined_bytes(lines: pa.Array) -> memoryview:
    """The concatenated values of a string array without nulls: a view of its data buffer (no copy)."""
    _, offsets, data = lines.buffers()
    first, last = np.frombuffer(offsets, dtype=np.int32)[[lines.offset, lines.offset + len(lines)]]
    return memoryview(data)[int(first) : int(last)]


def encode_batches(fmt: str, batches: Iterable[ColumnarRows], decimals: DecimalStyle = "string") -> Iterator[Chunk]:
    """A whole export: header or opening, one chunk per batch, then the closing."""
    encoder = ColumnarEncoder(fmt, decimals)
    head = encoder.head()
    if head:
        yield head
    for batch in batches:
        chunk = encoder.encode(batch)
        if chunk:
            yield chunk
    tail = encoder.tail()
    if tail:
        yield tail
