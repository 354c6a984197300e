"""The busiest pages issue the same number of queries however many audits and answers there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Audit, Evidence, RemediationAction, Review
from audits.services.answers import AnswerChange, answers_save
from tests.factories import AuditFactory, published_version


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _answer_all(audit, user):
    answers_save(
        audit=audit,
        user=user,
        changes=[
            AnswerChange(question=q, value="yes", note_md="n", seen_revision=0)
            for q in audit.checklist_version.questions.all()
        ],
    )


@pytest.mark.parametrize("url_name", ["audits:detail", "audits:principle"])
def test_audit_pages_do_not_grow_with_answers(owner_client, owner, team, url_name):
    small = AuditFactory(team=team, checklist_version=published_version(questions_per_principle=2))
    large = AuditFactory(team=team, checklist_version=published_version(questions_per_principle=10))
    counts = []
    for audit in (small, large):
        _answer_all(audit, owner)
        kwargs = {"pk": audit.pk}
        if url_name == "audits:principle":
            kwargs["principle"] = "fairness"
        counts.append(_queries(owner_client, reverse(url_name, kwargs=kwargs)))
    assert counts[0] == counts[1]


def test_home_does_not_grow_with_audits(owner_client, team, checklist_version):
    AuditFactory(team=team, checklist_version=checklist_version)
    few = _queries(owner_client, reverse("home"))
    for _ in range(20):
        AuditFactory(team=team, checklist_version=checklist_version)
    assert _queries(owner_client, reverse("home")) == few


def _captured(client, url) -> list[dict]:
    client.get(url)  # warm per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return captured.captured_queries


def test_audit_list_does_not_grow_with_audits_and_counts_none(owner_client, owner, team):
    version = published_version()
    queries = []
    for total in (10, 100):
        while Audit.objects.count() < total:
            _answer_all(AuditFactory(team=team, checklist_version=version), owner)
        queries.append(_captured(owner_client, reverse("audits:list")))
    assert len(queries[0]) == len(queries[1])
    # The page is read as 26 rows, never by counting every audit (a cost that grows with them).
    assert not any("COUNT(" in q["sql"].upper() for q in queries[1])


def test_audit_page_reads_only_the_sections_that_have_rows(owner_client, owner, audit, reviewer):
    url = reverse("audits:detail", args=[audit.pk])
    empty = len(_captured(owner_client, url))
    Evidence.objects.create(audit=audit, url="https://example.org/model-card", uploaded_by=owner)
    RemediationAction.objects.create(audit=audit, description="Re-weigh the data", created_by=owner)
    Review.objects.create(
        audit=audit, reviewer=reviewer, decision="changes_requested", comment="Add the data card"
    )
    queries = _captured(owner_client, url)
    # One query more for each section that now has rows, and each of them is shown.
    assert len(queries) == empty + 3
    html = owner_client.get(url).text
    assert "https://example.org/model-card" in html
    assert "Re-weigh the data" in html
    assert "Add the data card" in html
