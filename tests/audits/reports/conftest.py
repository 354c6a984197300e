"""Report fixtures: the demo audit (default checklist + the Adult run), a 100-question audit with
three runs, and a private media folder per test (sealed snapshots are written there)."""

import pytest

from audits.services.gates import gates_answer_from_run
from checklists.services import default_checklist_load
from tests.factories import AuditFactory

from .data import (
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
