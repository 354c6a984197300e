"""``manage.py llm_fairness_audit``: counterfactual fairness of LLM responses, for release gates.

Exit status, as ``fairness_audit``: 1 when a check's verdict is ``fail`` (with ``--strict``, also
``inconclusive``: its 95% interval spans the threshold, or its value is undefined), 2 on bad input
(one line on stderr, no traceback), 0 otherwise. All the work is done by :mod:`fairness.text`;
this only parses options, writes the report and maps the outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audits.management.report_output import EXIT_BAD_INPUT, exit_on_verdicts, write_report
from fairness import DatasetError
from fairness.text import (
    DEFAULT_BOOTSTRAP_DRAWS,
    DEFAULT_MAX_GROUPS,
    DEFAULT_SEED,
    ResponseMapping,
    TextCheck,
    assess_responses,
    format_text_report,
)

CLI_WORKERS = 2


class Command(BaseCommand):
    help = (
        "Counterfactual fairness of LLM responses (llm-fairness-report/1) from a CSV, JSON Lines "
        "or Parquet file. Exits 1 when a check's verdict is fail (with --strict also when one is "
        "inconclusive), 2 on bad input and 0 otherwise."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="responses: CSV (may be .gz), JSON Lines or Parquet")
        parser.add_argument("--pair-id", required=True, help="column of the counterfactual set")
        parser.add_argument("--group", required=True, help="column of the group the prompt names")
        parser.add_argument("--response", required=True, help="column of the model's text")
        parser.add_argument("--prompt", help="column of the prompt (shown in examples)")
        parser.add_argument("--sample", help="column of the generation index")
        parser.add_argument("--decision", help="column of a decision taken from the response")
        parser.add_argument("--pos-label", help="the favourable value of --decision")
        parser.add_argument("--toxicity", help="column of a toxicity score in [0, 1]")
        parser.add_argument("--reference", help="reference group (default: the most frequent)")
        parser.add_argument(
            "--check", action="append", default=[], metavar="RULE",
            help="check on every group, e.g. 'sentiment_bias_strong <= 0.05'",
        )  # fmt: skip
        parser.add_argument(
            "--strict", action="store_true", help="exit 1 when a check is inconclusive, too"
        )
        parser.add_argument("--bootstrap-draws", type=int, default=DEFAULT_BOOTSTRAP_DRAWS)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--max-groups", type=int, default=DEFAULT_MAX_GROUPS)
        parser.add_argument("--workers", type=int, default=CLI_WORKERS)
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--output", help="write the report to this file instead of stdout")

    def handle(self, *args, **options) -> None:
        mapping = ResponseMapping(
            pair_id=options["pair_id"],
            group=options["group"],
            response=options["response"],
            prompt=options["prompt"],
            sample=options["sample"],
            decision=options["decision"],
            pos_label=options["pos_label"],
            toxicity=options["toxicity"],
        )
        try:
            report = assess_responses(
                options["file"],
                mapping,
                checks=[TextCheck.parse(rule) for rule in options["check"]],
                reference_group=options["reference"],
                bootstrap_draws=options["bootstrap_draws"],
                seed=options["seed"],
                max_groups=options["max_groups"],
                workers=options["workers"],
                app_version=settings.APP_VERSION,
            )
        except (DatasetError, ValueError) as error:
            raise CommandError(str(error), returncode=EXIT_BAD_INPUT) from None
        strict = options["strict"]
        if options["format"] == "json":
            text = report.to_json() + "\n"
        else:
            text = format_text_report(report, strict=strict)
        write_report(self, text, options["output"])
        exit_on_verdicts(
            report.failed_checks,
            report.inconclusive_checks if strict else [],
            describe=lambda c: f"{c['metric']} on {c['group']}",
        )
