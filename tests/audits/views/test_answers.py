"""The principle page: answering, keeping input, and refusing lost updates between two people."""

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import Answer, AuditStatus


def _url(audit, principle="fairness"):
    return reverse("audits:principle", args=[audit.pk, principle])


def _form_data(client, audit, principle="fairness"):
    """What the browser would post back: the page's form fields as rendered."""
    response = client.get(_url(audit, principle))
    assert response.status_code == 200
    data = {}
    items = response.context["items"]
    for item in items:
        form = item["form"]
        if form is None:
            continue
        prefix = form.prefix
        data[f"{prefix}-value"] = form.initial["value"]
        data[f"initial-{prefix}-value"] = form.initial["value"]
        data[f"{prefix}-note_md"] = form.initial["note_md"]
        data[f"initial-{prefix}-note_md"] = form.initial["note_md"]
        data[f"{prefix}-revision"] = form.initial["revision"]
    return data, items


def _set(data, items, code, value, note=None):
    item = next(i for i in items if i["question"].code == code)
    data[f"q{item['question'].pk}-value"] = value
    if note is not None:
        data[f"q{item['question'].pk}-note_md"] = note


@pytest.mark.parametrize(
    ("member", "status"), [("owner", 200), ("auditor", 200), ("reviewer", 200), ("viewer", 200)]
)
def test_members_can_read_the_page(request, audit, member, status):
    client = request.getfixturevalue(f"{member}_client")
    assert client.get(_url(audit)).status_code == status


def test_outsider_gets_404_and_anonymous_is_sent_to_login(outsider_client, client, audit):
    assert outsider_client.get(_url(audit)).status_code == 404
    response = client.get(_url(audit))
    assert response.status_code == 302 and reverse("login") in response.url


def test_unknown_principle_is_404(auditor_client, audit):
    assert auditor_client.get(_url(audit, "nope")).status_code == 404


def test_auditor_saves_answers_and_notes(auditor_client, audit, auditor):
    data, items = _form_data(auditor_client, audit)
    _set(data, items, "FAIR-01", "partial", note="Bias study covers sex only")
    response = auditor_client.post(_url(audit), data)
    assert response.status_code == 302
    answer = Answer.objects.get(audit=audit, question__code="FAIR-01")
    assert (answer.value, answer.note_md, answer.answered_by) == (
        "partial",
        "Bias study covers sex only",
        auditor,
    )
    # Unchanged questions were not written.
    assert Answer.objects.filter(audit=audit).count() == 1


@pytest.mark.parametrize("member", ["viewer", "reviewer"])
def test_lesser_roles_cannot_post_answers(request, audit, member):
    client = request.getfixturevalue(f"{member}_client")
    response = client.post(_url(audit), {"q1-value": "yes"})
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_outsider_cannot_post_answers(outsider_client, audit):
    assert outsider_client.post(_url(audit), {}).status_code == 404
    assert not Answer.objects.exists()


def test_second_of_two_concurrent_edits_is_refused_and_shows_the_other_value(audit, owner, auditor):
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(auditor)
    data1, items1 = _form_data(first, audit)
    data2, items2 = _form_data(second, audit)

    _set(data1, items1, "FAIR-01", "yes", note="Owner's view")
    assert first.post(_url(audit), data1).status_code == 302

    _set(data2, items2, "FAIR-01", "no", note="Auditor's view")
    response = second.post(_url(audit), data2)

    assert response.status_code == 200
    page = response.content.decode()
    assert "someone else changed this answer" in page
    assert "owner" in page and "Yes" in page and "Owner&#x27;s view" in page
    answer = Answer.objects.get(audit=audit, question__code="FAIR-01")
    assert (answer.value, answer.answered_by) == ("yes", owner)
    # What the second person typed is kept in the form.
    item = next(i for i in response.context["items"] if i["question"].code == "FAIR-01")
    assert item["form"]["value"].value() == "no"

    # Saving again after reading the other value is a deliberate overwrite, and it is recorded.
    # The re-rendered page is based on the stored revision: what the browser now posts back.
    resubmit = dict(item["form"].data.items())
    assert second.post(_url(audit), resubmit).status_code == 302
    answer.refresh_from_db()
    assert (answer.value, answer.answered_by, answer.revision) == ("no", auditor, 2)


def test_edit_of_a_different_question_is_not_a_conflict(audit, owner, auditor):
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(auditor)
    data1, items1 = _form_data(first, audit)
    data2, items2 = _form_data(second, audit)
    _set(data1, items1, "FAIR-01", "yes")
    _set(data2, items2, "FAIR-02", "no")
    assert first.post(_url(audit), data1).status_code == 302
    assert second.post(_url(audit), data2).status_code == 302
    values = dict(Answer.objects.filter(audit=audit).values_list("question__code", "value"))
    assert values == {"FAIR-01": "yes", "FAIR-02": "no"}


def test_history_is_shown_next_to_the_question(auditor_client, audit):
    data, items = _form_data(auditor_client, audit)
    _set(data, items, "FAIR-01", "no")
    auditor_client.post(_url(audit), data)
    data, items = _form_data(auditor_client, audit)
    _set(data, items, "FAIR-01", "yes")
    auditor_client.post(_url(audit), data)
    response = auditor_client.get(_url(audit))
    assert "History (2 changes)" in response.content.decode()


def test_invalid_value_keeps_input_and_saves_nothing(auditor_client, audit):
    data, items = _form_data(auditor_client, audit)
    _set(data, items, "FAIR-01", "maybe", note="typed text")
    response = auditor_client.post(_url(audit), data)
    assert response.status_code == 200
    assert "typed text" in response.content.decode()
    assert not Answer.objects.exists()


def test_approved_audit_refuses_answers(auditor_client, audit):
    data, items = _form_data(auditor_client, audit)
    audit.status = AuditStatus.APPROVED
    audit.save()
    _set(data, items, "FAIR-01", "yes")
    assert auditor_client.post(_url(audit), data).status_code == 403
    assert not Answer.objects.exists()


def test_save_next_goes_to_the_next_principle(auditor_client, audit):
    data, items = _form_data(auditor_client, audit)
    data["save_next"] = "1"
    response = auditor_client.post(_url(audit), data)
    assert response.url == _url(audit, "accountability")


def test_reviewer_comments_appear_on_the_principle_page(auditor_client, audit, reviewer):
    audit.reviews.create(
        reviewer=reviewer,
        decision="changes_requested",
        comment="Overall: needs evidence",
        principle_comments={"fairness": "Add the intersectional analysis"},
    )
    page = auditor_client.get(_url(audit)).content.decode()
    assert "Add the intersectional analysis" in page
    assert "Overall: needs evidence" in page


def test_principle_page_never_nests_forms_so_save_and_delete_both_work(
    auditor_client, audit, auditor
):
    from html.parser import HTMLParser

    from audits.models import Evidence

    question = audit.checklist_version.questions.get(code="FAIR-01")
    evidence = Evidence.objects.create(
        audit=audit, question=question, url="https://example.org/a", uploaded_by=auditor
    )

    class FormDepth(HTMLParser):
        depth = deepest = 0

        def handle_starttag(self, tag, attrs):
            if tag == "form":
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)

        def handle_endtag(self, tag):
            if tag == "form":
                self.depth -= 1

    page = auditor_client.get(_url(audit)).content.decode()
    parser = FormDepth()
    parser.feed(page)
    assert parser.deepest == 1
    assert f'form="evidence-delete-{evidence.pk}"' in page
    assert f'id="evidence-delete-{evidence.pk}"' in page


def test_each_answer_carries_exactly_one_hidden_copy_of_what_it_showed(auditor_client, audit):
    page = auditor_client.get(_url(audit)).content.decode()
    for question in audit.checklist_version.questions.filter(principle__code="fairness"):
        for field in ("value", "note_md"):
            assert page.count(f'name="initial-q{question.pk}-{field}"') == 1, (question.code, field)
