"""The labelled synthetic suite: every case judged on its own, then the methods compared on the whole suite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ross_cost.drift import DriftSettings, evaluate_series
from ross_cost.drift_baselines import METHODS
from tests.drift_cases import Case, Score, cases, match, score, table

SUITE = cases()
DEFAULT_METHOD = DriftSettings().method
DOC = Path(__file__).resolve().parents[1] / "docs" / "drift-method.md"


def describe(case: Case) -> str:
    return f"must fire ({len(case.episodes)})" if case.fires else "must stay quiet"


@pytest.mark.parametrize("case", SUITE, ids=[f"{c.name} [{describe(c)}]" for c in SUITE])
def test_each_labelled_case_gets_exactly_its_alerts(case: Case) -> None:
    _, alerts = evaluate_series(case.days, case.costs, DriftSettings())
    assert len(alerts) == len(case.episodes), [(a.first_day, a.fired_on) for a in alerts]
    for alert, episode in zip(alerts, case.episodes, strict=True):
        assert episode.earliest <= alert.first_day <= episode.latest
        assert alert.days_sustained >= DriftSettings().sustain_days
    assert match(case, alerts)[:3] == (len(case.episodes), 0, 0)


def test_the_suite_covers_what_the_issue_lists() -> None:
    names = " ".join(c.name for c in SUITE)
    for kind in ("step", "ramp", "spike", "weekend", "holiday", "zero days", "missing days", "mid-window", "growth"):
        assert kind in names, kind
    assert sum(c.fires for c in SUITE) >= 10 and sum(not c.fires for c in SUITE) >= 15


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return {method: score(method, SUITE) for method in METHODS}


@pytest.mark.slow  # runs the statsmodels methods over the whole suite (about 15 s)
def test_the_default_method_is_perfect_on_the_suite_and_no_other_method_beats_it(scores: dict[str, Score]) -> None:
    print("\n" + table(list(scores.values())))
    chosen = scores[DEFAULT_METHOD]
    assert (chosen.precision, chosen.recall) == (1.0, 1.0), chosen.failures
    for other in scores.values():
        assert other.precision + other.recall <= chosen.precision + chosen.recall


@pytest.mark.slow
def test_the_comparison_table_in_the_docs_is_what_the_suite_computes(scores: dict[str, Score]) -> None:
    computed = table(list(scores.values()))
    documented = re.search(r"^\| method \| precision \|.*?(?=\n\n|\Z)", DOC.read_text(), re.MULTILINE | re.DOTALL)
    assert documented is not None, f"no comparison table in {DOC}"
    assert documented.group(0).strip() == computed, "regenerate with: .venv/bin/python -m tests.drift_cases"
