"""Reads of the API's own data: a user's tokens (a user only ever sees their own)."""

import uuid

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken


def token_list_for_user(user: User | AnonymousUser) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (expired ones too, marked by their expiry)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created")


def token_get_for_user(user: User | AnonymousUser, *, uid: str | uuid.UUID) -> ApiToken:
    """One of the user's tokens by its public id; anyone else's (or none) is 404."""
    try:
        key = uid if isinstance(uid, uuid.UUID) else uuid.UUID(str(uid))
    except ValueError:
        raise Http404("No such token.") from None
    token = token_list_for_user(user).filter(uid=key).first()
    if token is None:
        raise Http404("No such token.")
    return token
