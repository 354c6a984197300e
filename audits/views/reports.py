"""The audit report: as a page, a PDF, a JSON export and two CSV tables.

Every view checks access like every audit page (outsiders get 404). An approved audit with sealed
snapshots serves the sealed PDF and JSON bytes, so what was approved is what is downloaded; while
its sealing job runs, those two answer 503 with Retry-After, never an unsealed copy.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from audits import selectors
from audits.models import SnapshotKind
from audits.permissions import Action
from audits.reports.builder import build_report
from audits.reports.exports import answers_csv, export_json, metrics_csv
from audits.reports.pdf import PAGE_TEMPLATE, render_report_pdf, report_context, report_filename
from audits.selectors.reports import audit_is_sealing
from audits.services.snapshots import snapshot_content, snapshots_pending
from audits.views.common import AuthenticatedHttpRequest

CONTENT_TYPES = {
    SnapshotKind.PDF: "application/pdf",
    SnapshotKind.JSON: "application/json",
}
CSV_TYPE = "text/csv; charset=utf-8"
SEALING_RETRY_SECONDS = 5
SEALING_MESSAGE = "This approved audit's report is being sealed. Try again in a moment."


@login_required
def report_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.VIEW)
    report = build_report(audit)
    context = {**report_context(report, for_print=False), "audit": audit}
    context["snapshots"] = report.snapshots
    context["sealing"] = audit_is_sealing(audit, report.snapshots)
    return render(request, PAGE_TEMPLATE, context)


@login_required
def report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.VIEW)
    sealed = _sealed(audit, SnapshotKind.PDF)
    if sealed is not None:
        return sealed
    if snapshots_pending(audit):
        return _being_sealed()
    report = build_report(audit)
    return _download(render_report_pdf(report), CONTENT_TYPES[SnapshotKind.PDF], audit, "pdf")


@login_required
def report_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.VIEW)
    sealed = _sealed(audit, SnapshotKind.JSON)
    if sealed is not None:
        return sealed
    if snapshots_pending(audit):
        return _being_sealed()
    report = build_report(audit, charts=False)
    return _download(export_json(report), CONTENT_TYPES[SnapshotKind.JSON], audit, "json")


@login_required
def report_answers_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.VIEW)
    report = build_report(audit, charts=False)
    return _download(answers_csv(report), CSV_TYPE, audit, "csv", suffix="-answers")


@login_required
def report_metrics_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.VIEW)
    report = build_report(audit, charts=False)
    return _download(metrics_csv(report), CSV_TYPE, audit, "csv", suffix="-metrics")


def _sealed(audit, kind: SnapshotKind) -> HttpResponse | None:
    """The sealed snapshot of an approved audit as a download; None when there is none."""
    sealed = snapshot_content(audit=audit, kind=kind)
    if sealed is None:
        return None
    content, sha256 = sealed
    response = _download(content, CONTENT_TYPES[kind], audit, kind)
    response["X-Snapshot-SHA256"] = sha256
    return response


def _being_sealed() -> HttpResponse:
    # Never an unsealed copy of an approved audit; and a GET does not seal it (the job does, in
    # seconds), so the client is told when to come back.
    response = HttpResponse(SEALING_MESSAGE, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(SEALING_RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _download(content: bytes, content_type: str, audit, extension: str, suffix: str = ""):
    response = HttpResponse(content, content_type=content_type)
    filename = report_filename(audit.pk, audit.title, extension, suffix)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("audits/<int:pk>/report/", report_page, name="report"),
    path("audits/<int:pk>/report.pdf", report_pdf, name="report_pdf"),
    path("audits/<int:pk>/export.json", report_json, name="export_json"),
    path("audits/<int:pk>/answers.csv", report_answers_csv, name="answers_csv"),
    path("audits/<int:pk>/metrics.csv", report_metrics_csv, name="metrics_csv"),
]
