"""Evaluate one grouping: per-group metrics, intervals, disparities, impact ratios.

The disparities of a grouping are over its known rows: the used rows whose value is known in every
column of the grouping (the ``Unknown`` rows are left out, as LL144 leaves them out of impact
ratios). They equal fairlearn's ``MetricFrame`` fed those raw rows, and ``to_overall`` compares with
the value on those rows, which is what ``MetricFrame.overall`` is for the rows it is given. The
``Unknown`` group's own metrics are computed the same way on its rows.

The reliable disparities are the same measures over the grouping's reliable groups only (at least
``min_group_size`` rows; ``Unknown`` is never one): they equal ``MetricFrame`` fed the raw rows of
those groups, ``to_overall`` comparing with the value on those rows. A group too small to read
cannot then set the value a check is evaluated on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._disparity import all_disparities, disparity_reason
from ._drivers import disparity_drivers, impact_drivers
from ._groups import UNKNOWN, Grouping, ImpactRatios, impact_ratios
from ._metrics import PROPORTIONS, confusion_metrics, roc_auc, undefined_reason, wilson_interval
from ._table import Cells, Table


@dataclass(frozen=True)
class Options:
    """The assessment options that shape a grouping's result."""

    method: str
    exclusion_share: float
    four_fifths_threshold: float
    min_group_size: int
    reference_group: Any


@dataclass
class GroupingResult:
    """The report entry of one grouping and what later stages need from it."""

    document: dict[str, Any]
    #: Per impact-ratio kind: the reference group and which groups have an impact ratio.
    references: dict[str, tuple[int, np.ndarray]]
    #: The indices of the reliable groups, or None when fewer than two (nothing to compare).
    reliable: np.ndarray | None = None


NOT_ENOUGH_RELIABLE = (
    "fewer than two groups have at least {min_group_size} rows ({count} such group(s)); groups "
    "with fewer rows and Unknown are left out of reliable disparities"
)


def _number(value: Any) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def confusion_counts(cells: Cells, group: np.ndarray, size: int) -> dict[str, np.ndarray]:
    """Sum the rows of ``cells`` per group (``group`` -1 rows are skipped)."""
    keep = group >= 0
    out = {}
    masks = {
        "tp": (cells.y_true == 1) & (cells.y_pred == 1),
        "fp": (cells.y_true == 0) & (cells.y_pred == 1),
        "fn": (cells.y_true == 1) & (cells.y_pred == 0),
        "tn": (cells.y_true == 0) & (cells.y_pred == 0),
        "above": cells.above == 1,
    }
    for key, mask in masks.items():
        out[key] = np.bincount(group[keep], weights=(cells.counts * mask)[keep], minlength=size)
    out["n"] = out["tp"] + out["fp"] + out["fn"] + out["tn"]
    return out


def metric_values(
    names: Sequence[str], table: Table, group: np.ndarray, fine_group: np.ndarray | None, size: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per-group values of ``names`` (arrays of ``size``) and the confusion counts they come from.

    ``group`` (``fine_group``) gives the group of each cell (fine cell), -1 for none.
    """
    counts = confusion_counts(table.cells, group, size)
    values = confusion_metrics({k: v for k, v in counts.items() if k != "n"})
    out = {name: values[name] for name in names if name in values}
    if "roc_auc" in names:
        fine = table.fine
        assert fine is not None and fine.score is not None and fine_group is not None
        out["roc_auc"] = roc_auc(fine.y_true, fine.score, fine.counts, fine_group, size)
    return out, counts


def metric_entry(
    names: Sequence[str], values: dict[str, float], counts: dict[str, float], where: str
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Return (metrics, undefined reasons, Wilson intervals) of one group or of the overall."""
    metrics: dict[str, Any] = {}
    undefined: dict[str, str] = {}
    intervals: dict[str, Any] = {}
    for name in names:
        value = _number(values[name])
        metrics[name] = int(round(value)) if name == "count" and value is not None else value
        if value is None:
            undefined[name] = undefined_reason(name, counts, where)
        if name in PROPORTIONS:
            numerator, denominator = PROPORTIONS[name]
            intervals[name] = wilson_interval(float(numerator(counts)), float(denominator(counts)))
    return metrics, undefined, intervals


def _disparities(
    names: Sequence[str], values: dict[str, np.ndarray], overall: dict[str, np.ndarray], method: str
) -> tuple[dict[str, float | None], dict[str, str]]:
    """The grouping's disparities, and in words why those that are null are undefined."""
    spreads = all_disparities(
        names,
        {k: v[None, :] for k, v in values.items()},
        {k: v[None] for k, v in overall.items()},
        method,
    )
    out: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    for name in names:
        out[name] = _number(spreads[name][0])
        if out[name] is None:
            reasons[name] = disparity_reason(
                name, values, {k: float(v) for k, v in overall.items()}, method
            )
    return out, reasons


def _measure(
    table: Table,
    cell_group: np.ndarray,
    fine_group: np.ndarray | None,
    labels: Sequence[str],
    names: Sequence[str],
    disparity_names: Sequence[str],
    method: str,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, Any]]:
    """Per-group values and counts of ``labels``' groups, and their disparities and drivers."""
    size = len(labels)
    values, counts = metric_values(names, table, cell_group, fine_group, size)
    # The value on all the compared rows, for to_overall: those rows as one group.
    everyone = np.where(cell_group >= 0, 0, -1)
    fine_everyone = None if fine_group is None else np.where(fine_group >= 0, 0, -1)
    overall_values, _ = metric_values(names, table, everyone, fine_everyone, 1)
    overall: dict[str, Any] = {k: v[0] for k, v in overall_values.items()}
    disparities, undefined = _disparities(disparity_names, values, overall, method)
    drivers = disparity_drivers(disparity_names, values, overall, labels, method, disparities)
    return values, counts, {"values": disparities, "undefined": undefined, "drivers": drivers}


def _reliable_part(
    table: Table,
    grouping: Grouping,
    n: np.ndarray,
    names: Sequence[str],
    disparity_names: Sequence[str],
    options: Options,
) -> tuple[dict[str, Any], np.ndarray | None]:
    """The grouping's disparities over its reliable groups, and their indices (None if < 2)."""
    index = np.flatnonzero(n >= options.min_group_size)
    labels = [grouping.labels[g] for g in index]
    entry: dict[str, Any] = {"reliable_groups": labels}
    if len(index) < 2:
        why = NOT_ENOUGH_RELIABLE.format(min_group_size=options.min_group_size, count=len(index))
        entry |= {
            "reliable_disparities": dict.fromkeys(disparity_names),
            "reliable_disparity_drivers": dict.fromkeys(disparity_names),
            "reliable_undefined": dict.fromkeys(disparity_names, why),
        }
        return entry, None
    # Renumber the reliable groups 0..k-1 and send every other cell to -1 (left out); the last
    # slot of ``remap`` is where a cell already at -1 (Unknown) lands.
    remap = np.full(grouping.size + 1, -1, dtype=np.int64)
    remap[index] = np.arange(len(index))
    cell = remap[grouping.cell_group]
    fine = None if grouping.fine_group is None else remap[grouping.fine_group]
    _, _, spread = _measure(table, cell, fine, labels, names, disparity_names, options.method)
    entry |= {
        "reliable_disparities": spread["values"],
        "reliable_disparity_drivers": spread["drivers"],
        "reliable_undefined": spread["undefined"],
    }
    return entry, index


def evaluate_grouping(
    table: Table,
    grouping: Grouping,
    *,
    names: Sequence[str],
    disparity_names: Sequence[str],
    options: Options,
) -> GroupingResult:
    """Compute every number of one grouping's entry in the report."""
    size = grouping.size
    if size:
        values, counts, spread = _measure(
            table, grouping.cell_group, grouping.fine_group, grouping.labels, names,
            disparity_names, options.method,
        )  # fmt: skip
    else:
        values, counts = metric_values(names, table, grouping.cell_group, grouping.fine_group, 0)
        why = "there is no group with a known value"
        spread = {
            "values": dict.fromkeys(disparity_names),
            "undefined": dict.fromkeys(disparity_names, why),
            "drivers": dict.fromkeys(disparity_names),
        }
    disparities, undefined = spread["values"], spread["undefined"]
    reliable, reliable_index = _reliable_part(
        table, grouping, counts["n"], names, disparity_names, options
    )
    shares = counts["n"] / table.rows_used
    impacts = _impacts(grouping, names, values, counts["n"], shares, options)
    groups = [
        _group_entry(grouping, g, names, values, counts, shares, impacts, options)
        for g in range(grouping.size)
    ]
    if grouping.unknown_count:
        groups.append(_unknown_entry(table, grouping, names, options))
    document = {
        "name": grouping.name,
        "columns": list(grouping.columns),
        "rows": int(counts["n"].sum()),
        "unknown_count": grouping.unknown_count,
        "groups": groups,
        "disparities": disparities,
        "disparity_intervals": {},
        "disparity_drivers": spread["drivers"],
        "undefined": undefined,
        **reliable,
        "reliable_disparity_intervals": {},
    }
    for key, impact in impacts.items():
        prefix = "" if key == "impact_ratio" else "scoring_"
        document[f"{prefix}reference_group"] = (
            grouping.labels[impact.reference] if impact.reference is not None else None
        )
        document[f"{prefix}reference_rule"] = impact.rule
        document[f"{key}_min"] = impact.minimum
        document[f"{key}_min_interval"] = None
        rate = "selection_rate" if key == "impact_ratio" else "scoring_rate"
        document[f"{key}_min_drivers"] = (
            None
            if impact.minimum is None
            else impact_drivers(impact.ratios, values[rate], impact.reference, grouping.labels)
        )
        if impact.minimum_reason:
            undefined[key] = impact.minimum_reason
    document["excluded_groups"] = [g["label"] for g in groups if g["excluded"]]
    references = {
        key: (impact.reference, ~np.isnan(impact.ratios))
        for key, impact in impacts.items()
        if impact.reference is not None and impact.minimum is not None
    }
    return GroupingResult(document=document, references=references, reliable=reliable_index)


def _impacts(
    grouping: Grouping,
    names: Sequence[str],
    values: dict[str, np.ndarray],
    counts: np.ndarray,
    shares: np.ndarray,
    options: Options,
) -> dict[str, ImpactRatios]:
    """Impact ratios on the selection rate and, with a score, on the scoring rate."""
    reference = options.reference_group
    if isinstance(reference, dict):
        reference = reference.get(grouping.name)
    impacts: dict[str, ImpactRatios] = {}
    for key, rate in (("impact_ratio", "selection_rate"), ("scoring_impact_ratio", "scoring_rate")):
        if rate in names:
            impacts[key] = impact_ratios(
                values[rate], counts, shares, grouping.labels,
                exclusion_share=options.exclusion_share, reference=reference,
                rate_name=rate.replace("_", " "),
            )  # fmt: skip
    return impacts


def _group_entry(
    grouping: Grouping,
    g: int,
    names: Sequence[str],
    values: dict[str, np.ndarray],
    counts: dict[str, np.ndarray],
    shares: np.ndarray,
    impacts: dict[str, ImpactRatios],
    options: Options,
) -> dict[str, Any]:
    group_counts = {k: v[g] for k, v in counts.items()}
    metrics, reasons, intervals = metric_entry(
        names, {n: values[n][g] for n in names}, group_counts, "this group"
    )
    entry: dict[str, Any] = {
        "key": grouping.keys[g],
        "label": grouping.labels[g],
        "unknown": False,
        "count": int(group_counts["n"]),
        "share": float(shares[g]),
        "excluded": bool(impacts["impact_ratio"].excluded[g]),
        "metrics": metrics,
        "undefined": reasons,
        "intervals": intervals,
    }
    for key, impact in impacts.items():
        entry[key] = _number(impact.ratios[g])
        reason = impact.reasons[g]
        if reason and entry[key] is None:
            reasons[key] = reason
    _flag(entry, g, impacts, options)
    return entry


def _flag(
    entry: dict[str, Any], g: int, impacts: dict[str, ImpactRatios], options: Options
) -> None:
    flags, notes = [], []
    if impacts["impact_ratio"].reference == g:
        flags.append("reference")
    if entry["excluded"]:
        flags.append("excluded")
        notes.append(entry["undefined"]["impact_ratio"])
    if entry["count"] < options.min_group_size:
        flags.append("small_group")
        notes.append(
            f"only {entry['count']} rows (fewer than {options.min_group_size}): its rates are "
            "uncertain; read them with their intervals"
        )
    for key, flag in (
        ("impact_ratio", "below_four_fifths"),
        ("scoring_impact_ratio", "below_four_fifths_scoring"),
    ):
        value = entry.get(key)
        if value is not None and value < options.four_fifths_threshold:
            flags.append(flag)
    entry["flags"] = flags
    entry["warnings"] = notes


def _unknown_entry(
    table: Table, grouping: Grouping, names: Sequence[str], options: Options
) -> dict[str, Any]:
    unknown = np.where(grouping.cell_group < 0, 0, -1)
    fine = None if grouping.fine_group is None else np.where(grouping.fine_group < 0, 0, -1)
    values, counts = metric_values(names, table, unknown, fine, 1)
    metrics, reasons, intervals = metric_entry(
        names,
        {k: v[0] for k, v in values.items()},
        {k: v[0] for k, v in counts.items()},
        "this group",
    )
    why = "rows with an empty value are left out of impact ratios and disparities"
    entry: dict[str, Any] = {
        "key": dict.fromkeys(grouping.columns),
        "label": UNKNOWN,
        "unknown": True,
        "count": grouping.unknown_count,
        "share": grouping.unknown_count / table.rows_used,
        "excluded": False,
        "metrics": metrics,
        "undefined": reasons,
        "intervals": intervals,
        "impact_ratio": None,
        "flags": ["unknown"],
        "warnings": [why],
    }
    reasons["impact_ratio"] = why
    if "scoring_rate" in names:
        entry["scoring_impact_ratio"] = None
        reasons["scoring_impact_ratio"] = why
    if entry["count"] < options.min_group_size:
        entry["flags"].append("small_group")
    return entry
