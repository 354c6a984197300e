"""The answering page: one page per principle of the audit's checklist version."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from audits import selectors
from audits.forms.answers import answer_forms
from audits.forms.evidence import EvidenceForm, inline_prefix
from audits.models import Audit
from audits.permissions import Action
from audits.services.answers import (
    AnswerChange,
    AnswerConflict,
    answer_confirm_recheck,
    answers_save,
)
from audits.services.evidence import evidence_add
from audits.services.gates import gate_waiting_task, tasks_with_runs
from audits.uploads import LimitedUploadHandler
from audits.views.common import AuthenticatedHttpRequest
from audits.views.context import audit_page_context
from checklists.models import AnswerKind


@csrf_exempt  # outermost, so the CSRF check below runs only after the upload handler is in place
@login_required
def principle_answer(request: AuthenticatedHttpRequest, pk: int, principle: str) -> HttpResponse:
    """The answers of one principle. The answers form also carries, per question, an inline
    evidence form and a "confirm re-check" button: pressing either saves the page's changed
    answers first, so nothing typed is lost, then adds the evidence or confirms the answer."""
    action = Action.ANSWER if request.method == "POST" else Action.VIEW
    audit = selectors.audit_get_for_user(request.user, pk=pk, action=action)
    handler = None
    if request.method == "POST":
        handler = LimitedUploadHandler(request, max_bytes=settings.EVIDENCE_MAX_BYTES)
        request.upload_handlers = [handler]
    return _principle_answer(request, audit=audit, principle=principle, handler=handler)


@csrf_protect
def _principle_answer(
    request: AuthenticatedHttpRequest,
    *,
    audit: Audit,
    principle: str,
    handler: LimitedUploadHandler | None,
) -> HttpResponse:
    context = audit_page_context(request.user, audit)
    current = next((p for p in context["principles"] if p.code == principle), None)
    if current is None:
        raise Http404("This checklist has no such principle.")
    questions = [q for q in context["questions"] if q.principle.code == principle]
    answers = context["answers"]
    conflicts = {}
    evidence_forms: dict[int, EvidenceForm] = {}
    if request.method == "POST":
        forms_ = answer_forms(questions, answers, data=request.POST)
        evidence_form = _inline_evidence_form(request, audit, questions, handler)
        if evidence_form is not None and evidence_form.question_pk is not None:
            evidence_forms[evidence_form.question_pk] = evidence_form
        if all(f.is_valid() for f in forms_) and (
            evidence_form is None or evidence_form.is_valid()
        ):
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
                anchor = _side_action(request, audit, questions, evidence_form)
                if anchor is not None:
                    url = reverse("audits:principle", args=[audit.pk, principle])
                    return redirect(f"{url}#q-{anchor}")
                return redirect(_next_url(request, audit, principle, context["principles"]))
        elif evidence_form is not None and not evidence_form.is_valid():
            messages.error(request, "The evidence needs attention; nothing was saved.")
        else:
            messages.error(request, "Some answers need attention; nothing was saved.")
    else:
        forms_ = answer_forms(questions, answers)
    evidence = context["evidence_by_question"]  # a refused POST wrote nothing: still current
    context.update(
        {
            "principle": current,
            "principle_score": context["scores"].for_principle(principle),
            "items": _items(questions, answers, forms_, conflicts, evidence, evidence_forms, audit),
            "history": selectors.answer_history(audit),
            "review_comments": _review_comments(audit, principle),
            "principle_evidence": context["evidence_progress"].for_questions(
                q.pk for q in questions
            ),
        }
    )
    return render(request, "audits/principle_answer.html", context)


def _inline_evidence_form(request, audit: Audit, questions, handler) -> EvidenceForm | None:
    """The inline evidence form of the question whose "Add evidence" button was pressed, if any."""
    question_pk = request.POST.get("add_evidence", "")
    question = next((q for q in questions if str(q.pk) == question_pk), None)
    if question is None:
        return None
    form = EvidenceForm(
        request.POST,
        request.FILES,
        audit=audit,
        prefix=inline_prefix(question),
        refused_size=handler.refused_size if handler else None,
        fixed_question=question,
    )
    return form


def _side_action(
    request, audit: Audit, questions, evidence_form: EvidenceForm | None
) -> str | None:
    """After the answers are saved: add the inline evidence or confirm a re-check, as pressed.

    Returns the code of the question to go back to, or None when neither was pressed.
    """
    if evidence_form is not None:
        question = evidence_form.cleaned_data["question"]
        try:
            added = evidence_add(audit=audit, user=request.user, **evidence_form.service_args())
        except ValidationError as exc:
            messages.error(request, f"The evidence was not added: {' '.join(exc.messages)}")
        else:
            messages.success(request, f"Evidence added to {question.code}: {added}.")
        return question.code
    confirm_pk = request.POST.get("confirm_recheck", "")
    question = next((q for q in questions if str(q.pk) == confirm_pk), None)
    if question is None:
        return None
    try:
        answer_confirm_recheck(audit=audit, user=request.user, question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{question.code}: the copied answer is confirmed.")
    return question.code


def _items(questions, answers, forms_, conflicts, evidence, evidence_forms, audit) -> list[dict]:
    forms_by_question = {f.question.pk: f for f in forms_}
    waiting = _waiting_tasks(audit, questions)
    return [
        {
            "question": q,
            "answer": answers.get(q.pk),
            "form": forms_by_question.get(q.pk),
            "conflict": q.pk in conflicts,
            "conflict_answer": conflicts.get(q.pk),
            "evidence": evidence.get(q.pk, []),
            "evidence_form": evidence_forms.get(q.pk)
            or EvidenceForm(audit=audit, prefix=inline_prefix(q), fixed_question=q),
            "waiting_task": waiting.get(q.pk),
        }
        for q in questions
    ]


def _waiting_tasks(audit: Audit, questions) -> dict[int, str]:
    """For each gate question of the page whose task has no successful run yet, that task (one
    query, and none on a page without gates): its answer waits for a run of that task."""
    gates = [q for q in questions if q.answer_kind == AnswerKind.GATE]
    if not gates:
        return {}
    tasks = tasks_with_runs(audit)
    waiting = {q.pk: gate_waiting_task(q.gate, tasks) for q in gates}
    return {pk: task for pk, task in waiting.items() if task}


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
