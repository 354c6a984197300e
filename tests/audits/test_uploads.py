"""The one upload handler of datasets and evidence: kept with its hash, or refused and counted."""

import hashlib
import io

import pytest
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from audits.uploads import LimitedUploadHandler


def parse(data: bytes, handler: LimitedUploadHandler):
    upload = io.BytesIO(data)
    upload.name = "file.csv"
    body = encode_multipart(BOUNDARY, {"file": upload, "note": "kept"})
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    return MultiPartParser(meta, io.BytesIO(body), [handler]).parse()


@pytest.fixture(autouse=True)
def upload_tmp(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def test_a_file_at_the_limit_is_kept_with_its_sha256():
    data = b"sex,label\n" * 10_000  # several chunks
    handler = LimitedUploadHandler(max_bytes=len(data))
    post, files = parse(data, handler)
    uploaded = files["file"]
    assert (uploaded.size, uploaded.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert uploaded.read() == data
    assert (handler.too_big, handler.refused_size, post["note"]) == (False, None, "kept")


def test_a_file_over_the_limit_is_counted_to_its_end_and_leaves_nothing(upload_tmp):
    data = b"x" * 300_000
    handler = LimitedUploadHandler(max_bytes=1000)
    post, files = parse(data, handler)
    assert "file" not in files
    assert (handler.too_big, handler.refused_size, post["note"]) == (True, 300_000, "kept")
    assert list(upload_tmp.iterdir()) == []
