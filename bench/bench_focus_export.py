"""Bench the FOCUS 1.3 export end to end: NDJSON of >= 1,000,000 rows through `GET /api/finops/focus/v1.3`.

Loads synthetic usage lines through Store.write_batch (the Arrow bulk path, as bench_query.py does), shaped so
that the FOCUS aggregation (one row per day x tenant x agent x model x token bucket / tool / memory layer)
yields about a million rows. Then starts `ross-cost serve` on that DuckDB file, streams the export over
loopback and reports rows/s and the server's RSS growth, sampled every 20 ms by a background thread from
/proc/<pid>/status. Targets: >= 100,000 rows/s and < 200 MB growth during the export.

    PYTHONPATH=. .venv/bin/python bench/bench_focus_export.py [--days 25] [--tenants 200] [--keep PATH]
        [--format ndjson|csv|json] [--gzip] [--in-process]

The client is curl when installed (its C client leaves the CPU to the server; the machine may have only two
cores), else httpx. `--gzip` asks for a compressed body. `--in-process` runs the same export function in this
process instead (no HTTP), sampling its own RSS. The exporting process's CPU seconds are printed too: wall-clock
figures move with whatever else the machine is doing, rows per CPU second much less.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ross_cost.model import Layer, LineKind, Price, UsageLine
from ross_cost.storage import Store, WriteBatch

FIRST_DAY = date(2026, 3, 1)
TIERS = ("enterprise", "growth", "starter")
CHANNELS = ("web", "slack", "api", "email")
MODELS = (
    ("claude-sonnet-4-5", "anthropic", "3", "15"),
    ("gpt-4.1", "openai", "2", "8"),
    ("gemini-2.5-flash", "google", "0.3", "2.5"),
    ("mistral-large", "mistral", "2", "6"),
)
#: Per model: (line kind, layer, per-million price index into MODELS: 2 = input price, 3 = output price, scale).
TOKEN_KINDS = (
    (LineKind.INPUT_UNCACHED, Layer.PROMPT, 2, Decimal(1)),
    (LineKind.CACHE_READ, Layer.MEMORY, 2, Decimal("0.1")),
    (LineKind.OUTPUT_VISIBLE, Layer.RESPONSE, 3, Decimal(1)),
    (LineKind.REASONING, Layer.RESPONSE, 3, Decimal(1)),
)
TOOLS = ("web_search", "crm_lookup")
MEMORY = ("qdrant", "mem0")
#: A model no price list knows: its lines are stored unpriced and left out of the export (and counted).
UNPRICED_MODEL = ("acme-finetune-7b", "self-hosted")
SOURCE = "bench"


def per_token(per_million: str, scale: Decimal = Decimal(1)) -> Decimal:
    return (Decimal(per_million) * scale / 1_000_000).quantize(Decimal(1).scaleb(-12))


def what_catalogue() -> list[tuple[LineKind, Layer, str, str, str | None, str | None, Price | None]]:
    """(kind, layer, model, provider, tool, memory layer, price): 16 token buckets, 2 tools, 2 memory layers,
    and one unpriced model: 21 charges per tenant x agent x day, 20 of them priced."""
    out: list[tuple[LineKind, Layer, str, str, str | None, str | None, Price | None]] = []
    for model, provider, *prices in MODELS:
        for kind, layer, index, scale in TOKEN_KINDS:
            unit = per_token(prices[index - 2], scale)
            discounted = (unit * Decimal("0.85")).quantize(Decimal(1).scaleb(-12))
            price = Price(
                unit,
                discounted if provider == "anthropic" else unit,
                "genai-prices 0.2.5",
                f"{provider}/{model} {kind.value}",
                "anthropic-ent" if provider == "anthropic" else None,
            )
            out.append((kind, layer, model, provider, None, None, price))
    for tool in TOOLS:
        price = Price(Decimal("0.01"), Decimal("0.01"), "price-book bench", f"tool {tool}")
        out.append((LineKind.TOOL_CALL, Layer.TOOL, "n/a", "n/a", tool, None, price))
    for memory in MEMORY:
        price = Price(Decimal("0.000002"), Decimal("0.000002"), "price-book bench", f"memory {memory}")
        out.append((LineKind.MEMORY_OPERATION, Layer.MEMORY, "n/a", "n/a", None, memory, price))
    out.append((LineKind.INPUT_UNCACHED, Layer.PROMPT, *UNPRICED_MODEL, None, None, None))
    return out


def day_lines(day_index: int, tenants: int, agents: int, rng: random.Random) -> list[UsageLine]:
    """One line per tenant x agent x charge on one day; a tenth of them get a second line (summed)."""
    day = FIRST_DAY + timedelta(days=day_index)
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    catalogue = what_catalogue()
    lines: list[UsageLine] = []
    n = day_index * tenants * agents * len(catalogue) * 2
    for t in range(tenants):
        tenant, channel = f"tenant-{t:04d}", CHANNELS[t % len(CHANNELS)]
        for a in range(agents):
            dims = {
                "tenant_id": tenant,
                "agent_slug": f"agent-{a:02d}",
                "module_id": f"module-{a:02d}",
                "channel": channel,
            }
            for kind, layer, model, provider, tool, memory, price in catalogue:
                for _ in range(2 if rng.random() < 0.1 else 1):
                    n += 1
                    tokens = kind not in (LineKind.TOOL_CALL, LineKind.MEMORY_OPERATION)
                    lines.append(UsageLine(
                        trace_id=f"{n // 8:032x}", span_id=f"{n:016x}", kind=kind, layer=layer,
                        ts=noon + timedelta(seconds=n % 3600), quantity=rng.randint(1, 90_000) if tokens else
                        rng.randint(1, 40), model=model, provider=provider, operation="chat", tool_name=tool,
                        memory_layer=memory, price=price, unpriced_reason=None if price else "no price for model",
                        dims=dims,
                    ))  # fmt: skip
    return lines


def load(store: Store, days: int, tenants: int, agents: int) -> int:
    rng = random.Random(42)
    total = 0
    started = time.perf_counter()
    for day_index in range(days):
        lines = day_lines(day_index, tenants, agents, rng)
        store.write_batch(WriteBatch(lines=lines, source=SOURCE, accepted=len(lines)))
        total += len(lines)
        print(f"\r  loaded {total:>11,} usage lines ({day_index + 1}/{days} days)", end="", file=sys.stderr)
    print(f"\n  load: {total:,} lines in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return total


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


@contextmanager
def rss_sampler(pid: int, every: float = 0.02) -> Iterator[Callable[[], tuple[int, int]]]:
    """Samples a process's RSS in a background thread; yields a function giving (baseline, peak)."""
    baseline = rss_bytes(pid)
    peak = baseline
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                peak = max(peak, rss_bytes(pid))
            except (OSError, RuntimeError):
                return
            stop.wait(every)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield lambda: (baseline, peak)
    finally:
        stop.set()
        thread.join()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(label: str, rows: int, size: int, seconds: float, baseline: int, peak: int, cpu: float) -> None:
    mb = 1024 * 1024
    print(
        f"{label}: {rows:,} rows, {size / mb:,.0f} MB in {seconds:.2f} s = {rows / seconds:,.0f} rows/s "
        f"({size / mb / seconds:,.0f} MB/s); exporting process: {cpu:.1f} CPU s "
        f"({rows / cpu:,.0f} rows per CPU second), RSS {baseline / mb:,.0f} MB -> peak {peak / mb:,.0f} MB, "
        f"growth {(peak - baseline) / mb:,.0f} MB"
    )


def download(url: str, gzip: bool) -> Iterator[bytes]:
    """The body, decompressed: through curl when installed (its C client leaves the CPU to the server),
    else httpx."""
    curl = shutil.which("curl")
    if curl:
        command = [curl, "-sS", "--fail", *(["--compressed"] if gzip else []), url]
        with subprocess.Popen(command, stdout=subprocess.PIPE, bufsize=0) as process:
            assert process.stdout is not None
            while block := process.stdout.read(1 << 20):
                yield block
        if process.returncode:
            raise RuntimeError(f"curl exited with {process.returncode}")
        return
    import httpx

    headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
    with httpx.stream("GET", url, headers=headers, timeout=600) as response:
        response.raise_for_status()
        yield from response.iter_bytes(1 << 20)


def over_http(path: Path, start: date, end: date, fmt: str, gzip: bool) -> None:
    from urllib.parse import urlencode

    from tests.live_server import live_server

    with live_server(path, timeout=120) as server:
        url = f"{server.url}/api/finops/focus/v1.3"
        warm = {"start": start.isoformat(), "end": (start + timedelta(days=1)).isoformat(), "format": fmt}
        for _ in download(f"{url}?{urlencode(warm)}", gzip):
            pass  # loads the export's modules once, so the growth below is the export's own
        pid = server.process.pid
        full = f"{url}?{urlencode({'start': start.isoformat(), 'end': end.isoformat(), 'format': fmt})}"
        with rss_sampler(pid) as sampled:
            cpu, started = cpu_seconds(pid), time.perf_counter()
            size = lines = 0
            for block in download(full, gzip):
                size += len(block)
                lines += block.count(b"\n")
            seconds, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
            baseline, peak = sampled()
        rows = lines - 1 if fmt == "csv" else lines - 2 if fmt == "json" else lines
        encoding = "gzip" if gzip else "identity"
        report(f"HTTP {fmt} ({encoding}) export, server pid {pid}", rows, size, seconds, baseline, peak, cpu)


def in_process(path: Path, start: date, end: date, fmt: str) -> None:
    from ross_cost import services
    from ross_cost.focus.services import focus_query, open_export

    svc = services.current(f"duckdb:///{path}")
    b"".join(open_export(svc, focus_query(start, start + timedelta(days=1)), fmt).chunks())  # warm-up
    with rss_sampler(os.getpid()) as sampled:
        cpu, started = cpu_seconds(os.getpid()), time.perf_counter()
        export = open_export(svc, focus_query(start, end), fmt)
        size = sum(len(chunk) for chunk in export.chunks())
        seconds, cpu = time.perf_counter() - started, cpu_seconds(os.getpid()) - cpu
        baseline, peak = sampled()
    report(f"in-process {fmt} export", export.tally.rows, size, seconds, baseline, peak, cpu)
    print(f"  unpriced usage lines left out: {export.tally.unpriced_lines:,}")
    services.reset()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=25)
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--format", default="ndjson", choices=("ndjson", "csv", "json"))
    parser.add_argument("--keep", type=Path, help="write the DuckDB file here and keep it (else a temp file)")
    parser.add_argument("--in-process", action="store_true", help="call the export function, no HTTP server")
    parser.add_argument("--gzip", action="store_true", help="ask for Content-Encoding: gzip (default identity)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ross-focus-bench-") as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        store = Store.open(f"duckdb:///{path}")
        try:
            if store.line_count() == 0:
                print(
                    f"loading {args.days} days x {args.tenants} tenants x {args.agents} agents into {path}",
                    file=sys.stderr,
                )
                load(store, args.days, args.tenants, args.agents)
        finally:
            store.close()
        start, end = FIRST_DAY, FIRST_DAY + timedelta(days=args.days)
        if args.in_process:
            in_process(path, start, end, args.format)
        else:
            over_http(path, start, end, args.format, args.gzip)


if __name__ == "__main__":
    main()
