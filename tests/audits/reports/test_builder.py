"""build_report: plain data, constant queries, the figures the report shows."""

import dataclasses
import datetime

import pytest
from django.db import connection, models
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext

from audits import selectors
from audits.models import ActionStatus, RemediationAction
from audits.reports.builder import AuditReport, build_report
from audits.reports.pdf import render_report_html
from audits.reports.run.impact import DEFAULT_EXCLUSION_JUSTIFICATION
from tests.factories import AuditFactory

from .data import (
    add_evidence,
    add_reviews_and_actions,
    adult_mapping,
    adult_result,
    answer_all,
    make_run,
    make_version,
)


def _audit_with(questions: int, *, team, auditor, reviewer, runs: int):
    audit = AuditFactory(team=team, checklist_version=make_version(questions), created_by=auditor)
    for _ in range(runs):
        make_run(audit, user=auditor, result=adult_result(), mapping=adult_mapping())
    answer_all(audit, user=auditor)
    add_evidence(audit, user=auditor)
    add_reviews_and_actions(audit, auditor=auditor, reviewer=reviewer)
    return audit


def _queries(audit) -> int:
    with CaptureQueriesContext(connection) as context:
        build_report(audit, charts=False)
    return len(context.captured_queries)


def test_query_count_is_the_same_for_10_and_100_questions(team, auditor, reviewer):
    small = _audit_with(10, team=team, auditor=auditor, reviewer=reviewer, runs=1)
    large = _audit_with(100, team=team, auditor=auditor, reviewer=reviewer, runs=3)

    small_queries, large_queries = _queries(small), _queries(large)

    assert small_queries == large_queries
    assert large_queries <= 12


def _walk(value, path="report"):
    yield path, value
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}[{key!r}]")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def test_report_is_plain_data_without_models_or_querysets(demo_audit):
    report = build_report(demo_audit)

    plain = (str, int, float, bool, type(None), datetime.datetime, datetime.date)
    for path, value in _walk(report):
        assert not isinstance(value, models.Model | QuerySet), path
        if not (dataclasses.is_dataclass(value) or isinstance(value, dict | list | tuple)):
            assert isinstance(value, plain), f"{path} is a {type(value).__name__}"


def test_scores_are_those_of_the_audit_page(demo_audit):
    report = build_report(demo_audit, charts=False)
    scores = selectors.audit_scores(demo_audit)

    assert report.overall_score == pytest.approx(scores.overall)
    assert [(p.code, p.score, p.band) for p in report.principles] == [
        (p.code, p.score, p.band) for p in scores.principles
    ]
    assert [p.name for p in report.principles] == [
        "Fairness",
        "Accountability",
        "Transparency",
        "Human oversight",
    ]
    assert report.answered == report.total == 50


def test_key_findings_are_failed_gates_then_no_answers_then_open_actions(demo_audit):
    report = build_report(demo_audit, charts=False)

    kinds = [f.kind for f in report.findings]
    assert kinds == sorted(kinds, key=["gate", "answer", "action"].index)
    gates = [f.code for f in report.findings if f.kind == "gate"]
    assert gates == ["FAIR-05", "FAIR-06", "FAIR-07", "FAIR-08"]  # the Adult data fails them
    no_answers = [f for f in report.findings if f.kind == "answer"]
    assert no_answers and all(f.detail.startswith("Answered “") for f in no_answers)
    assert "FAIR-04" in [f.code for f in no_answers]
    assert [f.text for f in report.findings if f.kind == "action"] == [
        "Investigate the low selection rate for women; test a re-weighted model."
    ]


def test_done_actions_are_not_findings(demo_audit):
    RemediationAction.objects.filter(audit=demo_audit).update(status=ActionStatus.DONE)

    report = build_report(demo_audit, charts=False)

    assert not [f for f in report.findings if f.kind == "action"]
    assert len(report.actions) == 2


def test_answers_carry_their_history_summary_and_evidence(demo_audit, auditor):
    report = build_report(demo_audit, charts=False)
    by_code = {q.code: q for q in report.questions}

    revised = by_code["FAIR-01"]  # answer_all saves every fifth answer twice
    assert revised.history.changes == 2
    assert revised.history.contributors == ("auditor",)
    assert revised.history.first_answered_at <= revised.history.last_changed_at
    assert [e.name for e in revised.evidence] == ["fair-01-evidence.pdf"]
    assert revised.evidence[0].sha256 == "00" * 32
    gate = by_code["FAIR-05"]
    assert gate.value == "fail" and gate.run_id == report.runs[0].id
    assert [e.run_id for e in gate.evidence if e.kind == "run"] == [report.runs[0].id]


def test_reviewer_comments_are_attached_to_their_principle(demo_audit):
    report = build_report(demo_audit, charts=False)
    comments = {p.code: [c.text for c in p.reviewer_comments] for p in report.principles}

    assert comments["fairness"] == [
        "Attach the data bias report for each split, not only training."
    ]
    assert comments["human-oversight"] == ["Name the officers who can override a decision."]
    assert comments["transparency"] == []


def test_fairness_run_figures_come_from_the_engine_document(demo_audit):
    report = build_report(demo_audit)
    (run,) = report.runs
    by_sex = run.groupings[0]

    assert [g.name for g in run.groupings] == ["sex", "race", "sex x race"]
    assert [r.label for r in by_sex.rows] == ["Female", "Male"]
    assert by_sex.rows[0].rates[0].text == "0.079"  # selection rate of women
    assert by_sex.rows[1].rates[0].text == "0.249"
    assert by_sex.rows[0].rates[0].interval
    assert by_sex.impact.rows[0].cells["impact_ratio"].text == "0.32"
    assert by_sex.flags[0].text.startswith(
        "Selection-rate impact ratio 0.32 for Female is below the 0.8"
    )
    assert "<svg" in by_sex.chart_svg and "Female" in by_sex.chart_svg
    assert run.result["schema"] == "fairness-report/1"


def test_ll144_table_lists_excluded_groups_with_their_counts_and_the_justification(demo_audit):
    report = build_report(demo_audit, charts=False)
    by_race = report.runs[0].groupings[1].impact

    assert by_race.excluded == ["Amer-Indian-Eskimo", "Other"]
    excluded = {r.label: r for r in by_race.rows if r.excluded}
    assert excluded["Other"].count == 135 and excluded["Other"].impact_ratio is None
    assert excluded["Other"].selection_rate is not None
    assert by_race.justification == DEFAULT_EXCLUSION_JUSTIFICATION.format(share=0.02)
    assert by_race.has_scoring and by_race.scoring_reference_group


def test_ll144_table_counts_unknown_values_and_leaves_them_out_of_impact_ratios(
    audit, auditor, tmp_path
):
    from fairness import ColumnMapping, assess

    lines = ["label,decision,sex"]
    for i in range(300):
        sex = "" if i % 10 == 0 else ("F" if i % 2 else "M")
        lines.append(f"{i % 2},{1 if i % 3 == 0 else 0},{sex}")
    path = tmp_path / "predictions.csv"
    path.write_text("\n".join(lines) + "\n")
    mapping = {"y_true": "label", "y_pred": "decision", "sensitive": ["sex"], "pos_label": "1"}
    result = assess(path, ColumnMapping(**mapping), bootstrap_draws=50).to_dict()
    make_run(audit, user=auditor, result=result, mapping=mapping)

    impact = build_report(audit, charts=False).runs[0].groupings[0].impact

    assert impact.unknown_count == 30
    unknown = [r for r in impact.rows if r.unknown]
    assert [(r.label, r.count, r.impact_ratio) for r in unknown] == [("Unknown", 30, None)]
    assert not impact.has_scoring


def test_failed_and_queued_runs_are_listed_without_figures(audit, auditor):
    run = make_run(audit, user=auditor, result=adult_result(), mapping=adult_mapping())
    run.status, run.result, run.error_message = "failed", None, "The column “sex” is missing."
    run.save()

    report = build_report(audit, charts=False)

    (item,) = report.runs
    assert not item.succeeded and item.groupings == [] and report.succeeded_runs == []
    assert item.error_message == "The column “sex” is missing."


def test_report_type_is_the_dataclass(demo_audit):
    assert isinstance(build_report(demo_audit, charts=False), AuditReport)


def test_a_run_is_named_by_its_id_everywhere_in_the_report(demo_audit, large_audit):
    report = build_report(large_audit, charts=False)  # its runs come after the demo audit's
    html = render_report_html(report)

    runs = report.succeeded_runs
    assert all(run.id != run.number for run in runs)  # so the id and the position differ
    assert [run.name for run in runs] == [f"Run #{run.id}" for run in runs]
    (dataset,) = [h for h in report.input_hashes if h.kind == "dataset"]
    assert dataset.used_by == ", ".join(run.name for run in runs)
    for run in runs:
        heading = f"&ensp;{run.name}: {run.dataset_name}</h3>"
        assert heading in html  # the chapter heading
        assert f'<a href="#run-{run.id}">{run.name}</a>' in html  # the summary
        assert f"<td>{run.name}</td>" in html  # the appendix's library versions
    assert not any(f"Run {run.number}:" in html for run in runs)
