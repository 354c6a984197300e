import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from audits import selectors
from audits.models import AuditStatus
from audits.permissions import Action
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
