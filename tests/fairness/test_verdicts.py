"""Verdicts a small group cannot flip: reliable disparities, drivers, three-way verdicts.

Every file here is written by the test: group ``g``, outcome ``label`` and decision ``pred``, with
the number of selected rows per group chosen so that the rates are exact fractions.
"""

from __future__ import annotations

import pytest

from fairness import (
    DEFAULT_CHECK_GROUPS,
    DEFAULT_VERDICT_POLICY,
    Check,
    ColumnMapping,
    FairnessReport,
    assess,
    format_text,
)
from fairness._checks import verdict

from .conftest import csv_bytes

MAPPING = ColumnMapping(y_true="label", y_pred="pred", sensitive=["g"])
DP = "demographic_parity_ratio >= 0.8"


def _rows(group: str, n: int, selected: int) -> list[list[object]]:
    """``n`` rows of ``group``, the first ``selected`` of them selected; label = decision."""
    return [[group, int(i < selected), int(i < selected)] for i in range(n)]


@pytest.fixture
def table(write):
    def _table(*groups: tuple[str, int, int]) -> object:
        rows = [row for g in groups for row in _rows(*g)]
        return write("t.csv", csv_bytes(["g", "label", "pred"], rows))

    return _table


def _check(report: FairnessReport, name: str, grouping: str = "g") -> dict:
    return next(c for c in report.checks if c["name"] == name and c["grouping"] == grouping)


def test_the_defaults_are_reliable_groups_and_interval_verdicts():
    assert (DEFAULT_CHECK_GROUPS, DEFAULT_VERDICT_POLICY) == ("reliable", "interval")


def test_a_two_row_group_sets_fairlearns_value_but_not_the_reliable_one(table):
    # A: 40 rows, 20 selected (0.5); B: 40 rows, 16 selected (0.4); C: 2 rows, none (0).
    # All groups (fairlearn): DP ratio 0 / 0.5 = 0, difference 0.5, set by C (min) and A (max).
    # Reliable (A, B, 30 rows or more): ratio 0.4 / 0.5 = 0.8, difference 0.1.
    report = assess(table(("A", 40, 20), ("B", 40, 16), ("C", 2, 0)), MAPPING,
                    bootstrap_draws=0, checks=[DP])  # fmt: skip
    grouping = report.grouping("g")
    assert grouping["disparities"]["demographic_parity_ratio"] == 0.0
    assert grouping["disparities"]["demographic_parity_difference"] == pytest.approx(0.5)
    assert grouping["disparity_drivers"]["demographic_parity_ratio"] == {
        "max": "A", "min": "C", "max_value": 0.5, "min_value": 0.0,
    }  # fmt: skip
    assert grouping["reliable_groups"] == ["A", "B"]
    assert grouping["reliable_disparities"]["demographic_parity_ratio"] == pytest.approx(0.8)
    assert grouping["reliable_disparities"]["demographic_parity_difference"] == pytest.approx(0.1)
    assert grouping["reliable_disparity_drivers"]["demographic_parity_ratio"] == {
        "max": "A", "min": "B", "max_value": 0.5, "min_value": 0.4,
    }  # fmt: skip
    check = _check(report, DP)
    # 0.8 >= 0.8; without a bootstrap the verdict is the point comparison.
    assert (check["value"], check["passed"], check["verdict"]) == (pytest.approx(0.8), True, "pass")
    assert (check["check_groups"], check["verdict_basis"]) == ("reliable", "point")
    assert "bootstrap_draws is 0" in check["verdict_reason"]
    assert check["drivers"]["min"] == "B"


def test_check_groups_all_reproduces_fairlearns_verdict(table):
    # The same file: on all groups the DP ratio is 0 (C), so the check fails as it did before.
    report = assess(table(("A", 40, 20), ("B", 40, 16), ("C", 2, 0)), MAPPING,
                    bootstrap_draws=0, checks=[DP], check_groups="all")  # fmt: skip
    check = _check(report, DP)
    assert (check["value"], check["passed"], check["verdict"]) == (0.0, False, "fail")
    assert check["check_groups"] == "all"
    assert check["drivers"]["min"] == "C"
    assert report.passed is False
    assert report.to_dict()["settings"]["check_groups"] == "all"


def test_reliable_to_overall_compares_with_the_reliable_rows_only(table):
    # Overall on A and B's 80 rows: 36 / 80 = 0.45 (C's 2 rows are not in it).
    # Ratios to overall: A 0.5 / 0.45 = 10/9, inverted 0.9; B 0.4 / 0.45 = 8/9; the smallest 8/9.
    # Difference: |0.5 - 0.45| = |0.4 - 0.45| = 0.05, a tie: A, the first label, is the farthest.
    report = assess(table(("A", 40, 20), ("B", 40, 16), ("C", 2, 0)), MAPPING,
                    bootstrap_draws=0, disparity_method="to_overall")  # fmt: skip
    grouping = report.grouping("g")
    assert grouping["reliable_disparities"]["demographic_parity_ratio"] == pytest.approx(8 / 9)
    difference = grouping["reliable_disparities"]["demographic_parity_difference"]
    assert difference == pytest.approx(0.05)
    ratio_drivers = grouping["reliable_disparity_drivers"]["demographic_parity_ratio"]
    assert (ratio_drivers["farthest"], ratio_drivers["overall_value"]) == ("B", pytest.approx(0.45))
    assert (
        grouping["reliable_disparity_drivers"]["demographic_parity_difference"]["farthest"] == "A"
    )
    # All groups: overall 36 / 82; C (0) is the farthest, its ratio to overall 0.
    assert grouping["disparity_drivers"]["demographic_parity_ratio"]["farthest"] == "C"


def test_fewer_than_two_reliable_groups_is_null_with_a_reason_and_inconclusive(table):
    # A has 40 rows, B 5 and C 2: only A has 30 rows or more, so there is nothing to compare.
    report = assess(table(("A", 40, 20), ("B", 5, 2), ("C", 2, 1)), MAPPING, checks=[DP],
                    bootstrap_draws=100)  # fmt: skip
    grouping = report.grouping("g")
    assert grouping["reliable_groups"] == ["A"]
    assert grouping["reliable_disparities"]["demographic_parity_ratio"] is None
    assert grouping["reliable_disparity_intervals"]["demographic_parity_ratio"] is None
    assert grouping["reliable_disparity_drivers"]["demographic_parity_ratio"] is None
    reason = grouping["reliable_undefined"]["demographic_parity_ratio"]
    assert reason.startswith("fewer than two groups have at least 30 rows (1 such group(s))")
    check = _check(report, DP)
    assert (check["value"], check["passed"], check["verdict"]) == (None, None, "inconclusive")
    assert check["reason"] == reason
    assert check["drivers"] is None


def test_a_whole_interval_above_the_threshold_passes(table):
    # 1000 rows per group, both selecting 500: the ratio is 1. Each rate's bootstrap standard
    # error is sqrt(0.25 / 1000) = 0.016, so the smaller of the two drawn rates over the larger
    # is below 0.9 in well under 2.5% of the draws: the whole interval is above 0.8.
    report = assess(table(("A", 1000, 500), ("B", 1000, 500)), MAPPING, checks=[DP],
                    bootstrap_draws=300)  # fmt: skip
    check = _check(report, DP)
    assert check["interval"][0] > 0.85 and check["interval"][1] <= 1.0  # min / max is at most 1
    assert (check["passed"], check["verdict"], check["verdict_basis"]) == (True, "pass", "interval")
    assert check["verdict_reason"] is None


def test_a_whole_interval_below_the_threshold_fails(table):
    # A selects 500 of 1000 (0.5), B 100 of 1000 (0.1): ratio 0.2. B's rate would need to reach
    # 0.4, 20 standard errors (0.0095) away, for a draw to reach 0.8: the whole interval is below.
    report = assess(table(("A", 1000, 500), ("B", 1000, 100)), MAPPING, checks=[DP],
                    bootstrap_draws=300)  # fmt: skip
    check = _check(report, DP)
    assert check["interval"][1] < 0.3
    assert (check["passed"], check["verdict"]) == (False, "fail")
    assert report.verdict == "fail" and report.failed_checks[0]["grouping"] == "g"


def test_an_interval_that_spans_the_threshold_is_inconclusive(table):
    # A 20 of 40 (0.5), B 16 of 40 (0.4): ratio 0.8 exactly, which passes ">= 0.8" on the point.
    # Each rate's standard error is about 0.08, so the draws' ratios spread from about 0.5 to 1:
    # the interval spans 0.8.
    report = assess(table(("A", 40, 20), ("B", 40, 16)), MAPPING, checks=[DP],
                    bootstrap_draws=300)  # fmt: skip
    check = _check(report, DP)
    low, high = check["interval"]
    assert low < 0.8 < high
    assert (check["passed"], check["verdict"]) == (True, "inconclusive")
    assert check["verdict_reason"] == (
        f"the interval [{low:.2f}, {high:.2f}] spans the threshold 0.8; needs more data or a "
        "reviewer's judgement"
    )
    assert report.passed is True and report.verdict == "inconclusive"
    # The four-fifths screen is the same ratio here (A is the reference): inconclusive too.
    assert [c["name"] for c in report.inconclusive_checks] == ["four_fifths", DP]
    assert any(
        w.startswith(f"Check '{DP}' on g is inconclusive: the interval [") for w in report.warnings
    )
    summary = report.to_dict()["summary"]
    assert summary["verdict"] == "inconclusive"
    assert summary["verdicts"]["inconclusive"] >= 1 and summary["verdicts"]["fail"] == 0


def test_verdict_policy_point_uses_the_point_value(table):
    # The same file as the inconclusive case: on the point, 0.8 >= 0.8 passes.
    report = assess(table(("A", 40, 20), ("B", 40, 16)), MAPPING, checks=[DP],
                    bootstrap_draws=300, verdict_policy="point")  # fmt: skip
    check = _check(report, DP)
    assert (check["verdict"], check["verdict_basis"], check["verdict_reason"]) == (
        "pass", "point", None,
    )  # fmt: skip
    assert check["interval"] is not None  # still reported
    assert report.to_dict()["settings"]["verdict_policy"] == "point"


@pytest.mark.parametrize(
    ("rule", "interval", "expected"),
    [
        # Each bound is tested with the check's own comparison.
        ("demographic_parity_ratio >= 0.8", [0.8, 0.9], "pass"),  # 0.8 >= 0.8 holds
        ("demographic_parity_ratio >= 0.8", [0.7, 0.8], "inconclusive"),  # the high bound passes
        ("demographic_parity_ratio >= 0.8", [0.6, 0.79], "fail"),
        ("demographic_parity_ratio > 0.8", [0.8, 0.9], "inconclusive"),  # 0.8 > 0.8 fails
        ("equalized_odds_difference <= 0.1", [0.05, 0.1], "pass"),
        ("equalized_odds_difference <= 0.1", [0.1, 0.2], "inconclusive"),
        ("equalized_odds_difference < 0.1", [0.1, 0.2], "fail"),
    ],
)
def test_a_bound_on_the_threshold_counts_where_the_comparison_puts_it(rule, interval, expected):
    check = Check.parse(rule)
    outcome = verdict(check, 0.85, interval, policy="interval", bootstrapped=True)
    assert outcome["verdict"] == expected


def test_the_impact_ratio_of_a_small_group_that_is_not_excluded_is_inconclusive(table):
    # A: 1000 rows, 500 selected (0.5); B: 30 rows (2.8% of 1060, not excluded), 12 selected
    # (0.4): impact ratio 0.8, which passes ">= 0.8" on the point; B's rate has a standard error
    # of 0.09, so the interval of the smallest ratio spans 0.8. C: 30 rows, 15 selected (0.5),
    # ratio 1. LL144's rule keeps B; the reliable-group rule plays no part in impact ratios.
    report = assess(table(("A", 1000, 500), ("B", 30, 12), ("C", 30, 15)), MAPPING,
                    bootstrap_draws=300)  # fmt: skip
    check = _check(report, "four_fifths")
    grouping = report.grouping("g")
    assert check["value"] == pytest.approx(0.8) == grouping["impact_ratio_min"]
    assert check["interval"] == grouping["impact_ratio_min_interval"]
    assert check["interval"][0] < 0.8 < check["interval"][1]
    # Per draw the smallest ratio, reference included, is at most 1.
    assert check["interval"][1] <= 1.0
    assert (check["passed"], check["verdict"], check["check_groups"]) == (
        True, "inconclusive", "ll144",
    )  # fmt: skip
    assert check["drivers"] == {
        "min": "B", "reference": "A", "min_value": pytest.approx(0.4), "reference_value": 0.5,
    }  # fmt: skip


def test_an_excluded_group_takes_no_part_in_the_impact_ratio_check(table):
    # A selects 500 of 1000 (0.5), B 450 of 1000 (0.45): B's ratio 0.9, about 3 standard errors
    # (0.034) above 0.8. C: 10 of 2010 rows (0.5%, under 2%), none selected: excluded before the
    # reference is chosen, so its ratio of 0 takes no part and the check is B's 0.9.
    report = assess(table(("A", 1000, 500), ("B", 1000, 450), ("C", 10, 0)), MAPPING,
                    bootstrap_draws=300)  # fmt: skip
    check = _check(report, "four_fifths")
    assert check["value"] == pytest.approx(0.9)
    assert check["drivers"]["min"] == "B"
    assert check["verdict"] == "pass"


def test_a_document_without_verdicts_is_read_from_its_point_comparisons(table):
    report = assess(table(("A", 40, 20), ("B", 40, 4)), MAPPING, bootstrap_draws=0)
    document = report.to_dict()
    for check in document["checks"]:
        for key in ("verdict", "verdict_basis", "verdict_reason", "interval", "drivers"):
            del check[key]
    old = FairnessReport.from_dict(document)
    assert old.passed is False and old.verdict == "fail"
    assert "FAIL" in format_text(old)


def test_text_shows_each_verdict_with_its_interval_threshold_groups_and_drivers(table):
    report = assess(table(("A", 40, 20), ("B", 40, 16), ("C", 2, 0)), MAPPING, checks=[DP],
                    bootstrap_draws=300)  # fmt: skip
    text = format_text(report)
    check = _check(report, DP)
    low, high = check["interval"]
    assert (
        f"INCONCLUSIVE  demographic_parity_ratio 0.80 [{low:.2f}, {high:.2f}] >= 0.8 on g "
        "(reliable groups): B 0.400 vs A 0.500"
    ) in text
    assert "    demographic_parity_ratio 0.00 [" in text  # all groups: C's 0 sets it
    assert "  Reliable disparities, 2 groups with at least 30 rows (A, B):" in text
    assert text.index("FLAGS") < text.index("WARNINGS") < text.index("\ng  (reference")
