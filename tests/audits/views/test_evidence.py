"""Evidence pages: the role matrix, the database and storage after each call, the download's headers."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.views.static import serve

from audits.models import AuditStatus, Evidence
from audits.services.evidence import evidence_add_file, evidence_add_link
from tests.audits.evidence_samples import HTML, PDF, office, stored_files, upload
from tests.factories import AuditFactory

MEMBERS_WHO_ANSWER = ["owner_client", "auditor_client"]
MEMBERS_WHO_DO_NOT = ["reviewer_client", "viewer_client"]
ALL_MEMBERS = MEMBERS_WHO_ANSWER + MEMBERS_WHO_DO_NOT


def add_url(audit, **query) -> str:
    url = reverse("audits:evidence_add", args=[audit.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def pdf_evidence(audit, auditor):
    return evidence_add_file(audit=audit, user=auditor, uploaded_file=upload("Model card.pdf", PDF))


def file_post(name="model-card.pdf", data=PDF, **extra) -> dict:
    return {"kind": "file", "file": upload(name, data), "description": "Card", **extra}


# --- add -------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", MEMBERS_WHO_ANSWER)
def test_answering_roles_see_the_form(request, client_name, audit):
    response = request.getfixturevalue(client_name).get(add_url(audit))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert "Add evidence" in response.text
    assert audit.team.name in response.text  # breadcrumbs


@pytest.mark.parametrize("client_name", MEMBERS_WHO_DO_NOT)
def test_lesser_roles_get_403_on_add(request, client_name, audit, private_media):
    client = request.getfixturevalue(client_name)
    assert client.get(add_url(audit)).status_code == 403
    assert client.post(add_url(audit), file_post()).status_code == 403
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_outsider_gets_404_on_add(outsider_client, audit, private_media):
    assert outsider_client.get(add_url(audit)).status_code == 404
    assert outsider_client.post(add_url(audit), file_post()).status_code == 404
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_anonymous_is_sent_to_login_on_add(client, audit):
    response = client.post(add_url(audit), file_post())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("client_name", MEMBERS_WHO_ANSWER)
def test_upload_stores_the_file_and_says_so(request, client_name, audit, private_media):
    response = request.getfixturevalue(client_name).post(add_url(audit), file_post())
    assert response.status_code == 302
    assert response.url == audit.get_absolute_url()
    evidence = Evidence.objects.get()
    assert evidence.audit == audit
    assert evidence.question is None
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert Path(evidence.file.path).is_relative_to(private_media)
    assert messages_of(response) == ["Evidence added: model-card.pdf."]


def test_office_upload_goes_through_the_streaming_handler(auditor_client, audit):
    data = office("docx")
    response = auditor_client.post(add_url(audit), file_post(name="Data sheet.docx", data=data))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.content_type.endswith("wordprocessingml.document")
    assert Path(evidence.file.path).read_bytes() == data
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()


def test_question_in_the_address_is_preselected(auditor_client, audit, question):
    response = auditor_client.get(add_url(audit, question=question.pk))
    assert response.status_code == 200
    assert f'<option value="{question.pk}" selected>' in response.text
    assert question.code in response.text


@pytest.mark.parametrize("bad", ["foreign", "abc", "999999"])
def test_question_not_of_the_audit_in_the_address_is_404(
    auditor_client, audit, foreign_question, bad
):
    question_pk = foreign_question.pk if bad == "foreign" else bad
    assert auditor_client.get(add_url(audit, question=question_pk)).status_code == 404


def test_question_of_another_version_posted_is_refused(auditor_client, audit, foreign_question):
    response = auditor_client.post(add_url(audit), file_post(question=foreign_question.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Evidence.objects.exists()


def test_link_for_a_question(auditor_client, audit, question):
    data = {"kind": "link", "url": "https://wiki.example.org/card", "question": question.pk}
    response = auditor_client.post(add_url(audit), data)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.url, evidence.question) == ("https://wiki.example.org/card", question)
    assert messages_of(response) == ["Evidence added: https://wiki.example.org/card."]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x.pdf"])
def test_link_other_than_http_is_refused_next_to_the_field(auditor_client, audit, url):
    data = {"kind": "link", "url": url, "description": "Kept text"}
    response = auditor_client.post(add_url(audit), data)
    assert response.status_code == 200
    assert "Only http:// and https:// links are accepted." in response.text
    assert "Kept text" in response.text  # what the user typed stays
    assert not Evidence.objects.exists()
    assert messages_of(response) == ["The evidence was not added: see what to fix below."]


def test_choice_of_file_needs_a_file(auditor_client, audit):
    response = auditor_client.post(add_url(audit), {"kind": "file", "url": "javascript:x"})
    assert "Choose a file to upload." in response.text
    assert "Only http" not in response.text  # the unused field is ignored
    assert not Evidence.objects.exists()


def test_too_large_file_is_refused_with_the_limit(auditor_client, audit, settings, private_media):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = auditor_client.post(add_url(audit), file_post(data=PDF + b"0" * 2048))
    assert response.status_code == 200
    assert "The file is 2.1 KB; the limit is 1 KB." in response.text
    assert "is-invalid" in response.text  # shown next to the field
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_renamed_html_is_refused_by_content(auditor_client, audit, private_media):
    response = auditor_client.post(add_url(audit), file_post(name="scan.png", data=HTML))
    assert response.status_code == 200
    assert "its content is an HTML document" in response.text
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


@pytest.mark.parametrize(
    "data", [b"[" * 200_000, b"7" * 5000], ids=["nested too deeply", "5000-digit integer"]
)
def test_json_python_cannot_parse_is_refused_not_a_500(auditor_client, audit, private_media, data):
    response = auditor_client.post(add_url(audit), file_post(name="metrics.json", data=data))
    assert response.status_code == 200
    assert "The file is named .json but it is not valid JSON: " in response.text
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_upload_without_csrf_token_is_refused(auditor, audit, private_media):
    client = Client(enforce_csrf_checks=True)
    client.force_login(auditor)
    # The view swaps in its upload handler before the body is read; the CSRF check still runs.
    assert client.post(add_url(audit), file_post()).status_code == 403
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_broken_address_is_refused_not_crashed(auditor_client, audit):
    response = auditor_client.post(add_url(audit), {"kind": "link", "url": "http://[::1"})
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not Evidence.objects.exists()


def test_safe_next_is_followed(auditor_client, audit):
    next_url = audit.get_absolute_url() + "?principle=fairness"
    response = auditor_client.post(add_url(audit), file_post(next=next_url))
    assert response.url == next_url


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_unsafe_next_is_ignored(auditor_client, audit, next_url):
    response = auditor_client.post(add_url(audit), file_post(next=next_url))
    assert response.url == audit.get_absolute_url()


@pytest.mark.parametrize("status", [AuditStatus.APPROVED, AuditStatus.IN_REVIEW])
def test_locked_audit_refuses_add(auditor_client, audit, private_media, status):
    audit.status = status
    audit.save()
    assert auditor_client.get(add_url(audit)).status_code == 403
    response = auditor_client.post(add_url(audit), file_post())
    assert response.status_code == 403
    assert "cannot change now" in response.text
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


# --- download --------------------------------------------------------------------------------


def download_url(evidence, audit=None) -> str:
    return reverse("audits:evidence_download", args=[(audit or evidence.audit).pk, evidence.pk])


@pytest.mark.parametrize("client_name", ALL_MEMBERS)
def test_members_download_the_bytes_as_an_attachment(request, client_name, pdf_evidence):
    response = request.getfixturevalue(client_name).get(download_url(pdf_evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    response.close()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Model card.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Length"] == str(len(PDF))
    assert "no-store" in response["Cache-Control"]


def test_download_keeps_a_non_ascii_name(auditor_client, audit, auditor):
    evidence = evidence_add_file(
        audit=audit, user=auditor, uploaded_file=upload("Équité report.pdf", PDF)
    )
    response = auditor_client.get(download_url(evidence))
    response.close()
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C3%89quit%C3%A9%20report.pdf"
    )


def test_text_evidence_is_served_as_utf8_text(auditor_client, audit, auditor):
    evidence = evidence_add_file(
        audit=audit, user=auditor, uploaded_file=upload("notes.txt", "Équité".encode())
    )
    response = auditor_client.get(download_url(evidence))
    assert b"".join(response.streaming_content) == "Équité".encode()
    response.close()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


def test_outsider_gets_404_on_download(outsider_client, pdf_evidence):
    response = outsider_client.get(download_url(pdf_evidence))
    assert response.status_code == 404
    assert not hasattr(response, "streaming_content")


def test_anonymous_is_sent_to_login_on_download(client, pdf_evidence):
    response = client.get(download_url(pdf_evidence))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_evidence_of_another_audit_is_404_even_for_a_member(auditor_client, audit, pdf_evidence):
    other = AuditFactory(team=audit.team, checklist_version=audit.checklist_version)
    assert auditor_client.get(download_url(pdf_evidence, audit=other)).status_code == 404


def test_link_evidence_has_no_download(auditor_client, audit, auditor):
    link = evidence_add_link(audit=audit, user=auditor, url="https://example.org")
    assert auditor_client.get(download_url(link)).status_code == 404


def test_missing_stored_file_is_404(auditor_client, pdf_evidence):
    Path(pdf_evidence.file.path).unlink()
    assert auditor_client.get(download_url(pdf_evidence)).status_code == 404


def test_no_url_serves_the_storage_folder(pdf_evidence):
    assert not settings.MEDIA_URL

    def callbacks(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from callbacks(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern.callback

    assert serve not in list(callbacks(get_resolver().url_patterns))
    for prefix in ("/media/", "/private_media/", "/.test_media/", "/"):
        with pytest.raises(Resolver404):
            resolve(prefix + pdf_evidence.file.name)


# --- delete ----------------------------------------------------------------------------------


def delete_url(evidence) -> str:
    return reverse("audits:evidence_delete", args=[evidence.audit_id, evidence.pk])


@pytest.mark.parametrize("client_name", MEMBERS_WHO_ANSWER)
def test_answering_roles_delete_evidence_and_its_file(
    request, client_name, pdf_evidence, django_capture_on_commit_callbacks
):
    path = Path(pdf_evidence.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = request.getfixturevalue(client_name).post(delete_url(pdf_evidence))
    assert response.status_code == 302
    assert response.url == pdf_evidence.audit.get_absolute_url()
    assert not Evidence.objects.exists()
    assert not path.exists()
    assert messages_of(response) == ["Evidence deleted: Model card.pdf."]


@pytest.mark.parametrize("client_name", MEMBERS_WHO_DO_NOT)
def test_lesser_roles_get_403_on_delete(request, client_name, pdf_evidence):
    assert request.getfixturevalue(client_name).post(delete_url(pdf_evidence)).status_code == 403
    assert Evidence.objects.count() == 1
    assert Path(pdf_evidence.file.path).exists()


def test_outsider_gets_404_on_delete(outsider_client, pdf_evidence):
    assert outsider_client.post(delete_url(pdf_evidence)).status_code == 404
    assert Evidence.objects.count() == 1


def test_anonymous_is_sent_to_login_on_delete(client, pdf_evidence):
    response = client.post(delete_url(pdf_evidence))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Evidence.objects.count() == 1


def test_delete_is_post_only(auditor_client, pdf_evidence):
    assert auditor_client.get(delete_url(pdf_evidence)).status_code == 405
    assert Evidence.objects.count() == 1


def test_delete_returns_to_a_safe_next(auditor_client, pdf_evidence):
    next_url = pdf_evidence.audit.get_absolute_url() + "#evidence"
    response = auditor_client.post(delete_url(pdf_evidence), {"next": next_url})
    assert response.url == next_url


def test_locked_audit_refuses_delete(auditor_client, audit, pdf_evidence):
    audit.status = AuditStatus.APPROVED
    audit.save()
    response = auditor_client.post(delete_url(pdf_evidence))
    assert response.status_code == 403
    assert Evidence.objects.count() == 1
    assert Path(pdf_evidence.file.path).exists()
