"""Sensitive attributes in a separate file, joined to the predictions on an id column.

Strategy: **build an index of the attributes side, stream the predictions through it.** The
attributes file is read once, in blocks, and reduced to two columns per person: the id and one
small integer, the combination of that person's attribute values (the combinations themselves are
few and kept apart). That is the only side held in memory, and it is the narrow one: a predictions
file may hold several rows per person and every outcome column, while the attributes are one row
per person. The predictions are never loaded whole: their blocks stream through the lookup and
into the counting, so memory grows with the number of people, not with the predictions.

- When every attribute id is an integer written canonically (the common case: ``123``, not
  ``0123``), no text is kept: each block of ids is stored as 4-byte offsets from its lowest id
  with 1-byte combination codes (from the first block whose ids span 2**32 or more, every id in
  one int64 array instead), and the blocks then become, each freed as it is placed, an integer
  index (``fairness._join_index``): a bitmap of the ids' range with ranks when the ids are dense
  (at most 6 bytes a person, no sort), else one packed sorted int64 a person, built in that
  array, looked up with ``searchsorted``. No hashing of text, and the
  predictions are looked up block by block in file order (so error lines stay exact). At 10M
  people the whole join peaks at about 270 MB with dense ids, 330 MB with ids spread over int64
  (bench/README.md).
- Otherwise it is pyarrow's Acero ``hashjoin`` (C++, multithreaded): built on the attributes
  table, probed by the streamed predictions (a full outer join). Its probe side can queue while
  the build side is hashed, so it holds more memory; rows arrive out of order and carry their
  line numbers.

A sort-merge join would need both files sorted by id (or sorted here, spilling to disk); the files
come in any order, and the predictions side is the large one, so sorting it would cost more than
the index saves.

- Ids are compared as text on both sides, surrounding spaces removed; an empty id matches
  nothing. When one file holds integer ids and the other text ids (e.g. ``00123`` against
  ``123``), they are still matched as text and the report says so (``input.join.id_types``).
- A full outer join: rows of either side without a partner are counted in ``input.unmatched``
  (``{"predictions": n, "attributes": m}``) and named in a warning, never silently dropped; the
  metrics are computed on the matched rows.
- An id on more than one row of the attributes file is an error that lists them.
- A sensitive column is taken from the attributes file when it is there, else from the
  predictions file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.acero as acero
import pyarrow.compute as pc

from ._errors import (
    DUPLICATE_IDS,
    MISSING_COLUMN,
    MISSING_ID_COLUMN,
    NO_MATCHED_ROWS,
    dataset_error,
    quote_list,
)
from ._inputs import read_input
from ._join_index import (
    CANONICAL_INTEGER,
    DenseIndex,
    IdBlocks,
    SortedIndex,
    canonical_ints,
    code_type,
)
from ._mapping import ColumnMapping
from ._reader import ColumnPlan
from ._sniff import Layout
from ._source import Progress, Source

T = TypeVar("T")
SORTED_STRATEGY = "sorted index of the attributes' integer ids (searchsorted), predictions streamed"
DENSE_STRATEGY = "bitmap index of the attributes' integer ids (a dense range), predictions streamed"
STRATEGY = "hash join: attributes side built in memory (id and attribute combination), predictions streamed"
_SEP = "\x1f"
#: CSV bytes per block of either side. Half the single file's block: the index is resident
#: meanwhile, and each block's working set (parsed text, lookups, codes) scales with it; at 10M
#: rows this keeps about 35 MB less resident for the same time.
JOIN_BLOCK_SIZE = 1 << 19


def _ids(text: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


@dataclass
class _IdKind:
    """Whether the ids of the first block are integers written canonically (a CSV has no types).

    One block decides: checking every id of a large file costs a regular expression per row.
    """

    integer: bool = True
    checked: bool = False

    def see(self, ids: pa.Array) -> None:
        if not self.checked:
            self.checked = True
            present = pc.drop_null(ids)
            if len(present):
                self.integer = bool(
                    pc.all(pc.match_substring_regex(present, CANONICAL_INTEGER)).as_py()
                )

    @property
    def name(self) -> str:
        return "integer" if self.integer else "text"


@dataclass
class _Attributes:
    """The build side: ids, the combination of each id's values, and the combinations."""

    names: list[str]
    ids: list[pa.Array] = field(default_factory=list)
    combo: list[np.ndarray] = field(default_factory=list)
    combos: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    kind: _IdKind = field(default_factory=_IdKind)
    #: The ids while every id is a canonical integer (the fast path), else None.
    ints: IdBlocks | None = field(default_factory=IdBlocks)

    def add(self, batch: pa.RecordBatch, id_index: int, indices: list[int]) -> None:
        ids = _ids(batch.column(f"c{id_index}"))
        self.kind.see(ids)
        self.rows += batch.num_rows
        if len(indices) == 1:
            joined = batch.column(f"c{indices[0]}")
        else:
            joined = pc.binary_join_element_wise(*[batch.column(f"c{i}") for i in indices], _SEP)
        encoded = joined.dictionary_encode()
        del joined
        lut = np.array(
            [self.combos.setdefault(v, len(self.combos)) for v in encoded.dictionary.to_pylist()],
            dtype=np.int64,
        ).astype(code_type(len(self.combos)))
        combo = lut[encoded.indices.to_numpy(zero_copy_only=False)]
        if self.ints is not None:
            as_int = canonical_ints(ids)
            if as_int is not None:
                self.ints.add(as_int, combo)  # the text is not kept: it is the integer's
                return
            self.ids, self.combo = self.ints.texts()
            self.ints = None
        self.ids.append(ids)
        self.combo.append(combo)

    def table(self) -> pa.Table:
        ids = pa.chunked_array(self.ids, type=pa.string())
        combo = np.concatenate(self.combo) if self.combo else np.zeros(0, dtype=np.int32)
        return pa.table({"__id": ids, "__combo": pa.array(combo)})

    def values(self) -> list[pa.Array]:
        """Per attribute column, its value in each combination (index = combination)."""
        split = [key.split(_SEP) for key in self.combos]
        width = len(self.names)
        return [
            pa.array([parts[j] if len(parts) == width else "" for parts in split], pa.string())
            for j in range(width)
        ]


def _duplicates(ids: pa.ChunkedArray, column: str) -> None:
    present = pc.drop_null(ids)
    if pc.count_distinct(present).as_py() == len(present):
        return
    counts = pc.value_counts(present)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1))
    values = [f"{v['values']} ({v['counts']} rows)" for v in repeated.to_pylist()]
    raise dataset_error(DUPLICATE_IDS, column=column, count=len(values), values=quote_list(values))


def _find(layout: Layout, column: str, side: str) -> int:
    names = [c.strip() for c in layout.columns]
    if column.strip() not in names:
        raise dataset_error(
            MISSING_ID_COLUMN, column=column, side=side,
            available=quote_list(layout.columns, limit=30),
        )  # fmt: skip
    return names.index(column.strip())


def join_input(
    source: Source,
    attributes: Source,
    mapping: ColumnMapping,
    consume: Callable[[Layout, ColumnPlan, Iterable[pa.RecordBatch], Callable[[], None] | None], T],
    *,
    progress: Progress | None = None,
    max_columns: int,
) -> tuple[T, dict[str, Any], Layout]:
    """Join ``source`` (predictions) with ``attributes`` on ``mapping.id`` and count the rows.

    ``consume`` receives a virtual layout (the predictions' columns, then the attribute columns
    used) and the matched rows as text batches, exactly as for one file.

    Raises
    ------
    DatasetError
        ``missing_id_column``, ``duplicate_ids``, ``no_matched_rows``, or any error of either file.
    """
    id_column = mapping.id
    if not id_column:
        raise ValueError("Joining an attributes file needs the id column (mapping.id).")
    build: dict[str, Any] = {}

    def plan_attributes(layout: Layout) -> ColumnPlan:
        names = [c.strip() for c in layout.columns]
        build["id"] = _find(layout, id_column, "attributes")
        build["names"] = [c for c in mapping.sensitive if c.strip() in names]
        return ColumnPlan(
            sensitive=tuple(names.index(c.strip()) for c in build["names"]),
            y_true=None,
            y_pred=None,
            score=None,
        )

    def read_attributes(
        layout: Layout,
        plan: ColumnPlan,
        batches: Iterable[pa.RecordBatch],
        report: Callable[[], None] | None,
    ) -> _Attributes:
        side = _Attributes(names=build["names"])
        for batch in batches:
            if batch.num_rows:
                side.add(batch, build["id"], list(plan.sensitive)) if plan.sensitive else side.add(
                    batch, build["id"], [build["id"]]
                )
        return side

    side, attributes_info, _ = read_input(
        attributes, plan_attributes, read_attributes, max_columns=max_columns,
        extra=lambda layout: [build["id"]], block_size=JOIN_BLOCK_SIZE,
    )  # fmt: skip
    # The attributes' text and parsing buffers are garbage now: give them back before the index
    # is built and the predictions stream (mimalloc keeps freed pages otherwise).
    pa.default_memory_pool().release_unused()
    index: DenseIndex | SortedIndex | None = None
    if side.ints is not None:
        index = side.ints.index(id_column, len(side.combos))
        side.ints = None
        table = None
    else:
        table = side.table()
        _duplicates(table.column("__id"), id_column)
    values = side.values() if build["names"] else []
    coded_values = []
    for column in values:
        levels, of_combo = np.unique(column.to_numpy(zero_copy_only=False), return_inverse=True)
        coded_values.append((pa.array(levels, pa.string()), of_combo.astype(np.int32)))
    facts: dict[str, Any] = {}

    def plan_predictions(layout: Layout) -> ColumnPlan:
        facts["id"] = _find(layout, id_column, "predictions")
        base = mapping.plan(layout.columns, sensitive=False)
        width = len(layout.columns)
        names = [c.strip() for c in layout.columns]
        sensitive = []
        for column in mapping.sensitive:
            if column in build["names"]:
                sensitive.append(width + build["names"].index(column))
            elif column.strip() in names:
                sensitive.append(names.index(column.strip()))
            else:
                raise dataset_error(
                    MISSING_COLUMN, column=column, role="sensitive",
                    available=quote_list([*layout.columns, *side.names], limit=30),
                )  # fmt: skip
        facts["plan"] = ColumnPlan(
            tuple(sensitive), base.y_true, base.y_pred, base.score, base.counts
        )
        return base

    def probe(
        layout: Layout,
        plan: ColumnPlan,
        batches: Iterable[pa.RecordBatch],
        report: Callable[[], None] | None,
    ) -> T:
        kind = _IdKind()
        seen = {"rows": 0, "unmatched_predictions": 0, "unmatched_attributes": 0}
        virtual = Layout(
            delimiter=layout.delimiter, columns=(*layout.columns, *side.names), bom=layout.bom,
            compressed=layout.compressed, head_text="", head_complete=True,
            header_lines=layout.header_lines,
        )  # fmt: skip
        first = layout.header_lines + 1

        def by_index() -> Iterator[pa.RecordBatch]:
            """Integer ids: look each block up in the sorted attribute ids, in file order."""
            assert index is not None
            id_name = f"c{facts['id']}"
            for batch in batches:
                ids = _ids(batch.column(id_name))
                kind.see(ids)
                lines = np.arange(seen["rows"], seen["rows"] + batch.num_rows, dtype=np.int64)
                seen["rows"] += batch.num_rows
                found, combos = index.lookup(ids)
                seen["unmatched_predictions"] += int(len(found) - found.sum())
                if not len(combos):
                    continue
                names = [n for n in batch.schema.names if n != id_name]
                kept = batch.filter(pa.array(found)) if not found.all() else batch
                arrays = [kept.column(n) for n in names]
                for k, (levels, of_combo) in enumerate(coded_values):
                    # Per column its own values (3, 6, 4...), not every combination: the
                    # counting then packs the cells into a small bincount, not np.unique.
                    codes = pa.array(of_combo[combos])
                    arrays.append(pa.DictionaryArray.from_arrays(codes, levels))
                    names.append(f"c{len(layout.columns) + k}")
                arrays.append(pa.array(lines[found] + first))
                names.append("__line")
                yield pa.RecordBatch.from_arrays(arrays, names=names)
                if report is not None:
                    report()

        def with_keys() -> Iterator[pa.RecordBatch]:
            for batch in batches:
                ids = _ids(batch.column(f"c{facts['id']}"))
                kind.see(ids)
                lines = (
                    np.arange(seen["rows"], seen["rows"] + batch.num_rows, dtype=np.int64) + first
                )
                seen["rows"] += batch.num_rows
                names = [n for n in batch.schema.names if n != f"c{facts['id']}"]
                yield pa.RecordBatch.from_arrays(
                    [*(batch.column(n) for n in names), ids, pa.array(lines)],
                    names=[*names, "__id", "__line"],
                )

        if index is not None:
            result = consume(virtual, facts["plan"], by_index(), None)
            seen["unmatched_attributes"] = index.unmatched()
            facts["seen"], facts["kind"] = seen, kind
            return result

        generator = with_keys()
        head = next(generator, None)
        if head is None:
            return consume(virtual, facts["plan"], iter(()), report)
        schema = head.schema

        def chained() -> Iterator[pa.RecordBatch]:
            yield head
            yield from generator

        reader = pa.RecordBatchReader.from_batches(schema, chained())
        carried = [n for n in schema.names if n != "__id"]
        assert table is not None
        join = acero.Declaration(
            "hashjoin",
            acero.HashJoinNodeOptions(
                "full outer", left_keys=["__id"], right_keys=["__id"],
                left_output=carried, right_output=["__combo"],
            ),
            inputs=[
                acero.Declaration("record_batch_reader_source", acero.RecordBatchReaderSourceNodeOptions(reader)),
                acero.Declaration("table_source", acero.TableSourceNodeOptions(table)),
            ],
        )  # fmt: skip

        def matched() -> Iterator[pa.RecordBatch]:
            for batch in join.to_reader(use_threads=True):
                combo, line = batch.column("__combo"), batch.column("__line")
                no_attr = combo.null_count
                no_pred = line.null_count
                seen["unmatched_attributes"] += no_pred
                seen["unmatched_predictions"] += no_attr - _both_null(combo, line)
                if no_attr or no_pred:
                    batch = batch.filter(pc.and_(pc.is_valid(combo), pc.is_valid(line)))
                if not batch.num_rows:
                    continue
                codes = batch.column("__combo")
                arrays = [batch.column(n) for n in carried]
                names = list(carried)
                indices = pc.fill_null(codes, 0).cast(pa.int32())
                for k, column in enumerate(values):
                    # Dictionary-encoded: the counting reads the codes, no text is rebuilt.
                    arrays.append(pa.DictionaryArray.from_arrays(_flat(indices), column))
                    names.append(f"c{len(layout.columns) + k}")
                yield pa.RecordBatch.from_arrays(arrays, names=names)
                if report is not None:
                    report()

        result = consume(virtual, facts["plan"], matched(), None)
        facts["seen"], facts["kind"] = seen, kind
        return result

    result, info, layout = read_input(
        source, plan_predictions, probe, progress=progress, max_columns=max_columns,
        extra=lambda layout: [facts["id"]], block_size=JOIN_BLOCK_SIZE,
    )  # fmt: skip
    seen = facts.get(
        "seen", {"rows": 0, "unmatched_predictions": 0, "unmatched_attributes": side.rows}
    )
    matched_rows = seen["rows"] - seen["unmatched_predictions"]
    if seen["rows"] and matched_rows == 0:
        raise dataset_error(
            NO_MATCHED_ROWS, column=id_column, predictions=seen["rows"], attributes=side.rows
        )
    kinds = {
        "predictions": facts["kind"].name if "kind" in facts else "text",
        "attributes": side.kind.name,
    }
    info["unmatched"] = {
        "predictions": seen["unmatched_predictions"], "attributes": seen["unmatched_attributes"],
    }  # fmt: skip
    info["join"] = {
        "id_column": id_column,
        "strategy": STRATEGY
        if index is None
        else DENSE_STRATEGY
        if isinstance(index, DenseIndex)
        else SORTED_STRATEGY,
        "predictions_rows": seen["rows"],
        "attributes_rows": side.rows,
        "matched_rows": matched_rows,
        "id_types": kinds,
        "matched_as": "text",
        "types_differ": kinds["predictions"] != kinds["attributes"],
        "attributes_file": attributes_info,
        "attribute_columns": list(side.names),
    }
    return result, info, layout


def _both_null(a: pa.Array | pa.ChunkedArray, b: pa.Array | pa.ChunkedArray) -> int:
    if not a.null_count or not b.null_count:
        return 0
    both = pc.and_(pc.is_null(a), pc.is_null(b))
    return int(pc.sum(both).as_py() or 0)


def join_warnings(info: dict[str, Any]) -> list[str]:
    """What the report says of a join: rows without a partner, ids of different types."""
    join = info.get("join")
    if not join:
        return []
    out = []
    unmatched = info["unmatched"]
    if unmatched["predictions"]:
        out.append(
            f"{unmatched['predictions']} row(s) of the predictions file have an id that is not in "
            f"the attributes file (column '{join['id_column']}'); they are counted in "
            "input.unmatched and left out of every figure."
        )
    if unmatched["attributes"]:
        out.append(
            f"{unmatched['attributes']} row(s) of the attributes file have an id with no "
            "prediction; they are counted in input.unmatched."
        )
    if join["types_differ"]:
        kinds = join["id_types"]
        out.append(
            f"The ids are {kinds['predictions']} in the predictions file and {kinds['attributes']} "
            "in the attributes file; they were matched as text (so '00123' does not match 123)."
        )
    return out


def _flat(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
