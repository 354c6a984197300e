"""JSON export and import of whole versions: lossless round trip, every problem reported, no writes."""

import json

import pytest

from checklists import services
from checklists.exceptions import ImportProblems
from checklists.models import Checklist, ChecklistVersion, Principle, Question, VersionStatus
from checklists.serialization import SCHEMA, document_dumps, document_loads, document_problems


def _row_counts() -> tuple[int, int, int, int]:
    return (
        Checklist.objects.count(),
        ChecklistVersion.objects.count(),
        Question.objects.count(),
        Principle.objects.count(),
    )


def _content(document: dict) -> dict:
    """The document without what an import is allowed to change (slug, number, status, dates)."""
    doc = json.loads(json.dumps(document))
    doc["checklist"].pop("slug")
    for key in ("number", "status", "published_at"):
        doc["version"].pop(key, None)
    return doc


def test_export_writes_the_whole_version(published_version):
    document = services.version_export(version=published_version)
    assert document["schema"] == SCHEMA
    assert document["version"]["status"] == "published"
    assert document["version"]["published_at"] == published_version.published_at.isoformat()
    assert [p["code"] for p in document["principles"]] == ["fairness", "human-oversight"]
    assert [q["code"] for q in document["questions"]] == [
        "FAIR-01", "FAIR-02", "FAIR-03", "HOV-01", "HOV-02",
    ]  # fmt: skip
    assert document["questions"][1]["gate"] == {
        "metric": "demographic_parity_ratio",
        "comparison": ">=",
        "threshold": 0.8,
    }
    assert document_problems(document, existing_principles=set()) == []


def test_round_trip_through_json_text_is_lossless(published_version, admin_user):
    exported = services.version_export(version=published_version)
    text = document_dumps(exported)
    data = document_loads(text.encode("utf-8"))
    data["checklist"]["slug"] = "round-trip"
    imported = services.version_import(data=data, user=admin_user)
    assert imported.status == VersionStatus.DRAFT
    assert _content(services.version_export(version=imported)) == _content(exported)


def test_round_trip_of_a_document_with_new_principles_is_lossless(small_document, admin_user):
    first = services.version_import(data=small_document, user=admin_user, publish=True)
    exported = services.version_export(version=first)
    exported["checklist"]["slug"] = "copy"
    second = services.version_import(data=exported, user=admin_user, publish=True)
    again = services.version_export(version=second)
    assert _content(again) == _content(exported)
    # Everything in the file except the renamed existing principle comes back unchanged.
    expected = _content(small_document)
    expected["principles"][0] = {
        "code": "fairness", "name": "Fairness", "description": "Avoid bias and discriminatory outcomes.", "order": 1,
    }  # fmt: skip
    assert _content(again) == expected


def test_import_creates_missing_principles_and_leaves_existing_ones(small_document, admin_user):
    services.version_import(data=small_document, user=admin_user)
    privacy = Principle.objects.get(code="privacy")
    assert (privacy.name, privacy.order) == ("Privacy", 9)
    assert Principle.objects.get(code="fairness").name == "Fairness"


def test_import_ignores_the_document_status_and_creates_a_draft(small_document, admin_user):
    small_document["version"]["status"] = "published"
    small_document["version"]["published_at"] = "2024-01-01T00:00:00+00:00"
    version = services.version_import(data=small_document, user=admin_user)
    assert (version.status, version.published_at) == (VersionStatus.DRAFT, None)


def test_import_can_publish_at_once(small_document, admin_user):
    version = services.version_import(data=small_document, user=admin_user, publish=True)
    assert version.status == VersionStatus.PUBLISHED
    assert version.published_by == admin_user


def test_import_accepts_gates_on_text_engine_metrics(small_document, admin_user):
    gate = {"metric": "sentiment_bias_strong", "comparison": "<=", "threshold": 0.05}
    small_document["questions"][1]["gate"] = gate
    version = services.version_import(data=small_document, user=admin_user, publish=True)
    assert version.questions.get(code="FAIR-02").gate == gate
    small_document["version"]["number"] = 2
    small_document["questions"][1]["gate"] = {**gate, "metric": "sentiment_bias"}
    with pytest.raises(ImportProblems) as excinfo:
        services.version_import(data=small_document, user=admin_user)
    assert excinfo.value.problems[0].startswith(
        'questions[1] (FAIR-02).gate.metric: "sentiment_bias" is not one of impact_ratio'
    )


def test_import_refuses_an_existing_version_number_and_writes_nothing(
    published_version, admin_user
):
    document = services.version_export(version=published_version)
    document["questions"][0]["text"] = "Overwritten?"
    before = _row_counts()
    with pytest.raises(ImportProblems) as excinfo:
        services.version_import(data=document, user=admin_user)
    assert excinfo.value.problems == [
        'version.number: checklist "published-demo" already has version 1, and an import never '
        "changes an existing version; import it as a new version (it would become v2) or change "
        "the number"
    ]
    assert _row_counts() == before
    assert published_version.questions.get(code="FAIR-01").text == "Was the data examined for bias?"


def test_import_as_new_version_takes_the_next_free_number(published_version, admin_user):
    document = services.version_export(version=published_version)
    document["questions"][0]["text"] = "Sharper?"
    version = services.version_import(data=document, user=admin_user, as_new_version=True)
    assert (version.checklist_id, version.number) == (published_version.checklist_id, 2)
    assert version.questions.get(code="FAIR-01").text == "Sharper?"
    assert published_version.questions.get(code="FAIR-01").text == "Was the data examined for bias?"


def test_import_into_an_existing_checklist_keeps_its_title(published_version, admin_user):
    document = services.version_export(version=published_version)
    document["checklist"]["title"] = "A new title"
    services.version_import(data=document, user=admin_user, as_new_version=True)
    published_version.checklist.refresh_from_db()
    assert published_version.checklist.title == "Demo checklist"


def test_import_reports_every_problem_with_its_place_and_writes_nothing(small_document, admin_user):
    doc = small_document
    doc["schema"] = "checklist-version/0"
    doc["checklist"]["slug"] = "not a slug"
    doc["version"]["number"] = 0
    doc["version"]["bands"] = {"strong": 50, "partial": 70}
    doc["version"]["principle_weights"]["ethics"] = 1
    doc["principles"].append({"code": "privacy", "name": "Privacy again"})
    q = doc["questions"]
    q[0]["weight"] = -1
    q[0]["references"] = "GDPR"
    q[1]["gate"] = {"metric": "accuracy", "comparison": "=", "threshold": "high", "extra": 1}
    q[2]["choices"][0]["score"] = 1.5
    q[2]["choices"][1] = {"value": "documented", "label": ""}
    q[3]["answer_kind"] = "maybe"
    q[3]["code"] = "FAIR-04"
    q[4]["code"] = "FAIR-01"
    q[4]["principle"] = "ethics"
    q[4]["required"] = "yes"
    q[4]["guidence_md"] = "typo"
    q.append(
        {"code": "X-1", "text": "", "answer_kind": "yes_no", "gate": {"metric": "impact_ratio"}}
    )
    before = _row_counts()
    with pytest.raises(ImportProblems) as excinfo:
        services.version_import(data=doc, user=admin_user, publish=True)
    assert excinfo.value.problems == [
        'schema: expected "checklist-version/1", got "checklist-version/0"',
        'checklist.slug: expected a slug (letters, digits, - or _), got "not a slug"',
        'principles[2] (privacy).code: "privacy" is defined twice',
        "version.number: expected a whole number of 1 or more, got 0",
        "version.bands.partial: 70 is above strong (50)",
        'version.principle_weights.ethics: unknown principle "ethics"',
        "questions[0] (FAIR-01).weight: expected a number of 0 or more, got -1",
        'questions[0] (FAIR-01).references: expected an array of strings, got "GDPR"',
        "questions[1] (FAIR-02).gate.extra: unknown key (allowed: metric, comparison, threshold, task, class)",
        'questions[1] (FAIR-02).gate.metric: "accuracy" is not one of impact_ratio, '
        "demographic_parity_difference, demographic_parity_ratio, equalized_odds_difference, "
        "equalized_odds_ratio, equal_opportunity_difference, equal_opportunity_ratio (from "
        "predictions) or sentiment_bias_strong, sentiment_bias_weak, rougel_similarity, "
        "token_jaccard, refusal_rate_difference, refusal_rate_ratio, length_ratio, "
        "sentiment_shift, decision_flip_rate, refusal_rate, mean_tokens, sentiment_neg, "
        "sentiment_pos, sentiment_compound, toxic_fraction, expected_maximum_toxicity, "
        "toxicity_probability, selection_rate (from LLM responses)",
        'questions[1] (FAIR-02).gate.comparison: "=" is not one of >=, >, <=, <',
        'questions[1] (FAIR-02).gate.threshold: expected a number, got "high"',
        "questions[2] (FAIR-03).choices[0].score: expected a number between 0 and 1, got 1.5",
        "questions[2] (FAIR-03).choices[1].score: is missing",
        'questions[2] (FAIR-03).choices[1].label: expected a non-empty string, got ""',
        'questions[3] (FAIR-04).answer_kind: "maybe" is not one of yes_no, scale, choice, text, gate',
        "questions[4] (FAIR-01).guidence_md: unknown key (allowed: code, principle, order, text, "
        "guidance_md, answer_kind, choices, weight, required, evidence_required, references, gate)",
        'questions[4] (FAIR-01).code: "FAIR-01" is already used by questions[0]',
        'questions[4] (FAIR-01).principle: unknown principle "ethics" (define it in "principles")',
        'questions[4] (FAIR-01).required: expected true or false, got "yes"',
        "questions[5] (X-1).principle: is missing",
        'questions[5] (X-1).text: expected a non-empty string, got ""',
        "questions[5] (X-1).gate: only gate questions have a gate; leave it empty (null)",
    ]
    assert _row_counts() == before


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "document: expected an object, got an array"),
        ({"schema": SCHEMA}, "checklist: is missing"),
        ({"schema": SCHEMA, "checklist": {}, "version": {}, "principles": {}, "questions": []},
         "principles: expected an array, got an object"),
        ({"schema": SCHEMA, "checklist": {"slug": "a", "title": "A"}, "version": {"number": 1},
          "principles": [], "questions": [], "exported_by": "me"},
         "exported_by: unknown key (allowed: schema, checklist, version, principles, questions)"),
    ],
)  # fmt: skip
def test_import_refuses_malformed_documents(db, data, problem):
    with pytest.raises(ImportProblems) as excinfo:
        services.version_import(data=data, user=None)
    assert problem in excinfo.value.problems
    assert not Checklist.objects.exists()


def test_import_with_publish_refuses_an_empty_version_and_writes_nothing(db, small_document):
    small_document["questions"] = []
    with pytest.raises(ImportProblems) as excinfo:
        services.version_import(data=small_document, user=None, publish=True)
    assert excinfo.value.problems == [
        "questions: a version needs at least one question to be published"
    ]
    assert not Checklist.objects.filter(slug="small-audit").exists()
    assert not Principle.objects.filter(code="privacy").exists()


def test_document_loads_reports_where_the_json_is_broken():
    with pytest.raises(ImportProblems) as excinfo:
        document_loads(b'{\n  "schema": "checklist-version/1",\n  "checklist": }')
    assert excinfo.value.problems == ["file: not valid JSON: Expecting value at line 3, column 16"]


def test_document_loads_accepts_a_byte_order_mark():
    assert document_loads(b'\xef\xbb\xbf{"schema": "x"}') == {"schema": "x"}


def test_export_carries_weighted_principles_that_have_no_questions(draft_version, admin_user):
    services.version_update(version=draft_version, principle_weights={"transparency": 0.5})
    document = services.version_export(version=draft_version)
    assert [p["code"] for p in document["principles"]] == [
        "fairness", "transparency", "human-oversight",
    ]  # fmt: skip
    assert document_problems(document, existing_principles=set()) == []


def test_round_trip_keeps_a_task_gate_with_its_class(small_document, admin_user):
    gate = {
        "metric": "demographic_parity_ratio",
        "comparison": ">=",
        "threshold": 0.8,
        "task": "multiclass",
        "class": "B",
    }
    question = dict(small_document["questions"][0])
    question.update(code="FAIR-MC", answer_kind="gate", gate=gate, choices=[], order=99)
    small_document["questions"].append(question)
    version = services.version_import(data=small_document, user=admin_user, publish=True)
    assert version.questions.get(code="FAIR-MC").gate == gate
    exported = services.version_export(version=version)
    assert [q["gate"] for q in exported["questions"] if q["code"] == "FAIR-MC"] == [gate]
