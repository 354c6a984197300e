"""The plain-data records of an `AuditReport`: no querysets, no model instances."""

from dataclasses import dataclass, field
from datetime import date, datetime

from audits.models import AuditStatus
from audits.reports.compare import Comparison
from checklists.models import AnswerKind

from .fairness import RunItem


@dataclass(frozen=True)
class EvidenceItem:
    id: int
    kind: str  # "file", "link" or "run"
    name: str
    url: str
    description: str
    sha256: str
    size: int
    content_type: str
    question_code: str | None
    run_id: int | None
    uploaded_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class HistorySummary:
    changes: int = 0
    first_answered_at: datetime | None = None
    last_changed_at: datetime | None = None
    contributors: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionItem:
    id: int
    code: str
    text: str
    guidance_md: str
    principle_code: str
    answer_kind: str
    choices: list
    weight: float
    required: bool
    evidence_required: bool
    references: list
    gate: dict | None
    gate_description: str
    value: str  # the raw stored value ("" when unanswered)
    answer_label: str
    score: float | None  # 0-1, None when the answer does not count
    note_md: str
    answered_by: str | None
    answered_at: datetime | None
    revision: int
    override_justification: str
    run_id: int | None
    evidence: list[EvidenceItem]
    history: HistorySummary
    finding: str | None  # "gate" (failed), "inconclusive" (a gate to judge) or "answer" (score 0)

    @property
    def answered(self) -> bool:
        return bool(self.value)

    @property
    def is_text(self) -> bool:
        return self.answer_kind == AnswerKind.TEXT

    @property
    def score_100(self) -> float | None:
        return None if self.score is None else 100 * self.score

    @property
    def answer_tone(self) -> str:
        """The badge colour of the answer (always shown with its word, never alone)."""
        if not self.value:
            return "light"
        if self.score is None:
            return "secondary"
        if self.score >= 0.75:
            return "success"
        return "warning" if self.score > 0 else "danger"


@dataclass(frozen=True)
class ReviewerComment:
    reviewer: str | None
    decision: str
    decision_label: str
    created_at: datetime
    text: str


@dataclass(frozen=True)
class PrincipleSection:
    code: str
    name: str
    description: str
    score: float | None  # 0-100
    band: str
    answered: int
    total: int
    scored: int
    weight: float
    questions: list[QuestionItem]
    reviewer_comments: list[ReviewerComment]


@dataclass(frozen=True)
class Finding:
    kind: str  # "gate", "inconclusive", "answer" or "action"
    code: str
    principle: str
    text: str
    detail: str
    label: str  # the badge: "Gate fails", the answer given, or the action's status


@dataclass(frozen=True)
class ActionItem:
    id: int
    description: str
    question_code: str | None
    check_name: str
    owner: str | None
    due_date: date | None
    status: str
    status_label: str
    is_open: bool
    is_overdue: bool
    created_at: datetime


@dataclass(frozen=True)
class ReviewItem:
    id: int
    decision: str
    decision_label: str
    reviewer: str | None
    comment: str
    principle_comments: list[tuple[str, str, str]]  # (code, principle name, text)
    submitted_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class SnapshotItem:
    kind: str
    kind_label: str
    sha256: str
    size: int
    created_at: datetime


@dataclass(frozen=True)
class InputHash:
    kind: str  # "dataset" or "evidence"
    name: str
    sha256: str
    size: int
    used_by: str


@dataclass(frozen=True)
class AuditReport:
    generated_at: datetime
    audit_id: int
    title: str
    system_name: str
    system_description: str
    intended_use: str
    risk_tier: str
    risk_tier_label: str
    status: str
    status_label: str
    team: str
    checklist_slug: str
    checklist_title: str
    version_number: int
    version_published_at: datetime | None
    version_changelog: str
    bands: dict
    principle_weights: dict
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    reviewer: str | None  # who made the latest review decision
    previous_audit: tuple[int, str] | None
    overall_score: float | None
    overall_band: str
    answered: int
    total: int
    principles: list[PrincipleSection]
    radar_svg: str
    findings: list[Finding]
    actions: list[ActionItem]
    runs: list[RunItem]
    reviews: list[ReviewItem]
    audit_evidence: list[EvidenceItem]  # evidence for the audit as a whole
    evidence: list[EvidenceItem]  # every piece of evidence
    snapshots: list[SnapshotItem]
    input_hashes: list[InputHash]
    library_versions: dict[str, str] = field(default_factory=dict)
    comparison: Comparison | None = None  # a re-audit beside its earlier audit

    @property
    def completion(self) -> float:
        return self.answered / self.total if self.total else 1.0

    @property
    def is_approved(self) -> bool:
        return self.status == AuditStatus.APPROVED

    @property
    def questions(self) -> list[QuestionItem]:
        return [q for p in self.principles for q in p.questions]

    @property
    def open_actions(self) -> list[ActionItem]:
        return [a for a in self.actions if a.is_open]

    @property
    def succeeded_runs(self) -> list[RunItem]:
        return [r for r in self.runs if r.succeeded]

    def snapshot(self, kind: str) -> SnapshotItem | None:
        return next((s for s in self.snapshots if s.kind == kind), None)
