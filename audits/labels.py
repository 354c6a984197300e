"""How a stored answer value is named for people: shared by the pages (a template tag) and reports."""

from checklists.models import Question

_ANSWER_LABELS = {
    "yes": "Yes",
    "partial": "Partial",
    "no": "No",
    "na": "Not applicable",
    "pass": "Passes",
    "fail": "Fails",
}


def answer_label(question: Question, value: str) -> str:
    """The human label of a stored answer value for its question ("—" for no value)."""
    if not value:
        return "—"
    if question.answer_kind == "choice":
        for option in question.choices:
            if option.get("value") == value:
                return option.get("label", value)
    if question.answer_kind == "scale" and value.isdigit():
        return f"{value} / 4"
    return _ANSWER_LABELS.get(value, value)
