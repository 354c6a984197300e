"""Gates per task in the pages (issue 13 item 7): the mapping page lists the chosen task's gates,
the principle page says which task's run a gate waits for, a run page lists its task's gates."""

import re

import pytest
from django.urls import reverse

from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import gated_version
from tests.audits.task_gate_data import TASK_FILES, TASK_GATES, run_task_file

EDITORS = [("owner_client", 200), ("auditor_client", 200)]
LESSER = [("reviewer_client", 403), ("viewer_client", 403)]
OUTSIDER = [("outsider_client", 404)]
READERS = [("owner_client", 200), ("viewer_client", 200)]


@pytest.fixture
def checklist_version(db):
    return gated_version(TASK_GATES)


def _gate_block(body: str, task: str) -> str:
    """The mapping page's list of the gates of one task (shown while that task is chosen)."""
    match = re.search(
        rf'<div data-tasks="{task}" data-gate-checks="{task}">(.*?)</div>', body, re.S
    )
    assert match, f"no gate list for {task}"
    return match.group(1)


def _choose_task(client, dataset, task: str):
    """The mapping page after "Choose task" (what the page shows without JavaScript)."""
    url = reverse("audits:dataset_map", args=[dataset.audit_id, dataset.pk])
    return client.post(url, {"task": task, "choose_task": "1"})


@pytest.mark.parametrize(("client_name", "status"), EDITORS + LESSER + OUTSIDER)
def test_a_regression_mapping_shows_the_regression_gates(
    request, make_dataset, client_name, status
):
    dataset = make_dataset(TASK_FILES["regression"](), "regression.csv")
    response = _choose_task(request.getfixturevalue(client_name), dataset, "regression")
    assert response.status_code == status
    if status != 200:
        return
    body = response.content.decode()
    assert 'data-task="regression"' in body  # the form shows the regression fieldsets
    regression = _gate_block(body, "regression")
    assert "Mean absolute error ratio ≥ 0.8</span> on every grouping" in regression
    assert "answers FAIR-R1" in regression
    assert "FAIR-R1" not in _gate_block(body, "binary")
    assert "FAIR-G1" in _gate_block(body, "binary") and "FAIR-G1" not in regression


def test_a_multiclass_mapping_shows_the_class_gate_with_its_class(owner_client, make_dataset):
    dataset = make_dataset(TASK_FILES["multiclass"](), "multiclass.csv")
    body = _choose_task(owner_client, dataset, "multiclass").content.decode()
    assert 'data-task="multiclass"' in body
    multiclass = _gate_block(body, "multiclass")
    assert "(demographic parity) for class “B” ≥ 0.8</span> on every grouping" in multiclass
    assert "answers FAIR-M1" in multiclass


def test_a_task_without_gates_says_so(owner_client, audit, make_dataset):
    audit.checklist_version = gated_version({"FAIR-G1": TASK_GATES["FAIR-G1"]})
    audit.save()
    dataset = make_dataset(TASK_FILES["regression"](), "regression.csv")
    body = _choose_task(owner_client, dataset, "regression").content.decode()
    assert "This checklist has no regression gate." in _gate_block(body, "regression")
    assert "answers FAIR-G1" in _gate_block(body, "binary")


def _principle_page(client, audit) -> str:
    response = client.get(reverse("audits:principle", args=[audit.pk, "fairness"]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("client_name", "status"), READERS + OUTSIDER)
def test_with_only_binary_runs_the_other_gates_wait_for_their_task(
    request, make_dataset, audit, owner, client_name, status
):
    run_task_file(make_dataset, owner, task="binary")
    client = request.getfixturevalue(client_name)
    response = client.get(reverse("audits:principle", args=[audit.pk, "fairness"]))
    assert response.status_code == status
    if status != 200:
        return
    body = response.content.decode()
    assert "Waiting for a regression run" in body
    assert "Waiting for a multiclass run" in body
    assert "Waiting for a binary run" not in body  # answered by the binary run


def test_the_waiting_text_goes_once_a_run_of_that_task_exists(
    owner_client, make_dataset, audit, owner
):
    run_task_file(make_dataset, owner, task="binary")
    assert "Waiting for a regression run" in _principle_page(owner_client, audit)
    run_task_file(make_dataset, owner, task="regression")
    body = _principle_page(owner_client, audit)
    assert "Waiting for a regression run" not in body
    assert "mean absolute error ratio ≥ 0.8 on every grouping (regression runs) — passes" in body
    assert "Waiting for a multiclass run" in body


def test_an_audit_without_runs_waits_for_each_task(owner_client, audit):
    body = _principle_page(owner_client, audit)
    for task in ("binary", "regression", "multiclass"):
        assert f'data-gate-waiting="{task}">Waiting for a {task} run' in body


def test_a_lesser_role_cannot_post_on_the_principle_page(viewer_client, audit):
    url = reverse("audits:principle", args=[audit.pk, "fairness"])
    assert viewer_client.post(url, {}).status_code == 403


@pytest.mark.parametrize(("client_name", "status"), READERS + OUTSIDER)
def test_a_run_page_lists_the_gates_of_its_task(request, make_dataset, owner, client_name, status):
    binary = run_task_file(make_dataset, owner, task="binary")
    regression = run_task_file(make_dataset, owner, task="regression")
    client = request.getfixturevalue(client_name)
    response = client.get(regression.get_absolute_url())
    assert response.status_code == status
    if status != 200:
        return
    gates = response.context["gate_answers"]
    assert [q.code for q, _ in gates] == ["FAIR-R1"]
    body = client.get(binary.get_absolute_url()).content.decode()
    assert "<strong>FAIR-G1</strong>" in body and "<strong>FAIR-R1</strong>" not in body
