"""A small, hand-shaped workload written straight into a store, for the drift service tests.

Two agents (sales-cdr in module M07, support in M01), two tenants, weekday-heavy spend on the prompt and
tool layers, nothing on memory or response. One planted episode: sales-cdr's tool calls double for
EPISODE_DAYS from EPISODE_START, mostly for tenant t-big on the email channel.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from ross_cost.model import Layer, LineKind, Price, UsageLine
from ross_cost.storage import Store, WriteBatch

D0 = date(2026, 3, 2)  # a Monday
DAYS = 90
EPISODE_START = 50  # a Thursday
EPISODE_DAYS = 14
CALL = Price(Decimal("0.05"), Decimal("0.05"), "test", "tool call")
TOKEN = Price(Decimal("0.000003"), Decimal("0.000003"), "test", "input token")
_ids = itertools.count(1)


def day(i: int) -> date:
    return D0 + timedelta(i)


def _line(when: date, kind: LineKind, layer: Layer, quantity: int, price: Price, **dims: str) -> UsageLine:
    n = next(_ids)
    return UsageLine(
        trace_id=f"{n:032x}",
        span_id=f"{n:016x}",
        kind=kind,
        layer=layer,
        ts=datetime.combine(when, time(12), tzinfo=UTC),
        quantity=quantity,
        model="n/a" if kind is LineKind.TOOL_CALL else "claude-sonnet-4-5",
        provider="n/a" if kind is LineKind.TOOL_CALL else "anthropic",
        operation="execute_tool" if kind is LineKind.TOOL_CALL else "chat",
        tool_name="crm.query" if kind is LineKind.TOOL_CALL else None,
        price=price,
        dims=dims,
    )


def lines_for(i: int, episode: bool = True) -> list[UsageLine]:
    """One day's lines: about $4 of tool calls and $3 of prompt tokens a weekday, 40 % of that at weekends."""
    when = day(i)
    scale = 1.0 if when.weekday() < 5 else 0.4
    wobble = 1 + ((i * 7919) % 7 - 3) / 100  # +-3 %, deterministic
    planted = episode and EPISODE_START <= i < EPISODE_START + EPISODE_DAYS
    out = []
    for agent, module, share in (("sales-cdr", "M07", 0.5), ("support", "M01", 0.5)):
        for tenant, channel, part in (("t-big", "email", 0.7), ("t-small", "voice", 0.3)):
            dims = {"agent_slug": agent, "module_id": module, "tenant_id": tenant, "channel": channel}
            calls = round(80 * share * part * scale * wobble)
            if planted and agent == "sales-cdr":
                calls *= 3 if tenant == "t-big" else 1  # the rise: t-big on email
            tokens = round(1_000_000 * share * part * scale * wobble)
            out.append(_line(when, LineKind.TOOL_CALL, Layer.TOOL, calls, CALL, **dims))
            out.append(_line(when, LineKind.INPUT_UNCACHED, Layer.PROMPT, tokens, TOKEN, **dims))
    return out


def write_days(store: Store, days: range, episode: bool = True) -> None:
    lines = [line for i in days for line in lines_for(i, episode)]
    store.write_batch(WriteBatch(lines=lines, source="test", accepted=len(lines)))
