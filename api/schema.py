"""The schema's view of the API: the token's scheme, and error bodies as the API sends them.

drf-standardized-errors documents each error status with the codes DRF itself raises; this API adds
its own (`audit_locked`, `token_expired`, `audit_incomplete`, a service's message per field, ...),
so 400, 401 and 403 are documented as the one error body (`type`, `errors` with `code`, `detail`,
`attr`; some add members, e.g. `missing`), and every view behind a token may answer 403: roles
and locked audits are checked by the services, not by DRF permission classes.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

ERROR_TYPES = ["validation_error", "client_error", "server_error"]


class ErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, e.g. `required`, `audit_locked`.")
    detail = serializers.CharField()
    attr = serializers.CharField(
        allow_null=True, help_text="The field (`mapping.y_pred`, `extra_checks.0.metric`), or null."
    )


class ErrorResponseSerializer(serializers.Serializer):
    """An error body of the API: its `type` and its `errors` (some add members, e.g. `missing`)."""

    type = serializers.ChoiceField(choices=ERROR_TYPES)
    errors = ErrorItemSerializer(many=True)  # type: ignore[assignment]  # the body's field, named as Serializer.errors; used for the schema only


class AutoSchema(StandardizedErrorsAutoSchema):
    GENERIC = frozenset({"400", "401", "403"})

    def _should_add_http403_error_response(self) -> bool:
        permissions = self.view.get_permissions()
        return not (len(permissions) == 1 and type(permissions[0]) is AllowAny)

    def _get_error_response_serializer(self, status_code: str) -> Any:
        if status_code in self.GENERIC:
            return ErrorResponseSerializer
        return super()._get_error_response_serializer(status_code)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106  (the scheme's name)
        )
        scheme["description"] = (
            "A personal API token (API tokens page, or `manage.py api_token create`)."
        )
        return scheme


# The integer ranges Django gives model fields come from the database backend (SQLite's are 64-bit,
# PostgreSQL's 32-bit for an IntegerField), so the generated schema would differ between the two.
# They say nothing about the API: drop them, so one checked-in schema serves every backend.
_BACKEND_LIMITS = {
    2147483647,
    -2147483648,
    9223372036854775807,
    -9223372036854775808,
    32767,
    -32768,
}


def drop_backend_integer_limits(result: Any, generator: Any, request: Any, public: Any) -> Any:
    """drf-spectacular postprocessing hook: remove database-backend integer bounds."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "integer":
                for key in ("maximum", "minimum"):
                    if node.get(key) in _BACKEND_LIMITS:
                        del node[key]
                if node.get("format") == "int64" and "maximum" not in node:
                    del node["format"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
