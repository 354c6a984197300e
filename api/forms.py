"""The API tokens page's form: it validates; `api.services.token_create` writes."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

DAY_CHOICES = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What uses it, e.g. “release pipeline of the credit model”.",
    )
    days = forms.TypedChoiceField(label="Valid for", coerce=int, choices=DAY_CHOICES, initial=90)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments
        allowed = [(d, label) for d, label in DAY_CHOICES if d <= settings.API_TOKEN_MAX_DAYS]
        field = self.fields["days"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = allowed
        field.initial = min(settings.API_TOKEN_DEFAULT_DAYS, allowed[-1][0])
        self.helper = FormHelper()
        self.helper.add_input(Submit("create", "Create token"))
