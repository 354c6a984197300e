"""Token authentication: knox's hashed tokens, with the expiry said and the last use recorded.

A token authenticates its user and nothing more: every check after that is the pages' own
(`audits.permissions` through the selectors and services). An expired or revoked token is a 401.
"""

import binascii
from hmac import compare_digest

from django.contrib.auth.models import User
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from .models import ApiToken
from .services import token_touch

INVALID = (
    "The token is not valid: it may have been revoked. Create a new one on the API tokens page."
)


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>`; expired tokens are kept (listed as expired), never accepted."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, ApiToken]:
        try:
            secret = token.decode("utf-8")
            digest = hash_token(secret)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(INVALID) from None
        candidates = ApiToken.objects.filter(
            token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user")
        for candidate in candidates:
            if not compare_digest(digest, candidate.digest):
                continue
            if candidate.expiry is not None and candidate.expiry <= timezone.now():
                expired = timezone.localtime(candidate.expiry).strftime("%Y-%m-%d %H:%M %Z")
                raise exceptions.AuthenticationFailed(
                    f"The token “{candidate.name}” expired on {expired}.", code="token_expired"
                )
            if not candidate.user.is_active:
                raise exceptions.AuthenticationFailed("This user is inactive.")
            token_touch(token=candidate)
            return candidate.user, candidate
        raise exceptions.AuthenticationFailed(INVALID)
