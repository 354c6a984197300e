"""Evidence: files or links attached to an audit or to one of its questions."""

from django.conf import settings
from django.db import models

from checklists.models import Question

from .audit import Audit


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    # The stored name is random; the user's file name is kept in `original_name` only.
    return f"evidence/audit-{instance.audit_id}/{instance.sha256[:16]}-{instance.storage_token}"


class Evidence(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    url = models.URLField(blank=True, max_length=1000)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    storage_token = models.CharField(max_length=32, blank=True, editable=False)
    description = models.CharField(max_length=500, blank=True)
    # A run linked as evidence for a metric-gate answer.
    run = models.ForeignKey(
        "audits.FairnessRun", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url="") | models.Q(run__isnull=False),
                name="evidence_has_file_url_or_run",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url or self.description

    @property
    def kind(self) -> str:
        if self.run_id:
            return "run"
        return "file" if self.file else "link"
