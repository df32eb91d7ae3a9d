"""The price book: what no public list has (negotiated terms, self-hosted rates, tool and memory prices).

Pure: parsing and validation of an already-loaded mapping (YAML is read at the edge). Every error names the
entry and the field, so a typo in `data/price_book.yaml` is one clear sentence, not a traceback.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ross_cost.model import quantize_money


class PriceBookError(ValueError):
    """The price book file is invalid; the message says where."""


@dataclass(frozen=True)
class NegotiatedTerm:
    """A discount off list price for a vendor (and optionally some models or tools), between two dates."""

    id: str
    vendor: str
    match: tuple[str, ...]  # glob patterns on the model id or tool name
    discount_percent: Decimal
    start: date
    end: date | None

    def applies(self, vendor: str, name: str, day: date) -> bool:
        return (
            vendor == self.vendor
            and self.start <= day
            and (self.end is None or day < self.end)
            and any(fnmatch.fnmatchcase(name, pattern) for pattern in self.match)
        )

    def effective(self, list_unit_price: Decimal) -> Decimal:
        return quantize_money(list_unit_price * (100 - self.discount_percent) / 100)


@dataclass(frozen=True)
class SelfHostedModel:
    """Amortised GPU cost of a model we serve ourselves, per million tokens."""

    model: str
    input_per_mtok: Decimal
    output_per_mtok: Decimal
    cache_read_per_mtok: Decimal | None
    note: str


@dataclass(frozen=True)
class UnitPrice:
    """A per-call tool price or a per-operation memory price."""

    name: str  # tool name or memory layer (glob allowed)
    vendor: str
    price: Decimal


@dataclass(frozen=True)
class PriceBook:
    version: str
    currency: str
    negotiated: tuple[NegotiatedTerm, ...]
    self_hosted: tuple[SelfHostedModel, ...]
    tools: tuple[UnitPrice, ...]
    memory: tuple[UnitPrice, ...]

    def term_for(self, vendor: str, name: str, day: date) -> NegotiatedTerm | None:
        for term in self.negotiated:
            if term.applies(vendor, name, day):
                return term
        return None

    def self_hosted_model(self, model: str) -> SelfHostedModel | None:
        lowered = model.lower()
        return next((m for m in self.self_hosted if m.model.lower() == lowered), None)

    def tool_price(self, tool: str) -> UnitPrice | None:
        return _first_match(self.tools, tool)

    def memory_price(self, memory_layer: str) -> UnitPrice | None:
        return _first_match(self.memory, memory_layer)


def _first_match(prices: Sequence[UnitPrice], name: str) -> UnitPrice | None:
    exact = next((p for p in prices if p.name == name), None)
    return exact or next((p for p in prices if fnmatch.fnmatchcase(name, p.name)), None)


def _money(where: str, raw: Any) -> Decimal:
    if isinstance(raw, float):
        raise PriceBookError(f"{where}: write prices as quoted strings (\"0.40\"), not floats, to keep them exact")
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise PriceBookError(f"{where}: {raw!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise PriceBookError(f"{where}: must be a non-negative number, got {raw!r}")
    return value


def _day(where: str, raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise PriceBookError(f"{where}: {raw!r} is not a YYYY-MM-DD date") from None


def _text(where: str, entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PriceBookError(f"{where}: '{key}' is required and must be text")
    return value.strip()


def _entries(raw: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    items = raw.get(section) or []
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise PriceBookError(f"{section}: must be a list of entries")
    return items


def parse_price_book(raw: Any) -> PriceBook:
    if not isinstance(raw, Mapping):
        raise PriceBookError("the price book must be a mapping with version, currency and sections")
    version = raw.get("version")
    if not isinstance(version, str | date) or not str(version):
        raise PriceBookError("version: required (e.g. \"2026-11-01\")")
    currency = raw.get("currency", "USD")
    if currency != "USD":
        raise PriceBookError(f"currency: only USD is supported, got {currency!r}")
    unknown = set(raw) - {"version", "currency", "negotiated", "self_hosted", "tools", "memory"}
    if unknown:
        raise PriceBookError(f"unknown section(s): {', '.join(sorted(unknown))}")

    negotiated = []
    for i, e in enumerate(_entries(raw, "negotiated")):
        where = f"negotiated[{i}]"
        pct = _money(f"{where}.discount_percent", e.get("discount_percent"))
        if pct >= 100:
            raise PriceBookError(f"{where}.discount_percent: must be below 100")
        match = e.get("match", ["*"])
        if not isinstance(match, list) or not all(isinstance(m, str) for m in match):
            raise PriceBookError(f"{where}.match: must be a list of patterns")
        start = _day(f"{where}.start", e.get("start"))
        end = None if e.get("end") is None else _day(f"{where}.end", e.get("end"))
        if end is not None and end <= start:
            raise PriceBookError(f"{where}.end: must be after start")
        negotiated.append(
            NegotiatedTerm(_text(where, e, "id"), _text(where, e, "vendor"), tuple(match), pct, start, end)
        )

    self_hosted = []
    for i, e in enumerate(_entries(raw, "self_hosted")):
        where = f"self_hosted[{i}]"
        cache = e.get("cache_read_per_mtok")
        self_hosted.append(
            SelfHostedModel(
                _text(where, e, "model"),
                _money(f"{where}.input_per_mtok", e.get("input_per_mtok")),
                _money(f"{where}.output_per_mtok", e.get("output_per_mtok")),
                None if cache is None else _money(f"{where}.cache_read_per_mtok", cache),
                str(e.get("note", "")),
            )
        )

    def unit_prices(section: str, name_key: str, price_key: str) -> tuple[UnitPrice, ...]:
        out = []
        for i, e in enumerate(_entries(raw, section)):
            where = f"{section}[{i}]"
            out.append(
                UnitPrice(
                    _text(where, e, name_key),
                    _text(where, e, "vendor"),
                    _money(f"{where}.{price_key}", e.get(price_key)),
                )
            )
        return tuple(out)

    return PriceBook(
        version=str(version),
        currency="USD",
        negotiated=tuple(negotiated),
        self_hosted=tuple(self_hosted),
        tools=unit_prices("tools", "name", "per_call"),
        memory=unit_prices("memory", "layer", "per_operation"),
    )
