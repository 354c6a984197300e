"""`manage.py load_default_checklist`: import and publish the bundled checklist, once."""

from django.core.management.base import BaseCommand, CommandError

from checklists import services
from checklists.exceptions import ImportProblems


class Command(BaseCommand):
    help = (
        "Import and publish checklists/content/default_checklist.json. Does nothing if that "
        "checklist already has a version with the file's number."
    )

    def handle(self, *args, **options) -> None:
        try:
            version = services.default_checklist_load(user=None)
        except FileNotFoundError as exc:
            raise CommandError(f"The default checklist file is missing: {exc.filename}") from exc
        except ImportProblems as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                "The default checklist was not loaded; nothing was written."
            ) from exc
        self.stdout.write(
            f"Default checklist: {version.checklist.slug} v{version.number} ({version.status}), "
            f"{version.questions.count()} questions."
        )
