"""The answering page: one page per principle of the audit's checklist version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from audits import selectors
from audits.forms.answers import answer_forms
from audits.permissions import Action
from audits.selectors.evidence import evidence_for_audit
from audits.services.answers import AnswerChange, AnswerConflict, answers_save
from audits.views.common import AuthenticatedHttpRequest
from audits.views.context import audit_page_context


@login_required
def principle_answer(request: AuthenticatedHttpRequest, pk: int, principle: str) -> HttpResponse:
    action = Action.ANSWER if request.method == "POST" else Action.VIEW
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=action)
    context = audit_page_context(request.user, audit)
    current = next((p for p in context["principles"] if p.code == principle), None)
    if current is None:
        raise Http404("This checklist has no such principle.")
    questions = [q for q in selectors.audit_questions(audit) if q.principle.code == principle]
    answers = selectors.audit_answers(audit)
    conflicts = {}
    if request.method == "POST":
        forms_ = answer_forms(questions, answers, data=request.POST)
        if all(f.is_valid() for f in forms_):
            changes = [
                AnswerChange(
                    question=f.question,
                    value=f.cleaned_data["value"] or "",
                    note_md=f.cleaned_data["note_md"],
                    seen_revision=f.cleaned_data["revision"],
                )
                for f in forms_
                if f.answer_changed
            ]
            try:
                saved = answers_save(audit=audit, user=request.user, changes=changes)
            except AnswerConflict as conflict:
                conflicts = {c.question.pk: c.current for c in conflict.conflicts}
                forms_ = _rebase_on_current(request.POST, questions, conflict)
                messages.error(request, f"{conflict} Nothing on this page was saved; see below.")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _saved_message(len(saved)))
                return redirect(_next_url(request, audit, principle, context["principles"]))
        else:
            messages.error(request, "Some answers need attention; nothing was saved.")
    else:
        forms_ = answer_forms(questions, answers)
    context.update(
        {
            "principle": current,
            "items": _items(questions, answers, forms_, conflicts, audit),
            "history": selectors.answer_history(audit),
            "review_comments": _review_comments(audit, principle),
        }
    )
    return render(request, "audits/principle_answer.html", context)


def _items(questions, answers, forms_, conflicts, audit) -> list[dict]:
    forms_by_question = {f.question.pk: f for f in forms_}
    evidence = evidence_for_audit(audit)
    return [
        {
            "question": q,
            "answer": answers.get(q.pk),
            "form": forms_by_question.get(q.pk),
            "conflict": q.pk in conflicts,
            "conflict_answer": conflicts.get(q.pk),
            "evidence": evidence.get(q.pk, []),
        }
        for q in questions
    ]


def _rebase_on_current(post, questions, conflict: AnswerConflict):
    """Keep what the user typed, but base the conflicting forms on the stored revision, so that
    saving again (after reading the other person's value) is a deliberate overwrite."""
    data = post.copy()
    for item in conflict.conflicts:
        prefix = f"q{item.question.pk}"
        current = item.current
        data[f"{prefix}-revision"] = str(current.revision if current else 0)
        data[f"initial-{prefix}-value"] = current.value if current else ""
        data[f"initial-{prefix}-note_md"] = current.note_md if current else ""
    forms_ = answer_forms(questions, {}, data=data)
    for form in forms_:
        form.is_valid()
    return forms_


def _review_comments(audit, principle_code: str) -> dict | None:
    """The latest request for changes, as it concerns this principle."""
    review = selectors.latest_review(audit)
    if review is None or review.decision != "changes_requested":
        return None
    return {
        "review": review,
        "overall": review.comment,
        "principle": review.principle_comments.get(principle_code, ""),
    }


def _saved_message(count: int) -> str:
    if count == 0:
        return "Nothing changed, so nothing was saved."
    return f"Saved {count} answer{'s' if count != 1 else ''}."


def _next_url(request, audit, principle: str, principles) -> str:
    if "save_next" in request.POST:
        codes = [p.code for p in principles]
        index = codes.index(principle)
        if index + 1 < len(codes):
            return reverse("audits:principle", args=[audit.pk, codes[index + 1]])
        return audit.get_absolute_url()
    return reverse("audits:principle", args=[audit.pk, principle])


urlpatterns = [
    path("audits/<int:pk>/principles/<slug:principle>/", principle_answer, name="principle"),
]
