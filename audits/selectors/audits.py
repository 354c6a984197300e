"""Every read that needs access control goes through here (and so through permissions.py)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from audits.models import (
    Answer,
    Audit,
    AuditStatus,
    Evidence,
    Membership,
    RemediationAction,
    Review,
    Role,
    Team,
)
from audits.permissions import ROLE_ACTIONS, Action, require
from audits.scoring import (
    GATE_FAIL,
    GATE_INCONCLUSIVE,
    NOT_APPLICABLE,
    AuditScores,
    answer_score,
    compute_scores,
)
from checklists.models import AnswerKind, Question


def membership_list_for_user(user: User | AnonymousUser) -> QuerySet[Membership]:
    """The user's memberships (team and role), by team name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("team").order_by("team__name")


def teams_allowing(
    user: User | AnonymousUser,
    action: Action,
    *,
    memberships: Iterable[Membership] | None = None,
) -> list[Team]:
    """The user's teams in which their role allows `action` (e.g. where they may start an audit).

    `memberships` are the user's memberships when the caller has already read them (no query).
    """
    if memberships is None:
        memberships = membership_list_for_user(user)
    return [m.team for m in memberships if action in ROLE_ACTIONS[m.role]]


def team_owner_names(team_id: int) -> list[str]:
    """The names of the team's owners (the caller has checked the reader is a member)."""
    owners = Membership.objects.filter(team_id=team_id, role=Role.OWNER).select_related("user")
    return sorted(m.user.get_full_name() or m.user.get_username() for m in owners)


def team_get_for_user(
    user: User | AnonymousUser, *, slug: str, action: Action = Action.VIEW
) -> Team:
    team = get_object_or_404(Team, slug=slug)
    require(user, team, action)
    return team


def audit_list_for_user(
    user: User | AnonymousUser, *, team: Team | None = None, status: str | None = None
) -> QuerySet[Audit]:
    """Audits of the user's teams, optionally filtered, with team and checklist loaded."""
    if not user.is_authenticated:
        return Audit.objects.none()
    audits = Audit.objects.filter(team__memberships__user=user).select_related(
        "team", "checklist_version__checklist"
    )
    if team is not None:
        audits = audits.filter(team=team)
    if status:
        audits = audits.filter(status=status)
    return audits.order_by("-updated_at", "-pk")


#: The audit's people and the audit it continues, which the audit page names.
AUDIT_PAGE_RELATED = ("created_by", "submitted_by", "approved_by", "previous_audit")


def audit_get_for_user(
    user: User | AnonymousUser,
    *,
    pk: int,
    action: Action = Action.VIEW,
    related: Sequence[str] = (),
    sections: bool = False,
) -> Audit:
    """The audit, if the user may take `action` on it: 404 for outsiders, 403 for lesser roles.

    Team and checklist are always loaded; `related` names more relations to load in the same
    query (e.g. `AUDIT_PAGE_RELATED`), each one query fewer on a page that shows it. `sections`
    sets `has_evidence`, `has_actions` and `has_reviews` on the audit, in the same query, so a page
    skips reading a section that has no rows.
    """
    audits = Audit.objects.select_related("team", "checklist_version__checklist", *related)
    if sections:
        audits = audits.annotate(
            has_evidence=Exists(Evidence.objects.filter(audit=OuterRef("pk"))),
            has_actions=Exists(RemediationAction.objects.filter(audit=OuterRef("pk"))),
            has_reviews=Exists(Review.objects.filter(audit=OuterRef("pk"))),
        )
    audit = get_object_or_404(audits, pk=pk)
    require(user, audit.team_id, action)
    return audit


def audits_awaiting_user(user: User) -> dict[str, list[Audit]]:
    """What needs the user now: audits to answer (auditors, owners) and to review (reviewers, owners).

    A reviewer never reviews their own submission, so those are left out of `to_review`.
    """
    roles = dict(membership_list_for_user(user).values_list("team_id", "role"))
    answer_teams = [t for t, r in roles.items() if Action.ANSWER in ROLE_ACTIONS[r]]
    review_teams = [t for t, r in roles.items() if Action.REVIEW in ROLE_ACTIONS[r]]
    base = Audit.objects.select_related("team", "checklist_version__checklist")
    to_answer = base.filter(
        team_id__in=answer_teams,
        status__in=[AuditStatus.DRAFT, AuditStatus.CHANGES_REQUESTED],
    )
    to_review = base.filter(team_id__in=review_teams, status=AuditStatus.IN_REVIEW).exclude(
        submitted_by=user
    )
    return {"to_answer": list(to_answer[:20]), "to_review": list(to_review[:20])}


def audit_questions(audit: Audit) -> list[Question]:
    """The questions of the audit's pinned version, principles loaded, in display order."""
    return list(
        audit.checklist_version.questions.select_related("principle").order_by(
            "principle__order", "principle__code", "order", "code"
        )
    )


def audit_answers(audit: Audit, *, related: bool = True) -> dict[int, Answer]:
    """{question_id: Answer} for the audit, with who answered and the gate run loaded (unless
    `related` is false: a page that shows neither, such as the audit page, joins neither)."""
    # Unordered: the answers are keyed by question, and the model's default order (by question,
    # so by the question's own default order) joins four more tables to sort them.
    answers = Answer.objects.filter(audit=audit).order_by()
    if related:
        answers = answers.select_related("answered_by", "run").defer(
            "run__result",
            "run__config",
            "run__versions",  # large, and not shown with answers
        )
    return {a.question_id: a for a in answers}


def audit_scores(
    audit: Audit,
    *,
    questions: Sequence[Question] | None = None,
    answers: Mapping[int, Answer] | None = None,
) -> AuditScores:
    """Scores recomputed from the stored answers and the pinned version (what a summary copies)."""
    questions = audit_questions(audit) if questions is None else questions
    answers = audit_answers(audit) if answers is None else answers
    version = audit.checklist_version
    return compute_scores(
        questions=questions,
        values={qid: a.value for qid, a in answers.items()},
        bands=version.bands,
        principle_weights=version.principle_weights,
    )


@dataclass(frozen=True)
class MissingItem:
    question: Question
    reason: str


RECHECK_REASON = "question changed since the earlier audit: re-check the copied answer"
EVIDENCE_REASON = "needs evidence (a file or a link)"


@dataclass(frozen=True)
class EvidenceProgress:
    """Evidence-required questions (those answered "not applicable" need none) and how many have it."""

    needed: frozenset[int]  # question ids
    missing: frozenset[int]  # question ids among `needed` without evidence

    @property
    def total(self) -> int:
        return len(self.needed)

    @property
    def present(self) -> int:
        return len(self.needed) - len(self.missing)

    def for_questions(self, question_ids: Iterable[int]) -> "EvidenceProgress":
        ids = set(question_ids)
        return EvidenceProgress(needed=self.needed & ids, missing=self.missing & ids)


def evidence_progress(
    audit: Audit,
    *,
    questions: Sequence[Question],
    answers: Mapping[int, Answer],
    with_evidence: Iterable[int | None] | None = None,
) -> EvidenceProgress:
    """Which evidence-required questions have their evidence (one query, none when the caller
    passes the ids of the questions with evidence)."""
    if with_evidence is None:
        with_evidence = Evidence.objects.filter(audit=audit, question__isnull=False).values_list(
            "question_id", flat=True
        )
    with_evidence = set(with_evidence)
    needed = set()
    for question in questions:
        answer = answers.get(question.pk)
        if question.evidence_required and not (answer and answer.value == NOT_APPLICABLE):
            needed.add(question.pk)
    missing = needed - with_evidence
    return EvidenceProgress(needed=frozenset(needed), missing=frozenset(missing))


def audit_missing_items(
    audit: Audit,
    *,
    questions: Sequence[Question] | None = None,
    answers: Mapping[int, Answer] | None = None,
    evidence: EvidenceProgress | None = None,
) -> list[MissingItem]:
    """What stops submission: required questions unanswered, copied answers to re-check (their
    question changed between the versions), evidence-required questions without evidence."""
    questions = audit_questions(audit) if questions is None else questions
    answers = audit_answers(audit) if answers is None else answers
    if evidence is None:
        evidence = evidence_progress(audit, questions=questions, answers=answers)
    missing = []
    for question in questions:
        answer = answers.get(question.pk)
        if question.required and not (answer and answer.value):
            reason = (
                "not answered yet: run a fairness analysis on the predictions"
                if question.answer_kind == AnswerKind.GATE
                else "required and not answered"
            )
            missing.append(MissingItem(question, reason))
            continue
        if answer is not None and answer.needs_recheck:
            missing.append(MissingItem(question, RECHECK_REASON))
        if question.pk in evidence.missing:
            missing.append(MissingItem(question, EVIDENCE_REASON))
    return missing


def answers_to_recheck(
    questions: Iterable[Question], answers: Mapping[int, Answer]
) -> list[tuple[Question, Answer]]:
    """Copied answers whose question changed since the earlier audit, in question order."""
    return [
        (q, answers[q.pk]) for q in questions if q.pk in answers and answers[q.pk].needs_recheck
    ]


def answer_history(audit: Audit) -> dict[int, list[dict[str, Any]]]:
    """{question_id: [change, ...]} newest first; each change has who, when, old and new value and note."""
    answer_questions = dict(Answer.objects.filter(audit=audit).values_list("pk", "question_id"))
    records = (
        Answer.history.filter(id__in=answer_questions)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    history: dict[int, list[dict[str, Any]]] = {}
    previous: dict[int, Any] = {}
    for record in records:
        before = previous.get(record.id)
        history.setdefault(answer_questions[record.id], []).insert(
            0,
            {
                "who": record.history_user,
                "when": record.history_date,
                "old_value": before.value if before else "",
                "new_value": record.value,
                "old_note": before.note_md if before else "",
                "new_note": record.note_md,
                "revision": record.revision,
                "override": record.override_justification,
                "reason": record.history_change_reason or "",
            },
        )
        previous[record.id] = record
    return history


def latest_review(audit: Audit) -> Review | None:
    return audit.reviews.select_related("reviewer").first()


def reviews_for_audit(audit: Audit) -> list[Review]:
    return list(audit.reviews.select_related("reviewer").order_by("-created_at", "-pk"))


def scores_for_audits(audits: Iterable[Audit]) -> dict[int, AuditScores]:
    """{audit_id: scores} for a page of audits, read from their stored summaries.

    An audit without a current summary (never written through the services since summaries
    exist, or of an older summary format) is scored from its answers, in two queries for all such
    audits of the page, whatever their number.
    """
    audits = list(audits)
    scores: dict[int, AuditScores] = {}
    for audit in audits:
        stored = AuditScores.from_summary(audit.score_summary)
        if stored is not None:
            scores[audit.pk] = stored
    missing = [audit for audit in audits if audit.pk not in scores]
    return scores | _scores_recomputed(missing) if missing else scores


def _scores_recomputed(audits: list[Audit]) -> dict[int, AuditScores]:
    version_ids = {a.checklist_version_id for a in audits}
    versions = {a.checklist_version_id: a.checklist_version for a in audits}
    questions_by_version: dict[int, list[Question]] = {}
    for question in Question.objects.filter(version_id__in=version_ids).select_related("principle"):
        questions_by_version.setdefault(question.version_id, []).append(question)
    values: dict[int, dict[int, str]] = {}
    rows = Answer.objects.filter(audit__in=audits).values_list("audit_id", "question_id", "value")
    for audit_id, question_id, value in rows:
        values.setdefault(audit_id, {})[question_id] = value
    return {
        audit.pk: compute_scores(
            questions=questions_by_version.get(audit.checklist_version_id, []),
            values=values.get(audit.pk, {}),
            bands=versions[audit.checklist_version_id].bands,
            principle_weights=versions[audit.checklist_version_id].principle_weights,
        )
        for audit in audits
    }


def changes_since_last_review(audit: Audit) -> list[dict[str, Any]]:
    """Answers changed since the last review (all answers' changes when there was none yet)."""
    last = audit.reviews.order_by("-created_at").first()
    if last is None:
        return []
    answer_questions = dict(Answer.objects.filter(audit=audit).values_list("pk", "question__code"))
    # Every version of the answers, oldest first, in one query: each change since the review is
    # shown with the value and note it replaced (the version before it of the same answer).
    records = (
        Answer.history.filter(id__in=answer_questions)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    before: dict[int, Any] = {}
    changes = []
    for r in records:
        previous = before.get(r.id)
        before[r.id] = r
        if r.history_date <= last.created_at:
            continue
        changes.append(
            {
                "code": answer_questions[r.id],
                "who": r.history_user,
                "when": r.history_date,
                "value": r.value,
                "note": r.note_md,
                "old_value": previous.value if previous is not None else "",
                "note_changed": (previous.note_md if previous is not None else "") != r.note_md,
            }
        )
    return changes[::-1]  # newest first


def audit_findings(
    questions: Iterable[Question], answers: Mapping[int, Answer]
) -> list[dict[str, Any]]:
    """What fails, or needs a judgement: failed gates, then inconclusive gates, then "no" answers.

    Kinds: "gate" (a failed gate), "inconclusive" (a gate whose run could not decide: it needs more
    data or a reviewer's judgement; it does not block submission or approval) and "answer" (score 0
    on a required question).
    """
    failed_gates, inconclusive, no_answers = [], [], []
    for question in questions:
        answer = answers.get(question.pk)
        if answer is None:
            continue
        score = answer_score(
            kind=question.answer_kind, value=answer.value, choices=question.choices
        )
        if question.answer_kind == AnswerKind.GATE and answer.value == GATE_FAIL:
            failed_gates.append({"question": question, "answer": answer, "kind": "gate"})
        elif question.answer_kind == AnswerKind.GATE and answer.value == GATE_INCONCLUSIVE:
            inconclusive.append({"question": question, "answer": answer, "kind": "inconclusive"})
        elif score == 0.0 and question.required:
            no_answers.append({"question": question, "answer": answer, "kind": "answer"})
    return failed_gates + inconclusive + no_answers


def gates_to_judge(findings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The inconclusive gates among `audit_findings`: what a reviewer must judge, with their run."""
    return [f for f in findings if f["kind"] == "inconclusive"]
