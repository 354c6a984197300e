"""``manage.py fairness_audit``: the fairness engine from the command line, for release gates.

Exit status: 1 when a check's verdict is ``fail`` (with ``--strict``, also ``inconclusive``), 2 on
bad input (one line on stderr, no traceback), 0 otherwise. All the work is done by :mod:`fairness`; this only parses options,
writes the report and maps the outcome to an exit status.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audits.management.report_output import EXIT_BAD_INPUT, exit_on_verdicts, write_report
from fairness import (
    CHECK_GROUPS,
    DEFAULT_BOOTSTRAP_DRAWS,
    DEFAULT_CHECK_GROUPS,
    DEFAULT_DISPARITY_METHOD,
    DEFAULT_EXCLUSION_SHARE,
    DEFAULT_FOUR_FIFTHS_THRESHOLD,
    DEFAULT_MAX_GROUPS,
    DEFAULT_MIN_GROUP_SIZE,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    DEFAULT_VERDICT_POLICY,
    DISPARITY_METHODS,
    SQL_DIALECTS,
    TASKS,
    VERDICT_POLICIES,
    Check,
    ColumnMapping,
    DatasetError,
    assess,
    count_sql,
    format_text,
)


class Command(BaseCommand):
    help = (
        "Compute fairness metrics of a predictions CSV (fairness-report/1). Exits 1 when a "
        "check's verdict is fail (the four-fifths screen is always checked; with --strict also "
        "when one is inconclusive), 2 on bad input and 0 otherwise."
    )
    # No database or system checks: this runs in pipelines that have neither.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?",
            help="CSV file (comma, semicolon or tab; may be .gz) or Parquet file",
        )  # fmt: skip
        parser.add_argument(
            "--task", choices=TASKS,
            help="binary (default), regression or multiclass; inferred when unambiguous",
        )  # fmt: skip
        parser.add_argument(
            "--attributes", metavar="FILE",
            help="a separate file of sensitive attributes, joined on --id",
        )  # fmt: skip
        parser.add_argument("--id", metavar="COL", help="the id column joining --attributes")
        parser.add_argument(
            "--counts", metavar="COL",
            help="the file is a count table: COL holds each line's number of rows",
        )  # fmt: skip
        parser.add_argument(
            "--print-sql", action="store_true",
            help="print the GROUP BY query that makes the count table of this mapping, and exit",
        )  # fmt: skip
        parser.add_argument(
            "--sql-table", default="predictions", metavar="NAME",
            help="the table --print-sql reads (default: predictions)",
        )  # fmt: skip
        parser.add_argument("--sql-dialect", choices=SQL_DIALECTS, default="ansi")
        parser.add_argument("--y-true", help="column of the observed outcome")
        parser.add_argument("--y-pred", help="column of the system's decision")
        parser.add_argument("--score", help="column of a numeric score")
        parser.add_argument(
            "--sensitive", action="append", required=True, metavar="COL",
            help="sensitive column; repeat for several (their intersection is added)",
        )  # fmt: skip
        parser.add_argument("--pos-label", help="value meaning the favourable outcome")
        parser.add_argument("--reference", help="reference group for impact ratios")
        parser.add_argument(
            "--check", action="append", default=[], metavar="RULE",
            help="extra check on every grouping, e.g. 'equalized_odds_difference <= 0.1'",
        )  # fmt: skip
        parser.add_argument(
            "--four-fifths",
            type=float,
            default=DEFAULT_FOUR_FIFTHS_THRESHOLD,
            help="screening threshold",
        )
        parser.add_argument("--exclusion-share", type=float, default=DEFAULT_EXCLUSION_SHARE)
        parser.add_argument("--min-group-size", type=int, default=DEFAULT_MIN_GROUP_SIZE)
        parser.add_argument(
            "--threshold", type=float, default=None,
            help=f"decision score >= threshold (default {DEFAULT_THRESHOLD}); for a regression, "
            "the decision y_pred >= threshold (adds selection rates and impact ratios)",
        )  # fmt: skip
        parser.add_argument("--bootstrap-draws", type=int, default=DEFAULT_BOOTSTRAP_DRAWS)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--max-groups", type=int, default=DEFAULT_MAX_GROUPS)
        parser.add_argument(
            "--disparity-method", choices=DISPARITY_METHODS, default=DEFAULT_DISPARITY_METHOD
        )
        parser.add_argument(
            "--check-groups", choices=CHECK_GROUPS, default=DEFAULT_CHECK_GROUPS,
            help="groups disparity checks use: reliable (at least --min-group-size rows) or all",
        )  # fmt: skip
        parser.add_argument(
            "--verdict-policy", choices=VERDICT_POLICIES, default=DEFAULT_VERDICT_POLICY,
            help="verdict from the 95%% interval (inconclusive when it spans the threshold) "
            "or from the point value",
        )  # fmt: skip
        parser.add_argument(
            "--strict", action="store_true",
            help="exit 1 when a check is inconclusive, too",
        )  # fmt: skip
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--output", help="write the report to this file instead of stdout")

    def handle(self, *args, **options) -> None:
        mapping = ColumnMapping(
            y_true=options["y_true"],
            y_pred=options["y_pred"],
            score=options["score"],
            sensitive=options["sensitive"],
            pos_label=options["pos_label"],
            counts=options["counts"],
            id=options["id"],
        )
        if options["print_sql"]:
            try:
                sql = count_sql(
                    mapping, options["sql_table"],
                    counts_column=options["counts"] or "row_count",
                    dialect=options["sql_dialect"],
                )  # fmt: skip
            except (DatasetError, ValueError) as error:
                raise CommandError(str(error), returncode=EXIT_BAD_INPUT) from None
            self.stdout.write(sql + ";\n", ending="")
            return
        if not options["file"]:
            raise CommandError("Give the predictions FILE.", returncode=EXIT_BAD_INPUT)
        if bool(options["attributes"]) != bool(options["id"]):
            raise CommandError(
                "--attributes and --id go together: the file of sensitive attributes and the "
                "column that joins it.",
                returncode=EXIT_BAD_INPUT,
            )
        try:
            report = assess(
                options["file"],
                mapping,
                checks=[Check.parse(rule) for rule in options["check"]],
                reference_group=options["reference"],
                four_fifths_threshold=options["four_fifths"],
                exclusion_share=options["exclusion_share"],
                min_group_size=options["min_group_size"],
                bootstrap_draws=options["bootstrap_draws"],
                seed=options["seed"],
                max_groups=options["max_groups"],
                threshold=(
                    DEFAULT_THRESHOLD if options["threshold"] is None else options["threshold"]
                ),
                decision_threshold=options["threshold"],
                disparity_method=options["disparity_method"],
                check_groups=options["check_groups"],
                verdict_policy=options["verdict_policy"],
                app_version=settings.APP_VERSION,
                task=options["task"],
                attributes=options["attributes"],
            )
        except (DatasetError, ValueError) as error:
            raise CommandError(str(error), returncode=EXIT_BAD_INPUT) from None
        text = report.to_json() + "\n" if options["format"] == "json" else format_text(report)
        write_report(self, text, options["output"])
        exit_on_verdicts(
            report.failed_checks,
            report.inconclusive_checks if options["strict"] else [],
            describe=lambda c: f"{c['name']} on {c['grouping']}",
        )
