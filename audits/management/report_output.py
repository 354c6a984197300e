"""What the fairness commands share: their exit statuses, writing the report, exiting on verdicts.

Exit 0 when no check's verdict is fail (and, with --strict, none is inconclusive), 1 when one is,
2 on bad input with one line on standard error and no traceback.
"""

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


def write_report(command: BaseCommand, text: str, output: str | None) -> None:
    """Write the report to ``output``, or to standard output when there is none."""
    if not output:
        command.stdout.write(text, ending="")
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandError(
            f"Cannot write {output}: {error.strerror}.", returncode=EXIT_BAD_INPUT
        ) from None
    command.stderr.write(f"Report written to {output}.")


def exit_on_verdicts(
    failed: Sequence[Mapping[str, Any]],
    inconclusive: Sequence[Mapping[str, Any]],
    *,
    describe: Callable[[Mapping[str, Any]], str],
) -> None:
    """Raise the exit-1 error naming the failed (and, with --strict, inconclusive) checks."""
    if not failed and not inconclusive:
        return
    parts = [
        f"{len(found)} check(s) {what}: " + "; ".join(describe(c) for c in found) + "."
        for found, what in ((failed, "failed"), (inconclusive, "inconclusive (--strict)"))
        if found
    ]
    raise CommandError(" ".join(parts), returncode=EXIT_CHECK_FAILED)
