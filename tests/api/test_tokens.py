"""API tokens: the page (create shown once, list, revoke), the command, expiry and last use."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken

from .conftest import token_client

LIST = reverse("api_tokens:list")
REVOKE = reverse("api_tokens:revoke")
SECRET = re.compile(r'value="(faw_[0-9a-f]+)"')


def _bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_the_page_creates_a_token_shown_once_that_works(owner_client, owner):
    response = owner_client.post(LIST, {"name": "Release pipeline", "days": 30})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    [secret] = SECRET.findall(page)
    assert "shown only this once" in page
    token = ApiToken.objects.get(user=owner)
    assert token.name == "Release pipeline" and secret not in token.digest
    assert timedelta(days=29) < token.expiry - timezone.now() <= timedelta(days=30)
    assert _bearer(secret).get(reverse("api:team_list")).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    again = owner_client.get(LIST).content.decode()
    assert "Release pipeline" in again and secret not in again


def test_the_page_lists_only_your_own_tokens(owner_client, owner, auditor, outsider):
    token_client(owner, name="mine")
    token_client(auditor, name="my colleague's")
    token_client(outsider, name="an outsider's")
    page = owner_client.get(LIST).content.decode()
    assert "mine" in page and "colleague" not in page and "outsider" not in page


def test_revoke_your_token_and_it_is_401(owner_client, owner):
    client = token_client(owner, name="old")
    response = owner_client.post(REVOKE, {"token": str(client.token.uid)})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert client.get(reverse("api:team_list")).status_code == 401


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_nobody_else_can_revoke_your_token(request, owner, who):
    client = token_client(owner, name="mine")
    other = request.getfixturevalue(f"{who}_client")
    assert other.post(REVOKE, {"token": str(client.token.uid)}).status_code == 404
    assert other.post(REVOKE, {"token": "not-a-uuid"}).status_code == 404
    assert ApiToken.objects.filter(pk=client.token.pk).exists()


def test_anonymous_is_sent_to_login(client):
    assert client.get(LIST).status_code == 302
    assert client.post(REVOKE, {}).status_code == 302


def test_a_name_is_required(owner_client):
    response = owner_client.post(LIST, {"name": " ", "days": 30})
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_the_user_menu_links_to_the_page(owner_client):
    assert LIST in owner_client.get(reverse("home")).content.decode()


def test_command_prints_the_token_alone_on_its_line(owner, capsys):
    call_command("api_token", "create", "owner", "--name", "CI", "--days", "7")
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 1 and re.fullmatch(r"faw_[0-9a-f]{64}", lines[0])
    assert "CI" in err
    token = ApiToken.objects.get(user=owner)
    assert timedelta(days=6, hours=23) < token.expiry - timezone.now() <= timedelta(days=7)
    assert _bearer(lines[0]).get(reverse("api:audit_list")).status_code == 200

    call_command("api_token", "list", "owner")
    listed = capsys.readouterr().out
    assert str(token.uid) in listed and lines[0] not in listed
    call_command("api_token", "revoke", "owner", "--id", str(token.uid))
    assert not ApiToken.objects.exists()
    assert _bearer(lines[0]).get(reverse("api:audit_list")).status_code == 401


def test_command_refuses_bad_input(owner):
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "create", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="days"):
        call_command("api_token", "create", "owner", "--name", "x", "--days", "0")
    with pytest.raises(CommandError, match="no token"):
        call_command("api_token", "revoke", "owner", "--id", "abc")


def test_an_expired_token_is_401_and_stays_listed_as_expired(owner_client, api_expired):
    response = api_expired.get(reverse("api:team_list"))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_expired"
    assert "expired" in owner_client.get(LIST).content.decode()


def test_a_token_never_grants_more_than_its_users_role(api_viewer, audit):
    url = reverse("api:audit_detail", kwargs={"pk": audit.pk})
    assert api_viewer.patch(url, {"title": "x"}, format="json").status_code == 403
    body = api_viewer.get(url).json()
    assert body["allowed_actions"] == ["view"] and body["editable"] is False


@override_settings(API_THROTTLE_RATE="2/minute")
def test_requests_are_throttled_per_token(owner):
    first, second = token_client(owner, name="a"), token_client(owner, name="b")
    url = reverse("api:team_list")
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 429]
    throttled = first.get(url)
    assert throttled.json()["errors"][0]["code"] == "throttled" and throttled["Retry-After"]
    assert second.get(url).status_code == 200  # another token has its own budget
