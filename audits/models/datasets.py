"""Uploaded files (predictions, or LLM responses) and the fairness runs computed on them."""

from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .audit import Audit


class DatasetKind(models.TextChoices):
    PREDICTIONS = "predictions", "Predictions"
    LLM = "llm", "LLM responses"
    #: Sensitive attributes in a separate file, joined to a predictions file on an id column.
    ATTRIBUTES = "attributes", "Sensitive attributes"


#: File name endings an LLM responses file keeps in storage (the engine reads the content either way).
LLM_STORED_SUFFIXES = (".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".parquet", ".gz")


def dataset_upload_to(instance: "Dataset", filename: str) -> str:
    suffix = ".csv"
    if instance.preview.get("encoding") == "parquet":
        suffix = ".parquet"  # recognised by its content, whatever the name said
    elif instance.kind == DatasetKind.LLM:
        ending = PurePath(filename).suffix.lower()
        suffix = ending if ending in LLM_STORED_SUFFIXES else ".dat"
    return f"datasets/audit-{instance.audit_id}/{instance.storage_token}{suffix}"


class Dataset(models.Model):
    """An uploaded file as it was received, with what a read of its head found.

    `kind` says what it holds: a system's predictions (one row per person, the tabular engine) or
    an LLM's responses to counterfactual prompts (one row per response, `fairness.text`).
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="datasets")
    kind = models.CharField(
        max_length=12, choices=DatasetKind.choices, default=DatasetKind.PREDICTIONS
    )
    file = models.FileField(upload_to=dataset_upload_to, max_length=300)
    storage_token = models.CharField(max_length=32, editable=False)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    # {"delimiter": ",", "columns": [...], "rows": [[...]], "distinct": {col: [...]}, "guess": {...}}
    preview = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def columns(self) -> list[str]:
        return list(self.preview.get("columns", []))

    @property
    def is_llm(self) -> bool:
        return self.kind == DatasetKind.LLM

    @property
    def is_attributes(self) -> bool:
        return self.kind == DatasetKind.ATTRIBUTES


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
#: Share of the progress bar given to reading the file; the rest is computing the metrics.
READING_SHARE = 0.95
STALE_CODE = "worker_stopped"
STALE_MESSAGE = "The worker stopped before finishing (it may have been restarted). Run it again."


def stale_cutoff() -> datetime:
    """Runs whose worker has not been heard from since this moment are dead."""
    return timezone.now() - timedelta(seconds=settings.FAIRNESS_JOB_STALE_SECONDS)


def stale_runs_q(cutoff: datetime) -> models.Q:
    """Queued or running runs silent since `cutoff` (a queued run never picked up has no beat)."""
    silent = models.Q(heartbeat_at__lt=cutoff) | models.Q(
        heartbeat_at__isnull=True, created_at__lt=cutoff
    )
    return models.Q(status__in=ACTIVE_STATUSES) & silent


class FairnessRun(models.Model):
    """One computation of the fairness engine on a dataset with a mapping and options."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="runs")
    # {"mapping": {...ColumnMapping fields}, "options": {...assess keyword arguments}, "checks": [...]}
    # (an LLM run: ResponseMapping fields and assess_responses keyword arguments)
    config = models.JSONField()
    # Sensitive attributes in a separate file (kind "attributes"), joined on `config.mapping.id`.
    attributes = models.ForeignKey(
        Dataset,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attribute_runs",
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.FloatField(default=0.0)  # 0..1
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)  # fairness-report/1 or llm-fairness-report/1
    # Figures the app draws beside the document (an LLM run: VADER neg histogram per group).
    figures = models.JSONField(default=dict, blank=True)
    versions = models.JSONField(default=dict, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Updated with progress; a running job whose heartbeat stops is declared dead and failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=1),
                name="run_progress_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"Run #{self.pk} on {self.dataset}"

    def get_absolute_url(self) -> str:
        return reverse("audits:run_detail", kwargs={"pk": self.dataset.audit_id, "run_pk": self.pk})

    @property
    def kind(self) -> str:
        """The dataset's kind: "predictions" or "llm" (a run's kind is its file's)."""
        return self.dataset.kind

    @property
    def is_llm(self) -> bool:
        return self.dataset.kind == DatasetKind.LLM

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)

    def is_stale(self, cutoff: datetime | None = None) -> bool:
        """Queued or running, but its worker has gone silent (the same rule as `stale_runs_q`)."""
        if self.status not in ACTIVE_STATUSES:
            return False
        cutoff = cutoff or stale_cutoff()
        last_sign = self.heartbeat_at or self.created_at
        return last_sign is not None and last_sign < cutoff
