"""Services: publishing, retiring, drafting, question edits, and the default content loader."""

import pytest
from django.core.exceptions import ValidationError

from checklists import services
from checklists.exceptions import ChecklistLocked, ImportProblems
from checklists.models import AnswerKind, ChecklistVersion, Principle, Question, VersionStatus

from .conftest import SMALL_CHECKLIST


def test_publish_freezes_a_valid_draft_and_records_who_and_when(draft_version, admin_user):
    published = services.version_publish(version=draft_version, user=admin_user)
    draft_version.refresh_from_db()
    assert draft_version.status == published.status == VersionStatus.PUBLISHED
    assert draft_version.published_by == admin_user
    assert draft_version.published_at is not None


def test_publish_refuses_a_version_without_questions(draft_version, admin_user):
    empty = ChecklistVersion.objects.create(checklist=draft_version.checklist, number=2)
    with pytest.raises(ValidationError) as excinfo:
        services.version_publish(version=empty, user=admin_user)
    assert "at least one question" in excinfo.value.messages[0]
    empty.refresh_from_db()
    assert empty.status == VersionStatus.DRAFT


def test_publish_lists_every_invalid_question(draft_version, principles, admin_user):
    # bulk_create skips clean(), as a careless script would; publishing still catches it.
    Question.objects.bulk_create(
        [
            Question(version=draft_version, principle=principles["fairness"], code="FAIR-20", text="?", order=10,
                     answer_kind=AnswerKind.CHOICE, choices=[{"value": "a", "label": "A", "score": 2}]),
            Question(version=draft_version, principle=principles["fairness"], code="FAIR-21", text="?", order=11,
                     answer_kind=AnswerKind.GATE, gate={"metric": "accuracy", "comparison": ">=", "threshold": 1}),
        ]
    )  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        services.version_publish(version=draft_version, user=admin_user)
    messages = excinfo.value.messages
    assert any(
        m.startswith("questions[3] (FAIR-20).choices:") and "at least 2" in m for m in messages
    )
    assert any(m.startswith("questions[4] (FAIR-21).gate.metric:") for m in messages)
    draft_version.refresh_from_db()
    assert draft_version.status == VersionStatus.DRAFT


def test_publish_refuses_an_already_published_version(published_version, admin_user):
    first_published_at = published_version.published_at
    with pytest.raises(ChecklistLocked, match="already published"):
        services.version_publish(version=published_version, user=admin_user)
    published_version.refresh_from_db()
    assert published_version.published_at == first_published_at


def test_retire_moves_published_to_retired(published_version, admin_user):
    services.version_retire(version=published_version, user=admin_user)
    published_version.refresh_from_db()
    assert published_version.status == VersionStatus.RETIRED


@pytest.mark.parametrize("fixture", ["draft_version", "published_version"])
def test_retire_refuses_anything_but_a_published_version(request, fixture, admin_user):
    version = request.getfixturevalue(fixture)
    if fixture == "published_version":
        services.version_retire(version=version, user=admin_user)
    with pytest.raises(ChecklistLocked, match="only a published version can be retired"):
        services.version_retire(version=version, user=admin_user)


def test_new_draft_copies_every_question_into_the_next_number(published_version, admin_user):
    ChecklistVersion.objects.create(checklist=published_version.checklist, number=4)
    draft = services.version_new_draft(version=published_version, user=admin_user)
    assert (draft.number, draft.status, draft.changelog) == (
        5,
        VersionStatus.DRAFT,
        "Draft from v1",
    )
    assert draft.bands == published_version.bands
    fields = ["code", "principle_id", "text", "guidance_md", "answer_kind", "choices", "weight",
              "required", "evidence_required", "references", "gate", "order"]  # fmt: skip
    copied = list(draft.questions.order_by("code").values(*fields))
    original = list(published_version.questions.order_by("code").values(*fields))
    assert copied == original
    assert len(copied) == 5


def test_new_draft_leaves_the_source_untouched_and_is_editable(published_version, admin_user):
    draft = services.version_new_draft(version=published_version, user=admin_user)
    services.question_update(question=draft.questions.get(code="FAIR-01"), text="Sharper wording?")
    assert draft.questions.get(code="FAIR-01").text == "Sharper wording?"
    assert published_version.questions.get(code="FAIR-01").text == "Was the data examined for bias?"


def test_question_create_refuses_a_published_version(published_version, principles):
    with pytest.raises(ChecklistLocked, match="cannot add questions"):
        services.question_create(
            version=published_version,
            principle=principles["fairness"],
            code="FAIR-30",
            text="Late addition?",
            answer_kind=AnswerKind.YES_NO,
        )
    assert not published_version.questions.filter(code="FAIR-30").exists()


def test_question_update_refuses_a_published_version(published_version):
    question = published_version.questions.get(code="FAIR-01")
    with pytest.raises(ChecklistLocked, match="cannot change its questions"):
        services.question_update(question=question, text="Changed")
    assert published_version.questions.get(code="FAIR-01").text == "Was the data examined for bias?"


def test_question_delete_refuses_a_published_version(published_version):
    with pytest.raises(ChecklistLocked, match="cannot delete its questions"):
        services.question_delete(question=published_version.questions.get(code="FAIR-01"))
    assert published_version.questions.filter(code="FAIR-01").exists()


def test_version_update_refuses_a_published_version(published_version):
    with pytest.raises(ChecklistLocked):
        services.version_update(version=published_version, changelog="Rewritten")
    published_version.refresh_from_db()
    assert published_version.changelog == "First."


def test_question_create_puts_a_question_last_within_its_principle(draft_version, principles):
    question = services.question_create(
        version=draft_version,
        principle=principles["fairness"],
        code="FAIR-04",
        text="Another?",
        answer_kind=AnswerKind.YES_NO,
    )
    assert question.order == 4


def test_question_update_changes_a_draft_question(draft_version, principles):
    question = draft_version.questions.get(code="FAIR-01")
    services.question_update(question=question, weight=0.5, principle=principles["transparency"])
    question.refresh_from_db()
    assert (question.weight, question.principle.code) == (0.5, "transparency")


def test_question_update_validates_before_saving(draft_version):
    question = draft_version.questions.get(code="FAIR-02")
    with pytest.raises(ValidationError) as excinfo:
        services.question_update(question=question, gate={"metric": "impact_ratio"})
    assert "gate" in excinfo.value.message_dict
    assert Question.objects.get(pk=question.pk).gate["metric"] == "demographic_parity_ratio"


def test_question_update_rejects_fields_it_does_not_manage(draft_version, published_version):
    with pytest.raises(TypeError, match="version"):
        services.question_update(
            question=draft_version.questions.get(code="FAIR-01"), version=published_version
        )


def test_question_delete_removes_a_draft_question(draft_version):
    services.question_delete(question=draft_version.questions.get(code="FAIR-01"))
    assert not draft_version.questions.filter(code="FAIR-01").exists()


def test_question_create_refuses_duplicate_codes(draft_version, principles):
    with pytest.raises(ValidationError):
        services.question_create(
            version=draft_version,
            principle=principles["fairness"],
            code="FAIR-01",
            text="Again?",
            answer_kind=AnswerKind.YES_NO,
        )
    assert draft_version.questions.filter(code="FAIR-01").count() == 1


def test_default_checklist_load_imports_and_publishes_once(db):
    version = services.default_checklist_load(path=SMALL_CHECKLIST)
    assert version.status == VersionStatus.PUBLISHED
    assert version.questions.count() == 5
    again = services.default_checklist_load(path=SMALL_CHECKLIST)
    assert again.pk == version.pk
    assert ChecklistVersion.objects.filter(checklist__slug="small-audit").count() == 1
    assert Question.objects.filter(version__checklist__slug="small-audit").count() == 5


def test_default_checklist_load_refuses_a_broken_file_and_writes_nothing(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "checklist-version/1", "questions": []}', encoding="utf-8")
    with pytest.raises(ImportProblems):
        services.default_checklist_load(path=broken)
    assert not ChecklistVersion.objects.exists()
    assert Principle.objects.count() == 4
