"""`manage.py api_token create USERNAME --name NAME [--days N]`, `list USERNAME`, `revoke ...`.

`create` prints the new token alone on standard output (so `TOKEN=$(manage.py api_token create
...)` works) and what it is on standard error; only its hash is stored.
"""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from api import selectors, services


class Command(BaseCommand):
    help = "Create, list or revoke a user's REST API tokens."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="Create a token; prints it once.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument("--days", type=int, help="Days it is valid (API_TOKEN_DEFAULT_DAYS).")
        listing = commands.add_parser("list", help="List a user's tokens (never the secrets).")
        listing.add_argument("username")
        revoke = commands.add_parser("revoke", help="Revoke one token (by id) or all of a user's.")
        revoke.add_argument("username")
        which = revoke.add_mutually_exclusive_group(required=True)
        which.add_argument("--id", dest="token_id", help="The token's id, as `list` shows it.")
        which.add_argument("--all", action="store_true", help="Every token of the user.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user(options["username"])
        if options["command"] == "create":
            self._create(user, name=options["name"], days=options["days"])
        elif options["command"] == "list":
            self._list(user)
        else:
            self._revoke(user, token_id=options["token_id"], every=options["all"])

    def _create(self, user: User, *, name: str, days: int | None) -> None:
        try:
            created = services.token_create(user=user, name=name, days=days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(created.secret)
        expiry = created.token.expiry.isoformat() if created.token.expiry else "never"
        self.stderr.write(
            f"Token “{created.token.name}” ({created.token.uid}) for {user.get_username()}, "
            f"expires {expiry}. It is shown only this once."
        )

    def _list(self, user: User) -> None:
        for token in selectors.token_list_for_user(user):
            expiry = token.expiry.isoformat() if token.expiry else "never"
            used = token.last_used_at.isoformat() if token.last_used_at else "never"
            state = " (expired)" if token.is_expired else ""
            self.stdout.write(
                f"{token.uid}  {token.name}  created {token.created.isoformat()}  "
                f"expires {expiry}{state}  last used {used}"
            )

    def _revoke(self, user: User, *, token_id: str | None, every: bool) -> None:
        if every:
            tokens = list(selectors.token_list_for_user(user))
        else:
            try:
                tokens = [selectors.token_get_for_user(user, uid=token_id or "")]
            except Http404:
                raise CommandError(f"{user.get_username()} has no token {token_id}.") from None
        for token in tokens:
            services.token_revoke(token=token, user=user)
        self.stderr.write(f"Revoked {len(tokens)} token(s) of {user.get_username()}.")


def _user(username: str) -> User:
    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user {username!r}.") from None
    assert isinstance(user, User)
    return user
