"""Turn a short question into an Explorer view: "sara voice Q3 vs Q4 by module and tier".

Pure and deterministic: words that name a known dimension value become filters, quarters and months
become the period (and the one it is compared against), "by X and Y" picks the groupings. Whatever is not
understood is returned, so the page can say so instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ross_cost.views import Period, month, quarter

#: Words people use for the group-by keys.
GROUP_WORDS: dict[str, str] = {
    "layer": "layer", "layers": "layer",
    "tenant": "tenant_id", "tenants": "tenant_id", "customer": "tenant_id", "customers": "tenant_id",
    "agent": "agent_slug", "agents": "agent_slug",
    "module": "module_id", "modules": "module_id",
    "model": "model", "models": "model",
    "provider": "provider", "providers": "provider", "vendor": "provider",
    "channel": "channel", "channels": "channel",
    "tier": "tenant_tier", "tiers": "tenant_tier",
    "tool": "tool_name", "tools": "tool_name",
    "memory": "memory_layer",
    "kind": "line_kind",
}
GROUP_PAIRS: dict[tuple[str, str], str] = {
    ("tenant", "tier"): "tenant_tier", ("memory", "layer"): "memory_layer", ("tool", "name"): "tool_name",
    ("line", "kind"): "line_kind",
}
VERSUS = frozenset({"vs", "versus", "against", "compared", "to", "v"})
FILLER = frozenset({"show", "me", "the", "spend", "cost", "costs", "of", "for", "in", "on", "and", "s", "'s", "with"})
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")
MONTHS = {name: n for n, name in enumerate(_MONTH_NAMES, 1)} | {name[:3]: n for n, name in enumerate(_MONTH_NAMES, 1)}
MONTHS["sept"] = 9
_TOKEN = re.compile(r"[a-z0-9][a-z0-9_.\-]*", re.IGNORECASE)


@dataclass
class Understood:
    filters: dict[str, list[str]] = field(default_factory=dict)
    periods: list[Period] = field(default_factory=list)
    group_by: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def period(self) -> Period | None:
        """The period to show: the later of the named ones."""
        return max(self.periods, key=lambda p: p.start) if self.periods else None

    @property
    def against(self) -> Period | None:
        """The period to compare with: the earlier one, when two were named."""
        return min(self.periods, key=lambda p: p.start) if len(self.periods) > 1 else None


def _value_index(options: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, str]]:
    """word -> (dimension, value); a tenant id also answers to its name without the "t-" prefix."""
    index: dict[str, tuple[str, str]] = {}
    for dimension, values in options.items():
        for value in values:
            index.setdefault(value.lower(), (dimension, value))
            if dimension == "tenant_id" and value.lower().startswith("t-"):
                index.setdefault(value.lower()[2:], (dimension, value))
    return index


def _year_for(quarter_or_month: str, number: int, latest: date) -> int:
    """The most recent year in which that quarter or month has started by the latest day of data."""
    first_month = 3 * number - 2 if quarter_or_month == "q" else number
    return latest.year if date(latest.year, first_month, 1) <= latest else latest.year - 1


def parse(text: str, options: Mapping[str, Sequence[str]], latest: date) -> Understood:
    """Read `text` against the known dimension values `options`; `latest` anchors years left unsaid."""
    found = Understood()
    index = _value_index(options)
    words = [w.lower() for w in _TOKEN.findall(text)]
    grouping = False
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else ""
        year = int(following) if following.isdigit() and len(following) == 4 else None
        quarter_match = re.fullmatch(r"(?:(\d{4})-?)?q([1-4])", word)
        month_number = MONTHS.get(word)
        if word == "by":
            grouping = True
        elif grouping and (word in GROUP_WORDS or (word, following) in GROUP_PAIRS):
            key = GROUP_PAIRS.get((word, following)) or GROUP_WORDS[word]
            i += 1 if (word, following) in GROUP_PAIRS else 0
            if key not in found.group_by:
                found.group_by.append(key)
        elif quarter_match:
            number = int(quarter_match.group(2))
            given = int(quarter_match.group(1)) if quarter_match.group(1) else year
            found.periods.append(quarter(given or _year_for("q", number, latest), number))
            i += 1 if year and not quarter_match.group(1) else 0
        elif word in index:
            dimension, value = index[word]
            found.filters.setdefault(dimension, [])
            if value not in found.filters[dimension]:
                found.filters[dimension].append(value)
        elif month_number:
            found.periods.append(month(year or _year_for("m", month_number, latest), month_number))
            i += 1 if year else 0
        elif word not in VERSUS and word not in FILLER and not (grouping and word == "and"):
            found.ignored.append(word)
        i += 1
    found.periods = found.periods[-2:]
    return found
