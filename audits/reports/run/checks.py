"""The checks of a run: when two checks are the same test, and each check as plain data.

A checklist gate such as "impact_ratio >= 0.8" repeats the engine's four-fifths screen, and two
gate questions may name one test: `same_check` is the one rule, used to configure a run's gate
checks (`audits.services.gates`) and to show each test of a run once.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from checklists.gates import COMPARISON_SYMBOLS, is_number

from .numbers import Cell, metric_cell

FOUR_FIFTHS_METRICS = {"impact_ratio": "selection", "scoring_impact_ratio": "scoring"}


def same_check(a: dict, b: dict) -> bool:
    """Whether two checks test the same thing: one metric, comparison and (numeric) threshold.

    The grouping is not compared: callers compare checks of one grouping, or gather a gate's
    checks over every grouping.
    """
    return (
        a.get("metric") == b.get("metric")
        and a.get("comparison") == b.get("comparison")
        and is_number(a.get("threshold"))
        and is_number(b.get("threshold"))
        and math.isclose(float(a["threshold"]), float(b["threshold"]), abs_tol=1e-12)
    )


def unique_checks(checks: Iterable[dict]) -> list[dict]:
    """The checks without repeats: the first of each `same_check` test on each grouping."""
    kept: list[dict] = []
    for check in checks:
        grouping = check.get("grouping")
        if not any(k.get("grouping") == grouping and same_check(k, check) for k in kept):
            kept.append(check)
    return kept


@dataclass(frozen=True)
class CheckResult:
    """One check of a run on one grouping, as the engine evaluated it."""

    name: str
    metric: str
    grouping: str
    comparison: str
    threshold: float
    value: float | None
    passed: bool | None  # None: the value is undefined (see `reason`)
    reason: str

    @property
    def label(self) -> str:
        basis = FOUR_FIFTHS_METRICS.get(self.metric)
        if basis:
            return f"four-fifths screen ({basis} rates)"
        return self.metric.replace("_", " ")

    @property
    def symbol(self) -> str:
        return COMPARISON_SYMBOLS.get(self.comparison, self.comparison)

    @property
    def requirement(self) -> str:
        return f"{self.symbol} {self.threshold:g}"

    @property
    def value_cell(self) -> Cell:
        return metric_cell(self.metric, self.value, why=self.reason or None)


def check_results(result: dict | None) -> list[CheckResult]:
    """The checks of a run's report document, each test once per grouping, in the engine's order."""
    return [
        CheckResult(
            name=str(c.get("name") or c.get("metric")),
            metric=str(c.get("metric", "")),
            grouping=str(c.get("grouping", "")),
            comparison=str(c.get("comparison", ">=")),
            threshold=c.get("threshold", 0.0),
            value=c.get("value"),
            passed=c.get("passed"),
            reason=str(c.get("reason") or ""),
        )
        for c in unique_checks((result or {}).get("checks", []))
    ]
