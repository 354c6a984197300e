"""The prompt-set form: templates and groups in, the counterfactual prompts (`pair_id, group, prompt`) out.

The engine (`fairness.text.build_prompt_set`) fills each template in once per group: through its
`{group}` placeholder, or, for a template without one, by swapping gendered words (he/she/they,
his/her/their...) for the groups `male`, `female`, `nonbinary`. The form only bounds the input
and turns the engine's refusals into form errors.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError

from audits.services.prompts import (
    EXAMPLE_GROUPS,
    EXAMPLE_TEMPLATES,
    MAX_GROUP_CHARS,
    MAX_GROUPS,
    MAX_TEMPLATE_CHARS,
    MAX_TEMPLATES,
    MAX_TEMPLATES_CHARS,
    prompt_groups_parse,
    prompt_set_build,
    prompt_set_csv,
    prompt_templates_parse,
    template_lines,
)
from fairness.text import GENDER_SWAPS

__all__ = [
    "EXAMPLE_GROUPS",
    "EXAMPLE_TEMPLATES",
    "MAX_GROUPS",
    "MAX_TEMPLATES",
    "MAX_TEMPLATE_CHARS",
    "PromptSetForm",
    "prompt_set_csv",
    "template_lines",
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

    # The rules are the service's (the API applies the same); the form shows them per field.
    def clean_templates(self) -> list[str]:
        return prompt_templates_parse(self.cleaned_data["templates"])

    def clean_groups(self) -> list[str]:
        return prompt_groups_parse(self.cleaned_data["groups"])

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        templates, groups = cleaned.get("templates"), cleaned.get("groups")
        if templates and groups:
            try:
                self.rows = prompt_set_build(templates, groups)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned
