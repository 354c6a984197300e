"""One rule for "the same check": repeated checks are shown once and gates use the same rule."""

from audits.reports.run.checks import check_results, same_check, unique_checks
from audits.services import gates


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
    assert check.label == "four-fifths screen (selection rates)"
    assert check.requirement == "≥ 0.8"
    assert check.value_cell.text == "0.40"


def test_gate_service_decides_with_the_same_rule():
    assert gates.same_check is same_check
