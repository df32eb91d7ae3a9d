"""FOCUS 1.3 export: the columns (one source of truth), the row builder, the writers and the checks.

Two paths share cells.py's part functions, so they write the same bytes (the tests hold them to it):
- rows, one at a time (reference; previews and conformance checks): storage.focus_reads.focus_source streams
  `FocusSourceRow`s, `focus_rows` turns them into rows (counting what it leaves out in an `ExportTally`),
  `chunks(fmt, rows)` encodes them, `checked(rows, checker)` checks them on the way;
- batches (every download): focus_reads.focus_batches streams Arrow batches, columnar.columnar_rows builds
  them, columnar_writers.encode_batches encodes them, with no Python per row.
`read_focus_csv` reads other providers' FOCUS files. Everything here is pure except services.py, the use
cases the endpoint, the CLI and the cockpit call (it reaches the store), so it is not imported here.
"""

from __future__ import annotations

from ross_cost.focus.columns import COLUMN_NAMES, COLUMNS, FOCUS_VERSION, FocusColumn, schema_metadata
from ross_cost.focus.conformance import ConformanceChecker, ConformanceReport, check_csv, check_rows, checked
from ross_cost.focus.importer import FocusImport, read_focus_csv
from ross_cost.focus.rows import (
    DEFAULT_SETTINGS,
    ExportTally,
    FocusRow,
    FocusSettings,
    FocusSourceRow,
    focus_row,
    focus_rows,
    row_dict,
)
from ross_cost.focus.writers import FORMATS, MEDIA_TYPES, chunks, csv_chunks, json_chunks, ndjson_chunks, utf8

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "DEFAULT_SETTINGS",
    "FOCUS_VERSION",
    "FORMATS",
    "MEDIA_TYPES",
    "ConformanceChecker",
    "ConformanceReport",
    "ExportTally",
    "FocusColumn",
    "FocusImport",
    "FocusRow",
    "FocusSettings",
    "FocusSourceRow",
    "check_csv",
    "check_rows",
    "checked",
    "chunks",
    "csv_chunks",
    "focus_row",
    "focus_rows",
    "json_chunks",
    "ndjson_chunks",
    "read_focus_csv",
    "row_dict",
    "schema_metadata",
    "utf8",
]
