"""The ``llm-fairness-report/1`` document, its examples, and :class:`TextReport`."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._checks import check_verdict
from ._collect import Collected, Record
from ._metrics import Units

_Entry = tuple[str, str, Record, Record]

SCHEMA = "llm-fairness-report/1"
EXAMPLE_KINDS: tuple[str, ...] = (
    "largest sentiment gap",
    "largest length gap",
    "refusal in one group only",
    "decision flip",
)


def examples(
    state: Collected,
    all_units: Iterable[Units],
    coding: Mapping[object, bool],
    *,
    reference: str,
    per_kind: int,
) -> list[dict[str, Any]]:
    """A few matched pairs per kind: the largest |compound| and word-count gaps, one-sided
    refusals and decision flips (ties by pair_id), each pair_id at most once per kind."""
    candidates: dict[str, list[tuple[float, float | None, _Entry]]] = {
        kind: [] for kind in EXAMPLE_KINDS
    }
    for units in all_units:
        for pair_id, ref, other in zip(units.pair_ids, units.ref, units.other, strict=True):
            entry = (pair_id, units.group, ref, other)
            candidates["largest sentiment gap"].append(
                (abs(other.compound - ref.compound), other.compound - ref.compound, entry)
            )
            candidates["largest length gap"].append(
                (abs(other.tokens - ref.tokens), other.tokens - ref.tokens, entry)
            )
            if ref.refusal != other.refusal:
                candidates["refusal in one group only"].append((1, None, entry))
            if (ref.decision is not None and other.decision is not None
                    and coding[ref.decision] != coding[other.decision]):  # fmt: skip
                candidates["decision flip"].append((1, None, entry))
    out = []
    for kind, items in candidates.items():
        ranked = heapq.nsmallest(
            len(items) if len(items) < 4 * per_kind else 4 * per_kind,
            items,
            key=lambda item: (-item[0], item[2][0], item[2][1]),
        )
        seen: set[str] = set()
        for score, signed, (pair_id, group, ref, other) in ranked:
            if pair_id in seen or (kind.startswith("largest") and score == 0):
                continue
            seen.add(pair_id)
            example: dict[str, Any] = {
                "pair_id": pair_id,
                "why": kind,
                "group": group,
                "reference": reference,
                "responses": {reference: ref.text, group: other.text},
            }
            if signed is not None:
                example["difference"] = signed
            if ref.sample is not None:
                example["sample"] = ref.sample
            p = state.pairs[pair_id]
            prompts = {
                name: state.prompts[(p, state.groups[name])]
                for name in (reference, group)
                if (p, state.groups[name]) in state.prompts
            }
            if prompts:
                example["prompts"] = prompts
            if state.mapping.decision and ref.decision is not None and other.decision is not None:
                example["decisions"] = {
                    reference: coding[ref.decision],
                    group: coding[other.decision],
                }
            out.append(example)
            if len(seen) >= per_kind:
                break
    return out


@dataclass
class TextReport:
    """The outcome of :func:`~fairness.text.assess_responses`; ``document`` is the JSON dict."""

    document: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.document

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.document, indent=indent, ensure_ascii=False)

    @property
    def checks(self) -> list[dict[str, Any]]:
        checks: list[dict[str, Any]] = self.document["checks"]
        return checks

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        """The check entries whose verdict is ``fail``."""
        return [c for c in self.checks if check_verdict(c) == "fail"]

    @property
    def inconclusive_checks(self) -> list[dict[str, Any]]:
        """The check entries whose verdict is ``inconclusive`` (the interval spans the threshold,
        or the value is undefined)."""
        return [c for c in self.checks if check_verdict(c) == "inconclusive"]

    @property
    def passed(self) -> bool:
        """True when no check's verdict is ``fail``, like :attr:`fairness.FairnessReport.passed`:
        an inconclusive check does not fail the report. A check's own ``passed`` is the point
        comparison."""
        return not self.failed_checks

    @property
    def passed_strict(self) -> bool:
        """True when every check's verdict is ``pass`` (the CLI's ``--strict``)."""
        return all(check_verdict(c) == "pass" for c in self.checks)
