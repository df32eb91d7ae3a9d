"""FOCUS 1.3 conformance checks on rows as written (text cells), streaming: feed rows, then read the report.

Checks the rules in rules.py, the ones focus-validator misses included. Works on the builder's rows and on
rows read back from CSV, NDJSON or JSON, so a test or the cockpit can check exactly what a finance tool gets.
Pure.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ross_cost.focus.columns import COLUMN_NAMES, MANDATORY_NAMES, SPEC_BY_NAME
from ross_cost.focus.formats import Cell
from ross_cost.focus.row_rules import check_cells, check_cross, check_ours
from ross_cost.focus.rules import RULES_BY_ID, Profile, Rule, rules_for
from ross_cost.focus.vocabulary import CUSTOM_COLUMN_RE

RowT = TypeVar("RowT", bound=Sequence[Cell])


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    row: int | None  # 1-based data row; None for a column or dataset rule
    column: str | None
    value: str | None

    def __str__(self) -> str:
        where = "header" if self.row is None else f"row {self.row}"
        return f"{self.rule} ({where}, {self.column}={self.value!r}): {RULES_BY_ID[self.rule].text}"


@dataclass
class ConformanceReport:
    profile: Profile
    rows: int
    rules: tuple[Rule, ...]
    failures: dict[str, int] = field(default_factory=dict)  # rule id -> violations
    examples: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        head = f"FOCUS 1.3 ({self.profile}): {len(self.rules)} rules on {self.rows} rows, {len(self.failures)} failed"
        return "\n".join([head, *(f"  {rule}: {count}x" for rule, count in sorted(self.failures.items()))])

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "profile": self.profile,
            "rows": self.rows,
            "rules_checked": [rule.id for rule in self.rules],
            "failures": dict(sorted(self.failures.items())),
            "examples": [str(v) for v in self.examples],
        }


class ConformanceChecker:
    """Feed rows with `add`; `report()` at the end (dataset rules need every row)."""

    def __init__(
        self,
        header: Sequence[str],
        profile: Profile = "ross",
        expected: Sequence[str] | None = None,
        max_examples: int = 50,
    ) -> None:
        self.header = tuple(header)
        self.profile: Profile = profile
        self._rules = rules_for(profile)
        self._active = frozenset(rule.id for rule in self._rules)
        self._max_examples = max_examples
        self._report = ConformanceReport(profile, 0, self._rules)
        self._service_categories: dict[str, set[str | None]] = {}
        self._service_subcategories: dict[str, set[str | None]] = {}
        self._sku_of_price: dict[str, set[str | None]] = {}
        present = set(self.header)
        self._check_header(present, COLUMN_NAMES if expected is None and profile == "ross" else expected or ())

    def add(self, row: Sequence[Cell]) -> None:
        self._report.rows += 1
        r = {name: (v if v is None or isinstance(v, str) else str(v)) for name, v in zip(self.header, row, strict=True)}
        n = self._report.rows
        check_cells(self._fail, n, r)
        check_cross(self._fail, n, r)
        if self.profile == "ross":
            check_ours(self._fail, n, r)
        if (service := r.get("ServiceName")) is not None:
            self._service_categories.setdefault(service, set()).add(r.get("ServiceCategory"))
            self._service_subcategories.setdefault(service, set()).add(r.get("ServiceSubcategory"))
        if (sku_price := r.get("SkuPriceId")) is not None:
            self._sku_of_price.setdefault(sku_price, set()).add(r.get("SkuId"))

    def report(self) -> ConformanceReport:
        for rule, groups, column in (
            ("dataset.service-one-category", self._service_categories, "ServiceName"),
            ("dataset.service-one-subcategory", self._service_subcategories, "ServiceName"),
            ("dataset.sku-price-one-sku", self._sku_of_price, "SkuPriceId"),
        ):
            for key, values in sorted(groups.items()):
                if len(values) != 1:
                    self._fail(rule, None, column, key)
        return self._report

    # --- helpers ---
    def _fail(self, rule: str, row: int | None, column: str | None, value: str | None) -> None:
        if rule not in self._active:
            return
        failures = self._report.failures
        failures[rule] = failures.get(rule, 0) + 1
        if len(self._report.examples) < self._max_examples:
            self._report.examples.append(Violation(rule, row, column, value))

    def _check_header(self, present: set[str], expected: Sequence[str]) -> None:
        for name in MANDATORY_NAMES:
            if name not in present:
                self._fail("columns.mandatory", None, name, None)
        for name in expected:
            if name not in present:
                self._fail("columns.expected", None, name, None)
        seen: set[str] = set()
        custom_seen = False
        for name in self.header:
            if name in seen:
                self._fail("columns.unique", None, name, None)
            seen.add(name)
            if name.startswith("x_"):
                custom_seen = True
                if not CUSTOM_COLUMN_RE.fullmatch(name):
                    self._fail("columns.custom-naming", None, name, None)
            elif name not in SPEC_BY_NAME:
                self._fail("columns.known-or-custom", None, name, None)
            elif custom_seen:
                self._fail("columns.custom-last", None, name, None)


def check_rows(
    rows: Iterable[Sequence[Cell]],
    header: Sequence[str] = COLUMN_NAMES,
    profile: Profile = "ross",
    expected: Sequence[str] | None = None,
) -> ConformanceReport:
    checker = ConformanceChecker(header, profile, expected)
    for row in rows:
        checker.add(row)
    return checker.report()


def checked(rows: Iterable[RowT], checker: ConformanceChecker) -> Iterator[RowT]:
    """Pass rows through unchanged while `checker` checks them (conformance on a streaming export)."""
    for row in rows:
        checker.add(row)
        yield row


def check_csv(
    lines: Iterable[str], profile: Profile = "ross", expected: Sequence[str] | None = None
) -> ConformanceReport:
    """Check CSV text as written: an empty field is a null."""
    reader = csv.reader(lines)
    header = next(reader, [])
    return check_rows(([None if v == "" else v for v in row] for row in reader), header, profile, expected)
