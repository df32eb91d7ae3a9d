"""AppTest of the Overview page: it opens, shows the slicers, and its figures are the services' numbers."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from ross_cost.model import LAYERS
from ross_cost.services import Services
from ross_cost.ui import fmt
from tests.cockpit_support import (
    DEFAULT_END,
    DEFAULT_START,
    REPO,
    cockpit,
    cost,
    csv_rows,
    demo_db,
    downloads,
    empty_cockpit,
    metric,
    money_text,
    open_page,
    otlp_json,
    total,
)

__all__ = ["cockpit", "demo_db", "downloads", "empty_cockpit"]  # fixtures used by name


def test_overview_opens_with_every_slicer_in_the_sidebar(cockpit: Services) -> None:
    at = open_page()
    keys = {w.key for w in at.sidebar.multiselect}
    assert keys == {"tenant_tier", "tenant_id", "agent_slug", "module_id", "model", "provider", "channel"}
    assert at.sidebar.date_input(key="period").value == (DEFAULT_START, DEFAULT_END.replace(day=4))
    assert at.sidebar.toggle(key="present").value is False
    assert any(t.value == "Overview" for t in at.title)


def test_overview_spend_and_layer_figures_equal_the_service_numbers(cockpit: Services) -> None:
    at = open_page()
    rows = cost(cockpit, DEFAULT_START, DEFAULT_END, ("layer",))
    assert metric(at, "Spend (effective)") == fmt.money(total(rows))
    for layer in LAYERS:
        label = next(m.label for m in at.metric if m.label.startswith(f"{layer.value} ·"))
        layer_total = total([r for r in rows if r.keys["layer"] == layer.value])
        assert metric(at, label) == fmt.money(layer_total)


def test_overview_area_chart_draws_the_service_total(cockpit: Services) -> None:
    at = open_page()
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    drawn = sum(y for trace in figure["data"] for y in trace["y"] if y is not None)
    assert abs(drawn - float(total(cost(cockpit, DEFAULT_START, DEFAULT_END)))) < 1e-6
    assert {trace["name"] for trace in figure["data"]} == {layer.value for layer in LAYERS}


def test_overview_csv_is_exactly_the_service_rows_of_the_chart(cockpit: Services, downloads: dict[str, bytes]) -> None:
    open_page()
    rows = csv_rows(downloads["spend-by-layer.csv"])
    expected = cost(cockpit, DEFAULT_START, DEFAULT_END, ("layer",), "day")
    assert sorted((r["period"], r["layer"], r["effective_cost"]) for r in rows) == sorted(
        (e.keys["period"], e.keys["layer"], money_text(e.effective_cost)) for e in expected
    )


def test_a_url_query_parameter_slices_every_figure(cockpit: Services, downloads: dict[str, bytes]) -> None:
    at = open_page(agent_slug="sara", channel="voice")
    assert at.sidebar.multiselect(key="agent_slug").value == ["sara"]
    sliced = cost(cockpit, DEFAULT_START, DEFAULT_END, agent_slug=["sara"], channel=["voice"])
    assert metric(at, "Spend (effective)") == fmt.money(total(sliced))
    agents = {r["agent_slug"] for r in csv_rows(downloads["spend-by-agent_slug.csv"])}
    assert agents == {"sara"}


def test_new_spans_invalidate_the_cached_figures(cockpit: Services) -> None:
    at = open_page()
    before = metric(at, "Spend (effective)")
    body = otlp_json("9b8efff798038103d269b633813fc60c", "cee19b7ec3c1b174", {
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-5",
        "gen_ai.usage.input_tokens": 2_000_000, "gen_ai.usage.output_tokens": 10})
    cockpit.ingest_otlp(body, "application/json", None, "test")
    at.run()
    after = metric(at, "Spend (effective)")
    assert after != before and after == fmt.money(total(cost(cockpit, DEFAULT_START, DEFAULT_END)))


def test_a_page_run_without_app_py_draws_the_slicers_itself(cockpit: Services) -> None:
    at = AppTest.from_file(str(REPO / "pages" / "overview.py"), default_timeout=120).run()
    assert not at.exception
    assert {w.key for w in at.sidebar.multiselect} >= {"agent_slug", "channel", "tenant_tier"}
    assert metric(at, "Spend (effective)") == fmt.money(total(cost(cockpit, DEFAULT_START, DEFAULT_END)))


def test_an_empty_store_explains_how_to_load_the_demo_or_send_telemetry(empty_cockpit: Services) -> None:
    at = open_page()
    text = " ".join(m.value for m in at.markdown)
    assert "ross-cost demo" in text and "/v1/traces" in text
    assert not at.metric


def test_a_slice_without_data_says_so_instead_of_drawing_zeros(cockpit: Services) -> None:
    at = open_page(period=["2020-01-01", "2020-01-31"])
    assert any("No spend in this slice" in i.value for i in at.info)
    assert not at.get("plotly_chart")
