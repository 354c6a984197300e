"""``format_text``: the report as plain text for a terminal, flags and warnings first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._checks import check_verdict
from ._report import FairnessReport
from ._text_tasks import format_task_text

SCREEN_NOTE = (
    "The four-fifths rule is a screening threshold: a ratio below it calls for a closer look at "
    "the groups concerned; it is not a verdict of fairness."
)
_FLAG_WORDS = {
    "reference": "reference",
    "excluded": "excluded (<{share})",
    "small_group": "small",
    "below_four_fifths": "below 4/5",
    "below_four_fifths_scoring": "scoring below 4/5",
    "unknown": "unknown",
}


_NEGATION = {">=": "<", ">": "<=", "<=": ">", "<": ">="}
_PART_WORDS = {"true_positive_rate": "TPR", "false_positive_rate": "FPR"}
_GROUP_WORDS: dict[str | None, str] = {
    "reliable": " (reliable groups)",
    "all": " (all groups)",
    "ll144": " (LL144 groups)",
}
_BASIS_WORDS = {"interval": "95% intervals", "point": "point values"}
_VERDICT_ORDER = {"fail": 0, "inconclusive": 1, "pass": 2}
# The disparities shown per grouping, with their decimals; the JSON has every one.
_SHOWN = (
    "demographic_parity_ratio", "demographic_parity_difference", "equalized_odds_ratio",
    "equalized_odds_difference", "equal_opportunity_difference", "roc_auc_difference",
)  # fmt: skip


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _interval(bounds: Sequence[float] | None, digits: int = 3) -> str:
    return "" if not bounds else f" [{bounds[0]:.{digits}f}, {bounds[1]:.{digits}f}]"


def _table(header: list[str], rows: list[list[str]], numeric: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _value(value: float, metric: str) -> str:
    return f"{value:.2f}" if metric.endswith("ratio") else f"{value:.3f}"


def _bounds(bounds: Sequence[float] | None, metric: str) -> str:
    if not bounds:
        return ""
    return f" [{_value(bounds[0], metric)}, {_value(bounds[1], metric)}]"


def _drivers_text(drivers: Mapping[str, Any] | None) -> str:
    """Who sets the value, e.g. ``Female 0.079 vs Male 0.249`` (lowest vs highest)."""
    if not drivers:
        return ""
    if "reference" in drivers:
        return (
            f"{drivers['min']} {_rate(drivers['min_value'])} vs {drivers['reference']} "
            f"{_rate(drivers['reference_value'])} (reference)"
        )
    part = f"{_PART_WORDS[drivers['part']]} " if "part" in drivers else ""
    text = (
        f"{part}{drivers['min']} {_rate(drivers['min_value'])} vs {drivers['max']} "
        f"{_rate(drivers['max_value'])}"
    )
    if drivers.get("farthest") is not None:
        text += (
            f"; farthest from overall {_rate(drivers['overall_value'])}: {drivers['farthest']} "
            f"{_rate(drivers['farthest_value'])}"
        )
    return text


def _check_line(check: Mapping[str, Any]) -> str:
    """``FAIL  four_fifths: impact_ratio 0.32 [0.29, 0.35] < 0.8 on sex (LL144 groups): ...``."""
    verdict = check.get("verdict") or check_verdict(check)
    metric = check["metric"]
    named = "" if check["name"].startswith(metric) else f"{check['name']}: "
    head = f"{verdict.upper():<12}  {named}{metric}"
    groups = _GROUP_WORDS.get(check.get("check_groups"), "")
    if check["value"] is None:
        return f"{head} on {check['grouping']}{groups}: not evaluated ({check['reason']})"
    comparison = check["comparison"] if check["passed"] else _NEGATION[check["comparison"]]
    text = (
        f"{head} {_value(check['value'], metric)}{_bounds(check.get('interval'), metric)} "
        f"{comparison} {check['threshold']:g} on {check['grouping']}{groups}"
    )
    drivers = _drivers_text(check.get("drivers"))
    if drivers:
        text += f": {drivers}"
    if check.get("verdict_basis") == "point" and check.get("verdict_reason"):
        text += " (point value: no interval)"
    return text


def _disparity_lines(
    values: Mapping[str, Any],
    intervals: Mapping[str, Any],
    drivers: Mapping[str, Any],
) -> list[str]:
    lines = []
    for name in _SHOWN:
        if name in values:
            value = values[name]
            text = "-" if value is None else _value(value, name)
            line = f"    {name} {text}{_bounds(intervals.get(name), name)}"
            explained = _drivers_text(drivers.get(name))
            lines.append(line + (f": {explained}" if explained else ""))
    return lines


def _all_disparities(grouping: Mapping[str, Any], document: Mapping[str, Any]) -> list[str]:
    """fairlearn's disparities, then the reliable ones (or why they are the same or missing)."""
    known = [g["label"] for g in grouping["groups"] if not g["unknown"]]
    if not known:
        return []
    lines = [f"  Disparities, all {len(known)} groups (as fairlearn):"]
    lines += _disparity_lines(
        grouping["disparities"], grouping["disparity_intervals"], grouping["disparity_drivers"]
    )
    reliable = grouping.get("reliable_groups")
    if reliable is None:
        return lines
    size = document["settings"]["min_group_size"]
    if reliable == known:
        lines.append(f"  Reliable disparities: the same (every group has at least {size} rows).")
    elif len(reliable) < 2:
        reason = next(iter(grouping["reliable_undefined"].values()), "fewer than two groups")
        lines.append(f"  Reliable disparities: none: {reason}.")
    else:
        lines.append(
            f"  Reliable disparities, {len(reliable)} groups with at least {size} rows "
            f"({', '.join(reliable)}):"
        )
        lines += _disparity_lines(
            grouping["reliable_disparities"],
            grouping["reliable_disparity_intervals"],
            grouping["reliable_disparity_drivers"],
        )
    return lines


def _grouping_lines(grouping: Mapping[str, Any], document: Mapping[str, Any]) -> list[str]:
    metrics = set(document["metrics"])
    scoring = "scoring_rate" in metrics
    share = f"{document['settings']['exclusion_share'] * 100:g}%"
    reference = grouping.get("reference_group")
    rule = "named" if grouping.get("reference_rule") == "named" else "highest selection rate"
    title = grouping["name"]
    if reference:
        scoring_reference = grouping.get("scoring_reference_group")
        also = ""
        if scoring_reference and scoring_reference != reference:
            also = f"; for scoring rates: {scoring_reference}"
        title += f"  (reference group: {reference}, {rule}{also})"
    header = ["group", "n", "share", "selection rate [95% CI]"]
    if "true_positive_rate" in metrics:
        header += ["TPR", "FPR"]
    if scoring:
        header += ["scoring rate"]
    header += ["impact ratio"] + (["scoring IR"] if scoring else []) + ["flags"]
    rows = []
    for group in grouping["groups"]:
        m = group["metrics"]
        row = [
            group["label"],
            str(group["count"]),
            f"{group['share']:.3f}",
            _rate(m["selection_rate"]) + _interval(group["intervals"].get("selection_rate")),
        ]
        if "true_positive_rate" in metrics:
            row += [_rate(m["true_positive_rate"]), _rate(m["false_positive_rate"])]
        if scoring:
            row += [_rate(m["scoring_rate"])]
        row += [_ratio(group.get("impact_ratio"))]
        if scoring:
            row += [_ratio(group.get("scoring_impact_ratio"))]
        row += [", ".join(_FLAG_WORDS.get(f, f).format(share=share) for f in group["flags"])]
        rows.append(row)
    numeric = {1, 2} | set(range(4, len(header) - 1))
    lines = ["", title, *_table(header, rows, numeric)]
    lines += _all_disparities(grouping, document)
    return lines


def format_text(report: FairnessReport | Mapping[str, Any]) -> str:
    """Render a report as aligned plain text: flags, warnings, then one table per grouping.

    Rates have 3 decimals and ratios 2, as on the web pages; the JSON has the exact values.
    """
    document = report.document if isinstance(report, FairnessReport) else report
    if document.get("task") in ("regression", "multiclass"):
        return format_task_text(document)
    source = document["input"]
    name = source.get("filename") or "input"
    checks = document["checks"]
    verdicts = [check_verdict(c) for c in checks]
    counts = {v: verdicts.count(v) for v in _VERDICT_ORDER}
    basis = document["settings"].get("verdict_policy", "point")
    lines = [
        f"Fairness report ({document['schema']}) for {name}, sha256 {source['sha256'][:12]}",
        f"{source['rows']} rows read"
        + (
            f" (a count table of {source['cells']} cells)"
            if source.get("cells") is not None
            else ""
        )
        + f", {source['rows_used']} used; mode {document['mode']}; "
        f"positive label '{source['pos_label']}'.",
        "",
        f"FLAGS: {counts['fail']} of {len(checks)} checks fail, {counts['inconclusive']} "
        f"inconclusive, {counts['pass']} pass (verdicts from the {_BASIS_WORDS[basis]})",
    ]
    ordered = sorted(checks, key=lambda c: _VERDICT_ORDER[check_verdict(c)])
    lines += ["  " + _check_line(c) for c in ordered] or ["  none"]
    if any(c["metric"].endswith("impact_ratio") for c in checks if check_verdict(c) != "pass"):
        lines.append("  " + SCREEN_NOTE)
    lines += ["", f"WARNINGS: {len(document['warnings'])}"]
    lines += ["  - " + w for w in document["warnings"]] or ["  none"]
    for grouping in document["groupings"]:
        lines += _grouping_lines(grouping, document)
    summary = document["summary"]
    overall = summary.get("verdict") or ("fail" if counts["fail"] else "pass")
    lines += [
        "",
        f"Verdict: {overall.upper()} ({counts['fail']} fail, {counts['inconclusive']} "
        f"inconclusive, {counts['pass']} pass). Point values alone: {summary['checks_passed']} "
        f"passed, {summary['checks_failed']} failed, {summary['checks_undetermined']} not "
        "evaluated.",
    ]
    return "\n".join(lines) + "\n"
