import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from audits import selectors
from audits.models import AuditStatus, Review
from audits.permissions import Action
from audits.services.answers import AnswerChange, answers_save
from tests.factories import AuditFactory


def test_audit_list_for_user_shows_only_own_teams(audit, auditor, outsider, other_team):
    foreign = AuditFactory(team=other_team, checklist_version=audit.checklist_version)
    assert list(selectors.audit_list_for_user(auditor)) == [audit]
    assert list(selectors.audit_list_for_user(outsider)) == [foreign]


def test_audit_list_filters_by_status(audit, auditor):
    approved = AuditFactory(
        team=audit.team, checklist_version=audit.checklist_version, status=AuditStatus.APPROVED
    )
    assert list(selectors.audit_list_for_user(auditor, status="approved")) == [approved]


@pytest.fixture
def seven_audits(audit, auditor):
    for _ in range(6):
        AuditFactory(team=audit.team, checklist_version=audit.checklist_version)
    return list(selectors.audit_list_for_user(auditor))


@pytest.mark.parametrize(
    ("number", "expected", "rows", "has_next", "queries"),
    [
        (None, 1, slice(0, 3), True, 1),
        ("2", 2, slice(3, 6), True, 1),
        (3, 3, slice(6, 7), False, 1),
        ("4", 1, slice(0, 3), True, 2),  # past the end: the first page
        ("0", 1, slice(0, 3), True, 1),
        ("-2", 1, slice(0, 3), True, 1),
        ("two", 1, slice(0, 3), True, 1),
        (str(10**30), 1, slice(0, 3), True, 1),  # beyond any OFFSET: the first page, no error
    ],
)
def test_audit_page_pages_without_counting(
    seven_audits, auditor, number, expected, rows, has_next, queries, django_assert_num_queries
):
    audits = selectors.audit_list_for_user(auditor)
    with django_assert_num_queries(queries) as captured:
        page = selectors.audit_page(audits, number=number, per_page=3)
    assert not any("COUNT(" in q["sql"] for q in captured.captured_queries)
    assert page.number == expected
    assert page.audits == seven_audits[rows]
    assert page.has_next is has_next
    assert page.has_previous is (expected > 1)
    assert page.has_other_pages
    assert (page.previous_page_number, page.next_page_number) == (expected - 1, expected + 1)


def test_audit_page_of_one_page_has_no_other(audit, auditor):
    page = selectors.audit_page(selectors.audit_list_for_user(auditor), number=1, per_page=25)
    assert page.audits == [audit]
    assert not page.has_other_pages


def test_audit_get_for_user_404_for_outsider(audit, outsider):
    with pytest.raises(Http404):
        selectors.audit_get_for_user(outsider, pk=audit.pk)


def test_audit_get_for_user_403_for_lesser_role(audit, viewer):
    with pytest.raises(PermissionDenied):
        selectors.audit_get_for_user(viewer, pk=audit.pk, action=Action.ANSWER)


def test_audit_get_for_user_returns_audit_to_member(audit, viewer):
    assert selectors.audit_get_for_user(viewer, pk=audit.pk) == audit


def test_awaiting_user_lists_reviews_except_own_submissions(audit, owner, reviewer):
    audit.status = AuditStatus.IN_REVIEW
    audit.submitted_by = owner
    audit.save()
    assert selectors.audits_awaiting_user(reviewer)["to_review"] == [audit]
    # The owner may review, but never their own submission.
    assert selectors.audits_awaiting_user(owner)["to_review"] == []


def test_awaiting_user_lists_drafts_for_auditors_not_viewers(audit, auditor, viewer):
    assert selectors.audits_awaiting_user(auditor)["to_answer"] == [audit]
    assert selectors.audits_awaiting_user(viewer)["to_answer"] == []


def _save(audit, user, question, value, note=""):
    current = audit.answers.filter(question=question).first()
    change = AnswerChange(question, value, note, current.revision if current else 0)
    answers_save(audit=audit, user=user, changes=[change])


def test_changes_since_the_last_review_give_old_value_new_value_and_note_change(
    audit, auditor, reviewer
):
    question = next(q for q in selectors.audit_questions(audit) if q.answer_kind == "yes_no")
    _save(audit, auditor, question, "partial", "first note")
    assert selectors.changes_since_last_review(audit) == []  # no review yet
    Review.objects.create(audit=audit, reviewer=reviewer, decision="changes_requested")
    _save(audit, auditor, question, "yes", "first note")  # value only
    _save(audit, auditor, question, "yes", "evidence attached")  # note only
    newest, older = selectors.changes_since_last_review(audit)
    assert (older["code"], older["old_value"], older["value"]) == (question.code, "partial", "yes")
    assert older["note_changed"] is False
    assert (newest["old_value"], newest["value"], newest["note_changed"]) == ("yes", "yes", True)
