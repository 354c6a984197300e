"""Pages of issue 15: evidence on the principle page, re-checks, who may re-audit, the compare page."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from pypdf import PdfReader

from audits.models import Evidence
from audits.reports.builder import build_report
from audits.reports.pdf import render_report_html, render_report_pdf
from audits.services.answers import answer_save
from tests.audits.evidence_samples import PDF, upload
from tests.audits.reaudit_data import REWORDED, answer_gate, gate_run, make_reaudit
from tests.conftest import _client_for


@pytest.fixture
def pair(team, owner, auditor, reviewer, django_capture_on_commit_callbacks):
    return make_reaudit(
        team=team,
        owner=owner,
        auditor=auditor,
        reviewer=reviewer,
        capture=django_capture_on_commit_callbacks,
    )


@pytest.fixture
def reaudit(pair):
    return pair[1]


def _page(audit, principle="accountability"):
    return reverse("audits:principle", args=[audit.pk, principle])


def _answer_post(audit, principle, client, **changes):
    """The principle page's form as the browser posts it, with `changes` ({code: value}) typed."""
    page = client.get(_page(audit, principle))
    data = {}
    for item in page.context["items"]:
        form = item["form"]
        if form is None:
            continue
        prefix, answer = form.prefix, item["answer"]
        value = answer.value if answer else ""
        data[f"{prefix}-value"] = changes.get(item["question"].code, value)
        data[f"initial-{prefix}-value"] = value
        data[f"{prefix}-note_md"] = data[f"initial-{prefix}-note_md"] = (
            answer.note_md if answer else ""
        )
        data[f"{prefix}-revision"] = answer.revision if answer else 0
    return data


def _question(audit, code):
    return audit.checklist_version.questions.get(code=code)


def test_the_principle_page_marks_missing_evidence_and_counts_it(reaudit, auditor):
    page = _client_for(auditor).get(_page(reaudit))
    html = page.content.decode()
    assert 'data-flag="evidence-missing"' in html
    assert "Answered 2/2 · evidence 0/1" in html
    assert "Add a file or a link here" in html and 'enctype="multipart/form-data"' in html


def test_inline_evidence_saves_the_unsaved_answer_too(reaudit, auditor):
    client = _client_for(auditor)
    acc01 = _question(reaudit, "ACC-01")
    data = _answer_post(reaudit, "accountability", client, **{"ACC-02": "no"})
    data.update(
        {
            "add_evidence": str(acc01.pk),
            f"ev{acc01.pk}-kind": "link",
            f"ev{acc01.pk}-url": "https://wiki.example.org/owners",
        }
    )
    response = client.post(_page(reaudit), data)
    assert response.status_code == 302
    assert response.url == _page(reaudit) + "#q-ACC-01"
    evidence = Evidence.objects.get(audit=reaudit)
    assert (evidence.question, evidence.url, evidence.uploaded_by) == (
        acc01,
        "https://wiki.example.org/owners",
        auditor,
    )
    assert reaudit.answers.get(question__code="ACC-02").value == "no"  # the typed answer is kept


def test_an_inline_file_is_checked_by_content_and_the_answers_still_saved(reaudit, auditor):
    client = _client_for(auditor)
    acc01 = _question(reaudit, "ACC-01")
    data = _answer_post(reaudit, "accountability", client, **{"ACC-02": "partial"})
    data.update(
        {
            "add_evidence": str(acc01.pk),
            f"ev{acc01.pk}-kind": "file",
            f"ev{acc01.pk}-file": upload("minutes.pdf", b"MZ\x90\x00 not a pdf at all"),
        }
    )
    response = client.post(_page(reaudit), data)
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(t.startswith("The evidence was not added:") for t in texts)
    assert not Evidence.objects.filter(audit=reaudit).exists()
    assert reaudit.answers.get(question__code="ACC-02").value == "partial"

    data = _answer_post(reaudit, "accountability", client)
    data.update(
        {
            "add_evidence": str(acc01.pk),
            f"ev{acc01.pk}-kind": "file",
            f"ev{acc01.pk}-file": upload("minutes.pdf", PDF),
        }
    )
    client.post(_page(reaudit), data)
    assert Evidence.objects.get(audit=reaudit).original_name == "minutes.pdf"


def test_a_refused_inline_link_saves_nothing_and_keeps_what_was_typed(reaudit, auditor):
    client = _client_for(auditor)
    acc01 = _question(reaudit, "ACC-01")
    data = _answer_post(reaudit, "accountability", client, **{"ACC-02": "no"})
    data.update(
        {
            "add_evidence": str(acc01.pk),
            f"ev{acc01.pk}-kind": "link",
            f"ev{acc01.pk}-url": "javascript:alert(1)",
        }
    )
    response = client.post(_page(reaudit), data)
    assert response.status_code == 200
    assert "Only http:// and https:// links are accepted." in response.content.decode()
    assert reaudit.answers.get(question__code="ACC-02").value == "yes"  # nothing saved
    items = {i["question"].code: i for i in response.context["items"]}
    assert items["ACC-02"]["form"]["value"].value() == "no"  # still typed on the page


def test_inline_evidence_is_refused_to_a_viewer_and_hidden_from_an_outsider(
    reaudit, viewer, outsider
):
    acc01 = _question(reaudit, "ACC-01")
    data = {
        "add_evidence": str(acc01.pk),
        f"ev{acc01.pk}-kind": "link",
        f"ev{acc01.pk}-url": "https://e.org",
    }
    assert _client_for(viewer).post(_page(reaudit), data).status_code == 403
    assert _client_for(outsider).post(_page(reaudit), data).status_code == 404
    assert (
        "Add a file or a link here" not in _client_for(viewer).get(_page(reaudit)).content.decode()
    )
    assert not Evidence.objects.filter(audit=reaudit).exists()


def test_a_re_check_is_flagged_on_the_card_and_confirmed_from_it(reaudit, auditor):
    client = _client_for(auditor)
    fair02 = _question(reaudit, REWORDED)
    html = client.get(_page(reaudit, "fairness")).content.decode()
    assert 'data-flag="recheck"' in html and "Question changed: re-check" in html
    assert "The question&#x27;s text changed in version 2." in html

    data = _answer_post(reaudit, "fairness", client, **{"FAIR-01": "partial"})
    data["confirm_recheck"] = str(fair02.pk)
    response = client.post(_page(reaudit, "fairness"), data)
    assert response.url == _page(reaudit, "fairness") + f"#q-{REWORDED}"
    answer = reaudit.answers.get(question=fair02)
    assert (answer.needs_recheck, answer.value) == (False, "yes")
    assert reaudit.answers.get(question__code="FAIR-01").value == "partial"
    html = client.get(_page(reaudit, "fairness")).content.decode()
    assert "re-check confirmed: the copied answer still holds" in html  # in the history
    assert f"copied from audit #{reaudit.previous_audit_id} (version 1)" in html


def test_a_viewer_cannot_confirm_a_re_check(reaudit, viewer):
    fair02 = _question(reaudit, REWORDED)
    response = _client_for(viewer).post(_page(reaudit, "fairness"), {"confirm_recheck": fair02.pk})
    assert response.status_code == 403
    assert reaudit.answers.get(question=fair02).needs_recheck


def test_the_audit_page_lists_re_checks_and_counts_evidence(reaudit, auditor):
    html = _client_for(auditor).get(reaudit.get_absolute_url()).content.decode()
    assert 'id="recheck"' in html and "re-check 1 copied answer" in html
    # 9 questions, the gate unanswered: 8/9; ACC-01's evidence was not copied.
    assert "answered 8/9 (89%), evidence 0/1, 1 to re-check" in html
    assert "incomplete: 1 gate waits for a run" in html
    assert reverse("audits:compare", args=[reaudit.pk]) in html


def test_submit_on_the_page_names_the_re_check(reaudit, auditor):
    response = _client_for(auditor).post(reverse("audits:submit", args=[reaudit.pk]))
    assert response.status_code == 400
    assert f"{REWORDED}</a> — question changed since the earlier audit" in response.content.decode()


def test_who_may_start_a_re_audit_is_said_where_the_button_would_be(pair, owner, auditor):
    approved = pair[0]
    owner_html = _client_for(owner).get(approved.get_absolute_url()).content.decode()
    assert "Start a re-audit" in owner_html and 'id="reaudit-who"' not in owner_html
    auditor_html = _client_for(auditor).get(approved.get_absolute_url()).content.decode()
    assert "Start a re-audit</button>" not in auditor_html
    assert f"Only a team owner can start a re-audit: {owner.username}." in auditor_html


def test_the_compare_page_shows_answers_scores_and_gate_values(pair, auditor, viewer, outsider):
    approved, reaudit = pair
    trn = _question(reaudit, "TRN-01")
    answer_save(audit=reaudit, user=auditor, question=trn, value="no", seen_revision=1)
    answer_gate(reaudit, gate_run(reaudit, auditor, value=0.85), "pass")
    url = reverse("audits:compare", args=[reaudit.pk])
    assert _client_for(outsider).get(url).status_code == 404
    response = _client_for(viewer).get(url)
    assert response.status_code == 200
    comparison = response.context["comparison"]
    # Changed ones first: the gate (fail -> pass) and TRN-01 (yes -> no), in checklist order.
    assert [q.code for q in comparison.questions_changed_first[:2]] == ["FAIR-G1", "TRN-01"]
    assert {q.code for q in comparison.changed_questions} == {"FAIR-G1", "TRN-01"}
    rows = {q.code: q for q in comparison.questions}
    assert (rows["TRN-01"].previous, rows["TRN-01"].current, rows["TRN-01"].status) == (
        "Yes",
        "No",
        "changed",
    )
    assert (rows[REWORDED].status, rows[REWORDED].question_changed) == ("same", "text")
    principles = {p.code: p for p in comparison.principles}
    # Fairness before: yes, yes, gate fail -> 100 * 2/3; now yes, yes, gate pass -> 100.
    assert principles["fairness"].previous == pytest.approx(100 * 2 / 3)
    assert principles["fairness"].current == pytest.approx(100.0)
    # Transparency: yes, yes -> 100; now no, yes -> 50.
    assert principles["transparency"].change == pytest.approx(-50.0)
    (gate,) = comparison.gates
    (row,) = gate.groupings
    assert (row.grouping, row.previous.text, row.current.text, row.change.text) == (
        "sex",
        "0.72",
        "0.85",
        "+0.13",
    )
    html = response.content.decode()
    assert "Compared with the earlier audit" in html and 'data-question="TRN-01"' in html


def test_an_audit_that_is_no_re_audit_gets_an_explaining_compare_page(audit, owner):
    response = _client_for(owner).get(reverse("audits:compare", args=[audit.pk]))
    assert response.status_code == 200
    assert 'id="not-a-reaudit"' in response.content.decode()


def test_the_report_and_pdf_of_a_re_audit_hold_the_comparison(reaudit, audit, owner):
    report_html = _client_for(owner).get(reverse("audits:report", args=[reaudit.pk])).content
    assert b'id="compare"' in report_html
    assert 'id="compare"' in render_report_html(build_report(reaudit))
    assert build_report(audit).comparison is None
    assert 'id="compare"' not in render_report_html(build_report(audit))


def test_an_oversize_inline_file_is_refused_by_the_upload_limit_and_nothing_saved(
    reaudit, auditor, settings
):
    settings.EVIDENCE_MAX_BYTES = 50
    client = _client_for(auditor)
    acc01 = _question(reaudit, "ACC-01")
    data = _answer_post(reaudit, "accountability", client, **{"ACC-02": "no"})
    data.update(
        {
            "add_evidence": str(acc01.pk),
            f"ev{acc01.pk}-kind": "file",
            f"ev{acc01.pk}-file": upload("big.pdf", PDF + b"x" * 100),
        }
    )
    response = client.post(_page(reaudit), data)
    assert response.status_code == 200
    assert "the limit is 50 bytes" in response.content.decode()
    assert not Evidence.objects.filter(audit=reaudit).exists()
    assert reaudit.answers.get(question__code="ACC-02").value == "yes"


def test_the_review_page_of_a_re_audit_links_the_comparison(reaudit, auditor, reviewer):
    reaudit.status = "in_review"
    reaudit.submitted_by = auditor
    reaudit.save(update_fields=["status", "submitted_by"])
    html = _client_for(reviewer).get(reverse("audits:review", args=[reaudit.pk])).content.decode()
    assert reverse("audits:compare", args=[reaudit.pk]) in html


def test_the_pdf_of_a_re_audit_prints_the_comparison(reaudit):
    pdf = render_report_pdf(build_report(reaudit))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Compared with the earlier audit" in text
    assert f"audit #{reaudit.previous_audit_id}" in text
