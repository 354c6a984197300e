"""Guards every audit write goes through: the user's role, and the audit's lock."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from audits.models import Audit, AuditStatus
from audits.permissions import Action, require

# Answers, evidence and datasets change only while the audit is with its auditors.
EDITABLE_STATUSES = (AuditStatus.DRAFT, AuditStatus.CHANGES_REQUESTED)


class AuditLocked(PermissionDenied):
    """The audit's status forbids this write (approved and archived audits never change)."""


def ensure_can_edit(*, audit: Audit, user: User, action: Action = Action.ANSWER) -> None:
    """Refuse the write unless the user's role allows it and the audit is open for editing."""
    require(user, audit.team_id, action)
    if audit.status not in EDITABLE_STATUSES:
        raise AuditLocked(
            f"This audit is {audit.get_status_display().lower()}: its answers, evidence and "
            "datasets cannot change now."
        )
    if audit.copying_answers:
        raise AuditLocked(
            f"Answers are still being copied from audit #{audit.previous_audit_id}: "
            "try again in a moment."
        )


def is_editable(audit: Audit) -> bool:
    """Whether the audit is open for editing now (its status, and no copy of answers under way)."""
    return audit.status in EDITABLE_STATUSES and not audit.copying_answers


def ensure_not_locked(*, audit: Audit) -> None:
    """Refuse any write to an approved or archived audit."""
    if audit.is_locked:
        raise AuditLocked(f"This audit is {audit.get_status_display().lower()} and locked.")
