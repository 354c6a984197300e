"""The fairness part of a report: each run, its checks, and per grouping its tables and chart.

Everything is read from the run's stored fairness-report/1 document as the engine wrote it; no
figure is recomputed here. Display cells (`number()`) keep the exact value next to the rounded
text: rates to 3 decimals, ratios to 2.
"""

import functools
import json
from dataclasses import dataclass
from datetime import datetime

from audits.reports import number
from audits.reports.charts import grouping_rate_chart
from checklists.gates import NAMED_DISPARITIES

SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
# The per-group rates of the report's group table, with their column labels.
RATE_COLUMNS = (
    ("selection_rate", "Selection rate"),
    ("true_positive_rate", "TPR"),
    ("false_positive_rate", "FPR"),
    ("precision", "Precision"),
)
FOUR_FIFTHS_METRICS = {"impact_ratio": "selection", "scoring_impact_ratio": "scoring"}
DEFAULT_EXCLUSION_JUSTIFICATION = (
    "Groups under {share:.0%} of the rows are left out of the impact ratios, as the LL144 rules "
    "(6 RCNY §5-301) allow for categories under 2% of the data; their counts and rates are still "
    "reported. No further justification was recorded for this run."
)


def digits_for(metric: str) -> int:
    """Ratios are shown to 2 decimals, everything else (rates, differences) to 3."""
    return 2 if metric.endswith("ratio") else 3


def _interval_text(interval, digits: int) -> str:
    if not (isinstance(interval, list | tuple) and len(interval) == 2) or None in interval:
        return ""
    return f"{interval[0]:.{digits}f}–{interval[1]:.{digits}f}"


def cell(value, digits: int, interval=None) -> dict:
    """A table cell: rounded text, exact value and the rounded interval ("" when none)."""
    return {**number(value, digits), "interval": _interval_text(interval, digits)}


@dataclass(frozen=True)
class CheckResult:
    name: str
    metric: str
    grouping: str
    comparison: str
    threshold: float
    value: float | None
    passed: bool | None
    reason: str

    @property
    def label(self) -> str:
        basis = FOUR_FIFTHS_METRICS.get(self.metric)
        if basis:
            return f"four-fifths screen ({basis} rates)"
        return self.metric.replace("_", " ")

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.comparison, self.comparison)

    @property
    def requirement(self) -> str:
        return f"{self.symbol} {self.threshold:g}"

    @property
    def value_cell(self) -> dict:
        return number(self.value, digits_for(self.metric))


@dataclass(frozen=True)
class GroupRow:
    label: str
    count: int
    is_reference: bool
    excluded: bool
    unknown: bool
    small: bool  # under the minimum group size: rates are uncertain
    warnings: tuple[str, ...]
    rates: tuple[dict, ...]  # cells in RATE_COLUMNS order


@dataclass(frozen=True)
class ImpactRow:
    label: str
    count: int
    share: float | None
    selection_rate: float | None
    impact_ratio: float | None
    scoring_rate: float | None
    scoring_impact_ratio: float | None
    excluded: bool
    unknown: bool
    is_reference: bool
    is_scoring_reference: bool
    below_threshold: bool  # either impact ratio under the four-fifths threshold

    @property
    def cells(self) -> dict:
        return {
            "share": number(self.share, 3),
            "selection_rate": number(self.selection_rate, 3),
            "impact_ratio": number(self.impact_ratio, 2),
            "scoring_rate": number(self.scoring_rate, 3),
            "scoring_impact_ratio": number(self.scoring_impact_ratio, 2),
        }


@dataclass(frozen=True)
class ImpactTable:
    """The LL144 table of one grouping: selection (and scoring) rates and impact ratios."""

    grouping: str
    reference_group: str | None
    scoring_reference_group: str | None
    has_scoring: bool
    threshold: float
    rows: list[ImpactRow]
    unknown_count: int
    excluded: list[str]
    justification: str


@dataclass(frozen=True)
class GroupingSection:
    name: str
    columns: list[str]
    reference_group: str | None
    unknown_count: int
    flags: list[str]  # failed checks, in words
    notes: list[str]  # checks that could not be computed, small groups
    rows: list[GroupRow]
    disparities: list[dict]
    chart_svg: str  # selection rate by group ("" without charts)
    impact: ImpactTable


@dataclass(frozen=True)
class RunItem:
    id: int
    number: int  # 1, 2, 3 ... in the order the runs were made
    status: str
    status_label: str
    dataset_id: int
    dataset_name: str
    dataset_sha256: str
    dataset_size: int
    created_by: str | None
    created_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    passed: bool | None
    error_message: str
    config: dict
    result: dict | None  # the fairness-report/1 document, as stored
    versions: dict
    checks: list[CheckResult]
    groupings: list[GroupingSection]

    @property
    def succeeded(self) -> bool:
        return self.result is not None

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if c.passed is False]

    @property
    def check_matrix(self) -> dict:
        """Checks as rows and groupings as columns, for a compact table."""
        names = [g.name for g in self.groupings]
        rows: dict[tuple, dict] = {}
        for check in self.checks:
            key = (check.metric, check.comparison, check.threshold)
            row = rows.setdefault(
                key, {"label": check.label, "requirement": check.requirement, "cells": {}}
            )
            row["cells"][check.grouping] = check
        return {
            "groupings": names,
            "rows": [
                {**row, "cells": [row["cells"].get(name) for name in names]}
                for row in rows.values()
            ],
        }

    @property
    def disparity_matrix(self) -> dict:
        """fairlearn's named disparities as rows and the groupings as columns."""
        names = [g.name for g in self.groupings]
        rows = []
        for key in NAMED_DISPARITIES:
            cells = [
                next((d for d in g.disparities if d["key"] == key), None) for g in self.groupings
            ]
            if any(cells):
                rows.append({"name": key.replace("_", " "), "cells": cells})
        return {"groupings": names, "rows": rows}

    @property
    def failed_summary(self) -> list[dict]:
        """Per check not met: its label, requirement and the groupings (with values) it fails on."""
        summary: dict[tuple, dict] = {}
        for check in self.failed_checks:
            key = (check.metric, check.comparison, check.threshold)
            entry = summary.setdefault(
                key, {"label": check.label, "requirement": check.requirement, "items": []}
            )
            entry["items"].append(f"{check.grouping} {check.value_cell['text']}")
        return list(summary.values())

    @property
    def overall_rows(self) -> list[dict]:
        """The whole sample's metrics, rounded for display."""
        overall = (self.result or {}).get("overall") or {}
        return [
            {"name": name.replace("_", " "), "cell": number(value, 3)}
            for name, value in overall.items()
            if name != "count" and (value is None or isinstance(value, int | float))
        ]


def run_item(run, *, position: int, created_by: str | None, charts: bool) -> RunItem:
    """A fairness run as report data; the groupings are empty unless the run succeeded."""
    result = run.result if run.status == "succeeded" and run.result is not None else None
    config = run.config or {}
    return RunItem(
        id=run.pk,
        number=position,
        status=run.status,
        status_label=run.get_status_display(),
        dataset_id=run.dataset_id,
        dataset_name=run.dataset.original_name,
        dataset_sha256=run.dataset.sha256,
        dataset_size=run.dataset.size,
        created_by=created_by,
        created_at=run.created_at,
        finished_at=run.finished_at,
        duration_ms=run.duration_ms,
        passed=run.passed,
        error_message=run.error_message,
        config=config,
        result=result,
        versions=dict(run.versions or {}),
        checks=_checks(result),
        groupings=[_grouping(g, result, config, charts=charts) for g in _groupings(result)],
    )


def _groupings(result: dict | None) -> list[dict]:
    return list((result or {}).get("groupings", []))


def _checks(result: dict | None) -> list[CheckResult]:
    """The run's checks, without repeats (a gate may repeat the four-fifths screen)."""
    seen, checks = set(), []
    for c in (result or {}).get("checks", []):
        key = (c.get("metric"), c.get("comparison"), c.get("threshold"), c.get("grouping"))
        if key in seen:
            continue
        seen.add(key)
        checks.append(
            CheckResult(
                name=str(c.get("name") or c.get("metric")),
                metric=str(c.get("metric", "")),
                grouping=str(c.get("grouping", "")),
                comparison=str(c.get("comparison", ">=")),
                threshold=c.get("threshold", 0.0),
                value=c.get("value"),
                passed=c.get("passed"),
                reason=str(c.get("reason") or ""),
            )
        )
    return checks


def _grouping(grouping: dict, result: dict, config: dict, *, charts: bool) -> GroupingSection:
    options = config.get("options") or {}
    threshold = options.get("four_fifths_threshold") or 0.8
    name = grouping.get("name", "")
    own = [c for c in _checks(result) if c.grouping == name]
    reference = grouping.get("reference_group")
    groups = grouping.get("groups", [])
    return GroupingSection(
        name=name,
        columns=list(grouping.get("columns") or []),
        reference_group=reference,
        unknown_count=grouping.get("unknown_count") or 0,
        flags=[_flag_text(c, grouping) for c in own if c.passed is False],
        notes=_notes(own, groups, options),
        rows=[_group_row(g, reference, options.get("min_group_size") or 30) for g in groups],
        disparities=_disparities(grouping),
        chart_svg=_selection_chart(grouping, threshold) if charts else "",
        impact=_impact_table(grouping, options, threshold),
    )


def _disparities(grouping: dict) -> list[dict]:
    values = grouping.get("disparities") or {}
    intervals = grouping.get("disparity_intervals") or {}
    return [
        {
            "key": key,
            "name": key.replace("_", " "),
            **cell(values[key], digits_for(key), intervals.get(key)),
        }
        for key in NAMED_DISPARITIES
        if key in values
    ]


def _lowest(grouping: dict, key: str) -> str | None:
    ratios = [
        (g[key], str(g.get("label")))
        for g in grouping.get("groups", [])
        if isinstance(g.get(key), int | float) and not g.get("excluded")
    ]
    return min(ratios)[1] if ratios else None


def _flag_text(check: CheckResult, grouping: dict) -> str:
    shown = check.value_cell["text"]
    if check.metric in FOUR_FIFTHS_METRICS:
        basis = FOUR_FIFTHS_METRICS[check.metric]
        lowest = _lowest(grouping, check.metric)
        who = f" ({lowest})" if lowest else ""
        return (
            f"Four-fifths screen on {basis} rates: the lowest impact ratio is {shown}{who}, "
            f"under the {check.threshold:g} threshold"
        )
    return (
        f"{check.label.capitalize()} is {shown} on {check.grouping}; the check requires "
        f"{check.requirement}"
    )


def _notes(own: list[CheckResult], groups: list[dict], options: dict) -> list[str]:
    notes = [
        f"{c.label.capitalize()} could not be computed: {c.reason or 'undefined'}."
        for c in own
        if c.passed is None
    ]
    min_size = options.get("min_group_size") or 30
    small = [str(g.get("label")) for g in groups if (g.get("count") or 0) < min_size]
    if small:
        notes.append(
            f"Fewer than {min_size} rows in {', '.join(small)}: their rates are uncertain; read "
            "them with their intervals."
        )
    return notes


def _group_row(group: dict, reference: str | None, min_size: int) -> GroupRow:
    metrics, intervals = group.get("metrics") or {}, group.get("intervals") or {}
    label = str(group.get("label", ""))
    return GroupRow(
        label=label,
        count=group.get("count") or 0,
        is_reference=reference is not None and label == reference,
        excluded=bool(group.get("excluded")),
        unknown=bool(group.get("unknown", label == "Unknown")),
        small=(group.get("count") or 0) < min_size,
        warnings=tuple(
            str(w.get("message", w)) if isinstance(w, dict) else str(w)
            for w in group.get("warnings") or []
        ),
        rates=tuple(cell(metrics.get(m), 3, intervals.get(m)) for m, _ in RATE_COLUMNS),
    )


def _selection_chart(grouping: dict, threshold: float) -> str:
    return _chart_for(json.dumps(grouping, sort_keys=True), threshold)


@functools.lru_cache(maxsize=128)
def _chart_for(grouping_json: str, threshold: float) -> str:
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


def _impact_table(grouping: dict, options: dict, threshold: float) -> ImpactTable:
    groups = grouping.get("groups", [])
    reference = grouping.get("reference_group")
    scoring_reference = grouping.get("scoring_reference_group")
    rows = []
    for g in groups:
        label = str(g.get("label", ""))
        metrics = g.get("metrics") or {}
        ratios = [g.get("impact_ratio"), g.get("scoring_impact_ratio")]
        rows.append(
            ImpactRow(
                label=label,
                count=g.get("count") or 0,
                share=g.get("share"),
                selection_rate=metrics.get("selection_rate"),
                impact_ratio=g.get("impact_ratio"),
                scoring_rate=metrics.get("scoring_rate"),
                scoring_impact_ratio=g.get("scoring_impact_ratio"),
                excluded=bool(g.get("excluded")),
                unknown=bool(g.get("unknown", label == "Unknown")),
                is_reference=reference is not None and label == reference,
                is_scoring_reference=scoring_reference is not None and label == scoring_reference,
                below_threshold=any(isinstance(r, int | float) and r < threshold for r in ratios),
            )
        )
    excluded = [r.label for r in rows if r.excluded]
    recorded = str(options.get("exclusion_justification") or "").strip()
    default = DEFAULT_EXCLUSION_JUSTIFICATION.format(share=options.get("exclusion_share") or 0.02)
    return ImpactTable(
        grouping=grouping.get("name", ""),
        reference_group=reference,
        scoring_reference_group=scoring_reference,
        has_scoring=any("scoring_impact_ratio" in g for g in groups),
        threshold=threshold,
        rows=rows,
        unknown_count=grouping.get("unknown_count") or 0,
        excluded=excluded,
        justification=recorded or (default if excluded else ""),
    )
