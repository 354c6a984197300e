"""Report building and rendering: plain-data reports, HTML, PDF and SVG charts.

`run_page_sections` turns a fairness run's report document into what its page (and later the audit
report) shows per grouping: flags first, plain-word notes, the table, disparities and the charts.
"""

from urllib.parse import urlencode

from checklists.gates import COMPARISON_SYMBOLS, NAMED_DISPARITIES

from .charts import grouping_charts

SCREENING = "a screening threshold, not a verdict"
TABLE_METRICS = ("selection_rate", "true_positive_rate", "false_positive_rate", "precision")


def run_page_sections(run, *, action_url: str | None = None) -> list[dict]:
    """Per grouping of a succeeded run: flags, notes, rows, disparities, charts; [] otherwise.

    `action_url` is where "Create remediation action" points (None: no link); the failed check is
    passed as `?check=<check name> on <grouping>`.
    """
    result = run.result or {}
    options = (run.config or {}).get("options", {})
    checks = result.get("checks", [])
    four_fifths = options.get("four_fifths_threshold", 0.8)
    sections = []
    for grouping in result.get("groupings", []):
        own = _unique([c for c in checks if c.get("grouping") == grouping.get("name")])
        sections.append(
            {
                "name": grouping.get("name"),
                "columns": grouping.get("columns", []),
                "reference_group": grouping.get("reference_group"),
                "unknown_count": grouping.get("unknown_count") or 0,
                "flags": [
                    _flag(c, grouping, action_url=action_url, four_fifths=four_fifths)
                    for c in own
                    if c.get("passed") is not True
                ],
                "passed_checks": [c for c in own if c.get("passed") is True],
                "notes": _notes(grouping, options),
                "rows": [_row(g, grouping) for g in grouping.get("groups", [])],
                "disparities": _disparities(grouping),
                "charts": grouping_charts(grouping, four_fifths=four_fifths),
            }
        )
    return sections


def number(value, digits: int, *, why: str | None = None) -> dict:
    """A number for a table cell: rounded text and the exact value (for the `title`)."""
    if value is None:
        return {"text": "—", "exact": f"undefined: {why}" if why else "undefined", "value": None}
    return {"text": f"{value:.{digits}f}", "exact": repr(value), "value": value}


def _interval(interval, digits: int) -> str:
    if not (isinstance(interval, list | tuple) and len(interval) == 2) or None in interval:
        return ""
    return f"{interval[0]:.{digits}f}–{interval[1]:.{digits}f}"


def _digits(metric: str) -> int:
    return 2 if metric.endswith("_ratio") or metric == "impact_ratio" else 3


def _unique(checks: list[dict]) -> list[dict]:
    """One entry per test: a gate "impact_ratio >= 0.8" repeats the four-fifths screen."""
    seen, unique = set(), []
    for check in checks:
        key = (check.get("metric"), check.get("comparison"), check.get("threshold"))
        if key not in seen:
            seen.add(key)
            unique.append(check)
    return unique


_TAGS = {
    "excluded": "excluded",
    "small_group": "small group",
    "unknown": "unknown",
    "below_four_fifths": "below four-fifths",
    "below_four_fifths_scoring": "scoring below four-fifths",
}
_IMPACT = {"impact_ratio": "Impact ratio", "scoring_impact_ratio": "Scoring impact ratio"}


def _flag(check: dict, grouping: dict, *, action_url: str | None, four_fifths: float) -> dict:
    """A failed (or undefined) check in words: which value, for whom, against what, by how much."""
    metric = str(check.get("metric", ""))
    value, threshold = check.get("value"), check.get("threshold")
    comparison = check.get("comparison", ">=")
    words = metric.replace("_", " ").capitalize()
    if value is None or check.get("passed") is None:
        why = f": {check['reason']}" if check.get("reason") else ""
        text = f"{words} could not be computed on {grouping.get('name')}{why}."
    else:
        digits = _digits(metric)
        side = "below" if comparison in (">=", ">") else "above"
        if metric in _IMPACT:
            lowest = _lowest_impact_group(grouping, metric)
            who = f" for {lowest}" if lowest else ""
            screen = "four-fifths screening" if threshold == four_fifths else "screening"
            text = f"{_IMPACT[metric]} {value:.{digits}f}{who} is {side} the {threshold:g} {screen} threshold"
        else:
            text = f"{words} {value:.{digits}f} on {grouping.get('name')} is {side} the {threshold:g} threshold"
        symbol = COMPARISON_SYMBOLS.get(comparison, comparison)
        text += f" ({symbol} {threshold:g} required; off by {abs(value - threshold):.{digits}f})"
    link = None
    if action_url:
        name = f"{check.get('name', metric)} on {grouping.get('name')}"
        link = f"{action_url}?{urlencode({'check': name})}"
    return {"check": check, "text": text, "action_url": link}


def _lowest_impact_group(grouping: dict, key: str = "impact_ratio") -> str | None:
    ratios = [
        (g[key], str(g.get("label")))
        for g in grouping.get("groups", [])
        if isinstance(g.get(key), int | float) and not g.get("excluded") and not g.get("unknown")
    ]
    return min(ratios)[1] if ratios else None


def _notes(grouping: dict, options: dict) -> list[str]:
    """Unknown values, excluded and small groups, in plain words (one line each)."""
    notes = []
    unknown = grouping.get("unknown_count") or 0
    columns = " and ".join(grouping.get("columns") or [grouping.get("name", "")])
    if unknown:
        notes.append(
            f"{_rows(unknown)} had no value for {columns}: they are counted as the group "
            "“Unknown” and left out of impact ratios and disparities."
        )
    min_size = options.get("min_group_size", 30)
    share = options.get("exclusion_share", 0.02)
    known = [g for g in grouping.get("groups", []) if not g.get("unknown")]
    excluded = [f"{g.get('label')} ({g.get('share', 0):.1%})" for g in known if g.get("excluded")]
    if excluded:
        notes.append(
            f"{_groups(excluded)} under {share * 100:g}% of the rows, so left out of impact "
            f"ratios (their counts and rates are still shown): {_some(excluded)}."
        )
    small = [f"{g.get('label')} ({g.get('count') or 0})" for g in grouping.get("groups", [])
             if (g.get("count") or 0) < min_size]  # fmt: skip
    if small:
        notes.append(
            f"{_have(small)} fewer than {min_size} rows, so their rates are uncertain; read them "
            f"with their intervals: {_some(small)}."
        )
    return notes


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _groups(items: list) -> str:
    return "One group is" if len(items) == 1 else f"{len(items)} groups are"


def _have(items: list) -> str:
    return "One group has" if len(items) == 1 else f"{len(items)} groups have"


def _some(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def _row(group: dict, grouping: dict) -> dict:
    metrics, intervals = group.get("metrics") or {}, group.get("intervals") or {}
    undefined = group.get("undefined") or {}
    cells = {
        m: {
            **number(metrics.get(m), 3, why=undefined.get(m)),
            "interval": _interval(intervals.get(m), 3),
        }
        for m in TABLE_METRICS
    }
    return {
        "label": group.get("label"),
        "is_reference": not group.get("unknown")
        and group.get("label") is not None
        and group.get("label") == grouping.get("reference_group"),
        "unknown": bool(group.get("unknown")),
        "count": group.get("count"),
        "share": number(group.get("share"), 3),
        "cells": [cells[m] for m in TABLE_METRICS],
        "impact_ratio": number(group.get("impact_ratio"), 2, why=undefined.get("impact_ratio")),
        "excluded": bool(group.get("excluded")),
        "tags": [
            _TAGS.get(flag, flag.replace("_", " "))
            for flag in group.get("flags") or []
            if flag != "reference"
        ],
        "warnings": "; ".join(str(w) for w in group.get("warnings") or []),
    }


KEY_DISPARITIES = (*NAMED_DISPARITIES, "scoring_rate_ratio")


def _disparities(grouping: dict) -> list[dict]:
    """Every disparity with its bootstrap interval; `key` marks the named fairlearn ones."""
    intervals = grouping.get("disparity_intervals") or {}
    undefined = grouping.get("undefined") or {}
    return [
        {
            "name": name.replace("_", " "),
            "key": name in KEY_DISPARITIES,
            **number(value, _digits(name), why=undefined.get(name)),
            "interval": _interval(intervals.get(name), _digits(name)),
        }
        for name, value in (grouping.get("disparities") or {}).items()
    ]
