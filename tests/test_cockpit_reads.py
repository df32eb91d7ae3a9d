"""The cockpit's own reads (storage/cockpit_reads.py) on DuckDB and PostgreSQL: they aggregate in SQL and
agree with the cost query on the same slice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from ross_cost.model import Layer, LineKind, Price, UsageLine
from ross_cost.query import CostQuery
from ross_cost.storage import Store, WriteBatch
from ross_cost.storage import cockpit_reads as reads

PRICE = Price(Decimal("0.000003"), Decimal("0.0000027"), "test", "test/model input")
TS = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MARCH = (date(2026, 3, 1), date(2026, 4, 1))
LAYER = {LineKind.INPUT_UNCACHED: Layer.PROMPT, LineKind.CACHE_READ: Layer.MEMORY,
         LineKind.OUTPUT_VISIBLE: Layer.RESPONSE, LineKind.TOOL_CALL: Layer.TOOL}


def line(n: int, kind: LineKind = LineKind.INPUT_UNCACHED, quantity: int = 1000, price: Price | None = PRICE,
         span: int | None = None, model: str = "m-1", **dims: str) -> UsageLine:
    return UsageLine(f"{n:032x}", f"{span if span is not None else n:016x}", kind, LAYER[kind], TS, quantity, model,
                     "vendor", "execute_tool" if kind is LineKind.TOOL_CALL else "chat",
                     tool_name="search" if kind is LineKind.TOOL_CALL else None, price=price,
                     unpriced_reason=None if price else f"no price for {model}", dims=dict(dims))


def write(store: Store, lines: list[UsageLine], rejections: list[tuple[str, str, str]] | None = None) -> None:
    store.write_batch(WriteBatch(lines=lines, rejections=rejections or [], source="test", accepted=len(lines),
                                 rejected=len(rejections or []), received_at=datetime(2026, 3, 3, 9, tzinfo=UTC)))


def effective(store: Store, **filters: list[str]) -> Decimal:
    rows = store.cost(CostQuery.build(*MARCH, (), None, filters))
    return sum((r.effective_cost for r in rows), Decimal(0))


def test_spans_behind_a_cell_come_one_per_span_with_buckets_and_cost(store: Store) -> None:
    write(store, [
        line(1, quantity=1000, agent_slug="sara"), line(1, LineKind.CACHE_READ, 5000, agent_slug="sara"),
        line(1, LineKind.OUTPUT_VISIBLE, 300, agent_slug="sara"), line(2, quantity=10, agent_slug="sara"),
        line(3, quantity=99_999, agent_slug="atlas"),
    ])
    spans = reads.spans_behind(store.engine, store.schema, *MARCH, {"agent_slug": ["sara"]}, limit=10)
    assert [s.span_id for s in spans] == [f"{1:016x}", f"{2:016x}"]  # costliest first, atlas filtered out
    first = spans[0]
    assert (first.tokens["input_uncached"], first.tokens["cache_read"], first.tokens["output_visible"]) == (
        1000, 5000, 300)
    assert first.model == "m-1" and first.trace_id == f"{1:032x}"
    assert sum((s.effective_cost for s in spans), Decimal(0)) == effective(store, agent_slug=["sara"])
    assert len(reads.spans_behind(store.engine, store.schema, *MARCH, {}, limit=2)) == 2


def test_conversations_count_distinct_ids_and_split_spend_inside_and_outside(store: Store) -> None:
    write(store, [
        line(1, agent_slug="sara", conversation_id="c1"), line(2, agent_slug="sara", conversation_id="c1"),
        line(3, agent_slug="sara", conversation_id="c2"), line(4, agent_slug="atlas", conversation_id="c3"),
        line(5, agent_slug="atlas"),  # a scheduled job: no conversation
    ])
    groups = {g.keys["agent_slug"]: g for g in
              reads.conversations(store.engine, store.schema, *MARCH, {}, ("agent_slug",))}
    assert (groups["sara"].conversations, groups["atlas"].conversations) == (2, 1)
    assert groups["atlas"].other_cost == effective(store, agent_slug=["atlas"]) / 2
    for agent, group in groups.items():
        assert group.conversation_cost + group.other_cost == effective(store, agent_slug=[agent])
    [by_day] = reads.conversations(store.engine, store.schema, *MARCH, {}, (), "day")
    assert by_day.keys == {"period": "2026-03-02"} and by_day.conversations == 3


def test_attribution_counts_unattributed_spend_per_dimension(store: Store) -> None:
    store.replace_tenants([("t-known", "Known", "enterprise")])
    write(store, [line(1, tenant_id="t-known", agent_slug="sara", module_id="M1", channel="voice"),
                  line(2, agent_slug="sara", module_id="M1", channel="voice"),  # no tenant
                  line(3, tenant_id="t-stranger", module_id="M1", channel="voice")])  # no agent; tenant not on file
    found = reads.attribution(store.engine, store.schema, *MARCH, {})
    assert found.missing_cost["tenant_id"] == effective(store, tenant_id=["unattributed"])
    assert found.missing_cost["agent_slug"] == effective(store, agent_slug=["unattributed"])
    assert found.missing_cost["tenant_tier"] == effective(store, tenant_tier=["unattributed"])
    assert (found.missing_lines["channel"], found.missing_lines["any"], found.lines) == (0, 2, 3)
    assert found.cost == effective(store)


def test_unpriced_usage_is_grouped_by_model_and_kind_with_quantities(store: Store) -> None:
    write(store, [line(1, price=None, model="mystery", quantity=40), line(2, price=None, model="mystery", quantity=2),
                  line(3, LineKind.TOOL_CALL, 1, price=None), line(4)])
    groups = reads.unpriced(store.engine, store.schema, *MARCH, {})
    by_kind = {(g.model, g.line_kind): g for g in groups}
    assert by_kind[("mystery", "input_uncached")].quantity == 42 and by_kind[("mystery", "input_uncached")].lines == 2
    assert by_kind[("m-1", "tool_call")].tool_name == "search"
    assert len(groups) == 2


def test_ingest_days_and_rejection_reasons_come_from_the_log(store: Store) -> None:
    rejected = [("a" * 32, "b" * 16, "negative tokens"), ("c" * 32, "d" * 16, "negative tokens")]
    write(store, [line(1)], rejections=rejected)
    [day] = reads.ingest_days(store.engine, store.schema, date(2026, 1, 1))
    assert (day.day, day.requests, day.accepted, day.rejected) == (date(2026, 3, 3), 1, 1, 2)
    assert reads.rejection_reasons(store.engine, store.schema, date(2026, 1, 1)) == [
        (date(2026, 3, 3), "negative tokens", 2)]
    last = reads.last_span(store.engine, store.schema)
    assert last.lines == 1 and last.span_time == TS.replace(tzinfo=None)


def test_dimension_values_list_each_dimension_and_the_tiers(store: Store) -> None:
    store.replace_tenants([("t-known", "Known", "growth")])
    write(store, [line(1, tenant_id="t-known", agent_slug="sara"), line(2, tenant_id="t-new", channel="voice")])
    values = reads.dimension_values(store.engine, store.schema)
    assert values["tenant_id"] == ["t-known", "t-new"] and values["agent_slug"] == ["sara", "unattributed"]
    assert values["tenant_tier"] == ["growth", "unattributed"]
    assert reads.tenant_directory(store.engine, store.schema) == {"t-known": ("Known", "growth")}
