"""The domain vocabulary: layers, token buckets, dimensions and usage lines.

Pure: no I/O, no third-party imports. Everything else in ross-cost speaks these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

#: Fixed-point scale for money, per-unit prices included: a token at $0.075 / MTok is 7.5e-8 USD.
MONEY_PLACES = 12
MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)
#: SQL type parameters for every money column (DECIMAL(precision, scale)).
MONEY_PRECISION = 18

UNATTRIBUTED = "unattributed"
UNKNOWN_CHANNEL = "unknown"
#: The value of `model` (and of `provider` where no vendor is involved) on lines that use no model.
NOT_APPLICABLE = "n/a"
CURRENCY = "USD"


def quantize_money(value: Decimal) -> Decimal:
    """Round to the stored money scale (banker's rounding, as SQL DECIMAL casts do not)."""
    return value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_EVEN)


def money_text(value: Decimal) -> str:
    """Money as a plain decimal string (no exponent: `Decimal("0E-12")` reads "0.000000000000"), as APIs send it."""
    return format(value, "f")


class Layer(StrEnum):
    """The four cost layers. Every priced quantity lands in exactly one."""

    PROMPT = "prompt"
    TOOL = "tool"
    MEMORY = "memory"
    RESPONSE = "response"


LAYERS: tuple[Layer, ...] = (Layer.PROMPT, Layer.TOOL, Layer.MEMORY, Layer.RESPONSE)


class LineKind(StrEnum):
    """What one usage line counts. Token buckets never overlap; a span yields at most one line per kind."""

    INPUT_UNCACHED = "input_uncached"
    CACHE_READ = "cache_read"
    CACHE_WRITE = "cache_write"
    OUTPUT_VISIBLE = "output_visible"
    REASONING = "reasoning"
    EMBEDDING_INPUT = "embedding_input"
    TOOL_CALL = "tool_call"
    MEMORY_OPERATION = "memory_operation"


TOKEN_KINDS: frozenset[LineKind] = frozenset(
    {
        LineKind.INPUT_UNCACHED,
        LineKind.CACHE_READ,
        LineKind.CACHE_WRITE,
        LineKind.OUTPUT_VISIBLE,
        LineKind.REASONING,
        LineKind.EMBEDDING_INPUT,
    }
)


class Unit(StrEnum):
    """Consumed-quantity units (FOCUS UnitFormat spelling)."""

    TOKENS = "Tokens"
    CALLS = "Calls"
    OPERATIONS = "Operations"


def unit_of(kind: LineKind) -> Unit:
    if kind in TOKEN_KINDS:
        return Unit.TOKENS
    return Unit.CALLS if kind is LineKind.TOOL_CALL else Unit.OPERATIONS


DIMENSIONS: tuple[str, ...] = ("tenant_id", "agent_slug", "module_id", "model", "provider", "channel")
#: Dimensions resolved across the trace tree (model and provider belong to the span itself).
CONTEXT_DIMENSIONS: tuple[str, ...] = ("tenant_id", "agent_slug", "module_id", "channel")
#: Everything a cost query may group or filter by.
GROUPABLE: tuple[str, ...] = ("layer", *DIMENSIONS, "tenant_tier", "tool_name", "memory_layer", "line_kind")


@dataclass(frozen=True, slots=True)
class TokenBuckets:
    """Non-overlapping token counts of one inference span. Their sum is what the provider bills."""

    input_uncached: int = 0
    cache_read: int = 0
    cache_write: int = 0
    output_visible: int = 0
    reasoning: int = 0

    @property
    def total_input(self) -> int:
        return self.input_uncached + self.cache_read + self.cache_write

    @property
    def total_output(self) -> int:
        return self.output_visible + self.reasoning


@dataclass(frozen=True, slots=True)
class Price:
    """A per-unit price for one line, with where it came from (for audit and re-pricing)."""

    list_unit_price: Decimal
    effective_unit_price: Decimal
    source: str  # e.g. "genai-prices 0.2.5" or "price-book 2026-11-01"
    reference: str  # e.g. "anthropic/claude-sonnet-4-5 input_mtok" or "tool web_search"
    contract: str | None = None  # the negotiated term that made effective < list, if any


@dataclass(frozen=True, slots=True)
class Priced:
    """The outcome of pricing one quantity: a price, or the reason there is none."""

    price: Price | None
    unpriced_reason: str | None = None


@dataclass(slots=True)
class UsageLine:
    """One priced (or unpriced) quantity of one span: the atom every view and export sums."""

    trace_id: str
    span_id: str
    kind: LineKind
    layer: Layer
    ts: datetime
    quantity: int
    model: str
    provider: str
    operation: str
    tool_name: str | None = None
    memory_layer: str | None = None
    service_tier: str | None = None
    price: Price | None = None
    unpriced_reason: str | None = None
    dims: dict[str, str] = field(default_factory=dict)  # tenant_id, agent_slug, module_id, channel

    @property
    def list_cost(self) -> Decimal | None:
        return None if self.price is None else self.price.list_unit_price * self.quantity

    @property
    def effective_cost(self) -> Decimal | None:
        return None if self.price is None else self.price.effective_unit_price * self.quantity
