"""Starting jobs (audits.jobs.enqueue) in each mode, always after the commit, and the Celery tasks."""

from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from audits.jobs import enqueue
from audits.models import Audit, AuditStatus, FairnessRun, ReportSnapshot, RunStatus
from audits.services.datasets import run_create
from audits.tasks import run_fairness, seal_snapshots

from .conftest import MAPPING


@pytest.fixture
def started_threads(monkeypatch) -> list:
    """Threads the enqueuer starts, recorded (they still run) so a test can join them."""
    threads, start = [], enqueue._start_thread
    monkeypatch.setattr(
        enqueue, "_start_thread", lambda work, pk, name: threads.append(start(work, pk, name))
    )
    return threads


def _approved(audit) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.APPROVED)
    audit.refresh_from_db()
    return audit


def test_sync_mode_executes_the_run_inside_the_request(make_run):
    assert make_run().status == RunStatus.SUCCEEDED


def test_celery_mode_sends_the_task_after_commit_with_its_id_stored(
    settings, make_run, django_capture_on_commit_callbacks
):
    settings.FAIRNESS_JOB_MODE = "celery"
    # No broker runs in this suite (tests/integration has a real one): the send is recorded.
    with (
        mock.patch.object(run_fairness, "apply_async") as send,
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
        mock.patch.object(run_fairness, "apply_async", side_effect=ConnectionError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = make_run()
    run.refresh_from_db()
    assert (run.status, run.error_code) == (RunStatus.FAILED, "queue_unreachable")


def test_the_celery_task_executes_the_run(make_run):
    run = make_run()
    FairnessRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
    assert run_fairness.name == "audits.run_fairness"
    run_fairness.apply(args=[run.pk])  # eagerly, in this process
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_thread_mode_starts_nothing_before_commit(
    settings, make_run, django_capture_on_commit_callbacks, started_threads
):
    settings.FAIRNESS_JOB_MODE = "thread"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = make_run()
    assert run.status == RunStatus.QUEUED
    assert started_threads == [] and len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_thread_mode_runs_the_job_in_the_background(settings, dataset, owner, started_threads):
    settings.FAIRNESS_JOB_MODE = "thread"
    run = run_create(dataset=dataset, user=owner, mapping=MAPPING, options={})
    assert len(started_threads) == 1 and started_threads[0].daemon
    started_threads[0].join(timeout=120)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_unknown_job_mode_is_a_configuration_error(settings, make_run):
    settings.FAIRNESS_JOB_MODE = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        make_run()
    assert FairnessRun.objects.count() == 0


def test_sealing_in_celery_mode_is_sent_after_commit(
    settings, audit, django_capture_on_commit_callbacks
):
    settings.FAIRNESS_JOB_MODE = "celery"
    with mock.patch.object(seal_snapshots, "apply_async") as send:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            enqueue.snapshots_seal_enqueue(audit_pk=_approved(audit).pk)
        send.assert_not_called()
        callbacks[0]()  # the commit
    send.assert_called_once_with(args=[audit.pk])


def test_sealing_with_the_broker_down_seals_in_this_process(
    settings, audit, django_capture_on_commit_callbacks
):
    settings.FAIRNESS_JOB_MODE = "celery"
    with (
        mock.patch.object(seal_snapshots, "apply_async", side_effect=ConnectionError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue.snapshots_seal_enqueue(audit_pk=_approved(audit).pk)
    assert ReportSnapshot.objects.filter(audit=audit).count() == 2


def test_the_celery_task_seals_and_a_second_seal_changes_nothing(audit):
    seal_snapshots.apply(args=[_approved(audit).pk])
    first = list(ReportSnapshot.objects.filter(audit=audit).values_list("pk", "sha256"))
    seal_snapshots.apply(args=[audit.pk])
    assert list(ReportSnapshot.objects.filter(audit=audit).values_list("pk", "sha256")) == first
    assert len(first) == 2


@pytest.mark.django_db(transaction=True)
def test_thread_mode_seals_in_the_background(settings, audit, started_threads):
    settings.FAIRNESS_JOB_MODE = "thread"
    enqueue.snapshots_seal_enqueue(audit_pk=_approved(audit).pk)  # autocommit: starts at once
    assert len(started_threads) == 1
    started_threads[0].join(timeout=120)
    assert ReportSnapshot.objects.filter(audit=audit).count() == 2
