"""Sealed snapshots: the PDF report and the JSON export of an approved audit, stored with their SHA-256.

A snapshot is written once, by a job started when the approval commits, and never rewritten:
downloads of the approved audit serve it (and answer "being sealed" until it exists), so what the reviewer approved is what leaves the app, whatever changes
later (a checklist edit, a data fix). `snapshot_verify` recomputes the hashes of the stored files.
"""

import dataclasses
import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from audits.models import Audit, AuditStatus, ReportSnapshot, SnapshotKind
from audits.reports.builder import SnapshotItem, build_report
from audits.reports.exports import export_json
from audits.reports.pdf import render_report_pdf, report_filename
from audits.selectors.reports import audit_is_sealing

logger = logging.getLogger(__name__)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def snapshots_seal(*, audit: Audit) -> list[ReportSnapshot]:
    """Render and store the JSON export and the PDF of an approved audit, with their SHA-256.

    Idempotent: a kind that is already sealed is left as it is (never rewritten). The JSON is
    sealed first, so the PDF's appendix can show the JSON's hash. Returns the audit's snapshots.
    Lock-free: rendering takes seconds, so no row is locked meanwhile; when two seals race, the
    one-snapshot-per-kind constraint keeps the first stored and the other's file is discarded.
    """
    locked = Audit.objects.get(pk=audit.pk)
    if locked.status != AuditStatus.APPROVED:
        raise ValidationError("Only an approved audit is sealed.")
    existing = {s.kind: s for s in ReportSnapshot.objects.filter(audit=locked)}
    if len(existing) < len(SnapshotKind.values):
        report = build_report(locked)
        if SnapshotKind.JSON not in existing:
            existing[SnapshotKind.JSON] = _store(locked, SnapshotKind.JSON, export_json(report))
        if SnapshotKind.PDF not in existing:
            sealed_json = existing[SnapshotKind.JSON]
            report = dataclasses.replace(
                report,
                snapshots=[
                    SnapshotItem(
                        sealed_json.kind,
                        sealed_json.get_kind_display(),
                        sealed_json.sha256,
                        sealed_json.size,
                        sealed_json.created_at,
                    )
                ],
            )
            existing[SnapshotKind.PDF] = _store(locked, SnapshotKind.PDF, render_report_pdf(report))
    return [existing[kind] for kind in sorted(existing)]


def _store(audit: Audit, kind: str, content: bytes) -> ReportSnapshot:
    snapshot = ReportSnapshot(audit=audit, kind=kind, sha256=_sha256(content), size=len(content))
    snapshot.file.save(
        report_filename(audit.pk, audit.title, kind), ContentFile(content), save=False
    )
    try:
        # The unique check is the constraint's job (below), so a lost race is told apart.
        snapshot.full_clean(validate_constraints=False)
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:
        snapshot.file.delete(save=False)
        theirs = ReportSnapshot.objects.filter(audit=audit, kind=kind).first()
        if theirs is None:
            raise
        return theirs
    except BaseException:
        snapshot.file.delete(save=False)
        raise
    return snapshot


def snapshots_pending(audit: Audit) -> bool:
    """Whether an approved audit still waits for its sealing job (some kind has no snapshot)."""
    return audit_is_sealing(audit, list(ReportSnapshot.objects.filter(audit=audit)))


def snapshot_verify(*, audit: Audit) -> list[tuple[str, str, str | None, bool]]:
    """(kind, stored SHA-256, SHA-256 of the stored file now, whether they match) per snapshot.

    The actual hash is None when the file is missing from storage.
    """
    results = []
    for snapshot in ReportSnapshot.objects.filter(audit=audit).order_by("kind"):
        actual = None
        name = snapshot.file.name  # empty when there is no file
        if name and snapshot.file.storage.exists(name):
            digest = hashlib.sha256()
            with snapshot.file.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(chunk)
            actual = digest.hexdigest()
        results.append((snapshot.kind, snapshot.sha256, actual, actual == snapshot.sha256))
    return results


def snapshot_content(*, audit: Audit, kind: str) -> tuple[bytes, str] | None:
    """The sealed bytes and SHA-256 of an approved audit's snapshot; None when there is none.

    A read for the download views, which have already checked access to the audit. A snapshot
    whose file is gone from storage is logged as an error (`verify_snapshot` reports it too) and
    treated as missing, so the download still works, freshly rendered.
    """
    if audit.status != AuditStatus.APPROVED:
        return None
    snapshot = ReportSnapshot.objects.filter(audit=audit, kind=kind).first()
    if snapshot is None or not snapshot.file:
        return None
    try:
        with snapshot.file.open("rb") as handle:
            return handle.read(), snapshot.sha256
    except FileNotFoundError:
        logger.error("Sealed %s snapshot of audit %s is missing from storage", kind, audit.pk)
        return None
