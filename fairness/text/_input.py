"""Streamed reading of a responses file: CSV, JSON Lines or Parquet, mapped columns only.

:func:`open_responses` detects the format from the content (Parquet's ``PAR1`` magic, a first
``{`` for JSON Lines, CSV otherwise; gzip is undone first for CSV and JSON Lines) and returns a
:class:`ResponseSource` whose :meth:`~ResponseSource.blocks` yields one dictionary of column lists
per block (a pyarrow CSV block, ``batch_rows`` JSON lines, or a Parquet row group), keyed by role.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from .._errors import DatasetError
from .._sniff import sniff
from .._source import InputStream, Source, _size_of
from ._errors import (
    BAD_JSON_LINE,
    EMPTY_FILE,
    FILE_TOO_LARGE,
    MISSING_COLUMN,
    MISSING_FILE,
    RESPONSE_NOT_TEXT,
    UNREADABLE_CSV,
    UNREADABLE_PARQUET,
    text_error,
)
from ._mapping import ResponseMapping

PARQUET_MAGIC = b"PAR1"
FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")
_HASH_CHUNK = 1 << 20
Block = dict[str, list[Any]]


def _size_text(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def _check_size(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise text_error(FILE_TOO_LARGE, size=_size_text(size), limit=_size_text(max_bytes))


def _missing(column: str, role: str, available: list[str]) -> DatasetError:
    shown = ", ".join(f"'{name}'" for name in available[:30]) or "none"
    return text_error(MISSING_COLUMN, column=column, role=role, available=shown)


@dataclass
class ResponseSource:
    """An opened responses file: its format, its columns, and its blocks of mapped values."""

    source: Source
    mapping: ResponseMapping
    format: str
    max_bytes: int | None
    batch_rows: int
    columns: list[str] = field(default_factory=list)
    _stream: InputStream | None = None
    _parquet: pq.ParquetFile | None = None
    _sha: str | None = None

    # -- opening ------------------------------------------------------------------------
    def _check_columns(self) -> None:
        for role, column in self.mapping.roles():
            if column not in self.columns:
                raise _missing(column, role, self.columns)

    def _open(self) -> None:
        if self.format == "parquet":
            try:
                self._parquet = pq.ParquetFile(self.source)
            except (pa.ArrowException, OSError) as exc:
                raise text_error(UNREADABLE_PARQUET, detail=str(exc)) from None
            self.columns = list(self._parquet.schema_arrow.names)
            self._check_columns()
            kind = self._parquet.schema_arrow.field(self.mapping.response).type
            if pa.types.is_dictionary(kind):
                kind = kind.value_type
            if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)
                    or pa.types.is_string_view(kind) or pa.types.is_null(kind)):  # fmt: skip
                raise text_error(
                    RESPONSE_NOT_TEXT, column=self.mapping.response, what=f"values of type {kind}"
                )
            return
        assert self._stream is not None
        if self.format == "csv":
            self._layout = sniff(self._stream)
            self.columns = list(self._layout.columns)
        else:
            head = self._stream.head(1 << 20).split(b"\n", 1)[0]
            try:
                first = json.loads(head)
            except ValueError as exc:
                raise text_error(BAD_JSON_LINE, row=1, line=1, detail=str(exc)) from None
            if not isinstance(first, dict):
                raise text_error(BAD_JSON_LINE, line=1, detail="it is not an object")
            self.columns = list(first)
        self._check_columns()

    # -- blocks -------------------------------------------------------------------------
    def blocks(self) -> Iterator[tuple[int, Block]]:
        """Yield ``(first_row, {role: values})`` per block; ``first_row`` counts from 1."""
        if self.format == "parquet":
            yield from self._parquet_blocks()
        elif self.format == "csv":
            yield from self._csv_blocks()
        else:
            yield from self._jsonl_blocks()

    def _guard(self) -> None:
        if self._stream is not None:
            _check_size(self._stream.raw_bytes_read, self.max_bytes)

    def _csv_blocks(self) -> Iterator[tuple[int, Block]]:
        layout = self._layout
        names = [f"c{i}" for i in range(len(layout.columns))]
        roles = self.mapping.roles()
        include = [names[layout.columns.index(column)] for _, column in roles]
        reader_options = pcsv.ReadOptions(
            block_size=1 << 20, skip_rows=layout.header_lines, column_names=names
        )
        try:
            reader = pcsv.open_csv(
                self._stream,
                read_options=reader_options,
                parse_options=pcsv.ParseOptions(
                    delimiter=layout.delimiter, newlines_in_values=True
                ),
                convert_options=pcsv.ConvertOptions(
                    include_columns=include,
                    column_types=dict.fromkeys(include, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            row = 1
            for batch in reader:
                self._guard()
                if not batch.num_rows:
                    continue
                block = {role: batch.column(i).to_pylist() for i, (role, _) in enumerate(roles)}
                yield row, block
                row += batch.num_rows
        except pa.ArrowInvalid as exc:
            raise text_error(UNREADABLE_CSV, detail=str(exc)) from None

    def _jsonl_blocks(self) -> Iterator[tuple[int, Block]]:
        assert self._stream is not None
        roles = self.mapping.roles()
        block: Block = {role: [] for role, _ in roles}
        first, count = 1, 0
        for line_number, raw in enumerate(_lines(self._stream), start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except ValueError as exc:
                raise text_error(BAD_JSON_LINE, line=line_number, detail=str(exc)) from None
            if not isinstance(record, dict):
                raise text_error(BAD_JSON_LINE, line=line_number, detail="it is not an object")
            if count == 0:
                first = line_number
            for role, column in roles:
                if column not in record:
                    raise _missing(column, role, list(record))
                value = record[column]
                if role == "response" and value is not None and not isinstance(value, str):
                    raise text_error(
                        RESPONSE_NOT_TEXT, column=column, what=f"{value!r} on line {line_number}"
                    )
                block[role].append(value)
            count += 1
            if count >= self.batch_rows:
                self._guard()
                yield first, block
                block, count = {role: [] for role, _ in roles}, 0
        self._guard()
        if count:
            yield first, block

    def _parquet_blocks(self) -> Iterator[tuple[int, Block]]:
        assert self._parquet is not None
        roles = self.mapping.roles()
        columns = [column for _, column in roles]
        row = 1
        for index in range(self._parquet.num_row_groups):
            try:
                table = self._parquet.read_row_group(index, columns=columns)
            except (pa.ArrowException, OSError) as exc:
                raise text_error(UNREADABLE_PARQUET, detail=str(exc)) from None
            if not table.num_rows:
                continue
            for start in range(0, table.num_rows, self.batch_rows):
                part = table.slice(start, self.batch_rows)
                block = {role: part.column(i).to_pylist() for i, (role, _) in enumerate(roles)}
                yield row, block
                row += part.num_rows

    # -- hash ---------------------------------------------------------------------------
    def sha256(self) -> str:
        """SHA-256 of the file's bytes as stored (read to its end if not done)."""
        if self._stream is not None:
            return self._stream.sha256()
        if self._sha is None:
            digest = hashlib.sha256()
            if isinstance(self.source, (str, os.PathLike)):
                with open(self.source, "rb") as handle:
                    while chunk := handle.read(_HASH_CHUNK):
                        digest.update(chunk)
            else:
                self.source.seek(0)
                while chunk := self.source.read(_HASH_CHUNK):
                    digest.update(chunk)
            self._sha = digest.hexdigest()
        return self._sha

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()


def _lines(stream: InputStream) -> Iterator[bytes]:
    """The lines of ``stream`` (without their ends), read in 1 MB pieces."""
    rest = b""
    while chunk := stream.read(1 << 20):
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def _head(source: Source) -> bytes:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise text_error(MISSING_FILE, path=str(path))
        with open(path, "rb") as handle:
            return handle.read(4)
    here = source.tell()
    head = source.read(4)
    source.seek(here)
    return head


def _total_size(source: Source) -> int:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).stat().st_size
    return _size_of(source)


def open_responses(
    source: Source,
    mapping: ResponseMapping,
    *,
    max_bytes: int | None,
    batch_rows: int,
    file_format: str | None = None,
) -> ResponseSource:
    """Open ``source``, detect its format (or use ``file_format``) and check the mapping."""
    head = _head(source)
    _check_size(_total_size(source), max_bytes)
    if file_format is None:
        file_format = "parquet" if head == PARQUET_MAGIC else None
    opened = ResponseSource(source, mapping, file_format or "csv", max_bytes, batch_rows)
    if file_format != "parquet":
        if not head:
            raise text_error(EMPTY_FILE)
        stream = InputStream(source)
        opened._stream = stream
        start = stream.head(1 << 16).lstrip()
        if not start:
            raise text_error(EMPTY_FILE)
        if file_format is None:
            opened.format = "jsonl" if start[:1] == b"{" else "csv"
    try:
        opened._open()
    except BaseException:
        opened.close()
        raise
    return opened
