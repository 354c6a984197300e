"""Metric gates: the checklist's gate questions with their answers, and overriding one.

An answer comes from the audit's latest successful run (`audits.services.gates`), with the checks
of that run that decided it (each grouping's value, interval and `verdict`); an override needs a
written justification (`gate_override`, at least OVERRIDE_MIN_CHARS characters), which stays with
the answer when later runs come.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.run_serializers import GateAnswerSerializer, GateOverrideSerializer, gate_answer_data
from api.views.common import user_of
from audits import selectors
from audits.permissions import Action
from audits.selectors.datasets import gate_answers, gate_question_get
from audits.services import gates as gate_services
from audits.services.common import ensure_can_edit


class GateList(APIView):
    @extend_schema(responses={200: GateAnswerSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """Every metric-gate question of the audit's checklist with its answer, in checklist order.

        A pipeline fails when a gate's `value` is `fail`.
        """
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        data = [gate_answer_data(q, answer) for q, answer in gate_answers(audit)]
        return Response(GateAnswerSerializer(data, many=True).data)


class GateDetail(APIView):
    @extend_schema(responses={200: GateAnswerSerializer})
    def get(self, request: Request, pk: int, question_pk: int) -> Response:
        """One gate question with its answer (404 for a question that is not a gate)."""
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        question = gate_question_get(audit, question_pk=question_pk)
        answer = dict(gate_answers(audit)).get(question)
        return Response(GateAnswerSerializer(gate_answer_data(question, answer)).data)


class GateOverride(APIView):
    @extend_schema(request=GateOverrideSerializer, responses={200: GateAnswerSerializer})
    def post(self, request: Request, pk: int, question_pk: int) -> Response:
        """Set the gate's answer by hand, with a written justification (owner or auditor)."""
        user = user_of(request)
        audit = selectors.audit_get_for_user(user, pk=pk, action=Action.ANSWER)
        ensure_can_edit(audit=audit, user=user)  # a locked audit: `audit_locked`, whatever the body
        question = gate_question_get(audit, question_pk=question_pk)
        serializer = GateOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        gate_services.gate_override(
            audit=audit, question=question, user=user, **serializer.validated_data
        )
        answer = dict(gate_answers(audit)).get(question)
        return Response(GateAnswerSerializer(gate_answer_data(question, answer)).data)
