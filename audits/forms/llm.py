"""The mapping form of an LLM responses dataset: roles, refusal patterns, reference group, checks.

After validation, `mapping`, `options` and `checks` hold what `llm_run_create` takes. The
checklist's LLM gates are added by the service, always (they are listed, read-only, on the page).
"""

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms

from audits.models import Dataset
from audits.services.datasets import LLM_OFFERED_CHECKS, refusal_pattern_problems
from checklists.gates import GATE_COMPARISONS
from fairness import DatasetError
from fairness.text import DEFAULT_REFUSAL_PATTERNS, TEXT_CHECK_METRICS, ResponseMapping

NONE = ""
EXTRA_CHECKS = 2
ROLE_FIELDS = ("pair_id", "group", "response", "prompt", "sample", "decision", "toxicity")
OPTIONAL_ROLE_LABELS = {
    "prompt": ("Prompt", "Kept for the examples shown in the report."),
    "sample": (
        "Sample (generation index)",
        "When each prompt was asked several times; without it the k-th row of a pair and group "
        "is generation k.",
    ),
    "decision": (
        "Decision",
        "A label extracted from the response when the LLM decides (shortlist / reject): gives "
        "selection rates, impact ratios and the decision flip rate.",
    ),
    "toxicity": ("Toxicity score", "A score in [0, 1] from your own classifier or moderation API."),
}


def _choices(columns: list[str], empty_label: str | None) -> list[tuple[str, str]]:
    choices = [(c, c) for c in columns]
    return [(NONE, empty_label), *choices] if empty_label is not None else choices


def check_field(metric: str) -> str:
    return f"check_{metric}"


class LlmMappingForm(forms.Form):
    """Which column is which in an LLM responses file, and what the run checks."""

    pair_id = forms.ChoiceField(
        label="Pair id",
        help_text="The counterfactual set: one prompt template, filled in once per group.",
    )
    group = forms.ChoiceField(label="Group", help_text="The group the prompt mentions.")
    response = forms.ChoiceField(label="Response", help_text="The model's text.")
    prompt = forms.ChoiceField(required=False)
    sample = forms.ChoiceField(required=False)
    decision = forms.ChoiceField(required=False)
    toxicity = forms.ChoiceField(required=False)
    pos_label = forms.ChoiceField(label="Positive (favourable) decision", required=False)
    pos_label_other = forms.CharField(
        label="…or another value", required=False, max_length=200, strip=True
    )
    reference_group = forms.ChoiceField(label="Reference group", required=False)
    refusal_patterns = forms.CharField(
        label="Refusal patterns",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace small"}),
        help_text=(
            "One regular expression per line, matched case-insensitively; a response that matches "
            "one (or is empty) is a refusal. Prefilled with the engine's default list."
        ),
    )

    def __init__(self, *args, dataset: Dataset, **kwargs):
        super().__init__(*args, **kwargs)
        self.dataset = dataset
        columns = dataset.columns
        fields = cast(dict[str, forms.ChoiceField], self.fields)
        for role in ("pair_id", "group", "response"):
            fields[role].choices = _choices(columns, "— choose a column —")
        for role, (label, help_text) in OPTIONAL_ROLE_LABELS.items():
            fields[role].choices = _choices(columns, "— none —")
            fields[role].label, fields[role].help_text = label, help_text
        fields["pos_label"].choices = self._values_choices(
            "decision", "Automatic: 1, true or yes (the engine's default)"
        )
        fields["reference_group"].choices = self._values_choices(
            "group", "Automatic: the group with the most responses (the engine's default)"
        )
        if not self.is_bound and not self.initial.get("refusal_patterns"):
            self.initial["refusal_patterns"] = "\n".join(DEFAULT_REFUSAL_PATTERNS)
        self.offered = []
        for offered in LLM_OFFERED_CHECKS:
            metric = offered["metric"]
            needs = " (needs a decision column)" if offered["needs"] else ""
            self.fields[check_field(metric)] = forms.BooleanField(
                label=f"{metric} {offered['comparison']}",
                required=False,
                initial=metric != "rougel_similarity",
                help_text=f"Every group against the reference{needs}.",
            )
            self.fields[f"{check_field(metric)}_threshold"] = forms.FloatField(
                label="threshold", initial=offered["threshold"], required=False
            )
            self.offered.append(offered)
        for i in range(1, EXTRA_CHECKS + 1):
            self.fields[f"extra_{i}_metric"] = forms.ChoiceField(
                label=f"Extra check {i}: metric",
                required=False,
                choices=[(NONE, "—"), *[(m, m) for m in TEXT_CHECK_METRICS]],
            )
            self.fields[f"extra_{i}_comparison"] = forms.ChoiceField(
                label="comparison", required=False, choices=[(c, c) for c in GATE_COMPARISONS]
            )
            self.fields[f"extra_{i}_threshold"] = forms.FloatField(
                label="threshold", required=False
            )
        self.helper = self._helper()

    def _chosen(self, role: str) -> str:
        value = self.data.get(role) if self.is_bound else self.initial.get(role)
        return value if value in self.dataset.columns else NONE

    def _values_choices(self, role: str, automatic: str) -> list:
        column = self._chosen(role)
        values = [str(v) for v in self.dataset.preview.get("distinct", {}).get(column, [])]
        choices: list = [(NONE, automatic)]
        if values:
            choices.append((f"Values in {column}", [(v, v) for v in values]))
        return choices

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        offered = [
            Div(
                Div(check_field(c["metric"]), css_class="col-sm-8"),
                Div(f"{check_field(c['metric'])}_threshold", css_class="col-sm-4"),
                css_class="row",
            )
            for c in self.offered
        ]
        extra = [
            Div(
                Div(f"extra_{i}_metric", css_class="col-sm-6"),
                Div(f"extra_{i}_comparison", css_class="col-6 col-sm-3"),
                Div(f"extra_{i}_threshold", css_class="col-6 col-sm-3"),
                css_class="row",
            )
            for i in range(1, EXTRA_CHECKS + 1)
        ]
        helper.layout = Layout(
            Fieldset(
                "Columns",
                Div(
                    Div("pair_id", css_class="col-md-4"),
                    Div("group", css_class="col-md-4"),
                    Div("response", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("prompt", css_class="col-md-3"),
                    Div("sample", css_class="col-md-3"),
                    Div("decision", css_class="col-md-3"),
                    Div("toxicity", css_class="col-md-3"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Positive decision",
                Div(
                    Div("pos_label", css_class="col-md-6"),
                    Div("pos_label_other", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset("Reference group", "reference_group"),
            Fieldset("Refusals", "refusal_patterns"),
            HTML('{% include "audits/includes/run_gate_checks.html" with llm=True %}'),
            Fieldset("Checks", *offered),
            Fieldset("Extra checks (optional)", *extra),
        )
        return helper

    def clean_refusal_patterns(self) -> list[str]:
        text = self.cleaned_data.get("refusal_patterns") or ""
        patterns = [line.strip() for line in text.splitlines() if line.strip()]
        problems = refusal_pattern_problems(patterns)
        if problems:
            raise forms.ValidationError(
                "Not a regular expression: %(problems)s.",
                code="bad_regex",
                params={"problems": "; ".join(problems)},
            )
        return patterns

    def clean(self):
        data = super().clean() or self.cleaned_data
        roles = {role: data.get(role) or None for role in ROLE_FIELDS}
        if all(roles[r] for r in ("pair_id", "group", "response")):
            try:
                ResponseMapping(**cast(dict[str, Any], roles)).validate()
            except DatasetError as error:
                column = error.column or ""
                twice = [r for r in ROLE_FIELDS if roles[r] and roles[r] == column]
                self.add_error(twice[-1] if twice else None, str(error))
        pos_label = (data.get("pos_label_other") or "").strip() or data.get("pos_label") or None
        # Without one, `llm_run_create` guesses the favourable decision from the column's values.
        self.mapping = {**roles, "pos_label": pos_label if roles["decision"] else None}
        self.options = {
            "reference_group": data.get("reference_group") or None,
            "refusal_patterns": data.get("refusal_patterns") or [],
        }
        self.checks = self._clean_checks(data, has_decision=bool(roles["decision"]))
        return data

    def _clean_checks(self, data: dict, *, has_decision: bool) -> list[dict]:
        checks = []
        for offered in self.offered:
            name = check_field(offered["metric"])
            if not data.get(name) or (offered["needs"] == "decision" and not has_decision):
                continue
            threshold = data.get(f"{name}_threshold")
            if threshold is None:
                self.add_error(f"{name}_threshold", "Give a threshold for this check.")
                continue
            checks.append(
                {
                    "metric": offered["metric"],
                    "comparison": offered["comparison"],
                    "threshold": threshold,
                }
            )
        for i in range(1, EXTRA_CHECKS + 1):
            metric = data.get(f"extra_{i}_metric")
            threshold = data.get(f"extra_{i}_threshold")
            if not metric and threshold is None:
                continue
            if not metric:
                self.add_error(f"extra_{i}_metric", "Choose the metric this threshold applies to.")
            elif threshold is None:
                self.add_error(f"extra_{i}_threshold", "Give a threshold for this check.")
            else:
                comparison = data.get(f"extra_{i}_comparison") or ">="
                checks.append({"metric": metric, "comparison": comparison, "threshold": threshold})
        return checks

    @classmethod
    def initial_from(cls, *, dataset: Dataset, config: dict | None = None) -> dict:
        """Initial values: a previous run's configuration, else the guesses for the file."""
        if config:
            mapping, options = config.get("mapping", {}), config.get("options", {})
            initial: dict[str, Any] = {k: mapping.get(k) or "" for k in (*ROLE_FIELDS, "pos_label")}
            initial["reference_group"] = options.get("reference_group") or ""
            initial["refusal_patterns"] = "\n".join(options.get("refusal_patterns") or [])
            chosen = [c for c in config.get("checks", []) if c.get("source") == "chosen"]
            offered = {c["metric"]: c for c in LLM_OFFERED_CHECKS}
            extras = []
            for metric in offered:
                initial[check_field(metric)] = False
            for check in chosen:
                same = offered.get(check.get("metric", ""))
                if same and same["comparison"] == check.get("comparison"):
                    initial[check_field(same["metric"])] = True
                    initial[f"{check_field(same['metric'])}_threshold"] = check.get("threshold")
                else:
                    extras.append(check)
            for i, check in enumerate(extras[:EXTRA_CHECKS], start=1):
                for key in ("metric", "comparison", "threshold"):
                    initial[f"extra_{i}_{key}"] = check.get(key)
            return initial
        guess = dataset.preview.get("guess", {})
        initial = {role: guess.get(role) or "" for role in ROLE_FIELDS}
        if guess.get("pos_label"):
            initial["pos_label"] = str(guess["pos_label"])
        return initial
