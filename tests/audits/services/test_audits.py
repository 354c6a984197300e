import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audits.models import Audit, AuditStatus, Decision, Evidence, ReportSnapshot, Review
from audits.services.answers import answer_save
from audits.services.audits import (
    IncompleteAudit,
    audit_archive,
    audit_create,
    audit_reaudit,
    audit_review,
    audit_submit,
    audit_update,
)
from audits.services.common import AuditLocked
from audits.services.reaudits import reaudit_copy_answers
from checklists.models import AnswerKind, VersionStatus
from tests.factories import (
    AuditFactory,
    ChecklistVersionFactory,
    QuestionFactory,
    published_version,
)


def _answer_all(audit, user, value="yes"):
    for question in audit.checklist_version.questions.exclude(answer_kind=AnswerKind.GATE):
        answer_save(audit=audit, user=user, question=question, value=value, seen_revision=0)


def _in_review(audit, submitter):
    _answer_all(audit, submitter)
    return audit_submit(audit=audit, user=submitter)


def test_audit_create_pins_a_published_version(team, auditor, checklist_version):
    audit = audit_create(
        team=team,
        user=auditor,
        title="Loans",
        system_name="Scorer",
        checklist_version=checklist_version,
    )
    assert audit.status == AuditStatus.DRAFT
    assert audit.checklist_version == checklist_version


def test_audit_create_refuses_a_draft_version(team, auditor):
    with pytest.raises(ValidationError):
        audit_create(
            team=team,
            user=auditor,
            title="x",
            system_name="y",
            checklist_version=ChecklistVersionFactory(status=VersionStatus.DRAFT),
        )


def test_reviewer_and_outsider_cannot_create_audits(team, reviewer, outsider, checklist_version):
    # The outsider is not told the team exists (404); the reviewer's role is refused (403).
    for user, refusal in ((reviewer, PermissionDenied), (outsider, Http404)):
        with pytest.raises(refusal):
            audit_create(
                team=team,
                user=user,
                title="x",
                system_name="y",
                checklist_version=checklist_version,
            )
    assert not Audit.objects.exists()


def test_submit_lists_every_missing_required_answer(audit, auditor):
    with pytest.raises(IncompleteAudit) as caught:
        audit_submit(audit=audit, user=auditor)
    assert len(caught.value.items) == audit.checklist_version.questions.count()
    audit.refresh_from_db()
    assert audit.status == AuditStatus.DRAFT


def test_submit_requires_evidence_where_the_question_says_so(team, auditor):
    audit = AuditFactory(team=team, checklist_version=published_version(evidence_codes=("ACC-01",)))
    _answer_all(audit, auditor)
    with pytest.raises(IncompleteAudit) as caught:
        audit_submit(audit=audit, user=auditor)
    assert [(i.question.code, i.reason) for i in caught.value.items] == [
        ("ACC-01", "needs evidence (a file or a link)")
    ]
    question = audit.checklist_version.questions.get(code="ACC-01")
    Evidence.objects.create(audit=audit, question=question, url="https://example.org/policy")
    audit_submit(audit=audit, user=auditor)
    assert audit.status == AuditStatus.IN_REVIEW


def test_submit_then_reviewer_approves_and_audit_locks(audit, auditor, reviewer):
    _in_review(audit, auditor)
    review = audit_review(audit=audit, user=reviewer, decision=Decision.APPROVED, comment="Good")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.APPROVED
    assert audit.approved_by == reviewer
    assert review.submitted_at == audit.submitted_at
    question = audit.checklist_version.questions.first()
    with pytest.raises(AuditLocked):
        answer_save(audit=audit, user=auditor, question=question, value="no", seen_revision=1)
    with pytest.raises(AuditLocked):
        audit_update(audit=audit, user=auditor, title="Changed")


def test_reviewer_cannot_approve_own_submission(audit, owner):
    _in_review(audit, owner)
    with pytest.raises(PermissionDenied):
        audit_review(audit=audit, user=owner, decision=Decision.APPROVED)
    assert not Review.objects.exists()


def test_auditor_cannot_review(audit, auditor, owner):
    _in_review(audit, owner)
    with pytest.raises(PermissionDenied):
        audit_review(audit=audit, user=auditor, decision=Decision.APPROVED)


def test_changes_requested_needs_a_comment_and_reopens_the_audit(audit, auditor, reviewer):
    _in_review(audit, auditor)
    with pytest.raises(ValidationError):
        audit_review(audit=audit, user=reviewer, decision=Decision.CHANGES_REQUESTED)
    audit_review(
        audit=audit,
        user=reviewer,
        decision=Decision.CHANGES_REQUESTED,
        principle_comments={"fairness": "Add the bias study"},
    )
    audit.refresh_from_db()
    assert audit.status == AuditStatus.CHANGES_REQUESTED
    question = audit.checklist_version.questions.get(code="FAIR-01")
    answer = answer_save(
        audit=audit, user=auditor, question=question, value="partial", seen_revision=1
    )
    assert answer.revision == 2


def test_review_refused_when_not_in_review(audit, reviewer):
    with pytest.raises(ValidationError):
        audit_review(audit=audit, user=reviewer, decision=Decision.APPROVED)


def test_archive_is_for_owners_and_locks(audit, owner, auditor):
    with pytest.raises(PermissionDenied):
        audit_archive(audit=audit, user=auditor)
    audit_archive(audit=audit, user=owner)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.ARCHIVED
    assert audit.is_locked


def test_reaudit_copies_matching_answers_into_latest_version(
    audit, auditor, reviewer, owner, django_capture_on_commit_callbacks
):
    _in_review(audit, auditor)
    audit_review(audit=audit, user=reviewer, decision=Decision.APPROVED)
    old_answers = {a.question.code: a.value for a in audit.answers.select_related("question")}
    # Version 2: FAIR-01 becomes a scale question (not copied), a new question is added.
    v2 = ChecklistVersionFactory(checklist=audit.checklist_version.checklist, number=2)
    for q in audit.checklist_version.questions.all():
        kind = AnswerKind.SCALE if q.code == "FAIR-01" else q.answer_kind
        QuestionFactory(version=v2, principle=q.principle, code=q.code, answer_kind=kind)
    QuestionFactory(version=v2, principle=q.principle, code="NEW-01")
    v2.status = VersionStatus.PUBLISHED
    v2.save()

    with django_capture_on_commit_callbacks(execute=True):
        new_audit = audit_reaudit(audit=audit, user=owner)

    new_audit.refresh_from_db()
    assert new_audit.copying_answers is False
    assert new_audit.checklist_version == v2
    assert new_audit.previous_audit == audit
    copied = {a.question.code: a.value for a in new_audit.answers.select_related("question")}
    assert "FAIR-01" not in copied and "NEW-01" not in copied
    assert copied == {k: v for k, v in old_answers.items() if k != "FAIR-01"}
    audit.refresh_from_db()
    assert audit.status == AuditStatus.APPROVED
    assert {
        a.question.code: a.value for a in audit.answers.select_related("question")
    } == old_answers


def test_reaudit_only_from_an_approved_audit(audit, owner):
    with pytest.raises(ValidationError):
        audit_reaudit(audit=audit, user=owner)


def _approved(audit, auditor, reviewer):
    _in_review(audit, auditor)
    audit_review(audit=audit, user=reviewer, decision=Decision.APPROVED)
    return audit


def test_reaudit_is_created_at_once_and_copies_its_answers_after_commit(
    audit, auditor, reviewer, owner, django_capture_on_commit_callbacks
):
    _approved(audit, auditor, reviewer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new_audit = audit_reaudit(audit=audit, user=owner)
    assert new_audit.copying_answers is True
    assert new_audit.answers.count() == 0
    assert len(callbacks) == 1

    for callback in callbacks:
        callback()
    new_audit.refresh_from_db()
    assert new_audit.copying_answers is False
    assert new_audit.answers.count() == audit.answers.count()


def test_answers_cannot_be_edited_while_the_copy_is_under_way(
    audit, auditor, reviewer, owner, django_capture_on_commit_callbacks
):
    _approved(audit, auditor, reviewer)
    with django_capture_on_commit_callbacks(execute=False):
        new_audit = audit_reaudit(audit=audit, user=owner)
    question = new_audit.checklist_version.questions.exclude(answer_kind=AnswerKind.GATE).first()
    with pytest.raises(AuditLocked, match=f"still being copied from audit #{audit.pk}"):
        answer_save(audit=new_audit, user=owner, question=question, value="no", seen_revision=0)


def test_copying_answers_twice_copies_nothing_more(
    audit, auditor, reviewer, owner, django_capture_on_commit_callbacks
):
    _approved(audit, auditor, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        new_audit = audit_reaudit(audit=audit, user=owner)
    count = new_audit.answers.count()
    Audit.objects.filter(pk=new_audit.pk).update(copying_answers=True)  # e.g. the job ran twice
    assert reaudit_copy_answers(audit_pk=new_audit.pk) == 0
    assert new_audit.answers.count() == count


@pytest.fixture
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


def test_approval_commits_at_once_and_the_seal_comes_after_commit(
    audit, auditor, reviewer, django_capture_on_commit_callbacks, private_media
):
    _in_review(audit, auditor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        audit_review(audit=audit, user=reviewer, decision=Decision.APPROVED)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.APPROVED
    assert not ReportSnapshot.objects.filter(audit=audit).exists()  # nothing rendered in the lock
    assert len(callbacks) == 1

    for callback in callbacks:
        callback()  # in sync mode the job runs here, after the commit
    assert sorted(ReportSnapshot.objects.filter(audit=audit).values_list("kind", flat=True)) == [
        "json",
        "pdf",
    ]


def test_changes_requested_seals_nothing(
    audit, auditor, reviewer, django_capture_on_commit_callbacks
):
    _in_review(audit, auditor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        audit_review(audit=audit, user=reviewer, decision=Decision.CHANGES_REQUESTED, comment="x")
    assert callbacks == []
    assert not ReportSnapshot.objects.exists()
