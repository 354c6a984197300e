"""An LL144 worked example: tests/data/ll144_scores.csv.

100 candidates (semicolon-delimited, decimal commas, decision 'hired' / 'rejected', no y_true):

=======  =====  =====================  ==========================================
race     rows   hired (score 0,7)      rejected: score 0,6 / 0,5 / 0,3
=======  =====  =====================  ==========================================
White    50     25                     2 / 15 / 8
Black    30     11                     1 / 12 / 6
Asian    17     8                      1 / 6 / 2
Native   1      1                      0 / 0 / 0
(empty)  2      0                      0 / 1 / 1
=======  =====  =====================  ==========================================

Selection rates: White 25/50 = 0.5, Black 11/30, Asian 8/17, Native 1/1 = 1.0, Unknown 0.
Native is 1% of the rows, under 2%: it is excluded *before* the highest rate is chosen, so the
reference is White (0.5), not Native (1.0). Impact ratios: Black (11/30)/0.5 = 0.7333 (below 0.8),
Asian (8/17)/0.5 = 0.9412; Native is reported (count 1, rate 1.0) without an impact ratio; the
2 Unknown rows are counted and left out.

Scores sorted: 0,3 x 17, 0,5 x 34, 0,6 x 4, 0,7 x 45: the 50th and 51st are both 0,5, so the
median is 0.5 and a candidate is scored when strictly above it (0,6 or 0,7). Scoring rates:
White 27/50 = 0.54, Black 12/30 = 0.4, Asian 9/17, Native 1.0 (excluded), Unknown 0/2.
Scoring impact ratios against White: Black 0.4/0.54 = 0.7407, Asian (9/17)/0.54 = 0.9804.
"""

from __future__ import annotations

import pytest

from fairness import ColumnMapping, assess

from .conftest import DATA

LL144 = DATA / "ll144_scores.csv"
MAPPING = ColumnMapping(
    y_true=None, y_pred="decision", score="score", sensitive=["race"], pos_label="hired"
)


@pytest.fixture(scope="module")
def race():
    return assess(LL144, MAPPING, bootstrap_draws=100).grouping("race")


def _by_label(grouping):
    return {g["label"]: g for g in grouping["groups"]}


def test_small_group_is_excluded_before_the_highest_group_is_chosen(race):
    groups = _by_label(race)
    assert race["reference_group"] == "White"
    assert race["excluded_groups"] == ["Native"]
    assert groups["Native"]["excluded"] is True
    assert groups["Native"]["impact_ratio"] is None
    assert "under the 2% exclusion share" in groups["Native"]["undefined"]["impact_ratio"]


def test_excluded_group_keeps_its_count_and_rate(race):
    native = _by_label(race)["Native"]
    assert native["count"] == 1
    assert native["metrics"]["selection_rate"] == 1.0
    assert native["share"] == pytest.approx(0.01)


def test_impact_ratios_are_relative_to_the_highest_group_not_excluded(race):
    groups = _by_label(race)
    assert groups["White"]["impact_ratio"] == 1.0
    assert groups["Black"]["impact_ratio"] == pytest.approx((11 / 30) / 0.5)
    assert groups["Asian"]["impact_ratio"] == pytest.approx((8 / 17) / 0.5)
    assert race["impact_ratio_min"] == pytest.approx(0.733333, abs=1e-6)
    assert "below_four_fifths" in groups["Black"]["flags"]


def test_unknown_rows_are_counted_and_left_out_of_impact_ratios(race):
    groups = _by_label(race)
    assert race["unknown_count"] == 2
    assert groups["Unknown"]["count"] == 2
    assert groups["Unknown"]["impact_ratio"] is None
    assert groups["White"]["share"] == pytest.approx(0.5)  # shares are of all 100 used rows


def test_scoring_rate_counts_scores_strictly_above_the_sample_median(race):
    groups = _by_label(race)
    assert groups["White"]["metrics"]["scoring_rate"] == pytest.approx(0.54)
    assert groups["Black"]["metrics"]["scoring_rate"] == pytest.approx(0.4)
    assert groups["Asian"]["metrics"]["scoring_rate"] == pytest.approx(9 / 17)
    assert groups["Unknown"]["metrics"]["scoring_rate"] == 0.0
    assert race["scoring_reference_group"] == "White"
    assert groups["Black"]["scoring_impact_ratio"] == pytest.approx(0.4 / 0.54)
    assert groups["Asian"]["scoring_impact_ratio"] == pytest.approx((9 / 17) / 0.54)


def test_the_report_gives_the_median_and_fails_both_four_fifths_screens():
    report = assess(LL144, MAPPING, bootstrap_draws=0)
    document = report.to_dict()
    assert document["mode"] == "scoring"
    assert document["score"]["median"] == 0.5
    assert document["input"]["delimiter"] == "semicolon"
    checks = {c["name"]: c for c in document["checks"]}
    assert checks["four_fifths"]["value"] == pytest.approx(11 / 30 / 0.5)
    assert checks["four_fifths"]["passed"] is False
    assert checks["four_fifths_scoring"]["value"] == pytest.approx(0.4 / 0.54)
    assert checks["four_fifths_scoring"]["passed"] is False
    assert report.passed is False


def test_without_the_exclusion_the_tiny_group_becomes_the_reference():
    race = assess(LL144, MAPPING, bootstrap_draws=0, exclusion_share=0).grouping("race")
    assert race["reference_group"] == "Native"
    assert _by_label(race)["White"]["impact_ratio"] == pytest.approx(0.5)


def test_a_named_reference_group_replaces_the_highest():
    race = assess(LL144, MAPPING, bootstrap_draws=0, reference_group="Black").grouping("race")
    assert race["reference_group"] == "Black"
    assert race["reference_rule"] == "named"
    assert _by_label(race)["White"]["impact_ratio"] == pytest.approx(0.5 / (11 / 30))
