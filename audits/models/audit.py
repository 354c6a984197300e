"""The audit of one AI system against one pinned checklist version."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from checklists.models import ChecklistVersion

from .teams import Team


class AuditStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    ARCHIVED = "archived", "Archived"


class RiskTier(models.TextChoices):
    MINIMAL = "minimal", "Minimal"
    LIMITED = "limited", "Limited"
    HIGH = "high", "High"
    UNACCEPTABLE = "unacceptable", "Unacceptable"


class Audit(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="audits")
    title = models.CharField(max_length=200)
    system_name = models.CharField(max_length=200)
    system_description = models.TextField(blank=True)
    intended_use = models.TextField(blank=True)
    risk_tier = models.CharField(max_length=12, choices=RiskTier.choices, default=RiskTier.HIGH)
    checklist_version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="audits"
    )
    status = models.CharField(max_length=20, choices=AuditStatus.choices, default=AuditStatus.DRAFT)
    # A re-audit points at the approved audit it continues; that audit stays unchanged.
    previous_audit = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reaudits"
    )
    # A re-audit's answers are copied from `previous_audit` in a job after the audit is created;
    # until the job is done the audit shows so and its answers cannot be edited.
    copying_answers = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A copy of the scores (`AuditScores.as_summary()`), rewritten in the transaction of every
    # write that can change them (`audits.services.scores.audit_scores_refresh`), so that a page
    # of audits is scored without reading their answers. Null until the first such write.
    score_summary = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "status"], name="audit_team_status_idx"),
            # The audit list's order: its first page is read off this index, whatever the number
            # of audits (without it every visible audit is joined and sorted for 25 rows).
            models.Index(fields=["-updated_at", "-id"], name="audit_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("audits:detail", kwargs={"pk": self.pk})

    @property
    def is_locked(self) -> bool:
        """Approved and archived audits accept no further writes."""
        return self.status in (AuditStatus.APPROVED, AuditStatus.ARCHIVED)
