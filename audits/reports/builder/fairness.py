"""The fairness part of a report: each run, its checks, and per grouping its tables and chart.

Everything is read from the run's stored fairness-report/1 document as the engine wrote it, through
`audits.reports.run` (the same objects the run page shows); no figure is recomputed here. An LLM
run (`kind` "llm") carries its `LlmRunView` instead of groupings; its checks count the same way.
"""

from dataclasses import dataclass, field
from datetime import datetime

from audits.reports.run.checks import CheckResult, check_results
from audits.reports.run.groupings import GroupingSection, grouping_sections
from audits.reports.run.llm import LlmCheck, LlmRunView, llm_presentation
from audits.reports.run.numbers import RATE_DIGITS, cell
from audits.reports.run.tasks import input_facts
from checklists.gates import NAMED_DISPARITIES


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
    kind: str = "predictions"  # or "llm"
    llm: LlmRunView | None = None  # an LLM run's presentation (None for predictions)
    figures: dict = field(default_factory=dict)  # drawn by the app beside the document

    @property
    def name(self) -> str:
        """ "Run #12": the run's id, the name the run page, the report and the PDF all use (the
        position in the audit, `number`, differs from it and is kept for the CSV exports only)."""
        return f"Run #{self.id}"

    @property
    def succeeded(self) -> bool:
        return self.result is not None

    @property
    def input_facts(self) -> list[tuple[str, str]]:
        """The task, format, count table and join of a predictions run, in words."""
        return [] if self.is_llm else input_facts(self.result)

    @property
    def is_llm(self) -> bool:
        return self.kind == "llm"

    @property
    def kind_label(self) -> str:
        return "LLM responses" if self.is_llm else "Predictions"

    @property
    def all_checks(self) -> list[CheckResult] | list[LlmCheck]:
        return self.llm.checks if self.llm is not None else self.checks

    @property
    def failed_checks(self) -> list:
        """The checks whose verdict is fail (a document before verdicts: whose point fails)."""
        if self.llm is not None:
            return self.llm.failed_checks
        return [c for c in self.checks if c.failed]

    @property
    def inconclusive_checks(self) -> list:
        if self.llm is not None:
            return self.llm.inconclusive_checks
        return [c for c in self.checks if c.inconclusive]

    @property
    def verdict_counts(self) -> str:
        """ "1 of 8 checks fail, 2 inconclusive, 5 pass"."""
        failed, inconclusive = len(self.failed_checks), len(self.inconclusive_checks)
        total = len(self.all_checks)
        passed = total - failed - inconclusive
        return f"{failed} of {total} checks fail, {inconclusive} inconclusive, {passed} pass"

    @property
    def check_matrix(self) -> dict:
        """Checks as rows and groupings as columns, for a compact table."""
        names = [g.name for g in self.groupings]
        rows: dict[tuple, dict] = {}
        for check in self.checks:
            key = (check.metric, check.class_name, check.comparison, check.threshold)
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
                next((d.cell for d in g.disparities if d.name == key), None) for g in self.groupings
            ]
            if any(cells):
                rows.append({"name": key.replace("_", " "), "cells": cells})
        return {"groupings": names, "rows": rows}

    @property
    def failed_summary(self) -> list[dict]:
        """Per failed check: its label, requirement and the groupings (with values) it fails on."""
        return _summary(self.failed_checks)

    @property
    def inconclusive_summary(self) -> list[dict]:
        """Per inconclusive check: the same, each value with its interval."""
        return _summary(self.inconclusive_checks)

    @property
    def overall_rows(self) -> list[dict]:
        """The whole sample's metrics, rounded for display."""
        overall = (self.result or {}).get("overall") or {}
        return [
            {"name": name.replace("_", " "), "cell": cell(value, RATE_DIGITS)}
            for name, value in overall.items()
            if name != "count" and (value is None or isinstance(value, int | float))
        ]


def _summary(checks: list) -> list[dict]:
    summary: dict[tuple, dict] = {}
    for check in checks:
        key = (check.metric, check.comparison, check.threshold)
        entry = summary.setdefault(
            key, {"label": check.label, "requirement": check.requirement, "items": []}
        )
        interval = f" [{check.interval_text}]" if check.interval_text else ""
        where = check.where if isinstance(check, LlmCheck) else check.grouping
        entry["items"].append(f"{where} {check.value_cell.text}{interval}")
    return list(summary.values())


def run_item(run, *, position: int, created_by: str | None, charts: bool) -> RunItem:
    """A fairness run as report data; the groupings are empty unless the run succeeded."""
    result = run.result if run.status == "succeeded" and run.result is not None else None
    config = run.config or {}
    kind = run.dataset.kind
    if kind == "llm":
        llm = llm_presentation(result, config, run.figures, charts=charts)
        checks: list[CheckResult] = []
        groupings: list[GroupingSection] = []
    else:
        llm = None
        checks = check_results(result)
        groupings = grouping_sections(result, config, charts="selection" if charts else "none")
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
        checks=checks,
        groupings=groupings,
        kind=kind,
        llm=llm,
        figures=dict(run.figures or {}),
    )
