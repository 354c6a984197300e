"""Evidence: list, add a link, upload a file (the pages' checks and limits), download, delete."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import EvidenceCreateSerializer, EvidenceSerializer
from api.views.common import DownloadView, binary, question_or_400, user_of
from audits import selectors
from audits.permissions import Action
from audits.selectors.evidence import (
    evidence_for_audit,
    evidence_get_for_user,
)
from audits.services import evidence as services
from audits.services.common import ensure_can_edit
from audits.uploads import LimitedUploadHandler


class EvidenceList(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def initialize_request(self, request: HttpRequest, *args: object, **kwargs: object) -> Request:
        # Before anything reads the body: files stream to disk, and one over the limit is refused.
        self.upload_handler = LimitedUploadHandler(request, max_bytes=settings.EVIDENCE_MAX_BYTES)
        request.upload_handlers = [self.upload_handler]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(responses={200: EvidenceSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """The audit's evidence, for the audit as a whole and per question, in upload order."""
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        items = [e for group in evidence_for_audit(audit).values() for e in group]
        items.sort(key=lambda e: (e.created_at, e.pk))
        context = {"request": request}
        return Response(EvidenceSerializer(items, many=True, context=context).data)

    @extend_schema(
        request={
            "multipart/form-data": EvidenceCreateSerializer,
            "application/json": EvidenceCreateSerializer,
        },
        responses={201: EvidenceSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Add a link (`url`) or upload a file (`file`, multipart), for the audit or a `question`.

        A file is checked by its content, not only its name (EVIDENCE_ALLOWED_TYPES), and must not
        pass EVIDENCE_MAX_BYTES.
        """
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.ANSWER)
        ensure_can_edit(audit=audit, user=user)  # a locked audit: refused before the body is read
        data = request.data
        if self.upload_handler.refused_size is not None:
            raise ValidationError(
                {"file": [services.too_large_message(self.upload_handler.refused_size)]},
                code="too_large",
            )
        serializer = EvidenceCreateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        common = {
            "audit": audit,
            "user": user,
            "question": question_or_400(audit, values.get("question")),
            "description": values.get("description", ""),
        }
        if values.get("file") is not None:
            evidence = services.evidence_add_file(uploaded_file=values["file"], **common)
        else:
            evidence = services.evidence_add_link(url=values["url"], **common)
        evidence = evidence_get_for_user(
            user, audit_pk=audit.pk, evidence_pk=evidence.pk, action=Action.VIEW
        )
        body = EvidenceSerializer(evidence, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class EvidenceDetail(APIView):
    @extend_schema(responses={200: EvidenceSerializer})
    def get(self, request: Request, pk: int, evidence_pk: int) -> Response:
        """One piece of evidence."""
        evidence = evidence_get_for_user(
            user_of(request), audit_pk=pk, evidence_pk=evidence_pk, action=Action.VIEW
        )
        return Response(EvidenceSerializer(evidence, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, evidence_pk: int) -> Response:
        """Delete the evidence (and its stored file) while the audit is editable."""
        user = user_of(request)
        evidence = evidence_get_for_user(
            user, audit_pk=pk, evidence_pk=evidence_pk, action=Action.ANSWER
        )
        services.evidence_delete(evidence=evidence, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceDownload(DownloadView):
    @extend_schema(
        responses=binary(
            "*/*", "The file, as an attachment, with the type its content was checked as."
        )
    )
    def get(self, request: Request, pk: int, evidence_pk: int) -> FileResponse:
        """The stored file as an attachment, with the content type its content was checked as."""
        evidence = evidence_get_for_user(
            user_of(request), audit_pk=pk, evidence_pk=evidence_pk, action=Action.VIEW
        )
        if not evidence.file.name:
            raise Http404("This evidence is a link or a fairness run, not a file.")
        try:
            handle = evidence.file.storage.open(evidence.file.name, "rb")
        except FileNotFoundError:
            raise Http404("The stored file is missing.") from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.original_name or "evidence",
            content_type=evidence.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
