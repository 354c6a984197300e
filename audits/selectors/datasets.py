"""Access-checked reads of datasets and fairness runs: always through the audit they belong to."""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KT
from django.shortcuts import get_object_or_404

from audits.models import Answer, Audit, Dataset, DatasetKind, FairnessRun, RunStatus
from audits.models.datasets import STALE_CODE, STALE_MESSAGE, stale_cutoff
from audits.permissions import Action
from checklists.gates import RUN_KIND_TEXT, gate_run_kind, gate_task
from checklists.models import AnswerKind, Question

from .audits import audit_get_for_user


def dataset_get_for_user(
    user: User | AnonymousUser, *, audit_pk: int, dataset_pk: int, action: Action
) -> Dataset:
    """The dataset of that audit, if the user may take `action` on the audit (404 / 403 otherwise).

    A dataset of another audit is a 404, even when the user may see that other audit: the URL is wrong.
    """
    audit = audit_get_for_user(user, pk=audit_pk, action=action)
    dataset = get_object_or_404(Dataset, pk=dataset_pk, audit=audit)
    dataset.audit = audit  # keep the loaded team and checklist version
    return dataset


def run_get_for_user(
    user: User | AnonymousUser, *, audit_pk: int, run_pk: int, action: Action
) -> FairnessRun:
    """The fairness run of that audit, with its dataset and author, under the same rules."""
    audit = audit_get_for_user(user, pk=audit_pk, action=action)
    run = get_object_or_404(
        FairnessRun.objects.select_related("dataset", "created_by"),
        pk=run_pk,
        dataset__audit=audit,
    )
    run.dataset.audit = audit
    return run_as_seen(run)


def run_as_seen(run: FairnessRun, *, cutoff: datetime | None = None) -> FairnessRun:
    """The run as pages show it: one whose worker has gone silent is failed, "the worker stopped".

    Derived in memory only (a GET never writes); the sweep, or a retry, writes it on the row.
    """
    if run.is_stale(cutoff):
        run.status = RunStatus.FAILED
        run.error_code, run.error_message = STALE_CODE, STALE_MESSAGE
    return run


def runs_for_audit_as_seen(audit: Audit) -> list[FairnessRun]:
    """Every run of the audit for its page, a run whose worker died shown as failed."""
    cutoff = stale_cutoff()
    return [run_as_seen(run, cutoff=cutoff) for run in runs_for_audit(audit)]


def runs_for_audit(audit: Audit) -> QuerySet[FairnessRun]:
    """Every run of the audit, newest first, with dataset and author loaded (for the audit page).

    `summary_verdict` is the document's overall verdict (pass, fail, inconclusive; None for a run
    without one, or stored before verdicts), read in the same query.
    """
    # The result document can be large; the list shows none of it but its verdict.
    return (
        FairnessRun.objects.filter(dataset__audit=audit)
        .select_related("dataset", "created_by")
        .defer("result", "config", "versions", "dataset__preview")
        .annotate(summary_verdict=KT("result__summary__verdict"))
    )


def latest_successful_run(
    audit: Audit, *, kind: str | None = None, task: str | None = None
) -> FairnessRun | None:
    """The most recently started successful run (of that dataset kind, when given): the one the
    metric-gate answers of that kind come from. Kinds never mix: an LLM run answers no
    predictions gate, a prediction run no LLM gate. With `task`, only runs whose document is of
    that task (a document without one is binary): a binary run answers no regression gate."""
    runs = runs_for_audit(audit).filter(status=RunStatus.SUCCEEDED)
    if kind is not None:
        runs = runs.filter(dataset__kind=kind)
    if task is not None:
        of_task = Q(result__task=task)
        runs = runs.filter(of_task | Q(result__task__isnull=True) if task == "binary" else of_task)
    return runs.order_by("-created_at", "-pk").first()


def gate_question_get(audit: Audit, *, question_pk: int) -> Question:
    """A metric-gate question of the audit's checklist version (404 for any other question)."""
    return get_object_or_404(
        Question.objects.select_related("principle"),
        pk=question_pk,
        version_id=audit.checklist_version_id,
        answer_kind=AnswerKind.GATE,
    )


def gate_answers(
    audit: Audit, *, kind: str | None = None, task: str | None = None
) -> list[tuple[Question, Answer | None]]:
    """Every gate question of the audit with its answer (None when unanswered), in checklist order.

    With `kind` (a dataset kind), only the gates that runs of that kind answer (a run page lists
    its own: an LLM run never answers a predictions gate); with `task` too, a predictions gate
    only when it is of that task (a binary run never answers a regression gate).
    """
    questions = audit.checklist_version.questions.filter(answer_kind=AnswerKind.GATE)
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(audit=audit, question__in=questions).select_related(
            "answered_by", "run"
        )
    }
    pairs = [(q, answers.get(q.pk)) for q in questions.select_related("principle")]
    if kind is None:
        return pairs
    llm = kind == DatasetKind.LLM
    return [
        (q, a)
        for q, a in pairs
        if (gate_run_kind(q.gate) == RUN_KIND_TEXT) == llm
        and (llm or task is None or gate_task(q.gate) == task)
    ]


def datasets_for_audit(audit: Audit) -> QuerySet[Dataset]:
    """The audit's uploaded datasets, newest first, with their uploader."""
    return (
        Dataset.objects.filter(audit=audit)
        .select_related("uploaded_by")
        .order_by("-created_at", "-pk")
    )


def attribute_datasets_for_audit(audit: Audit) -> list[Dataset]:
    """The audit's sensitive-attributes files (joined to predictions on an id), newest first."""
    return list(datasets_for_audit(audit).filter(kind=DatasetKind.ATTRIBUTES))
