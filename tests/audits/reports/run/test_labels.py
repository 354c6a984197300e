"""The words a reader uses for the engine's names: one table for every page, filter and draft."""

import pytest

from audits.reports.run.checks import check_results
from audits.reports.run.labels import (
    capfirst,
    check_words,
    gate_words,
    measure_of,
    metric_words,
)
from audits.templatetags.run_words import check_words as check_words_filter
from fairness import CLASS_CHECK_METRICS, REGRESSION_CHECK_METRICS
from fairness._mapping import CHECK_METRICS
from fairness.text import TEXT_CHECK_METRICS


@pytest.mark.parametrize(
    ("metric", "words"),
    [
        ("impact_ratio", "selection-rate impact ratio"),
        ("scoring_impact_ratio", "scoring impact ratio (score above the median)"),
        ("scoring_rate_ratio", "scoring-rate ratio (score above the median)"),
        ("demographic_parity_ratio", "selection-rate ratio (demographic parity)"),
        ("equalized_odds_difference", "largest error-rate difference (equalized odds)"),
        ("false_positive_rate_difference", "false-positive-rate difference"),
        ("true_positive_rate_ratio", "true-positive-rate ratio"),
        ("roc_auc_difference", "ROC AUC difference"),
        ("mean_absolute_error_ratio", "mean absolute error ratio"),
        ("mean_error_difference", "mean error difference (prediction − target)"),
        ("r2_difference", "R² difference"),
        ("refusal_rate_ratio", "refusal-rate ratio"),
        ("selection_rate", "selection rate"),
        ("not_a_metric_name", "not a metric name"),
    ],
)
def test_each_engine_name_reads_as_a_reader_says_it(metric, words):
    assert metric_words(metric) == words


def test_every_metric_a_check_can_name_has_words_without_underscores():
    for metric in {
        *CHECK_METRICS,
        *REGRESSION_CHECK_METRICS,
        *CLASS_CHECK_METRICS,
        *TEXT_CHECK_METRICS,
    }:
        assert "_" not in metric_words(metric), metric


def test_names_with_spaces_read_the_same_as_the_engines():
    assert metric_words("demographic parity ratio") == metric_words("demographic_parity_ratio")


def test_a_disparity_knows_the_measure_it_compares():
    assert measure_of("impact_ratio") == "selection_rate"
    assert measure_of("equal_opportunity_difference") == "true_positive_rate"
    assert measure_of("false_positive_rate_ratio") == "false_positive_rate"
    assert measure_of("equalized_odds_difference") is None  # its drivers name the part


def test_check_words_reads_a_metric_a_configured_check_and_a_shown_check():
    assert check_words("impact_ratio") == "selection-rate impact ratio"
    configured = {"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8}
    assert check_words(configured) == "selection-rate impact ratio ≥ 0.8"
    per_class = {**configured, "metric": "precision_ratio", "class": "low"}
    assert check_words(per_class) == "precision ratio for class “low” ≥ 0.8"
    (shown,) = check_results({"checks": [{**configured, "grouping": "sex", "value": 0.5}]})
    assert check_words(shown) == shown.label == "selection-rate impact ratio"
    assert check_words_filter(configured) == check_words(configured)


def test_gates_read_in_the_same_words():
    gate = {"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8}
    assert gate_words(gate) == "selection-rate ratio (demographic parity) ≥ 0.8 on every grouping"
    assert gate_words(None) == ""


def test_capfirst_keeps_the_rest_as_written():
    assert capfirst("ROC AUC difference") == "ROC AUC difference"
    assert capfirst("true-positive rate") == "True-positive rate"
    assert capfirst("") == ""
