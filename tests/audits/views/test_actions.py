"""Remediation action pages: the role matrix and the database after each call."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audits.models import ActionStatus, AuditStatus, RemediationAction
from tests.factories import AuditFactory, published_version

MANAGERS = ["owner_client", "auditor_client", "reviewer_client"]


def create_url(audit, query: str = "") -> str:
    return reverse("audits:action_create", args=[audit.pk]) + query


def edit_url(action, audit=None) -> str:
    return reverse("audits:action_edit", args=[(audit or action.audit).pk, action.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def create_data(owner=None, due=None, **extra) -> dict:
    data = {"description": "Re-weight the training data", **extra}
    if owner is not None:
        data["owner"] = owner.pk
    if due is not None:
        data["due_date"] = due.isoformat()
    return data


# --- create ----------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", MANAGERS)
def test_managers_create_an_action(request, client_name, audit, auditor, question, today):
    client = request.getfixturevalue(client_name)
    assert client.get(create_url(audit)).status_code == 200
    data = create_data(owner=auditor, due=today, question=question.pk, check_name="four_fifths")
    response = client.post(create_url(audit), data)
    assert response.status_code == 302
    assert response.url == audit.get_absolute_url()
    action = RemediationAction.objects.get()
    assert (action.audit, action.owner, action.due_date) == (audit, auditor, today)
    assert (action.question, action.check_name) == (question, "four_fifths")
    assert action.status == ActionStatus.OPEN
    assert messages_of(response) == ["Remediation action created."]


def test_viewer_gets_403(viewer_client, audit):
    assert viewer_client.get(create_url(audit)).status_code == 403
    assert viewer_client.post(create_url(audit), create_data()).status_code == 403
    assert not RemediationAction.objects.exists()


def test_outsider_gets_404(outsider_client, audit):
    assert outsider_client.get(create_url(audit)).status_code == 404
    assert outsider_client.post(create_url(audit), create_data()).status_code == 404
    assert not RemediationAction.objects.exists()


def test_anonymous_is_sent_to_login(client, audit):
    response = client.post(create_url(audit), create_data())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not RemediationAction.objects.exists()


def test_question_and_check_are_prefilled(auditor_client, audit, question):
    response = auditor_client.get(create_url(audit, f"?question={question.pk}"))
    assert f'<option value="{question.pk}" selected>' in response.text
    response = auditor_client.get(create_url(audit, "?check=four_fifths%20on%20sex"))
    assert 'value="four_fifths on sex"' in response.text


def test_question_of_another_version_in_the_address_is_404(auditor_client, audit):
    foreign = published_version().questions.first()
    assert auditor_client.get(create_url(audit, f"?question={foreign.pk}")).status_code == 404


def test_owner_choices_are_the_team_members_only(auditor_client, audit, owner, outsider):
    response = auditor_client.get(create_url(audit))
    assert f'<option value="{owner.pk}">owner</option>' in response.text
    assert "outsider" not in response.text


def test_owner_outside_the_team_is_refused(auditor_client, audit, outsider):
    response = auditor_client.post(create_url(audit), create_data(owner=outsider))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert "Re-weight the training data" in response.text  # kept
    assert not RemediationAction.objects.exists()
    assert messages_of(response) == ["The action was not created: see what to fix below."]


def test_past_due_date_is_refused_next_to_the_field(auditor_client, audit, today):
    response = auditor_client.post(
        create_url(audit), create_data(due=today - datetime.timedelta(1))
    )
    assert response.status_code == 200
    assert "The due date cannot be in the past." in response.text
    assert "is-invalid" in response.text
    assert not RemediationAction.objects.exists()


def test_reviewer_records_an_action_while_in_review(reviewer_client, audit):
    audit.status = AuditStatus.IN_REVIEW
    audit.save()
    assert reviewer_client.post(create_url(audit), create_data()).status_code == 302
    assert RemediationAction.objects.count() == 1


@pytest.mark.parametrize("status", [AuditStatus.APPROVED, AuditStatus.ARCHIVED])
def test_locked_audit_refuses_create(owner_client, audit, status):
    audit.status = status
    audit.save()
    assert owner_client.get(create_url(audit)).status_code == 403
    assert owner_client.post(create_url(audit), create_data()).status_code == 403
    assert not RemediationAction.objects.exists()


def test_safe_next_is_followed_and_unsafe_ignored(auditor_client, audit):
    next_url = audit.get_absolute_url() + "?tab=review"
    response = auditor_client.post(create_url(audit), create_data(next=next_url))
    assert response.url == next_url
    response = auditor_client.post(create_url(audit), create_data(next="https://evil.example/"))
    assert response.url == audit.get_absolute_url()


# --- edit ------------------------------------------------------------------------------------


def edit_data(action, **changes) -> dict:
    data = {
        "description": action.description,
        "owner": action.owner_id or "",
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "status": action.status,
    }
    return {**data, **changes}


@pytest.mark.parametrize("client_name", MANAGERS)
def test_managers_edit_an_action(request, client_name, remediation, owner):
    client = request.getfixturevalue(client_name)
    response = client.get(edit_url(remediation))
    assert response.status_code == 200
    assert "Re-balance the training data" in response.text
    data = edit_data(remediation, status=ActionStatus.DONE, owner=owner.pk)
    response = client.post(edit_url(remediation), data)
    assert response.status_code == 302
    remediation.refresh_from_db()
    assert (remediation.status, remediation.owner) == (ActionStatus.DONE, owner)
    assert messages_of(response) == ["Remediation action saved."]


def test_viewer_gets_403_on_edit(viewer_client, remediation):
    assert viewer_client.get(edit_url(remediation)).status_code == 403
    data = edit_data(remediation, status=ActionStatus.DONE)
    assert viewer_client.post(edit_url(remediation), data).status_code == 403
    remediation.refresh_from_db()
    assert remediation.status == ActionStatus.OPEN


def test_outsider_gets_404_on_edit(outsider_client, remediation):
    assert outsider_client.get(edit_url(remediation)).status_code == 404
    data = edit_data(remediation, status=ActionStatus.DONE)
    assert outsider_client.post(edit_url(remediation), data).status_code == 404
    remediation.refresh_from_db()
    assert remediation.status == ActionStatus.OPEN


def test_anonymous_is_sent_to_login_on_edit(client, remediation):
    response = client.get(edit_url(remediation))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_action_of_another_audit_is_404(auditor_client, audit, remediation):
    other = AuditFactory(team=audit.team, checklist_version=audit.checklist_version)
    assert auditor_client.get(edit_url(remediation, audit=other)).status_code == 404


def test_locked_audit_refuses_edit(auditor_client, audit, remediation):
    audit.status = AuditStatus.APPROVED
    audit.save()
    assert auditor_client.get(edit_url(remediation)).status_code == 403
    data = edit_data(remediation, status=ActionStatus.DONE)
    response = auditor_client.post(edit_url(remediation), data)
    assert response.status_code == 403
    assert "approved and locked" in response.text
    remediation.refresh_from_db()
    assert remediation.status == ActionStatus.OPEN


def test_edit_keeps_an_owner_who_left_the_team(owner_client, remediation, auditor):
    auditor.memberships.all().delete()
    response = owner_client.get(edit_url(remediation))
    # Still shown as the owner, so saving the status does not silently drop them.
    assert f'<option value="{auditor.pk}" selected>' in response.text
    data = edit_data(remediation, status=ActionStatus.DONE)
    assert owner_client.post(edit_url(remediation), data).status_code == 302
    remediation.refresh_from_db()
    assert (remediation.owner, remediation.status) == (auditor, ActionStatus.DONE)


def test_edit_refuses_moving_the_due_date_into_the_past(auditor_client, remediation, today):
    past = (today - datetime.timedelta(1)).isoformat()
    response = auditor_client.post(edit_url(remediation), edit_data(remediation, due_date=past))
    assert response.status_code == 200
    assert "The due date cannot be in the past." in response.text
    remediation.refresh_from_db()
    assert remediation.due_date == today + datetime.timedelta(days=7)
