"""`build_report(audit)`: the audit as an `AuditReport`, in a constant number of queries."""

import functools
import platform
from importlib import metadata

from django.utils import timezone

from audits import selectors
from audits.labels import INCONCLUSIVE_LABEL, answer_label
from audits.models import Audit
from audits.reports.compare import comparison_build
from audits.reports.gc_passes import fewer_gc_passes
from audits.reports.radar import radar_svg
from audits.scoring import answer_score
from audits.selectors.actions import actions_for_audit
from audits.selectors.audits import audit_findings
from audits.selectors.evidence import evidence_for_audit
from audits.selectors.reports import (
    answer_history_records,
    report_audit_get,
    report_runs,
    report_snapshots,
)
from checklists.gates import describe_gate
from checklists.models import Principle

from .fairness import RunItem, run_item
from .records import (
    ActionItem,
    AuditReport,
    EvidenceItem,
    Finding,
    HistorySummary,
    InputHash,
    PrincipleSection,
    QuestionItem,
    ReviewerComment,
    ReviewItem,
    SnapshotItem,
)

# Libraries whose versions the appendix lists (the engine's own versions come with each run).
LIBRARIES = ("Django", "fairlearn", "scikit-learn", "pandas", "numpy", "matplotlib", "weasyprint")


def person(user) -> str | None:
    """How a user is named in a report: full name, else username; None for nobody."""
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def build_report(audit: Audit, *, charts: bool = True) -> AuditReport:
    """The audit as plain data. The number of queries does not grow with questions or runs.

    `charts=False` leaves out the SVG charts (the JSON and CSV exports do not need them).
    """
    with fewer_gc_passes():
        return _build_report(audit, charts=charts)


def _build_report(audit: Audit, *, charts: bool) -> AuditReport:
    audit = report_audit_get(audit)
    questions = selectors.audit_questions(audit)
    answers = selectors.audit_answers(audit)
    scores = selectors.audit_scores(audit, questions=questions, answers=answers)
    by_question = {q.pk: q for q in questions}
    evidence = _evidence_items(audit, by_question)
    history = _history_summaries(audit, answers)
    runs = _run_items(audit, charts=charts)
    reviews = selectors.reviews_for_audit(audit)
    actions = [_action_item(a) for a in actions_for_audit(audit)]
    findings = audit_findings(questions, answers)
    finding_kind = {f["question"].pk: f["kind"] for f in findings}
    principles = _principle_sections(
        questions, answers, scores, evidence, history, finding_kind, reviews, audit
    )
    version = audit.checklist_version
    return AuditReport(
        generated_at=timezone.now(),
        audit_id=audit.pk,
        title=audit.title,
        system_name=audit.system_name,
        system_description=audit.system_description,
        intended_use=audit.intended_use,
        risk_tier=audit.risk_tier,
        risk_tier_label=audit.get_risk_tier_display(),
        status=audit.status,
        status_label=audit.get_status_display(),
        team=audit.team.name,
        checklist_slug=version.checklist.slug,
        checklist_title=version.checklist.title,
        version_number=version.number,
        version_published_at=version.published_at,
        version_changelog=version.changelog,
        bands=dict(version.bands or {}),
        principle_weights=dict(version.principle_weights or {}),
        created_by=person(audit.created_by),
        created_at=audit.created_at,
        updated_at=audit.updated_at,
        submitted_by=person(audit.submitted_by),
        submitted_at=audit.submitted_at,
        approved_by=person(audit.approved_by),
        approved_at=audit.approved_at,
        reviewer=person(reviews[0].reviewer) if reviews else None,
        previous_audit=(
            (audit.previous_audit.pk, audit.previous_audit.title) if audit.previous_audit else None
        ),
        overall_score=scores.overall,
        overall_band=scores.band,
        answered=scores.answered,
        total=scores.total,
        principles=principles,
        radar_svg=_radar(tuple((p.name, p.score) for p in scores.principles)) if charts else "",
        findings=_key_findings(findings, actions),
        actions=actions,
        runs=runs,
        reviews=[_review_item(r, principles) for r in reviews],
        audit_evidence=[e for e in evidence if e.question_code is None],
        evidence=evidence,
        snapshots=[
            SnapshotItem(s.kind, s.get_kind_display(), s.sha256, s.size, s.created_at)
            for s in report_snapshots(audit)
        ],
        input_hashes=_input_hashes(runs, evidence),
        library_versions=library_versions(),
        comparison=comparison_build(audit),
    )


def _evidence_items(audit: Audit, by_question: dict) -> list[EvidenceItem]:
    items = []
    for question_id, group in evidence_for_audit(audit).items():
        question = by_question.get(question_id)
        for e in group:
            items.append(
                EvidenceItem(
                    id=e.pk,
                    kind=e.kind,
                    name=e.original_name
                    or e.url
                    or (f"Fairness run #{e.run_id}" if e.run_id else ""),
                    url=e.url,
                    description=e.description,
                    sha256=e.sha256,
                    size=e.size,
                    content_type=e.content_type,
                    question_code=question.code if question else None,
                    run_id=e.run_id,
                    uploaded_by=person(e.uploaded_by),
                    created_at=e.created_at,
                )
            )
    return sorted(items, key=lambda e: (e.created_at, e.id))


def _history_summaries(audit: Audit, answers: dict) -> dict[int, HistorySummary]:
    """{question_id: summary of the answer's changes}, from simple_history, in one query."""
    question_of = {a.pk: qid for qid, a in answers.items()}
    records = answer_history_records(audit)
    grouped: dict[int, list] = {}
    for record in records:
        if record.id in question_of:
            grouped.setdefault(question_of[record.id], []).append(record)
    summaries = {}
    for question_id, group in grouped.items():
        contributors = []
        for record in group:
            name = person(record.history_user)
            if name and name not in contributors:
                contributors.append(name)
        summaries[question_id] = HistorySummary(
            changes=len(group),
            first_answered_at=group[0].history_date,
            last_changed_at=group[-1].history_date,
            contributors=tuple(contributors),
        )
    return summaries


def _run_items(audit: Audit, *, charts: bool) -> list[RunItem]:
    runs = report_runs(audit)
    return [
        run_item(run, position=position, created_by=person(run.created_by), charts=charts)
        for position, run in enumerate(runs, start=1)
    ]


def _principle_sections(
    questions, answers, scores, evidence, history, finding_kind, reviews, audit
) -> list[PrincipleSection]:
    evidence_by_question: dict[str, list[EvidenceItem]] = {}
    for item in evidence:
        if item.question_code:
            evidence_by_question.setdefault(item.question_code, []).append(item)
    weights = audit.checklist_version.principle_weights or {}
    items_by_principle: dict[str, list[QuestionItem]] = {}
    principles: dict[str, Principle] = {}
    for question in questions:
        principles.setdefault(question.principle.code, question.principle)
        item = _question_item(
            question,
            answers.get(question.pk),
            evidence_by_question.get(question.code, []),
            history.get(question.pk, HistorySummary()),
            finding_kind.get(question.pk),
        )
        items_by_principle.setdefault(question.principle.code, []).append(item)
    sections = []
    for ps in scores.principles:
        principle = principles[ps.code]
        comments = [
            ReviewerComment(
                reviewer=person(r.reviewer),
                decision=r.decision,
                decision_label=r.get_decision_display(),
                created_at=r.created_at,
                text=r.principle_comments[ps.code],
            )
            for r in reviews
            if (r.principle_comments or {}).get(ps.code)
        ]
        sections.append(
            PrincipleSection(
                code=ps.code,
                name=ps.name,
                description=principle.description,
                score=ps.score,
                band=ps.band,
                answered=ps.answered,
                total=ps.total,
                scored=ps.scored,
                weight=float(weights.get(ps.code, 1.0)),
                questions=items_by_principle.get(ps.code, []),
                reviewer_comments=comments,
            )
        )
    return sections


def _question_item(question, answer, evidence, history, finding) -> QuestionItem:
    value = answer.value if answer else ""
    return QuestionItem(
        id=question.pk,
        code=question.code,
        text=question.text,
        guidance_md=question.guidance_md,
        principle_code=question.principle.code,
        answer_kind=question.answer_kind,
        choices=list(question.choices or []),
        weight=question.weight,
        required=question.required,
        evidence_required=question.evidence_required,
        references=list(question.references or []),
        gate=question.gate,
        gate_description=describe_gate(question.gate),
        value=value,
        answer_label=answer_label(question, value) if value else "Not answered",
        score=answer_score(kind=question.answer_kind, value=value, choices=question.choices),
        note_md=answer.note_md if answer else "",
        answered_by=person(answer.answered_by) if answer else None,
        answered_at=answer.answered_at if answer else None,
        revision=answer.revision if answer else 0,
        override_justification=answer.override_justification if answer else "",
        run_id=answer.run_id if answer else None,
        evidence=evidence,
        history=history,
        finding=finding,
    )


def _action_item(action) -> ActionItem:
    return ActionItem(
        id=action.pk,
        description=action.description,
        question_code=action.question.code if action.question_id else None,
        check_name=action.check_name,
        owner=person(action.owner),
        due_date=action.due_date,
        status=action.status,
        status_label=action.get_status_display(),
        is_open=action.is_open,
        is_overdue=bool(getattr(action, "is_overdue", False)),
        created_at=action.created_at,
    )


def _key_findings(findings: list[dict], actions: list[ActionItem]) -> list[Finding]:
    """Failed gates, inconclusive gates, "no" answers to required questions, then open actions."""
    items = []
    for f in findings:
        question, answer = f["question"], f["answer"]
        label = answer_label(question, answer.value)
        if f["kind"] == "gate":
            detail, label = f"Gate fails: {describe_gate(question.gate)}", "Gate fails"
        elif f["kind"] == "inconclusive":
            run = f" (fairness run #{answer.run_id})" if answer.run_id else ""
            detail = f"Gate inconclusive{run}: {describe_gate(question.gate)}"
            label = INCONCLUSIVE_LABEL
        else:
            detail = f"Answered “{label}” to a required question"
        items.append(
            Finding(f["kind"], question.code, question.principle.name, question.text, detail, label)
        )
    for action in actions:
        if action.is_open:
            due = f", due {action.due_date:%d %b %Y}" if action.due_date else ""
            overdue = " (overdue)" if action.is_overdue else ""
            owner = action.owner or "no owner"
            detail = f"{action.status_label} action, {owner}{due}{overdue}"
            code = action.question_code or action.check_name or f"Action #{action.id}"
            items.append(
                Finding("action", code, "", action.description, detail, action.status_label)
            )
    return items


def _review_item(review, principles: list[PrincipleSection]) -> ReviewItem:
    names = {p.code: p.name for p in principles}
    comments = [
        (code, names.get(code, code), text)
        for code, text in sorted(
            (review.principle_comments or {}).items(),
            key=lambda kv: (
                [p.code for p in principles].index(kv[0]) if kv[0] in names else len(principles)
            ),
        )
        if text
    ]
    return ReviewItem(
        id=review.pk,
        decision=review.decision,
        decision_label=review.get_decision_display(),
        reviewer=person(review.reviewer),
        comment=review.comment,
        principle_comments=comments,
        submitted_at=review.submitted_at,
        created_at=review.created_at,
    )


def _input_hashes(runs: list[RunItem], evidence: list[EvidenceItem]) -> list[InputHash]:
    """Each distinct input file once (the same upload used by several runs is one file)."""
    hashes, seen = [], set()
    for run in runs:
        key = (run.dataset_name, run.dataset_sha256)
        if key in seen:
            continue
        seen.add(key)
        used = ", ".join(r.name for r in runs if (r.dataset_name, r.dataset_sha256) == key)
        hashes.append(
            InputHash("dataset", run.dataset_name, run.dataset_sha256, run.dataset_size, used)
        )
    for item in evidence:
        if item.kind == "file":
            used = item.question_code or "whole audit"
            hashes.append(InputHash("evidence", item.name, item.sha256, item.size, used))
    return hashes


def library_versions() -> dict[str, str]:
    """The versions of Python and of the libraries that computed and rendered the report."""
    return dict(_library_versions())


@functools.cache
def _library_versions() -> dict[str, str]:
    # Read once per process: reading seven packages' metadata from disk was 7% of the report
    # page, and the installed versions cannot change under a running process.
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


@functools.lru_cache(maxsize=64)
def _radar(scores: tuple) -> str:
    # Same scores, same chart: a report downloaded again does not draw it again.
    return radar_svg(list(scores))
