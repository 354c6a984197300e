"""The one place that decides who may see or change what.

Access is by team membership only: someone outside the audit's team gets 404 (the audit's existence is
not disclosed), a member whose role lacks the action gets 403. Site staff have no implicit access to
teams' audits; they maintain checklists in the admin.
"""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Role, Team


class Action(StrEnum):
    VIEW = "view"
    CREATE_AUDIT = "create_audit"
    ANSWER = "answer"  # answers, notes, evidence, datasets and fairness runs
    SUBMIT = "submit"
    REVIEW = "review"  # approve or request changes
    MANAGE_ACTIONS = "manage_actions"  # remediation actions
    ARCHIVE = "archive"
    REAUDIT = "reaudit"
    MANAGE_TEAM = "manage_team"


_AUDITOR_ACTIONS = {
    Action.VIEW,
    Action.CREATE_AUDIT,
    Action.ANSWER,
    Action.SUBMIT,
    Action.MANAGE_ACTIONS,
}
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.AUDITOR: frozenset(_AUDITOR_ACTIONS),
    Role.REVIEWER: frozenset({Action.VIEW, Action.REVIEW, Action.MANAGE_ACTIONS}),
    Role.VIEWER: frozenset({Action.VIEW}),
}


def role_for(user: User | AnonymousUser, team: Team | int) -> str | None:
    """The user's role in the team, or None when they are not a member (or not logged in)."""
    if not getattr(user, "is_authenticated", False) or isinstance(user, AnonymousUser):
        return None
    team_id = team.pk if isinstance(team, Team) else team
    cache = _role_cache(user)
    if team_id not in cache:
        cache[team_id] = (
            Membership.objects.filter(team_id=team_id, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return cache[team_id]


def can(user: User | AnonymousUser, team: Team | int, action: Action) -> bool:
    role = role_for(user, team)
    return role is not None and action in ROLE_ACTIONS[role]


def require(user: User | AnonymousUser, team: Team | int, action: Action) -> str:
    """Return the user's role, or raise Http404 for outsiders and PermissionDenied for lesser roles."""
    role = role_for(user, team)
    if role is None:
        raise Http404("No such page.")
    if action not in ROLE_ACTIONS[role]:
        raise PermissionDenied(f"Your role ({Role(role).label.lower()}) does not allow this.")
    return role


def allowed_actions(user: User | AnonymousUser, team: Team | int) -> frozenset[Action]:
    """Every action the user may take in the team: templates use it to show only allowed buttons."""
    role = role_for(user, team)
    return ROLE_ACTIONS[role] if role else frozenset()


def _role_cache(user: User) -> dict[int, str | None]:
    # Per-request memo on the user object, so a page that checks many things asks the database once.
    cache = getattr(user, "_team_role_cache", None)
    if cache is None:
        cache = {}
        user._team_role_cache = cache  # type: ignore[attr-defined]  # a per-request memo set on the user object
    return cache


def can_view_team_work_in_admin(user: User | AnonymousUser) -> bool:
    """Whether the admin may show the contents of teams' audits to this user: superusers only.

    Staff create teams and memberships in the admin, but being staff gives no access to what a team
    audits; a superuser holds every permission anyway, so the admin hides nothing from them.
    """
    return bool(user.is_active and user.is_superuser)
