"""Forms for uploads (predictions or LLM responses) and the column mapping of a fairness run."""

from pathlib import PurePath
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from audits.models import Dataset, DatasetKind
from checklists.gates import GATE_COMPARISONS, TABULAR_GATE_METRICS
from fairness import (
    CHECK_GROUPS,
    DEFAULT_CHECK_GROUPS,
    DEFAULT_DISPARITY_METHOD,
    DEFAULT_EXCLUSION_SHARE,
    DEFAULT_FOUR_FIFTHS_THRESHOLD,
    DEFAULT_MIN_GROUP_SIZE,
    DEFAULT_REFERENCE_POLICY,
    DEFAULT_THRESHOLD,
    DISPARITY_METHODS,
    REFERENCE_POLICIES,
    ColumnMapping,
    looks_positive,
)

ALLOWED_EXTENSIONS = (".csv", ".tsv", ".txt", ".gz")
LLM_EXTENSIONS = (*ALLOWED_EXTENSIONS, ".jsonl", ".ndjson", ".parquet")
KIND_LABELS = {
    DatasetKind.PREDICTIONS: (
        "Predictions: one row per person the system decided on (outcome, decision or score, "
        "sensitive attributes). CSV."
    ),
    DatasetKind.LLM: (
        "LLM responses: one row per response to a counterfactual prompt (pair_id, group, "
        "response; optionally prompt, sample, decision, toxicity). CSV, JSON Lines or Parquet."
    ),
}
EXTRA_CHECKS = 3
NONE = ""
CHECK_GROUP_LABELS = {
    "reliable": (
        "Reliable groups (default): checks use only groups with at least the minimum group size, "
        "so a handful of people cannot decide a gate."
    ),
    "all": "All groups: every known group, however small (fairlearn's behaviour).",
}


SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")
SPREADSHEET_ADVICE = (
    "%(name)s is a spreadsheet workbook, which the engine does not read. Open it and save the "
    "sheet as CSV (in Excel: File > Save As > CSV UTF-8; in LibreOffice: File > Save As > Text "
    "CSV), then upload the CSV."
)


class DatasetUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        widget=forms.RadioSelect,
        required=False,  # a form posted without it is a predictions upload, as before
        initial=DatasetKind.PREDICTIONS,
        choices=[(kind.value, KIND_LABELS[kind]) for kind in DatasetKind],
    )
    file = forms.FileField(
        required=False,
        allow_empty_file=True,  # an empty file gets the engine's own message, like every bad file
        label="File",
        help_text=(
            "Predictions: a CSV with a header row: the observed outcome, the system's decision "
            "and/or score, and one or more sensitive-attribute columns. Comma, semicolon or tab "
            "separated, UTF-8, optionally gzip-compressed (.csv, .tsv, .txt or .gz). "
            "LLM responses: CSV, JSON Lines (.jsonl, .ndjson, optionally gzip-compressed) or "
            "Parquet (.parquet)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(LLM_EXTENSIONS)}),
    )

    def __init__(self, *args, max_bytes: int, too_big: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.too_big = too_big
        self.fields["file"].help_text += f" Up to {filesizeformat(max_bytes)}."
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        if self.too_big:
            raise ValidationError(
                "The file is larger than the %(limit)s limit, so it was not kept. Upload a smaller "
                "file (for example a sample, or the file gzip-compressed).",
                code="too_big",
                params={"limit": filesizeformat(self.max_bytes)},
            )
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            what = (
                "an LLM responses"
                if self.cleaned_data.get("kind") == DatasetKind.LLM
                else "a predictions"
            )
            raise ValidationError(f"Choose {what} file to upload.", code="required")
        return uploaded

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or DatasetKind.PREDICTIONS

    def clean(self):
        data = super().clean() or self.cleaned_data
        uploaded, kind = data.get("file"), data.get("kind") or DatasetKind.PREDICTIONS
        if uploaded:
            suffixes = [s.lower() for s in PurePath(uploaded.name).suffixes]
            if suffixes and suffixes[-1] in SPREADSHEET_EXTENSIONS:
                # A workbook named as one (a workbook renamed .csv is caught by its content).
                self.add_error(
                    "file",
                    ValidationError(
                        SPREADSHEET_ADVICE, code="spreadsheet", params={"name": uploaded.name}
                    ),
                )
            elif kind == DatasetKind.LLM and (not suffixes or suffixes[-1] not in LLM_EXTENSIONS):
                self.add_error(
                    "file",
                    ValidationError(
                        "Upload LLM responses as .csv, .jsonl, .ndjson or .parquet (or .gz); "
                        "%(name)s is none of these.",
                        code="extension",
                        params={"name": uploaded.name},
                    ),
                )
            elif kind != DatasetKind.LLM and (
                not suffixes or suffixes[-1] not in ALLOWED_EXTENSIONS
            ):
                self.add_error(
                    "file",
                    ValidationError(
                        "Upload a .csv, .tsv, .txt or .gz file; %(name)s is none of these.",
                        code="extension",
                        params={"name": uploaded.name},
                    ),
                )
        return data


def _column_choices(columns: list[str], empty_label: str | None) -> list[tuple[str, str]]:
    choices = [(c, c) for c in columns]
    return [(NONE, empty_label), *choices] if empty_label is not None else choices


class MappingForm(forms.Form):
    """Which column is which, the positive label, the reference group, thresholds and extra checks.

    After validation, `mapping`, `options` and `extra_checks` hold what `run_create` takes.
    """

    y_true = forms.ChoiceField(
        label="Observed outcome (y_true)",
        required=False,
        help_text="What really happened. Without it only selection rates and impact ratios are computed.",
    )
    y_pred = forms.ChoiceField(
        label="System's decision (y_pred)",
        required=False,
        help_text="The decision or prediction. Optional when a score column is given.",
    )
    score = forms.ChoiceField(label="Score", required=False)
    threshold = forms.FloatField(
        label="Score threshold",
        initial=DEFAULT_THRESHOLD,
        help_text="Without a decision column, a score at or above this counts as selected.",
    )
    sensitive = forms.MultipleChoiceField(
        label="Sensitive attributes",
        widget=forms.CheckboxSelectMultiple,
        help_text="Each gives a grouping; two or more also give their intersection.",
        error_messages={
            "required": "Tick at least one sensitive column (for example sex or race)."
        },
    )
    pos_label = forms.ChoiceField(label="Positive (favourable) label", required=False)
    pos_label_other = forms.CharField(
        label="…or another value", required=False, max_length=200, strip=True
    )
    reference_policy = forms.ChoiceField(
        label="Reference group",
        widget=forms.RadioSelect,
        initial=DEFAULT_REFERENCE_POLICY,
        choices=[
            (REFERENCE_POLICIES[0], "The group with the highest selection rate (LL144 default)"),
            (REFERENCE_POLICIES[1], "A named group"),
        ],
    )
    reference_group = forms.CharField(label="Named reference group", required=False, max_length=200)
    exclusion_share = forms.FloatField(
        label="Exclusion share",
        initial=DEFAULT_EXCLUSION_SHARE,
        min_value=0,
        max_value=0.5,
        help_text="Groups under this share of the rows may be left out of impact ratios (2% rule).",
    )
    four_fifths_threshold = forms.FloatField(
        label="Four-fifths screening threshold",
        initial=DEFAULT_FOUR_FIFTHS_THRESHOLD,
        min_value=0.01,
        max_value=1,
        help_text="An impact ratio below this is flagged. A screening threshold, not a verdict.",
    )
    min_group_size = forms.IntegerField(
        label="Minimum group size",
        initial=DEFAULT_MIN_GROUP_SIZE,
        min_value=1,
        help_text=(
            "Smaller groups carry a small-sample warning and are not among the reliable groups."
        ),
    )
    check_groups = forms.ChoiceField(
        label="Groups the checks use",
        widget=forms.RadioSelect,
        required=False,  # a form posted without it gets the engine's default
        initial=DEFAULT_CHECK_GROUPS,
        choices=[(value, CHECK_GROUP_LABELS.get(value, value)) for value in CHECK_GROUPS],
        help_text=(
            "Both values are always shown; this picks the one the checks and the gates read. "
            "Impact-ratio checks follow LL144's exclusion rule either way."
        ),
    )
    disparity_method = forms.ChoiceField(
        label="Disparities",
        initial=DEFAULT_DISPARITY_METHOD,
        choices=[
            (DISPARITY_METHODS[0], "Between groups (largest gap)"),
            (DISPARITY_METHODS[1], "To the overall rate"),
        ],
    )

    def __init__(self, *args, dataset: Dataset, **kwargs):
        super().__init__(*args, **kwargs)
        self.dataset = dataset
        columns = dataset.columns
        choice_fields = cast(dict[str, forms.ChoiceField], self.fields)  # the five below are
        choice_fields["y_true"].choices = _column_choices(columns, "— none (selection only) —")
        choice_fields["y_pred"].choices = _column_choices(columns, "— none (use the score) —")
        choice_fields["score"].choices = _column_choices(columns, "— none —")
        choice_fields["sensitive"].choices = _column_choices(columns, None)
        choice_fields["pos_label"].choices = self._pos_label_choices()
        for i in range(1, EXTRA_CHECKS + 1):
            self.fields[f"extra_{i}_metric"] = forms.ChoiceField(
                label=f"Extra check {i}: metric",
                required=False,
                choices=[(NONE, "—"), *[(m, m.replace("_", " ")) for m in TABULAR_GATE_METRICS]],
            )
            self.fields[f"extra_{i}_comparison"] = forms.ChoiceField(
                label="comparison", required=False, choices=[(c, c) for c in GATE_COMPARISONS]
            )
            self.fields[f"extra_{i}_threshold"] = forms.FloatField(
                label="threshold", required=False
            )
        self.helper = self._helper()

    def _chosen(self, name: str) -> str:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return value if value in self.dataset.columns else NONE

    def _pos_label_choices(self) -> list:
        """The engine's default first, then the values seen in the chosen label columns.

        Values are grouped by column; a value the engine would take as positive (1, true, yes)
        comes first in its group.
        """
        distinct = self.dataset.preview.get("distinct", {})
        choices: list = [(NONE, "Automatic: 1, true or yes (the engine's default)")]
        seen = set()
        for role in ("y_true", "y_pred"):
            column = self._chosen(role)
            values = [str(v) for v in distinct.get(column, []) if str(v) not in seen]
            values.sort(key=lambda v: not looks_positive(v))
            if column and values:
                seen.update(values)
                choices.append((f"Values in {column}", [(v, v) for v in values]))
        return choices

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
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
                    Div("y_true", css_class="col-md-4"),
                    Div("y_pred", css_class="col-md-4"),
                    Div("score", css_class="col-md-4"),
                    css_class="row",
                ),
                "threshold",
                "sensitive",
            ),
            Fieldset(
                "Positive label",
                Div(
                    Div("pos_label", css_class="col-md-6"),
                    Div("pos_label_other", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset("Reference group", "reference_policy", "reference_group"),
            Fieldset(
                "Thresholds",
                Div(
                    Div("exclusion_share", css_class="col-md-3"),
                    Div("four_fifths_threshold", css_class="col-md-3"),
                    Div("min_group_size", css_class="col-md-3"),
                    Div("disparity_method", css_class="col-md-3"),
                    css_class="row",
                ),
                "check_groups",
            ),
            HTML('{% include "audits/includes/run_gate_checks.html" %}'),
            Fieldset("Extra checks (optional)", *extra),
        )
        return helper

    def clean(self):
        data = super().clean() or self.cleaned_data  # as Django does when clean() returns None
        roles = {r: data.get(r) or None for r in ("y_true", "y_pred", "score")}
        # The engine's own validation of the mapping, each problem shown next to its field.
        mapping = ColumnMapping(**roles, sensitive=list(data.get("sensitive") or []))
        for problem in mapping.problems():
            if problem.role not in self.errors:
                self.add_error(problem.role, problem.message)
        reference = (data.get("reference_group") or "").strip()
        if data.get("reference_policy") == "named" and not reference:
            self.add_error(
                "reference_group", "Name the reference group, or pick the highest-rate group."
            )
        self.extra_checks = self._clean_extra_checks(data)
        pos_label = (data.get("pos_label_other") or "").strip() or data.get("pos_label") or None
        self.mapping = {
            **roles,
            "sensitive": list(data.get("sensitive", [])),
            "pos_label": pos_label,
        }
        self.options = {
            "reference_group": reference if data.get("reference_policy") == "named" else None,
            "four_fifths_threshold": data.get("four_fifths_threshold"),
            "exclusion_share": data.get("exclusion_share"),
            "min_group_size": data.get("min_group_size"),
            "threshold": data.get("threshold"),
            "disparity_method": data.get("disparity_method"),
            "check_groups": data.get("check_groups") or DEFAULT_CHECK_GROUPS,
        }
        return data

    def _clean_extra_checks(self, data: dict) -> list[dict]:
        checks = []
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
        """Initial values: a previous run's configuration, else the engine's guess for the file."""
        if config:
            mapping, options = config.get("mapping", {}), config.get("options", {})
            initial = {**mapping, **{k: v for k, v in options.items() if v is not None}}
            initial["sensitive"] = mapping.get("sensitive", [])
            initial["reference_policy"] = "named" if options.get("reference_group") else "highest"
            extras = [c for c in config.get("checks", []) if c.get("source") == "extra"]
            for i, check in enumerate(extras[:EXTRA_CHECKS], start=1):
                for key in ("metric", "comparison", "threshold"):
                    initial[f"extra_{i}_{key}"] = check.get(key)
            return {k: ("" if v is None else v) for k, v in initial.items()}
        guess = dataset.preview.get("guess", {})
        initial = {k: guess.get(k) or "" for k in ("y_true", "y_pred", "score")}
        initial["sensitive"] = list(guess.get("sensitive") or [])
        if guess.get("pos_label") is not None:
            initial["pos_label"] = str(guess["pos_label"])
        return initial
