"""The "API tokens" page of the user menu: create (shown once), list and revoke your own tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import TokenCreateForm

app_name = "api_tokens"


class _SignedInRequest(HttpRequest):
    user: User


@login_required
def token_list(request: _SignedInRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenCreateForm()
    context = {
        "form": form,
        "created": created,
        "tokens": selectors.token_list_for_user(request.user),
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the new token is on this page once
    return response


@login_required
@require_POST
def token_revoke(request: _SignedInRequest) -> HttpResponse:
    token = selectors.token_get_for_user(request.user, uid=request.POST.get("token", ""))
    services.token_revoke(token=token, user=request.user)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("api_tokens:list")


urlpatterns = [
    path("", token_list, name="list"),
    path("revoke/", token_revoke, name="revoke"),
]
