"""Remediation actions of an audit: list, create (for a question or a run's failed check), change.

As the action pages: roles with MANAGE_ACTIONS (owner, auditor, reviewer), also while the audit is
in review, never once it is approved or archived (`audit_locked`). Closing an action is changing its
`status` to `done`. There is no deletion: the pages delete no action.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.action_serializers import (
    ActionCreateSerializer,
    ActionUpdateSerializer,
    RemediationActionSerializer,
)
from api.views.common import question_or_400, user_of
from audits import selectors
from audits.models import RemediationAction
from audits.permissions import Action
from audits.selectors.actions import action_get_for_user, actions_for_audit
from audits.services import actions as services
from audits.services.common import ensure_not_locked


def _action_response(request: Request, action: RemediationAction, *, created: bool) -> Response:
    """The action as read again through the selector (with `is_overdue`)."""
    action = action_get_for_user(
        user_of(request), audit_pk=action.audit_id, action_pk=action.pk, action=Action.VIEW
    )
    body = RemediationActionSerializer(action).data
    if not created:
        return Response(body)
    location = request.build_absolute_uri(f"/api/v1/audits/{action.audit_id}/actions/{action.pk}/")
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class ActionList(APIView):
    @extend_schema(responses={200: RemediationActionSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """The audit's actions: open ones first (earliest due date first), then done ones."""
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        return Response(RemediationActionSerializer(actions_for_audit(audit), many=True).data)

    @extend_schema(request=ActionCreateSerializer, responses={201: RemediationActionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Record an action for a `question` or a run's failed check (`check_name`), or neither.

        A run's failed check on the run page links here with its name, e.g. "four_fifths on sex".
        """
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.MANAGE_ACTIONS)
        ensure_not_locked(audit=audit)  # approved or archived: `audit_locked`, whatever the body
        serializer = ActionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["question"] = question_or_400(audit, data.get("question"))
        action = services.action_create(audit=audit, user=user, **data)
        return _action_response(request, action, created=True)


class ActionDetail(APIView):
    @extend_schema(responses={200: RemediationActionSerializer})
    def get(self, request: Request, pk: int, action_pk: int) -> Response:
        """One remediation action."""
        action = action_get_for_user(
            user_of(request), audit_pk=pk, action_pk=action_pk, action=Action.VIEW
        )
        return Response(RemediationActionSerializer(action).data)

    @extend_schema(request=ActionUpdateSerializer, responses={200: RemediationActionSerializer})
    def patch(self, request: Request, pk: int, action_pk: int) -> Response:
        """Change its description, owner, due date or status (`done` closes it)."""
        user = user_of(request)
        action = action_get_for_user(
            user, audit_pk=pk, action_pk=action_pk, action=Action.MANAGE_ACTIONS
        )
        ensure_not_locked(audit=action.audit)
        serializer = ActionUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        action = services.action_update(action=action, user=user, **serializer.validated_data)
        return _action_response(request, action, created=False)
