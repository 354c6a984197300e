"""Backup and restore: `dumpdata` of a full demo database loads back into an empty one unchanged."""

import io
import json
import re

import pytest
from django.apps import apps
from django.core.management import call_command

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


def _dump() -> str:
    out = io.StringIO()
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        *[f"--exclude={e}" for e in EXCLUDE],
        indent=None,
        stdout=out,
    )
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"auth", "checklists", "audits"}
        and m._meta.label != "auth.Permission"
    }


def _records(text: str) -> list:
    return sorted(json.loads(re.sub(r"\.000(Z|[+-]\d\d:\d\d)\"", r'\1"', text)), key=repr)


@pytest.mark.django_db(transaction=True)
def test_dumpdata_loaddata_round_trips_the_demo_database(settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_demo")
    before_counts = _counts()
    dump = tmp_path / "backup.json"
    dump.write_text(_dump())
    assert before_counts["audits.FairnessRun"] >= 1 and before_counts["audits.Answer"] > 20

    call_command("flush", "--noinput")
    assert _counts()["audits.Audit"] == 0
    call_command("loaddata", str(dump))

    assert _counts() == before_counts
    # Restored unchanged: dumping again gives the same records. Django's serializer keeps
    # milliseconds, so a time whose milliseconds are zero comes back written without them.
    assert _records(_dump()) == _records(dump.read_text())
