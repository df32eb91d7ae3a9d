"""Unit economics shaped for the walkthrough page: per conversation, per agent, per tenant, layer mix.

Cost per conversation = spend on lines that belong to a conversation ÷ distinct conversations; spend outside
any conversation (scheduled jobs) is reported apart rather than spread over conversations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ross_cost.query import CostRow
from ross_cost.storage.cockpit_reads import Attribution, ConversationGroup
from ross_cost.ui.tables import Column
from ross_cost.ui.theme import LAYER_ORDER
from ross_cost.views import (
    ZERO,
    Change,
    NarrativeFacts,
    Period,
    UnitCost,
    by_key,
    layer_totals,
    per_unit,
    rollup,
    total,
)

PER_CONVERSATION_COLUMNS: tuple[Column, ...] = (
    Column("conversation_cost", "Spend in conversations", "money"),
    Column("conversations", "Conversations", "count"),
    Column("per_conversation", "Per conversation", "unit_money"),
)
TENANT_COLUMNS: tuple[Column, ...] = (
    Column("tenant_id", "Tenant"), Column("name", "Name"), Column("tier", "Tier"),
    Column("conversations", "Conversations", "count"), Column("spend", "Spend", "money"),
    Column("per_conversation", "Per conversation", "unit_money"),
    Column("other_cost", "Outside conversations", "money"),
)


def totals(groups: Iterable[ConversationGroup]) -> UnitCost:
    """Sum ungrouped (or period-free) answers into one UnitCost (an empty answer is zero conversations)."""
    found = list(groups)
    return UnitCost(sum(g.conversations for g in found), sum((g.conversation_cost for g in found), ZERO),
                    sum((g.other_cost for g in found), ZERO))


def facts(period: Period, now: Sequence[CostRow], before: Sequence[CostRow], agents: Sequence[CostRow],
          unit_now: UnitCost, unit_before: UnitCost, attribution: Attribution,
          data_range: tuple[date, date]) -> NarrativeFacts:
    layers_now, layers_before = layer_totals(now), layer_totals(before)
    per_agent = by_key(agents, "agent_slug")
    top = max(per_agent.items(), key=lambda item: (item[1], item[0])) if per_agent else None
    return NarrativeFacts(
        period=period,
        spend=Change(total(now), total(before)),
        layers={layer: Change(layers_now[layer], layers_before[layer]) for layer in LAYER_ORDER},
        top_agent=top,
        unit=unit_now,
        unit_previous=unit_before,
        unpriced_lines=attribution.unpriced_lines,
        lines=attribution.lines,
        unattributed_tenant_cost=attribution.missing_cost.get("tenant_id", ZERO),
        previous_covered_days=period.previous().covered_days(*data_range),
    )


def _row(keys: Mapping[str, str], cost: Decimal, conversations: int) -> dict[str, Any]:
    return {**keys, "conversation_cost": cost, "conversations": conversations,
            "per_conversation": per_unit(cost, conversations)}


def per_conversation_over_time(by_layer: Sequence[ConversationGroup], by_period: Sequence[ConversationGroup]) -> tuple[
    list[str], dict[str, list[Decimal | None]], list[dict[str, Any]]
]:
    """Per period: each layer's spend in conversations ÷ all conversations of the period (they stack)."""
    conversations = {g.keys["period"]: g.conversations for g in by_period}
    periods = sorted(conversations)
    cost = {(g.keys["period"], g.keys["layer"]): g.conversation_cost for g in by_layer}
    series = {layer: [per_unit(cost.get((p, layer), ZERO), conversations[p]) for p in periods]
              for layer in LAYER_ORDER}
    rows = [_row({"period": p, "layer": layer}, cost.get((p, layer), ZERO), conversations[p])
            for p in periods for layer in LAYER_ORDER]
    return periods, series, rows


def per_conversation_by(by_key_layer: Sequence[ConversationGroup], by_key_only: Sequence[ConversationGroup],
                        key: str) -> tuple[list[str], dict[str, list[Decimal | None]], list[dict[str, Any]]]:
    """Per value of `key` (costliest conversation first): each layer's share of its cost per conversation."""
    conversations = {g.keys[key]: g.conversations for g in by_key_only if g.conversations}
    cost = {(g.keys[key], g.keys["layer"]): g.conversation_cost for g in by_key_layer}

    def unit_cost(name: str) -> Decimal:
        return sum((cost.get((name, layer), ZERO) for layer in LAYER_ORDER), ZERO) / conversations[name]

    names = sorted(conversations, key=lambda name: (-unit_cost(name), name))
    series = {layer: [per_unit(cost.get((n, layer), ZERO), conversations[n]) for n in names] for layer in LAYER_ORDER}
    rows = [_row({key: n, "layer": layer}, cost.get((n, layer), ZERO), conversations[n])
            for n in names for layer in LAYER_ORDER]
    return names, series, rows


def layer_mix(rows: Sequence[CostRow], key: str = "agent_slug") -> tuple[list[str], dict[str, list[float]]]:
    """Each layer's share of each group's spend (fractions for drawing; the groups biggest first)."""
    names = [row.keys[key] for row in rollup(rows, (key,)) if row.effective_cost > 0]
    cost = {(row.keys[key], row.keys["layer"]): row.effective_cost for row in rows}
    whole = {n: sum((cost.get((n, layer), ZERO) for layer in LAYER_ORDER), ZERO) for n in names}
    return names, {layer: [float(cost.get((n, layer), ZERO) / whole[n]) for n in names] for layer in LAYER_ORDER}


def tenant_rows(groups: Sequence[ConversationGroup], directory: Mapping[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """Spend and cost per conversation per tenant, with the tenant's name and tier; biggest spender first."""
    rows = []
    for g in groups:
        name, tier = directory.get(g.keys["tenant_id"], ("", "unattributed"))
        spend = g.conversation_cost + g.other_cost
        rows.append({"tenant_id": g.keys["tenant_id"], "name": name, "tier": tier, "conversations": g.conversations,
                     "spend": spend, "per_conversation": per_unit(g.conversation_cost, g.conversations),
                     "other_cost": g.other_cost})
    return sorted(rows, key=lambda r: (-r["spend"], r["tenant_id"]))
