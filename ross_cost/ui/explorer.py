"""The Explorer's parts: the question box, the group-by and comparison pickers, the cell drill-down."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import streamlit as st

from ross_cost.ui import ask, data, fmt
from ross_cost.ui.frame import FILTER_KEYS, PERIOD_KEY, Selection
from ross_cost.ui.shape import SEPARATOR
from ross_cost.ui.theme import label
from ross_cost.views import PREVIOUS, Change, Period, period_from_label, period_labels

NONE = "—"
GROUP_KEYS: tuple[str, ...] = ("agent_slug", "module_id", "tenant_id", "tenant_tier", "channel", "model", "provider",
                               "layer", "tool_name", "memory_layer", "line_kind")
ASK_KEY, BY_KEY, THEN_KEY, COMPARE_KEY, DRILL_KEY = "ask", "by", "then", "compare", "drill"
_UNDERSTOOD = "_ask_understood"
_SYNC_URL = "_ask_sync_url"
_CELLS = "_pivot_cells"


def _apply_question() -> None:
    """on_change of the question box: set the slicers, groupings and comparison the words name."""
    span = data.data_range()
    text = st.session_state.get(ASK_KEY, "")
    if not text or span is None:
        return
    found = ask.parse(text, data.dimension_values(), span[1])
    comparable = set(period_labels(*span))
    outside = [p.name for p in found.periods if p.label not in comparable]
    if outside:  # a period without data cannot be picked: say so rather than show an empty view
        found.ignored.extend(f"{name} (no data)" for name in outside)
        found.periods = [p for p in found.periods if p.label in comparable]
    for key in FILTER_KEYS:
        st.session_state[key] = found.filters.get(key, [])
    if found.period is not None:
        st.session_state[PERIOD_KEY] = (found.period.start, found.period.last_day)
    if found.against is not None:
        st.session_state[COMPARE_KEY] = found.against.label
    elif found.period is not None:
        st.session_state[COMPARE_KEY] = PREVIOUS
    if found.group_by:
        st.session_state[BY_KEY] = found.group_by[0]
        st.session_state[THEN_KEY] = found.group_by[1] if len(found.group_by) > 1 else NONE
    st.session_state.pop(DRILL_KEY, None)
    st.session_state[_SYNC_URL] = True
    parts = [f"{label(k)} = {', '.join(v)}" for k, v in found.filters.items()]
    if found.period is not None:
        parts.append(found.period.name + (f" vs {found.against.name}" if found.against else ""))
    if found.group_by:
        parts.append("by " + " and ".join(label(k).lower() for k in found.group_by[:2]))
    ignored = f" Not understood: {', '.join(found.ignored)}." if found.ignored else ""
    st.session_state[_UNDERSTOOD] = ("Showing " + " · ".join(parts) + "." if parts else "Nothing recognised.") + ignored


def question_box() -> None:
    st.text_input("Ask", key=ASK_KEY, on_change=_apply_question, label_visibility="collapsed",
                  placeholder="Jump to a view, e.g. “sara voice Q3 vs Q4 by module and tier”, then Enter",
                  icon=":material/search:")
    if st.session_state.get(_UNDERSTOOD):
        st.caption(st.session_state[_UNDERSTOOD])


@dataclass(frozen=True)
class Layout:
    group: tuple[str, ...]
    against: Period


def controls(selection: Selection) -> Layout:
    """Group-by pickers and the period to compare with (all bound to the URL, so links keep them)."""
    span = selection.data_range
    assert span is not None
    with st.container(horizontal=True, key="controls"):
        by = st.selectbox("Group by", GROUP_KEYS, key=BY_KEY, format_func=label, bind="query-params")
        then = st.selectbox("then by", (NONE, *(k for k in GROUP_KEYS if k != by)), key=THEN_KEY,
                            format_func=lambda k: k if k == NONE else label(k), bind="query-params")
        choice = st.selectbox("Compare against", (PREVIOUS, *period_labels(span[0], span[1])), key=COMPARE_KEY,
                              bind="query-params")
    if st.session_state.pop(_SYNC_URL, False):
        # Values set from a callback reach the URL only on the next run: take it now, before any query.
        st.rerun()
    against = period_from_label(choice) if choice != PREVIOUS else None
    group = (by,) if then == NONE else (by, then)
    return Layout(group, against or selection.period.previous())


def coverage(period: Period, selection: Selection) -> str:
    """"2026-Q4 (1 Oct – 31 Dec 2026, data on 61 of 92 days)": a partial period is said to be partial."""
    span = selection.data_range
    assert span is not None
    covered = period.covered_days(*span)
    details = [fmt.day_span(period.start, period.last_day)] if period.label else []
    if covered != period.days:
        details.append(f"data on {covered} of {period.days} days")
    return f"{period.name} ({', '.join(details)})" if details else period.name


def comparison_summary(a: Decimal, b: Decimal, period_a: Period, period_b: Period, selection: Selection) -> str:
    """The totals side by side; per day with data too when either period is only partly covered."""
    change = Change(b, a)
    text = (f"Total: A {fmt.money(a)} → B {fmt.money(b)}, {fmt.money_delta(change.delta)} "
            f"({fmt.percent_delta(change.relative)}).")
    span = selection.data_range
    assert span is not None
    days_a, days_b = period_a.covered_days(*span), period_b.covered_days(*span)
    if (days_a, days_b) != (period_a.days, period_b.days) and days_a and days_b:
        text += f" Per day with data: A {fmt.money(a / days_a)}, B {fmt.money(b / days_b)}."
    return text


def pivot_cells(group: Sequence[str], across: str | None, table: Sequence[Mapping[str, Any]],
                columns: Sequence[str]) -> dict[str, dict[str, str]]:
    """Every drillable target of the pivot: a row ("sara") or a cell ("sara · memory") -> its filters."""
    targets: dict[str, dict[str, str]] = {}
    for entry in table:
        row = {group[0]: str(entry[group[0]])}
        targets[str(entry[group[0]])] = row
        for column in columns:
            if across is not None and entry.get(column) is not None:
                targets[f"{entry[group[0]]}{SEPARATOR}{column}"] = {**row, across: column}
    return targets


def remember_cells(targets: Mapping[str, Mapping[str, str]], row_key: str, table: Sequence[Mapping[str, Any]],
                   labels: Mapping[str, str]) -> None:
    """Keep what a click on the pivot means, for the selection callback of the next run."""
    st.session_state[_CELLS] = ([str(entry[row_key]) for entry in table], dict(labels), list(targets))


def drill_from_cell() -> None:
    """on_select of the pivot: point the drill-down at the clicked cell (the Total column: the whole row)."""
    event = st.session_state.get("grid-pivot")
    remembered = st.session_state.get(_CELLS)
    if event is None or remembered is None or not event.selection.cells:
        return
    rows, labels, targets = remembered
    index, column = event.selection.cells[0]
    if not 0 <= index < len(rows):
        return
    target = f"{rows[index]}{SEPARATOR}{labels[column]}" if column in labels else rows[index]
    if target in targets:
        st.session_state[DRILL_KEY] = target


def drill_target(targets: Mapping[str, Mapping[str, str]]) -> dict[str, tuple[str, ...]] | None:
    choice = st.selectbox("Spans behind", (NONE, *targets), key=DRILL_KEY,
                          help="Click a cell of the table above, or pick a row or cell here.")
    if choice == NONE or choice not in targets:
        return None
    return {key: (value,) for key, value in targets[choice].items()}
