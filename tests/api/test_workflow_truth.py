"""The API's side of issue 15: evidence counts, incomplete principles, re-checks and their confirm."""

import pytest
from django.urls import reverse

from audits.selectors.audits import RECHECK_REASON
from tests.audits.reaudit_data import REWORDED, make_reaudit


@pytest.fixture
def reaudit(team, owner, auditor, reviewer, django_capture_on_commit_callbacks):
    return make_reaudit(
        team=team,
        owner=owner,
        auditor=auditor,
        reviewer=reviewer,
        capture=django_capture_on_commit_callbacks,
    )[1]


def _confirm_url(audit, code):
    question = audit.checklist_version.questions.get(code=code)
    return reverse("api:answer_confirm_recheck", args=[audit.pk, question.pk])


def test_the_audit_detail_counts_evidence_gates_and_re_checks(reaudit, api_viewer):
    body = api_viewer.get(reverse("api:audit_detail", args=[reaudit.pk])).json()
    scores = body["scores"]
    assert (scores["evidence_needed"], scores["evidence_present"]) == (1, 0)
    assert scores["to_recheck"] == [REWORDED]
    assert scores["incomplete"] is True and scores["band"] == "incomplete"
    principles = {p["code"]: p for p in scores["principles"]}
    assert (principles["fairness"]["incomplete"], principles["fairness"]["waiting_gates"]) == (
        True,
        1,
    )
    assert principles["fairness"]["band"] == "incomplete"
    assert (
        principles["accountability"]["evidence_needed"],
        principles["accountability"]["evidence_present"],
    ) == (1, 0)
    assert {"question": REWORDED, "reason": RECHECK_REASON} in body["missing"]


def test_answers_carry_the_re_check_flag(reaudit, api_viewer):
    answers = {
        a["code"]: a for a in api_viewer.get(reverse("api:answer_list", args=[reaudit.pk])).json()
    }
    assert answers[REWORDED]["needs_recheck"] is True
    assert answers[REWORDED]["recheck_reason"] == "The question's text changed in version 2."
    assert answers["FAIR-01"]["needs_recheck"] is False


def test_confirming_a_re_check(reaudit, api_auditor):
    response = api_auditor.post(_confirm_url(reaudit, REWORDED))
    assert response.status_code == 200
    assert (response.json()["needs_recheck"], response.json()["value"]) == (False, "yes")
    assert not reaudit.answers.filter(needs_recheck=True).exists()
    again = api_auditor.post(_confirm_url(reaudit, REWORDED))
    assert again.status_code == 400
    assert "no copied answer waiting" in again.json()["errors"][0]["detail"]


def test_confirm_is_for_answering_roles_of_the_team(reaudit, api_viewer, api_outsider):
    assert api_viewer.post(_confirm_url(reaudit, REWORDED)).status_code == 403
    assert api_outsider.post(_confirm_url(reaudit, REWORDED)).status_code == 404
    assert reaudit.answers.filter(needs_recheck=True).count() == 1


def test_submit_is_refused_while_a_re_check_waits(reaudit, api_auditor):
    response = api_auditor.post(reverse("api:audit_submit", args=[reaudit.pk]))
    assert response.status_code == 400
    assert {"question": REWORDED, "reason": RECHECK_REASON} in response.json()["missing"]
