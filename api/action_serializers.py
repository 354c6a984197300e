"""What the API sends and takes for remediation actions (the action form's fields, as JSON).

Serializers only shape the input: `audits.services.actions` decides what is allowed (the owner is
a member of the audit's team, the question is of the audit's checklist version, no due date in the
past, no change once the audit is approved or archived).
"""

from django.contrib.auth.models import User
from rest_framework import serializers

from api.serializers import StrictCharField, username
from audits.models import ActionStatus, RemediationAction

CHECK_NAME_MAX = 120
DESCRIPTION_MAX = 5000


class RemediationActionSerializer(serializers.ModelSerializer):
    question = serializers.IntegerField(source="question_id", allow_null=True)
    question_code = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField(help_text="The owner's username, or null.")
    created_by = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField(help_text="Open and past its due date.")

    class Meta:
        model = RemediationAction
        fields = [
            "id",
            "description",
            "question",
            "question_code",
            "check_name",
            "owner",
            "due_date",
            "status",
            "is_overdue",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_question_code(self, action: RemediationAction) -> str | None:
        return action.question.code if action.question else None

    def get_owner(self, action: RemediationAction) -> str | None:
        return username(action.owner)

    def get_created_by(self, action: RemediationAction) -> str | None:
        return username(action.created_by)

    def get_is_overdue(self, action: RemediationAction) -> bool:
        return bool(getattr(action, "is_overdue", False))


class _ActionFieldsSerializer(serializers.Serializer):
    description = StrictCharField(max_length=DESCRIPTION_MAX, help_text="What must be done.")
    owner = StrictCharField(
        required=False,
        allow_null=True,
        max_length=150,
        help_text="A username of a member of the audit's team; null: nobody yet.",
    )
    due_date = serializers.DateField(required=False, allow_null=True)

    def validate_owner(self, value: str | None) -> User | None:
        if value is None:
            return None
        # Who is a member is the service's rule; an unknown name gets its very message.
        user = User.objects.filter(username=value).first()
        if user is None:
            raise serializers.ValidationError("The owner must be a member of the audit's team.")
        return user


class ActionCreateSerializer(_ActionFieldsSerializer):
    """A new action, for a question of the checklist or a failed check of a run (or neither)."""

    question = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of the question it remedies."
    )
    check_name = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=CHECK_NAME_MAX,
        default="",
        help_text='The failed fairness check it remedies, e.g. "four_fifths on sex".',
    )


class ActionUpdateSerializer(_ActionFieldsSerializer):
    """A change of an action: only the fields sent change (as the action form's edit page)."""

    status = serializers.ChoiceField(
        choices=ActionStatus.choices, required=False, help_text="`done` closes the action."
    )
