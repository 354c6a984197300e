"""Remediation action fixtures."""

import datetime

import pytest
from django.utils import timezone

from audits.models import RemediationAction


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def question(audit):
    return audit.checklist_version.questions.order_by("pk").first()


@pytest.fixture
def remediation(audit, auditor, owner, question, today):
    """An open action on a "no" answer, owned by the auditor, due in a week."""
    return RemediationAction.objects.create(
        audit=audit,
        question=question,
        description="Re-balance the training data",
        owner=auditor,
        due_date=today + datetime.timedelta(days=7),
        created_by=owner,
    )
