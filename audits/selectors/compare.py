"""Reads for comparing a re-audit with the audit it continues (the caller has checked access)."""

from collections.abc import Iterable

from audits.models import Audit, FairnessRun
from checklists.models import Question


def previous_audit_of(audit: Audit) -> Audit | None:
    """The audit a re-audit continues, with its checklist version loaded; None for a first audit.

    Both audits belong to one team (a re-audit is started from the approved audit), so access to
    the re-audit is access to it.
    """
    if audit.previous_audit_id is None:
        return None
    return (
        Audit.objects.select_related("checklist_version__checklist", "team")
        .filter(pk=audit.previous_audit_id, team_id=audit.team_id)
        .first()
    )


def run_results(run_ids: Iterable[int]) -> dict[int, dict]:
    """{run id: stored fairness-report document} for the given runs (one query)."""
    runs = FairnessRun.objects.filter(pk__in=set(run_ids)).only("pk", "result")
    return {run.pk: run.result or {} for run in runs}


def question_changes(old: Question, new: Question) -> str:
    """What changed between two versions of a question, as words ("" when nothing did).

    The stored versions are compared, not only their codes: the text, and for scored kinds the
    options (values, labels and scores), since an answer to changed options may mean another thing.
    """
    changed = []
    if " ".join(old.text.split()) != " ".join(new.text.split()):
        changed.append("text")
    if old.answer_options() != new.answer_options():
        changed.append("options")
    return " and ".join(changed)
