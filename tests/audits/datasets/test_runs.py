"""Executing runs: what a run records, its progress, dead workers, the job modes and the run page."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from audits import jobs
from audits.models import FairnessRun, RunStatus
from audits.services import datasets as services
from audits.services.datasets import run_execute, runs_fail_stale


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
    flag = body.index("Impact ratio 0.40 for F is below the 0.8 four-fifths screening threshold")
    table = body.index("<caption")
    chart = body.index("<svg")
    assert flag < table < chart
    assert "a screening threshold, not a verdict" in body
    assert 'href="#method-note"' in body and 'id="method-note"' in body
    assert "Selection rate by sex" in body
    assert run.result["input"]["sha256"] in body
    assert '<td class="num bad" title="0.4">0.40 ⚑</td>' in body  # F's impact ratio, exact on hover
    assert "fairlearn" in body  # library versions


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
    assert f'href="{url}?check=four_fifths+on+sex">Create remediation action</a>' in body


def test_viewer_sees_the_flags_but_no_remediation_link(viewer_client, make_run):
    run = make_run()
    body = viewer_client.get(run.get_absolute_url()).content.decode()
    assert "Impact ratio 0.40 for F is below the 0.8 four-fifths screening threshold" in body
    assert "Create remediation action" not in body
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


def test_a_run_with_a_dead_worker_is_failed_when_someone_looks(
    owner_client, dataset, owner, settings
):
    settings.FAIRNESS_JOB_STALE_SECONDS = 60
    old = timezone.now() - timedelta(seconds=61)
    running = _queued_run(dataset, owner, status=RunStatus.RUNNING, heartbeat_at=old)
    data = _progress(owner_client, running)
    assert (data["status"], data["done"]) == ("failed", True)
    assert data["error"] == services.STALE_MESSAGE
    running.refresh_from_db()
    assert running.error_code == "worker_stopped"
    assert "Run it again" in owner_client.get(running.get_absolute_url()).content.decode()


def test_a_queued_run_never_picked_up_goes_stale_and_a_live_one_does_not(dataset, owner, settings):
    settings.FAIRNESS_JOB_STALE_SECONDS = 60
    queued = _queued_run(dataset, owner)
    FairnessRun.objects.filter(pk=queued.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    alive = _queued_run(dataset, owner, status=RunStatus.RUNNING, heartbeat_at=timezone.now())
    assert runs_fail_stale() == 1
    queued.refresh_from_db()
    alive.refresh_from_db()
    assert queued.status == RunStatus.FAILED
    assert alive.status == RunStatus.RUNNING


def test_a_stale_running_run_can_be_picked_up_again(dataset, owner, settings, make_run):
    settings.FAIRNESS_JOB_STALE_SECONDS = 60
    template = make_run()
    run = _queued_run(
        dataset,
        owner,
        status=RunStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(seconds=120),
    )
    FairnessRun.objects.filter(pk=run.pk).update(config=template.config)
    run_execute(run.pk)  # e.g. Celery redelivers the task of a worker that died (acks_late)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_a_finished_run_is_not_executed_again(make_run):
    run = make_run()
    finished_at = run.finished_at
    with mock.patch.object(services, "assess") as assess:
        run_execute(run.pk)
    assess.assert_not_called()
    run.refresh_from_db()
    assert run.finished_at == finished_at


def test_progress_is_written_while_the_file_is_read(make_run, monkeypatch):
    seen = []
    real_assess = services.assess

    def spying_assess(source, mapping, *, progress, **kwargs):
        def spy(done, total):
            progress(done, total)
            seen.append(FairnessRun.objects.values_list("status", "progress").latest("pk"))

        monkeypatch.setattr(services, "PROGRESS_INTERVAL_SECONDS", 0)
        return real_assess(source, mapping, progress=spy, **kwargs)

    monkeypatch.setattr(services, "assess", spying_assess)
    run = make_run()
    assert run.status == RunStatus.SUCCEEDED
    assert seen and all(status == RunStatus.RUNNING for status, _ in seen)
    assert seen[-1][1] == 0.95  # the whole file is read; 100% once the result is stored
    assert run.progress == 1.0


def test_progress_writes_are_throttled(dataset, owner):
    run = _queued_run(dataset, owner, status=RunStatus.RUNNING)
    writer = services._ProgressWriter(run.pk)
    with mock.patch.object(FairnessRun.objects, "filter", wraps=FairnessRun.objects.filter) as spy:
        for done in range(100):
            writer(done, 100)
        assert spy.call_count == 1
        writer(100, 100)  # the end of the file is always written
    assert spy.call_count == 2
    run.refresh_from_db()
    assert run.progress == 0.95


def test_progress_label_says_what_the_run_is_doing(dataset, owner):
    from audits.views.datasets import run_progress_label

    run = _queued_run(dataset, owner)
    assert run_progress_label(run) == "Waiting for a worker to start the run…"
    run.status, run.progress = RunStatus.RUNNING, 0.5
    assert run_progress_label(run) == "Reading the file… 50%"
    run.progress = 0.95
    assert run_progress_label(run) == "Computing the metrics and their intervals…"


@pytest.mark.django_db(transaction=True)
def test_heartbeat_keeps_a_long_computation_alive(dataset, owner, settings):
    import time

    settings.FAIRNESS_JOB_STALE_SECONDS = 4  # a beat every second
    old = timezone.now() - timedelta(seconds=3)
    run = _queued_run(dataset, owner, status=RunStatus.RUNNING, heartbeat_at=old)
    with services._Heartbeat(run.pk):
        time.sleep(1.5)
    run.refresh_from_db()
    assert run.heartbeat_at > old + timedelta(seconds=2)


def test_an_unexpected_error_fails_the_run_with_a_generic_message(make_run, monkeypatch, caplog):
    def crash(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(services, "assess", crash)
    run = make_run()
    assert run.status == RunStatus.FAILED
    assert run.error_code == "unexpected"
    assert (
        run.error_message == "The run failed unexpectedly: KeyError. The upload is kept; try again."
    )
    assert "Fairness run" in caplog.text


def test_a_missing_stored_file_fails_the_run_clearly(make_run, dataset):
    dataset.file.delete(save=False)
    run = make_run()
    assert (run.status, run.error_code) == (RunStatus.FAILED, "file_missing")


# -- job modes -----------------------------------------------------------------------------------


def test_celery_mode_sends_the_task_after_commit_with_its_id_stored(
    settings, make_run, django_capture_on_commit_callbacks
):
    settings.FAIRNESS_JOB_MODE = "celery"
    with (
        mock.patch("audits.tasks.run_fairness.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        run = make_run()
    assert len(callbacks) == 1
    assert run.status == RunStatus.QUEUED
    assert run.task_id
    send.assert_called_once_with(args=[run.pk], task_id=run.task_id)


def test_celery_mode_with_the_broker_down_fails_the_run_instead_of_a_500(
    settings, make_run, django_capture_on_commit_callbacks
):
    settings.FAIRNESS_JOB_MODE = "celery"
    with (
        mock.patch("audits.tasks.run_fairness.apply_async", side_effect=ConnectionError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = make_run()
    run.refresh_from_db()
    assert (run.status, run.error_code) == (RunStatus.FAILED, "queue_unreachable")


def test_the_celery_task_executes_the_run(make_run):
    from audits.tasks import run_fairness

    run = make_run()
    FairnessRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
    assert run_fairness.name == "audits.run_fairness"
    run_fairness.apply(args=[run.pk])  # eagerly, in this process
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_thread_mode_starts_a_thread_after_commit(
    settings, make_run, django_capture_on_commit_callbacks
):
    settings.FAIRNESS_JOB_MODE = "thread"
    with (
        mock.patch.object(jobs, "_start_thread") as start,
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = make_run()
    start.assert_called_once_with(run.pk)
    assert run.status == RunStatus.QUEUED


@pytest.mark.django_db(transaction=True)
def test_thread_mode_runs_the_job_in_the_background(settings, dataset, owner, monkeypatch):
    from audits.services.datasets import run_create

    from .conftest import MAPPING

    settings.FAIRNESS_JOB_MODE = "thread"
    threads, start = [], jobs._start_thread
    monkeypatch.setattr(jobs, "_start_thread", lambda pk: threads.append(start(pk)))
    run = run_create(dataset=dataset, user=owner, mapping=MAPPING, options={})
    assert len(threads) == 1 and threads[0].daemon
    threads[0].join(timeout=120)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_unknown_job_mode_is_a_configuration_error(settings, make_run):
    from django.core.exceptions import ImproperlyConfigured

    settings.FAIRNESS_JOB_MODE = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        make_run()
    assert FairnessRun.objects.count() == 0
