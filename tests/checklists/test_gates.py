"""Metric gates: the allowed metrics, their shape, and how they read in words."""

import pytest

from checklists.gates import (
    GATE_COMPARISONS,
    GATE_METRICS,
    TABULAR_GATE_METRICS,
    TEXT_GATE_METRICS,
    describe_gate,
    gate_passes,
    gate_problems,
    gate_run_kind,
    gate_task,
)
from checklists.validation import question_content_problems
from fairness.text import COMPARISON_METRICS, GROUP_METRICS, TEXT_CHECK_METRICS


def test_tabular_gate_metrics_are_the_impact_ratio_and_fairlearn_disparities():
    assert TABULAR_GATE_METRICS == (
        "impact_ratio",
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equalized_odds_ratio",
        "equal_opportunity_difference",
        "equal_opportunity_ratio",
    )
    assert GATE_COMPARISONS == (">=", ">", "<=", "<")


def test_text_gate_metrics_are_the_text_engines_checks():
    assert TEXT_GATE_METRICS is TEXT_CHECK_METRICS  # named by the engine, never copied
    assert {"refusal_rate_ratio", "sentiment_bias_strong", "decision_flip_rate"} <= set(
        TEXT_GATE_METRICS
    )


def test_gate_metrics_are_both_kinds_each_once():
    assert GATE_METRICS[: len(TABULAR_GATE_METRICS)] == TABULAR_GATE_METRICS
    assert set(GATE_METRICS) == set(TABULAR_GATE_METRICS) | set(TEXT_CHECK_METRICS)
    assert len(GATE_METRICS) == len(set(GATE_METRICS))


@pytest.mark.parametrize(
    ("metric", "kind"),
    [("demographic_parity_ratio", "tabular"), ("impact_ratio", "tabular"),
     ("refusal_rate_ratio", "text"), ("refusal_rate", "text"), ("accuracy", None)],
)  # fmt: skip
def test_gate_run_kind_says_which_run_answers_a_gate(metric, kind):
    assert gate_run_kind({"metric": metric, "comparison": ">=", "threshold": 0.8}) == kind
    assert gate_run_kind(None) is None


@pytest.mark.parametrize(
    ("gate", "words"),
    [
        ({"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8},
         "demographic parity ratio ≥ 0.8 on every grouping"),
        ({"metric": "equalized_odds_difference", "comparison": "<=", "threshold": 0.1},
         "equalized odds difference ≤ 0.1 on every grouping"),
        ({"metric": "impact_ratio", "comparison": ">", "threshold": 1},
         "impact ratio > 1 on every grouping"),
        ({"metric": "refusal_rate_ratio", "comparison": ">=", "threshold": 0.8},
         "refusal rate ratio ≥ 0.8 for every group against the reference"),
        ({"metric": "sentiment_bias_strong", "comparison": "<=", "threshold": 0.05},
         "sentiment bias strong ≤ 0.05 for every group against the reference"),
        ({"metric": "refusal_rate", "comparison": "<=", "threshold": 0.1},
         "refusal rate ≤ 0.1 for every group"),
        (None, ""),
    ],
)  # fmt: skip
def test_describe_gate_reads_as_a_sentence(gate, words):
    assert describe_gate(gate) == words


def test_every_text_metric_is_described_by_its_kind():
    for metric in TEXT_CHECK_METRICS:
        words = describe_gate({"metric": metric, "comparison": "<=", "threshold": 0.1})
        if metric in TABULAR_GATE_METRICS:
            assert words.endswith("on every grouping")
        elif metric in COMPARISON_METRICS:
            assert words.endswith("for every group against the reference")
        else:
            assert metric in GROUP_METRICS
            assert words.endswith("for every group")


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
        (
            ".metric",
            '"x" is not one of '
            + ", ".join(TABULAR_GATE_METRICS)
            + " (from predictions) or "
            + ", ".join(m for m in TEXT_CHECK_METRICS if m not in TABULAR_GATE_METRICS)
            + " (from LLM responses)",
        ),
        (".threshold", "expected a number, got true"),
    ]
    assert gate_problems("impact_ratio >= 0.8") == [
        ("", 'expected an object with metric, comparison, threshold, got "impact_ratio >= 0.8"')
    ]
    assert gate_problems({"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8}) == []


@pytest.mark.parametrize(
    "metric", ["refusal_rate_ratio", "sentiment_bias_strong", "decision_flip_rate"]
)
def test_text_metrics_make_valid_gates(metric):
    gate = {"metric": metric, "comparison": "<=", "threshold": 0.05}
    assert gate_problems(gate) == []
    problems = question_content_problems(
        answer_kind="gate", choices=[], gate=gate, references=[], weight=1.0
    )
    assert problems == []


# Task gates (issue 13 item 7): regression and multiclass measures.
_BASE = {"comparison": ">=", "threshold": 0.8}


def test_task_gate_regression_metric_is_inferred_as_regression():
    gate = {"metric": "mean_absolute_error_ratio", **_BASE}
    assert gate_problems(gate) == []
    assert gate_task(gate) == "regression"
    assert (
        describe_gate(gate) == "mean absolute error ratio ≥ 0.8 on every grouping (regression runs)"
    )


def test_task_gate_multiclass_class_and_every_class():
    gate = {"metric": "demographic_parity_ratio", "task": "multiclass", "class": "B", **_BASE}
    assert gate_problems(gate) == []
    assert describe_gate(gate) == (
        'demographic parity ratio ≥ 0.8 for class "B" on every grouping (multiclass runs)'
    )
    every = {"metric": "demographic_parity_ratio", "task": "multiclass", **_BASE}
    assert describe_gate(every).startswith("demographic parity ratio ≥ 0.8 for every class")


def test_task_gate_problems():
    wrong_task = gate_problems({"metric": "mean_absolute_error_ratio", "task": "binary", **_BASE})
    assert wrong_task[0][0] == ".metric" and "not a binary gate metric" in wrong_task[0][1]
    class_on_binary = gate_problems({"metric": "demographic_parity_ratio", "class": "B", **_BASE})
    assert class_on_binary == [
        (".class", 'only a multiclass gate names a class (add "task": "multiclass")')
    ]
    assert (
        gate_problems({"metric": "demographic_parity_ratio", "task": "x", **_BASE})[0][0] == ".task"
    )
    bad_class = gate_problems(
        {"metric": "demographic_parity_ratio", "task": "multiclass", "class": 3, **_BASE}
    )
    assert bad_class == [(".class", "expected a class label (text), got 3")]
    assert gate_task({"metric": "demographic_parity_ratio", **_BASE}) == "binary"
    assert gate_task({"metric": "refusal_rate_ratio", **_BASE}) is None
