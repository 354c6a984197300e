"""The metric-gate override form: an auditor's answer in place of the run's, with a justification."""

from crispy_forms.helper import FormHelper
from django import forms

from audits.services.gates import GATE_VALUES, OVERRIDE_MIN_CHARS


class GateOverrideForm(forms.Form):
    value = forms.ChoiceField(
        label="Answer",
        widget=forms.RadioSelect,
        choices=[
            (v, {"pass": "Passes", "fail": "Fails", "na": "Not applicable"}[v]) for v in GATE_VALUES
        ],
    )
    justification = forms.CharField(
        label="Justification",
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=OVERRIDE_MIN_CHARS,
        strip=True,
        help_text=(
            "Why the fairness run's answer does not hold here. It is recorded with your name and "
            "shown with the answer, in the report and to the reviewer."
        ),
        error_messages={
            "min_length": f"Write at least {OVERRIDE_MIN_CHARS} characters: say why the run's answer is overridden.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
