"""The kinds of answer a question takes and the options each offers.

Its own module because both the models and the content validation need them: `checklists.models`
imports the validation, which must not import the models back.
"""

from django.db import models


class AnswerKind(models.TextChoices):
    YES_NO = "yes_no", "Yes / partial / no / not applicable"
    SCALE = "scale", "Scale 0-4"
    CHOICE = "choice", "Single choice (scored per option)"
    TEXT = "text", "Free text (not scored)"
    GATE = "gate", "Metric gate (answered from a fairness run)"


# The options an answer picks from, as (value, label, score); a score of None is not counted.
# audits' answer form and scoring use the same values.
NOT_APPLICABLE = ("na", "Not applicable", None)
YES_NO_OPTIONS = (("yes", "Yes", 1.0), ("partial", "Partial", 0.5), ("no", "No", 0.0))
SCALE_OPTIONS = (
    ("0", "0 · absent", 0.0),
    ("1", "1 · initial", 0.25),
    ("2", "2 · partial", 0.5),
    ("3", "3 · largely", 0.75),
    ("4", "4 · fully", 1.0),
)


__all__ = ["NOT_APPLICABLE", "SCALE_OPTIONS", "YES_NO_OPTIONS", "AnswerKind"]
