"""audits.services.evidence: what is stored, what is refused, and who may do it."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audits.models import AuditStatus, Evidence
from audits.services.common import AuditLocked
from audits.services.evidence import (
    evidence_add_file,
    evidence_add_link,
    evidence_delete,
    human_size,
)
from tests.audits.evidence_samples import HTML, PDF, PNG, WINDOWS_EXE, office, stored_files, upload


def add_pdf(audit, user, name="model-card.pdf", data=PDF, **kwargs) -> Evidence:
    return evidence_add_file(audit=audit, user=user, uploaded_file=upload(name, data), **kwargs)


def test_file_is_stored_privately_with_its_sha256(audit, auditor, question, private_media):
    evidence = add_pdf(audit, auditor, question=question, description=" The model card ")

    evidence.refresh_from_db()
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.size == len(PDF)
    assert evidence.original_name == "model-card.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.question == question
    assert evidence.description == "The model card"
    assert evidence.uploaded_by == auditor
    assert len(evidence.storage_token) == 32
    # Stored under a random name in the private folder, never under the user's file name.
    path = Path(evidence.file.path)
    assert path.read_bytes() == PDF
    assert path.is_relative_to(private_media)
    assert "model-card" not in evidence.file.name
    assert evidence.storage_token in evidence.file.name
    with pytest.raises(ValueError, match="not accessible via a URL"):
        evidence.file.url  # noqa: B018


def test_two_uploads_of_the_same_file_get_different_storage(audit, auditor):
    first, second = add_pdf(audit, auditor), add_pdf(audit, auditor)
    assert first.sha256 == second.sha256
    assert first.file.name != second.file.name


def test_client_content_type_is_ignored(audit, auditor):
    uploaded = upload("chart.png", PNG, content_type="text/html")
    evidence = evidence_add_file(audit=audit, user=auditor, uploaded_file=uploaded)
    assert evidence.content_type == "image/png"


def test_office_document_is_accepted(audit, owner):
    data = office("xlsx")
    evidence = add_pdf(audit, owner, name="Group rates.xlsx", data=data)
    assert evidence.content_type.endswith("spreadsheetml.sheet")


def test_folder_and_control_characters_are_dropped_from_the_name(audit, auditor):
    evidence = add_pdf(audit, auditor, name="..\\..\\evil\r\nname.pdf")
    assert evidence.original_name == "evilname.pdf"


@pytest.mark.parametrize(
    ("limit", "size", "message"),
    [
        (25 * 1024 * 1024, int(31.2 * 1024 * 1024), "The file is 31.2 MB; the limit is 25 MB."),
        (1024, 2048, "The file is 2 KB; the limit is 1 KB."),
        (1000, 1001, "The file is 1001 bytes; the limit is 1000 bytes."),
    ],
)
def test_file_over_the_size_limit_is_refused(
    audit, auditor, settings, private_media, limit, size, message
):
    settings.EVIDENCE_MAX_BYTES = limit
    data = PDF + b"0" * (size - len(PDF))
    with pytest.raises(ValidationError) as excinfo:
        add_pdf(audit, auditor, data=data)
    assert excinfo.value.message_dict == {"file": [message]}
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_size_limit_close_to_the_file_size_is_shown_in_bytes(audit, auditor, settings):
    settings.EVIDENCE_MAX_BYTES = 25 * 1024 * 1024
    data = PDF + b"0" * (25 * 1024 * 1024 + 10 - len(PDF))
    with pytest.raises(ValidationError, match="26,214,410 bytes; the limit is 26,214,400 bytes"):
        add_pdf(audit, auditor, data=data)


def test_empty_file_is_refused(audit, auditor):
    with pytest.raises(ValidationError, match="The file is empty."):
        add_pdf(audit, auditor, data=b"")


def test_disallowed_extension_is_refused(audit, auditor, settings, private_media):
    settings.EVIDENCE_ALLOWED_TYPES = ["pdf", "png"]
    with pytest.raises(ValidationError) as excinfo:
        add_pdf(audit, auditor, name="notes.txt", data=b"hello")
    assert excinfo.value.message_dict == {
        "file": [".txt files are not accepted. Accepted types: pdf, png."]
    }
    with pytest.raises(ValidationError, match="Files without an extension are not accepted"):
        add_pdf(audit, auditor, name="README", data=b"hello")
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


@pytest.mark.parametrize(
    ("name", "data", "found"),
    [
        ("invoice.pdf", WINDOWS_EXE, "a Windows executable"),
        ("chart.png", HTML, "an HTML document"),
        ("report.pdf", HTML, "an HTML document"),
    ],
)
def test_renamed_file_is_refused_by_its_content(audit, auditor, private_media, name, data, found):
    with pytest.raises(ValidationError) as excinfo:
        add_pdf(audit, auditor, name=name, data=data)
    assert f"its content is {found}" in excinfo.value.message_dict["file"][0]
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_non_utf8_text_is_refused(audit, auditor):
    with pytest.raises(ValidationError, match="not UTF-8 text"):
        add_pdf(audit, auditor, name="notes.txt", data="Résumé".encode("cp1252"))


def test_question_of_another_checklist_version_is_refused(audit, auditor, foreign_question):
    with pytest.raises(ValidationError) as excinfo:
        add_pdf(audit, auditor, question=foreign_question)
    assert "question" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        evidence_add_link(
            audit=audit, user=auditor, url="https://example.org", question=foreign_question
        )
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    "status", [AuditStatus.APPROVED, AuditStatus.ARCHIVED, AuditStatus.IN_REVIEW]
)
def test_locked_audit_refuses_new_evidence(audit, auditor, private_media, status):
    audit.status = status
    audit.save()
    with pytest.raises(AuditLocked):
        add_pdf(audit, auditor)
    with pytest.raises(AuditLocked):
        evidence_add_link(audit=audit, user=auditor, url="https://example.org")
    assert not Evidence.objects.exists()
    assert stored_files(private_media) == []


def test_stale_audit_object_does_not_bypass_the_lock(audit, auditor):
    type(audit).objects.filter(pk=audit.pk).update(status=AuditStatus.APPROVED)
    with pytest.raises(AuditLocked):
        add_pdf(audit, auditor)  # `audit` in memory still says draft


def test_changes_requested_audit_accepts_evidence(audit, auditor):
    audit.status = AuditStatus.CHANGES_REQUESTED
    audit.save()
    assert add_pdf(audit, auditor).pk


def test_roles_without_answer_cannot_add(audit, reviewer, viewer, outsider):
    for user in (reviewer, viewer):
        with pytest.raises(PermissionDenied):
            add_pdf(audit, user)
    with pytest.raises(Http404):
        add_pdf(audit, outsider)
    assert not Evidence.objects.exists()


def test_link_is_stored(audit, owner, question):
    evidence = evidence_add_link(
        audit=audit, user=owner, url=" https://wiki.example.org/model-card ", question=question
    )
    evidence.refresh_from_db()
    assert evidence.url == "https://wiki.example.org/model-card"
    assert evidence.kind == "link"
    assert not evidence.file


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.org/report.pdf",
        "data:text/html,hi",
        "file:///etc",
    ],
)
def test_link_other_than_http_is_refused(audit, auditor, url):
    with pytest.raises(ValidationError) as excinfo:
        evidence_add_link(audit=audit, user=auditor, url=url)
    assert excinfo.value.message_dict == {"url": ["Only http:// and https:// links are accepted."]}
    assert not Evidence.objects.exists()


def test_malformed_link_is_refused(audit, auditor):
    with pytest.raises(ValidationError, match="complete web address"):
        evidence_add_link(audit=audit, user=auditor, url="https://")


def test_delete_removes_the_row_then_the_file(audit, auditor, django_capture_on_commit_callbacks):
    evidence = add_pdf(audit, auditor)
    path = Path(evidence.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=evidence, user=auditor)
    assert not Evidence.objects.exists()
    assert not path.exists()


def test_delete_keeps_the_file_until_commit(audit, auditor, django_capture_on_commit_callbacks):
    evidence = add_pdf(audit, auditor)
    path = Path(evidence.file.path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence_delete(evidence=evidence, user=auditor)
    assert path.exists()
    assert len(callbacks) == 1


def test_delete_of_a_link(audit, auditor):
    evidence = evidence_add_link(audit=audit, user=auditor, url="https://example.org")
    evidence_delete(evidence=evidence, user=auditor)
    assert not Evidence.objects.exists()


def test_locked_audit_refuses_delete(audit, auditor):
    evidence = add_pdf(audit, auditor)
    audit.status = AuditStatus.APPROVED
    audit.save()
    evidence.refresh_from_db()
    with pytest.raises(AuditLocked):
        evidence_delete(evidence=evidence, user=auditor)
    assert Path(evidence.file.path).exists()
    assert Evidence.objects.count() == 1


def test_viewer_cannot_delete(audit, auditor, viewer):
    evidence = add_pdf(audit, auditor)
    with pytest.raises(PermissionDenied):
        evidence_delete(evidence=evidence, user=viewer)
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize(
    ("size", "text"),
    [(1, "1 byte"), (1023, "1023 bytes"), (1536, "1.5 KB"), (25 * 1024 * 1024, "25 MB")],
)
def test_human_size(size, text):
    assert human_size(size) == text
