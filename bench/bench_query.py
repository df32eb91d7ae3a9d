"""Bench the storage edge on DuckDB: load N synthetic usage lines through Store.write_batch (the Arrow fast
path, in chunks), then time the cockpit's heaviest everyday question: one quarter grouped by layer x agent,
filtered by channel and tenant tier. The target is < 300 ms over 10,000,000 lines.

    PYTHONPATH=. .venv/bin/python bench/bench_query.py [--rows 10000000] [--chunk 500000] [--keep PATH]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ross_cost.model import Layer, LineKind, Price, UsageLine
from ross_cost.query import CostQuery
from ross_cost.storage import Store, WriteBatch

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
KINDS: list[tuple[LineKind, Layer, int]] = [  # kind, layer, typical quantity
    (LineKind.INPUT_UNCACHED, Layer.PROMPT, 2_000),
    (LineKind.CACHE_READ, Layer.MEMORY, 6_000),
    (LineKind.CACHE_WRITE, Layer.MEMORY, 1_000),
    (LineKind.OUTPUT_VISIBLE, Layer.RESPONSE, 600),
    (LineKind.REASONING, Layer.RESPONSE, 400),
    (LineKind.OUTPUT_VISIBLE, Layer.TOOL, 150),
    (LineKind.TOOL_CALL, Layer.TOOL, 1),
    (LineKind.MEMORY_OPERATION, Layer.MEMORY, 1),
]
MODELS = [(f"model-{i}", ("anthropic", "openai", "google", "mistral")[i % 4]) for i in range(12)]
TENANTS = [f"tenant-{i:03d}" for i in range(300)] + ["unattributed"] * 15
TIERS = ("enterprise", "growth", "starter")
AGENTS = [f"agent-{i:02d}" for i in range(40)]
MODULES = [f"module-{i:02d}" for i in range(20)]
CHANNELS = ["web", "web", "slack", "api", "api", "email", "unknown"]
TOOLS = ["web_search", "code_exec", "crm_lookup", "calendar"]
MEMORY = ["prompt_cache", "embeddings", "retrieval", "mem0", "qdrant"]


def prices(rng: random.Random) -> dict[tuple[str, LineKind], Price]:
    """One price per (model, kind); a tenth of the pairs stay unpriced."""
    table: dict[tuple[str, LineKind], Price] = {}
    for model, provider in MODELS:
        for kind, _, _ in KINDS:
            if rng.random() < 0.1:
                continue
            unit = Decimal(rng.randint(50, 15_000)) * Decimal("1e-9")
            table[(model, kind)] = Price(unit, unit * Decimal("0.85"), "bench", f"{provider}/{model} {kind.value}")
    return table


def chunk_lines(
    rng: random.Random, start: int, count: int, total: int, price_of: dict[tuple[str, LineKind], Price]
) -> list[UsageLine]:
    """`count` lines whose timestamps walk through the year in order (as ingest appends them)."""
    step = timedelta(days=365) / total
    kinds = rng.choices(KINDS, k=count)
    models = rng.choices(MODELS, k=count)
    tenants = rng.choices(TENANTS, k=count)
    agents = rng.choices(AGENTS, k=count)
    modules = rng.choices(MODULES, k=count)
    channels = rng.choices(CHANNELS, k=count)
    scale = [rng.randint(1, 200) for _ in range(count)]
    lines: list[UsageLine] = []
    for i in range(count):
        n = start + i
        kind, layer, typical = kinds[i]
        model, provider = models[i]
        price = price_of.get((model, kind))
        lines.append(
            UsageLine(
                trace_id=f"{n // 8:032x}",
                span_id=f"{n:016x}",
                kind=kind,
                layer=layer,
                ts=YEAR_START + step * n,
                quantity=typical * scale[i] // 100 + 1,
                model=model,
                provider=provider,
                operation="chat",
                tool_name=TOOLS[n % 4] if kind is LineKind.TOOL_CALL else None,
                memory_layer=MEMORY[n % 5] if layer is Layer.MEMORY else None,
                price=price,
                unpriced_reason=None if price else "no price for model",
                dims={
                    "tenant_id": tenants[i],
                    "agent_slug": agents[i],
                    "module_id": modules[i],
                    "channel": channels[i],
                },
            )
        )
    return lines


def load(store: Store, rows: int, chunk: int) -> tuple[float, float]:
    """Returns (seconds generating Python objects, seconds inside write_batch)."""
    rng = random.Random(42)
    price_of = prices(rng)
    generating = writing = 0.0
    for start in range(0, rows, chunk):
        t0 = time.perf_counter()
        lines = chunk_lines(rng, start, min(chunk, rows - start), rows, price_of)
        t1 = time.perf_counter()
        store.write_batch(WriteBatch(lines=lines, source="bench", accepted=len(lines)))
        t2 = time.perf_counter()
        generating, writing = generating + t1 - t0, writing + t2 - t1
        print(
            f"  {start + len(lines):>11,} lines  write_batch {t2 - t1:5.2f} s  ({len(lines) / (t2 - t1):,.0f} lines/s)"
        )
    rng_tiers = random.Random(7)
    store.replace_tenants([(t, t.title(), rng_tiers.choice(TIERS)) for t in TENANTS if t != "unattributed"])
    return generating, writing


def time_query(store: Store, query: CostQuery, repeats: int = 5) -> tuple[float, int]:
    store.cost(query)  # warm-up
    timings = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        rows = store.cost(query)
        timings.append(time.perf_counter() - t0)
    return statistics.median(timings), len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=500_000)
    parser.add_argument("--keep", type=Path, help="write the DuckDB file here and keep it (else a temp file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ross-bench-") as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        store = Store.open(f"duckdb:///{path}")
        try:
            if store.line_count() == 0:
                print(f"loading {args.rows:,} usage lines in chunks of {args.chunk:,} into {path}")
                generating, writing = load(store, args.rows, args.chunk)
                print(
                    f"load: {args.rows / writing:,.0f} lines/s through write_batch ({writing:.1f} s), "
                    f"plus {generating:.1f} s building UsageLine objects"
                )
            query = CostQuery.build(
                date(2026, 4, 1),
                date(2026, 7, 1),
                ("layer", "agent_slug"),
                filters={"channel": ("web",), "tenant_tier": ("enterprise",)},
            )
            median, groups = time_query(store, query)
            print(
                f"query: one quarter, layer x agent_slug, channel=web, tier=enterprise over "
                f"{store.line_count():,} lines -> {groups} groups, median of 5 = {median * 1000:.0f} ms"
            )
        finally:
            store.close()


if __name__ == "__main__":
    main()
