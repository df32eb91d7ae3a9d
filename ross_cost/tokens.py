"""Token counts from any emitter into non-overlapping buckets, with each provider quirk handled explicitly.

Spec semantics (OTel GenAI): input_tokens includes cache reads and writes; output_tokens includes reasoning.
Emitters that break this are recognised here and nowhere else (see shared/reference/pricing-traps.md):

- OpenLIT with Anthropic reports Anthropic's raw, cache-exclusive input: the cache is added back in.
- Gemini's native `thoughts_token_count` sits outside the output count: it is not subtracted from output.
- OpenAI (and the spec) count reasoning inside output: it is subtracted, never added on top.

Impossible counts (negative, cache larger than input, reasoning larger than output) raise `UsageError`:
the span is rejected with that reason rather than priced from a guess.
"""

from __future__ import annotations

from collections.abc import Mapping

from ross_cost.model import TokenBuckets
from ross_cost.otel import semconv as sc
from ross_cost.spans import AttrValue


class UsageError(ValueError):
    """A span whose token counts cannot be true."""


def first_present(attrs: Mapping[str, AttrValue], keys: tuple[str, ...]) -> tuple[str, AttrValue] | None:
    for key in keys:
        value = attrs.get(key)
        if value is not None and value != "":
            return key, value
    return None


def _count(attrs: Mapping[str, AttrValue], keys: tuple[str, ...]) -> int | None:
    found = first_present(attrs, keys)
    if found is None:
        return None
    key, value = found
    if isinstance(value, bool):
        raise UsageError(f"{key} is a boolean, not a token count")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value)
    else:
        raise UsageError(f"{key} is not a whole number: {value!r}")
    if number < 0:
        raise UsageError(f"{key} is negative ({number})")
    return number


def has_token_usage(attrs: Mapping[str, AttrValue]) -> bool:
    return first_present(attrs, sc.INPUT_TOKENS) is not None or first_present(attrs, sc.OUTPUT_TOKENS) is not None


def normalise(attrs: Mapping[str, AttrValue], vendor: str, sdk_name: str | None) -> TokenBuckets:
    """Split one inference span's usage into the five buckets; raises UsageError for impossible counts."""
    input_tokens = _count(attrs, sc.INPUT_TOKENS) or 0
    output_tokens = _count(attrs, sc.OUTPUT_TOKENS) or 0
    cache_read = _count(attrs, sc.CACHE_READ_TOKENS) or 0
    cache_write = _count(attrs, sc.CACHE_WRITE_TOKENS) or 0
    reasoning = _count(attrs, sc.REASONING_TOKENS)
    thoughts_outside = _count(attrs, sc.GEMINI_THOUGHTS_KEYS)

    if sdk_name == "openlit" and vendor == "anthropic":
        input_tokens += cache_read + cache_write  # raw Anthropic input excludes the cache
    if cache_read + cache_write > input_tokens:
        raise UsageError(
            f"cache tokens ({cache_read} read + {cache_write} write) exceed input tokens ({input_tokens})"
        )

    if thoughts_outside is not None:
        visible, reasoning_count = output_tokens, thoughts_outside  # Gemini native: thoughts not in output
    else:
        reasoning_count = reasoning or 0
        if reasoning_count > output_tokens:
            raise UsageError(f"reasoning tokens ({reasoning_count}) exceed output tokens ({output_tokens})")
        visible = output_tokens - reasoning_count

    return TokenBuckets(
        input_uncached=input_tokens - cache_read - cache_write,
        cache_read=cache_read,
        cache_write=cache_write,
        output_visible=visible,
        reasoning=reasoning_count,
    )
