"""Metric gates: a checklist question answered by a fairness check (see fairness/README.md, "Checks").

A gate is `{"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8}` and passes
when the metric meets the threshold on every grouping of a fairness run. A gate may also name a
check of the text engine (`fairness.text.TEXT_CHECK_METRICS`, e.g. `refusal_rate_ratio`): it is
answered from an LLM run and passes when every group meets it against the reference group
(/work/shared/design/LLM.md, "Checks and gates"). `impact_ratio` exists in both engines; a gate
naming it is read as the predictions' (tabular) one, as before LLM runs existed.
"""

import math
from typing import Any, TypeGuard

from fairness import (
    CLASS_CHECK_METRICS,
    COMPARISONS,
    NAMED_DISPARITY_NAMES,
    REGRESSION_CHECK_METRICS,
    TASKS,
)
from fairness.text import COMPARISON_METRICS as TEXT_COMPARISON_METRICS
from fairness.text import TEXT_CHECK_METRICS

# fairlearn's named disparity functions (fairness/README.md); reports show these first.
NAMED_DISPARITIES = NAMED_DISPARITY_NAMES
# Gates answered from a fairness run on predictions: the LL144 impact ratio and fairlearn's
# named disparities.
TABULAR_GATE_METRICS: tuple[str, ...] = ("impact_ratio", *NAMED_DISPARITIES)
# Gates answered from an LLM run: every check the text engine knows, as it names them.
TEXT_GATE_METRICS: tuple[str, ...] = TEXT_CHECK_METRICS
# The metrics a gate may name: either kind (impact_ratio, in both, once).
GATE_METRICS: tuple[str, ...] = tuple(dict.fromkeys((*TABULAR_GATE_METRICS, *TEXT_GATE_METRICS)))
# Which kind of run answers a gate on a metric.
RUN_KIND_TABULAR = "tabular"
RUN_KIND_TEXT = "text"
GATE_COMPARISONS = tuple(COMPARISONS)
GATE_KEYS = ("metric", "comparison", "threshold")
#: Optional keys: the task whose runs answer the gate (default binary) and, multiclass, a class.
GATE_OPTIONAL_KEYS = ("task", "class")
BINARY, REGRESSION, MULTICLASS = "binary", "regression", "multiclass"
GATE_TASKS: tuple[str, ...] = TASKS
#: The metrics a gate on each task may name (the engine's vocabulary; binary as before tasks).
TASK_GATE_METRICS: dict[str, tuple[str, ...]] = {
    BINARY: TABULAR_GATE_METRICS,
    REGRESSION: REGRESSION_CHECK_METRICS,
    MULTICLASS: CLASS_CHECK_METRICS,
}
#: Metrics only a regression run measures: a gate naming one without a task is a regression gate.
#: Inferred, not refused: no other run could answer it, so "task" would only repeat the metric;
#: metrics several tasks share (impact_ratio, selection_rate_ratio) stay binary without a task.
REGRESSION_ONLY_METRICS = (
    frozenset(REGRESSION_CHECK_METRICS) - set(GATE_METRICS) - set(CLASS_CHECK_METRICS)
)

COMPARISON_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def is_number(value: Any) -> TypeGuard[int | float]:
    """True for a finite int or float (JSON number); False for booleans, NaN and infinities."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def gate_problems(gate: Any) -> list[tuple[str, str]]:
    """Every problem with a gate's shape, as (path below the gate, message); empty when valid."""
    if not isinstance(gate, dict):
        return [("", f"expected an object with {', '.join(GATE_KEYS)}, got {describe_json(gate)}")]
    problems = []
    for key in GATE_KEYS:
        if key not in gate:
            problems.append((f".{key}", "is missing"))
    allowed = (*GATE_KEYS, *GATE_OPTIONAL_KEYS)
    for key in sorted(set(gate) - set(allowed)):
        problems.append((f".{key}", f"unknown key (allowed: {', '.join(allowed)})"))
    metric, comparison = gate.get("metric"), gate.get("comparison")
    if "task" in gate or "class" in gate:
        problems += _task_problems(gate)
    elif "metric" in gate and metric not in GATE_METRICS and metric not in REGRESSION_ONLY_METRICS:
        problems.append((".metric", f"{describe_json(metric)} is not one of {_metric_names()}"))
    if "comparison" in gate and comparison not in GATE_COMPARISONS:
        problems.append(
            (
                ".comparison",
                f"{describe_json(comparison)} is not one of {', '.join(GATE_COMPARISONS)}",
            )
        )
    if "threshold" in gate and not is_number(gate["threshold"]):
        problems.append(
            (".threshold", f"expected a number, got {describe_json(gate['threshold'])}")
        )
    return problems


def _task_problems(gate: dict) -> list[tuple[str, str]]:
    """Problems of a gate that names a task or a class: the task's metrics, the class's place."""
    task = gate.get("task", BINARY)
    if task not in GATE_TASKS:
        return [(".task", f"{describe_json(task)} is not one of {', '.join(GATE_TASKS)}")]
    problems = []
    metric = gate.get("metric")
    if "metric" in gate and metric not in TASK_GATE_METRICS[task]:
        problems.append(
            (
                ".metric",
                f"{describe_json(metric)} is not a {task} gate metric; use one of "
                f"{', '.join(TASK_GATE_METRICS[task])}",
            )
        )
    if "class" in gate:
        cls = gate["class"]
        if task != MULTICLASS:
            problems.append(
                (".class", 'only a multiclass gate names a class (add "task": "multiclass")')
            )
        elif not isinstance(cls, str) or not cls.strip():
            problems.append((".class", f"expected a class label (text), got {describe_json(cls)}"))
    return problems


def gate_task(gate: dict | None) -> str | None:
    """The task whose runs answer a predictions gate (binary by default); None for an LLM gate."""
    gate = gate or {}
    if "task" in gate:
        return str(gate["task"])
    if gate.get("metric") in REGRESSION_ONLY_METRICS:
        return REGRESSION
    return None if gate_run_kind(gate) == RUN_KIND_TEXT else BINARY


def _metric_names() -> str:
    text_only = [m for m in TEXT_GATE_METRICS if m not in TABULAR_GATE_METRICS]
    return (
        f"{', '.join(TABULAR_GATE_METRICS)} (from predictions) or "
        f"{', '.join(text_only)} (from LLM responses)"
    )


def gate_run_kind(gate: dict | None) -> str | None:
    """Which kind of run answers the gate: "tabular" (predictions), "text" (LLM responses), or None.

    `impact_ratio` is in both engines and is read as the predictions' one.
    """
    metric = (gate or {}).get("metric")
    if "task" in (gate or {}) or metric in REGRESSION_ONLY_METRICS:
        return RUN_KIND_TABULAR
    if metric in TABULAR_GATE_METRICS:
        return RUN_KIND_TABULAR
    if metric in TEXT_GATE_METRICS:
        return RUN_KIND_TEXT
    return None


def describe_gate(gate: dict | None) -> str:
    """A gate in words: "demographic parity ratio ≥ 0.8 on every grouping"; "" when there is none.

    A text-engine gate reads "refusal rate ratio ≥ 0.8 for every group against the reference" (a
    comparison metric) or "refusal rate ≤ 0.1 for every group" (a per-group metric).
    """
    if not gate:
        return ""
    metric_name = str(gate.get("metric", "?"))
    metric = metric_name.replace("_", " ")
    symbol = COMPARISON_SYMBOLS.get(str(gate.get("comparison")), str(gate.get("comparison")))
    threshold = gate.get("threshold")
    shown = format(threshold, "g") if is_number(threshold) else str(threshold)
    if gate_run_kind(gate) == RUN_KIND_TEXT:
        if metric_name in TEXT_COMPARISON_METRICS:
            return f"{metric} {symbol} {shown} for every group against the reference"
        return f"{metric} {symbol} {shown} for every group"
    task = gate_task(gate)
    if task in (None, BINARY):
        return f"{metric} {symbol} {shown} on every grouping"
    cls = gate.get("class")
    where = f'for class "{cls}" ' if task == MULTICLASS and cls is not None else ""
    if task == MULTICLASS and cls is None and metric_name in CLASS_CHECK_METRICS:
        where = "for every class "
    return f"{metric} {symbol} {shown} {where}on every grouping ({task} runs)"


def gate_passes(gate: dict, value: float | None) -> bool | None:
    """Whether one metric value meets the gate; None when the value is undefined (null)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return bool(COMPARISONS[gate["comparison"]](value, gate["threshold"]))


def describe_json(value: Any) -> str:
    """A short rendering of a JSON value for an error message: `"maybe"`, `3`, `null`, `an array`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return '"' + shown.replace('"', '\\"') + '"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
