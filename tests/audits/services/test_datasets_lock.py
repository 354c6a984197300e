"""An approved audit is locked: upload, mapping, run, retry and override are refused with 403 and
nothing is written; its runs stay readable.
"""

import pytest
from django.urls import reverse

from audits.jobs.worker import run_execute
from audits.models import Answer, AuditStatus, Dataset, Evidence, FairnessRun, RunStatus
from audits.services.common import AuditLocked
from audits.services.datasets import run_create
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import (
    MAPPING,
    biased_csv,
    mapping_post,
    post_upload,
    stored_files,
)


@pytest.fixture
def locked(approve, audit, make_run):
    """A run that succeeded and one that failed, then the audit is approved."""
    succeeded = make_run()
    failed = make_run(mapping={"sensitive": ["gender"]})
    approve(audit)
    return {"succeeded": succeeded, "failed": failed}


def _snapshot():
    return (
        Dataset.objects.count(),
        FairnessRun.objects.count(),
        list(Answer.objects.values_list("pk", "value", "revision", "override_justification")),
        Evidence.objects.count(),
    )


@pytest.mark.parametrize("client_name", ["owner_client", "auditor_client"])
def test_locked_audit_refuses_upload(request, locked, audit, media, client_name):
    client = request.getfixturevalue(client_name)
    before, files = _snapshot(), stored_files(media)
    assert client.get(reverse("audits:dataset_upload", args=[audit.pk])).status_code == 403
    assert post_upload(client, audit, biased_csv()).status_code == 403
    assert _snapshot() == before
    assert stored_files(media) == files


@pytest.mark.parametrize("client_name", ["owner_client", "auditor_client"])
def test_locked_audit_refuses_a_new_run(request, locked, audit, client_name):
    client = request.getfixturevalue(client_name)
    dataset = locked["succeeded"].dataset
    url = reverse("audits:dataset_map", args=[audit.pk, dataset.pk])
    before = _snapshot()
    assert client.get(url).status_code == 403
    assert client.post(url, mapping_post()).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("client_name", ["owner_client", "auditor_client"])
def test_locked_audit_refuses_retry(request, locked, audit, client_name):
    client = request.getfixturevalue(client_name)
    failed = locked["failed"]
    before = _snapshot()
    response = client.post(reverse("audits:run_retry", args=[audit.pk, failed.pk]))
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("client_name", ["owner_client", "auditor_client"])
def test_locked_audit_refuses_override(request, locked, audit, gate_questions, client_name):
    client = request.getfixturevalue(client_name)
    url = reverse("audits:gate_override", args=[audit.pk, gate_questions["FAIR-G1"].pk])
    before = _snapshot()
    assert client.get(url).status_code == 403
    response = client.post(url, {"value": "pass", "justification": "x" * 40})
    assert response.status_code == 403
    assert _snapshot() == before


def test_locked_audit_refuses_run_create_in_the_service(locked, owner):
    before = _snapshot()
    with pytest.raises(AuditLocked):
        run_create(dataset=locked["succeeded"].dataset, user=owner, mapping=MAPPING, options={})
    assert _snapshot() == before


def test_runs_of_a_locked_audit_stay_readable_without_edit_buttons(
    locked, viewer_client, owner_client
):
    for client in (viewer_client, owner_client):
        page = client.get(locked["failed"].get_absolute_url())
        assert page.status_code == 200
        assert "Fix the mapping" not in page.content.decode()
        assert client.get(locked["succeeded"].get_absolute_url()).status_code == 200


def test_a_run_that_finishes_after_approval_answers_no_gate(make_run, audit, approve):
    run = make_run()
    answers = list(Answer.objects.values_list("pk", "value", "revision", "run_id"))
    FairnessRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
    approve(audit)
    run_execute(run_pk=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert list(Answer.objects.values_list("pk", "value", "revision", "run_id")) == answers
    assert audit.status == AuditStatus.APPROVED
