r"""Bootstrap intervals, drawn on the count table rather than on the rows.

Resampling the :math:`n` used rows with replacement is the same as drawing the cell counts from a
multinomial distribution with :math:`n` trials and the observed cell shares as probabilities. Each
draw is one such vector of counts; the metrics of a draw follow from its counts in closed form
(:func:`~._metrics.confusion_metrics`, and the Mann-Whitney form of the ROC AUC), vectorised over
the draws. An interval is the 2.5th and 97.5th percentile of the draws where the quantity is
defined, or ``None`` when it is defined in fewer than half of them. The reference group of impact
ratios and the median of the scores are held at their values in the data.

The reliable disparities use the same draws restricted to the reliable groups (their ``to_overall``
value on those groups' drawn rows), and the smallest impact ratio's interval takes, per draw, the
smallest ratio over the same included groups relative to the same reference group.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from ._disparity import all_disparities
from ._groups import Grouping
from ._metrics import AucLayout, confusion_metrics
from ._table import Table

#: Metrics that are not proportions: their per-group intervals come from the bootstrap.
BOOTSTRAP_METRICS = ("balanced_accuracy", "f1", "roc_auc")
_MAX_DRAW_VALUES = 4_000_000
_AUC_BUDGET = 20_000_000


@dataclass
class BootstrapResult:
    """Intervals of one grouping."""

    disparities: dict[str, list[float] | None] = field(default_factory=dict)
    groups: list[dict[str, list[float] | None]] = field(default_factory=list)
    reliable_disparities: dict[str, list[float] | None] = field(default_factory=dict)
    #: Per impact-ratio kind, the interval of the grouping's smallest impact ratio.
    impact_minimum: dict[str, list[float] | None] = field(default_factory=dict)


def percentile_interval(samples: np.ndarray) -> list[float] | None:
    """Return the central 95% of the defined ``samples``, or None if most are undefined."""
    defined = samples[np.isfinite(samples)]
    if len(defined) == 0 or len(defined) * 2 < len(samples):
        return None
    low, high = np.quantile(defined, [0.025, 0.975])
    return [float(low), float(high)]


class _GroupingDraws:
    """Per-draw values of one grouping, accumulated chunk by chunk."""

    def __init__(
        self,
        table: Table,
        grouping: Grouping,
        references: dict[str, tuple[int, np.ndarray]],
        reliable: np.ndarray | None = None,
    ):
        self.grouping = grouping
        self.references = references
        self.reliable = reliable
        self.samples: dict[str, list[np.ndarray]] = {}
        self.auc: AucLayout | None = None
        self.auc_all: AucLayout | None = None
        self.auc_reliable: AucLayout | None = None
        if grouping.size == 0:
            return
        cells = table.cells
        known = np.flatnonzero(grouping.cell_group >= 0)
        sub = cells.y_true * 4 + cells.y_pred * 2 + cells.above
        index = grouping.cell_group[known] * 8 + sub[known]
        self.order = known[np.argsort(index, kind="stable")]
        sorted_index = np.sort(index)
        self.starts = np.flatnonzero(np.r_[True, sorted_index[1:] != sorted_index[:-1]])
        self.slots = sorted_index[self.starts]
        if table.fine is not None and grouping.fine_group is not None and grouping.size:
            fine, group = table.fine, grouping.fine_group
            # The fine cells exist only with a score, so they always carry it.
            score = cast(np.ndarray, fine.score)
            self.auc = AucLayout.build(fine.y_true, score, group)
            everyone = np.where(group >= 0, 0, -1)
            self.auc_all = AucLayout.build(fine.y_true, score, everyone)
            if reliable is not None:
                chosen = np.isin(group, reliable)
                self.auc_reliable = AucLayout.build(
                    fine.y_true,
                    score,
                    np.where(chosen, 0, -1),
                )

    def add(
        self, draws: np.ndarray, names: Sequence[str], metrics: Sequence[str], method: str
    ) -> None:
        """Add the draws of the coarse cells: every quantity but the ROC AUC."""
        size = self.grouping.size
        if size == 0:
            return
        slots = np.zeros((size * 8, draws.shape[1]))
        slots[self.slots] = np.add.reduceat(draws[self.order], self.starts, axis=0)
        slots = slots.reshape(size, 2, 2, 2, -1).transpose(
            4, 0, 1, 2, 3
        )  # draw, group, y_true, y_pred, above
        counts = {
            "tp": slots[:, :, 1, 1].sum(-1),
            "fp": slots[:, :, 0, 1].sum(-1),
            "fn": slots[:, :, 1, 0].sum(-1),
            "tn": slots[:, :, 0, 0].sum(-1),
            "above": slots[..., 1].sum((-1, -2)),
        }
        values = confusion_metrics(counts)
        overall = confusion_metrics({k: v.sum(-1) for k, v in counts.items()})
        self._keep(all_disparities(names, values, overall, method), values, metrics)
        if self.reliable is not None:
            part = {k: v[:, self.reliable] for k, v in counts.items()}
            values_r = {k: v for k, v in confusion_metrics(part).items() if k in metrics}
            overall_r = confusion_metrics({k: v.sum(-1) for k, v in part.items()})
            self._keep_reliable(all_disparities(names, values_r, overall_r, method))
        for key, rate in (
            ("impact_ratio", "selection_rate"),
            ("scoring_impact_ratio", "scoring_rate"),
        ):
            if key in self.references and rate in metrics:
                ref, included = self.references[key]
                base = values[rate][:, [ref]]
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where((base > 0) & included, values[rate] / base, np.nan)
                self.samples.setdefault(f"group:{key}", []).append(ratio)
                # The smallest ratio over the same included groups; undefined in a draw where
                # the reference group selects nobody.
                with np.errstate(divide="ignore", invalid="ignore"):
                    lowest = np.where(included, values[rate], np.inf).min(-1) / base[:, 0]
                minimum = np.where(base[:, 0] > 0, lowest, np.nan)
                self.samples.setdefault(f"min:{key}", []).append(minimum)

    def add_auc(self, draws: np.ndarray, names: Sequence[str], method: str) -> None:
        """Add the draws of the fine cells: the ROC AUC of each group and its disparities."""
        if self.auc is None or not names:
            return
        values = {"roc_auc": self.auc.auc(draws)}
        overall = {"roc_auc": np.full(draws.shape[1], np.nan)}
        if method == "to_overall":
            overall["roc_auc"] = self.auc_all.auc(draws)[:, 0]  # type: ignore[union-attr]
        self._keep(all_disparities(names, values, overall, method), values, ("roc_auc",))
        if self.reliable is not None:
            values_r = {"roc_auc": values["roc_auc"][:, self.reliable]}
            overall_r = {"roc_auc": np.full(draws.shape[1], np.nan)}
            if method == "to_overall":
                overall_r["roc_auc"] = self.auc_reliable.auc(draws)[:, 0]  # type: ignore[union-attr]
            self._keep_reliable(all_disparities(names, values_r, overall_r, method))

    def _keep_reliable(self, disparities: Mapping[str, np.ndarray]) -> None:
        for name, samples in disparities.items():
            self.samples.setdefault(f"reliable:{name}", []).append(samples)

    def _keep(
        self,
        disparities: Mapping[str, np.ndarray],
        values: Mapping[str, np.ndarray],
        metrics: Sequence[str],
    ) -> None:
        for name, samples in disparities.items():
            self.samples.setdefault(name, []).append(samples)
        for name in BOOTSTRAP_METRICS:
            if name in metrics and name in values:
                self.samples.setdefault(f"group:{name}", []).append(values[name])

    def result(self, names: Sequence[str]) -> BootstrapResult:
        result = BootstrapResult(groups=[{} for _ in range(self.grouping.size)])
        for name in names:
            if name in self.samples:
                result.disparities[name] = percentile_interval(np.concatenate(self.samples[name]))
            if f"reliable:{name}" in self.samples:
                samples = np.concatenate(self.samples[f"reliable:{name}"])
                result.reliable_disparities[name] = percentile_interval(samples)
        for key, chunks in self.samples.items():
            if key.startswith("min:"):
                result.impact_minimum[key[4:]] = percentile_interval(np.concatenate(chunks))
            if key.startswith("group:"):
                stacked = np.concatenate(chunks)
                for g in range(self.grouping.size):
                    result.groups[g][key[6:]] = percentile_interval(stacked[:, g])
        return result


def _draw(rng: np.random.Generator, counts: np.ndarray, draws: int) -> Iterator[np.ndarray]:
    """Yield multinomial draws of ``counts``, shape (cells, draws), in chunks that bound memory.

    With fewer rows than about four per cell, resampling rows (uniform indices, then counting them
    per cell) is faster than numpy's multinomial, which walks every cell of every draw; the two
    give draws of the same distribution.
    """
    total = int(counts.sum())
    by_rows = total <= 4 * len(counts)
    width = total if by_rows else len(counts)
    chunk = max(1, min(draws, _MAX_DRAW_VALUES // max(width, 1)))
    cell_of_row = np.repeat(np.arange(len(counts)), counts) if by_rows else None
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        if cell_of_row is not None:
            rows = rng.integers(0, total, size=(size, total))
            index = cell_of_row[rows] * size + np.arange(size)[:, None]
            sample = np.bincount(index.ravel(), minlength=len(counts) * size)
            yield sample.reshape(len(counts), size).astype(float)
        else:
            sample = rng.multinomial(total, counts / total, size=size)
            # Cells along the first axis: gathers and cumulative sums then run on contiguous rows.
            yield np.ascontiguousarray(sample.T, dtype=float)
        done += size


def auc_draws(table: Table, draws: int) -> int:
    """How many draws the ROC AUC gets: all, unless the score has very many distinct cells."""
    if table.fine is None:
        return 0
    return min(draws, max(100, _AUC_BUDGET // max(len(table.fine.counts), 1)))


def bootstrap(
    table: Table,
    groupings: Sequence[Grouping],
    references: Sequence[dict[str, tuple[int, np.ndarray]]],
    reliable: Sequence[np.ndarray | None] | None = None,
    *,
    names: Sequence[str],
    metrics: Sequence[str],
    method: str,
    draws: int,
    seed: int,
) -> list[BootstrapResult]:
    """Bootstrap every disparity of ``names`` and the non-proportion metrics of each group.

    The ROC AUC needs the cells of every distinct score; its draws are capped (see
    :func:`auc_draws`) so that a score with very many distinct values stays affordable.
    """
    if draws <= 0:
        return [BootstrapResult(groups=[{} for _ in g.labels]) for g in groupings]
    reliable = list(reliable) if reliable is not None else [None] * len(groupings)
    states = [
        _GroupingDraws(table, g, r, k)
        for g, r, k in zip(groupings, references, reliable, strict=True)
    ]
    rng = np.random.default_rng(seed)
    auc_names = [n for n in names if n.startswith("roc_auc_")]
    other_names = [n for n in names if not n.startswith("roc_auc_")]
    for chunk in _draw(rng, table.cells.counts, draws):
        for state in states:
            state.add(chunk, other_names, metrics, method)
    if "roc_auc" in metrics and table.fine is not None:
        for chunk in _draw(rng, table.fine.counts, auc_draws(table, draws)):
            for state in states:
                state.add_auc(chunk, auc_names, method)
    return [state.result(names) for state in states]
