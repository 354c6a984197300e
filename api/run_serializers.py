"""What the API sends and takes for datasets, fairness runs and metric gates.

A run is configured with the JSON the mapping page's form produces (`mapping`, `options`,
`extra_checks`, as `audits.services.datasets.run_create` takes them), validated by the same rules:
columns of the file, the engine's `ColumnMapping.problems()`, the form's ranges for the options.
"""

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from api.serializers import StrictCharField, username
from audits.models import Answer, Dataset, DatasetKind, FairnessRun, RunStatus
from audits.models.datasets import STALE_CODE
from audits.services.gates import GATE_VALUES, OVERRIDE_MIN_CHARS, gate_outcome
from checklists.gates import GATE_COMPARISONS, GATE_METRICS, describe_gate
from checklists.models import Question
from fairness import (
    DEFAULT_DISPARITY_METHOD,
    DEFAULT_EXCLUSION_SHARE,
    DEFAULT_FOUR_FIFTHS_THRESHOLD,
    DEFAULT_MIN_GROUP_SIZE,
    DEFAULT_THRESHOLD,
    DISPARITY_METHODS,
    TASKS,
    ColumnMapping,
)

MAX_EXTRA_CHECKS = 20
SHOWN_COLUMNS = 30

# -- datasets -----------------------------------------------------------------------------------


class DatasetSerializer(serializers.ModelSerializer):
    columns = serializers.ListField(child=StrictCharField(), read_only=True)
    uploaded_by = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = [
            "id",
            "kind",
            "original_name",
            "size",
            "sha256",
            "columns",
            "uploaded_by",
            "created_at",
        ]
        read_only_fields = ["kind"]

    def get_uploaded_by(self, dataset: Dataset) -> str | None:
        return username(dataset.uploaded_by)


class GuessSerializer(serializers.Serializer):
    """The guessed mapping of a predictions file."""

    y_true = StrictCharField(allow_null=True)
    y_pred = StrictCharField(allow_null=True)
    score = StrictCharField(allow_null=True)
    sensitive = serializers.ListField(child=StrictCharField())
    pos_label = StrictCharField(allow_null=True)


class ResponsesGuessSerializer(serializers.Serializer):
    """The guessed roles of an LLM responses file (None: no column fits the role)."""

    pair_id = StrictCharField(allow_null=True)
    group = StrictCharField(allow_null=True)
    response = StrictCharField(allow_null=True)
    prompt = StrictCharField(allow_null=True, required=False)
    sample = StrictCharField(allow_null=True, required=False)
    toxicity = StrictCharField(allow_null=True, required=False)
    decision = StrictCharField(allow_null=True, required=False)
    pos_label = StrictCharField(allow_null=True, required=False)


# A dataset's guess is one of the two, by the dataset's `kind`.
ANY_GUESS = PolymorphicProxySerializer(
    component_name="AnyGuess",
    serializers=[GuessSerializer, ResponsesGuessSerializer],
    resource_type_field_name=None,
)


@extend_schema_field(ANY_GUESS)
class GuessField(serializers.DictField):
    """A predictions guess or a responses guess, whichever the dataset's kind makes."""


class PreviewSerializer(serializers.Serializer):
    format = StrictCharField(required=False, help_text="LLM responses only: csv, jsonl or parquet.")
    delimiter = StrictCharField(required=False, help_text="CSV files only.")
    delimiter_name = StrictCharField(required=False)
    encoding = StrictCharField(required=False)
    compressed = serializers.BooleanField(required=False)
    columns = serializers.ListField(child=StrictCharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=StrictCharField(allow_blank=True)),
        help_text="The first rows, as text.",
    )
    distinct = serializers.DictField(
        child=serializers.ListField(child=StrictCharField(allow_blank=True)),
        help_text="Per column, the distinct values seen in the first rows (capped).",
    )
    distinct_truncated = serializers.DictField(child=serializers.BooleanField(), required=False)
    rows_sampled = serializers.IntegerField(required=False)
    guess = GuessField(help_text="The engine's guess of the mapping, from the column names.")


class DatasetDetailSerializer(DatasetSerializer):
    preview = serializers.SerializerMethodField()

    class Meta(DatasetSerializer.Meta):
        fields = [*DatasetSerializer.Meta.fields, "preview"]

    @extend_schema_field(PreviewSerializer)
    def get_preview(self, dataset: Dataset) -> dict[str, Any]:
        return dict(dataset.preview)


class DatasetUploadSerializer(serializers.Serializer):
    """Multipart: the file in `file` (or the raw body, see the operation's description)."""

    file = serializers.FileField(allow_empty_file=True)
    kind = serializers.ChoiceField(
        choices=DatasetKind.choices,
        required=False,
        help_text="predictions (the default: CSV or Parquet), llm (LLM responses: CSV, JSON Lines "
        "or Parquet) or attributes (sensitive attributes joined to predictions on an id column).",
    )


# -- runs: configuration ------------------------------------------------------------------------


def _optional_column(help_text: str) -> serializers.CharField:
    return StrictCharField(
        required=False, allow_null=True, allow_blank=True, default=None, help_text=help_text
    )


class MappingSerializer(serializers.Serializer):
    """Which column is which; checked against the file's columns and by the engine's own rules."""

    y_true = _optional_column("The observed outcome. Without it, selection rates only.")
    y_pred = _optional_column("The system's decision. Optional when a score is mapped.")
    score = _optional_column("A numeric score.")
    counts = _optional_column("A count table's rows per line (`SELECT ..., COUNT(*) GROUP BY`).")
    id = _optional_column("The id column both files have, joining an `attributes` file.")
    sensitive = serializers.ListField(
        child=StrictCharField(),
        help_text="One or more sensitive columns (of the predictions or the attributes file).",
    )
    pos_label = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        max_length=200,
        help_text="The favourable label; by default 1, true or yes.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        columns: list[str] = self.context["columns"]
        known = ", ".join(columns[:SHOWN_COLUMNS]) + (" …" if len(columns) > SHOWN_COLUMNS else "")
        errors: dict[str, list[str]] = {}
        roles = {r: (attrs.get(r) or None) for r in ("y_true", "y_pred", "score", "counts")}
        for role, column in roles.items():
            if column is not None and column not in columns:
                errors[role] = [f"The file has no column “{column}”. Its columns: {known}."]
        # The sensitive and id columns may be in the attributes file: checked with it, below.
        sensitive = list(attrs.get("sensitive") or [])
        mapping = ColumnMapping(**roles, sensitive=sensitive, id=attrs.get("id") or None)
        for problem in mapping.problems():
            if problem.role not in errors:
                errors[problem.role] = [problem.message]
        if errors:
            raise serializers.ValidationError(errors)
        pos_label = (attrs.get("pos_label") or "").strip() or None
        return {
            **roles,
            "id": attrs.get("id") or None,
            "sensitive": sensitive,
            "pos_label": pos_label,
        }


class OptionsSerializer(serializers.Serializer):
    """The mapping page's thresholds and reference group, with its ranges."""

    reference_group = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        max_length=200,
        help_text="A named reference group; null: the group with the highest selection rate.",
    )
    four_fifths_threshold = serializers.FloatField(
        min_value=0.01, max_value=1, default=DEFAULT_FOUR_FIFTHS_THRESHOLD
    )
    exclusion_share = serializers.FloatField(
        min_value=0, max_value=0.5, default=DEFAULT_EXCLUSION_SHARE
    )
    min_group_size = serializers.IntegerField(min_value=1, default=DEFAULT_MIN_GROUP_SIZE)
    threshold = serializers.FloatField(
        default=DEFAULT_THRESHOLD,
        help_text="Without a decision column, a score at or above this counts as selected.",
    )
    disparity_method = serializers.ChoiceField(
        choices=list(DISPARITY_METHODS), default=DEFAULT_DISPARITY_METHOD
    )

    def validate_reference_group(self, value: str | None) -> str | None:
        return (value or "").strip() or None


class CheckSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=list(GATE_METRICS))
    comparison = serializers.ChoiceField(choices=list(GATE_COMPARISONS), default=">=")
    threshold = serializers.FloatField()


class RunCreateSerializer(serializers.Serializer):
    task = serializers.ChoiceField(
        choices=list(TASKS),
        default=TASKS[0],
        help_text="What the system predicts: binary decisions (the default), a number "
        "(regression) or one of several labels (multiclass). Metric gates apply to binary runs.",
    )
    mapping = MappingSerializer()
    attributes = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of a dataset of kind `attributes` of this audit, joined on mapping.id.",
    )
    decision_threshold = serializers.FloatField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Regression only: a prediction at or above it counts as selected.",
    )
    options = OptionsSerializer(
        required=False, default=dict, help_text="Left out: the engine's defaults."
    )
    extra_checks = serializers.ListField(
        child=CheckSerializer(),
        required=False,
        default=list,
        max_length=MAX_EXTRA_CHECKS,
        help_text="Checks besides the checklist's metric gates (which every run evaluates).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["options"] = dict(attrs.get("options") or {})
        attrs["extra_checks"] = [dict(c) for c in attrs.get("extra_checks") or []]
        files: dict[int, Dataset] = self.context.get("attribute_files", {})
        attributes = None
        if attrs.get("attributes") is not None:
            attributes = files.get(attrs["attributes"])
            if attributes is None:
                raise serializers.ValidationError(
                    {"attributes": [f"This audit has no attributes file #{attrs['attributes']}."]}
                )
        attrs["attributes"] = attributes
        mapping = attrs["mapping"]
        columns: list[str] = self.context["columns"]
        extra = attributes.columns if attributes is not None else []
        errors: dict[str, list[str]] = {}
        missing = [c for c in mapping["sensitive"] if c not in columns and c not in extra]
        if missing:
            names = ", ".join(f"“{c}”" for c in missing)
            known = ", ".join([*columns, *extra][:SHOWN_COLUMNS])
            errors["sensitive"] = [f"No file has the column {names}. The columns: {known}."]
        key = mapping["id"]
        if key and attributes is not None and not (key in columns and key in extra):
            errors["id"] = [f"Both files must have the id column “{mapping['id']}”."]
        if errors:
            raise serializers.ValidationError({"mapping": errors})
        return attrs


# -- runs: what they show -----------------------------------------------------------------------


class RunSerializer(serializers.ModelSerializer):
    """A run as the pages show it: a run whose worker went silent is failed (`stale`)."""

    dataset = serializers.IntegerField(source="dataset_id")
    dataset_name = StrictCharField(source="dataset.original_name")
    kind = serializers.ChoiceField(
        choices=DatasetKind.choices,
        read_only=True,
        help_text="The dataset's kind: `llm` runs give an llm-fairness-report/1 document.",
    )
    done = serializers.BooleanField(source="is_finished", help_text="Succeeded or failed.")
    stale = serializers.SerializerMethodField(
        help_text="The worker stopped before finishing: failed (retry it)."
    )
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = FairnessRun
        fields = [
            "id",
            "dataset",
            "dataset_name",
            "kind",
            "status",
            "progress",
            "done",
            "stale",
            "error_code",
            "error_message",
            "passed",
            "duration_ms",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        extra_kwargs = {
            "progress": {"help_text": "0 to 1."},
            "passed": {"help_text": "No check's verdict is fail; null until it succeeds."},
        }

    def get_stale(self, run: FairnessRun) -> bool:
        return run.status == RunStatus.FAILED and run.error_code == STALE_CODE

    def get_created_by(self, run: FairnessRun) -> str | None:
        return username(run.created_by)


class RunConfigSerializer(serializers.Serializer):
    mapping = serializers.DictField()
    options = serializers.DictField(help_text="The engine's options, with the task.")
    checks = serializers.ListField(child=serializers.DictField())
    attributes = serializers.DictField(
        required=False, help_text="The attributes file joined on mapping.id: dataset and name."
    )


class RunDetailSerializer(RunSerializer):
    config = RunConfigSerializer(help_text="What the run computes: mapping, options, checks.")
    summary = serializers.SerializerMethodField(
        help_text="The result's summary (verdict and counts of the checks); null until it succeeds."
    )
    result_url = serializers.SerializerMethodField()

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "config", "versions", "summary", "result_url"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_summary(self, run: FairnessRun) -> dict[str, Any] | None:
        if run.status != RunStatus.SUCCEEDED or not isinstance(run.result, dict):
            return None
        summary = run.result.get("summary")
        return summary if isinstance(summary, dict) else None

    def get_result_url(self, run: FairnessRun) -> str | None:
        if run.status != RunStatus.SUCCEEDED:
            return None
        path = f"/api/v1/audits/{run.dataset.audit_id}/runs/{run.pk}/result/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# -- metric gates -------------------------------------------------------------------------------


class GateSerializer(serializers.Serializer):
    metric = StrictCharField()
    comparison = StrictCharField()
    threshold = serializers.FloatField()
    task = StrictCharField(
        allow_null=True,
        help_text="binary, regression or multiclass: the task whose latest run answers the gate; "
        "null when the gate names none (binary, or regression for a regression-only metric).",
    )
    class_ = StrictCharField(
        allow_null=True,
        help_text="A multiclass gate's class; null when not set (every class, the worst decides).",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # "class" is a Python keyword: the field is declared as class_ and shown as "class".
        fields = super().get_fields()
        fields["class"] = fields.pop("class_")
        return fields


class GateCheckSerializer(serializers.Serializer):
    """One of the run's checks that decides the gate, on one grouping."""

    grouping = StrictCharField()
    value = serializers.FloatField(allow_null=True)
    interval = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    passed = serializers.BooleanField(allow_null=True, help_text="The point comparison.")
    verdict = StrictCharField(
        allow_null=True,
        help_text="pass, fail or inconclusive (from the interval); null in older documents.",
    )
    reason = StrictCharField(allow_null=True)
    class_ = StrictCharField(allow_null=True, help_text="A multiclass check's class, else null.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["class"] = fields.pop("class_")
        return fields


class GateAnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(help_text="The gate question's id.")
    code = StrictCharField()
    text = StrictCharField()
    gate = GateSerializer()
    description = StrictCharField()
    value = StrictCharField(
        allow_blank=True, help_text="The answer (e.g. pass or fail); empty until a run answers it."
    )
    note_md = StrictCharField(allow_blank=True)
    revision = serializers.IntegerField()
    run = serializers.IntegerField(allow_null=True, help_text="The run it was answered from.")
    overridden = serializers.BooleanField()
    override_justification = StrictCharField(allow_blank=True)
    answered_by = StrictCharField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    checks = GateCheckSerializer(many=True, help_text="The run's checks of this gate.")


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _check_data(check: dict[str, Any]) -> dict[str, Any]:
    interval = check.get("interval")
    return {
        "grouping": str(check.get("grouping", "")),
        "value": _float_or_none(check.get("value")),
        "interval": [float(x) for x in interval] if isinstance(interval, list) else None,
        "passed": check.get("passed"),
        "verdict": check.get("verdict"),
        "reason": check.get("reason"),
        "class": None if check.get("class") is None else str(check["class"]),
    }


def gate_answer_data(question: Question, answer: Answer | None) -> dict[str, Any]:
    """A gate question with its answer and the checks of the run it was answered from."""
    gate = question.gate or {}
    run = answer.run if answer is not None else None
    result = run.result if run is not None and isinstance(run.result, dict) else {}
    # The checks the answer was decided on: the gate's class (or every class), each grouping once.
    checks = gate_outcome(gate, result)[1]
    return {
        "question": question.pk,
        "code": question.code,
        "text": question.text,
        "gate": {k: gate.get(k) for k in ("metric", "comparison", "threshold", "task", "class")},
        "description": describe_gate(gate),
        "value": answer.value if answer else "",
        "note_md": answer.note_md if answer else "",
        "revision": answer.revision if answer else 0,
        "run": answer.run_id if answer else None,
        "overridden": bool(answer and answer.is_overridden),
        "override_justification": answer.override_justification if answer else "",
        "answered_by": username(answer.answered_by) if answer else None,
        "answered_at": (
            serializers.DateTimeField().to_representation(answer.answered_at)
            if answer and answer.answered_at
            else None
        ),
        "checks": [_check_data(c) for c in checks],
    }


class GateOverrideSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=list(GATE_VALUES))
    justification = StrictCharField(
        min_length=OVERRIDE_MIN_CHARS,
        max_length=5000,
        help_text=f"Why the run's answer does not hold here (at least {OVERRIDE_MIN_CHARS} "
        "characters); recorded with your name and shown with the answer.",
    )
