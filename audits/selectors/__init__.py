"""Every access-checked read, one module per domain; the core audit selectors are re-exported here."""

from .actions import actions_open_for_user  # noqa: E402  (after .audits, which it builds on)
from .audits import (
    MissingItem,
    answer_history,
    audit_answers,
    audit_findings,
    audit_get_for_user,
    audit_list_for_user,
    audit_missing_items,
    audit_questions,
    audit_scores,
    audits_awaiting_user,
    changes_since_last_review,
    latest_review,
    membership_list_for_user,
    reviews_for_audit,
    scores_for_audits,
    team_get_for_user,
    teams_allowing,
)

__all__ = [
    "MissingItem",
    "actions_open_for_user",
    "answer_history",
    "audit_answers",
    "audit_findings",
    "audit_get_for_user",
    "audit_list_for_user",
    "audit_missing_items",
    "audit_questions",
    "audit_scores",
    "audits_awaiting_user",
    "changes_since_last_review",
    "latest_review",
    "membership_list_for_user",
    "reviews_for_audit",
    "scores_for_audits",
    "team_get_for_user",
    "teams_allowing",
]
