"""The reference: fairlearn and scikit-learn run on the raw rows, written independently of the engine.

Undefined values are NaN here; fairlearn and scikit-learn would report some of them as 0 (a TPR
without positives) or warn, so each wrapper says when its metric is undefined.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import sklearn.metrics as skm
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)


def _pos(y) -> bool:
    return bool((np.asarray(y) == 1).any())


def _neg(y) -> bool:
    return bool((np.asarray(y) == 0).any())


def raw_metrics(*, with_outcome: bool, with_score: bool) -> dict:
    """Metric functions of (y_true, y_pred, extras...) on raw rows, NaN when undefined."""
    nan = np.nan
    out = {
        "count": lambda yt, yp, score, above: float(len(yt)),
        "selection_rate": lambda yt, yp, score, above: selection_rate(yt, yp, pos_label=1),
    }
    if with_outcome:
        out |= {
            "base_rate": lambda yt, yp, score, above: float(np.mean(yt)),
            "accuracy": lambda yt, yp, score, above: skm.accuracy_score(yt, yp),
            "balanced_accuracy": lambda yt, yp, score, above: (
                skm.balanced_accuracy_score(yt, yp) if _pos(yt) and _neg(yt) else nan
            ),
            "precision": lambda yt, yp, score, above: skm.precision_score(
                yt, yp, labels=[0, 1], zero_division=nan
            ),
            "recall": lambda yt, yp, score, above: (
                skm.recall_score(yt, yp, labels=[0, 1]) if _pos(yt) else nan
            ),
            "true_positive_rate": lambda yt, yp, score, above: (
                true_positive_rate(yt, yp, pos_label=1) if _pos(yt) else nan
            ),
            "false_positive_rate": lambda yt, yp, score, above: (
                false_positive_rate(yt, yp, pos_label=1) if _neg(yt) else nan
            ),
            "false_negative_rate": lambda yt, yp, score, above: (
                false_negative_rate(yt, yp, pos_label=1) if _pos(yt) else nan
            ),
            "true_negative_rate": lambda yt, yp, score, above: (
                true_negative_rate(yt, yp, pos_label=1) if _neg(yt) else nan
            ),
            "f1": lambda yt, yp, score, above: skm.f1_score(
                yt, yp, labels=[0, 1], zero_division=nan
            ),
        }
    if with_outcome and with_score:
        out["roc_auc"] = lambda yt, yp, score, above: (
            skm.roc_auc_score(yt, score) if _pos(yt) and _neg(yt) else nan
        )
    if with_score:
        out["scoring_rate"] = lambda yt, yp, score, above: selection_rate(yt, above, pos_label=1)
    return out


def metric_frame(frame: pd.DataFrame, functions: dict, groups: pd.Series) -> MetricFrame:
    """MetricFrame on raw rows with columns y_true, y_pred, score, above."""
    wrapped = {
        name: (
            lambda yt, yp, score, above, f=f: f(
                np.asarray(yt), np.asarray(yp), np.asarray(score), np.asarray(above)
            )
        )
        for name, f in functions.items()
    }
    params = {
        name: {"score": frame["score"].to_numpy(), "above": frame["above"].to_numpy()}
        for name in functions
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MetricFrame(
            metrics=wrapped,
            y_true=frame["y_true"].to_numpy(),
            y_pred=frame["y_pred"].to_numpy(),
            sensitive_features=groups.reset_index(drop=True),
            sample_params=params,
        )


def on_rows(frame: pd.DataFrame, functions: dict) -> dict[str, float]:
    """Each metric evaluated once on all of ``frame``'s rows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            name: float(
                f(
                    frame["y_true"].to_numpy(),
                    frame["y_pred"].to_numpy(),
                    frame["score"].to_numpy(),
                    frame["above"].to_numpy(),
                )
            )
            for name, f in functions.items()
        }
