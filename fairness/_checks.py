"""Checks and their verdicts: a point comparison, and a three-way verdict from the 95% interval.

A check is ``metric comparison threshold``, evaluated on every grouping. Its entry keeps
``passed``, the comparison of the point value (what the first readers of the document read), and
adds a ``verdict``:

- ``verdict_policy="interval"`` (default): ``fail`` when the whole 95% interval is on the wrong
  side of the threshold, ``pass`` when the whole interval is on the right side, ``inconclusive``
  otherwise. Each bound is tested with the check's own comparison, so a bound equal to the
  threshold counts on the side the comparison puts it: ``>= 0.8`` with interval [0.8, 0.9]
  passes, and with [0.7, 0.8] is inconclusive (its high bound passes). The verdict follows the
  interval even when a percentile interval leaves out the point value (it can, for a minimum or
  a maximum over groups); ``passed`` still says what the point value alone says.
- ``verdict_policy="point"``: the verdict is the point comparison.
- Without an interval (``bootstrap_draws=0``, or a value undefined in most draws) the verdict is
  the point comparison, and ``verdict_basis`` says ``"point"``.
- A check whose value is undefined has ``value`` and ``passed`` null, its ``reason``, and verdict
  ``inconclusive`` (``verdict_basis`` null): nothing was measured, so nothing was shown either
  way.

Disparity checks use the reliable disparities (``check_groups="reliable"``, default) or fairlearn's
over every known group (``"all"``). Impact-ratio checks always follow LL144: the smallest impact
ratio of the groups not excluded (``check_groups`` ``"ll144"`` in the entry), its interval the
bootstrap interval of that minimum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ._mapping import Check

FOUR_FIFTHS = "four_fifths"
FOUR_FIFTHS_SCORING = "four_fifths_scoring"
VERDICTS: tuple[str, ...] = ("pass", "fail", "inconclusive")
#: What an impact-ratio check's entry says in ``check_groups``: LL144's groups, whatever was asked.
IMPACT_RATIO_GROUPS = "ll144"
IMPACT_RATIO_METRICS = ("impact_ratio", "scoring_impact_ratio")

SPANS_THRESHOLD = (
    "the interval [{low}, {high}] spans the threshold {threshold:g}; needs more data or a "
    "reviewer's judgement"
)
NO_BOOTSTRAP = "no interval (bootstrap_draws is 0): the verdict is the point comparison"
NO_INTERVAL = (
    "no interval (the value is undefined in most bootstrap draws): the verdict is the point "
    "comparison"
)
NOT_EVALUATED = "the value cannot be computed: {reason}"
NEEDS_SCORE = "needs a score, which is not mapped"
NOT_COMPUTED = "not computed: it needs a column that is not mapped (y_true or score)"


class Rule(Protocol):
    """What :func:`verdict` reads of a check: a :class:`Check`, or ``fairness.text.TextCheck``."""

    @property
    def metric(self) -> str: ...
    @property
    def comparison(self) -> str: ...
    @property
    def threshold(self) -> float: ...
    def passes(self, value: float) -> bool: ...


def _bound(value: float, metric: str) -> str:
    return f"{value:.2f}" if metric.endswith("ratio") else f"{value:.3f}"


def _lookup(
    grouping: Mapping[str, Any], metric: str, check_groups: str
) -> tuple[float | None, str | None, list[float] | None, dict[str, Any] | None, str]:
    """(value, reason when undefined, interval, drivers, groups used) of one metric."""
    if metric in IMPACT_RATIO_METRICS:
        if f"{metric}_min" not in grouping:
            need = grouping.get("impact_ratio_needs", NEEDS_SCORE)
            return None, need, None, None, IMPACT_RATIO_GROUPS
        return (
            grouping[f"{metric}_min"],
            grouping["undefined"].get(metric),
            grouping.get(f"{metric}_min_interval"),
            grouping.get(f"{metric}_min_drivers"),
            IMPACT_RATIO_GROUPS,
        )
    prefix = "reliable_" if check_groups == "reliable" else ""
    values = grouping[f"{prefix}disparities"]
    if metric not in values:
        return None, NOT_COMPUTED, None, None, check_groups
    undefined = grouping["reliable_undefined" if prefix else "undefined"]
    return (
        values[metric],
        undefined.get(metric),
        grouping[f"{prefix}disparity_intervals"].get(metric),
        grouping[f"{prefix}disparity_drivers"].get(metric),
        check_groups,
    )


def verdict(
    check: Rule,
    value: float | None,
    interval: Sequence[float] | None,
    *,
    policy: str,
    bootstrapped: bool,
) -> dict[str, Any]:
    """Return ``verdict``, ``verdict_basis`` and ``verdict_reason`` of one check on one grouping.

    Parameters
    ----------
    check : Check or TextCheck
    value : float or None
        The point value; None when undefined.
    interval : [low, high] or None
        Its 95% interval, if any.
    policy : {"interval", "point"}
    bootstrapped : bool
        Whether a bootstrap ran (to say why an interval is missing).
    """
    if value is None:
        return {"verdict": "inconclusive", "verdict_basis": None, "verdict_reason": None}
    if policy == "point" or not interval:
        passed = check.passes(value)
        reason = None if policy == "point" else (NO_INTERVAL if bootstrapped else NO_BOOTSTRAP)
        return {
            "verdict": "pass" if passed else "fail",
            "verdict_basis": "point",
            "verdict_reason": reason,
        }
    low, high = (check.passes(bound) for bound in interval)
    if low and high:
        outcome, reason = "pass", None
    elif not low and not high:
        outcome, reason = "fail", None
    else:
        outcome = "inconclusive"
        reason = SPANS_THRESHOLD.format(
            low=_bound(interval[0], check.metric),
            high=_bound(interval[1], check.metric),
            threshold=check.threshold,
        )
    return {"verdict": outcome, "verdict_basis": "interval", "verdict_reason": reason}


def evaluate_checks(
    groupings: Sequence[Mapping[str, Any]],
    checks: Sequence[Check],
    *,
    four_fifths_threshold: float,
    scoring: bool,
    check_groups: str = "reliable",
    verdict_policy: str = "interval",
    bootstrapped: bool = True,
    screen: bool = True,
) -> list[dict[str, Any]]:
    """Evaluate the four-fifths screen and the user's checks on every grouping.

    A check whose value is undefined has ``value`` and ``passed`` null, says why in ``reason``
    and is ``inconclusive``; it does not fail the report (see :attr:`FairnessReport.passed`).
    """
    all_checks = [Check("impact_ratio", ">=", four_fifths_threshold, FOUR_FIFTHS)] if screen else []
    if scoring:
        all_checks.append(
            Check("scoring_impact_ratio", ">=", four_fifths_threshold, FOUR_FIFTHS_SCORING)
        )
    all_checks += list(checks)
    entries = []
    for check in all_checks:
        for grouping, class_name in _targets(check, groupings):
            if class_name is None:
                value, reason, interval, drivers, used = _lookup(
                    grouping, check.metric, check_groups
                )
            else:
                value, reason, interval, drivers, used = _class_lookup(
                    grouping, check.metric, class_name, check_groups
                )
            outcome = verdict(
                check, value, interval, policy=verdict_policy, bootstrapped=bootstrapped
            )
            if value is None:
                outcome["verdict_reason"] = NOT_EVALUATED.format(reason=reason or "undefined")
            entries.append(
                {
                    "name": check.name,
                    "grouping": grouping["name"],
                    "metric": check.metric,
                    "comparison": check.comparison,
                    "value": value,
                    "threshold": check.threshold,
                    "passed": None if value is None else check.passes(value),
                    "reason": (reason or "undefined") if value is None else None,
                    "interval": list(interval) if interval and value is not None else None,
                    **outcome,
                    "check_groups": used,
                    "drivers": drivers if value is not None else None,
                    **({"class": class_name} if class_name is not None else {}),
                }
            )
    return entries


#: Disparities a multiclass report has per class (``metric[class]`` in a check).
CLASS_DISPARITY_METRICS = frozenset(
    f"{base}_{kind}"
    for base in (
        "demographic_parity", "equalized_odds", "equal_opportunity", "selection_rate",
        "true_positive_rate", "false_positive_rate", "precision",
    )
    for kind in ("difference", "ratio")
)  # fmt: skip
NO_SUCH_CLASS = "the class '{name}' is not among the classes seen ({classes})"


def _targets(
    check: Check, groupings: Sequence[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any], str | None]]:
    """(grouping, class) pairs a check is evaluated on: per class for a multiclass measure."""
    out: list[tuple[Mapping[str, Any], str | None]] = []
    for grouping in groupings:
        per_class = "class_disparities" in grouping and check.metric in CLASS_DISPARITY_METRICS
        if check.class_name is not None:
            out.append((grouping, check.class_name))
        elif per_class:
            out += [(grouping, name) for name in grouping["class_disparities"]]
        else:
            out.append((grouping, None))
    return out


def _class_lookup(
    grouping: Mapping[str, Any], metric: str, name: str, check_groups: str
) -> tuple[float | None, str | None, list[float] | None, dict[str, Any] | None, str]:
    """Like :func:`_lookup`, for the disparity of one class of a multiclass report."""
    if "class_disparities" not in grouping:
        return (
            None,
            "per-class measures exist only in a multiclass report",
            None,
            None,
            check_groups,
        )
    if name not in grouping["class_disparities"]:
        classes = ", ".join(grouping["class_disparities"]) or "none"
        return None, NO_SUCH_CLASS.format(name=name, classes=classes), None, None, check_groups
    prefix = "reliable_" if check_groups == "reliable" else ""
    values = grouping[f"{prefix}class_disparities"][name]
    if metric not in values:
        return None, NOT_COMPUTED, None, None, check_groups
    undefined = grouping[f"{prefix}class_undefined"][name]
    return (
        values[metric],
        undefined.get(metric),
        grouping[f"{prefix}class_disparity_intervals"][name].get(metric),
        grouping[f"{prefix}class_disparity_drivers"][name].get(metric),
        check_groups,
    )


def check_verdict(check: Mapping[str, Any]) -> str:
    """The verdict of a check entry; for a document written before verdicts, from ``passed``."""
    if "verdict" in check:
        verdict: str = check["verdict"]
        return verdict
    return {True: "pass", False: "fail", None: "inconclusive"}[check.get("passed")]


def overall_verdict(checks: Sequence[Mapping[str, Any]]) -> str:
    """``fail`` if any check fails, else ``inconclusive`` if any is, else ``pass``."""
    verdicts = {check_verdict(c) for c in checks}
    if "fail" in verdicts:
        return "fail"
    return "inconclusive" if "inconclusive" in verdicts else "pass"


def summary(checks: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The document's ``summary``: point counts (as before) and verdict counts.

    ``passed`` follows the verdicts, like :attr:`FairnessReport.passed`: no check's verdict is
    ``fail``.
    """
    failed = sum(c["passed"] is False for c in checks)
    undetermined = sum(c["passed"] is None for c in checks)
    counts = {name: sum(check_verdict(c) == name for c in checks) for name in VERDICTS}
    return {
        "passed": counts["fail"] == 0,
        "verdict": overall_verdict(checks),
        "verdicts": counts,
        "checks_failed": failed,
        "checks_passed": len(checks) - failed - undetermined,
        "checks_undetermined": undetermined,
    }
