"""Remediation actions through the API: the action pages' rules, roles and locks, as JSON."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import ActionStatus, AuditStatus, RemediationAction
from tests.factories import AuditFactory, published_version

from .conftest import error_code


def _list(audit):
    return reverse("api:action_list", kwargs={"pk": audit.pk})


def _detail(audit, action_id):
    return reverse("api:action_detail", kwargs={"pk": audit.pk, "action_pk": action_id})


def _question(audit):
    return audit.checklist_version.questions.order_by("pk").first()


@pytest.mark.parametrize("who", ["api_owner", "api_auditor", "api_reviewer"])
def test_managers_create_an_action_for_a_question(request, who, audit, viewer):
    client = request.getfixturevalue(who)
    due = timezone.localdate() + timedelta(days=7)
    body = {
        "description": "  Collect consent records.  ",
        "question": _question(audit).pk,
        "owner": "viewer",
        "due_date": due.isoformat(),
    }
    response = client.post(_list(audit), body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["description"] == "Collect consent records."
    assert created["question_code"] == _question(audit).code and created["owner"] == "viewer"
    assert created["status"] == "open" and created["is_overdue"] is False
    assert response["Location"].endswith(_detail(audit, created["id"]))
    assert RemediationAction.objects.get().owner == viewer


def test_an_action_for_a_runs_failed_check_shows_on_the_audit_page(
    api_auditor, owner_client, audit
):
    body = {"description": "Rebalance the training data.", "check_name": "four_fifths on sex"}
    response = api_auditor.post(_list(audit), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["check_name"] == "four_fifths on sex"
    assert response.json()["question"] is None
    page = owner_client.get(audit.get_absolute_url()).content.decode()
    assert "Rebalance the training data." in page


def test_viewer_gets_403_and_outsider_404(api_viewer, api_outsider, audit):
    body = {"description": "Something."}
    response = api_viewer.post(_list(audit), body, format="json")
    assert response.status_code == 403 and error_code(response) == "permission_denied"
    response = api_outsider.post(_list(audit), body, format="json")
    assert response.status_code == 404 and error_code(response) == "not_found"
    assert api_outsider.get(_list(audit)).status_code == 404
    assert not RemediationAction.objects.exists()


def test_bad_input_is_400_on_its_field(api_auditor, audit, outsider, other_team):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    cases = [
        ({}, "description"),
        ({"description": ""}, "description"),
        ({"description": 3}, "description"),
        ({"description": "x", "owner": "outsider"}, "owner"),
        ({"description": "x", "owner": "nobody-of-that-name"}, "owner"),
        ({"description": "x", "due_date": yesterday}, "due_date"),
        ({"description": "x", "due_date": "soon"}, "due_date"),
        ({"description": "x", "question": 999999}, "question"),
        ({"description": "x", "check_name": "c" * 121}, "check_name"),
    ]
    for body, attr in cases:
        response = api_auditor.post(_list(audit), body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert response.json()["errors"][0]["attr"] == attr, (body, response.json())
    assert not RemediationAction.objects.exists()


def test_a_question_of_another_checklist_version_is_400(api_auditor, audit):
    other = published_version().questions.first()
    response = api_auditor.post(
        _list(audit), {"description": "x", "question": other.pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "question"


def test_update_and_close_an_action_then_list_it_after_the_open_ones(api_auditor, audit):
    first = api_auditor.post(_list(audit), {"description": "First."}, format="json").json()
    second = api_auditor.post(_list(audit), {"description": "Second."}, format="json").json()
    response = api_auditor.patch(
        _detail(audit, first["id"]), {"status": "done", "owner": "auditor"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "done" and response.json()["owner"] == "auditor"
    assert response.json()["description"] == "First."  # what is not sent is kept
    listed = api_auditor.get(_list(audit)).json()
    assert [a["id"] for a in listed] == [second["id"], first["id"]]
    response = api_auditor.patch(_detail(audit, first["id"]), {"status": "closed"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "status"


def test_an_overdue_action_may_still_be_closed(api_auditor, audit, owner):
    action = RemediationAction.objects.create(
        audit=audit, description="Late.", due_date=timezone.localdate() - timedelta(days=3)
    )
    detail = api_auditor.get(_detail(audit, action.pk)).json()
    assert detail["is_overdue"] is True
    response = api_auditor.patch(_detail(audit, action.pk), {"status": "done"}, format="json")
    assert response.status_code == 200 and response.json()["is_overdue"] is False


def test_an_action_of_another_audit_is_404(api_auditor, audit, team, owner, checklist_version):
    other = AuditFactory(team=team, checklist_version=checklist_version, created_by=owner)
    action = RemediationAction.objects.create(audit=other, description="Elsewhere.")
    response = api_auditor.patch(_detail(audit, action.pk), {"status": "done"}, format="json")
    assert response.status_code == 404


def test_a_reviewer_records_an_action_while_in_review_but_not_once_approved(api_reviewer, audit):
    audit.status = AuditStatus.IN_REVIEW
    audit.save()
    response = api_reviewer.post(_list(audit), {"description": "Fix FAIR-01."}, format="json")
    assert response.status_code == 201
    audit.status = AuditStatus.APPROVED
    audit.save()
    action_id = response.json()["id"]
    for response in (
        api_reviewer.post(_list(audit), {"description": "Too late."}, format="json"),
        api_reviewer.patch(_detail(audit, action_id), {"status": "done"}, format="json"),
    ):
        assert response.status_code == 403 and error_code(response) == "audit_locked"
    assert RemediationAction.objects.get().status == ActionStatus.OPEN
