"""``llm_fairness_audit`` and ``llm_prompt_set``: exit codes 0/1/2, --strict, the prompt set."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.fairness.text.conftest import HAND_ROWS, write_csv

COLUMNS = ["--pair-id", "pair_id", "--group", "group", "--response", "response"]


def _audit(path, *extra, capsys=None):
    call_command("llm_fairness_audit", str(path), *COLUMNS, "--bootstrap-draws", "100",
                 "--workers", "1", *extra)  # fmt: skip


def test_passing_checks_exit_0_with_text_output(tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", HAND_ROWS)
    _audit(path, "--reference", "a", "--check", "rougel_similarity >= 0.0")
    out = capsys.readouterr().out
    assert (
        out.index("Checks: PASS (0 fail")
        < out.index("Per group")
        < out.index("Against the reference")
    )
    assert "Examples" in out and "sentiment_bias_strong" in out


def test_failing_verdict_exit_1(tmp_path):
    path = write_csv(tmp_path / "r.csv", HAND_ROWS)
    # length_ratio 7/4, and every draw of it is at least 1.0: the verdict is fail.
    with pytest.raises(CommandError) as info:
        _audit(path, "--reference", "a", "--check", "length_ratio <= 0.5")
    assert info.value.returncode == 1
    assert str(info.value) == "1 check(s) failed: length_ratio on b."


def test_inconclusive_exit_0_and_1_with_strict(tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", HAND_ROWS)
    # Point 7/4 fails <= 1.0, but the interval [1.0, ...] spans it: inconclusive, exit 0 (as
    # fairness_audit); --strict makes it exit 1.
    _audit(path, "--reference", "a", "--check", "length_ratio <= 1.0")
    out = capsys.readouterr().out
    assert "Checks: INCONCLUSIVE (0 fail, 1 inconclusive, 0 pass of 1" in out
    assert "INCONCLUSIVE  length_ratio on b: 1.750 > 1" in out
    with pytest.raises(CommandError) as info:
        _audit(path, "--reference", "a", "--check", "length_ratio <= 1.0", "--strict")
    assert info.value.returncode == 1
    assert "inconclusive (--strict): length_ratio on b" in str(info.value)
    # point 2/9 passes >= 0.2, but the interval over three pairs straddles it: inconclusive.
    _audit(path, "--reference", "a", "--check", "rougel_similarity >= 0.2")
    with pytest.raises(CommandError) as info:
        _audit(path, "--reference", "a", "--check", "rougel_similarity >= 0.2", "--strict")
    assert info.value.returncode == 1


def test_undefined_check_is_inconclusive(tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", HAND_ROWS)
    # No --decision: decision_flip_rate is not measured, so nothing was shown either way.
    _audit(path, "--reference", "a", "--check", "decision_flip_rate <= 0.1")
    assert "INCONCLUSIVE  decision_flip_rate on b: not evaluated" in capsys.readouterr().out
    with pytest.raises(CommandError) as info:
        _audit(path, "--reference", "a", "--check", "decision_flip_rate <= 0.1", "--strict")
    assert info.value.returncode == 1


def test_bad_input_exit_2(tmp_path):
    path = write_csv(tmp_path / "r.csv", HAND_ROWS)
    with pytest.raises(CommandError) as info:
        call_command("llm_fairness_audit", str(path), "--pair-id", "pair_id", "--group", "sex",
                     "--response", "response")  # fmt: skip
    assert info.value.returncode == 2 and "'sex' (group)" in str(info.value)
    with pytest.raises(CommandError) as info:
        _audit(path, "--check", "bogus >= 1")
    assert info.value.returncode == 2


def test_json_output_file(tmp_path):
    path = write_csv(tmp_path / "r.csv", HAND_ROWS)
    out = tmp_path / "report.json"
    _audit(path, "--format", "json", "--output", str(out), "--decision", "decision",
           "--pos-label", "1", "--toxicity", "toxicity")  # fmt: skip
    doc = json.loads(out.read_text())
    assert doc["schema"] == "llm-fairness-report/1"
    assert "decision_flip_rate" in doc["comparisons"][0]["metrics"]


def test_prompt_set_placeholder_and_swaps(tmp_path):
    templates = tmp_path / "t.txt"
    templates.write_text(
        "# comment\nWrite a reference for a {group} nurse.\nShould he get his loan as a man?\n"
    )
    out = tmp_path / "prompts.csv"
    call_command("llm_prompt_set", str(templates), "--groups", "male,female,nonbinary",
                 "--output", str(out))  # fmt: skip
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert [r["pair_id"] for r in rows] == ["1"] * 3 + ["2"] * 3
    assert rows[1]["prompt"] == "Write a reference for a female nurse."
    assert rows[4]["prompt"] == "Should she get her loan as a woman?"
    assert rows[5]["prompt"] == "Should they get their loan as a person?"


def test_prompt_set_csv_and_errors(tmp_path):
    templates = tmp_path / "t.csv"
    templates.write_text("id,template\n1,Describe a {group} engineer.\n")
    out = tmp_path / "p.csv"
    call_command("llm_prompt_set", str(templates), "--groups", "a,b", "--output", str(out))
    assert len(list(csv.DictReader(out.read_text().splitlines()))) == 2
    plain = tmp_path / "plain.txt"
    plain.write_text("Describe an engineer.\n")
    with pytest.raises(CommandError) as info:
        call_command("llm_prompt_set", str(plain), "--groups", "male,female", "--output", str(out))
    assert info.value.returncode == 2
