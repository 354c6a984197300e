"""Forms for uploads (predictions or LLM responses) and the column mapping of a fairness run."""

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any, cast

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
    SQL_DIALECTS,
    TASKS,
    ColumnMapping,
    DatasetError,
    count_sql,
    looks_positive,
)

ALLOWED_EXTENSIONS = (".csv", ".tsv", ".txt", ".gz", ".parquet")
LLM_EXTENSIONS = (*ALLOWED_EXTENSIONS, ".jsonl", ".ndjson")
KIND_LABELS = {
    DatasetKind.PREDICTIONS: (
        "Predictions: one row per person the system decided on (outcome, decision or score, "
        "sensitive attributes). CSV or Parquet."
    ),
    DatasetKind.LLM: (
        "LLM responses: one row per response to a counterfactual prompt (pair_id, group, "
        "response; optionally prompt, sample, decision, toxicity). CSV, JSON Lines or Parquet."
    ),
}
EXTRA_CHECKS = 3
NONE = ""
DEFAULT_TASK = TASKS[0]
TASK_LABELS = {
    "binary": "Binary decisions: yes/no, selected or not (optionally from a score)",
    "regression": "Regression: a number (a price, a credit limit, a predicted income)",
    "multiclass": "Multiclass: one of several labels (a category, a risk band)",
}
#: Most distinct labels a multiclass guess takes (the engine's limit on classes).
MAX_CLASSES = 50
COUNTS_NAMES = ("count", "counts", "row_count", "rows", "n", "n_rows", "num_rows", "freq")
SQL_TABLE = "predictions"
#: The fields (and those named after them, `extra_1_metric`...) only some tasks use.
TASK_FIELDS = {
    "score": ("binary",),
    "threshold": ("binary",),
    "pos_label": ("binary",),
    "extra": ("binary",),
    "decision_threshold": ("regression",),
    "reference_policy": ("binary", "regression"),
    "reference_group": ("binary", "regression"),
}
DIALECT_LABELS = {
    "ansi": "ANSI SQL",
    "postgresql": "PostgreSQL",
    "duckdb": "DuckDB",
    "snowflake": "Snowflake",
    "spark": "Spark SQL",
    "bigquery": "BigQuery",
}
DIALECT_NOTE = (
    "Names are quoted so that their spelling is kept: with double quotes in ANSI, PostgreSQL "
    "(which folds unquoted names to lower case), DuckDB and Snowflake; with backticks in Spark "
    "SQL (where a double-quoted name is a string unless ANSI mode is on) and BigQuery (where the "
    "table may be project.dataset.table). COUNT(*) is BIGINT (INT64 in BigQuery). Export the "
    "result as CSV or Parquet, upload it and choose row_count as the row counts column."
)
MANY_VALUED_DECISION = (
    "“%(column)s” has %(count)s distinct values in the first rows, and a decision has two. Is it "
    "a score, a regression or classes? Choose that task, or map it as the score."
)
TEXT_OUTCOME = (
    "“%(column)s” holds text values (such as “%(value)s”): a regression needs numbers there."
)
ID_LIKE_SENSITIVE = (
    "“%(column)s” looks like an id (a different value on nearly every row): its groups would be "
    "of one person each. Choose attributes such as sex or age group."
)
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
    fixed_kind: str | None = None  # a form for one kind of file only

    kind = forms.ChoiceField(
        label="What the file holds",
        widget=forms.RadioSelect,
        required=False,  # a form posted without it is a predictions upload, as before
        initial=DatasetKind.PREDICTIONS,
        # An attributes file is uploaded from its predictions' mapping page.
        choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
    )
    file = forms.FileField(
        required=False,
        allow_empty_file=True,  # an empty file gets the engine's own message, like every bad file
        label="File",
        help_text=(
            "Predictions: a CSV with a header row: the observed outcome, the system's decision "
            "and/or score, and one or more sensitive-attribute columns. Comma, semicolon or tab "
            "separated, UTF-8, optionally gzip-compressed (.csv, .tsv, .txt or .gz), or Parquet "
            "(.parquet). "
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
            kind = str(self.cleaned_data.get("kind") or self.fixed_kind)
            names: dict[str, str] = {
                DatasetKind.LLM: "an LLM responses",
                DatasetKind.ATTRIBUTES: "an attributes",
            }
            what = names.get(kind, "a predictions")
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
                        "Upload a .csv, .tsv, .txt, .gz or .parquet file; %(name)s is none of these.",
                        code="extension",
                        params={"name": uploaded.name},
                    ),
                )
        return data


class AttributesUploadForm(DatasetUploadForm):
    """The second upload of the mapping page: sensitive attributes in a separate file."""

    fixed_kind = DatasetKind.ATTRIBUTES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        self.fields["file"].label = "Sensitive attributes file"
        self.fields["file"].help_text = (
            "One row per person: the id column the predictions also have, and the sensitive "
            f"columns. CSV or Parquet, up to {filesizeformat(self.max_bytes)}."
        )

    def clean(self):
        self.cleaned_data["kind"] = DatasetKind.ATTRIBUTES
        return super().clean()


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _values(preview: Mapping[str, Any], column: str | None) -> tuple[list[str], bool]:
    """The distinct values the preview saw in the column, and whether there were more."""
    if not column:
        return [], False
    values = [str(v) for v in preview.get("distinct", {}).get(column, [])]
    return values, bool(preview.get("distinct_truncated", {}).get(column))


def guess_task(preview: Mapping[str, Any]) -> str:
    """The task the guessed decision column's values suggest (the user confirms it).

    Numbers with fractions, or more distinct numbers than classes: regression; 3 to 50 text
    labels: multiclass; anything else: binary.
    """
    values, truncated = _values(preview, (preview.get("guess") or {}).get("y_pred"))
    numbers = [_number(v) for v in values]
    if values and all(n is not None for n in numbers):
        many = truncated or len(values) > MAX_CLASSES
        if many or any(n is not None and n != int(n) for n in numbers):
            return "regression"
        return DEFAULT_TASK
    if not truncated and 3 <= len(values) <= MAX_CLASSES and all(n is None for n in numbers):
        return "multiclass"
    return DEFAULT_TASK


def guess_counts(preview: Mapping[str, Any]) -> str:
    """A column named like a row count whose values are whole numbers, else none."""
    for column in preview.get("columns", []):
        name = "_".join(t for t in re.split(r"[^0-9a-z]+", str(column).casefold()) if t)
        values, _ = _values(preview, column)
        numbers = [_number(v) for v in values]
        if name in COUNTS_NAMES and values and all(n is not None and n == int(n) for n in numbers):
            return str(column)
    return NONE


def column_warnings(
    preview: Mapping[str, Any],
    *,
    task: str,
    y_true: str | None,
    y_pred: str | None,
    sensitive: Sequence[str],
) -> list[str]:
    """Warnings from the preview about the chosen columns, before the run.

    Text in a regression's outcome or prediction; a decision with many values; a sensitive
    column with a different value on nearly every row (an id).
    """
    found = []
    for column in (y_true, y_pred) if task == "regression" else ():
        values, _ = _values(preview, column)
        text = [v for v in values if _number(v) is None]
        if text:
            found.append(TEXT_OUTCOME % {"column": column, "value": text[0][:40]})
    values, truncated = _values(preview, y_pred)
    if task == "binary" and (truncated or len(values) > 2):
        count = f"{len(values)}{'+' if truncated else ''}"
        found.append(MANY_VALUED_DECISION % {"column": y_pred, "count": count})
    sampled = int(preview.get("rows_sampled") or len(preview.get("rows", [])))
    for column in sensitive:
        values, truncated = _values(preview, column)
        if truncated or (sampled >= 10 and len(values) >= 0.9 * sampled):
            found.append(ID_LIKE_SENSITIVE % {"column": column})
    return found


def mapping_sql(
    mapping: Mapping[str, Any], *, table: str = SQL_TABLE, dialect: str = "ansi"
) -> tuple[str, str]:
    """The engine's count-table SQL for the mapping (`fairness.count_sql`), or why there is none."""
    roles = {k: mapping.get(k) or None for k in ("y_true", "y_pred", "score")}
    sensitive = [c for c in mapping.get("sensitive") or [] if c]
    try:
        sql = count_sql(
            ColumnMapping(**roles, sensitive=sensitive), table.strip() or SQL_TABLE, dialect=dialect
        )
    except (DatasetError, ValueError) as error:
        return "", str(error)
    return sql, ""


def _column_choices(columns: list[str], empty_label: str | None) -> list[tuple[str, str]]:
    choices = [(c, c) for c in columns]
    return [(NONE, empty_label), *choices] if empty_label is not None else choices


class MappingForm(forms.Form):
    """Which column is which, the positive label, the reference group, thresholds and extra checks.

    After validation, `mapping`, `options` and `extra_checks` hold what `run_create` takes.
    """

    task = forms.ChoiceField(
        label="What the system predicts",
        widget=forms.RadioSelect,
        required=False,  # a form posted without it maps binary decisions, as before
        initial=DEFAULT_TASK,
        choices=[(task, TASK_LABELS[task]) for task in TASKS],
        help_text=(
            "Chosen first: the fields below follow it. The guess comes from the values of the "
            "decision column in the first rows."
        ),
    )
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
    decision_threshold = forms.FloatField(
        label="Decision threshold (optional)",
        required=False,
        help_text=(
            "Regression: a prediction at or above it counts as selected, which adds selection "
            "rates, impact ratios and the four-fifths screen."
        ),
    )
    counts = forms.ChoiceField(
        label="Row counts (count table)",
        required=False,
        help_text=(
            "Only for a count table, where each row is a cell with its number of rows (the "
            "result of the SQL below); leave it empty when each row is one person."
        ),
    )
    attributes = forms.ChoiceField(
        label="Sensitive attributes from a separate file",
        required=False,
        help_text="Upload it below; its rows are joined to the predictions on the id column.",
    )
    id = forms.ChoiceField(
        label="Id column (in both files)",
        required=False,
        help_text="The column both files have that names the person; rows are joined on it.",
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

    sql_table = forms.CharField(
        label="Table name", required=False, max_length=200, initial=SQL_TABLE
    )
    sql_dialect = forms.ChoiceField(
        label="SQL dialect",
        required=False,
        initial="ansi",
        choices=[(d, DIALECT_LABELS.get(d, d)) for d in SQL_DIALECTS],
    )

    def __init__(self, *args, dataset: Dataset, attribute_files: Sequence[Dataset] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.dataset = dataset
        self.attribute_files = {str(d.pk): d for d in attribute_files}
        columns = dataset.columns
        self.attributes_dataset = self.attribute_files.get(self._value("attributes") or "")
        attribute_columns = self.attributes_dataset.columns if self.attributes_dataset else []
        choice_fields = cast(dict[str, forms.ChoiceField], self.fields)  # the ones below are
        choice_fields["y_true"].choices = _column_choices(columns, "— none (selection only) —")
        choice_fields["y_pred"].choices = _column_choices(columns, "— none (use the score) —")
        choice_fields["score"].choices = _column_choices(columns, "— none —")
        choice_fields["counts"].choices = _column_choices(columns, "— none (one row per person) —")
        choice_fields["attributes"].choices = [
            (NONE, "— none (the sensitive columns are in the predictions) —"),
            *[(pk, d.original_name) for pk, d in self.attribute_files.items()],
        ]
        shared = [c for c in columns if c in attribute_columns]
        choice_fields["id"].choices = _column_choices(shared, "— none —")
        extra = [c for c in attribute_columns if c not in columns]
        choice_fields["sensitive"].choices = _column_choices(columns, None) + [
            (c, f"{c} (attributes file)") for c in extra
        ]
        choice_fields["pos_label"].choices = self._pos_label_choices()
        self._add_extra_check_fields()
        if self.is_bound:
            # The fields of other tasks take no part (a page without JS shows them all).
            for name, tasks in TASK_FIELDS.items():
                for field in [f for f in self.fields if f == name or f.startswith(name + "_")]:
                    self.fields[field].disabled = self.chosen_task not in tasks
        self.helper = self._helper()

    def _add_extra_check_fields(self) -> None:
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

    def _value(self, name: str) -> str | None:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return None if value is None else str(value)

    def _chosen(self, name: str) -> str:
        value = self._value(name)
        return value if value in self.dataset.columns else NONE

    def _sensitive(self) -> list[str]:
        if not self.is_bound:
            return list(self.initial.get("sensitive") or [])
        getlist = getattr(self.data, "getlist", None)
        return list(getlist("sensitive") if getlist else self.data.get("sensitive") or [])

    @property
    def chosen_task(self) -> str:
        task = self._value("task")
        if task in TASKS:
            return str(task)
        return DEFAULT_TASK if self.is_bound else guess_task(self.dataset.preview)

    def sql(self) -> tuple[str, str]:
        """The count-table SQL for the columns chosen now, or why there is none."""
        values = self._sensitive()
        mapping = {role: self._chosen(role) for role in ("y_true", "y_pred", "score")}
        if self.chosen_task != "binary":
            mapping["score"] = NONE
        dialect = self._value("sql_dialect") or "ansi"
        table = self._value("sql_table") or SQL_TABLE
        return mapping_sql(
            {**mapping, "sensitive": list(values or [])}, table=table, dialect=dialect
        )

    def warnings(self) -> list[str]:
        """What the preview says about the columns chosen now, before the run (see `column_warnings`)."""
        chosen = {role: self._chosen(role) for role in ("y_true", "y_pred")}
        sensitive = self._sensitive()
        found = column_warnings(
            self.dataset.preview,
            task=self.chosen_task,
            sensitive=[c for c in sensitive if c in self.dataset.columns],
            **chosen,
        )
        if self.attributes_dataset is not None:
            # A sensitive column of the attributes file is judged on that file's first rows.
            found += column_warnings(
                self.attributes_dataset.preview,
                task=self.chosen_task,
                y_true=None,
                y_pred=None,
                sensitive=[c for c in sensitive if c not in self.dataset.columns],
            )
        return found

    def pos_label_choices(self) -> list:
        """The positive-label choices for the columns chosen now (the page's JS shows them)."""
        return self._pos_label_choices()

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
            Fieldset("Task", "task"),
            Fieldset(
                "Columns",
                Div(
                    Div("y_true", css_class="col-md-4"),
                    Div("y_pred", css_class="col-md-4"),
                    Div("counts", css_class="col-md-4"),
                    css_class="row",
                ),
                "sensitive",
            ),
            Fieldset(
                "Score (binary decisions)",
                Div(
                    Div("score", css_class="col-md-6"),
                    Div("threshold", css_class="col-md-6"),
                    css_class="row",
                ),
                data_tasks="binary",
            ),
            Fieldset(
                "Decision threshold (regression)", "decision_threshold", data_tasks="regression"
            ),
            Fieldset(
                "Sensitive attributes in a separate file",
                Div(
                    Div("attributes", css_class="col-md-6"),
                    Div("id", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Positive label (binary decisions)",
                Div(
                    Div("pos_label", css_class="col-md-6"),
                    Div("pos_label_other", css_class="col-md-6"),
                    css_class="row",
                ),
                data_tasks="binary",
            ),
            Fieldset(
                "Reference group (selection rates)",
                "reference_policy",
                "reference_group",
                data_tasks="binary regression",
            ),
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
            # Every task's gates are listed; the include shows those of the chosen task.
            HTML('{% include "audits/includes/run_gate_checks.html" %}'),
            Fieldset("Extra checks (optional)", *extra, data_tasks="binary"),
        )
        return helper

    def clean(self):
        data = super().clean() or self.cleaned_data  # as Django does when clean() returns None
        task = data.get("task") or DEFAULT_TASK
        binary = task == "binary"
        # A field of another task, filled in while the page showed every field, is not used.
        roles = {r: data.get(r) or None for r in ("y_true", "y_pred", "score")}
        if not binary:
            roles["score"] = None
        inputs = {r: data.get(r) or None for r in ("counts", "id")}
        # The engine's own validation of the mapping, each problem shown next to its field.
        mapping = ColumnMapping(**roles, **inputs, sensitive=list(data.get("sensitive") or []))
        for problem in mapping.problems():
            if problem.role not in self.errors:
                self.add_error(problem.role, problem.message)
        reference = (data.get("reference_group") or "").strip()
        if data.get("reference_policy") == "named" and not reference:
            self.add_error(
                "reference_group", "Name the reference group, or pick the highest-rate group."
            )
        self.extra_checks = self._clean_extra_checks(data) if binary else []
        pos_label = (data.get("pos_label_other") or "").strip() or data.get("pos_label") or None
        self.mapping = {
            **roles,
            **inputs,
            "sensitive": list(data.get("sensitive", [])),
            "pos_label": pos_label if binary else None,
        }
        threshold = data.get("decision_threshold")
        #: `run_create`'s task, attributes file and decision threshold.
        self.run_inputs: dict[str, Any] = {
            "task": task,
            "attributes": self.attributes_dataset,
            "decision_threshold": threshold if task == "regression" else None,
        }
        if self.attributes_dataset is not None and not inputs["id"]:
            self.add_error("id", "Choose the id column both files have, to join them on.")
        if self.attributes_dataset is None and inputs["id"]:
            self.add_error("id", "An id column joins an attributes file: choose one above.")
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
            initial["attributes"] = (config.get("attributes") or {}).get("dataset")
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
        initial["task"] = guess_task(dataset.preview)
        initial["counts"] = guess_counts(dataset.preview)
        return initial
