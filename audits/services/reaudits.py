"""Copying a re-audit's answers from the approved audit it continues (a job after commit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audits.models import Answer, Audit
from audits.services.answers import validate_value
from checklists.models import AnswerKind


@transaction.atomic
def reaudit_copy_answers(*, audit_pk: int) -> int:
    """Copy answers and notes from the re-audit's previous audit, then open it for editing.

    Copied where a question with the same code and kind exists and the value is still valid; gate
    answers are not copied (they need a fairness run on current data). Idempotent: an audit whose
    copy is done is left alone, and a question answered already is skipped. Returns how many
    answers were copied. One transaction: a copy is all there or not at all.
    """
    target = Audit.objects.select_related("previous_audit", "created_by").get(pk=audit_pk)
    if not target.copying_answers:
        return 0
    copied = 0
    if target.previous_audit is not None:
        copied = _copy_answers(source=target.previous_audit, target=target)
    target.copying_answers = False
    target.full_clean()
    target.save(update_fields=["copying_answers", "updated_at"])
    return copied


def _copy_answers(*, source: Audit, target: Audit) -> int:
    user = target.created_by  # who started the re-audit
    new_questions = {q.code: q for q in target.checklist_version.questions.all()}
    answered = set(target.answers.values_list("question_id", flat=True))
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
        answer = Answer(
            audit=target,
            question=question,
            value=old.value,
            note_md=old.note_md,
            revision=1,
            answered_by=user,
            answered_at=timezone.now(),
        )
        answer._history_user = user
        answer.save()
        copied += 1
    return copied
