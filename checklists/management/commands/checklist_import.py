"""`manage.py checklist_import PATH [--publish] [--as-new-version]`: create a version from JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from checklists import services
from checklists.exceptions import ImportProblems
from checklists.serialization import document_loads


class Command(BaseCommand):
    help = (
        "Import a checklist-version/1 JSON document as a NEW version (an existing version is never "
        "changed). On any problem, every problem is printed and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The JSON file to import.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the version once imported."
        )
        parser.add_argument(
            "--as-new-version",
            action="store_true",
            help="If the checklist already has a version with this number, use the next free number.",
        )

    def handle(self, *args, path: Path, publish: bool, as_new_version: bool, **options) -> None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        try:
            version = services.version_import(
                data=document_loads(raw), user=None, publish=publish, as_new_version=as_new_version
            )
        except ImportProblems as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            count = len(exc.problems)
            raise CommandError(
                f"{path}: not imported, {count} problem{'s' if count != 1 else ''}; nothing was written."
            ) from exc
        self.stdout.write(
            f"Imported {version.checklist.slug} v{version.number} ({version.status}) "
            f"with {version.questions.count()} questions."
        )
