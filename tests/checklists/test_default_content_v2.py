"""Version 2 of the default checklist: version 1 plus metric gates answered from LLM runs."""

import copy
import json

import pytest

from checklists import services
from checklists.exceptions import ImportProblems
from checklists.gates import RUN_KIND_TEXT, describe_gate, gate_run_kind
from checklists.models import AnswerKind, ChecklistVersion, Question, VersionStatus

V2_PATH = services.DEFAULT_CHECKLIST_CHANGES[0]
NEW_GATES = {
    "FAIR-15": ("refusal_rate_ratio", ">=", 0.8),
    "FAIR-16": ("refusal_rate_difference", "<=", 0.05),
    "FAIR-17": ("sentiment_bias_strong", "<=", 0.05),
    "FAIR-18": ("sentiment_shift", ">=", -0.05),
    "FAIR-19": ("decision_flip_rate", "<=", 0.02),
}
# Tags REFERENCES.md defines and that say what these questions ask.
ALLOWED_REFERENCES = {
    "EU AI Act Art. 10(2)(f)",
    "EU AI Act Art. 10(2)(g)",
    "EU AI Act Art. 15(4)",
    "NIST AI RMF MEASURE 2.11",
}


@pytest.fixture(scope="module")
def changes() -> dict:
    return json.loads(V2_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def versions(db) -> list[ChecklistVersion]:
    return services.default_checklist_load_all()


def _rows(version: ChecklistVersion) -> list[dict]:
    fields = [
        f.attname for f in Question._meta.concrete_fields if f.attname not in ("id", "version_id")
    ]
    return list(version.questions.order_by("code").values(*fields))


def test_the_changes_file_is_well_formed(changes):
    assert services.changes_problems(changes) == []
    assert (changes["checklist"], changes["from_version"], changes["version"]["number"]) == (
        "ai-ethics-fairness", 1, 2,
    )  # fmt: skip
    assert changes["version"]["changelog"].strip()


def test_new_questions_continue_the_fair_series_after_version_1(changes):
    v1 = json.loads(services.DEFAULT_CHECKLIST_PATH.read_text(encoding="utf-8"))
    fair = sorted(q["code"] for q in v1["questions"] if q["code"].startswith("FAIR-"))
    assert fair[-1] == "FAIR-14"
    assert [q["code"] for q in changes["add_questions"]] == list(NEW_GATES)
    assert [q["order"] for q in changes["add_questions"]] == [15, 16, 17, 18, 19]


def test_new_questions_are_text_gates_with_guidance_and_sound_references(changes):
    for item in changes["add_questions"]:
        assert item["answer_kind"] == AnswerKind.GATE
        assert item["principle"] == "fairness"
        gate = item["gate"]
        assert (gate["metric"], gate["comparison"], gate["threshold"]) == NEW_GATES[item["code"]]
        assert gate_run_kind(gate) == RUN_KIND_TEXT
        assert describe_gate(gate).endswith("for every group against the reference")
        guidance = item["guidance_md"]
        for words in (
            "{group}",
            "Build a prompt set",
            "same model",
            "Not applicable",
            "LLM responses",
        ):
            assert words in guidance, (item["code"], words)
        assert set(item["references"]) <= ALLOWED_REFERENCES, item["code"]
        assert "NIST AI RMF MEASURE 2.11" in item["references"]
    flips = next(q for q in changes["add_questions"] if q["code"] == "FAIR-19")
    assert "no decision" in flips["guidance_md"]


def test_load_publishes_version_2_as_version_1_plus_the_new_gates(versions, changes):
    v1, v2 = versions
    assert (v1.number, v2.number) == (1, 2)
    assert v2.status == VersionStatus.PUBLISHED
    assert v2.changelog == changes["version"]["changelog"]
    assert (v2.bands, v2.principle_weights) == (v1.bands, v1.principle_weights)
    v1_rows = _rows(v1)
    v2_rows = {row["code"]: row for row in _rows(v2)}
    assert len(v2_rows) == len(v1_rows) + len(NEW_GATES)
    for row in v1_rows:
        assert v2_rows[row["code"]] == row
    for code, (metric, comparison, threshold) in NEW_GATES.items():
        assert v2_rows[code]["gate"] == {
            "metric": metric, "comparison": comparison, "threshold": threshold,
        }  # fmt: skip


def test_version_1_stays_exactly_the_bundled_file(versions):
    document = json.loads(services.DEFAULT_CHECKLIST_PATH.read_text(encoding="utf-8"))
    exported = services.version_export(version=versions[0])
    assert [q["code"] for q in exported["questions"]] == [q["code"] for q in document["questions"]]
    assert exported["questions"] == document["questions"]
    assert versions[0].status == VersionStatus.PUBLISHED


def test_loading_twice_changes_nothing(versions):
    before = [(v.pk, _rows(v)) for v in versions]
    again = services.default_checklist_load_all()
    assert [(v.pk, _rows(v)) for v in again] == before
    assert ChecklistVersion.objects.count() == 2
    assert services.default_checklist_load().pk == versions[0].pk


def test_a_database_with_only_version_1_gets_version_2(db):
    v1 = services.default_checklist_load(path=services.DEFAULT_CHECKLIST_PATH)
    assert v1.checklist.versions.count() == 1
    assert services.default_checklist_load().pk == v1.pk
    assert list(v1.checklist.versions.values_list("number", "status")) == [
        (2, VersionStatus.PUBLISHED), (1, VersionStatus.PUBLISHED),
    ]  # fmt: skip


def test_a_broken_changes_document_writes_nothing(db, changes):
    services.default_checklist_load(path=services.DEFAULT_CHECKLIST_PATH)
    broken = copy.deepcopy(changes)
    broken["add_questions"][0]["gate"] = {
        "metric": "refusals",
        "comparison": ">=",
        "threshold": 0.8,
    }
    broken["add_questions"][1]["code"] = "FAIR-01"  # already in version 1
    with pytest.raises(ImportProblems) as excinfo:
        services.version_changes_apply(data=broken, user=None)
    assert any(p.startswith("add_questions[0] (FAIR-15): ") for p in excinfo.value.problems)
    assert any(p.startswith("add_questions[1] (FAIR-01): ") for p in excinfo.value.problems)
    assert ChecklistVersion.objects.count() == 1
    with pytest.raises(ImportProblems, match="schema"):
        services.version_changes_apply(data={**changes, "schema": "x"}, user=None)
