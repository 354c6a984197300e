"""Executing a run (audits.jobs.worker): claiming it, its progress and heartbeat, its failures."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.jobs import worker
from audits.jobs.worker import run_execute
from audits.models import FairnessRun, RunStatus

from .conftest import queued_run


def _run_updates(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("UPDATE") and "audits_fairnessrun" in q["sql"]
    ]


def test_run_execute_takes_the_run_by_keyword_only(make_run):
    run = make_run()
    with pytest.raises(TypeError):
        run_execute(run.pk)


def test_a_stale_running_run_can_be_picked_up_again(dataset, owner, settings, make_run):
    settings.FAIRNESS_JOB_STALE_SECONDS = 60
    template = make_run()
    run = queued_run(
        dataset,
        owner,
        status=RunStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(seconds=120),
    )
    FairnessRun.objects.filter(pk=run.pk).update(config=template.config)
    run_execute(run_pk=run.pk)  # e.g. Celery redelivers the task of a worker that died (acks_late)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_a_live_running_run_is_not_claimed_twice(dataset, owner, make_run):
    template = make_run()
    run = queued_run(dataset, owner, status=RunStatus.RUNNING, heartbeat_at=timezone.now())
    FairnessRun.objects.filter(pk=run.pk).update(config=template.config)
    run_execute(run_pk=run.pk)
    run.refresh_from_db()
    assert (run.status, run.result) == (RunStatus.RUNNING, None)


def test_a_finished_run_is_not_executed_again(make_run):
    run = make_run()
    with CaptureQueriesContext(connection) as queries:
        run_execute(run_pk=run.pk)
    stored = FairnessRun.objects.get(pk=run.pk)
    assert (stored.finished_at, stored.duration_ms) == (run.finished_at, run.duration_ms)
    assert len(queries) == 1  # the claim, which matched no row


def test_progress_is_written_while_the_file_is_read(make_run, monkeypatch):
    seen = []
    real_assess = worker.assess

    def observing_assess(source, mapping, *, progress, **kwargs):
        def observe(done, total):
            progress(done, total)
            seen.append(FairnessRun.objects.values_list("status", "progress").latest("pk"))

        return real_assess(source, mapping, progress=observe, **kwargs)

    monkeypatch.setattr(worker, "PROGRESS_INTERVAL_SECONDS", 0)
    monkeypatch.setattr(worker, "assess", observing_assess)
    run = make_run()
    assert run.status == RunStatus.SUCCEEDED
    assert seen and all(status == RunStatus.RUNNING for status, _ in seen)
    assert seen[-1][1] == 0.95  # the whole file is read; 100% once the result is stored
    assert run.progress == 1.0


def test_progress_of_a_file_read_in_many_blocks_is_written_once_per_interval(dataset, owner):
    run = queued_run(dataset, owner, status=RunStatus.RUNNING)
    writer = worker._ProgressWriter(run.pk)
    with CaptureQueriesContext(connection) as queries:
        for done in range(100):  # 100 blocks read within one interval
            writer(done, 100)
    assert len(_run_updates(queries)) == 1
    with CaptureQueriesContext(connection) as queries:
        writer(100, 100)  # the end of the file is always written
    assert len(_run_updates(queries)) == 1
    run.refresh_from_db()
    assert run.progress == 0.95


@pytest.mark.django_db(transaction=True)
def test_heartbeat_keeps_a_long_computation_alive(dataset, owner, settings):
    settings.FAIRNESS_JOB_STALE_SECONDS = 4  # a beat every second
    old = timezone.now() - timedelta(seconds=3)
    run = queued_run(dataset, owner, status=RunStatus.RUNNING, heartbeat_at=old)
    with worker._Heartbeat(run.pk):
        time.sleep(1.5)
    run.refresh_from_db()
    assert run.heartbeat_at > old + timedelta(seconds=2)


def test_an_unexpected_error_fails_the_run_with_a_generic_message(make_run, monkeypatch, caplog):
    def crash(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(worker, "assess", crash)
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
