"""The prompt set of an LLM audit: the page's example, and the counterfactual prompts as CSV.

As the prompt-set page: anyone who may view the audit reads the example; who may answer
(owner, auditor) downloads the prompts, built by `audits.services.prompts` with the page's rules.
Nothing is stored, so a locked audit still gives its prompt set.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.llm_serializers import PromptSetSerializer
from api.views.common import DownloadView, binary, download_response, user_of
from audits import selectors
from audits.permissions import Action
from audits.services.downloads import ReportFile
from audits.services.prompts import (
    EXAMPLE_GROUPS,
    EXAMPLE_TEMPLATES,
    prompt_groups_parse,
    prompt_set_build,
    prompt_set_csv,
    prompt_templates_parse,
)


class PromptSet(DownloadView):
    parser_classes = [JSONParser]

    @extend_schema(responses={200: PromptSetSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """The prompt-set page's example input: templates and groups to start from."""
        selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.VIEW)
        example = {"templates": EXAMPLE_TEMPLATES, "groups": EXAMPLE_GROUPS}
        return Response(PromptSetSerializer(example).data)

    @extend_schema(
        request=PromptSetSerializer,
        responses=binary("text/csv", "The prompts: pair_id, group, prompt (UTF-8 with a BOM)."),
    )
    def post(self, request: Request, pk: int) -> HttpResponse:
        """The counterfactual prompts (`pair_id, group, prompt`) as CSV: send each to the system,
        then upload its responses as an LLM responses dataset (`kind=llm`)."""
        audit = selectors.audit_get_for_user(user_of(request), pk=pk, action=Action.ANSWER)
        serializer = PromptSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        errors: dict[str, list[str]] = {}
        parsed = {}
        for field, parse in (
            ("templates", prompt_templates_parse),
            ("groups", prompt_groups_parse),
        ):
            try:
                parsed[field] = parse(serializer.validated_data[field])
            except DjangoValidationError as error:
                errors[field] = error.messages
        if errors:
            raise ValidationError(errors)
        rows = prompt_set_build(parsed["templates"], parsed["groups"])
        file = ReportFile(
            content=prompt_set_csv(rows),
            content_type="text/csv; charset=utf-8",
            filename=f"audit-{audit.pk}-prompts.csv",
        )
        return download_response(file)
