"""Metric-gate answers: written from the latest successful fairness run, or overridden with a reason.

A gate question (`answer_kind == "gate"`) names a metric, a comparison and a threshold. Every run is
configured with one engine check per gate question (see `gate_checks`), so the run's `checks` hold,
for each grouping, the value, its 95% interval and the engine's verdict. The answer follows the
verdicts: "fail" when any grouping fails, else "inconclusive" when any is inconclusive (the interval
straddles the threshold: more data, or a reviewer's override with a justification, settles it),
"pass" when every grouping passes, and "na" when the run could not compute the metric at all.
A document stored before verdicts existed is read by its point comparison (`passed`), as then.
"""

from collections.abc import Collection, Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from audits.labels import INCONCLUSIVE_LABEL
from audits.models import Answer, Audit, DatasetKind, Evidence, FairnessRun, RunStatus
from audits.reports.run.checks import check_verdict, drivers_text, same_check, unique_checks
from audits.reports.run.labels import gate_words, metric_words
from audits.reports.run.numbers import digits_for, interval_text
from audits.scoring import GATE_FAIL, GATE_INCONCLUSIVE, GATE_PASS
from audits.services.common import ensure_can_edit
from audits.services.scores import audit_scores_refresh
from checklists.gates import (
    COMPARISON_SYMBOLS,
    RUN_KIND_TEXT,
    gate_passes,
    gate_run_kind,
    gate_task,
)
from checklists.models import AnswerKind, Question
from fairness import TASKS
from fairness.text import COMPARISON_METRICS as TEXT_COMPARISON_METRICS

NOT_APPLICABLE = "na"
#: Every value a gate answer can hold; the run writes any of them.
GATE_VALUES = (GATE_PASS, GATE_FAIL, GATE_INCONCLUSIVE, NOT_APPLICABLE)
#: What an auditor may set by hand: a reviewer's judgement settles an inconclusive gate.
OVERRIDE_VALUES = (GATE_PASS, GATE_FAIL, NOT_APPLICABLE)
GATE_VALUE_LABELS = {
    GATE_PASS: "passes",
    GATE_FAIL: "fails",
    GATE_INCONCLUSIVE: INCONCLUSIVE_LABEL[0].lower() + INCONCLUSIVE_LABEL[1:],
    NOT_APPLICABLE: "not applicable",
}
_GROUP_WORDS = {"reliable": "reliable groups", "all": "all groups", "ll144": "LL144 groups"}
OVERRIDE_MIN_CHARS = 20
SCREENING_NOTE = "A screening threshold, not a verdict of fairness."


PREDICTIONS, LLM = "predictions", "llm"


def gate_kind(gate: dict | None) -> str:
    """The kind of dataset whose runs answer the gate: "llm" for a text metric, else "predictions".

    The checklist decides (`checklists.gates.gate_run_kind`), so the admin's validation and the
    runs read a gate the same way.
    """
    return LLM if gate_run_kind(gate) == RUN_KIND_TEXT else PREDICTIONS


def gate_questions(
    audit: Audit, *, kind: str | None = None, task: str | None = None
) -> list[Question] | QuerySet[Question]:
    """The metric-gate questions of the audit's pinned checklist version, in checklist order.

    With `kind`, only the gates of that kind (see `gate_kind`); with `task` too, a predictions
    gate only when its task is that one (`checklists.gates.gate_task`: binary by default).
    """
    questions = audit.checklist_version.questions.filter(
        answer_kind=AnswerKind.GATE
    ).select_related("principle")
    if kind is None:
        return questions
    return [
        q
        for q in questions
        if gate_kind(q.gate) == kind and (task is None or kind == LLM or gate_task(q.gate) == task)
    ]


def gate_checks(audit: Audit, *, kind: str = PREDICTIONS, task: str = "binary") -> list[dict]:
    """One engine check per distinct gate of that kind (and task, for predictions): what every
    run of the kind must evaluate. A multiclass gate's class rides along as "class"."""
    return _checks_of(gate_questions(audit, kind=kind, task=task))


def gate_checks_by_task(audit: Audit) -> list[tuple[str, list[dict]]]:
    """Each task's predictions gate checks (as `gate_checks` gives them), in `fairness.TASKS`
    order, from one query: the mapping page lists those of the task chosen there."""
    questions = gate_questions(audit, kind=PREDICTIONS)
    return [(task, _checks_of(q for q in questions if gate_task(q.gate) == task)) for task in TASKS]


def _checks_of(questions: Iterable[Question]) -> list[dict]:
    checks: list[dict] = []
    for question in questions:
        gate = question.gate or {}
        check = {k: gate.get(k) for k in ("metric", "comparison", "threshold")}
        if gate.get("class") is not None:
            check["class"] = gate["class"]
        if not any(same_check(check, c) for c in checks):
            checks.append({**check, "source": "gate", "question": question.code})
    return checks


def tasks_with_runs(audit: Audit) -> set[str]:
    """The tasks of the audit's successful predictions runs (binary for a document naming none),
    in one query: a gate of another task waits for a run of its own (see `gate_waiting_task`)."""
    tasks = (
        FairnessRun.objects.filter(
            dataset__audit=audit, dataset__kind=DatasetKind.PREDICTIONS, status=RunStatus.SUCCEEDED
        )
        .annotate(task=KT("result__task"))
        .order_by()  # no ordering columns in the DISTINCT
        .values_list("task", flat=True)
        .distinct()
    )
    return {task or "binary" for task in tasks}


def gate_waiting_task(gate: dict | None, tasks: Collection[str]) -> str | None:
    """The task a predictions gate waits for when no run of it exists among `tasks` (None for an
    LLM gate, or when such a run exists)."""
    task = gate_task(gate) if gate_kind(gate) == PREDICTIONS else None
    return task if task is not None and task not in tasks else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def run_task(run: FairnessRun) -> str | None:
    """The task of a predictions run's document (binary when it names none); None for an LLM run."""
    return None if run.is_llm else str((run.result or {}).get("task") or "binary")


def gate_outcome(gate: dict, result: dict | None) -> tuple[str, list[dict]]:
    """The gate's answer from a run's report document, and the run's checks it was decided on.

    A multiclass gate without a class is checked on every class: each class's entry counts, so
    the worst class decides. Each grouping's (and class's) test is taken once.
    """
    every_class = gate_task(gate) == "multiclass" and gate.get("class") is None
    # Each test once per grouping (and class): a gate such as impact_ratio >= 0.8 repeats the
    # engine's four-fifths screen, and the note and evidence would say each grouping twice.
    checks = unique_checks(
        c
        for c in (result or {}).get("checks", [])
        if same_check(c, {**gate, "class": c.get("class")} if every_class else gate)
    )
    verdicts = [_gate_verdict(gate, c) for c in checks]
    if GATE_FAIL in verdicts:
        return GATE_FAIL, checks
    if not any(c.get("value") is not None for c in checks):
        return NOT_APPLICABLE, checks  # nothing measured: the run could not compute the metric
    if GATE_INCONCLUSIVE in verdicts:
        return GATE_INCONCLUSIVE, checks
    if all(v == GATE_PASS for v in verdicts):
        return GATE_PASS, checks
    return NOT_APPLICABLE, checks  # a document from before verdicts, undefined on a grouping


def _gate_verdict(gate: dict, check: dict) -> str | None:
    """One check's verdict; for a document from before verdicts its point comparison (None: undefined)."""
    if "verdict" in check:
        return check_verdict(check)
    passed = _check_passed(gate, check)
    return None if passed is None else (GATE_PASS if passed else GATE_FAIL)


def _check_passed(gate: dict, check: dict) -> bool | None:
    passed = check.get("passed")
    if passed is None and check.get("value") is not None:
        return gate_passes(gate, check["value"])
    return passed


def gate_note(*, run: FairnessRun, question: Question, value: str, checks: list[dict]) -> str:
    """The answer's note in Markdown: which run, each grouping's value against the threshold.

    An inconclusive answer says on which grouping and why (its interval against the threshold).
    """
    gate = question.gate or {}
    # The reader's words ("selection-rate impact ratio"), as on the run page and in the PDF.
    metric = metric_words(str(gate.get("metric", "")))
    symbol = COMPARISON_SYMBOLS.get(str(gate.get("comparison")), gate.get("comparison"))
    threshold = format(gate.get("threshold"), "g") if _is_number(gate.get("threshold")) else "?"
    llm = run.is_llm
    described = gate_words(gate)
    if llm:
        described = described.replace("on every grouping", "for every group against the reference")
    source = "LLM fairness run" if llm else "fairness run"
    lines = [f"From {source} #{run.pk}: {described} — {GATE_VALUE_LABELS[value]}."]
    if value == GATE_INCONCLUSIVE:
        why = [
            f"on {_where(c, llm=llm)}, {_verdict_reason(c)}"
            for c in checks
            if _gate_verdict(gate, c) == GATE_INCONCLUSIVE
        ]
        lines += ["", "Inconclusive " + "; ".join(why) + "."]
    if checks:
        lines.append("")
        for check in checks:
            lines.append(f"- {_check_line(gate, check, metric, f'{symbol} {threshold}', llm=llm)}")
    elif llm:
        lines += [
            "",
            f"The run did not compute {metric} (for example, it needs a decision column).",
        ]
    else:
        lines += ["", f"The run did not compute {metric} (for example, it needs a y_true column)."]
    lines += ["", SCREENING_NOTE]
    return "\n".join(lines)


def _where(check: dict, *, llm: bool, with_class: bool = True) -> str:
    """Where a check was read: a grouping (and a multiclass check's class), or (an LLM run) a
    group against the reference."""
    if not llm:
        cls = check.get("class") if with_class else None
        return str(check.get("grouping", "?")) + ("" if cls is None else f', class "{cls}"')
    group = str(check.get("group", "?"))
    if check.get("metric") in TEXT_COMPARISON_METRICS:
        return f"{group} vs {check.get('reference') or 'the reference'} (reference)"
    return f"group {group}"


def _check_line(
    gate: dict, check: dict, metric: str, requirement: str, *, llm: bool = False
) -> str:
    """`demographic parity ratio 0.93 (95% interval 0.78–1.05) on sex, reliable groups ...`.

    An LLM run's check reads `refusal rate ratio 0.40 (...) on female vs male (reference) ...`.
    """
    name = str(check.get("metric", ""))
    shown = _format_value(check.get("value"))
    interval = interval_text(check.get("interval"), digits_for(name))
    groups = _GROUP_WORDS.get(str(check.get("check_groups")))
    where = _where(check, llm=llm, with_class=False) + (f", {groups}" if groups else "")
    verdict = _gate_verdict(gate, check)
    words = {GATE_PASS: "passes", GATE_FAIL: "fails", GATE_INCONCLUSIVE: "inconclusive"}
    # A multiclass check leads with its class: the worst class decides, so the reader sees which.
    cls = "" if llm or check.get("class") is None else f'class "{check["class"]}": '
    line = (
        f"{cls}{metric} {shown}{f' (95% interval {interval})' if interval else ''} on {where} "
        f"(threshold {requirement}) — {words.get(verdict or '', 'undefined')}"
    )
    if verdict == GATE_INCONCLUSIVE:
        line += f": {_verdict_reason(check)}"
    drivers = drivers_text(name, check.get("value"), check.get("drivers"))
    if drivers:
        line += f". Set by {drivers}"
    return line


def _verdict_reason(check: dict) -> str:
    reason = str(check.get("verdict_reason") or "")
    if reason:
        return reason
    interval = interval_text(check.get("interval"), digits_for(str(check.get("metric", ""))))
    if interval:
        return f"the 95% interval {interval} straddles the threshold"
    return str(check.get("reason") or "the value is undefined")


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
    reference = (run.result or {}).get("reference_group") if run.is_llm else None
    for question in gate_questions(audit, kind=run.kind, task=run_task(run)):
        value, checks = gate_outcome(question.gate or {}, run.result)
        if reference:
            checks = [{**c, "reference": reference} for c in checks]
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
    audit_scores_refresh(audit_pk=audit.pk)
    return answers


def _link_run_as_evidence(*, run: FairnessRun, question: Question) -> None:
    audit = run.dataset.audit
    if Evidence.objects.filter(audit=audit, question=question, run=run).exists():
        return
    evidence = Evidence(
        audit=audit,
        question=question,
        run=run,
        description=f"LLM fairness run #{run.pk}" if run.is_llm else f"Fairness run #{run.pk}",
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
    if value not in OVERRIDE_VALUES:
        errors["value"] = f"Choose one of: {', '.join(OVERRIDE_VALUES)}."
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
    audit_scores_refresh(audit_pk=audit.pk)
    return answer
