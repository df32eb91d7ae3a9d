"""How one FOCUS cell is written as text, shared by every writer and by the conformance checks.

Decimals are plain (never an exponent) and always carry a decimal point, so a CSV reader that infers types
(focus-validator reads with polars) sees DECIMAL, not INTEGER, even for whole numbers. Pure.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import lru_cache

#: A cell of a FOCUS row as the row builder makes it: its text (decimals already formatted), an int
#: (Integer x_ columns) or null. Rows hold text so that every writer and the checks see the same value.
Cell = str | int | None


def decimal_text(value: Decimal) -> str:
    """`3000` -> `3000.0`, `0.075000000000` -> `0.075`, `1E+3` -> `1000.0`; never an exponent or `-0`."""
    if not value:
        return "0.0"
    text = str(value)  # faster than format(); falls back to it when str() picks an exponent
    if "E" in text:
        text = format(value, "f")
    if "." not in text:
        return text + ".0"
    text = text.rstrip("0")
    return text + "0" if text.endswith(".") else text


@lru_cache(maxsize=4096)
def day_start_text(day: date) -> str:
    """The first instant of a UTC day in the spec's Date/Time format `YYYY-MM-DDTHH:mm:ssZ`."""
    return f"{day.isoformat()}T00:00:00Z"


def key_value_json(pairs: dict[str, str]) -> str:
    """A flat JSON object with sorted keys, compact: the KeyValueFormat cell of Tags and SkuPriceDetails."""
    return json.dumps(pairs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
