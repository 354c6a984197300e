"""Errors raised by the checklists app. Both are ValidationErrors, so forms can show them as they are."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError


class ChecklistLocked(ValidationError):
    """A write tried to change a published or retired checklist version, or one of its questions."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="checklist_locked")


class ImportProblems(ValidationError):
    """A checklist document was refused; `problems` lists every problem found, each with its place."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems, code="import_problems")

    def __str__(self) -> str:
        return "\n".join(self.problems)
