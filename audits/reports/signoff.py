"""The sign-off block that closes the review chapter: who approved, when, and the sealed hashes.

A board signs the printed report, so the block names the reviewer's decision in words, and for an
audit that is not approved it says so plainly, with empty signature lines.
"""

from dataclasses import dataclass
from datetime import datetime

from audits.models import AuditStatus

from .builder import AuditReport, ReviewItem, SnapshotItem

# Why an audit is not signed off, in words, after "Not signed off: ".
NOT_SIGNED_OFF: dict[str, str] = {
    AuditStatus.DRAFT: "a draft, not submitted for review yet",
    AuditStatus.IN_REVIEW: "submitted for review, no decision yet",
    AuditStatus.CHANGES_REQUESTED: "the reviewer asked for changes",
    AuditStatus.ARCHIVED: "archived without an approval",
}


@dataclass(frozen=True)
class SignOff:
    signed: bool
    reviewer: str | None  # who approved (None when not signed off)
    approved_at: datetime | None
    not_signed_reason: str  # "" when signed
    latest_review: ReviewItem | None
    json_snapshot: SnapshotItem | None
    # The PDF's own hash, printed only on the report page: a PDF cannot contain its own SHA-256
    # (printing the hash changes the bytes, and so the hash). The sealed PDF is rendered after the
    # JSON export is sealed, so it prints the JSON's hash; the PDF's is shown by the app.
    pdf_snapshot: SnapshotItem | None


def report_signoff(report: AuditReport, *, for_print: bool) -> SignOff:
    """The sign-off of `report`: signed when approved (or archived after an approval)."""
    signed = report.approved_at is not None and report.status in (
        AuditStatus.APPROVED,
        AuditStatus.ARCHIVED,
    )
    reason = "" if signed else NOT_SIGNED_OFF.get(report.status, report.status_label.lower())
    return SignOff(
        signed=signed,
        reviewer=report.approved_by if signed else None,
        approved_at=report.approved_at if signed else None,
        not_signed_reason=reason,
        latest_review=report.reviews[0] if report.reviews else None,
        json_snapshot=report.snapshot("json") if signed else None,
        pdf_snapshot=None if for_print or not signed else report.snapshot("pdf"),
    )
