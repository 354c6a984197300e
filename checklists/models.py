"""Checklists: principles, versioned checklists and their questions.

A published ChecklistVersion is frozen: audits are pinned to it, so its questions must never change.
The guards below refuse every ORM write path that would change a published or retired version
(instance save/delete, queryset update/delete, bulk_create/bulk_update); the services in
services.py check the same thing first, so a caller gets a clear ChecklistLocked either way.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .exceptions import ChecklistLocked
from .gates import describe_gate

# Re-exported: callers import the answer kinds and options from checklists.models.
from .kinds import NOT_APPLICABLE, SCALE_OPTIONS, YES_NO_OPTIONS, AnswerKind
from .validation import (
    bands_problems,
    principle_weights_problems,
    problems_to_field_errors,
    question_content_problems,
)


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


# The only moves a version's status may make.
STATUS_TRANSITIONS = {
    VersionStatus.DRAFT: {VersionStatus.DRAFT, VersionStatus.PUBLISHED},
    VersionStatus.PUBLISHED: {VersionStatus.PUBLISHED, VersionStatus.RETIRED},
    VersionStatus.RETIRED: {VersionStatus.RETIRED},
}


def default_bands() -> dict:
    # Lower bounds (inclusive, 0-100) of each band; below "partial" is "weak".
    return {"strong": 75, "partial": 50}


def _locked_message(status: str, what: str) -> str:
    return (
        f"This checklist version is {status}, so {what} cannot change. "
        "Create a new draft from it and edit that instead."
    )


class ChecklistVersionQuerySet(models.QuerySet["ChecklistVersion"]):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def drafts(self):
        return self.filter(status=VersionStatus.DRAFT)

    def frozen(self):
        return self.exclude(status=VersionStatus.DRAFT)

    def _refuse_frozen(self, what: str) -> None:
        status = self.frozen().values_list("status", flat=True).first()
        if status is not None:
            raise ChecklistLocked(_locked_message(status, what))

    def update(self, **kwargs):
        if not self.query.is_sliced:
            self._refuse_frozen("its content")
            if kwargs.get("status") == VersionStatus.RETIRED:
                raise ChecklistLocked("Only a published version can be retired.")
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]  # Django's method flag, set as QuerySet does

    def delete(self):
        if not self.query.is_sliced:
            self._refuse_frozen("it (or its deletion)")
        return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]  # Django's method flag, set as QuerySet does
    delete.queryset_only = True  # type: ignore[attr-defined]  # Django's method flag, set as QuerySet does

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        self.model.objects.filter(pk__in=[o.pk for o in objs])._refuse_frozen("its content")
        return super().bulk_update(objs, fields, batch_size=batch_size)


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

    objects = ChecklistVersionQuerySet.as_manager()

    class Meta:
        ordering = ["checklist", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="unique_version_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="version_number_gte_1"),
            models.CheckConstraint(
                condition=models.Q(status__in=VersionStatus.values), name="version_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checklist.title} v{self.number} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self._guard_frozen_change()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        status = self._stored_status()
        if status not in (None, VersionStatus.DRAFT):
            raise ChecklistLocked(
                f"This checklist version is {status} and cannot be deleted: "
                "audits may be pinned to it. Retire it instead."
            )
        return super().delete(*args, **kwargs)

    def clean(self):
        problems = [("bands" + p, m) for p, m in bands_problems(self.bands)]
        problems += [
            ("principle_weights" + p, m)
            for p, m in principle_weights_problems(self.principle_weights)
        ]
        if problems:
            raise ValidationError(problems_to_field_errors(problems))

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()

    def _guard_frozen_change(self) -> None:
        # Compare with the stored row, not with what this instance believes, so a stale or
        # hand-built instance cannot overwrite a published version.
        if self.pk is None:
            return
        fields = [f.attname for f in self._meta.concrete_fields if f.attname != "id"]
        stored = type(self)._base_manager.filter(pk=self.pk).values(*fields).first()
        if stored is None:
            return
        old_status, new_status = stored["status"], self.status
        if new_status not in STATUS_TRANSITIONS.get(old_status, set()):
            raise ChecklistLocked(
                f"A checklist version cannot go from {old_status} to {new_status}: "
                "status only moves draft -> published -> retired."
            )
        if old_status == VersionStatus.DRAFT:
            return
        changed = [f for f in fields if f != "status" and getattr(self, f) != stored[f]]
        if changed:
            raise ChecklistLocked(_locked_message(old_status, ", ".join(sorted(changed))))


class QuestionQuerySet(models.QuerySet["Question"]):
    def frozen(self):
        return self.exclude(version__status=VersionStatus.DRAFT)

    def _refuse_frozen(self, what: str) -> None:
        status = self.frozen().values_list("version__status", flat=True).first()
        if status is not None:
            raise ChecklistLocked(_locked_message(status, what))

    def update(self, **kwargs):
        if not self.query.is_sliced:
            self._refuse_frozen("its questions")
            target = kwargs.get("version", kwargs.get("version_id"))
            if target is not None:
                _refuse_frozen_versions([getattr(target, "pk", target)], "its questions")
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]  # Django's method flag, set as QuerySet does

    def delete(self):
        if not self.query.is_sliced:
            self._refuse_frozen("its questions")
        return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]  # Django's method flag, set as QuerySet does
    delete.queryset_only = True  # type: ignore[attr-defined]  # Django's method flag, set as QuerySet does

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_frozen_versions({o.version_id for o in objs}, "its questions")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        self.model.objects.filter(pk__in=[o.pk for o in objs])._refuse_frozen("its questions")
        _refuse_frozen_versions({o.version_id for o in objs}, "its questions")
        return super().bulk_update(objs, fields, batch_size=batch_size)


def _refuse_frozen_versions(version_ids, what: str) -> None:
    status = (
        ChecklistVersion._base_manager.filter(pk__in=version_ids)
        .exclude(status=VersionStatus.DRAFT)
        .values_list("status", flat=True)
        .first()
    )
    if status is not None:
        raise ChecklistLocked(_locked_message(status, what))


class Question(models.Model):
    version = models.ForeignKey(
        ChecklistVersion, on_delete=models.CASCADE, related_name="questions"
    )
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

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["version", "principle__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_question_code"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="question_weight_gte_0"),
            models.CheckConstraint(
                condition=models.Q(answer_kind__in=AnswerKind.values),
                name="question_answer_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            type(self).objects.filter(pk=self.pk)._refuse_frozen("its questions")
        _refuse_frozen_versions([self.version_id], "its questions")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        type(self).objects.filter(pk=self.pk)._refuse_frozen("its questions")
        return super().delete(*args, **kwargs)

    def clean(self):
        problems = question_content_problems(
            answer_kind=self.answer_kind,
            choices=self.choices,
            gate=self.gate,
            references=self.references,
            weight=self.weight,
        )
        if self.version_id is not None:
            status = self.version._stored_status() if self.version.pk else None
            if status not in (None, VersionStatus.DRAFT):
                problems.append(("version", _locked_message(status, "its questions")))
        if problems:
            raise ValidationError(problems_to_field_errors(problems))

    @property
    def gate_description(self) -> str:
        return describe_gate(self.gate)

    @property
    def is_scored(self) -> bool:
        return self.answer_kind != AnswerKind.TEXT

    def answer_options(self) -> list[tuple[str, str, float | None]]:
        """The options an answer picks from, as (value, label, score), ending with "not applicable".

        Empty for free text and gates (a gate is answered from a fairness run).
        """
        if self.answer_kind == AnswerKind.YES_NO:
            return [*YES_NO_OPTIONS, NOT_APPLICABLE]
        if self.answer_kind == AnswerKind.SCALE:
            return [*SCALE_OPTIONS, NOT_APPLICABLE]
        if self.answer_kind == AnswerKind.CHOICE:
            return [
                *((c["value"], c["label"], c["score"]) for c in self.choices or []),
                NOT_APPLICABLE,
            ]
        return []
