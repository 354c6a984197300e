"""The prompt-set page: build the counterfactual prompts an LLM audit runs through the system."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from audits.forms.prompts import EXAMPLE_GROUPS, EXAMPLE_TEMPLATES, PromptSetForm, prompt_set_csv
from audits.permissions import Action, allowed_actions
from audits.selectors.audits import audit_get_for_user
from audits.views.common import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def prompt_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the form with an example (anyone who may view). POST: the prompts CSV (who may answer).

    Nothing is stored: the prompts are built from the form and sent back as a download.
    """
    is_post = request.method == "POST"
    audit = audit_get_for_user(
        request.user, pk=pk, action=Action.ANSWER if is_post else Action.VIEW
    )
    form = PromptSetForm(
        request.POST if is_post else None,
        initial={"templates": EXAMPLE_TEMPLATES, "groups": EXAMPLE_GROUPS},
    )
    if is_post and form.is_valid():
        response = HttpResponse(prompt_set_csv(form.rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{audit.pk}-prompts.csv"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
    context = {
        "audit": audit,
        "form": form,
        "page_title": "Build a prompt set",
        "can_download": Action.ANSWER in allowed_actions(request.user, audit.team_id),
    }
    return render(request, "audits/prompt_set.html", context)


urlpatterns = [
    path("audits/<int:pk>/prompt-set/", prompt_set, name="prompt_set"),
]
