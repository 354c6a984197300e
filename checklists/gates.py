"""Metric gates: a checklist question answered by a fairness check (see fairness/README.md, "Checks").

A gate is `{"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8}` and passes
when the metric meets the threshold on every grouping of a fairness run.
"""

import math
from typing import Any, TypeGuard

from fairness import COMPARISONS, NAMED_DISPARITY_NAMES

# fairlearn's named disparity functions (fairness/README.md); reports show these first.
NAMED_DISPARITIES = NAMED_DISPARITY_NAMES
# The metrics a gate may name: the LL144 impact ratio and fairlearn's named disparities.
GATE_METRICS = ("impact_ratio", *NAMED_DISPARITIES)
GATE_COMPARISONS = tuple(COMPARISONS)
GATE_KEYS = ("metric", "comparison", "threshold")

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
    for key in sorted(set(gate) - set(GATE_KEYS)):
        problems.append((f".{key}", f"unknown key (allowed: {', '.join(GATE_KEYS)})"))
    metric, comparison = gate.get("metric"), gate.get("comparison")
    if "metric" in gate and metric not in GATE_METRICS:
        problems.append(
            (".metric", f"{describe_json(metric)} is not one of {', '.join(GATE_METRICS)}")
        )
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


def describe_gate(gate: dict | None) -> str:
    """A gate in words: "demographic parity ratio ≥ 0.8 on every grouping"; "" when there is none."""
    if not gate:
        return ""
    metric = str(gate.get("metric", "?")).replace("_", " ")
    symbol = COMPARISON_SYMBOLS.get(str(gate.get("comparison")), str(gate.get("comparison")))
    threshold = gate.get("threshold")
    shown = format(threshold, "g") if is_number(threshold) else str(threshold)
    return f"{metric} {symbol} {shown} on every grouping"


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
