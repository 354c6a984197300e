"""Per-user API tokens: knox's hashed token (digest, expiry) with a name and the time of last use.

knox stores only the SHA-512 digest of a token and its first characters (`token_key`) to find it; the
token itself is shown once, when it is created. `KNOX_TOKEN_MODEL` points knox at this model.
"""

import uuid

from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    # A public identifier for pages and commands: the digest (the primary key) is never shown.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()
