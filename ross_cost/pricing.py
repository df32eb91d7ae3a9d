"""Per-unit prices for usage lines: genai-prices list prices, the price book's terms, or a reason for none.

List prices of public models come from genai-prices (dated: the price in force at the span's time, the
served service tier, context-length tiers that reprice the whole request). The price book adds negotiated
discounts (effective below list), self-hosted model rates and tool / memory prices. Nothing here invents a
price: a quantity without one is `Priced(None, reason)`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib.metadata import version
from typing import Any, TypeVar

from genai_prices import data_snapshot
from genai_prices.types import ModelPrice, TieredPrices

from ross_cost.model import LineKind, Price, Priced, quantize_money
from ross_cost.price_book import PriceBook

GENAI_PRICES_SOURCE = f"genai-prices {version('genai_prices')}"
SELF_HOSTED = "self-hosted"
MILLION = Decimal(1_000_000)
#: Which genai-prices price key prices each token bucket, and its fallback when the model has no such rate.
PRICE_KEYS: dict[LineKind, tuple[str, str]] = {
    LineKind.INPUT_UNCACHED: ("input_mtok", "input_mtok"),
    LineKind.CACHE_READ: ("cache_read_mtok", "input_mtok"),
    LineKind.CACHE_WRITE: ("cache_write_mtok", "input_mtok"),
    LineKind.OUTPUT_VISIBLE: ("output_mtok", "output_mtok"),
    LineKind.REASONING: ("output_reasoning_mtok", "output_mtok"),
    LineKind.EMBEDDING_INPUT: ("input_mtok", "input_mtok"),
}
#: Served tiers that are the standard price (no variant needed).
STANDARD_TIERS = frozenset({"default", "standard", "auto", "on_demand", "on-demand"})


@dataclass(frozen=True)
class ModelMatch:
    """A catalogue hit: the canonical model id (the `model` dimension) and its price set at that time."""

    vendor: str
    model_id: str
    prices: ModelPrice
    source: str
    key: str  # identifies (model, price set in force, service tier) for caching line prices


def _tier_price(price: Decimal | TieredPrices, total_input: int) -> Decimal:
    if isinstance(price, TieredPrices):
        applicable = price.base
        for tier in reversed(price.tiers):
            if total_input > tier.start:
                return tier.price
        return applicable
    return price


def _tier_position(prices: ModelPrice, kind: LineKind, total_input: int) -> int:
    """How many context-length thresholds the request crossed for this bucket's price (0: base rate)."""
    key, fallback = PRICE_KEYS[kind]
    raw = getattr(prices, key, None) or getattr(prices, fallback, None)
    if not isinstance(raw, TieredPrices):
        return 0
    return sum(1 for tier in raw.tiers if total_input > tier.start)


def _catalogue_lookup(vendor: str, model: str, hour: datetime, service_tier: str | None) -> ModelMatch | str:
    """genai-prices lookup (the Pricer caches it per hour: prices change at most daily)."""
    snapshot = data_snapshot.get_snapshot()
    try:
        provider, info = snapshot.find_provider_model(model, None, vendor, None)
    except LookupError:
        return f"no list price for model {model!r} (provider {vendor}) in {GENAI_PRICES_SOURCE} or the price book"
    context: dict[str, str] | None = None
    if service_tier and service_tier.lower() not in STANDARD_TIERS:
        tier = service_tier.lower()
        key = "processing" if tier == "batch" else "service_tier"
        if not any(v.when.get(key) == tier for v in info.price_variants or ()):
            return f"no {tier!r} service-tier price for {provider.id}/{info.id} in {GENAI_PRICES_SOURCE}"
        context = {key: tier}
    prices = info.get_prices(hour, context)
    key = f"{provider.id}/{info.id}@{hour}/{service_tier}"
    return ModelMatch(provider.id, info.id, prices, GENAI_PRICES_SOURCE, key)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
#: Entries a Pricer cache holds before it starts over (prices repeat per model, bucket and day: a few hundred).
CACHE_LIMIT = 100_000


def _cached(cache: dict[K, V], key: K, compute: Callable[[], V]) -> V:
    """Millions of spans share a few hundred prices: compute each once, in a bounded dict."""
    hit = cache.get(key)
    if hit is None:
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        hit = cache[key] = compute()
    return hit


class Pricer:
    """Prices lines against genai-prices and a price book; safe to share across threads (read-only)."""

    def __init__(self, book: PriceBook) -> None:
        self.book = book
        self.book_source = f"price-book {book.version}"
        self._token_prices: dict[tuple[str, LineKind, int, date], Priced] = {}
        self._unit_prices: dict[tuple[str, str, date], tuple[str, Priced]] = {}
        self._models: dict[tuple[str, str, datetime, str | None], ModelMatch | str] = {}

    def price_tokens(self, match: ModelMatch, kind: LineKind, total_input: int, ts: datetime) -> Priced:
        """Cached per (price set, bucket, long-context tier, day): millions of spans share a few hundred."""
        key = (match.key, kind, _tier_position(match.prices, kind, total_input), ts.date())
        return _cached(self._token_prices, key, lambda: self._price_tokens(match, kind, total_input, ts))

    def match_model(self, vendor: str, model: str, ts: datetime, service_tier: str | None) -> ModelMatch | str:
        """The model's prices at `ts` (cached per hour): the price book's self-hosted rates, then genai-prices."""
        hour = ts.replace(minute=0, second=0, microsecond=0)
        key = (vendor, model, hour, service_tier)
        return _cached(self._models, key, lambda: self._match_model(vendor, model, hour, service_tier))

    def _match_model(self, vendor: str, model: str, hour: datetime, service_tier: str | None) -> ModelMatch | str:
        hosted = self.book.self_hosted_model(model)
        if hosted is not None:
            prices = ModelPrice(
                input_mtok=hosted.input_per_mtok,
                output_mtok=hosted.output_per_mtok,
                cache_read_mtok=hosted.cache_read_per_mtok,
            )
            return ModelMatch(SELF_HOSTED, hosted.model, prices, self.book_source, f"{SELF_HOSTED}/{hosted.model}")
        if vendor in ("", SELF_HOSTED):
            return f"no price for self-hosted model {model!r} in {self.book_source}"
        return _catalogue_lookup(vendor, model, hour, service_tier)

    def _price_tokens(self, match: ModelMatch, kind: LineKind, total_input: int, ts: datetime) -> Priced:
        key, fallback = PRICE_KEYS[kind]
        prices: Any = match.prices
        raw = getattr(prices, key, None)
        used = key
        if raw is None:
            raw, used = getattr(prices, fallback, None), fallback
        if raw is None:
            return Priced(None, f"{match.vendor}/{match.model_id} has no {key} price in {match.source}")
        per_token = quantize_money(_tier_price(raw, total_input) / MILLION)
        tiered = " (long-context tier)" if _tier_position(match.prices, kind, total_input) else ""
        return self._with_terms(match.vendor, match.model_id, per_token, match.source,
                                f"{match.vendor}/{match.model_id} {used}{tiered}", ts)

    def price_tool(self, tool: str, ts: datetime) -> tuple[str, Priced]:
        return self._unit_price("tool", tool, ts)

    def price_memory(self, memory_layer: str, ts: datetime) -> tuple[str, Priced]:
        return self._unit_price("memory", memory_layer, ts)

    def _unit_price(self, what: str, name: str, ts: datetime) -> tuple[str, Priced]:
        """Vendor and price of one tool call or memory operation, cached per day."""
        price = self._tool_price if what == "tool" else self._memory_price
        return _cached(self._unit_prices, (what, name, ts.date()), lambda: price(name, ts))

    def _tool_price(self, tool: str, ts: datetime) -> tuple[str, Priced]:
        entry = self.book.tool_price(tool)
        if entry is None:
            return "n/a", Priced(None, f"no per-call price for tool {tool!r} in {self.book_source}")
        return entry.vendor, self._with_terms(entry.vendor, tool, entry.price, self.book_source, f"tool {tool}", ts)

    def _memory_price(self, memory_layer: str, ts: datetime) -> tuple[str, Priced]:
        entry = self.book.memory_price(memory_layer)
        if entry is None:
            reason = f"no per-operation price for memory layer {memory_layer!r} in {self.book_source}"
            return "n/a", Priced(None, reason)
        return entry.vendor, self._with_terms(
            entry.vendor, memory_layer, entry.price, self.book_source, f"memory {memory_layer}", ts
        )

    def _with_terms(self, vendor: str, name: str, list_unit: Decimal, source: str, ref: str, ts: datetime) -> Priced:
        term = self.book.term_for(vendor, name, ts.date())
        if term is None:
            return Priced(Price(list_unit, list_unit, source, ref))
        return Priced(Price(list_unit, term.effective(list_unit), f"{source} + {self.book_source}", ref, term.id))
