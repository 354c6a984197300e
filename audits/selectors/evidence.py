"""Access-checked reads of evidence."""

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser, User
from django.shortcuts import get_object_or_404

from audits.models import Audit, Evidence
from audits.permissions import Action
from checklists.models import Question

from .audits import audit_get_for_user


def evidence_get_for_user(
    user: User | AnonymousUser, *, audit_pk: int, evidence_pk: int, action: Action
) -> Evidence:
    """One piece of evidence of the audit, if the user may take `action` on the audit.

    Outsiders get 404 and lesser roles 403 (from the audit); evidence of another audit is 404, so a
    member of one team cannot reach another team's files by changing the number in the address.
    """
    audit = audit_get_for_user(user, pk=audit_pk, action=action)
    evidence = get_object_or_404(
        Evidence.objects.select_related("uploaded_by", "question"), pk=evidence_pk, audit=audit
    )
    evidence.audit = audit
    return evidence


def evidence_for_audit(audit: Audit) -> dict[int | None, list[Evidence]]:
    """The audit's evidence grouped by question id (None: evidence for the audit as a whole).

    The caller has already checked access to the audit. Each list is in upload order.
    """
    grouped: dict[int | None, list[Evidence]] = defaultdict(list)
    items = (
        Evidence.objects.filter(audit=audit)
        .select_related("uploaded_by", "question", "run")
        .defer("run__result", "run__config", "run__versions")  # large; only the run link is shown
    )
    for item in items:
        item.audit = audit
        grouped[item.question_id].append(item)
    return dict(grouped)


def question_for_audit_get(audit: Audit, *, question_pk: int) -> Question:
    """A question of the audit's pinned checklist version, or 404 (another version's question)."""
    return get_object_or_404(Question, pk=question_pk, version_id=audit.checklist_version_id)


def question_for_audit_by_code(audit: Audit, *, code: str | None) -> Question | None:
    """The question of the audit's pinned checklist version with that code (None when none)."""
    if not code:
        return None
    return Question.objects.filter(version_id=audit.checklist_version_id, code=code).first()
