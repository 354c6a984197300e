"""A grouping of a run in words and tables, from small hand-made fairness-report/1 documents."""

import pytest

from audits.reports.run.groupings import grouping_sections


def _group(label: str, count: int, share: float, rate: float | None, ratio, **extra) -> dict:
    return {
        "label": label,
        "count": count,
        "share": share,
        "metrics": {"selection_rate": rate, "true_positive_rate": 0.5, "precision": 0.5},
        "intervals": {"selection_rate": [rate - 0.05, rate + 0.05]} if rate is not None else {},
        "impact_ratio": ratio,
        "flags": [],
        "warnings": [],
        **extra,
    }


def _check(name: str, metric: str, value, passed, **extra) -> dict:
    return {
        "name": name,
        "metric": metric,
        "grouping": "sex",
        "comparison": ">=",
        "threshold": 0.8,
        "value": value,
        "passed": passed,
        **extra,
    }


DOCUMENT = {
    "schema": "fairness-report/1",
    "groupings": [
        {
            "name": "sex",
            "columns": ["sex"],
            "reference_group": "M",
            "unknown_count": 5,
            "groups": [
                _group("F", 20, 0.16, 0.2, 0.4, flags=["small_group", "below_four_fifths"]),
                _group(
                    "M",
                    100,
                    0.79,
                    0.5,
                    1.0,
                    flags=["reference"],
                    metrics={"selection_rate": 0.5, "true_positive_rate": None},
                    undefined={"true_positive_rate": "no actual positives"},
                ),
                _group("X", 40, 0.01, 0.3, None, excluded=True, flags=["excluded"]),
                _group("Unknown", 5, 0.04, 0.4, None, unknown=True, flags=["unknown"]),
            ],
            "disparities": {
                "selection_rate_difference": 0.3,
                "demographic_parity_ratio": 0.4,
                "equalized_odds_difference": None,
            },
            "disparity_intervals": {"demographic_parity_ratio": [0.31, 0.52]},
            "undefined": {"equalized_odds_difference": "fewer than two groups with a value"},
        }
    ],
    "checks": [
        _check("tpr", "equal_opportunity_ratio", None, None, reason="no actual positives in F"),
        _check("four_fifths", "impact_ratio", 0.4, False),
        _check("gate FAIR-05", "impact_ratio", 0.4, False),  # the gate repeats the screen
        _check("dpd", "demographic_parity_difference", 0.3, False, comparison="<=", threshold=0.1),
        _check("dpr", "demographic_parity_ratio", 0.4, True, threshold=0.3),
    ],
}
CONFIG = {"options": {"four_fifths_threshold": 0.8, "min_group_size": 30, "exclusion_share": 0.02}}


@pytest.fixture
def section():
    (section,) = grouping_sections(DOCUMENT, CONFIG, charts="none")
    return section


def test_failed_checks_come_first_then_the_ones_that_could_not_be_computed(section):
    assert [f.check.name for f in section.flags] == ["four_fifths", "dpd", "tpr"]
    assert [f.failed for f in section.flags] == [True, True, False]
    assert [c.name for c in section.passed_checks] == ["dpr"]


def test_a_gate_repeating_the_four_fifths_screen_is_flagged_once(section):
    assert [f.check.metric for f in section.flags].count("impact_ratio") == 1


def test_a_flag_says_the_value_for_whom_against_what_and_by_how_much(section):
    assert section.flags[0].text == (
        "Selection-rate impact ratio 0.40 for F is below the 0.8 four-fifths screening threshold "
        "(≥ 0.8 required; off by 0.40)"
    )
    assert section.flags[1].text == (
        "Selection-rate difference (demographic parity) 0.300 on sex is above the 0.1 threshold "
        "(≤ 0.1 required; off by 0.200)"
    )


def test_an_undefined_check_is_shown_as_undefined_with_its_reason_never_zero(section):
    undefined = section.flags[2]
    assert undefined.text == (
        "True-positive-rate ratio (equal opportunity) is undefined on sex: no actual positives in F"
    )
    assert undefined.check.value_cell.text == "—"
    assert undefined.check.value_cell.exact == "undefined: no actual positives in F"


def test_flags_link_to_a_remediation_action_only_when_given_the_url():
    (linked,) = grouping_sections(
        DOCUMENT, CONFIG, charts="none", action_url="/audits/1/a/", action_params={"run": 7}
    )
    assert linked.flags[0].action_url == "/audits/1/a/?run=7&check=four_fifths&grouping=sex"
    (plain,) = grouping_sections(DOCUMENT, CONFIG, charts="none")
    assert all(f.action_url is None for f in plain.flags)


def test_rows_round_rates_to_three_and_ratios_to_two_decimals(section):
    female = section.rows[0]
    assert female.label == "F" and female.count == 20
    assert (female.share.text, female.rates[0].text, female.impact_ratio.text) == (
        "0.160",
        "0.200",
        "0.40",
    )
    assert female.rates[0].interval == "0.150–0.250"
    assert female.small and female.tags == ("small sample", "below four-fifths")


def test_an_undefined_rate_is_shown_as_undefined_with_its_reason(section):
    male = section.rows[1]
    assert male.is_reference
    tpr = male.rates[1]
    assert (tpr.text, tpr.exact, tpr.value) == ("—", "undefined: no actual positives", None)
    assert male.rates[3].exact == "undefined"  # precision: missing from the document


def test_excluded_and_unknown_groups_are_marked_and_have_no_impact_ratio(section):
    excluded, unknown = section.rows[2], section.rows[3]
    assert excluded.excluded and excluded.impact_ratio.text == "—"
    assert unknown.unknown and not unknown.is_reference


def test_notes_name_unknown_excluded_and_small_groups_in_plain_words(section):
    assert section.notes == [
        "5 rows had no value for sex: they are counted as the group “Unknown” and left out of "
        "impact ratios and disparities.",
        "One group is under 2% of the rows, so left out of impact ratios (their counts and rates "
        "are still shown): X (1.0%).",
        "2 groups have fewer than 30 rows, so their rates are uncertain; read them with their "
        "intervals: F (20), Unknown (5).",
    ]


def test_disparities_show_the_named_ones_first_with_intervals_and_undefined_reasons(section):
    by_name = {d.name: d for d in section.disparities}
    assert [d.name for d in section.key_disparities] == [
        "demographic_parity_ratio",
        "equalized_odds_difference",
    ]
    assert section.disparities[-1].name == "selection_rate_difference"
    ratio = by_name["demographic_parity_ratio"].cell
    assert (ratio.text, ratio.interval) == ("0.40", "0.31–0.52")
    assert by_name["selection_rate_difference"].cell.text == "0.300"
    odds = by_name["equalized_odds_difference"].cell
    assert (odds.text, odds.exact) == ("—", "undefined: fewer than two groups with a value")


def test_the_ll144_table_comes_from_the_same_document(section):
    assert section.impact.excluded == ["X"]
    assert [r.label for r in section.impact.rows if r.below_threshold] == ["F"]


def test_no_document_has_no_grouping():
    assert grouping_sections(None, CONFIG) == []


def test_charts_are_drawn_only_when_asked(section):
    assert section.charts == [] and section.chart_svg == ""
    (drawn,) = grouping_sections(DOCUMENT, CONFIG, charts="selection")
    assert [c["metric"] for c in drawn.charts] == ["selection_rate"]
    assert "<svg" in drawn.chart_svg


def test_flags_put_failed_checks_first_then_inconclusive_ones_with_their_reason():
    reason = "the interval [0.72, 0.95] spans the threshold 0.8; needs more data"
    document = {
        **DOCUMENT,
        "checks": [
            _check("dpr", "demographic_parity_ratio", 0.85, True, interval=[0.72, 0.95],
                   verdict="inconclusive", verdict_basis="interval", verdict_reason=reason,
                   check_groups="reliable"),
            _check("four_fifths", "impact_ratio", 0.9, True, interval=[0.85, 0.95],
                   verdict="pass", check_groups="ll144"),
            _check("eor", "equalized_odds_ratio", 0.4, False, interval=[0.3, 0.5],
                   verdict="fail", check_groups="reliable"),
        ],
    }  # fmt: skip
    (section,) = grouping_sections(document, CONFIG, charts="none")
    assert [(f.check.name, f.verdict) for f in section.flags] == [
        ("eor", "fail"),
        ("dpr", "inconclusive"),
    ]
    assert [c.name for c in section.checks] == ["eor", "dpr", "four_fifths"]
    assert section.flags[1].text == (
        "Selection-rate ratio (demographic parity) 0.85 on sex is inconclusive against the 0.8 "
        "threshold "
        f"(≥ 0.8 required): {reason}"
    )
    assert section.flags[1].detail == "95% interval 0.72–0.95 · on reliable groups"
    assert [c.name for c in section.passed_checks] == ["four_fifths"]


def test_a_document_from_before_reliable_disparities_shows_fairlearns_only(section):
    assert section.reliability is None
    assert all(d.reliable is None for d in section.disparities)


def test_a_decision_from_the_score_is_flagged_once_with_its_twin_named():
    """The scoring impact ratio equals the selection one when the decision is the score split at
    its median: one flag (one "New action"), one tag per row, the twin named in the detail."""
    twins = [
        _check(name, metric, 0.4, False, interval=[0.3, 0.59], verdict="fail", check_groups="ll144")
        for name, metric in (("four_fifths", "impact_ratio"), ("four_fifths_scoring", "scoring_impact_ratio"))
    ]  # fmt: skip
    grouping = DOCUMENT["groupings"][0]
    groups = [{**g, "scoring_impact_ratio": g["impact_ratio"]} for g in grouping["groups"]]
    groups[0]["flags"] = ["below_four_fifths", "below_four_fifths_scoring"]
    document = {**DOCUMENT, "groupings": [{**grouping, "groups": groups}], "checks": twins}
    (section,) = grouping_sections(document, CONFIG, charts="none", action_url="/a/")
    (flag,) = section.flags
    assert flag.text.startswith("Selection-rate impact ratio 0.40 for F is below")
    assert flag.detail.endswith(
        "the scoring impact ratio (score above the median) has the same value and interval"
    )
    assert section.rows[0].tags == ("below four-fifths",)
    groups[0]["scoring_impact_ratio"] = 0.7  # a scoring ratio of its own: its own tag
    (section,) = grouping_sections(document, CONFIG, charts="none")
    assert section.rows[0].tags == ("below four-fifths", "scoring below four-fifths")


def test_disparities_and_checks_are_named_in_a_readers_words(section):
    assert section.key_disparities[0].label == "selection-rate ratio (demographic parity)"
    assert [c.label for c in section.passed_checks] == ["selection-rate ratio (demographic parity)"]
