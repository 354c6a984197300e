"""``manage.py llm_prompt_set``: the counterfactual prompts (pair_id, group, prompt) to collect.

TEMPLATES is a text file (one template per line, ``#`` comments) or a CSV with a ``template``
column; each template has a ``{group}`` placeholder, or gender words that are swapped (he/she/
they, his/her/their, man/woman/person, ...; see :mod:`fairness.text`). Exit 2 on bad input.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audits.management.report_output import EXIT_BAD_INPUT
from fairness.text import PromptSetError, build_prompt_set, read_templates, write_prompt_set


class Command(BaseCommand):
    help = "Write a counterfactual prompt set (pair_id, group, prompt) from prompt templates."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("templates", help="text file (one per line) or CSV with 'template'")
        parser.add_argument("--groups", required=True, help="comma-separated, e.g. male,female")
        parser.add_argument("--output", required=True, help="CSV file to write")

    def handle(self, *args, **options) -> None:
        try:
            templates = read_templates(options["templates"])
            rows = build_prompt_set(templates, options["groups"].split(","))
            write_prompt_set(rows, options["output"])
        except (PromptSetError, OSError, UnicodeDecodeError) as error:
            message = getattr(error, "strerror", None) or str(error)
            raise CommandError(message, returncode=EXIT_BAD_INPUT) from None
        self.stderr.write(
            f"Wrote {len(rows)} prompts ({len(templates)} templates x "
            f"{len(rows) // max(len(templates), 1)} groups) to {options['output']}."
        )
