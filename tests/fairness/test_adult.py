"""The real model: demo_data/adult_predictions.csv (see demo_data/README.md)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
import sklearn.metrics as skm
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)

from fairness import ColumnMapping, assess

from .conftest import ADULT

MAPPING = ColumnMapping(
    y_true="income_over_50k",
    y_pred="predicted_over_50k",
    score="score",
    sensitive=["sex", "race", "age_group"],
    pos_label="1",
)


@pytest.fixture(scope="module")
def report():
    return assess(ADULT, MAPPING, bootstrap_draws=200)


@pytest.fixture(scope="module")
def rows():
    return pd.read_csv(ADULT)


def test_sex_grouping_fails_the_four_fifths_screen(report):
    check = next(c for c in report.checks if c["name"] == "four_fifths" and c["grouping"] == "sex")
    assert check["passed"] is False
    assert check["value"] == pytest.approx(0.3177, abs=1e-4)
    assert report.grouping("sex")["reference_group"] == "Male"
    assert report.passed is False


@pytest.mark.parametrize("column", ["sex", "race", "age_group"])
def test_group_metrics_equal_fairlearn_on_the_raw_rows(report, rows, column):
    y, decision, score = rows["income_over_50k"], rows["predicted_over_50k"], rows["score"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_decision = MetricFrame(
            metrics={
                "selection_rate": selection_rate,
                "true_positive_rate": true_positive_rate,
                "false_positive_rate": false_positive_rate,
                "precision": skm.precision_score,
                "accuracy": skm.accuracy_score,
                "balanced_accuracy": skm.balanced_accuracy_score,
                "f1": skm.f1_score,
            },
            y_true=y,
            y_pred=decision,
            sensitive_features=rows[column],
        ).by_group
        by_score = MetricFrame(
            metrics=skm.roc_auc_score, y_true=y, y_pred=score, sensitive_features=rows[column]
        ).by_group
    groups = {g["label"]: g for g in report.grouping(column)["groups"]}
    assert set(groups) == set(by_decision.index)
    for label, expected in by_decision.iterrows():
        metrics = groups[label]["metrics"]
        assert metrics["count"] == int((rows[column] == label).sum())
        for name, value in expected.items():
            assert metrics[name] == pytest.approx(value, abs=1e-9), (label, name)
        assert metrics["roc_auc"] == pytest.approx(by_score[label], abs=1e-9)


@pytest.mark.parametrize("column", ["sex", "race", "age_group"])
def test_disparities_equal_fairlearn_functions_on_the_raw_rows(report, rows, column):
    y, decision, groups = rows["income_over_50k"], rows["predicted_over_50k"], rows[column]
    ours = report.grouping(column)["disparities"]
    for name, function in [
        ("demographic_parity_difference", demographic_parity_difference),
        ("demographic_parity_ratio", demographic_parity_ratio),
        ("equalized_odds_difference", equalized_odds_difference),
        ("equalized_odds_ratio", equalized_odds_ratio),
    ]:
        assert ours[name] == pytest.approx(
            function(y, decision, sensitive_features=groups), abs=1e-9
        )


def test_the_selection_rates_match_the_readme(report):
    groups = {g["label"]: g for g in report.grouping("sex")["groups"]}
    assert groups["Female"]["metrics"]["selection_rate"] == pytest.approx(0.079, abs=5e-4)
    assert groups["Male"]["metrics"]["selection_rate"] == pytest.approx(0.249, abs=5e-4)


def test_intervals_surround_the_estimates(report):
    sex = report.grouping("sex")
    low, high = sex["disparity_intervals"]["demographic_parity_ratio"]
    assert low < sex["disparities"]["demographic_parity_ratio"] < high
    for group in sex["groups"]:
        for name in ("selection_rate", "roc_auc", "f1"):
            low, high = group["intervals"][name]
            assert low <= group["metrics"][name] <= high, (group["label"], name)
