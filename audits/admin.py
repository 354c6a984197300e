from django.contrib import admin

from .models import Audit, Membership, Team
from .permissions import can_view_team_work_in_admin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


class TeamWorkAdmin(admin.ModelAdmin):
    """A team's work (an audit and what it holds): shown in the admin to superusers only.

    Site staff have no implicit access to teams' audits, whatever model permissions they are given;
    every admin of the audits app's content derives from this class (a test checks it).
    """

    def has_view_permission(self, request, obj=None) -> bool:
        return can_view_team_work_in_admin(request.user)

    def has_module_permission(self, request) -> bool:
        return can_view_team_work_in_admin(request.user)


@admin.register(Audit)
class AuditAdmin(TeamWorkAdmin):
    """Read-only: audits are written through the app, where access and locks apply."""

    list_display = ["title", "team", "system_name", "status", "checklist_version", "updated_at"]
    list_filter = ["status", "team"]
    search_fields = ["title", "system_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
