"""Celery tasks of the audits app (found by `config.celery`'s autodiscover_tasks).

Each takes the pk positionally (Celery's JSON arguments) and calls the work with keywords.
`acks_late`: a worker that dies mid-task leaves the message on the queue, so another worker picks
it up; every task is safe to run twice.
"""

from celery import shared_task

from audits.jobs.sweep import jobs_sweep
from audits.jobs.worker import run_execute
from audits.models import Audit
from audits.services.reaudits import reaudit_copy_answers
from audits.services.snapshots import snapshots_seal


@shared_task(name="audits.run_fairness", acks_late=True)
def run_fairness(run_pk: int) -> None:
    """Execute one fairness run. Every outcome, including bad input, is recorded on the run's row.

    `run_execute` only claims a run that is queued or whose heartbeat has gone stale.
    """
    run_execute(run_pk=run_pk)


@shared_task(name="audits.seal_snapshots", acks_late=True)
def seal_snapshots(audit_pk: int) -> None:
    """Seal an approved audit's PDF and JSON (idempotent: a sealed kind is never rewritten)."""
    snapshots_seal(audit=Audit(pk=audit_pk))


@shared_task(name="audits.copy_reaudit_answers", acks_late=True)
def copy_reaudit_answers(audit_pk: int) -> int:
    """Copy a re-audit's answers from its previous audit (idempotent: a done copy is left alone)."""
    return reaudit_copy_answers(audit_pk=audit_pk)


@shared_task(name="audits.sweep_jobs")
def sweep_jobs() -> dict:
    """The periodic sweep (Celery beat): fail dead runs, seal and copy what a dead job left."""
    result = jobs_sweep()
    return {
        "runs_failed": result.runs_failed,
        "audits_sealed": result.audits_sealed,
        "copies_finished": result.copies_finished,
    }
