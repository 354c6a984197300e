"""Exports of an `AuditReport`: the `audit-export/1` JSON document and two flat CSV tables.

JSON and CSV keep exact values (no rounding). Every CSV text cell that a spreadsheet could read as
a formula (it begins with =, +, -, @, a tab or a carriage return) is neutralised with a leading
apostrophe; numbers are written as numbers, which no spreadsheet runs.
"""

import csv
import io
import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from fairness import METRIC_NAMES

from .builder import AuditReport, QuestionItem, RunItem
from .run.checks import drivers_text

SCHEMA = "audit-export/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "audit-export-1.schema.json"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The engine's per-group metrics in their documented order (count has its own column); others
# follow alphabetically.
METRIC_ORDER = tuple(name for name in METRIC_NAMES if name != "count")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


# -- JSON -------------------------------------------------------------------------------------


def export_document(report: AuditReport) -> dict:
    """The whole audit as an `audit-export/1` document (see the JSON Schema at SCHEMA_PATH)."""
    return {
        "schema": SCHEMA,
        "generated_at": _iso(report.generated_at),
        "audit": _audit_part(report),
        "checklist": _checklist_part(report),
        "scores": {
            "overall": report.overall_score,
            "band": report.overall_band,
            "answered": report.answered,
            "total": report.total,
            "principles": [
                {
                    "code": p.code,
                    "name": p.name,
                    "score": p.score,
                    "band": p.band,
                    "answered": p.answered,
                    "total": p.total,
                    "scored": p.scored,
                    "weight": p.weight,
                }
                for p in report.principles
            ],
        },
        "answers": [_answer_part(q) for q in report.questions if q.value or q.revision],
        "evidence": [_evidence_part(e) for e in report.evidence],
        "fairness_runs": [_run_part(r) for r in report.runs],
        "reviews": [
            {
                "id": r.id,
                "decision": r.decision,
                "reviewer": r.reviewer,
                "comment": r.comment,
                "principle_comments": {code: text for code, _, text in r.principle_comments},
                "submitted_at": _iso(r.submitted_at),
                "created_at": _iso(r.created_at),
            }
            for r in report.reviews
        ],
        "actions": [
            {
                "id": a.id,
                "description": a.description,
                "question": a.question_code,
                "check_name": a.check_name,
                "owner": a.owner,
                "due_date": _iso(a.due_date),
                "status": a.status,
                "created_at": _iso(a.created_at),
            }
            for a in report.actions
        ],
        "library_versions": dict(report.library_versions),
    }


def export_json(report: AuditReport) -> bytes:
    """The export document as UTF-8 JSON text (indented, keys in a fixed order, no NaN)."""
    text = json.dumps(export_document(report), indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def export_schema() -> dict:
    """The published JSON Schema of `audit-export/1`."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _audit_part(report: AuditReport) -> dict:
    return {
        "id": report.audit_id,
        "title": report.title,
        "system_name": report.system_name,
        "system_description": report.system_description,
        "intended_use": report.intended_use,
        "risk_tier": report.risk_tier,
        "status": report.status,
        "team": report.team,
        "created_by": report.created_by,
        "created_at": _iso(report.created_at),
        "updated_at": _iso(report.updated_at),
        "submitted_by": report.submitted_by,
        "submitted_at": _iso(report.submitted_at),
        "approved_by": report.approved_by,
        "approved_at": _iso(report.approved_at),
        "previous_audit": (
            {"id": report.previous_audit[0], "title": report.previous_audit[1]}
            if report.previous_audit
            else None
        ),
    }


def _checklist_part(report: AuditReport) -> dict:
    return {
        "slug": report.checklist_slug,
        "title": report.checklist_title,
        "version": report.version_number,
        "published_at": _iso(report.version_published_at),
        "changelog": report.version_changelog,
        "bands": report.bands,
        "principle_weights": report.principle_weights,
        "principles": [
            {"code": p.code, "name": p.name, "description": p.description, "weight": p.weight}
            for p in report.principles
        ],
        "questions": [
            {
                "code": q.code,
                "principle": q.principle_code,
                "text": q.text,
                "guidance_md": q.guidance_md,
                "answer_kind": q.answer_kind,
                "choices": q.choices,
                "weight": q.weight,
                "required": q.required,
                "evidence_required": q.evidence_required,
                "references": q.references,
                "gate": q.gate,
            }
            for q in report.questions
        ],
    }


def _answer_part(q: QuestionItem) -> dict:
    return {
        "question": q.code,
        "value": q.value,
        "label": q.answer_label,
        "score": q.score,
        "note_md": q.note_md,
        "answered_by": q.answered_by,
        "answered_at": _iso(q.answered_at),
        "revision": q.revision,
        "override_justification": q.override_justification,
        "run": q.run_id,
        "evidence": [e.id for e in q.evidence],
        "history": {
            "changes": q.history.changes,
            "first_answered_at": _iso(q.history.first_answered_at),
            "last_changed_at": _iso(q.history.last_changed_at),
            "contributors": list(q.history.contributors),
        },
    }


def _evidence_part(e) -> dict:
    part = asdict(e)
    part["question"] = part.pop("question_code")
    part["run"] = part.pop("run_id")
    part["created_at"] = _iso(e.created_at)
    return part


def _run_part(run: RunItem) -> dict:
    return {
        "id": run.id,
        "number": run.number,
        "status": run.status,
        "kind": run.kind,
        "dataset": {
            "id": run.dataset_id,
            "name": run.dataset_name,
            "sha256": run.dataset_sha256,
            "size": run.dataset_size,
        },
        "created_by": run.created_by,
        "created_at": _iso(run.created_at),
        "finished_at": _iso(run.finished_at),
        "duration_ms": run.duration_ms,
        "passed": run.passed,
        "error_message": run.error_message,
        "config": run.config,
        "versions": run.versions,
        "report": run.result,
        "figures": run.figures,
    }


# -- CSV --------------------------------------------------------------------------------------


def neutralise_cell(value):
    """A cell value that no spreadsheet runs as a formula.

    Text beginning with =, +, -, @, a tab or a carriage return gets a leading apostrophe (the
    OWASP advice: spreadsheets show it as text). None becomes ""; numbers and booleans are
    returned as they are.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _csv_bytes(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_cell(h) for h in header])
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    # A byte-order mark, so spreadsheet programs read the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


ANSWERS_HEADER = [
    "principle",
    "code",
    "question",
    "answer",
    "value",
    "score",
    "note",
    "answered_by",
    "answered_at",
    "revision",
    "evidence_count",
    "override_justification",
]


def answers_csv(report: AuditReport) -> bytes:
    """One row per question of the pinned checklist version, answered or not."""
    names = {p.code: p.name for p in report.principles}
    rows = (
        [
            names.get(q.principle_code, q.principle_code),
            q.code,
            q.text,
            q.answer_label if q.value else "",
            q.value,
            q.score,
            q.note_md,
            q.answered_by,
            _iso(q.answered_at),
            q.revision,
            len(q.evidence),
            q.override_justification,
        ]
        for q in report.questions
    )
    return _csv_bytes(ANSWERS_HEADER, rows)


_RATIO_KEYS = ("impact_ratio", "scoring_impact_ratio")


def metrics_header(report: AuditReport) -> tuple[list[str], list[str]]:
    """The metrics.csv header and the metric names it covers, in METRIC_ORDER then A-Z.

    An LLM run's per-group and comparison metrics (and its tests' p-values) have columns too.
    """
    seen: set[str] = set()
    for run in report.succeeded_runs:
        if run.is_llm:
            seen.update(_llm_metric_names(run.result or {}))
            continue
        for grouping in (run.result or {}).get("groupings", []):  # a succeeded run has one
            for group in grouping.get("groups", []):
                seen.update((group.get("metrics") or {}).keys())
                for rates in (group.get("classes") or {}).values():  # multiclass, one-vs-rest
                    seen.update(rates.keys())
    seen -= {"count", *_RATIO_KEYS}
    metrics = [m for m in METRIC_ORDER if m in seen] + sorted(seen - set(METRIC_ORDER))
    header = [
        "run_id",
        "run_number",
        "dataset",
        "dataset_sha256",
        "grouping",
        "group",
        "reference",
        "unknown",
        "excluded",
        "count",
        "share",
    ]
    for name in (*_RATIO_KEYS, *metrics):
        header += [name, f"{name}_ci_low", f"{name}_ci_high"]
    header += ["flags", "warnings", *SUMMARY_COLUMNS, "run_kind"]
    return header, metrics


def _llm_metric_names(result: dict) -> set[str]:
    names: set[str] = set()
    for group in result.get("groups", []):
        names.update((group.get("metrics") or {}).keys())
    for comparison in result.get("comparisons", []):
        names.update((comparison.get("metrics") or {}).keys())
        names.update((comparison.get("tests") or {}).keys())
    return names


# After the per-group columns: whether the group is reliable, then the grouping's disparities (all
# groups and reliable groups) and its checks with their verdicts, one row each (`row_kind`).
SUMMARY_COLUMNS = [
    "reliable",
    "row_kind",
    "measure",
    "groups_used",
    "value",
    "ci_low",
    "ci_high",
    "comparison",
    "threshold",
    "verdict",
    "verdict_basis",
    "verdict_reason",
    "set_by",
]


def metrics_csv(report: AuditReport) -> bytes:
    """One row per (run, grouping, group) of every successful run, with every metric.

    Those rows have `row_kind` "group". After each grouping's groups come its disparities, one row
    per measure and groups used ("disparity": fairlearn's over all groups, then over the reliable
    groups), and its checks ("check": value, interval, threshold and verdict). The per-group
    columns of those rows are empty but for the run and grouping.
    """
    header, metrics = metrics_header(report)
    width = len(header) - len(SUMMARY_COLUMNS) - 1
    rows: list[list] = []
    for run in report.succeeded_runs:
        if run.is_llm:
            rows += [row + ["llm"] for row in _llm_rows(run, metrics, width)]
            continue
        start = len(rows)
        for grouping in (run.result or {}).get("groupings", []):  # a succeeded run has one
            reliable = grouping.get("reliable_groups")
            reference = grouping.get("reference_group")
            for group in grouping.get("groups", []):
                label = group.get("label")
                values = group.get("metrics") or {}
                intervals = group.get("intervals") or {}
                row = [
                    run.id,
                    run.number,
                    run.dataset_name,
                    run.dataset_sha256,
                    grouping.get("name"),
                    label,
                    reference is not None and label == reference,
                    bool(group.get("unknown", label == "Unknown")),
                    bool(group.get("excluded")),
                    group.get("count"),
                    group.get("share"),
                ]
                for name in _RATIO_KEYS:
                    row += [group.get(name), *_bounds(intervals.get(name))]
                for metric in metrics:
                    row += [values.get(metric), *_bounds(intervals.get(metric))]
                row.append(" ".join(str(f) for f in group.get("flags") or []))
                row.append("; ".join(_warning_text(w) for w in group.get("warnings") or []))
                row += [None if reliable is None else label in reliable, "group"]
                rows.append(row + [None] * (len(SUMMARY_COLUMNS) - 2))
                rows += _class_rows(row[:11], group, metrics, reliable is None or label in reliable)
            lead = [run.id, run.number, run.dataset_name, run.dataset_sha256, grouping.get("name")]
            blank = lead + [None] * (width - len(lead))
            rows += [blank + [None, *r] for r in _summary_rows(run, grouping)]
        rows[start:] = [row + ["predictions"] for row in rows[start:]]
    return _csv_bytes(header, rows)


def _llm_rows(run: RunItem, metrics: list[str], width: int) -> list[list]:
    """An LLM run's rows: one per group ("group"), one per comparison of a group with the
    reference ("comparison": its metrics and p-values in the metric columns, `measure` saying
    "female vs male"), then its checks ("check", `groups_used` the group against the reference).

    The `grouping` column holds the mapped group column; `count` a group's responses, or a
    comparison's matched pairs.
    """
    result = run.result or {}
    reference = result.get("reference_group")
    column = ((result.get("input") or {}).get("columns") or {}).get("group")
    lead = [run.id, run.number, run.dataset_name, run.dataset_sha256, column]
    rows = []

    def metric_cells(values: dict, intervals: dict) -> list:
        cells = []
        for name in (*_RATIO_KEYS, *metrics):
            cells += [values.get(name), *_bounds(intervals.get(name))]
        return cells

    for group in result.get("groups", []):
        label = group.get("group")
        row = [*lead, label, label == reference, False, False, group.get("responses"), None]
        row += metric_cells(group.get("metrics") or {}, group.get("intervals") or {})
        row += ["reference" if label == reference else "", ""]
        row += [None, "group"] + [None] * (len(SUMMARY_COLUMNS) - 2)
        rows.append(row)
    for comparison in result.get("comparisons", []):
        values = {**(comparison.get("metrics") or {}), **(comparison.get("tests") or {})}
        row = [*lead, comparison.get("group"), False, False, False, comparison.get("pairs"), None]
        row += metric_cells(values, comparison.get("intervals") or {})
        row += ["", ""]
        measure = f"{comparison.get('group')} vs {comparison.get('reference')}"
        row += [None, "comparison", measure] + [None] * (len(SUMMARY_COLUMNS) - 3)
        rows.append(row)
    blank = lead + [None] * (width - len(lead))
    for check in run.llm.checks if run.llm is not None else []:
        rows.append(
            blank
            + [None, "check", check.metric, check.where, check.value]
            + [*(check.interval or (None, None)), check.comparison, check.threshold]
            + [check.verdict, "interval" if check.interval else "point", check.reason, None]
        )
    return rows


def _class_rows(lead: list, group: dict, metrics: list[str], reliable: bool) -> list[list]:
    """A multiclass group's rows, one per class ("class", `measure` the class): its one-vs-rest
    rates and their intervals in the metric columns, after the group's own row."""
    rows = []
    class_intervals = group.get("class_intervals") or {}
    for name, rates in (group.get("classes") or {}).items():
        intervals = class_intervals.get(name) or {}
        row = list(lead)
        row += [None] * (3 * len(_RATIO_KEYS))  # no impact ratios in a multiclass run
        for metric in metrics:
            row += [rates.get(metric), *_bounds(intervals.get(metric))]
        row += ["", "", reliable, "class", name]
        rows.append(row + [None] * (len(SUMMARY_COLUMNS) - 3))
    return rows


def _summary_rows(run: RunItem, grouping: dict) -> list[list]:
    """The grouping's disparities (all groups, reliable groups) and its checks, as trailing cells."""
    rows = []
    for prefix, used in (("", "all"), ("reliable_", "reliable")):
        values = grouping.get(f"{prefix}disparities")
        if values is None:
            continue  # a document from before reliable disparities
        intervals = grouping.get(f"{prefix}disparity_intervals") or {}
        drivers = grouping.get(f"{prefix}disparity_drivers") or {}
        undefined = grouping.get("reliable_undefined" if prefix else "undefined") or {}
        for name, value in values.items():
            set_by = drivers_text(name, value, drivers.get(name))
            rows.append(
                ["disparity", name, used, value, *_bounds(intervals.get(name))]
                + [None, None, None, None, undefined.get(name) if value is None else None, set_by]
            )
    for prefix, used in (("", "all"), ("reliable_", "reliable")):
        per_class = grouping.get(f"{prefix}class_disparities") or {}
        intervals = grouping.get(f"{prefix}class_disparity_intervals") or {}
        drivers = grouping.get(f"{prefix}class_disparity_drivers") or {}
        undefined = grouping.get(f"{prefix}class_undefined") or {}
        for class_name, values in per_class.items():
            for name, value in values.items():
                set_by = drivers_text(name, value, (drivers.get(class_name) or {}).get(name))
                why = (undefined.get(class_name) or {}).get(name) if value is None else None
                rows.append(
                    ["disparity", f"{name}[{class_name}]", used, value]
                    + [*_bounds((intervals.get(class_name) or {}).get(name))]
                    + [None, None, None, None, why, set_by]
                )
    for check in run.checks:
        if check.grouping != grouping.get("name"):
            continue
        rows.append(
            ["check", check.name, check.check_groups, check.value]
            + [*(check.interval or (None, None)), check.comparison, check.threshold]
            + [check.verdict, check.verdict_basis, check.verdict_reason or check.reason]
            + [check.drivers_text]
        )
    return rows


def _bounds(interval) -> tuple:
    if isinstance(interval, list | tuple) and len(interval) == 2:
        return interval[0], interval[1]
    return None, None


def _warning_text(warning) -> str:
    return str(warning.get("message", warning)) if isinstance(warning, dict) else str(warning)
