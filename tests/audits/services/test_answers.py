import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits.models import Answer, AuditStatus
from audits.services.answers import AnswerChange, AnswerConflict, answer_save, answers_save
from audits.services.common import AuditLocked
from tests.factories import AuditFactory, QuestionFactory, published_version


def _question(audit, code):
    return audit.checklist_version.questions.get(code=code)


def test_first_answer_is_saved_with_revision_1(audit, auditor):
    question = _question(audit, "FAIR-01")
    answer = answer_save(
        audit=audit,
        user=auditor,
        question=question,
        value="yes",
        note_md="Policy v2",
        seen_revision=0,
    )
    assert (answer.value, answer.note_md, answer.revision) == ("yes", "Policy v2", 1)
    assert answer.answered_by == auditor


def test_stale_revision_is_refused_and_nothing_is_overwritten(audit, auditor, owner):
    question = _question(audit, "FAIR-01")
    answer_save(audit=audit, user=owner, question=question, value="yes", seen_revision=0)
    with pytest.raises(AnswerConflict) as caught:
        answer_save(audit=audit, user=auditor, question=question, value="no", seen_revision=0)
    conflict = caught.value.conflicts[0]
    assert conflict.current.value == "yes"
    assert conflict.current.answered_by == owner
    assert Answer.objects.get(audit=audit, question=question).value == "yes"


def test_a_conflict_saves_nothing_of_the_page(audit, auditor, owner):
    q1, q2 = _question(audit, "FAIR-01"), _question(audit, "FAIR-02")
    answer_save(audit=audit, user=owner, question=q2, value="yes", seen_revision=0)
    with pytest.raises(AnswerConflict):
        answers_save(
            audit=audit,
            user=auditor,
            changes=[
                AnswerChange(question=q1, value="no", note_md="", seen_revision=0),
                AnswerChange(question=q2, value="no", note_md="", seen_revision=0),
            ],
        )
    assert not Answer.objects.filter(audit=audit, question=q1).exists()


def test_history_records_each_change_with_its_author(audit, auditor, owner):
    question = _question(audit, "FAIR-01")
    answer_save(audit=audit, user=auditor, question=question, value="no", seen_revision=0)
    answer = answer_save(
        audit=audit, user=owner, question=question, value="yes", note_md="Fixed", seen_revision=1
    )
    records = list(answer.history.order_by("history_date"))
    assert [(r.value, r.history_user) for r in records] == [("no", auditor), ("yes", owner)]


@pytest.mark.parametrize(("code", "value"), [("FAIR-01", "maybe"), ("FAIR-01", "3")])
def test_values_the_kind_does_not_accept_are_refused(audit, auditor, code, value):
    with pytest.raises(ValidationError):
        answer_save(
            audit=audit, user=auditor, question=_question(audit, code), value=value, seen_revision=0
        )


def test_gate_questions_cannot_be_answered_by_hand(team, auditor):
    audit = AuditFactory(team=team, checklist_version=published_version(with_gate=True))
    gate = _question(audit, "FAIR-G1")
    with pytest.raises(ValidationError, match="answered from a fairness run"):
        answer_save(audit=audit, user=auditor, question=gate, value="pass", seen_revision=0)


def test_question_of_another_version_is_refused(audit, auditor):
    stray = QuestionFactory(code="X-01")
    with pytest.raises(ValidationError, match="not a question of this audit"):
        answer_save(audit=audit, user=auditor, question=stray, value="yes", seen_revision=0)


def test_viewer_and_reviewer_cannot_answer(audit, viewer, reviewer):
    for user in (viewer, reviewer):
        with pytest.raises(PermissionDenied):
            answer_save(
                audit=audit,
                user=user,
                question=_question(audit, "FAIR-01"),
                value="yes",
                seen_revision=0,
            )
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "status", [AuditStatus.IN_REVIEW, AuditStatus.APPROVED, AuditStatus.ARCHIVED]
)
def test_answers_are_refused_unless_the_audit_is_with_its_auditors(audit, auditor, status):
    audit.status = status
    audit.save()
    with pytest.raises(AuditLocked):
        answer_save(
            audit=audit,
            user=auditor,
            question=_question(audit, "FAIR-01"),
            value="yes",
            seen_revision=0,
        )
    assert not Answer.objects.exists()
