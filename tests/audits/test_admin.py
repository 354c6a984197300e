"""The audits admin: staff manage teams and memberships; teams' work is for superusers only."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from audits.admin import TeamWorkAdmin
from audits.models import Membership, Team
from tests.factories import UserFactory

STAFF_MODELS = {Team, Membership}  # what staff create; everything else is a team's work


def _audits_admins() -> dict:
    return {m: a for m, a in admin.site._registry.items() if m._meta.app_label == "audits"}


@pytest.fixture
def staff_member(db):
    """Staff, outside every team, holding every permission of the audits app."""
    user = UserFactory(username="staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="audits"))
    return user


@pytest.fixture
def staff_client(client, staff_member):
    client.force_login(staff_member)
    return client


def test_every_admin_of_a_teams_work_is_for_superusers_only():
    team_work = {m for m in _audits_admins() if m not in STAFF_MODELS}
    assert team_work  # the audit at least
    for model in team_work:
        assert isinstance(_audits_admins()[model], TeamWorkAdmin), model


def test_staff_with_every_permission_are_refused_every_changelist_of_teams_work(staff_client):
    for model in set(_audits_admins()) - STAFF_MODELS:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert staff_client.get(url).status_code == 403, url


def test_staff_cannot_read_another_teams_audit_in_the_admin(staff_client, audit):
    response = staff_client.get(reverse("admin:audits_audit_change", args=[audit.pk]))
    assert response.status_code == 403
    assert audit.title not in response.content.decode()


def test_the_admin_index_lists_teams_but_not_audits_for_staff(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:audits_team_changelist") in page
    assert reverse("admin:audits_audit_changelist") not in page


def test_staff_manage_teams_and_their_memberships(staff_client, team, owner):
    assert staff_client.get(reverse("admin:audits_team_changelist")).status_code == 200
    response = staff_client.get(reverse("admin:audits_team_change", args=[team.pk]))
    assert response.status_code == 200
    assert "owner" in response.content.decode()  # the memberships inline


def test_a_superuser_reads_audits_in_the_admin(admin_client, audit):
    assert admin_client.get(reverse("admin:audits_audit_changelist")).status_code == 200
    response = admin_client.get(reverse("admin:audits_audit_change", args=[audit.pk]))
    assert response.status_code == 200
    assert audit.title in response.content.decode()
