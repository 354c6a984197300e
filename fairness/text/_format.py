"""``format_text_report``: the LLM report as plain text, the flags first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._checks import check_verdict, overall_verdict
from .._mapping import COMPARISONS
from ._metrics import COMPARISON_METRICS, GROUP_METRICS

_NEGATE = {">=": "<", ">": "<=", "<=": ">", "<": ">="}


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _cell(value: float | None, bounds: Sequence[float] | None) -> str:
    if value is None:
        return "-"
    if not bounds:
        return _num(value)
    return f"{_num(value)} [{_num(bounds[0])}, {_num(bounds[1])}]"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  " + "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i])
                         for i, c in enumerate(row)).rstrip()
        for row in [header, *rows]
    ]  # fmt: skip


def _shown(value: float, check: Mapping[str, Any]) -> str:
    """The value to 3 decimals, or all the digits it needs when 3 would read as the other side of
    the threshold (e.g. 0.7999999999999999, which fails ``>= 0.8``, is not shown as 0.800)."""
    short = f"{value:.3f}"
    ok = COMPARISONS[check["comparison"]]
    if ok(float(short), check["threshold"]) == ok(value, check["threshold"]):
        return short
    return repr(float(value))


def _check_line(check: Mapping[str, Any]) -> str:
    verdict = check_verdict(check)
    label = verdict.upper()
    where = f"{check['metric']} on {check['group']}"
    if check["value"] is None:
        return f"{label}  {where}: not evaluated ({check.get('reason', 'undefined')})"
    op = check["comparison"] if check["passed"] else _NEGATE[check["comparison"]]
    interval = check.get("interval")
    if interval:
        bounds = f" (95% interval [{interval[0]:.3f}, {interval[1]:.3f}])"
    else:
        bounds = " (point value: no interval)"
    return f"{label}  {where}: {_shown(check['value'], check)} {op} {check['threshold']:g}{bounds}"


def format_text_report(report: Any, *, strict: bool = False) -> str:
    """Render a :class:`~fairness.text.TextReport` (or its document) for a terminal."""
    doc = report.to_dict() if hasattr(report, "to_dict") else report
    info = doc["input"]
    lines = [
        f"LLM counterfactual fairness ({doc['schema']})",
        f"Input: {info['rows']} responses ({info['format']}), {info['pairs']} pair_ids "
        f"({info['complete_pairs']} with two groups or more), {info['groups']} groups; "
        f"reference group: {doc['reference_group']}",
        "",
    ]
    checks = doc["checks"]
    order = {"fail": 0, "inconclusive": 1, "pass": 2}
    if checks:
        counts = {name: sum(check_verdict(c) == name for c in checks) for name in order}
        overall = overall_verdict(checks)
        point = sum(c["passed"] is True for c in checks)
        strictly = " (fails under --strict)" if strict and overall == "inconclusive" else ""
        lines.append(
            f"Checks: {overall.upper()}{strictly} ({counts['fail']} fail, "
            f"{counts['inconclusive']} inconclusive, {counts['pass']} pass of {len(checks)}: "
            f"verdicts from the 95% intervals; point values alone: {point} pass)"
        )
        ordered = sorted(checks, key=lambda c: order[check_verdict(c)])
        lines += ["  " + _check_line(c) for c in ordered]
        lines.append("")
    if doc["warnings"]:
        lines.append("Warnings:")
        lines += [f"  - {w}" for w in doc["warnings"]]
        lines.append("")
    groups = doc["groups"]
    shown = [m for m in GROUP_METRICS if any(m in g["metrics"] for g in groups)]
    lines.append("Per group (95% intervals: Wilson for shares, bootstrap over pair_ids for means)")
    rows = [["responses", *(str(g["responses"]) for g in groups)],
            ["pairs", *(str(g["pairs"]) for g in groups)]]  # fmt: skip
    for metric in shown:
        rows.append([metric, *(_cell(g["metrics"].get(metric), g["intervals"].get(metric))
                               for g in groups)])  # fmt: skip
    names = [g["group"] + (" (ref)" if g["reference"] else "") for g in groups]
    lines += _table(["metric", *names], rows)
    lines.append("")
    comparisons = doc["comparisons"]
    if comparisons:
        lines.append(f"Against the reference '{doc['reference_group']}' (matched generations)")
        rows = [["pairs", *(str(c["pairs"]) for c in comparisons)],
                ["units", *(str(c["units"]) for c in comparisons)]]  # fmt: skip
        for metric in COMPARISON_METRICS:
            if any(c["metrics"].get(metric) is not None for c in comparisons):
                rows.append([metric, *(_cell(c["metrics"].get(metric), c["intervals"].get(metric))
                                       for c in comparisons)])  # fmt: skip
        for test in ("refusal_mcnemar_p", "sentiment_wilcoxon_p", "decision_mcnemar_p"):
            if any(test in c["tests"] for c in comparisons):
                rows.append([test, *(_num(c["tests"].get(test), 4) for c in comparisons)])
        lines += _table(["metric", *(c["group"] for c in comparisons)], rows)
        lines.append("")
    if doc["examples"]:
        lines.append("Examples")
        for example in doc["examples"]:
            extra = ""
            if "difference" in example:
                extra = f" ({example['difference']:+.3g})"
            sample = f", sample {example['sample']}" if "sample" in example else ""
            lines.append(f"  [{example['why']}{extra}] pair {example['pair_id']}{sample}")
            for group, text in example["responses"].items():
                flat = " ".join(text.split()) or "(empty)"
                flat = flat if len(flat) <= 200 else flat[:200].rstrip() + "…"
                lines.append(f"    {group}: {flat}")
        lines.append("")
    return "\n".join(lines)
