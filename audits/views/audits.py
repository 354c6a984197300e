"""Web pages of the audits app. Thin: a selector checks access, a service writes, a template renders."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audits import selectors
from audits.forms.audits import AuditFilterForm
from audits.permissions import allowed_actions


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.membership_list_for_user(request.user))
    context = {
        "memberships": memberships,
        "recent_audits": selectors.audit_list_for_user(request.user)[:10],
        **selectors.audits_awaiting_user(request.user),
    }
    return render(request, "audits/home.html", context)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    memberships = selectors.membership_list_for_user(request.user)
    form = AuditFilterForm(request.GET or None, teams=[m.team for m in memberships])
    filters = form.cleaned_data if form.is_valid() else {}
    audits = selectors.audit_list_for_user(
        request.user, team=filters.get("team"), status=filters.get("status")
    )
    return render(request, "audits/audit_list.html", {"audits": audits, "filter_form": form})


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk)
    context = {"audit": audit, "allowed": allowed_actions(request.user, audit.team_id)}
    return render(request, "audits/audit_detail.html", context)
