"""Metric-gate answers: written from the latest successful fairness run, or overridden with a reason.

A gate question (`answer_kind == "gate"`) names a metric, a comparison and a threshold. Every run is
configured with one engine check per gate question (see `gate_checks`), so the run's `checks` hold,
for each grouping, the value and whether it met the threshold. The answer is "pass" when every
grouping passed, "fail" when any failed, and "na" when the run could not compute the metric.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audits.models import Answer, Audit, Evidence, FairnessRun
from audits.reports.run.checks import same_check
from audits.services.common import ensure_can_edit
from checklists.gates import COMPARISON_SYMBOLS, describe_gate, gate_passes
from checklists.models import AnswerKind, Question

GATE_VALUES = ("pass", "fail", "na")
GATE_VALUE_LABELS = {"pass": "passes", "fail": "fails", "na": "not applicable"}
OVERRIDE_MIN_CHARS = 20
SCREENING_NOTE = "A screening threshold, not a verdict of fairness."


def gate_questions(audit: Audit) -> QuerySet[Question]:
    """The metric-gate questions of the audit's pinned checklist version, in checklist order."""
    return audit.checklist_version.questions.filter(answer_kind=AnswerKind.GATE).select_related(
        "principle"
    )


def gate_checks(audit: Audit) -> list[dict]:
    """One engine check per distinct gate of the audit's checklist: what every run must evaluate."""
    checks: list[dict] = []
    for question in gate_questions(audit):
        gate = question.gate or {}
        check = {k: gate.get(k) for k in ("metric", "comparison", "threshold")}
        if not any(same_check(check, c) for c in checks):
            checks.append({**check, "source": "gate", "question": question.code})
    return checks


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def gate_outcome(gate: dict, result: dict | None) -> tuple[str, list[dict]]:
    """The gate's answer from a run's report document, and the run's checks it was decided on."""
    checks = [c for c in (result or {}).get("checks", []) if same_check(c, gate)]
    verdicts = [_check_passed(gate, c) for c in checks]
    if any(v is False for v in verdicts):
        return "fail", checks
    if verdicts and all(v is True for v in verdicts):
        return "pass", checks
    return "na", checks


def _check_passed(gate: dict, check: dict) -> bool | None:
    passed = check.get("passed")
    if passed is None and check.get("value") is not None:
        return gate_passes(gate, check["value"])
    return passed


def gate_note(*, run: FairnessRun, question: Question, value: str, checks: list[dict]) -> str:
    """The answer's note in Markdown: which run, each grouping's value against the threshold."""
    gate = question.gate or {}
    metric = str(gate.get("metric", "")).replace("_", " ")
    symbol = COMPARISON_SYMBOLS.get(str(gate.get("comparison")), gate.get("comparison"))
    threshold = format(gate.get("threshold"), "g") if _is_number(gate.get("threshold")) else "?"
    lines = [f"From fairness run #{run.pk}: {describe_gate(gate)} — {GATE_VALUE_LABELS[value]}."]
    if checks:
        lines.append("")
        for check in checks:
            shown = _format_value(check.get("value"))
            verdict = {True: "passes", False: "fails", None: "undefined"}[
                _check_passed(gate, check)
            ]
            lines.append(
                f"- {metric} {shown} on {check.get('grouping', '?')} "
                f"(threshold {symbol} {threshold}) — {verdict}"
            )
    else:
        lines += ["", f"The run did not compute {metric} (for example, it needs a y_true column)."]
    lines += ["", SCREENING_NOTE]
    return "\n".join(lines)


def _format_value(value: float | None) -> str:
    if value is None:
        return "undefined"
    return f"{value:.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.3g}"


@transaction.atomic
def gates_answer_from_run(*, run: FairnessRun) -> list[Answer]:
    """Answer every gate question of the run's audit from the run; link the run as evidence.

    An answer an auditor overrode keeps its value: it gets the newer run's link and a note saying
    what that run found. Callers make sure `run` is the audit's latest successful run.
    """
    audit = run.dataset.audit
    answers = []
    for question in gate_questions(audit):
        value, checks = gate_outcome(question.gate or {}, run.result)
        note = gate_note(run=run, question=question, value=value, checks=checks)
        answer = Answer.objects.select_for_update().filter(
            audit=audit, question=question
        ).first() or Answer(audit=audit, question=question)
        if answer.is_overridden:
            note += (
                f"\n\nA newer run (#{run.pk}) gives “{value}”; the answer keeps the overridden "
                f"value “{answer.value}” and its written justification."
            )
        else:
            answer.value = value
            answer.answered_by = run.created_by
            answer.answered_at = timezone.now()
        answer.note_md = note
        answer.run = run
        answer.revision += 1
        answer._history_user = run.created_by
        answer.full_clean()
        answer.save()
        _link_run_as_evidence(run=run, question=question)
        answers.append(answer)
    return answers


def _link_run_as_evidence(*, run: FairnessRun, question: Question) -> None:
    audit = run.dataset.audit
    if Evidence.objects.filter(audit=audit, question=question, run=run).exists():
        return
    evidence = Evidence(
        audit=audit,
        question=question,
        run=run,
        description=f"Fairness run #{run.pk}",
        uploaded_by=run.created_by,
    )
    evidence.full_clean()
    evidence.save()


@transaction.atomic
def gate_override(
    *, audit: Audit, question: Question, user: User, value: str, justification: str
) -> Answer:
    """Set a gate answer by hand. Needs a written justification, which is recorded and shown.

    Raises AuditLocked (403) when the audit is not open for editing or the role may not answer,
    ValidationError for a question that is not a gate of this audit, a bad value or a short reason.
    """
    ensure_can_edit(audit=audit, user=user)
    if question.version_id != audit.checklist_version_id or question.answer_kind != AnswerKind.GATE:
        raise ValidationError(
            "Only a metric-gate question of this audit's checklist can be overridden."
        )
    justification = (justification or "").strip()
    errors: dict[str, str] = {}
    if value not in GATE_VALUES:
        errors["value"] = f"Choose one of: {', '.join(GATE_VALUES)}."
    if len(justification) < OVERRIDE_MIN_CHARS:
        errors["justification"] = (
            f"Explain why the run's answer is overridden, in at least {OVERRIDE_MIN_CHARS} characters."
        )
    if errors:
        raise ValidationError(errors)
    answer = Answer.objects.select_for_update().filter(
        audit=audit, question=question
    ).first() or Answer(audit=audit, question=question)
    answer.value = value
    answer.override_justification = justification
    answer.answered_by = user
    answer.answered_at = timezone.now()
    answer.revision += 1
    answer._history_user = user
    answer.full_clean()
    answer.save()
    return answer
