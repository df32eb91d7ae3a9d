"""The one question every view asks: how much, in a date range, grouped and filtered by which keys.

Pure and validated: the API, the CLI and the cockpit build a `CostQuery` the same way, so equal slices give
equal numbers everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from ross_cost.model import GROUPABLE

Granularity = Literal["day", "week", "month"]
GRANULARITIES: tuple[str, ...] = ("day", "week", "month")


class QueryError(ValueError):
    """A bad query parameter; the message names the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class CostQuery:
    """[start, end) in UTC days, optional time bucket, group keys and value filters (OR within a key)."""

    start: date
    end: date
    group_by: tuple[str, ...] = ()
    granularity: Granularity | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise QueryError("end", f"must be after start ({self.start.isoformat()})")
        for key in self.group_by:
            if key not in GROUPABLE:
                raise QueryError("group_by", f"unknown key {key!r}; use one of {', '.join(GROUPABLE)}")
        if len(set(self.group_by)) != len(self.group_by):
            raise QueryError("group_by", "a key is repeated")
        if self.granularity is not None and self.granularity not in GRANULARITIES:
            raise QueryError("granularity", f"must be one of {', '.join(GRANULARITIES)}")
        for key, values in self.filters:
            if key not in GROUPABLE:
                raise QueryError(key, "is not a filterable key")
            if not values:
                raise QueryError(key, "filter needs at least one value")

    @property
    def filter_map(self) -> dict[str, tuple[str, ...]]:
        return dict(self.filters)

    @staticmethod
    def build(
        start: date,
        end: date,
        group_by: tuple[str, ...] | list[str] = (),
        granularity: Granularity | None = None,
        filters: Mapping[str, tuple[str, ...] | list[str]] | None = None,
    ) -> CostQuery:
        """Normalise filters (sorted keys, sorted unique values) so equal slices hash equal."""
        normal = tuple(sorted((k, tuple(sorted(set(v)))) for k, v in (filters or {}).items() if v))
        return CostQuery(start, end, tuple(group_by), granularity, normal)


@dataclass(frozen=True)
class CostRow:
    """One group of a cost answer. Money is Decimal; quantities are per unit (Tokens, Calls, Operations)."""

    keys: dict[str, str]
    list_cost: Decimal
    effective_cost: Decimal
    quantity: dict[str, int] = field(default_factory=dict)
    unpriced_quantity: dict[str, int] = field(default_factory=dict)
    lines: int = 0
