"""Teams of the signed-in user, and the checklist versions an audit may use."""

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import (
    ChecklistVersionDetailSerializer,
    ChecklistVersionSerializer,
    TeamSerializer,
)
from api.views.common import user_of
from audits import selectors
from checklists.models import ChecklistVersion
from checklists.selectors import version_list_published


class TeamList(APIView):
    @extend_schema(operation_id="teams_list", responses={200: TeamSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """Your teams, with your role in each."""
        memberships = selectors.membership_list_for_user(user_of(request))
        data = [{"slug": m.team.slug, "name": m.team.name, "role": m.role} for m in memberships]
        return Response(TeamSerializer(data, many=True).data)


class ChecklistVersionList(ListAPIView):
    """Published checklist versions: the ones a new audit may be pinned to."""

    serializer_class = ChecklistVersionSerializer

    def get_queryset(self) -> QuerySet[ChecklistVersion]:
        return version_list_published()


class ChecklistVersionDetail(APIView):
    """One published checklist version with its questions, in display order."""

    @extend_schema(responses={200: ChecklistVersionDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        version = version_list_published().filter(pk=pk).first()
        if version is None:
            raise Http404("No published checklist version with this id.")
        questions = list(
            version.questions.select_related("principle").order_by(
                "principle__order", "principle__code", "order", "code"
            )
        )
        serializer = ChecklistVersionDetailSerializer(version, context={"questions": questions})
        return Response(serializer.data)
