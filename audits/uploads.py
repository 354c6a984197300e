"""The one streaming upload handler: writes to disk, hashes on the way, refuses oversize files.

Installed by the views that take files (`audits.views.datasets.dataset_upload` with
`DATASET_MAX_BYTES`, `audits.views.evidence.evidence_add` with `EVIDENCE_MAX_BYTES`) before the
body is read: every chunk goes straight to a temporary file, so a 2 GB upload never sits in memory,
and its SHA-256 is known the moment the upload ends, without reading the file a second time.
"""

import hashlib
from typing import cast

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Stream uploads to a temporary file, hashing them; one over `max_bytes` is counted, not kept.

    A file over the limit is counted to its end but written nowhere, so a file of any size never
    fills the disk, and its exact size is then known (`refused_size`) for a message that says how
    far over the limit it is; `too_big` says whether a file was refused. The refused file is left
    out of `request.FILES` and its temporary file closed, which deletes it. Each kept file carries
    its hex SHA-256 digest as a `sha256` attribute.
    """

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.refused_size: int | None = None
        self._hash = hashlib.sha256()

    @property
    def too_big(self) -> bool:
        return self.refused_size is not None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self._hash = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.max_bytes:
            return None  # counted by the parser, written nowhere
        self._hash.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> TemporaryUploadedFile | None:
        if file_size > self.max_bytes:
            self.file.close()  # deletes the temporary file
            self.refused_size = file_size
            return None  # the file is left out of request.FILES
        uploaded = cast(TemporaryUploadedFile, super().file_complete(file_size))  # self.file
        uploaded.sha256 = self._hash.hexdigest()  # type: ignore[attr-defined]  # an attribute of our own, read by the upload views
        return uploaded
