"""The report's downloads, for the pages and the API alike: which bytes each one serves.

An approved audit with sealed snapshots serves the sealed PDF and JSON bytes (what was approved is
what is downloaded); while its sealing job runs those two raise `ReportBeingSealed` (503 with
Retry-After), never an unsealed copy. The CSV tables are always rendered from the audit as it is.
The caller has already checked access to the audit.
"""

from dataclasses import dataclass
from enum import StrEnum

from audits.models import Audit, SnapshotKind
from audits.reports.builder import build_report
from audits.reports.coverage import coverage_csv, report_coverage
from audits.reports.exports import answers_csv, export_json, metrics_csv
from audits.reports.pdf import render_report_pdf, report_filename
from audits.services.snapshots import snapshot_content, snapshots_pending

CSV_TYPE = "text/csv; charset=utf-8"
CONTENT_TYPES = {
    SnapshotKind.PDF: "application/pdf",
    SnapshotKind.JSON: "application/json",
}
SEALING_RETRY_SECONDS = 5
SEALING_MESSAGE = "This approved audit's report is being sealed. Try again in a moment."


class ReportKind(StrEnum):
    PDF = "pdf"
    JSON = "json"
    ANSWERS_CSV = "answers_csv"
    METRICS_CSV = "metrics_csv"
    COVERAGE_CSV = "coverage_csv"


class ReportBeingSealed(Exception):
    """The approved audit's PDF and JSON are not sealed yet: come back in `retry_after` seconds."""

    retry_after = SEALING_RETRY_SECONDS

    def __init__(self) -> None:
        super().__init__(SEALING_MESSAGE)


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    content_type: str
    filename: str
    sha256: str | None = None  # set for a sealed snapshot


def report_file(*, audit: Audit, kind: ReportKind) -> ReportFile:
    """The bytes of one download of the audit's report (see the module's docstring)."""
    if kind in (ReportKind.PDF, ReportKind.JSON):
        snapshot_kind = SnapshotKind(kind.value)
        content_type = CONTENT_TYPES[snapshot_kind]
        filename = report_filename(audit.pk, audit.title, kind.value, "")
        sealed = snapshot_content(audit=audit, kind=snapshot_kind)
        if sealed is not None:
            content, sha256 = sealed
            return ReportFile(content, content_type, filename, sha256)
        if snapshots_pending(audit):
            raise ReportBeingSealed()
        if kind == ReportKind.PDF:
            return ReportFile(render_report_pdf(build_report(audit)), content_type, filename)
        return ReportFile(export_json(build_report(audit, charts=False)), content_type, filename)
    report = build_report(audit, charts=False)
    if kind == ReportKind.ANSWERS_CSV:
        content, suffix = answers_csv(report), "-answers"
    elif kind == ReportKind.COVERAGE_CSV:
        content, suffix = coverage_csv(report_coverage(report)), "-coverage"
    else:
        content, suffix = metrics_csv(report), "-metrics"
    return ReportFile(content, CSV_TYPE, report_filename(audit.pk, audit.title, "csv", suffix))
