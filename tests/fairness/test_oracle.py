"""Oracle parity: on random tables every number equals fairlearn's on the raw rows, within 1e-9."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairness import ColumnMapping, DatasetError, assess, format_text

from . import oracle
from .conftest import csv_bytes

TOLERANCE = 1e-9
# (positive, negative, pos_label given to the engine)
LABELS = [
    ("1", "0", None),
    ("yes", "no", None),
    ("True", "False", None),
    ("1.0", "0.0", None),
    ("hired", "rejected", "hired"),
    ("0", "1", "0"),
]
NAMED = {
    "demographic_parity": (
        demographic_parity_difference,
        demographic_parity_ratio,
        ("selection_rate",),
    ),
    "equal_opportunity": (
        equal_opportunity_difference,
        equal_opportunity_ratio,
        ("true_positive_rate",),
    ),
    "equalized_odds": (
        equalized_odds_difference,
        equalized_odds_ratio,
        ("true_positive_rate", "false_positive_rate"),
    ),
}


@st.composite
def tables(draw):
    width = draw(st.integers(1, 4))
    levels = [
        draw(st.lists(st.sampled_from(["a", "b", "c", "Zed"]), min_size=1, max_size=3, unique=True))
        for _ in range(width)
    ]
    positive, negative, pos_label = draw(st.sampled_from(LABELS))
    with_outcome = draw(st.sampled_from([True, True, True, False]))
    with_score = draw(st.booleans())
    with_pred = not with_score or draw(st.booleans())
    row = st.tuples(
        st.tuples(*[st.sampled_from([*lv, *lv, ""]) for lv in levels]),
        st.sampled_from([positive, negative, positive, negative, ""]),
        st.sampled_from([positive, negative]),
        st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9]),
    )
    rows = draw(st.lists(row, min_size=1, max_size=40))
    return {
        "width": width,
        "positive": positive,
        "pos_label": pos_label,
        "with_outcome": with_outcome,
        "with_score": with_score,
        "with_pred": with_pred,
        "rows": rows,
        "method": draw(st.sampled_from(["between_groups", "to_overall"])),
        # Small enough that random tables have both reliable groups and groups left out.
        "min_group_size": draw(st.integers(0, 8)),
    }


def _file_and_mapping(case):
    sensitive = [f"s{j}" for j in range(case["width"])]
    header = [*sensitive, "label", "pred", "score"]
    rows = [[*s, yt, yp, score] for s, yt, yp, score in case["rows"]]
    mapping = ColumnMapping(
        y_true="label" if case["with_outcome"] else None,
        y_pred="pred" if case["with_pred"] else None,
        score="score" if case["with_score"] else None,
        sensitive=sensitive,
        pos_label=case["pos_label"],
    )
    return io.BytesIO(csv_bytes(header, rows)), mapping, sensitive


def _raw_frame(case, sensitive) -> pd.DataFrame:
    frame = pd.DataFrame(
        [[*s, yt, yp, score] for s, yt, yp, score in case["rows"]],
        columns=[*sensitive, "label", "pred", "score"],
    )
    if case["with_outcome"]:
        frame = frame[frame["label"] != ""]
    frame = frame.assign(
        y_true=(frame["label"] == case["positive"]).astype(int),
        y_pred=(frame["pred"] == case["positive"]).astype(int)
        if case["with_pred"]
        else (frame["score"] >= 0.5).astype(int),
    )
    median = float(np.median(frame["score"])) if len(frame) else 0.0
    return frame.assign(above=(frame["score"] > median).astype(int))


def _same(ours, expected) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return ours is None
    return ours is not None and abs(ours - expected) <= TOLERANCE


def _check_metrics(entry: dict, expected: dict) -> None:
    for name, value in expected.items():
        assert _same(entry["metrics"][name], value), (
            entry["label"],
            name,
            entry["metrics"][name],
            value,
        )
        if entry["metrics"][name] is None:
            assert entry["undefined"][name], (entry["label"], name)


def _check_disparities(grouping: dict, mf, method: str, prefix: str = "") -> None:
    """``{prefix}disparities`` equal MetricFrame's difference / ratio on the rows it was fed."""
    by_group = mf.by_group
    difference, ratio = mf.difference(method=method), mf.ratio(method=method)
    undefined = grouping[f"{prefix}undefined"]
    for name, ours in grouping[f"{prefix}disparities"].items():
        base, kind = name.rsplit("_", 1)
        parts = NAMED[base][2] if base in NAMED else (base,)
        values = []
        for metric in parts:
            enough = by_group[metric].notna().sum() >= 2
            values.append(
                (difference if kind == "difference" else ratio)[metric] if enough else np.nan
            )
        # Equalized odds is the worse of its defined parts.
        values = [v for v in values if not np.isnan(v)]
        expected = (max(values) if kind == "difference" else min(values)) if values else np.nan
        assert _same(ours, expected), (grouping["name"], prefix, name, ours, expected)
        if ours is None:
            assert undefined[name]


def _ties(column: pd.Series, value: float) -> set:
    return {label for label, v in column.items() if abs(v - value) <= TOLERANCE}


def _check_drivers(grouping: dict, mf, method: str, prefix: str = "") -> None:
    """Drivers are fairlearn's by_group argmax / argmin (first label on a tie)."""
    by_group = mf.by_group
    for name, drivers in grouping[f"{prefix}disparity_drivers"].items():
        value = grouping[f"{prefix}disparities"][name]
        if value is None:
            assert drivers is None, (name, drivers)
            continue
        base, kind = name.rsplit("_", 1)
        part = drivers.get("part", (NAMED[base][2] if base in NAMED else (base,))[0])
        column = by_group[part].dropna().astype(float)
        # idxmax / idxmin, up to groups whose values differ by rounding only (a tie computed
        # two ways, e.g. the ROC AUC from counts and from rows).
        assert drivers["max"] in _ties(column, column.max()), (name, drivers)
        assert drivers["min"] in _ties(column, column.min()), (name, drivers)
        if len(_ties(column, column.max())) == 1:
            assert drivers["max"] == column.idxmax()
        if len(_ties(column, column.min())) == 1:
            assert drivers["min"] == column.idxmin()
        assert _same(drivers["max_value"], column.max())
        assert _same(drivers["min_value"], column.min())
        spreads = mf.difference(method=method) if kind == "difference" else mf.ratio(method=method)
        assert _same(value, spreads[part]), (name, part)  # the part that set the value
        if method == "to_overall":
            overall = float(mf.overall[part])
            assert _same(drivers["overall_value"], overall)
            if kind == "difference":
                distance = (column - overall).abs()
                assert drivers["farthest"] in _ties(distance, distance.max()), (name, drivers)
            else:
                ratios = (column / overall).map(lambda r: 1 / r if r > 1 else r)
                assert drivers["farthest"] in _ties(ratios, ratios.min()), (name, drivers)


def _check_named_functions(
    grouping: dict, frame: pd.DataFrame, groups: pd.Series, mf, method: str
) -> None:
    """Where no group has an undefined rate, fairlearn's named functions give the same numbers."""
    for base, (difference, ratio, parts) in NAMED.items():
        if f"{base}_difference" not in grouping["disparities"]:
            continue
        defined = mf.by_group[list(parts)].notna().all().all()
        spreads = [mf.difference(method=method)[p] for p in parts] + [
            mf.ratio(method=method)[p] for p in parts
        ]
        if not defined or len(mf.by_group) < 2 or np.isnan(spreads).any():
            continue
        for kind, function in (("difference", difference), ("ratio", ratio)):
            expected = function(
                frame["y_true"], frame["y_pred"], sensitive_features=groups, method=method
            )
            assert _same(grouping["disparities"][f"{base}_{kind}"], float(expected)), (base, kind)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=tables())
def test_every_metric_and_disparity_equals_fairlearn_on_the_raw_rows(case):
    source, mapping, sensitive = _file_and_mapping(case)
    try:
        report = assess(
            source,
            mapping,
            bootstrap_draws=0,
            disparity_method=case["method"],
            min_group_size=case["min_group_size"],
        )
    except DatasetError as error:
        # The only refusals random tables can provoke: nothing usable, or the label never positive.
        labels = [yt for _, yt, _, _ in case["rows"]]
        assert error.code in ("all_labels_missing", "pos_label_absent"), error
        if error.code == "all_labels_missing":
            assert set(labels) == {""}
        return
    document = report.to_dict()
    json.dumps(document, allow_nan=False)  # strict JSON: undefined values are null, never NaN
    assert format_text(report)
    frame = _raw_frame(case, sensitive)
    functions = oracle.raw_metrics(with_outcome=case["with_outcome"], with_score=case["with_score"])
    assert document["input"]["rows_used"] == len(frame)
    _check_metrics(
        {"label": "overall", **document["overall"], "metrics": document["overall"]},
        oracle.on_rows(frame, functions),
    )
    subsets = [[c] for c in sensitive] + ([sensitive] if len(sensitive) > 1 else [])
    assert [g["name"] for g in document["groupings"]] == [" x ".join(s) for s in subsets]
    for columns, grouping in zip(subsets, document["groupings"], strict=True):
        known = (frame[columns] != "").all(axis=1)
        groups = pd.Series(
            [" x ".join(r) for r in frame.loc[known, columns].itertuples(index=False)],
            index=frame.index[known],
            dtype=object,
        )
        entries = {g["label"]: g for g in grouping["groups"]}
        assert [g["label"] for g in grouping["groups"] if not g["unknown"]] == sorted(set(groups))
        assert grouping["unknown_count"] == int((~known).sum())
        if (~known).any():
            _check_metrics(entries["Unknown"], oracle.on_rows(frame[~known], functions))
        if not known.any():
            assert all(v is None for v in grouping["disparities"].values())
            continue
        mf = oracle.metric_frame(frame[known], functions, groups)
        for label, expected in mf.by_group.iterrows():
            _check_metrics(entries[label], expected.to_dict())
        _check_disparities(grouping, mf, case["method"])
        _check_drivers(grouping, mf, case["method"])
        _check_named_functions(grouping, frame[known], groups, mf, case["method"])
        # Reliable: the same measures on the raw rows of the groups with enough rows only.
        sizes = groups.value_counts()
        reliable = sorted(sizes.index[sizes >= case["min_group_size"]])
        assert grouping["reliable_groups"] == reliable
        if len(reliable) < 2:
            assert all(v is None for v in grouping["reliable_disparities"].values())
            assert all(grouping["reliable_undefined"].values())
            continue
        chosen = groups[groups.isin(reliable)]
        mf_reliable = oracle.metric_frame(frame.loc[chosen.index], functions, chosen)
        _check_disparities(grouping, mf_reliable, case["method"], prefix="reliable_")
        _check_drivers(grouping, mf_reliable, case["method"], prefix="reliable_")
        _check_named_functions(
            {"disparities": grouping["reliable_disparities"]},
            frame.loc[chosen.index], chosen, mf_reliable, case["method"],
        )  # fmt: skip


@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
def test_disparities_of_the_small_file_equal_fairlearn_named_functions(method):
    # Every group of fairness_small.csv has positives and negatives, so fairlearn's named
    # functions apply as they are (no undefined rate for them to count as 0).
    from .conftest import DATA

    frame = pd.read_csv(DATA / "fairness_small.csv", keep_default_na=False)
    known = frame[frame["sex"] != ""]
    report = assess(
        DATA / "fairness_small.csv",
        ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex"]),
        bootstrap_draws=0,
        disparity_method=method,
    )
    ours = report.grouping("sex")["disparities"]
    for base, (difference, ratio, _) in NAMED.items():
        for kind, function in (("difference", difference), ("ratio", ratio)):
            expected = function(
                known["label"], known["decision"], sensitive_features=known["sex"], method=method
            )
            assert ours[f"{base}_{kind}"] == pytest.approx(expected, abs=TOLERANCE)
