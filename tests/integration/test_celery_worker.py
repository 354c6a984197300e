"""The scaled setup for real: uploads processed by a Celery worker over Redis, on PostgreSQL.

.ci/run runs this module with `-m celery_worker` against the local PostgreSQL and Redis. Each test
starts its own `celery worker` process on the test database (solo pool, so killing it kills the
run), watches the progress endpoint move, and stops the worker again.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from audits.models import Dataset, FairnessRun, RunStatus

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
MAPPING_POST = {
    "y_true": "label",
    "y_pred": "decision",
    "score": "",
    "threshold": "0.5",
    "sensitive": ["sex", "race"],
    "pos_label": "1",
    "pos_label_other": "",
    "reference_policy": "highest",
    "reference_group": "",
    "exclusion_share": "0.02",
    "four_fifths_threshold": "0.8",
    "min_group_size": "30",
    "disparity_method": "between_groups",
}


@pytest.fixture(autouse=True)
def _real_broker_and_postgres(settings):
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        pytest.fail(
            "These tests need PostgreSQL (DATABASE_URL) and a broker (CELERY_BROKER_URL), "
            "as .ci/run provides: a worker process cannot share an in-memory SQLite database."
        )
    settings.FAIRNESS_JOB_MODE = "celery"


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


class Worker:
    """A `celery worker` process on the test database; stopped cleanly (or killed) by the test."""

    def __init__(self, log_path: Path):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "FAIRNESS_JOB_MODE": "celery",
            "PRIVATE_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        self.log_path = log_path
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"The worker exited early:\n{self.log_path.read_text()}")
            if "ready." in self.log_path.read_text():
                return
            time.sleep(0.2)
        self.kill()
        pytest.fail(f"The worker did not start:\n{self.log_path.read_text()}")

    def stop(self) -> int:
        """Warm shutdown (SIGTERM): the worker finishes its task and exits."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.log.close()
        return code

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture
def big_csv(tmp_path_factory) -> bytes:
    """About 1.5M rows: large enough that a run takes a few seconds and reports progress."""
    rng = np.random.default_rng(7)
    n = 1_500_000
    sex = rng.choice(np.array(["F", "M"]), n)
    race = rng.choice(np.array(["A", "B", "C", "D"]), n)
    label = rng.integers(0, 2, n)
    decision = (rng.random(n) < np.where(sex == "F", 0.2, 0.4)).astype(int)
    body = "\n".join(
        f"{s},{r},{y},{d}" for s, r, y, d in zip(sex, race, label, decision, strict=True)
    )
    return ("sex,race,label,decision\n" + body + "\n").encode()


def _upload_and_start(client, audit, data: bytes) -> FairnessRun:
    upload = SimpleUploadedFile("predictions.csv", data, content_type="text/csv")
    response = client.post(reverse("audits:dataset_upload", args=[audit.pk]), {"file": upload})
    assert response.status_code == 302, response.content[:2000]
    dataset = Dataset.objects.get(audit=audit)
    response = client.post(reverse("audits:dataset_map", args=[audit.pk, dataset.pk]), MAPPING_POST)
    assert response.status_code == 302, response.content[:3000]
    return FairnessRun.objects.get(dataset=dataset)


def _poll(client, run, *, until, timeout=120.0) -> list[dict]:
    url = reverse("audits:run_progress", args=[run.dataset.audit_id, run.pk])
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(url).json()
        seen.append(state)
        if until(state):
            return seen
        time.sleep(0.1)
    pytest.fail(f"timed out; last states: {seen[-5:]}")


def test_worker_processes_the_upload_and_progress_moves(auditor_client, audit, big_csv, tmp_path):
    worker = Worker(tmp_path / "worker.log")
    try:
        run = _upload_and_start(auditor_client, audit, big_csv)
        states = _poll(auditor_client, run, until=lambda s: s["done"])
    finally:
        code = worker.stop()
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.task_id and run.result["input"]["rows"] == 1_500_000
    progress = [s["progress"] for s in states]
    assert progress == sorted(progress), progress  # it only moves forward
    assert any(0 < p < 1 for p in progress), states  # the bar moved while the worker ran
    assert {s["status"] for s in states} >= {"running", "succeeded"}
    assert f"Task audits.run_fairness[{run.task_id}] succeeded" in worker.log_path.read_text()
    assert code == 0  # a clean, warm shutdown


def test_run_of_a_dead_worker_is_failed_with_a_message_and_can_be_retried(
    auditor_client, audit, big_csv, tmp_path, settings
):
    settings.FAIRNESS_JOB_STALE_SECONDS = 3
    worker = Worker(tmp_path / "worker1.log")
    run = _upload_and_start(auditor_client, audit, big_csv)
    _poll(auditor_client, run, until=lambda s: s["status"] == "running" and s["progress"] > 0)
    worker.kill()  # the worker dies mid-run

    states = _poll(auditor_client, run, until=lambda s: s["done"], timeout=60)
    assert states[-1]["status"] == "failed"
    assert "worker stopped before finishing" in states[-1]["error"]
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # shown failed; polling wrote nothing

    worker = Worker(tmp_path / "worker2.log")
    try:
        response = auditor_client.post(reverse("audits:run_retry", args=[audit.pk, run.pk]))
        assert response.status_code == 302
        retry = FairnessRun.objects.exclude(pk=run.pk).get()
        _poll(auditor_client, retry, until=lambda s: s["done"])
    finally:
        assert worker.stop() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED  # the retry wrote the failure first
    assert "worker stopped before finishing" in run.error_message
    retry.refresh_from_db()
    assert retry.status == RunStatus.SUCCEEDED, retry.error_message
    assert retry.config == run.config
