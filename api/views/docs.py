"""The OpenAPI schema and its documentation pages, served offline (drf-spectacular-sidecar).

The site's CSP allows no inline or third-party script: Swagger UI is the "split" view (its start
script is a file of its own), Redoc uses a template without Google Fonts. Redoc's search runs in a
Web Worker it builds from a blob: URL, so its page alone also allows `worker-src blob:`.
"""

from csp.constants import SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import AllowAny

from api import schema  # noqa: F401  (registers the token's security scheme)


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]  # the schema holds no data; it is also docs/openapi.yaml


class SwaggerView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    url_name = "api:schema"


@method_decorator(csp_update({"worker-src": [SELF, "blob:"]}), name="dispatch")
class RedocView(SpectacularRedocView):
    permission_classes = [AllowAny]
    url_name = "api:schema"
    template_name = "api/redoc.html"
