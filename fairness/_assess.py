"""``assess``: read a predictions file and build its fairness report."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ._bootstrap import auc_draws, bootstrap
from ._checks import evaluate_checks, summary
from ._defaults import (
    DEFAULT_BOOTSTRAP_DRAWS,
    DEFAULT_CHECK_GROUPS,
    DEFAULT_DISPARITY_METHOD,
    DEFAULT_EXCLUSION_SHARE,
    DEFAULT_FOUR_FIFTHS_THRESHOLD,
    DEFAULT_MAX_COLUMNS,
    DEFAULT_MAX_GROUPS,
    DEFAULT_MIN_GROUP_SIZE,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    DEFAULT_VERDICT_POLICY,
)
from ._disparity import disparity_names
from ._errors import (
    UNKNOWN_REFERENCE_GROUP,
    dataset_error,
    quote_list,
)
from ._evaluate import Options, evaluate_grouping, metric_entry, metric_values
from ._groups import Grouping, build_groupings
from ._inputs import read_input
from ._join import join_input, join_warnings
from ._mapping import Check, ColumnMapping
from ._metrics import metrics_for
from ._reader import ColumnPlan, CountingReader, RawCounts
from ._report import SCHEMA, FairnessReport, versions
from ._settings import Settings, clean_document
from ._sniff import Layout
from ._source import Progress, Source
from ._table import Table, build_table
from ._task import resolve_task
from ._tasks import assess_task
from ._warnings import report_warnings


def _check_reference(reference: Any, groupings: Sequence[Grouping]) -> None:
    if reference is None:
        return
    wanted = reference.items() if isinstance(reference, Mapping) else [(None, reference)]
    for grouping_name, label in wanted:
        candidates = [g for g in groupings if grouping_name in (None, g.name)]
        if not any(label in g.labels for g in candidates):
            groups = [label for g in candidates if len(g.columns) == 1 for label in g.labels]
            raise dataset_error(
                UNKNOWN_REFERENCE_GROUP,
                group=label,
                groups=quote_list(groups or ["(none)"], limit=40),
            )


def _mode(table: Table) -> str:
    if table.has_score:
        return "scoring"
    return "classification" if table.has_y_true else "selection_only"


def _table_info(table: Table, mapping: ColumnMapping) -> dict[str, Any]:
    return {
        "rows": table.rows,
        "rows_used": table.rows_used,
        "rows_dropped": table.rows - table.rows_used,
        "missing": dict(table.missing),
        "columns": {
            "y_true": mapping.y_true,
            "y_pred": mapping.y_pred,
            "score": mapping.score,
            "sensitive": list(mapping.sensitive),
        },
        "pos_label": table.pos_label,
        "labels": {
            role: {"positive": list(c.positive), "negative": list(c.negative)}
            for role, c in table.labels.items()
        },
    }


def _overall(table: Table, names: Sequence[str]) -> dict[str, Any]:
    everything = np.zeros(len(table.cells.counts), dtype=np.int64)
    fine = np.zeros(len(table.fine.counts), dtype=np.int64) if table.fine is not None else None
    values, counts = metric_values(names, table, everything, fine, 1)
    metrics, undefined, intervals = metric_entry(
        names,
        {k: v[0] for k, v in values.items()},
        {k: v[0] for k, v in counts.items()},
        "the data",
    )
    return {**metrics, "intervals": intervals, "undefined": undefined}


def assess(
    source: Source,
    mapping: ColumnMapping,
    *,
    checks: Sequence[Check | str] = (),
    reference_group: str | Mapping[str, str] | None = None,
    four_fifths_threshold: float = DEFAULT_FOUR_FIFTHS_THRESHOLD,
    exclusion_share: float = DEFAULT_EXCLUSION_SHARE,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    bootstrap_draws: int = DEFAULT_BOOTSTRAP_DRAWS,
    seed: int = DEFAULT_SEED,
    max_groups: int = DEFAULT_MAX_GROUPS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    threshold: float = DEFAULT_THRESHOLD,
    disparity_method: str = DEFAULT_DISPARITY_METHOD,
    check_groups: str = DEFAULT_CHECK_GROUPS,
    verdict_policy: str = DEFAULT_VERDICT_POLICY,
    progress: Callable[[int, int], None] | Progress | None = None,
    app_version: str | None = None,
    task: str | None = None,
    attributes: Source | None = None,
    decision_threshold: float | None = None,
) -> FairnessReport:
    """Measure the fairness of a system's decisions in a predictions file.

    Parameters
    ----------
    source : str, os.PathLike or binary file object
        A CSV file (comma, semicolon or tab delimited; UTF-8 with or without BOM; optionally
        gzip-compressed) with a header row. A file object is read from its current position.
    mapping : ColumnMapping
        The roles of the columns.
    checks : sequence of Check or str
        Checks evaluated on every grouping, besides the four-fifths screen (strings are read by
        :meth:`Check.parse`).
    reference_group : str or mapping, optional
        The group impact ratios are relative to: a group label (used in every grouping that has
        it) or ``{grouping name: label}``. By default the highest rate among groups not excluded.
    four_fifths_threshold : float
        Impact ratios below it are flagged (a screening threshold, not a verdict of fairness).
    exclusion_share : float
        Groups with a smaller share of the used rows are left out of impact ratios (LL144's 2%).
    min_group_size : int
        Groups with fewer rows carry a small-sample warning and are left out of the reliable
        disparities.
    bootstrap_draws : int
        Multinomial draws of the count table for the bootstrap intervals (0 to skip them).
    seed : int
        Seed of the bootstrap: the same data and seed give the same document.
    max_groups : int
        Most groups allowed in one grouping.
    max_columns : int
        Most columns the file's header may have.
    threshold : float
        Decision threshold on the score when no y_pred is mapped (``score >= threshold``).
    disparity_method : {"between_groups", "to_overall"}
        How disparities compare groups (fairlearn's ``method``).
    check_groups : {"reliable", "all"}
        The groups disparity checks are evaluated on: the reliable groups (at least
        ``min_group_size`` rows, not Unknown), so that a group too small to read cannot fail or
        pass a gate, or every known group (fairlearn's disparities). Impact-ratio checks always
        follow LL144's exclusion rule.
    verdict_policy : {"interval", "point"}
        How a check's ``verdict`` is reached: from its 95% interval (pass or fail only when the
        whole interval is on one side of the threshold, else inconclusive) or from its point
        value.
    progress : callable, optional
        ``progress(done_bytes, total_bytes)``, called as blocks are read (at most once a block,
        always on the calling thread); total is 0 if unknown.
    app_version : str, optional
        The version of the program that calls the engine, recorded in ``versions.app``.
    task : {"binary", "regression", "multiclass"}, optional
        What the predictions are. By default inferred from the head of the file when that is
        unambiguous (numbers with fractions in y_pred: regression; more than two text labels
        that are not yes/no: multiclass), else binary; ``task_inference`` in the document says
        which and why.
    attributes : str, os.PathLike or binary file object, optional
        A separate file of sensitive attributes, joined on ``mapping.id`` (see ``_join``).
    decision_threshold : float, optional
        Regression only: the decision ``y_pred >= decision_threshold``, which adds selection
        rates, impact ratios and the four-fifths screen (none without it).

    Returns
    -------
    FairnessReport

    Raises
    ------
    DatasetError
        When the file or the mapping cannot be used; ``code`` says why.
    ValueError
        When an option is out of range or a check names an unknown metric.
    """
    resolved, inference = resolve_task(task, source, mapping, max_columns=max_columns)
    settings = Settings(
        reference_group, four_fifths_threshold, exclusion_share, int(min_group_size),
        int(bootstrap_draws), int(seed), int(max_groups), float(threshold), disparity_method,
        check_groups, verdict_policy,
    )  # fmt: skip
    parsed_checks: list[Check] = [Check.parse(c) if isinstance(c, str) else c for c in checks]
    mapping.validate()
    if resolved != "binary":
        report: FairnessReport = assess_task(
            resolved, inference, source, mapping, settings, parsed_checks,
            threshold=decision_threshold, attributes=attributes, progress=progress,
            max_columns=max_columns, app_version=app_version,
        )  # fmt: skip
        return report
    table, source_info = _count(
        source, mapping, settings, progress, max_columns=max_columns, attributes=attributes
    )
    groupings = build_groupings(table, max_groups=settings.max_groups)
    _check_reference(settings.reference_group, groupings)
    names = metrics_for(has_y_true=table.has_y_true, has_score=table.has_score)
    documents = _evaluate(table, groupings, names, settings)
    check_entries = evaluate_checks(
        documents,
        parsed_checks,
        four_fifths_threshold=settings.four_fifths_threshold,
        scoring=table.has_score,
        check_groups=settings.check_groups,
        verdict_policy=settings.verdict_policy,
        bootstrapped=settings.bootstrap_draws > 0,
    )
    document = {
        "schema": SCHEMA,
        "input": {**source_info, **_table_info(table, mapping)},
        "versions": versions(app_version=app_version),
        "task": "binary",
        "task_inference": inference,
        "mode": _mode(table),
        "settings": {
            **settings.to_dict(),
            "roc_auc_bootstrap_draws": (
                auc_draws(table, settings.bootstrap_draws) if "roc_auc" in names else None
            ),
        },
        "metrics": list(names),
        "overall": _overall(table, names),
        "score": _score_summary(table, mapping, settings),
        "groupings": documents,
        "checks": check_entries,
        "summary": summary(check_entries),
        "warnings": join_warnings(source_info)
        + report_warnings(table, documents, check_entries, mapping, settings.to_dict()),
    }
    return FairnessReport(clean_document(document))


def _count(
    source: Source,
    mapping: ColumnMapping,
    settings: Settings,
    progress: Progress | None,
    *,
    max_columns: int,
    attributes: Source | None = None,
) -> tuple[Table, dict[str, Any]]:
    """Stream the file into its count table; return it with what the report says of the file."""

    def consume(
        layout: Layout, plan: ColumnPlan, batches: Any, report: Callable[[], None] | None
    ) -> RawCounts:
        reader = CountingReader(layout, plan, max_groups=settings.max_groups)
        return reader.read_batches(batches, report)

    if attributes is not None:
        raw, info, layout = join_input(
            source, attributes, mapping, consume, progress=progress, max_columns=max_columns
        )
    else:
        raw, info, layout = read_input(
            source, lambda layout: mapping.plan(layout.columns), consume,
            progress=progress, max_columns=max_columns,
        )  # fmt: skip
    table = build_table(
        raw,
        layout,
        pos_label=mapping.pos_label,
        score_column=mapping.score,
        threshold=settings.threshold,
    )
    if mapping.counts:
        info |= {"counts_column": mapping.counts, "cells": table.lines}
    return table, info


def _evaluate(
    table: Table, groupings: Sequence[Grouping], names: Sequence[str], settings: Settings
) -> list[dict[str, Any]]:
    """Compute every grouping's entry, then add its bootstrap intervals."""
    disparities = disparity_names(names)
    options = Options(
        method=settings.disparity_method,
        exclusion_share=settings.exclusion_share,
        four_fifths_threshold=settings.four_fifths_threshold,
        min_group_size=settings.min_group_size,
        reference_group=settings.reference_group,
    )
    results = [
        evaluate_grouping(table, g, names=names, disparity_names=disparities, options=options)
        for g in groupings
    ]
    intervals = bootstrap(
        table, groupings, [r.references for r in results], [r.reliable for r in results],
        names=disparities, metrics=names, method=settings.disparity_method,
        draws=settings.bootstrap_draws, seed=settings.seed,
    )  # fmt: skip
    for result, boot in zip(results, intervals, strict=True):
        document = result.document
        document["disparity_intervals"] = {
            name: boot.disparities.get(name) for name in document["disparities"]
        }
        document["reliable_disparity_intervals"] = {
            name: boot.reliable_disparities.get(name) for name in document["reliable_disparities"]
        }
        for key, interval in boot.impact_minimum.items():
            if document.get(f"{key}_min") is not None:
                document[f"{key}_min_interval"] = interval
        for group, extra in zip(result.document["groups"], boot.groups, strict=False):
            group["intervals"].update(extra)
    return [r.document for r in results]


def _score_summary(
    table: Table, mapping: ColumnMapping, settings: Settings
) -> dict[str, Any] | None:
    if not table.has_score or table.score_range is None:
        return None
    return {
        "median": table.median,
        "min": table.score_range[0],
        "max": table.score_range[1],
        "decision_threshold": None if mapping.y_pred else settings.threshold,
        "scoring_rate_rule": "score strictly above the median score of all used rows",
    }
