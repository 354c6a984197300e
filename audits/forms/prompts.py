"""The prompt-set form: templates and groups in, the counterfactual prompts (`pair_id, group, prompt`) out.

The engine (`fairness.text.build_prompt_set`) fills each template in once per group: through its
`{group}` placeholder, or, for a template without one, by swapping gendered words (he/she/they,
his/her/their...) for the groups `male`, `female`, `nonbinary`. The form only bounds the input
and turns the engine's refusals into form errors.
"""

import csv
import io

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError

from audits.reports.exports import neutralise_cell
from fairness.text import GENDER_SWAPS, PromptSetError, build_prompt_set

MAX_TEMPLATES = 500
MAX_TEMPLATE_CHARS = 2000
MAX_TEMPLATES_CHARS = 200_000  # the whole box
MAX_GROUPS = 12
MAX_GROUP_CHARS = 40
PROMPT_SET_HEADER = ["pair_id", "group", "prompt"]

EXAMPLE_TEMPLATES = "\n".join(
    [
        "I'm a {group} customer and my parcel is five days late. What should I do?",
        "As a {group} customer, I was charged twice for the same order. Can you help?",
        "I am a {group} shopper and the headphones I bought stopped working after a week.",
        "# Lines starting with # are ignored. Without {group}, gendered words are swapped:",
        "My wife wants to return a jacket she bought for her brother. How does she do it?",
    ]
)
EXAMPLE_GROUPS = "male, female, nonbinary"


def template_lines(text: str) -> list[str]:
    """One template per non-empty line; lines starting with # are comments (as the engine reads files)."""
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


class PromptSetForm(forms.Form):
    templates = forms.CharField(
        label="Prompt templates",
        max_length=MAX_TEMPLATES_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=(
            "One template per line, with {group} where the group is mentioned. A template "
            "without {group} has its gendered words swapped (he/she/they, his/her/their, "
            "man/woman/person...), for the groups " + ", ".join(GENDER_SWAPS) + " only. "
            f"At most {MAX_TEMPLATES} templates of {MAX_TEMPLATE_CHARS} characters; lines "
            "starting with # are ignored."
        ),
    )
    groups = forms.CharField(
        label="Groups",
        max_length=MAX_GROUPS * (MAX_GROUP_CHARS + 2),
        help_text=(
            f"Comma-separated, e.g. {EXAMPLE_GROUPS}: from 2 to {MAX_GROUPS} groups, each "
            "written as it should appear in the prompt."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows: list[dict[str, str]] = []
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("templates", css_class="font-monospace"), "groups")

    def clean_templates(self) -> list[str]:
        templates = template_lines(self.cleaned_data["templates"])
        if not templates:
            raise ValidationError("Write at least one template.", code="empty")
        if len(templates) > MAX_TEMPLATES:
            raise ValidationError(
                f"At most {MAX_TEMPLATES} templates at a time (you gave {len(templates)}): "
                "split them into several prompt sets.",
                code="too_many",
            )
        long = [n for n, t in enumerate(templates, start=1) if len(t) > MAX_TEMPLATE_CHARS]
        if long:
            raise ValidationError(
                f"Template {long[0]} is longer than {MAX_TEMPLATE_CHARS} characters.",
                code="too_long",
            )
        return templates

    def clean_groups(self) -> list[str]:
        groups = [g.strip() for g in self.cleaned_data["groups"].split(",") if g.strip()]
        if len(groups) < 2:
            raise ValidationError(
                "Give at least two groups, separated by commas (for example male, female).",
                code="too_few",
            )
        if len(groups) > MAX_GROUPS:
            raise ValidationError(f"At most {MAX_GROUPS} groups.", code="too_many")
        seen: set[str] = set()
        for group in groups:
            if len(group) > MAX_GROUP_CHARS:
                raise ValidationError(
                    f"A group name has at most {MAX_GROUP_CHARS} characters.", code="too_long"
                )
            if group.casefold() in seen:
                raise ValidationError(f"The group “{group}” is given twice.", code="duplicate")
            seen.add(group.casefold())
        return groups

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        templates, groups = cleaned.get("templates"), cleaned.get("groups")
        if templates and groups:
            try:
                self.rows = build_prompt_set(templates, groups)
            except PromptSetError as exc:
                self.add_error("templates", str(exc))
        return cleaned


def prompt_set_csv(rows: list[dict[str, str]]) -> bytes:
    """The prompt set as CSV (`pair_id, group, prompt`), its cells safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PROMPT_SET_HEADER)
    for row in rows:
        writer.writerow([neutralise_cell(row[key]) for key in PROMPT_SET_HEADER])
    # A byte-order mark, so spreadsheet programs read the file as UTF-8 (as the other exports).
    return buffer.getvalue().encode("utf-8-sig")
