"""Files and gates of each task (issue 13 item 7), for the tests that run them as the app does."""

from audits.services.datasets import run_create

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
#: One gate of each task, under the codes the tests read.
TASK_GATES = {"FAIR-G1": BINARY_GATE, "FAIR-R1": MAE_GATE, "FAIR-M1": CLASS_GATE}


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


def binary_csv() -> bytes:
    """`sex,target,predicted` decisions 0/1: both sexes selected at 0.5."""
    lines = ["sex,target,predicted"]
    for i in range(400):
        lines.append(f"{'MF'[i % 2]},{i % 3 % 2},{i // 2 % 2}")
    return ("\n".join(lines) + "\n").encode()


TASK_FILES = {"binary": binary_csv, "regression": regression_csv, "multiclass": multiclass_csv}


def run_task_file(make_dataset, user, *, task: str):
    """Upload the task's file and map it as the mapping page does for the task; run in-process."""
    dataset = make_dataset(TASK_FILES[task](), f"{task}.csv")
    mapping = {"y_true": "target", "y_pred": "predicted", "score": None, "sensitive": ["sex"]}
    if task == "binary":
        mapping["pos_label"] = "1"
    return run_create(dataset=dataset, user=user, mapping=mapping, options={}, task=task)
