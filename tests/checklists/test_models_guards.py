"""A published or retired version and its questions cannot change through any ORM write path."""

import pytest
from django.core.exceptions import ValidationError

from checklists.exceptions import ChecklistLocked
from checklists.models import (
    AnswerKind,
    ChecklistVersion,
    Question,
    VersionStatus,
)


def _snapshot(version: ChecklistVersion) -> list[tuple]:
    return list(
        Question.objects.filter(version=version)
        .order_by("code")
        .values_list("code", "text", "weight", "order", "principle_id", "choices", "gate")
    )


# --- questions of a published version -------------------------------------------------------


def test_question_save_in_published_version_is_refused(published_version):
    question = published_version.questions.get(code="FAIR-01")
    before = _snapshot(published_version)
    question.text = "Changed"
    with pytest.raises(ChecklistLocked, match="published"):
        question.save()
    assert _snapshot(published_version) == before


def test_question_save_with_update_fields_is_refused(published_version):
    question = published_version.questions.get(code="FAIR-01")
    question.weight = 9
    with pytest.raises(ChecklistLocked):
        question.save(update_fields=["weight"])
    assert published_version.questions.get(code="FAIR-01").weight == 2.0


def test_question_delete_in_published_version_is_refused(published_version):
    question = published_version.questions.get(code="FAIR-01")
    with pytest.raises(ChecklistLocked):
        question.delete()
    assert published_version.questions.filter(code="FAIR-01").exists()


def test_new_question_in_published_version_is_refused(published_version, principles):
    question = Question(
        version=published_version,
        principle=principles["fairness"],
        code="FAIR-99",
        text="Added later?",
        answer_kind=AnswerKind.YES_NO,
    )
    with pytest.raises(ChecklistLocked):
        question.save()
    with pytest.raises(ChecklistLocked):
        Question.objects.create(
            version=published_version, principle=principles["fairness"], code="FAIR-98", text="?"
        )
    assert not published_version.questions.filter(code__in=["FAIR-99", "FAIR-98"]).exists()


def test_moving_a_draft_question_into_a_published_version_is_refused(
    draft_version, published_version
):
    question = draft_version.questions.get(code="HOV-02")
    question.code = "HOV-99"
    question.version = published_version
    with pytest.raises(ChecklistLocked):
        question.save()
    assert not published_version.questions.filter(code="HOV-99").exists()


def test_moving_a_published_question_into_a_draft_is_refused(draft_version, published_version):
    question = published_version.questions.get(code="HOV-02")
    question.version = draft_version
    question.code = "HOV-77"
    with pytest.raises(ChecklistLocked):
        question.save()
    assert published_version.questions.filter(code="HOV-02").exists()


def test_queryset_update_of_published_questions_is_refused(published_version):
    before = _snapshot(published_version)
    with pytest.raises(ChecklistLocked):
        Question.objects.filter(version=published_version).update(text="Changed")
    with pytest.raises(ChecklistLocked):
        published_version.questions.update(weight=0)
    with pytest.raises(ChecklistLocked):
        Question.objects.update(order=7)
    assert _snapshot(published_version) == before


def test_queryset_update_that_mixes_draft_and_published_changes_nothing(
    draft_version, published_version
):
    draft_before, published_before = _snapshot(draft_version), _snapshot(published_version)
    with pytest.raises(ChecklistLocked):
        Question.objects.filter(code="FAIR-01").update(text="Changed")
    assert _snapshot(draft_version) == draft_before
    assert _snapshot(published_version) == published_before


def test_queryset_update_moving_draft_questions_into_published_version_is_refused(
    draft_version, published_version
):
    with pytest.raises(ChecklistLocked):
        draft_version.questions.filter(code="HOV-02").update(version=published_version)
    assert draft_version.questions.filter(code="HOV-02").exists()


def test_queryset_delete_of_published_questions_is_refused(published_version):
    with pytest.raises(ChecklistLocked):
        Question.objects.filter(version=published_version).delete()
    with pytest.raises(ChecklistLocked):
        published_version.questions.all().delete()
    assert published_version.questions.count() == 5


def test_bulk_update_of_published_questions_is_refused(published_version):
    questions = list(published_version.questions.all())
    for question in questions:
        question.text = "Changed"
    with pytest.raises(ChecklistLocked):
        Question.objects.bulk_update(questions, ["text"])
    assert not published_version.questions.filter(text="Changed").exists()


def test_bulk_create_into_published_version_is_refused(published_version, principles):
    new = Question(
        version=published_version,
        principle=principles["fairness"],
        code="FAIR-50",
        text="Bulk?",
        answer_kind=AnswerKind.YES_NO,
    )
    with pytest.raises(ChecklistLocked):
        Question.objects.bulk_create([new])
    assert not published_version.questions.filter(code="FAIR-50").exists()


def test_retired_version_questions_are_frozen_too(published_version, admin_user):
    published_version.status = VersionStatus.RETIRED
    published_version.save()
    question = published_version.questions.get(code="FAIR-01")
    question.text = "Changed"
    with pytest.raises(ChecklistLocked, match="retired"):
        question.save()
    with pytest.raises(ChecklistLocked):
        published_version.questions.update(text="Changed")


def test_draft_questions_accept_every_write_path(draft_version, principles):
    question = draft_version.questions.get(code="FAIR-01")
    question.text = "Edited"
    question.save()
    draft_version.questions.filter(code="HOV-01").update(weight=3)
    questions = list(draft_version.questions.filter(code="FAIR-02"))
    questions[0].order = 9
    Question.objects.bulk_update(questions, ["order"])
    Question.objects.bulk_create(
        [
            Question(
                version=draft_version,
                principle=principles["fairness"],
                code="FAIR-09",
                text="?",
                answer_kind=AnswerKind.YES_NO,
            )
        ]
    )
    draft_version.questions.filter(code="HOV-02").delete()
    draft_version.questions.get(code="FAIR-03").delete()
    codes = dict(draft_version.questions.values_list("code", "text"))
    assert codes["FAIR-01"] == "Edited"
    assert set(codes) == {"FAIR-01", "FAIR-02", "HOV-01", "FAIR-09"}
    assert draft_version.questions.get(code="HOV-01").weight == 3
    assert draft_version.questions.get(code="FAIR-02").order == 9


# --- the version itself ---------------------------------------------------------------------


def test_published_version_content_cannot_change(published_version):
    published_version.changelog = "Rewritten history"
    with pytest.raises(ChecklistLocked, match="changelog"):
        published_version.save()
    published_version.refresh_from_db()
    published_version.bands = {"strong": 10, "partial": 5}
    with pytest.raises(ChecklistLocked, match="bands"):
        published_version.save()
    published_version.refresh_from_db()
    assert published_version.changelog == "First."
    assert published_version.bands == {"strong": 75, "partial": 50}


def test_stale_draft_instance_cannot_overwrite_a_version_published_since(draft_version, admin_user):
    stale = ChecklistVersion.objects.get(pk=draft_version.pk)
    from checklists.services import version_publish

    version_publish(version=draft_version, user=admin_user)
    stale.changelog = "Edited in another tab"
    with pytest.raises(ChecklistLocked):
        stale.save()
    draft_version.refresh_from_db()
    assert draft_version.status == VersionStatus.PUBLISHED
    assert draft_version.changelog == "First."


def test_published_version_may_only_move_to_retired(published_version):
    published_version.save()  # unchanged: allowed
    published_version.status = VersionStatus.DRAFT
    with pytest.raises(ChecklistLocked, match="draft -> published -> retired"):
        published_version.save()
    published_version.status = VersionStatus.RETIRED
    published_version.changelog = "Also sneak this in"
    with pytest.raises(ChecklistLocked, match="changelog"):
        published_version.save()
    published_version.changelog = "First."
    published_version.save()
    published_version.refresh_from_db()
    assert published_version.status == VersionStatus.RETIRED


@pytest.mark.parametrize("status", [VersionStatus.DRAFT, VersionStatus.PUBLISHED])
def test_retired_version_status_is_final(published_version, status):
    published_version.status = VersionStatus.RETIRED
    published_version.save()
    published_version.status = status
    with pytest.raises(ChecklistLocked):
        published_version.save()
    published_version.refresh_from_db()
    assert published_version.status == VersionStatus.RETIRED


def test_draft_cannot_skip_to_retired(draft_version):
    draft_version.status = VersionStatus.RETIRED
    with pytest.raises(ChecklistLocked):
        draft_version.save()
    with pytest.raises(ChecklistLocked):
        ChecklistVersion.objects.filter(pk=draft_version.pk).update(status=VersionStatus.RETIRED)
    draft_version.refresh_from_db()
    assert draft_version.status == VersionStatus.DRAFT


@pytest.mark.parametrize("status", [VersionStatus.PUBLISHED, VersionStatus.RETIRED])
def test_non_draft_version_cannot_be_deleted(published_version, status):
    if status == VersionStatus.RETIRED:
        published_version.status = status
        published_version.save()
    with pytest.raises(ChecklistLocked):
        published_version.delete()
    with pytest.raises(ChecklistLocked):
        ChecklistVersion.objects.filter(pk=published_version.pk).delete()
    with pytest.raises(ChecklistLocked):
        published_version.checklist.versions.all().delete()
    assert ChecklistVersion.objects.filter(pk=published_version.pk).exists()
    assert published_version.questions.count() == 5


def test_draft_version_can_be_deleted_with_its_questions(draft_version):
    draft_version.delete()
    assert not ChecklistVersion.objects.filter(pk=draft_version.pk).exists()
    assert not Question.objects.filter(version_id=draft_version.pk).exists()


def test_version_queryset_update_of_published_is_refused(published_version):
    with pytest.raises(ChecklistLocked):
        ChecklistVersion.objects.filter(pk=published_version.pk).update(changelog="x")
    with pytest.raises(ChecklistLocked):
        published_version.checklist.versions.update(number=5)
    published_version.refresh_from_db()
    assert (published_version.changelog, published_version.number) == ("First.", 1)


def test_version_bulk_update_of_published_is_refused(published_version):
    published_version.changelog = "x"
    with pytest.raises(ChecklistLocked):
        ChecklistVersion.objects.bulk_update([published_version], ["changelog"])
    published_version.refresh_from_db()
    assert published_version.changelog == "First."


# --- question content rules (clean) ----------------------------------------------------------


def _question(version, principles, **fields) -> Question:
    defaults = {"code": "FAIR-40", "text": "?", "answer_kind": AnswerKind.YES_NO}
    return Question(version=version, principle=principles["fairness"], **{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"answer_kind": AnswerKind.CHOICE, "choices": [{"value": "a", "label": "A", "score": 1}]}, "choices", "at least 2 options"),
        ({"answer_kind": AnswerKind.CHOICE, "choices": [{"value": "a", "label": "A", "score": 1.5}, {"value": "b", "label": "B", "score": 0}]}, "choices", "[0].score: expected a number between 0 and 1, got 1.5"),
        ({"answer_kind": AnswerKind.CHOICE, "choices": [{"value": "na", "label": "A", "score": 1}, {"value": "b", "label": "B", "score": 0}]}, "choices", "reserved"),
        ({"answer_kind": AnswerKind.CHOICE, "choices": [{"value": "a", "label": "A", "score": 1}, {"value": "a", "label": "B", "score": 0}]}, "choices", "used by another option"),
        ({"answer_kind": AnswerKind.GATE}, "gate", "a gate question needs a gate"),
        ({"answer_kind": AnswerKind.GATE, "gate": {"metric": "accuracy", "comparison": ">=", "threshold": 0.8}}, "gate", 'metric: "accuracy" is not one of'),
        ({"answer_kind": AnswerKind.GATE, "gate": {"metric": "impact_ratio", "comparison": "=", "threshold": "high"}}, "gate", "comparison"),
        ({"gate": {"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8}}, "gate", "only gate questions"),
        ({"choices": [{"value": "a", "label": "A", "score": 1}]}, "choices", "only choice questions"),
        ({"weight": -1}, "weight", "0 or more"),
        ({"references": "EU AI Act"}, "references", "expected an array of strings"),
        ({"references": ["EU AI Act Art. 9", 3]}, "references", "[1]: expected a non-empty string"),
    ],
)  # fmt: skip
def test_question_clean_reports_invalid_content_on_its_field(
    draft_version, principles, fields, field, message
):
    with pytest.raises(ValidationError) as excinfo:
        _question(draft_version, principles, **fields).full_clean()
    assert any(message in m for m in excinfo.value.message_dict[field])


def test_question_clean_refuses_a_published_version(published_version, principles):
    with pytest.raises(ValidationError) as excinfo:
        _question(published_version, principles).full_clean()
    assert "published" in excinfo.value.message_dict["version"][0]


def test_answer_options_follow_the_answer_kind(draft_version):
    options = {q.code: q.answer_options() for q in draft_version.questions.all()}
    assert [v for v, _, _ in options["FAIR-01"]] == ["yes", "partial", "no", "na"]
    assert [s for _, _, s in options["HOV-01"]] == [0.0, 0.25, 0.5, 0.75, 1.0, None]
    assert options["FAIR-03"] == [
        ("remeasured", "Mitigated and re-measured", 1.0),
        ("none", "Not examined", 0.0),
        ("na", "Not applicable", None),
    ]
    assert options["FAIR-02"] == options["HOV-02"] == []
