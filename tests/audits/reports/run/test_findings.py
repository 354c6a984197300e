"""A run's findings in sentences: action drafts and the warnings a reader sees, from documents."""

import pytest

from audits.reports.run.checks import check_results
from audits.reports.run.findings import (
    action_draft,
    drivers_sentence,
    find_check,
    finding_sentence,
    gate_question_code,
    reader_warnings,
)

DRIVERS = {"min": "Black", "min_value": 0.21, "reference": "White", "reference_value": 0.34}


def _check(name: str, metric: str, **fields) -> dict:
    return {
        "name": name,
        "metric": metric,
        "grouping": "race",
        "comparison": ">=",
        "threshold": 0.8,
        "value": 0.62,
        "passed": False,
        "interval": [0.55, 0.70],
        "verdict": "fail",
        "check_groups": "ll144",
        "drivers": DRIVERS,
        **fields,
    }


SCREEN = _check("four_fifths", "impact_ratio")
SCORING = _check("four_fifths_scoring", "scoring_impact_ratio")
GATE = _check("impact_ratio >= 0.8", "impact_ratio")
RESULT = {"groupings": [{"name": "race"}], "checks": [SCREEN, SCORING, GATE], "warnings": []}
CONFIG = {
    "checks": [
        {"metric": "impact_ratio", "comparison": ">=", "threshold": 0.8, "question": "FAIR-06"},
        {"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8},
    ]
}


def _shown(result=RESULT):
    return check_results(result)[0]


def test_a_failed_impact_ratio_reads_with_its_numbers_and_who_sets_it():
    assert finding_sentence(_shown({"checks": [SCREEN]})) == (
        "Selection-rate impact ratio by race is 0.62 (95% interval 0.55–0.70), below 0.8: "
        "Black selected at 21% against 34% for White (the reference)."
    )


def test_a_folded_twin_is_said_in_the_same_sentence():
    assert finding_sentence(_shown()).endswith(
        "for White (the reference). The scoring impact ratio (score above the median) has the "
        "same value and interval."
    )


def test_an_inconclusive_and_an_undefined_check_say_so():
    inconclusive = _check("four_fifths", "impact_ratio", verdict="inconclusive", value=0.85,
                          interval=[0.72, 0.95], passed=True)  # fmt: skip
    assert "0.85 (95% interval 0.72–0.95), inconclusive against ≥ 0.8" in finding_sentence(
        _shown({"checks": [inconclusive]})
    )
    undefined = _check("tpr", "equal_opportunity_ratio", value=None, passed=None, interval=None,
                       verdict="inconclusive", reason="no actual positives", drivers=None)  # fmt: skip
    assert finding_sentence(_shown({"checks": [undefined]})) == (
        "True-positive-rate ratio (equal opportunity) by race could not be computed: "
        "no actual positives."
    )


@pytest.mark.parametrize(
    ("metric", "drivers", "text"),
    [
        ("demographic_parity_ratio", {"min": "F", "min_value": 0.079, "max": "M", "max_value": 0.249},
         "F selected at 7.9% against 25% for M"),
        ("equalized_odds_difference",
         {"min": "F", "min_value": 0.1, "max": "M", "max_value": 0.3, "part": "false_positive_rate"},
         "false-positive rate 10% for F against 30% for M"),
        ("scoring_impact_ratio", DRIVERS,
         "Black scored above the median at 21% against 34% for White (the reference)"),
        ("mean_absolute_error_difference", {"min": "A", "min_value": 1.5, "max": "B", "max_value": 2.25},
         "mean absolute error 1.500 for A against 2.250 for B"),
        ("demographic_parity_ratio", None, ""),
    ],
)  # fmt: skip
def test_drivers_read_as_a_sentence_in_the_measures_unit(metric, drivers, text):
    assert drivers_sentence(metric, drivers) == text


def test_a_draft_names_the_check_the_gate_question_and_the_run():
    draft = action_draft(RESULT, CONFIG, check="four_fifths", grouping="race",
                         run_label="fairness run #12", run_url="https://x/audits/1/runs/12/")  # fmt: skip
    assert draft is not None
    assert draft.check_name == "Selection-rate impact ratio ≥ 0.8 on race"
    assert draft.question_code == "FAIR-06"
    assert draft.description.startswith("Selection-rate impact ratio by race is 0.62")
    assert draft.description.endswith("Found in fairness run #12: https://x/audits/1/runs/12/")


def test_a_draft_for_the_gate_or_twin_name_is_the_check_shown_for_it():
    for name in ("impact_ratio >= 0.8", "four_fifths_scoring"):
        found = find_check(RESULT, name=name, grouping="race")
        assert found is not None and found.name == "four_fifths"


@pytest.mark.parametrize(
    ("check", "grouping"), [("four_fifths", "sex"), ("nonsense", "race"), ("", "")]
)
def test_no_draft_for_a_check_the_run_does_not_have(check, grouping):
    assert action_draft(RESULT, CONFIG, check=check, grouping=grouping, run_label="r",
                        run_url="u") is None  # fmt: skip


def test_a_check_no_gate_asks_for_has_no_question():
    dpr = _check("dpr", "demographic_parity_ratio", threshold=0.9)
    assert gate_question_code(CONFIG, _shown({"checks": [dpr]})) is None
    assert gate_question_code(None, _shown({"checks": [SCREEN]})) is None


def test_a_multiclass_gate_without_a_class_answers_each_class():
    config = {"checks": [{"metric": "precision_ratio", "comparison": ">=", "threshold": 0.8,
                          "question": "FAIR-09"}]}  # fmt: skip
    check = _check("p", "precision_ratio", **{"class": "low"})
    assert gate_question_code(config, _shown({"checks": [check]})) == "FAIR-09"


def test_warnings_name_checks_in_words_and_say_each_finding_once():
    why = "the interval [0.72, 0.95] spans the threshold 0.8; needs more data"
    result = {
        **RESULT,
        "warnings": [
            "No y_pred column is mapped: the decision is score >= 0.5.",
            f"Check 'four_fifths' on race is inconclusive: {why}.",
            f"Check 'four_fifths_scoring' on race is inconclusive: {why}.",  # the folded twin
            f"Check 'impact_ratio >= 0.8' on race is inconclusive: {why}.",  # the gate's repeat
            "Check 'demographic_parity_ratio >= 0.8' could not be evaluated on race: no groups.",
            "No y_pred column is mapped: the decision is score >= 0.5.",
        ],
        "checks": [*RESULT["checks"], _check("demographic_parity_ratio >= 0.8",
                                             "demographic_parity_ratio", value=None)],
    }  # fmt: skip
    assert reader_warnings(result) == [
        "No y_pred column is mapped: the decision is score >= 0.5.",
        f"Selection-rate impact ratio ≥ 0.8 on race is inconclusive: {why}.",
        "Selection-rate ratio (demographic parity) ≥ 0.8 on race could not be evaluated: "
        "no groups.",
    ]


def test_an_llm_runs_check_warnings_read_in_words():
    result = {
        "groups": [],
        "checks": [{"metric": "refusal_rate_ratio", "comparison": ">=", "threshold": 0.8}],
        "warnings": ["Check refusal_rate_ratio on 'female': no pair_id shared.", "Other."],
    }
    assert reader_warnings(result) == [
        "Refusal-rate ratio ≥ 0.8 on female: no pair_id shared.",
        "Other.",
    ]
    assert reader_warnings(None) == []
