"""Checks ``metric op threshold`` on every group, with the tabular engine's three-way verdict."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._checks import NOT_EVALUATED, VERDICTS, summary, verdict
from .._mapping import COMPARISONS
from ._metrics import COMPARISON_METRICS, GROUP_METRICS

#: What a check may name: a comparison metric (every group against the reference) or a
#: per-group metric (every group, the reference included).
TEXT_CHECK_METRICS: tuple[str, ...] = tuple(dict.fromkeys((*COMPARISON_METRICS, *GROUP_METRICS)))
NOT_MEASURED = "not measured: map the column it needs"
UNKNOWN_TEXT_CHECK_METRIC = "Unknown check metric '{metric}'; use one of {names}."
BAD_TEXT_CHECK = "Cannot read check '{text}'; write it like 'sentiment_bias_strong <= 0.05'."
UNKNOWN_COMPARISON = "Unknown comparison '{comparison}'; use one of >=, >, <=, <."
BAD_THRESHOLD = "The threshold of a check must be a finite number, not {threshold!r}."
_TEXT = re.compile(r"^\s*(?P<metric>[a-z_]+)\s*(?P<op>>=|<=|>|<)\s*(?P<threshold>\S+)\s*$")


@dataclass(frozen=True)
class TextCheck:
    """``metric comparison threshold``, e.g. ``TextCheck("rougel_similarity", ">=", 0.5)``."""

    metric: str
    comparison: str
    threshold: float

    def __post_init__(self) -> None:
        if self.metric not in TEXT_CHECK_METRICS:
            raise ValueError(
                UNKNOWN_TEXT_CHECK_METRIC.format(
                    metric=self.metric, names=", ".join(TEXT_CHECK_METRICS)
                )
            )
        if self.comparison not in COMPARISONS:
            raise ValueError(UNKNOWN_COMPARISON.format(comparison=self.comparison))
        if isinstance(self.threshold, bool) or not math.isfinite(float(self.threshold)):
            raise ValueError(BAD_THRESHOLD.format(threshold=self.threshold))

    @classmethod
    def parse(cls, text: str) -> TextCheck:
        """Parse ``"sentiment_bias_strong <= 0.05"`` (raises ``ValueError``)."""
        match = _TEXT.match(text)
        if not match:
            raise ValueError(BAD_TEXT_CHECK.format(text=text))
        try:
            threshold = float(match["threshold"])
        except ValueError:
            raise ValueError(BAD_THRESHOLD.format(threshold=match["threshold"])) from None
        return cls(match["metric"], match["op"], threshold)

    def passes(self, value: float) -> bool:
        """Return whether ``value`` satisfies the check (the point comparison)."""
        return bool(COMPARISONS[self.comparison](value, self.threshold))

    def __str__(self) -> str:
        return f"{self.metric} {self.comparison} {self.threshold:g}"


def evaluate_checks(
    checks: Sequence[TextCheck],
    groups: Sequence[Mapping[str, Any]],
    comparisons: Sequence[Mapping[str, Any]],
    *,
    bootstrapped: bool = True,
) -> list[dict[str, Any]]:
    """Evaluate every check on every comparison (comparison metrics; ``impact_ratio`` is the
    comparison's) or every group (per-group metrics).

    The verdict is the tabular engine's (:func:`fairness._checks.verdict`, policy ``interval``):
    from the 95% interval, each bound tested with the check's own comparison; the point
    comparison (``verdict_basis`` ``"point"``) without an interval; ``inconclusive`` when the
    value is undefined. ``passed`` is the point comparison (null when undefined).
    """
    out = []
    for check in checks:
        targets = comparisons if check.metric in COMPARISON_METRICS else groups
        for target in targets:
            value = target["metrics"].get(check.metric)
            interval = target["intervals"].get(check.metric)
            outcome = verdict(check, value, interval, policy="interval", bootstrapped=bootstrapped)
            item: dict[str, Any] = {
                "metric": check.metric,
                "group": target["group"],
                "value": value,
                "threshold": check.threshold,
                "comparison": check.comparison,
                "interval": list(interval) if interval and value is not None else None,
                "passed": None if value is None else check.passes(value),
                **outcome,
            }
            if value is None:
                reason = target.get("undefined", {}).get(check.metric) or NOT_MEASURED
                item["reason"] = reason
                item["verdict_reason"] = NOT_EVALUATED.format(reason=reason)
            out.append(item)
    return out


def text_summary(checks: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The document's ``summary``: the tabular engine's (:func:`fairness._checks.summary`:
    ``passed`` is no ``fail`` verdict, ``verdict``, ``verdicts`` counts, and the point counts
    ``checks_passed``, ``checks_failed``, ``checks_undetermined``) with ``checks``, their number."""
    return {"checks": len(checks), **summary(checks)}


__all__ = [
    "TEXT_CHECK_METRICS",
    "VERDICTS",
    "TextCheck",
    "evaluate_checks",
    "text_summary",
]
