"""The report builder's reads: the audit with what its cover names, answer history, runs, snapshots.

No access check here: the builder is called with an audit its caller already fetched through an
access-checked selector (a report view) or on the server's own behalf (sealing a snapshot).
"""

from collections.abc import Sequence

from django.db.models import QuerySet

from audits.models import Answer, Audit, AuditStatus, FairnessRun, ReportSnapshot, SnapshotKind


def report_audit_get(audit: Audit) -> Audit:
    """The audit again, with its team, checklist, people and previous audit in the same query."""
    return Audit.objects.select_related(
        "team",
        "checklist_version__checklist",
        "created_by",
        "submitted_by",
        "approved_by",
        "previous_audit",
    ).get(pk=audit.pk)


def answer_history_records(audit: Audit) -> QuerySet:
    """Every simple_history record of the audit's answers, oldest first, with who made it."""
    return (
        Answer.history.filter(id__in=Answer.objects.filter(audit_id=audit.pk).values("pk"))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def report_runs(audit: Audit) -> QuerySet[FairnessRun]:
    """Every fairness run of the audit with its document, in the order they were made."""
    return (
        FairnessRun.objects.filter(dataset__audit_id=audit.pk)
        .select_related("dataset", "created_by")
        .order_by("created_at", "pk")
    )


def report_snapshots(audit: Audit) -> QuerySet[ReportSnapshot]:
    """The audit's sealed report snapshots (the appendix lists them), by kind."""
    # By kind alone: the model's default order starts with the audit, so it would join the
    # audit's table only to sort by the audit's own default order.
    return audit.snapshots.order_by("kind")


def audit_is_sealing(audit: Audit, snapshots: Sequence[object]) -> bool:
    """Whether an approved audit still waits for its sealing job: some kind has no snapshot yet.

    ``snapshots`` are the audit's snapshots already read (rows or the report's items), so a page
    that shows them asks no second query.
    """
    return audit.status == AuditStatus.APPROVED and len(snapshots) < len(SnapshotKind.values)
