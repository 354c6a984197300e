"""Starting jobs: a Celery worker, a background thread, or inline (tests), after the commit.

`settings.FAIRNESS_JOB_MODE` decides: "celery" when `CELERY_BROKER_URL` is set, "thread" otherwise
(the embedded default: no worker to run), "sync" in tests. Jobs start from `transaction.on_commit`,
so the worker sees the committed rows and no job runs inside the request's transaction or its row
locks. The one exception is a fairness run in sync mode, executed inline so tests see its outcome.
"""

import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from audits.jobs.worker import run_execute
from audits.models import Audit, FairnessRun, RunStatus
from audits.services.reaudits import reaudit_copy_answers
from audits.services.snapshots import snapshots_seal
from audits.tasks import copy_reaudit_answers, run_fairness, seal_snapshots

logger = logging.getLogger(__name__)

JOB_MODES = ("celery", "thread", "sync")
QUEUE_UNREACHABLE_MESSAGE = (
    "The job queue could not be reached, so the run did not start. The upload is kept; try again "
    "in a moment, or ask an administrator to check the Celery broker."
)


def job_mode() -> str:
    """The configured job mode, refused at once when it is not one of JOB_MODES."""
    mode = settings.FAIRNESS_JOB_MODE
    if mode not in JOB_MODES:
        raise ImproperlyConfigured(
            f"FAIRNESS_JOB_MODE is {mode!r}; expected one of {', '.join(JOB_MODES)}."
        )
    return mode


def run_enqueue(run: FairnessRun) -> None:
    """Start the run the way the settings say. Celery and thread jobs start once the row is committed."""
    mode = job_mode()
    if mode == "sync":
        run_execute(run_pk=run.pk)
    elif mode == "celery":
        # The task id is known before sending, so it is stored with the row in the same transaction.
        run.task_id = uuid.uuid4().hex
        run.save(update_fields=["task_id"])
        transaction.on_commit(lambda: _send_run_to_celery(run.pk, run.task_id))
    else:
        transaction.on_commit(lambda: _start_thread(_execute_run, run.pk, f"fairness-run-{run.pk}"))


def snapshots_seal_enqueue(*, audit_pk: int) -> None:
    """Seal the approved audit's PDF and JSON in a job once the approval is committed."""
    _after_commit(task=seal_snapshots, work=_seal, pk=audit_pk, name=f"seal-audit-{audit_pk}")


def reaudit_copy_enqueue(*, audit_pk: int) -> None:
    """Copy the re-audit's answers from its previous audit in a job once the audit is committed."""
    _after_commit(
        task=copy_reaudit_answers, work=_copy, pk=audit_pk, name=f"copy-answers-{audit_pk}"
    )


def _execute_run(run_pk: int) -> None:
    run_execute(run_pk=run_pk)


def _seal(audit_pk: int) -> None:
    snapshots_seal(audit=Audit(pk=audit_pk))


def _copy(audit_pk: int) -> None:
    reaudit_copy_answers(audit_pk=audit_pk)


def _after_commit(*, task: Any, work: Callable[[int], None], pk: int, name: str) -> None:
    mode = job_mode()
    if mode == "sync":
        transaction.on_commit(lambda: work(pk))
    elif mode == "celery":
        transaction.on_commit(lambda: _send_to_celery(task, work, pk))
    else:
        transaction.on_commit(lambda: _start_thread(work, pk, name))


def _send_to_celery(task: Any, work: Callable[[int], None], pk: int) -> None:
    try:
        task.apply_async(args=[pk])
    except Exception:
        # The approval or the re-audit is committed: do the work here rather than leave it undone
        # (slower for this one request; the sweep would otherwise catch it only minutes later).
        logger.exception(
            "Could not send %s(%s) to Celery; running it in this process", task.name, pk
        )
        work(pk)


def _send_run_to_celery(run_pk: int, task_id: str) -> None:
    try:
        run_fairness.apply_async(args=[run_pk], task_id=task_id)
    except Exception:
        # A broker that is down must not turn the form's POST into a 500, nor leave a run queued forever.
        logger.exception("Could not send fairness run %s to Celery", run_pk)
        FairnessRun.objects.filter(pk=run_pk, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED,
            error_code="queue_unreachable",
            error_message=QUEUE_UNREACHABLE_MESSAGE,
            finished_at=timezone.now(),
        )


def _start_thread(work: Callable[[int], None], pk: int, name: str) -> threading.Thread:
    thread = threading.Thread(target=_thread_main, args=(work, pk), name=name, daemon=True)
    thread.start()
    return thread


def _thread_main(work: Callable[[int], None], pk: int) -> None:
    try:
        work(pk)
    except Exception:
        logger.exception("Job %s(%s) crashed its thread", work.__name__, pk)
    finally:
        # This thread opened its own connection; close it so it is not leaked.
        connection.close()
