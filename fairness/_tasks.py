"""Regression and multiclass assessments: reading, the document, checks and warnings.

The binary path stays in ``_assess``; these tasks share its inputs (CSV, Parquet, count tables,
the attributes join), its settings, its groupings, its checks and its document's frame (the
``input``, ``settings``, ``groupings``, ``checks``, ``summary`` and ``warnings`` keys), and add
``task`` with ``task_inference``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pyarrow as pa

from ._checks import evaluate_checks, summary
from ._errors import HEADER_ONLY, NO_USABLE_ROWS, REGRESSION_NEEDS_Y_PRED, dataset_error
from ._inputs import read_input
from ._join import join_input, join_warnings
from ._mapping import Check, ColumnMapping
from ._multiclass import assess_multiclass
from ._reader import ColumnPlan
from ._regression import BLOCK_SIZE as REGRESSION_BLOCK
from ._regression import RegressionReader
from ._regression_report import RegressionEvaluation
from ._report import SCHEMA, FairnessReport, versions
from ._settings import Settings, clean_document
from ._sniff import Layout
from ._source import Progress, Source
from ._warnings import _grouping_warnings


def _read(
    source: Source,
    mapping: ColumnMapping,
    consume: Callable[
        [Layout, ColumnPlan, Iterable[pa.RecordBatch], Callable[[], None] | None], Any
    ],
    *,
    attributes: Source | None,
    progress: Progress | None,
    max_columns: int,
    block_size: int | None = None,
) -> tuple[Any, dict[str, Any]]:
    if attributes is not None:
        result, info, _ = join_input(
            source, attributes, mapping, consume, progress=progress, max_columns=max_columns
        )
    else:
        result, info, _ = read_input(
            source, lambda layout: mapping.plan(layout.columns), consume,
            progress=progress, max_columns=max_columns, block_size=block_size,
        )  # fmt: skip
    return result, info


def _warnings(
    groupings: Sequence[dict[str, Any]],
    checks: Sequence[dict[str, Any]],
    mapping: ColumnMapping,
    missing: dict[str, int],
    rows: int,
    used: int,
    settings: dict[str, Any],
    info: dict[str, Any],
) -> list[str]:
    out = join_warnings(info)
    for role, count in missing.items():
        if count:
            out.append(
                f"{count} row(s) have no value in column '{getattr(mapping, role)}' ({role}) and "
                f"are left out ({used} of {rows} rows are used)."
            )
    for check in checks:
        if check["passed"] is None:
            out.append(
                f"Check '{check['name']}' could not be evaluated on {check['grouping']}: "
                f"{check['reason']}."
            )
        elif check.get("verdict") == "inconclusive":
            out.append(
                f"Check '{check['name']}' on {check['grouping']} is inconclusive: "
                f"{check['verdict_reason']}."
            )
    for grouping in groupings:
        grouping.setdefault("undefined", {})
        out += _grouping_warnings(grouping, settings)
    return out


def _document(
    task: str,
    inference: dict[str, Any],
    info: dict[str, Any],
    mapping: ColumnMapping,
    settings: Settings,
    extra_settings: dict[str, Any],
    body: dict[str, Any],
    checks: list[Check],
    *,
    screen: bool,
    app_version: str | None,
    rows: int,
    used: int,
    lines: int,
    missing: dict[str, int],
) -> FairnessReport:
    entries = evaluate_checks(
        body["groupings"], checks, four_fifths_threshold=settings.four_fifths_threshold,
        scoring=False, check_groups=settings.check_groups,
        verdict_policy=settings.verdict_policy, bootstrapped=settings.bootstrap_draws > 0,
        screen=screen,
    )  # fmt: skip
    if mapping.counts:
        info |= {"counts_column": mapping.counts, "cells": lines}
    document = {
        "schema": SCHEMA,
        "input": {
            **info,
            "rows": rows,
            "rows_used": used,
            "rows_dropped": rows - used,
            "missing": missing,
            "columns": {
                "y_true": mapping.y_true,
                "y_pred": mapping.y_pred,
                "score": None,
                "sensitive": list(mapping.sensitive),
            },
        },  # fmt: skip
        "versions": versions(app_version=app_version),
        "task": task,
        "task_inference": inference,
        "mode": task,
        "settings": {**settings.to_dict(), **extra_settings},
        **body,
        "checks": entries,
        "summary": summary(entries),
    }
    settings_dict = document["settings"]
    document["warnings"] = _warnings(
        body["groupings"], entries, mapping, missing, rows, used, settings_dict, info
    )
    return FairnessReport(clean_document(document))


def assess_task(
    task: str,
    inference: dict[str, Any],
    source: Source,
    mapping: ColumnMapping,
    settings: Settings,
    checks: list[Check],
    *,
    threshold: float | None,
    attributes: Source | None,
    progress: Progress | None,
    max_columns: int,
    app_version: str | None,
) -> FairnessReport:
    """Assess a regression or multiclass file (see ``_regression_report`` and ``_multiclass``)."""
    if task == "regression":
        return _regression(
            inference, source, mapping, settings, checks, threshold=threshold,
            attributes=attributes, progress=progress, max_columns=max_columns,
            app_version=app_version,
        )  # fmt: skip
    return assess_multiclass(
        inference, source, mapping, settings, checks, attributes=attributes,
        progress=progress, max_columns=max_columns, app_version=app_version,
        read=_read, document=_document,
    )  # fmt: skip


def _regression(
    inference: dict[str, Any],
    source: Source,
    mapping: ColumnMapping,
    settings: Settings,
    checks: list[Check],
    *,
    threshold: float | None,
    attributes: Source | None,
    progress: Progress | None,
    max_columns: int,
    app_version: str | None,
) -> FairnessReport:
    if not mapping.y_pred or not mapping.y_true:
        raise dataset_error(REGRESSION_NEEDS_Y_PRED)

    def consume(
        layout: Layout,
        plan: ColumnPlan,
        batches: Iterable[pa.RecordBatch],
        report: Callable[[], None] | None,
    ) -> Any:
        reader = RegressionReader(layout, plan, settings.max_groups, threshold)
        return reader.read(batches, report), layout

    (table, layout), info = _read(
        source, mapping, consume, attributes=attributes, progress=progress,
        max_columns=max_columns, block_size=REGRESSION_BLOCK,
    )  # fmt: skip
    if table.rows == 0:
        raise dataset_error(HEADER_ONLY, columns=", ".join(layout.columns))
    if table.rows_used == 0:
        raise dataset_error(NO_USABLE_ROWS, columns=f"'{mapping.y_true}', '{mapping.y_pred}'")
    evaluation = RegressionEvaluation(
        table, draws=settings.bootstrap_draws, seed=settings.seed,
        method=settings.disparity_method, min_group_size=settings.min_group_size,
        exclusion_share=settings.exclusion_share, reference=settings.reference_group,
        four_fifths=settings.four_fifths_threshold,
    )  # fmt: skip
    groupings = [evaluation.grouping(g) for g in evaluation.groupings(settings.max_groups)]
    body = {
        "metrics": ["count", *evaluation.names],
        "overall": evaluation.overall(),
        "groupings": groupings,
    }
    extra = {
        "decision_threshold": threshold,
        "small_group_rows": 200,
        "interval_methods": {
            "selection_rate": "wilson",
            "groups of at least 200 rows": "normal approximation from streamed moments",
            "smaller groups": "bootstrap percentile of their rows",
            "disparities": "percentile of draws (rows resampled for small groups, normal draws for the others)",
        },
    }
    return _document(
        "regression", inference, info, mapping, settings, extra, body, checks,
        screen=threshold is not None, app_version=app_version, rows=table.rows,
        used=table.rows_used, lines=table.lines, missing=table.missing,
    )  # fmt: skip
