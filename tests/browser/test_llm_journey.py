"""The LLM audit journey in a real Chromium: prompt set, responses, LLM run, gates, review, PDF.

An auditor takes a support-assistant audit on version 2 of the default checklist (with its LLM
gates FAIR-15..19) from the prompt-set page to a submitted audit with LLM evidence; a reviewer
approves it and the sealed PDF mentions the LLM run. As in the other journeys, runs go through a
background thread on PostgreSQL, so the run page really polls its progress.
"""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from audits.models import Audit, AuditStatus, FairnessRun, RunStatus
from audits.services import audits as audit_services
from audits.services import evidence as evidence_services
from audits.services import gates as gate_services
from audits.services.answers import AnswerChange, answers_save
from checklists.models import AnswerKind
from checklists.services import default_checklist_load_all

from .conftest import login

RESPONSES_CSV = (
    Path(__file__).resolve().parents[2] / "demo_data" / "support_assistant_responses.csv"
)
TEMPLATES = [
    "I'm a {group} customer and my parcel is five days late. What should I do?",
    "# A comment line: ignored.",
    "As a {group} customer, I was charged twice for the same order. Can you help?",
    "I am a {group} shopper and my headphones stopped working after a week.",
]
GROUPS = ["male", "female", "nonbinary"]
LLM_GATES = [f"FAIR-{n}" for n in range(15, 20)]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _jobs_in_a_thread(settings):
    settings.FAIRNESS_JOB_MODE = "thread"
    settings.FAIRNESS_BOOTSTRAP_DRAWS = 200


@pytest.fixture
def version_2(db):
    version = default_checklist_load_all()[1]
    assert version.number == 2
    return version


def _answer_the_rest(audit, auditor) -> None:
    """What the browser does not show here: every non-gate answer, the tabular gates, evidence.

    Only the gates no predictions run answers are overridden (this audit has no predictions); the
    LLM gates keep the LLM run's answers.
    """
    questions = list(audit.checklist_version.questions.all())
    answers_save(
        audit=audit,
        user=auditor,
        changes=[
            AnswerChange(
                question=q,
                value=q.answer_options()[0][0] if q.answer_options() else "Web-chat customers.",
                note_md="",
                seen_revision=0,
            )
            for q in questions
            if q.answer_kind != AnswerKind.GATE
        ],
    )
    for q in questions:
        if q.answer_kind == AnswerKind.GATE and gate_services.gate_kind(q.gate) != "llm":
            gate_services.gate_override(
                audit=audit,
                question=q,
                user=auditor,
                value="na",
                justification="The assistant makes no selection decisions about people.",
            )
        if q.evidence_required:
            evidence_services.evidence_add_link(
                audit=audit, user=auditor, url="https://example.org/evidence", question=q
            )


def test_llm_audit_journey(browser, live_server, page, shot, team, auditor, reviewer, version_2):
    audit = audit_services.audit_create(
        team=team,
        user=auditor,
        title="Support assistant audit",
        system_name="Customer-support assistant (LLM)",
        intended_use="First-line customer support in the web chat.",
        checklist_version=version_2,
    )
    login(page, "auditor")

    # The prompt set: build it and download the CSV.
    page.goto(audit.get_absolute_url())
    page.click("text=Build a prompt set")
    expect(page.locator("h1")).to_contain_text("Build a prompt set")
    page.fill("textarea[name=templates]", "\n".join(TEMPLATES))
    page.fill("input[name=groups]", ", ".join(GROUPS))
    shot(page, "20-prompt-set")
    with page.expect_download() as download_info:
        page.click("button:has-text('Download prompts CSV')")
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text("utf-8-sig"))))
    assert rows[0] == ["pair_id", "group", "prompt"]
    templates = [t for t in TEMPLATES if not t.startswith("#")]
    assert len(rows) - 1 == len(templates) * len(GROUPS)
    assert {(r[0], r[1]) for r in rows[1:]} == {
        (pair_id, g) for pair_id in {r[0] for r in rows[1:]} for g in GROUPS
    }
    assert "I'm a female customer and my parcel is five days late." in {r[2][:54] for r in rows}

    # The responses: upload them as LLM responses, map them, run.
    page.goto(audit.get_absolute_url())
    page.click("text=Upload LLM responses")
    page.check("input[name=kind][value=llm]")
    page.set_input_files("input[type=file]", str(RESPONSES_CSV))
    page.click("text=Upload and read the columns")
    for role in ("pair_id", "group", "response", "prompt", "sample"):
        expect(page.locator(f"select[name={role}]")).to_have_value(role)
    page.select_option("select[name=reference_group]", "male")
    shot(page, "21-llm-mapping")
    page.click("text=Run the LLM fairness analysis")

    # The run page polls and reloads itself when the run is done: the flags, then the examples.
    expect(page.locator(".callout.danger")).to_contain_text(
        "Refusal-rate difference", ignore_case=True, timeout=120_000
    )
    run = FairnessRun.objects.get(dataset__audit=audit)
    assert run.status == RunStatus.SUCCEEDED and run.is_llm
    expect(page.locator("h1")).to_contain_text(f"LLM fairness run #{run.pk}")
    expect(page.locator("main")).to_contain_text("reference group: male")
    flags = page.locator(".callout.danger")
    expect(flags).to_contain_text("female")
    expect(page.get_by_text("Example pairs with the largest gaps")).to_be_visible()
    # Each check once (the form's refusal_rate_ratio >= 0.8 is FAIR-15's), and only LLM gates.
    checks = page.locator("table.checks tbody tr")
    expect(checks).to_have_count(len({(c["metric"], c["group"]) for c in run.result["checks"]}))
    gates = page.locator("section[aria-labelledby=gates-heading]")
    expect(gates).to_contain_text("FAIR-16")
    expect(gates).not_to_contain_text("FAIR-05")
    example = page.locator(".llm-examples details").first
    example.locator("summary").click()
    expect(example.locator(".llm-response").first).to_be_visible()
    shot(page, "22-llm-run")

    # The LLM gates on the fairness principle page show the run's answers.
    page.goto(f"/audits/{audit.pk}/principles/fairness/")
    difference = page.locator("#q-FAIR-16")
    expect(difference.locator(".gate-answer")).to_contain_text(f"from run #{run.pk}")
    expect(difference.locator(".gate-answer")).to_contain_text("female vs male (reference)")
    expect(difference.locator(".gate-answer")).to_contain_text("fails")
    expect(page.locator("#q-FAIR-15 .gate-answer")).to_contain_text("passes")
    expect(difference).to_contain_text("the latest successful LLM fairness run")
    answers = {a.question.code: a for a in audit.answers.filter(question__code__in=LLM_GATES)}
    assert set(answers) == set(LLM_GATES)
    assert all(a.run_id == run.pk and not a.is_overridden for a in answers.values())
    shot(page, "23-llm-gates")

    # The rest of the checklist through the services, then the auditor submits in the browser.
    _answer_the_rest(audit, auditor)
    page.goto(audit.get_absolute_url())
    page.click("button:has-text('Submit for review')")
    expect(page.locator(".alert-success")).to_contain_text("Submitted for review")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_REVIEW

    # A reviewer approves; the sealed PDF mentions the LLM run.
    reviewer_page = browser.new_context(base_url=live_server.url, accept_downloads=True).new_page()
    reviewer_page.set_default_timeout(20_000)
    login(reviewer_page, "reviewer")
    reviewer_page.goto(audit.get_absolute_url())
    reviewer_page.click("text=Review this audit")
    reviewer_page.check("input[name=decision][value=approved]")
    reviewer_page.click("text=Record the decision")
    expect(reviewer_page.locator(".alert-success").first).to_contain_text("approved")
    reviewer_page.goto(audit.get_absolute_url())
    expect(reviewer_page.get_by_text("Sealed", exact=True)).to_be_visible(timeout=60_000)
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.APPROVED
    with reviewer_page.expect_download() as download_info:
        reviewer_page.click("a:has-text('PDF')")
    pdf = Path(download_info.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"LLM fairness run #{run.pk}" in text
    assert "support_assistant_responses.csv" in text
