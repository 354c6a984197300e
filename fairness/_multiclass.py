r"""Multiclass: per group and per class, one-vs-rest rates from each group's confusion matrix.

The labels are text; the classes are the distinct values of y_true and y_pred, sorted
(``classes_seen``), at most :data:`MAX_CLASSES`. The file is reduced to a count table of
(sensitive values, true class, predicted class) cells, so each group's :math:`K \times K`
confusion matrix :math:`C` (rows: true class, columns: predicted) is a sum over cells. For a
class :math:`c` with :math:`n` rows in the group, :math:`P_c = \sum_j C_{cj}` rows of that class
and :math:`S_c = \sum_i C_{ic}` predicted as it:

- ``selection_rate`` :math:`S_c / n` (fairlearn's ``selection_rate`` with ``pos_label=c``);
- ``true_positive_rate`` :math:`C_{cc} / P_c`, ``false_positive_rate``
  :math:`(S_c - C_{cc}) / (n - P_c)`, ``precision`` :math:`C_{cc} / S_c` (one-vs-rest, as
  fairlearn's and scikit-learn's functions with ``pos_label=c``); ``null`` when the denominator
  is 0;
- per group ``accuracy`` :math:`\sum_c C_{cc} / n`.

Per class, the disparities of these rates (``demographic_parity_*``, ``equalized_odds_*``,
``equal_opportunity_*`` and the generic ``<rate>_difference``/``_ratio``) are computed as for a
binary report, with Wilson intervals per rate and bootstrap intervals (multinomial draws of the
count table) per disparity. A check names a class as ``metric[class]``; a per-class metric
without a class is checked on every class. Impact ratios need a favourable outcome, which a
multiclass report does not have: there is no four-fifths screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._bootstrap import _draw, percentile_interval
from ._disparity import all_disparities, disparity_reason
from ._drivers import disparity_drivers
from ._errors import HEADER_ONLY, NO_USABLE_ROWS, TOO_MANY_CLASSES, dataset_error, quote_list
from ._groups import UNKNOWN, Grouping, build_groupings
from ._mapping import Check, ColumnMapping
from ._metrics import wilson_interval
from ._reader import CountingReader, RawCounts, canonical_levels, merge_cells
from ._report import FairnessReport
from ._table import Cells, Table

MAX_CLASSES = 50
RATES = ("selection_rate", "true_positive_rate", "false_positive_rate", "precision")
NO_IMPACT = "impact ratios need a favourable outcome; a multiclass report has none"


def class_rates(
    conf: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray, dict[str, np.ndarray]]:
    """Per-class rates (..., groups, classes), accuracy (..., groups) and their counts."""
    n = conf.sum((-1, -2))
    pred, true = conf.sum(-2), conf.sum(-1)
    hit = np.diagonal(conf, axis1=-2, axis2=-1)
    counts = {"n": n, "pred": pred, "true": true, "hit": hit}
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = n[..., None] - true
        rates = {
            "selection_rate": np.where(n[..., None] > 0, pred / n[..., None], np.nan),
            "true_positive_rate": np.where(true > 0, hit / true, np.nan),
            "false_positive_rate": np.where(rest > 0, (pred - hit) / rest, np.nan),
            "precision": np.where(pred > 0, hit / pred, np.nan),
        }
        accuracy = np.where(n > 0, hit.sum(-1) / n, np.nan)
    return rates, accuracy, counts


def _proportion(name: str, counts: dict[str, np.ndarray], c: int) -> tuple[float, float]:
    hit, pred, true, n = counts["hit"][c], counts["pred"][c], counts["true"][c], counts["n"]
    return {
        "selection_rate": (pred, n), "true_positive_rate": (hit, true),
        "false_positive_rate": (pred - hit, n - true), "precision": (hit, pred),
    }[name]  # fmt: skip


class MulticlassEvaluation:
    """Every figure of a multiclass count table."""

    def __init__(self, raw: RawCounts, mapping: ColumnMapping, settings: Any) -> None:
        raw = canonical_levels(raw)
        width = len(raw.sensitive)
        names = list(raw.labels)
        self.has_y_true = "y_true" in raw.labels
        values = sorted({v for d in raw.labels.values() for v in d.values})
        if len(values) > MAX_CLASSES:
            column = raw.labels["y_pred"].name if "y_pred" in raw.labels else mapping.y_pred
            raise dataset_error(
                TOO_MANY_CLASSES,
                column=column,
                role="y_true and y_pred",
                limit=MAX_CLASSES,
                values=quote_list(values),
            )
        self.classes = values
        index = {v: i for i, v in enumerate(values)}
        coded = {}
        for offset, role in enumerate(names):
            lut = np.array([-1] + [index[v] for v in raw.labels[role].values], dtype=np.int64)
            coded[role] = lut[raw.columns[width + offset]]
        usable = np.ones(len(raw.counts), dtype=bool)
        self.missing = {}
        for role, column in coded.items():
            self.missing[role] = int(raw.counts[column < 0].sum())
            usable &= column >= 0
        counts = raw.counts[usable]
        if raw.rows == 0:
            raise dataset_error(HEADER_ONLY, columns=", ".join(d.name for d in raw.sensitive))
        if counts.sum() == 0:
            raise dataset_error(
                NO_USABLE_ROWS, columns=", ".join(f"'{raw.labels[r].name}'" for r in names)
            )
        t = coded["y_true"][usable] if self.has_y_true else np.zeros(len(counts), dtype=np.int64)
        p = coded["y_pred"][usable]
        merged, summed = merge_cells([*(c[usable] for c in raw.columns[:width]), t, p], counts)
        self.codes = np.stack(merged[:width], axis=1)
        self.t, self.p, self.counts = merged[width], merged[width + 1], summed
        self.k = len(values)
        self.rows, self.rows_used, self.lines = raw.rows, int(summed.sum()), raw.lines
        zeros = np.zeros(len(summed), dtype=np.int8)
        self.shape = Table(
            sensitive=tuple(d.name for d in raw.sensitive), levels=tuple(tuple(d.values) for d in raw.sensitive),
            has_y_true=self.has_y_true, has_score=False,
            cells=Cells(self.codes, zeros, zeros, zeros, None, summed), fine=None, rows=raw.rows,
            rows_used=self.rows_used, missing=self.missing, labels={}, pos_label="", median=None, score_range=None,
        )  # fmt: skip
        self.settings = settings
        self.rates = list(RATES if self.has_y_true else RATES[:1])
        base = ["demographic_parity"] + (
            ["equalized_odds", "equal_opportunity"] if self.has_y_true else []
        )
        self.class_names = [
            f"{b}_{kind}" for b in [*base, *self.rates] for kind in ("difference", "ratio")
        ]
        self.names = ["accuracy_difference", "accuracy_ratio"] if self.has_y_true else []

    def _conf(self, group: np.ndarray, size: int, weights: np.ndarray) -> np.ndarray:
        """Confusion matrices (..., size, K, K) of ``weights`` (cells, ...) per group."""
        keep = group >= 0
        slot = (group[keep] * self.k + self.t[keep]) * self.k + self.p[keep]
        slots = size * self.k * self.k
        kept = weights[keep]
        # bincount on flattened (slot, draw) indices instead of np.add.at (several times slower):
        # the weights are whole counts, so the sums are exact in any order.
        width = int(np.prod(weights.shape[1:], dtype=np.int64))
        flat = (slot[:, None] * width + np.arange(width)).reshape(-1)
        out = np.bincount(flat, weights=kept.reshape(-1), minlength=slots * width)
        out = out.reshape((size, self.k, self.k) + weights.shape[1:])
        return np.moveaxis(out, (0, 1, 2), (-3, -2, -1)) if weights.ndim > 1 else out

    def _spreads(
        self, conf: np.ndarray, overall: np.ndarray, labels: Sequence[str] | None
    ) -> dict[str, Any]:
        """Disparities (per class and of accuracy) of confusion matrices (..., G, K, K)."""
        rates, accuracy, _ = class_rates(conf)
        o_rates, o_accuracy, _ = class_rates(overall)
        out: dict[str, Any] = {"class": {}, "reasons": {}, "drivers": {}}
        for c, name in enumerate(self.classes):
            values = {m: rates[m][..., c] for m in self.rates}
            base = {m: o_rates[m][..., 0, c] for m in self.rates}
            out["class"][name] = all_disparities(
                self.class_names, values, base, self.settings.disparity_method
            )
            if labels is not None:
                flat = dict(values)
                point = {m: float(v) for m, v in base.items()}
                found = {
                    k: (None if np.isnan(v) else float(v)) for k, v in out["class"][name].items()
                }
                out["class"][name] = found
                out["reasons"][name] = {
                    k: disparity_reason(k, flat, point, self.settings.disparity_method)
                    for k, v in found.items()
                    if v is None
                }
                out["drivers"][name] = disparity_drivers(
                    self.class_names, flat, point, labels, self.settings.disparity_method, found
                )
        if self.names:
            acc = all_disparities(
                self.names,
                {"accuracy": accuracy},
                {"accuracy": o_accuracy[..., 0]},
                self.settings.disparity_method,
            )
            out["accuracy"] = acc
            if labels is not None:
                found = {k: (None if np.isnan(v) else float(v)) for k, v in acc.items()}
                out["accuracy"] = found
                point = {"accuracy": float(o_accuracy[0])}
                out["accuracy_reasons"] = {
                    k: disparity_reason(
                        k, {"accuracy": accuracy}, point, self.settings.disparity_method
                    )
                    for k, v in found.items()
                    if v is None
                }
                out["accuracy_drivers"] = disparity_drivers(
                    self.names,
                    {"accuracy": accuracy},
                    point,
                    labels,
                    self.settings.disparity_method,
                    found,
                )
        else:
            out["accuracy"], out["accuracy_reasons"], out["accuracy_drivers"] = {}, {}, {}
        return out

    def _group_entry(
        self, conf: np.ndarray, label: str, key: dict[str, Any], share: float, unknown: bool
    ) -> dict[str, Any]:
        rates, accuracy, counts = class_rates(conf[None])
        n = int(round(float(counts["n"][0])))
        metrics: dict[str, Any] = {"count": n}
        intervals: dict[str, Any] = {}
        if self.has_y_true:
            metrics["accuracy"] = float(accuracy[0])
            intervals["accuracy"] = wilson_interval(float(counts["hit"][0].sum()), float(n))
        classes, class_intervals, class_undefined = {}, {}, {}
        single = {k: v[0] for k, v in counts.items()}
        for c, name in enumerate(self.classes):
            classes[name] = {
                m: (None if np.isnan(rates[m][0, c]) else float(rates[m][0, c])) for m in self.rates
            }
            class_intervals[name] = {
                m: wilson_interval(*(float(x) for x in _proportion(m, single, c)))
                for m in self.rates
            }
            class_undefined[name] = {
                m: f"no rows of class '{name}' or none predicted as it in this group"
                for m, v in classes[name].items()
                if v is None
            }
        flags = ["unknown"] if unknown else []
        if n < self.settings.min_group_size:
            flags.append("small_group")
        entry = {
            "key": key, "label": label, "unknown": unknown, "count": n, "share": share, "excluded": False,
            "metrics": metrics, "intervals": intervals, "undefined": {}, "classes": classes,
            "class_intervals": class_intervals, "class_undefined": class_undefined, "flags": flags,
            "warnings": ["rows with an empty value are left out of disparities"] if unknown else [],
            "impact_ratio": None,
        }  # fmt: skip
        if self.has_y_true:
            entry["confusion_matrix"] = {
                "labels": list(self.classes),
                "rows_true_columns_predicted": conf.astype(np.int64).tolist(),
            }
        return entry

    def grouping(self, grouping: Grouping, draws: np.ndarray | None) -> dict[str, Any]:
        size = grouping.size
        weights = self.counts.astype(float)
        conf = self._conf(grouping.cell_group, size, weights)
        known = np.where(grouping.cell_group >= 0, 0, -1)
        overall = self._conf(known, 1, weights)
        spread = self._spreads(conf, overall, grouping.labels)
        n = conf.sum((1, 2))
        groups = [
            self._group_entry(
                conf[g], grouping.labels[g], grouping.keys[g], float(n[g] / self.rows_used), False
            )
            for g in range(size)
        ]
        if grouping.unknown_count:
            unknown = self._conf(np.where(grouping.cell_group < 0, 0, -1), 1, weights)[0]
            groups.append(
                self._group_entry(
                    unknown,
                    UNKNOWN,
                    dict.fromkeys(grouping.columns),
                    grouping.unknown_count / self.rows_used,
                    True,
                )
            )
        doc: dict[str, Any] = {
            "name": grouping.name,
            "columns": list(grouping.columns),
            "groups": groups,
            "unknown_count": grouping.unknown_count,
            "impact_ratio_needs": NO_IMPACT,
        }
        reliable = np.flatnonzero(n >= self.settings.min_group_size)
        doc |= self._part("", spread, draws, grouping.cell_group, size, None)
        doc["reliable_groups"] = [grouping.labels[g] for g in reliable]
        if len(reliable) >= 2:
            remap = np.full(size + 1, -1, dtype=np.int64)
            remap[reliable] = np.arange(len(reliable))
            cell = remap[grouping.cell_group]
            r_conf = self._conf(cell, len(reliable), weights)
            r_overall = self._conf(np.where(cell >= 0, 0, -1), 1, weights)
            r_spread = self._spreads(r_conf, r_overall, doc["reliable_groups"])
            doc |= self._part("reliable_", r_spread, draws, cell, len(reliable), None)
        else:
            why = f"fewer than two groups have at least {self.settings.min_group_size} rows ({len(reliable)} such group(s)); groups with fewer rows and Unknown are left out of reliable disparities"
            empty_c = {c: dict.fromkeys(self.class_names) for c in self.classes}
            doc |= {
                "reliable_disparities": dict.fromkeys(self.names), "reliable_disparity_intervals": dict.fromkeys(self.names),
                "reliable_disparity_drivers": dict.fromkeys(self.names), "reliable_undefined": dict.fromkeys(self.names, why),
                "reliable_class_disparities": empty_c, "reliable_class_disparity_intervals": empty_c,
                "reliable_class_disparity_drivers": empty_c,
                "reliable_class_undefined": {c: dict.fromkeys(self.class_names, why) for c in self.classes},
            }  # fmt: skip
        return doc

    def _part(
        self,
        prefix: str,
        spread: dict[str, Any],
        draws: np.ndarray | None,
        cell: np.ndarray,
        size: int,
        _: Any,
    ) -> dict[str, Any]:
        intervals_c: dict[str, dict[str, Any]] = {
            c: dict.fromkeys(self.class_names) for c in self.classes
        }
        intervals_a: dict[str, Any] = dict.fromkeys(self.names)
        if draws is not None and size:
            conf = self._conf(cell, size, draws)
            overall = self._conf(np.where(cell >= 0, 0, -1), 1, draws)
            drawn = self._spreads(conf, overall, None)
            for c in self.classes:
                intervals_c[c] = {k: percentile_interval(v) for k, v in drawn["class"][c].items()}
            intervals_a = {k: percentile_interval(v) for k, v in drawn["accuracy"].items()}
        undefined = spread["accuracy_reasons"] if self.names else {}
        return {
            f"{prefix}disparities": spread["accuracy"], f"{prefix}disparity_intervals": intervals_a,
            f"{prefix}disparity_drivers": spread["accuracy_drivers"], f"{prefix}undefined": undefined,
            f"{prefix}class_disparities": spread["class"], f"{prefix}class_disparity_intervals": intervals_c,
            f"{prefix}class_disparity_drivers": spread["drivers"], f"{prefix}class_undefined": spread["reasons"],
        }  # fmt: skip

    def evaluate(self) -> dict[str, Any]:
        groupings = build_groupings(self.shape, max_groups=self.settings.max_groups)
        draws = None
        if self.settings.bootstrap_draws > 0:
            rng = np.random.default_rng(self.settings.seed)
            draws = np.concatenate(
                list(_draw(rng, self.counts, self.settings.bootstrap_draws)), axis=1
            )
        documents = [self.grouping(g, draws) for g in groupings]
        everything = self._conf(
            np.zeros(len(self.counts), dtype=np.int64), 1, self.counts.astype(float)
        )[0]
        overall = self._group_entry(everything, "overall", {}, 1.0, False)
        return {
            "classes_seen": list(self.classes),
            "metrics": ["count", *(["accuracy"] if self.has_y_true else [])],
            "class_metrics": list(self.rates),
            "overall": {
                **overall["metrics"],
                "intervals": overall["intervals"],
                "classes": overall["classes"],
                "class_intervals": overall["class_intervals"],
                **({"confusion_matrix": overall["confusion_matrix"]} if self.has_y_true else {}),
            },
            "groupings": documents,
        }


def assess_multiclass(
    inference: dict[str, Any],
    source: Any,
    mapping: ColumnMapping,
    settings: Any,
    checks: list[Check],
    *,
    attributes: Any,
    progress: Any,
    max_columns: int,
    app_version: str | None,
    read: Callable[..., Any],
    document: Callable[..., FairnessReport],
) -> FairnessReport:
    """Read a multiclass file into its count table and build its report."""

    def consume(layout: Any, plan: Any, batches: Any, report: Any) -> RawCounts:
        reader = CountingReader(layout, plan, max_groups=settings.max_groups)
        for dictionary in reader.labels.values():
            dictionary.limit, dictionary.classes = MAX_CLASSES, True
        return reader.read_batches(batches, report)

    raw, info = read(
        source, mapping, consume, attributes=attributes, progress=progress, max_columns=max_columns
    )
    evaluation = MulticlassEvaluation(raw, mapping, settings)
    body = evaluation.evaluate()
    return document(
        "multiclass", inference, info, mapping, settings, {"interval_methods": {"proportions": "wilson", "disparities": "bootstrap percentile"}},
        body, checks, screen=False, app_version=app_version, rows=evaluation.rows,
        used=evaluation.rows_used, lines=evaluation.lines, missing=evaluation.missing,
    )  # fmt: skip
