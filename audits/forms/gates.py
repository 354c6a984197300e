"""The metric-gate override form: an auditor's answer in place of the run's, with a justification."""

from crispy_forms.helper import FormHelper
from django import forms

from audits.services.gates import OVERRIDE_MIN_CHARS, OVERRIDE_VALUES


class GateOverrideForm(forms.Form):
    value = forms.ChoiceField(
        label="Answer",
        widget=forms.RadioSelect,
        choices=[
            (v, {"pass": "Passes", "fail": "Fails", "na": "Not applicable"}[v])
            for v in OVERRIDE_VALUES
        ],
    )
    # An inconclusive gate is settled here: the reviewer's judgement, written down, picks a side.
    justification = forms.CharField(
        label="Justification",
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=OVERRIDE_MIN_CHARS,
        strip=True,
        help_text=(
            "Why the fairness run's answer does not hold here. For an inconclusive gate, say why it "
            "passes or fails in your judgement (what else you checked). It is recorded with your "
            "name and shown with the answer, in the report and to the reviewer."
        ),
        error_messages={
            "min_length": f"Write at least {OVERRIDE_MIN_CHARS} characters: say why the run's answer is overridden.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
