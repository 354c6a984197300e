"""Saving answers without lost updates.

Every answer carries a revision. A save names the revision its author saw; if the stored revision
has moved on (someone else saved in between), the save is refused with the other person's value,
and nothing of that page is written. The check is a compare-and-swap UPDATE, so it holds on every
database, not only on those with row locks.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from audits.models import Answer, Audit
from audits.scoring import GATE_SCORES, NOT_APPLICABLE
from audits.services.common import ensure_can_edit
from audits.services.scores import audit_scores_refresh
from checklists.models import AnswerKind, Question

LOCKED = "database is locked"  # SQLite's message when its busy timeout runs out


@dataclass(frozen=True)
class AnswerChange:
    question: Question
    value: str
    note_md: str
    seen_revision: int  # the revision the author's form was built from (0: no answer yet)


@dataclass(frozen=True)
class Conflict:
    question: Question
    current: Answer | None  # what is stored now: the other person's value, who and when


class AnswerConflict(Exception):
    """Someone else saved some of these answers since the form was loaded; nothing was saved."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        codes = ", ".join(c.question.code for c in conflicts)
        super().__init__(f"Someone else changed {codes} since you opened the page.")


def allowed_values(question: Question) -> list[str] | None:
    """The values a question accepts, or None for free text."""
    if question.answer_kind == AnswerKind.GATE:
        return [*GATE_SCORES, NOT_APPLICABLE]
    if question.answer_kind == AnswerKind.TEXT:
        return None
    return [value for value, _, _ in question.answer_options()]


def validate_value(question: Question, value: str) -> None:
    """Refuse a value the question's kind does not accept (an empty value clears the answer)."""
    allowed = allowed_values(question)
    if value and allowed is not None and value not in allowed:
        raise ValidationError(
            f"{question.code}: {value!r} is not an answer to this question "
            f"(expected one of {', '.join(allowed)})."
        )


def answers_save(*, audit: Audit, user: User, changes: Sequence[AnswerChange]) -> list[Answer]:
    """Save several answers of one audit at once: all of them, or none when any conflicts.

    Gate questions are answered from fairness runs (see services.gates) and refused here. On SQLite,
    a save that still finds the database locked by another writer once the busy timeout has run
    out is refused like a conflict (with what is stored now), never an error page.
    """
    try:
        return _answers_save(audit=audit, user=user, changes=changes)
    except OperationalError as error:
        # Caught outside the transaction: the lock may be refused at BEGIN or at COMMIT too.
        if LOCKED not in str(error):
            raise
        conflicts = [
            Conflict(
                question=change.question,
                current=Answer.objects.filter(audit=audit, question=change.question).first(),
            )
            for change in changes
        ]
        raise AnswerConflict(conflicts) from error


@transaction.atomic
def _answers_save(*, audit: Audit, user: User, changes: Sequence[AnswerChange]) -> list[Answer]:
    ensure_can_edit(audit=audit, user=user)
    version_id = audit.checklist_version_id
    for change in changes:
        if change.question.version_id != version_id:
            raise ValidationError(f"{change.question.code} is not a question of this audit.")
        if change.question.answer_kind == AnswerKind.GATE:
            raise ValidationError(
                f"{change.question.code} is answered from a fairness run; override it with a "
                "written justification instead."
            )
        validate_value(change.question, change.value)

    saved, conflicts = [], []
    for change in changes:
        answer = _write_one(audit=audit, user=user, change=change)
        if answer is None:
            current = Answer.objects.filter(audit=audit, question=change.question).first()
            conflicts.append(Conflict(question=change.question, current=current))
        else:
            saved.append(answer)
    if conflicts:
        transaction.set_rollback(True)
        raise AnswerConflict(conflicts)
    audit_scores_refresh(audit_pk=audit.pk)
    return saved


def answer_save(
    *,
    audit: Audit,
    user: User,
    question: Question,
    value: str,
    note_md: str = "",
    seen_revision: int,
) -> Answer:
    """Save one answer; raises AnswerConflict when `seen_revision` is stale."""
    change = AnswerChange(
        question=question, value=value, note_md=note_md, seen_revision=seen_revision
    )
    return answers_save(audit=audit, user=user, changes=[change])[0]


def _write_one(*, audit: Audit, user: User, change: AnswerChange) -> Answer | None:
    """Write one answer if its revision is still the one seen; None on conflict."""
    new_revision = change.seen_revision + 1
    if change.seen_revision == 0:
        answer = Answer(audit=audit, question=change.question)
    else:
        # Compare-and-swap: only the writer that still sees the stored revision moves it on.
        swapped = Answer.objects.filter(
            audit=audit, question=change.question, revision=change.seen_revision
        ).update(revision=new_revision)
        if swapped != 1:
            return None
        answer = Answer.objects.get(audit=audit, question=change.question)
    text = change.question.answer_kind == AnswerKind.TEXT
    answer.value = change.value if text else change.value.strip()
    answer.note_md = change.note_md
    answer.revision = new_revision
    answer.answered_by = user
    answer.answered_at = timezone.now()
    answer.needs_recheck, answer.recheck_reason = False, ""  # a new answer is a re-check done
    answer._history_user = user  # recorded in the answer's history even outside a request
    answer.full_clean(
        exclude=["audit", "question", "run"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent first answer is a conflict
            answer.save()
    except IntegrityError:
        return None
    return answer


RECHECK_CONFIRMED = "re-check confirmed: the copied answer still holds"


@transaction.atomic
def answer_confirm_recheck(*, audit: Audit, user: User, question: Question) -> Answer:
    """Confirm that a copied answer still holds for its changed question (an auditor's decision).

    Clears the flag that blocks submission; the answer's value, note and revision stay, and the
    history records who confirmed it and when. Raises ValidationError when there is nothing to
    confirm (no answer, or one that needs no re-check).
    """
    ensure_can_edit(audit=audit, user=user)
    answer = Answer.objects.select_for_update().filter(audit=audit, question=question).first()
    if answer is None or not answer.needs_recheck:
        raise ValidationError(f"{question.code} has no copied answer waiting for a re-check.")
    answer.needs_recheck, answer.recheck_reason = False, ""
    answer._history_user = user
    answer._change_reason = RECHECK_CONFIRMED  # type: ignore[attr-defined]  # read by simple_history
    answer.save(update_fields=["needs_recheck", "recheck_reason"])
    return answer
