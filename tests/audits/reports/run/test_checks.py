"""One rule for "the same check": repeated checks are shown once and gates use the same rule."""

import pytest

from audits.reports.run.checks import (
    VERDICT_ORDER,
    check_results,
    check_verdict,
    drivers_text,
    fold_findings,
    same_check,
    same_finding,
    unique_checks,
)
from audits.services import gates
from fairness import VERDICTS


def _check(**fields) -> dict:
    return {"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8, **fields}


def test_same_metric_comparison_and_threshold_is_the_same_check():
    assert same_check(_check(), _check(threshold=0.8 + 1e-15, name="gate FAIR-05"))
    assert not same_check(_check(), _check(threshold=0.9))
    assert not same_check(_check(), _check(comparison=">"))
    assert not same_check(_check(), _check(metric="scoring_impact_ratio"))


def test_a_check_without_a_numeric_threshold_is_never_the_same_as_another():
    assert not same_check(_check(threshold=None), _check(threshold=None))
    assert not same_check(_check(threshold=True), _check(threshold=True))


def test_a_repeated_check_is_kept_once_per_grouping():
    checks = [
        _check(name="four_fifths", grouping="sex"),
        _check(name="gate FAIR-05", grouping="sex"),
        _check(name="four_fifths", grouping="race"),
    ]
    assert [(c["name"], c["grouping"]) for c in unique_checks(checks)] == [
        ("four_fifths", "sex"),
        ("four_fifths", "race"),
    ]


def test_check_results_drop_repeats_and_say_the_requirement():
    result = {"checks": [_check(grouping="sex", value=0.4), _check(grouping="sex", value=0.4)]}
    (check,) = check_results(result)
    assert check.label == "selection-rate impact ratio"
    assert check.requirement == "≥ 0.8"
    assert check.value_cell.text == "0.40"


def test_gate_service_decides_with_the_same_rule():
    assert gates.same_check is same_check


def test_a_check_of_an_older_document_takes_its_verdict_from_passed():
    assert [check_verdict({"passed": p}) for p in (True, False, None)] == [
        "pass",
        "fail",
        "inconclusive",
    ]
    assert check_verdict({"passed": True, "verdict": "inconclusive"}) == "inconclusive"


def test_verdict_words_are_the_engines():
    assert set(VERDICT_ORDER) == set(VERDICTS)


def test_drivers_read_lowest_vs_highest_naming_the_part_and_the_reference():
    dpr = {"min": "Female", "max": "Male", "min_value": 0.079, "max_value": 0.249}
    assert drivers_text("demographic_parity_ratio", 0.32, dpr) == "0.32: Female 0.079 vs Male 0.249"
    eod = {**dpr, "part": "false_positive_rate"}
    assert drivers_text("equalized_odds_difference", 0.17, eod) == (
        "0.170: FPR Female 0.079 vs Male 0.249"
    )
    ir = {"min": "Female", "reference": "Male", "min_value": 0.079, "reference_value": 0.249}
    assert drivers_text("impact_ratio", 0.32, ir) == (
        "0.32: Female 0.079 vs Male 0.249 (reference)"
    )
    assert drivers_text("demographic_parity_ratio", None, dpr) == ""
    assert drivers_text("demographic_parity_ratio", 0.32, None) == ""


# -- one finding said once: the selection-rate and scoring impact ratios -------------------------


def _twin(metric: str, **fields) -> dict:
    return _check(
        metric=metric,
        name="four_fifths" if metric == "impact_ratio" else "four_fifths_scoring",
        grouping="race",
        value=0.62,
        interval=[0.55, 0.70],
        verdict="fail",
        **fields,
    )


def test_the_scoring_impact_ratio_with_the_same_numbers_is_folded_into_the_selection_one():
    assert same_finding(_twin("impact_ratio"), _twin("scoring_impact_ratio"))
    result = {"checks": [_twin("impact_ratio"), _twin("scoring_impact_ratio")]}
    (check,) = check_results(result)
    assert (check.name, check.same_as) == ("four_fifths", "scoring_impact_ratio")
    assert check.same_as_text == (
        "the scoring impact ratio (score above the median) has the same value and interval"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"value": 0.7},
        {"interval": [0.5, 0.7]},
        {"verdict": "inconclusive"},
        {"grouping": "sex"},
        {"threshold": 0.9},
        {"value": None},
    ],
)
def test_twins_that_differ_in_any_number_stay_two_findings(change):
    scoring = {**_twin("scoring_impact_ratio"), **change}
    selection = {**_twin("impact_ratio"), **({"value": None} if change == {"value": None} else {})}
    assert not same_finding(selection, scoring)
    checks = check_results({"checks": [selection, scoring]})
    assert len(checks) == 2 and all(c.same_as is None for c in checks)


def test_only_the_two_impact_ratios_are_twins():
    dpr = {**_twin("impact_ratio"), "metric": "demographic_parity_ratio", "name": "dpr"}
    assert not same_finding(_twin("impact_ratio"), dpr)


def test_fold_keeps_the_engines_order_and_each_twin_once():
    checks = [_twin("impact_ratio"), _twin("scoring_impact_ratio"), _twin("scoring_impact_ratio")]
    assert [(c["metric"], twin) for c, twin in fold_findings(checks)] == [
        ("impact_ratio", "scoring_impact_ratio")
    ]
