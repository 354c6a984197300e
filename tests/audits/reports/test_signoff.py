"""The sign-off block at the end of the review chapter: signed only on approval, in words."""

import dataclasses

import pytest
from django.utils import timezone

from audits.models import AuditStatus
from audits.reports.builder import SnapshotItem, build_report
from audits.reports.pdf import render_report_html
from audits.reports.signoff import NOT_SIGNED_OFF, report_signoff
from tests.audits.reports.data import approve


def _snapshot(kind: str, sha: str) -> SnapshotItem:
    return SnapshotItem(kind, kind.upper(), sha, 10, timezone.now())


def _section(html: str) -> str:
    return html[html.index('id="signoff"') : html.index('id="appendix"')]


def test_an_audit_in_review_is_not_signed_off_and_its_lines_are_empty(demo_audit):
    report = build_report(demo_audit, charts=False)

    signoff = report_signoff(report, for_print=True)
    html = _section(render_report_html(report))

    assert not signoff.signed and signoff.reviewer is None
    assert signoff.not_signed_reason == NOT_SIGNED_OFF[AuditStatus.IN_REVIEW]
    assert "Not signed off: submitted for review, no decision yet." in html
    assert "Signed off: approved" not in html
    assert html.count('<span class="signature-value"></span>') == 3  # name, signature, date


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (AuditStatus.DRAFT, "a draft, not submitted for review yet"),
        (AuditStatus.CHANGES_REQUESTED, "the reviewer asked for changes"),
        (AuditStatus.ARCHIVED, "archived without an approval"),
    ],
)
def test_each_status_that_is_no_approval_is_said_in_words(demo_audit, status, words):
    report = dataclasses.replace(build_report(demo_audit, charts=False), status=status)

    assert report_signoff(report, for_print=True).not_signed_reason == words


def test_an_approved_audit_is_signed_by_its_reviewer_with_the_sealed_hashes(demo_audit, reviewer):
    approve(demo_audit, reviewer=reviewer)
    demo_audit.refresh_from_db()
    report = dataclasses.replace(
        build_report(demo_audit, charts=False),
        snapshots=[_snapshot("json", "a" * 64), _snapshot("pdf", "b" * 64)],
    )

    printed = report_signoff(report, for_print=True)
    page = report_signoff(report, for_print=False)
    html = _section(render_report_html(report))

    name = reviewer.get_full_name() or reviewer.get_username()
    assert printed.signed and printed.reviewer == name
    assert printed.approved_at == demo_audit.approved_at
    assert printed.latest_review.comment == "Approved: the remaining action is tracked."
    assert printed.json_snapshot.sha256 == "a" * 64
    assert printed.pdf_snapshot is None  # a PDF cannot print its own hash
    assert page.pdf_snapshot.sha256 == "b" * 64  # the report page can
    assert f"Signed off: approved by {name}" in html
    assert "a" * 64 in html and "b" * 64 not in html
    assert "sha256sum" in html and "Get-FileHash" in html
    assert "cannot print its own SHA-256" in html


def test_the_reviewers_comment_is_rendered_as_sanitised_markdown(demo_audit, reviewer):
    review = approve(demo_audit, reviewer=reviewer)
    review.comment = "**Approved** with one <script>alert(1)</script> condition."
    review.save(update_fields=["comment"])

    html = _section(render_report_html(build_report(demo_audit, charts=False)))

    assert "<strong>Approved</strong>" in html
    assert "<script>" not in html and "**" not in html
