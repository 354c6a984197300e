"""The bootstrap: its draws, its per-draw sums, its ROC AUC, its intervals."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm

from fairness import ColumnMapping, assess
from fairness._bootstrap import _draw, _GroupingDraws, percentile_interval
from fairness._groups import build_groupings
from fairness._metrics import AucLayout

from .conftest import ADULT, DATA

ADULT_MAPPING = ColumnMapping(
    y_true="income_over_50k", y_pred="predicted_over_50k", score="score", sensitive=["sex", "race"]
)


def _table(path, mapping):
    """The count table assess builds, through the same private steps."""
    from fairness._reader import CountingReader
    from fairness._sniff import sniff
    from fairness._source import InputStream
    from fairness._table import build_table

    stream = InputStream(path)
    layout = sniff(stream)
    raw = CountingReader(layout, mapping.plan(layout.columns), max_groups=1000).read(stream)
    stream.close()
    return build_table(
        raw, layout, pos_label=mapping.pos_label, score_column=mapping.score, threshold=0.5
    )


@pytest.fixture(scope="module")
def adult():
    table = _table(ADULT, ADULT_MAPPING)
    return (
        table,
        build_groupings(table, max_groups=1000),
        assess(ADULT, ADULT_MAPPING, bootstrap_draws=0),
    )


@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
def test_a_draw_equal_to_the_observed_counts_gives_the_reported_numbers(adult, method):
    # The bootstrap sums its draws per group its own way; fed the observed counts as a single
    # draw, it must find every reported disparity, group metric and impact ratio.
    table, groupings, _ = adult
    report = assess(ADULT, ADULT_MAPPING, bootstrap_draws=0, disparity_method=method)
    names = list(report.to_dict()["metrics"])
    for grouping in groupings:
        entry = report.grouping(grouping.name)
        labels = [g["label"] for g in entry["groups"]]
        ratios = np.array([np.nan if g["impact_ratio"] is None else 1.0 for g in entry["groups"]])
        reference = (labels.index(entry["reference_group"]), ~np.isnan(ratios[: grouping.size]))
        state = _GroupingDraws(table, grouping, {"impact_ratio": reference})
        auc_names = [n for n in entry["disparities"] if n.startswith("roc_auc_")]
        other_names = [n for n in entry["disparities"] if n not in auc_names]
        state.add(table.cells.counts[:, None].astype(float), other_names, names, method)
        state.add_auc(table.fine.counts[:, None].astype(float), auc_names, method)
        samples = {k: np.concatenate(v) for k, v in state.samples.items()}
        for name, value in entry["disparities"].items():
            assert _same(samples[name][0], value), (grouping.name, name)
        for g, group in enumerate(entry["groups"][: grouping.size]):
            for name in ("balanced_accuracy", "f1", "roc_auc", "impact_ratio"):
                expected = (
                    group["impact_ratio"] if name == "impact_ratio" else group["metrics"][name]
                )
                assert _same(samples[f"group:{name}"][0, g], expected), (group["label"], name)


def _same(sample, expected) -> bool:
    if expected is None:
        return bool(np.isnan(sample))
    return abs(sample - expected) <= 1e-12


def test_mann_whitney_auc_of_the_counts_equals_scikit_learn_per_group(adult):
    table, groupings, _ = adult
    fine = table.fine
    for grouping in groupings:
        layout = AucLayout.build(fine.y_true, fine.score, grouping.fine_group)
        aucs = layout.auc(fine.counts[:, None].astype(float))[0]
        for g in range(grouping.size):
            rows = grouping.fine_group == g
            expected = skm.roc_auc_score(
                fine.y_true[rows], fine.score[rows], sample_weight=fine.counts[rows]
            )
            assert aucs[g] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("counts", [np.array([5, 0, 3, 1]), np.array([400, 300, 200, 100])])
def test_every_draw_resamples_all_the_rows_with_the_observed_shares(counts):
    # [5, 0, 3, 1] resamples rows (few rows per cell), [400, ...] uses numpy's multinomial.
    counts = counts[counts > 0]
    draws = np.concatenate(list(_draw(np.random.default_rng(1), counts, 4000)), axis=1)
    assert draws.shape == (len(counts), 4000)
    assert (draws.sum(axis=0) == counts.sum()).all()
    assert draws.mean(axis=1) == pytest.approx(counts, rel=0.03)


def test_the_same_seed_gives_the_same_intervals_and_another_seed_others():
    mapping = ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex"])
    first = assess(DATA / "fairness_small.csv", mapping, bootstrap_draws=300, seed=7).to_dict()
    again = assess(DATA / "fairness_small.csv", mapping, bootstrap_draws=300, seed=7).to_dict()
    other = assess(DATA / "fairness_small.csv", mapping, bootstrap_draws=300, seed=8).to_dict()
    assert first == again
    assert (
        first["groupings"][0]["disparity_intervals"] != other["groupings"][0]["disparity_intervals"]
    )


def test_an_interval_needs_most_draws_to_be_defined():
    assert percentile_interval(np.array([np.nan] * 6 + [0.1] * 4)) is None
    assert percentile_interval(np.array([np.nan] * 4 + [0.5] * 6)) == [0.5, 0.5]
    assert percentile_interval(np.array([np.inf, 1.0, 2.0])) == [
        pytest.approx(1.025),
        pytest.approx(1.975),
    ]
