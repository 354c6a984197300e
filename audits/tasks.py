"""Celery tasks of the audits app (found by `config.celery`'s autodiscover_tasks)."""

from celery import shared_task


@shared_task(name="audits.run_fairness", acks_late=True)
def run_fairness(run_pk: int) -> None:
    """Execute one fairness run. Every outcome, including bad input, is recorded on the run's row.

    `acks_late`: a worker that dies mid-run leaves the message on the queue, so another worker picks
    it up; `run_execute` only claims a run that is queued or whose heartbeat has gone stale.
    """
    from audits.services.datasets import run_execute

    run_execute(run_pk)
