"""What kind of file this is: binary or text, its delimiter, its header; and where it is broken.

:func:`sniff` looks at the head of an :class:`~._source.InputStream` only. :func:`locate_problem`
re-reads a file that pyarrow refused, with Python's ``csv`` module, to find the first broken line
(pyarrow says what is wrong but not where); it runs only on that error path.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ._defaults import DEFAULT_MAX_COLUMNS
from ._errors import (
    BINARY_CONTENT,
    DUPLICATE_COLUMN_NAMES,
    EMPTY_COLUMN_NAME,
    EMPTY_FILE,
    HEADER_TOO_LONG,
    NOT_UTF8,
    NUL_BYTES,
    RAGGED_ROWS,
    STRAY_QUOTE,
    TOO_MANY_COLUMNS,
    UNTERMINATED_QUOTE,
    DatasetError,
    dataset_error,
    quote_list,
)
from ._source import GZIP_MAGIC, InputStream

HEAD_BYTES = 64 << 10
MAX_HEADER_BYTES = 4 << 20
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
SNIFF_RECORDS = 50
MAX_COLUMNS_RANGE = "max_columns must be a positive integer; got {value!r}."

_MAGIC = (
    (
        b"PK\x03\x04",
        "it is a ZIP archive, perhaps an Excel .xlsx or .ods workbook; export it as CSV",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "it is an Office document, perhaps an Excel .xls workbook; export it as CSV",
    ),
    (b"%PDF", "it is a PDF document"),
    (b"\x89PNG", "it is a PNG image"),
    (b"\xff\xd8\xff", "it is a JPEG image"),
    (b"GIF8", "it is a GIF image"),
    (b"PAR1", "it is a Parquet file"),
    (b"SQLite format 3", "it is an SQLite database"),
    (b"BZh", "it is bzip2-compressed; only gzip (.gz) is supported"),
    (b"\xfd7zXZ", "it is xz-compressed; only gzip (.gz) is supported"),
    (b"\x28\xb5\x2f\xfd", "it is zstd-compressed; only gzip (.gz) is supported"),
    (GZIP_MAGIC, "it is gzip-compressed twice"),
    (b"\xff\xfe", "it is UTF-16 text; save it as 'CSV UTF-8'"),
    (b"\xfe\xff", "it is UTF-16 text; save it as 'CSV UTF-8'"),
)


@dataclass(frozen=True)
class Layout:
    """The shape of a CSV file, found from its head."""

    delimiter: str
    columns: tuple[str, ...]
    bom: bool
    compressed: bool
    head_text: str
    head_complete: bool
    header_lines: int = 1

    @property
    def encoding(self) -> str:
        """A note on the encoding for people, e.g. ``"UTF-8 with BOM, gzip"``."""
        note = "UTF-8 with BOM" if self.bom else "UTF-8"
        return f"{note}, gzip" if self.compressed else note


def _binary_reason(head: bytes) -> str | None:
    """Return why ``head`` is not CSV text, or None if it looks like text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    sample = head[:8192]
    if not sample:
        return None
    first_line = sample.split(b"\n", 1)[0]
    controls = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    if b"\0" in first_line or controls > max(len(sample) // 20, 4):
        return "it contains binary data, not text"
    decoded = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=False)
    if decoded.count("\ufffd") > max(len(decoded) // 20, 8):
        return "it does not look like text (most bytes are not UTF-8)"
    return None


def _records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            if record:
                records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def sniff_delimiter(text: str) -> str:
    """Pick comma, semicolon or tab: the one that splits the header most consistently."""
    best, best_rank = ",", (False, 0.0, 0)
    for delimiter in DELIMITERS:
        records = _records(text, delimiter, SNIFF_RECORDS)
        if not records:
            continue
        width = len(records[0])
        rows = records[1:]
        consistent = sum(len(row) == width for row in rows) / len(rows) if rows else 1.0
        rank = (width > 1, consistent, width)
        if rank > best_rank:
            best, best_rank = delimiter, rank
    return best


def _size_text(size: int) -> str:
    """``4 MB``, ``64 KB`` or ``100 bytes``: a limit as people read it."""
    if size >= 1 << 20 and size % (1 << 20) == 0:
        return f"{size >> 20} MB"
    if size >= 1 << 10 and size % (1 << 10) == 0:
        return f"{size >> 10} KB"
    return f"{size} bytes"


def _positions(indices: Sequence[int], *, limit: int = 10) -> str:
    """``1``, ``1 and 4``, ``1, 4, 7 and 3 more``: 1-based column positions for a message."""
    numbers = [str(i + 1) for i in indices]
    if len(numbers) > limit:
        return f"{', '.join(numbers[:limit])} and {len(numbers) - limit} more"
    if len(numbers) == 1:
        return numbers[0]
    return f"{', '.join(numbers[:-1])} and {numbers[-1]}"


def check_columns(columns: Sequence[str], *, max_columns: int) -> None:
    """Refuse a header that is too wide, has a column without a name, or names one twice.

    Raises
    ------
    DatasetError
        ``too_many_columns``, ``empty_column_name`` or ``duplicate_column_names``.
    """
    if len(columns) > max_columns:
        raise dataset_error(TOO_MANY_COLUMNS, count=len(columns), limit=max_columns)
    empty = [index for index, name in enumerate(columns) if not name]
    if empty:
        which = f"Column {_positions(empty)}" if len(empty) == 1 else f"Columns {_positions(empty)}"
        verb = "has" if len(empty) == 1 else "have"
        raise dataset_error(EMPTY_COLUMN_NAME, which=which, verb=verb)
    repeated = [name for name, count in Counter(columns).items() if count > 1]
    if repeated:
        raise dataset_error(DUPLICATE_COLUMN_NAMES, names=quote_list(repeated))


def sniff(stream: InputStream, *, max_columns: int = DEFAULT_MAX_COLUMNS) -> Layout:
    """Check the head of ``stream`` and return its :class:`Layout`.

    Parameters
    ----------
    stream : InputStream
        The file, from its start.
    max_columns : int
        Most columns the header may have.

    Raises
    ------
    DatasetError
        ``empty_file``, ``binary_content``, ``nul_bytes``, ``header_too_long`` or ``not_utf8``
        (in the header); ``too_many_columns``, ``empty_column_name`` or
        ``duplicate_column_names`` (see :func:`check_columns`).
    ValueError
        When ``max_columns`` is not a positive integer.
    """
    if isinstance(max_columns, bool) or not isinstance(max_columns, int) or max_columns < 1:
        raise ValueError(MAX_COLUMNS_RANGE.format(value=max_columns))
    head = stream.head(HEAD_BYTES)
    size = HEAD_BYTES
    while b"\n" not in head and len(head) == size and size < MAX_HEADER_BYTES:
        size *= 4
        head = stream.head(size)
    complete = len(head) < size
    if not head.strip():
        raise dataset_error(EMPTY_FILE)
    reason = _binary_reason(head)
    if reason:
        raise dataset_error(BINARY_CONTENT, what=reason)
    if b"\0" in head:
        raise dataset_error(NUL_BYTES, line=head.count(b"\n", 0, head.index(b"\0")) + 1)
    if not complete:
        end = head.rfind(b"\n")
        if end < 0:
            # Without this, the header would be cut to nothing and the file called empty.
            raise dataset_error(HEADER_TOO_LONG, line=1, limit=_size_text(MAX_HEADER_BYTES))
        # Keep whole lines only: the last one may be cut in the middle of a character.
        head = head[: end + 1]
    header_bytes = head.split(b"\n", 1)[0]
    try:
        header_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise dataset_error(NOT_UTF8, line=1, where=" (the header)") from None
    text = head.decode("utf-8", errors="replace")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    try:
        while not header:
            header = next(reader)
    except (csv.Error, StopIteration):
        header = []
    columns = tuple(name.strip() for name in header)
    if not columns:
        raise dataset_error(EMPTY_FILE)
    check_columns(columns, max_columns=max_columns)
    return Layout(
        delimiter=delimiter,
        columns=columns,
        bom=stream.bom,
        compressed=stream.compressed,
        head_text=text,
        head_complete=complete,
        header_lines=reader.line_num,
    )


def _decoded_lines(stream: io.RawIOBase) -> Iterator[str]:
    buffered = io.BufferedReader(stream, buffer_size=1 << 20)
    for raw in buffered:
        yield raw.decode("utf-8", errors="surrogateescape")


def _excerpt(record: Sequence[str], delimiter: str) -> str:
    text = delimiter.join(record).replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


def _has_bad_bytes(value: str) -> bool:
    # surrogateescape maps undecodable bytes to lone surrogates U+DC80..U+DCFF.
    return any("\udc80" <= char <= "\udcff" for char in value)


def locate_problem(
    stream: io.RawIOBase,
    *,
    delimiter: str,
    columns: Sequence[str],
    check_utf8: Sequence[int] = (),
) -> DatasetError | None:
    """Find the first broken line of a CSV text and describe it, or return None.

    Parameters
    ----------
    stream : file object
        The decompressed text from its start (a fresh :class:`InputStream`).
    delimiter : str
        The delimiter found by :func:`sniff`.
    columns : sequence of str
        The header; its length is the number of fields every row must have.
    check_utf8 : sequence of int
        Indices of the columns that must be valid UTF-8 (the mapped ones).
    """
    expected = len(columns)
    reader = csv.reader(_decoded_lines(stream), delimiter=delimiter, strict=True)
    last = 0
    try:
        for record in reader:
            start, last = last + 1, reader.line_num
            if start == 1 or not record:
                continue
            if len(record) != expected:
                if last > start:
                    return dataset_error(
                        UNTERMINATED_QUOTE, line=start, until=f" before line {last}"
                    )
                return dataset_error(
                    RAGGED_ROWS,
                    line=start,
                    got=len(record),
                    expected=expected,
                    text=_excerpt(record, delimiter),
                )
            for index in check_utf8:
                if _has_bad_bytes(record[index]):
                    return dataset_error(
                        NOT_UTF8,
                        line=start,
                        column=columns[index],
                        where=f" (column '{columns[index]}')",
                    )
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return dataset_error(UNTERMINATED_QUOTE, line=last + 1, until="")
        return dataset_error(STRAY_QUOTE, line=reader.line_num, text=str(exc))
    return None
