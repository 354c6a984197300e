"""Error bodies: every error of the API is JSON with a machine-readable `code` and a `detail`.

drf-standardized-errors gives the shape (`{"type": ..., "errors": [{"code", "detail", "attr"}]}`);
here the app's own exceptions become API errors with their message kept: an outsider's 404, a
lesser role's 403 (`permission_denied`), a locked audit (`audit_locked`), a stale answer (409
`answer_conflict`, with what is stored now), a Django ValidationError (400 per field). Unknown
`/api/...` addresses and server errors outside a view answer the same JSON (`not_found`, `error`).
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from audits.services.answers import AnswerConflict
from audits.services.audits import IncompleteAudit
from audits.services.common import AuditLocked

API_PREFIX = "/api/"


class ApiError(exceptions.APIException):
    """An API error with extra members in its body (e.g. the current answer of a conflict)."""

    def __init__(
        self,
        detail: str,
        *,
        code: str,
        status_code: int,
        extra: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.extra = extra or {}
        self.wait = retry_after  # the handler sends it as Retry-After


class AuditLockedError(ApiError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="audit_locked", status_code=status.HTTP_403_FORBIDDEN)


def conflict_error(conflict: AnswerConflict, *, serialize: Any) -> ApiError:
    """409 with each conflicting question's stored answer: value, revision, who saved it and when."""
    return ApiError(
        f"{conflict} Nothing was saved: read the current answer and send it again with its revision.",
        code="answer_conflict",
        status_code=status.HTTP_409_CONFLICT,
        extra={"current": [serialize(c.question, c.current) for c in conflict.conflicts]},
    )


def validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A Django ValidationError as DRF's, keyed by field (`non_field_errors` for the rest)."""
    if hasattr(error, "error_dict"):
        detail: Any = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(detail)


class ApiExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, AuditLocked):
            return AuditLockedError(str(exc))
        if isinstance(exc, IncompleteAudit):
            missing = [{"question": i.question.code, "reason": i.reason} for i in exc.items]
            return ApiError(
                exc.messages[0],
                code="audit_incomplete",
                status_code=status.HTTP_400_BAD_REQUEST,
                extra={"missing": missing},
            )
        if isinstance(exc, AnswerConflict):
            return ApiError(str(exc), code="answer_conflict", status_code=409)
        if isinstance(exc, Http404):
            message = str(exc)
            return exceptions.NotFound(message if message else None)
        if isinstance(exc, PermissionDenied):
            message = str(exc)
            return exceptions.PermissionDenied(message if message else None)
        if isinstance(exc, DjangoValidationError):
            return validation_error(exc)
        return exc

    def report_exception(self, exc: exceptions.APIException, response: Response) -> None:
        # A deliberate answer (e.g. 503 while a report is sealed) is no server failure to report.
        if not isinstance(exc, ApiError):
            super().report_exception(exc, response)


class ApiExceptionFormatter(ExceptionFormatter):
    def format_error_response(self, error_response: Any) -> Any:
        body = super().format_error_response(error_response)
        extra = getattr(self.exc, "extra", None)
        if extra:
            body.update(extra)
        return body


def _error_body(code: str, detail: str, *, kind: str) -> dict[str, Any]:
    return {"type": kind, "errors": [{"code": code, "detail": detail, "attr": None}]}


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        body = _error_body("not_found", "There is nothing at this address.", kind="client_error")
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        body = _error_body("error", "Server Error (500)", kind="server_error")
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
