"""axe-core on every kind of page of the demo, in Chromium, at desktop and phone widths.

The demo (`seed_demo`: a predictions audit with a run, an approved audit, an LLM audit with an
LLM run) is what a new user sees first, so it is what is checked: home, audit list, audit,
principle, mapping, both kinds of run page, review, report, the prompt set, the API tokens page
and the admin's checklist pages. A serious or critical violation fails the test with the rule,
the element and axe's summary; minor and moderate ones are not gated here.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from audits.models import Audit, Dataset, DatasetKind, FairnessRun
from checklists.models import ChecklistVersion

pytestmark = pytest.mark.django_db(transaction=True)

GATED_IMPACTS = ("serious", "critical")
WIDTHS = (1280, 390)


@pytest.fixture
def demo(settings):
    settings.FAIRNESS_BOOTSTRAP_DRAWS = 50
    call_command("seed_demo", force=True, verbosity=0)
    predictions = Audit.objects.get(title="Income model fairness audit")
    llm = Audit.objects.get(title__startswith="Support assistant")
    dataset = Dataset.objects.get(audit=predictions, kind=DatasetKind.PREDICTIONS)
    return {
        "predictions": predictions,
        "llm": llm,
        "dataset": dataset,
        "run": FairnessRun.objects.filter(dataset__audit=predictions).latest("pk"),
        "llm_run": FairnessRun.objects.filter(dataset__audit=llm).latest("pk"),
        "version": ChecklistVersion.objects.order_by("pk").first(),
    }


def _pages(demo) -> dict[str, list[str]]:
    audit, llm = demo["predictions"].pk, demo["llm"].pk
    return {
        "demo-auditor": [
            "/",
            "/audits/",
            f"/audits/{audit}/",
            f"/audits/{audit}/principles/fairness/",
            f"/audits/{audit}/datasets/{demo['dataset'].pk}/map/",
            f"/audits/{audit}/runs/{demo['run'].pk}/",
            f"/audits/{llm}/runs/{demo['llm_run'].pk}/",
            f"/audits/{audit}/report/",
            f"/audits/{llm}/prompt-set/",
            "/account/api-tokens/",
        ],
        "demo-reviewer": [f"/audits/{audit}/review/"],
        "demo-admin": [
            "/admin/checklists/checklistversion/",
            f"/admin/checklists/checklistversion/{demo['version'].pk}/change/",
        ],
    }


def _login(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("form button[type=submit]")
    page.wait_for_url("**/")


def _serious(results) -> list[str]:
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in GATED_IMPACTS:
            for node in violation["nodes"][:3]:
                summary = " ".join(node.get("failureSummary", "").split())[:160]
                found.append(f"{violation['id']} {node['target']}: {summary}")
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_every_demo_page_passes_axe(browser, live_server, demo, width):
    axe = Axe()
    problems: list[str] = []
    checked = 0
    for username, urls in _pages(demo).items():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        _login(page, username)
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, response)
            page.wait_for_load_state()
            problems += [f"{url} ({width}px): {p}" for p in _serious(axe.run(page))]
            checked += 1
        context.close()
    assert checked == sum(len(urls) for urls in _pages(demo).values())
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


def test_audit_page_fits_a_phone(browser, live_server, demo):
    """At 390 px the principle and run tables fit (no clipped badge) and a file name wraps at a
    readable width (the trial saw the band badges cut off and one character per line)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 900})
    page = context.new_page()
    _login(page, "demo-auditor")
    page.goto(f"/audits/{demo['predictions'].pk}/")
    for name in ("Table of principle scores", "Table of datasets and runs"):
        region = page.get_by_role("region", name=name)
        overflow = region.evaluate("el => el.scrollWidth - el.clientWidth")
        assert overflow <= 0, f"{name} overflows by {overflow}px at 390px"
    band = page.get_by_role("region", name="Table of principle scores").locator(".badge").first
    assert band.is_visible()
    file_name = page.get_by_role("region", name="Table of datasets and runs").get_by_text(
        demo["dataset"].original_name
    )
    box = file_name.bounding_box()
    assert box is not None and box["height"] < 60, box  # at most two lines of text
    context.close()
