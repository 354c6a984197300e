"""Each grouping of a run in words and tables: flags, notes, rows, disparities and charts.

Read from the stored fairness-report/1 document as the engine wrote it; no figure is recomputed.
The run page, the report page and the PDF render these objects through one template
(`reports/includes/grouping.html`).

Each disparity is shown twice: fairlearn's over every known group, and the engine's over the
grouping's reliable groups (at least the minimum group size, never Unknown), each with its
interval and the groups that set it. Checks read the reliable ones by default; a document stored
before reliable disparities has only fairlearn's, and is shown as it was.
"""

import dataclasses
import functools
import json
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from audits.reports.charts import grouping_charts, grouping_rate_chart
from checklists.gates import NAMED_DISPARITIES
from fairness import DEFAULT_EXCLUSION_SHARE, DEFAULT_FOUR_FIFTHS_THRESHOLD, DEFAULT_MIN_GROUP_SIZE

from .checks import (
    FAIL,
    FOUR_FIFTHS_METRICS,
    INCONCLUSIVE,
    PASS,
    VERDICT_ORDER,
    CheckResult,
    check_results,
    drivers_text,
)
from .impact import ImpactTable, impact_table
from .labels import TAG_WORDS, capfirst, metric_words
from .numbers import RATE_DIGITS, RATIO_DIGITS, Cell, cell, digits_for, metric_cell
from .tasks import TaskDetail, task_detail

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
Charts = Literal["all", "selection", "none"]


@dataclass(frozen=True)
class ActionLink:
    """Where a flag's "New action" points: the base, fixed parameters (the run), then the check."""

    url: str
    params: dict

    def __call__(self, check: CheckResult) -> str:
        query = {k: v for k, v in self.params.items() if v is not None}
        query |= {"check": check.name, "grouping": check.grouping}
        if check.class_name is not None:
            query["class"] = check.class_name
        return f"{self.url}?{urlencode(query)}"


@dataclass(frozen=True)
class Flag:
    """A check that fails or is inconclusive (or not computable), in one sentence (no full stop)."""

    check: CheckResult
    text: str
    failed: bool  # the verdict is fail
    action_url: str | None  # "New action" for this check, pre-filled from it; None: no link

    @property
    def verdict(self) -> str:
        return self.check.verdict

    @property
    def detail(self) -> str:
        """The interval, the groups used and who set the value ("" for an older document)."""
        parts = []
        if self.check.interval_text:
            parts.append(f"95% interval {self.check.interval_text}")
        if self.check.groups_text:
            parts.append(f"on {self.check.groups_text}")
        if self.check.drivers_text:
            parts.append(f"set by {self.check.drivers_text}")
        if self.check.same_as_text:
            parts.append(self.check.same_as_text)
        return " · ".join(parts)


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
    cell: Cell  # fairlearn's, over every known group, with the bootstrap interval
    drivers: str = ""  # who sets it: "0.32: Female 0.079 vs Male 0.249"
    reliable: Cell | None = None  # over the reliable groups; None in an older document
    reliable_drivers: str = ""


@dataclass(frozen=True)
class Reliability:
    """Which groups of a grouping are reliable (at least `min_size` rows, not Unknown)."""

    min_size: int
    reliable: list[str]
    small: list[str]  # known groups under the minimum, as "label (count)"
    undefined_reason: str  # why there are no reliable disparities ("" when there are)

    @property
    def same_as_all(self) -> bool:
        return not self.small

    @property
    def text(self) -> str:
        head = f"Reliable groups (at least {self.min_size} rows, not Unknown): "
        if self.same_as_all:
            return (
                f"{head}every group ({_some(self.reliable)}), so the reliable disparities are "
                "fairlearn's."
            )
        text = f"{head}{_some(self.reliable) or 'none'}. Below the minimum: {_some(self.small)}."
        if self.undefined_reason:
            text += f" No reliable disparity: {self.undefined_reason}."
        return text


@dataclass(frozen=True)
class GroupingSection:
    name: str
    columns: list[str]
    reference_group: str | None
    unknown_count: int
    flags: list[Flag]  # failed checks first, then inconclusive ones (and not computable)
    passed_checks: list[CheckResult]
    notes: list[str]  # unknown values, excluded and small groups, in plain words
    rows: list[GroupRow]
    disparities: list[Disparity]
    charts: list[dict]  # [{"metric", "title", "svg"}]
    impact: ImpactTable
    checks: list[CheckResult]  # every check on this grouping: failed, inconclusive, then passed
    reliability: Reliability | None  # None for a document from before reliable disparities
    task: TaskDetail | None = None  # a regression or multiclass grouping's own tables and charts

    @property
    def failed_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.failed]

    @property
    def inconclusive_flags(self) -> list[Flag]:
        return [f for f in self.flags if not f.failed]

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
    action_params: dict | None = None,
) -> list[GroupingSection]:
    """Every grouping of a run's report document as plain data ([] for no document).

    `charts`: every rate chart (the run page), the selection-rate chart only (the report), or
    none (the exports). `action_url` is where each flag's "New action" points, with
    `action_params` (the run, where to come back) and the flag's `check`, `grouping` and
    `class` in the query.
    """
    options = (config or {}).get("options") or {}
    checks = check_results(result)
    link = ActionLink(action_url, action_params or {}) if action_url else None
    sections = []
    for g in (result or {}).get("groupings", []):
        section = _section(g, checks, options, charts=charts, action_link=link)
        detail = task_detail(result, g, charts=charts != "none")
        if detail is not None:
            # The binary rate charts would be empty bars: the task draws its own.
            section = dataclasses.replace(section, task=detail, charts=[])
        sections.append(section)
    return sections


def _section(
    grouping: dict,
    checks: list[CheckResult],
    options: dict,
    *,
    charts: Charts,
    action_link: ActionLink | None,
) -> GroupingSection:
    threshold = options.get("four_fifths_threshold") or DEFAULT_FOUR_FIFTHS_THRESHOLD
    name = str(grouping.get("name", ""))
    own = sorted((c for c in checks if c.grouping == name), key=lambda c: VERDICT_ORDER[c.verdict])
    min_size = options.get("min_group_size") or DEFAULT_MIN_GROUP_SIZE
    return GroupingSection(
        name=name,
        columns=list(grouping.get("columns") or []),
        reference_group=grouping.get("reference_group"),
        unknown_count=grouping.get("unknown_count") or 0,
        flags=[_flag(c, grouping, threshold, action_link) for c in own if c.verdict != PASS],
        passed_checks=[c for c in own if c.verdict == PASS],
        notes=grouping_notes(grouping, options),
        rows=[_row(g, grouping, min_size) for g in grouping.get("groups", [])],
        disparities=_disparities(grouping),
        charts=_charts(grouping, threshold, charts),
        impact=impact_table(grouping, options, threshold),
        checks=own,
        reliability=_reliability(grouping, min_size),
    )


def _reliability(grouping: dict, min_size: int) -> Reliability | None:
    reliable = grouping.get("reliable_groups")
    if reliable is None:
        return None
    small = [
        f"{g.get('label')} ({g.get('count') or 0})"
        for g in grouping.get("groups", [])
        if not g.get("unknown") and g.get("label") not in reliable
    ]
    reasons = grouping.get("reliable_undefined") or {}
    return Reliability(
        min_size=min_size,
        reliable=[str(label) for label in reliable],
        small=small,
        undefined_reason=str(next(iter(reasons.values()), "")) if len(reliable) < 2 else "",
    )


def flag_text(
    check: CheckResult, grouping: dict, *, four_fifths: float = DEFAULT_FOUR_FIFTHS_THRESHOLD
) -> str:
    """A check in words: which value, for whom, against what, and by how much it misses.

    An inconclusive check says why (its interval straddles the threshold); one that fails on its
    interval while its point value passes says so.
    """
    words = capfirst(check.label)
    if check.value is None or check.passed is None:
        return f"{words} is undefined on {check.grouping}: {check.reason or 'no reason given'}"
    value, threshold = check.value, check.threshold
    digits = digits_for(check.metric)
    if check.verdict == INCONCLUSIVE:
        why = check.verdict_reason or "its interval straddles the threshold"
        return (
            f"{words} {value:.{digits}f} on {check.grouping} is inconclusive against the "
            f"{threshold:g} threshold ({check.requirement} required): {why}"
        )
    if check.verdict == FAIL and check.passed:
        return (
            f"{words} {value:.{digits}f} on {check.grouping} meets the {threshold:g} threshold "
            f"at its point value, but its whole 95% interval {check.interval_text} does not "
            f"({check.requirement} required)"
        )
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


def _flag(
    check: CheckResult, grouping: dict, four_fifths: float, action_link: ActionLink | None
) -> Flag:
    return Flag(
        check=check,
        text=flag_text(check, grouping, four_fifths=four_fifths),
        failed=check.verdict == FAIL,
        action_url=action_link(check) if action_link else None,
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
        tags=_tags(group),
        warnings=tuple(
            str(w.get("message", w)) if isinstance(w, dict) else str(w)
            for w in group.get("warnings") or []
        ),
    )


def _tags(group: dict) -> tuple[str, ...]:
    """The row's flags in words; "scoring below four-fifths" only when it says something new."""
    flags = [f for f in group.get("flags") or [] if f != "reference"]
    ratios = group.get("impact_ratio"), group.get("scoring_impact_ratio")
    if "below_four_fifths" in flags and None not in ratios and ratios[0] == ratios[1]:
        flags = [f for f in flags if f != "below_four_fifths_scoring"]
    return tuple(TAG_WORDS.get(f, f.replace("_", " ")) for f in flags)


def _disparities(grouping: dict) -> list[Disparity]:
    """Every disparity, fairlearn's and the reliable one, with intervals and drivers, key ones first."""
    intervals = grouping.get("disparity_intervals") or {}
    undefined = grouping.get("undefined") or {}
    drivers = grouping.get("disparity_drivers") or {}
    reliable = grouping.get("reliable_disparities")
    reliable_intervals = grouping.get("reliable_disparity_intervals") or {}
    reliable_undefined = grouping.get("reliable_undefined") or {}
    reliable_drivers = grouping.get("reliable_disparity_drivers") or {}
    items = []
    for name, value in (grouping.get("disparities") or {}).items():
        kept = None if reliable is None else reliable.get(name)
        items.append(
            Disparity(
                name=name,
                label=metric_words(name),
                key=name in KEY_DISPARITIES,
                cell=metric_cell(
                    name, value, interval=intervals.get(name), why=undefined.get(name)
                ),
                drivers=drivers_text(name, value, drivers.get(name)),
                reliable=None
                if reliable is None
                else metric_cell(
                    name,
                    kept,
                    interval=reliable_intervals.get(name),
                    why=reliable_undefined.get(name),
                ),
                reliable_drivers=drivers_text(name, kept, reliable_drivers.get(name)),
            )
        )
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
