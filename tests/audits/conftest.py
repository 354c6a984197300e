"""Fixtures shared by the audits tests: a private media folder per test, a question of the audit
and one of another version, a remediation action, and the report fixtures (the demo audit with the
Adult run, a 100-question audit).

Dataset and fairness-run tests also import `tests.audits.dataset_fixtures`, which overrides the
checklist version with one that has metric gates.
"""

import datetime

import pytest
from django.utils import timezone

from audits.models import RemediationAction
from audits.services.gates import gates_answer_from_run
from checklists.services import default_checklist_load
from tests.factories import AuditFactory, published_version

from .reports.data import (
    add_evidence,
    add_reviews_and_actions,
    adult_mapping,
    adult_result,
    answer_all,
    build_large_audit,
    make_run,
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files and sealed snapshots go to a fresh private folder per test (as in production)."""
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


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


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


@pytest.fixture
def demo_audit(team, auditor, reviewer):
    """The demo audit: the bundled default checklist answered in full, the Adult predictions run
    through the engine (sex and race, with the score), its gates answered from that run."""
    audit = AuditFactory(
        team=team,
        checklist_version=default_checklist_load(),
        title="Income model fairness audit",
        system_name="Adult census income classifier",
        system_description=(
            "Logistic regression predicting whether a person's income exceeds $50k, trained on "
            "the UCI Adult census data. Sex and race are not model inputs."
        ),
        intended_use="Pre-screening of applicants for a premium credit product.",
        created_by=auditor,
    )
    run = make_run(audit, user=auditor, result=adult_result(), mapping=adult_mapping())
    run.dataset.audit = audit
    gates_answer_from_run(run=run)
    answer_all(audit, user=auditor)
    add_evidence(audit, user=auditor)
    add_reviews_and_actions(audit, auditor=auditor, reviewer=reviewer)
    return audit


@pytest.fixture
def large_audit(team, auditor, reviewer):
    """100 answered questions, evidence on a third of them, three runs of the Adult data."""
    return build_large_audit(team=team, auditor=auditor, reviewer=reviewer)
