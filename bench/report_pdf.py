"""Benchmark of the audit report PDF: `build_report` + `render_report_pdf`, end to end.

Two audits are built in a throw-away SQLite test database, with the same data as the report tests
(tests/audits/reports/data.py):

- the demo audit: the bundled default checklist (50 questions) answered in full, the Adult
  predictions (demo_data/adult_predictions.csv, 16,281 rows) run through the fairness engine by sex
  and race with the score: 3 groupings, 17 groups;
- a 100-question audit with three runs of the Adult predictions (sex and race with the score; age
  group; sex and age group with the score): 7 groupings, 35 groups, evidence on a third of the
  questions, a review and two actions.

Each PDF is rendered ``--repeats`` times; the table gives the median wall time of
- cold: the chart cache emptied first (every matplotlib chart drawn again), as on a first download;
- warm: charts already drawn by an earlier render of the same runs (a second download, or the
  seal on approval after the report was viewed).
It also gives the build and PDF parts of the cold time, the page count and the PDF size.

Usage::

    .venv/bin/python bench/report_pdf.py              # three repeats
    .venv/bin/python bench/report_pdf.py --repeats 5

It prints a Markdown table to paste into ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def _setup() -> None:
    import django
    from django.conf import settings

    django.setup()
    media = tempfile.mkdtemp(prefix="bench-report-media-")
    atexit.register(shutil.rmtree, media, ignore_errors=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    settings.MEDIA_ROOT = media
    logging.disable(logging.INFO)  # WeasyPrint's per-page progress messages


def _audits():
    from django.db import connection
    from django.test.utils import setup_test_environment

    from audits.models import Role
    from audits.services.gates import gates_answer_from_run
    from checklists.services import default_checklist_load
    from tests.audits.reports.data import (
        add_evidence,
        add_reviews_and_actions,
        adult_mapping,
        adult_result,
        answer_all,
        build_large_audit,
        make_run,
    )
    from tests.factories import AuditFactory, MembershipFactory, TeamFactory, UserFactory

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    team = TeamFactory(name="Bench team", slug="bench-team")
    auditor = MembershipFactory(
        team=team, user=UserFactory(username="auditor"), role=Role.AUDITOR
    ).user
    reviewer = MembershipFactory(
        team=team, user=UserFactory(username="reviewer"), role=Role.REVIEWER
    ).user

    demo = AuditFactory(
        team=team,
        checklist_version=default_checklist_load(),
        title="Income model fairness audit",
        system_name="Adult census income classifier",
        created_by=auditor,
    )
    run = make_run(demo, user=auditor, result=adult_result(), mapping=adult_mapping())
    gates_answer_from_run(run=run)
    answer_all(demo, user=auditor)
    add_evidence(demo, user=auditor)
    add_reviews_and_actions(demo, auditor=auditor, reviewer=reviewer)
    large = build_large_audit(team=team, auditor=auditor, reviewer=reviewer)
    return [("demo audit (50 questions, 1 run)", demo), ("100 questions, 3 runs", large)]


def _measure(audit, repeats: int) -> dict:
    import io

    from pypdf import PdfReader

    from audits.reports.builder import build_report
    from audits.reports.builder.build import _radar
    from audits.reports.pdf import render_report_pdf
    from audits.reports.run.groupings import selection_chart

    cold, build, pdf_times, warm = [], [], [], []
    pdf = b""
    for _ in range(repeats):
        selection_chart.cache_clear()
        _radar.cache_clear()
        start = time.perf_counter()
        report = build_report(audit)
        built = time.perf_counter()
        pdf = render_report_pdf(report)
        done = time.perf_counter()
        cold.append(done - start)
        build.append(built - start)
        pdf_times.append(done - built)
    for _ in range(repeats):
        start = time.perf_counter()
        render_report_pdf(build_report(audit))
        warm.append(time.perf_counter() - start)
    return {
        "cold": statistics.median(cold),
        "build": statistics.median(build),
        "pdf": statistics.median(pdf_times),
        "warm": statistics.median(warm),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "size": len(pdf),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    _setup()
    audits = _audits()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print()
    print(
        "| audit | pages | PDF size | cold (median) | of which build | of which PDF | warm (median) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, audit in audits:
        m = _measure(audit, args.repeats)
        print(
            f"| {name} | {m['pages']} | {m['size'] / 1024:.0f} KB | {m['cold']:.2f} s "
            f"| {m['build']:.2f} s | {m['pdf']:.2f} s | {m['warm']:.2f} s |"
        )


if __name__ == "__main__":
    main()
