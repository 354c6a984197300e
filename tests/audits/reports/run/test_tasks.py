"""Regression, multiclass, joined and count-table runs as shown: every figure is the document's."""

from audits.reports.run.checks import check_results
from audits.reports.run.groupings import grouping_sections
from audits.reports.run.tasks import input_facts, task_detail
from tests.audits.reports.task_data import task_result


def _detail(kind: str, **kwargs):
    result = task_result(kind)
    return result, result["groupings"][0], task_detail(result, result["groupings"][0], **kwargs)


def test_a_binary_run_has_no_task_detail():
    result = task_result("counts")
    assert task_detail(result, result["groupings"][0]) is None
    assert all(s.task is None for s in grouping_sections(result, {}))


def test_regression_rows_show_each_metric_and_interval_of_the_document():
    _, grouping, detail = _detail("regression")
    assert detail.task == "regression"
    assert detail.columns[:3] == ["Mean target", "Mean prediction", "MAE"]
    assert detail.has_threshold  # --threshold: selection rates and impact ratios
    for row, group in zip(detail.rows, grouping["groups"], strict=True):
        assert (row.label, row.count) == (group["label"], group["count"])
        assert row.method == group["interval_method"]
        mae = row.cells[2]
        assert mae.value == group["metrics"]["mean_absolute_error"]
        assert mae.text == f"{group['metrics']['mean_absolute_error']:.3f}"
        low, high = group["intervals"]["mean_absolute_error"]
        assert mae.interval.replace("\u200b", "") == f"{low:.3f}–{high:.3f}"
        assert row.cells[4].value == group["metrics"]["r2"]


def test_regression_disparities_are_the_documents_with_reliable_twins():
    _, grouping, detail = _detail("regression")
    shown = {name: (main, reliable) for name, main, reliable in detail.disparities}
    main, reliable = shown["mean absolute error ratio"]
    assert main.value == grouping["disparities"]["mean_absolute_error_ratio"]
    assert main.text == f"{grouping['disparities']['mean_absolute_error_ratio']:.2f}"
    assert reliable.value == grouping["reliable_disparities"]["mean_absolute_error_ratio"]
    assert len(shown) == len(grouping["disparities"])


def test_regression_checks_carry_the_engines_verdicts():
    result, _, _ = _detail("regression")
    (section,) = grouping_sections(result, {})
    verdicts = {c.metric: c.verdict for c in section.checks}
    engine = {c["metric"]: c["verdict"] for c in result["checks"]}
    assert verdicts == engine
    assert verdicts["mean_absolute_error_ratio"] == "fail"  # the built-in bias
    assert section.failed_flags and section.charts == []  # no empty binary rate charts


def test_regression_draws_the_error_and_prediction_target_charts():
    _, _, detail = _detail("regression")
    titles = [c["title"] for c in detail.charts]
    assert titles == [
        "Mean absolute error by group",
        "Mean prediction against mean target by group",
    ]
    assert all('role="img"' in c["svg"] and "aria-label" in c["svg"] for c in detail.charts)
    assert _detail("regression", charts=False)[2].charts == []


def test_multiclass_shows_every_class_of_every_group_and_its_disparities():
    result, grouping, detail = _detail("multiclass")
    assert [b.name for b in detail.classes] == result["classes_seen"]
    for block in detail.classes:
        for row, group in zip(block.rows, grouping["groups"], strict=True):
            rates = group["classes"][block.name]
            assert [c.value for c in row.cells] == [
                rates["selection_rate"],
                rates["true_positive_rate"],
                rates["false_positive_rate"],
                rates["precision"],
            ]
        shown = dict(block.disparities)
        expected = grouping["class_disparities"][block.name]["equal_opportunity_ratio"]
        assert shown["true-positive-rate ratio (equal opportunity)"].value == expected
    accuracy = [row.cells[0].value for row in detail.rows]
    assert accuracy == [g["metrics"]["accuracy"] for g in grouping["groups"]]


def test_multiclass_confusion_matrices_are_the_documents_with_text_in_each_cell():
    _, grouping, detail = _detail("multiclass")
    assert len(detail.confusions) == len(grouping["groups"])
    for shown, group in zip(detail.confusions, grouping["groups"], strict=True):
        matrix = group["confusion_matrix"]
        assert shown.labels == matrix["labels"]
        assert shown.matrix == matrix["rows_true_columns_predicted"]
        assert shown.labelled_rows[0] == (
            matrix["labels"][0],
            matrix["rows_true_columns_predicted"][0],
        )
        for row in matrix["rows_true_columns_predicted"]:
            for count in row:
                assert f">{count}</text>" in shown.svg


def test_multiclass_checks_name_their_class_and_are_not_merged():
    result = task_result("multiclass")
    result["checks"].append({**result["checks"][0], "class": "low", "verdict": "pass"})
    checks = check_results(result)
    assert [c.label for c in checks] == [
        "true-positive-rate ratio (equal opportunity) for class “high”",
        "true-positive-rate ratio (equal opportunity) for class “low”",
    ]
    assert checks[0].verdict == task_result("multiclass")["checks"][0]["verdict"]


def test_input_facts_report_the_join_with_unmatched_rows_of_each_side():
    facts = dict(input_facts(task_result("join")))
    join = task_result("join")["input"]["join"]
    assert facts["Task"] == "regression"
    assert facts["Input format"] == "CSV"
    text = facts["Join"]
    assert f"{join['matched_rows']:,} matched" in text
    assert "10 prediction rows, 25 attribute rows" in text
    assert "on id column applicant_id" in text
    assert "matched as text" in text and "ids integer and text" in text


def test_input_facts_say_a_count_table_was_expanded_with_its_total():
    data = task_result("counts")["input"]
    facts = dict(input_facts(task_result("counts")))
    assert facts["Count table"] == (
        f"{data['cells']} lines expanded to {data['rows']:,} rows (counts in column row_count)"
    )
    assert "inferred" in facts["Task"]


def test_input_facts_name_parquet():
    assert dict(input_facts(task_result("parquet")))["Input format"] == "Parquet"
    assert input_facts(None) == []
