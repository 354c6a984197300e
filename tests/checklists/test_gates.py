"""Metric gates: the allowed metrics, their shape, and how they read in words."""

import pytest

from checklists.gates import (
    GATE_COMPARISONS,
    GATE_METRICS,
    describe_gate,
    gate_passes,
    gate_problems,
)


def test_gate_metrics_are_the_impact_ratio_and_fairlearn_disparities():
    assert GATE_METRICS == (
        "impact_ratio",
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equalized_odds_ratio",
        "equal_opportunity_difference",
        "equal_opportunity_ratio",
    )
    assert GATE_COMPARISONS == (">=", ">", "<=", "<")


@pytest.mark.parametrize(
    ("gate", "words"),
    [
        ({"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8},
         "demographic parity ratio ≥ 0.8 on every grouping"),
        ({"metric": "equalized_odds_difference", "comparison": "<=", "threshold": 0.1},
         "equalized odds difference ≤ 0.1 on every grouping"),
        ({"metric": "impact_ratio", "comparison": ">", "threshold": 1},
         "impact ratio > 1 on every grouping"),
        (None, ""),
    ],
)  # fmt: skip
def test_describe_gate_reads_as_a_sentence(gate, words):
    assert describe_gate(gate) == words


@pytest.mark.parametrize(
    ("comparison", "value", "passes"),
    [(">=", 0.8, True), (">=", 0.79, False), (">", 0.8, False), ("<=", 0.8, True), ("<", 0.8, False),
     (">=", None, None), (">=", float("nan"), None)],
)  # fmt: skip
def test_gate_passes_compares_a_value_with_the_threshold(comparison, value, passes):
    gate = {"metric": "impact_ratio", "comparison": comparison, "threshold": 0.8}
    assert gate_passes(gate, value) is passes


def test_gate_problems_lists_every_problem():
    assert gate_problems({"metric": "x", "threshold": True}) == [
        (".comparison", "is missing"),
        (".metric", '"x" is not one of ' + ", ".join(GATE_METRICS)),
        (".threshold", "expected a number, got true"),
    ]
    assert gate_problems("impact_ratio >= 0.8") == [
        ("", 'expected an object with metric, comparison, threshold, got "impact_ratio >= 0.8"')
    ]
    assert gate_problems({"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8}) == []
