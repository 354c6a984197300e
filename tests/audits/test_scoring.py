from types import SimpleNamespace

import pytest

from audits.scoring import answer_score, band_for, compute_scores


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("yes_no", "yes", 1.0),
        ("yes_no", "partial", 0.5),
        ("yes_no", "no", 0.0),
        ("yes_no", "na", None),
        ("yes_no", "", None),
        ("scale", "3", 0.75),
        ("scale", "0", 0.0),
        ("scale", "5", None),
        ("gate", "pass", 1.0),
        ("gate", "fail", 0.0),
        ("gate", "inconclusive", 0.5),  # like a partial answer, until judged or re-run
        ("text", "anything", None),
    ],
)
def test_answer_score(kind, value, expected):
    assert answer_score(kind=kind, value=value) == expected


def test_choice_scores_by_its_option():
    choices = [
        {"value": "a", "label": "A", "score": 0.25},
        {"value": "b", "label": "B", "score": 1},
    ]
    assert answer_score(kind="choice", value="a", choices=choices) == 0.25
    assert answer_score(kind="choice", value="zzz", choices=choices) is None


@pytest.mark.parametrize(
    ("score", "band"),
    [(None, "unscored"), (80, "strong"), (75, "strong"), (60, "partial"), (10, "weak")],
)
def test_band_for(score, band):
    assert band_for(score, {"strong": 75, "partial": 50}) == band


def _q(pk, principle, kind="yes_no", weight=1.0):
    return SimpleNamespace(pk=pk, principle=principle, answer_kind=kind, weight=weight, choices=[])


def test_principle_score_is_weighted_mean_of_answered_applicable_questions():
    fair = SimpleNamespace(code="fairness", name="Fairness", order=1)
    acc = SimpleNamespace(code="accountability", name="Accountability", order=2)
    questions = [
        _q(1, fair, weight=2.0),  # yes -> 1 x2
        _q(2, fair),  # no -> 0
        _q(3, fair),  # N/A: excluded from the score, counts as answered
        _q(4, fair),  # unanswered: counts against completion only
        _q(5, acc, kind="scale"),  # 2/4
    ]
    scores = compute_scores(
        questions=questions,
        values={1: "yes", 2: "no", 3: "na", 5: "2"},
        bands={"strong": 75, "partial": 50},
        principle_weights={"fairness": 3.0},
    )
    fairness, accountability = scores.principles
    assert fairness.score == pytest.approx(100 * 2 / 3)
    assert (fairness.answered, fairness.total, fairness.scored) == (3, 4, 2)
    assert accountability.score == pytest.approx(50.0)
    # Overall: principle scores weighted 3:1.
    assert scores.overall == pytest.approx((3 * 100 * 2 / 3 + 50) / 4)
    assert scores.completion == pytest.approx(4 / 5)
    assert scores.band == "partial"


def test_no_scored_answers_gives_no_score_not_zero():
    fair = SimpleNamespace(code="fairness", name="Fairness", order=1)
    scores = compute_scores(questions=[_q(1, fair)], values={1: "na"}, bands={})
    assert scores.principles[0].score is None
    assert scores.overall is None
    assert scores.band == "unscored"
