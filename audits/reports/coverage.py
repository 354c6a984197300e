"""Framework coverage of an audit: per framework, each part the checklist cites, the questions
that address it, their answers and evidence, and what fails or is not covered.

It answers the question an auditor is asked first ("where do you stand on Article 10?") from the
report's own question items, so the page, the CSV and the PDF appendix say the same thing.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from audits.reports.builder.records import AuditReport, QuestionItem
from audits.reports.exports import neutralise_cell
from audits.scoring import NOT_APPLICABLE
from checklists.frameworks import CATALOG, FRAMEWORKS, OTHER, catalog_part, split_reference

# Worst first: a part's status is the worst of its questions'.
STATUSES = ("fails", "inconclusive", "open", "partial", "meets", "not applicable")
STATUS_LABELS = {
    "fails": "fails",
    "inconclusive": "inconclusive (a reviewer judges)",
    "open": "not answered",
    "partial": "partly met",
    "meets": "met",
    "not applicable": "not applicable",
    "not covered": "not covered by this checklist",
}


def question_status(item: QuestionItem) -> str:
    """What one answer says for the clauses its question cites."""
    if not item.value:
        return "open"
    if item.value == NOT_APPLICABLE:
        return "not applicable"
    if item.finding == "inconclusive":
        return "inconclusive"
    if item.finding in ("gate", "answer") or item.score == 0:
        return "fails"
    if item.score is None:  # free text: answered, not scored
        return "meets"
    return "meets" if item.score >= 1 else "partial"


@dataclass(frozen=True)
class CoveredQuestion:
    item: QuestionItem
    clause: str  # as cited, e.g. "Art. 10(2)(f)"
    status: str

    @property
    def evidence_missing(self) -> bool:
        return self.item.evidence_required and not self.item.evidence and self.status != "open"


@dataclass
class CoveragePart:
    part: str  # e.g. "Art. 10"
    subject: str  # from the catalog ("" when the part is not in it)
    questions: list[CoveredQuestion] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.questions:
            return "not covered"
        return min((q.status for q in self.questions), key=STATUSES.index)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def clauses(self) -> list[str]:
        return sorted({q.clause for q in self.questions})


@dataclass
class FrameworkCoverage:
    name: str
    parts: list[CoveragePart]

    def count(self, status: str) -> int:
        return sum(1 for part in self.parts if part.status == status)

    @property
    def summary(self) -> dict[str, int]:
        statuses = (*STATUSES, "not covered")
        return {STATUS_LABELS[s]: self.count(s) for s in statuses if self.count(s)}


def framework_coverage(items: Iterable[QuestionItem]) -> list[FrameworkCoverage]:
    """Every framework the checklist cites or the catalog lists, its parts in catalog order
    (cited parts the catalog lacks after them)."""
    parts: dict[str, dict[str, CoveragePart]] = {
        name: {part: CoveragePart(part, subject) for part, subject in CATALOG.get(name, ())}
        for name in (*FRAMEWORKS, OTHER)
    }
    for item in items:
        status = question_status(item)
        for tag in item.references:
            framework, clause = split_reference(tag)
            key = catalog_part(framework, clause)
            part = parts[framework].setdefault(key, CoveragePart(key, ""))
            part.questions.append(CoveredQuestion(item, clause, status))
    return [
        FrameworkCoverage(name, list(by_part.values()))
        for name, by_part in parts.items()
        if any(p.questions for p in by_part.values())
    ]


def report_coverage(report: AuditReport) -> list[FrameworkCoverage]:
    """The coverage of a built report's questions."""
    return framework_coverage(q for p in report.principles for q in p.questions)


COLUMNS = [
    "framework",
    "part",
    "subject",
    "part_status",
    "clause",
    "question",
    "question_text",
    "answer",
    "question_status",
    "evidence_count",
    "evidence_missing",
]


def coverage_csv(coverage: list[FrameworkCoverage]) -> bytes:
    """One row per framework part and question citing it (a part no question cites: one row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for framework in coverage:
        for part in framework.parts:
            base = [framework.name, part.part, part.subject, part.status_label]
            if not part.questions:
                writer.writerow([neutralise_cell(v) for v in [*base, "", "", "", "", "", 0, ""]])
            for q in part.questions:
                row = [
                    *base,
                    q.clause,
                    q.item.code,
                    q.item.text,
                    q.item.answer_label if q.item.value else "",
                    STATUS_LABELS[q.status],
                    len(q.item.evidence),
                    "yes" if q.evidence_missing else "",
                ]
                writer.writerow([neutralise_cell(v) for v in row])
    return out.getvalue().encode("utf-8")
