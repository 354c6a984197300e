"""`python manage.py sweep_stale_runs`: write down dead runs, seal and copy what a dead job left.

Pages only *show* a run whose worker went silent as failed; this command marks it failed on its
row. On the embedded default (thread mode) run it from cron, e.g. every few minutes; the scaled
setup runs the same sweep from Celery beat (`config/celery.py`).
"""

from django.core.management.base import BaseCommand

from audits.jobs.sweep import jobs_sweep


class Command(BaseCommand):
    help = (
        "Mark failed the fairness runs whose worker went silent, seal approved audits left "
        "unsealed and finish re-audit copies left unfinished."
    )

    def handle(self, *args, **options) -> None:
        result = jobs_sweep()
        self.stdout.write(
            f"{result.runs_failed} stale run(s) marked failed, {result.audits_sealed} audit(s) "
            f"sealed, {result.copies_finished} re-audit copy(ies) finished."
        )
