"""What a run records, the run page and its progress endpoint (the jobs are in tests/audits/jobs)."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audits.models import FairnessRun, RunStatus
from audits.reports.run.groupings import grouping_sections
from audits.views.datasets import run_progress_label
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)


def _progress(client, run):
    return client.get(reverse("audits:run_progress", args=[run.dataset.audit_id, run.pk])).json()


def test_a_run_keeps_who_when_mapping_hash_and_versions(make_run, owner, dataset):
    run = make_run()
    assert run.status == RunStatus.SUCCEEDED
    assert run.created_by == owner
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert run.duration_ms is not None
    assert run.progress == 1.0
    assert run.config["mapping"] == {
        "y_true": "label",
        "y_pred": "pred",
        "score": None,
        "pos_label": "1",
        "counts": None,
        "id": None,
        "sensitive": ["sex"],
    }
    assert run.config["options"]["four_fifths_threshold"] == 0.8
    assert run.result["schema"] == "fairness-report/1"
    assert run.result["input"]["sha256"] == dataset.sha256
    assert run.versions == run.result["versions"]
    assert {"fairlearn", "pandas", "numpy"} <= set(run.versions)
    assert run.passed is False  # the four-fifths screen fails for F


def test_run_page_shows_flags_first_then_table_and_charts(owner_client, make_run):
    run = make_run()
    body = owner_client.get(run.get_absolute_url()).content.decode()
    flag = body.index(
        "Selection-rate impact ratio 0.40 for F is below the 0.8 four-fifths screening threshold"
    )
    table = body.index("<caption")
    chart = body.index("<svg")
    assert flag < table < chart
    assert "a screening threshold, not a verdict" in body
    assert 'href="#method-note"' in body and 'id="method-note"' in body
    assert "Selection rate by sex" in body
    assert run.result["input"]["sha256"] in body
    assert '<td class="num bad" title="0.4">0.40 ⚑</td>' in body  # F's impact ratio, exact on hover
    assert "fairlearn" in body  # library versions
    # Heading levels in order for axe's heading-order: the grouping h2, its LL144 table h3.
    assert '<h2 class="h5">By sex' in body and "<h3>LL144 table" in body and "<h5>" not in body


def test_run_page_escapes_group_labels(owner_client, make_dataset, make_run):
    rows = "".join(f"<script>x</script>,{i % 2},1,0.9\n" for i in range(40))
    run = make_run(on=make_dataset(b"sex,label,pred,score\n" + rows.encode() + b"M,1,0,0.1\n" * 40))
    assert run.status == RunStatus.SUCCEEDED
    body = owner_client.get(run.get_absolute_url()).content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body


def test_run_page_links_each_flag_to_a_new_remediation_action(owner_client, make_run):
    run = make_run()
    body = owner_client.get(run.get_absolute_url()).content.decode()
    url = reverse("audits:action_create", args=[run.dataset.audit_id])
    query = urlencode(
        {"run": run.pk, "next": run.get_absolute_url(), "check": "four_fifths", "grouping": "sex"}
    )
    assert f'href="{escape(url + "?" + query)}"' in body
    flags = [f for s in grouping_sections(run.result, run.config, charts="none") for f in s.flags]
    assert body.count(">New action</a>") == len(flags)  # one per flag


def test_viewer_sees_the_flags_but_no_remediation_link(viewer_client, make_run):
    run = make_run()
    body = viewer_client.get(run.get_absolute_url()).content.decode()
    assert "Selection-rate impact ratio 0.40 for F is below the 0.8 four-fifths screening" in body
    assert "New action" not in body
    assert reverse("audits:action_create", args=[run.dataset.audit_id]) not in body


def test_failed_run_page_offers_fix_and_retry(owner_client, make_run):
    run = make_run(mapping={"sensitive": ["gender"]})
    body = owner_client.get(run.get_absolute_url()).content.decode()
    assert "Column &#x27;gender&#x27; (sensitive) is not in the file" in body
    assert "missing_column" in body
    fix = reverse("audits:dataset_map", args=[run.dataset.audit_id, run.dataset_id])
    assert f"{fix}?run={run.pk}" in body
    assert reverse("audits:run_retry", args=[run.dataset.audit_id, run.pk]) in body


def test_fix_the_mapping_starts_from_the_failed_runs_mapping(owner_client, make_run):
    run = make_run(mapping={"sensitive": ["gender"]}, options={"min_group_size": 7})
    url = reverse("audits:dataset_map", args=[run.dataset.audit_id, run.dataset_id])
    form = owner_client.get(url, {"run": run.pk}).context["form"]
    assert form.initial["sensitive"] == ["gender"]
    assert form.initial["min_group_size"] == 7


def test_viewer_sees_the_run_but_no_edit_buttons(viewer_client, make_run):
    run = make_run(mapping={"sensitive": ["gender"]})
    body = viewer_client.get(run.get_absolute_url()).content.decode()
    assert "Fix the mapping" not in body
    assert "Retry" not in body


# -- progress and dead workers --------------------------------------------------------------------


def _queued_run(dataset, owner, **fields):
    run = FairnessRun.objects.create(
        dataset=dataset,
        created_by=owner,
        config={"mapping": {}, "options": {}, "checks": []},
        **fields,
    )
    return run


def test_progress_endpoint_reports_a_running_run(owner_client, dataset, owner):
    run = _queued_run(
        dataset, owner, status=RunStatus.RUNNING, progress=0.42, heartbeat_at=timezone.now()
    )
    data = _progress(owner_client, run)
    assert data == {
        "status": "running",
        "progress": 0.42,
        "label": "Reading the file… 42%",
        "error": None,
        "done": False,
        "url": run.get_absolute_url(),
    }


def test_progress_endpoint_reports_a_failed_run_with_the_engines_message(owner_client, make_run):
    run = make_run(mapping={"sensitive": ["gender"]})
    data = _progress(owner_client, run)
    assert data["status"] == "failed"
    assert data["done"] is True
    assert data["error"] == run.error_message


def test_run_page_shows_a_progress_bar_while_running(owner_client, dataset, owner):
    run = _queued_run(
        dataset, owner, status=RunStatus.RUNNING, progress=0.42, heartbeat_at=timezone.now()
    )
    body = owner_client.get(run.get_absolute_url()).content.decode()
    assert (
        f'data-run-progress="{reverse("audits:run_progress", args=[dataset.audit_id, run.pk])}"'
        in body
    )
    assert "Reading the file… 42%" in body
    assert 'aria-valuenow="42"' in body
    assert "js/run_progress.js" in body
    assert "<script>" not in body.replace("<script src=", "")  # no inline script


def test_progress_label_says_what_the_run_is_doing(dataset, owner):
    run = _queued_run(dataset, owner)
    assert run_progress_label(run) == "Waiting for a worker to start the run…"
    run.status, run.progress = RunStatus.RUNNING, 0.5
    assert run_progress_label(run) == "Reading the file… 50%"
    run.progress = 0.95
    assert run_progress_label(run) == "Computing the metrics and their intervals…"


def test_owner_deletes_a_failed_run_and_keeps_the_upload(owner_client, make_run):
    run = make_run(mapping={"sensitive": ["gender"]})
    assert run.status == RunStatus.FAILED
    page = owner_client.get(run.get_absolute_url()).content.decode()
    delete = reverse("audits:run_delete", args=[run.dataset.audit_id, run.pk])
    assert delete in page
    response = owner_client.post(delete)
    assert response.status_code == 302 and response.url == run.dataset.audit.get_absolute_url()
    assert not FairnessRun.objects.filter(pk=run.pk).exists()
    assert run.dataset.__class__.objects.filter(pk=run.dataset_id).exists()


@pytest.mark.parametrize(("member", "status"), [("viewer", 403), ("outsider", 404)])
def test_deleting_a_run_needs_the_answer_role(request, make_run, member, status):
    run = make_run(mapping={"sensitive": ["gender"]})
    client = request.getfixturevalue(f"{member}_client")
    url = reverse("audits:run_delete", args=[run.dataset.audit_id, run.pk])
    assert client.post(url).status_code == status
    assert FairnessRun.objects.filter(pk=run.pk).exists()


def test_a_run_that_succeeded_is_never_deleted_and_is_marked_as_answering_the_gates(
    owner_client, make_run
):
    run = make_run()
    assert run.status == RunStatus.SUCCEEDED
    url = reverse("audits:run_delete", args=[run.dataset.audit_id, run.pk])
    response = owner_client.post(url, follow=True)
    assert "Only a failed run can be deleted" in response.content.decode()
    assert FairnessRun.objects.filter(pk=run.pk).exists()
    audit_page = owner_client.get(run.dataset.audit.get_absolute_url()).content.decode()
    assert "answers the gates" in audit_page
