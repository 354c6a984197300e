"""The report's warnings: what a person should know before reading the numbers, in plain words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._mapping import ColumnMapping
from ._table import Table


def _list(items: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _grouping_warnings(grouping: Mapping[str, Any], settings: Mapping[str, Any]) -> list[str]:
    name = grouping["name"]
    out = []
    known = [g for g in grouping["groups"] if not g["unknown"]]
    if grouping["unknown_count"]:
        share = grouping["unknown_count"] / max(sum(g["count"] for g in grouping["groups"]), 1)
        out.append(
            f"{name}: {grouping['unknown_count']} rows ({share:.1%}) have an empty value and form "
            "the group 'Unknown'; it is counted but left out of impact ratios and disparities."
        )
    small = [f"{g['label']} ({g['count']})" for g in known if "small_group" in g["flags"]]
    if small:
        out.append(
            f"{name}: {len(small)} group(s) have fewer than {settings['min_group_size']} rows: "
            f"{_list(small)}. Their rates are uncertain; read them with their intervals."
        )
    excluded = [f"{g['label']} ({g['share']:.1%})" for g in known if g["excluded"]]
    if excluded and grouping.get("impact_ratio_min") is not None:
        out.append(
            f"{name}: group(s) under {settings['exclusion_share'] * 100:g}% of the rows are left out of "
            f"impact ratios, as LL144 allows with a justification: {_list(excluded)}."
        )
    reason = grouping["undefined"].get("impact_ratio")
    if reason and known:
        out.append(f"{name}: no impact ratio can be computed: {reason}.")
    reference = settings["reference_group"]
    if isinstance(reference, Mapping):
        reference = reference.get(name)
    if reference is not None and grouping.get("reference_rule") == "highest_rate":
        out.append(
            f"{name}: the reference group '{reference}' is not in this grouping, so the group "
            "with the highest selection rate is the reference."
        )
    elif reference is not None and any(g["excluded"] and g["label"] == reference for g in known):
        out.append(
            f"{name}: the reference group '{reference}' is under the exclusion share but is "
            "used as the reference, as asked."
        )
    return out


def report_warnings(
    table: Table,
    groupings: Sequence[Mapping[str, Any]],
    checks: Sequence[Mapping[str, Any]],
    mapping: ColumnMapping,
    settings: Mapping[str, Any],
) -> list[str]:
    """Return the report-level warnings, most important first."""
    out = []
    if not table.has_y_true:
        out.append(
            "No y_true column is mapped (selection-only mode): only selection rates, demographic "
            "parity and impact ratios are computed; error rates need the observed outcome."
        )
    if not mapping.y_pred and table.score_range is not None:
        low, high = table.score_range
        threshold = settings["threshold"]
        note = f"No y_pred column is mapped: the decision is score >= {threshold:g}."
        if high < threshold or low >= threshold:
            note += (
                f" Every score (from {low:g} to {high:g}) is on the same side of it: check the "
                "threshold."
            )
        out.append(note)
    for role, count in table.missing.items():
        if count:
            column = getattr(mapping, role)
            out.append(
                f"{count} row(s) have no value in column '{column}' ({role}) and are left out "
                f"({table.rows_used} of {table.rows} rows are used)."
            )
    undetermined = [c for c in checks if c["passed"] is None]
    for check in undetermined:
        out.append(
            f"Check '{check['name']}' could not be evaluated on {check['grouping']}: "
            f"{check['reason']}."
        )
    for check in checks:
        if check.get("verdict") == "inconclusive" and check["value"] is not None:
            out.append(
                f"Check '{check['name']}' on {check['grouping']} is inconclusive: "
                f"{check['verdict_reason']}."
            )
    for grouping in groupings:
        out += _grouping_warnings(grouping, settings)
    return out
