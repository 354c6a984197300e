"""Oracle parity for regression and multiclass: fairlearn's MetricFrame on the raw rows, to 1e-9."""

from __future__ import annotations

import io
import math
import warnings

import numpy as np
import pandas as pd
import sklearn.metrics as skm
from fairlearn.metrics import (
    MetricFrame,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairness import ColumnMapping, assess

from .conftest import csv_bytes

TOLERANCE = 1e-9
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _close(engine, reference) -> bool:
    if reference is None or (isinstance(reference, float) and math.isnan(reference)):
        return engine is None
    return engine is not None and abs(engine - reference) <= TOLERANCE * max(1.0, abs(reference))


@st.composite
def frames(draw, values):
    width = draw(st.integers(1, 3))
    levels = [
        draw(st.lists(st.sampled_from("abcZ"), min_size=1, max_size=3, unique=True))
        for _ in range(width)
    ]
    row = st.tuples(st.tuples(*[st.sampled_from(lv) for lv in levels]), values, values)
    rows = draw(st.lists(row, min_size=1, max_size=60))
    header = [f"s{j}" for j in range(width)]
    frame = pd.DataFrame([[*s, y, p] for s, y, p in rows], columns=[*header, "y", "p"])
    return frame, header


def _groups(frame: pd.DataFrame, columns: list[str]) -> list[tuple[str, pd.Series]]:
    out = [(c, frame[c]) for c in columns]
    if len(columns) > 1:
        out.append((" x ".join(columns), frame[columns].astype(str).agg(" x ".join, axis=1)))
    return out


def _r2(y, p):
    y, p = np.asarray(y, float), np.asarray(p, float)
    return skm.r2_score(y, p) if len(y) >= 2 and y.max() > y.min() else np.nan


REGRESSION = {
    "mean_prediction": lambda y, p: float(np.mean(p)),
    "mean_target": lambda y, p: float(np.mean(y)),
    "mean_absolute_error": skm.mean_absolute_error,
    "root_mean_squared_error": lambda y, p: math.sqrt(skm.mean_squared_error(y, p)),
    "r2": _r2,
    "mean_error": lambda y, p: float(np.mean(np.asarray(p) - np.asarray(y))),
}
NUMBERS = st.sampled_from([0.0, 0.5, 1.0, 2.25, 10.0, -3.5, 7.125])


@SETTINGS
@given(frames(NUMBERS))
def test_regression_metrics_equal_fairlearn_on_raw_rows(case):
    frame, columns = case
    data = csv_bytes(frame.columns, frame.to_numpy().tolist())
    report = assess(
        io.BytesIO(data), ColumnMapping(y_true="y", y_pred="p", sensitive=columns),
        task="regression", bootstrap_draws=20, min_group_size=0,
    ).to_dict()  # fmt: skip
    assert report["task"] == "regression"
    for grouping, (name, features) in zip(
        report["groupings"], _groups(frame, columns), strict=True
    ):
        assert grouping["name"] == name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mf = MetricFrame(
                metrics=REGRESSION,
                y_true=frame["y"].astype(float),
                y_pred=frame["p"].astype(float),
                sensitive_features=features,
            )
        by_label = {str(k): v for k, v in mf.by_group.iterrows()}
        for group in grouping["groups"]:
            expected = by_label[group["label"]]
            assert group["count"] == int((features.astype(str) == group["label"]).sum())
            for metric in REGRESSION:
                assert _close(group["metrics"][metric], float(expected[metric])), (metric, group)
        if len(by_label) >= 2:
            for metric in ("mean_absolute_error", "mean_prediction", "root_mean_squared_error"):
                column = mf.by_group[metric].astype(float)
                assert _close(
                    grouping["disparities"][f"{metric}_difference"],
                    float(column.max() - column.min()),
                )
                if column.max() > 0:
                    assert _close(
                        grouping["disparities"][f"{metric}_ratio"],
                        float(column.min() / column.max()),
                    )


LABELS = st.sampled_from(["cat", "dog", "eel", "fox"])


@SETTINGS
@given(frames(LABELS))
def test_multiclass_rates_equal_fairlearn_with_pos_label_set_to_each_class(case):
    frame, columns = case
    data = csv_bytes(frame.columns, frame.to_numpy().tolist())
    report = assess(
        io.BytesIO(data), ColumnMapping(y_true="y", y_pred="p", sensitive=columns),
        task="multiclass", bootstrap_draws=20,
    ).to_dict()  # fmt: skip
    classes = sorted(set(frame["y"]) | set(frame["p"]))
    assert report["classes_seen"] == classes
    for grouping, (_, features) in zip(report["groupings"], _groups(frame, columns), strict=True):
        for c in classes:
            yt, yp = frame["y"] == c, frame["p"] == c
            functions = {
                "selection_rate": lambda y, p, c=c: selection_rate(y, p, pos_label=c),
            }
            binary = {
                "true_positive_rate": lambda y, p: (
                    true_positive_rate(y, p, pos_label=True) if y.any() else np.nan
                ),
                "false_positive_rate": lambda y, p: (
                    false_positive_rate(y, p, pos_label=True) if (~y).any() else np.nan
                ),
                "precision": lambda y, p: skm.precision_score(
                    y, p, pos_label=True, zero_division=np.nan
                ),
            }
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mf = MetricFrame(
                    metrics=functions,
                    y_true=frame["y"],
                    y_pred=frame["p"],
                    sensitive_features=features,
                )
                ovr = MetricFrame(metrics=binary, y_true=yt, y_pred=yp, sensitive_features=features)
            for group in grouping["groups"]:
                label = group["label"]
                rates = group["classes"][c]
                assert _close(
                    rates["selection_rate"], float(mf.by_group.loc[label, "selection_rate"])
                )
                for metric in binary:
                    assert _close(rates[metric], float(ovr.by_group.loc[label, metric])), (
                        c,
                        metric,
                    )
                accuracy = skm.accuracy_score(
                    frame["y"][features.astype(str) == label],
                    frame["p"][features.astype(str) == label],
                )
                assert _close(group["metrics"]["accuracy"], accuracy)
            if len(grouping["groups"]) >= 2:
                column = mf.by_group["selection_rate"].astype(float)
                assert _close(
                    grouping["class_disparities"][c]["demographic_parity_difference"],
                    float(column.max() - column.min()),
                )
