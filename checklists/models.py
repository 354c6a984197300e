"""Checklists: principles, versioned checklists and their questions.

A published ChecklistVersion is frozen: audits are pinned to it, so its questions must never change.
"""

from django.conf import settings
from django.db import models


class Principle(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Checklist(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


def default_bands() -> dict:
    # Lower bounds (inclusive, 0-100) of each band; below "partial" is "weak".
    return {"strong": 75, "partial": 50}


class ChecklistVersion(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    changelog = models.TextField(blank=True)
    # {"strong": 75, "partial": 50}: lower bounds of the score bands, 0-100.
    bands = models.JSONField(default=default_bands)
    # {"fairness": 1.0, ...}: weight of each principle in the overall score; missing means 1.
    principle_weights = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["checklist", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="unique_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.checklist.title} v{self.number} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class AnswerKind(models.TextChoices):
    YES_NO = "yes_no", "Yes / partial / no / not applicable"
    SCALE = "scale", "Scale 0-4"
    CHOICE = "choice", "Single choice (scored per option)"
    TEXT = "text", "Free text (not scored)"
    GATE = "gate", "Metric gate (answered from a fairness run)"


class Question(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="questions")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="questions")
    code = models.CharField(max_length=20, help_text="Stable across versions, e.g. FAIR-03.")
    text = models.TextField()
    guidance_md = models.TextField(blank=True, help_text="Markdown; sanitised when rendered.")
    answer_kind = models.CharField(max_length=10, choices=AnswerKind.choices)
    # For CHOICE: [{"value": "a", "label": "...", "score": 0.5}, ...]; empty otherwise.
    choices = models.JSONField(default=list, blank=True)
    weight = models.FloatField(default=1.0)
    required = models.BooleanField(default=True)
    evidence_required = models.BooleanField(default=False)
    # Framework tags, e.g. ["EU AI Act Art. 10(2)(f)", "NIST AI RMF MEASURE 2.11"].
    references = models.JSONField(default=list, blank=True)
    # For GATE: {"metric": "demographic_parity_ratio", "comparison": ">=", "threshold": 0.8}.
    gate = models.JSONField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "principle__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_question_code"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="question_weight_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"
