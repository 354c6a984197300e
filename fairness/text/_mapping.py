"""Which column of the responses file plays which role."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ._errors import DUPLICATE_MAPPING, MISSING_MAPPING, text_error

#: Roles in the order they are read; the first three are required.
ROLES: tuple[str, ...] = (
    "pair_id",
    "group",
    "response",
    "prompt",
    "sample",
    "decision",
    "toxicity",
)
REQUIRED_ROLES: tuple[str, ...] = ("pair_id", "group", "response")


@dataclass(frozen=True)
class ResponseMapping:
    """The columns of a responses file.

    Parameters
    ----------
    pair_id, group, response : str
        Required: the counterfactual set (one prompt template filled in per group), the group
        its prompt mentions, and the model's text.
    prompt, sample, decision, toxicity : str, optional
        The prompt (shown in examples), the generation index, a decision extracted from the
        response, and a toxicity score in [0, 1].
    pos_label : str, optional
        The favourable value of ``decision``; by default ``1``, ``true``, ``yes`` (any case).
    """

    pair_id: str
    group: str
    response: str
    prompt: str | None = None
    sample: str | None = None
    decision: str | None = None
    pos_label: str | None = None
    toxicity: str | None = None

    def roles(self) -> list[tuple[str, str]]:
        """Return ``(role, column)`` for every mapped role, in :data:`ROLES` order."""
        return [(role, getattr(self, role)) for role in ROLES if getattr(self, role)]

    def validate(self) -> None:
        """Raise ``DatasetError`` (``missing_mapping``, ``duplicate_mapping``) when unusable."""
        for role in REQUIRED_ROLES:
            if not getattr(self, role):
                raise text_error(MISSING_MAPPING, role=role)
        seen: dict[str, list[str]] = {}
        for role, column in self.roles():
            seen.setdefault(column, []).append(role)
        for column, roles in seen.items():
            if len(roles) > 1:
                raise text_error(DUPLICATE_MAPPING, column=column, roles=" and ".join(roles))

    def to_dict(self) -> dict[str, Any]:
        """The mapping as stored in the document's ``input.columns`` (unmapped roles left out)."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResponseMapping:
        """Inverse of :meth:`to_dict` (unknown keys ignored)."""
        fields = (*ROLES, "pos_label")
        return cls(**{key: data[key] for key in fields if data.get(key) is not None})
