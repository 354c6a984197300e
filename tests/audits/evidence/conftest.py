"""Evidence fixtures: a private media folder per test, questions of this and another version."""

import pytest

from tests.factories import published_version


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go to a fresh folder per test (the private storage, as in production)."""
    location = tmp_path / "private_media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    settings.MEDIA_ROOT = location
    return location


@pytest.fixture
def question(audit):
    return audit.checklist_version.questions.order_by("pk").first()


@pytest.fixture
def foreign_question(checklist_version):
    """A question of another version of the same checklist: not one the audit is pinned to."""
    other = published_version(checklist=checklist_version.checklist, number=2)
    return other.questions.order_by("pk").first()
