"""Keeping an audit's stored score summary equal to its scores.

`Audit.score_summary` is a copy of `selectors.audit_scores(audit)` so that a page of audits is
scored from one column instead of every answer of every audit. It is rewritten here, in the
transaction of each write that can change a score: an answer saved, a gate answered from a run
or overridden, a re-audit's answers copied, an audit created. (Published checklist versions are
immutable, so a checklist change reaches an audit only as a new audit or a re-audit.)
"""

from django.db import transaction

from audits.models import Audit
from audits.selectors.audits import audit_scores


@transaction.atomic
def audit_scores_refresh(*, audit_pk: int) -> None:
    """Recompute the audit's scores and store them as its summary.

    The audit row is locked first, so two writers of one audit refresh one after the other and
    the later one reads the earlier one's committed answers (the last summary written is right).
    """
    audit = (
        Audit.objects.select_for_update(of=("self",))
        .select_related("checklist_version")
        .get(pk=audit_pk)
    )
    summary = audit_scores(audit).as_summary()
    Audit.objects.filter(pk=audit_pk).update(score_summary=summary)
