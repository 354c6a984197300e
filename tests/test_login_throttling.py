"""Login throttling (django-axes): repeated failures lock the username from that address."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse


def test_repeated_failed_logins_lock_the_account(client, auditor, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "auditor", "password": "wrong"})
    # Locked now: even the right password is refused.
    response = client.post(reverse("login"), {"username": "auditor", "password": "pw"})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_login_before_the_limit_works(client, auditor, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client.post(reverse("login"), {"username": "auditor", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "auditor", "password": "pw"})
    assert response.status_code == 302


@pytest.mark.parametrize("command", [["check"], ["fairness_audit", "--help"]])
def test_management_commands_print_nothing_of_axes(command):
    # The throttling stays on (as in production); only its start-up banner is silenced.
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    environment["AXES_ENABLED"] = "true"
    done = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *command],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "axes" not in done.stderr.lower()
