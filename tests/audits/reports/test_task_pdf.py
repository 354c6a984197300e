"""A report with a regression and a multiclass run: the PDF holds their sections' text, and the
CSV export their per-group and per-class rows."""

import csv
import io
import re

import pytest
from pypdf import PdfReader

from audits.reports.builder import build_report
from audits.reports.exports import metrics_csv
from audits.reports.pdf import render_report_pdf
from tests.audits.reports.data import make_run
from tests.audits.reports.task_data import (
    MULTICLASS_MAPPING,
    REGRESSION_MAPPING,
    task_result,
)


@pytest.fixture
def task_audit(audit, owner):
    make_run(audit, user=owner, result=task_result("regression"), mapping=REGRESSION_MAPPING)
    make_run(audit, user=owner, result=task_result("multiclass"), mapping=MULTICLASS_MAPPING)
    joined = {**REGRESSION_MAPPING, "id": "applicant_id"}
    make_run(audit, user=owner, result=task_result("join"), mapping=joined)
    return audit


def test_pdf_holds_the_regression_multiclass_and_join_sections(task_audit, tmp_path):
    pdf = render_report_pdf(build_report(task_audit))
    (tmp_path / "report.pdf").write_bytes(pdf)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    regression = task_result("regression")["groupings"][0]
    assert "Regression metrics by sex" in text
    assert f"{regression['groups'][0]['metrics']['mean_absolute_error']:.3f}" in text
    assert "Mean absolute error by sex" in text  # the chart's title, kept as text
    assert "Mean prediction against mean target by sex" in text
    assert "mean absolute error ratio" in text.lower()
    assert "Class “high” one-vs-rest by sex" in text
    assert "Confusion matrix of Female" in text
    assert "true-positive-rate ratio (equal opportunity) for class “high”" in text.lower()
    assert "unmatched: 10 prediction rows, 25 attribute rows" in text
    # The mapping in the task's words, not a binary decision's.
    assert "target approved_amount, prediction predicted_amount" in text
    assert "true class" in text and "predicted class" in text


def test_metrics_csv_has_a_row_per_group_and_per_class(task_audit):
    rows = list(csv.DictReader(io.StringIO(metrics_csv(build_report(task_audit)).decode())))
    regression = task_result("regression")["groupings"][0]
    female = next(
        r
        for r in rows
        if r["run_number"] == "1" and r["row_kind"] == "group" and r["group"] == "Female"
    )
    expected = next(g for g in regression["groups"] if g["label"] == "Female")
    assert float(female["mean_absolute_error"]) == pytest.approx(
        expected["metrics"]["mean_absolute_error"], abs=1e-12
    )
    assert float(female["mean_absolute_error_ci_low"]) == pytest.approx(
        expected["intervals"]["mean_absolute_error"][0], abs=1e-12
    )
    multiclass = task_result("multiclass")
    classes = [r for r in rows if r["run_number"] == "2" and r["row_kind"] == "class"]
    assert len(classes) == len(multiclass["classes_seen"]) * len(
        multiclass["groupings"][0]["groups"]
    )
    high = next(r for r in classes if r["group"] == "Female" and r["measure"] == "high")
    group = next(g for g in multiclass["groupings"][0]["groups"] if g["label"] == "Female")
    assert float(high["true_positive_rate"]) == pytest.approx(
        group["classes"]["high"]["true_positive_rate"], abs=1e-12
    )
    disparity = next(
        r
        for r in rows
        if r["run_number"] == "2"
        and r["row_kind"] == "disparity"
        and r["measure"] == "equal_opportunity_ratio[high]"
        and r["groups_used"] == "all"
    )
    value = multiclass["groupings"][0]["class_disparities"]["high"]["equal_opportunity_ratio"]
    assert float(disparity["value"]) == pytest.approx(value, abs=1e-12)
    checks = [r for r in rows if r["run_number"] == "2" and r["row_kind"] == "check"]
    assert [c["verdict"] for c in checks] == [c["verdict"] for c in multiclass["checks"]]
