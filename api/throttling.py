"""Throttling per token (per user for a signed-in browser), at the API_THROTTLE_RATE setting.

DRF imports this module while it defines APIView, so nothing here imports rest_framework.views.
"""

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        # Read when the throttle is made, so the setting (and a test's override) always applies.
        return str(settings.API_THROTTLE_RATE)

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.uid}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
