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


#: Every alias group attribution reads. A span's attributes are scanned once into `Picked`, instead of
#: probing each alias of each group (the hot path of ingest).
ALIAS_GROUPS: tuple[tuple[str, ...], ...] = (
    sc.INPUT_TOKENS, sc.OUTPUT_TOKENS, sc.CACHE_READ_TOKENS, sc.CACHE_WRITE_TOKENS, sc.REASONING_TOKENS,
    sc.GEMINI_THOUGHTS_KEYS, sc.PROVIDER_KEYS, (sc.SERVER_ADDRESS,), sc.RESPONSE_MODEL_KEYS, sc.REQUEST_MODEL_KEYS,
    sc.FINISH_REASONS, sc.SERVICE_TIER_KEYS, sc.TOOL_NAME_KEYS, sc.MCP_METHOD_KEYS, sc.DB_SYSTEM_KEYS,
    (sc.ROSS_MEMORY_LAYER,), (sc.DATA_SOURCE_ID, sc.MEMORY_STORE_ID), (sc.TELEMETRY_SDK_NAME,),
)
#: alias group -> (key, value) of its earliest-listed alias present on the span.
Picked = dict[tuple[str, ...], tuple[str, AttrValue]]
_GROUPS_OF: dict[str, list[tuple[tuple[str, ...], int]]] = {}
for _group in ALIAS_GROUPS:
    for _rank, _key in enumerate(_group):
        _GROUPS_OF.setdefault(_key, []).append((_group, _rank))


def pick(attrs: Mapping[str, AttrValue]) -> Picked:
    """One pass over the attributes: for each alias group, the best-ranked alias that is present."""
    found: Picked = {}
    ranks: dict[tuple[str, ...], int] = {}
    for key, value in attrs.items():
        hits = _GROUPS_OF.get(key)
        if hits is None or value is None or value == "":
            continue
        for group, rank in hits:
            if rank < ranks.get(group, 1 << 30):
                ranks[group] = rank
                found[group] = (key, value)
    return found


def _count(picked: Picked, keys: tuple[str, ...]) -> int | None:
    found = picked.get(keys)
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


def has_token_usage(picked: Picked) -> bool:
    return sc.INPUT_TOKENS in picked or sc.OUTPUT_TOKENS in picked


def normalise(picked: Picked, vendor: str, sdk_name: str | None) -> TokenBuckets:
    """Split one inference span's usage into the five buckets; raises UsageError for impossible counts."""
    input_tokens = _count(picked, sc.INPUT_TOKENS) or 0
    output_tokens = _count(picked, sc.OUTPUT_TOKENS) or 0
    cache_read = _count(picked, sc.CACHE_READ_TOKENS) or 0
    cache_write = _count(picked, sc.CACHE_WRITE_TOKENS) or 0
    reasoning = _count(picked, sc.REASONING_TOKENS)
    thoughts_outside = _count(picked, sc.GEMINI_THOUGHTS_KEYS)

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
