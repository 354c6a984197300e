"""The fairness engine: fairness metrics of a system's decisions, computed from a CSV file.

Every number follows the definitions in ``fairness/README.md``: per-group metrics and
disparities equal fairlearn's on the raw rows, impact ratios follow NYC Local Law 144, rates carry
Wilson intervals and disparities bootstrap intervals. It needs only numpy and pyarrow at run time
(pandas, scikit-learn and fairlearn are the tests' reference, not its runtime) and never imports
Django, so it runs in a notebook, the CLI (``manage.py fairness_audit``) or a worker alike.

>>> from fairness import ColumnMapping, assess
>>> report = assess("predictions.csv", ColumnMapping(  # doctest: +SKIP
...     y_true="label", y_pred="decision", sensitive=["sex", "race"], pos_label="1"))
>>> report.passed, report.to_dict()["groupings"][0]["disparities"]  # doctest: +SKIP

How it works
------------
The file is streamed in blocks by pyarrow, reading only the mapped columns, and reduced to a
count table: the number of rows per distinct (sensitive values, y_true, y_pred) cell, plus the
score when one is mapped. Every metric is then a closed-form function of each group's confusion
counts, vectorised over groups (and over bootstrap draws, which resample the table
multinomially). That is what fairlearn computes, and the tests check it against fairlearn's
``MetricFrame`` on the raw rows to 1e-9; running ``MetricFrame`` itself on the count table gives
the same numbers but costs about 1 ms per group and metric (0.9 s for the benchmark's 85 groups,
more than parsing 10M rows), so fairlearn is the reference, not the loop. Memory does not grow
with the number of rows, only with the number of distinct cells (distinct scores, when a score is
mapped). ``bench/README.md`` has the measurements.

Decisions the definitions leave open
-----------------------------------
- Rows used: a row is used when every mapped outcome column (y_true, y_pred, score) has a value;
  the others are dropped, counted per column in ``input.missing`` and named in a warning. If a
  column is empty on every row, that is an error (``all_labels_missing``,
  ``all_scores_missing``). Empty means ``""``, ``NA``, ``N/A``, ``NaN``, ``null`` or ``Unknown``
  (any case, surrounding spaces ignored).
- Unknown: an empty sensitive value makes the row ``Unknown`` in that column's grouping and in
  the intersection (where any empty component makes the row Unknown). The Unknown group is listed
  last with its count and metrics (``"unknown": true``) but takes part in neither impact ratios
  nor disparities. A grouping's disparities are over its known rows: they equal fairlearn's
  ``MetricFrame`` fed those raw rows (``to_overall`` compares with the value on them); the report's
  ``overall`` is on all used rows.
- Undefined values are ``null`` with a reason in ``undefined``, never 0: a TPR without actual
  positives, a precision with nothing selected, a balanced accuracy or ROC AUC of a group with one
  class. Disparities skip groups where the metric is undefined (as ``MetricFrame`` skips NaN) and
  are ``null`` when fewer than two groups remain (fairlearn would return 0 or 1). Equalized odds is
  the worse of its TPR and FPR parts that are defined, ``null`` only when neither is.
- Impact ratios: share = group rows / used rows; a group under ``exclusion_share`` is excluded
  (impact ratio ``null`` with the reason) before the highest-rate reference is chosen; ties go to
  the larger group. A named reference is used even if excluded (with a warning). When a score is
  mapped, ``scoring_rate`` (share strictly above the median of all used scores) gets its own
  ``scoring_impact_ratio`` and a ``four_fifths_scoring`` check; ``impact_ratio`` is always the
  selection-rate one.
- Reliable disparities: per grouping, the disparities over the groups with at least
  ``min_group_size`` rows (not Unknown), beside fairlearn's over every group, with the drivers
  (the groups that set each value). ``null`` with a reason when fewer than two groups qualify.
- Checks: the four-fifths screen and every user check are evaluated on every grouping; disparity
  checks on the reliable disparities by default (``check_groups``), impact-ratio checks under
  LL144's exclusion rule. ``passed`` is the point comparison; ``verdict`` is ``pass`` or ``fail``
  only when the whole 95% interval is on one side of the threshold (each bound tested with the
  check's own comparison), else ``inconclusive`` (``verdict_policy="point"``: the point
  comparison; without an interval it falls back to it, ``verdict_basis`` ``"point"``). A check
  whose value is undefined has ``value`` and ``passed`` ``null``, a ``reason``, and is
  inconclusive. ``report.passed`` is True when no verdict is ``fail``; inconclusive checks are
  listed in the warnings.
- Mode: ``scoring`` when a score is mapped, else ``classification`` with y_true, else
  ``selection_only``; ``metrics`` lists what was computed.
- Groups are sorted by label; intersection labels join values with ``" x "``.
- Line numbers count the header as line 1 in the decompressed text.
"""

from ._assess import assess
from ._checks import VERDICTS
from ._defaults import (
    CHECK_GROUPS,
    DEFAULT_BOOTSTRAP_DRAWS,
    DEFAULT_CHECK_GROUPS,
    DEFAULT_DISPARITY_METHOD,
    DEFAULT_EXCLUSION_SHARE,
    DEFAULT_FOUR_FIFTHS_THRESHOLD,
    DEFAULT_MAX_COLUMNS,
    DEFAULT_MAX_GROUPS,
    DEFAULT_MIN_GROUP_SIZE,
    DEFAULT_OPTIONS,
    DEFAULT_REFERENCE_POLICY,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    DEFAULT_VERDICT_POLICY,
    REFERENCE_POLICIES,
    VERDICT_POLICIES,
)
from ._disparity import DISPARITY_NAMES, NAMED_DISPARITY_NAMES
from ._disparity import METHODS as DISPARITY_METHODS
from ._errors import ERROR_CODES, ERROR_MESSAGES, DatasetError
from ._labels import looks_positive
from ._mapping import CHECK_METRICS, COMPARISONS, Check, ColumnMapping, MappingProblem
from ._metrics import METRIC_NAMES
from ._preview import Preview, preview
from ._report import ENGINE_VERSION, SCHEMA, FairnessReport

# Version 2: tasks beyond binary decisions, inputs beyond one CSV (appended, for clean merges).
from ._sql import DIALECTS as SQL_DIALECTS  # noqa: E402
from ._sql import count_sql  # noqa: E402
from ._task import TASKS  # noqa: E402
from ._text import format_text

__all__ = [
    "CHECK_GROUPS",
    "CHECK_METRICS",
    "COMPARISONS",
    "DEFAULT_BOOTSTRAP_DRAWS",
    "DEFAULT_CHECK_GROUPS",
    "DEFAULT_DISPARITY_METHOD",
    "DEFAULT_EXCLUSION_SHARE",
    "DEFAULT_FOUR_FIFTHS_THRESHOLD",
    "DEFAULT_MAX_COLUMNS",
    "DEFAULT_MAX_GROUPS",
    "DEFAULT_MIN_GROUP_SIZE",
    "DEFAULT_OPTIONS",
    "DEFAULT_REFERENCE_POLICY",
    "DEFAULT_SEED",
    "DEFAULT_THRESHOLD",
    "DEFAULT_VERDICT_POLICY",
    "DISPARITY_METHODS",
    "DISPARITY_NAMES",
    "ENGINE_VERSION",
    "ERROR_CODES",
    "ERROR_MESSAGES",
    "METRIC_NAMES",
    "SCHEMA",
    "Check",
    "ColumnMapping",
    "DatasetError",
    "FairnessReport",
    "MappingProblem",
    "NAMED_DISPARITY_NAMES",
    "Preview",
    "REFERENCE_POLICIES",
    "VERDICTS",
    "VERDICT_POLICIES",
    "assess",
    "format_text",
    "looks_positive",
    "preview",
    "SQL_DIALECTS",
    "TASKS",
    "count_sql",
]

# Gate vocabulary per task (for the app's checklist gates; appended, for clean merges).
from ._checks import CLASS_DISPARITY_METRICS as _CLASS_DISPARITY_METRICS  # noqa: E402
from ._regression_report import REGRESSION_DISPARITY_NAMES  # noqa: E402

#: What a check on a regression report may test: its disparities and (with a threshold) impact ratio.
REGRESSION_CHECK_METRICS: tuple[str, ...] = (*REGRESSION_DISPARITY_NAMES, "impact_ratio")
#: The per-class disparities of a multiclass report (``metric[class]``), in check-metric order.
CLASS_CHECK_METRICS: tuple[str, ...] = tuple(
    m for m in CHECK_METRICS if m in _CLASS_DISPARITY_METRICS
)
__all__ += ["CLASS_CHECK_METRICS", "REGRESSION_CHECK_METRICS"]
