"""Evidence through the API: the pages' content checks and size limit, links, the download."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from audits.models import Evidence

from ..audits.evidence_samples import HTML, PDF
from .conftest import read_download


def _url(audit):
    return reverse("api:evidence_list", kwargs={"pk": audit.pk})


def test_upload_a_pdf_then_download_it_as_an_attachment(api_auditor, audit):
    question = audit.checklist_version.questions.first()
    response = api_auditor.post(
        _url(audit),
        {"file": SimpleUploadedFile("dpia.pdf", PDF), "question": question.pk, "description": "D"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "file" and body["content_type"] == "application/pdf"
    assert body["question"] == question.pk and body["size"] == len(PDF)
    download = api_auditor.get(body["download_url"])
    assert download.status_code == 200
    assert read_download(download) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    listed = api_auditor.get(_url(audit)).json()
    assert [e["id"] for e in listed] == [body["id"]]


def test_content_that_does_not_match_the_name_is_refused(api_auditor, audit):
    response = api_auditor.post(
        _url(audit), {"file": SimpleUploadedFile("report.pdf", HTML)}, format="multipart"
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "file" and "PDF" in error["detail"]
    assert not Evidence.objects.exists()


def test_an_unaccepted_type_and_an_empty_file_are_refused(api_auditor, audit):
    exe = api_auditor.post(
        _url(audit),
        {"file": SimpleUploadedFile("tool.exe", b"MZ" + b"\0" * 60)},
        format="multipart",
    )
    assert exe.status_code == 400 and "not accepted" in exe.json()["errors"][0]["detail"]
    empty = api_auditor.post(
        _url(audit), {"file": SimpleUploadedFile("empty.txt", b"")}, format="multipart"
    )
    assert empty.status_code == 400 and empty.json()["errors"][0]["attr"] == "file"


@override_settings(EVIDENCE_MAX_BYTES=1000)
def test_a_file_over_the_limit_is_refused_with_its_size(api_auditor, audit):
    response = api_auditor.post(
        _url(audit), {"file": SimpleUploadedFile("big.txt", b"a" * 5000)}, format="multipart"
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "file" and "limit" in error["detail"]
    assert not Evidence.objects.exists()


def test_links_http_only_and_url_or_file(api_auditor, audit):
    ok = api_auditor.post(_url(audit), {"url": "https://example.org/dpia"}, format="json")
    assert ok.status_code == 201 and ok.json()["kind"] == "link"
    bad = api_auditor.post(_url(audit), {"url": "javascript:alert(1)"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "url"
    neither = api_auditor.post(_url(audit), {"description": "x"}, format="json")
    assert neither.status_code == 400
    assert neither.json()["errors"][0]["code"] == "url_or_file"


def test_a_question_of_another_checklist_is_400(api_auditor, audit):
    response = api_auditor.post(
        _url(audit), {"url": "https://example.org", "question": 999999}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "question"
