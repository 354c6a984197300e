"""What the API takes and sends for LLM audits: an LLM run's configuration, and the prompt set.

An LLM run is configured as the LLM mapping page configures it (`audits.forms.llm`): the columns
of the roles (`pair_id`, `group`, `response`; optionally `prompt`, `sample`, `decision`,
`toxicity`), the favourable decision, the reference group, the refusal patterns and the chosen
checks; `audits.services.datasets.llm_run_create` adds every LLM gate of the checklist. The rules
are the engine's (`ResponseMapping.validate`) and the service's (`refusal_pattern_problems`).
"""

from typing import Any

from rest_framework import serializers

from api.run_serializers import SHOWN_COLUMNS, CheckSerializer
from api.serializers import StrictCharField
from audits.services.datasets import refusal_pattern_problems
from audits.services.prompts import MAX_GROUP_CHARS, MAX_GROUPS, MAX_TEMPLATES_CHARS
from fairness import DatasetError
from fairness.text import ROLES, TEXT_CHECK_METRICS, ResponseMapping

MAX_CHECKS = 20
MAX_PATTERNS = 200
REQUIRED = ("pair_id", "group", "response")


def _role(help_text: str, *, required: bool = False) -> serializers.CharField:
    if required:
        return StrictCharField(help_text=help_text)
    return StrictCharField(
        required=False, allow_null=True, allow_blank=True, default=None, help_text=help_text
    )


class LlmMappingSerializer(serializers.Serializer):
    """Which column holds which role; checked against the file's columns and the engine's rules."""

    pair_id = _role("The counterfactual set: one prompt template, once per group.", required=True)
    group = _role("The group the prompt mentions.", required=True)
    response = _role("The model's text.", required=True)
    prompt = _role("The prompt (kept for the examples of the report).")
    sample = _role("The generation index, when each prompt was asked several times.")
    decision = _role("A label extracted from the response (shortlist / reject).")
    toxicity = _role("A score in [0, 1] from your own classifier or moderation API.")
    pos_label = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        max_length=200,
        help_text="The favourable decision; by default guessed from the decision column "
        "(1, true, yes, ...). Ignored without a decision column.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        columns: list[str] = self.context["columns"]
        known = ", ".join(columns[:SHOWN_COLUMNS]) + (" …" if len(columns) > SHOWN_COLUMNS else "")
        roles = {role: (attrs.get(role) or None) for role in ROLES}
        errors = {
            role: [f"The file has no column “{column}”. Its columns: {known}."]
            for role, column in roles.items()
            if column is not None and column not in columns
        }
        if not errors:
            try:
                ResponseMapping(**roles).validate()  # type: ignore[arg-type]  # the required roles are set (fields required)
            except DatasetError as error:
                twice = [r for r in ROLES if roles[r] and roles[r] == (error.column or "")]
                errors[twice[-1] if twice else "non_field_errors"] = [str(error)]
        if errors:
            raise serializers.ValidationError(errors)
        pos_label = (attrs.get("pos_label") or "").strip() or None
        return {**roles, "pos_label": pos_label if roles["decision"] else None}


class LlmOptionsSerializer(serializers.Serializer):
    reference_group = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        max_length=200,
        help_text="The group every other is compared with; null: the group with most responses.",
    )
    refusal_patterns = serializers.ListField(
        child=StrictCharField(max_length=1000),
        required=False,
        allow_null=True,
        default=None,
        max_length=MAX_PATTERNS,
        help_text="Regular expressions, matched case-insensitively: a response that matches one "
        "(or is empty) is a refusal. Null or left out: the engine's default list; [] none.",
    )

    def validate_reference_group(self, value: str | None) -> str | None:
        return (value or "").strip() or None

    def validate_refusal_patterns(self, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        patterns = [p.strip() for p in value if p.strip()]
        problems = refusal_pattern_problems(patterns)
        if problems:
            raise serializers.ValidationError(
                f"Not a regular expression: {'; '.join(problems)}.", code="bad_regex"
            )
        return patterns


class LlmCheckSerializer(CheckSerializer):
    """A check on an LLM run: a text-engine metric, a comparison and a threshold."""

    metric = serializers.ChoiceField(choices=list(TEXT_CHECK_METRICS))


class LlmRunCreateSerializer(serializers.Serializer):
    """An LLM responses dataset's run: the LLM mapping page's choices, as JSON."""

    mapping = LlmMappingSerializer()
    options = LlmOptionsSerializer(
        required=False, default=dict, help_text="Left out: the engine's defaults."
    )
    checks = serializers.ListField(
        child=LlmCheckSerializer(),
        required=False,
        default=list,
        max_length=MAX_CHECKS,
        help_text="Checks besides the checklist's LLM gates (which every LLM run evaluates), "
        'e.g. {"metric": "refusal_rate_ratio", "comparison": ">=", "threshold": 0.8}.',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["options"] = dict(attrs.get("options") or {})
        attrs["checks"] = [dict(c) for c in attrs.get("checks") or []]
        return attrs


# -- the prompt set -----------------------------------------------------------------------------


class PromptSetSerializer(serializers.Serializer):
    """As the prompt-set page: templates one a line, groups separated by commas."""

    templates = StrictCharField(
        max_length=MAX_TEMPLATES_CHARS,
        trim_whitespace=False,
        help_text="One template per line, with {group} where the group is mentioned; lines "
        "starting with # are ignored. Without {group}, gendered words are swapped (for the groups "
        "male, female, nonbinary only).",
    )
    groups = StrictCharField(
        max_length=MAX_GROUPS * (MAX_GROUP_CHARS + 2),
        help_text=f"Comma-separated, e.g. `male, female, nonbinary`: 2 to {MAX_GROUPS} groups.",
    )
