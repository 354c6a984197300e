"""Forms of the audits app: they validate and normalise; services do the writing."""

from django import forms

from audits.models import AuditStatus, Team


class AuditFilterForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="All teams")
    status = forms.ChoiceField(
        choices=[("", "All statuses"), *AuditStatus.choices], required=False
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's own teams are offered, and only they validate.
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])
