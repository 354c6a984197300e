"""``fairness_audit`` version 2 options: --print-sql, --counts, --attributes/--id, --task."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command(
            "fairness_audit", *args, "--bootstrap-draws", "50", stdout=out, stderr=StringIO()
        )
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_print_sql_prints_the_group_by_of_the_mapping():
    text, error = run(
        "--y-true", "label", "--y-pred", "decision", "--sensitive", "sex", "--sensitive", "race",
        "--print-sql", "--sql-table", "hr.decisions",
    )  # fmt: skip
    assert error is None
    assert text == (
        'SELECT "sex", "race", "label", "decision", COUNT(*) AS "row_count"\n'
        'FROM "hr"."decisions"\n'
        'GROUP BY "sex", "race", "label", "decision";\n'
    )


def test_counts_reads_a_count_table(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text("sex,decision,row_count\nF,1,40\nF,0,60\nM,1,50\nM,0,50\n")
    text, error = run(
        str(path), "--y-pred", "decision", "--sensitive", "sex", "--counts", "row_count",
        "--format", "json",
    )  # fmt: skip
    assert error is None
    document = json.loads(text)
    assert document["input"]["rows"] == 200 and document["input"]["cells"] == 4
    assert document["groupings"][0]["impact_ratio_min"] == pytest.approx(0.8)


def test_a_bad_count_exits_2(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text("sex,decision,n\nF,1,4.5\n")
    _, error = run(str(path), "--y-pred", "decision", "--sensitive", "sex", "--counts", "n")
    assert error is not None and error.returncode == 2
    assert str(error).startswith("Line 2: the count in column 'n' is '4.5'")


def test_attributes_and_id_join_the_files(tmp_path):
    pred = tmp_path / "pred.csv"
    pred.write_text("person,decision\n1,1\n2,0\n3,1\n4,1\n")
    attr = tmp_path / "attr.csv"
    attr.write_text("person,sex\n1,F\n2,F\n3,M\n4,M\n5,M\n")
    text, error = run(
        str(pred), "--y-pred", "decision", "--sensitive", "sex", "--attributes", str(attr),
        "--id", "person", "--format", "json",
    )  # fmt: skip
    assert error is None  # F 0.5 vs M 1.0 on 2 rows each: inconclusive, exit 0
    document = json.loads(text)
    assert document["input"]["unmatched"] == {"predictions": 0, "attributes": 1}
    _, error = run(str(pred), "--y-pred", "decision", "--sensitive", "sex", "--id", "person")
    assert error is not None and error.returncode == 2
