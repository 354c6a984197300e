"""Every access-checked read, one module per domain; the core audit selectors are re-exported here."""

from .audits import (
    audit_get_for_user,
    audit_list_for_user,
    audits_awaiting_user,
    membership_list_for_user,
    team_get_for_user,
)

__all__ = [
    "audit_get_for_user",
    "audit_list_for_user",
    "audits_awaiting_user",
    "membership_list_for_user",
    "team_get_for_user",
]
