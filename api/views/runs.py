"""Fairness runs: start one on a dataset, follow its progress, read its result, retry a failed one.

A run is configured with the mapping page's JSON (`mapping`, `options`, `extra_checks`), validated
with the same rules (400 per field); `audits.services.datasets.run_create` adds one check per
metric-gate question and starts it. A dataset of LLM responses takes the LLM mapping page's JSON
(`api.llm_serializers`: `mapping` of roles, `options`, `checks`) and `llm_run_create`. A run whose worker went silent is shown failed, as the pages
show it (`audits.selectors.datasets.run_as_seen`; the API never writes on a GET).

There is no deletion: no service deletes a run (the pages keep every run, failed ones too).
"""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ApiError
from api.llm_serializers import LlmRunCreateSerializer
from api.run_serializers import (
    RunCreateSerializer,
    RunDetailSerializer,
    RunSerializer,
)
from api.views.common import user_of
from audits import selectors
from audits.models import Dataset, FairnessRun, RunStatus
from audits.permissions import Action
from audits.selectors.datasets import (
    attribute_datasets_for_audit,
    dataset_get_for_user,
    run_get_for_user,
    runs_for_audit_as_seen,
)
from audits.services import datasets as dataset_services
from audits.services.common import ensure_can_edit


def run_response(request: Request, run: FairnessRun, *, created: bool = False) -> Response:
    """The run as it is now (read again, as the pages see it)."""
    user = user_of(request)
    run = run_get_for_user(user, audit_pk=run.dataset.audit_id, run_pk=run.pk, action=Action.VIEW)
    body = RunDetailSerializer(run, context={"request": request}).data
    if not created:
        return Response(body, headers={"Cache-Control": "no-store"})
    location = request.build_absolute_uri(f"/api/v1/audits/{run.dataset.audit_id}/runs/{run.pk}/")
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


# The body is the one the dataset's kind takes: predictions or LLM responses.
ANY_RUN_CREATE = PolymorphicProxySerializer(
    component_name="AnyRunCreate",
    serializers=[RunCreateSerializer, LlmRunCreateSerializer],
    resource_type_field_name=None,
)


class RunCreate(APIView):
    @extend_schema(request=ANY_RUN_CREATE, responses={201: RunDetailSerializer})
    def post(self, request: Request, pk: int, dataset_pk: int) -> Response:
        """Start a fairness run of the dataset (owner or auditor, while the audit is editable).

        A predictions dataset takes `task` (binary, regression or multiclass), `mapping` (y_true,
        y_pred, score, sensitive, and `counts` for a count table, `id` to join `attributes`, the id
        of an attributes dataset), `decision_threshold` (regression), `options` and
        `extra_checks` (binary); an LLM responses dataset (`kind: llm`) takes `mapping` (pair_id, group,
        response, and optionally prompt, sample, decision, toxicity, pos_label), `options`
        (reference_group, refusal_patterns) and `checks`. Every metric gate of the checklist for
        the dataset's kind is checked; the run answers those gates when it succeeds. Poll the run
        (`status`, `progress`, `done`) until it is done.
        """
        user = user_of(request)
        dataset = dataset_get_for_user(
            user, audit_pk=pk, dataset_pk=dataset_pk, action=Action.ANSWER
        )
        ensure_can_edit(audit=dataset.audit, user=user)  # a locked audit: `audit_locked`
        if dataset.is_llm:
            return run_response(request, _llm_run_start(request, dataset), created=True)
        context = {
            "columns": dataset.columns,
            "attribute_files": {d.pk: d for d in attribute_datasets_for_audit(dataset.audit)},
        }
        serializer = RunCreateSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        run = dataset_services.run_create(dataset=dataset, user=user, **serializer.validated_data)
        return run_response(request, run, created=True)


def _llm_run_start(request: Request, dataset: Dataset) -> FairnessRun:
    serializer = LlmRunCreateSerializer(data=request.data, context={"columns": dataset.columns})
    serializer.is_valid(raise_exception=True)
    return dataset_services.llm_run_create(
        dataset=dataset, user=user_of(request), **serializer.validated_data
    )


class RunList(ListAPIView):
    """The audit's fairness runs, newest first (a run whose worker stopped shown as failed)."""

    serializer_class = RunSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[FairnessRun]:  # for the schema; `list` reads the selector
        return FairnessRun.objects.none()

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        audit = selectors.audit_get_for_user(
            user_of(request), pk=self.kwargs["pk"], action=Action.VIEW
        )
        runs = runs_for_audit_as_seen(audit)
        return Response(RunSerializer(runs, many=True).data)


class RunDetail(APIView):
    @extend_schema(responses={200: RunDetailSerializer})
    def get(self, request: Request, pk: int, run_pk: int) -> Response:
        """The run's status and progress (0 to 1), its configuration, and its summary once done."""
        run = run_get_for_user(user_of(request), audit_pk=pk, run_pk=run_pk, action=Action.VIEW)
        return Response(
            RunDetailSerializer(run, context={"request": request}).data,
            headers={"Cache-Control": "no-store"},
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, run_pk: int) -> Response:
        """Delete a failed run (its upload stays); 400 for a run that did not fail."""
        user = user_of(request)
        run = run_get_for_user(user, audit_pk=pk, run_pk=run_pk, action=Action.ANSWER)
        dataset_services.run_delete(run=run, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunResult(APIView):
    @extend_schema(
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The fairness-report/1 document (llm-fairness-report/1 for a run "
                "of LLM responses).",
            ),
        }
    )
    def get(self, request: Request, pk: int, run_pk: int) -> Response:
        """The run's result (`409` until it succeeds): the engine's `fairness-report/1` document,
        or `fairness.text`'s `llm-fairness-report/1` for a run of LLM responses (`kind: llm`)."""
        run = run_get_for_user(user_of(request), audit_pk=pk, run_pk=run_pk, action=Action.VIEW)
        if run.status == RunStatus.FAILED:
            raise ApiError(
                f"Run #{run.pk} failed, so it has no result: {run.error_message}",
                code="run_failed",
                status_code=status.HTTP_409_CONFLICT,
            )
        if run.status != RunStatus.SUCCEEDED or not isinstance(run.result, dict):
            raise ApiError(
                f"Run #{run.pk} is {run.status}: its result is there once it succeeds.",
                code="run_not_finished",
                status_code=status.HTTP_409_CONFLICT,
            )
        return Response(run.result)


class RunRetry(APIView):
    @extend_schema(request=None, responses={201: RunDetailSerializer})
    def post(self, request: Request, pk: int, run_pk: int) -> Response:
        """Run a failed run again, as a new run with the same configuration (400 for any other)."""
        user = user_of(request)
        run = run_get_for_user(user, audit_pk=pk, run_pk=run_pk, action=Action.ANSWER)
        new_run = dataset_services.run_retry(run=run, user=user)
        return run_response(request, new_run, created=True)
