"""Ingest invariants, as properties: the stored result depends only on the set of spans received (never on
arrival order, batching or re-sends), and every figure reconciles (layers and each dimension sum to the total)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ross_cost.ingest import Ingestor
from ross_cost.model import DIMENSIONS
from ross_cost.query import CostQuery
from ross_cost.spans import DecodedBatch, SpanRecord
from ross_cost.storage import Store
from tests.factories import attributor

DAY0 = datetime(2026, 10, 1, 9, tzinfo=UTC)
ALL_KEYS = ("layer", "line_kind", "tenant_id", "agent_slug", "module_id", "model", "provider", "channel")
MODELS = [("anthropic", "claude-sonnet-4-5"), ("openai", "gpt-4.1-mini"), ("gcp.gemini", "gemini-2.5-flash"),
          ("openai", "acme-finetune-v2")]


def make_trace(rng: random.Random, index: int) -> list[SpanRecord]:
    """A root with tenant/channel (sometimes missing), an agent parent, and chat / tool / memory children."""
    trace = uuid.UUID(int=rng.getrandbits(128)).hex
    when = DAY0 + timedelta(days=rng.randrange(20), minutes=rng.randrange(600))
    ns = int(when.timestamp() * 1e9)
    resource = {"service.name": f"svc-{index % 3}", "ross.module_id": f"M0{rng.randrange(4)}"}
    ids = iter(f"{n:016x}" for n in rng.sample(range(1, 10**9), 40))
    root_id, agent_id = next(ids), next(ids)
    root_attrs: dict[str, Any] = {"ross.channel": rng.choice(["voice", "email", "whatsapp"])}
    if rng.random() > 0.2:
        root_attrs["ross.tenant_id"] = rng.choice(["t-acme", "t-globex", "t-initech"])
    spans = [SpanRecord(trace, root_id, "", "turn", ns, ns + 10**9, root_attrs, resource),
             SpanRecord(trace, agent_id, root_id, "invoke_agent", ns, ns + 10**9,
                        {"gen_ai.operation.name": "invoke_agent",
                         "gen_ai.agent.name": rng.choice(["Sara", "Maya", "Sales Cdr"])}, resource)]
    for _ in range(rng.randrange(1, 5)):
        kind = rng.random()
        if kind < 0.6:
            provider, model = rng.choice(MODELS)
            inp = rng.randrange(1, 50_000)
            attrs: dict[str, Any] = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": provider,
                                     "gen_ai.request.model": model, "gen_ai.usage.input_tokens": inp,
                                     "gen_ai.usage.output_tokens": rng.randrange(0, 2_000),
                                     "gen_ai.usage.cache_read.input_tokens": rng.randrange(0, inp)}
        elif kind < 0.8:
            tool = rng.choice(["web_search", "teleport"])
            attrs = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": tool}
        else:
            attrs = {"gen_ai.operation.name": "search_memory", "ross.memory_layer": rng.choice(["letta", "mem0"])}
        spans.append(SpanRecord(trace, next(ids), agent_id, "op", ns, ns + 10**9, attrs, resource))
    return spans


def fresh_store(folder: Path) -> Store:
    return Store.open(f"duckdb:///{folder / f'{uuid.uuid4().hex}.duckdb'}")


def snapshot(store: Store) -> list[tuple[Any, ...]]:
    query = CostQuery.build(date(2026, 9, 1), date(2026, 12, 1), list(ALL_KEYS))
    return sorted((tuple(sorted(r.keys.items())), r.list_cost, r.effective_cost, tuple(sorted(r.quantity.items())),
                   tuple(sorted(r.unpriced_quantity.items())), r.lines) for r in store.cost(query))


def ingest_in_batches(store: Store, batches: list[list[SpanRecord]]) -> None:
    ingestor = Ingestor(store, attributor())
    for batch in batches:
        ingestor.ingest(DecodedBatch(batch, []), "test")


@pytest.fixture
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("stores")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), cuts=st.integers(1, 6), resend=st.booleans())
def test_result_does_not_depend_on_arrival_order_batching_or_resends(folder: Path, seed: int, cuts: int,
                                                                       resend: bool) -> None:
    rng = random.Random(seed)
    spans = [s for i in range(6) for s in make_trace(rng, i)]
    in_order = fresh_store(folder)
    ingest_in_batches(in_order, [spans])
    shuffled = spans[:]
    rng.shuffle(shuffled)
    if resend:
        shuffled += rng.sample(spans, k=len(spans) // 2)
    bounds = sorted(rng.sample(range(1, len(shuffled)), k=min(cuts, len(shuffled) - 1)))
    batches = [shuffled[a:b] for a, b in zip([0, *bounds], [*bounds, len(shuffled)], strict=True)]
    scrambled = fresh_store(folder)
    ingest_in_batches(scrambled, batches)
    try:
        assert snapshot(scrambled) == snapshot(in_order)
        assert scrambled.line_count() == in_order.line_count()
    finally:
        in_order.close()
        scrambled.close()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_layers_and_every_dimension_sum_exactly_to_the_total(folder: Path, seed: int) -> None:
    rng = random.Random(seed)
    store = fresh_store(folder)
    try:
        ingest_in_batches(store, [[s for i in range(8) for s in make_trace(rng, i)]])
        start, end = date(2026, 9, 1), date(2026, 12, 1)
        total = store.cost(CostQuery.build(start, end))
        grand = total[0].effective_cost if total else Decimal(0)
        for key in ("layer", *DIMENSIONS, "tenant_tier"):
            rows = store.cost(CostQuery.build(start, end, [key]))
            assert sum((r.effective_cost for r in rows), Decimal(0)) == grand, key
            assert sum((r.list_cost for r in rows), Decimal(0)) == (total[0].list_cost if total else 0), key
    finally:
        store.close()


def test_a_resent_batch_changes_nothing_and_counts_duplicates(folder: Path) -> None:
    rng = random.Random(3)
    spans = [s for i in range(4) for s in make_trace(rng, i)]
    store = fresh_store(folder)
    ingestor = Ingestor(store, attributor())
    first = ingestor.ingest(DecodedBatch(spans, []), "test")
    before = snapshot(store)
    again = ingestor.ingest(DecodedBatch(spans, []), "test")
    assert again.accepted == 0 and again.duplicate == first.accepted
    assert snapshot(store) == before
    store.close()


def test_a_child_stored_before_its_parent_gets_the_parents_dimensions(folder: Path) -> None:
    rng = random.Random(5)
    root, agent, *children = make_trace(rng, 0)
    root.attributes["ross.tenant_id"] = "t-late"
    store = fresh_store(folder)
    ingestor = Ingestor(store, attributor())
    ingestor.ingest(DecodedBatch(children, []), "test")
    query = CostQuery.build(date(2026, 9, 1), date(2026, 12, 1), ["tenant_id"])
    keys = {r.keys["tenant_id"] for r in store.cost(query)}
    assert keys == {"unattributed"}
    ingestor.ingest(DecodedBatch([agent, root], []), "test")
    rows = store.cost(CostQuery.build(date(2026, 9, 1), date(2026, 12, 1), ["tenant_id", "agent_slug"]))
    assert {r.keys["tenant_id"] for r in rows} == {"t-late"}
    assert {r.keys["agent_slug"] for r in rows} != {"unattributed"}
    store.close()


def test_a_bad_span_is_rejected_with_its_reason_and_the_rest_is_kept(folder: Path) -> None:
    rng = random.Random(9)
    spans = make_trace(rng, 0)
    bad = SpanRecord(spans[0].trace_id, "f" * 16, spans[1].span_id, "chat", spans[0].start_ns, spans[0].end_ns,
                     {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
                      "gen_ai.request.model": "gpt-5", "gen_ai.usage.input_tokens": -3}, spans[0].resource)
    store = fresh_store(folder)
    result = Ingestor(store, attributor()).ingest(DecodedBatch([*spans, bad], []), "test")
    assert result.rejected == 1 and result.accepted == len(spans)
    assert "negative" in result.message()
    store.close()
