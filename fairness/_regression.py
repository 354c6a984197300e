r"""Regression: streamed per-cell moments of numeric predictions and targets, never the rows.

Each block's rows are reduced to sums per cell (the distinct combination of sensitive values):
:math:`n`, :math:`\sum y`, :math:`\sum p`, :math:`\sum |e|`, :math:`\sum e`, :math:`\sum e^2`
(:math:`e = p - y`, prediction minus target), the sum of squared deviations of the target
(merged across blocks with Chan's formula, so :math:`r^2` does not lose digits to cancellation),
the target's minimum and maximum (a constant target makes :math:`r^2` undefined, as exactly as
scikit-learn's test), and the higher power sums the intervals need. A group's figures are sums
over its cells, so every grouping comes from the same table. Rows are kept only for cells of
fewer than :data:`SMALL_GROUP` rows (at most that many per cell): the groups below that size get
bootstrap intervals from their rows, the others normal-approximation intervals from moments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._counts import parse_counts
from ._errors import NON_NUMERIC_VALUES, dataset_error
from ._labels import MISSING_TOKENS
from ._reader import ColumnPlan, CountingReader
from ._sniff import Layout

#: CSV bytes per block: numeric columns make fewer rows per MB, and each block costs ~30 passes.
BLOCK_SIZE = 4 << 20
#: Groups with fewer rows get bootstrap intervals from their rows; larger ones, normal ones.
SMALL_GROUP = 200
_MISSING = pa.array(sorted(MISSING_TOKENS))
_SUMS = (
    "n",
    "sy",
    "sp",
    "sae",
    "se",
    "se2",
    "se4",
    "sd2",
    "sd3",
    "sd4",
    "se2d",
    "se2d2",
    "sq2",
    "sel",
)


def parse_numbers(
    text: pa.Array, column: str, role: str, first_line: int, lines: np.ndarray | None, comma: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(values, missing) of a text column; a value that is not a number is an error."""
    if pa.types.is_dictionary(text.type):
        text = text.cast(pa.string())
    try:
        values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
        if np.isfinite(values).all():
            return values, np.zeros(len(values), dtype=bool)
    except pa.ArrowInvalid:
        pass
    trimmed = pc.utf8_trim_whitespace(text)
    missing = pc.is_in(pc.utf8_lower(trimmed), value_set=_MISSING).to_numpy(zero_copy_only=False)
    if comma:
        trimmed = pc.replace_substring_regex(trimmed, r"^([+-]?\d*),(\d+)$", r"\1.\2")
    filled = pc.if_else(pa.array(missing), pa.scalar("0"), trimmed).to_pylist()
    values = np.array([_number(v) for v in filled])
    bad = ~np.isfinite(values) & ~missing
    if bad.any():
        where = np.flatnonzero(bad)
        at = lines[where] if lines is not None else first_line + where
        shown = [
            f"'{filled[i]}' (line {int(line)})" for i, line in zip(where[:10], at[:10], strict=True)
        ]
        more = f" and {len(where) - 10} more" if len(where) > 10 else ""
        raise dataset_error(
            NON_NUMERIC_VALUES,
            line=int(at[0]),
            column=column,
            role=role,
            values=", ".join(shown) + more,
        )
    values[missing] = np.nan
    return values, missing


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return np.nan


@dataclass
class RegressionTable:
    """Per-cell sums of one file, the rows of the small cells, and what reading it found."""

    sensitive: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    codes: np.ndarray
    sums: dict[str, np.ndarray]
    m2y: np.ndarray
    ymin: np.ndarray
    ymax: np.ndarray
    shift: tuple[float, float]
    rows_cell: np.ndarray
    rows_y: np.ndarray
    rows_p: np.ndarray
    rows_w: np.ndarray
    rows: int
    rows_used: int
    lines: int
    missing: dict[str, int]
    threshold: float | None


@dataclass
class RegressionReader:
    """Consume text batches into a :class:`RegressionTable`."""

    layout: Layout
    plan: ColumnPlan
    max_groups: int
    threshold: float | None
    cells: dict[tuple[int, ...], int] = field(default_factory=dict)
    sums: dict[str, np.ndarray] = field(default_factory=dict)
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    shift: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        coding = ColumnPlan(self.plan.sensitive, None, None, None)
        self.coder = CountingReader(self.layout, coding, max_groups=self.max_groups)
        self.sums = {k: np.zeros(0) for k in (*_SUMS, "m2y")}
        self.sums["ymin"], self.sums["ymax"] = np.zeros(0), np.zeros(0)
        self.rows = self.lines = 0
        self.missing = {"y_true": 0, "y_pred": 0}

    def read(
        self, batches: Iterable[pa.RecordBatch], report: Callable[[], None] | None
    ) -> RegressionTable:
        for batch in batches:
            if batch.num_rows:
                self._add(batch)
            if report is not None:
                report()
        return self._table()

    def _grow(self, size: int) -> None:
        for key, values in self.sums.items():
            if len(values) < size:
                fill = np.inf if key == "ymin" else -np.inf if key == "ymax" else 0.0
                self.sums[key] = np.concatenate([values, np.full(size - len(values), fill)])

    def _add(self, batch: pa.RecordBatch) -> None:
        names = batch.schema.names
        lines = batch.column("__line").to_numpy() if "__line" in names else None
        self.coder._lines_of = lines
        first = self.layout.header_lines + self.lines + 1
        self.lines += batch.num_rows
        columns, plan = self.layout.columns, self.plan
        weights: np.ndarray | None = None
        if plan.counts is not None:
            counted = parse_counts(
                batch.column(f"c{plan.counts}"), columns[plan.counts], first, lines
            )
            weights = counted.astype(float)
        self.rows += int(weights.sum()) if weights is not None else batch.num_rows
        comma = self.layout.delimiter != ","
        assert plan.y_true is not None and plan.y_pred is not None
        y, y_missing = parse_numbers(
            batch.column(f"c{plan.y_true}"), columns[plan.y_true], "y_true", first, lines, comma
        )
        p, p_missing = parse_numbers(
            batch.column(f"c{plan.y_pred}"), columns[plan.y_pred], "y_pred", first, lines, comma
        )
        for role, missing in (("y_true", y_missing), ("y_pred", p_missing)):
            if missing.any():
                self.missing[role] += int(
                    weights[missing].sum() if weights is not None else missing.sum()
                )
        key, codes = self.coder._categorical(batch, first)
        lut = np.array(
            [
                self.cells.setdefault(tuple(int(c[k]) for c in codes), len(self.cells))
                for k in range(len(codes[0]))
            ],
            dtype=np.int64,
        )
        cell = lut[key]
        w = weights
        if y_missing.any() or p_missing.any():
            used = ~(y_missing | p_missing)
            cell, y, p = cell[used], y[used], p[used]
            w = weights[used] if weights is not None else None
        if self.shift is None and len(y):
            self.shift = (float(y.mean()), float(p.mean()))
        cy, cp = self.shift or (0.0, 0.0)
        size = len(self.cells)
        self._grow(size)
        e, d = p - y, y - cy

        def total(values: np.ndarray) -> np.ndarray:
            weighted = values if w is None else w * values
            return np.bincount(cell, weights=weighted, minlength=size)

        n_b = np.bincount(cell, weights=w, minlength=size).astype(float)
        e2, d2 = e * e, d * d
        q = p - cp
        block = {
            "n": n_b, "sy": total(y), "sp": total(p), "sae": total(np.abs(e)), "se": total(e),
            "se2": total(e2), "se4": total(e2 * e2), "sd2": total(d2), "sd3": total(d2 * d),
            "sd4": total(d2 * d2), "se2d": total(e2 * d), "se2d2": total(e2 * d2),
            "sq2": total(q * q),
            "sel": total((p >= self.threshold).astype(float)) if self.threshold is not None else np.zeros(size),
        }  # fmt: skip
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_b = np.where(n_b > 0, block["sy"] / np.where(n_b > 0, n_b, 1), 0.0)
            m2_b = total((y - mean_b[cell]) ** 2)
            n_a = self.sums["n"]
            mean_a = np.where(n_a > 0, self.sums["sy"] / np.where(n_a > 0, n_a, 1), 0.0)
            both = n_a + n_b
            merged = np.where(
                both > 0, (mean_b - mean_a) ** 2 * n_a * n_b / np.where(both > 0, both, 1), 0.0
            )
        self.sums["m2y"] = self.sums["m2y"] + m2_b + merged
        for name, values in block.items():
            self.sums[name] = self.sums[name] + values
        np.minimum.at(self.sums["ymin"], cell, y)
        np.maximum.at(self.sums["ymax"], cell, y)
        small = self.sums["n"] < SMALL_GROUP
        keep = small[cell]
        if keep.any():
            kept_w = w[keep] if w is not None else np.ones(int(keep.sum()))
            self.kept.append((cell[keep], y[keep], p[keep], kept_w))

    def _table(self) -> RegressionTable:
        size = len(self.cells)
        self._grow(size)
        codes = np.array(list(self.cells), dtype=np.int64).reshape(size, len(self.plan.sensitive))
        parts = [
            np.concatenate([k[i] for k in self.kept]) if self.kept else np.zeros(0)
            for i in range(4)
        ]
        cell = parts[0].astype(np.int64)
        keep = self.sums["n"][cell] < SMALL_GROUP if size else np.zeros(0, dtype=bool)
        used = int(self.sums["n"].sum()) if size else 0
        levels = tuple(tuple(d.values) for d in self.coder.sensitive)
        # Canonical order of the levels, as for the count table of a binary file.
        for j, values in enumerate(levels):
            order = sorted(range(len(values)), key=lambda i: values[i])
            remap = np.zeros(len(values) + 1, dtype=np.int64)
            remap[np.asarray(order, dtype=np.int64) + 1] = np.arange(1, len(values) + 1)
            if size:
                codes[:, j] = remap[codes[:, j]]
        sorted_levels = tuple(tuple(sorted(values)) for values in levels)
        return RegressionTable(
            sensitive=tuple(d.name for d in self.coder.sensitive), levels=sorted_levels,
            codes=codes, sums={k: v for k, v in self.sums.items() if k in _SUMS},
            m2y=self.sums["m2y"], ymin=self.sums["ymin"], ymax=self.sums["ymax"],
            shift=self.shift or (0.0, 0.0), rows_cell=cell[keep], rows_y=parts[1][keep],
            rows_p=parts[2][keep], rows_w=parts[3][keep], rows=self.rows, rows_used=used,
            lines=self.lines, missing=dict(self.missing), threshold=self.threshold,
        )  # fmt: skip
