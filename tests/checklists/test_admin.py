"""The checklist admin: staff only, frozen versions read-only, actions, preview, import and export."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from checklists import services
from checklists.models import Checklist, ChecklistVersion, Question, VersionStatus

from .conftest import SMALL_CHECKLIST

VERSION_URLS = ["change", "preview", "export"]


def _admin_pages(draft, published) -> list[str]:
    question = published.questions.get(code="FAIR-01")
    return [
        reverse("admin:checklists_checklist_changelist"),
        reverse("admin:checklists_checklist_change", args=[published.checklist_id]),
        reverse("admin:checklists_principle_changelist"),
        reverse("admin:checklists_checklistversion_changelist"),
        reverse("admin:checklists_checklistversion_add"),
        reverse("admin:checklists_checklistversion_change", args=[draft.pk]),
        reverse("admin:checklists_checklistversion_change", args=[published.pk]),
        reverse("admin:checklists_checklistversion_preview", args=[draft.pk]),
        reverse("admin:checklists_checklistversion_preview", args=[published.pk]),
        reverse("admin:checklists_checklistversion_import"),
        reverse("admin:checklists_question_changelist"),
        reverse("admin:checklists_question_change", args=[question.pk]),
        reverse("admin:checklists_question_changelist") + "?answer_kind__exact=gate&version__status__exact=published",
    ]  # fmt: skip


# --- who may see the admin -------------------------------------------------------------------


def test_staff_get_every_checklist_admin_page(admin_client, draft_version, published_version):
    for url in _admin_pages(draft_version, published_version):
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_logged_in_non_staff_are_sent_to_the_admin_login(
    client, plain_user, draft_version, published_version
):
    client.force_login(plain_user)
    for url in _admin_pages(draft_version, published_version):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login") + "?next="), url


def test_anonymous_visitors_are_sent_to_the_admin_login(client, draft_version, published_version):
    for url in _admin_pages(draft_version, published_version):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.parametrize("name", ["preview", "export"])
def test_staff_without_view_permission_are_refused_preview_and_export(
    client, staff_member, published_version, name
):
    client.force_login(staff_member)
    url = reverse(f"admin:checklists_checklistversion_{name}", args=[published_version.pk])
    assert client.get(url).status_code == 403


def test_staff_without_add_permission_are_refused_the_import(client, staff_member):
    staff_member.user_permissions.add(Permission.objects.get(codename="view_checklistversion"))
    client.force_login(staff_member)
    assert client.get(reverse("admin:checklists_checklistversion_import")).status_code == 403


# --- frozen versions are read-only -----------------------------------------------------------


def _question_post_data(question: Question, **changes) -> dict:
    data = {
        "version": question.version_id,
        "principle": question.principle_id,
        "order": question.order,
        "code": question.code,
        "text": question.text,
        "guidance_md": question.guidance_md,
        "answer_kind": question.answer_kind,
        "weight": question.weight,
        "choices": json.dumps(question.choices),
        "gate": json.dumps(question.gate) if question.gate else "",
        "references": json.dumps(question.references),
    }
    for flag in ("required", "evidence_required"):
        if getattr(question, flag):
            data[flag] = "on"  # an unticked checkbox is simply absent from a form post
    data.update(changes)
    return data


def test_admin_change_post_on_a_published_question_is_refused(admin_client, published_version):
    question = published_version.questions.get(code="FAIR-01")
    url = reverse("admin:checklists_question_change", args=[question.pk])
    response = admin_client.post(url, _question_post_data(question, text="Changed"))
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text == "Was the data examined for bias?"


def test_admin_change_post_on_a_draft_question_saves(admin_client, draft_version):
    question = draft_version.questions.get(code="FAIR-01")
    url = reverse("admin:checklists_question_change", args=[question.pk])
    response = admin_client.post(url, _question_post_data(question, text="Changed"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Changed"


def test_admin_change_form_shows_invalid_question_content_on_its_field(admin_client, draft_version):
    question = draft_version.questions.get(code="FAIR-02")
    url = reverse("admin:checklists_question_change", args=[question.pk])
    response = admin_client.post(url, _question_post_data(question, gate='{"metric": "accuracy"}'))
    assert response.status_code == 200
    assert "is not one of impact_ratio" in response.content.decode()
    question.refresh_from_db()
    assert question.gate["metric"] == "demographic_parity_ratio"


def test_admin_change_post_on_a_published_version_is_refused(admin_client, published_version):
    url = reverse("admin:checklists_checklistversion_change", args=[published_version.pk])
    response = admin_client.post(url, {"number": 1, "changelog": "Rewritten", "bands": "{}"})
    assert response.status_code == 403
    published_version.refresh_from_db()
    assert published_version.changelog == "First."


def test_published_version_page_has_no_editable_question_inline(admin_client, published_version):
    url = reverse("admin:checklists_checklistversion_change", args=[published_version.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="questions-0-text"' not in page
    assert 'name="questions-0-code"' not in page
    assert "Was the data examined for bias?" in page
    assert "frozen" in page


def test_draft_version_page_lists_its_questions_as_a_table(admin_client, draft_version):
    url = reverse("admin:checklists_checklistversion_change", args=[draft_version.pk])
    page = admin_client.get(url).content.decode()
    # One small order box per question; the text is edited on the question's own page.
    assert 'name="questions-0-order"' in page
    assert 'name="questions-0-text"' not in page
    first = draft_version.questions.order_by("principle__order", "order", "code").first()
    assert reverse("admin:checklists_question_change", args=[first.pk]) in page
    assert reverse("admin:checklists_question_add") + f"?version={draft_version.pk}" in page
    assert reverse("admin:checklists_checklistversion_preview", args=[draft_version.pk]) in page


def _version_post(version, orders: dict[int, int]) -> dict[str, str]:
    questions = list(version.questions.order_by("principle__order", "order", "code"))
    data = {
        "number": str(version.number),
        "changelog": version.changelog,
        "bands": json.dumps(version.bands),
        "principle_weights": json.dumps(version.principle_weights),
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
    }
    for i, question in enumerate(questions):
        data[f"questions-{i}-id"] = str(question.pk)
        data[f"questions-{i}-version"] = str(version.pk)
        data[f"questions-{i}-order"] = str(orders.get(question.pk, question.order))
    return data


def test_the_question_table_reorders_a_draft(admin_client, draft_version):
    question = draft_version.questions.get(code="FAIR-02")
    url = reverse("admin:checklists_checklistversion_change", args=[draft_version.pk])
    response = admin_client.post(url, _version_post(draft_version, {question.pk: 99}))
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.order == 99
    assert question.text  # nothing else of the question was touched


def test_saving_a_question_goes_back_to_its_version(admin_client, draft_version):
    question = draft_version.questions.get(code="FAIR-02")
    url = reverse("admin:checklists_question_change", args=[question.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "version": draft_version.pk,
            "principle": question.principle_id,
            "text": "Was the training data examined for bias, group by group?",
            "choices": json.dumps(question.choices),
            "references": json.dumps(question.references),
            "gate": json.dumps(question.gate) if question.gate else "",
            "required": "on" if question.required else "",
            "evidence_required": "on" if question.evidence_required else "",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    version_url = reverse("admin:checklists_checklistversion_change", args=[draft_version.pk])
    assert response["Location"] == version_url
    question.refresh_from_db()
    assert question.text == "Was the training data examined for bias, group by group?"


def test_admin_cannot_delete_a_published_version(admin_client, published_version):
    url = reverse("admin:checklists_checklistversion_delete", args=[published_version.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:checklists_checklistversion_changelist")
    response = admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [published_version.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert ChecklistVersion.objects.filter(pk=published_version.pk).exists()


def test_admin_cannot_bulk_delete_published_questions(admin_client, published_version):
    changelist = reverse("admin:checklists_question_changelist")
    ids = list(published_version.questions.values_list("pk", flat=True))
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 403
    assert published_version.questions.count() == 5


# --- actions ---------------------------------------------------------------------------------


def _action(admin_client, action: str, *versions, follow=False):
    return admin_client.post(
        reverse("admin:checklists_checklistversion_changelist"),
        {"action": action, "_selected_action": [v.pk for v in versions]},
        follow=follow,
    )


def test_publish_action_publishes_a_valid_draft(admin_client, draft_version, admin_user):
    response = _action(admin_client, "publish_selected", draft_version, follow=True)
    draft_version.refresh_from_db()
    assert draft_version.status == VersionStatus.PUBLISHED
    assert draft_version.published_by == admin_user
    assert "Demo checklist v1 published." in response.content.decode()


def test_publish_action_lists_what_stops_an_invalid_draft(admin_client, draft_version):
    empty = ChecklistVersion.objects.create(checklist=draft_version.checklist, number=2)
    response = _action(admin_client, "publish_selected", empty, follow=True)
    assert "at least one question to be published" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == VersionStatus.DRAFT


def test_retire_action_retires_a_published_version(admin_client, published_version):
    _action(admin_client, "retire_selected", published_version)
    published_version.refresh_from_db()
    assert published_version.status == VersionStatus.RETIRED


def test_new_draft_action_copies_and_opens_the_draft(admin_client, published_version):
    response = _action(admin_client, "new_draft_from_selected", published_version)
    draft = ChecklistVersion.objects.get(checklist=published_version.checklist, number=2)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:checklists_checklistversion_change", args=[draft.pk]
    )
    assert draft.status == VersionStatus.DRAFT
    assert draft.questions.count() == 5


def test_export_action_downloads_one_version_as_json(admin_client, published_version):
    response = _action(admin_client, "export_selected", published_version)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="published-demo-v1.json"' in response["Content-Disposition"]
    assert json.loads(response.content) == services.version_export(version=published_version)


def test_export_action_zips_several_versions(admin_client, draft_version, published_version):
    response = _action(admin_client, "export_selected", draft_version, published_version)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["demo-v1.json", "published-demo-v1.json"]
    exported = json.loads(archive.read("demo-v1.json"))
    assert exported == services.version_export(version=draft_version)


def test_export_link_downloads_the_version(admin_client, published_version):
    url = reverse("admin:checklists_checklistversion_export", args=[published_version.pk])
    response = admin_client.get(url)
    assert json.loads(response.content) == services.version_export(version=published_version)


# --- preview ---------------------------------------------------------------------------------


def test_preview_shows_questions_as_the_audit_form_will(admin_client, draft_version):
    question = draft_version.questions.get(code="FAIR-01")
    services.question_update(
        question=question, guidance_md="Read **this**. <script>alert(1)</script>"
    )
    url = reverse("admin:checklists_checklistversion_preview", args=[draft_version.pk])
    page = admin_client.get(url).content.decode()
    assert page.index("Fairness") < page.index("FAIR-01") < page.index("Human oversight")
    assert "<strong>this</strong>" in page
    assert "<script>alert(1)" not in page
    assert "EU AI Act Art. 10(2)(f)" in page
    assert "demographic parity ratio ≥ 0.8 on every grouping" in page
    assert 'name="answer-FAIR-01" value="partial" disabled' in page
    assert "Mitigated and re-measured" in page
    assert "Evidence required" in page


def test_preview_of_an_unpublishable_draft_says_why(admin_client, draft_version):
    empty = ChecklistVersion.objects.create(checklist=draft_version.checklist, number=2)
    url = reverse("admin:checklists_checklistversion_preview", args=[empty.pk])
    page = admin_client.get(url).content.decode()
    assert "cannot be published yet" in page
    assert "no questions yet" in page


# --- import ----------------------------------------------------------------------------------


def _upload(admin_client, content: bytes, **options):
    file = io.BytesIO(content)
    file.name = "checklist.json"
    return admin_client.post(
        reverse("admin:checklists_checklistversion_import"), {"file": file, **options}
    )


def test_import_view_creates_a_version_and_opens_it(admin_client, db):
    response = _upload(admin_client, SMALL_CHECKLIST.read_bytes(), publish="on")
    version = ChecklistVersion.objects.get(checklist__slug="small-audit")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:checklists_checklistversion_change", args=[version.pk]
    )
    assert version.status == VersionStatus.PUBLISHED
    assert version.questions.count() == 5


def test_import_view_lists_every_problem_and_writes_nothing(admin_client, small_document):
    small_document["questions"][0]["answer_kind"] = "maybe"
    small_document["questions"][1]["gate"] = None
    response = _upload(admin_client, json.dumps(small_document).encode())
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 problems" in page
    assert "questions[0] (FAIR-01).answer_kind: &quot;maybe&quot; is not one of" in page
    assert "questions[1] (FAIR-02).gate: a gate question needs a gate" in page
    assert not Checklist.objects.filter(slug="small-audit").exists()


def test_import_view_refuses_an_existing_version_unless_asked_for_a_new_one(admin_client, db):
    _upload(admin_client, SMALL_CHECKLIST.read_bytes())
    refused = _upload(admin_client, SMALL_CHECKLIST.read_bytes())
    assert "already has version 1" in refused.content.decode()
    _upload(admin_client, SMALL_CHECKLIST.read_bytes(), as_new_version="on")
    numbers = ChecklistVersion.objects.filter(checklist__slug="small-audit").values_list(
        "number", flat=True
    )
    assert sorted(numbers) == [1, 2]


def test_import_view_explains_a_file_that_is_not_json(admin_client, db):
    response = _upload(admin_client, b"\x89PNG not json")
    assert response.status_code == 200
    assert "file: not UTF-8 text" in response.content.decode()
    assert not ChecklistVersion.objects.exists()


# --- adding a version ------------------------------------------------------------------------


def test_adding_a_version_without_a_number_takes_the_next_one(admin_client, published_version):
    response = admin_client.post(
        reverse("admin:checklists_checklistversion_add"),
        {
            "checklist": published_version.checklist_id,
            "number": "",
            "changelog": "Fresh start",
            "bands": '{"strong": 75, "partial": 50}',
            "principle_weights": "",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    added = ChecklistVersion.objects.get(checklist=published_version.checklist, number=2)
    assert (added.status, added.principle_weights) == (VersionStatus.DRAFT, {})


def test_admin_accepts_a_text_engine_gate_and_refuses_an_unknown_one(admin_client, draft_version):
    question = draft_version.questions.get(code="FAIR-02")
    url = reverse("admin:checklists_question_change", args=[question.pk])
    gate = {"metric": "refusal_rate_ratio", "comparison": ">=", "threshold": 0.8}
    response = admin_client.post(url, _question_post_data(question, gate=json.dumps(gate)))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.gate == gate
    assert question.gate_description == (
        "refusal rate ratio ≥ 0.8 for every group against the reference"
    )
    bad = _question_post_data(
        question, gate='{"metric": "refusal_ratio", "comparison": ">=", "threshold": 0.8}'
    )
    response = admin_client.post(url, bad)
    assert response.status_code == 200
    assert "(from LLM responses)" in response.content.decode()
