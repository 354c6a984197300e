"""A regression from the browser: upload, choose the task, map, run, the run page, the PDF."""

import pytest
from playwright.sync_api import expect

from audits.models import FairnessRun, RunStatus
from audits.services import audits as audit_services
from checklists.services import DEFAULT_CHECKLIST_PATH, default_checklist_load
from tests.audits.run_inputs_data import regression_csv

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _jobs_in_a_thread(settings):
    settings.FAIRNESS_JOB_MODE = "thread"
    settings.FAIRNESS_BOOTSTRAP_DRAWS = 50


def test_a_regression_journey(page, shot, auditor, team, tmp_path):
    version = default_checklist_load(path=DEFAULT_CHECKLIST_PATH)
    audit = audit_services.audit_create(
        team=team, user=auditor, title="Salary model", system_name="Salaries",
        checklist_version=version,
    )  # fmt: skip
    csv = tmp_path / "salaries.csv"
    csv.write_bytes(regression_csv())
    login(page, "auditor")
    page.goto(f"/audits/{audit.pk}/datasets/upload/")
    page.set_input_files("input[type=file]", str(csv))
    page.click("text=Upload and read the columns")
    # Fractions in the decision column: the page guesses a regression, and shows its fields only.
    expect(page.locator("input[name=task][value=regression]")).to_be_checked()
    expect(page.locator("input[name=decision_threshold]")).to_be_visible()
    expect(page.locator("select[name=pos_label]")).to_be_hidden()
    page.check("input[name=task][value=binary]")
    expect(page.locator("select[name=pos_label]")).to_be_visible()
    expect(page.locator("[data-mapping-warnings]")).to_contain_text("distinct values")
    page.check("input[name=task][value=regression]")
    page.select_option("select[name=y_true]", "actual")
    page.select_option("select[name=y_pred]", "predicted")
    page.check("input[name=sensitive][value=sex]")
    page.fill("input[name=decision_threshold]", "30")
    page.click("summary:has-text('Get the SQL')")
    expect(page.locator("[data-sql]")).to_contain_text('GROUP BY "sex", "actual", "predicted"')
    shot(page, "task-01-regression-mapping")
    page.click("text=Run the fairness analysis")
    # The run page polls its progress and reloads itself when done: the MAE chart per group.
    chart = page.locator("figure[aria-label^='Mean absolute error']")
    expect(chart).to_be_visible(timeout=120_000)
    shot(page, "task-02-regression-run")
    run = FairnessRun.objects.get(dataset__audit=audit)
    assert run.status == RunStatus.SUCCEEDED
    assert run.result["task"] == "regression"
    response = page.request.get(f"/audits/{audit.pk}/report.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
