"""Every write of the audits app. Views and commands call these; nothing else saves audit data."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from checklists.models import ChecklistVersion, VersionStatus

from .models import Audit, Membership, RiskTier, Team


@transaction.atomic
def team_create(*, name: str, slug: str | None = None) -> Team:
    """Create a team; the slug defaults to the slugified name."""
    team = Team(name=name, slug=slug or slugify(name))
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def membership_set(*, team: Team, user, role: str) -> Membership:
    """Give the user the role in the team, adding them to it if needed."""
    membership, _ = Membership.objects.get_or_create(team=team, user=user, defaults={"role": role})
    if membership.role != role:
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
    return membership


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
