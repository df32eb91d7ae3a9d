"""formats.decimal_text for whole Arrow arrays: exact decimal text, built from the digits, never via float.

Arrow's own decimal-to-string cast switches to an exponent for small values (`7.5E-8`), which FOCUS readers
and our conformance rules refuse. So a decimal128 array is read as its unscaled integer (same bytes, scale 0),
printed as digits, and the decimal point put back by string kernels. Pure.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


def unscaled_digits(values: pa.Array) -> pa.Array:
    """The unscaled integers of a decimal128 array as text, e.g. 7.5E-8 at scale 12 -> `75000`."""
    kind = values.type
    if not pa.types.is_decimal128(kind):
        raise TypeError(f"expected decimal128, got {kind}")
    as_integers = pa.Array.from_buffers(
        pa.decimal128(kind.precision, 0), len(values), values.buffers(), values.null_count, values.offset
    )
    return pc.cast(as_integers, pa.string())


def scaled_text(digits: pa.Array, scale: int) -> pa.Array:
    """decimal_text of (integer text) × 10^-scale: plain, a decimal point always, no trailing zeros after the
    first decimal place (`1250000`, 6 -> `1.25`; `0`, 12 -> `0.0`; `-15`, 1 -> `-1.5`)."""
    if scale == 0:
        return pc.binary_join_element_wise(digits, ".0", "")
    negative = pc.starts_with(digits, "-")
    signed = _any(negative)
    magnitude = pc.utf8_ltrim(digits, "-") if signed else digits
    padded = pc.utf8_lpad(magnitude, scale + 1, "0")
    whole = pc.utf8_slice_codeunits(padded, 0, -scale)
    fraction = pc.utf8_rtrim(pc.utf8_slice_codeunits(padded, -scale), "0")
    fraction = pc.if_else(pc.equal(fraction, ""), "0", fraction)
    text = pc.binary_join_element_wise(whole, fraction, ".")
    if signed:
        text = pc.if_else(negative, pc.binary_join_element_wise("-", text, ""), text)
    return text


def decimal_texts(values: pa.Array) -> pa.Array:
    """decimal_text of every value of a decimal128 array (nulls stay null)."""
    return scaled_text(unscaled_digits(values), values.type.scale)


def _any(mask: pa.Array) -> bool:
    found: Any = pc.any(mask).as_py()
    return bool(found)
