"""Executing a fairness run: claim it, read its file, call the engine, record the outcome.

A prediction run calls `fairness.assess` (with its task, and the attributes file it joins); an LLM run (its dataset holds LLM responses) calls
`fairness.text.assess_responses` with the stored mapping, checks and options, and then draws up
the VADER `neg` histogram per group shown beside its document (`run.figures`).

Called by the enqueuer (sync and thread modes) and by the Celery task `audits.run_fairness`. A
run's every outcome is written on its row; the heartbeat and the progress writer keep it fresh
while it computes, so a silent run is known to be dead (see `audits.jobs.sweep`).
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import BinaryIO, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from audits.jsonsafe import json_safe
from audits.models import Audit, Dataset, FairnessRun, RunStatus
from audits.models.datasets import READING_SHARE, stale_cutoff
from audits.responses import detect_format, iter_columns
from audits.selectors.datasets import latest_successful_run
from audits.services.common import EDITABLE_STATUSES
from audits.services.gates import gates_answer_from_run, run_task
from fairness import Check, ColumnMapping, DatasetError, FairnessReport, assess
from fairness.text import FastVader, ResponseMapping, TextCheck, TextReport, assess_responses

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 0.5
UNEXPECTED_CODE = "unexpected"
UNEXPECTED_MESSAGE = "The run failed unexpectedly: {name}. The upload is kept; try again."
FILE_MISSING_CODE = "file_missing"
FILE_MISSING_MESSAGE = "The uploaded file is no longer in storage. Upload it again."
#: Bins of the VADER `neg` histogram drawn beside an LLM run (0-0.1, ..., 0.9-1).
NEG_BINS = 10


def run_execute(*, run_pk: int) -> None:
    """Compute a queued run and record the outcome; then answer the gates from it if it is the latest.

    Never raises for a problem with the run: bad input is a failed run with the engine's message,
    anything else a failed run with a generic message (and the traceback in the log).
    """
    if not _claim(run_pk):
        logger.info("Fairness run %s is not waiting to run; nothing to do", run_pk)
        return
    run = FairnessRun.objects.select_related("dataset__audit", "attributes").get(pk=run_pk)
    started = time.monotonic()
    try:
        report = _assess_responses(run) if run.is_llm else _assess(run)
    except DatasetError as error:
        _run_fail(run, code=error.code, message=str(error), started=started)
        return
    except _FileMissing:
        _run_fail(run, code=FILE_MISSING_CODE, message=FILE_MISSING_MESSAGE, started=started)
        return
    except Exception as error:
        logger.exception("Fairness run %s failed unexpectedly", run_pk)
        message = UNEXPECTED_MESSAGE.format(name=type(error).__name__)
        _run_fail(run, code=UNEXPECTED_CODE, message=message, started=started)
        return
    try:
        _run_succeed(run, report=report, started=started)
    except Exception as error:
        logger.exception("Recording fairness run %s failed", run_pk)
        message = UNEXPECTED_MESSAGE.format(name=type(error).__name__)
        _run_fail(run, code=UNEXPECTED_CODE, message=message, started=started)


def _claim(run_pk: int) -> bool:
    """Mark the run running if it is queued (or running with a dead worker); False if not ours."""
    now = timezone.now()
    cutoff = stale_cutoff()
    waiting = Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)
    return bool(
        FairnessRun.objects.filter(waiting, pk=run_pk).update(
            status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0.0
        )
    )


class _FileMissing(Exception):
    pass


def _assess(run: FairnessRun) -> FairnessReport:
    config = run.config
    mapping = ColumnMapping(**config["mapping"])
    checks = [
        Check(c["metric"], c["comparison"], c["threshold"], class_name=c.get("class"))
        for c in config.get("checks", [])
    ]
    with ExitStack() as stack:
        source = stack.enter_context(_dataset_source(run.dataset))
        # Sensitive attributes in a separate file, joined on the mapping's id column.
        attributes = (
            stack.enter_context(_dataset_source(run.attributes)) if run.attributes else None
        )
        stack.enter_context(_Heartbeat(run.pk))
        return assess(
            source,
            mapping,
            attributes=attributes,
            checks=checks,
            progress=_ProgressWriter(run.pk),
            app_version=settings.APP_VERSION,
            max_columns=settings.FAIRNESS_MAX_COLUMNS,
            **config["options"],
        )


def _assess_responses(run: FairnessRun) -> TextReport:
    config = run.config
    mapping = ResponseMapping.from_dict(config["mapping"])
    checks = [
        TextCheck(c["metric"], c["comparison"], float(c["threshold"]))
        for c in config.get("checks", [])
    ]
    options = config.get("options") or {}
    with _dataset_source(run.dataset) as source, _Heartbeat(run.pk):
        return assess_responses(
            source,
            mapping,
            checks=checks,
            reference_group=options.get("reference_group") or None,
            refusal_patterns=tuple(options.get("refusal_patterns") or ()),
            bootstrap_draws=int(options.get("bootstrap_draws", settings.FAIRNESS_BOOTSTRAP_DRAWS)),
            max_bytes=settings.DATASET_MAX_BYTES,
            app_version=settings.APP_VERSION,
        )


def neg_histogram(run: FairnessRun) -> dict:
    """The VADER `neg` score of each response (up to LLM_FIGURE_MAX_RESPONSES), binned per group.

    `{"bins": NEG_BINS, "counts": {group: [n per bin]}, "responses": n scored, "complete": bool}`;
    the document has only each group's mean, so the app reads the file once more for the shape.
    """
    mapping = run.config.get("mapping") or {}
    limit = settings.LLM_FIGURE_MAX_RESPONSES
    vader = FastVader()
    counts: dict[str, list[int]] = {}
    scored, complete = 0, True
    with _dataset_source(run.dataset) as source:
        records = iter_columns(
            source,
            file_format=detect_format(source),
            columns=(mapping["group"], mapping["response"]),
            delimiter=run.dataset.preview.get("delimiter") or ",",
        )
        for group, text in records:
            if scored >= limit:
                complete = False
                break
            if group is None or str(group).strip() == "":
                continue
            neg = float(vader.polarity_scores(text if isinstance(text, str) else "")["neg"])
            row = counts.setdefault(str(group), [0] * NEG_BINS)
            row[min(int(neg * NEG_BINS), NEG_BINS - 1)] += 1
            scored += 1
    return {"bins": NEG_BINS, "counts": counts, "responses": scored, "complete": complete}


def _figures(run: FairnessRun) -> dict:
    if not run.is_llm:
        return {}
    try:
        with _Heartbeat(run.pk):
            return {"neg_histogram": neg_histogram(run)}
    except Exception:
        # A figure beside the document: without it the run still stands, its chart is left out.
        logger.exception("The neg histogram of LLM run %s could not be drawn", run.pk)
        return {}


@contextmanager
def _dataset_source(dataset: Dataset) -> Iterator[str | BinaryIO]:
    """A path to the stored file when storage is local, else an open binary stream (S3 and such)."""
    storage, name = dataset.file.storage, dataset.file.name
    if not name or not storage.exists(name):
        raise _FileMissing
    try:
        path = storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    with storage.open(name, "rb") as stream:
        yield cast(BinaryIO, stream)  # a binary file object, as the engine reads it


class _ProgressWriter:
    """The engine's progress callback: writes progress and heartbeat at most every half second.

    Reading the file is shown as 0 to 95%; the rest is computing, which reports no progress.
    """

    def __init__(self, run_pk: int):
        self.run_pk = run_pk
        self.last = 0.0

    def __call__(self, done_bytes: int, total_bytes: int) -> None:
        now = time.monotonic()
        finished = bool(total_bytes) and done_bytes >= total_bytes
        if now - self.last < PROGRESS_INTERVAL_SECONDS and not finished:
            return
        self.last = now
        fraction = min(max(done_bytes / total_bytes, 0.0), 1.0) if total_bytes else 0.0
        FairnessRun.objects.filter(pk=self.run_pk, status=RunStatus.RUNNING).update(
            progress=round(fraction * READING_SHARE, 4), heartbeat_at=timezone.now()
        )


class _Heartbeat:
    """While the engine computes (and reports no progress), keep the run's heartbeat fresh.

    Without it, a long computation on a big file would look like a dead worker. The beat stops
    with the process, which is what the staleness check is for.
    """

    def __init__(self, run_pk: int):
        self.run_pk = run_pk
        self.interval = max(1.0, min(30.0, settings.FAIRNESS_JOB_STALE_SECONDS / 4))
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"fairness-heartbeat-{run_pk}", daemon=True
        )

    def _beat(self) -> None:
        beaten = False
        try:
            while not self._stop.wait(self.interval):
                beaten = True
                FairnessRun.objects.filter(pk=self.run_pk, status=RunStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:
            logger.exception("Heartbeat of fairness run %s failed", self.run_pk)
        finally:
            if beaten:
                connection.close()  # this thread's own connection

    def __enter__(self) -> "_Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


@transaction.atomic
def _run_succeed(run: FairnessRun, *, report: FairnessReport | TextReport, started: float) -> None:
    figures = _figures(run)
    result = json_safe(report.to_dict())
    now = timezone.now()
    run.status = RunStatus.SUCCEEDED
    run.progress = 1.0
    run.result = result
    run.versions = result.get("versions") or {}
    run.passed = report.passed
    run.duration_ms = round((time.monotonic() - started) * 1000)
    run.finished_at = run.heartbeat_at = now
    run.error_code = run.error_message = ""
    run.figures = figures
    run.full_clean()
    fields = ["status", "progress", "result", "versions", "passed", "duration_ms", "finished_at"]
    run.save(update_fields=[*fields, "figures", "heartbeat_at", "error_code", "error_message"])
    _answer_gates_if_latest(run)


def _answer_gates_if_latest(run: FairnessRun) -> None:
    audit = Audit.objects.select_for_update().get(pk=run.dataset.audit_id)
    if audit.status not in EDITABLE_STATUSES:
        logger.info("Audit %s is %s: run %s answers no gate", audit.pk, audit.status, run.pk)
        return
    latest = latest_successful_run(audit, kind=run.kind, task=run_task(run))
    if latest is None or latest.pk != run.pk:
        return
    run.dataset.audit = audit
    gates_answer_from_run(run=run)


def _run_fail(run: FairnessRun, *, code: str, message: str, started: float) -> None:
    now = timezone.now()
    run.status = RunStatus.FAILED
    run.error_code = code[:40]
    run.error_message = message
    run.duration_ms = round((time.monotonic() - started) * 1000)
    run.finished_at = run.heartbeat_at = now
    run.result, run.passed = None, None
    fields = ["status", "error_code", "error_message", "duration_ms", "finished_at"]
    run.save(update_fields=[*fields, "heartbeat_at", "result", "passed"])
