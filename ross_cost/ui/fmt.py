"""Text formatting for money, shares and quantities. Pure: the narrative and the pages share it.

Money arrives as Decimal and leaves as text; precision follows the size of the amount, so a total reads
"$12,345.67" and a single span reads "$0.004213" instead of "$0.00".
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """$ with thousands separators: cents from $1 up, four significant digits below, "$0.00" for zero."""
    if value == 0:
        return "$0.00"
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1:
        return f"{sign}${size.quantize(CENT, rounding=ROUND_HALF_EVEN):,}"
    digits = max(2, -size.adjusted() + 3)  # four significant digits
    quantum = Decimal(1).scaleb(-digits)
    return f"{sign}${size.quantize(quantum, rounding=ROUND_HALF_EVEN):f}"


def money_delta(value: Decimal) -> str:
    """A signed change of money: "+$1,234.00" or "-$12.50"."""
    text = money(value)
    return text if text.startswith("-") else f"+{text}"


def percent(fraction: Decimal | float | None, places: int = 1) -> str:
    """0.1234 -> "12.3%"; None (a share of nothing) -> "n/a"."""
    if fraction is None:
        return "n/a"
    return f"{float(fraction) * 100:.{places}f}%"


def percent_delta(fraction: Decimal | None) -> str:
    """A signed relative change: "+8.2%", "-3.0%"; "new" when there was nothing before."""
    if fraction is None:
        return "new"
    return f"{float(fraction) * 100:+.1f}%"


def count(value: int) -> str:
    """1234567 -> "1.23M"; below ten thousand the digits in full."""
    if abs(value) < 10_000:
        return f"{value:,}"
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return str(value)  # pragma: no cover - unreachable


def day(value: date) -> str:
    """2026-11-03 -> "3 Nov 2026"."""
    return f"{value.day} {value.strftime('%b %Y')}"


def day_span(start: date, last: date) -> str:
    """An inclusive range of days as people write it."""
    if start == last:
        return day(start)
    if start.year == last.year:
        head = f"{start.day} {start.strftime('%b')}" if start.month != last.month else f"{start.day}"
        return f"{head} – {day(last)}"
    return f"{day(start)} – {day(last)}"
