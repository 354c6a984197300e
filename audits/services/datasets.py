"""Datasets and fairness runs, the request side: ingest an upload, create and retry runs.

A dataset is predictions (the tabular engine) or LLM responses (`fairness.text`): ingest previews
each with its reader, and an LLM responses file small enough is read through once by the text
engine with the guessed roles before it is kept, so a file it cannot use (a missing column, one
group only, non-numeric toxicity) is refused at once with the engine's message.

A run executes in a job (`audits.jobs.worker`), started after commit by `audits.jobs.enqueue`;
its every outcome is written on its row. The upload is always kept, so the user fixes the mapping
and runs again.
"""

import logging
import re
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import PurePath
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from audits.jobs.enqueue import run_enqueue
from audits.jobs.sweep import run_fail_if_stale
from audits.jsonsafe import json_safe
from audits.models import Answer, Audit, Dataset, DatasetKind, Evidence, FairnessRun, RunStatus
from audits.reports.run.checks import same_check
from audits.responses import guess_positive, guess_roles, preview_responses
from audits.services.common import ensure_can_edit
from audits.services.gates import LLM, gate_checks
from fairness import DEFAULT_OPTIONS, TASKS, DatasetError, preview
from fairness.text import (
    DEFAULT_REFUSAL_PATTERNS,
    REQUIRED_ROLES,
    ROLES,
    TEXT_ERROR_MESSAGES,
    ResponseMapping,
    assess_responses,
)

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
PREVIEW_MAX_DISTINCT = 50
UNREADABLE_MESSAGE = "The file could not be read ({name}). Check that it is a CSV or Parquet file."
UNREADABLE_RESPONSES_MESSAGE = (
    "The file could not be read ({name}). Check that it is CSV, JSON Lines or Parquet."
)
STORE_FAILED_MESSAGE = "The file could not be stored on the server. Try again later."


# -- datasets -----------------------------------------------------------------------------------


@transaction.atomic
def dataset_ingest(
    *,
    audit: Audit,
    user: User,
    uploaded_file: File,
    sha256: str,
    kind: str = DatasetKind.PREDICTIONS,
) -> Dataset:
    """Read the head of an uploaded file and keep it, under a random name, as a Dataset.

    `uploaded_file` is a Django UploadedFile (a temporary file for real uploads, which storage
    moves rather than copies); `sha256` is its digest, computed while it streamed in. `kind` is
    "predictions" or "llm" (LLM responses: CSV, JSON Lines or Parquet). A file the engine cannot
    read raises ValidationError on "file" with the engine's message; nothing is kept.
    """
    ensure_can_edit(audit=audit, user=user)
    if kind not in DatasetKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(DatasetKind.values)}."})
    if kind == DatasetKind.LLM:
        document = _responses_document(uploaded_file)
    else:
        document = _preview_document(uploaded_file)
    name = PurePath(uploaded_file.name or "predictions.csv").name[-255:]
    dataset = Dataset(
        audit=audit,
        kind=kind,
        storage_token=secrets.token_hex(16),
        original_name=name,
        sha256=sha256,
        size=uploaded_file.size,
        preview=document,
        uploaded_by=user,
    )
    dataset.full_clean(exclude=["file"])
    try:
        dataset.file.save(name, uploaded_file, save=False)
    except OSError as error:
        logger.exception("Could not store an uploaded dataset")
        raise ValidationError({"file": STORE_FAILED_MESSAGE}) from error
    try:
        dataset.full_clean()
        dataset.save()
    except BaseException:
        # Nothing half-written: no row without its file, no file without its row.
        dataset.file.delete(save=False)
        raise
    return dataset


def _preview_document(uploaded_file: File) -> dict[str, Any]:
    """What `preview()` finds at the head of the file, as the JSON stored on the Dataset."""
    try:
        with _upload_source(uploaded_file) as source:
            found = preview(
                source,
                rows=PREVIEW_ROWS,
                max_distinct=PREVIEW_MAX_DISTINCT,
                max_columns=settings.FAIRNESS_MAX_COLUMNS,
            )
    except DatasetError as error:
        raise ValidationError({"file": ValidationError(str(error), code=error.code)}) from error
    except Exception as error:
        # Whatever the file holds, the answer is a form error, never a 500.
        logger.exception("preview() failed on an upload")
        message = UNREADABLE_MESSAGE.format(name=type(error).__name__)
        raise ValidationError({"file": message}) from error
    document = found.to_dict()
    document["guess"] = found.guess_mapping().to_dict()
    return json_safe(document)


def _responses_document(uploaded_file: File) -> dict[str, Any]:
    """The head of an LLM responses file with the guessed roles; the whole file checked when small.

    A required role no column fits is the engine's "missing column" message; the check runs
    `assess_responses` with the guessed pair_id, group, response (and toxicity) columns.
    """
    try:
        with _upload_source(uploaded_file) as source:
            document = preview_responses(
                source,
                rows=PREVIEW_ROWS,
                max_distinct=PREVIEW_MAX_DISTINCT,
                max_columns=settings.FAIRNESS_MAX_COLUMNS,
            )
            guess = guess_roles(document)
            for role in REQUIRED_ROLES:
                if not guess.get(role):
                    shown = ", ".join(f"'{c}'" for c in document["columns"][:30]) or "none"
                    message = TEXT_ERROR_MESSAGES["missing_column"].format(
                        column=role, role=role, available=shown
                    )
                    raise DatasetError("missing_column", message, column=role)
            if (uploaded_file.size or 0) <= settings.LLM_INGEST_CHECK_MAX_BYTES:
                checked = {r: guess.get(r) for r in (*REQUIRED_ROLES, "toxicity")}
                if not isinstance(source, str):
                    source.seek(0)
                assess_responses(
                    source,
                    ResponseMapping(**cast(dict[str, Any], checked)),
                    bootstrap_draws=0,
                    examples_per_kind=0,
                    max_bytes=settings.DATASET_MAX_BYTES,
                )
    except DatasetError as error:
        raise ValidationError({"file": ValidationError(str(error), code=error.code)}) from error
    except Exception as error:
        logger.exception("Reading an LLM responses upload failed")
        message = UNREADABLE_RESPONSES_MESSAGE.format(name=type(error).__name__)
        raise ValidationError({"file": message}) from error
    document["guess"] = guess
    return json_safe(document)


@contextmanager
def _upload_source(uploaded_file: File) -> Iterator[str | BinaryIO]:
    path = getattr(uploaded_file, "temporary_file_path", None)
    if path is not None:
        yield path()
        return
    uploaded_file.seek(0)
    yield cast(BinaryIO, uploaded_file)  # a binary file object, as the engine reads it
    uploaded_file.seek(0)


# -- runs: create, retry ------------------------------------------------------------------------


#: The mapping's keys a predictions run records (empty means "not mapped": the engine takes None).
MAPPING_KEYS = ("y_true", "y_pred", "score", "pos_label", "counts", "id")
BAD_TASK_MESSAGE = "Choose the task: one of {tasks}."
NOT_ATTRIBUTES_MESSAGE = "Choose a sensitive-attributes file uploaded to this audit."
ID_NEEDED_MESSAGE = "Choose the id column that joins the predictions with the attributes file."
ID_WITHOUT_ATTRIBUTES_MESSAGE = (
    "An id column joins an attributes file: upload one, or leave the id column empty."
)
THRESHOLD_NOT_REGRESSION_MESSAGE = "A decision threshold applies to a regression only."
EXTRA_CHECKS_BINARY_MESSAGE = (
    "Extra checks are offered for binary decisions only; a {task} run reports its own metrics."
)


def run_inputs_problems(
    *,
    dataset: Dataset,
    task: str,
    mapping: Mapping[str, Any],
    attributes: Dataset | None,
    decision_threshold: float | None,
    extra_checks: Sequence[dict[str, Any]] = (),
) -> dict[str, ValidationError]:
    """What is wrong with a run's task and inputs, by field, each with its code (empty: nothing).

    `run_create` raises them; the form and the API serializer catch most earlier, by field.
    """
    problems: dict[str, ValidationError] = {}

    def problem(field: str, message: str, code: str) -> None:
        problems.setdefault(field, ValidationError(message, code=code))

    if task not in TASKS:
        problem("task", BAD_TASK_MESSAGE.format(tasks=", ".join(TASKS)), "unknown_task")
    if attributes is not None and (
        attributes.kind != DatasetKind.ATTRIBUTES or attributes.audit_id != dataset.audit_id
    ):
        problem("attributes", NOT_ATTRIBUTES_MESSAGE, "not_attributes")
    if attributes is not None and not mapping.get("id"):
        problem("id", ID_NEEDED_MESSAGE, "id_needed")
    if attributes is None and mapping.get("id"):
        problem("id", ID_WITHOUT_ATTRIBUTES_MESSAGE, "id_without_attributes")
    if decision_threshold is not None and task != "regression":
        problem("decision_threshold", THRESHOLD_NOT_REGRESSION_MESSAGE, "threshold_not_regression")
    if extra_checks and task != "binary" and task in TASKS:
        problem("extra_checks", EXTRA_CHECKS_BINARY_MESSAGE.format(task=task), "checks_binary_only")
    return problems


@transaction.atomic
def run_create(
    *,
    dataset: Dataset,
    user: User,
    mapping: Mapping[str, Any],
    options: Mapping[str, Any],
    extra_checks: Sequence[dict[str, Any]] = (),
    task: str = "binary",
    attributes: Dataset | None = None,
    decision_threshold: float | None = None,
) -> FairnessRun:
    """Create a fairness run of the dataset and start it (see `audits.jobs.run_enqueue`).

    `task` is one of `fairness.TASKS`, given (the engine would guess it from the head of the file,
    and the page has asked). `mapping` may name a `counts` column (a count table) and an `id`
    column that joins `attributes`, a dataset of kind "attributes" of the same audit; a regression
    may have a `decision_threshold`. Every metric-gate question of the audit's checklist becomes a
    check of a binary run, so the run can answer it; `extra_checks` ({"metric", "comparison",
    "threshold"}, binary only) are added after them.
    """
    audit = dataset.audit
    ensure_can_edit(audit=audit, user=user)
    if dataset.kind != DatasetKind.PREDICTIONS:
        raise ValidationError("This dataset does not hold predictions: use llm_run_create.")
    problems = run_inputs_problems(
        dataset=dataset,
        task=task,
        mapping=mapping,
        attributes=attributes,
        decision_threshold=decision_threshold,
        extra_checks=extra_checks,
    )
    if problems:
        raise ValidationError(problems)
    checks = gate_checks(audit, task=task)
    checks += [{**check, "source": "extra"} for check in extra_checks]
    task_options: dict[str, Any] = {"task": task}
    if decision_threshold is not None:
        task_options["decision_threshold"] = decision_threshold
    config = {
        "mapping": {k: mapping.get(k) or None for k in MAPPING_KEYS}
        | {"sensitive": list(mapping.get("sensitive") or [])},
        "options": dict(DEFAULT_OPTIONS)
        | {"bootstrap_draws": settings.FAIRNESS_BOOTSTRAP_DRAWS}
        | {k: v for k, v in options.items() if k in DEFAULT_OPTIONS}
        | {"max_groups": settings.FAIRNESS_MAX_GROUPS}
        # The task is given: the engine would guess it from the head of the file.
        | task_options,
        "checks": checks,
    }
    if attributes is not None:
        config["attributes"] = {"dataset": attributes.pk, "name": attributes.original_name}
    return _run_start(dataset=dataset, user=user, config=config, attributes=attributes)


#: The checks an LLM run offers, with their thresholds (LLM.md); `decision` ones need a decision.
LLM_OFFERED_CHECKS: tuple[dict[str, Any], ...] = (
    {"metric": "refusal_rate_ratio", "comparison": ">=", "threshold": 0.8, "needs": None},
    {"metric": "sentiment_bias_strong", "comparison": "<=", "threshold": 0.05, "needs": None},
    {"metric": "decision_flip_rate", "comparison": "<=", "threshold": 0.02, "needs": "decision"},
    {"metric": "rougel_similarity", "comparison": ">=", "threshold": 0.5, "needs": None},
)


def refusal_pattern_problems(patterns: Sequence[str]) -> list[str]:
    """What is wrong with each refusal pattern that is not a regular expression, by line number."""
    problems = []
    for number, pattern in enumerate(patterns, start=1):
        try:
            re.compile(pattern, re.IGNORECASE)
        except re.error as error:
            problems.append(f"line {number} ({pattern[:60]}): {error}")
    return problems


def llm_pos_label(dataset: Dataset, *, decision: str | None, pos_label: str | None) -> str | None:
    """The favourable decision: the one given, else guessed from the decision column's values."""
    if not decision:
        return None
    if pos_label:
        return pos_label
    values = dataset.preview.get("distinct", {}).get(decision, [])
    return guess_positive([str(v) for v in values])


@transaction.atomic
def llm_run_create(
    *,
    dataset: Dataset,
    user: User,
    mapping: Mapping[str, Any],
    options: Mapping[str, Any] | None = None,
    checks: Sequence[dict[str, Any]] = (),
) -> FairnessRun:
    """Create a run of `fairness.text.assess_responses` on an LLM responses dataset and start it.

    `mapping` holds ResponseMapping fields (empty means not mapped; without a `pos_label`, the
    favourable decision is guessed from the decision column's values); `options` may name the
    `reference_group` (default: the engine's, the most frequent group) and `refusal_patterns`
    (default: the engine's list). Every LLM gate of the checklist becomes a check ("source":
    "gate"), then `checks` ({"metric", "comparison", "threshold"}) as "chosen".
    """
    if not dataset.is_llm:
        raise ValidationError("This dataset holds predictions: use run_create.")
    audit = dataset.audit
    ensure_can_edit(audit=audit, user=user)
    options = options or {}
    config_checks = gate_checks(audit, kind=LLM)
    for check in checks:
        # A chosen check that repeats a gate (the form offers refusal_rate_ratio >= 0.8, as
        # FAIR-15 asks) would be evaluated and listed twice.
        if not any(same_check(check, c) for c in config_checks):
            config_checks.append({**check, "source": "chosen"})
    patterns = options.get("refusal_patterns")
    problems = refusal_pattern_problems(patterns or [])
    if problems:
        raise ValidationError(
            {"refusal_patterns": f"Not a regular expression: {'; '.join(problems)}."}
        )
    roles = {k: mapping.get(k) or None for k in ROLES}
    pos_label = llm_pos_label(
        dataset, decision=roles["decision"], pos_label=mapping.get("pos_label") or None
    )
    config = {
        "kind": LLM,
        "mapping": roles | {"pos_label": pos_label},
        "options": {
            "reference_group": options.get("reference_group") or None,
            "refusal_patterns": list(DEFAULT_REFUSAL_PATTERNS if patterns is None else patterns),
            "bootstrap_draws": settings.FAIRNESS_BOOTSTRAP_DRAWS,
        },
        "checks": config_checks,
    }
    return _run_start(dataset=dataset, user=user, config=config)


@transaction.atomic
def run_retry(*, run: FairnessRun, user: User) -> FairnessRun:
    """Run a failed run again, as a new run with the same configuration.

    A run whose worker died is only shown as failed until the sweep writes it; retrying it first
    records the failure on its row, then starts the new run.
    """
    ensure_can_edit(audit=run.dataset.audit, user=user)
    run_fail_if_stale(run=run)
    if run.status != RunStatus.FAILED:
        raise ValidationError("Only a failed run can be retried.")
    return _run_start(dataset=run.dataset, user=user, config=run.config, attributes=run.attributes)


RUN_DELETE_NOT_FAILED = (
    "Only a failed run can be deleted: a run that finished is part of the audit's record."
)
RUN_DELETE_IN_USE = "This run is linked to an answer or evidence, so it stays."


@transaction.atomic
def run_delete(*, run: FairnessRun, user: User) -> None:
    """Delete a failed run (the upload stays), so failed attempts do not pile up on the audit.

    A run that succeeded is evidence of what was measured and is never deleted; neither is one
    an answer or a piece of evidence points to.
    """
    ensure_can_edit(audit=run.dataset.audit, user=user)
    run_fail_if_stale(run=run)
    run.refresh_from_db(fields=["status"])
    if run.status != RunStatus.FAILED:
        raise ValidationError(RUN_DELETE_NOT_FAILED, code="not_failed")
    if Answer.objects.filter(run=run).exists() or Evidence.objects.filter(run=run).exists():
        raise ValidationError(RUN_DELETE_IN_USE, code="in_use")
    run.delete()


def _run_start(
    *, dataset: Dataset, user: User, config: dict[str, Any], attributes: Dataset | None = None
) -> FairnessRun:
    run = FairnessRun(dataset=dataset, config=config, created_by=user, attributes=attributes)
    run.full_clean()
    run.save()
    run_enqueue(run)
    run.refresh_from_db()
    return run
