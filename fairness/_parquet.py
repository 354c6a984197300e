"""Parquet input: read with pyarrow row group by row group, mapped columns only.

Each mapped column is turned into text (numbers as pyarrow writes them, booleans as
``true``/``false``, nulls as empty) and handed to the same counting as a CSV's blocks, so a
Parquet file gives the numbers of the same table written as CSV. Memory is one batch of the mapped
columns at a time. "Line" in an error message is the row number plus one (the header of the same
table as CSV being line 1).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ._errors import MISSING_FILE, NOT_PARQUET, UNREADABLE_FILE, dataset_error
from ._reader import _read_ahead
from ._sniff import Layout, check_columns
from ._source import Progress, Source

PARQUET_MAGIC = b"PAR1"
PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
#: Rows per batch. A quarter of pyarrow's default row group: with batches decoded ahead on a
#: second thread, 1M-row batches took a 10M-row file's peak RSS to ~440 MB (several decoded row
#: groups in flight plus mimalloc's retained pages); 256k rows keep it under 300 MB and cost no
#: time (the counting per batch is vectorised; measured in bench/README.md).
BATCH_ROWS = 1 << 18
_HASH_CHUNK = 1 << 20


def is_parquet(source: Source) -> bool:
    """A ``.parquet`` name, or a file that starts with Parquet's magic bytes."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.suffix.lower() in PARQUET_SUFFIXES:
            return True
        try:
            with open(path, "rb") as handle:
                return handle.read(4) == PARQUET_MAGIC
        except OSError:
            return False
    try:
        here = source.tell()
        head = source.read(4)
        source.seek(here)
    except (AttributeError, OSError, ValueError):
        return False
    return head == PARQUET_MAGIC


def as_coded_text(array: pa.Array) -> pa.DictionaryArray:
    """A categorical column as a dictionary array: int32 codes and the text of each code.

    Strings, booleans and integers of a Parquet file are few distinct values (sensitive
    attributes, labels), and the counting reads the codes directly. Strings come already coded
    (read with ``read_dictionary``: Parquet stores them dictionary-encoded, no text is hashed);
    integers and booleans are coded by arithmetic (value minus the smallest value) when their
    range is small, else hashed. Every entry of the dictionary occurs in the batch (a row group's
    dictionary may hold values of rows outside it: those would become groups or label values
    of no row), and a null is one entry whose text is empty, as in a CSV.
    """
    kind = array.type
    if pa.types.is_dictionary(kind):
        codes, values = _codes(array.indices), array.dictionary
        if array.null_count:
            values = pa.concat_arrays([values, pa.array([None], values.type)])
            codes = np.where(array.is_null().to_numpy(zero_copy_only=False), len(values) - 1, codes)
    elif pa.types.is_boolean(kind) or (pa.types.is_integer(kind) and not pa.types.is_uint64(kind)):
        coded = _offset_codes(array)
        if coded is None:
            return as_coded_text(array.dictionary_encode(null_encoding="encode"))
        codes, values = coded
    else:
        encoded = array.dictionary_encode(null_encoding="encode")
        codes, values = _codes(encoded.indices), encoded.dictionary
    used = np.bincount(codes, minlength=len(values)) > 0
    if not used.all():
        lut = np.cumsum(used, dtype=np.int32) - 1
        codes, values = lut[codes], values.filter(pa.array(used))
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), as_text(values))


def _codes(indices: pa.Array) -> np.ndarray:
    codes: np.ndarray = indices.fill_null(0).to_numpy(zero_copy_only=False)
    return codes.astype(np.int32, copy=False)


def _offset_codes(array: pa.Array) -> tuple[np.ndarray, pa.Array] | None:
    """Codes ``value - min`` (+1, code 0 null, when there are nulls) and the values they stand for.

    None when the range of the values is wider than the batch (hashing them is then cheaper).
    """
    kind = array.type
    ints = array.cast(pa.int8()) if pa.types.is_boolean(kind) else array
    present = ints.fill_null(0) if array.null_count else ints
    numbers = present.to_numpy(zero_copy_only=False)
    if array.null_count == len(array):
        low = high = 0
    else:
        bounds = pc.min_max(ints)
        low, high = int(bounds["min"].as_py()), int(bounds["max"].as_py())
    if high - low >= max(len(array), 1 << 16):
        return None
    shift = 1 if array.null_count else 0
    # In int64: the difference of two values of the batch fits, whatever the column's type.
    codes = numbers.astype(np.int64) - low + shift
    domain = pa.array(np.arange(low, high + 1, dtype=np.int64)).cast(kind)
    if shift:
        codes[array.is_null().to_numpy(zero_copy_only=False)] = 0
        domain = pa.concat_arrays([pa.array([None], kind), domain])
    return codes.astype(np.int32, copy=False), domain


def _categorical_type(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return True
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
    )


def as_text(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """The values of any column as text, nulls as empty strings."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        array = array.cast(kind.value_type)
        kind = array.type
    if not pa.types.is_string(kind):
        array = pc.cast(array, pa.string())
    return pc.fill_null(array, "")


class ParquetInput:
    """A Parquet file opened for counting: its header, its batches, what the report says of it."""

    def __init__(self, source: Source, *, progress: Progress | None = None) -> None:
        self.name: str | None
        self._owns = isinstance(source, (str, os.PathLike))
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            if not path.is_file():
                raise dataset_error(MISSING_FILE, path=str(path))
            self.name = path.name
            try:
                self._handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in close()
            except OSError as exc:
                raise dataset_error(UNREADABLE_FILE, path=str(path), reason=exc.strerror) from None
        else:
            self._handle = source
            self.name = os.path.basename(str(getattr(source, "name", "") or "")) or None
        self._start = self._handle.tell()
        digest = hashlib.sha256()
        self.size = 0
        while chunk := self._handle.read(_HASH_CHUNK):
            digest.update(chunk)
            self.size += len(chunk)
        self.sha256 = digest.hexdigest()
        self._handle.seek(self._start)
        self._progress = progress
        try:
            self.file = pq.ParquetFile(self._handle)
        except (pa.ArrowException, OSError) as exc:
            self.close()
            raise dataset_error(NOT_PARQUET, detail=str(exc)) from None
        self.columns = tuple(self.file.schema_arrow.names)
        self.types = {name: self.file.schema_arrow.field(name).type for name in self.columns}

    def layout(self, *, max_columns: int) -> Layout:
        check_columns(self.columns, max_columns=max_columns)
        return Layout(
            delimiter=",", columns=self.columns, bom=False, compressed=False,
            head_text="", head_complete=True, header_lines=1,
        )  # fmt: skip

    def batches(
        self, indices: Sequence[int], plain: Sequence[int] = ()
    ) -> Iterator[pa.RecordBatch]:
        """Text batches of the columns at ``indices``, named ``c<index>``, in file order.

        Categorical columns (strings, booleans, integers) come dictionary-encoded unless listed
        in ``plain`` (ids); the others (floats: scores, regression values) as plain text.
        """
        wanted = list(dict.fromkeys(indices))
        coded = {
            i for i in wanted if i not in plain and _categorical_type(self.types[self.columns[i]])
        }
        names = [self.columns[i] for i in wanted]
        text = [
            self.columns[i]
            for i in coded
            if pa.types.is_string(self.types[self.columns[i]])
            or pa.types.is_large_string(self.types[self.columns[i]])
        ]
        total = max(self.file.metadata.num_rows, 1)
        done = 0
        try:
            # Strings are read as dictionary arrays (their Parquet dictionary pages, not text).
            typed = pq.ParquetFile(self._handle, read_dictionary=text) if text else self.file
            # pyarrow decodes the next batch on a second thread while this one counts (both
            # release the GIL); coding and progress stay on the calling thread.
            decoded = _read_ahead(typed.iter_batches(batch_size=BATCH_ROWS, columns=names), depth=2)
            try:
                for batch in decoded:
                    arrays = [
                        as_coded_text(batch.column(name))
                        if i in coded
                        else as_text(batch.column(name))
                        for i, name in zip(wanted, names, strict=True)
                    ]
                    yield pa.RecordBatch.from_arrays(arrays, names=[f"c{i}" for i in wanted])
                    done += batch.num_rows
                    if self._progress is not None:
                        self._progress(int(self.size * done / total), self.size)
            finally:
                decoded.close()
        except pa.ArrowException as exc:
            raise dataset_error(NOT_PARQUET, detail=str(exc)) from None

    def info(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "filename": self.name,
            "size_bytes": self.size,
            "format": "parquet",
            "encoding": None,
            "compressed": False,
            "delimiter": None,
        }

    def head(self, rows: int) -> pa.Table:
        """The first ``rows`` rows, every column as text (for the preview)."""
        out: list[pa.RecordBatch] = []
        taken = 0
        for batch in self.file.iter_batches(batch_size=max(rows, 1)):
            out.append(batch.slice(0, rows - taken))
            taken += min(batch.num_rows, rows - taken)
            if taken >= rows:
                break
        table = pa.Table.from_batches(out, schema=self.file.schema_arrow)
        return pa.table({name: as_text(table.column(name)) for name in self.columns})

    def close(self) -> None:
        if self._owns:
            self._handle.close()
