"""`python manage.py verify_snapshot <audit id>`: do the sealed PDF and JSON still match their hashes?

Exit status 0 when every sealed file matches its stored SHA-256, 1 when one does not (or is missing
from storage) or when the audit has no snapshot.
"""

from django.core.management.base import BaseCommand, CommandError

from audits.models import Audit
from audits.services.snapshots import snapshot_verify


class Command(BaseCommand):
    help = "Recompute the SHA-256 of an approved audit's sealed PDF and JSON and compare them."

    def add_arguments(self, parser):
        parser.add_argument("audit_id", type=int, help="The id of the audit (as in /audits/<id>/).")

    def handle(self, *args, audit_id: int, **options):
        audit = Audit.objects.filter(pk=audit_id).first()
        if audit is None:
            raise CommandError(f"There is no audit {audit_id}.")
        results = snapshot_verify(audit=audit)
        if not results:
            raise CommandError(
                f"Audit {audit_id} ({audit.get_status_display().lower()}) has no sealed snapshot: "
                "snapshots are sealed when an audit is approved."
            )
        failed = 0
        for kind, expected, actual, ok in results:
            if ok:
                self.stdout.write(self.style.SUCCESS(f"{kind}: OK  sha256 {expected}"))
            elif actual is None:
                failed += 1
                self.stdout.write(
                    self.style.ERROR(f"{kind}: MISSING  the sealed file is not in storage")
                )
            else:
                failed += 1
                self.stdout.write(
                    self.style.ERROR(f"{kind}: MISMATCH  expected {expected}, file has {actual}")
                )
        if failed:
            raise CommandError(
                f"{failed} of {len(results)} sealed file(s) of audit {audit_id} do not match."
            )
        self.stdout.write(f"All {len(results)} sealed files of audit {audit_id} match.")
