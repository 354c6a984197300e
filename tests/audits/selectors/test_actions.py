"""audits.selectors.actions: access, ordering, overdue flags and the home page's list."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from audits.models import ActionStatus, AuditStatus, RemediationAction
from audits.permissions import Action
from audits.selectors.actions import action_get_for_user, actions_for_audit, actions_open_for_user
from tests.factories import AuditFactory


def make(audit, *, status=ActionStatus.OPEN, due=None, owner=None, text="x"):
    return RemediationAction.objects.create(
        audit=audit, description=text, status=status, due_date=due, owner=owner
    )


def test_action_get_for_user_checks_access(audit, remediation, viewer, outsider):
    found = action_get_for_user(viewer, audit_pk=audit.pk, action_pk=remediation.pk)
    assert found == remediation
    with pytest.raises(PermissionDenied):
        action_get_for_user(
            viewer, audit_pk=audit.pk, action_pk=remediation.pk, action=Action.MANAGE_ACTIONS
        )
    with pytest.raises(Http404):
        action_get_for_user(outsider, audit_pk=audit.pk, action_pk=remediation.pk)


def test_action_of_another_audit_is_404(audit, remediation, owner):
    other = AuditFactory(team=audit.team, checklist_version=audit.checklist_version)
    with pytest.raises(Http404):
        action_get_for_user(owner, audit_pk=other.pk, action_pk=remediation.pk)


def test_actions_for_audit_lists_open_first_by_due_date(audit, today):
    done = make(audit, status=ActionStatus.DONE, due=today - datetime.timedelta(30))
    undated = make(audit)
    later = make(audit, status=ActionStatus.IN_PROGRESS, due=today + datetime.timedelta(9))
    overdue = make(audit, due=today - datetime.timedelta(2))
    make(AuditFactory(team=audit.team, checklist_version=audit.checklist_version))

    actions = list(actions_for_audit(audit))
    assert actions == [overdue, later, undated, done]
    assert [a.is_overdue for a in actions] == [True, False, False, False]
    assert list(actions_for_audit(audit, open_only=True)) == [overdue, later, undated]


def test_actions_open_for_user(audit, auditor, owner, outsider, other_team, today):
    mine = make(audit, owner=auditor, due=today)
    make(audit, owner=auditor, status=ActionStatus.DONE)
    make(audit, owner=owner)
    approved = AuditFactory(
        team=audit.team, checklist_version=audit.checklist_version, status=AuditStatus.APPROVED
    )
    make(approved, owner=auditor)  # locked: cannot be updated any more, so not listed
    foreign = AuditFactory(team=other_team, checklist_version=audit.checklist_version)
    make(foreign, owner=auditor)  # a team the auditor is not in

    assert list(actions_open_for_user(auditor)) == [mine]
    assert list(actions_open_for_user(outsider)) == []


def test_actions_open_for_user_drops_teams_the_user_left(audit, auditor):
    make(audit, owner=auditor)
    auditor.memberships.all().delete()
    assert list(actions_open_for_user(auditor)) == []


def test_actions_open_for_anonymous_is_empty(db):
    assert list(actions_open_for_user(AnonymousUser())) == []
