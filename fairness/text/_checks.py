"""Checks ``metric op threshold`` on every group, with a three-way verdict from the interval."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .._mapping import COMPARISONS
from ._metrics import COMPARISON_METRICS, GROUP_METRICS

#: What a check may name: a comparison metric (every group against the reference) or a
#: per-group metric (every group, the reference included).
TEXT_CHECK_METRICS: tuple[str, ...] = tuple(dict.fromkeys((*COMPARISON_METRICS, *GROUP_METRICS)))
VERDICTS: tuple[str, ...] = ("pass", "fail", "inconclusive")
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

    def __str__(self) -> str:
        return f"{self.metric} {self.comparison} {self.threshold:g}"


def verdict(comparison: str, threshold: float, interval: list[float] | None,
            value: float) -> tuple[str, str]:  # fmt: skip
    """Return ``(verdict, basis)``: from the interval when there is one, else the point value.

    ``pass`` when the whole interval is on the passing side of the threshold, ``fail`` when it is
    wholly on the failing side, ``inconclusive`` otherwise.
    """
    ok = COMPARISONS[comparison]
    if interval is None:
        return ("pass" if ok(value, threshold) else "fail"), "point"
    low, high = interval
    if ok(low, threshold) and ok(high, threshold):
        return "pass", "interval"
    if not ok(low, threshold) and not ok(high, threshold):
        return "fail", "interval"
    return "inconclusive", "interval"


def evaluate_checks(
    checks: list[TextCheck], groups: list[dict], comparisons: list[dict]
) -> list[dict]:
    """Evaluate every check on every comparison (comparison metrics; ``impact_ratio`` is the
    comparison's) or every group (per-group metrics)."""
    out = []
    for check in checks:
        targets = comparisons if check.metric in COMPARISON_METRICS else groups
        for target in targets:
            value = target["metrics"].get(check.metric)
            item = {
                "metric": check.metric,
                "group": target["group"],
                "value": value,
                "threshold": check.threshold,
                "comparison": check.comparison,
                "interval": target["intervals"].get(check.metric),
            }
            if value is None:
                reason = target.get("undefined", {}).get(check.metric) or (
                    "not measured: map the column it needs"
                )
                item.update(passed=None, verdict=None, verdict_basis=None, reason=reason)
            else:
                result, basis = verdict(check.comparison, check.threshold, item["interval"], value)
                item.update(
                    passed=bool(COMPARISONS[check.comparison](value, check.threshold)),
                    verdict=result,
                    verdict_basis=basis,
                )
            out.append(item)
    return out
