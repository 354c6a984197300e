"""Remediation action pages: create an action for a failed check or answer, and edit it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from audits.forms.actions import ActionForm
from audits.forms.common import add_service_errors
from audits.models import Audit
from audits.permissions import Action
from audits.reports.run.findings import ActionDraft, action_draft
from audits.selectors.actions import action_get_for_user, action_source_run
from audits.selectors.audits import audit_get_for_user
from audits.selectors.evidence import question_for_audit_by_code
from audits.services import actions as services
from audits.services.common import ensure_not_locked

from .common import AuthenticatedHttpRequest, question_from_query, safe_next_url

CHECK_NAME_MAX = 120


@login_required
def action_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = audit_get_for_user(request.user, pk=pk, action=Action.MANAGE_ACTIONS)
    ensure_not_locked(audit=audit)  # an approved audit shows no form, only why
    initial = {
        "question": question_from_query(request, audit),
        "check_name": request.GET.get("check", "").strip()[:CHECK_NAME_MAX],
    }
    draft = _draft_from_run(request, audit)
    if "run" in request.GET:
        # From a run's flag: its finding in words, or (a wrong run or check) an empty form.
        initial["check_name"] = draft.check_name[:CHECK_NAME_MAX] if draft else ""
    if draft is not None:
        initial["description"] = draft.description
        if initial["question"] is None:
            initial["question"] = question_for_audit_by_code(audit, code=draft.question_code)
    next_url = safe_next_url(request, default=audit.get_absolute_url())
    is_post = request.method == "POST"
    form = ActionForm(request.POST if is_post else None, audit=audit, initial=initial)
    if is_post and form.is_valid():
        try:
            services.action_create(audit=audit, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Remediation action created.")
            return redirect(next_url)
    if is_post:
        messages.error(request, "The action was not created: see what to fix below.")
    context = {
        "audit": audit,
        "form": form,
        "next_url": next_url,
        "remediation": None,
        "draft": draft,
    }
    return render(request, "audits/action_form.html", context)


def _draft_from_run(request: AuthenticatedHttpRequest, audit: Audit) -> ActionDraft | None:
    """The action drafted from `?run=<id>&check=<name>&grouping=<name>[&class=<class>]`.

    None when the address names no run of this audit, or no check of it: the form then starts
    empty, never an error page.
    """
    run = action_source_run(audit, run_pk=request.GET.get("run", ""))
    if run is None:
        return None
    run_path = reverse("audits:run_detail", kwargs={"pk": audit.pk, "run_pk": run.pk})
    return action_draft(
        run.result,
        run.config,
        check=request.GET.get("check", ""),
        grouping=request.GET.get("grouping", ""),
        class_name=request.GET.get("class") or None,
        run_label=f"fairness run #{run.pk}",
        run_url=request.build_absolute_uri(run_path),
    )


@login_required
def action_edit(request: AuthenticatedHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    remediation = action_get_for_user(
        request.user, audit_pk=pk, action_pk=action_pk, action=Action.MANAGE_ACTIONS
    )
    audit = remediation.audit
    ensure_not_locked(audit=audit)
    initial = {
        "description": remediation.description,
        "owner": remediation.owner,
        "due_date": remediation.due_date,
        "status": remediation.status,
    }
    next_url = safe_next_url(request, default=audit.get_absolute_url())
    is_post = request.method == "POST"
    form = ActionForm(request.POST if is_post else None, audit=audit, editing=True, initial=initial)
    if is_post and form.is_valid():
        try:
            services.action_update(action=remediation, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Remediation action saved.")
            return redirect(next_url)
    if is_post:
        messages.error(request, "The action was not saved: see what to fix below.")
    context = {"audit": audit, "form": form, "next_url": next_url, "remediation": remediation}
    return render(request, "audits/action_form.html", context)


urlpatterns = [
    path("audits/<int:pk>/actions/new/", action_create, name="action_create"),
    path("audits/<int:pk>/actions/<int:action_pk>/edit/", action_edit, name="action_edit"),
]
