"""Suite-wide fixtures: the owner / lesser role / outsider trio from healthchecks' test style.

`team` has an owner, an auditor, a reviewer and a viewer; `outsider` belongs only to `other_team`.
"""

import pytest
from django.test import Client

from audits.models import Role

from .factories import AuditFactory, MembershipFactory, TeamFactory, UserFactory, published_version


@pytest.fixture
def team(db):
    return TeamFactory(name="Credit team", slug="credit-team")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Other team", slug="other-team")


def _member(team, username, role):
    return MembershipFactory(team=team, user=UserFactory(username=username), role=role).user


@pytest.fixture
def owner(team):
    return _member(team, "owner", Role.OWNER)


@pytest.fixture
def auditor(team):
    return _member(team, "auditor", Role.AUDITOR)


@pytest.fixture
def reviewer(team):
    return _member(team, "reviewer", Role.REVIEWER)


@pytest.fixture
def viewer(team):
    return _member(team, "viewer", Role.VIEWER)


@pytest.fixture
def outsider(other_team):
    return _member(other_team, "outsider", Role.OWNER)


@pytest.fixture
def checklist_version(db):
    return published_version()


@pytest.fixture
def audit(team, owner, checklist_version):
    return AuditFactory(team=team, checklist_version=checklist_version, created_by=owner)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return _client_for(owner)


@pytest.fixture
def auditor_client(auditor):
    return _client_for(auditor)


@pytest.fixture
def reviewer_client(reviewer):
    return _client_for(reviewer)


@pytest.fixture
def viewer_client(viewer):
    return _client_for(viewer)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)
