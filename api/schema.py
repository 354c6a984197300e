"""How the schema names the token: `Authorization: Bearer <token>` (knox, our ApiToken model)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


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
