"""Home, audit list and the audit page, and the audit's life-cycle actions (create, edit, submit,
review, archive, re-audit). Thin: a selector checks access, a form validates, a service writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audits import selectors
from audits.forms.audits import AuditFilterForm, AuditForm, ReviewForm
from audits.permissions import Action
from audits.selectors.audits import AUDIT_PAGE_RELATED
from audits.services import audits as audit_services
from audits.views.common import AuthenticatedHttpRequest
from audits.views.context import audit_page_context, radar_for


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = list(selectors.membership_list_for_user(request.user))
    context = {
        "memberships": memberships,
        "recent_audits": selectors.audit_list_for_user(request.user)[:10],
        "open_actions": selectors.actions_open_for_user(request.user),
        **selectors.audits_awaiting_user(request.user),
        "can_create": bool(selectors.teams_allowing(request.user, Action.CREATE_AUDIT)),
    }
    return render(request, "audits/home.html", context)


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = list(selectors.membership_list_for_user(request.user))
    form = AuditFilterForm(request.GET or None, teams=[m.team for m in memberships])
    filters = form.cleaned_data if form.is_valid() else {}
    audits = selectors.audit_list_for_user(
        request.user, team=filters.get("team"), status=filters.get("status")
    )
    page = selectors.audit_page(audits, number=request.GET.get("page"), per_page=25)
    scores = selectors.scores_for_audits(page.audits)
    rows = [(audit, scores[audit.pk]) for audit in page.audits]
    can_create = bool(
        selectors.teams_allowing(request.user, Action.CREATE_AUDIT, memberships=memberships)
    )
    context = {"rows": rows, "page": page, "filter_form": form, "can_create": can_create}
    return render(request, "audits/audit_list.html", context)


@login_required
def audit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = selectors.teams_allowing(request.user, Action.CREATE_AUDIT)
    if not teams:
        raise PermissionDenied("Starting an audit needs the owner or auditor role in a team.")
    form = AuditForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            audit = audit_services.audit_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Audit “{audit.title}” created. Start with a principle below."
            )
            return redirect(audit)
    return render(request, "audits/audit_form.html", {"form": form, "teams": teams})


@login_required
def audit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.ANSWER)
    form = AuditForm(request.POST or None, instance=audit, creating=False)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        audit_services.audit_update(audit=audit, user=request.user, **fields)
        messages.success(request, "Audit details saved.")
        return redirect(audit)
    return render(request, "audits/audit_form.html", {"form": form, "audit": audit})


@login_required
def audit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(
        request.user, pk=pk, related=AUDIT_PAGE_RELATED, sections=True
    )
    context = audit_page_context(request.user, audit, answer_details=False)
    context["radar_svg"] = radar_for(context["scores"])
    return render(request, "audits/audit_detail.html", context)


@login_required
@require_POST
def audit_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.SUBMIT)
    try:
        audit_services.audit_submit(audit=audit, user=request.user)
    except audit_services.IncompleteAudit as incomplete:
        context = audit_page_context(request.user, audit)
        context["submit_missing"] = incomplete.items
        context["radar_svg"] = radar_for(context["scores"])
        messages.error(request, f"Not submitted: {len(incomplete.items)} item(s) are missing.")
        return render(request, "audits/audit_detail.html", context, status=400)
    messages.success(request, "Submitted for review. A reviewer of your team can now approve it.")
    return redirect(audit)


@login_required
def audit_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.REVIEW)
    context = audit_page_context(request.user, audit)
    form = ReviewForm(request.POST or None, principles=context["principles"])
    if request.method == "POST" and form.is_valid():
        try:
            review = audit_services.audit_review(
                audit=audit,
                user=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                principle_comments=form.cleaned_data["principle_comments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Review recorded: {review.get_decision_display().lower()}.")
            return redirect(audit)
    context.update({"form": form, "changes": selectors.changes_since_last_review(audit)})
    return render(request, "audits/audit_review.html", context)


@login_required
@require_POST
def audit_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.ARCHIVE)
    try:
        audit_services.audit_archive(audit=audit, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Audit archived. It is kept, read-only.")
    return redirect(audit)


@login_required
@require_POST
def audit_reaudit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=Action.REAUDIT)
    try:
        new_audit = audit_services.audit_reaudit(audit=audit, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(audit)
    messages.success(
        request,
        f"Re-audit started on version {new_audit.checklist_version.number}; answers are being "
        "copied where the questions still match. The approved audit is unchanged.",
    )
    return redirect(new_audit)
