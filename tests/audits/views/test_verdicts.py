"""Verdicts a small group cannot flip, through the web flow: upload, map, run, gates, review, PDF.

A COMPAS-like file: race x sex with four large groups whose rates are close, and two groups of
2 people (nobody selected, everybody selected). fairlearn's all-groups disparities are set by
those 4 people (demographic parity ratio 0.00, equalized odds difference 1.0); the gates read the
reliable groups' and pass. A second, small file (40 per group) puts the demographic parity ratio
on the threshold, so its 95% interval straddles it: the gate is inconclusive, listed for the
reviewer, and does not block submission.
"""

import html
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audits.models import Answer, AuditStatus, FairnessRun
from audits.reports.builder import build_report
from audits.reports.pdf import render_report_pdf
from audits.services.answers import answer_save
from checklists.models import AnswerKind
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import mapping_post, post_upload

LARGE = 800  # people per large race x sex group


def compas_like_csv() -> bytes:
    """`race,sex,label,pred`: rates 0.50 (African-American) and 0.52 (Caucasian), plus 2 + 2 people.

    Label is every other row; the first 25 (or 26) rows of every 50 are selected, so the true
    positive rates are 0.48 and 0.52, the false positive rates 0.52.
    """
    lines = ["race,sex,label,pred"]
    for race, selected in (("African-American", 25), ("Caucasian", 26)):
        for sex in ("Female", "Male"):
            lines += [f"{race},{sex},{i % 2},{int(i % 50 < selected)}" for i in range(LARGE)]
    lines += ["Asian,Male,1,0"] * 2 + ["Native American,Male,1,1"] * 2
    return ("\n".join(lines) + "\n").encode()


def borderline_csv() -> bytes:
    """80 people per race, 40 per race x sex: selection rates 0.4 and 0.5, a ratio of 0.80."""
    lines = ["race,sex,label,pred"]
    for race, selected in (("African-American", 4), ("Caucasian", 5)):
        lines += [
            f"{race},{('Female', 'Male')[i % 2]},{(i // 2) % 2},{int(i % 10 < 2 * selected)}"
            for i in range(80)
        ]
    return ("\n".join(lines) + "\n").encode()


def _run_through_the_pages(client, audit, content: bytes) -> FairnessRun:
    """Upload the file, map race and sex, run it (sync in tests): the run, as stored."""
    response = post_upload(client, audit, content)
    assert response.status_code == 302, response.content[:500]
    dataset = audit.datasets.order_by("-pk").first()
    url = reverse("audits:dataset_map", args=[audit.pk, dataset.pk])
    response = client.post(url, mapping_post(sensitive=["race", "sex"]))
    assert response.status_code == 302
    return FairnessRun.objects.filter(dataset=dataset).get()


def _answers(audit) -> dict[str, Answer]:
    return {
        a.question.code: a for a in Answer.objects.filter(audit=audit).select_related("question")
    }


def _grouping(run, name):
    return next(g for g in run.result["groupings"] if g["name"] == name)


@pytest.fixture
def compas_run(owner_client, audit):
    return _run_through_the_pages(owner_client, audit, compas_like_csv())


def test_two_people_set_fairlearns_values_but_the_gates_follow_the_reliable_verdicts(
    compas_run, audit
):
    race = _grouping(compas_run, "race")
    assert race["disparities"]["demographic_parity_ratio"] == 0.0
    assert race["disparities"]["equalized_odds_difference"] == 1.0
    assert race["reliable_groups"] == ["African-American", "Caucasian"]
    assert race["reliable_disparities"]["demographic_parity_ratio"] >= 0.9
    assert compas_run.config["options"]["check_groups"] == "reliable"

    answers = _answers(audit)
    assert {code: answers[code].value for code in ("FAIR-G1", "FAIR-G2", "FAIR-G3")} == {
        "FAIR-G1": "pass",
        "FAIR-G2": "pass",
        "FAIR-G3": "pass",
    }
    assert compas_run.passed is True and compas_run.result["summary"]["verdict"] == "pass"
    assert "on race, reliable groups" in answers["FAIR-G2"].note_md


def test_run_page_shows_all_groups_and_reliable_values_side_by_side_with_drivers(
    compas_run, owner_client
):
    page = owner_client.get(compas_run.get_absolute_url()).content.decode()
    # fairlearn's, set by 4 people, and the reliable groups', set by the large groups.
    assert "0.00: Asian 0.000 vs Native American 1.000" in page
    assert "1.000: TPR Asian 0.000 vs Native American 1.000" in page
    assert "0.96: African-American 0.500 vs Caucasian 0.520" in page
    assert "0.040: TPR African-American 0.480 vs Caucasian 0.520" in page
    assert "Reliable groups (at least 30 rows, not Unknown): African-American, Caucasian." in page
    assert "Below the minimum: Asian (2), Native American (2)." in page
    assert "All groups (fairlearn)" in page
    # Each check: the verdict as a word, the value, its interval, the groups used, who set it.
    assert "PASS</b>" in page and "reliable groups</td>" in page
    assert "LL144 groups (excluded ones left out)" in page
    assert 'id="method-verdicts"' in page


@pytest.mark.parametrize(
    ("client_name", "status"), [("owner", 200), ("viewer", 200), ("outsider", 404)]
)
def test_run_verdicts_are_shown_to_members_only(request, compas_run, client_name, status):
    client = request.getfixturevalue(f"{client_name}_client")
    response = client.get(compas_run.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert "0.96: African-American 0.500 vs Caucasian 0.520" in response.content.decode()


@pytest.fixture
def inconclusive_audit(owner_client, audit, owner):
    """The COMPAS-like run, then the borderline one (the latest answers the gates)."""
    _run_through_the_pages(owner_client, audit, compas_like_csv())
    run = _run_through_the_pages(owner_client, audit, borderline_csv())
    for question in audit.checklist_version.questions.exclude(answer_kind=AnswerKind.GATE):
        answer_save(audit=audit, user=owner, question=question, value="yes", seen_revision=0)
    return audit, run


def test_a_gate_whose_interval_straddles_the_threshold_is_inconclusive(inconclusive_audit):
    audit, run = inconclusive_audit
    check = next(
        c
        for c in run.result["checks"]
        if c["metric"] == "demographic_parity_ratio" and c["grouping"] == "race"
    )
    assert check["value"] == pytest.approx(0.8) and check["verdict"] == "inconclusive"
    answer = _answers(audit)["FAIR-G2"]
    assert answer.value == "inconclusive" and answer.run == run
    assert "inconclusive: needs more data or a reviewer's judgement" in answer.note_md
    assert "Inconclusive on race, the interval [" in answer.note_md
    # Not failed by it: the run's checks have no fail verdict, so the run is not "failed".
    assert run.passed is True and run.result["summary"]["verdict"] == "inconclusive"


def test_audit_and_run_pages_show_inconclusive_as_its_own_state(inconclusive_audit, owner_client):
    audit, run = inconclusive_audit
    detail = html.unescape(owner_client.get(audit.get_absolute_url()).content.decode())
    assert "Gate inconclusive: needs more data or a reviewer's judgement" in detail
    assert "checks inconclusive" in detail  # the run list's badge, not a plain pass
    page = html.unescape(owner_client.get(run.get_absolute_url()).content.decode())
    assert "Inconclusive: needs more data or a reviewer's judgement" in page
    assert "INCONCLUSIVE" in page and "All checks pass" not in page


def test_an_inconclusive_gate_does_not_block_submission_and_is_listed_for_the_reviewer(
    inconclusive_audit, owner_client, reviewer_client
):
    audit, run = inconclusive_audit
    assert owner_client.post(reverse("audits:submit", args=[audit.pk])).status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_REVIEW

    page = reviewer_client.get(reverse("audits:review", args=[audit.pk])).content.decode()
    listed = page[page.index("Gates a reviewer must judge") : page.index("Changed since")]
    assert "FAIR-G2" in listed and "FAIR-G3" not in listed
    assert reverse("audits:run_detail", args=[audit.pk, run.pk]) in listed


def test_pdf_names_the_verdicts_and_explains_them_in_the_method_note(inconclusive_audit):
    audit, _ = inconclusive_audit
    first, second = FairnessRun.objects.filter(dataset__audit=audit).order_by("pk")
    reader = PdfReader(io.BytesIO(render_report_pdf(build_report(audit))))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "INCONCLUSIVE" in text and "PASS" in text
    assert "Inconclusive gates: a reviewer must judge them" in text
    assert "Verdicts: pass, fail, inconclusive" in text
    assert "straddles the threshold" in text
    assert (
        f"at least the minimum group size (30 rows in Run #{first.pk}; 30 rows in Run #{second.pk})"
        in text
    )
    assert "0.00: Asian 0.000 vs Native American 1.000" in text
