"""Regression and multiclass: intervals, thresholds, checks per class, errors, Parquet and counts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from fairness import Check, ColumnMapping, DatasetError, assess, format_text
from fairness._errors import ERROR_MESSAGES

REGRESSION = ColumnMapping(y_true="y", y_pred="p", sensitive=["sex"])


def _regression_table(n: int = 1000, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M", "X"], n, p=[0.6, 0.37, 0.03])
    y = rng.normal(10, 2, n).round(3)
    p = (y + rng.normal(0, 1, n) + (sex == "F")).round(3)
    return pa.table({"sex": sex, "y": y, "p": p})


def test_regression_intervals_say_their_method_and_surround_the_values(tmp_path):
    pcsv.write_csv(_regression_table(), tmp_path / "r.csv")
    report = assess(tmp_path / "r.csv", REGRESSION, bootstrap_draws=300).to_dict()
    assert report["task"] == "regression" and report["task_inference"]["inferred"] is True
    groups = {g["label"]: g for g in report["groupings"][0]["groups"]}
    assert groups["F"]["interval_method"] == "normal"
    assert groups["X"]["interval_method"] == "bootstrap"
    for group in groups.values():
        for name, (low, high) in group["intervals"].items():
            assert low <= group["metrics"][name] <= high, (group["label"], name)
    assert "four_fifths" not in {c["name"] for c in report["checks"]}
    assert "selection_rate" not in report["metrics"]


def test_a_threshold_gives_selection_rates_impact_ratios_and_the_screen(tmp_path):
    pcsv.write_csv(_regression_table(), tmp_path / "r.csv")
    report = assess(
        tmp_path / "r.csv", REGRESSION, task="regression", decision_threshold=10.5,
        checks=["mean_absolute_error_ratio >= 0.5"], bootstrap_draws=200,
    )  # fmt: skip
    document = report.to_dict()
    grouping = document["groupings"][0]
    assert grouping["impact_ratio_min"] is not None
    assert grouping["impact_ratio_min_interval"] is not None
    names = [(c["name"], c["verdict"]) for c in document["checks"]]
    assert names[0][0] == "four_fifths"
    assert ("mean_absolute_error_ratio >= 0.5", "pass") in names
    assert "Fairness report" in format_text(report)


def test_regression_from_parquet_and_counts_equals_the_csv(tmp_path):
    table = _regression_table(400)
    pcsv.write_csv(table, tmp_path / "r.csv")
    pq.write_table(table, tmp_path / "r.parquet")
    a = assess(tmp_path / "r.csv", REGRESSION, task="regression", bootstrap_draws=0).to_dict()
    b = assess(tmp_path / "r.parquet", REGRESSION, task="regression", bootstrap_draws=0).to_dict()
    assert a["groupings"] == b["groupings"]
    rows = tmp_path / "dup.csv"
    rows.write_text("sex,y,p\n" + "F,1.5,2\n" * 3 + "M,2,2.5\n" * 2 + "F,0,0.5\n")
    counts = tmp_path / "counts.csv"
    counts.write_text("sex,y,p,n\nM,2,2.5,2\nF,0,0.5,1\nF,1.5,2,3\n")
    c = assess(rows, REGRESSION, task="regression", bootstrap_draws=50).to_dict()
    d = assess(
        counts, dataclasses.replace(REGRESSION, counts="n"), task="regression", bootstrap_draws=50
    ).to_dict()
    assert d["input"]["rows"] == 6 and d["input"]["cells"] == 3
    for g, h in zip(c["groupings"][0]["groups"], d["groupings"][0]["groups"], strict=True):
        assert g["metrics"] == pytest.approx(h["metrics"])


def test_r2_is_null_for_a_constant_target(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("sex,y,p\nF,1,1.5\nF,1,0.5\nM,2,2.5\nM,3,2.5\n")
    report = assess(path, REGRESSION, task="regression", bootstrap_draws=0).to_dict()
    female = report["groupings"][0]["groups"][0]
    assert female["metrics"]["r2"] is None and "r2" in female["undefined"]


def test_regression_errors(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("sex,y,p\nF,1,1.5\nM,x,0.5\n")
    with pytest.raises(DatasetError) as caught:
        assess(path, REGRESSION, task="regression")
    assert caught.value.code == "non_numeric_values" and caught.value.line == 3
    assert str(caught.value) == ERROR_MESSAGES["non_numeric_values"].format(
        column="y", role="y_true", values="'x' (line 3)"
    )
    with pytest.raises(DatasetError) as caught:
        assess(path, ColumnMapping(y_pred="p", sensitive=["sex"]), task="regression")
    assert caught.value.code == "regression_needs_y_pred"
    with pytest.raises(DatasetError) as caught:
        assess(path, REGRESSION, task="ordinal")
    assert str(caught.value) == (
        "Unknown task 'ordinal'; use 'binary', 'regression' or 'multiclass'."
    )


MULTI = ColumnMapping(y_true="y", y_pred="p", sensitive=["sex"])


def _multiclass(tmp_path, classes: list[str], n: int = 600):
    rng = np.random.default_rng(1)
    path = tmp_path / "m.csv"
    pcsv.write_csv(
        pa.table(
            {
                "sex": rng.choice(["F", "M"], n),
                "y": rng.choice(classes, n),
                "p": rng.choice(classes, n),
            }
        ),
        path,
    )
    return path


def test_multiclass_document_and_per_class_checks(tmp_path):
    path = _multiclass(tmp_path, ["cat", "dog", "eel"])
    report = assess(
        path, MULTI, checks=["demographic_parity_ratio[dog] >= 0.5", "equalized_odds_difference <= 0.5"],
        bootstrap_draws=200,
    ).to_dict()  # fmt: skip
    assert report["task"] == "multiclass" and report["classes_seen"] == ["cat", "dog", "eel"]
    group = report["groupings"][0]["groups"][0]
    assert set(group["classes"]) == {"cat", "dog", "eel"}
    assert set(group["class_intervals"]["dog"]) == {
        "selection_rate",
        "true_positive_rate",
        "false_positive_rate",
        "precision",
    }
    assert sum(map(sum, group["confusion_matrix"]["rows_true_columns_predicted"])) == group["count"]
    checks = [(c["name"], c.get("class"), c["verdict"]) for c in report["checks"]]
    assert checks[0] == ("demographic_parity_ratio[dog] >= 0.5", "dog", "pass")
    assert [c[1] for c in checks[1:]] == ["cat", "dog", "eel"]
    assert Check.parse("dp: precision_ratio[Class A] >= 0.8").class_name == "Class A"


def test_a_class_not_seen_is_inconclusive_with_a_reason(tmp_path):
    path = _multiclass(tmp_path, ["cat", "dog", "eel"])
    report = assess(path, MULTI, checks=["demographic_parity_ratio[owl] >= 0.8"], bootstrap_draws=0)
    check = report.to_dict()["checks"][0]
    assert check["verdict"] == "inconclusive"
    assert check["reason"] == "the class 'owl' is not among the classes seen (cat, dog, eel)"


def test_more_than_50_classes_is_an_error_naming_the_column(tmp_path):
    path = _multiclass(tmp_path, [f"c{i:02d}" for i in range(60)], n=3000)
    with pytest.raises(DatasetError) as caught:
        assess(path, MULTI, task="multiclass")
    assert caught.value.code == "too_many_classes"
    assert str(caught.value).startswith("Column 'y' (y_true) has more than 50 different values")
