"""`manage.py load_default_checklist`: import and publish the bundled checklist and its later versions, once."""

from django.core.management.base import BaseCommand, CommandError

from checklists import services
from checklists.exceptions import ImportProblems


class Command(BaseCommand):
    help = (
        "Import and publish checklists/content/default_checklist.json (version 1), then make and "
        "publish each later version from its changes file (default_checklist_v2.json: a new draft "
        "of version 1 with the questions it adds). A version the checklist already has is left "
        "as it is, so running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        try:
            versions = services.default_checklist_load_all(user=None)
        except FileNotFoundError as exc:
            raise CommandError(f"The default checklist file is missing: {exc.filename}") from exc
        except ImportProblems as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                "The default checklist was not loaded; nothing was written."
            ) from exc
        for version in versions:
            self.stdout.write(
                f"Default checklist: {version.checklist.slug} v{version.number} "
                f"({version.status}), {version.questions.count()} questions."
            )
