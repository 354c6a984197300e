"""Login throttling (django-axes): repeated failures lock the username from that address."""

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
