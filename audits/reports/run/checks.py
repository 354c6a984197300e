"""The checks of a run: when two checks are the same test, and each check as plain data.

A checklist gate such as "impact_ratio >= 0.8" repeats the engine's four-fifths screen, and two
gate questions may name one test: `same_check` is the one rule, used to configure a run's gate
checks (`audits.services.gates`) and to show each test of a run once.

When the decision is the score split at its median, the selection-rate and the scoring impact
ratios of a grouping are one finding with the same numbers: `fold_findings` keeps the first and
says the other is the same, so a flag, a count and a warning say it once.

Each check carries the engine's three-way verdict (pass, fail, inconclusive: from its 95% interval
against the threshold), the groups it was read on and the groups that set its value (drivers). A
document stored before verdicts has none of these: its verdict is its point comparison (`passed`).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from checklists.gates import COMPARISON_SYMBOLS, is_number

from .labels import metric_words, with_class
from .numbers import RATE_DIGITS, Cell, interval_text, metric_cell

FOUR_FIFTHS_METRICS = {"impact_ratio": "selection", "scoring_impact_ratio": "scoring"}
#: Checks on these metrics are one finding when their numbers are the same (`fold_findings`).
TWIN_METRICS = frozenset(FOUR_FIFTHS_METRICS)
PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
#: Failed checks first, then inconclusive ones, then the rest.
VERDICT_ORDER = {FAIL: 0, INCONCLUSIVE: 1, PASS: 2}
#: How each verdict is shown: a word, an icon (never colour alone) and a badge tone.
VERDICT_WORDS = {PASS: "PASS", FAIL: "FAIL", INCONCLUSIVE: "INCONCLUSIVE"}
VERDICT_ICONS = {PASS: "✓", FAIL: "✗", INCONCLUSIVE: "?"}
VERDICT_TONES = {PASS: "success", FAIL: "danger", INCONCLUSIVE: "warning"}
GROUP_WORDS = {
    "reliable": "reliable groups",
    "all": "all groups",
    "ll144": "LL144 groups (excluded ones left out)",
}
PART_WORDS = {"true_positive_rate": "TPR", "false_positive_rate": "FPR"}


def check_verdict(check: dict) -> str:
    """A check entry's verdict; for a document written before verdicts, from `passed`."""
    verdict = check.get("verdict")
    if verdict in VERDICT_ORDER:
        return str(verdict)
    passed = check.get("passed")
    if passed is None:
        return INCONCLUSIVE  # undefined: nothing was measured either way
    return PASS if passed else FAIL


def _rate(value: object) -> str:
    return f"{value:.{RATE_DIGITS}f}" if is_number(value) else "—"


def drivers_text(metric: str, value: float | None, drivers: dict | None) -> str:
    """Who sets a value, as "0.32: Female 0.079 vs Male 0.249" (lowest vs highest rate).

    Equalized odds names its part ("TPR Female … vs Male …"); an impact ratio names its reference
    group; a `to_overall` disparity adds the group farthest from the overall value. "" without
    drivers (an older document, or an undefined value).
    """
    if not drivers or value is None or drivers.get("min") is None:
        return ""
    head = metric_cell(metric, value).text
    if "reference" in drivers:
        return (
            f"{head}: {drivers['min']} {_rate(drivers.get('min_value'))} vs "
            f"{drivers['reference']} {_rate(drivers.get('reference_value'))} (reference)"
        )
    part = PART_WORDS.get(str(drivers.get("part")), "")
    if drivers.get("min_value") == drivers.get("max_value"):
        return f"{head}: {part + ' ' if part else ''}every group {_rate(drivers.get('min_value'))}"
    text = (
        f"{head}: {part + ' ' if part else ''}{drivers['min']} {_rate(drivers.get('min_value'))} "
        f"vs {drivers.get('max')} {_rate(drivers.get('max_value'))}"
    )
    if drivers.get("farthest") is not None:
        text += (
            f"; farthest from the overall {_rate(drivers.get('overall_value'))}: "
            f"{drivers['farthest']} {_rate(drivers.get('farthest_value'))}"
        )
    return text


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
        # A multiclass check is run once per class: each class's entry is its own test.
        and a.get("class") == b.get("class")
    )


def unique_checks(checks: Iterable[dict]) -> list[dict]:
    """The checks without repeats: the first of each `same_check` test on each grouping."""
    kept: list[dict] = []
    for check in checks:
        grouping = check.get("grouping")
        if not any(k.get("grouping") == grouping and same_check(k, check) for k in kept):
            kept.append(check)
    return kept


def _close(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if is_number(a) and is_number(b):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        return all(_close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def same_finding(a: dict, b: dict) -> bool:
    """Whether two checks of one grouping say the same thing with the same numbers.

    The selection-rate and scoring impact ratios coincide when the decision is the score split
    at its median (every score strictly above the median is selected): same grouping, comparison,
    threshold, value, interval and verdict. Anything else is a finding of its own.
    """
    return (
        {a.get("metric"), b.get("metric")} == TWIN_METRICS
        and a.get("grouping") == b.get("grouping")
        and a.get("class") == b.get("class")
        and a.get("comparison") == b.get("comparison")
        and _close(a.get("threshold"), b.get("threshold"))
        and a.get("value") is not None
        and _close(a.get("value"), b.get("value"))
        and _close(a.get("interval"), b.get("interval"))
        and check_verdict(a) == check_verdict(b)
    )


def fold_findings(checks: Iterable[dict]) -> list[tuple[dict, str | None]]:
    """Each check with the metric of the twin folded into it (None when there is none)."""
    kept: list[tuple[dict, str | None]] = []
    for check in checks:
        twin = next((i for i, (k, _) in enumerate(kept) if same_finding(k, check)), None)
        if twin is None:
            kept.append((check, None))
        elif kept[twin][1] is None:
            kept[twin] = (kept[twin][0], str(check.get("metric")))
    return kept


class VerdictShown:
    """How a check's verdict is shown: the word, the icon and the colour tone (one table each)."""

    verdict: str

    @property
    def verdict_word(self) -> str:
        return VERDICT_WORDS[self.verdict]

    @property
    def verdict_icon(self) -> str:
        return VERDICT_ICONS[self.verdict]

    @property
    def verdict_tone(self) -> str:
        return VERDICT_TONES[self.verdict]


@dataclass(frozen=True)
class CheckResult(VerdictShown):
    """One check of a run on one grouping, as the engine evaluated it."""

    name: str
    metric: str
    grouping: str
    comparison: str
    threshold: float
    value: float | None
    passed: bool | None  # the point comparison; None: the value is undefined (see `reason`)
    reason: str
    verdict: str = PASS  # pass, fail or inconclusive (`check_verdict`)
    verdict_basis: str | None = None  # "interval", "point", or None (undefined, older document)
    verdict_reason: str = ""
    interval: tuple[float, float] | None = None
    check_groups: str | None = None  # "reliable", "all", "ll144"; None in an older document
    drivers: dict | None = None
    class_name: str | None = None  # a multiclass check's class (one-vs-rest); None otherwise
    same_as: str | None = None  # the metric of a twin check with the same numbers, folded in

    @property
    def failed(self) -> bool:
        return self.verdict == FAIL

    @property
    def inconclusive(self) -> bool:
        return self.verdict == INCONCLUSIVE

    @property
    def groups_text(self) -> str:
        """Which groups the value was read on, in words ("" for an older document)."""
        return GROUP_WORDS.get(self.check_groups or "", "")

    @property
    def interval_text(self) -> str:
        return self.value_cell.interval

    @property
    def drivers_text(self) -> str:
        return drivers_text(self.metric, self.value, self.drivers)

    @property
    def label(self) -> str:
        """The check in a reader's words ("selection-rate impact ratio"), with its class."""
        return with_class(metric_words(self.metric), self.class_name)

    @property
    def same_as_text(self) -> str:
        """What a folded twin says ("" when none): the same value and interval for it."""
        if self.same_as is None:
            return ""
        return f"the {metric_words(self.same_as)} has the same value and interval"

    @property
    def symbol(self) -> str:
        return COMPARISON_SYMBOLS.get(self.comparison, self.comparison)

    @property
    def requirement(self) -> str:
        return f"{self.symbol} {self.threshold:g}"

    @property
    def value_cell(self) -> Cell:
        return metric_cell(self.metric, self.value, interval=self.interval, why=self.reason or None)


def check_results(result: dict | None) -> list[CheckResult]:
    """The checks of a run's report document, each test and finding once per grouping, in the
    engine's order."""
    checks = unique_checks((result or {}).get("checks", []))
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
            verdict=check_verdict(c),
            verdict_basis=c.get("verdict_basis"),
            verdict_reason=str(c.get("verdict_reason") or ""),
            interval=_interval(c.get("interval")),
            check_groups=c.get("check_groups"),
            drivers=c.get("drivers") or None,
            class_name=None if c.get("class") is None else str(c["class"]),
            same_as=twin,
        )
        for c, twin in fold_findings(checks)
    ]


def _interval(value: object) -> tuple[float, float] | None:
    if interval_text(value, RATE_DIGITS) and isinstance(value, list | tuple):
        return float(value[0]), float(value[1])
    return None
