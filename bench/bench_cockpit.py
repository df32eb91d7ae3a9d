"""Bench the cockpit in Chromium against `ross-cost serve` over 10,000,000 usage lines (embedded DuckDB).

Measures, as a user sees them:
- first paint of every page: from navigation start to the first figure (a metric value) on screen, on a cold
  cache (first visit after start) and a warm one; plus the time until the page is complete (charts drawn);
- the Explorer's redraw after a slicer change: from pressing Enter in the Agent slicer to the new total shown,
  the script idle and the chart drawn, over >= 20 distinct slices (each a cache miss). Target p95 < 1 s.

Lines are loaded through Store.write_batch (the Arrow fast path) with bench_query's generator, plus a
conversation id per five traces, and a tenants file so the tier slicer works.

    PYTHONPATH=. .venv/bin/python bench/bench_cockpit.py [--rows 10000000] [--keep PATH] [--changes 24]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

import bench_query  # noqa: E402 - the sibling bench's generator

from ross_cost.storage import Store, WriteBatch  # noqa: E402
from tests.live_server import live_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions", "--no-first-run",
        "--disable-background-networking", "--disable-sync", "--mute-audio"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGES = {"/": "Overview", "/explorer": "Explorer", "/unit_economics": "Unit economics", "/drift": "Drift",
         "/focus": "FOCUS 1.3", "/data_health": "Data health"}
TRACES_PER_CONVERSATION = 5
#: True once the first metric on the page shows something other than `old`.
CHANGED = "([selector, old]) => { const el = document.querySelector(selector); return el && el.innerText !== old; }"


def load(path: Path, rows: int, chunk: int) -> None:
    store = Store.open(f"duckdb:///{path}")
    try:
        if store.line_count() >= rows:
            print(f"store {path} already holds {store.line_count():,} lines")
            return
        rng = random.Random(42)
        price_of = bench_query.prices(rng)
        started = time.perf_counter()
        for start in range(0, rows, chunk):
            lines = bench_query.chunk_lines(rng, start, min(chunk, rows - start), rows, price_of)
            for offset, line in enumerate(lines):
                line.dims["conversation_id"] = f"conv-{(start + offset) // (8 * TRACES_PER_CONVERSATION):x}"
            store.write_batch(WriteBatch(lines=lines, source="bench", accepted=len(lines)))
            print(f"  {start + len(lines):>11,} lines loaded ({time.perf_counter() - started:.0f} s)")
    finally:
        store.close()


def write_tenants(path: Path) -> Path:
    tiers = random.Random(7)
    target = path.with_suffix(".tenants.csv")
    with target.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["tenant_id", "name", "tier"])
        for tenant in bench_query.TENANTS:
            if tenant != "unattributed":
                writer.writerow([tenant, tenant.title(), tiers.choice(bench_query.TIERS)])
    return target


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _visit(page: Any, title: str, go: Any) -> tuple[float, float]:
    """(first paint, complete) in seconds: the first figure on screen, then idle with its charts drawn."""
    started = time.perf_counter()
    go()
    page.wait_for_selector(f'h1:has-text("{title}")', timeout=120_000)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=120_000)
    painted = time.perf_counter() - started
    page.wait_for_selector(IDLE, timeout=120_000)
    if page.locator('[data-testid="stPlotlyChart"]').count():
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=120_000)
    return painted, time.perf_counter() - started


def first_paints(browser: Any, base: str) -> dict[str, dict[str, tuple[float, float]]]:
    """Per page, three ways in: a link opened in a fresh browser profile (nothing cached: Streamlit's and
    Plotly's JavaScript are fetched and compiled), the same link in a browser that has the app's files
    cached, and a click in the cockpit's navigation. The first way in also meets a cold query cache."""
    found: dict[str, dict[str, tuple[float, float]]] = {title: {} for title in PAGES.values()}
    for path, title in PAGES.items():
        context = browser.new_context(viewport={"width": 1440, "height": 1600})
        page = context.new_page()
        found[title]["fresh browser"] = _visit(page, title, partial(page.goto, base + path, wait_until="commit"))
        context.close()
    context = browser.new_context(viewport={"width": 1440, "height": 1600})
    page = context.new_page()
    page.goto(base + "/data_health")
    page.wait_for_selector(IDLE, timeout=120_000)
    for path, title in PAGES.items():
        found[title]["cached browser"] = _visit(page, title, partial(page.goto, base + path, wait_until="commit"))
    for title in [*list(PAGES.values())[1:], next(iter(PAGES.values()))]:
        link = page.get_by_test_id("stTopNavLink").filter(has_text=title)
        found[title]["in-app navigation"] = _visit(page, title, link.click)
    context.close()
    return found


def explorer_redraws(browser: Any, base: str, changes: int) -> list[float]:
    """Seconds from Enter in the Agent slicer to the new total, idle script and drawn chart, per change."""
    context = browser.new_context(viewport={"width": 1440, "height": 1600})
    page = context.new_page()
    page.goto(base + "/explorer")
    page.wait_for_selector('h1:has-text("Explorer")', timeout=120_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    total = page.locator('[data-testid="stMetric"] [data-testid="stMetricValue"]').first
    box = page.locator(".st-key-agent_slug input")
    timings = []
    for n in range(changes):
        before = total.inner_text()
        box.click()
        box.fill(bench_query.AGENTS[n % len(bench_query.AGENTS)])
        started = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(CHANGED, arg=['[data-testid="stMetric"] [data-testid="stMetricValue"]', before],
                               timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
        timings.append(time.perf_counter() - started)
        page.keyboard.press("Escape")
    context.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=500_000)
    parser.add_argument("--changes", type=int, default=24)
    parser.add_argument("--keep", type=Path, help="DuckDB file to create once and reuse (else a temp file)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="ross-bench-cockpit-") as tmp:
        path = args.keep or Path(tmp) / "cockpit.duckdb"
        load(path, args.rows, args.chunk)
        tenants = write_tenants(path)
        with live_server(path, env={"ROSS_TENANTS": str(tenants)}, timeout=300) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            paints = first_paints(browser, server.url)
            redraws = explorer_redraws(browser, server.url, args.changes)
            browser.close()
    print(f"\ncockpit over {args.rows:,} usage lines (DuckDB, one process, headless Chromium)")
    ways = ("fresh browser", "cached browser", "in-app navigation")
    print(f"{'first paint / complete (s)':<28}" + "".join(f"{way:>22}" for way in ways))
    for title, timings in paints.items():
        print(f"{title:<28}" + "".join(f"{timings[w][0]:>13.2f} / {timings[w][1]:>5.2f}" for w in ways))
    for way in ways:
        worst = max(timings[way][0] for timings in paints.values())
        print(f"worst first paint, {way}: {worst:.2f} s (target < 2 s): {'OK' if worst < 2 else 'MISSED'}")
    print(f"Explorer redraw after a slicer change, {len(redraws)} changes: median {statistics.median(redraws):.2f} s, "
          f"p95 {p95(redraws):.2f} s, max {max(redraws):.2f} s (target p95 < 1 s): "
          f"{'OK' if p95(redraws) < 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
