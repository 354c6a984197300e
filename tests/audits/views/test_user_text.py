"""User-written text is Markdown, rendered (sanitised) the same way everywhere it is shown.

The system description and intended use, reviewer comments (overall and per principle), action
descriptions and free-text answers: on the audit page, the principle page and in the report (whose
templates the PDF shares).
"""

import pytest
from django.urls import reverse

from audits.models import Review
from audits.services.answers import AnswerChange, answers_save
from checklists.models import AnswerKind, Question

pytestmark = pytest.mark.django_db

MARKDOWN = "Trained on **2023 data** <script>alert('x')</script>"


@pytest.fixture
def written(audit, auditor, reviewer, remediation):
    audit.system_description = MARKDOWN
    audit.intended_use = MARKDOWN
    audit.save(update_fields=["system_description", "intended_use"])
    remediation.description = MARKDOWN
    remediation.save(update_fields=["description"])
    principle = audit.checklist_version.questions.first().principle
    Review.objects.create(
        audit=audit,
        reviewer=reviewer,
        decision="changes_requested",
        comment=MARKDOWN,
        principle_comments={principle.code: MARKDOWN},
    )
    audit.status = "changes_requested"
    audit.save(update_fields=["status"])
    text_question = Question.objects.filter(
        version=audit.checklist_version, answer_kind=AnswerKind.TEXT
    ).first()
    if text_question is not None:
        answers_save(
            audit=audit, user=auditor, changes=[AnswerChange(text_question, MARKDOWN, "", 0)]
        )
    return {"principle": principle, "text_question": text_question}


def _assert_rendered(html: str, times: int) -> None:
    assert html.count("<strong>2023 data</strong>") >= times, html.count("<strong>2023 data")
    assert "**2023 data**" not in html
    assert "<script>alert" not in html


def test_audit_page_renders_descriptions_comments_and_actions(owner_client, audit, written):
    html = owner_client.get(audit.get_absolute_url()).content.decode()
    # description, intended use, the changes-requested banner, the review history, the action
    _assert_rendered(html, 5)


def test_principle_page_renders_the_reviewers_comments(owner_client, audit, written):
    url = reverse("audits:principle", args=[audit.pk, written["principle"].code])
    _assert_rendered(owner_client.get(url).content.decode(), 2)  # on the principle, overall


def test_report_renders_every_kind_of_user_text(owner_client, audit, written):
    html = owner_client.get(reverse("audits:report", args=[audit.pk])).content.decode()
    # cover (2), review comment and per-principle comment, action, principle's reviewer comment
    expected = 6 + (1 if written["text_question"] is not None else 0)
    _assert_rendered(html, expected)
