"""``preview``: the head of a file, for the upload page to show it and guess the mapping."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from typing import Any

from ._defaults import DEFAULT_MAX_COLUMNS
from ._errors import (
    HEADER_ONLY,
    NUL_BYTES,
    RAGGED_ROWS,
    STRAY_QUOTE,
    UNTERMINATED_QUOTE,
    dataset_error,
)
from ._labels import is_missing
from ._mapping import ColumnMapping
from ._parquet import ParquetInput, is_parquet
from ._sniff import DELIMITER_NAMES, sniff
from ._source import InputStream, Source

SAMPLE_BYTES = 1 << 20

_SCORE_WORDS = ("score", "prob", "probability", "proba", "confidence", "likelihood")
_PRED_WORDS = ("y_pred", "ypred", "pred", "prediction", "predicted", "decision", "yhat", "y_hat")
_TRUE_WORDS = ("y_true", "ytrue", "label", "target", "outcome", "actual", "truth", "observed")
_SENSITIVE_WORDS = (
    "sex", "gender", "race", "ethnicity", "ethnic", "age", "age_group", "age_band", "agegroup",
    "religion", "disability", "nationality", "national_origin", "marital_status",
    "sexual_orientation",
)  # fmt: skip


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z]+", name.casefold()) if t]


def _matches(name: str, words: tuple[str, ...]) -> bool:
    normal = "_".join(_tokens(name))
    return normal in words or any(token in words for token in _tokens(name))


@dataclass(frozen=True)
class Preview:
    """What the head of a file shows: its layout, first rows and the values seen per column.

    Attributes
    ----------
    filename : str or None
        The file's name, when it has one.
    delimiter : str
        ``","``, ``";"`` or ``"\\t"``; ``delimiter_name`` says it in words.
    encoding : str
        A note such as ``"UTF-8 with BOM, gzip"``.
    columns : list of str
        The header.
    rows : list of list of str
        The first rows, as text.
    distinct : dict
        Per column, the distinct non-empty values seen in the sample (sorted, capped).
    distinct_truncated : dict
        Per column, True when there were more distinct values than the cap.
    rows_sampled : int
        How many rows the distinct values were taken from.
    """

    filename: str | None
    delimiter: str
    delimiter_name: str
    encoding: str
    compressed: bool
    columns: list[str]
    rows: list[list[str]]
    distinct: dict[str, list[str]]
    distinct_truncated: dict[str, bool]
    rows_sampled: int

    def to_dict(self) -> dict[str, Any]:
        """Return the preview as plain data (for JSON or a template)."""
        return asdict(self)

    def guess_mapping(self) -> ColumnMapping:
        """Suggest a mapping from the column names (the user confirms it).

        Score columns are named like score or probability, decisions like pred, prediction or
        decision, outcomes like label, target, outcome or actual; sensitive columns like sex,
        gender, race, ethnicity or age (a column with too many distinct values, such as a numeric
        age, is not suggested). When no outcome name is found, a column sharing the rest of the
        decision's name is taken (``income_over_50k`` for ``predicted_over_50k``).
        """
        free = list(self.columns)

        def take(words: tuple[str, ...]) -> str | None:
            for column in free:
                if _matches(column, words):
                    free.remove(column)
                    return column
            return None

        score, y_pred = take(_SCORE_WORDS), take(_PRED_WORDS)
        y_true = take(_TRUE_WORDS)
        if y_true is None and y_pred is not None:
            rest = [t for t in _tokens(y_pred) if t not in _PRED_WORDS and t != "y"]
            suffix = "_".join(rest)
            for column in free:
                if suffix and "_".join(_tokens(column)).endswith(suffix):
                    y_true = column
                    free.remove(column)
                    break
        sensitive = [
            c
            for c in free
            if _matches(c, _SENSITIVE_WORDS) and not self.distinct_truncated.get(c, False)
        ]
        return ColumnMapping(y_true=y_true, y_pred=y_pred, score=score, sensitive=sensitive)


def _records(text: str, delimiter: str, complete: bool, skip: int, width: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records, last = [], 0
    try:
        for record in reader:
            start, last = last + 1, reader.line_num
            if start <= skip or not record:
                continue
            if len(record) != width:
                if last > start and not complete:
                    break  # a quoted value runs past the sample
                raise dataset_error(
                    RAGGED_ROWS, line=start, got=len(record), expected=width,
                    text=delimiter.join(record)[:80],
                )  # fmt: skip
            records.append(record)
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            raise dataset_error(STRAY_QUOTE, line=reader.line_num, text=str(exc)) from None
        if complete:
            raise dataset_error(UNTERMINATED_QUOTE, line=last + 1, until="") from None
    return records


def preview(
    source: Source,
    *,
    rows: int = 20,
    max_distinct: int = 50,
    max_columns: int = DEFAULT_MAX_COLUMNS,
) -> Preview:
    """Read the head of ``source`` (up to 1 MB of text) for the upload page.

    Parameters
    ----------
    source : str, os.PathLike or binary file object
        As for :func:`assess`.
    rows : int
        How many rows to return.
    max_distinct : int
        Most distinct values kept per column.
    max_columns : int
        Most columns the header may have.

    Raises
    ------
    DatasetError
        For problems visible in the head: ``missing_file``, ``empty_file``, ``header_only``,
        ``binary_content``, ``nul_bytes``, ``not_utf8``, ``truncated_gzip``, ``ragged_rows``,
        ``unterminated_quote``, ``header_too_long``, ``too_many_columns``, ``empty_column_name``,
        ``duplicate_column_names``.
    """
    if is_parquet(source):
        return _parquet_preview(
            source, rows=rows, max_distinct=max_distinct, max_columns=max_columns
        )
    stream = InputStream(source)
    try:
        layout = sniff(stream, max_columns=max_columns)
        head = stream.head(SAMPLE_BYTES)
    finally:
        stream.close()
    complete = len(head) < SAMPLE_BYTES
    if not complete:
        head = head[: head.rfind(b"\n") + 1]
    if b"\0" in head:
        raise dataset_error(NUL_BYTES, line=head.count(b"\n", 0, head.index(b"\0")) + 1)
    text = head.decode("utf-8", errors="replace")
    width = len(layout.columns)
    records = _records(text, layout.delimiter, complete, layout.header_lines, width)
    if not records and complete:
        raise dataset_error(HEADER_ONLY, columns=", ".join(layout.columns))
    distinct: dict[str, list[str]] = {}
    truncated: dict[str, bool] = {}
    for index, column in enumerate(layout.columns):
        values = sorted({r[index].strip() for r in records if not is_missing(r[index])})
        distinct[column] = values[:max_distinct]
        truncated[column] = len(values) > max_distinct
    return Preview(
        filename=stream.name,
        delimiter=layout.delimiter,
        delimiter_name=DELIMITER_NAMES[layout.delimiter],
        encoding=layout.encoding,
        compressed=layout.compressed,
        columns=list(layout.columns),
        rows=records[:rows],
        distinct=distinct,
        distinct_truncated=truncated,
        rows_sampled=len(records),
    )


#: Rows of a Parquet file the preview reads for its distinct values (the first row groups only).
PARQUET_SAMPLE_ROWS = 10_000


def _parquet_preview(source: Source, *, rows: int, max_distinct: int, max_columns: int) -> Preview:
    """The preview of a Parquet file: its schema and first rows, read without the rest."""
    parquet = ParquetInput(source)
    try:
        parquet.layout(max_columns=max_columns)
        head = parquet.head(max(rows, PARQUET_SAMPLE_ROWS))
    finally:
        parquet.close()
    if head.num_rows == 0:
        raise dataset_error(HEADER_ONLY, columns=", ".join(parquet.columns))
    columns = {name: head.column(name).to_pylist() for name in parquet.columns}
    records = [list(values) for values in zip(*columns.values(), strict=True)]
    distinct: dict[str, list[str]] = {}
    truncated: dict[str, bool] = {}
    for name, values in columns.items():
        seen = sorted({v.strip() for v in values if not is_missing(v)})
        distinct[name] = seen[:max_distinct]
        truncated[name] = len(seen) > max_distinct
    return Preview(
        filename=parquet.name, delimiter="", delimiter_name="parquet", encoding="parquet",
        compressed=False, columns=list(parquet.columns), rows=records[:rows],
        distinct=distinct, distinct_truncated=truncated, rows_sampled=len(records),
    )  # fmt: skip
