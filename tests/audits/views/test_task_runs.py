"""The run page of a regression, multiclass, joined and count-table run: for the team, 404 outside."""

import pytest

from tests.audits.reports.data import make_run
from tests.audits.reports.task_data import (
    COUNTS_MAPPING,
    MULTICLASS_MAPPING,
    REGRESSION_MAPPING,
    task_result,
)

MAPPINGS = {
    "regression": REGRESSION_MAPPING,
    "multiclass": MULTICLASS_MAPPING,
    "join": {**REGRESSION_MAPPING, "id": "applicant_id"},
    "counts": COUNTS_MAPPING,
}


@pytest.fixture
def task_run(audit, owner):
    def make(kind: str):
        return make_run(audit, user=owner, result=task_result(kind), mapping=MAPPINGS[kind])

    return make


def test_regression_run_page_shows_metrics_verdicts_threshold_and_charts(owner_client, task_run):
    run = task_run("regression")
    response = owner_client.get(run.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    group = run.result["groupings"][0]["groups"][0]
    assert f"{group['metrics']['mean_absolute_error']:.3f}" in body
    assert "Mean absolute error by sex" in body  # the chart's accessible name
    assert "Mean prediction against mean target by sex" in body
    assert "LL144 table" in body  # --threshold: selection rates and impact ratios
    assert "Mean absolute error ratio" in body and "FAIL" in body
    assert '<dt class="col-sm-3">Task</dt><dd class="col-sm-9">regression</dd>' in body


def test_multiclass_run_page_shows_classes_and_confusion_heat_maps(owner_client, task_run):
    run = task_run("multiclass")
    body = owner_client.get(run.get_absolute_url()).content.decode()
    assert "Class “high” one-vs-rest by sex" in body
    assert "Confusion matrix of Female" in body
    assert 'role="img"' in body
    assert "true-positive-rate ratio (equal opportunity) for class “high”" in body.lower()
    assert "<h3>Confusion matrices by sex" in body  # under the grouping's h2 (axe heading-order)
    assert "LL144 table" not in body  # no favourable outcome, no impact ratios
    matrix = run.result["groupings"][0]["groups"][0]["confusion_matrix"]
    assert f'<td class="num">{matrix["rows_true_columns_predicted"][0][0]}</td>' in body


def test_join_and_count_table_run_pages_state_their_input(owner_client, task_run):
    body = owner_client.get(task_run("join").get_absolute_url()).content.decode()
    assert "unmatched: 10 prediction rows, 25 attribute rows" in body
    body = owner_client.get(task_run("counts").get_absolute_url()).content.decode()
    assert "40 lines expanded to 16,281 rows (counts in column row_count)" in body


@pytest.mark.parametrize("kind", ["regression", "multiclass"])
def test_a_viewer_sees_the_run_and_an_outsider_gets_404(
    viewer_client, outsider_client, task_run, kind
):
    run = task_run(kind)
    assert viewer_client.get(run.get_absolute_url()).status_code == 200
    assert outsider_client.get(run.get_absolute_url()).status_code == 404
