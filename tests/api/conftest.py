"""API fixtures: a token client for every role, plus a revoked and an expired token."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create


def token_client(user, *, name: str = "test") -> APIClient:
    client = APIClient()
    created = token_create(user=user, name=name, days=30)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    client.token = created.token  # type: ignore[attr-defined]
    return client


@pytest.fixture
def api_owner(owner):
    return token_client(owner)


@pytest.fixture
def api_auditor(auditor):
    return token_client(auditor)


@pytest.fixture
def api_reviewer(reviewer):
    return token_client(reviewer)


@pytest.fixture
def api_viewer(viewer):
    return token_client(viewer)


@pytest.fixture
def api_outsider(outsider):
    return token_client(outsider)


@pytest.fixture
def api_anonymous(db):
    return APIClient()


@pytest.fixture
def api_revoked(owner):
    client = token_client(owner, name="revoked")
    client.token.delete()
    return client


@pytest.fixture
def api_expired(owner):
    client = token_client(owner, name="expired")
    ApiToken.objects.filter(pk=client.token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    return client


def error_code(response) -> str:
    body = response.json()
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert body["errors"] and all(e["code"] and e["detail"] for e in body["errors"]), body
    return body["errors"][0]["code"]


def read_download(response) -> bytes:
    """A file response's bytes, its file closed (response.close() would end the test's DB connection)."""
    content = b"".join(response.streaming_content)
    for closer in response._resource_closers:
        closer()
    response._resource_closers.clear()
    return content
