"""Create, edit, submit, review, archive and re-audit through the web pages, role by role."""

import pytest
from django.urls import reverse

from audits.models import Audit, AuditStatus, Review
from audits.services.answers import answer_save
from audits.services.audits import audit_submit
from checklists.models import AnswerKind


def _answer_all(audit, user):
    for q in audit.checklist_version.questions.exclude(answer_kind=AnswerKind.GATE):
        answer_save(audit=audit, user=user, question=q, value="yes", seen_revision=0)


def _submitted(audit, user):
    _answer_all(audit, user)
    return audit_submit(audit=audit, user=user)


def test_auditor_creates_an_audit(auditor_client, team, checklist_version):
    response = auditor_client.post(
        reverse("audits:create"),
        {
            "team": team.pk,
            "title": "Hiring screen audit",
            "system_name": "CV ranker",
            "risk_tier": "high",
            "checklist_version": checklist_version.pk,
        },
    )
    audit = Audit.objects.get(title="Hiring screen audit")
    assert response.status_code == 302 and response.url == audit.get_absolute_url()
    assert audit.team == team


@pytest.mark.parametrize("member", ["viewer", "reviewer"])
def test_members_who_cannot_create_get_403(request, team, checklist_version, member):
    client = request.getfixturevalue(f"{member}_client")
    assert client.get(reverse("audits:create")).status_code == 403
    response = client.post(
        reverse("audits:create"),
        {
            "team": team.pk,
            "title": "x",
            "system_name": "y",
            "risk_tier": "high",
            "checklist_version": checklist_version.pk,
        },
    )
    assert response.status_code == 403
    assert not Audit.objects.exists()


def test_outsider_cannot_create_in_another_team(outsider_client, team, checklist_version):
    response = outsider_client.post(
        reverse("audits:create"),
        {
            "team": team.pk,
            "title": "x",
            "system_name": "y",
            "risk_tier": "high",
            "checklist_version": checklist_version.pk,
        },
    )
    assert response.status_code == 200  # the form offers only the outsider's own team
    assert "team" in response.context["form"].errors
    assert not Audit.objects.exists()


def test_create_form_keeps_input_on_error(auditor_client, team):
    response = auditor_client.post(reverse("audits:create"), {"team": team.pk, "title": "Kept"})
    assert response.status_code == 200
    assert 'value="Kept"' in response.content.decode()


@pytest.mark.parametrize(
    ("member", "status"),
    [("owner", 302), ("auditor", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_edit_role_matrix(request, audit, member, status):
    client = request.getfixturevalue(f"{member}_client")
    response = client.post(
        reverse("audits:edit", args=[audit.pk]),
        {"title": "Renamed", "system_name": "S", "risk_tier": "limited"},
    )
    assert response.status_code == status
    audit.refresh_from_db()
    assert (audit.title == "Renamed") == (status == 302)


@pytest.mark.parametrize(
    ("member", "status"), [("reviewer", 403), ("viewer", 403), ("outsider", 404)]
)
def test_submit_role_matrix(request, audit, auditor, member, status):
    _answer_all(audit, auditor)
    client = request.getfixturevalue(f"{member}_client")
    assert client.post(reverse("audits:submit", args=[audit.pk])).status_code == status
    audit.refresh_from_db()
    assert audit.status == AuditStatus.DRAFT


def test_submit_incomplete_lists_missing_items_with_links(auditor_client, audit):
    response = auditor_client.post(reverse("audits:submit", args=[audit.pk]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Before you can submit" in page
    assert reverse("audits:principle", args=[audit.pk, "fairness"]) + "#q-FAIR-01" in page
    audit.refresh_from_db()
    assert audit.status == AuditStatus.DRAFT


def test_submit_complete_audit(auditor_client, audit, auditor):
    _answer_all(audit, auditor)
    assert auditor_client.post(reverse("audits:submit", args=[audit.pk])).status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_REVIEW and audit.submitted_by == auditor


def test_submit_is_post_only(auditor_client, audit):
    assert auditor_client.get(reverse("audits:submit", args=[audit.pk])).status_code == 405


@pytest.mark.parametrize(
    ("member", "status"), [("auditor", 403), ("viewer", 403), ("outsider", 404)]
)
def test_review_role_matrix(request, audit, owner, member, status):
    _submitted(audit, owner)
    client = request.getfixturevalue(f"{member}_client")
    assert client.get(reverse("audits:review", args=[audit.pk])).status_code == status
    response = client.post(reverse("audits:review", args=[audit.pk]), {"decision": "approved"})
    assert response.status_code == status
    assert not Review.objects.exists()


def test_review_page_says_who_may_review_and_links_what_to_judge(
    reviewer_client, audit, auditor, reviewer
):
    _submitted(audit, auditor)
    page = reviewer_client.get(reverse("audits:review", args=[audit.pk])).text
    # Submitted by someone else: the reviewer is not told they may not review it.
    assert "never reviews their own submission" not in page
    assert "What to judge it from" in page
    assert reverse("audits:report", args=[audit.pk]) in page
    audit.submitted_by = reviewer
    audit.save(update_fields=["submitted_by"])
    page = reviewer_client.get(reverse("audits:review", args=[audit.pk])).text
    assert "You submitted it, so another reviewer of the team decides" in page


def test_reviewer_approves(reviewer_client, audit, auditor, reviewer):
    _submitted(audit, auditor)
    page = reviewer_client.get(reverse("audits:review", args=[audit.pk]))
    assert page.status_code == 200
    response = reviewer_client.post(
        reverse("audits:review", args=[audit.pk]), {"decision": "approved", "comment": "Fine"}
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.APPROVED and audit.approved_by == reviewer


def test_reviewer_requests_changes_with_principle_comments(reviewer_client, audit, auditor):
    _submitted(audit, auditor)
    response = reviewer_client.post(
        reverse("audits:review", args=[audit.pk]),
        {"decision": "changes_requested", "principle_fairness": "Explain FAIR-02"},
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.principle_comments == {"fairness": "Explain FAIR-02"}
    audit.refresh_from_db()
    assert audit.status == AuditStatus.CHANGES_REQUESTED


def test_request_changes_without_comment_is_refused_with_a_message(reviewer_client, audit, auditor):
    _submitted(audit, auditor)
    response = reviewer_client.post(
        reverse("audits:review", args=[audit.pk]), {"decision": "changes_requested"}
    )
    assert response.status_code == 200
    assert "Say what must change" in response.content.decode()
    assert not Review.objects.exists()


def test_owner_cannot_review_own_submission(owner_client, audit, owner):
    _submitted(audit, owner)
    response = owner_client.post(
        reverse("audits:review", args=[audit.pk]), {"decision": "approved"}
    )
    assert response.status_code == 403
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_REVIEW


@pytest.mark.parametrize(
    ("member", "status"),
    [("owner", 302), ("auditor", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_archive_role_matrix(request, audit, member, status):
    client = request.getfixturevalue(f"{member}_client")
    assert client.post(reverse("audits:archive", args=[audit.pk])).status_code == status
    audit.refresh_from_db()
    assert (audit.status == AuditStatus.ARCHIVED) == (status == 302)


@pytest.mark.parametrize(
    ("member", "status"), [("auditor", 403), ("viewer", 403), ("outsider", 404)]
)
def test_reaudit_role_matrix(request, audit, member, status):
    audit.status = AuditStatus.APPROVED
    audit.save()
    client = request.getfixturevalue(f"{member}_client")
    assert client.post(reverse("audits:reaudit", args=[audit.pk])).status_code == status
    assert Audit.objects.count() == 1


def test_owner_starts_reaudit(owner_client, audit):
    audit.status = AuditStatus.APPROVED
    audit.save()
    response = owner_client.post(reverse("audits:reaudit", args=[audit.pk]))
    new_audit = Audit.objects.exclude(pk=audit.pk).get()
    assert response.url == new_audit.get_absolute_url()
    assert new_audit.previous_audit == audit


def test_audit_page_shows_only_the_buttons_the_role_allows(viewer_client, owner_client, audit):
    viewer_page = viewer_client.get(audit.get_absolute_url()).content.decode()
    owner_page = owner_client.get(audit.get_absolute_url()).content.decode()
    assert "Archive" not in viewer_page and "Submit for review" not in viewer_page
    assert "Archive" in owner_page and "Submit for review" in owner_page


def test_audit_page_shows_scores_and_radar(owner_client, audit, owner):
    answer_save(
        audit=audit,
        user=owner,
        question=audit.checklist_version.questions.get(code="FAIR-01"),
        value="yes",
        seen_revision=0,
    )
    response = owner_client.get(audit.get_absolute_url())
    assert response.context["scores"].for_principle("fairness").score == 100.0
    assert "<svg" in response.content.decode()


def test_audit_list_uses_constant_queries(owner_client, audit, team, django_assert_max_num_queries):
    from tests.factories import AuditFactory

    for _ in range(15):
        AuditFactory(team=team, checklist_version=audit.checklist_version)
    owner_client.get(reverse("audits:list"))  # warm caches (sessions, content types)
    with django_assert_max_num_queries(12) as few:
        owner_client.get(reverse("audits:list"))
    for _ in range(15):
        AuditFactory(team=team, checklist_version=audit.checklist_version)
    with django_assert_max_num_queries(len(few.captured_queries)):
        owner_client.get(reverse("audits:list"))
