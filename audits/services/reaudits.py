"""Copying a re-audit's answers from the approved audit it continues (a job after commit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audits.models import Answer, Audit
from audits.selectors.compare import question_changes
from audits.services.answers import validate_value
from audits.services.scores import audit_scores_refresh
from checklists.models import AnswerKind


@transaction.atomic
def reaudit_copy_answers(*, audit_pk: int) -> int:
    """Copy answers and notes from the re-audit's previous audit, then open it for editing.

    Copied where a question with the same code and kind exists and the value is still valid; gate
    answers are not copied (they need a fairness run on current data). A copy into a question whose
    text or options changed between the two versions is marked `needs_recheck`: it blocks
    submission until an auditor confirms it (`answer_confirm_recheck`) or saves a new answer. Each
    copy is recorded in the answer's history as "copied from audit #N (version k)". Idempotent: an audit whose
    copy is done is left alone, and a question answered already is skipped. Returns how many
    answers were copied. One transaction: a copy is all there or not at all.
    """
    target = Audit.objects.select_related(
        "previous_audit__checklist_version", "checklist_version", "created_by"
    ).get(pk=audit_pk)
    if not target.copying_answers:
        return 0
    copied = 0
    if target.previous_audit is not None:
        copied = _copy_answers(source=target.previous_audit, target=target)
    target.copying_answers = False
    target.full_clean()
    target.save(update_fields=["copying_answers", "updated_at"])
    audit_scores_refresh(audit_pk=target.pk)
    return copied


def _copy_answers(*, source: Audit, target: Audit) -> int:
    user = target.created_by  # who started the re-audit
    new_questions = {q.code: q for q in target.checklist_version.questions.all()}
    answered = set(target.answers.values_list("question_id", flat=True))
    reason = copied_reason(source)
    version = target.checklist_version.number
    copied = 0
    for old in source.answers.select_related("question"):
        question = new_questions.get(old.question.code)
        if question is None or question.pk in answered:
            continue
        if (
            question.answer_kind != old.question.answer_kind
            or question.answer_kind == AnswerKind.GATE
        ):
            continue
        try:
            validate_value(question, old.value)
        except ValidationError:
            continue
        changed = question_changes(old.question, question)
        answer = Answer(
            audit=target,
            question=question,
            value=old.value,
            note_md=old.note_md,
            revision=1,
            answered_by=user,
            answered_at=timezone.now(),
            needs_recheck=bool(changed),
            recheck_reason=f"The question's {changed} changed in version {version}."
            if changed
            else "",
        )
        answer._history_user = user
        answer._change_reason = reason  # type: ignore[attr-defined]  # read by simple_history
        answer.save()
        copied += 1
    return copied


def copied_reason(source: Audit) -> str:
    """How a copy is named in the answer's history: "copied from audit #12 (version 1)"."""
    return f"copied from audit #{source.pk} (version {source.checklist_version.number})"
