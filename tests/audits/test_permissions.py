import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from audits.permissions import Action, allowed_actions, can, require, role_for


def test_role_for_reports_each_members_role(team, owner, auditor, reviewer, viewer):
    assert [role_for(u, team) for u in (owner, auditor, reviewer, viewer)] == [
        "owner",
        "auditor",
        "reviewer",
        "viewer",
    ]


def test_outsider_and_anonymous_have_no_role(team, outsider):
    assert role_for(outsider, team) is None
    assert role_for(AnonymousUser(), team) is None


def test_require_raises_404_for_outsider(team, outsider):
    with pytest.raises(Http404):
        require(outsider, team, Action.VIEW)


def test_require_raises_403_for_member_without_the_role(team, viewer):
    with pytest.raises(PermissionDenied):
        require(viewer, team, Action.ANSWER)


@pytest.mark.parametrize(
    ("member", "action", "expected"),
    [
        ("owner", Action.ARCHIVE, True),
        ("owner", Action.REVIEW, True),
        ("auditor", Action.ANSWER, True),
        ("auditor", Action.SUBMIT, True),
        ("auditor", Action.REVIEW, False),
        ("auditor", Action.ARCHIVE, False),
        ("reviewer", Action.REVIEW, True),
        ("reviewer", Action.ANSWER, False),
        ("viewer", Action.VIEW, True),
        ("viewer", Action.ANSWER, False),
        ("viewer", Action.MANAGE_ACTIONS, False),
    ],
)
def test_role_matrix(request, team, member, action, expected):
    user = request.getfixturevalue(member)
    assert can(user, team, action) is expected


def test_staff_without_membership_has_no_access(team, admin_user):
    assert allowed_actions(admin_user, team) == frozenset()
    with pytest.raises(Http404):
        require(admin_user, team, Action.VIEW)


def test_role_lookup_is_memoised_per_user_object(team, auditor, django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(5):
            can(auditor, team, Action.VIEW)
