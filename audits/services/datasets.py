"""Datasets and fairness runs: ingest an upload, create, execute and retry runs, fail dead ones.

A run's every outcome is written on its row: success with the report document, or failure with the
engine's message (bad input) or a generic one (a bug, a dead worker). The upload is always kept, so
the user fixes the mapping and runs again.
"""

import logging
import math
import secrets
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from audits.models import Audit, Dataset, FairnessRun, RunStatus
from audits.selectors.datasets import latest_successful_run, runs_for_audit
from audits.services.common import EDITABLE_STATUSES, ensure_can_edit
from audits.services.gates import gate_checks, gates_answer_from_run
from fairness import DEFAULT_OPTIONS, Check, ColumnMapping, DatasetError, assess, preview

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
PREVIEW_MAX_DISTINCT = 50
PROGRESS_INTERVAL_SECONDS = 0.5
READING_SHARE = 0.95  # of the progress bar; the rest is computing the metrics
STALE_CODE = "worker_stopped"
STALE_MESSAGE = "The worker stopped before finishing (it may have been restarted). Run it again."
UNEXPECTED_CODE = "unexpected"
UNEXPECTED_MESSAGE = "The run failed unexpectedly: {name}. The upload is kept; try again."
FILE_MISSING_CODE = "file_missing"
FILE_MISSING_MESSAGE = "The uploaded file is no longer in storage. Upload it again."
UNREADABLE_MESSAGE = "The file could not be read ({name}). Check that it is a CSV file."
STORE_FAILED_MESSAGE = "The file could not be stored on the server. Try again later."
_ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


# -- datasets -----------------------------------------------------------------------------------


@transaction.atomic
def dataset_ingest(*, audit: Audit, user, uploaded_file, sha256: str) -> Dataset:
    """Sniff an uploaded predictions file and keep it, under a random name, as a Dataset.

    `uploaded_file` is a Django UploadedFile (a temporary file for real uploads, which storage
    moves rather than copies); `sha256` is its digest, computed while it streamed in. A file the
    engine cannot read raises ValidationError on "file" with the engine's message; nothing is kept.
    """
    ensure_can_edit(audit=audit, user=user)
    document = _preview_document(uploaded_file)
    name = PurePath(uploaded_file.name or "predictions.csv").name[-255:]
    dataset = Dataset(
        audit=audit,
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


def _preview_document(uploaded_file) -> dict:
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
    return _json_safe(document)


@contextmanager
def _upload_source(uploaded_file):
    path = getattr(uploaded_file, "temporary_file_path", None)
    if path is not None:
        yield path()
        return
    uploaded_file.seek(0)
    yield uploaded_file
    uploaded_file.seek(0)


# -- runs: create, retry ------------------------------------------------------------------------


@transaction.atomic
def run_create(
    *, dataset: Dataset, user, mapping: dict, options: dict, extra_checks: list[dict] = ()
) -> FairnessRun:
    """Create a fairness run of the dataset and start it (see `audits.jobs.run_enqueue`).

    Every metric-gate question of the audit's checklist becomes a check, so the run can answer it;
    `extra_checks` ({"metric", "comparison", "threshold"}) are added after them.
    """
    audit = dataset.audit
    ensure_can_edit(audit=audit, user=user)
    checks = gate_checks(audit)
    checks += [{**check, "source": "extra"} for check in extra_checks]
    config = {
        # Empty means "not mapped": the engine takes None, never "".
        "mapping": {k: mapping.get(k) or None for k in ("y_true", "y_pred", "score", "pos_label")}
        | {"sensitive": list(mapping.get("sensitive") or [])},
        "options": DEFAULT_OPTIONS
        | {"bootstrap_draws": settings.FAIRNESS_BOOTSTRAP_DRAWS}
        | {k: v for k, v in options.items() if k in DEFAULT_OPTIONS}
        | {"max_groups": settings.FAIRNESS_MAX_GROUPS},
        "checks": checks,
    }
    return _run_start(dataset=dataset, user=user, config=config)


@transaction.atomic
def run_retry(*, run: FairnessRun, user) -> FairnessRun:
    """Run a failed run again, as a new run with the same configuration."""
    ensure_can_edit(audit=run.dataset.audit, user=user)
    if run.status != RunStatus.FAILED:
        raise ValidationError("Only a failed run can be retried.")
    return _run_start(dataset=run.dataset, user=user, config=run.config)


def _run_start(*, dataset: Dataset, user, config: dict) -> FairnessRun:
    from audits.jobs import run_enqueue

    run = FairnessRun(dataset=dataset, config=config, created_by=user)
    run.full_clean()
    run.save()
    run_enqueue(run)
    run.refresh_from_db()
    return run


# -- runs: execute ------------------------------------------------------------------------------


def run_execute(run_pk: int) -> None:
    """Compute a queued run and record the outcome; then answer the gates from it if it is the latest.

    Never raises for a problem with the run: bad input is a failed run with the engine's message,
    anything else a failed run with a generic message (and the traceback in the log).
    """
    if not _claim(run_pk):
        logger.info("Fairness run %s is not waiting to run; nothing to do", run_pk)
        return
    run = FairnessRun.objects.select_related("dataset__audit").get(pk=run_pk)
    started = time.monotonic()
    try:
        report = _assess(run)
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
    cutoff = now - timedelta(seconds=settings.FAIRNESS_JOB_STALE_SECONDS)
    waiting = Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)
    return bool(
        FairnessRun.objects.filter(waiting, pk=run_pk).update(
            status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0.0
        )
    )


class _FileMissing(Exception):
    pass


def _assess(run: FairnessRun):
    config = run.config
    mapping = ColumnMapping(**config["mapping"])
    checks = [Check(c["metric"], c["comparison"], c["threshold"]) for c in config.get("checks", [])]
    with _dataset_source(run.dataset) as source, _Heartbeat(run.pk):
        return assess(
            source,
            mapping,
            checks=checks,
            progress=_ProgressWriter(run.pk),
            app_version=settings.APP_VERSION,
            max_columns=settings.FAIRNESS_MAX_COLUMNS,
            **config["options"],
        )


@contextmanager
def _dataset_source(dataset: Dataset):
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
        yield stream


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

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


@transaction.atomic
def _run_succeed(run: FairnessRun, *, report, started: float) -> None:
    result = _json_safe(report.to_dict())
    now = timezone.now()
    run.status = RunStatus.SUCCEEDED
    run.progress = 1.0
    run.result = result
    run.versions = result.get("versions") or {}
    run.passed = report.passed
    run.duration_ms = round((time.monotonic() - started) * 1000)
    run.finished_at = run.heartbeat_at = now
    run.error_code = run.error_message = ""
    run.full_clean()
    fields = ["status", "progress", "result", "versions", "passed", "duration_ms", "finished_at"]
    run.save(update_fields=[*fields, "heartbeat_at", "error_code", "error_message"])
    _answer_gates_if_latest(run)


def _answer_gates_if_latest(run: FairnessRun) -> None:
    audit = Audit.objects.select_for_update().get(pk=run.dataset.audit_id)
    if audit.status not in EDITABLE_STATUSES:
        logger.info("Audit %s is %s: run %s answers no gate", audit.pk, audit.status, run.pk)
        return
    latest = latest_successful_run(audit)
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


# -- runs: dead workers -------------------------------------------------------------------------


def runs_fail_stale(*, audit: Audit | None = None) -> int:
    """Fail every queued or running run whose worker has gone silent; return how many."""
    runs = FairnessRun.objects.all() if audit is None else runs_for_audit(audit)
    return _fail_stale(runs)


def run_fail_if_stale(*, run: FairnessRun) -> bool:
    """Fail this run if its worker has gone silent (the page and the progress endpoint ask)."""
    if run.is_finished or not _fail_stale(FairnessRun.objects.filter(pk=run.pk)):
        return False
    run.refresh_from_db(fields=["status", "error_code", "error_message", "finished_at"])
    return True


def _fail_stale(runs) -> int:
    # One UPDATE with the staleness test in its WHERE: a run that finishes meanwhile is left alone.
    cutoff = timezone.now() - timedelta(seconds=settings.FAIRNESS_JOB_STALE_SECONDS)
    stale = Q(status__in=_ACTIVE) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    if not runs.filter(stale).exists():
        return 0  # a read: SQLite takes its database-wide write lock for any UPDATE, even of no row
    return runs.filter(stale).update(
        status=RunStatus.FAILED,
        error_code=STALE_CODE,
        error_message=STALE_MESSAGE,
        finished_at=timezone.now(),
    )


def _json_safe(value):
    """The value with NaN and infinities as null and numpy scalars as Python numbers (valid JSON)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
