"""Answers to checklist questions, with their full history and optimistic locking."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from checklists.models import Question

from .audit import Audit

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Answer(models.Model):
    """One audit's answer to one question.

    `value` holds the choice for scored kinds ("yes", "partial", "no", "na"; "0".."4"; a choice's
    value; "pass"/"fail"/"na" for gates) and the text for free-text questions. `revision` grows by
    one on every save, so a stale form (someone else saved in between) is detected and refused.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.TextField(blank=True)
    note_md = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Gate answers come from a fairness run; an auditor may override one only with a justification.
    run = models.ForeignKey(
        "audits.FairnessRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_justification = models.TextField(blank=True)
    # A re-audit's answer copied into a question whose wording (or options) changed between the
    # checklist versions: it blocks submission until an auditor confirms it or saves a new answer.
    # `recheck_reason` says what changed, e.g. "the question's text changed in version 3".
    needs_recheck = models.BooleanField(default=False)
    recheck_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["audit", "question"], cascade_delete_history=True)
    # Set before a save outside a request: simple_history records it as the change's author.
    _history_user: "User | None"

    class Meta:
        ordering = ["audit", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "question"], name="unique_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.value[:40]}"

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_justification)
