"""`manage.py checklist_export SLUG [--version N] [--output PATH]`: write a version as JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from checklists import services
from checklists.models import Checklist, ChecklistVersion
from checklists.selectors import version_get_latest
from checklists.serialization import document_dumps


class Command(BaseCommand):
    help = (
        "Export one checklist version as a checklist-version/1 JSON document. Without --version, "
        "the latest published version (or, if none is published, the latest version)."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the checklist version here, replacing Django's "show version and exit".
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The checklist's slug, e.g. ai-ethics-fairness.")
        parser.add_argument("--version", dest="number", type=int, help="The version number.")
        parser.add_argument(
            "--output", "-o", type=Path, help="Write to this file (default: stdout)."
        )

    def handle(self, *args, slug: str, number: int | None, output: Path | None, **options) -> None:
        try:
            checklist = Checklist.objects.get(slug=slug)
            version = version_get_latest(checklist=checklist, number=number)
        except Checklist.DoesNotExist as exc:
            raise CommandError(f'No checklist with slug "{slug}".') from exc
        except ChecklistVersion.DoesNotExist as exc:
            which = f"version {number}" if number is not None else "any version"
            raise CommandError(f'Checklist "{slug}" has no {which}.') from exc
        text = document_dumps(services.version_export(version=version))
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(
            f"Wrote {checklist.slug} v{version.number} ({version.status}) to {output}"
        )
