"""The fairness-report/1 document, checks, format_text and the package boundary."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import fairness as engine
from fairness import (
    DISPARITY_NAMES,
    ENGINE_VERSION,
    METRIC_NAMES,
    Check,
    ColumnMapping,
    FairnessReport,
    assess,
    format_text,
)

from .conftest import DATA, csv_bytes

SMALL = DATA / "fairness_small.csv"
MAPPING = ColumnMapping(y_true="label", y_pred="decision", sensitive=["sex", "race"])


@pytest.fixture(scope="module")
def report():
    return assess(SMALL, MAPPING, bootstrap_draws=50)


def test_document_has_the_keys_of_metrics_md(report):
    document = report.to_dict()
    assert document["schema"] == "fairness-report/1"
    assert {
        "schema",
        "input",
        "versions",
        "mode",
        "overall",
        "groupings",
        "checks",
        "warnings",
    } <= set(document)
    assert document["input"]["columns"] == {
        "y_true": "label",
        "y_pred": "decision",
        "score": None,
        "sensitive": ["sex", "race"],
    }
    assert document["input"]["rows"] == 20
    assert document["input"]["pos_label"] == "1"
    assert document["mode"] == "classification"
    group = document["groupings"][0]["groups"][0]
    assert {
        "key",
        "label",
        "count",
        "share",
        "excluded",
        "metrics",
        "intervals",
        "impact_ratio",
        "warnings",
    } <= set(group)
    assert {
        "name",
        "columns",
        "unknown_count",
        "groups",
        "reference_group",
        "disparities",
        "disparity_intervals",
    } <= set(document["groupings"][0])


def test_document_is_strict_json_and_to_dict_is_a_copy(report):
    document = report.to_dict()
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    document["mode"] = "changed"
    assert report.to_dict()["mode"] == "classification"
    assert json.loads(report.to_json()) == report.to_dict()


def test_versions_name_the_libraries_and_the_engine(report):
    versions = report.to_dict()["versions"]
    assert {"fairlearn", "pandas", "numpy", "pyarrow", "scikit-learn", "engine"} <= set(versions)
    assert versions["fairlearn"] == "0.15.0"
    assert versions["engine"] == ENGINE_VERSION
    # The engine does not guess its host's version: only a caller that passes one gets "app".
    assert "app" not in versions


def test_versions_record_the_app_version_the_caller_passes():
    document = engine.assess(SMALL, MAPPING, app_version="9.9.9").to_dict()
    assert document["versions"]["app"] == "9.9.9"


def test_sha256_is_of_the_file_as_read(report):
    assert report.to_dict()["input"]["sha256"] == hashlib.sha256(SMALL.read_bytes()).hexdigest()


def test_groupings_come_in_mapping_order_then_the_intersection(report):
    assert [g["name"] for g in report.groupings] == ["sex", "race", "sex x race"]
    assert report.groupings[2]["columns"] == ["sex", "race"]


def test_metric_and_disparity_names_cover_the_document(report):
    document = report.to_dict()
    assert set(document["metrics"]) <= set(METRIC_NAMES)
    assert set(document["groupings"][0]["disparities"]) <= set(DISPARITY_NAMES)
    assert "equalized_odds_difference" in DISPARITY_NAMES


def test_undefined_values_are_null_with_a_reason_never_zero(write):
    # Group B has no actual positives: its TPR is undefined, and so is its balanced accuracy.
    rows = [["A", 1, 1], ["A", 0, 0], ["B", 0, 1], ["B", 0, 0]]
    report = assess(
        write("u.csv", csv_bytes(["g", "label", "decision"], rows)),
        ColumnMapping(y_true="label", y_pred="decision", sensitive=["g"]),
        bootstrap_draws=0,
    )
    group_b = report.grouping("g")["groups"][1]
    assert group_b["metrics"]["true_positive_rate"] is None
    assert group_b["undefined"]["true_positive_rate"] == "no actual positives in this group"
    assert group_b["metrics"]["balanced_accuracy"] is None
    assert group_b["intervals"]["true_positive_rate"] is None
    disparities = report.grouping("g")["disparities"]
    assert disparities["equal_opportunity_difference"] is None
    assert report.grouping("g")["undefined"]["equal_opportunity_difference"] == (
        "true_positive_rate is defined for fewer than two groups"
    )
    # Equalized odds falls back on the part that is defined: FPR 0 (A) against 1/2 (B).
    assert disparities["equalized_odds_difference"] == pytest.approx(0.5)


def test_four_fifths_and_user_checks_are_evaluated_on_every_grouping(report):
    # Every group of the small file has fewer than 30 rows: on all groups (fairlearn's
    # disparities), as before verdicts; test_verdicts.py covers the reliable default.
    checked = assess(
        SMALL,
        MAPPING,
        bootstrap_draws=0,
        check_groups="all",
        checks=[
            Check("equalized_odds_difference", "<=", 0.35),
            "dp: demographic_parity_ratio >= 0.5",
        ],
    )
    entries = [(c["name"], c["grouping"], c["passed"]) for c in checked.checks]
    assert entries == [
        ("four_fifths", "sex", False),
        ("four_fifths", "race", False),
        ("four_fifths", "sex x race", False),
        ("equalized_odds_difference <= 0.35", "sex", True),
        ("equalized_odds_difference <= 0.35", "race", True),
        ("equalized_odds_difference <= 0.35", "sex x race", False),
        ("dp", "sex", True),
        ("dp", "race", True),
        ("dp", "sex x race", False),
    ]
    assert set(checked.checks[0]) == {
        "name",
        "grouping",
        "metric",
        "comparison",
        "value",
        "threshold",
        "passed",
        "reason",
        "interval",
        "verdict",
        "verdict_basis",
        "verdict_reason",
        "check_groups",
        "drivers",
    }
    # Without a bootstrap every verdict is the point comparison.
    assert [c["verdict"] for c in checked.checks] == [
        {True: "pass", False: "fail"}[passed] for _, _, passed in entries
    ]
    assert checked.to_dict()["summary"] == {
        "passed": False,
        "verdict": "fail",
        "verdicts": {"pass": 4, "fail": 5, "inconclusive": 0},
        "checks_failed": 5,
        "checks_passed": 4,
        "checks_undetermined": 0,
    }


def test_a_check_that_cannot_be_evaluated_is_null_and_does_not_fail(write):
    rows = [["A", 1], ["A", 0], ["B", 1], ["B", 1]]
    report = assess(
        write("s.csv", csv_bytes(["g", "decision"], rows)),
        ColumnMapping(y_true=None, y_pred="decision", sensitive=["g"]),
        bootstrap_draws=0,
        four_fifths_threshold=0.4,
        checks=[Check("equalized_odds_difference", "<=", 0.1)],
    )
    undetermined = report.checks[-1]
    assert (undetermined["value"], undetermined["passed"]) == (None, None)
    assert "needs a column that is not mapped" in undetermined["reason"]
    assert report.passed is True
    assert any("could not be evaluated" in w for w in report.warnings)


def test_passed_is_true_when_every_check_passes(write):
    rows = [["A", 1, 1], ["A", 0, 0], ["B", 1, 1], ["B", 0, 0]] * 10
    report = assess(
        write("p.csv", csv_bytes(["g", "label", "decision"], rows)),
        ColumnMapping(y_true="label", y_pred="decision", sensitive=["g"]),
        bootstrap_draws=0,
    )
    assert report.passed is True
    assert report.failed_checks == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("accuracy", ">=", 0.8),
            "Unknown check metric 'accuracy'; use a disparity name or 'impact_ratio'.",
        ),
        (("impact_ratio", "=>", 0.8), "Unknown comparison '=>'; use one of >=, >, <=, <."),
        (
            ("impact_ratio", ">=", float("nan")),
            "The threshold of a check must be a finite number, not nan.",
        ),
    ],
)
def test_a_malformed_check_is_refused(arguments, message):
    with pytest.raises(
        ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"
    ):
        Check(*arguments)


def test_check_parse_reads_name_metric_comparison_threshold():
    assert Check.parse("gate: impact_ratio >= 0.9") == Check("impact_ratio", ">=", 0.9, "gate")
    assert (
        Check.parse("equal_opportunity_difference<0.1").name == "equal_opportunity_difference < 0.1"
    )
    with pytest.raises(ValueError, match="Cannot read check"):
        Check.parse("impact ratio above 0.8")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("exclusion_share", 1.5),
        ("bootstrap_draws", -1),
        ("disparity_method", "pairwise"),
        ("max_groups", 0),
    ],
)
def test_out_of_range_options_are_refused(option, value):
    with pytest.raises(ValueError, match=option):
        assess(SMALL, MAPPING, **{option: value})


def test_format_text_puts_flags_and_warnings_before_the_tables(report):
    text = format_text(report)
    flags, warnings, first_table = (
        text.index("FLAGS"),
        text.index("WARNINGS"),
        text.index("\nsex  (reference"),
    )
    assert flags < warnings < first_table
    # 20 rows: the smallest impact ratio's interval spans 0.8, so the screen is inconclusive.
    assert "INCONCLUSIVE  four_fifths: impact_ratio 0.62 [" in text
    assert "< 0.8 on sex (LL144 groups): F 0." in text
    assert "screening threshold" in text and "not a verdict of fairness" in text
    assert "unfair" not in text


def test_format_text_aligns_each_table(report):
    lines = format_text(report).splitlines()
    start = lines.index("sex  (reference group: M, highest selection rate)")
    header, *rows = lines[start + 1 : start + 5]
    assert header.split()[:3] == ["group", "n", "share"]
    end = header.index("impact ratio") + len("impact ratio")
    assert [row[end - 4 : end] for row in rows] == ["0.62", "1.00", "   -"]
    count_end = header.index(" n ") + 2
    assert [row[count_end - 2 : count_end] for row in rows] == [" 8", "10", " 2"]
    assert rows[0][header.index("selection rate") :].startswith("0.375 [0.137, 0.694]")


def test_a_stored_document_can_be_formatted_again(report):
    again = FairnessReport.from_dict(json.loads(report.to_json()))
    assert format_text(again) == format_text(report) == format_text(report.to_dict())
    with pytest.raises(ValueError, match="Not a fairness-report/1 document"):
        FairnessReport.from_dict({"schema": "other"})


def test_column_mapping_round_trips_through_a_dict():
    mapping = ColumnMapping(y_true="y", y_pred="p", score="s", sensitive="sex", pos_label=1)
    assert mapping.sensitive == ["sex"] and mapping.pos_label == "1"
    assert ColumnMapping.from_dict(mapping.to_dict()) == mapping


def test_public_api_is_exactly_all():
    names = {
        "ColumnMapping", "assess", "DatasetError", "FairnessReport", "Check", "preview", "Preview",
        "format_text", "METRIC_NAMES", "DISPARITY_NAMES", "ENGINE_VERSION",
    }  # fmt: skip
    assert names <= set(engine.__all__)
    assert all(hasattr(engine, name) for name in engine.__all__)


def test_the_engine_never_imports_django():
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, fairness as f; f.assess; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sources = sorted((root / "fairness").rglob("*.py"))
    assert sources
    assert not [
        p.name
        for p in sources
        if "import django" in p.read_text() or "from django" in p.read_text()
    ]
