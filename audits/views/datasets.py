"""Uploads (predictions or LLM responses), the column mapping, run pages and gate overrides.

Thin views: a selector checks access, a form validates, one service writes. The upload view swaps
in a streaming, hashing upload handler before the body is read (hence its csrf_exempt/csrf_protect
pair, as Django's "Modifying upload handlers on the fly" describes).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits.forms.datasets import (
    DIALECT_NOTE,
    AttributesUploadForm,
    DatasetUploadForm,
    MappingForm,
)
from audits.forms.gates import GateOverrideForm
from audits.forms.llm import LlmMappingForm
from audits.models import Audit, Dataset, DatasetKind, FairnessRun, RunStatus
from audits.models.datasets import READING_SHARE
from audits.permissions import Action, allowed_actions
from audits.reports.run.groupings import SCREENING, grouping_sections
from audits.reports.run.llm import llm_presentation
from audits.reports.run.tasks import input_facts
from audits.responses import FORMAT_NAMES
from audits.selectors import audit_get_for_user
from audits.selectors.datasets import (
    attribute_datasets_for_audit,
    dataset_get_for_user,
    gate_answers,
    gate_question_get,
    run_get_for_user,
)
from audits.services import datasets as dataset_services
from audits.services import gates as gate_services
from audits.services.common import ensure_can_edit, is_editable
from audits.uploads import LimitedUploadHandler
from audits.views.common import AuthenticatedHttpRequest
from fairness import DEFAULT_MIN_GROUP_SIZE

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@csrf_exempt  # outermost, so the CSRF check below runs only after the upload handler is in place
@login_required
@require_http_methods(["GET", "POST"])
def dataset_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit = audit_get_for_user(request.user, pk=pk, action=Action.ANSWER)
    # Refuse a locked audit before a byte of the (possibly huge) body is read.
    ensure_can_edit(audit=audit, user=request.user)
    handler = LimitedUploadHandler(request, max_bytes=settings.DATASET_MAX_BYTES)
    request.upload_handlers = [handler]
    return _dataset_upload(request, audit=audit, handler=handler)


@csrf_protect
def _dataset_upload(
    request: AuthenticatedHttpRequest, *, audit: Audit, handler: LimitedUploadHandler
) -> HttpResponse:
    max_bytes = settings.DATASET_MAX_BYTES
    if request.method == "POST":
        form = DatasetUploadForm(
            request.POST, request.FILES, max_bytes=max_bytes, too_big=handler.too_big
        )
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                dataset = dataset_services.dataset_ingest(
                    audit=audit,
                    user=request.user,
                    uploaded_file=uploaded,
                    sha256=uploaded.sha256,
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"{dataset.original_name} is uploaded. Now say which column is which."
                )
                return redirect("audits:dataset_map", pk=audit.pk, dataset_pk=dataset.pk)
        messages.error(request, "The file was not kept: see the reason below.")
    else:
        kind = request.GET.get("kind")
        initial = {"kind": kind} if kind in DatasetKind.values else {}
        form = DatasetUploadForm(max_bytes=max_bytes, initial=initial)
    context = {"audit": audit, "form": form, "page_title": "Upload a dataset"}
    return render(request, "audits/dataset_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_map(request: AuthenticatedHttpRequest, pk: int, dataset_pk: int) -> HttpResponse:
    dataset = dataset_get_for_user(
        request.user, audit_pk=pk, dataset_pk=dataset_pk, action=Action.ANSWER
    )
    ensure_can_edit(audit=dataset.audit, user=request.user)
    if dataset.is_llm:
        return _llm_dataset_map(request, dataset)
    if dataset.is_attributes:
        raise Http404("An attributes file is mapped on its predictions' page.")
    attribute_files = attribute_datasets_for_audit(dataset.audit)
    # "Choose task" re-renders the page with the fields of the chosen task (works without JS).
    if request.method == "POST" and "choose_task" not in request.POST:
        form = MappingForm(request.POST, dataset=dataset, attribute_files=attribute_files)
        if form.is_valid():
            try:
                run = dataset_services.run_create(
                    dataset=dataset,
                    user=request.user,
                    mapping=form.mapping,
                    options=form.options,
                    extra_checks=form.extra_checks,
                    **form.run_inputs,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _message_run_started(request, run)
                return redirect(run)
    elif request.method == "POST":
        form = MappingForm(request.POST, dataset=dataset, attribute_files=attribute_files)
        form.errors.clear()  # a task chosen, nothing submitted yet
    else:
        initial = MappingForm.initial_from(
            dataset=dataset, config=_config_of(dataset, request.GET.get("run"))
        )
        chosen = request.GET.get("attributes")
        if chosen:
            initial["attributes"] = chosen
        form = MappingForm(dataset=dataset, initial=initial, attribute_files=attribute_files)
    sql, sql_problem = form.sql()
    context = {
        "audit": dataset.audit,
        "dataset": dataset,
        "form": form,
        "task": form.chosen_task,
        "warnings": form.warnings(),
        "sql": sql,
        "sql_problem": sql_problem,
        "dialect_note": DIALECT_NOTE,
        "attributes_form": AttributesUploadForm(max_bytes=settings.DATASET_MAX_BYTES),
        # Each task's gates; the page shows the chosen task's (and switches with the task).
        "gate_check_groups": gate_services.gate_checks_by_task(dataset.audit),
        "delimiter_name": _format_name(dataset),
        "page_title": f"Map {dataset.original_name}",
    }
    return render(request, "audits/dataset_map.html", context)


def _format_name(dataset: Dataset) -> str:
    if dataset.preview.get("encoding") == "parquet":
        return "Parquet"
    separator = DELIMITER_NAMES.get(dataset.preview.get("delimiter"), "comma")
    return f"{separator}-separated"


@login_required
@require_GET
def dataset_map_check(request: AuthenticatedHttpRequest, pk: int, dataset_pk: int) -> JsonResponse:
    """The mapping page's live parts for the columns chosen now: warnings, SQL, positive labels."""
    dataset = dataset_get_for_user(
        request.user, audit_pk=pk, dataset_pk=dataset_pk, action=Action.ANSWER
    )
    if dataset.kind != DatasetKind.PREDICTIONS:
        raise Http404("Only a predictions file has this mapping.")
    form = MappingForm(
        request.GET, dataset=dataset, attribute_files=attribute_datasets_for_audit(dataset.audit)
    )
    sql, problem = form.sql()
    payload = {
        "task": form.chosen_task,
        "warnings": form.warnings(),
        "sql": sql,
        "sql_problem": problem,
        "pos_label_choices": form.pos_label_choices(),
    }
    return JsonResponse(payload, headers={"Cache-Control": "no-store"})


@csrf_exempt  # outermost, so the CSRF check below runs only after the upload handler is in place
@login_required
@require_POST
def attributes_upload(request: AuthenticatedHttpRequest, pk: int, dataset_pk: int) -> HttpResponse:
    """The mapping page's second upload: sensitive attributes, kept as a dataset of that kind."""
    dataset = dataset_get_for_user(
        request.user, audit_pk=pk, dataset_pk=dataset_pk, action=Action.ANSWER
    )
    ensure_can_edit(audit=dataset.audit, user=request.user)
    if dataset.kind != DatasetKind.PREDICTIONS:
        raise Http404("Attributes are joined to a predictions file.")
    handler = LimitedUploadHandler(request, max_bytes=settings.DATASET_MAX_BYTES)
    request.upload_handlers = [handler]
    return _attributes_upload(request, dataset=dataset, handler=handler)


@csrf_protect
def _attributes_upload(
    request: AuthenticatedHttpRequest, *, dataset: Dataset, handler: LimitedUploadHandler
) -> HttpResponse:
    form = AttributesUploadForm(
        request.POST, request.FILES, max_bytes=settings.DATASET_MAX_BYTES, too_big=handler.too_big
    )
    back = reverse("audits:dataset_map", args=[dataset.audit_id, dataset.pk])
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            attributes = dataset_services.dataset_ingest(
                audit=dataset.audit,
                user=request.user,
                uploaded_file=uploaded,
                sha256=uploaded.sha256,
                kind=DatasetKind.ATTRIBUTES,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{attributes.original_name} is uploaded. Choose the id column and its "
                "sensitive columns.",
            )
            return redirect(f"{back}?attributes={attributes.pk}")
    problems = [str(m) for errors in form.errors.values() for m in errors]
    messages.error(request, "The attributes file was not kept: " + " ".join(problems))
    return redirect(back)


def _llm_dataset_map(request: AuthenticatedHttpRequest, dataset: Dataset) -> HttpResponse:
    if request.method == "POST":
        form = LlmMappingForm(request.POST, dataset=dataset)
        if form.is_valid():
            run = dataset_services.llm_run_create(
                dataset=dataset,
                user=request.user,
                mapping=form.mapping,
                options=form.options,
                checks=form.checks,
            )
            _message_run_started(request, run)
            return redirect(run)
    else:
        initial = LlmMappingForm.initial_from(
            dataset=dataset, config=_config_of(dataset, request.GET.get("run"))
        )
        form = LlmMappingForm(dataset=dataset, initial=initial)
    file_format = dataset.preview.get("format", "csv")
    context = {
        "audit": dataset.audit,
        "dataset": dataset,
        "form": form,
        "gate_check_groups": [
            (None, gate_services.gate_checks(dataset.audit, kind=gate_services.LLM))
        ],
        "format_name": FORMAT_NAMES.get(file_format, file_format),
        "delimiter_name": DELIMITER_NAMES.get(dataset.preview.get("delimiter"), "comma")
        if file_format == "csv"
        else "",
        "llm": True,
        "page_title": f"Map {dataset.original_name}",
    }
    return render(request, "audits/dataset_map.html", context)


def _config_of(dataset: Dataset, run_pk: str | None) -> dict | None:
    """The configuration of one of this dataset's runs ("Fix the mapping" starts from it)."""
    if not (run_pk and run_pk.isdigit()):
        return None
    run = dataset.runs.filter(pk=int(run_pk)).only("config").first()
    return run.config if run else None


def _message_run_started(request: HttpRequest, run: FairnessRun) -> None:
    if run.status == RunStatus.SUCCEEDED:
        messages.success(request, f"Fairness run #{run.pk} is done.")
    elif run.status == RunStatus.FAILED:
        messages.warning(request, f"Fairness run #{run.pk} could not use the file: see why below.")
    else:
        messages.info(request, f"Fairness run #{run.pk} has started.")


@login_required
@require_GET
def run_detail(request: AuthenticatedHttpRequest, pk: int, run_pk: int) -> HttpResponse:
    run = run_get_for_user(request.user, audit_pk=pk, run_pk=run_pk, action=Action.VIEW)
    audit = run.dataset.audit
    allowed = allowed_actions(request.user, audit.team_id)
    can_edit = Action.ANSWER in allowed and is_editable(audit)
    can_act = Action.MANAGE_ACTIONS in allowed and not audit.is_locked
    succeeded = run.status == RunStatus.SUCCEEDED
    llm = (
        llm_presentation(run.result, run.config, run.figures, charts=True)
        if run.is_llm and succeeded
        else None
    )
    context = {
        "audit": audit,
        "run": run,
        "dataset": run.dataset,
        "can_edit": can_edit,
        "llm": llm,
        "sections": grouping_sections(
            run.result if succeeded and not run.is_llm else None,
            run.config,
            charts="all",
            action_url=reverse("audits:action_create", args=[audit.pk]) if can_act else None,
            # The action is drafted from this run's check, and saving it comes back here.
            action_params={"run": run.pk, "next": run.get_absolute_url()},
        ),
        "input_facts": input_facts(run.result) if succeeded and not run.is_llm else [],
        "screening": SCREENING,
        "min_group_size": (run.config.get("options") or {}).get("min_group_size")
        or DEFAULT_MIN_GROUP_SIZE,
        "gate_answers": gate_answers(audit, kind=run.kind, task=gate_services.run_task(run))
        if run.status == RunStatus.SUCCEEDED
        else [],
        "progress_label": run_progress_label(run),
        "duration": None if run.duration_ms is None else f"{run.duration_ms / 1000:.1f} s",
        "page_title": f"{'LLM fairness' if run.is_llm else 'Fairness'} run #{run.pk}",
    }
    return render(request, "audits/run_detail.html", context)


@login_required
@require_GET
def run_progress(request: AuthenticatedHttpRequest, pk: int, run_pk: int) -> JsonResponse:
    run = run_get_for_user(request.user, audit_pk=pk, run_pk=run_pk, action=Action.VIEW)
    payload = {
        "status": run.status,
        "progress": round(run.progress, 4),
        "label": run_progress_label(run),
        "error": run.error_message or None,
        "done": run.is_finished,
        "url": run.get_absolute_url(),
    }
    return JsonResponse(payload, headers={"Cache-Control": "no-store"})


def run_progress_label(run: FairnessRun) -> str:
    """What the progress bar says, in words."""
    if run.status == RunStatus.QUEUED:
        return "Waiting for a worker to start the run…"
    if run.status == RunStatus.RUNNING and run.is_llm:
        return "Scoring the responses and computing the metrics and their intervals…"
    if run.status == RunStatus.RUNNING and run.progress >= READING_SHARE:
        return "Computing the metrics and their intervals…"
    if run.status == RunStatus.RUNNING:
        return f"Reading the file… {run.progress:.0%}"
    if run.status == RunStatus.SUCCEEDED:
        return "Done."
    return "The run failed."


@login_required
@require_POST
def run_delete(request: AuthenticatedHttpRequest, pk: int, run_pk: int) -> HttpResponse:
    run = run_get_for_user(request.user, audit_pk=pk, run_pk=run_pk, action=Action.ANSWER)
    audit = run.dataset.audit
    try:
        dataset_services.run_delete(run=run, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(run)
    messages.success(request, f"Failed run #{run_pk} deleted; its upload is kept.")
    return redirect(audit)


@login_required
@require_POST
def run_retry(request: AuthenticatedHttpRequest, pk: int, run_pk: int) -> HttpResponse:
    run = run_get_for_user(request.user, audit_pk=pk, run_pk=run_pk, action=Action.ANSWER)
    try:
        new_run = dataset_services.run_retry(run=run, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(run)
    _message_run_started(request, new_run)
    return redirect(new_run)


@login_required
@require_http_methods(["GET", "POST"])
def gate_override(request: AuthenticatedHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    audit = audit_get_for_user(request.user, pk=pk, action=Action.ANSWER)
    ensure_can_edit(audit=audit, user=request.user)
    question = gate_question_get(audit, question_pk=question_pk)
    answer = dict(gate_answers(audit)).get(question)
    if request.method == "POST":
        form = GateOverrideForm(request.POST)
        if form.is_valid():
            try:
                gate_services.gate_override(
                    audit=audit, question=question, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"{question.code} is overridden; your justification is recorded."
                )
                return redirect(audit)
    else:
        initial = {"value": answer.value} if answer and answer.value else {}
        form = GateOverrideForm(initial=initial)
    context = {
        "audit": audit,
        "question": question,
        "answer": answer,
        "form": form,
        "page_title": f"Override {question.code}",
    }
    return render(request, "audits/run_gate_override.html", context)


urlpatterns = [
    path("audits/<int:pk>/datasets/upload/", dataset_upload, name="dataset_upload"),
    path("audits/<int:pk>/datasets/<int:dataset_pk>/map/", dataset_map, name="dataset_map"),
    path(
        "audits/<int:pk>/datasets/<int:dataset_pk>/map/check/",
        dataset_map_check,
        name="dataset_map_check",
    ),
    path(
        "audits/<int:pk>/datasets/<int:dataset_pk>/attributes/",
        attributes_upload,
        name="attributes_upload",
    ),
    path("audits/<int:pk>/runs/<int:run_pk>/", run_detail, name="run_detail"),
    path("audits/<int:pk>/runs/<int:run_pk>/progress/", run_progress, name="run_progress"),
    path("audits/<int:pk>/runs/<int:run_pk>/retry/", run_retry, name="run_retry"),
    path("audits/<int:pk>/runs/<int:run_pk>/delete/", run_delete, name="run_delete"),
    path("audits/<int:pk>/gates/<int:question_pk>/override/", gate_override, name="gate_override"),
]
