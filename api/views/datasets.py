"""Datasets: upload predictions or LLM responses (streamed to disk, the upload page's limit and
sniff), list, detail.

The body is never read into memory: the pages' `LimitedUploadHandler` is installed before anything
reads it, for a multipart form (`file`) and for a raw body alike (`Content-Type: text/csv`,
`application/gzip` or `application/octet-stream`; `curl -T predictions.csv .../datasets/` sends
`PUT .../datasets/predictions.csv`). Then `audits.services.datasets.dataset_ingest` sniffs and
keeps it, as the upload page does. `kind=llm` (a multipart field or `?kind=llm`) makes it a file of
LLM responses (CSV, JSON Lines or Parquet, told apart by content), checked as the page checks it.
"""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import (
    CsvUploadParser,
    GzipUploadParser,
    JsonLinesUploadParser,
    ParquetUploadParser,
    RawUploadParser,
)
from api.run_serializers import DatasetDetailSerializer, DatasetSerializer, DatasetUploadSerializer
from api.views.common import user_of
from audits import selectors
from audits.models import Audit, Dataset, DatasetKind
from audits.permissions import Action
from audits.selectors.datasets import dataset_get_for_user, datasets_for_audit
from audits.services.common import ensure_can_edit
from audits.services.datasets import dataset_ingest
from audits.uploads import LimitedUploadHandler

RAW_PARSERS: list[type[BaseParser]] = [
    CsvUploadParser,
    GzipUploadParser,
    JsonLinesUploadParser,
    ParquetUploadParser,
    RawUploadParser,
]
RAW_TYPES = tuple(parser.media_type for parser in RAW_PARSERS)
RAW_BODY = dict.fromkeys(RAW_TYPES, OpenApiTypes.BINARY)
NAME = OpenApiParameter(
    "name",
    str,
    OpenApiParameter.QUERY,
    required=False,
    description="The file's name for a raw body (or send Content-Disposition); "
    "by default predictions.csv.",
)
KIND = OpenApiParameter(
    "kind",
    str,
    OpenApiParameter.QUERY,
    required=False,
    enum=list(DatasetKind.values),
    description="predictions (the default: CSV or Parquet), llm: a file of LLM responses (CSV, "
    "JSON Lines or Parquet), or attributes: sensitive attributes joined to a predictions file on "
    "an id column (a run's `attributes`). A multipart form may send it as the `kind` field instead.",
)


class _UploadView(APIView):
    parser_classes = [MultiPartParser, *RAW_PARSERS]

    def initialize_request(self, request: HttpRequest, *args: object, **kwargs: object) -> Request:
        # Before anything reads the body: it streams to disk, and a file over the limit is refused.
        self.upload_handler = LimitedUploadHandler(request, max_bytes=settings.DATASET_MAX_BYTES)
        request.upload_handlers = [self.upload_handler]
        return super().initialize_request(request, *args, **kwargs)

    def ingest(self, request: Request, pk: int) -> Response:
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.ANSWER)
        ensure_can_edit(audit=audit, user=user)  # a locked audit: refused before the body is read
        uploaded = request.data.get("file") if hasattr(request.data, "get") else None
        refused = self.upload_handler.refused_size
        if refused is not None:
            raise ValidationError(
                {
                    "file": [
                        f"The file ({filesizeformat(refused)}) is larger than the "
                        f"{filesizeformat(settings.DATASET_MAX_BYTES)} limit, so it was not kept. "
                        "Upload a smaller file (for example a sample, or the file gzip-compressed)."
                    ]
                },
                code="too_large",
            )
        if not isinstance(uploaded, UploadedFile) or not hasattr(uploaded, "sha256"):
            raise ValidationError(
                {
                    "file": [
                        "Send the file: as the request body (Content-Type: text/csv) "
                        "or as `file` in a multipart form."
                    ]
                },
                code="required",
            )
        try:
            dataset = dataset_ingest(
                audit=audit,
                user=user,
                uploaded_file=uploaded,
                sha256=uploaded.sha256,  # computed while it streamed in
                kind=_kind(request),
            )
        finally:
            uploaded.close()  # its temporary file: moved into storage, or deleted now
        return _created(request, audit, dataset)


def _kind(request: Request) -> str:
    """The upload's kind: the multipart field, else `?kind=`; the service refuses an unknown one."""
    field = request.data.get("kind") if hasattr(request.data, "get") else None
    kind = field if field is not None else request.query_params.get("kind")
    if kind is None or kind == "":
        return DatasetKind.PREDICTIONS
    if not isinstance(kind, str):
        raise ValidationError({"kind": [f"Choose one of: {', '.join(DatasetKind.values)}."]})
    return kind


def _created(request: Request, audit: Audit, dataset: Dataset) -> Response:
    body = DatasetDetailSerializer(dataset).data
    location = request.build_absolute_uri(f"/api/v1/audits/{audit.pk}/datasets/{dataset.pk}/")
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class DatasetList(_UploadView):
    @extend_schema(responses={200: DatasetSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """The audit's uploaded files (predictions and LLM responses), newest first."""
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        return Response(DatasetSerializer(datasets_for_audit(audit), many=True).data)

    @extend_schema(
        request={"multipart/form-data": DatasetUploadSerializer, **RAW_BODY},
        parameters=[NAME, KIND],
        responses={201: DatasetDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Upload predictions or LLM responses: the raw body (`text/csv`, `application/gzip`,
        `application/x-ndjson`, `application/vnd.apache.parquet`, `application/octet-stream`) or
        `file` in a multipart form.

        Predictions (and `kind=attributes`): a CSV with a header row, comma, semicolon or tab
        separated, UTF-8, optionally gzipped, or Parquet (recognised by its content). LLM responses (`kind=llm`): CSV, JSON Lines or Parquet with one row per response,
        checked at once by the text engine (a missing role, one group only: 400 on `file`). Up to
        DATASET_MAX_BYTES; it streams to disk, never read whole into memory. The answer has the
        preview (columns, first rows, the guess of the mapping or of the roles), as the upload page
        shows it.
        """
        return self.ingest(request, pk)


class DatasetUpload(_UploadView):
    parser_classes = RAW_PARSERS

    @extend_schema(
        operation_id="audits_datasets_upload",
        request=RAW_BODY,
        parameters=[KIND],
        responses={201: DatasetDetailSerializer},
    )
    def put(self, request: Request, pk: int, filename: str) -> Response:
        """Upload predictions (or LLM responses, `?kind=llm`) as the raw body, named by the address.

        `curl -T predictions.csv -H "Content-Type: text/csv" .../audits/1/datasets/` sends this.
        Each upload is a new dataset.
        """
        return self.ingest(request, pk)


class DatasetDetail(APIView):
    @extend_schema(responses={200: DatasetDetailSerializer})
    def get(self, request: Request, pk: int, dataset_pk: int) -> Response:
        """One dataset with its preview: columns, first rows, distinct values, the mapping guess."""
        dataset = dataset_get_for_user(
            user_of(request), audit_pk=pk, dataset_pk=dataset_pk, action=Action.VIEW
        )
        return Response(DatasetDetailSerializer(dataset).data)
