from django.contrib import admin

from .models import Audit, Membership, Team


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


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    """Read-only for staff: audits are written through the app, where access and locks apply."""

    list_display = ["title", "team", "system_name", "status", "checklist_version", "updated_at"]
    list_filter = ["status", "team"]
    search_fields = ["title", "system_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
