"""The report's downloads: PDF, `audit-export/1` JSON, the answers and metrics CSV tables.

The same rules as the report pages (`audits.services.downloads`): an approved audit serves its
sealed PDF and JSON (with `X-Snapshot-SHA256`), and answers 503 `report_being_sealed` with
Retry-After while its sealing job runs.
"""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request

from api.errors import ApiError
from api.schema import ErrorResponseSerializer
from api.views.common import DownloadView, binary, download_response, user_of
from audits import selectors
from audits.permissions import Action
from audits.services.downloads import ReportBeingSealed, ReportKind, report_file

SEALING = {
    503: OpenApiResponse(
        ErrorResponseSerializer,
        description="`report_being_sealed`: approved, its report is being sealed (Retry-After).",
    )
}


def sealed(responses: dict[Any, OpenApiResponse]) -> dict[Any, OpenApiResponse]:
    return {**responses, **SEALING}


class _ExportView(DownloadView):
    kind: ReportKind

    def get(self, request: Request, pk: int) -> HttpResponse:
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        try:
            file = report_file(audit=audit, kind=self.kind)
        except ReportBeingSealed as sealing:
            raise ApiError(
                str(sealing),
                code="report_being_sealed",
                status_code=503,
                retry_after=sealing.retry_after,
            ) from None
        return download_response(file)


class ReportPdf(_ExportView):
    kind = ReportKind.PDF

    @extend_schema(
        responses=sealed(binary("application/pdf", "The report (sealed once approved)."))
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The report as a PDF."""
        return super().get(request, pk)


class ExportJson(_ExportView):
    kind = ReportKind.JSON

    @extend_schema(
        responses=sealed(
            {
                (200, "application/json"): OpenApiResponse(
                    OpenApiTypes.OBJECT, description="The audit-export/1 document."
                )
            }
        )
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The audit as an `audit-export/1` JSON document (sealed once approved)."""
        return super().get(request, pk)


class AnswersCsv(_ExportView):
    kind = ReportKind.ANSWERS_CSV

    @extend_schema(responses=binary("text/csv", "One row per question."))
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The answers as a CSV table."""
        return super().get(request, pk)


class MetricsCsv(_ExportView):
    kind = ReportKind.METRICS_CSV

    @extend_schema(responses=binary("text/csv", "One row per metric and group."))
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The fairness runs' metrics as a CSV table."""
        return super().get(request, pk)


class CoverageCsv(_ExportView):
    kind = ReportKind.COVERAGE_CSV

    @extend_schema(
        responses=binary("text/csv", "One row per framework part and question citing it.")
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """Framework coverage (EU AI Act, NIST AI RMF, ISO/IEC 42001, NYC LL144) as a CSV table."""
        return super().get(request, pk)
