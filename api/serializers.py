"""What the API sends and takes. Serializers only shape and validate input; services write."""

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audits.models import Answer, Audit, AuditStatus, Decision, Evidence, Review, RiskTier, Role
from audits.scoring import AuditScores, PrincipleScore
from audits.selectors.audits import EvidenceProgress, MissingItem
from audits.services.answers import allowed_values
from checklists.models import ChecklistVersion, Question


class StrictCharField(serializers.CharField):
    """A text field that takes text only: a number or a list is refused, not turned into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


def username(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


class TeamSerializer(serializers.Serializer):
    slug = StrictCharField()
    name = StrictCharField()
    role = serializers.ChoiceField(choices=Role.choices, help_text="Your role in this team.")


class QuestionSerializer(serializers.ModelSerializer):
    principle = StrictCharField(source="principle.code")
    principle_name = StrictCharField(source="principle.name")
    allowed_values = serializers.SerializerMethodField(
        help_text="The values an answer may take; null for free text."
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "code",
            "principle",
            "principle_name",
            "text",
            "guidance_md",
            "answer_kind",
            "allowed_values",
            "choices",
            "weight",
            "required",
            "evidence_required",
            "references",
            "gate",
            "order",
        ]

    def get_allowed_values(self, question: Question) -> list[str] | None:
        return allowed_values(question)


class ChecklistVersionSerializer(serializers.ModelSerializer):
    checklist = StrictCharField(source="checklist.slug")
    checklist_title = StrictCharField(source="checklist.title")

    class Meta:
        model = ChecklistVersion
        fields = ["id", "checklist", "checklist_title", "number", "status", "published_at"]


class ChecklistVersionDetailSerializer(ChecklistVersionSerializer):
    questions = serializers.SerializerMethodField()

    class Meta(ChecklistVersionSerializer.Meta):
        fields = [*ChecklistVersionSerializer.Meta.fields, "changelog", "bands", "questions"]

    def get_questions(self, version: ChecklistVersion) -> list[dict[str, Any]]:
        questions: list[Question] = self.context["questions"]
        return list(QuestionSerializer(questions, many=True).data)


class PrincipleScoreSerializer(serializers.Serializer):
    code = StrictCharField()
    name = StrictCharField()
    score = serializers.FloatField(allow_null=True, help_text="0-100; null when nothing scored")
    band = StrictCharField()
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    completion = serializers.FloatField(help_text="0-100")
    incomplete = serializers.BooleanField(
        help_text='Required gates wait for a fairness run (band "incomplete"; each counts 0).'
    )
    waiting_gates = serializers.IntegerField(help_text="Required gates no run has answered yet.")
    evidence_needed = serializers.IntegerField(
        help_text='Evidence-required questions (those answered "not applicable" need none).'
    )
    evidence_present = serializers.IntegerField(help_text="Of those, how many have evidence.")


class ScoresSerializer(serializers.Serializer):
    overall = serializers.FloatField(allow_null=True)
    band = StrictCharField()
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    completion = serializers.FloatField(help_text="0-100")
    incomplete = serializers.BooleanField(help_text="Some principle is incomplete.")
    evidence_needed = serializers.IntegerField()
    evidence_present = serializers.IntegerField()
    to_recheck = serializers.ListField(
        child=StrictCharField(),
        help_text="Codes of copied answers whose question changed: each blocks submission until "
        "confirmed (POST .../answers/<question>/confirm-recheck/) or answered anew.",
    )
    principles = PrincipleScoreSerializer(many=True)


def scores_data(
    scores: AuditScores, evidence: EvidenceProgress, questions: list[Question], to_recheck: list
) -> dict[str, Any]:
    def principle(p: PrincipleScore) -> dict[str, Any]:
        own = evidence.for_questions(q.pk for q in questions if q.principle.code == p.code)
        return {
            "code": p.code,
            "name": p.name,
            "score": p.score,
            "band": p.band,
            "answered": p.answered,
            "total": p.total,
            "completion": p.completion,
            "incomplete": p.is_incomplete,
            "waiting_gates": p.waiting_gates,
            "evidence_needed": own.total,
            "evidence_present": own.present,
        }

    return {
        "overall": scores.overall,
        "band": scores.band,
        "answered": scores.answered,
        "total": scores.total,
        "completion": scores.completion,
        "incomplete": scores.waiting_gates > 0,
        "evidence_needed": evidence.total,
        "evidence_present": evidence.present,
        "to_recheck": [question.code for question, _ in to_recheck],
        "principles": [principle(p) for p in scores.principles],
    }


class AuditSerializer(serializers.ModelSerializer):
    team = StrictCharField(source="team.slug")
    checklist_version = serializers.IntegerField(source="checklist_version_id")
    overall_score = serializers.SerializerMethodField()
    band = serializers.SerializerMethodField()
    completion = serializers.SerializerMethodField()

    class Meta:
        model = Audit
        fields = [
            "id",
            "team",
            "title",
            "system_name",
            "status",
            "risk_tier",
            "checklist_version",
            "overall_score",
            "band",
            "completion",
            "created_at",
            "updated_at",
        ]

    def _scores(self, audit: Audit) -> AuditScores:
        scores: dict[int, AuditScores] = self.context["scores"]
        return scores[audit.pk]

    def get_overall_score(self, audit: Audit) -> float | None:
        return self._scores(audit).overall

    def get_band(self, audit: Audit) -> str:
        return self._scores(audit).band

    def get_completion(self, audit: Audit) -> float:
        return self._scores(audit).completion


class MissingItemSerializer(serializers.Serializer):
    question = StrictCharField(help_text="The question's code.")
    reason = StrictCharField()


def missing_data(items: list[MissingItem]) -> list[dict[str, str]]:
    return [{"question": item.question.code, "reason": item.reason} for item in items]


class AuditDetailSerializer(serializers.ModelSerializer):
    # context["detail"] holds what the audit page computes: scores, what is missing, rights.

    team = StrictCharField(source="team.slug")
    checklist_version = serializers.IntegerField(source="checklist_version_id")
    created_by = serializers.SerializerMethodField()
    submitted_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField(help_text="What stops submission.")
    allowed_actions = serializers.SerializerMethodField(help_text="What your role allows here.")
    editable = serializers.SerializerMethodField(help_text="Whether you may change it now.")
    sealing = serializers.SerializerMethodField(help_text="Approved, report being sealed.")

    class Meta:
        model = Audit
        fields = [
            "id",
            "team",
            "title",
            "system_name",
            "system_description",
            "intended_use",
            "status",
            "risk_tier",
            "checklist_version",
            "previous_audit",
            "copying_answers",
            "created_by",
            "created_at",
            "updated_at",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "scores",
            "missing",
            "allowed_actions",
            "editable",
            "sealing",
        ]

    def get_created_by(self, audit: Audit) -> str | None:
        return username(audit.created_by)

    def get_submitted_by(self, audit: Audit) -> str | None:
        return username(audit.submitted_by)

    def get_approved_by(self, audit: Audit) -> str | None:
        return username(audit.approved_by)

    @extend_schema_field(ScoresSerializer)
    def get_scores(self, audit: Audit) -> dict[str, Any]:
        detail = self.context["detail"]
        return scores_data(
            detail["scores"], detail["evidence"], detail["questions"], detail["to_recheck"]
        )

    @extend_schema_field(MissingItemSerializer(many=True))
    def get_missing(self, audit: Audit) -> list[dict[str, str]]:
        return missing_data(self.context["detail"]["missing"])

    def get_allowed_actions(self, audit: Audit) -> list[str]:
        return sorted(str(a) for a in self.context["detail"]["allowed"])

    def get_editable(self, audit: Audit) -> bool:
        return bool(self.context["detail"]["editable"])

    def get_sealing(self, audit: Audit) -> bool:
        return bool(self.context["detail"]["sealing"])


class AuditCreateSerializer(serializers.Serializer):
    team = serializers.SlugField(help_text="The team's slug (a team of yours).")
    title = StrictCharField(max_length=200)
    system_name = StrictCharField(max_length=200)
    system_description = StrictCharField(required=False, allow_blank=True, default="")
    intended_use = StrictCharField(required=False, allow_blank=True, default="")
    risk_tier = serializers.ChoiceField(choices=RiskTier.choices, default=RiskTier.HIGH)
    checklist_version = serializers.IntegerField(help_text="A published checklist version's id.")


class AuditUpdateSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200, required=False)
    system_name = StrictCharField(max_length=200, required=False)
    system_description = StrictCharField(required=False, allow_blank=True)
    intended_use = StrictCharField(required=False, allow_blank=True)
    risk_tier = serializers.ChoiceField(choices=RiskTier.choices, required=False)


class AuditFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AuditStatus.choices, required=False)


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(help_text="The question's id.")
    code = StrictCharField()
    principle = StrictCharField()
    answer_kind = StrictCharField()
    value = StrictCharField(allow_blank=True)
    note_md = StrictCharField(allow_blank=True)
    revision = serializers.IntegerField(help_text="0 while unanswered; send it back with a change.")
    answered_by = StrictCharField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    override_justification = StrictCharField(allow_blank=True)
    needs_recheck = serializers.BooleanField(
        help_text="Copied from the earlier audit into a changed question: blocks submission "
        "until confirmed (confirm-recheck) or answered anew."
    )
    recheck_reason = StrictCharField(allow_blank=True, help_text="What of the question changed.")


def answer_data(question: Question, answer: Answer | None) -> dict[str, Any]:
    """One question's answer as the API shows it (revision 0 and empty while unanswered)."""
    return {
        "question": question.pk,
        "code": question.code,
        "principle": question.principle.code,
        "answer_kind": question.answer_kind,
        "value": answer.value if answer else "",
        "note_md": answer.note_md if answer else "",
        "revision": answer.revision if answer else 0,
        "answered_by": username(answer.answered_by) if answer else None,
        "answered_at": (
            serializers.DateTimeField().to_representation(answer.answered_at)
            if answer and answer.answered_at
            else None
        ),
        "override_justification": answer.override_justification if answer else "",
        "needs_recheck": answer.needs_recheck if answer else False,
        "recheck_reason": answer.recheck_reason if answer else "",
    }


class AnswerUpdateSerializer(serializers.Serializer):
    value = StrictCharField(
        allow_blank=True,
        trim_whitespace=False,
        required=False,
        help_text="One of the question's allowed values (free text for text questions); empty "
        "clears the answer. Left as it is when not sent.",
    )
    note_md = StrictCharField(
        allow_blank=True, trim_whitespace=False, required=False, help_text="Markdown note."
    )
    revision = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text='The revision you read (0 when unanswered). Or send it as `If-Match: "3"`.',
    )


class ConflictSerializer(serializers.Serializer):
    type = StrictCharField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]  # the body's field, named as Serializer.errors; used for the schema only
    current = AnswerSerializer(many=True, help_text="What is stored now, who saved it and when.")


class EvidenceSerializer(serializers.ModelSerializer):
    kind = StrictCharField(help_text="file, link or run")
    question = serializers.IntegerField(source="question_id", allow_null=True)
    question_code = serializers.SerializerMethodField()
    uploaded_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "question",
            "question_code",
            "description",
            "url",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "run",
            "uploaded_by",
            "created_at",
            "download_url",
        ]

    def get_question_code(self, evidence: Evidence) -> str | None:
        return evidence.question.code if evidence.question else None

    def get_uploaded_by(self, evidence: Evidence) -> str | None:
        return username(evidence.uploaded_by)

    def get_download_url(self, evidence: Evidence) -> str | None:
        if not evidence.file.name:
            return None
        request = self.context.get("request")
        path = f"/api/v1/audits/{evidence.audit_id}/evidence/{evidence.pk}/download/"
        return request.build_absolute_uri(path) if request is not None else path


class EvidenceCreateSerializer(serializers.Serializer):
    """A link (JSON or form) or a file (multipart): exactly one of `url` and `file`."""

    url = StrictCharField(required=False, allow_blank=True, max_length=1000)
    file = serializers.FileField(required=False, allow_empty_file=True)
    question = serializers.IntegerField(required=False, allow_null=True)
    description = StrictCharField(required=False, allow_blank=True, max_length=500, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_url, has_file = bool(attrs.get("url")), attrs.get("file") is not None
        if has_url == has_file:
            raise serializers.ValidationError(
                "Send either a `url` (a link) or a `file` (multipart upload), not both or neither.",
                code="url_or_file",
            )
        return attrs


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "decision", "comment", "principle_comments", "reviewer", "created_at"]

    def get_reviewer(self, review: Review) -> str | None:
        return username(review.reviewer)


class ReviewCreateSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = StrictCharField(required=False, allow_blank=True, default="")
    principle_comments = serializers.DictField(
        child=StrictCharField(allow_blank=True),
        required=False,
        default=dict,
        help_text='Comments keyed by principle code, e.g. {"fairness": "..."}.',
    )

    def validate_principle_comments(self, value: dict[str, str]) -> dict[str, str]:
        known: set[str] = self.context["principle_codes"]
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(
                f"Not a principle of this audit's checklist: {', '.join(unknown)}. "
                f"Principles: {', '.join(sorted(known))}."
            )
        return value


class TokenSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uid")
    name = StrictCharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
