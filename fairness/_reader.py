"""Stream a CSV file through pyarrow into a table of counts.

Only the mapped columns are read, as plain strings, in blocks of :data:`BLOCK_SIZE` bytes. Each block
is dictionary-encoded column by column, its rows are counted per cell (sensitive values, raw y_true,
raw y_pred and, when a score is mapped, the score value) and only those counts are kept, so memory
does not grow with the number of rows (it grows with the number of distinct scores).
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from numpy.typing import NDArray

from ._counts import parse_counts
from ._errors import (
    NON_NUMERIC_SCORE,
    TOO_MANY_CLASSES,
    TOO_MANY_GROUPS,
    TOO_MANY_LABEL_VALUES,
    dataset_error,
    quote_list,
)
from ._labels import MISSING_TOKENS
from ._sniff import Layout
from ._source import InputStream

#: Bytes per block. 1 MB reads as fast as 4 MB here and keeps 100 MB less resident.
BLOCK_SIZE = 1 << 20
#: A label column with more distinct values than this is not a yes/no outcome.
MAX_LABEL_VALUES = 200
#: Score of a row whose score is empty; real scores are finite, so it cannot clash.
MISSING_SCORE = np.inf
#: Pending cells that trigger merging the per-block counts (bounds memory with many scores).
COMPACT_CELLS = 1 << 20
_MISSING_VALUES = pa.array(sorted(MISSING_TOKENS))
_DECIMAL_COMMA = r"^([+-]?\d*),(\d+)$"
_END = object()
# Joins the coded columns of a row; a value holding it makes the reader code column by column.
_SEPARATOR = "\x1f"
#: Joined combinations whose codes are kept across blocks (a few MB at most).
_MAX_CACHED_COMBINATIONS = 1 << 16
_TOO_MANY_GROUPS_HINT = (
    "An ID, a date or a free-text column looks like this: is '{column}' really a sensitive "
    "attribute?"
)


@dataclass(frozen=True)
class ColumnPlan:
    """Header positions of the mapped columns."""

    sensitive: tuple[int, ...]
    y_true: int | None
    y_pred: int | None
    score: int | None
    #: The column holding each line's number of rows (a count table), if any.
    counts: int | None = None


@dataclass
class _Dictionary:
    """Global codes of the distinct values of one column; code 0 means empty (missing)."""

    name: str
    role: str
    limit: int
    track_lines: bool = False
    #: A multiclass label column: too many values is ``too_many_classes``.
    classes: bool = False
    codes: dict[str, int] = field(default_factory=dict)
    values: list[str] = field(default_factory=list)
    first_lines: list[int | None] = field(default_factory=list)

    def lookup(
        self,
        dictionary: list[str],
        indices: np.ndarray,
        first_line: int,
        lines: np.ndarray | None = None,
    ) -> np.ndarray:
        """Return the global code of each entry of a block's dictionary."""
        out = np.zeros(len(dictionary), dtype=np.int64)
        new: list[int] = []
        for position, raw in enumerate(dictionary):
            value = raw.strip()
            if value.casefold() in MISSING_TOKENS:
                continue
            code = self.codes.get(value)
            if code is None:
                code = len(self.values) + 1
                self.codes[value] = code
                self.values.append(value)
                new.append(position)
            out[position] = code
        if new and self.track_lines:
            positions = _first_positions(indices, new)
            found = lines[positions] if lines is not None else first_line + positions
            self.first_lines.extend(int(i) for i in found)
        if len(self.values) > self.limit:
            self._refuse()
        return out

    def _refuse(self) -> None:
        if self.classes:
            raise dataset_error(
                TOO_MANY_CLASSES, column=self.name, role=self.role, limit=self.limit,
                values=quote_list(self.values),
            )  # fmt: skip
        if self.role == "sensitive":
            raise dataset_error(
                TOO_MANY_GROUPS,
                column=self.name,
                grouping=self.name,
                limit=self.limit,
                count=f"at least {len(self.values)}",
                hint=_TOO_MANY_GROUPS_HINT.format(column=self.name),
            )
        raise dataset_error(
            TOO_MANY_LABEL_VALUES,
            column=self.name,
            role=self.role,
            limit=self.limit,
            values=quote_list(self.values),
        )


def _first_positions(indices: np.ndarray, entries: Sequence[int] | NDArray[np.intp]) -> np.ndarray:
    """The first position of each entry in ``indices`` (each entry occurs)."""
    # dictionary_encode numbers entries in order of first appearance, so the running maximum
    # of the indices first reaches entry i where entry i first appears. A Parquet dictionary
    # may come in another order: where the running maximum lands on another entry, search.
    wanted = np.asarray(entries, dtype=np.int64)
    positions = np.searchsorted(np.maximum.accumulate(indices), wanted)
    positions = np.minimum(positions, max(len(indices) - 1, 0))
    for k in np.flatnonzero(indices[positions] != wanted):
        positions[k] = int(np.argmax(indices == wanted[k]))
    return positions


def merge_cells(
    columns: list[np.ndarray], counts: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray]:
    """Sum ``counts`` over identical rows of ``columns``; return the distinct rows and sums."""
    if len(counts) == 0:
        return columns, counts
    order = np.lexsort(columns[::-1]) if columns else np.arange(len(counts))
    ordered = [column[order] for column in columns]
    change = np.zeros(len(counts), dtype=bool)
    change[0] = True
    for column in ordered:
        change[1:] |= column[1:] != column[:-1]
    starts = np.flatnonzero(change)
    return [column[starts] for column in ordered], np.add.reduceat(counts[order], starts)


def count_rows(
    parts: list[np.ndarray], dims: list[int], weights: np.ndarray | None = None
) -> tuple[list[np.ndarray], np.ndarray]:
    """Count the rows per distinct combination of codes (``parts[i] < dims[i]``).

    The codes are packed into one integer key, counted with ``bincount`` when the key space is
    small and ``unique`` otherwise; keys too wide for 64 bits fall back to sorting the columns.
    ``weights`` (a count table's counts) replaces one row per line.
    """
    size = math.prod(dims)
    if size >= 1 << 62:
        ones = np.ones(len(parts[0]), dtype=np.int64) if weights is None else weights
        return merge_cells(parts, ones)
    key = np.ravel_multi_index(parts, dims)
    if size <= max(4 * len(key), 1 << 16):
        counts = _bincount(key, weights, size)
        cells = np.flatnonzero(counts)
        counts = counts[cells]
    elif weights is None:
        cells, counts = np.unique(key, return_counts=True)
    else:
        cells, inverse = np.unique(key, return_inverse=True)
        counts = _bincount(inverse.reshape(-1), weights, len(cells))
    return list(np.unravel_index(cells, dims)), counts


def _bincount(key: np.ndarray, weights: np.ndarray | None, size: int) -> np.ndarray:
    """Rows (or summed weights, exact as int64) per key."""
    if weights is None:
        return np.bincount(key, minlength=size)
    return np.bincount(key, weights=weights, minlength=size).astype(np.int64)


def _read_ahead(
    reader: Iterable[pa.RecordBatch], depth: int = 4
) -> Generator[pa.RecordBatch, None, None]:
    """Yield the batches of ``reader``, parsing the next ones on another thread meanwhile.

    pyarrow's streaming reader parses a block only when asked for it; parsing while this thread
    counts the previous block (both release the GIL) takes 10M rows from about 1.0 s to 0.6 s on
    two cores (a Parquet file's batches are decoded ahead the same way). At most ``depth`` parsed blocks wait, so memory stays bounded. An exception raised
    while reading (a pyarrow error, or a DatasetError from the stream) is raised here.
    """
    batches: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in reader:
                if not offer(batch):
                    return
            offer(_END)
        except BaseException as exc:  # handed over to the consuming thread
            offer(exc)

    worker = threading.Thread(target=produce, name="fairness-reader", daemon=True)
    worker.start()
    try:
        while (item := batches.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def _combinations(
    indices: list[np.ndarray], dims: list[int]
) -> tuple[list[np.ndarray], np.ndarray]:
    """Number the distinct combinations of per-column codes: (combinations, key per row)."""
    size = math.prod(dims)
    if size <= max(4 * len(indices[0]), 1 << 16):
        return list(np.unravel_index(np.arange(size), dims)), np.ravel_multi_index(indices, dims)
    if size < 1 << 62:
        distinct, key = np.unique(np.ravel_multi_index(indices, dims), return_inverse=True)
        return list(np.unravel_index(distinct, dims)), key.reshape(-1)
    distinct, key = np.unique(np.stack(indices), axis=1, return_inverse=True)
    return list(distinct), key.reshape(-1)


@dataclass
class RawCounts:
    """Rows counted per cell, labels still raw: what streaming the file produces.

    ``columns`` holds one code array per sensitive column (0 = Unknown, ``c`` = ``levels[c-1]``),
    then the raw y_true and y_pred codes when mapped (0 = empty, ``c`` = ``values[c-1]``).
    """

    sensitive: list[_Dictionary]
    labels: dict[str, _Dictionary]
    columns: list[np.ndarray]
    score: np.ndarray | None
    counts: np.ndarray
    rows: int
    #: Lines read: the rows of the file, or the cells of a count table.
    lines: int = 0


def canonical_levels(raw: RawCounts) -> RawCounts:
    """Renumber each sensitive column's values in sorted order (0 stays Unknown).

    Codes are first numbered in order of appearance; sorting them makes the count table, and so
    the bootstrap draws of a seed, the same whatever the order of the rows (a count table from a
    warehouse comes in any order).
    """
    columns = list(raw.columns)
    for j, dictionary in enumerate(raw.sensitive):
        order = sorted(range(len(dictionary.values)), key=lambda i: dictionary.values[i])
        if order == list(range(len(order))):
            continue
        lut = np.zeros(len(order) + 1, dtype=np.int64)
        lut[np.asarray(order, dtype=np.int64) + 1] = np.arange(1, len(order) + 1)
        columns[j] = lut[columns[j]]
        dictionary.values = [dictionary.values[i] for i in order]
        dictionary.codes = {value: code + 1 for code, value in enumerate(dictionary.values)}
    return RawCounts(raw.sensitive, raw.labels, columns, raw.score, raw.counts, raw.rows, raw.lines)


class CountingReader:
    """Read a CSV stream block by block and count rows per cell."""

    def __init__(
        self, layout: Layout, plan: ColumnPlan, *, max_groups: int, block_size: int | None = None
    ) -> None:
        self.layout = layout
        self.plan = plan
        self.block_size = block_size or BLOCK_SIZE
        names = layout.columns
        self.sensitive = [
            _Dictionary(name=names[i], role="sensitive", limit=max_groups) for i in plan.sensitive
        ]
        self.labels = {
            role: _Dictionary(
                name=names[index], role=role, limit=MAX_LABEL_VALUES, track_lines=True
            )
            for role, index in (("y_true", plan.y_true), ("y_pred", plan.y_pred))
            if index is not None
        }
        self.rows = 0
        #: Lines read (rows of the file; with a count table, its cells).
        self.lines = 0
        self._lines_of: np.ndarray | None = None
        self._pending: list[tuple[list[np.ndarray], np.ndarray | None, np.ndarray]] = []
        self._pending_cells = 0
        #: Global codes of each joined combination already seen, across blocks (see _joined).
        self._combo_codes: dict[str, tuple[int, ...]] = {}

    def _options(self) -> tuple[pcsv.ReadOptions, pcsv.ParseOptions, pcsv.ConvertOptions]:
        names = [f"c{i}" for i in range(len(self.layout.columns))]
        plan = self.plan
        wanted = [*plan.sensitive, plan.y_true, plan.y_pred, plan.score, plan.counts]
        include = [names[i] for i in dict.fromkeys(i for i in wanted if i is not None)]
        return (
            pcsv.ReadOptions(
                block_size=self.block_size,
                skip_rows=self.layout.header_lines,
                column_names=names,
            ),
            pcsv.ParseOptions(delimiter=self.layout.delimiter, newlines_in_values=True),
            pcsv.ConvertOptions(
                include_columns=include,
                column_types=dict.fromkeys(include, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    def read(self, stream: InputStream) -> RawCounts:
        """Stream ``stream`` to its end and return the counts (pyarrow errors propagate).

        Progress is reported after each block, from this thread.
        """
        read_options, parse_options, convert_options = self._options()
        reader = pcsv.open_csv(
            stream,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
        batches = _read_ahead(reader)
        try:
            return self.read_batches(batches, stream.report_progress)
        finally:
            batches.close()  # stops the reading thread before the caller closes the stream

    def read_batches(
        self, batches: Iterable[pa.RecordBatch], report: Callable[[], None] | None = None
    ) -> RawCounts:
        """Count the rows of ``batches``: text columns named ``c<index>`` (header positions).

        The CSV reader, the Parquet reader and the attributes join all end here. A batch may
        carry ``__line`` (int64), the line of each row, when rows arrive out of order.
        """
        for batch in batches:
            if batch.num_rows:
                names = batch.schema.names
                self._lines_of = batch.column("__line").to_numpy() if "__line" in names else None
                self._add(batch)
                self.lines += batch.num_rows
            if report is not None:
                report()
        columns, score, counts = self._compact()
        return RawCounts(
            sensitive=self.sensitive,
            labels=self.labels,
            columns=columns,
            score=score,
            counts=counts,
            rows=self.rows,
            lines=self.lines,
        )

    def _encode(self, batch: pa.RecordBatch, index: int) -> tuple[np.ndarray, pa.Array]:
        column = batch.column(f"c{index}")
        encoded = column if pa.types.is_dictionary(column.type) else column.dictionary_encode()
        return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary

    def _categorical(
        self, batch: pa.RecordBatch, first_line: int
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Code the sensitive and label columns of a block.

        Returns ``(key, codes)``: ``key[row]`` numbers the row's combination of values within
        the block and ``codes[j][k]`` is the global code of column j in combination k.
        Measured: joining the columns into one string and dictionary-encoding that once is the
        fastest way (a third faster than encoding each column), since a block holds only a few
        hundred combinations; the per-column way remains for values holding the separator.
        """
        coded = list(zip(self.plan.sensitive, self.sensitive, strict=True))
        coded += [(getattr(self.plan, role), d) for role, d in self.labels.items()]
        precoded = any(
            pa.types.is_dictionary(batch.schema.field(f"c{index}").type) for index, _ in coded
        )
        if len(coded) > 1 and not precoded:
            joined = pc.binary_join_element_wise(
                *[batch.column(f"c{index}") for index, _ in coded], _SEPARATOR
            ).dictionary_encode()
            key = joined.indices.to_numpy(zero_copy_only=False)
            found = self._joined(joined.dictionary.to_pylist(), key, first_line, coded)
            if found is not None:
                return key, found
        indices, luts = [], []
        for index, dictionary in coded:
            local, values = self._encode(batch, index)
            luts.append(dictionary.lookup(values.to_pylist(), local, first_line, self._lines_of))
            indices.append(local.astype(np.int64))
        combos, key = _combinations(indices, [len(lut) for lut in luts])
        return key, [lut[column] for lut, column in zip(luts, combos, strict=True)]

    def _joined(
        self,
        strings: list[str],
        key: np.ndarray,
        first_line: int,
        coded: list[tuple[int, _Dictionary]],
    ) -> list[np.ndarray] | None:
        """Global codes per column of a block's joined combinations; None if a value holds the
        separator (the caller then codes column by column).

        Blocks repeat the same few hundred or thousand combinations (a multiclass file: cells x
        classes x classes), so each combination's codes are kept once seen: a block of only
        known combinations costs one dict lookup per combination instead of one per value and
        column (10M multiclass rows: 2.6 s of Python lookups to about 0.05 s). A block with any
        new combination goes through the dictionaries, which assign new values their codes, note
        their first lines and refuse too many values, exactly as without the cache.
        """
        cache = self._combo_codes
        known = [cache.get(string) for string in strings]
        if all(codes is not None for codes in known):
            return list(np.array(known, dtype=np.int64).reshape(len(strings), len(coded)).T)
        combos = [string.split(_SEPARATOR) for string in strings]
        if not all(len(combo) == len(coded) for combo in combos):
            return None
        codes = [
            dictionary.lookup([combo[j] for combo in combos], key, first_line, self._lines_of)
            for j, (_, dictionary) in enumerate(coded)
        ]
        if len(cache) < _MAX_CACHED_COMBINATIONS:
            cache.update(zip(strings, zip(*(c.tolist() for c in codes), strict=True), strict=True))
        return codes

    def _add(self, batch: pa.RecordBatch) -> None:
        first_line = self.layout.header_lines + self.lines + 1
        weights = None
        if self.plan.counts is not None:
            weights = parse_counts(
                batch.column(f"c{self.plan.counts}"),
                self.layout.columns[self.plan.counts],
                first_line,
                self._lines_of,
            )
            self.rows += int(weights.sum())
        else:
            self.rows += batch.num_rows
        key, codes = self._categorical(batch, first_line)
        score = None
        if self.plan.score is not None:
            indices, values = self._encode(batch, self.plan.score)
            scores = self._parse_scores(values, indices, first_line)
            (combos, score_index), counts = count_rows(
                [key.astype(np.int64), indices.astype(np.int64)],
                [len(codes[0]), len(scores)],
                weights,
            )
            score = scores[score_index]
        else:
            counts = _bincount(key, weights, len(codes[0]))
            combos = np.flatnonzero(counts)
            counts = counts[combos]
        columns = [c[combos] for c in codes]
        self._pending.append((columns, score, counts.astype(np.int64, copy=False)))
        self._pending_cells += len(counts)
        if self._pending_cells > COMPACT_CELLS:
            self._pending = [self._compact()]
            self._pending_cells = len(self._pending[0][2])

    def _compact(self) -> tuple[list[np.ndarray], np.ndarray | None, np.ndarray]:
        width = len(self.sensitive) + len(self.labels)
        if not self._pending:
            empty = np.zeros(0, dtype=np.int64)
            score = np.zeros(0) if self.plan.score is not None else None
            return [empty] * width, score, empty
        columns = [np.concatenate([p[0][i] for p in self._pending]) for i in range(width)]
        counts = np.concatenate([p[2] for p in self._pending])
        if self.plan.score is not None:
            columns.append(np.concatenate([p[1] for p in self._pending]))
        columns, counts = merge_cells(columns, counts)
        score = columns.pop() if self.plan.score is not None else None
        return columns, score, counts

    def _parse_scores(self, values: pa.Array, indices: np.ndarray, first_line: int) -> np.ndarray:
        """Return the number of each distinct score text (:data:`MISSING_SCORE` when empty)."""
        text = pc.utf8_trim_whitespace(values)
        missing = pc.is_in(pc.utf8_lower(text), value_set=_MISSING_VALUES).to_numpy(
            zero_copy_only=False
        )
        if self.layout.delimiter != ",":
            text = pc.replace_substring_regex(text, _DECIMAL_COMMA, r"\1.\2")
        text = pc.if_else(pa.array(missing), pa.scalar("0"), text)
        try:
            scores: np.ndarray = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False).copy()
        except pa.ArrowInvalid:
            scores = np.array([_to_float(value) for value in text.to_pylist()])
        bad = ~np.isfinite(scores) & ~missing
        if bad.any():
            entries = np.flatnonzero(bad)
            positions = _first_positions(indices, entries)
            lines = (
                self._lines_of[positions] if self._lines_of is not None else first_line + positions
            )
            raw = values.to_pylist()
            shown = [
                f"'{raw[e].strip()}' (line {line})" for e, line in zip(entries, lines, strict=True)
            ]
            raise dataset_error(
                NON_NUMERIC_SCORE,
                column=self.layout.columns[self.plan.score],  # type: ignore[index]
                line=int(lines.min()),
                values=", ".join(shown[:10])
                + (f" and {len(shown) - 10} more" if len(shown) > 10 else ""),
            )
        scores[missing] = MISSING_SCORE
        return scores


def _to_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan
