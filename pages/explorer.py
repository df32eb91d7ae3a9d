"""Explorer: slice by the six dimensions and tier, group by two keys, compare two periods, drill into spans."""

from __future__ import annotations

import streamlit as st

from ross_cost import views
from ross_cost.storage.cockpit_reads import TOKEN_BUCKETS
from ross_cost.ui import blocks, charts, data, explorer, fmt, shape, tables
from ross_cost.ui.frame import frame, no_data, onboarding
from ross_cost.ui.tables import Column
from ross_cost.ui.theme import label

selection = frame("Explorer")
if selection.empty:
    onboarding()
    st.stop()
explorer.question_box()
layout = explorer.controls(selection)
group = layout.group
rows = data.cost(selection.query((*group, "layer")))
if not rows:
    no_data(selection)
    st.stop()

left, right = st.columns([1, 3])
left.metric("Spend in this slice", fmt.money(views.total(rows)), help="Effective cost, as GET /api/cost answers.")
with right:
    over_time = data.cost(selection.query(("layer",), selection.granularity))
    periods, by_period = shape.over_time(over_time)
    blocks.chart_with_download(charts.area_by_layer(periods, by_period, selection.present, height=200),
                               "explorer-over-time", ("period", "layer"),
                               shape.long_rows(over_time, ("period", "layer")), "over-time")
names, series = shape.by_layer(rows, group, top=30)
st.subheader("Spend by " + " and ".join(label(k).lower() for k in group))
blocks.chart_with_download(charts.bars_by_layer(names, series, selection.present), "explorer-bars",
                           (*group, "layer"), shape.long_rows(rows, (*group, "layer")), "bars")
blocks.api_link(selection, (*group, "layer"))

# Pivot: the first key down, the second (or the layer) across; a click on a cell drills into its spans.
across = group[1] if len(group) > 1 else ("layer" if group[0] != "layer" else None)
order, table = shape.pivot(rows, group[0], across or group[0])
if across is None:
    order, table = [], [{group[0]: row[group[0]], "total": row["total"]} for row in table]
row_label = label(group[0])
columns = [Column(group[0], row_label), *(Column(c, c, "money") for c in order), Column("total", "Total", "money")]
targets = explorer.pivot_cells(group, across, table, order)
explorer.remember_cells(targets, group[0], table, {c: c for c in order})
st.subheader("Pivot" + (f": {row_label.lower()} by {label(across).lower()}" if across else ""))
tables.show("explorer-pivot", columns, table, "pivot", select="single-cell", on_select=explorer.drill_from_cell)

# Period comparison, side by side.
period_b, period_a = selection.period, layout.against
st.subheader(f"{period_a.name} against {period_b.name}")
st.caption(f"A: {explorer.coverage(period_a, selection)} · B: {explorer.coverage(period_b, selection)}")
compared = views.compare(data.cost(selection.query(group, period=period_a)), rows, group)
comparison = [
    {**row.keys, "a": row.a, "b": row.b, "change": row.change.delta, "relative": row.change.relative}
    for row in compared
]
left, right = st.columns([3, 2])
with left:
    tables.show("explorer-comparison", [
        *(Column(k, label(k)) for k in group), Column("a", "A", "money"), Column("b", "B", "money"),
        Column("change", "Change", "money"),
        Column("relative", "Change %", "share"),
    ], comparison, "comparison")
with right:
    top = compared[:12]
    fig = charts.compare_bars([shape.SEPARATOR.join(r.keys.values()) for r in top], [r.a for r in top],
                              [r.b for r in top], ("A", "B"), selection.present)
    blocks.chart_with_download(fig, "explorer-comparison-chart", group, comparison[:12], "compare",
                               (Column("a", "A", "money"), Column("b", "B", "money")))
st.caption(explorer.comparison_summary(sum((r.a for r in compared), views.ZERO), views.total(rows), period_a, period_b,
                                      selection))

# Drill-down: the costliest spans behind the chosen row or cell.
st.subheader("Spans behind a cell")
narrowed = explorer.drill_target(targets)
if narrowed is not None:
    spans = data.spans_behind(selection.start, selection.end, {**selection.filter_map, **narrowed}, limit=50)
    span_rows = [
        {"trace_id": s.trace_id, "span_id": s.span_id, "ts": s.ts, "model": s.model, "operation": s.operation,
         **s.tokens, "calls": s.calls, "operations": s.operations, "list_cost": s.list_cost,
         "effective_cost": s.effective_cost}
        for s in spans
    ]
    tables.show("explorer-spans", [
        Column("trace_id", "Trace id"), Column("span_id", "Span id"), Column("ts", "Time (UTC)", "datetime"),
        Column("model", "Model"), Column("operation", "Operation"),
        *(Column(kind.value, kind.value.replace("_", " "), "count") for kind in TOKEN_BUCKETS),
        Column("calls", "Tool calls", "count"), Column("operations", "Memory ops", "count"),
        Column("list_cost", "List cost", "unit_money"), Column("effective_cost", "Effective cost", "unit_money"),
    ], span_rows, "spans")
    where = " · ".join(f"{label(k).lower()}: {v[0]}" for k, v in narrowed.items())
    st.caption(f"The {len(span_rows)} costliest spans (at most 50) with {where}, in {selection.describe()}.")
