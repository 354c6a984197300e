"""Every read that needs access control goes through here (and so through permissions.py)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from audits.models import Audit, AuditStatus, Membership, Team
from audits.permissions import ROLE_ACTIONS, Action, require


def membership_list_for_user(user) -> QuerySet[Membership]:
    """The user's memberships (team and role), by team name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("team").order_by("team__name")


def team_get_for_user(user, *, slug: str, action: Action = Action.VIEW) -> Team:
    team = get_object_or_404(Team, slug=slug)
    require(user, team, action)
    return team


def audit_list_for_user(user, *, team: Team | None = None, status: str | None = None):
    """Audits of the user's teams, optionally filtered, with team and checklist loaded."""
    if not user.is_authenticated:
        return Audit.objects.none()
    audits = Audit.objects.filter(team__memberships__user=user).select_related(
        "team", "checklist_version__checklist"
    )
    if team is not None:
        audits = audits.filter(team=team)
    if status:
        audits = audits.filter(status=status)
    return audits.order_by("-updated_at", "-pk")


def audit_get_for_user(user, *, pk: int, action: Action = Action.VIEW) -> Audit:
    """The audit, if the user may take `action` on it: 404 for outsiders, 403 for lesser roles."""
    audit = get_object_or_404(
        Audit.objects.select_related("team", "checklist_version__checklist"), pk=pk
    )
    require(user, audit.team_id, action)
    return audit


def audits_awaiting_user(user) -> dict[str, list[Audit]]:
    """What needs the user now: audits to answer (auditors, owners) and to review (reviewers, owners).

    A reviewer never reviews their own submission, so those are left out of `to_review`.
    """
    roles = dict(membership_list_for_user(user).values_list("team_id", "role"))
    answer_teams = [t for t, r in roles.items() if Action.ANSWER in ROLE_ACTIONS[r]]
    review_teams = [t for t, r in roles.items() if Action.REVIEW in ROLE_ACTIONS[r]]
    base = Audit.objects.select_related("team", "checklist_version__checklist")
    to_answer = base.filter(
        team_id__in=answer_teams,
        status__in=[AuditStatus.DRAFT, AuditStatus.CHANGES_REQUESTED],
    )
    to_review = base.filter(team_id__in=review_teams, status=AuditStatus.IN_REVIEW).exclude(
        submitted_by=user
    )
    return {"to_answer": list(to_answer[:20]), "to_review": list(to_review[:20])}
