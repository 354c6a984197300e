"""Task gates end to end (issue 13 item 7): a regression or multiclass file, uploaded and run as the
app does, answers the checklist gates of its task and leaves the others unanswered.
"""

import pytest

from audits.models import Answer, FairnessRun, RunStatus
from audits.services.gates import gate_checks_by_task, gate_waiting_task, tasks_with_runs
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import gated_version
from tests.audits.task_gate_data import CLASS_GATE, TASK_GATES, run_task_file


@pytest.fixture
def checklist_version(db):
    return gated_version(TASK_GATES)


def _answers(audit) -> dict[str, Answer]:
    return {
        a.question.code: a for a in Answer.objects.filter(audit=audit).select_related("question")
    }


def test_a_regression_run_answers_the_regression_gate_and_leaves_the_binary_one(
    make_dataset, audit, owner
):
    run = run_task_file(make_dataset, owner, task="regression")
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    answers = _answers(audit)
    assert set(answers) == {"FAIR-R1"}  # the binary and multiclass gates wait for their runs
    answer = answers["FAIR-R1"]
    assert (answer.value, answer.run) == ("pass", run)
    assert answer.note_md.startswith(
        f"From fairness run #{run.pk}: mean absolute error ratio ≥ 0.8 on every grouping "
        "(regression runs) — passes."
    )
    assert "- mean absolute error ratio 1.00 (95% interval 1.00–1.00) on sex" in answer.note_md


def test_a_multiclass_run_answers_the_class_gate_and_names_the_class(make_dataset, audit, owner):
    run = run_task_file(make_dataset, owner, task="multiclass")
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    answers = _answers(audit)
    assert set(answers) == {"FAIR-M1"}
    answer = answers["FAIR-M1"]
    assert (answer.value, answer.run) == ("fail", run)  # class B: 0.15 / 0.30 = 0.5 < 0.8
    assert (
        'selection-rate ratio (demographic parity) ≥ 0.8 for class "B" on every grouping'
        in answer.note_md
    )
    assert (
        '- class "B": selection-rate ratio (demographic parity) 0.50 (95% interval'
        in answer.note_md
    )
    assert "on sex, reliable groups (threshold ≥ 0.8) — fails" in answer.note_md


def test_a_gate_on_every_class_names_each_class_it_read(make_dataset, audit, owner):
    every_class = {k: v for k, v in CLASS_GATE.items() if k != "class"}
    audit.checklist_version = gated_version({"FAIR-M2": every_class})
    audit.save()
    run = run_task_file(make_dataset, owner, task="multiclass")
    answer = _answers(audit)["FAIR-M2"]
    assert answer.value == "fail"  # class B decides; A and C may pass
    lines = [line for line in answer.note_md.splitlines() if line.startswith("- class")]
    assert [line.split(":")[0] for line in lines] == [
        '- class "A"',
        '- class "B"',
        '- class "C"',
    ], run.result["checks"]


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("binary", [("demographic_parity_ratio", None, "FAIR-G1")]),
        ("regression", [("mean_absolute_error_ratio", None, "FAIR-R1")]),
        ("multiclass", [("demographic_parity_ratio", "B", "FAIR-M1")]),
    ],
)
def test_a_run_is_configured_with_the_gates_of_its_task_only(make_dataset, owner, task, expected):
    run = run_task_file(make_dataset, owner, task=task)
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    gates = [c for c in run.config["checks"] if c["source"] == "gate"]
    assert [(c["metric"], c.get("class"), c["question"]) for c in gates] == expected


def test_gate_checks_by_task_gives_each_tasks_gates_in_one_query(audit, django_assert_num_queries):
    with django_assert_num_queries(1):
        groups = gate_checks_by_task(audit)
    assert [(task, [c["question"] for c in checks]) for task, checks in groups] == [
        ("binary", ["FAIR-G1"]),
        ("regression", ["FAIR-R1"]),
        ("multiclass", ["FAIR-M1"]),
    ]
    assert dict(groups)["multiclass"][0]["class"] == "B"


def test_tasks_with_runs_counts_successful_predictions_runs_in_one_query(
    make_dataset, audit, owner, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert tasks_with_runs(audit) == set()
    run_task_file(make_dataset, owner, task="binary")
    failed = run_task_file(make_dataset, owner, task="multiclass")
    FairnessRun.objects.filter(pk=failed.pk).update(status=RunStatus.FAILED)
    assert tasks_with_runs(audit) == {"binary"}
    run_task_file(make_dataset, owner, task="regression")
    with django_assert_num_queries(1):
        assert tasks_with_runs(audit) == {"binary", "regression"}


def test_a_document_without_a_task_is_a_binary_run(make_dataset, audit, owner):
    run = run_task_file(make_dataset, owner, task="binary")
    FairnessRun.objects.filter(pk=run.pk).update(result={"schema": "fairness-report/1"})
    assert tasks_with_runs(audit) == {"binary"}


@pytest.mark.parametrize(
    ("gate", "tasks", "waiting"),
    [
        (TASK_GATES["FAIR-R1"], {"binary"}, "regression"),
        (TASK_GATES["FAIR-R1"], {"binary", "regression"}, None),
        (CLASS_GATE, set(), "multiclass"),
        (TASK_GATES["FAIR-G1"], {"regression"}, "binary"),
        (TASK_GATES["FAIR-G1"], {"binary"}, None),
        # A regression-only metric without "task" is a regression gate (checklists.gates).
        (
            {"metric": "mean_absolute_error_ratio", "comparison": ">=", "threshold": 0.8},
            set(),
            "regression",
        ),
        ({"metric": "refusal_rate_ratio", "comparison": ">=", "threshold": 0.8}, set(), None),
    ],
)
def test_a_gate_waits_for_a_run_of_its_own_task(gate, tasks, waiting):
    assert gate_waiting_task(gate, tasks) == waiting
