"""Celery application. Used only when CELERY_BROKER_URL is set; otherwise jobs run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# How often beat runs the sweep of dead runs and left-over sealing/copy jobs (audits.jobs.sweep).
SWEEP_INTERVAL_SECONDS = float(os.environ.get("FAIRNESS_SWEEP_INTERVAL_SECONDS", "60"))

app = Celery("workbench")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = {
    "sweep-stale-jobs": {"task": "audits.sweep_jobs", "schedule": SWEEP_INTERVAL_SECONDS},
}
app.autodiscover_tasks()
