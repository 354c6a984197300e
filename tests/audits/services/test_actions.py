"""audits.services.actions: who may record remediation, and what is refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audits.models import ActionStatus, AuditStatus, RemediationAction
from audits.services.actions import action_create, action_update
from audits.services.common import AuditLocked
from tests.factories import published_version


@pytest.mark.parametrize("maker", ["owner", "auditor", "reviewer"])
def test_managing_roles_create_an_action(request, audit, auditor, question, today, maker):
    user = request.getfixturevalue(maker)
    action = action_create(
        audit=audit,
        user=user,
        description="  Retrain with re-weighting  ",
        owner=auditor,
        due_date=today,
        question=question,
        check_name="four_fifths on sex",
    )
    action.refresh_from_db()
    assert action.audit == audit
    assert action.description == "Retrain with re-weighting"
    assert (action.owner, action.due_date, action.question) == (auditor, today, question)
    assert action.check_name == "four_fifths on sex"
    assert action.status == ActionStatus.OPEN
    assert action.created_by == user


def test_viewer_cannot_create(audit, viewer):
    with pytest.raises(PermissionDenied):
        action_create(audit=audit, user=viewer, description="x")
    assert not RemediationAction.objects.exists()


def test_outsider_cannot_create(audit, outsider):
    with pytest.raises(Http404):
        action_create(audit=audit, user=outsider, description="x")
    assert not RemediationAction.objects.exists()


def test_owner_must_be_a_team_member(audit, reviewer, outsider):
    with pytest.raises(ValidationError) as excinfo:
        action_create(audit=audit, user=reviewer, description="x", owner=outsider)
    assert excinfo.value.message_dict == {
        "owner": ["The owner must be an active member of the audit's team (Credit team)."]
    }
    assert not RemediationAction.objects.exists()


def test_owner_must_be_an_active_member(audit, reviewer, auditor):
    # The form offers only active members; the service says so for the API too.
    auditor.is_active = False
    auditor.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as excinfo:
        action_create(audit=audit, user=reviewer, description="x", owner=auditor)
    assert "owner" in excinfo.value.message_dict
    assert not RemediationAction.objects.exists()


def test_due_date_in_the_past_is_refused_on_creation(audit, auditor, today):
    with pytest.raises(ValidationError) as excinfo:
        action_create(
            audit=audit, user=auditor, description="x", due_date=today - datetime.timedelta(1)
        )
    assert excinfo.value.message_dict == {"due_date": ["The due date cannot be in the past."]}
    assert not RemediationAction.objects.exists()


def test_question_of_another_version_is_refused(audit, auditor):
    foreign = published_version().questions.first()
    with pytest.raises(ValidationError) as excinfo:
        action_create(audit=audit, user=auditor, description="x", question=foreign)
    assert "question" in excinfo.value.message_dict


def test_empty_description_is_refused(audit, auditor):
    with pytest.raises(ValidationError) as excinfo:
        action_create(audit=audit, user=auditor, description="   ")
    assert "description" in excinfo.value.message_dict


def test_action_may_be_created_while_in_review(audit, reviewer):
    audit.status = AuditStatus.IN_REVIEW
    audit.save()
    assert action_create(audit=audit, user=reviewer, description="Fix the data sheet").pk


@pytest.mark.parametrize("status", [AuditStatus.APPROVED, AuditStatus.ARCHIVED])
def test_locked_audit_refuses_actions(audit, owner, remediation, status):
    audit.status = status
    audit.save()
    with pytest.raises(AuditLocked):
        action_create(audit=audit, user=owner, description="x")
    with pytest.raises(AuditLocked):
        action_update(action=remediation, user=owner, status=ActionStatus.DONE)
    assert RemediationAction.objects.count() == 1
    remediation.refresh_from_db()
    assert remediation.status == ActionStatus.OPEN


def test_update_changes_only_the_given_fields(remediation, reviewer, owner, today):
    before = remediation.updated_at
    action_update(
        action=remediation,
        user=reviewer,
        status=ActionStatus.IN_PROGRESS,
        owner=owner,
        due_date=today + datetime.timedelta(days=30),
    )
    remediation.refresh_from_db()
    assert remediation.status == ActionStatus.IN_PROGRESS
    assert remediation.owner == owner
    assert remediation.due_date == today + datetime.timedelta(days=30)
    assert remediation.description == "Re-balance the training data"
    assert remediation.updated_at > before


def test_overdue_action_can_be_closed_keeping_its_date(remediation, auditor, today):
    past = today - datetime.timedelta(days=3)
    RemediationAction.objects.filter(pk=remediation.pk).update(due_date=past)
    remediation.refresh_from_db()
    action_update(action=remediation, user=auditor, due_date=past, status=ActionStatus.DONE)
    remediation.refresh_from_db()
    assert (remediation.status, remediation.due_date) == (ActionStatus.DONE, past)


def test_update_cannot_move_the_due_date_into_the_past(remediation, auditor, today):
    with pytest.raises(ValidationError, match="cannot be in the past"):
        action_update(action=remediation, user=auditor, due_date=today - datetime.timedelta(1))
    remediation.refresh_from_db()
    assert remediation.due_date == today + datetime.timedelta(days=7)


def test_update_owner_must_be_a_team_member(remediation, auditor, outsider):
    with pytest.raises(ValidationError, match="must be an active member"):
        action_update(action=remediation, user=auditor, owner=outsider)
    remediation.refresh_from_db()
    assert remediation.owner == auditor


def test_update_keeps_an_owner_who_left_the_team(remediation, auditor, owner):
    auditor.memberships.all().delete()
    action_update(action=remediation, user=owner, owner=auditor, status=ActionStatus.DONE)
    remediation.refresh_from_db()
    assert (remediation.owner, remediation.status) == (auditor, ActionStatus.DONE)


def test_update_refuses_invalid_status(remediation, auditor):
    with pytest.raises(ValidationError) as excinfo:
        action_update(action=remediation, user=auditor, status="cancelled")
    assert "status" in excinfo.value.message_dict
    remediation.refresh_from_db()
    assert remediation.status == ActionStatus.OPEN


def test_update_refuses_unknown_fields(remediation, auditor):
    with pytest.raises(TypeError, match="audit"):
        action_update(action=remediation, user=auditor, audit=None)


def test_viewer_cannot_update(remediation, viewer):
    with pytest.raises(PermissionDenied):
        action_update(action=remediation, user=viewer, status=ActionStatus.DONE)
    remediation.refresh_from_db()
    assert remediation.status == ActionStatus.OPEN
