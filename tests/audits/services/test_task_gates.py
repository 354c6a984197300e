"""Task gates end to end (issue 13 item 7): a regression or multiclass file, uploaded and run as the
app does, answers the checklist gates of its task and leaves the others unanswered.
"""

import pytest

from audits.models import Answer, RunStatus
from audits.services.datasets import run_create
from tests.audits.dataset_fixtures import *  # noqa: F403  (the datasets fixtures apply here)
from tests.audits.dataset_fixtures import gated_version

MAE_GATE = {
    "metric": "mean_absolute_error_ratio",
    "comparison": ">=",
    "threshold": 0.8,
    "task": "regression",
}
BINARY_GATE = {"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8}
CLASS_GATE = {
    "metric": "demographic_parity_ratio",
    "comparison": ">=",
    "threshold": 0.8,
    "task": "multiclass",
    "class": "B",
}


def regression_csv() -> bytes:
    """`sex,target,predicted`: 100 rows per sex, every prediction off by 5: MAE ratio 1."""
    lines = ["sex,target,predicted"]
    for i in range(200):
        target = 100 + i % 50
        lines.append(f"{'MF'[i % 2]},{target},{target + (5 if i % 4 < 2 else -5)}")
    return ("\n".join(lines) + "\n").encode()


def multiclass_csv() -> bytes:
    """`sex,target,predicted` over classes A, B, C: B predicted for 30% of M, 15% of F.

    Class B's demographic parity ratio is 0.15 / 0.30 = 0.5.
    """
    lines = ["sex,target,predicted"]
    for sex, b_share in (("M", 120), ("F", 60)):
        for i in range(400):
            pred = "B" if i < b_share else ("A" if i % 2 else "C")
            lines.append(f"{sex},{'ABC'[i % 3]},{pred}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def checklist_version(db):
    return gated_version({"FAIR-G1": BINARY_GATE, "FAIR-R1": MAE_GATE, "FAIR-M1": CLASS_GATE})


def _answers(audit) -> dict[str, Answer]:
    return {
        a.question.code: a for a in Answer.objects.filter(audit=audit).select_related("question")
    }


def _run(dataset, user, *, task: str):
    """Map the upload as the mapping page does for the task and run it in-process."""
    mapping = {"y_true": "target", "y_pred": "predicted", "score": None, "sensitive": ["sex"]}
    return run_create(dataset=dataset, user=user, mapping=mapping, options={}, task=task)


def test_a_regression_run_answers_the_regression_gate_and_leaves_the_binary_one(
    make_dataset, audit, owner
):
    run = _run(make_dataset(regression_csv(), "loans.csv"), owner, task="regression")
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
    run = _run(make_dataset(multiclass_csv(), "triage.csv"), owner, task="multiclass")
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    answers = _answers(audit)
    assert set(answers) == {"FAIR-M1"}
    answer = answers["FAIR-M1"]
    assert (answer.value, answer.run) == ("fail", run)  # class B: 0.15 / 0.30 = 0.5 < 0.8
    assert 'demographic parity ratio ≥ 0.8 for class "B" on every grouping' in answer.note_md
    assert '- class "B": demographic parity ratio 0.50 (95% interval' in answer.note_md
    assert "on sex, reliable groups (threshold ≥ 0.8) — fails" in answer.note_md


def test_a_gate_on_every_class_names_each_class_it_read(make_dataset, audit, owner):
    every_class = {k: v for k, v in CLASS_GATE.items() if k != "class"}
    audit.checklist_version = gated_version({"FAIR-M2": every_class})
    audit.save()
    run = _run(make_dataset(multiclass_csv(), "triage.csv"), owner, task="multiclass")
    answer = _answers(audit)["FAIR-M2"]
    assert answer.value == "fail"  # class B decides; A and C may pass
    lines = [line for line in answer.note_md.splitlines() if line.startswith("- class")]
    assert [line.split(":")[0] for line in lines] == [
        '- class "A"',
        '- class "B"',
        '- class "C"',
    ], run.result["checks"]
