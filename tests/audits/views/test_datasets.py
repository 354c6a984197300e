"""The role matrix of every dataset and run view: who may do what, and the database after each call.

Owners and auditors may upload, map, run, retry and override; reviewers and viewers see runs only
(403 otherwise); outsiders get 404 everywhere; anonymous users are sent to the login page.
"""

import pytest
from django.urls import reverse

from audits.models import Answer, Dataset, FairnessRun, RunStatus
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import biased_csv, mapping_post, post_upload, stored_files
from tests.factories import AuditFactory

EDITORS = [("owner_client", 200), ("auditor_client", 200)]
LESSER = [("reviewer_client", 403), ("viewer_client", 403)]
OUTSIDER = [("outsider_client", 404)]
WRITE_MATRIX = EDITORS + LESSER + OUTSIDER
READ_MATRIX = [
    ("owner_client", 200),
    ("auditor_client", 200),
    ("reviewer_client", 200),
    ("viewer_client", 200),
    ("outsider_client", 404),
]


def _assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# -- upload --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("client_name", "status"), WRITE_MATRIX)
def test_upload_page_by_role(request, audit, client_name, status):
    client = request.getfixturevalue(client_name)
    response = client.get(reverse("audits:dataset_upload", args=[audit.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(("client_name", "status"), WRITE_MATRIX)
def test_upload_by_role(request, audit, media, client_name, status):
    client = request.getfixturevalue(client_name)
    response = post_upload(client, audit, biased_csv())
    if status == 200:
        dataset = Dataset.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("audits:dataset_map", args=[audit.pk, dataset.pk])
        assert dataset.audit == audit
        assert dataset.uploaded_by.username == client_name.removesuffix("_client")
        assert dataset.columns == ["sex", "label", "pred", "score"]
        assert stored_files(media) == [dataset.file.name]
    else:
        assert response.status_code == status
        assert Dataset.objects.count() == 0
        assert stored_files(media) == []


def test_upload_redirects_anonymous_to_login(client, audit, media):
    _assert_login_redirect(client.get(reverse("audits:dataset_upload", args=[audit.pk])))
    _assert_login_redirect(post_upload(client, audit, biased_csv()))
    assert Dataset.objects.count() == 0
    assert stored_files(media) == []


def test_upload_keeps_the_hash_size_and_name_and_stores_under_a_random_name(owner_client, audit):
    import hashlib

    content = biased_csv()
    post_upload(owner_client, audit, content, name="../../etc/my file.csv")
    dataset = Dataset.objects.get()
    assert dataset.sha256 == hashlib.sha256(content).hexdigest()
    assert dataset.size == len(content)
    assert dataset.original_name == "my file.csv"
    assert dataset.storage_token in dataset.file.name
    assert "my file" not in dataset.file.name
    with dataset.file.open("rb") as stored:
        assert stored.read() == content


def test_upload_checks_csrf(audit, owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = post_upload(client, audit, biased_csv())
    assert response.status_code == 403
    assert Dataset.objects.count() == 0


# -- mapping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("client_name", "status"), WRITE_MATRIX)
def test_mapping_page_by_role(request, dataset, client_name, status):
    client = request.getfixturevalue(client_name)
    response = client.get(reverse("audits:dataset_map", args=[dataset.audit_id, dataset.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert '<th scope="col">label</th>' in body  # the first rows as a table
        assert response.context["form"].initial["sensitive"] == ["sex"]


@pytest.mark.parametrize(("client_name", "status"), WRITE_MATRIX)
def test_mapping_post_by_role(request, dataset, client_name, status):
    client = request.getfixturevalue(client_name)
    url = reverse("audits:dataset_map", args=[dataset.audit_id, dataset.pk])
    response = client.post(url, mapping_post())
    if status == 200:
        run = FairnessRun.objects.get()
        assert response.status_code == 302
        assert response.url == run.get_absolute_url()
        assert run.created_by.username == client_name.removesuffix("_client")
        assert run.status == RunStatus.SUCCEEDED
    else:
        assert response.status_code == status
        assert FairnessRun.objects.count() == 0


def test_mapping_redirects_anonymous_to_login(client, dataset):
    url = reverse("audits:dataset_map", args=[dataset.audit_id, dataset.pk])
    _assert_login_redirect(client.get(url))
    _assert_login_redirect(client.post(url, mapping_post()))
    assert FairnessRun.objects.count() == 0


def test_dataset_of_another_audit_is_404(owner_client, dataset, team):
    other = AuditFactory(team=team, checklist_version=dataset.audit.checklist_version)
    url = reverse("audits:dataset_map", args=[other.pk, dataset.pk])
    assert owner_client.get(url).status_code == 404
    assert owner_client.post(url, mapping_post()).status_code == 404
    assert FairnessRun.objects.count() == 0


# -- run page and progress ------------------------------------------------------------------------


@pytest.mark.parametrize(("client_name", "status"), READ_MATRIX)
def test_run_page_by_role(request, make_run, client_name, status):
    run = make_run()
    client = request.getfixturevalue(client_name)
    response = client.get(run.get_absolute_url())
    assert response.status_code == status
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED  # looking changes nothing


@pytest.mark.parametrize(("client_name", "status"), READ_MATRIX)
def test_progress_endpoint_by_role(request, make_run, client_name, status):
    run = make_run()
    client = request.getfixturevalue(client_name)
    response = client.get(reverse("audits:run_progress", args=[run.dataset.audit_id, run.pk]))
    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "succeeded"


def test_run_pages_redirect_anonymous_to_login(client, make_run):
    run = make_run()
    _assert_login_redirect(client.get(run.get_absolute_url()))
    _assert_login_redirect(
        client.get(reverse("audits:run_progress", args=[run.dataset.audit_id, run.pk]))
    )


def test_run_of_another_audit_is_404(owner_client, make_run, team):
    run = make_run()
    other = AuditFactory(team=team, checklist_version=run.dataset.audit.checklist_version)
    assert (
        owner_client.get(reverse("audits:run_detail", args=[other.pk, run.pk])).status_code == 404
    )
    assert (
        owner_client.get(reverse("audits:run_progress", args=[other.pk, run.pk])).status_code == 404
    )


# -- retry -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("client_name", "status"), WRITE_MATRIX)
def test_retry_by_role(request, make_run, client_name, status):
    failed = make_run(mapping={"sensitive": ["gender"]})
    client = request.getfixturevalue(client_name)
    response = client.post(reverse("audits:run_retry", args=[failed.dataset.audit_id, failed.pk]))
    if status == 200:
        retried = FairnessRun.objects.exclude(pk=failed.pk).get()
        assert response.status_code == 302
        assert response.url == retried.get_absolute_url()
        assert retried.config == failed.config
        assert retried.dataset_id == failed.dataset_id
    else:
        assert response.status_code == status
        assert FairnessRun.objects.count() == 1


def test_retry_redirects_anonymous_to_login(client, make_run):
    failed = make_run(mapping={"sensitive": ["gender"]})
    _assert_login_redirect(
        client.post(reverse("audits:run_retry", args=[failed.dataset.audit_id, failed.pk]))
    )
    assert FairnessRun.objects.count() == 1


def test_retry_needs_post(owner_client, make_run):
    failed = make_run(mapping={"sensitive": ["gender"]})
    url = reverse("audits:run_retry", args=[failed.dataset.audit_id, failed.pk])
    assert owner_client.get(url).status_code == 405
    assert FairnessRun.objects.count() == 1


def test_retry_of_a_succeeded_run_is_refused_with_a_message(owner_client, make_run):
    run = make_run()
    response = owner_client.post(
        reverse("audits:run_retry", args=[run.dataset.audit_id, run.pk]), follow=True
    )
    assert "Only a failed run can be retried." in response.content.decode()
    assert FairnessRun.objects.count() == 1


# -- gate override -------------------------------------------------------------------------------


@pytest.mark.parametrize(("client_name", "status"), WRITE_MATRIX)
def test_override_page_by_role(request, audit, gate_questions, client_name, status):
    client = request.getfixturevalue(client_name)
    url = reverse("audits:gate_override", args=[audit.pk, gate_questions["FAIR-G1"].pk])
    assert client.get(url).status_code == status


@pytest.mark.parametrize(("client_name", "status"), WRITE_MATRIX)
def test_override_by_role(request, audit, gate_questions, client_name, status):
    client = request.getfixturevalue(client_name)
    question = gate_questions["FAIR-G1"]
    url = reverse("audits:gate_override", args=[audit.pk, question.pk])
    justification = "The protected group is over-represented in the test split by design."
    response = client.post(url, {"value": "pass", "justification": justification})
    if status == 200:
        assert response.status_code == 302
        answer = Answer.objects.get(audit=audit, question=question)
        assert (answer.value, answer.override_justification) == ("pass", justification)
    else:
        assert response.status_code == status
        assert Answer.objects.count() == 0


def test_override_redirects_anonymous_to_login(client, audit, gate_questions):
    url = reverse("audits:gate_override", args=[audit.pk, gate_questions["FAIR-G1"].pk])
    _assert_login_redirect(client.get(url))
    _assert_login_redirect(client.post(url, {"value": "pass", "justification": "x" * 40}))
    assert Answer.objects.count() == 0


def test_override_of_a_question_that_is_not_a_gate_is_404(owner_client, audit, checklist_version):
    question = checklist_version.questions.get(code="FAIR-01")
    url = reverse("audits:gate_override", args=[audit.pk, question.pk])
    assert owner_client.get(url).status_code == 404
    assert owner_client.post(url, {"value": "pass", "justification": "x" * 40}).status_code == 404
    assert Answer.objects.count() == 0
