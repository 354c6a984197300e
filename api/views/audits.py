"""Audits: list (filtered), create, detail with scores and completion, update, submit, review,
archive, re-audit.

Thin, like the pages: a selector checks access (404 outsider, 403 role), a serializer validates, a
service writes (and checks the role and the audit's lock again).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import AuditFilter
from api.serializers import (
    AuditCreateSerializer,
    AuditDetailSerializer,
    AuditSerializer,
    AuditUpdateSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
)
from api.views.common import user_of
from audits import selectors
from audits.models import Audit
from audits.permissions import Action, allowed_actions
from audits.selectors.reports import audit_is_sealing
from audits.services import audits as audit_services
from audits.services.common import ensure_can_edit, ensure_not_locked, is_editable
from checklists.selectors import version_list_published


def audit_detail_response(request: Request, audit: Audit, *, status_code: int = 200) -> Response:
    """The audit as its page shows it: scores per principle, completion, what is missing, rights."""
    user = user_of(request)
    questions = selectors.audit_questions(audit)
    answers = selectors.audit_answers(audit)
    allowed = allowed_actions(user, audit.team_id)
    evidence = selectors.evidence_progress(audit, questions=questions, answers=answers)
    detail = {
        "scores": selectors.audit_scores(audit, questions=questions, answers=answers),
        "missing": selectors.audit_missing_items(
            audit, questions=questions, answers=answers, evidence=evidence
        ),
        "evidence": evidence,
        "questions": questions,
        "to_recheck": selectors.answers_to_recheck(questions, answers),
        "allowed": allowed,
        "editable": Action.ANSWER in allowed and is_editable(audit),
        "sealing": audit_is_sealing(audit, list(audit.snapshots.all())),
    }
    serializer = AuditDetailSerializer(audit, context={"detail": detail, "request": request})
    return Response(serializer.data, status=status_code)


class AuditList(ListAPIView):
    """Audits of your teams, most recently changed first; filter by `team` (slug) and `status`."""

    serializer_class = AuditSerializer
    filterset_class = AuditFilter

    def get_queryset(self) -> QuerySet[Audit]:
        return selectors.audit_list_for_user(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audits = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(audits)
        rows = list(page if page is not None else audits)
        context = {"scores": selectors.scores_for_audits(rows), "request": request}
        data = AuditSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=AuditCreateSerializer, responses={201: AuditDetailSerializer})
    def post(self, request: Request) -> Response:
        """Start an audit in one of your teams (owner or auditor), pinned to a published version."""
        user = user_of(request)
        if not selectors.teams_allowing(user, Action.CREATE_AUDIT):
            raise PermissionDenied("Starting an audit needs the owner or auditor role in a team.")
        serializer = AuditCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        teams = {m.team.slug: m.team for m in selectors.membership_list_for_user(user)}
        team = teams.get(data.pop("team"))
        if team is None:
            raise ValidationError({"team": ["Not one of your teams."]}, code="invalid")
        version = version_list_published().filter(pk=data.pop("checklist_version")).first()
        if version is None:
            raise ValidationError(
                {"checklist_version": ["Not a published checklist version."]}, code="invalid"
            )
        audit = audit_services.audit_create(team=team, user=user, checklist_version=version, **data)
        audit = selectors.audit_get_for_user(user, pk=audit.pk)
        return audit_detail_response(request, audit, status_code=status.HTTP_201_CREATED)


class AuditDetail(APIView):
    @extend_schema(responses={200: AuditDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """The audit with its scores per principle, completion, what stops submission, your rights."""
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        return audit_detail_response(request, audit)

    @extend_schema(request=AuditUpdateSerializer, responses={200: AuditDetailSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        """Change the audit's description while it is editable (owner or auditor)."""
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.ANSWER)
        ensure_can_edit(audit=audit, user=user)
        serializer = AuditUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        audit_services.audit_update(audit=audit, user=user, **serializer.validated_data)
        return audit_detail_response(request, selectors.audit_get_for_user(user, pk=pk))


class AuditSubmit(APIView):
    @extend_schema(request=None, responses={200: AuditDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Send the audit to review; 400 `audit_incomplete` lists what is missing."""
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.SUBMIT)
        audit_services.audit_submit(audit=audit, user=user)
        return audit_detail_response(request, selectors.audit_get_for_user(user, pk=pk))


class AuditReviews(APIView):
    @extend_schema(responses={200: ReviewSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """The audit's reviews, newest first."""
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        return Response(ReviewSerializer(selectors.reviews_for_audit(audit), many=True).data)

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Approve, or request changes with an overall comment and comments per principle."""
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.REVIEW)
        ensure_not_locked(audit=audit)  # approved or archived: `audit_locked`, as every write
        codes = {q.principle.code for q in selectors.audit_questions(audit)}
        serializer = ReviewCreateSerializer(data=request.data, context={"principle_codes": codes})
        serializer.is_valid(raise_exception=True)
        review = audit_services.audit_review(audit=audit, user=user, **serializer.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class AuditArchive(APIView):
    @extend_schema(request=None, responses={200: AuditDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Archive the audit (owners only): it is kept, read-only, and leaves the work lists.

        Any audit may be archived, an approved one too; there is no way back (the pages offer
        none). 400 when it is archived already.
        """
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.ARCHIVE)
        audit_services.audit_archive(audit=audit, user=user)
        return audit_detail_response(request, selectors.audit_get_for_user(user, pk=pk))


class AuditReaudit(APIView):
    @extend_schema(request=None, responses={201: AuditDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Start a re-audit of an approved audit (owners only): a new audit, answered by a job.

        The answer is the new audit, on the checklist's latest published version, with
        `previous_audit` set. While `copying_answers` is true its answers are being copied (where
        the questions still match) and it refuses writes (`audit_locked`); poll it until false.
        The approved audit is unchanged. 400 for an audit that is not approved.
        """
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.REAUDIT)
        new_audit = audit_services.audit_reaudit(audit=audit, user=user)
        new_audit = selectors.audit_get_for_user(user, pk=new_audit.pk)
        response = audit_detail_response(request, new_audit, status_code=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/v1/audits/{new_audit.pk}/")
        return response
