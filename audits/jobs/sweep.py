"""The periodic sweep: write down what the pages only derive, and finish work a dead job left.

Pages never write: a run whose worker went silent is *shown* as failed (see
`audits.selectors.datasets.run_as_seen`). This sweep, run by Celery beat in the scaled setup and by
`manage.py sweep_stale_runs` (cron) on the embedded default, marks such runs failed on their row,
seals approved audits whose sealing job never ran, and finishes re-audit copies a dead job left.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from audits.models import Audit, AuditStatus, FairnessRun, RunStatus, SnapshotKind
from audits.models.datasets import STALE_CODE, STALE_MESSAGE, stale_cutoff, stale_runs_q
from audits.services.reaudits import reaudit_copy_answers
from audits.services.snapshots import snapshots_seal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    runs_failed: int
    audits_sealed: int
    copies_finished: int


def jobs_sweep() -> SweepResult:
    """Fail dead runs, seal unsealed approvals and finish unfinished copies older than the cutoff.

    Only work silent for `FAIRNESS_JOB_STALE_SECONDS` is touched, so a job still running is left
    to finish; sealing and copying are idempotent, so a job finishing meanwhile is harmless.
    """
    cutoff = stale_cutoff()
    sealed = 0
    for audit_pk in _unsealed_approved(cutoff):
        try:
            snapshots_seal(audit=Audit(pk=audit_pk))
            sealed += 1
        except Exception:
            logger.exception("Sweep: sealing audit %s failed", audit_pk)
    copied = 0
    waiting = Audit.objects.filter(copying_answers=True, created_at__lt=cutoff)
    for audit_pk in waiting.values_list("pk", flat=True):
        try:
            reaudit_copy_answers(audit_pk=audit_pk)
            copied += 1
        except Exception:
            logger.exception("Sweep: copying answers into audit %s failed", audit_pk)
    return SweepResult(runs_fail_stale(), sealed, copied)


def _unsealed_approved(cutoff: datetime) -> list[int]:
    kinds = len(SnapshotKind.values)
    return list(
        Audit.objects.filter(status=AuditStatus.APPROVED, approved_at__lt=cutoff)
        .annotate(sealed=Count("snapshots"))
        .filter(sealed__lt=kinds)
        .values_list("pk", flat=True)
    )


def runs_fail_stale(*, runs: QuerySet[FairnessRun] | None = None) -> int:
    """Fail every queued or running run whose worker has gone silent; return how many."""
    return _fail_stale(FairnessRun.objects.all() if runs is None else runs)


def run_fail_if_stale(*, run: FairnessRun) -> bool:
    """Fail this run on its row if its worker has gone silent; True if it did.

    The instance's fields are refreshed from the row either way: the page may have shown it as
    failed already (derived), so its in-memory status is not to be trusted here.
    """
    failed = bool(_fail_stale(FairnessRun.objects.filter(pk=run.pk)))
    run.refresh_from_db(fields=["status", "error_code", "error_message", "finished_at"])
    return failed


def _fail_stale(runs: QuerySet[FairnessRun]) -> int:
    # One UPDATE with the staleness test in its WHERE: a run that finishes meanwhile is left alone.
    stale = runs.filter(stale_runs_q(stale_cutoff()))
    if not stale.exists():
        return 0  # a read first: SQLite takes its database-wide write lock for any UPDATE
    return stale.update(
        status=RunStatus.FAILED,
        error_code=STALE_CODE,
        error_message=STALE_MESSAGE,
        finished_at=timezone.now(),
    )


__all__ = ["SweepResult", "jobs_sweep", "run_fail_if_stale", "runs_fail_stale"]
