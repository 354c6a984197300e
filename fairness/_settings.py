"""The validated options of :func:`fairness.assess` and the last step of every document.

Shared by the binary path (``_assess``) and the other tasks (``_tasks``), so neither imports the
other's module.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._defaults import CHECK_GROUPS, DEFAULT_CHECK_GROUPS, DEFAULT_VERDICT_POLICY, VERDICT_POLICIES
from ._disparity import METHODS

BAD_SETTING = "{name} must be {rule}, not {value!r}."


@dataclass(frozen=True)
class Settings:
    """The options of :func:`assess`, validated."""

    reference_group: str | Mapping[str, str] | None
    four_fifths_threshold: float
    exclusion_share: float
    min_group_size: int
    bootstrap_draws: int
    seed: int
    max_groups: int
    threshold: float
    disparity_method: str
    check_groups: str = DEFAULT_CHECK_GROUPS
    verdict_policy: str = DEFAULT_VERDICT_POLICY

    def __post_init__(self) -> None:
        rules = [
            ("four_fifths_threshold", self.four_fifths_threshold > 0, "a number above 0"),
            ("exclusion_share", 0 <= self.exclusion_share < 1, "a share from 0 up to 1"),
            ("min_group_size", self.min_group_size >= 0, "a whole number, 0 or more"),
            ("bootstrap_draws", self.bootstrap_draws >= 0, "a whole number, 0 or more"),
            ("max_groups", self.max_groups >= 1, "a whole number, 1 or more"),
            ("threshold", math.isfinite(self.threshold), "a finite number"),
            (
                "disparity_method",
                self.disparity_method in METHODS,
                "'between_groups' or 'to_overall'",
            ),
            ("check_groups", self.check_groups in CHECK_GROUPS, "'reliable' or 'all'"),
            ("verdict_policy", self.verdict_policy in VERDICT_POLICIES, "'interval' or 'point'"),
        ]
        for name, ok, rule in rules:
            if not ok:
                raise ValueError(
                    BAD_SETTING.format(name=name, rule=rule, value=getattr(self, name))
                )

    def to_dict(self) -> dict[str, Any]:
        """The settings as they appear in the report."""
        reference = self.reference_group
        return {
            "reference_group": dict(reference) if isinstance(reference, Mapping) else reference,
            "four_fifths_threshold": float(self.four_fifths_threshold),
            "exclusion_share": float(self.exclusion_share),
            "min_group_size": int(self.min_group_size),
            "bootstrap_draws": int(self.bootstrap_draws),
            "seed": int(self.seed),
            "max_groups": int(self.max_groups),
            "threshold": float(self.threshold),
            "disparity_method": self.disparity_method,
            "check_groups": self.check_groups,
            "verdict_policy": self.verdict_policy,
            "confidence_level": 0.95,
            "interval_methods": {"proportions": "wilson", "other": "bootstrap percentile"},
        }


def clean_document(value: Any) -> Any:
    """Turn numpy scalars into Python ones; refuse NaN, which must have become None earlier."""
    if isinstance(value, dict):
        return {str(k): clean_document(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_document(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise AssertionError("a non-finite number reached the report")
    return value
