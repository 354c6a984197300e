"""Access-checked reads of remediation actions."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BooleanField, Case, F, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from audits.models import (
    ActionStatus,
    Audit,
    AuditStatus,
    DatasetKind,
    FairnessRun,
    Membership,
    RemediationAction,
    RunStatus,
)
from audits.permissions import Action

from .audits import audit_get_for_user

OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def _annotated(actions: QuerySet[RemediationAction]) -> QuerySet[RemediationAction]:
    """Open actions first (earliest due date first, undated last), then done ones; `is_overdue` set."""
    today = timezone.localdate()
    return (
        actions.select_related("owner", "question")
        .annotate(
            is_overdue=Case(
                When(status__in=OPEN_STATUSES, due_date__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            done_rank=Case(
                When(status=ActionStatus.DONE, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("done_rank", F("due_date").asc(nulls_last=True), "pk")
    )


def action_get_for_user(
    user: User | AnonymousUser, *, audit_pk: int, action_pk: int, action: Action = Action.VIEW
) -> RemediationAction:
    """One remediation action of the audit, if the user may take `action` (a permission) on it.

    Outsiders get 404 and lesser roles 403; an action of another audit is 404.
    """
    audit = audit_get_for_user(user, pk=audit_pk, action=action)
    remediation = get_object_or_404(
        _annotated(RemediationAction.objects.filter(audit=audit)), pk=action_pk
    )
    remediation.audit = audit
    return remediation


def actions_for_audit(audit: Audit, open_only: bool = False) -> QuerySet[RemediationAction]:
    """The audit's actions, open ones first; the caller has already checked access to the audit."""
    actions = RemediationAction.objects.filter(audit=audit)
    if open_only:
        actions = actions.filter(status__in=OPEN_STATUSES)
    return _annotated(actions)


def actions_open_for_user(user: User | AnonymousUser) -> QuerySet[RemediationAction]:
    """Open actions the user owns, in teams they still belong to, for the home page.

    Actions of approved or archived audits are left out: those audits are locked, so their actions
    can no longer be updated from here.
    """
    if not user.is_authenticated:
        return RemediationAction.objects.none()
    team_ids = Membership.objects.filter(user=user).values("team_id")
    actions = RemediationAction.objects.filter(
        owner=user, status__in=OPEN_STATUSES, audit__team_id__in=team_ids
    ).exclude(audit__status__in=[AuditStatus.APPROVED, AuditStatus.ARCHIVED])
    return _annotated(actions).select_related("audit", "audit__team")


def action_source_run(audit: Audit, *, run_pk: str) -> FairnessRun | None:
    """The succeeded predictions run of `audit` an action is drafted from (the `?run=` of the
    address); None for anything else, a run of another audit included: the draft is a help, so
    a wrong address leaves the form empty instead of refusing it."""
    if not run_pk.isdigit():
        return None
    return (
        FairnessRun.objects.filter(
            pk=int(run_pk),
            dataset__audit=audit,
            status=RunStatus.SUCCEEDED,
            dataset__kind=DatasetKind.PREDICTIONS,
        )
        .only("pk", "result", "config", "dataset_id")
        .first()
    )
