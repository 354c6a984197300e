"""Remediation action pages: create an action for a failed check or answer, and edit it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from audits.forms.actions import ActionForm
from audits.forms.common import add_service_errors
from audits.permissions import Action
from audits.selectors.actions import action_get_for_user
from audits.selectors.audits import audit_get_for_user
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
    context = {"audit": audit, "form": form, "next_url": next_url, "remediation": None}
    return render(request, "audits/action_form.html", context)


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
