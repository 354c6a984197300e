"""The bundled default checklist (checklists/content/default_checklist.json) is complete and loads."""

import json
from collections import Counter

import pytest

from checklists import services
from checklists.gates import describe_gate, gate_problems
from checklists.models import AnswerKind, VersionStatus
from checklists.serialization import document_problems

PRINCIPLES = {"fairness", "accountability", "transparency", "human-oversight"}


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads(services.DEFAULT_CHECKLIST_PATH.read_text(encoding="utf-8"))


def test_default_document_has_no_problems(document):
    assert document_problems(document, existing_principles=set()) == []


def test_default_document_covers_all_four_principles(document):
    assert {p["code"] for p in document["principles"]} == PRINCIPLES
    per_principle = Counter(q["principle"] for q in document["questions"])
    assert set(per_principle) == PRINCIPLES
    assert all(count >= 8 for count in per_principle.values()), per_principle
    assert len(document["questions"]) >= 40


def test_default_question_codes_are_unique(document):
    codes = [q["code"] for q in document["questions"]]
    assert len(codes) == len(set(codes))


def test_every_default_question_has_guidance(document):
    missing = [q["code"] for q in document["questions"] if not q.get("guidance_md", "").strip()]
    assert missing == []


def test_every_default_metric_gate_parses(document):
    gates = [q for q in document["questions"] if q["answer_kind"] == AnswerKind.GATE]
    assert gates, "the default checklist should have metric gates"
    for question in gates:
        assert gate_problems(question["gate"]) == [], question["code"]
        assert describe_gate(question["gate"]).endswith("on every grouping")


def _comparable(document: dict) -> dict:
    doc = json.loads(json.dumps(document))
    for key in ("status", "published_at"):
        doc["version"].pop(key, None)
    # Principles already in the database are kept as they are; compare their codes only.
    doc["principles"] = [p["code"] for p in doc["principles"]]
    return doc


def test_default_checklist_loads_published_and_exports_unchanged(db, document):
    version = services.default_checklist_load()
    assert version.status == VersionStatus.PUBLISHED
    assert version.questions.count() == len(document["questions"])
    assert _comparable(services.version_export(version=version)) == _comparable(document)


def test_default_checklist_load_is_idempotent(db):
    first = services.default_checklist_load()
    assert services.default_checklist_load().pk == first.pk
    assert first.number == 1
    assert first.checklist.versions.count() == 2  # version 1, then version 2 from its changes
