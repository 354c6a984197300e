r"""Disparities: how far apart the groups of one grouping are on one metric.

For a metric :math:`m` with group values :math:`m_g` (groups where it is defined) and the value
:math:`m_o` on all rows with a known group, as fairlearn's ``MetricFrame.difference`` and
``MetricFrame.ratio`` define them:

- ``between_groups``: ``<m>_difference`` :math:`= \max_g m_g - \min_g m_g` and
  ``<m>_ratio`` :math:`= \min_g m_g / \max_g m_g`;
- ``to_overall``: ``<m>_difference`` :math:`= \max_g |m_g - m_o|` and ``<m>_ratio``
  :math:`= \min_g r_g` with :math:`r_g = m_g / m_o`, replaced by :math:`1 / r_g` when above 1.

The named disparities of fairlearn are ``demographic_parity_*`` (of ``selection_rate``),
``equal_opportunity_*`` (of ``true_positive_rate``) and ``equalized_odds_*``: the larger difference
(smaller ratio) of ``true_positive_rate`` and ``false_positive_rate``.

Groups where the metric is undefined are skipped, as MetricFrame skips NaN. Unlike fairlearn, a
disparity over fewer than two groups is undefined (fairlearn would say 0 or 1, which reads as
"no disparity" when nothing was compared). Equalized odds is the worse of its defined parts, and
undefined only when both are (fairlearn takes Python's ``max``/``min`` of the two, whose answer
with a NaN depends on which part comes first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from ._metrics import METRIC_NAMES

NAMED: dict[str, tuple[str, ...]] = {
    "demographic_parity": ("selection_rate",),
    "equalized_odds": ("true_positive_rate", "false_positive_rate"),
    "equal_opportunity": ("true_positive_rate",),
}
#: fairlearn's named disparity functions, in the order reports show them first.
NAMED_DISPARITY_NAMES: tuple[str, ...] = tuple(
    f"{base}_{kind}" for base in NAMED for kind in ("difference", "ratio")
)
DISPARITY_NAMES: tuple[str, ...] = NAMED_DISPARITY_NAMES + tuple(
    f"{m}_{kind}" for m in METRIC_NAMES if m != "count" for kind in ("difference", "ratio")
)
METHODS = ("between_groups", "to_overall")


def disparity_names(metrics: Iterable[str]) -> tuple[str, ...]:
    """Return the disparities that exist when ``metrics`` are computed."""
    available = set(metrics)
    names = []
    for name in DISPARITY_NAMES:
        base = name.rsplit("_", 1)[0]
        parts = NAMED.get(base, (base,))
        if all(part in available for part in parts):
            names.append(name)
    return tuple(names)


def spread(
    values: np.ndarray, overall: np.ndarray | float, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return (difference, ratio) over the last axis of ``values``, NaN where undefined.

    ``values`` has shape (..., groups) with NaN for undefined groups; ``overall`` has shape (...).
    """
    values = np.asarray(values, dtype=float)
    overall = np.asarray(overall, dtype=float)
    defined = ~np.isnan(values)
    enough = defined.sum(axis=-1) >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "between_groups":
            high = np.where(defined, values, -np.inf).max(axis=-1)
            low = np.where(defined, values, np.inf).min(axis=-1)
            difference = high - low
            ratio = low / high
        else:
            base = overall[..., None]
            gaps = np.abs(values - base)
            difference = np.where(defined, gaps, -np.inf).max(axis=-1)
            ratios = values / base
            ratios = np.where(ratios > 1, 1 / ratios, ratios)
            ratios = np.where(np.isnan(ratios), np.inf, ratios)
            ratio = ratios.min(axis=-1)
            ratio = np.where(np.isinf(ratio), np.nan, ratio)
    return np.where(enough, difference, np.nan), np.where(enough, ratio, np.nan)


def all_disparities(
    names: Iterable[str],
    values: Mapping[str, np.ndarray],
    overall: Mapping[str, np.ndarray],
    method: str,
) -> dict[str, np.ndarray]:
    """Compute the disparities ``names`` from per-group ``values`` (..., groups) of each metric."""
    spreads: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def of(metric: str) -> tuple[np.ndarray, np.ndarray]:
        if metric not in spreads:
            spreads[metric] = spread(values[metric], overall[metric], method)
        return spreads[metric]

    out = {}
    for name in names:
        base, kind = name.rsplit("_", 1)
        index = 0 if kind == "difference" else 1
        parts = [of(metric)[index] for metric in NAMED.get(base, (base,))]
        if len(parts) == 1:
            out[name] = parts[0]
        elif index == 0:
            out[name] = np.fmax(*parts)  # the worse defined part
        else:
            out[name] = np.fmin(*parts)
    return out


def disparity_reason(
    name: str, values: Mapping[str, np.ndarray], overall: Mapping[str, float], method: str
) -> str:
    """Say in words why disparity ``name`` is undefined (``values`` are per group, 1-d)."""
    base, kind = name.rsplit("_", 1)
    reasons = []
    for metric in NAMED.get(base, (base,)):
        column = np.asarray(values[metric], dtype=float)
        if len(column) < 2:
            return "there are fewer than two groups with a known value"
        if (~np.isnan(column)).sum() < 2:
            reasons.append(f"{metric} is defined for fewer than two groups")
        elif kind == "ratio" and method == "between_groups" and np.nanmax(column) == 0:
            reasons.append(f"every group has a {metric} of 0")
        elif kind == "ratio" and method == "to_overall" and overall[metric] == 0:
            reasons.append(f"the overall {metric} is 0")
    return "; ".join(reasons) or "undefined"
