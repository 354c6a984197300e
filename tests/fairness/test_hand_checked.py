"""tests/data/fairness_small.csv, worked out by hand.

The file has 20 rows (id, sex, race, label, decision); two rows have an empty sex:

=====  ====  ==================================  ===========================
sex    race  (label, decision) rows              confusion counts
=====  ====  ==================================  ===========================
F      A     (1,1) (1,0) (0,1) (0,0)             TP 1  FN 1  FP 1  TN 1
F      B     (1,1) (0,0) (0,0) (0,0)             TP 1  TN 3
M      A     (1,1) (1,1) (0,1) (0,0) (0,0)       TP 2  FP 1  TN 2
M      B     (1,1) (1,0) (0,1) (0,1) (0,0)       TP 1  FN 1  FP 2  TN 1
(empty)  A   (1,1)                                TP 1
(empty)  B   (0,0)                                TN 1
=====  ====  ==================================  ===========================

sex = F (8 rows): TP 2, FN 1, FP 1, TN 4. Selection (2+1)/8 = 0.375; base rate 3/8; accuracy
6/8 = 0.75; TPR 2/3; FPR 1/5; FNR 1/3; TNR 4/5; precision 2/3; F1 2*2/(2*2+1+1) = 2/3;
balanced accuracy (2/3 + 4/5)/2 = 11/15.
sex = M (10 rows): TP 3, FN 1, FP 3, TN 3. Selection 6/10; base rate 4/10; accuracy 6/10;
TPR 3/4; FPR 3/6; FNR 1/4; TNR 1/2; precision 3/6; F1 6/(6+3+1) = 0.6; balanced accuracy 5/8.
Unknown (2 rows): TP 1, TN 1; selection 1/2.

Disparities of sex (between groups): demographic parity difference 0.6 - 0.375 = 0.225, ratio
0.375/0.6 = 0.625; equal opportunity difference 3/4 - 2/3 = 1/12; equalized odds difference
max(1/12, 1/2 - 1/5) = 0.3, ratio min((2/3)/(3/4), (1/5)/(1/2)) = min(8/9, 0.4) = 0.4.
Impact ratios: reference M (0.6, the highest; shares 8/20 and 10/20 are above 2%); F: 0.625 < 0.8.

race = A (10 rows, incl. the Unknown-sex one): TP 4, FN 1, FP 2, TN 3: selection 0.6, TPR 4/5,
FPR 2/5. race = B (10 rows): TP 2, FN 1, FP 2, TN 5: selection 0.4, TPR 2/3, FPR 2/7.
DP ratio 0.4/0.6 = 2/3; equalized odds difference max(4/5 - 2/3, 2/5 - 2/7) = 2/15.

sex x race: F x A selection 2/4, F x B 1/4, M x A 3/5, M x B 3/5; the highest rate is shared by
M x A and M x B (5 rows each), so the first label, M x A, is the reference; F x B's impact ratio is
0.25/0.6 = 5/12. Equalized odds difference: TPR from 1/2 to 1, FPR from 0 (F x B) to 2/3 (M x B):
max(1/2, 2/3) = 2/3. The 2 rows with an empty sex are Unknown here too.

Overall (20 rows): TP 6, FN 2, FP 4, TN 8: selection 10/20, base rate 8/20, accuracy 14/20.
"""

from __future__ import annotations

import pytest

from fairness import ColumnMapping, assess

from .conftest import DATA

SMALL = DATA / "fairness_small.csv"
MAPPING = ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex", "race"])


@pytest.fixture(scope="module")
def report():
    return assess(SMALL, MAPPING, bootstrap_draws=200)


def _group(report, grouping, label):
    return next(g for g in report.grouping(grouping)["groups"] if g["label"] == label)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("F", {"count": 8, "selection_rate": 0.375, "base_rate": 0.375, "accuracy": 0.75,
               "true_positive_rate": 2 / 3, "false_positive_rate": 0.2, "false_negative_rate": 1 / 3,
               "true_negative_rate": 0.8, "precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3,
               "balanced_accuracy": 11 / 15}),
        ("M", {"count": 10, "selection_rate": 0.6, "base_rate": 0.4, "accuracy": 0.6,
               "true_positive_rate": 0.75, "false_positive_rate": 0.5, "false_negative_rate": 0.25,
               "true_negative_rate": 0.5, "precision": 0.5, "recall": 0.75, "f1": 0.6,
               "balanced_accuracy": 0.625}),
        ("Unknown", {"count": 2, "selection_rate": 0.5, "accuracy": 1.0}),
    ],
)  # fmt: skip
def test_per_group_metrics_of_sex_match_the_hand_computation(report, label, expected):
    metrics = _group(report, "sex", label)["metrics"]
    for name, value in expected.items():
        assert metrics[name] == pytest.approx(value, abs=1e-12), name


def test_sex_disparities_match_the_hand_computation(report):
    disparities = report.grouping("sex")["disparities"]
    assert disparities["demographic_parity_difference"] == pytest.approx(0.225)
    assert disparities["demographic_parity_ratio"] == pytest.approx(0.625)
    assert disparities["equal_opportunity_difference"] == pytest.approx(1 / 12)
    assert disparities["equalized_odds_difference"] == pytest.approx(0.3)
    assert disparities["equalized_odds_ratio"] == pytest.approx(0.4)


def test_unknown_sex_is_counted_shown_last_and_left_out_of_impact_ratios(report):
    sex = report.grouping("sex")
    assert sex["unknown_count"] == 2
    assert [g["label"] for g in sex["groups"]] == ["F", "M", "Unknown"]
    unknown = sex["groups"][-1]
    assert unknown["unknown"] is True
    assert unknown["impact_ratio"] is None
    assert "left out" in unknown["undefined"]["impact_ratio"]
    assert sex["rows"] == 18


def test_impact_ratio_of_f_is_relative_to_m_and_fails_the_screen(report):
    sex = report.grouping("sex")
    assert sex["reference_group"] == "M"
    assert _group(report, "sex", "F")["impact_ratio"] == pytest.approx(0.625)
    assert _group(report, "sex", "M")["impact_ratio"] == 1.0
    four_fifths = [
        c for c in report.checks if c["name"] == "four_fifths" and c["grouping"] == "sex"
    ]
    assert four_fifths[0]["value"] == pytest.approx(0.625)
    assert four_fifths[0]["passed"] is False


def test_race_grouping_counts_the_rows_with_an_empty_sex(report):
    race = report.grouping("race")
    assert race["unknown_count"] == 0
    assert _group(report, "race", "A")["metrics"]["true_positive_rate"] == pytest.approx(0.8)
    assert _group(report, "race", "B")["metrics"]["false_positive_rate"] == pytest.approx(2 / 7)
    assert race["disparities"]["demographic_parity_ratio"] == pytest.approx(2 / 3)
    assert race["disparities"]["equalized_odds_difference"] == pytest.approx(2 / 15)


def test_intersection_reference_breaks_a_tie_on_rate_and_size_by_label(report):
    both = report.grouping("sex x race")
    assert [g["label"] for g in both["groups"]] == ["F x A", "F x B", "M x A", "M x B", "Unknown"]
    assert both["reference_group"] == "M x A"
    assert _group(report, "sex x race", "F x B")["impact_ratio"] == pytest.approx(5 / 12)
    assert both["disparities"]["equalized_odds_difference"] == pytest.approx(2 / 3)
    assert _group(report, "sex x race", "F x A")["key"] == {"sex": "F", "race": "A"}


def test_overall_is_on_every_used_row(report):
    overall = report.to_dict()["overall"]
    assert overall["count"] == 20
    assert overall["selection_rate"] == pytest.approx(0.5)
    assert overall["base_rate"] == pytest.approx(0.4)
    assert overall["accuracy"] == pytest.approx(0.7)


def test_selection_rate_interval_is_the_wilson_interval(report):
    # Wilson 95% for 3/8, z = 1.959964, z^2 = 3.841459: denominator 1 + z^2/8 = 1.480182;
    # centre (0.375 + z^2/16) / 1.480182 = 0.615091 / 1.480182 = 0.415551; half-width
    # z sqrt(0.375 * 0.625 / 8 + z^2 / 256) / 1.480182 = 1.959964 * 0.210483 / 1.480182
    # = 0.278709; so about [0.13684, 0.69426].
    low, high = _group(report, "sex", "F")["intervals"]["selection_rate"]
    assert low == pytest.approx(0.13684, abs=1e-5)
    assert high == pytest.approx(0.69426, abs=1e-5)


def test_every_group_is_flagged_small_under_the_default_minimum_of_30(report):
    groups = report.grouping("sex")["groups"]
    assert all("small_group" in g["flags"] for g in groups)
    assert any("fewer than 30 rows" in w for w in report.warnings)
