"""Intervals and tests: Wilson for shares, a cluster bootstrap over pair_ids, McNemar, Wilcoxon.

The bootstrap resamples pair_ids with replacement (every response and generation of a drawn
pair_id comes along), the same draws for every statistic, so that each group and comparison
carries its interval from one pass. Most statistics are ratios of per-pair sums, so one draw is a
weighted sum: a whole chunk of draws is one matrix product. The Wasserstein-1 distance of
``sentiment_bias_strong`` is computed per draw from the CDFs of the two weighted samples.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
from scipy import stats as scipy_stats

from .._metrics import wilson_interval

#: Draws x pairs per chunk (the weights matrix and its product with the per-pair sums: a few
#: arrays of this many numbers, ~25 MB, whatever the number of pairs; smaller chunks make the
#: matrix product slow).
CHUNK_CELLS = 1_000_000
#: Draws x units per sub-chunk of a custom statistic (the Wasserstein draws make four arrays of
#: draws x 2 units): ~10 MB, whatever the number of pairs.
CUSTOM_CELLS = 250_000
Interval = list[float] | None

__all__ = [
    "Bootstrap",
    "mcnemar_exact",
    "percentile_interval",
    "wasserstein_draws",
    "wilcoxon_p",
    "wilson_interval",
]


def mcnemar_exact(ref_only: int, group_only: int) -> float:
    """Exact (binomial) McNemar p-value of paired binary outcomes.

    ``ref_only`` pairs have the outcome in the reference only, ``group_only`` in the group only.
    The two-sided p-value is ``min(1, 2 * P[X <= min(b, c)])`` for ``X ~ Binomial(b + c, 1/2)``
    (scipy's ``binomtest``), and 1 when no pair is discordant.
    """
    n = ref_only + group_only
    if n == 0:
        return 1.0
    return float(scipy_stats.binomtest(min(ref_only, group_only), n, 0.5).pvalue)


def wilcoxon_p(differences: np.ndarray) -> float | None:
    """Two-sided Wilcoxon signed-rank p-value (zeros dropped); None when every difference is 0."""
    nonzero = differences[differences != 0]
    if nonzero.size == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = scipy_stats.wilcoxon(nonzero)
    value = float(result.pvalue)
    return None if math.isnan(value) else value


def percentile_interval(draws: np.ndarray) -> Interval:
    """The 2.5th and 97.5th percentiles of the finite draws; None when there are none."""
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return None
    low, high = np.percentile(finite, [2.5, 97.5])
    return [float(low), float(high)]


class Bootstrap:
    """Draws of statistics under resampling of ``n_pairs`` pair_ids.

    Register sums with :meth:`add_sum` (a per-pair vector whose draw is its weighted total) or a
    function of the weights with :meth:`add_custom`, then :meth:`run`; :meth:`get` returns the
    ``draws``-long array of a registered statistic.
    """

    def __init__(self, n_pairs: int, *, draws: int, seed: int) -> None:
        self.n_pairs = n_pairs
        self.draws = draws
        self.seed = seed
        self._sums: list[np.ndarray] = []
        self._custom: list[Callable[[np.ndarray], np.ndarray]] = []
        self._results: dict[tuple[str, int], np.ndarray] = {}

    def add_sum(self, per_pair: np.ndarray) -> tuple[str, int]:
        self._sums.append(np.asarray(per_pair, dtype=np.float64))
        return ("sum", len(self._sums) - 1)

    def add_custom(self, function: Callable[[np.ndarray], np.ndarray]) -> tuple[str, int]:
        self._custom.append(function)
        return ("custom", len(self._custom) - 1)

    def run(self) -> None:
        if self.draws <= 0 or self.n_pairs == 0:
            return
        rng = np.random.default_rng(self.seed)
        n = self.n_pairs
        chunk = max(1, min(self.draws, CHUNK_CELLS // max(n, 1)))
        matrix = np.stack(self._sums, axis=1) if self._sums else np.zeros((n, 0))
        sums_out: list[np.ndarray] = []
        custom_out: list[list[np.ndarray]] = [[] for _ in self._custom]
        done = 0
        while done < self.draws:
            size = min(chunk, self.draws - done)
            picks = rng.integers(0, n, size=(size, n))
            picks += (np.arange(size) * n)[:, None]
            counts = np.bincount(picks.ravel(), minlength=size * n)
            del picks
            weights = counts.reshape(size, n).astype(np.float64)
            del counts
            sums_out.append(weights @ matrix)
            step = max(1, CUSTOM_CELLS // max(n, 1))
            for i, function in enumerate(self._custom):
                for low in range(0, size, step):
                    custom_out[i].append(function(weights[low : low + step]))
            done += size
        totals = np.concatenate(sums_out, axis=0)
        for i in range(len(self._sums)):
            self._results[("sum", i)] = totals[:, i]
        for i, parts in enumerate(custom_out):
            self._results[("custom", i)] = np.concatenate(parts)

    def get(self, key: tuple[str, int]) -> np.ndarray | None:
        return self._results.get(key)

    def ratio(self, numerator: tuple[str, int], denominator: tuple[str, int]) -> np.ndarray | None:
        """Draws of ``sum(numerator) / sum(denominator)`` (NaN where the denominator is 0)."""
        top, bottom = self.get(numerator), self.get(denominator)
        if top is None or bottom is None:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def wasserstein_draws(
    reference: np.ndarray, group: np.ndarray, unit_pair: np.ndarray
) -> Callable[[np.ndarray], np.ndarray]:
    """A bootstrap function: the Wasserstein-1 distance of the two weighted samples per draw.

    Unit ``u`` (a matched generation of pair ``unit_pair[u]``) has values ``reference[u]`` and
    ``group[u]`` and the weight of its pair in the draw. With equal total weights the distance is
    the integral of ``|F_ref - F_group|``, a cumulative sum over the pooled sorted values; with
    unit weights it is ``mean(|sort(a) - sort(b)|)``.
    """
    values = np.concatenate([reference, group])
    order = np.argsort(values, kind="stable")
    owner = np.concatenate([unit_pair, unit_pair])[order]
    sign = np.concatenate([np.ones(len(reference)), -np.ones(len(group))])[order]
    gaps = np.diff(values[order])

    def draw(weights: np.ndarray) -> np.ndarray:
        element = weights[:, owner] * sign
        cdf = np.cumsum(element, axis=1)[:, :-1]
        total = weights[:, unit_pair].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, np.abs(cdf) @ gaps / np.where(total > 0, total, 1), np.nan)

    return draw
