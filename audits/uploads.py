"""Streaming upload handler for prediction files: hashes while writing to disk, refuses oversize files.

Installed only on the dataset upload view (see `audits.views.datasets.dataset_upload`): every chunk
goes straight to a temporary file, so a 2 GB upload never sits in memory, and its SHA-256 is known
the moment the upload ends, without reading the file a second time.
"""

import hashlib

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler


class DatasetUploadHandler(TemporaryFileUploadHandler):
    """Write the upload to a temporary file, hashing it; skip it once it passes `max_bytes`.

    After the request body is parsed, `too_big` says whether a file was refused for its size (the
    form turns that into an error next to the field); each kept file carries its hex SHA-256 digest
    as a `sha256` attribute. A refused file's temporary file is closed, which deletes it.
    """

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_big = False
        self._hash = None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, *args):
        # A client that declares the part's length lets us refuse before writing anything.
        if content_length is not None and content_length > self.max_bytes:
            self.too_big = True
            raise SkipFile
        super().new_file(field_name, file_name, content_type, content_length, charset, *args)
        self._hash = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int):
        if start + len(raw_data) > self.max_bytes:
            self.too_big = True
            # The parser closes (and so deletes) the temporary file and reads past the rest.
            raise SkipFile
        self._hash.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self._hash.hexdigest()
        return uploaded
