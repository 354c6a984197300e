"""A run's findings in sentences: the draft of a remediation action, and the warnings a reader sees.

Pure functions on the stored documents (no database): the action page asks `action_draft` for
the check a flag's "New action" names, and the run page and the report show `reader_warnings`
instead of the engine's warnings, whose check names are slugs ("Check 'four_fifths_scoring' on
race is inconclusive") and which repeat a finding a gate or the scoring twin already said.
"""

import re
from dataclasses import dataclass

from .checks import FAIL, INCONCLUSIVE, CheckResult, check_results, same_check
from .labels import (
    MEASURES,
    capfirst,
    check_words,
    measure_of,
    measure_words,
    metric_words,
)
from .numbers import RATE_DIGITS

# The engine's warnings about checks (fairness/_warnings.py and fairness/text/_assess.py).
_UNDETERMINED = re.compile(
    r"^Check '(?P<name>.+?)' could not be evaluated on (?P<where>.+?): (?P<why>.*)$"
)
_INCONCLUSIVE = re.compile(
    r"^Check '(?P<name>.+?)' on (?P<where>.+?) is inconclusive: (?P<why>.*)$"
)
_LLM_CHECK = re.compile(r"^Check (?P<metric>[a-z0-9_]+) on '(?P<where>.+?)': (?P<why>.*)$")
# Per-group measures that are shares (shown as percentages in a sentence); others are values.
_SHARES = frozenset(MEASURES) - {
    "f1", "roc_auc", "mean_prediction", "mean_target", "mean_absolute_error",
    "root_mean_squared_error", "r2", "mean_error", "mean_tokens", "sentiment_compound",
}  # fmt: skip
#: Equalized odds names the rate that sets it.
_PARTS = ("true_positive_rate", "false_positive_rate")


@dataclass(frozen=True)
class ActionDraft:
    """What a new remediation action starts with when it comes from a run's flag."""

    check_name: str  # the check in words, with its grouping
    description: str  # the finding with its numbers, and the run it was found in
    question_code: str | None  # the gate question the check answers, when there is one


def find_check(
    result: dict | None, *, name: str, grouping: str, class_name: str | None = None
) -> CheckResult | None:
    """The shown check a flag names: by its name, or by a repeat or twin folded into it."""
    shown = [
        c for c in check_results(result) if c.grouping == grouping and c.class_name == class_name
    ]
    for check in shown:
        if check.name == name:
            return check
    for raw in (result or {}).get("checks", []):
        if raw.get("name") != name or raw.get("grouping") != grouping:
            continue
        for check in shown:
            if same_check(raw, _as_dict(check)) or raw.get("metric") == check.same_as:
                return check
    return None


def _as_dict(check: CheckResult) -> dict:
    """The check as `same_check` reads a document's entry."""
    rule = {key: getattr(check, key) for key in ("metric", "comparison", "threshold")}
    return rule | {"class": check.class_name}


def gate_question_code(config: dict | None, check: CheckResult) -> str | None:
    """The code of the gate question a check answers (the run's configured gate checks)."""
    for configured in (config or {}).get("checks") or []:
        if not configured.get("question"):
            continue
        gate = {**configured, "class": configured.get("class", check.class_name)}
        if same_check(gate, _as_dict(check)):
            return str(configured["question"])
    return None


def action_draft(
    result: dict | None,
    config: dict | None,
    *,
    check: str,
    grouping: str,
    class_name: str | None = None,
    run_label: str,
    run_url: str,
) -> ActionDraft | None:
    """The pre-filled action for a run's check on a grouping; None when the run has no such check."""
    found = find_check(result, name=check, grouping=grouping, class_name=class_name)
    if found is None:
        return None
    where = f" on {grouping}"
    return ActionDraft(
        check_name=f"{capfirst(found.label)} {found.requirement}{where}",
        description=f"{finding_sentence(found)}\n\nFound in {run_label}: {run_url}",
        question_code=gate_question_code(config, found),
    )


def finding_sentence(check: CheckResult) -> str:
    """A check's finding with its numbers, e.g. "Selection-rate impact ratio by race is 0.62
    (95% interval 0.55–0.70), below 0.8: Black selected at 21% against 34% for White (the
    reference)."."""
    words = f"{capfirst(check.label)} by {check.grouping}"
    if check.value is None:
        return f"{words} could not be computed: {check.reason or 'no reason given'}."
    interval = f" (95% interval {check.interval_text})" if check.interval_text else ""
    head = f"{words} is {check.value_cell.text}{interval}"
    side = "below" if check.comparison in (">=", ">") else "above"
    if check.verdict == FAIL and check.passed:
        head += f", meets {check.threshold:g} at its point value but its whole interval does not"
    elif check.verdict == FAIL:
        head += f", {side} {check.threshold:g}"
    elif check.verdict == INCONCLUSIVE:
        head += (
            f", inconclusive against {check.requirement}: the interval straddles the threshold, "
            "so it needs more data or a reviewer's judgement"
        )
    else:
        head += f", meeting {check.requirement}"
    who = drivers_sentence(check.metric, check.drivers)
    sentence = f"{head}: {who}." if who else f"{head}."
    if check.same_as_text:
        sentence += f" {capfirst(check.same_as_text)}."
    return sentence


def drivers_sentence(metric: str, drivers: dict | None) -> str:
    """Who sets a value, in words: "Black selected at 21% against 34% for White (the reference)"."""
    if not drivers or drivers.get("min") is None:
        return ""
    measure = measure_of(metric)
    if drivers.get("part") in _PARTS:
        measure = str(drivers["part"])
    low, high = drivers.get("min_value"), drivers.get("max_value")
    other = drivers.get("max")
    if "reference" in drivers:
        high, other = drivers.get("reference_value"), f"{drivers['reference']} (the reference)"
    if other is None or low is None or high is None:
        return ""
    a, b = _amount(measure, low), _amount(measure, high)
    if measure == "selection_rate":
        return f"{drivers['min']} selected at {a} against {b} for {other}"
    if measure == "scoring_rate":
        return f"{drivers['min']} scored above the median at {a} against {b} for {other}"
    noun = measure_words(measure) if measure else metric_words(metric)
    return f"{noun} {a} for {drivers['min']} against {b} for {other}"


def _amount(measure: str | None, value: object) -> str:
    if not isinstance(value, int | float):
        return "—"
    if measure in _SHARES:
        return f"{value:.1%}" if abs(value) < 0.1 else f"{value:.0%}"
    return f"{value:.{RATE_DIGITS}f}"


def reader_warnings(result: dict | None) -> list[str]:
    """A run's warnings for a reader: check names in words, each said once.

    A warning about a check that is shown under another one (a gate repeating the four-fifths
    screen, the scoring twin of the selection-rate impact ratio) is left out: its finding is said
    by the check kept.
    """
    if not result:
        return []
    checks = result.get("checks") or []
    # An LLM document has no groupings, and its checks are never folded.
    shown = {(c.name, c.grouping) for c in check_results(result)} if "groupings" in result else None
    out: list[str] = []
    for warning in result.get("warnings") or []:
        text = _reader_warning(str(warning), checks, shown)
        if text and text not in out:
            out.append(text)
    return out


def _reader_warning(text: str, checks: list, shown: set | None) -> str | None:
    match = _UNDETERMINED.match(text) or _INCONCLUSIVE.match(text)
    if match and shown is not None:
        name, where = match["name"], match["where"]
        if (name, where) not in shown:
            return None
        entry = next((c for c in checks if c.get("name") == name), {"metric": name})
        state = "could not be evaluated" if match.re is _UNDETERMINED else "is inconclusive"
        return f"{capfirst(check_words(entry))} on {where} {state}: {match['why']}"
    match = _LLM_CHECK.match(text)
    if match:
        entry = next(
            (c for c in checks if c.get("metric") == match["metric"]), {"metric": match["metric"]}
        )
        return f"{capfirst(check_words(entry))} on {match['where']}: {match['why']}"
    return text
