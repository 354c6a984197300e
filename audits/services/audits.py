"""Audits: create, edit, submit, review, archive and re-audit."""

from django.core.exceptions import ValidationError
from django.db import transaction

from audits.models import Audit, RiskTier, Team
from checklists.models import ChecklistVersion, VersionStatus


@transaction.atomic
def audit_create(
    *,
    team: Team,
    user,
    title: str,
    system_name: str,
    checklist_version: ChecklistVersion,
    system_description: str = "",
    intended_use: str = "",
    risk_tier: str = RiskTier.HIGH,
) -> Audit:
    """Open an audit of one AI system, pinned to a published checklist version."""
    if checklist_version.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            {"checklist_version": "Audits can only use a published checklist version."}
        )
    audit = Audit(
        team=team,
        title=title,
        system_name=system_name,
        system_description=system_description,
        intended_use=intended_use,
        risk_tier=risk_tier,
        checklist_version=checklist_version,
        created_by=user,
    )
    audit.full_clean()
    audit.save()
    return audit
