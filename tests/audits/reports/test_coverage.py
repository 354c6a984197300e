"""Framework coverage of the demo audit: statuses from the answers, the catalog's uncovered parts."""

import csv
import io

import pytest

from audits.reports.builder import build_report
from audits.reports.coverage import (
    STATUS_LABELS,
    coverage_csv,
    question_status,
    report_coverage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coverage(demo_audit):
    report = build_report(demo_audit, charts=False)
    items = {q.code: q for p in report.principles for q in p.questions}
    return report_coverage(report), items


def _part(coverage, framework, part):
    found = next(f for f in coverage if f.name == framework)
    return next(p for p in found.parts if p.part == part)


def test_each_cited_clause_lists_the_questions_that_cite_it(coverage):
    frameworks, items = coverage
    assert [f.name for f in frameworks][:2] == ["EU AI Act", "NIST AI RMF"]
    article_10 = _part(frameworks, "EU AI Act", "Art. 10")
    citing = {q.item.code for q in article_10.questions}
    expected = {
        code
        for code, item in items.items()
        if any(r.startswith("EU AI Act Art. 10") for r in item.references)
    }
    assert citing == expected and citing
    assert "Art. 10(2)(f)" in article_10.clauses


def test_a_part_stands_at_its_worst_answer(coverage):
    frameworks, items = coverage
    for framework in frameworks:
        for part in framework.parts:
            statuses = [question_status(q.item) for q in part.questions]
            if "fails" in statuses:
                assert part.status == "fails"
            elif statuses and all(s == "meets" for s in statuses):
                assert part.status == "meets"
    # The demo's failed fairness gates cite Art. 10: Article 10 fails.
    failed_gates = [c for c, i in items.items() if i.finding == "gate"]
    assert failed_gates
    assert _part(frameworks, "EU AI Act", "Art. 10").status == "fails"


def test_parts_no_question_cites_are_shown_as_not_covered(coverage):
    frameworks, _ = coverage
    article_17 = _part(frameworks, "EU AI Act", "Art. 17")  # quality management system
    assert article_17.questions == [] and article_17.status == "not covered"
    assert (
        STATUS_LABELS["not covered"] in next(f for f in frameworks if f.name == "EU AI Act").summary
    )


def test_the_csv_has_one_row_per_part_and_citing_question(coverage):
    frameworks, _ = coverage
    rows = list(csv.DictReader(io.StringIO(coverage_csv(frameworks).decode("utf-8"))))
    expected = sum(max(1, len(p.questions)) for f in frameworks for p in f.parts)
    assert len(rows) == expected
    art17 = [r for r in rows if r["framework"] == "EU AI Act" and r["part"] == "Art. 17"]
    assert art17 == [
        {
            "framework": "EU AI Act",
            "part": "Art. 17",
            "subject": "quality management system",
            "part_status": "not covered by this checklist",
            "clause": "",
            "question": "",
            "question_text": "",
            "answer": "",
            "question_status": "",
            "evidence_count": "0",
            "evidence_missing": "",
        }
    ]
