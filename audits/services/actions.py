"""Remediation actions: who fixes a failed gate or a "no" answer, and by when."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audits.models import Audit, Membership, RemediationAction
from audits.permissions import Action, require
from checklists.models import Question

from .common import ensure_not_locked

UPDATABLE_FIELDS = frozenset(
    {"description", "owner", "due_date", "status", "question", "check_name"}
)


@transaction.atomic
def action_create(
    *,
    audit: Audit,
    user: User,
    description: str,
    owner: User | None = None,
    due_date: datetime.date | None = None,
    question: Question | None = None,
    check_name: str = "",
) -> RemediationAction:
    """Record an action to remedy a failed check or answer.

    Allowed to roles with MANAGE_ACTIONS, also while the audit is in review (a reviewer records what
    must be fixed), never once it is approved or archived. The owner must be a member of the audit's
    team and the due date may not be in the past.
    """
    audit = _manageable_audit(audit=audit, user=user)
    errors = {
        **_owner_errors(audit=audit, owner=owner),
        **_question_errors(audit=audit, question=question),
        **_due_date_errors(due_date),
    }
    if errors:
        raise ValidationError(errors)
    action = RemediationAction(
        audit=audit,
        question=question,
        check_name=check_name.strip(),
        description=description.strip(),
        owner=owner,
        due_date=due_date,
        created_by=user,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(*, action: RemediationAction, user: User, **fields: Any) -> RemediationAction:
    """Change some of an action's fields (description, owner, due_date, status, question, check_name).

    Only what changes is validated and saved: a due date already past may stay (an overdue action can
    still be marked done), but a due date cannot be moved into the past, and a new owner must be a
    member of the audit's team.
    """
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"action_update() cannot change: {', '.join(sorted(unknown))}")
    audit = _manageable_audit(audit=action.audit, user=user)
    changed = {name: value for name, value in fields.items() if getattr(action, name) != value}
    if not changed:
        return action
    errors: dict[str, str] = {}
    if "owner" in changed:
        errors.update(_owner_errors(audit=audit, owner=changed["owner"]))
    if "question" in changed:
        errors.update(_question_errors(audit=audit, question=changed["question"]))
    if "due_date" in changed:
        errors.update(_due_date_errors(changed["due_date"]))
    if errors:
        raise ValidationError(errors)
    for name, value in changed.items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    action.full_clean()
    action.save(update_fields=[*changed, "updated_at"])
    return action


def _manageable_audit(*, audit: Audit, user: User) -> Audit:
    # Re-read the status under a row lock, so an approval racing this write is seen.
    current = Audit.objects.select_for_update().get(pk=audit.pk)
    require(user, current.team_id, Action.MANAGE_ACTIONS)
    ensure_not_locked(audit=current)
    return current


def _owner_errors(*, audit: Audit, owner: User | None) -> dict[str, str]:
    # An active member: a deactivated account cannot act on the action (the form offers only
    # those; an owner who left keeps an action that is not reassigned).
    active = Membership.objects.filter(team_id=audit.team_id, user=owner, user__is_active=True)
    if owner is None or active.exists():
        return {}
    return {"owner": f"The owner must be an active member of the audit's team ({audit.team})."}


def _question_errors(*, audit: Audit, question: Question | None) -> dict[str, str]:
    if question is None or question.version_id == audit.checklist_version_id:
        return {}
    return {"question": "This question is not part of the checklist version this audit uses."}


def _due_date_errors(due_date: datetime.date | None) -> dict[str, str]:
    if due_date is None or due_date >= timezone.localdate():
        return {}
    return {"due_date": "The due date cannot be in the past."}
