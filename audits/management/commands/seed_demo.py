"""Load the default checklist and the demo team, users and audit. Idempotent; refuses when DEBUG is off."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audits.demo import seed_demo


class Command(BaseCommand):
    help = "Create demo users (password 'demo'), teams and audits. Development only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (never on a real deployment: the passwords are public).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to seed demo accounts with DEBUG off: their passwords are public. "
                "Run it on a development setup (make run)."
            )
        with transaction.atomic():
            summary = seed_demo()
        for line in summary:
            self.stdout.write(line)
        users = get_user_model().objects.filter(username__startswith="demo-").order_by("username")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo logins (password 'demo'): " + ", ".join(u.username for u in users)
            )
        )
