"""Filters of the audit list: only ever narrow the audits the selector already allows."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework.request import Request

from audits.models import Audit, AuditStatus, Team
from audits.selectors import membership_list_for_user


def _users_teams(request: Request | None) -> QuerySet[Team]:
    if request is None:
        return Team.objects.none()
    team_ids = [m.team_id for m in membership_list_for_user(request.user)]
    return Team.objects.filter(pk__in=team_ids)


class AuditFilter(filters.FilterSet):
    team = filters.ModelChoiceFilter(
        queryset=_users_teams, to_field_name="slug", help_text="A team's slug (one of yours)."
    )
    status = filters.ChoiceFilter(choices=AuditStatus.choices)

    class Meta:
        model = Audit
        fields = ["team", "status"]
