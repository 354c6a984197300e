"""Drivers: which groups set a disparity, so a reader sees who is compared with whom.

For a disparity of metric :math:`m` over the groups where :math:`m` is defined:

- ``max`` / ``min``: the groups with the highest and the lowest :math:`m_g` (with
  ``max_value`` / ``min_value``). They set a ``between_groups`` difference
  (:math:`m_{max} - m_{min}`) and ratio (:math:`m_{min} / m_{max}`).
- ``farthest`` (``to_overall`` only): the group farthest from the value on all the compared rows
  (``overall_value``): the largest :math:`|m_g - m_o|` for a difference, the smallest
  :math:`r_g` (:math:`m_g / m_o`, inverted when above 1) for a ratio; with ``farthest_value``.
- ``part`` (equalized odds only): ``true_positive_rate`` or ``false_positive_rate``, the part
  that set the worse value; the groups and values above are of that part.

Ties go to the first group in report order (groups are sorted by label), as numpy's ``argmax``
and pandas' ``idxmax`` choose. A disparity that is undefined has no drivers (``None``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._disparity import NAMED, spread


def _first(column: np.ndarray, defined: np.ndarray, *, highest: bool) -> int:
    if highest:
        return int(np.where(defined, column, -np.inf).argmax())
    return int(np.where(defined, column, np.inf).argmin())


def _worse_part(
    parts: Sequence[str],
    values: Mapping[str, np.ndarray],
    overall: Mapping[str, float],
    method: str,
    kind: str,
) -> str:
    """The part whose spread is the reported one: np.fmax / np.fmin keep the first on a tie."""
    index = 0 if kind == "difference" else 1
    best, best_value = parts[0], np.nan
    for part in parts:
        value = float(spread(values[part], overall[part], method)[index])
        if np.isnan(value):
            continue
        worse = value > best_value if kind == "difference" else value < best_value
        if np.isnan(best_value) or worse:
            best, best_value = part, value
    return best


def _farthest(column: np.ndarray, defined: np.ndarray, base: float, kind: str) -> int | None:
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "difference":
            return _first(np.abs(column - base), defined, highest=True)
        ratios = column / base
        ratios = np.where(ratios > 1, 1 / ratios, ratios)
    usable = defined & ~np.isnan(ratios)
    return _first(ratios, usable, highest=False) if usable.any() else None


def disparity_drivers(
    names: Sequence[str],
    values: Mapping[str, np.ndarray],
    overall: Mapping[str, float],
    labels: Sequence[str],
    method: str,
    disparities: Mapping[str, float | None],
) -> dict[str, dict[str, Any] | None]:
    """Return the drivers of each disparity in ``names`` (``values`` are per group, 1-d)."""
    out: dict[str, dict[str, Any] | None] = {}
    for name in names:
        if disparities.get(name) is None:
            out[name] = None
            continue
        base, kind = name.rsplit("_", 1)
        parts = NAMED.get(base, (base,))
        part = _worse_part(parts, values, overall, method, kind) if len(parts) > 1 else parts[0]
        column = np.asarray(values[part], dtype=float)
        defined = ~np.isnan(column)
        high = _first(column, defined, highest=True)
        low = _first(column, defined, highest=False)
        entry: dict[str, Any] = {
            "max": labels[high],
            "min": labels[low],
            "max_value": float(column[high]),
            "min_value": float(column[low]),
        }
        if len(parts) > 1:
            entry["part"] = part
        if method == "to_overall":
            far = _farthest(column, defined, float(overall[part]), kind)
            entry["farthest"] = None if far is None else labels[far]
            entry["farthest_value"] = None if far is None else float(column[far])
            entry["overall_value"] = float(overall[part])
        out[name] = entry
    return out


def impact_drivers(
    ratios: np.ndarray, rates: np.ndarray, reference: int | None, labels: Sequence[str]
) -> dict[str, Any] | None:
    """The group with the smallest impact ratio and the reference group, with their rates.

    ``ratios`` is NaN for the groups without an impact ratio (excluded under LL144's rule).
    """
    defined = ~np.isnan(ratios)
    if reference is None or not defined.any():
        return None
    low = _first(ratios, defined, highest=False)
    return {
        "min": labels[low],
        "reference": labels[reference],
        "min_value": float(rates[low]),
        "reference_value": float(rates[reference]),
    }
