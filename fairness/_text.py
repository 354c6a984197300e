"""``format_text``: the report as plain text for a terminal, flags and warnings first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._report import FairnessReport

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


def _check_line(check: Mapping[str, Any]) -> str:
    comparison = {">=": "<", ">": "<=", "<=": ">", "<": ">="}[check["comparison"]]
    what = check["metric"].replace("_", " ")
    return (
        f"FAIL  {check['name']} on {check['grouping']}: {what} {check['value']:.2f} "
        f"{comparison} {check['threshold']:g}"
    )


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
    shown = [
        ("demographic_parity_ratio", 2), ("demographic_parity_difference", 3),
        ("equalized_odds_ratio", 2), ("equalized_odds_difference", 3),
        ("equal_opportunity_difference", 3), ("roc_auc_difference", 3),
    ]  # fmt: skip
    parts = []
    for name, digits in shown:
        if name in grouping["disparities"]:
            value = grouping["disparities"][name]
            text = "-" if value is None else f"{value:.{digits}f}"
            parts.append(
                f"{name} {text}{_interval(grouping['disparity_intervals'].get(name), digits)}"
            )
    if parts:
        lines.append("  Disparities: " + "; ".join(parts))
    return lines


def format_text(report: FairnessReport | Mapping[str, Any]) -> str:
    """Render a report as aligned plain text: flags, warnings, then one table per grouping.

    Rates have 3 decimals and ratios 2, as on the web pages; the JSON has the exact values.
    """
    document = report.document if isinstance(report, FairnessReport) else report
    source = document["input"]
    name = source.get("filename") or "input"
    checks = document["checks"]
    failed = [c for c in checks if c["passed"] is False]
    lines = [
        f"Fairness report ({document['schema']}) for {name}, sha256 {source['sha256'][:12]}",
        f"{source['rows']} rows read, {source['rows_used']} used; mode {document['mode']}; "
        f"positive label '{source['pos_label']}'.",
        "",
        f"FLAGS: {len(failed)} of {len(checks)} checks failed",
    ]
    lines += ["  " + _check_line(c) for c in failed] or ["  none"]
    if any(c["metric"].endswith("impact_ratio") for c in failed):
        lines.append("  " + SCREEN_NOTE)
    lines += ["", f"WARNINGS: {len(document['warnings'])}"]
    lines += ["  - " + w for w in document["warnings"]] or ["  none"]
    for grouping in document["groupings"]:
        lines += _grouping_lines(grouping, document)
    summary = document["summary"]
    lines += [
        "",
        f"Checks: {summary['checks_passed']} passed, {summary['checks_failed']} failed, "
        f"{summary['checks_undetermined']} not evaluated.",
    ]
    return "\n".join(lines) + "\n"
