"""Writes of the API's own data: create and revoke a user's tokens, record their use."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

# A token's last use is written at most this often, so a busy pipeline does not write every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once; only its digest is stored


@transaction.atomic
def token_create(*, user: User, name: str, days: int | None = None) -> NewToken:
    """A new token for the user, valid `days` days (API_TOKEN_DEFAULT_DAYS when not given)."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Give the token a name, e.g. the pipeline that will use it."
    elif len(name) > 100:
        errors["name"] = "A token's name has at most 100 characters."
    if days is None:
        days = settings.API_TOKEN_DEFAULT_DAYS
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = f"A token is valid from 1 to {settings.API_TOKEN_MAX_DAYS} days."
    if not user.is_active:
        errors["user"] = "This user is inactive."
    if errors:
        raise ValidationError(errors)
    token, secret = ApiToken.objects.create(user=user, expiry=timedelta(days=days), name=name)
    return NewToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: ApiToken, user: User) -> None:
    """Revoke (delete) one of the user's own tokens: it is refused (401) from the next request."""
    if token.user_id != user.pk:
        raise ValidationError("This token belongs to someone else.")
    token.delete()


def token_touch(*, token: ApiToken) -> None:
    """Record that the token was used now (at most once per LAST_USED_RESOLUTION)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
