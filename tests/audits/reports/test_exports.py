"""The JSON export (validated against its published schema) and the two CSV tables."""

import csv
import io
import json

import jsonschema
import pytest

from audits.models import Answer
from audits.reports.builder import build_report
from audits.reports.exports import (
    SCHEMA_PATH,
    answers_csv,
    export_document,
    export_json,
    export_schema,
    metrics_csv,
    neutralise_cell,
)


def _validate(document: dict) -> None:
    schema = export_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


def test_schema_is_published_in_the_repository():
    assert SCHEMA_PATH.name == "audit-export-1.schema.json"
    assert export_schema()["title"] == "audit-export/1"


def test_demo_export_validates_against_its_schema(demo_audit):
    document = json.loads(export_json(build_report(demo_audit, charts=False)))

    _validate(document)
    assert document["schema"] == "audit-export/1"


def test_large_export_with_three_runs_validates_against_its_schema(large_audit):
    document = json.loads(export_json(build_report(large_audit, charts=False)))

    _validate(document)
    assert len(document["checklist"]["questions"]) == 100
    assert len(document["fairness_runs"]) == 3


def test_schema_rejects_a_document_that_breaks_it(demo_audit):
    document = export_document(build_report(demo_audit, charts=False))
    document["evidence"][0]["sha256"] = "not-a-hash"

    with pytest.raises(jsonschema.ValidationError):
        _validate(json.loads(json.dumps(document)))


def test_export_holds_the_whole_audit(demo_audit):
    document = json.loads(export_json(build_report(demo_audit, charts=False)))

    assert document["audit"]["title"] == "Income model fairness audit"
    assert document["checklist"]["slug"] == "ai-ethics-fairness"
    assert len(document["checklist"]["questions"]) == 50
    assert len(document["answers"]) == 50
    fair_01 = next(a for a in document["answers"] if a["question"] == "FAIR-01")
    assert fair_01["history"]["changes"] == 2
    files = [e for e in document["evidence"] if e["kind"] == "file"]
    assert files and all(len(e["sha256"]) == 64 for e in files)
    (run,) = document["fairness_runs"]
    assert run["report"]["schema"] == "fairness-report/1"
    assert run["report"]["groupings"][0]["groups"][0]["metrics"]["selection_rate"] == (
        pytest.approx(0.07895222283711492)
    )  # exact, not rounded
    assert [r["decision"] for r in document["reviews"]] == ["changes_requested"]
    assert {a["status"] for a in document["actions"]} == {"open", "done"}
    assert document["scores"]["principles"][0]["code"] == "fairness"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (0.5, 0.5),
        (3, 3),
        (True, True),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def _rows(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for spreadsheets
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_answers_csv_neutralises_formulas_typed_by_users(demo_audit):
    answer = Answer.objects.filter(audit=demo_audit, question__code="FAIR-01").get()
    Answer.objects.filter(pk=answer.pk).update(note_md='=HYPERLINK("http://evil.example")')
    Answer.objects.filter(audit=demo_audit, question__code="TRN-12").update(value="-2+3")

    rows = _rows(answers_csv(build_report(demo_audit, charts=False)))

    by_code = {r["code"]: r for r in rows}
    assert by_code["FAIR-01"]["note"] == '\'=HYPERLINK("http://evil.example")'
    assert by_code["TRN-12"]["value"] == "'-2+3"
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_answers_csv_has_one_row_per_question(demo_audit):
    rows = _rows(answers_csv(build_report(demo_audit, charts=False)))

    assert len(rows) == 50
    assert list(rows[0]) == [
        "principle",
        "code",
        "question",
        "answer",
        "value",
        "score",
        "note",
        "answered_by",
        "answered_at",
        "revision",
        "evidence_count",
        "override_justification",
    ]
    fair_01 = next(r for r in rows if r["code"] == "FAIR-01")
    assert (fair_01["principle"], fair_01["answer"], fair_01["value"]) == ("Fairness", "Yes", "yes")
    assert (fair_01["score"], fair_01["revision"], fair_01["evidence_count"]) == ("1.0", "2", "1")


def test_metrics_csv_has_one_row_per_run_grouping_and_group_with_exact_values(demo_audit):
    rows = [
        r
        for r in _rows(metrics_csv(build_report(demo_audit, charts=False)))
        if r["row_kind"] == "group"
    ]

    assert len(rows) == 2 + 5 + 10  # sex, race, sex x race
    female = next(r for r in rows if r["grouping"] == "sex" and r["group"] == "Female")
    assert float(female["selection_rate"]) == pytest.approx(0.07895222283711492, abs=1e-15)
    assert float(female["impact_ratio"]) == pytest.approx(0.31768104483551984, abs=1e-15)
    assert float(female["selection_rate_ci_low"]) < float(female["selection_rate"])
    assert female["excluded"] == "False" and female["count"] == "5421"
    other = next(r for r in rows if r["grouping"] == "race" and r["group"] == "Other")
    assert other["excluded"] == "True" and other["impact_ratio"] == ""
    assert {"true_positive_rate", "scoring_rate", "scoring_impact_ratio", "roc_auc"} <= set(rows[0])


def test_metrics_csv_adds_reliable_disparities_and_check_verdicts_after_the_groups(demo_audit):
    report = build_report(demo_audit, charts=False)
    rows = _rows(metrics_csv(report))
    result = report.succeeded_runs[0].result
    race = next(g for g in result["groupings"] if g["name"] == "race")

    group = next(r for r in rows if r["grouping"] == "race" and r["group"] == "Other")
    assert group["row_kind"] == "group"
    assert group["reliable"] == str("Other" in race["reliable_groups"])
    disparities = {
        (r["measure"], r["groups_used"]): r
        for r in rows
        if r["row_kind"] == "disparity" and r["grouping"] == "race"
    }
    fairlearn = disparities[("demographic_parity_ratio", "all")]
    reliable = disparities[("demographic_parity_ratio", "reliable")]
    assert float(fairlearn["value"]) == race["disparities"]["demographic_parity_ratio"]
    assert float(reliable["value"]) == race["reliable_disparities"]["demographic_parity_ratio"]
    assert float(reliable["ci_low"]) <= float(reliable["value"]) <= float(reliable["ci_high"])
    assert reliable["set_by"].startswith(reliable["value"][:3]) and " vs " in reliable["set_by"]
    assert fairlearn["group"] == "" and fairlearn["count"] == ""

    checks = [r for r in rows if r["row_kind"] == "check" and r["grouping"] == "race"]
    engine = [c for c in result["checks"] if c["grouping"] == "race"]
    assert {r["verdict"] for r in checks} == {c["verdict"] for c in engine}
    four_fifths = next(r for r in checks if r["measure"] == "four_fifths")
    assert (four_fifths["groups_used"], four_fifths["comparison"]) == ("ll144", ">=")
    assert four_fifths["verdict"] in ("pass", "fail", "inconclusive")


def test_metrics_csv_neutralises_group_labels(audit, auditor, tmp_path):
    from fairness import ColumnMapping, assess

    from .data import make_run

    lines = ["label,decision,group"] + [
        f"{i % 2},{i % 3 == 0:d},{'=cmd|calc' if i % 2 else '-safe'}" for i in range(200)
    ]
    path = tmp_path / "p.csv"
    path.write_text("\n".join(lines) + "\n")
    mapping = {"y_true": "label", "y_pred": "decision", "sensitive": ["group"], "pos_label": "1"}
    result = assess(path, ColumnMapping(**mapping), bootstrap_draws=20).to_dict()
    make_run(audit, user=auditor, result=result, mapping=mapping)

    rows = _rows(metrics_csv(build_report(audit, charts=False)))

    assert sorted(r["group"] for r in rows if r["row_kind"] == "group") == ["'-safe", "'=cmd|calc"]
