"""Where a fairness run executes: a Celery worker, a background thread, or inline (tests).

`settings.FAIRNESS_JOB_MODE` decides: "celery" when `CELERY_BROKER_URL` is set, "thread" otherwise
(the embedded default: no worker to run), "sync" in tests. Whatever the mode, the work itself is
`audits.services.datasets.run_execute(run_pk)`, which records every outcome on the run's row.
"""

import logging
import threading
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from audits.models import FairnessRun, RunStatus

logger = logging.getLogger(__name__)

JOB_MODES = ("celery", "thread", "sync")
QUEUE_UNREACHABLE_MESSAGE = (
    "The job queue could not be reached, so the run did not start. The upload is kept; try again "
    "in a moment, or ask an administrator to check the Celery broker."
)


def run_enqueue(run: FairnessRun) -> None:
    """Start the run the way the settings say. Celery and thread jobs start once the row is committed."""
    mode = settings.FAIRNESS_JOB_MODE
    if mode not in JOB_MODES:
        raise ImproperlyConfigured(
            f"FAIRNESS_JOB_MODE is {mode!r}; expected one of {', '.join(JOB_MODES)}."
        )
    if mode == "sync":
        _execute(run.pk)
    elif mode == "celery":
        # The task id is known before sending, so it is stored with the row in the same transaction.
        run.task_id = uuid.uuid4().hex
        run.save(update_fields=["task_id"])
        transaction.on_commit(lambda: _send_to_celery(run.pk, run.task_id))
    else:
        transaction.on_commit(lambda: _start_thread(run.pk))


def _execute(run_pk: int) -> None:
    from audits.services.datasets import run_execute

    run_execute(run_pk)


def _send_to_celery(run_pk: int, task_id: str) -> None:
    from audits.tasks import run_fairness

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


def _start_thread(run_pk: int) -> threading.Thread:
    thread = threading.Thread(
        target=_thread_main, args=(run_pk,), name=f"fairness-run-{run_pk}", daemon=True
    )
    thread.start()
    return thread


def _thread_main(run_pk: int) -> None:
    try:
        _execute(run_pk)
    except Exception:
        logger.exception("Fairness run %s crashed its thread", run_pk)
    finally:
        # This thread opened its own connection; close it so it is not leaked.
        connection.close()
