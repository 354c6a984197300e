"""The per-question answer form of the principle page.

`value` and `note_md` render a hidden copy of the value the page was built with
(`show_hidden_initial`), so a save touches only the answers this user changed, and a stale
revision on one of those is a real conflict rather than a side effect of someone else's edit.
"""

from django import forms
from django.utils.html import format_html_join

from checklists.models import AnswerKind, Question


def value_choices(question: Question) -> list[tuple[str, str]] | None:
    """The widget's choices for a scored question (the checklist's own options); None for text."""
    options = question.answer_options()
    return [(value, label) for value, label, _ in options] if options else None


class AnswerForm(forms.Form):
    note_md = forms.CharField(
        label="Note",
        required=False,
        show_hidden_initial=True,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "Why this answer? Markdown allowed."}
        ),
    )
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        choices = value_choices(question)
        field: forms.Field
        if choices is None:
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), strip=False)
        else:
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
        field.required = False
        field.show_hidden_initial = True
        field.label = "Answer"
        self.fields = {"value": field, **self.fields}

    @property
    def hidden_initials(self) -> str:
        """The hidden copy of the answer the page showed. crispy renders radio buttons one by one,
        without it (text areas it renders whole, hidden copy included); without it every save
        would look like a change. A test checks each copy is on the page exactly once."""
        return format_html_join("", "{}", [(self["value"].as_hidden(only_initial=True),)])

    @property
    def answer_changed(self) -> bool:
        """Did the user change the answer or the note (compared with what their page showed)?"""
        return bool({"value", "note_md"} & set(self.changed_data))


def answer_forms(questions, answers, *, data=None) -> list[AnswerForm]:
    """One form per answerable question (gate questions are answered from runs, not forms)."""
    forms_ = []
    for question in questions:
        if question.answer_kind == AnswerKind.GATE:
            continue
        answer = answers.get(question.pk)
        initial = {
            "value": answer.value if answer else "",
            "note_md": answer.note_md if answer else "",
            "revision": answer.revision if answer else 0,
        }
        forms_.append(
            AnswerForm(data, question=question, initial=initial, prefix=f"q{question.pk}")
        )
    return forms_
