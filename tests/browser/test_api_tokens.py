"""The API tokens page in a real browser: create a token from the user menu, use it, revoke it."""

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.browser


def test_a_member_creates_uses_and_revokes_an_api_token(page, shot, auditor, team):
    login(page, "auditor")
    page.click("a.dropdown-toggle:has-text('auditor')")
    page.click("a.dropdown-item:has-text('API tokens')")
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()

    page.fill("input[name=name]", "release pipeline")
    page.click("input[type=submit][value='Create token'], button:has-text('Create token')")
    expect(page.get_by_text("Copy it now: it is shown only this once.")).to_be_visible()
    token = page.input_value("#new-token")
    assert token.startswith("faw_")
    shot(page, "12-api-token-created")

    bearer = {"Authorization": f"Bearer {token}"}
    teams = page.request.get("/api/v1/teams/", headers=bearer)
    assert teams.status == 200, teams.text()
    assert "release pipeline" in page.content()  # listed with its name

    page.click("button:has-text('Revoke')")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    assert page.request.get("/api/v1/teams/", headers=bearer).status == 401
