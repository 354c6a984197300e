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
from audits.models import Audit
from audits.permissions import Action
from audits.reports.builder import build_report
from audits.reports.compare import comparison_build
from audits.reports.coverage import report_coverage
from audits.reports.pdf import PAGE_TEMPLATE, report_context
from audits.selectors.reports import audit_is_sealing
from audits.services.downloads import ReportBeingSealed, ReportFile, ReportKind, report_file
from audits.views.common import AuthenticatedHttpRequest


@login_required
def report_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.VIEW)
    report = build_report(audit)
    context = {**report_context(report, for_print=False), "audit": audit}
    context["snapshots"] = report.snapshots
    context["sealing"] = audit_is_sealing(audit, report.snapshots)
    return render(request, PAGE_TEMPLATE, context)


@login_required
def compare_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A re-audit beside the audit it continues; an audit that is no re-audit says so."""
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.VIEW)
    context = {"audit": audit, "comparison": comparison_build(audit)}
    return render(request, "audits/audit_compare.html", context)


@login_required
def coverage_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Where the audit stands on each framework part its checklist cites (or does not)."""
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.VIEW)
    report = build_report(audit, charts=False)
    context = {"audit": audit, "coverage": report_coverage(report)}
    return render(request, "audits/coverage.html", context)


@login_required
def report_coverage_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, ReportKind.COVERAGE_CSV)


@login_required
def report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, ReportKind.PDF)


@login_required
def report_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, ReportKind.JSON)


@login_required
def report_answers_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, ReportKind.ANSWERS_CSV)


@login_required
def report_metrics_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, ReportKind.METRICS_CSV)


def _download(request: AuthenticatedHttpRequest, pk: int, kind: ReportKind) -> HttpResponse:
    audit: Audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.VIEW)
    try:
        file = report_file(audit=audit, kind=kind)
    except ReportBeingSealed as sealing:
        return being_sealed_response(sealing)
    return download_response(file)


def being_sealed_response(sealing: ReportBeingSealed) -> HttpResponse:
    # Never an unsealed copy of an approved audit; and a GET does not seal it (the job does, in
    # seconds), so the client is told when to come back.
    response = HttpResponse(str(sealing), status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(sealing.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def download_response(file: ReportFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Content-Length"] = str(len(file.content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if file.sha256 is not None:
        response["X-Snapshot-SHA256"] = file.sha256
    return response


urlpatterns = [
    path("audits/<int:pk>/report/", report_page, name="report"),
    path("audits/<int:pk>/report.pdf", report_pdf, name="report_pdf"),
    path("audits/<int:pk>/export.json", report_json, name="export_json"),
    path("audits/<int:pk>/answers.csv", report_answers_csv, name="answers_csv"),
    path("audits/<int:pk>/metrics.csv", report_metrics_csv, name="metrics_csv"),
    path("audits/<int:pk>/compare/", compare_page, name="compare"),
    path("audits/<int:pk>/coverage/", coverage_page, name="coverage"),
    path("audits/<int:pk>/coverage.csv", report_coverage_csv, name="coverage_csv"),
]
