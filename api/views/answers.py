"""Answers of an audit, and saving one with the revision it was read at (compare-and-swap).

A stale revision is 409 `answer_conflict` with what is stored now (value, revision, who saved it and
when), exactly as the answering page refuses a stale form: nothing is lost, nothing overwritten.
"""

import re

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import conflict_error
from api.serializers import (
    AnswerSerializer,
    AnswerUpdateSerializer,
    ConflictSerializer,
    answer_data,
)
from api.views.common import user_of
from audits import selectors
from audits.permissions import Action
from audits.selectors.evidence import question_for_audit_get
from audits.services.answers import AnswerConflict, answer_confirm_recheck, answer_save
from audits.services.common import ensure_can_edit

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The revision you read, as its ETag (`"3"`); or send `revision` in the body.',
)


def _etag(revision: int) -> str:
    return f'"{revision}"'


class AnswerList(APIView):
    @extend_schema(responses={200: AnswerSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """Every question of the audit's checklist version with its answer, in display order."""
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        answers = selectors.audit_answers(audit)
        data = [answer_data(q, answers.get(q.pk)) for q in selectors.audit_questions(audit)]
        return Response(data)


class AnswerDetail(APIView):
    @extend_schema(responses={200: AnswerSerializer})
    def get(self, request: Request, pk: int, question_pk: int) -> Response:
        """One question's answer; its ETag is the revision to send back with a change."""
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        question = question_for_audit_get(audit, question_pk=question_pk)
        data = answer_data(question, selectors.audit_answers(audit).get(question.pk))
        return Response(data, headers={"ETag": _etag(data["revision"])})

    @extend_schema(
        request=AnswerUpdateSerializer,
        parameters=[IF_MATCH],
        responses={
            200: AnswerSerializer,
            409: OpenApiResponse(
                ConflictSerializer, description="Someone else saved it since you read it."
            ),
        },
    )
    def put(self, request: Request, pk: int, question_pk: int) -> Response:
        """Save the answer, naming the revision you read (0 for a question not answered yet)."""
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.ANSWER)
        ensure_can_edit(audit=audit, user=user)  # a locked audit: `audit_locked`, whatever the body
        question = question_for_audit_get(audit, question_pk=question_pk)
        serializer = AnswerUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        revision = _seen_revision(request, data.get("revision"))
        current = selectors.audit_answers(audit).get(question.pk)
        try:
            saved = answer_save(
                audit=audit,
                user=user,
                question=question,
                value=data.get("value", current.value if current else ""),
                note_md=data.get("note_md", current.note_md if current else ""),
                seen_revision=revision,
            )
        except AnswerConflict as conflict:
            raise conflict_error(conflict, serialize=answer_data) from None
        body = answer_data(question, saved)
        return Response(body, headers={"ETag": _etag(saved.revision)})

    @extend_schema(
        request=AnswerUpdateSerializer,
        parameters=[IF_MATCH],
        responses={
            200: AnswerSerializer,
            409: OpenApiResponse(
                ConflictSerializer, description="Someone else saved it since you read it."
            ),
        },
    )
    def patch(self, request: Request, pk: int, question_pk: int) -> Response:
        """As PUT: a field not sent (`value` or `note_md`) keeps its stored value."""
        return self.put(request, pk, question_pk)


class AnswerConfirmRecheck(APIView):
    @extend_schema(request=None, responses={200: AnswerSerializer})
    def post(self, request: Request, pk: int, question_pk: int) -> Response:
        """Confirm that a copied answer still holds for its changed question (`needs_recheck`).

        Clears what blocks submission; the value and revision stay, the history records who
        confirmed it and when. 400 when the answer needs no re-check.
        """
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.ANSWER)
        ensure_can_edit(audit=audit, user=user)
        question = question_for_audit_get(audit, question_pk=question_pk)
        answer = answer_confirm_recheck(audit=audit, user=user, question=question)
        return Response(answer_data(question, answer), headers={"ETag": _etag(answer.revision)})


def _seen_revision(request: Request, body_revision: int | None) -> int:
    header = request.headers.get("If-Match")
    header_revision = None
    if header is not None:
        match = _IF_MATCH.match(header)
        if match is None:
            raise ValidationError(
                {"revision": ['If-Match must be the answer\'s revision as an ETag, e.g. "3".']}
            )
        header_revision = int(match.group(1))
    both = header_revision is not None and body_revision is not None
    if both and header_revision != body_revision:
        raise ValidationError(
            {"revision": ["The If-Match header and the revision field disagree."]}
        )
    revision = header_revision if header_revision is not None else body_revision
    if revision is None:
        raise ValidationError(
            {
                "revision": [
                    "Send the revision you read: the `revision` field or an If-Match header "
                    "(0 for a question not answered yet)."
                ]
            },
            code="required",
        )
    return revision
