"""Archiving and re-auditing through the API: owners only, the pages' services and their rules."""

import pytest
from django.urls import reverse

from audits.models import Answer, Audit, AuditStatus
from audits.services.answers import answer_save

from .conftest import error_code


def _archive(client, audit):
    return client.post(reverse("api:audit_archive", kwargs={"pk": audit.pk}), format="json")


def _reaudit(client, audit):
    return client.post(reverse("api:audit_reaudit", kwargs={"pk": audit.pk}), format="json")


def _approve(audit):
    Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.APPROVED)
    audit.refresh_from_db()


def test_the_owner_archives_an_audit_which_then_refuses_writes(api_owner, audit, owner_client):
    response = _archive(api_owner, audit)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "archived" and response.json()["editable"] is False
    question = audit.checklist_version.questions.order_by("pk").first()
    answer = reverse("api:answer_detail", kwargs={"pk": audit.pk, "question_pk": question.pk})
    response = api_owner.put(answer, {"value": "yes", "revision": 0}, format="json")
    assert response.status_code == 403 and error_code(response) == "audit_locked"
    # As on the pages: archived is archived, and archiving again says so.
    response = _archive(api_owner, audit)
    assert (
        response.status_code == 400 and "already archived" in response.json()["errors"][0]["detail"]
    )
    assert "Archived" in owner_client.get(audit.get_absolute_url()).content.decode()


def test_an_approved_audit_may_be_archived(api_owner, audit):
    _approve(audit)
    response = _archive(api_owner, audit)
    assert response.status_code == 200 and response.json()["status"] == "archived"


@pytest.mark.parametrize("who", ["api_auditor", "api_reviewer", "api_viewer"])
def test_only_the_owner_archives_or_reaudits(request, who, audit):
    _approve(audit)
    client = request.getfixturevalue(who)
    for response in (_archive(client, audit), _reaudit(client, audit)):
        assert response.status_code == 403 and error_code(response) == "permission_denied"
    audit.refresh_from_db()
    assert audit.status == AuditStatus.APPROVED and Audit.objects.count() == 1


def test_an_outsider_gets_404(api_outsider, audit):
    _approve(audit)
    for response in (_archive(api_outsider, audit), _reaudit(api_outsider, audit)):
        assert response.status_code == 404 and error_code(response) == "not_found"
    assert Audit.objects.count() == 1


def test_a_reaudit_copies_the_answers_and_is_the_answer(
    api_owner, audit, owner, django_capture_on_commit_callbacks
):
    question = audit.checklist_version.questions.get(code="FAIR-01")
    answer_save(audit=audit, user=owner, question=question, value="yes", seen_revision=0)
    _approve(audit)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _reaudit(api_owner, audit)
    assert response.status_code == 201, response.json()
    body = response.json()
    new_audit = Audit.objects.exclude(pk=audit.pk).get()
    assert body["id"] == new_audit.pk and body["previous_audit"] == audit.pk
    assert response["Location"].endswith(f"/api/v1/audits/{new_audit.pk}/")
    # Until the copying job has run, the new audit says so and refuses writes.
    assert body["copying_answers"] is True and body["editable"] is False
    detail = reverse("api:audit_detail", kwargs={"pk": new_audit.pk})
    response = api_owner.patch(detail, {"title": "Renamed"}, format="json")
    assert response.status_code == 403 and error_code(response) == "audit_locked"
    for callback in callbacks:  # the job, as it runs after the commit
        callback()
    body = api_owner.get(detail).json()
    assert body["copying_answers"] is False and body["editable"] is True
    answers = reverse("api:answer_list", kwargs={"pk": new_audit.pk})
    copied = {a["code"]: a["value"] for a in api_owner.get(answers).json()}
    assert copied["FAIR-01"] == "yes"
    assert Answer.objects.filter(audit=audit).count() == 1  # the approved audit is unchanged
    audit.refresh_from_db()
    assert audit.status == AuditStatus.APPROVED


def test_only_an_approved_audit_is_reaudited(api_owner, audit):
    response = _reaudit(api_owner, audit)
    assert response.status_code == 400
    assert "approved" in response.json()["errors"][0]["detail"]
    assert Audit.objects.count() == 1
