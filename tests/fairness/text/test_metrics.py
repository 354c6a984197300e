"""Every metric against its definition on hand-checked pairs; generations; groups; checks."""

from __future__ import annotations

import numpy as np
import pytest

from fairness import Check
from fairness._checks import verdict
from fairness.text import ResponseMapping, TextCheck, TextReport, assess_responses
from fairness.text._stats import wasserstein_draws

from .conftest import HAND_ROWS, MAPPING, write_csv, write_jsonl

FULL = ResponseMapping(pair_id="pair_id", group="group", response="response",
                       decision="decision", pos_label="1", toxicity="toxicity")  # fmt: skip


def _doc(path, mapping=FULL, **options):
    options.setdefault("bootstrap_draws", 200)
    return assess_responses(path, mapping, reference_group="a", **options).to_dict()


def test_hand_checked_comparison(hand_csv):
    doc = _doc(hand_csv)
    (comp,) = doc["comparisons"]
    m = comp["metrics"]
    # VADER neg: a = [0 ("good"), 0 ("the cat sat"), 0 ("")], b = [1 ("bad"), 0, 0].
    # strong = mean(|sort(a) - sort(b)|) = mean(|[0,0,0] - [0,0,1]|) = 1/3.
    assert m["sentiment_bias_strong"] == pytest.approx(1 / 3, abs=1e-12)
    # weak = mean(a > .5) - mean(b > .5) = 0 - 1/3.
    assert m["sentiment_bias_weak"] == pytest.approx(-1 / 3, abs=1e-12)
    # ROUGE-L F: 0 (good/bad), 2/3 (the cat sat/ran), 0 (empty) -> mean 2/9.
    assert m["rougel_similarity"] == pytest.approx(2 / 9, abs=1e-12)
    # Jaccard: 0, |{the,cat}| / |{the,cat,sat,ran}| = 1/2, 0 (empty vs 3 words) -> 1/6.
    assert m["token_jaccard"] == pytest.approx(1 / 6, abs=1e-12)
    # Refusals (empty text): a = [0,0,1], b = [0,0,0]: difference 0 - 1/3, ratio 0 / (1/3) = 0.
    assert m["refusal_rate_difference"] == pytest.approx(-1 / 3)
    assert m["refusal_rate_ratio"] == 0.0
    # McNemar: one discordant pair (reference only): p = P[X <= 0], X ~ Bin(1, 1/2), doubled = 1.
    assert comp["tests"]["refusal_mcnemar_p"] == 1.0
    # Words: a = 1 + 3 + 0 = 4, b = 1 + 3 + 3 = 7 -> 7/4.
    assert m["length_ratio"] == pytest.approx(1.75)
    # Compound: good 0.4404, bad -0.5423; shift = (-0.5423 - 0.4404 + 0 + 0) / 3.
    assert m["sentiment_shift"] == pytest.approx((-0.5423 - 0.4404) / 3)
    # Decisions a = [1,1,0], b = [0,1,0]: one flip of three; selection 1/3 over 2/3 = 0.5.
    assert m["decision_flip_rate"] == pytest.approx(1 / 3)
    assert comp["tests"]["decision_mcnemar_p"] == 1.0
    assert m["impact_ratio"] == pytest.approx(0.5)
    for name, value in m.items():
        assert value is not None, name
        if name not in ("sentiment_bias_weak",):
            assert comp["intervals"][name] is not None, name
    # Wilson interval of 1/3 flips (n = 3).
    low, high = comp["intervals"]["decision_flip_rate"]
    assert low < 1 / 3 < high


def test_hand_checked_groups(hand_csv):
    doc = _doc(hand_csv)
    a, b = doc["groups"]
    assert (a["group"], a["reference"], b["group"]) == ("a", True, "b")
    assert a["responses"] == 3 and a["pairs"] == 3
    assert a["metrics"]["refusal_rate"] == pytest.approx(1 / 3)
    assert b["metrics"]["refusal_rate"] == 0.0
    assert a["metrics"]["mean_tokens"] == pytest.approx(4 / 3)
    assert b["metrics"]["sentiment_neg"] == pytest.approx(1 / 3)
    assert a["metrics"]["sentiment_compound"] == pytest.approx(0.4404 / 3)
    # Toxicity a = [0.1, 0.2, 0.9]: one above 0.5; one generation per pair, so EMT = mean = 0.4.
    assert a["metrics"]["toxic_fraction"] == pytest.approx(1 / 3)
    assert a["metrics"]["expected_maximum_toxicity"] == pytest.approx(0.4)
    assert a["metrics"]["toxicity_probability"] == pytest.approx(1 / 3)
    assert b["metrics"]["selection_rate"] == pytest.approx(1 / 3)
    assert b["metrics"]["impact_ratio"] == pytest.approx(0.5)
    assert a["intervals"]["refusal_rate"][0] < 1 / 3 < a["intervals"]["refusal_rate"][1]


def _generations(tmp_path, rows, name="gen.csv"):
    return write_csv(tmp_path / name, rows)


def test_generations_matched_by_sample_and_by_order(tmp_path):
    # pair 1: a says good/bad (samples 0, 1), b says bad/good, written in reverse sample order.
    rows = [
        {"pair_id": "1", "group": "a", "sample": "0", "response": "good", "toxicity": "0.2"},
        {"pair_id": "1", "group": "a", "sample": "1", "response": "bad", "toxicity": "0.7"},
        {"pair_id": "1", "group": "b", "sample": "1", "response": "bad", "toxicity": "0.1"},
        {"pair_id": "1", "group": "b", "sample": "0", "response": "good", "toxicity": "0.1"},
        {"pair_id": "2", "group": "a", "sample": "0", "response": "the cat", "toxicity": "0.1"},
        {"pair_id": "2", "group": "a", "sample": "1", "response": "the cat", "toxicity": "0.3"},
        {"pair_id": "2", "group": "b", "sample": "0", "response": "the cat", "toxicity": "0.0"},
        {"pair_id": "2", "group": "b", "sample": "1", "response": "the cat", "toxicity": "0.0"},
    ]
    path = _generations(tmp_path, rows)
    by_sample = ResponseMapping(pair_id="pair_id", group="group", response="response",
                                sample="sample", toxicity="toxicity")  # fmt: skip
    doc = _doc(path, by_sample)
    (comp,) = doc["comparisons"]
    assert comp["units"] == 4 and comp["pairs"] == 2
    # Matched by sample, every unit is identical: similarity 1, shift 0.
    assert comp["metrics"]["rougel_similarity"] == 1.0
    assert comp["metrics"]["sentiment_shift"] == 0.0
    a = doc["groups"][0]["metrics"]
    # EMT: max per pair (0.7, 0.3) -> 0.5; probability 1 of 2 pairs; toxic fraction 1 of 4.
    assert a["expected_maximum_toxicity"] == pytest.approx(0.5)
    assert a["toxicity_probability"] == 0.5
    assert a["toxic_fraction"] == 0.25
    # By order (no sample column), pair 1 matches good-bad and bad-good: two ROUGE 0s.
    by_order = ResponseMapping(pair_id="pair_id", group="group", response="response")
    comp = _doc(path, by_order)["comparisons"][0]
    assert comp["metrics"]["rougel_similarity"] == 0.5
    assert doc["settings"]["matching"] == "sample"


def test_pair_with_one_group_is_warned_and_left_out(tmp_path):
    rows = [*HAND_ROWS, {"pair_id": "9", "group": "a", "response": "lonely", "decision": "1",
                         "toxicity": "0.1"}]  # fmt: skip
    doc = _doc(write_csv(tmp_path / "x.csv", rows))
    assert doc["single_group_pairs"] == ["9"]
    assert any("one group only" in w and "'9'" in w for w in doc["warnings"])
    assert doc["comparisons"][0]["pairs"] == 3
    assert doc["groups"][0]["responses"] == 4  # still counted in its group


def test_three_groups(tmp_path):
    rows = [*HAND_ROWS]
    rows += [{**r, "group": "c"} for r in HAND_ROWS if r["group"] == "b"]
    doc = assess_responses(
        write_csv(tmp_path / "x.csv", rows), MAPPING, bootstrap_draws=50
    ).to_dict()
    # Default reference: most responses, ties by name: a.
    assert doc["reference_group"] == "a"
    assert [c["group"] for c in doc["comparisons"]] == ["b", "c"]
    b, c = doc["comparisons"]
    assert b["metrics"] == c["metrics"]


def test_checks_verdicts(hand_csv):
    doc = _doc(hand_csv, checks=["rougel_similarity >= 0.1", "length_ratio <= 1.0",
                                 "refusal_rate <= 0.5", "sentiment_bias_weak >= -1"])  # fmt: skip
    checks = {(c["metric"], c["group"]): c for c in doc["checks"]}
    rouge = checks[("rougel_similarity", "b")]
    assert rouge["passed"] is True and rouge["verdict"] in ("pass", "inconclusive")
    length = checks[("length_ratio", "b")]
    assert length["passed"] is False
    assert {c["group"] for c in doc["checks"] if c["metric"] == "refusal_rate"} == {"a", "b"}
    assert doc["summary"]["checks"] == 5


def _verdict(text, value, interval, bootstrapped=True):
    outcome = verdict(TextCheck.parse(text), value, interval, policy="interval",
                      bootstrapped=bootstrapped)  # fmt: skip
    return outcome["verdict"], outcome["verdict_basis"]


def test_verdict_rules_are_the_tabular_engines():
    assert _verdict("sentiment_bias_strong <= 0.05", 0.02, [0.01, 0.04]) == ("pass", "interval")
    assert _verdict("sentiment_bias_strong <= 0.05", 0.07, [0.06, 0.09]) == ("fail", "interval")
    assert _verdict("sentiment_bias_strong <= 0.05", 0.04, [0.03, 0.07]) == (
        "inconclusive",
        "interval",
    )
    # Each bound with the check's own comparison: a bound on the threshold counts as passing.
    assert _verdict("refusal_rate_ratio >= 0.8", 0.85, [0.8, 0.9]) == ("pass", "interval")
    assert _verdict("refusal_rate_ratio >= 0.8", 0.75, [0.7, 0.8]) == ("inconclusive", "interval")
    assert _verdict("refusal_rate_ratio > 0.8", 0.75, [0.7, 0.8]) == ("fail", "interval")
    # No interval: the point comparison; undefined: inconclusive, no basis.
    assert _verdict("refusal_rate_ratio >= 0.8", 0.9, None) == ("pass", "point")
    assert _verdict("refusal_rate_ratio >= 0.8", 0.7, None, False) == ("fail", "point")
    assert _verdict("refusal_rate_ratio >= 0.8", None, [0.7, 0.9]) == ("inconclusive", None)
    # The same outcome, reason included, as for a tabular check.
    for value, interval in ((0.85, [0.8, 0.9]), (0.75, [0.7, 0.8]), (0.7, None), (None, None)):
        text = verdict(TextCheck("impact_ratio", ">=", 0.8), value, interval, policy="interval",
                       bootstrapped=True)  # fmt: skip
        tabular = verdict(Check("impact_ratio", ">=", 0.8), value, interval, policy="interval",
                          bootstrapped=True)  # fmt: skip
        assert text == tabular
    with pytest.raises(ValueError):
        TextCheck.parse("nonsense >= 1")


def test_report_passes_unless_a_verdict_fails(hand_csv):
    # length_ratio = 7/4 over three pairs; the draws without pair 3 give 3/3 or 1/1 = 1.0.
    doc = _doc(hand_csv, checks=["length_ratio <= 1.0", "decision_flip_rate <= 0.5"],
               mapping=MAPPING)  # fmt: skip
    length, flip = doc["checks"]
    assert length["passed"] is False and length["verdict"] == "inconclusive"
    assert length["interval"][0] == 1.0 and "spans the threshold" in length["verdict_reason"]
    assert flip["value"] is None and flip["passed"] is None and flip["verdict"] == "inconclusive"
    assert flip["verdict_basis"] is None and flip["verdict_reason"].startswith("the value cannot")
    report = TextReport(doc)
    assert report.passed and not report.passed_strict and not report.failed_checks
    assert len(report.inconclusive_checks) == 2
    assert doc["summary"] == {
        "checks": 2, "passed": True, "verdict": "inconclusive",
        "verdicts": {"pass": 0, "fail": 0, "inconclusive": 2},
        "checks_failed": 1, "checks_passed": 0, "checks_undetermined": 1,
    }  # fmt: skip
    failing = TextReport(_doc(hand_csv, checks=["length_ratio <= 0.5"]))
    assert not failing.passed and failing.checks[0]["verdict"] == "fail"
    no_draws = _doc(hand_csv, checks=["length_ratio <= 1.0"], bootstrap_draws=0)
    assert no_draws["checks"][0]["verdict"] == "fail"
    assert no_draws["checks"][0]["verdict_basis"] == "point"


def test_count_ratios_are_exact(tmp_path):
    # 10 refusals of 200 in the reference, 8 in the group: 8/10 is 0.8 exactly (0.04 / 0.05
    # is 0.7999999999999999), so the point value passes ">= 0.8".
    rows = []
    for i in range(200):
        rows.append({"pair_id": str(i), "group": "a", "response": "" if i < 10 else "fine"})
        rows.append({"pair_id": str(i), "group": "b", "response": "" if i < 8 else "fine"})
    path = write_csv(tmp_path / "r.csv", rows)
    doc = assess_responses(path, MAPPING, reference_group="a", bootstrap_draws=100,
                           checks=["refusal_rate_ratio >= 0.8"]).to_dict()  # fmt: skip
    metrics = doc["comparisons"][0]["metrics"]
    assert metrics["refusal_rate_ratio"] == 0.8
    assert metrics["refusal_rate_difference"] == -0.01
    assert doc["checks"][0]["passed"] is True


def test_strong_bootstrap_matches_point_with_unit_weights():
    rng = np.random.default_rng(1)
    a, b = rng.random(50), rng.random(50)
    pairs = np.arange(50)
    draw = wasserstein_draws(a, b, pairs)(np.ones((1, 50)))
    assert draw[0] == pytest.approx(np.mean(np.abs(np.sort(a) - np.sort(b))), abs=1e-12)


def test_same_seed_same_document(hand_csv):
    assert _doc(hand_csv) == _doc(hand_csv)


def test_workers_give_the_same_numbers(tmp_path):
    # JSON Lines in blocks of 2 rows, scored on the forked pool from the first block.
    path = write_jsonl(tmp_path / "r.jsonl", HAND_ROWS)
    one = _doc(path, batch_rows=2)
    two = _doc(path, workers=2, batch_rows=2)
    assert one == two
