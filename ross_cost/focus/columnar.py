"""FOCUS rows a whole Arrow batch at a time: the fast path of every export.

A batch of source rows (SOURCE_SCHEMA: the FocusSourceRow fields) becomes `ColumnarRows`: for each keyed
part of cells.py (day, what, who) a code per row and the part's cells per code, computed by the very
functions the row builder uses, once per distinct key; and the amount columns as text arrays built with
Arrow kernels (exact decimal products, arrow_text's decimal text). The writers then encode whole batches
(columnar_writers.py). Per row there is no Python at all, so the cost is per distinct key, not per row.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ross_cost.focus.arrow_text import decimal_texts, scaled_text
from ross_cost.focus.cells import (
    DAY_KEY,
    DEFAULT_SETTINGS,
    WHAT_KEY,
    WHO_KEY,
    FocusSettings,
    day_cells,
    export_cells,
    what_part,
    who_cells,
)
from ross_cost.focus.formats import Cell
from ross_cost.focus.rows import ExportTally, FocusSourceRow
from ross_cost.model import MONEY_PLACES, MONEY_PRECISION

_PRICE = pa.decimal128(MONEY_PRECISION, MONEY_PLACES)
_SUM = pa.decimal128(38, MONEY_PLACES)
_ARROW_TYPES: Mapping[str, pa.DataType] = {
    "day": pa.date32(),
    "quantity": pa.int64(),
    "list_unit_price": _PRICE,
    "effective_unit_price": _PRICE,
    "list_cost": _SUM,
    "effective_cost": _SUM,
    "lines": pa.int64(),
}
#: The source rows as Arrow sees them: FocusSourceRow's fields, in its order.
SOURCE_SCHEMA = pa.schema([(f.name, _ARROW_TYPES.get(f.name, pa.string())) for f in fields(FocusSourceRow)])
#: A unit price times a 64-bit quantity must fit a decimal128 exactly.
if MONEY_PRECISION + 19 + 1 > 38:
    raise AssertionError("unit price x quantity would not fit decimal128(38)")


@dataclass(frozen=True)
class PartCodes:
    """One keyed part of a batch: per row a code; per code the key (for caches) and the part's cells."""

    codes: pa.Array  # int64, one per row
    keys: list[tuple[Hashable, ...]]
    cells: list[tuple[Cell, ...]]


@dataclass(frozen=True)
class ColumnarRows:
    """A batch of FOCUS rows, column-wise. `amounts` hold text (x_UsageLines: the integer's digits)."""

    length: int
    export: tuple[Cell, ...]
    parts: Mapping[str, PartCodes]  # "day", "what", "who"
    amounts: Mapping[str, pa.Array]


def records_batch(records: Sequence[Sequence[Any]]) -> pa.RecordBatch:
    """A batch from rows of values in SOURCE_SCHEMA order (a database cursor's rows, FocusSourceRows)."""
    columns = list(zip(*records, strict=True)) if records else [() for _ in SOURCE_SCHEMA]
    arrays = [pa.array(values, type=f.type) for values, f in zip(columns, SOURCE_SCHEMA, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=SOURCE_SCHEMA)


def source_batch(rows: Iterable[FocusSourceRow]) -> pa.RecordBatch:
    names = SOURCE_SCHEMA.names
    return records_batch([tuple(getattr(row, name) for name in names) for row in rows])


def conform(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch in SOURCE_SCHEMA's types (a database may hand out wider decimals or other string types)."""
    if batch.schema.equals(SOURCE_SCHEMA):
        return batch
    return pa.RecordBatch.from_arrays(
        [pc.cast(batch.column(f.name), f.type) for f in SOURCE_SCHEMA], schema=SOURCE_SCHEMA
    )


def columnar_rows(
    batch: pa.RecordBatch, settings: FocusSettings = DEFAULT_SETTINGS, tally: ExportTally | None = None
) -> ColumnarRows | None:
    """The FOCUS rows of a source batch, or None when none of its rows is priced. Unpriced groups are left
    out and counted in `tally`, as focus_rows does."""
    batch = _priced(batch, tally)
    if batch is None:
        return None
    internal = settings.internal_provider_name
    what = _part(batch, WHAT_KEY, lambda key: what_part(*key, internal))
    day = _part(batch, DAY_KEY, lambda key: day_cells(*key))
    who = _part(batch, WHO_KEY, lambda key: who_cells(*key))
    places = np.array([w.places for w in what.values], dtype=np.int64)[what.codes.to_numpy()]
    amounts = _amounts(batch, places, tally)
    parts = {
        "what": PartCodes(what.codes, what.keys, [w.cells for w in what.values]),
        "day": PartCodes(day.codes, day.keys, day.values),
        "who": PartCodes(who.codes, who.keys, who.values),
    }
    return ColumnarRows(batch.num_rows, export_cells(settings), parts, amounts)


def tally_rows(batch: pa.RecordBatch, tally: ExportTally) -> None:
    """Add to `tally` what columnar_rows would, without building the rows' cells: the FOCUS page reconciles
    hundreds of thousands of rows this way in a fraction of the time."""
    priced = _priced(batch, tally)
    if priced is not None:
        list_cost = pc.multiply(priced.column("list_unit_price"), priced.column("quantity"))
        contracted = pc.multiply(priced.column("effective_unit_price"), priced.column("quantity"))
        _tally_priced(priced, list_cost, pc.equal(contracted, priced.column("effective_cost")), tally)


def _priced(batch: pa.RecordBatch, tally: ExportTally | None) -> pa.RecordBatch | None:
    """The priced rows of a source batch (None if none); the unpriced groups are counted in `tally`."""
    batch = conform(batch)
    priced = pc.and_(
        pc.and_(pc.is_null(batch.column("unpriced_reason")), pc.is_valid(batch.column("effective_cost"))),
        pc.and_(pc.is_valid(batch.column("list_unit_price")), pc.is_valid(batch.column("effective_unit_price"))),
    )
    priced_rows = pc.sum(priced).as_py() or 0
    if priced_rows < batch.num_rows:
        if tally is not None:
            _tally_unpriced(batch.filter(pc.invert(priced)), tally)
        batch = batch.filter(priced)
    return batch if priced_rows else None


@dataclass(frozen=True)
class _Keyed:
    codes: pa.Array
    keys: list[tuple[Hashable, ...]]
    values: list[Any]


def _part(batch: pa.RecordBatch, names: tuple[str, ...], compute: Any) -> _Keyed:
    """Group the rows by the key columns (nulls are a value of their own) and compute each key's part once."""
    combined = np.zeros(batch.num_rows, dtype=np.int64)
    bound = 1
    for name in names:
        encoded = pc.dictionary_encode(batch.column(name), null_encoding="encode")
        size = len(encoded.dictionary)
        if size == 1:
            continue
        if bound * size >= 2**62:  # renumber densely before the combined code could overflow
            _, combined = np.unique(combined, return_inverse=True)
            bound = int(combined.max()) + 1
        combined = combined * size + encoded.indices.to_numpy(zero_copy_only=False)
        bound *= size
    _, first, codes = np.unique(combined, return_index=True, return_inverse=True)
    picked = [batch.column(name).take(pa.array(first)).to_pylist() for name in names]
    keys = list(zip(*picked, strict=True))
    return _Keyed(pa.array(codes.reshape(-1), type=pa.int64()), keys, [compute(key) for key in keys])


def _amounts(batch: pa.RecordBatch, places: np.ndarray, tally: ExportTally | None) -> dict[str, pa.Array]:
    """The amount cells of cells.amount_cells, column-wise: exact products, plain decimal text."""
    quantity = batch.column("quantity")
    effective = batch.column("effective_cost")
    list_cost = pc.multiply(batch.column("list_unit_price"), quantity)  # exact: decimal128(38, 12)
    contracted = pc.multiply(batch.column("effective_unit_price"), quantity)
    digits = pc.cast(quantity, pa.string())
    consumed = scaled_text(digits, 0)  # `1250000.0`; also the PricingQuantity of calls and operations
    pricing_quantity: pa.Array | None = None
    for scale in np.unique(places).tolist():
        text = consumed if scale == 0 else scaled_text(digits, int(scale))
        pricing_quantity = (
            text if pricing_quantity is None else pc.if_else(pa.array(places == scale), text, pricing_quantity)
        )
    same_contracted = pc.equal(contracted, effective)
    same_list = pc.equal(list_cost, contracted)
    # Most batches have no discount and stored costs equal to price x quantity: then one text serves all.
    effective_text = decimal_texts(effective)
    contracted_text = effective_text if _all(same_contracted) else decimal_texts(contracted)
    list_text = contracted_text if _all(same_list) else decimal_texts(list_cost)
    if tally is not None:
        _tally_priced(batch, list_cost, same_contracted, tally)
    return {
        "BilledCost": effective_text,
        "ConsumedQuantity": consumed,
        "ContractedCost": contracted_text,
        "EffectiveCost": effective_text,
        "ListCost": list_text,
        "PricingCurrencyEffectiveCost": effective_text,
        "PricingQuantity": pricing_quantity,
        "x_UsageLines": pc.cast(batch.column("lines"), pa.string()),
    }


def _tally_priced(batch: pa.RecordBatch, list_cost: pa.Array, same_contracted: pa.Array, tally: ExportTally) -> None:
    stored_list = pc.cast(batch.column("list_cost"), list_cost.type)
    mismatch = pc.or_(pc.not_equal(list_cost, stored_list), pc.invert(same_contracted))
    tally.add_priced(
        batch.num_rows,
        pc.sum(batch.column("lines")).as_py() or 0,
        pc.sum(list_cost).as_py(),
        pc.sum(batch.column("effective_cost")).as_py(),
        pc.sum(pc.fill_null(mismatch, True)).as_py() or 0,
    )


def _all(mask: pa.Array) -> bool:
    return bool(pc.all(mask).as_py())


def _tally_unpriced(unpriced: pa.RecordBatch, tally: ExportTally) -> None:
    groups = (
        pa.Table.from_batches([unpriced])
        .group_by(["unit", "unpriced_reason"], use_threads=False)
        .aggregate([("lines", "sum"), ("quantity", "sum"), ("lines", "count")])
    )
    for group in groups.to_pylist():
        tally.add_unpriced_groups(
            group["unit"], group["unpriced_reason"], group["lines_count"], group["lines_sum"], group["quantity_sum"]
        )
