"""The datasets fixtures (a checklist with gates, hand-checked CSVs, runs, private media)."""

from audits.models import FairnessRun
from tests.audits.dataset_fixtures import *  # noqa: F403


def queued_run(dataset, owner, **fields) -> FairnessRun:
    """A run row as the enqueuer leaves it (or as a worker left it, with `fields`)."""
    return FairnessRun.objects.create(
        dataset=dataset,
        created_by=owner,
        config={"mapping": {}, "options": {}, "checks": []},
        **fields,
    )
