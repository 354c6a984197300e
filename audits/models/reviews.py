"""Reviews (sign-off decisions), remediation actions and sealed report snapshots."""

from django.conf import settings
from django.db import models

from checklists.models import Question

from .audit import Audit


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class Review(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    # {"fairness": "comment", ...}: keyed by principle code.
    principle_comments = models.JSONField(default=dict, blank=True)
    # The submission this review answered, so a later review can show what changed since.
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class RemediationAction(models.Model):
    """Work to remedy a failed gate or a "no" answer: who does what by when."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="actions")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_name = models.CharField(
        max_length=120, blank=True
    )  # "Selection-rate impact ratio ≥ 0.8 on sex"
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status != ActionStatus.DONE


class SnapshotKind(models.TextChoices):
    PDF = "pdf", "PDF report"
    JSON = "json", "JSON export"


def snapshot_upload_to(instance: "ReportSnapshot", filename: str) -> str:
    return f"snapshots/audit-{instance.audit_id}/{instance.kind}-{instance.sha256[:16]}.{instance.kind}"


class ReportSnapshot(models.Model):
    """A sealed copy of the report, taken when the audit was approved; never rewritten."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="snapshots")
    kind = models.CharField(max_length=4, choices=SnapshotKind.choices)
    file = models.FileField(upload_to=snapshot_upload_to, max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "kind"], name="one_snapshot_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.audit}"
