"""Fixtures for the checklists tests: a draft with one question of each kind, and its published twin."""

import copy
import json
from pathlib import Path

import pytest

from checklists import services
from checklists.models import AnswerKind, Checklist, ChecklistVersion, Principle

DATA = Path(__file__).parent / "data"
SMALL_CHECKLIST = DATA / "small_checklist.json"


@pytest.fixture
def principles(db) -> dict[str, Principle]:
    """The four principles seeded by migration 0002."""
    return {p.code: p for p in Principle.objects.all()}


@pytest.fixture
def small_document() -> dict:
    """A valid checklist-version/1 document (a fresh copy each time, so tests may edit it)."""
    return copy.deepcopy(json.loads(SMALL_CHECKLIST.read_text(encoding="utf-8")))


def make_draft(principles: dict[str, Principle], *, slug: str = "demo", number: int = 1):
    checklist, _ = Checklist.objects.get_or_create(slug=slug, defaults={"title": "Demo checklist"})
    version = ChecklistVersion.objects.create(
        checklist=checklist, number=number, changelog="First."
    )
    fairness, oversight = principles["fairness"], principles["human-oversight"]
    services.question_create(
        version=version,
        principle=fairness,
        code="FAIR-01",
        text="Was the data examined for bias?",
        answer_kind=AnswerKind.YES_NO,
        guidance_md="Look at **group counts**.",
        references=["EU AI Act Art. 10(2)(f)", "NIST AI RMF MEASURE 2.11"],
        evidence_required=True,
        weight=2.0,
    )
    services.question_create(
        version=version,
        principle=fairness,
        code="FAIR-02",
        text="Does the demographic parity ratio pass?",
        answer_kind=AnswerKind.GATE,
        gate={"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8},
    )
    services.question_create(
        version=version,
        principle=fairness,
        code="FAIR-03",
        text="How were gaps handled?",
        answer_kind=AnswerKind.CHOICE,
        choices=[
            {"value": "remeasured", "label": "Mitigated and re-measured", "score": 1.0},
            {"value": "none", "label": "Not examined", "score": 0.0},
        ],
    )
    services.question_create(
        version=version,
        principle=oversight,
        code="HOV-01",
        text="How mature is human review?",
        answer_kind=AnswerKind.SCALE,
    )
    services.question_create(
        version=version,
        principle=oversight,
        code="HOV-02",
        text="Who can stop the system?",
        answer_kind=AnswerKind.TEXT,
        required=False,
    )
    return version


@pytest.fixture
def draft_version(principles) -> ChecklistVersion:
    return make_draft(principles)


@pytest.fixture
def published_version(principles, admin_user) -> ChecklistVersion:
    draft = make_draft(principles, slug="published-demo")
    return services.version_publish(version=draft, user=admin_user)


@pytest.fixture
def staff_member(django_user_model):
    """A staff user with no model permissions at all."""
    return django_user_model.objects.create_user(username="staffer", password="pw", is_staff=True)


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user(username="plain", password="pw")
