"""Each grouping of a run in words and tables: flags, notes, rows, disparities and charts.

Read from the stored fairness-report/1 document as the engine wrote it; no figure is recomputed.
The run page, the report page and the PDF render these objects through one template
(`reports/includes/grouping.html`).
"""

import functools
import json
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from audits.reports.charts import grouping_charts, grouping_rate_chart
from checklists.gates import NAMED_DISPARITIES
from fairness import DEFAULT_EXCLUSION_SHARE, DEFAULT_FOUR_FIFTHS_THRESHOLD, DEFAULT_MIN_GROUP_SIZE

from .checks import FOUR_FIFTHS_METRICS, CheckResult, check_results
from .impact import ImpactTable, impact_table
from .numbers import RATE_DIGITS, RATIO_DIGITS, Cell, cell, digits_for, metric_cell

SCREENING = "a screening threshold, not a verdict of fairness"
# The per-group rates of the group table, with their column labels.
RATE_COLUMNS = (
    ("selection_rate", "Selection rate"),
    ("true_positive_rate", "True positive rate"),
    ("false_positive_rate", "False positive rate"),
    ("precision", "Precision"),
)
# The disparities shown first: fairlearn's named ones, and the scoring counterpart of the first.
KEY_DISPARITIES = (*NAMED_DISPARITIES, "scoring_rate_ratio")
_TAGS = {
    "excluded": "excluded",
    "small_group": "small sample",
    "unknown": "unknown",
    "below_four_fifths": "below four-fifths",
    "below_four_fifths_scoring": "scoring below four-fifths",
}
Charts = Literal["all", "selection", "none"]


@dataclass(frozen=True)
class Flag:
    """A check not met (`failed`) or not computable, in one sentence (no final full stop)."""

    check: CheckResult
    text: str
    failed: bool
    action_url: str | None  # "Create remediation action" for this check; None: no link


@dataclass(frozen=True)
class GroupRow:
    label: str
    count: int
    share: Cell
    rates: tuple[Cell, ...]  # in RATE_COLUMNS order, with their intervals
    impact_ratio: Cell
    is_reference: bool
    excluded: bool
    unknown: bool
    small: bool  # under the minimum group size: rates are uncertain
    tags: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Disparity:
    name: str  # the engine's key, e.g. "demographic_parity_ratio"
    label: str  # in words
    key: bool  # one of KEY_DISPARITIES, shown first
    cell: Cell  # with the bootstrap interval


@dataclass(frozen=True)
class GroupingSection:
    name: str
    columns: list[str]
    reference_group: str | None
    unknown_count: int
    flags: list[Flag]  # failed checks first, then the ones that could not be computed
    passed_checks: list[CheckResult]
    notes: list[str]  # unknown values, excluded and small groups, in plain words
    rows: list[GroupRow]
    disparities: list[Disparity]
    charts: list[dict]  # [{"metric", "title", "svg"}]
    impact: ImpactTable

    @property
    def chart_svg(self) -> str:
        """The selection-rate chart ("" without charts)."""
        return next((c["svg"] for c in self.charts if c["metric"] == "selection_rate"), "")

    @property
    def key_disparities(self) -> list[Disparity]:
        return [d for d in self.disparities if d.key]


def grouping_sections(
    result: dict | None,
    config: dict | None,
    *,
    charts: Charts = "all",
    action_url: str | None = None,
) -> list[GroupingSection]:
    """Every grouping of a run's report document as plain data ([] for no document).

    `charts`: every rate chart (the run page), the selection-rate chart only (the report), or
    none (the exports). `action_url` is where "Create remediation action" points; the check is
    passed as `?check=<check name> on <grouping>`.
    """
    options = (config or {}).get("options") or {}
    checks = check_results(result)
    return [
        _section(g, checks, options, charts=charts, action_url=action_url)
        for g in (result or {}).get("groupings", [])
    ]


def _section(
    grouping: dict,
    checks: list[CheckResult],
    options: dict,
    *,
    charts: Charts,
    action_url: str | None,
) -> GroupingSection:
    threshold = options.get("four_fifths_threshold") or DEFAULT_FOUR_FIFTHS_THRESHOLD
    name = str(grouping.get("name", ""))
    own = [c for c in checks if c.grouping == name]
    not_met = [c for c in own if c.passed is False] + [c for c in own if c.passed is None]
    min_size = options.get("min_group_size") or DEFAULT_MIN_GROUP_SIZE
    return GroupingSection(
        name=name,
        columns=list(grouping.get("columns") or []),
        reference_group=grouping.get("reference_group"),
        unknown_count=grouping.get("unknown_count") or 0,
        flags=[_flag(c, grouping, threshold, action_url) for c in not_met],
        passed_checks=[c for c in own if c.passed is True],
        notes=grouping_notes(grouping, options),
        rows=[_row(g, grouping, min_size) for g in grouping.get("groups", [])],
        disparities=_disparities(grouping),
        charts=_charts(grouping, threshold, charts),
        impact=impact_table(grouping, options, threshold),
    )


def flag_text(
    check: CheckResult, grouping: dict, *, four_fifths: float = DEFAULT_FOUR_FIFTHS_THRESHOLD
) -> str:
    """A check in words: which value, for whom, against what, and by how much it misses."""
    words = check.metric.replace("_", " ").capitalize()
    if check.value is None or check.passed is None:
        return f"{words} is undefined on {check.grouping}: {check.reason or 'no reason given'}"
    value, threshold = check.value, check.threshold
    digits = digits_for(check.metric)
    side = "below" if check.comparison in (">=", ">") else "above"
    if check.metric in FOUR_FIFTHS_METRICS:
        lowest = _lowest(grouping, check.metric)
        who = f" for {lowest}" if lowest else ""
        screen = "four-fifths screening" if threshold == four_fifths else "screening"
        text = f"{words} {value:.{digits}f}{who} is {side} the {threshold:g} {screen} threshold"
    else:
        text = (
            f"{words} {value:.{digits}f} on {check.grouping} is {side} the {threshold:g} threshold"
        )
    gap = abs(value - threshold)
    return f"{text} ({check.requirement} required; off by {gap:.{digits}f})"


def _flag(check: CheckResult, grouping: dict, four_fifths: float, action_url: str | None) -> Flag:
    link = None
    if action_url:
        link = f"{action_url}?{urlencode({'check': f'{check.name} on {check.grouping}'})}"
    return Flag(
        check=check,
        text=flag_text(check, grouping, four_fifths=four_fifths),
        failed=check.passed is False,
        action_url=link,
    )


def _lowest(grouping: dict, key: str) -> str | None:
    """The group with the lowest ratio, among those the ratio is defined for."""
    ratios = [
        (g[key], str(g.get("label")))
        for g in grouping.get("groups", [])
        if isinstance(g.get(key), int | float) and not g.get("excluded") and not g.get("unknown")
    ]
    return min(ratios)[1] if ratios else None


def grouping_notes(grouping: dict, options: dict) -> list[str]:
    """Unknown values, excluded and small groups, in plain words (one line each)."""
    notes = []
    unknown = grouping.get("unknown_count") or 0
    columns = " and ".join(grouping.get("columns") or [grouping.get("name", "")])
    if unknown:
        notes.append(
            f"{_rows(unknown)} had no value for {columns}: they are counted as the group "
            "“Unknown” and left out of impact ratios and disparities."
        )
    min_size = options.get("min_group_size") or DEFAULT_MIN_GROUP_SIZE
    share = options.get("exclusion_share") or DEFAULT_EXCLUSION_SHARE
    groups = grouping.get("groups", [])
    excluded = [
        f"{g.get('label')} ({g.get('share') or 0:.1%})"
        for g in groups
        if g.get("excluded") and not g.get("unknown")
    ]
    if excluded:
        notes.append(
            f"{_groups(excluded)} under {share * 100:g}% of the rows, so left out of impact "
            f"ratios (their counts and rates are still shown): {_some(excluded)}."
        )
    small = [f"{g.get('label')} ({g.get('count') or 0})" for g in groups
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


def _row(group: dict, grouping: dict, min_size: int) -> GroupRow:
    metrics, intervals = group.get("metrics") or {}, group.get("intervals") or {}
    undefined = group.get("undefined") or {}
    label = str(group.get("label", ""))
    unknown = bool(group.get("unknown", label == "Unknown"))
    reference = grouping.get("reference_group")
    count = group.get("count") or 0
    return GroupRow(
        label=label,
        count=count,
        share=cell(group.get("share"), RATE_DIGITS),
        rates=tuple(
            cell(metrics.get(m), RATE_DIGITS, interval=intervals.get(m), why=undefined.get(m))
            for m, _ in RATE_COLUMNS
        ),
        impact_ratio=cell(
            group.get("impact_ratio"), RATIO_DIGITS, why=undefined.get("impact_ratio")
        ),
        is_reference=not unknown and reference is not None and label == reference,
        excluded=bool(group.get("excluded")),
        unknown=unknown,
        small=count < min_size,
        tags=tuple(
            _TAGS.get(flag, flag.replace("_", " "))
            for flag in group.get("flags") or []
            if flag != "reference"
        ),
        warnings=tuple(
            str(w.get("message", w)) if isinstance(w, dict) else str(w)
            for w in group.get("warnings") or []
        ),
    )


def _disparities(grouping: dict) -> list[Disparity]:
    """Every disparity with its bootstrap interval, the key ones first."""
    intervals = grouping.get("disparity_intervals") or {}
    undefined = grouping.get("undefined") or {}
    items = [
        Disparity(
            name=name,
            label=name.replace("_", " "),
            key=name in KEY_DISPARITIES,
            cell=metric_cell(name, value, interval=intervals.get(name), why=undefined.get(name)),
        )
        for name, value in (grouping.get("disparities") or {}).items()
    ]
    return sorted(items, key=lambda d: not d.key)


def _charts(grouping: dict, threshold: float, charts: Charts) -> list[dict]:
    if charts == "all":
        return grouping_charts(grouping, four_fifths=threshold)
    if charts == "selection":
        svg = selection_chart(json.dumps(grouping, sort_keys=True), threshold)
        title = f"Selection rate by {grouping.get('name')}"
        return [{"metric": "selection_rate", "title": title, "svg": svg}] if svg else []
    return []


@functools.lru_cache(maxsize=128)
def selection_chart(grouping_json: str, threshold: float) -> str:
    """Selection rate by group, with the reference rate and the four-fifths screen.

    Cached on the grouping's content: a finished run never changes and the same data draws the
    same bytes, so a report downloaded again (or sealed on approval) reuses its charts.
    """
    grouping = json.loads(grouping_json)
    reference = grouping.get("reference_group")
    rate = next(
        (
            (g.get("metrics") or {}).get("selection_rate")
            for g in grouping.get("groups", [])
            if reference is not None and g.get("label") == reference
        ),
        None,
    )
    return grouping_rate_chart(grouping, "selection_rate", reference=rate, four_fifths=threshold)
