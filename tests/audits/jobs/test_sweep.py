"""Dead workers: derived when reading (a GET never writes), written by the sweep or a retry."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.jobs.sweep import jobs_sweep, runs_fail_stale
from audits.models import Audit, AuditStatus, FairnessRun, ReportSnapshot, RunStatus
from audits.models.datasets import STALE_MESSAGE
from audits.tasks import sweep_jobs
from config.celery import app

from .conftest import queued_run

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def dead_run(dataset, owner, settings) -> FairnessRun:
    """A run whose worker stopped beating two minutes ago (stale after one)."""
    settings.FAIRNESS_JOB_STALE_SECONDS = 60
    old = timezone.now() - timedelta(seconds=120)
    return queued_run(dataset, owner, status=RunStatus.RUNNING, progress=0.3, heartbeat_at=old)


def _progress_url(run) -> str:
    return reverse("audits:run_progress", args=[run.dataset.audit_id, run.pk])


def test_progress_of_a_dead_run_says_the_worker_stopped_and_writes_nothing(owner_client, dead_run):
    with CaptureQueriesContext(connection) as queries:
        data = owner_client.get(_progress_url(dead_run)).json()
    assert (data["status"], data["done"], data["error"]) == ("failed", True, STALE_MESSAGE)
    assert _writes(queries) == []
    dead_run.refresh_from_db()
    assert dead_run.status == RunStatus.RUNNING  # only the sweep (or a retry) writes it


def test_run_page_of_a_dead_run_offers_retry_and_writes_nothing(owner_client, dead_run):
    with CaptureQueriesContext(connection) as queries:
        body = owner_client.get(dead_run.get_absolute_url()).content.decode()
    assert "Run it again" in body and "worker_stopped" in body
    assert reverse("audits:run_retry", args=[dead_run.dataset.audit_id, dead_run.pk]) in body
    assert _writes(queries) == []


def test_audit_page_shows_a_dead_run_failed_and_writes_nothing(owner_client, dead_run, audit):
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.get(audit.get_absolute_url())
    assert _writes(queries) == []
    shown = {run.pk: run for run in response.context["runs"]}
    assert shown[dead_run.pk].status == RunStatus.FAILED
    assert "The worker stopped before finishing" in response.content.decode()


def test_a_live_run_is_shown_running(owner_client, dataset, owner):
    run = queued_run(dataset, owner, status=RunStatus.RUNNING, heartbeat_at=timezone.now())
    assert owner_client.get(_progress_url(run)).json()["status"] == "running"


def test_retry_of_a_run_only_shown_as_failed_fails_it_then_retries(
    owner_client, dead_run, make_run
):
    FairnessRun.objects.filter(pk=dead_run.pk).update(config=make_run().config)
    url = reverse("audits:run_retry", args=[dead_run.dataset.audit_id, dead_run.pk])
    response = owner_client.post(url)
    assert response.status_code == 302
    dead_run.refresh_from_db()
    assert (dead_run.status, dead_run.error_code) == (RunStatus.FAILED, "worker_stopped")
    retry = FairnessRun.objects.latest("pk")
    assert response.url == retry.get_absolute_url()
    assert (retry.status, retry.config) == (RunStatus.SUCCEEDED, dead_run.config)


def test_a_live_run_cannot_be_retried(owner_client, dataset, owner):
    run = queued_run(dataset, owner, status=RunStatus.RUNNING, heartbeat_at=timezone.now())
    owner_client.post(reverse("audits:run_retry", args=[dataset.audit_id, run.pk]))
    assert FairnessRun.objects.count() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_a_queued_run_never_picked_up_goes_stale_and_a_live_one_does_not(dataset, owner, settings):
    settings.FAIRNESS_JOB_STALE_SECONDS = 60
    queued = queued_run(dataset, owner)
    FairnessRun.objects.filter(pk=queued.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    alive = queued_run(dataset, owner, status=RunStatus.RUNNING, heartbeat_at=timezone.now())
    assert runs_fail_stale() == 1
    queued.refresh_from_db()
    alive.refresh_from_db()
    assert queued.status == RunStatus.FAILED
    assert alive.status == RunStatus.RUNNING


def test_the_sweep_command_marks_dead_runs_failed(dead_run):
    out = StringIO()
    call_command("sweep_stale_runs", stdout=out)
    assert "1 stale run(s) marked failed" in out.getvalue()
    dead_run.refresh_from_db()
    assert (dead_run.status, dead_run.error_message) == (RunStatus.FAILED, STALE_MESSAGE)
    assert dead_run.finished_at is not None


def test_the_sweep_seals_an_approval_whose_job_was_lost(audit, settings):
    settings.FAIRNESS_JOB_STALE_SECONDS = 60
    approved_at = timezone.now() - timedelta(minutes=5)
    Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.APPROVED, approved_at=approved_at)
    assert jobs_sweep().audits_sealed == 1
    assert ReportSnapshot.objects.filter(audit=audit).count() == 2
    assert jobs_sweep().audits_sealed == 0  # sealed once


def test_the_sweep_leaves_a_fresh_approval_to_its_job(audit):
    Audit.objects.filter(pk=audit.pk).update(
        status=AuditStatus.APPROVED, approved_at=timezone.now()
    )
    assert jobs_sweep().audits_sealed == 0


def test_the_sweep_finishes_a_copy_whose_job_was_lost(audit, settings):
    settings.FAIRNESS_JOB_STALE_SECONDS = 60
    Audit.objects.filter(pk=audit.pk).update(
        copying_answers=True, created_at=timezone.now() - timedelta(minutes=5)
    )
    assert jobs_sweep().copies_finished == 1
    audit.refresh_from_db()
    assert audit.copying_answers is False


def test_the_beat_schedule_runs_the_sweep_task(dead_run):
    assert [entry["task"] for entry in app.conf.beat_schedule.values()] == [sweep_jobs.name]
    assert sweep_jobs.apply().get() == {"runs_failed": 1, "audits_sealed": 0, "copies_finished": 0}
    dead_run.refresh_from_db()
    assert dead_run.status == RunStatus.FAILED
