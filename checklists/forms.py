"""Forms for the checklist admin: importing a version document, and adding a version."""

from typing import Any

from django import forms

from .exceptions import ImportProblems
from .gates import (
    MULTICLASS,
    REGRESSION,
    TABULAR_GATE_METRICS,
    TASK_GATE_METRICS,
    TEXT_GATE_METRICS,
)
from .models import ChecklistVersion, Question
from .selectors import version_next_number
from .serialization import document_loads

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class VersionImportForm(forms.Form):
    file = forms.FileField(
        label="Checklist version (JSON)",
        help_text="A checklist-version/1 document, as exported by this site or checklist_export.",
    )
    publish = forms.BooleanField(
        required=False, help_text="Publish the imported version at once (it is checked first)."
    )
    as_new_version = forms.BooleanField(
        required=False,
        label="As a new version",
        help_text="If the checklist already has a version with this number, take the next free one.",
    )

    def clean_file(self) -> Any:
        """The parsed JSON document (any JSON value; the import service checks its shape)."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB."
            )
        try:
            return document_loads(upload.read())
        except ImportProblems as exc:
            raise forms.ValidationError(exc.problems) from exc


class ChecklistVersionAdminForm(forms.ModelForm):
    number = forms.IntegerField(
        required=False, min_value=1, help_text="Leave empty to use the checklist's next number."
    )

    class Meta:
        model = ChecklistVersion
        fields = ["checklist", "number", "changelog", "bands", "principle_weights"]

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # as Django does when clean() returns None
        checklist = cleaned.get("checklist") or getattr(self.instance, "checklist", None)
        if cleaned.get("number") is None and checklist is not None:
            cleaned["number"] = version_next_number(checklist=checklist)
        return cleaned

    def clean_principle_weights(self) -> dict:
        return self.cleaned_data["principle_weights"] or {}


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "version", "principle", "order", "code", "text", "guidance_md", "answer_kind",
            "weight", "required", "evidence_required", "choices", "gate", "references",
        ]  # fmt: skip
        help_texts = {
            "choices": 'Choice questions only: [{"value": "documented", "label": "Documented '
            'and tested", "score": 1.0}, ...] with at least two options, scores 0-1.',
            "gate": 'Gate questions only: {"metric": "demographic_parity_ratio", '
            f'"comparison": ">=", "threshold": 0.8}}. Metrics answered from predictions: '
            f"{', '.join(TABULAR_GATE_METRICS)}. Metrics answered from LLM responses (every "
            f"group against the reference): {', '.join(TEXT_GATE_METRICS)}. "
            'Optional "task": "regression" answers it from regression runs (metrics: '
            f"{', '.join(TASK_GATE_METRICS[REGRESSION])}; a regression-only metric implies it), "
            '"task": "multiclass" from multiclass runs (per-class metrics: '
            f'{", ".join(TASK_GATE_METRICS[MULTICLASS])}), with an optional "class": "B" '
            "(without it, every class must meet the gate).",
            "references": 'Framework tags, e.g. ["EU AI Act Art. 10(2)(f)", "NIST AI RMF MEASURE 2.11"].',
        }

    def clean_choices(self) -> list:
        # An emptied JSON box means "no choices", not null.
        return self.cleaned_data["choices"] or []

    def clean_references(self) -> list:
        return self.cleaned_data["references"] or []
