"""Remediation action forms: what must be fixed, by whom, by when."""

from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from audits.models import ActionStatus, Audit
from checklists.models import Question

from .evidence import QuestionChoiceField


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


class ActionForm(forms.Form):
    """Create (`editing=False`: with the question or check it remedies) or edit (with its status)."""

    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What must be done, so that someone else can check it was.",
    )
    question = QuestionChoiceField(
        queryset=Question.objects.none(),
        required=False,
        label="Question",
        empty_label="No question (a failed check, or the whole audit)",
    )
    check_name = forms.CharField(
        required=False,
        max_length=120,
        label="Failed check",
        help_text=(
            'The fairness check this remedies, e.g. "Selection-rate impact ratio ≥ 0.8 on sex" '
            "(optional; filled in from a run's flag)."
        ),
    )
    owner = MemberChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody yet",
        help_text="A member of the audit's team.",
    )
    due_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN)

    def __init__(self, *args, audit: Audit, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the team's members and the pinned version's questions are offered, and only they validate.
        members = Q(memberships__team_id=audit.team_id, is_active=True)
        current_owner = self.initial.get("owner")
        if current_owner is not None:
            # A former member who owns the action stays selectable, so saving does not drop them.
            members |= Q(pk=getattr(current_owner, "pk", current_owner))
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = (
            get_user_model()
            .objects.filter(members)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        cast(forms.ModelChoiceField, self.fields["question"]).queryset = Question.objects.filter(
            version_id=audit.checklist_version_id
        ).select_related("principle")
        if editing:
            del self.fields["question"], self.fields["check_name"]
        else:
            del self.fields["status"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "description",
            *(["question", "check_name"] if not editing else []),
            Div(
                Div(Field("owner"), css_class="col-sm-6"),
                Div(Field("due_date"), css_class="col-sm-6"),
                css_class="row",
            ),
            *(["status"] if editing else []),
        )
