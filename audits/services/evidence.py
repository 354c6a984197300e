"""Evidence: files and links attached to an audit or to one of its questions."""

import hashlib
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction

from audits import filetypes
from audits.models import Audit, Evidence
from audits.permissions import Action
from checklists.models import Question

from .common import ensure_can_edit

LINK_SCHEMES = ("http", "https")
EVIDENCE_FILE, EVIDENCE_LINK = "file", "link"


@transaction.atomic
def evidence_add_file(
    *,
    audit: Audit,
    user: User,
    uploaded_file: UploadedFile,
    question: Question | None = None,
    description: str = "",
) -> Evidence:
    """Store an uploaded file as evidence, after checking its size, its name and its content.

    The size must not pass EVIDENCE_MAX_BYTES, the extension must be in EVIDENCE_ALLOWED_TYPES and the
    content must be of the type the extension names (see audits.filetypes); the client's content type
    is ignored. The file is stored under a random token in the private storage, with its SHA-256.
    Raises ValidationError (keyed by form field) or AuditLocked / PermissionDenied.
    """
    audit = _editable_audit(audit=audit, user=user)
    _check_question(audit=audit, question=question)
    original_name = _clean_name(uploaded_file.name or "")
    file_type = _check_upload(uploaded_file, name=original_name)
    evidence = Evidence(
        audit=audit,
        question=question,
        original_name=original_name,
        content_type=file_type.content_type,
        size=uploaded_file.size or 0,  # never 0 here: _check_upload refused an empty file
        sha256=_sha256(uploaded_file),
        storage_token=secrets.token_hex(16),
        description=description.strip(),
        uploaded_by=user,
    )
    # Validate with a placeholder name (the stored name is built from sha256 and token), then store.
    evidence.file.name = evidence.storage_token
    evidence.full_clean()
    uploaded_file.seek(0)
    evidence.file.save(evidence.storage_token, uploaded_file, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def evidence_add_link(
    *,
    audit: Audit,
    user: User,
    url: str,
    question: Question | None = None,
    description: str = "",
) -> Evidence:
    """Attach a link (http or https only) as evidence for the audit or one of its questions."""
    audit = _editable_audit(audit=audit, user=user)
    _check_question(audit=audit, question=question)
    url = url.strip()
    _check_link(url)
    evidence = Evidence(
        audit=audit,
        question=question,
        url=url,
        description=description.strip(),
        uploaded_by=user,
    )
    evidence.full_clean()
    evidence.save()
    return evidence


def evidence_add(
    *,
    audit: Audit,
    user: User,
    kind: str,
    question: Question | None = None,
    description: str = "",
    uploaded_file: UploadedFile | None = None,
    url: str = "",
) -> Evidence:
    """Add a file (`kind` "file") or a link (`kind` "link"): the evidence form's one entry point."""
    if kind == EVIDENCE_LINK:
        return evidence_add_link(
            audit=audit, user=user, url=url, question=question, description=description
        )
    if uploaded_file is None:
        raise ValidationError({"file": "Choose a file to upload."})
    return evidence_add_file(
        audit=audit,
        user=user,
        uploaded_file=uploaded_file,
        question=question,
        description=description,
    )


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user: User) -> None:
    """Delete the evidence; its stored file goes once the deletion is committed."""
    _editable_audit(audit=evidence.audit, user=user)
    stored_name = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage
    evidence.delete()
    if stored_name:
        transaction.on_commit(lambda: storage.delete(stored_name))


def human_size(size: int) -> str:
    """1536 -> "1.5 KB", 32715571 -> "31.2 MB" (binary units, as the size limit is set)."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / 1024 / 1024, "MB")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def too_large_message(size: int) -> str:
    """ "The file is 31.2 MB; the limit is 25 MB." (limit: the EVIDENCE_MAX_BYTES setting)."""
    limit = settings.EVIDENCE_MAX_BYTES
    shown, shown_limit = human_size(size), human_size(limit)
    if shown == shown_limit:  # 25.04 MB would read "25 MB": say it in bytes
        shown, shown_limit = f"{size:,} bytes", f"{limit:,} bytes"
    return f"The file is {shown}; the limit is {shown_limit}."


def _editable_audit(*, audit: Audit, user: User) -> Audit:
    # Re-read the audit under a row lock, so a submission or approval racing this write is seen.
    current = Audit.objects.select_for_update().get(pk=audit.pk)
    ensure_can_edit(audit=current, user=user, action=Action.ANSWER)
    return current


def _check_question(*, audit: Audit, question: Question | None) -> None:
    if question is not None and question.version_id != audit.checklist_version_id:
        raise ValidationError(
            {"question": "This question is not part of the checklist version this audit uses."}
        )


def _check_upload(uploaded_file: UploadedFile, *, name: str) -> filetypes.FileType:
    size = uploaded_file.size
    if not size:
        raise ValidationError({"file": "The file is empty."})
    if size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError({"file": too_large_message(size)})
    allowed = [t.lower().lstrip(".") for t in settings.EVIDENCE_ALLOWED_TYPES]
    extension = filetypes.extension_of(name)
    if extension not in allowed:
        what = f".{extension} files are" if extension else "Files without an extension are"
        raise ValidationError(
            {"file": f"{what} not accepted. Accepted types: {', '.join(allowed)}."}
        )
    try:
        return filetypes.check_content(uploaded_file, extension=extension)
    except filetypes.FileTypeError as exc:
        raise ValidationError({"file": exc.message}) from None


def _sha256(uploaded_file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _clean_name(name: str) -> str:
    """The file's own name without any folder or control characters, at most 255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if len(base) > 255:
        stem, dot, extension = base.rpartition(".")
        base = stem[: 254 - len(extension)] + dot + extension if dot else base[:255]
    return base or "evidence"


def _check_link(url: str) -> None:
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in LINK_SCHEMES:
        raise ValidationError({"url": "Only http:// and https:// links are accepted."})
    try:
        URLValidator(schemes=LINK_SCHEMES)(url)
    except ValidationError:
        raise ValidationError({"url": "Enter a complete web address, like https://…"}) from None
