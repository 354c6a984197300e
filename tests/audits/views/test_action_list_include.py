"""templates/audits/includes/action_list.html, as the audit and review pages include it."""

import datetime

from django.template.loader import render_to_string
from django.test import RequestFactory

from audits.models import ActionStatus, AuditStatus, RemediationAction
from audits.selectors.actions import actions_for_audit


def render(audit, user, *, can_manage=False) -> str:
    request = RequestFactory().get(f"/audits/{audit.pk}/")
    request.user = user
    context = {"audit": audit, "actions": actions_for_audit(audit), "can_manage": can_manage}
    return render_to_string("audits/includes/action_list.html", context, request=request)


def test_overdue_action_is_flagged_in_red_with_a_word(audit, auditor, today):
    RemediationAction.objects.create(
        audit=audit, description="Late", owner=auditor, due_date=today - datetime.timedelta(1)
    )
    html = render(audit, auditor)
    assert "overdue" in html
    assert "text-danger" in html
    assert "Open" in html


def test_done_action_is_not_overdue(audit, auditor, today):
    RemediationAction.objects.create(
        audit=audit,
        description="Finished",
        status=ActionStatus.DONE,
        due_date=today - datetime.timedelta(1),
    )
    html = render(audit, auditor)
    assert "overdue" not in html
    assert "Done" in html


def test_edit_links_only_for_managers_of_an_open_audit(audit, auditor, remediation):
    edit = f"/audits/{audit.pk}/actions/{remediation.pk}/edit/"
    assert edit not in render(audit, auditor)
    html = render(audit, auditor, can_manage=True)
    assert edit in html
    assert f"/audits/{audit.pk}/actions/new/" in html
    assert remediation.question.code in html
    audit.status = AuditStatus.APPROVED
    assert edit not in render(audit, auditor, can_manage=True)


def test_empty_state(audit, auditor):
    assert "No open remediation actions." in render(audit, auditor)
