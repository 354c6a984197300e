r"""Regression figures: per-group metrics, their intervals, disparities and impact ratios.

Per group (equal to fairlearn's ``MetricFrame`` with scikit-learn's functions on the raw rows):

- ``mean_prediction``, ``mean_target``: the means of y_pred and y_true;
- ``mean_absolute_error`` :math:`\sum |p - y| / n`; ``root_mean_squared_error``
  :math:`\sqrt{\sum (p - y)^2 / n}`; ``mean_error`` :math:`\sum (p - y) / n` (signed: prediction
  minus target, positive when the model over-predicts);
- ``r2`` :math:`1 - \sum (p - y)^2 / \sum (y - \bar y)^2`, ``null`` with fewer than 2 rows or a
  constant target (scikit-learn would return 0, 1 or NaN);
- with a decision threshold ``T``: ``selection_rate``, the share with ``y_pred >= T`` (Wilson
  interval), its LL144 impact ratios and the four-fifths screen.

Intervals (95%): groups of at least ``SMALL_GROUP`` (200) rows get normal-approximation intervals
from the streamed moments (the delta method for the root mean squared error and :math:`r^2`);
smaller groups get bootstrap percentile intervals from their rows (``interval_method`` says
which). Disparity intervals come from the same draws: per draw, a small group's metric is
computed on a resample of its rows and a large group's is drawn from its normal approximation
(its selection count from the binomial); the disparity of each draw is taken over the groups, and
the interval is the 2.5th to 97.5th percentile. ``to_overall`` holds the overall value at its
point value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._bootstrap import percentile_interval
from ._disparity import all_disparities, disparity_reason
from ._drivers import disparity_drivers, impact_drivers
from ._groups import UNKNOWN, Grouping, build_groupings, impact_ratios
from ._metrics import Z_95, wilson_interval
from ._regression import SMALL_GROUP, RegressionTable
from ._table import Cells, Table

REGRESSION_METRICS: tuple[str, ...] = (
    "mean_prediction", "mean_target", "mean_absolute_error", "root_mean_squared_error", "r2",
    "mean_error",
)  # fmt: skip
REGRESSION_DISPARITY_NAMES: tuple[str, ...] = tuple(
    f"{m}_{kind}"
    for m in (*REGRESSION_METRICS, "selection_rate")
    for kind in ("difference", "ratio")
)
NEEDS_THRESHOLD = "needs a decision threshold (threshold T: the decision y_pred >= T), none given"
R2_UNDEFINED = "needs at least 2 rows and a target that is not constant in {where}"


def _sum_groups(table: RegressionTable, group: np.ndarray, size: int) -> dict[str, np.ndarray]:
    keep = group >= 0
    g = group[keep]
    out = {k: np.bincount(g, weights=v[keep], minlength=size) for k, v in table.sums.items()}
    n_c, mean_c = (
        table.sums["n"][keep],
        table.sums["sy"][keep] / np.maximum(table.sums["n"][keep], 1),
    )
    mean_g = out["sy"] / np.maximum(out["n"], 1)
    spread = n_c * (mean_c - mean_g[g]) ** 2
    out["m2y"] = np.bincount(g, weights=table.m2y[keep] + spread, minlength=size)
    out["ymin"] = np.full(size, np.inf)
    out["ymax"] = np.full(size, -np.inf)
    np.minimum.at(out["ymin"], g, table.ymin[keep])
    np.maximum.at(out["ymax"], g, table.ymax[keep])
    return out


def point_metrics(s: dict[str, np.ndarray], threshold: float | None) -> dict[str, np.ndarray]:
    """Every regression metric of each group from its sums (NaN where undefined)."""
    n = s["n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {
            "count": n.astype(float),
            "mean_prediction": s["sp"] / n,
            "mean_target": s["sy"] / n,
            "mean_absolute_error": s["sae"] / n,
            "root_mean_squared_error": np.sqrt(s["se2"] / n),
            "r2": np.where((n >= 2) & (s["ymax"] > s["ymin"]), 1 - s["se2"] / s["m2y"], np.nan),
            "mean_error": s["se"] / n,
        }
        if threshold is not None:
            out["selection_rate"] = s["sel"] / n
    return out


def standard_errors(s: dict[str, np.ndarray], shift: tuple[float, float]) -> dict[str, np.ndarray]:
    """Normal-approximation standard errors of each metric from the moments."""
    n = s["n"]
    cy, cp = shift
    with np.errstate(divide="ignore", invalid="ignore"):
        m1 = n - 1
        dp = s["sp"] - n * cp
        var_p = (s["sq2"] - dp**2 / n) / m1
        var_e = (s["se2"] - s["se"] ** 2 / n) / m1
        var_ae = (s["se2"] - s["sae"] ** 2 / n) / m1
        var_e2 = (s["se4"] - s["se2"] ** 2 / n) / m1
        rmse = np.sqrt(s["se2"] / n)
        a, b = s["se2"] / n, s["m2y"] / n
        m = (s["sy"] - n * cy) / n
        mu4 = s["sd4"] / n - 4 * m * s["sd3"] / n + 6 * m * m * s["sd2"] / n - 3 * m**4
        cross = s["se2d2"] / n - 2 * m * s["se2d"] / n + m * m * a
        var_a, var_b, cov = s["se4"] / n - a * a, mu4 - b * b, cross - a * b
        var_r2 = (var_a / b**2 - 2 * a * cov / b**3 + a * a * var_b / b**4) / n
        return {
            "mean_prediction": np.sqrt(np.maximum(var_p, 0) / n),
            "mean_target": np.sqrt(np.maximum(s["m2y"] / m1, 0) / n),
            "mean_absolute_error": np.sqrt(np.maximum(var_ae, 0) / n),
            "root_mean_squared_error": np.sqrt(np.maximum(var_e2, 0) / n) / (2 * rmse),
            "r2": np.sqrt(np.maximum(var_r2, 0)),
            "mean_error": np.sqrt(np.maximum(var_e, 0) / n),
        }


def _row_draws(
    y: np.ndarray,
    p: np.ndarray,
    w: np.ndarray,
    draws: int,
    rng: np.random.Generator,
    threshold: float | None,
) -> dict[str, np.ndarray]:
    """Metric draws of one small group: its rows resampled ``draws`` times (multinomially)."""
    n = int(round(w.sum()))
    counts = rng.multinomial(n, w / w.sum(), size=draws).astype(float)
    e = p - y
    centre = y - y.mean()
    s = {
        "n": np.full(draws, float(n)), "sy": counts @ y, "sp": counts @ p,
        "sae": counts @ np.abs(e), "se": counts @ e, "se2": counts @ (e * e),
        "sel": counts @ (p >= threshold).astype(float) if threshold is not None else np.zeros(draws),
    }  # fmt: skip
    s["m2y"] = counts @ (centre**2) - (counts @ centre) ** 2 / n
    present = counts > 0
    s["ymin"] = np.where(present, y, np.inf).min(1)
    s["ymax"] = np.where(present, y, -np.inf).max(1)
    return point_metrics(s, threshold)


class RegressionEvaluation:
    """Every figure of a regression table, grouping by grouping."""

    def __init__(
        self,
        table: RegressionTable,
        *,
        draws: int,
        seed: int,
        method: str,
        min_group_size: int,
        exclusion_share: float,
        reference: Any,
        four_fifths: float,
    ) -> None:
        self.table, self.draws, self.method = table, draws, method
        self.min_group_size, self.exclusion_share = min_group_size, exclusion_share
        self.reference, self.four_fifths = reference, four_fifths
        self.rng = np.random.default_rng(seed)
        self.names = [*REGRESSION_METRICS] + (
            ["selection_rate"] if table.threshold is not None else []
        )
        self.disparity_names = [
            d for d in REGRESSION_DISPARITY_NAMES if d.rsplit("_", 1)[0] in self.names
        ]
        counts = table.sums["n"].astype(np.int64)
        size = len(counts)
        zeros = np.zeros(size, dtype=np.int8)
        cells = Cells(
            codes=table.codes, y_true=zeros, y_pred=zeros, above=zeros, score=None, counts=counts
        )
        self.shape = Table(
            sensitive=table.sensitive, levels=table.levels, has_y_true=True, has_score=False,
            cells=cells, fine=None, rows=table.rows, rows_used=table.rows_used,
            missing=table.missing, labels={}, pos_label="", median=None, score_range=None,
        )  # fmt: skip

    def groupings(self, max_groups: int) -> list[Grouping]:
        return build_groupings(self.shape, max_groups=max_groups)

    def entry(
        self,
        values: dict[str, float],
        s: dict[str, float],
        se: dict[str, float],
        small_draws: dict[str, np.ndarray] | None,
        where: str,
    ) -> dict[str, Any]:
        metrics: dict[str, Any] = {}
        undefined: dict[str, str] = {}
        intervals: dict[str, Any] = {}
        for name in ["count", *self.names]:
            value = float(values[name])
            metrics[name] = (
                int(round(value)) if name == "count" else (None if np.isnan(value) else value)
            )
            if name == "count":
                continue
            if metrics[name] is None:
                undefined[name] = R2_UNDEFINED.format(where=where)
                intervals[name] = None
            elif name == "selection_rate":
                intervals[name] = wilson_interval(float(s["sel"]), float(s["n"]))
            elif small_draws is not None:
                intervals[name] = percentile_interval(small_draws[name])
            else:
                half = Z_95 * float(se[name])
                intervals[name] = [value - half, value + half] if np.isfinite(half) else None
        method = "bootstrap" if small_draws is not None else "normal"
        return {
            "metrics": metrics,
            "undefined": undefined,
            "intervals": intervals,
            "interval_method": method,
        }

    def overall(self) -> dict[str, Any]:
        group = np.zeros(len(self.table.sums["n"]), dtype=np.int64)
        s = _sum_groups(self.table, group, 1)
        values = point_metrics(s, self.table.threshold)
        se = standard_errors(s, self.table.shift)
        entry = self.entry(
            {k: v[0] for k, v in values.items()},
            {k: v[0] for k, v in s.items()},
            {k: v[0] for k, v in se.items()},
            None,
            "the data",
        )
        return {
            **entry["metrics"],
            "intervals": entry["intervals"],
            "undefined": entry["undefined"],
        }

    def _draws(
        self,
        s: dict[str, np.ndarray],
        values: dict[str, np.ndarray],
        se: dict[str, np.ndarray],
        group_of_row: np.ndarray,
        size: int,
    ) -> tuple[dict[str, np.ndarray], list[dict[str, np.ndarray] | None]]:
        """(draws, shape (draws, groups), per metric; per group its row draws when small)."""
        t = self.table
        out = {name: np.full((self.draws, size), np.nan) for name in self.names}
        small: list[dict[str, np.ndarray] | None] = []
        for g in range(size):
            n = s["n"][g]
            if n < SMALL_GROUP:
                rows = group_of_row == g
                got = _row_draws(
                    t.rows_y[rows],
                    t.rows_p[rows],
                    t.rows_w[rows],
                    self.draws,
                    self.rng,
                    t.threshold,
                )
                small.append(got)
                for name in self.names:
                    out[name][:, g] = got[name]
                continue
            small.append(None)
            for name in REGRESSION_METRICS:
                if np.isfinite(values[name][g]) and np.isfinite(se[name][g]):
                    out[name][:, g] = self.rng.normal(values[name][g], se[name][g], self.draws)
            if t.threshold is not None:
                out["selection_rate"][:, g] = (
                    self.rng.binomial(int(n), values["selection_rate"][g], self.draws) / n
                )
        return out, small

    def _spread(
        self, values: dict[str, np.ndarray], overall: dict[str, Any], labels: Sequence[str]
    ) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
        result = all_disparities(
            self.disparity_names,
            {k: v[None, :] for k, v in values.items()},
            {k: np.asarray(v)[None] for k, v in overall.items()},
            self.method,
        )
        disparities: dict[str, Any] = {}
        reasons: dict[str, str] = {}
        for name in self.disparity_names:
            value = float(result[name][0])
            disparities[name] = value if np.isfinite(value) else None
            if disparities[name] is None:
                reasons[name] = (
                    disparity_reason(
                        name, values, {k: float(v) for k, v in overall.items()}, self.method
                    )
                    if len(labels) >= 2
                    else "there are fewer than two groups with a known value"
                )
        drivers = disparity_drivers(
            self.disparity_names, values, overall, labels, self.method, disparities
        )
        return disparities, reasons, drivers

    def _intervals(self, draws: dict[str, np.ndarray], overall: dict[str, Any]) -> dict[str, Any]:
        if not self.draws:
            return dict.fromkeys(self.disparity_names)
        fixed = {k: np.full(self.draws, v) for k, v in overall.items()}
        result = all_disparities(self.disparity_names, draws, fixed, self.method)
        return {name: percentile_interval(result[name]) for name in self.disparity_names}

    def grouping(self, grouping: Grouping) -> dict[str, Any]:
        t, size = self.table, grouping.size
        s = _sum_groups(t, grouping.cell_group, size)
        values = point_metrics(s, t.threshold)
        se = standard_errors(s, t.shift)
        group_of_row = (
            grouping.cell_group[t.rows_cell] if len(t.rows_cell) else np.zeros(0, dtype=np.int64)
        )
        if self.draws:
            draws, small = self._draws(s, values, se, group_of_row, size)
        else:
            draws, small = {}, [None] * size
        known = np.where(grouping.cell_group >= 0, 0, -1)
        overall_values = point_metrics(_sum_groups(t, known, 1), t.threshold)
        overall = {k: float(v[0]) for k, v in overall_values.items()}
        disparities, reasons, drivers = (
            self._spread(values, overall, grouping.labels)
            if size
            else (
                dict.fromkeys(self.disparity_names),
                dict.fromkeys(self.disparity_names, "there is no group with a known value"),
                dict.fromkeys(self.disparity_names),
            )
        )
        shares = s["n"] / max(t.rows_used, 1)
        groups = []
        for g in range(size):
            entry = self.entry(
                {k: v[g] for k, v in values.items()},
                {k: v[g] for k, v in s.items()},
                {k: v[g] for k, v in se.items()},
                small[g],
                "this group",
            )
            count = int(round(s["n"][g]))
            flags = ["small_group"] if count < self.min_group_size else []
            groups.append(
                {
                    "key": grouping.keys[g],
                    "label": grouping.labels[g],
                    "unknown": False,
                    "count": count,
                    "share": float(shares[g]),
                    "excluded": False,
                    **entry,
                    "flags": flags,
                    "warnings": [],
                }
            )
        document: dict[str, Any] = {
            "name": grouping.name, "columns": list(grouping.columns), "groups": groups,
            "unknown_count": grouping.unknown_count, "disparities": disparities,
            "disparity_intervals": self._intervals(draws, overall) if size else dict.fromkeys(self.disparity_names),
            "disparity_drivers": drivers, "undefined": reasons,
        }  # fmt: skip
        document |= self._reliable(grouping, s, draws)
        if t.threshold is not None:
            document |= self._impact(grouping, values, s, shares, draws, groups)
        else:
            document["impact_ratio_needs"] = NEEDS_THRESHOLD
        if grouping.unknown_count:
            groups.append(self._unknown(grouping))
        return document

    def _reliable(
        self, grouping: Grouping, s: dict[str, np.ndarray], draws: dict[str, np.ndarray]
    ) -> dict[str, Any]:
        index = np.flatnonzero(s["n"] >= self.min_group_size)
        labels = [grouping.labels[g] for g in index]
        entry: dict[str, Any] = {"reliable_groups": labels}
        if len(index) < 2:
            why = f"fewer than two groups have at least {self.min_group_size} rows ({len(index)} such group(s)); groups with fewer rows and Unknown are left out of reliable disparities"
            return entry | {
                "reliable_disparities": dict.fromkeys(self.disparity_names),
                "reliable_disparity_intervals": dict.fromkeys(self.disparity_names),
                "reliable_disparity_drivers": dict.fromkeys(self.disparity_names),
                "reliable_undefined": dict.fromkeys(self.disparity_names, why),
            }
        remap = np.full(grouping.size + 1, -1, dtype=np.int64)
        remap[index] = np.arange(len(index))
        cell = remap[grouping.cell_group]
        t = self.table
        values = point_metrics(_sum_groups(t, cell, len(index)), t.threshold)
        overall_values = point_metrics(_sum_groups(t, np.where(cell >= 0, 0, -1), 1), t.threshold)
        overall = {k: float(v[0]) for k, v in overall_values.items()}
        disparities, reasons, drivers = self._spread(values, overall, labels)
        intervals = (
            self._intervals({k: v[:, index] for k, v in draws.items()}, overall)
            if self.draws
            else dict.fromkeys(self.disparity_names)
        )
        return entry | {
            "reliable_disparities": disparities,
            "reliable_disparity_intervals": intervals,
            "reliable_disparity_drivers": drivers,
            "reliable_undefined": reasons,
        }

    def _impact(
        self,
        grouping: Grouping,
        values: dict[str, np.ndarray],
        s: dict[str, np.ndarray],
        shares: np.ndarray,
        draws: dict[str, np.ndarray],
        groups: list[dict[str, Any]],
    ) -> dict[str, Any]:
        reference = (
            self.reference.get(grouping.name)
            if isinstance(self.reference, dict)
            else self.reference
        )
        rates = values["selection_rate"]
        impacts = impact_ratios(
            rates,
            s["n"],
            shares,
            grouping.labels,
            exclusion_share=self.exclusion_share,
            reference=reference,
            rate_name="selection rate",
        )
        for g, group in enumerate(groups):
            ratio = impacts.ratios[g]
            group["impact_ratio"] = None if np.isnan(ratio) else float(ratio)
            group["excluded"] = bool(impacts.excluded[g])
            if impacts.reasons[g] and group["impact_ratio"] is None:
                group["undefined"]["impact_ratio"] = impacts.reasons[g]
            if impacts.reference == g:
                group["flags"].insert(0, "reference")
            if group["excluded"]:
                group["flags"].append("excluded")
            if group["impact_ratio"] is not None and group["impact_ratio"] < self.four_fifths:
                group["flags"].append("below_four_fifths")
        entry: dict[str, Any] = {
            "reference_group": None if impacts.reference is None else grouping.labels[impacts.reference],
            "reference_rule": impacts.rule, "impact_ratio_min": impacts.minimum,
            "impact_ratio_min_drivers": impact_drivers(impacts.ratios, rates, impacts.reference, grouping.labels),
            "impact_ratio_min_interval": None,
        }  # fmt: skip
        if impacts.minimum_reason:
            entry["undefined"] = {"impact_ratio": impacts.minimum_reason}
        if impacts.minimum is not None and self.draws and impacts.reference is not None:
            included = ~impacts.excluded
            included[impacts.reference] = True
            drawn = draws["selection_rate"]
            base = drawn[:, impacts.reference]
            with np.errstate(divide="ignore", invalid="ignore"):
                lowest = np.where(included, drawn, np.inf).min(1) / base
            entry["impact_ratio_min_interval"] = percentile_interval(
                np.where(base > 0, lowest, np.nan)
            )
        return entry

    def _unknown(self, grouping: Grouping) -> dict[str, Any]:
        t = self.table
        unknown = np.where(grouping.cell_group < 0, 0, -1)
        s = _sum_groups(t, unknown, 1)
        values = point_metrics(s, t.threshold)
        se = standard_errors(s, t.shift)
        entry = self.entry(
            {k: v[0] for k, v in values.items()},
            {k: v[0] for k, v in s.items()},
            {k: v[0] for k, v in se.items()},
            None,
            "this group",
        )
        why = "rows with an empty value are left out of impact ratios and disparities"
        return {
            "key": dict.fromkeys(grouping.columns),
            "label": UNKNOWN,
            "unknown": True,
            "count": grouping.unknown_count,
            "share": grouping.unknown_count / max(t.rows_used, 1),
            "excluded": False,
            **entry,
            "impact_ratio": None,
            "flags": ["unknown"],
            "warnings": [why],
        }
