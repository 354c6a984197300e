"""Raw-body uploads: the request body is the file (`curl -T predictions.csv .../datasets/`).

DRF's FileUploadParser feeds the body, chunk by chunk, to the request's upload handlers (here the
pages' `LimitedUploadHandler`: straight to a temporary file, hashed on the way, counted and not kept
past the limit), so the body is never held in memory. The file's name comes from the address
(`PUT .../datasets/<filename>`), a `Content-Disposition: attachment; filename=...` header or a
`?name=` parameter, else it is `predictions.csv`.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, FileUploadParser

from audits.uploads import LimitedUploadHandler

DEFAULT_NAME = "predictions.csv"


class RawUploadParser(FileUploadParser):
    media_type = "application/octet-stream"

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> DataAndFiles:
        if stream is None:  # an empty body: no file, which the view reports on `file`
            return DataAndFiles({}, {})
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            handlers = (parser_context or {})["request"].upload_handlers
            if any(isinstance(h, LimitedUploadHandler) and h.too_big for h in handlers):
                return DataAndFiles({}, {})  # over the limit: counted, not kept (see the view)
            raise

    def get_filename(
        self, stream: Any, media_type: str | None, parser_context: Mapping[str, Any]
    ) -> str:
        named = super().get_filename(stream, media_type, parser_context)
        if named:
            return str(named)
        query = parser_context["request"].query_params.get("name", "")
        return query.strip() or DEFAULT_NAME


class CsvUploadParser(RawUploadParser):
    media_type = "text/csv"


class GzipUploadParser(RawUploadParser):
    media_type = "application/gzip"


class JsonLinesUploadParser(RawUploadParser):
    media_type = "application/x-ndjson"


class ParquetUploadParser(RawUploadParser):
    media_type = "application/vnd.apache.parquet"
