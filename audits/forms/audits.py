"""Forms of the audits app: they validate and normalise; services do the writing."""

from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from audits.models import Audit, AuditStatus, Decision, Team
from checklists.models import ChecklistVersion, VersionStatus


class AuditFilterForm(forms.Form):
    # The choices come from the user's teams, already loaded by the view: the filter costs no
    # query (a ModelChoiceField would run one to list its options and one to validate).
    team = forms.ChoiceField(required=False)
    status = forms.ChoiceField(choices=[("", "All statuses"), *AuditStatus.choices], required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's own teams are offered, and only they validate.
        self._teams = {str(team.pk): team for team in teams}
        team_field = cast(forms.ChoiceField, self.fields["team"])
        team_field.choices = [("", "All teams"), *((pk, t.name) for pk, t in self._teams.items())]

    def clean_team(self) -> Team | None:
        return self._teams.get(self.cleaned_data.get("team") or "")


class AuditForm(forms.ModelForm):
    """Create or edit an audit. The checklist version is chosen only at creation."""

    class Meta:
        model = Audit
        fields = [
            "team",
            "title",
            "system_name",
            "system_description",
            "intended_use",
            "risk_tier",
            "checklist_version",
        ]
        widgets = {
            "system_description": forms.Textarea(attrs={"rows": 3}),
            "intended_use": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "checklist_version": "The audit stays pinned to this version, even when a newer one "
            "is published.",
            "risk_tier": "As you classify the system, e.g. under the EU AI Act (Art. 6, Annex III).",
        }

    def __init__(self, *args, teams=None, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            team_field = cast(forms.ModelChoiceField, self.fields["team"])
            team_field.queryset = Team.objects.filter(pk__in=[t.pk for t in teams or []])
            versions = ChecklistVersion.objects.filter(
                status=VersionStatus.PUBLISHED
            ).select_related("checklist")
            version_field = cast(forms.ModelChoiceField, self.fields["checklist_version"])
            version_field.queryset = versions
            version_field.label_from_instance = lambda v: (  # type: ignore[method-assign, assignment]  # a per-field label, set on the instance
                f"{v.checklist.title} — version {v.number}"
            )
            # The newest published version is the sensible start; older ones stay choosable.
            newest = versions.order_by("-published_at", "-number").first()
            if newest is not None:
                self.fields["checklist_version"].initial = newest.pk
            if len(teams or []) == 1:
                self.fields["team"].initial = teams[0].pk
        else:
            del self.fields["team"]
            del self.fields["checklist_version"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Create audit" if creating else "Save changes"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Your overall assessment. Required when you request changes (or comment below).",
    )

    def __init__(self, *args, principles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.principle_codes = []
        for principle in principles:
            name = f"principle_{principle.code}"
            self.principle_codes.append((principle.code, name))
            self.fields[name] = forms.CharField(
                label=f"Comment on {principle.name}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean() or self.cleaned_data  # as Django does when clean() returns None
        comments = {code: data.get(name, "") for code, name in self.principle_codes}
        data["principle_comments"] = comments
        has_comment = (data.get("comment") or "").strip() or any(
            c.strip() for c in comments.values()
        )
        if data.get("decision") == Decision.CHANGES_REQUESTED and not has_comment:
            raise forms.ValidationError(
                "Say what must change: add an overall comment or a comment on a principle."
            )
        return data
