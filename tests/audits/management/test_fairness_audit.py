"""``manage.py fairness_audit``: exit codes, both output formats, no traceback on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[3]
ADULT = ROOT / "demo_data" / "adult_predictions.csv"
ADULT_ARGS = [
    str(ADULT),
    "--y-true",
    "income_over_50k",
    "--y-pred",
    "predicted_over_50k",
    "--sensitive",
    "sex",
]


def run(*args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command(
            "fairness_audit", *args, "--bootstrap-draws", "50", stdout=out, stderr=StringIO()
        )
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_failed_four_fifths_check_exits_1_after_printing_the_text_report():
    text, error = run(*ADULT_ARGS)
    assert error is not None and error.returncode == 1
    assert str(error) == "1 check(s) failed: four_fifths on sex."
    assert text.startswith("Fairness report (fairness-report/1) for adult_predictions.csv")
    assert (
        "FAIL          four_fifths: impact_ratio 0.32 [0.29, 0.35] < 0.8 on sex (LL144 groups): "
        "Female 0.079 vs Male 0.249 (reference)"
    ) in text
    assert "  Female   5421" in text


def test_json_format_is_the_report_document(tmp_path):
    text, error = run(*ADULT_ARGS, "--format", "json", "--score", "score")
    assert error is not None and error.returncode == 1
    document = json.loads(text)
    assert document["schema"] == "fairness-report/1"
    assert document["mode"] == "scoring"
    assert [g["name"] for g in document["groupings"]] == ["sex"]


def test_passing_checks_exit_0(tmp_path):
    # 400 rows per group, both selecting half and predicting perfectly: the equalized odds
    # difference is 0 in every draw, and the smallest impact ratio's interval stays above 0.8
    # (the log ratio of two rates of 0.5 on 400 rows has a standard error of about 0.07).
    data = "g,label,pred\n" + "A,1,1\nA,0,0\nB,1,1\nB,0,0\n" * 200
    path = tmp_path / "fair.csv"
    path.write_text(data)
    text, error = run(str(path), "--y-true", "label", "--y-pred", "pred", "--sensitive", "g",
                      "--check", "equalized_odds_difference <= 0.1")  # fmt: skip
    assert error is None
    assert "FLAGS: 0 of 2 checks fail, 0 inconclusive, 2 pass" in text


def test_output_option_writes_the_report_to_a_file(tmp_path):
    target = tmp_path / "report.json"
    text, error = run(*ADULT_ARGS, "--format", "json", "--output", str(target))
    assert error.returncode == 1
    assert text == ""
    assert json.loads(target.read_text())["input"]["filename"] == "adult_predictions.csv"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--y-pred", "p", "--sensitive", "s"], "No file at missing.csv."),
        (
            [str(ADULT), "--y-pred", "predicted_over_50k", "--sensitive", "gender"],
            "Column 'gender' (sensitive) is not in the file.",
        ),
        (
            [*ADULT_ARGS, "--check", "accuracy >= 0.8"],
            "Unknown check metric 'accuracy'; use a disparity name or 'impact_ratio'.",
        ),
    ],
)
def test_bad_input_exits_2_with_the_engine_message(args, message):
    _, error = run(*args)
    assert error is not None and error.returncode == 2
    assert str(error).startswith(message)


def test_from_a_shell_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("sex,label,pred\nF,1,1\nM,1\n")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "fairness_audit", str(bad), "--y-true", "label", "--y-pred", "pred", "--sensitive", "sex"],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "CommandError: Line 3 has 2 fields but the header has 3: M,1"
    ]
    assert "Traceback" not in result.stderr


def test_from_a_shell_a_failed_check_exits_1(tmp_path):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "fairness_audit", *ADULT_ARGS, "--bootstrap-draws", "0"],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert (
        "FLAGS: 1 of 1 checks fail, 0 inconclusive, 0 pass (verdicts from the 95% intervals)"
        in result.stdout
    )
    assert "(point value: no interval)" in result.stdout
    assert result.stderr.strip() == "CommandError: 1 check(s) failed: four_fifths on sex."


def _small_group_file(tmp_path) -> list[str]:
    # A selects 20 of 40 (0.5), B 16 of 40 (0.4), C 0 of 6. On the reliable groups (A, B) the
    # DP ratio is 0.8 with an interval that spans 0.8: inconclusive. On all groups C's 0 makes
    # it 0 in every draw that has a row of C: all but (80/86)**86 = e**-6, about 0.25%, of them,
    # so the whole interval is 0: fail.
    rows = [f"{g},{int(i < k)},{int(i < k)}" for g, n, k in (("A", 40, 20), ("B", 40, 16),
            ("C", 6, 0)) for i in range(n)]  # fmt: skip
    path = tmp_path / "small_group.csv"
    path.write_text("g,label,pred\n" + "\n".join(rows) + "\n")
    # C (6 of 86 rows, 7%) is left out of impact ratios with an 8% exclusion share, so the
    # four-fifths screen is B's 0.8: inconclusive too.
    return [str(path), "--y-true", "label", "--y-pred", "pred", "--sensitive", "g",
            "--exclusion-share", "0.08", "--check", "demographic_parity_ratio >= 0.8"]  # fmt: skip


def test_inconclusive_checks_exit_0_and_the_text_says_why(tmp_path):
    text, error = run(*_small_group_file(tmp_path))
    assert error is None
    assert "FLAGS: 0 of 2 checks fail, 2 inconclusive, 0 pass" in text
    assert "INCONCLUSIVE  demographic_parity_ratio 0.80 [" in text
    assert ">= 0.8 on g (reliable groups): B 0.400 vs A 0.500" in text
    assert "spans the threshold 0.8; needs more data or a reviewer's judgement." in text


def test_strict_makes_an_inconclusive_check_exit_1(tmp_path):
    _, error = run(*_small_group_file(tmp_path), "--strict")
    assert error is not None and error.returncode == 1
    assert str(error) == (
        "2 check(s) inconclusive (--strict): four_fifths on g; "
        "demographic_parity_ratio >= 0.8 on g."
    )


def test_check_groups_all_lets_the_two_row_group_fail_the_gate(tmp_path):
    text, error = run(*_small_group_file(tmp_path), "--check-groups", "all")
    assert error is not None and error.returncode == 1
    assert str(error) == "1 check(s) failed: demographic_parity_ratio >= 0.8 on g."
    assert "FAIL          demographic_parity_ratio 0.00 [0.00, 0.00] < 0.8 on g" in text
    assert "< 0.8 on g (all groups): C 0.000 vs A 0.500" in text


def test_verdict_policy_point_passes_the_point_value(tmp_path):
    text, error = run(*_small_group_file(tmp_path), "--verdict-policy", "point", "--strict")
    assert error is None
    assert (
        "FLAGS: 0 of 2 checks fail, 0 inconclusive, 2 pass (verdicts from the point values)" in text
    )
