"""From raw counts to the count table the metrics run on: labels coded, empty rows dropped.

A row is *used* when every mapped outcome column has a value: y_true (when mapped), y_pred (when
mapped) and the score (when mapped). Rows missing one of them are dropped and counted per column.
Without y_pred the decision is ``score >= threshold``. The scoring rate compares each score with
the median score of all used rows (Unknown groups included), strictly above it counting as scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from ._errors import (
    ALL_LABELS_MISSING,
    ALL_SCORES_MISSING,
    HEADER_ONLY,
    NO_USABLE_ROWS,
    dataset_error,
)
from ._labels import LabelCoding, LabelColumn, resolve_labels
from ._reader import MISSING_SCORE, RawCounts, canonical_levels, merge_cells
from ._sniff import Layout


@dataclass(frozen=True)
class Cells:
    """Rows counted per distinct cell: sensitive codes (0 = Unknown) and outcome columns."""

    codes: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    above: np.ndarray
    score: np.ndarray | None
    counts: np.ndarray


@dataclass(frozen=True)
class Table:
    """The count table of one file and what was learnt making it."""

    sensitive: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    has_y_true: bool
    has_score: bool
    cells: Cells
    fine: Cells | None
    rows: int
    rows_used: int
    missing: dict[str, int]
    labels: dict[str, LabelCoding]
    pos_label: str
    median: float | None
    score_range: tuple[float, float] | None
    #: Lines read: rows of the file, or cells of a count table.
    lines: int = 0


def weighted_median(values: np.ndarray, counts: np.ndarray) -> float:
    """Median of the rows, given distinct ``values`` and their ``counts`` (numpy's definition)."""
    order = np.argsort(values, kind="stable")
    values, cumulative = values[order], np.cumsum(counts[order])
    total = int(cumulative[-1])

    def nth(k: int) -> float:
        return float(values[np.searchsorted(cumulative, k, side="right")])

    if total % 2:
        return nth(total // 2)
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _code_labels(
    raw: RawCounts, pos_label: str | None
) -> tuple[dict[str, np.ndarray], dict[str, LabelCoding], str]:
    """Resolve the label columns; return per role the code of each cell (-1 = empty)."""
    width = len(raw.sensitive)
    columns = []
    for offset, (role, dictionary) in enumerate(raw.labels.items()):
        per_code = np.bincount(
            raw.columns[width + offset], weights=raw.counts, minlength=len(dictionary.values) + 1
        )
        columns.append(
            LabelColumn(
                role=role,
                name=dictionary.name,
                values=dictionary.values,
                counts=[int(n) for n in per_code[1:]],
                first_lines=dictionary.first_lines,
            )
        )
    if not columns:
        return {}, {}, pos_label or "1"
    codings, shown = resolve_labels(columns, pos_label)
    coded = {}
    for offset, (column, coding) in enumerate(zip(columns, codings, strict=True)):
        lut = np.concatenate([[-1], coding.codes]).astype(np.int8)
        coded[column.role] = lut[raw.columns[width + offset]]
    return coded, dict(zip(raw.labels, codings, strict=True)), shown


def build_table(
    raw: RawCounts,
    layout: Layout,
    *,
    pos_label: str | None,
    score_column: str | None,
    threshold: float,
) -> Table:
    """Code the labels, drop rows without an outcome, add decisions and the median split.

    Raises
    ------
    DatasetError
        ``header_only``, label errors (see :func:`~._labels.resolve_labels`),
        ``all_labels_missing``, ``all_scores_missing`` or ``no_usable_rows``.
    """
    if raw.rows == 0:
        raise dataset_error(HEADER_ONLY, columns=", ".join(layout.columns))
    raw = canonical_levels(raw)
    coded, codings, shown = _code_labels(raw, pos_label)
    total = int(raw.counts.sum())
    missing: dict[str, int] = {}
    usable = np.ones(len(raw.counts), dtype=bool)
    for role, values in coded.items():
        empty = values == -1
        missing[role] = int(raw.counts[empty].sum())
        if missing[role] == total:
            raise dataset_error(ALL_LABELS_MISSING, column=raw.labels[role].name, role=role)
        usable &= ~empty
    if raw.score is not None:
        empty = raw.score == MISSING_SCORE
        missing["score"] = int(raw.counts[empty].sum())
        if missing["score"] == total:
            raise dataset_error(ALL_SCORES_MISSING, column=score_column)
        usable &= ~empty
    counts = raw.counts[usable]
    if counts.sum() == 0:
        names = [d.name for d in raw.labels.values()] + ([score_column] if score_column else [])
        raise dataset_error(NO_USABLE_ROWS, columns=", ".join(f"'{n}'" for n in names))
    codes = np.stack([c[usable] for c in raw.columns[: len(raw.sensitive)]], axis=1)
    score = raw.score[usable] if raw.score is not None else None
    has_y_true = "y_true" in coded
    y_true = coded["y_true"][usable] if has_y_true else np.zeros(len(counts), dtype=np.int8)
    # Without y_pred, the decision is the score against the threshold.
    # Without y_pred a score is mapped (the mapping requires one of them), so score is set.
    y_pred = (
        coded["y_pred"][usable]
        if "y_pred" in coded
        else (cast(np.ndarray, score) >= threshold).astype(np.int8)
    )
    median = None
    above = np.zeros(len(counts), dtype=np.int8)
    if score is not None:
        median = weighted_median(score, counts)
        above = (score > median).astype(np.int8)
    cells = _merge(codes, y_true, y_pred, above, None, counts)
    fine = None
    if score is not None and has_y_true:
        fine = _merge(codes, y_true, y_pred * 0, above * 0, score, counts)
    return Table(
        sensitive=tuple(d.name for d in raw.sensitive),
        levels=tuple(tuple(d.values) for d in raw.sensitive),
        has_y_true=has_y_true,
        has_score=score is not None,
        cells=cells,
        fine=fine,
        rows=raw.rows,
        rows_used=int(counts.sum()),
        missing=missing,
        labels=codings,
        pos_label=shown,
        median=median,
        score_range=(float(score.min()), float(score.max())) if score is not None else None,
        lines=raw.lines,
    )


def _merge(
    codes: np.ndarray,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    above: np.ndarray,
    score: np.ndarray | None,
    counts: np.ndarray,
) -> Cells:
    columns = [*codes.T, y_true.astype(np.int64), y_pred.astype(np.int64), above.astype(np.int64)]
    if score is not None:
        columns.append(score)
    merged, summed = merge_cells(columns, counts)
    width = codes.shape[1]
    return Cells(
        codes=np.stack(merged[:width], axis=1),
        y_true=merged[width].astype(np.int8),
        y_pred=merged[width + 1].astype(np.int8),
        above=merged[width + 2].astype(np.int8),
        score=merged[width + 3] if score is not None else None,
        counts=summed,
    )
