"""The evidence form: a file or a link, for the audit or one of its questions."""

from typing import cast
from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from audits.models import Audit
from audits.services.evidence import LINK_SCHEMES, human_size, too_large_message
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
    KIND_FILE = "file"
    KIND_LINK = "link"

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

    def __init__(self, *args, audit: Audit, refused_size: int | None = None, **kwargs):
        """`refused_size`: the size of a file the upload handler refused as too large, if any."""
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        # Only the questions of the audit's pinned version are offered, and only they validate.
        cast(forms.ModelChoiceField, self.fields["question"]).queryset = Question.objects.filter(
            version_id=audit.checklist_version_id
        ).select_related("principle")
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
