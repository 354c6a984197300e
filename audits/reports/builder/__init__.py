"""`build_report(audit)`: everything a report shows, as plain data, in a constant number of queries.

The `AuditReport` is the single source of the HTML page, the PDF, the JSON export and the CSV
tables: no format reads the database by itself. Every number comes from the stored answers, the
pinned checklist version and the stored fairness-report/1 documents, so it can be reproduced.
"""

from audits.reports.run.checks import CheckResult
from audits.reports.run.groupings import GroupingSection, GroupRow
from audits.reports.run.impact import ImpactRow, ImpactTable

from .build import build_report, library_versions, person
from .fairness import RunItem
from .records import (
    ActionItem,
    AuditReport,
    EvidenceItem,
    Finding,
    HistorySummary,
    InputHash,
    PrincipleSection,
    QuestionItem,
    ReviewerComment,
    ReviewItem,
    SnapshotItem,
)

__all__ = [
    "ActionItem",
    "AuditReport",
    "CheckResult",
    "EvidenceItem",
    "Finding",
    "GroupRow",
    "GroupingSection",
    "HistorySummary",
    "ImpactRow",
    "ImpactTable",
    "InputHash",
    "PrincipleSection",
    "QuestionItem",
    "ReviewItem",
    "ReviewerComment",
    "RunItem",
    "SnapshotItem",
    "build_report",
    "library_versions",
    "person",
]
