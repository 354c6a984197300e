"""The evidence form: a file or a link, for the audit or one of its questions."""

from typing import cast
from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from audits.models import Audit
from audits.services.evidence import (
    EVIDENCE_FILE,
    EVIDENCE_LINK,
    LINK_SCHEMES,
    human_size,
    too_large_message,
)
from checklists.models import Question


class QuestionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Question) -> str:
        text = obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"
        return f"{obj.code}: {text}"


class WebLinkField(forms.URLField):
    """A URL with http or https only: "javascript:", "data:", "ftp:" ... are refused by name."""

    def to_python(self, value):
        try:
            scheme = urlsplit(str(value or "").strip()).scheme
        except ValueError:  # e.g. a broken IPv6 host: the URL validation below says so
            scheme = ""
        if scheme and scheme.lower() not in LINK_SCHEMES:
            raise ValidationError("Only http:// and https:// links are accepted.", code="scheme")
        return super().to_python(value)


class EvidenceForm(forms.Form):
    KIND_FILE = EVIDENCE_FILE
    KIND_LINK = EVIDENCE_LINK

    kind = forms.ChoiceField(
        label="What are you adding?",
        choices=[(KIND_FILE, "A file to upload"), (KIND_LINK, "A link to a document")],
        initial=KIND_FILE,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(required=False, label="File")
    url = WebLinkField(
        required=False,
        label="Link",
        max_length=1000,
        assume_scheme="https",
        help_text="An http:// or https:// address, e.g. a wiki page, a ticket or a shared document.",
    )
    question = QuestionChoiceField(
        queryset=Question.objects.none(),
        required=False,
        label="Evidence for",
        empty_label="The audit as a whole",
    )
    description = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What this shows, in a sentence (optional).",
    )

    def __init__(
        self,
        *args,
        audit: Audit,
        refused_size: int | None = None,
        fixed_question: Question | None = None,
        **kwargs,
    ):
        """`refused_size`: the size of a file the upload handler refused as too large, if any.

        `fixed_question`: the inline form of one question's card (on the principle page): the
        evidence is for that question, and the form asks nothing about it.
        """
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        # Only the questions of the audit's pinned version are offered, and only they validate.
        questions = Question.objects.filter(version_id=audit.checklist_version_id)
        question_field = cast(forms.ModelChoiceField, self.fields["question"])
        question_field.queryset = questions.select_related("principle")
        self.question_pk = fixed_question.pk if fixed_question else None
        if fixed_question is not None:
            question_field.queryset = questions.filter(pk=fixed_question.pk)
            question_field.required = True
            question_field.widget = forms.HiddenInput()
            question_field.initial = fixed_question.pk
            if self.is_bound:  # the card's form names its question itself
                data = {key: self.data.get(key) for key in self.data}
                self.data = {**data, self.add_prefix("question"): str(fixed_question.pk)}
        types = ", ".join(t.lower().lstrip(".") for t in settings.EVIDENCE_ALLOWED_TYPES)
        self.fields["file"].help_text = (
            f"Up to {human_size(settings.EVIDENCE_MAX_BYTES)}; accepted types: {types}. "
            "The content must match the file's type. Stored privately: only team members can download it."
        )
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{t.lower().lstrip('.')}" for t in settings.EVIDENCE_ALLOWED_TYPES
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("kind"),
            Fieldset("", "file", "url", css_class="border rounded p-3 mb-3 bg-light-subtle"),
            "question",
            "description",
        )

    def service_args(self) -> dict:
        """The valid form as the keyword arguments of `services.evidence.evidence_add`."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "question": data["question"],
            "description": data["description"],
            "uploaded_file": data.get("file"),
            "url": data.get("url") or "",
        }

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # as Django does when clean() returns None
        kind = cleaned.get("kind", "")
        # Whatever was typed in the field not chosen is ignored, errors included.
        unused = {self.KIND_FILE: "url", self.KIND_LINK: "file"}.get(kind)
        if unused:
            self.errors.pop(unused, None)
        if kind == self.KIND_FILE:
            if self.refused_size:
                self.add_error("file", too_large_message(self.refused_size))
            elif not cleaned.get("file") and "file" not in self.errors:
                self.add_error("file", "Choose a file to upload.")
            cleaned["url"] = ""
        elif kind == self.KIND_LINK:
            if not cleaned.get("url") and "url" not in self.errors:
                self.add_error("url", "Enter the link's address.")
            cleaned["file"] = None
        return cleaned


def inline_prefix(question: Question) -> str:
    """The field prefix of a question card's inline evidence form (one per card on a page)."""
    return f"ev{question.pk}"
