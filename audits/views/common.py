"""Small helpers shared by the audits views."""

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from audits.models import Audit
from audits.selectors.evidence import question_for_audit_get
from checklists.models import Question


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a @login_required view, whose user is signed in (for the type checker only)."""

    user: User


def safe_next_url(request: HttpRequest, *, default: str) -> str:
    """The `next` parameter when it points back into this site, else `default`."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else default


def question_from_query(request: HttpRequest, audit: Audit) -> Question | None:
    """The `?question=` of the address: a question of the audit's version, or 404."""
    question_pk = request.GET.get("question", "")
    if not question_pk:
        return None
    if not question_pk.isdigit():
        raise Http404("No such question in this audit.")
    return question_for_audit_get(audit, question_pk=int(question_pk))
