"""The storage edge behaves the same on DuckDB and PostgreSQL: every test runs once per engine."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ross_cost.model import GROUPABLE, Layer, LineKind, Price, UsageLine, quantize_money
from ross_cost.query import CostQuery, CostRow
from ross_cost.storage import ContextRow, DimensionUpdate, Store, StoreError, WriteBatch, default_url

LAYER_OF = {
    LineKind.INPUT_UNCACHED: Layer.PROMPT,
    LineKind.CACHE_READ: Layer.MEMORY,
    LineKind.OUTPUT_VISIBLE: Layer.RESPONSE,
    LineKind.REASONING: Layer.RESPONSE,
    LineKind.TOOL_CALL: Layer.TOOL,
    LineKind.MEMORY_OPERATION: Layer.MEMORY,
}
PRICE = Price(Decimal("0.000003123457"), Decimal("0.000002811111"), "genai-prices 0.2.5", "anthropic/x input")
MARCH = (date(2026, 3, 1), date(2026, 4, 1))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def stored(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Timestamps are stored as naive UTC."""
    return utc(year, month, day, hour, minute).replace(tzinfo=None)


T0 = utc(2026, 3, 2, 12, 0)


def trace(n: int) -> str:
    return f"{n:032x}"


def span(n: int) -> str:
    return f"{n:016x}"


def line(
    n: int,
    kind: LineKind = LineKind.INPUT_UNCACHED,
    *,
    t: int | None = None,
    ts: datetime = T0,
    quantity: int = 1000,
    price: Price | None = PRICE,
    reason: str | None = None,
    tool_name: str | None = None,
    **dims: str,
) -> UsageLine:
    return UsageLine(
        trace_id=trace(n if t is None else t),
        span_id=span(n),
        kind=kind,
        layer=LAYER_OF[kind],
        ts=ts,
        quantity=quantity,
        model="claude-sonnet-4-5",
        provider="anthropic",
        operation="execute_tool" if kind is LineKind.TOOL_CALL else "chat",
        tool_name=tool_name,
        price=price,
        unpriced_reason=reason,
        dims=dict(dims),
    )


def context(n: int, *, t: int | None = None, parent: str = "") -> ContextRow:
    return ContextRow(trace(n if t is None else t), span(n), parent, T0, "chat", '{"c":1}', "{}", True)


def write(store: Store, lines: Iterable[UsageLine] = (), **fields: object) -> None:
    lines = list(lines)
    received = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    store.write_batch(WriteBatch(lines=lines, source="test", received_at=received, accepted=len(lines), **fields))  # type: ignore[arg-type]


def costs(store: Store, *group_by: str, granularity: str | None = None, **filters: tuple[str, ...]) -> list[CostRow]:
    return store.cost(CostQuery.build(*MARCH, group_by, granularity, filters))  # type: ignore[arg-type]


def by_key(rows: list[CostRow], key: str) -> dict[str, CostRow]:
    return {row.keys[key]: row for row in rows}


def test_written_lines_read_back_with_every_column_and_exact_money(store: Store) -> None:
    late_evening = datetime(2026, 3, 3, 1, 30, tzinfo=timezone(timedelta(hours=2)))  # 2026-03-02 23:30 UTC
    write(store, [line(1, quantity=987_654_321, ts=late_evening, tenant_id="t1", channel="web", conversation_id="c9")])
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(store.schema.usage_lines)).one()._mapping
    assert (row["trace_id"], row["span_id"], row["line_kind"], row["layer"]) == (
        trace(1),
        span(1),
        "input_uncached",
        "prompt",
    )
    assert row["ts"] == stored(2026, 3, 2, 23, 30) and row["day"] == date(2026, 3, 2)
    assert (row["tenant_id"], row["agent_slug"], row["channel"], row["conversation_id"]) == (
        "t1",
        "unattributed",
        "web",
        "c9",
    )
    assert (row["quantity"], row["unit"], row["unpriced_reason"]) == (987_654_321, "Tokens", None)
    assert row["list_unit_price"] == Decimal("0.000003123457")
    assert row["list_cost"] == Decimal("3084.895802507697")  # 0.000003123457 x 987654321, exactly
    assert row["effective_cost"] == Decimal("2776.405925960631")
    assert (row["price_source"], row["price_reference"], row["contract"]) == (
        "genai-prices 0.2.5",
        "anthropic/x input",
        None,
    )
    assert row["ingested_at"] == stored(2026, 3, 3, 9, 0)
    [total] = costs(store)
    assert (total.list_cost, total.effective_cost) == (Decimal("3084.895802507697"), Decimal("2776.405925960631"))
    assert total.list_cost.as_tuple().exponent == -12
    assert store.line_count() == 1


def test_unpriced_lines_keep_null_costs_and_their_reason_and_count_as_unpriced(store: Store) -> None:
    write(store, [line(1, LineKind.TOOL_CALL, quantity=3, price=None, reason="no price for tool x"), line(2)])
    with store.engine.connect() as conn:
        ul = store.schema.usage_lines
        row = conn.execute(sa.select(ul).where(ul.c.line_kind == "tool_call")).one()._mapping
    assert [row[c] for c in ("list_unit_price", "effective_unit_price", "list_cost", "effective_cost")] == [None] * 4
    assert (row["unpriced_reason"], row["unit"]) == ("no price for tool x", "Calls")
    [total] = costs(store)
    assert total.quantity == {"Tokens": 1000, "Calls": 3}
    assert total.unpriced_quantity == {"Calls": 3}
    assert total.list_cost == Decimal("0.003123457") and total.lines == 2


def test_existing_contexts_returns_every_stored_span_of_the_asked_traces(store: Store) -> None:
    write(store, contexts=[context(1), context(2, t=1, parent=span(1)), context(3)])
    found = store.existing_contexts([trace(1), trace(99), *(trace(1000 + i) for i in range(2000))])
    assert sorted((c.trace_id, c.span_id, c.parent_span_id) for c in found) == [
        (trace(1), span(1), ""),
        (trace(1), span(2), span(1)),
    ]
    assert all(c.candidates == '{"c":1}' and c.resolved == "{}" and c.has_lines for c in found)
    assert store.existing_contexts([]) == []


def test_dimension_updates_change_stored_lines_and_contexts(store: Store) -> None:
    write(store, [line(1), line(2, conversation_id="c1"), line(3)], contexts=[context(1), context(2), context(3)])
    updates = [
        DimensionUpdate(trace(1), span(1), {"tenant_id": "t1", "agent_slug": "support", "channel": "web"}),
        DimensionUpdate(trace(2), span(2), {"tenant_id": "t2", "conversation_id": ""}, resolved='{"x":2}'),
    ]
    write(store, updates=updates)
    rows = by_key(costs(store, "tenant_id", "agent_slug", "channel"), "tenant_id")
    assert rows["t1"].keys == {"tenant_id": "t1", "agent_slug": "support", "channel": "web"}
    assert rows["t2"].keys == {"tenant_id": "t2", "agent_slug": "unattributed", "channel": "unknown"}
    assert rows["unattributed"].lines == 1
    with store.engine.connect() as conn:
        ul = store.schema.usage_lines
        assert conn.execute(sa.select(ul.c.conversation_id).where(ul.c.span_id == span(2))).scalar_one() is None
    resolved = {c.span_id: c.resolved for c in store.existing_contexts([trace(1), trace(2), trace(3)])}
    assert resolved == {
        span(1): '{"agent_slug":"support","channel":"web","tenant_id":"t1"}',
        span(2): '{"x":2}',
        span(3): "{}",
    }


def test_write_batch_records_rejections_and_one_ingest_log_row(store: Store) -> None:
    write(store, [line(1)], rejections=[(trace(7), span(7), "negative token bucket")], rejected=1, duplicate=2)
    with store.engine.connect() as conn:
        rejection = conn.execute(sa.select(store.schema.rejections)).one()._mapping
        log = conn.execute(sa.select(store.schema.ingest_log)).one()._mapping
    assert (rejection["trace_id"], rejection["reason"], rejection["source"]) == (
        trace(7),
        "negative token bucket",
        "test",
    )
    assert (log["day"], log["accepted"], log["rejected"], log["duplicate"]) == (date(2026, 3, 3), 1, 1, 2)


def test_a_cost_too_large_to_store_rejects_the_whole_batch(store: Store) -> None:
    with pytest.raises(StoreError, match="exceeds"):
        write(store, [line(1), line(2, quantity=10**13)], contexts=[context(1)])
    assert store.line_count() == 0 and store.existing_contexts([trace(1)]) == []


def sample(store: Store) -> None:
    """Six lines whose March totals are easy to compute by hand (list 0.000003123457 per token)."""
    write(
        store,
        [
            line(1, quantity=1000, agent_slug="support", channel="web", tenant_id="t1"),
            line(2, LineKind.OUTPUT_VISIBLE, quantity=2000, agent_slug="support", channel="slack", tenant_id="t1"),
            line(3, quantity=4000, agent_slug="sales", channel="web", tenant_id="t2"),
            line(
                4, LineKind.TOOL_CALL, quantity=5, price=None, reason="no price", tool_name="search", agent_slug="sales"
            ),
            line(5, quantity=8000, agent_slug="sales", channel="web", tenant_id="t3", ts=utc(2026, 3, 31, 23, 59)),
            line(6, quantity=16000, agent_slug="sales", channel="web", ts=utc(2026, 4, 1)),  # after the range
        ],
    )


def test_cost_groups_and_filters_give_hand_computed_totals(store: Store) -> None:
    sample(store)
    rows = costs(store, "agent_slug", "layer", channel=("web",))
    assert [(r.keys["agent_slug"], r.keys["layer"], r.quantity, r.lines) for r in rows] == [
        ("sales", "prompt", {"Tokens": 12000}, 2),
        ("support", "prompt", {"Tokens": 1000}, 1),
    ]
    assert rows[0].list_cost == Decimal("0.037481484") and rows[0].effective_cost == Decimal("0.033733332")
    tools = costs(store, "tool_name", agent_slug=("sales",), layer=("tool", "response"))
    assert [(r.keys, r.unpriced_quantity, r.list_cost) for r in tools] == [
        ({"tool_name": "search"}, {"Calls": 5}, Decimal(0))
    ]
    assert [r.keys["tool_name"] for r in costs(store, "tool_name")] == ["n/a", "search"]


@pytest.mark.parametrize(
    ("granularity", "expected"),
    [
        ("day", {"2026-03-02": 7000, "2026-03-31": 8000}),
        ("week", {"2026-03-02": 7000, "2026-03-30": 8000}),
        ("month", {"2026-03-01": 15000}),
    ],
)
def test_granularity_buckets_by_day_iso_week_and_month(
    store: Store, granularity: str, expected: dict[str, int]
) -> None:
    sample(store)
    extra = [line(7, quantity=1, ts=utc(2026, 3, 1, 0, 0)), line(8, quantity=1, ts=utc(2026, 2, 28, 23, 59))]
    write(store, extra)
    rows = costs(store, granularity=granularity)
    tokens = {r.keys["period"]: r.quantity.get("Tokens", 0) for r in rows}
    first = {"day": "2026-03-01", "week": "2026-02-23", "month": "2026-03-01"}[granularity]
    expected = {**expected, first: expected.get(first, 0) + 1}
    assert tokens == expected


def test_rows_come_ordered_by_effective_cost_then_keys(store: Store) -> None:
    write(
        store,
        [line(1, quantity=5, agent_slug="b"), line(2, quantity=5, agent_slug="a"), line(3, quantity=9, agent_slug="c")],
    )
    assert [r.keys["agent_slug"] for r in costs(store, "agent_slug")] == ["c", "a", "b"]


def assert_conserved(store: Store) -> None:
    [total] = costs(store)
    for key in GROUPABLE:
        rows = costs(store, key)
        assert sum((r.list_cost for r in rows), Decimal(0)) == total.list_cost, key
        assert sum((r.effective_cost for r in rows), Decimal(0)) == total.effective_cost, key
        assert sum(r.lines for r in rows) == total.lines, key
        for unit, quantity in total.quantity.items():
            assert sum(r.quantity.get(unit, 0) for r in rows) == quantity, key
        for unit, quantity in total.unpriced_quantity.items():
            assert sum(r.unpriced_quantity.get(unit, 0) for r in rows) == quantity, key


def test_every_single_key_grouping_adds_up_to_the_total(store: Store) -> None:
    sample(store)
    store.replace_tenants([("t1", "One", "gold")])
    assert_conserved(store)


def test_tenant_tier_comes_from_the_tenants_table_or_is_unattributed(store: Store) -> None:
    sample(store)
    store.replace_tenants([("t0", "Gone", "gold"), ("t1", "One", "silver")])
    store.replace_tenants([("t1", "One", "gold"), ("t2", "Two", "free")])
    tiers = by_key(costs(store, "tenant_tier"), "tenant_tier")
    assert {tier: row.lines for tier, row in tiers.items()} == {"gold": 2, "free": 1, "unattributed": 2}
    only = costs(store, "tenant_id", tenant_tier=("unattributed",))
    assert sorted(r.keys["tenant_id"] for r in only) == ["t3", "unattributed"]


def test_an_empty_store_answers_with_no_rows(store: Store) -> None:
    assert costs(store) == [] and costs(store, "layer", granularity="week") == []
    assert store.line_count() == 0 and store.ping()


def test_meta_values_are_set_read_and_overwritten(store: Store) -> None:
    assert store.get_meta("demo_seed") is None
    store.set_meta("demo_seed", "7")
    store.set_meta("demo_seed", "8")
    assert store.get_meta("demo_seed") == "8"
    assert store.get_meta("schema_version") == "1"


def test_reopening_a_store_keeps_its_data(store: Store, store_url: str) -> None:
    write(store, [line(1)])
    store.close()
    again = Store.open(store_url)
    try:
        assert again.line_count() == 1 and again.dialect == store.dialect
    finally:
        again.close()


money = st.decimals(min_value=0, max_value=Decimal("0.0001"), places=12)
random_line = st.builds(
    lambda n, kind, q, unit_price, priced, agent, tenant, day: line(
        n,
        kind,
        quantity=q,
        price=Price(unit_price, unit_price / 2, "s", "r") if priced else None,
        reason=None if priced else "no price",
        tool_name="search" if kind is LineKind.TOOL_CALL else None,
        agent_slug=agent,
        tenant_id=tenant,
        ts=T0 + timedelta(days=day),
    ),
    st.integers(0, 10**9),
    st.sampled_from(list(LAYER_OF)),
    st.integers(0, 10**7),
    money,
    st.booleans(),
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["t1", "t2", ""]),
    st.integers(0, 20),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(random_line, min_size=1, max_size=30, unique_by=lambda u: u.span_id))
def test_random_lines_are_conserved_across_every_grouping(store: Store, lines: list[UsageLine]) -> None:
    with store.engine.begin() as conn:
        conn.execute(store.schema.usage_lines.delete())
    write(store, lines)
    [total] = costs(store)
    priced = [u for u in lines if u.price is not None]
    assert total.list_cost == sum(
        (quantize_money(u.price.list_unit_price * u.quantity) for u in priced if u.price), Decimal(0)
    )
    assert total.lines == len(lines)
    assert_conserved(store)


def one_sentence(error: StoreError) -> str:
    text = str(error)
    assert "\n" not in text and text.endswith(".") and ". " not in text, text
    return text


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("not a url at all", "is not a database URL"),
        ("sqlite:///x.db", "'sqlite' is not supported"),
        ("postgresql+psycopg2://u@localhost/db", "driver 'psycopg2' is not supported"),
    ],
)
def test_a_bad_url_gives_one_sentence(url: str, fragment: str) -> None:
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    assert fragment in one_sentence(caught.value)


def test_an_unreachable_server_gives_one_sentence() -> None:
    with socket_port() as port, pytest.raises(StoreError) as caught:
        Store.open(f"postgresql://nobody:secret@127.0.0.1:{port}/nothing")
    text = one_sentence(caught.value)
    assert "Cannot connect" in text and "secret" not in text


def test_a_duckdb_file_held_by_another_process_gives_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    holder = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)"
    proc = subprocess.Popen([sys.executable, "-c", holder, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as caught:
            Store.open(f"duckdb:///{path}")
        assert "in use by another process" in one_sentence(caught.value)
    finally:
        proc.kill()
        proc.wait()


def test_a_file_that_is_not_a_duckdb_database_gives_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database")
    with pytest.raises(StoreError) as caught:
        Store.open(f"duckdb:///{path}")
    assert "is not a DuckDB database" in one_sentence(caught.value)


def test_default_url_is_the_env_variable_or_the_embedded_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROSS_DB_URL", "postgresql+psycopg://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("ROSS_DB_URL")
    repo = Path(__file__).resolve().parents[1]
    assert default_url() == f"duckdb:///{repo / 'data' / 'ross-cost.duckdb'}"


class socket_port:  # noqa: N801 - used as a context manager, reads like a function
    """A loopback port that nothing listens on (bound but not listening, so connections are refused)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        return int(self.sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
