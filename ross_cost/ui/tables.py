"""Tables and their downloads: what a table shows is exactly what its CSV and NDJSON contain.

One list of row dicts feeds the grid (an Arrow table: money as exact DECIMAL, so sorting is numeric and
nothing passes through float) and the files (money as decimal strings, like GET /api/cost).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import pyarrow as pa
import streamlit as st

from ross_cost.model import quantize_money
from ross_cost.ui.first_paint import before_heavy_element

Kind = Literal["text", "money", "unit_money", "count", "share", "date", "datetime"]
Row = Mapping[str, Any]
MONEY_TYPE = pa.decimal128(38, 12)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "text"


def _arrow_type(kind: Kind) -> pa.DataType:
    return {
        "money": MONEY_TYPE, "unit_money": MONEY_TYPE, "count": pa.int64(), "share": pa.float64(),
        "date": pa.date32(), "datetime": pa.timestamp("us"),
    }.get(kind, pa.string())


def _grid_value(value: Any, kind: Kind) -> Any:
    if value is None:
        return None
    if kind in ("money", "unit_money"):
        return quantize_money(Decimal(value))
    if kind == "share":
        return float(value)  # a ratio, not money: drawn as a percentage
    return value


def arrow_table(columns: Sequence[Column], rows: Sequence[Row]) -> pa.Table:
    arrays = [pa.array([_grid_value(row.get(c.key), c.kind) for row in rows], _arrow_type(c.kind)) for c in columns]
    return pa.Table.from_arrays(arrays, names=[c.label for c in columns])


def column_config(columns: Sequence[Column]) -> dict[str, Any]:
    formats: dict[Kind, Any] = {
        "money": st.column_config.NumberColumn(format="dollar"),
        "unit_money": st.column_config.NumberColumn(format="$%.6f"),
        "count": st.column_config.NumberColumn(format="localized"),
        "share": st.column_config.NumberColumn(format="percent"),
        "date": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "datetime": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
    }
    return {c.label: formats[c.kind] for c in columns if c.kind in formats}


def file_value(value: Any) -> Any:
    """A cell as written to a file: decimals as plain strings (never exponent or float), dates ISO."""
    if isinstance(value, Decimal):
        return format(quantize_money(value), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return value


def csv_bytes(columns: Sequence[Column], rows: Sequence[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c.key) is None else file_value(row.get(c.key)) for c in columns])
    return out.getvalue().encode()


def ndjson_bytes(columns: Sequence[Column], rows: Sequence[Row]) -> bytes:
    lines = [json.dumps({c.key: file_value(row.get(c.key)) for c in columns}, ensure_ascii=False) for row in rows]
    return ("\n".join(lines) + ("\n" if lines else "")).encode()


def downloads(name: str, columns: Sequence[Column], rows: Sequence[Row], key: str, ndjson: bool = True) -> None:
    """CSV (and NDJSON) buttons for exactly these rows; a click downloads without re-running the page."""
    with st.container(horizontal=True, key=f"controls-{key}"):
        st.download_button("CSV", csv_bytes(columns, rows), f"{name}.csv", "text/csv", key=f"csv-{key}",
                           on_click="ignore", icon=":material/download:", type="tertiary")
        if ndjson:
            st.download_button("NDJSON", ndjson_bytes(columns, rows), f"{name}.ndjson", "application/x-ndjson",
                               key=f"ndjson-{key}", on_click="ignore", icon=":material/download:", type="tertiary")


def show(name: str, columns: Sequence[Column], rows: Sequence[Row], key: str, *, height: int | None = None,
         select: Literal["single-row", "single-cell"] | None = None, on_select: Callable[[], None] | None = None,
         ndjson: bool = True) -> Any:
    """A sortable grid plus CSV and NDJSON of the same rows; returns the selection event when `select` is set."""
    before_heavy_element()
    grid = arrow_table(columns, rows)
    options: dict[str, Any] = {"hide_index": True, "column_config": column_config(columns), "key": f"grid-{key}"}
    if height is not None:
        options["height"] = height
    if select is not None:
        options.update(on_select=on_select or "rerun", selection_mode=select)
    event = st.dataframe(grid, **options)
    downloads(name, columns, rows, key, ndjson)
    return event
