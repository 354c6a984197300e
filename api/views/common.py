"""Shared pieces of the API views: the signed-in request type, a body's question, downloads."""

from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from audits.models import Audit
from audits.selectors.evidence import question_for_audit_get
from audits.services.downloads import ReportFile
from checklists.models import Question


class AuthenticatedRequest(Request):
    """The request of a view behind IsAuthenticated (for the type checker only)."""

    user: User


def user_of(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated has let only signed-in users through
    return user


def question_or_400(audit: Audit, question_pk: int | None) -> Question | None:
    """The audit's question named in a body (evidence, an action), or a 400 on `question`."""
    if question_pk is None:
        return None
    try:
        return question_for_audit_get(audit, question_pk=question_pk)
    except Http404:
        raise ValidationError(
            {"question": ["Not a question of the checklist version this audit uses."]}
        ) from None


class DownloadView(APIView):
    """A view whose success is a file: any Accept is fine; errors are still JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)


def download_response(file: ReportFile) -> HttpResponse:
    """An attachment that no browser renders or sniffs into another type, never cached shared."""
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Content-Length"] = str(len(file.content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if file.sha256 is not None:
        response["X-Snapshot-SHA256"] = file.sha256
    return response


def binary(media_type: str, description: str) -> dict[tuple[int, str], OpenApiResponse]:
    return {(200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description)}
