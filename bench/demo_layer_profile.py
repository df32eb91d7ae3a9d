"""Approximate per-layer daily cost of the demo workload, straight from the generated spans.

A check of the demo's story, independent of ross-cost's own pipeline: it prices the spans with the list
prices below (no negotiated discounts) and the price book's tool and memory rates, splits them into the
four layers with DESIGN.md's rules and prints one line per day. Then the $/day level of each layer and of
each agent's layers at the window's start and end (the drift detector ignores a series under $1/day), and
a check of each planted episode: its layer must rise more than +30 % on every day of the episode over its
mean of the 30 days before the episode (the baseline the detector freezes during a run) and more than +20 %
over each day's own trailing mean, while the other three stay under +10 %. Means are of the same day type
(weekday or weekend), so the weekly seasonality does not count as drift.

    .venv/bin/python bench/demo_layer_profile.py [--days 240] [--seed 7] [--summary]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import mean
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest  # noqa: E402

from ross_cost import demo  # noqa: E402
from ross_cost.demo import DEMO_END, drift_episodes, generate  # noqa: E402

LAYERS = ("prompt", "tool", "memory", "response")
# $ per million tokens: (input, cache read, cache write, output); list prices as of the demo window.
LLM_PRICES = {
    "claude-sonnet-4-5": (3.0, 0.3, 3.75, 15.0),
    "claude-opus-4-6": (5.0, 0.5, 6.25, 25.0),
    "claude-haiku-4-5": (1.0, 0.1, 1.25, 5.0),
    "gpt-4.1-mini": (0.4, 0.1, 0.4, 1.6),
    "gpt-5": (1.25, 0.125, 1.25, 10.0),
    "gemini-2.5-flash": (0.3, 0.03, 0.3, 2.5),
    "gemini-2.5-pro": (1.25, 0.125, 1.25, 10.0),
    "llama-3.3-70b-instruct": (0.4, 0.4, 0.4, 0.8),
}
EMBEDDING_PER_MTOK = 0.02
FLEX_FACTOR = 0.5
TOOL_FINISH = {"tool_calls", "tool_use", "function_call"}
INFERENCE = {"chat", "text_completion", "generate_content"}
MEMORY_OPS = {"search_memory", "create_memory", "update_memory", "upsert_memory", "delete_memory"}


def _price_book() -> tuple[dict[str, float], dict[str, float]]:
    """Per-call tool prices and per-operation memory prices from data/price_book.yaml."""
    import yaml

    book = yaml.safe_load((ROOT / "data" / "price_book.yaml").read_text())
    tools = {row["name"]: float(row["per_call"]) for row in book["tools"]}
    memory = {row["layer"]: float(row["per_operation"]) for row in book["memory"]}
    return tools, memory


def _model_key(name: str) -> str | None:
    for key in LLM_PRICES:
        if name == key or name.startswith(key + "-2"):
            return key
    return None


def _attributes(span: object) -> dict[str, object]:
    found: dict[str, object] = {}
    for kv in span.attributes:  # type: ignore[attr-defined]
        value = kv.value
        kind = value.WhichOneof("value")
        if kind == "array_value":
            found[kv.key] = tuple(v.string_value for v in value.array_value.values)
        else:
            found[kv.key] = getattr(value, kind) if kind else None
    return found


Costs = dict[date, dict[str, float]]


def profile(days: int, seed: int) -> tuple[Costs, dict[date, int], dict[str, int], dict[str, Costs]]:
    """(cost per day per layer, traces per day, counters, cost per agent per day per layer) for the window."""
    tools, memory = _price_book()
    cost: Costs = defaultdict(lambda: dict.fromkeys(LAYERS, 0.0))
    by_agent: dict[str, Costs] = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(LAYERS, 0.0)))
    traces: dict[date, int] = defaultdict(int)
    counters: dict[str, int] = defaultdict(int)
    for body in generate(days=days, seed=seed):
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            resource = {kv.key: kv.value.string_value for kv in resource_spans.resource.attributes}
            agent = resource["service.name"].removeprefix("ross-")
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    day = datetime.fromtimestamp(span.start_time_unix_nano / 1e9, tz=UTC).date()
                    counters["spans"] += 1
                    if not span.parent_span_id:
                        traces[day] += 1
                    row = dict.fromkeys(LAYERS, 0.0)
                    _price_span(_attributes(span), row, counters, tools, memory)
                    for layer, value in row.items():
                        cost[day][layer] += value
                        by_agent[agent][day][layer] += value
    return dict(cost), dict(traces), dict(counters), {agent: dict(c) for agent, c in by_agent.items()}


def _tokens(attrs: dict[str, object], *keys: str) -> int:
    """The first of `keys` present (current spelling first, then the legacy alias), else 0."""
    for key in keys:
        value = attrs.get(key)
        if isinstance(value, int):
            return value
    return 0


def _price_span(
    attrs: dict[str, object],
    into: dict[str, float],
    counters: dict[str, int],
    tools: dict[str, float],
    memory: dict[str, float],
) -> None:
    legacy = {"chat": "chat", "embedding": "embeddings"}.get(str(attrs.get("llm.request.type")), "")
    operation = str(attrs.get("gen_ai.operation.name") or legacy)
    if operation in INFERENCE:
        model = _model_key(str(attrs.get("gen_ai.response.model") or attrs.get("gen_ai.request.model")))
        if model is None:
            counters["unpriced_spans"] += 1
            return
        factor = FLEX_FACTOR if attrs.get("openai.response.service_tier") == "flex" else 1.0
        rate_in, rate_read, rate_write, rate_out = (p * factor / 1e6 for p in LLM_PRICES[model])
        total_in = _tokens(attrs, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
        out = _tokens(attrs, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
        read = _tokens(attrs, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")
        write = _tokens(attrs, "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens")
        finish = attrs.get("gen_ai.response.finish_reasons", attrs.get("llm.response.finish_reason"))
        reasons = finish if isinstance(finish, tuple) else (finish,)
        into["prompt"] += (total_in - read - write) * rate_in
        into["memory"] += read * rate_read + write * rate_write
        into["tool" if set(reasons) & TOOL_FINISH else "response"] += out * rate_out
    elif operation == "embeddings":
        tokens = _tokens(attrs, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
        into["memory"] += tokens * EMBEDDING_PER_MTOK / 1e6
    elif operation == "retrieval" or operation in MEMORY_OPS:
        into["memory"] += memory[str(attrs["ross.memory_layer"])]
    elif operation == "execute_tool":
        into["tool"] += tools[str(attrs["gen_ai.tool.name"])]


def _same_type_mean(cost: Costs, layer: str, day: date, until: date) -> float:
    """Mean of `layer` over the 30 days before `until` that share `day`'s type (weekday or weekend)."""
    weekend = day.weekday() >= 5
    window = [until - timedelta(days=k) for k in range(1, 31)]
    return mean(cost[d][layer] for d in window if d in cost and (d.weekday() >= 5) == weekend)


def check_episodes(cost: Costs, calm: Costs, days: int) -> bool:
    """Print each episode's per-layer change: against the same days without any episode (the pure effect),
    against the trailing 30-day mean frozen at the episode's start, and against each day's rolling one."""
    ok = True
    for episode in drift_episodes(days):
        span = [episode.start + timedelta(days=k) for k in range((episode.end - episode.start).days)]
        print(f"\n{episode.layer:>8}  {episode.name}  [{episode.start}, {episode.end})")
        for layer in LAYERS:
            effect = sum(cost[d][layer] for d in span) / sum(calm[d][layer] for d in span) - 1
            frozen = [cost[d][layer] / _same_type_mean(cost, layer, d, episode.start) - 1 for d in span]
            rolling = [cost[d][layer] / _same_type_mean(cost, layer, d, d) - 1 for d in span]
            line = (
                f"  {layer:>8}: effect {effect:+7.1%}; vs pre-episode mean {mean(frozen):+7.1%} "
                f"(daily {min(frozen):+7.1%} .. {max(frozen):+7.1%});  vs rolling 30-day mean {mean(rolling):+7.1%} "
                f"(daily {min(rolling):+7.1%} .. {max(rolling):+7.1%})"
            )
            if layer == episode.layer:
                good = min(frozen) > 0.30 and min(rolling) > 0.20
            else:
                good = mean(frozen) < 0.10 and effect < 0.05
            ok &= good
            print(line + ("" if good else "   <-- FAIL"))
        after = [episode.end + timedelta(days=k) for k in range(7) if episode.end + timedelta(days=k) in cost]
        if after:
            back = [cost[d][episode.layer] / _same_type_mean(cost, episode.layer, d, episode.start) - 1 for d in after]
            effect = sum(cost[d][episode.layer] for d in after) / sum(calm[d][episode.layer] for d in after) - 1
            print(
                f"  7 days after: {episode.layer} effect {effect:+.1%}; vs pre-episode mean {mean(back):+.1%} "
                f"(daily {min(back):+.1%} .. {max(back):+.1%})"
            )
            ok &= mean(back) < 0.20 and effect < 0.05
    return ok


def calm_noise(cost: Costs, days: int) -> None:
    """Day-to-day noise of each layer on calm days (no episode in the day's trailing 30 days)."""
    episodes = drift_episodes(days)
    calm = [
        d
        for d in sorted(cost)[30:]
        if not any(e.start - timedelta(days=1) <= d < e.end + timedelta(days=31) for e in episodes)
    ]
    print(f"\ncalm days: {len(calm)}; daily change vs rolling same-type 30-day mean:")
    for layer in LAYERS:
        changes = sorted(cost[d][layer] / _same_type_mean(cost, layer, d, d) - 1 for d in calm)
        p95 = changes[int(0.95 * (len(changes) - 1))]
        print(f"  {layer:>8}: mean {mean(changes):+.1%}  p95 {p95:+.1%}  max {changes[-1]:+.1%}  min {changes[0]:+.1%}")


def _level(cost: Costs, days: list[date], layer: str, weekend: bool | None = None) -> float:
    """Mean $/day of `layer` ("total" for all four) over `days`: weekdays only, weekend days only, or all."""
    chosen = [d for d in days if weekend is None or (d.weekday() >= 5) == weekend]
    layers = LAYERS if layer == "total" else (layer,)
    return mean(sum(cost.get(d, {}).get(name, 0.0) for name in layers) for d in chosen) if chosen else 0.0


def levels(cost: Costs, by_agent: dict[str, Costs]) -> None:
    """$/day of each layer over the window's first and last 28 days (weekdays, weekend days, all days), then of
    each agent's layers over all those days: the level the detector's spend floor compares with."""
    ordered = sorted(cost)
    periods = {"first 28 days": ordered[:28], "last 28 days": ordered[-28:]}
    print("\n$/day per layer " + "".join(f"   {name}: weekday weekend     all" for name in periods))
    for layer in (*LAYERS, "total"):
        cells = (f"{_level(cost, d, layer, False):8.2f}{_level(cost, d, layer, True):8.2f}" for d in periods.values())
        alls = (f"{_level(cost, d, layer):8.2f}" for d in periods.values())
        print(f"  {layer:>13} " + "".join(f"{' ' * 16}{c}{a}" for c, a in zip(cells, alls, strict=True)))
    print("\n$/day per agent " + "".join(f"   {name}: " + " ".join(f"{x:>8}" for x in LAYERS) for name in periods))
    for agent, daily in sorted(by_agent.items(), key=lambda item: -sum(sum(r.values()) for r in item[1].values())):
        cells = (" ".join(f"{_level(daily, d, layer):8.2f}" for layer in LAYERS) for d in periods.values())
        print(f"  {agent:>13} " + "".join(f"{' ' * 16}{c}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=240)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--summary", action="store_true", help="skip the per-day lines")
    args = parser.parse_args()
    started = time.perf_counter()
    cost, traces, counters, by_agent = profile(args.days, args.seed)
    with mock.patch.object(demo, "drift_episodes", lambda days, end: []):
        calm, _, _, _ = profile(args.days, args.seed)  # the same traffic with no episode planted
    if not args.summary:
        print("date        dow  traces   prompt     tool   memory response    total")
        for day in sorted(cost):
            row = cost[day]
            print(
                f"{day} {day.strftime('%a')} {traces.get(day, 0):6d} "
                + " ".join(f"{row[layer]:8.2f}" for layer in LAYERS)
                + f" {sum(row.values()):8.2f}"
            )
    totals = {layer: sum(row[layer] for row in cost.values()) for layer in LAYERS}
    grand = sum(totals.values())
    print(
        f"\n{sum(traces.values())} traces, {counters['spans']} spans "
        f"({counters['spans'] / sum(traces.values()):.1f} per trace), {counters.get('unpriced_spans', 0)} unpriced "
        f"spans, end {DEMO_END}, {time.perf_counter() - started:.1f} s"
    )
    print("total $" + f"{grand:,.2f}: " + ", ".join(f"{k} {v / grand:.1%}" for k, v in totals.items()))
    levels(cost, by_agent)
    calm_noise(cost, args.days)
    ok = check_episodes(cost, calm, args.days)
    print("\nall episodes sized as intended" if ok else "\nSOME EPISODES ARE OFF")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
