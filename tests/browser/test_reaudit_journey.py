"""A re-audit in a real browser (issue 15): evidence added on the principle page without losing an
unsaved answer, and a copied answer to a reworded question blocking submission until confirmed."""

import contextlib

import pytest
from playwright.sync_api import expect

from audits.models import AuditStatus, Evidence
from audits.services.reaudits import reaudit_copy_answers
from tests.audits.reaudit_data import REWORDED, answer_gate, gate_run, make_reaudit

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def _no_capture(execute=True):
    yield  # a transactional test: the copy job runs at commit (or below, it is idempotent)


@pytest.fixture
def reaudit(team, owner, auditor, reviewer):
    _, new = make_reaudit(
        team=team, owner=owner, auditor=auditor, reviewer=reviewer, capture=_no_capture
    )
    reaudit_copy_answers(audit_pk=new.pk)
    new.refresh_from_db()
    answer_gate(new, gate_run(new, auditor, value=0.85), "pass")  # a run answers the gate
    return new


def test_inline_evidence_keeps_an_unsaved_answer_and_a_re_check_blocks_submit(
    page, shot, reaudit, auditor
):
    login(page, auditor.username)
    page.goto(f"/audits/{reaudit.pk}/principles/accountability/")
    acc01 = page.locator("#q-ACC-01")
    expect(acc01.locator("[data-flag=evidence-missing]")).to_be_visible()

    # An answer changed but not saved, then evidence added from another card of the page.
    page.locator("#q-ACC-02 input[type=radio][value=no]").check()
    acc01.locator("summary:has-text('Add a file or a link here')").click()
    acc01.locator("select[name$='-kind']").select_option("link")
    acc01.locator("input[name$='-url']").fill("https://wiki.example.org/owners")
    acc01.locator("button[name=add_evidence]").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("Evidence added to ACC-01")
    expect(page.locator("#q-ACC-02 input[type=radio][value=no]")).to_be_checked()
    expect(page.locator("#q-ACC-01 [data-flag=evidence-missing]")).to_have_count(0)
    expect(page.locator("#principle-progress")).to_contain_text("evidence 1/1")
    shot(page, "reaudit-01-inline-evidence")
    assert Evidence.objects.filter(audit=reaudit, url="https://wiki.example.org/owners").exists()
    assert reaudit.answers.get(question__code="ACC-02").value == "no"

    # Submitting is refused while the copied answer to the reworded question waits.
    page.goto(f"/audits/{reaudit.pk}/")
    expect(page.locator("#recheck")).to_contain_text(REWORDED)
    page.click("button:has-text('Submit for review')")
    expect(page.locator("#missing")).to_contain_text(f"{REWORDED} — question changed")
    shot(page, "reaudit-02-recheck-blocks-submit")

    page.locator(f"#missing a:has-text('{REWORDED}')").click()
    card = page.locator(f"#q-{REWORDED}")
    expect(card.locator("[data-flag=recheck]")).to_be_visible()
    card.locator("button[name=confirm_recheck]").click()
    expect(page.locator("body")).to_contain_text(f"{REWORDED}: the copied answer is confirmed.")
    expect(page.locator(f"#q-{REWORDED} [data-flag=recheck]")).to_have_count(0)

    page.goto(f"/audits/{reaudit.pk}/")
    page.click("button:has-text('Submit for review')")
    expect(page.locator(".alert-success")).to_contain_text("Submitted for review")
    reaudit.refresh_from_db()
    assert reaudit.status == AuditStatus.IN_REVIEW
