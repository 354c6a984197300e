"""Teams and memberships."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify

from audits.models import Membership, Team


@transaction.atomic
def team_create(*, name: str, slug: str | None = None) -> Team:
    """Create a team; the slug defaults to the slugified name."""
    team = Team(name=name, slug=slug or slugify(name))
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def membership_set(*, team: Team, user: User, role: str) -> Membership:
    """Give the user the role in the team, adding them to it if needed."""
    membership, _ = Membership.objects.get_or_create(team=team, user=user, defaults={"role": role})
    if membership.role != role:
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
    return membership
