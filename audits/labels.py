"""How a stored answer value is named for people: shared by the pages (a template tag) and reports."""

from audits.scoring import GATE_INCONCLUSIVE
from checklists.models import Question

#: How an inconclusive gate is named wherever its answer is shown: never as a pass.
INCONCLUSIVE_LABEL = "Inconclusive: needs more data or a reviewer's judgement"

_ANSWER_LABELS = {
    "yes": "Yes",
    "partial": "Partial",
    "no": "No",
    "na": "Not applicable",
    "pass": "Passes",
    "fail": "Fails",
    GATE_INCONCLUSIVE: INCONCLUSIVE_LABEL,
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
