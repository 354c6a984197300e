"""What the audit page (and the pages built on it, such as the review page) shows."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from audits import selectors
from audits.models import Audit, AuditStatus
from audits.permissions import Action, allowed_actions
from audits.reports.radar import radar_svg
from audits.scoring import AuditScores
from audits.selectors.actions import actions_for_audit
from audits.selectors.audits import team_owner_names
from audits.selectors.datasets import runs_for_audit_as_seen
from audits.selectors.evidence import evidence_for_audit
from audits.selectors.reports import audit_is_sealing, report_snapshots
from audits.services.common import is_editable
from checklists.models import Principle, Question


def audit_page_context(
    user: User | AnonymousUser, audit: Audit, *, answer_details: bool = True
) -> dict[str, Any]:
    """Scores, progress, findings, actions, runs and reviews of one audit, plus the user's rights.

    `answer_details`: each answer's author and gate run are loaded (pages that show them).
    """
    questions = selectors.audit_questions(audit)
    answers = selectors.audit_answers(audit, related=answer_details)
    # Only an approved audit shows its sealed snapshots (and whether its seal is under way).
    snapshots = list(report_snapshots(audit)) if audit.status == AuditStatus.APPROVED else []
    scores = selectors.audit_scores(audit, questions=questions, answers=answers)
    allowed = allowed_actions(user, audit.team_id)
    principles = _principles(questions)
    findings = selectors.audit_findings(questions, answers)
    # An audit read with `sections=True` says which sections are empty: those need no query.
    evidence_by_question = evidence_for_audit(audit) if getattr(audit, "has_evidence", True) else {}
    evidence = selectors.evidence_progress(
        audit, questions=questions, answers=answers, with_evidence=evidence_by_question.keys()
    )
    missing = selectors.audit_missing_items(
        audit, questions=questions, answers=answers, evidence=evidence
    )
    return {
        "audit": audit,
        "questions": questions,
        "answers": answers,
        "evidence_progress": evidence,
        "to_recheck": selectors.answers_to_recheck(questions, answers),
        # Who may start a re-audit, said where the button would be for everyone else.
        "reaudit_owners": team_owner_names(audit.team_id)
        if audit.status == "approved" and Action.REAUDIT not in allowed
        else [],
        "allowed": allowed,
        "can_edit": Action.ANSWER in allowed and is_editable(audit),
        "can_submit": Action.SUBMIT in allowed and is_editable(audit),
        "can_review": Action.REVIEW in allowed
        and audit.status == "in_review"
        and audit.submitted_by_id != user.pk,
        "can_manage_actions": Action.MANAGE_ACTIONS in allowed and not audit.is_locked,
        "scores": scores,
        "principles": principles,
        "principle_rows": [(p, scores.for_principle(p.code)) for p in principles],
        "findings": findings,
        "gates_to_judge": selectors.gates_to_judge(findings),
        "failing": [f for f in findings if f["kind"] != "inconclusive"],
        "snapshots": snapshots,
        "sealing": audit_is_sealing(audit, snapshots),
        "missing": missing,
        "actions": actions_for_audit(audit, open_only=False)
        if getattr(audit, "has_actions", True)
        else [],
        "runs": runs_for_audit_as_seen(audit),  # a run whose worker died shows as failed
        # The runs the gate answers come from (the latest of each kind, unless overridden).
        "gate_run_ids": {a.run_id for a in answers.values() if a.run_id},
        "reviews": selectors.reviews_for_audit(audit)
        if getattr(audit, "has_reviews", True)
        else [],
        "evidence_by_question": evidence_by_question,  # None: evidence of the audit as a whole
        "audit_evidence": evidence_by_question.get(None, []),
    }


def radar_for(scores: AuditScores) -> str:
    """The radar chart of principle scores (drawn only by the pages that show it)."""
    return radar_svg([(p.name, p.score) for p in scores.principles])


def _principles(questions: Iterable[Question]) -> list[Principle]:
    seen: dict[str, Principle] = {}
    for question in questions:
        seen.setdefault(question.principle.code, question.principle)
    return list(seen.values())
