"""A remediation action started from a run's flag: the form pre-filled with the finding."""

import hashlib

import pytest
from django.urls import reverse

from audits.models import RemediationAction
from audits.services.datasets import dataset_ingest, run_create
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import MAPPING, biased_csv, upload_file
from tests.factories import AuditFactory


def draft_url(audit, run_pk, check="four_fifths", grouping="sex", **extra) -> str:
    query = {"run": run_pk, "check": check, "grouping": grouping, **extra}
    return (
        reverse("audits:action_create", args=[audit.pk])
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def initial(response) -> dict:
    form = response.context["form"]
    return {name: form[name].value() for name in ("description", "question", "check_name")}


@pytest.fixture
def run(make_run):
    return make_run()


@pytest.mark.parametrize("client_name", ["owner_client", "auditor_client", "reviewer_client"])
def test_an_action_from_a_flag_starts_with_the_finding_the_gate_and_the_run(
    request, client_name, audit, run, gate_questions
):
    response = request.getfixturevalue(client_name).get(draft_url(audit, run.pk))
    assert response.status_code == 200
    values = initial(response)
    assert values["check_name"] == "Selection-rate impact ratio ≥ 0.8 on sex"
    assert values["question"] == gate_questions["FAIR-G1"].pk  # impact_ratio >= 0.8
    assert values["description"].startswith(
        "Selection-rate impact ratio by sex is 0.40 (95% interval "
    )
    assert (
        "below 0.8: F selected at 20% against 50% for M (the reference)." in values["description"]
    )
    assert values["description"].endswith(
        f"Found in fairness run #{run.pk}: http://testserver{run.get_absolute_url()}"
    )
    assert "Drafted from the run's finding" in response.text


def test_saving_the_draft_records_it_and_comes_back_to_the_run(
    auditor_client, audit, run, gate_questions
):
    response = auditor_client.get(draft_url(audit, run.pk, next=run.get_absolute_url()))
    values = initial(response)
    data = {**values, "next": run.get_absolute_url()}
    posted = auditor_client.post(draft_url(audit, run.pk), data)
    assert posted.status_code == 302 and posted.url == run.get_absolute_url()
    action = RemediationAction.objects.get()
    assert action.question == gate_questions["FAIR-G1"]
    assert action.check_name == "Selection-rate impact ratio ≥ 0.8 on sex"
    assert f"fairness run #{run.pk}" in action.description


def test_a_gate_check_repeating_the_screen_drafts_the_same_finding(auditor_client, audit, run):
    response = auditor_client.get(draft_url(audit, run.pk, check="impact_ratio >= 0.8"))
    assert initial(response)["check_name"] == "Selection-rate impact ratio ≥ 0.8 on sex"


def test_viewer_gets_403_and_outsider_404(viewer_client, outsider_client, audit, run):
    assert viewer_client.get(draft_url(audit, run.pk)).status_code == 403
    assert outsider_client.get(draft_url(audit, run.pk)).status_code == 404
    assert not RemediationAction.objects.exists()


def test_a_run_of_another_audit_is_ignored(auditor_client, audit, owner, checklist_version):
    other = AuditFactory(team=audit.team, checklist_version=checklist_version, created_by=owner)
    content = biased_csv()
    dataset = dataset_ingest(audit=other, user=owner, uploaded_file=upload_file(content),
                             sha256=hashlib.sha256(content).hexdigest())  # fmt: skip
    foreign = run_create(dataset=dataset, user=owner, mapping=MAPPING, options={})
    response = auditor_client.get(draft_url(audit, foreign.pk))
    assert response.status_code == 200
    assert initial(response) == {"description": None, "question": None, "check_name": ""}
    assert "Drafted from" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"check": "nonsense"},
        {"grouping": "race"},
        {"check": ""},
        {"class": "low"},
    ],
)
def test_a_check_the_run_does_not_have_leaves_the_form_empty(auditor_client, audit, run, query):
    response = auditor_client.get(draft_url(audit, run.pk, **query))
    assert response.status_code == 200
    assert initial(response) == {"description": None, "question": None, "check_name": ""}


@pytest.mark.parametrize("run_pk", ["abc", "999999", "-1", ""])
def test_a_bad_run_id_leaves_the_form_empty(auditor_client, audit, run_pk):
    response = auditor_client.get(draft_url(audit, run_pk))
    assert response.status_code == 200
    assert initial(response)["check_name"] == ""


def test_a_failed_run_drafts_nothing(auditor_client, audit, make_run):
    failed = make_run(mapping={"sensitive": ["gender"]})
    response = auditor_client.get(draft_url(audit, failed.pk))
    assert initial(response)["description"] is None


def test_a_decision_from_the_score_has_one_flag_and_one_new_action_per_finding(
    owner_client, audit, make_run
):
    """The scoring impact ratio is the selection one here (score 0.9 exactly when selected)."""
    run = make_run(mapping={"y_pred": None, "score": "score"})
    body = owner_client.get(run.get_absolute_url()).content.decode()
    assert body.count("Selection-rate impact ratio 0.40 for F is below") == 1
    assert "Scoring impact ratio 0.40" not in body
    assert (
        "the scoring impact ratio (score above the median) has the same value and interval" in body
    )
    assert "four_fifths" not in body.replace("check=four_fifths", "")
    assert body.count(">New action</a>") == 2  # the impact ratio, the demographic parity ratio
