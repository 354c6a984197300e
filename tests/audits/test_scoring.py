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


def _gate(pk, principle, *, required=True):
    return SimpleNamespace(
        pk=pk, principle=principle, answer_kind="gate", weight=1.0, choices=[], required=required
    )


def test_an_unanswered_required_gate_counts_zero_and_leaves_the_principle_incomplete():
    fair = SimpleNamespace(code="fairness", name="Fairness", order=1)
    acc = SimpleNamespace(code="accountability", name="Accountability", order=2)
    questions = [_q(1, fair), _q(2, fair), _gate(3, fair), _q(4, acc)]
    scores = compute_scores(
        questions=questions, values={1: "yes", 2: "yes", 4: "yes"}, bands={"strong": 75}
    )
    fairness, accountability = scores.principles
    # Two yes (1 each) and the waiting gate as 0, weights 1: 100 * 2 / 3 = 66.7, not 100.
    assert fairness.score == pytest.approx(100 * 2 / 3)
    assert (fairness.band, fairness.waiting_gates, fairness.is_incomplete) == (
        "incomplete",
        1,
        True,
    )
    assert (fairness.answered, fairness.scored) == (2, 3)
    assert (accountability.band, accountability.is_incomplete) == ("strong", False)
    assert scores.band == "incomplete" and scores.waiting_gates == 1
    # Overall: (66.7 + 100) / 2 = 83.3, still not banded while a gate waits.
    assert scores.overall == pytest.approx((100 * 2 / 3 + 100) / 2)


def test_a_gate_answered_by_a_run_or_an_optional_one_leaves_the_principle_banded():
    fair = SimpleNamespace(code="fairness", name="Fairness", order=1)
    answered = compute_scores(
        questions=[_q(1, fair), _gate(2, fair)], values={1: "yes", 2: "pass"}, bands={}
    )
    assert (answered.principles[0].score, answered.principles[0].band) == (100.0, "strong")
    optional = compute_scores(
        questions=[_q(1, fair), _gate(2, fair, required=False)], values={1: "yes"}, bands={}
    )
    # An optional gate without a run is left out, as any unanswered optional question.
    assert (optional.principles[0].score, optional.principles[0].band) == (100.0, "strong")
