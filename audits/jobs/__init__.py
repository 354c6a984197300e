"""Slow work that runs outside the request: fairness runs, sealing an approval, copying a re-audit.

- `audits.jobs.enqueue` starts a job the way `settings.FAIRNESS_JOB_MODE` says (a Celery task, a
  thread in the web process, or inline in tests), always after the transaction commits.
- `audits.jobs.worker` executes a fairness run; the enqueuer and the Celery tasks call it.
- `audits.jobs.sweep` writes down what the pages only derive: runs whose worker died, approvals
  not sealed and copies not finished (a Celery beat schedule and `manage.py sweep_stale_runs`).

This package imports none of its modules, so `audits.tasks` can import the worker without a cycle.
"""
