r"""Per-group metrics: their definitions, computed from confusion counts for all groups at once.

For one group let :math:`TP, FP, FN, TN` be its confusion counts (positive = the favourable
outcome), :math:`n = TP + FP + FN + TN`, :math:`P = TP + FN` the actual positives and
:math:`N = FP + TN` the actual negatives. Then

==========================  =========================================  ==============================
metric                      definition                                 undefined when
==========================  =========================================  ==============================
``count``                   :math:`n`                                  never
``selection_rate``          :math:`(TP + FP) / n`                      never (groups are non-empty)
``base_rate``               :math:`P / n`, the mean of y_true          never
``accuracy``                :math:`(TP + TN) / n`                      never
``balanced_accuracy``       :math:`(TP/P + TN/N) / 2`                  :math:`P = 0` or :math:`N = 0`
``precision``               :math:`TP / (TP + FP)`                     nothing selected
``recall``                  :math:`TP / P` (same as TPR)               :math:`P = 0`
``true_positive_rate``      :math:`TP / P`                             :math:`P = 0`
``false_positive_rate``     :math:`FP / N`                             :math:`N = 0`
``false_negative_rate``     :math:`FN / P`                             :math:`P = 0`
``true_negative_rate``      :math:`TN / N`                             :math:`N = 0`
``f1``                      :math:`2TP / (2TP + FP + FN)`              :math:`2TP + FP + FN = 0`
``roc_auc``                 area under the ROC curve of the score      :math:`P = 0` or :math:`N = 0`
``scoring_rate``            share with score above the sample median   never
==========================  =========================================  ==============================

Without y_true only ``count``, ``selection_rate`` (and ``scoring_rate``) exist.

Every metric is computed from the confusion counts of each group, summed over the count table
(one row per distinct cell, weighted by its number of rows), vectorised over groups and over
bootstrap draws alike. These are the definitions scikit-learn and fairlearn implement, and the tests
check that the numbers equal theirs on the raw rows to 1e-9 (``tests/fairness/test_oracle.py``).
fairlearn's ``MetricFrame`` on the count table gives the same numbers but costs about 1 ms per group
and metric in input validation (0.9 s for the 85 groups of the benchmark, more than reading 10M
rows takes), so it is the tests' oracle rather than the engine's loop. Where fairlearn and
scikit-learn report an undefined value as 0 (a TPR without positives, a precision with
``zero_division``), it is NaN here, later ``null`` with a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

METRIC_NAMES: tuple[str, ...] = (
    "count",
    "selection_rate",
    "base_rate",
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "true_negative_rate",
    "f1",
    "roc_auc",
    "scoring_rate",
)
#: Metrics that need y_true.
OUTCOME_METRICS = frozenset(METRIC_NAMES[2:13])
#: Metrics that need a score.
SCORE_METRICS = frozenset({"roc_auc", "scoring_rate"})
#: Metrics that are proportions k / n, with (k, n) as functions of the confusion counts.
PROPORTIONS: dict[
    str, tuple[Callable[[Mapping[str, Any]], Any], Callable[[Mapping[str, Any]], Any]]
] = {
    "selection_rate": (lambda c: c["tp"] + c["fp"], lambda c: c["n"]),
    "base_rate": (lambda c: c["tp"] + c["fn"], lambda c: c["n"]),
    "accuracy": (lambda c: c["tp"] + c["tn"], lambda c: c["n"]),
    "precision": (lambda c: c["tp"], lambda c: c["tp"] + c["fp"]),
    "recall": (lambda c: c["tp"], lambda c: c["tp"] + c["fn"]),
    "true_positive_rate": (lambda c: c["tp"], lambda c: c["tp"] + c["fn"]),
    "false_positive_rate": (lambda c: c["fp"], lambda c: c["fp"] + c["tn"]),
    "false_negative_rate": (lambda c: c["fn"], lambda c: c["tp"] + c["fn"]),
    "true_negative_rate": (lambda c: c["tn"], lambda c: c["fp"] + c["tn"]),
    "scoring_rate": (lambda c: c["above"], lambda c: c["n"]),
}
Z_95 = 1.959963984540054


def metrics_for(*, has_y_true: bool, has_score: bool) -> tuple[str, ...]:
    """Return the metric names computed in a mode, in :data:`METRIC_NAMES` order."""
    return tuple(
        name
        for name in METRIC_NAMES
        if (has_y_true or name not in OUTCOME_METRICS) and (has_score or name not in SCORE_METRICS)
    )


def confusion_metrics(counts: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Compute every confusion-matrix metric from arrays of counts, NaN where undefined.

    ``counts`` maps ``tp``, ``fp``, ``fn``, ``tn`` (and optionally ``above``) to arrays of one
    shape, e.g. (draws, groups).
    """
    c = dict(counts)
    c["n"] = c["tp"] + c["fp"] + c["fn"] + c["tn"]
    out: dict[str, np.ndarray] = {"count": c["n"].astype(float)}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, (numerator, denominator) in PROPORTIONS.items():
            if name == "scoring_rate" and "above" not in c:
                continue
            den = denominator(c)
            out[name] = np.where(den > 0, numerator(c) / np.where(den > 0, den, 1), np.nan)
        out["balanced_accuracy"] = (out["true_positive_rate"] + out["true_negative_rate"]) / 2
        den = 2 * c["tp"] + c["fp"] + c["fn"]
        out["f1"] = np.where(den > 0, 2 * c["tp"] / np.where(den > 0, den, 1), np.nan)
    return out


def wilson_interval(successes: float, total: float, z: float = Z_95) -> list[float] | None:
    """Wilson score interval of the proportion ``successes / total``; None when total is 0."""
    if total <= 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * np.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return [float(max(0.0, centre - half)), float(min(1.0, centre + half))]


def undefined_reason(name: str, counts: Mapping[str, float], where: str = "this group") -> str:
    """Say in words why metric ``name`` is undefined for the given confusion counts."""
    positives = counts["tp"] + counts["fn"]
    if name == "precision":
        return f"no selected (predicted positive) rows in {where}"
    if name in ("recall", "true_positive_rate", "false_negative_rate"):
        return f"no actual positives in {where}"
    if name in ("false_positive_rate", "true_negative_rate"):
        return f"no actual negatives in {where}"
    if name == "f1":
        return f"no actual positives and no selected rows in {where}"
    if name in ("balanced_accuracy", "roc_auc"):
        has = "positives" if positives else "negatives"
        return f"needs actual positives and actual negatives; {where} has only {has}"
    return f"undefined for {where}"


@dataclass(frozen=True)
class AucLayout:
    """Fine cells (sensitive values, y_true, score) of one grouping, sorted by (group, score).

    Built once per grouping, it gives the ROC AUC of every group for any vector of cell counts:
    the observed counts, or a batch of bootstrap draws.
    """

    order: np.ndarray
    positive: np.ndarray
    run_ends: np.ndarray
    run_group: np.ndarray
    group_ends: np.ndarray

    @classmethod
    def build(cls, y_true: np.ndarray, score: np.ndarray, group: np.ndarray) -> AucLayout:
        """Sort the cells with ``group >= 0`` by (group, score); each group must have a cell."""
        known = np.flatnonzero(group >= 0)
        order = known[np.lexsort((score[known], group[known]))]
        g, s = group[order], score[order]
        change = np.ones(len(order), dtype=bool)
        change[1:] = (g[1:] != g[:-1]) | (s[1:] != s[:-1])
        run_ends = np.r_[np.flatnonzero(change)[1:] - 1, len(order) - 1]
        run_group = g[run_ends]
        new_group = np.r_[False, run_group[1:] != run_group[:-1]]
        return cls(
            order=order,
            positive=y_true[order].astype(float)[:, None],
            run_ends=run_ends,
            run_group=np.cumsum(new_group),
            group_ends=np.r_[np.flatnonzero(new_group[1:]), len(run_ends) - 1],
        )

    def auc(self, draws: np.ndarray) -> np.ndarray:
        """ROC AUC per group, shape (draws, groups), from cell counts of shape (cells, draws).

        With ties counted half, AUC = sum over score values s of P(s) * (N(< s) + N(s) / 2),
        divided by P * N: the Mann-Whitney form of the area under the ROC curve, which is what
        scikit-learn's trapezoidal ``roc_auc_score`` computes. Sums over runs of equal scores and
        over groups are differences of cumulative sums taken at their last rows.
        """
        counts = draws[self.order]
        total = np.cumsum(counts, axis=0)
        counts *= self.positive
        positive = np.cumsum(counts, axis=0)
        pos = _segment_sums(positive, self.run_ends)
        neg_cumulative = total[self.run_ends] - positive[self.run_ends]
        neg = np.diff(neg_cumulative, axis=0, prepend=0.0)
        first = np.zeros((1, counts.shape[1]))
        neg_before_group = np.r_[first, neg_cumulative[self.group_ends[:-1]]]
        below = neg_cumulative - neg - neg_before_group[self.run_group]
        u = _segment_sums(np.cumsum(pos * (below + neg / 2), axis=0), self.group_ends)
        p = _segment_sums(np.cumsum(pos, axis=0), self.group_ends)
        n = _segment_sums(neg_cumulative, self.group_ends)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((p > 0) & (n > 0), u / (p * n), np.nan).T


def _segment_sums(cumulative: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Sums of consecutive segments ending at rows ``ends``, from a cumulative sum."""
    return np.diff(cumulative[ends], axis=0, prepend=0.0)


def roc_auc(
    y_true: np.ndarray, score: np.ndarray, counts: np.ndarray, group: np.ndarray, size: int
) -> np.ndarray:
    """ROC AUC of each of ``size`` groups from fine cells (NaN without both classes)."""
    if size == 0 or not (group >= 0).any():
        return np.full(size, np.nan)
    layout = AucLayout.build(y_true, score, group)
    auc: np.ndarray = layout.auc(counts[:, None].astype(float))[0]
    return auc
