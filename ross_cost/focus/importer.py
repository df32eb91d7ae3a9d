"""A tolerant reader for other providers' FOCUS CSV files (1.0 to 1.4), normalised to 1.3 text cells.

Real exports are rarely clean (fixtures/focus-samples/README.md): a UTF-8 BOM, CRLF, the literal `NULL`,
timestamps without a zone or as `m/d/yy`, `$` amounts, enum casing such as `Usage-based`, custom columns
without the `x_` prefix, all-digit account ids. Every repair is counted in `FocusImport.repairs`, so an
import can say what it changed; values are never type-inferred (ids stay strings). Rows stream. Pure.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ross_cost.focus.columns import SPEC_BY_NAME, DataType
from ross_cost.focus.vocabulary import (
    CHARGE_CATEGORIES,
    CHARGE_CLASSES,
    CHARGE_FREQUENCIES,
    NUMERIC_RE,
    PRICING_CATEGORIES,
    USED_UNUSED,
)

Text = str | None
_CANONICAL = {
    name: {value.lower(): value for value in allowed}
    for name, allowed in (
        ("ChargeCategory", CHARGE_CATEGORIES),
        ("ChargeClass", CHARGE_CLASSES),
        ("ChargeFrequency", CHARGE_FREQUENCIES),
        ("PricingCategory", PRICING_CATEGORIES),
        ("CommitmentDiscountStatus", USED_UNUSED),
        ("CapacityReservationStatus", USED_UNUSED),
    )
}
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d %H:%M")
_ZONE = re.compile(r"(?:Z|[+-]00:?00| UTC)$")
_MONEY_NOISE = re.compile(r"[$€£,\s]")


@dataclass
class FocusImport:
    """A FOCUS file being read: its detected version, normalised header, and the repairs made so far."""

    version: str
    header: list[str]
    source_header: list[str]
    repairs: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0
    _records: Iterator[list[str]] = field(default_factory=lambda: iter(()), repr=False)

    def rows(self) -> Iterator[list[Text]]:
        """The data rows as 1.3 text cells in `header` order (None for null). Reads the file once."""
        types = [SPEC_BY_NAME[name].data_type if name in SPEC_BY_NAME else None for name in self.source_header]
        width = len(self.source_header)
        order = [self.source_header.index(name) if name in self.source_header else -1 for name in self.header]
        fill_from = next((n for n in ("ServiceProviderName", "ProviderName") if n in self.source_header), None)
        fill = self.source_header.index(fill_from) if fill_from else -1
        for raw_record in self._records:
            if not any(raw_record):
                continue
            self.rows_read += 1
            record = raw_record
            if len(record) != width:
                self._repair("rows with a wrong number of fields padded or cut")
                record = (record + [""] * width)[:width]
            cells = [
                self._cell(name, kind, raw) for name, kind, raw in zip(self.source_header, types, record, strict=True)
            ]
            # Columns a pre-1.3 file lacks (ServiceProviderName, HostProviderName) repeat its provider.
            yield [cells[i] if i >= 0 else (cells[fill] if fill >= 0 else None) for i in order]

    def _repair(self, what: str) -> None:
        self.repairs[what] = self.repairs.get(what, 0) + 1

    def _cell(self, name: str, kind: DataType | None, raw: str) -> Text:
        value = raw.strip()
        if value == "" or value.upper() == "NULL":
            if value:
                self._repair("literal NULL read as null")
            return None
        if kind is DataType.DATETIME:
            return self._datetime(value)
        if kind is DataType.DECIMAL and not NUMERIC_RE.fullmatch(value):
            cleaned = _MONEY_NOISE.sub("", value).lstrip("+")
            if NUMERIC_RE.fullmatch(cleaned):
                self._repair("currency symbols or separators removed from numbers")
                return cleaned
            return value
        canonical = _CANONICAL.get(name, {}).get(value.lower())
        if canonical is not None and canonical != value:
            self._repair(f"{name} casing")
            return canonical
        return value

    def _datetime(self, value: str) -> str:
        text = _ZONE.sub("", value)
        for pattern in _TIME_FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)  # noqa: DTZ007 (FOCUS times are UTC; no zone = UTC)
            except ValueError:
                continue
            normal = parsed.strftime("%Y-%m-%dT%H:%M:%SZ")
            if normal != value:
                self._repair("timestamps normalised to YYYY-MM-DDTHH:mm:ssZ (UTC)")
            return normal
        return value


def detect_version(columns: Iterable[str]) -> str:
    """The FOCUS version a header looks like (reference/focus-1.3.md section 13)."""
    names = set(columns)
    if "ProviderName" not in names and names & {"CommitmentProgramEligibilityDetails", "InvoiceDetailId"}:
        return "1.4"
    if names & {"ServiceProviderName", "HostProviderName", "ContractApplied", "AllocatedMethodId"}:
        return "1.3"
    if names & {"InvoiceId", "PricingCurrency", "BillingAccountType"}:
        return "1.2"
    if names & {"ServiceSubcategory", "SkuMeter", "CapacityReservationId"}:
        return "1.1"
    return "1.0"


def read_focus_csv(lines: Iterable[str]) -> FocusImport:
    """Open a FOCUS CSV (an open text file or any iterable of lines); call `.rows()` to stream the data."""
    records = csv.reader(_without_bom(lines))
    raw_header = next(records, [])
    result = FocusImport(detect_version(raw_header), [], [], _records=records)
    for name in (n.strip() for n in raw_header):
        if name in SPEC_BY_NAME or name.startswith("x_"):
            result.source_header.append(name)
        else:
            result.source_header.append(f"x_{name}")
            result.repairs[f"custom column {name!r} renamed x_{name}"] = 1
    focus = [name for name in result.source_header if not name.startswith("x_")]
    source = next((n for n in ("ServiceProviderName", "ProviderName") if n in focus), None)
    for added in ("ServiceProviderName", "HostProviderName"):
        if added not in focus and source is not None:
            focus.append(added)
            result.repairs[f"{added} filled from {source} (FOCUS {result.version} file)"] = 1
    # FOCUS columns first, custom ones last (ColumnHandling).
    result.header = [*focus, *(name for name in result.source_header if name.startswith("x_"))]
    return result


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return
    yield first.removeprefix("\ufeff")
    yield from iterator
