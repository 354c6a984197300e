"""The four journeys of issue 6, each in a real Chromium against the live server.

They run on PostgreSQL in .ci/run, with fairness runs in a background thread (as `make run` does),
so the progress bar is really polled. Screenshots of the key pages land in `screenshots/`.
"""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from audits.models import Audit, AuditStatus, ReportSnapshot
from audits.services import audits as audit_services
from audits.services import evidence as evidence_services
from audits.services import gates as gate_services
from audits.services.answers import AnswerChange, answers_save
from checklists.models import AnswerKind, ChecklistVersion
from checklists.services import DEFAULT_CHECKLIST_PATH, default_checklist_load

from .conftest import login

ADULT_CSV = Path(__file__).resolve().parents[2] / "demo_data" / "adult_predictions.csv"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def default_version(db):
    # Version 1 only: the journeys publish the next version themselves (the admin journey).
    return default_checklist_load(path=DEFAULT_CHECKLIST_PATH)


@pytest.fixture(autouse=True)
def _jobs_in_a_thread(settings):
    settings.FAIRNESS_JOB_MODE = "thread"
    settings.FAIRNESS_BOOTSTRAP_DRAWS = 200


def _answer_page(page, audit, principle_code: str) -> None:
    """Answer every question of a principle page as a person would: the first option, or text."""
    page.goto(f"/audits/{audit.pk}/principles/{principle_code}/")
    for article in page.locator("article").all():
        radios = article.locator("input[type=radio]")
        if radios.count():
            radios.first.check()
        elif article.locator("textarea[name$='-value']").count():
            article.locator("textarea[name$='-value']").fill(
                "Adults applying for credit in the UK."
            )
    page.click("button.btn-primary[name=save]")
    expect(page.locator(".alert-success")).to_contain_text("Saved")


def _add_link_evidence(page, audit, question) -> None:
    page.goto(f"/audits/{audit.pk}/evidence/add/?question={question.pk}")
    page.check("input[name=kind][value=link]")
    page.fill("input[name=url]", f"https://intranet.example.org/{question.code.lower()}")
    page.click("form button[type=submit]:has-text('Add evidence')")
    expect(page.locator(".alert-success")).to_be_visible()


def test_auditor_journey(page, shot, auditor, team, default_version):
    login(page, "auditor")
    shot(page, "01-home-auditor")
    page.click("nav >> text=Audits")
    page.click("text=Start an audit")
    page.fill("input[name=title]", "Credit model audit")
    page.fill("input[name=system_name]", "Income classifier")
    page.click("input[type=submit][value='Create audit']")
    expect(page.locator("h1")).to_contain_text("Credit model audit")
    audit = Audit.objects.get(title="Credit model audit")

    _answer_page(page, audit, "fairness")
    shot(page, "02-principle-fairness")

    page.goto(audit.get_absolute_url())
    page.click("text=Upload predictions")
    page.set_input_files("input[type=file]", str(ADULT_CSV))
    page.click("text=Upload and read the columns")
    expect(page.locator("select[name=y_true]")).to_have_value("income_over_50k")
    shot(page, "03-mapping")
    page.click("text=Run the fairness analysis")
    # The run page polls the progress endpoint and reloads itself when the run is done.
    expect(
        page.get_by_text("Selection-rate impact ratio 0.32 for Female is below the 0.8").first
    ).to_be_visible(timeout=120_000)
    shot(page, "04-run-result")

    for principle in ("accountability", "transparency", "human-oversight"):
        _answer_page(page, audit, principle)
    for question in default_version.questions.filter(evidence_required=True):
        _add_link_evidence(page, audit, question)

    page.goto(audit.get_absolute_url())
    expect(page.get_by_text("Gate fails").first).to_be_visible()
    page.click("button:has-text('Submit for review')")
    expect(page.locator(".alert-success")).to_contain_text("Submitted for review")
    shot(page, "05-audit-submitted")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_REVIEW


def _submitted_audit(team, auditor, version) -> Audit:
    audit = audit_services.audit_create(
        team=team,
        user=auditor,
        title="Chatbot audit",
        system_name="Assistant",
        checklist_version=version,
    )
    questions = list(version.questions.all())
    answers_save(
        audit=audit,
        user=auditor,
        changes=[
            AnswerChange(
                question=q,
                value=q.answer_options()[0][0] if q.answer_options() else "Text",
                note_md="",
                seen_revision=0,
            )
            for q in questions
            if q.answer_kind != AnswerKind.GATE
        ],
    )
    for q in questions:
        if q.answer_kind == AnswerKind.GATE:
            gate_services.gate_override(
                audit=audit,
                question=q,
                user=auditor,
                value="na",
                justification="No selection decisions are made about people by this system.",
            )
        if q.evidence_required:
            evidence_services.evidence_add_link(
                audit=audit, user=auditor, url="https://example.org/evidence", question=q
            )
    return audit_services.audit_submit(audit=audit, user=auditor)


def test_reviewer_journey(browser, live_server, shot, team, auditor, reviewer, default_version):
    audit = _submitted_audit(team, auditor, default_version)
    reviewer_page = browser.new_context(base_url=live_server.url, accept_downloads=True).new_page()
    login(reviewer_page, "reviewer")
    reviewer_page.goto(audit.get_absolute_url())
    reviewer_page.click("text=Review this audit")
    reviewer_page.check("input[name=decision][value=changes_requested]")
    reviewer_page.fill(
        "textarea[name=principle_fairness]", "FAIR-01 needs the bias study attached."
    )
    shot(reviewer_page, "06-review-form")
    reviewer_page.click("text=Record the decision")
    expect(reviewer_page.locator(".alert-success")).to_contain_text("changes requested")

    auditor_page = browser.new_context(base_url=live_server.url).new_page()
    login(auditor_page, "auditor")
    auditor_page.goto(f"/audits/{audit.pk}/principles/fairness/")
    expect(auditor_page.get_by_text("FAIR-01 needs the bias study attached.")).to_be_visible()
    shot(auditor_page, "07-changes-requested")
    auditor_page.locator("#q-FAIR-01 input[type=radio][value=partial]").check()
    auditor_page.locator("#q-FAIR-01 textarea[name$='-note_md']").fill("Bias study attached.")
    auditor_page.click("button.btn-primary[name=save]")
    expect(auditor_page.locator(".alert-success")).to_contain_text("Saved 1 answer")
    auditor_page.goto(audit.get_absolute_url())
    auditor_page.click("button:has-text('Submit for review')")
    expect(auditor_page.locator(".alert-success")).to_contain_text("Submitted")

    reviewer_page.goto(f"/audits/{audit.pk}/review/")
    expect(reviewer_page.get_by_text("FAIR-01").first).to_be_visible()  # changed since last review
    reviewer_page.check("input[name=decision][value=approved]")
    reviewer_page.click("text=Record the decision")
    expect(reviewer_page.locator(".alert-success").first).to_contain_text("approved")
    shot(reviewer_page, "08-approved")
    # The seal follows the approval in a job; the audit page reloads itself until it is there.
    reviewer_page.goto(audit.get_absolute_url())
    expect(reviewer_page.get_by_text("Sealed", exact=True)).to_be_visible(timeout=30_000)

    with reviewer_page.expect_download() as download_info:
        reviewer_page.click("a:has-text('PDF')")
    pdf = Path(download_info.value.path()).read_bytes()
    sealed = ReportSnapshot.objects.get(audit=audit, kind="pdf")
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == sealed.sha256


def test_admin_journey(
    browser, live_server, shot, admin_user, team, owner, auditor, reviewer, default_version
):
    approved = _submitted_audit(team, auditor, default_version)
    audit_services.audit_review(audit=approved, user=reviewer, decision="approved")

    page = browser.new_context(base_url=live_server.url).new_page()
    login(page, "admin", password="password")
    page.goto("/admin/checklists/checklistversion/")
    page.locator(f"input[name=_selected_action][value='{default_version.pk}']").check()
    page.select_option("select[name=action]", label="Create a new draft from selected version")
    page.click("button[name=index]")
    draft = ChecklistVersion.objects.get(checklist=default_version.checklist, status="draft")
    page.goto(f"/admin/checklists/checklistversion/{draft.pk}/change/")
    shot(page, "09-admin-draft")
    # The version's questions are a table; a question is edited on its own page.
    page.locator("td.field-edit_link a").first.click()
    text = page.locator("textarea[name=text]")
    text.fill(text.input_value() + " (revised wording)")
    page.click("input[name=_save]")
    page.wait_for_url(f"**/admin/checklists/checklistversion/{draft.pk}/change/")
    expect(page.locator(".messagelist")).to_be_visible()
    page.goto("/admin/checklists/checklistversion/")
    page.locator(f"input[name=_selected_action][value='{draft.pk}']").check()
    page.select_option("select[name=action]", label="Publish selected versions")
    page.click("button[name=index]")
    draft.refresh_from_db()
    assert draft.status == "published"
    assert "(revised wording)" in draft.questions.order_by("principle__order", "order").first().text

    owner_page = browser.new_context(base_url=live_server.url).new_page()
    login(owner_page, "owner")
    owner_page.goto(approved.get_absolute_url())
    expect(owner_page.locator("main")).to_contain_text("v1")
    owner_page.click("button:has-text('Start a re-audit')")
    expect(owner_page.locator("h1")).to_contain_text("re-audit")
    expect(owner_page.locator("main")).to_contain_text("v2")
    shot(owner_page, "10-reaudit")
    approved.refresh_from_db()
    assert approved.checklist_version == default_version and approved.status == "approved"


def test_outsider_journey(page, shot, outsider, team, auditor, default_version):
    audit = audit_services.audit_create(
        team=team,
        user=auditor,
        title="Secret audit",
        system_name="S",
        checklist_version=default_version,
    )
    login(page, "outsider")
    expect(page.locator("main")).not_to_contain_text("Secret audit")
    page.goto("/audits/")
    expect(page.locator("main")).not_to_contain_text("Secret audit")
    for path in (
        audit.get_absolute_url(),
        f"/audits/{audit.pk}/principles/fairness/",
        f"/audits/{audit.pk}/report/",
        f"/audits/{audit.pk}/report.pdf",
        f"/audits/{audit.pk}/export.json",
        f"/audits/{audit.pk}/datasets/upload/",
    ):
        response = page.goto(path)
        assert response.status == 404, path
    shot(page, "11-outsider-404")
