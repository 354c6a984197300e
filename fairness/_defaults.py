"""The engine's defaults: one source for the CLI, the web app's forms and services, and the tests.

Each is the keyword default of :func:`fairness.assess`; callers import these rather than copy the
numbers, so a change here changes every caller at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

#: Impact ratios are relative to the highest-rate group that is not excluded (LL144), unless the
#: caller names a reference group ("named").
DEFAULT_REFERENCE_POLICY = "highest"
REFERENCE_POLICIES: tuple[str, ...] = ("highest", "named")
#: An impact ratio below this is flagged: the four-fifths screening threshold (29 CFR 1607.4(D)).
DEFAULT_FOUR_FIFTHS_THRESHOLD = 0.8
#: Groups under this share of the used rows are left out of impact ratios (6 RCNY §5-301).
DEFAULT_EXCLUSION_SHARE = 0.02
#: Groups with fewer rows carry a small-sample warning.
DEFAULT_MIN_GROUP_SIZE = 30
#: Multinomial resamples of the count table for the disparities' bootstrap intervals.
DEFAULT_BOOTSTRAP_DRAWS = 1000
#: Seed of the bootstrap: the same data and seed give the same document.
DEFAULT_SEED = 0
#: Most groups in one grouping before the file is refused.
DEFAULT_MAX_GROUPS = 1000
#: Most columns a header may have. Every later step (the preview's distinct values, the mapping
#: page's choices) grows with the width, and real prediction files have tens of columns.
DEFAULT_MAX_COLUMNS = 2000
#: Without a decision column, ``score >= threshold`` is the decision.
DEFAULT_THRESHOLD = 0.5
#: fairlearn's ``method`` for disparities.
DEFAULT_DISPARITY_METHOD = "between_groups"
#: Which groups a disparity check is evaluated on: ``"reliable"`` (groups with at least
#: ``min_group_size`` rows, so that a group of 2 people cannot decide a gate) or ``"all"``
#: (every known group, fairlearn's disparities).
DEFAULT_CHECK_GROUPS = "reliable"
CHECK_GROUPS: tuple[str, ...] = ("reliable", "all")
#: How a check's verdict is reached: from its 95% interval (``"interval"``: pass or fail only when
#: the whole interval is on one side of the threshold) or from its point value (``"point"``).
DEFAULT_VERDICT_POLICY = "interval"
VERDICT_POLICIES: tuple[str, ...] = ("interval", "point")

#: The keyword options of :func:`fairness.assess` with their defaults (read-only).
DEFAULT_OPTIONS: Mapping[str, Any] = MappingProxyType(
    {
        "reference_group": None,
        "four_fifths_threshold": DEFAULT_FOUR_FIFTHS_THRESHOLD,
        "exclusion_share": DEFAULT_EXCLUSION_SHARE,
        "min_group_size": DEFAULT_MIN_GROUP_SIZE,
        "threshold": DEFAULT_THRESHOLD,
        "disparity_method": DEFAULT_DISPARITY_METHOD,
        "bootstrap_draws": DEFAULT_BOOTSTRAP_DRAWS,
        "seed": DEFAULT_SEED,
        "max_groups": DEFAULT_MAX_GROUPS,
        "check_groups": DEFAULT_CHECK_GROUPS,
        "verdict_policy": DEFAULT_VERDICT_POLICY,
    }
)
