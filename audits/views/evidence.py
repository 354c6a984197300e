"""Evidence pages: add a file or a link, download a file (access-checked), delete."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audits.forms.common import add_service_errors
from audits.forms.evidence import EvidenceForm
from audits.models import Audit
from audits.permissions import Action
from audits.selectors.audits import audit_get_for_user
from audits.selectors.evidence import evidence_get_for_user
from audits.services import evidence as services
from audits.services.common import ensure_can_edit
from audits.uploads import LimitedUploadHandler
from audits.views.common import AuthenticatedHttpRequest, question_from_query, safe_next_url
from checklists.models import Question


@csrf_exempt  # outermost, so the CSRF check below runs only after the upload handler is in place
@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = audit_get_for_user(request.user, pk=pk, action=Action.ANSWER)
    # A locked audit shows no form, only why; and no byte of the body is read for it.
    ensure_can_edit(audit=audit, user=request.user)
    question = question_from_query(request, audit)
    handler = LimitedUploadHandler(request, max_bytes=settings.EVIDENCE_MAX_BYTES)
    request.upload_handlers = [handler]
    return _evidence_add(request, audit=audit, question=question, handler=handler)


@csrf_protect
def _evidence_add(
    request: AuthenticatedHttpRequest,
    *,
    audit: Audit,
    question: Question | None,
    handler: LimitedUploadHandler,
) -> HttpResponse:
    next_url = safe_next_url(request, default=audit.get_absolute_url())
    is_post = request.method == "POST"
    form = EvidenceForm(
        request.POST if is_post else None,
        request.FILES if is_post else None,
        audit=audit,
        initial={"question": question},
        refused_size=handler.refused_size if is_post else None,
    )
    if is_post and form.is_valid():
        try:
            evidence = services.evidence_add(audit=audit, user=request.user, **form.service_args())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Evidence added: {evidence}.")
            return redirect(next_url)
    if is_post:
        messages.error(request, "The evidence was not added: see what to fix below.")
    context = {"audit": audit, "question": question, "form": form, "next_url": next_url}
    return render(request, "audits/evidence_form.html", context)


@login_required
@require_safe
def evidence_download(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    evidence = evidence_get_for_user(
        request.user, audit_pk=pk, evidence_pk=evidence_pk, action=Action.VIEW
    )
    if not evidence.file.name:  # as `not evidence.file`
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
    # Never rendered by the browser as a page, never guessed into another type, never cached shared.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evidence = evidence_get_for_user(
        request.user, audit_pk=pk, evidence_pk=evidence_pk, action=Action.ANSWER
    )
    label = str(evidence)
    services.evidence_delete(evidence=evidence, user=request.user)
    messages.success(request, f"Evidence deleted: {label}.")
    return redirect(safe_next_url(request, default=evidence.audit.get_absolute_url()))


urlpatterns = [
    path("audits/<int:pk>/evidence/add/", evidence_add, name="evidence_add"),
    path(
        "audits/<int:pk>/evidence/<int:evidence_pk>/download/",
        evidence_download,
        name="evidence_download",
    ),
    path(
        "audits/<int:pk>/evidence/<int:evidence_pk>/delete/",
        evidence_delete,
        name="evidence_delete",
    ),
]
