"""An approved audit and its re-audit on version 2, where one question's wording changed.

Version 1 (`published_version(with_gate=True, evidence_codes=("ACC-01",))`): two yes/no questions
per principle, ACC-01 needs evidence, and the gate FAIR-G1 (demographic parity ratio >= 0.8),
answered "fail" from a run measuring 0.72 on `sex`. Version 2 keeps every question but rewords
FAIR-02. The approved audit answers every question "yes" and links evidence for ACC-01.
"""

from django.utils import timezone

from audits.models import Answer, Decision, FairnessRun
from audits.services.answers import answer_save
from audits.services.audits import audit_reaudit, audit_review, audit_submit
from audits.services.evidence import evidence_add_link
from checklists.models import AnswerKind, VersionStatus
from tests.audits.reports.data import make_run
from tests.factories import (
    AuditFactory,
    ChecklistVersionFactory,
    QuestionFactory,
    published_version,
)

REWORDED = "FAIR-02"
NEW_TEXT = "Were the groupings chosen with the people affected, and written down?"


def gate_run(audit, user, *, value: float) -> FairnessRun:
    """A succeeded run of `audit` whose only check is FAIR-G1's, measuring `value` on `sex`."""
    result = {
        "input": {"sha256": "0" * 64, "filename": "predictions.csv"},
        "checks": [
            {
                "metric": "demographic_parity_ratio",
                "comparison": ">=",
                "threshold": 0.8,
                "grouping": "sex",
                "value": value,
                "passed": value >= 0.8,
                "verdict": "pass" if value >= 0.8 else "fail",
            }
        ],
    }
    return make_run(audit, user=user, result=result, mapping={})


def answer_gate(audit, run: FairnessRun, value: str) -> Answer:
    gate = audit.checklist_version.questions.get(code="FAIR-G1")
    return Answer.objects.create(
        audit=audit, question=gate, value=value, run=run, revision=1, answered_at=timezone.now()
    )


def approved_audit(*, team, owner, auditor, reviewer):
    version = published_version(with_gate=True, evidence_codes=("ACC-01",))
    audit = AuditFactory(team=team, checklist_version=version, created_by=owner)
    for question in version.questions.exclude(answer_kind=AnswerKind.GATE):
        answer_save(audit=audit, user=auditor, question=question, value="yes", seen_revision=0)
    answer_gate(audit, gate_run(audit, auditor, value=0.72), "fail")
    evidence_add_link(
        audit=audit,
        user=auditor,
        url="https://wiki.example.org/governance",
        question=version.questions.get(code="ACC-01"),
    )
    audit_submit(audit=audit, user=auditor)
    audit_review(audit=audit, user=reviewer, decision=Decision.APPROVED)
    return audit


def version_two(audit):
    """Version 2 of the audit's checklist: the same questions, FAIR-02 reworded."""
    v1 = audit.checklist_version
    v2 = ChecklistVersionFactory(checklist=v1.checklist, number=2, status=VersionStatus.DRAFT)
    for q in v1.questions.all():
        QuestionFactory(
            version=v2,
            principle=q.principle,
            code=q.code,
            text=NEW_TEXT if q.code == REWORDED else q.text,
            answer_kind=q.answer_kind,
            gate=q.gate,
            order=q.order,
            evidence_required=q.evidence_required,
        )
    v2.status = VersionStatus.PUBLISHED
    v2.save()
    return v2


def make_reaudit(*, team, owner, auditor, reviewer, capture):
    """(approved audit, its re-audit with the answers copied). `capture`: the
    django_capture_on_commit_callbacks fixture (the copy is a job after commit)."""
    audit = approved_audit(team=team, owner=owner, auditor=auditor, reviewer=reviewer)
    version_two(audit)
    with capture(execute=True):
        new_audit = audit_reaudit(audit=audit, user=owner)
    new_audit.refresh_from_db()
    return audit, new_audit
