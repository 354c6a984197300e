"""Reading the head of an LLM responses file (CSV, JSON Lines, Parquet) for the app's own pages.

The engine (`fairness.text`) reads the whole file for a run; the app needs less: the columns, the
first rows and the values seen (the upload's preview and the mapping form's guesses), and one pass
over two columns for the VADER `neg` histogram beside a run. The format is told apart from the
content as the engine does: Parquet's `PAR1` magic, a first `{` for JSON Lines (gzip undone
first), CSV otherwise. CSV goes through the engine's own `fairness.preview`; JSON Lines through
`json`, Parquet through pyarrow, the libraries the engine reads them with.
"""

import csv
import gzip
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, BinaryIO, cast

import pyarrow as pa
import pyarrow.parquet as pq

from fairness import DatasetError, preview
from fairness.text import TEXT_ERROR_MESSAGES

Source = str | os.PathLike | BinaryIO
PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
#: How many records the value lists (distinct values, guesses) are read from.
SAMPLE_RECORDS = 2000
FORMAT_NAMES = {"csv": "CSV", "jsonl": "JSON Lines", "parquet": "Parquet"}


def _error(code: str, **fields: object) -> DatasetError:
    return DatasetError(code, TEXT_ERROR_MESSAGES[code].format(**fields))


@contextmanager
def _binary(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            yield handle
        return
    source.seek(0)
    yield source
    source.seek(0)


@contextmanager
def _plain(source: Source) -> Iterator[IO[bytes]]:
    """The file's bytes with gzip undone."""
    with _binary(source) as handle:
        head = handle.read(2)
        handle.seek(0)
        if head == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=handle, mode="rb") as unzipped:
                yield cast(IO[bytes], unzipped)
        else:
            yield handle


def detect_format(source: Source) -> str:
    """ "parquet", "jsonl" or "csv", from the content (as the engine tells them apart)."""
    with _binary(source) as handle:
        if handle.read(4) == PARQUET_MAGIC:
            return "parquet"
    try:
        with _plain(source) as handle:
            start = handle.read(1 << 16).lstrip()
    except (OSError, EOFError):
        return "csv"  # a broken gzip: the CSV reader says what is wrong with it
    return "jsonl" if start[:1] == b"{" else "csv"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _document(
    columns: list[str], records: list[list[str]], *, rows: int, max_distinct: int
) -> dict:
    distinct: dict[str, list[str]] = {}
    truncated: dict[str, bool] = {}
    for index, column in enumerate(columns):
        seen: dict[str, None] = {}
        for record in records:
            seen.setdefault(record[index], None)
        values = [v for v in seen if v != ""]
        truncated[column] = len(values) > max_distinct
        distinct[column] = sorted(values)[:max_distinct]
    return {
        "columns": columns,
        "rows": records[:rows],
        "distinct": distinct,
        "distinct_truncated": truncated,
        "rows_sampled": len(records),
    }


def preview_responses(source: Source, *, rows: int, max_distinct: int, max_columns: int) -> dict:
    """The head of a responses file: its format, columns, first `rows` rows and values seen.

    Raises DatasetError (with the engine's message) when the head cannot be read.
    """
    file_format = detect_format(source)
    if file_format == "csv":
        found = preview(source, rows=rows, max_distinct=max_distinct, max_columns=max_columns)
        return {**found.to_dict(), "format": "csv"}
    if file_format == "jsonl":
        columns, records = _jsonl_head(source)
    else:
        columns, records = _parquet_head(source)
    if not columns:
        raise _error("empty_file")
    document = _document(columns, records, rows=rows, max_distinct=max_distinct)
    return {**document, "format": file_format}


def _jsonl_head(source: Source) -> tuple[list[str], list[list[str]]]:
    columns: list[str] = []
    records: list[list[str]] = []
    with _plain(source) as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except ValueError as exc:
                raise _error("bad_json_line", line=number, detail=str(exc)) from None
            if not isinstance(record, dict):
                raise _error("bad_json_line", line=number, detail="it is not an object")
            for key in record:
                if key not in columns:
                    columns.append(str(key))
            records.append([_text(record.get(c)) for c in columns])
            if len(records) >= SAMPLE_RECORDS:
                break
    width = len(columns)
    return columns, [r + [""] * (width - len(r)) for r in records]


def _parquet_head(source: Source) -> tuple[list[str], list[list[str]]]:
    try:
        with _binary(source) as handle:
            parquet = pq.ParquetFile(handle)
            columns = list(parquet.schema_arrow.names)
            records: list[list[str]] = []
            for batch in parquet.iter_batches(batch_size=SAMPLE_RECORDS):
                values = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                records += [[_text(v) for v in row] for row in zip(*values, strict=True)]
                break
    except (pa.ArrowException, OSError) as exc:
        raise _error("unreadable_parquet", detail=str(exc)) from None
    return columns, records


def iter_columns(
    source: Source, *, file_format: str, columns: tuple[str, ...], delimiter: str = ","
) -> Iterator[tuple[Any, ...]]:
    """Every record's values of `columns`, in file order (a missing value is None)."""
    if file_format == "parquet":
        with _binary(source) as handle:
            parquet = pq.ParquetFile(handle)
            for batch in parquet.iter_batches(batch_size=4096, columns=list(columns)):
                values = [batch.column(i).to_pylist() for i in range(len(columns))]
                yield from zip(*values, strict=True)
        return
    with _plain(source) as handle:
        if file_format == "jsonl":
            for raw in handle:
                if raw.strip():
                    record = json.loads(raw)
                    yield tuple(record.get(c) for c in columns)
            return
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
        try:
            reader = csv.reader(text, delimiter=delimiter)
            header = next(reader, [])
            index = [header.index(c) for c in columns]
            for row in reader:
                if row:
                    yield tuple(row[i] if i < len(row) else None for i in index)
        finally:
            text.detach()


# -- guessing the roles -----------------------------------------------------------------------

_NAMES: dict[str, tuple[str, ...]] = {
    "pair_id": (
        "pair_id",
        "pair",
        "pairid",
        "prompt_id",
        "template_id",
        "counterfactual_id",
        "pair_key",
        "set_id",
        "id",
    ),  # fmt: skip
    "group": (
        "group",
        "group_name",
        "demographic",
        "protected_group",
        "persona",
        "attribute",
        "gender",
        "sex",
        "race",
        "ethnicity",
    ),  # fmt: skip
    "response": (
        "response",
        "responses",
        "output",
        "completion",
        "generation",
        "model_response",
        "llm_response",
        "answer",
        "reply",
        "text",
    ),  # fmt: skip
    "prompt": ("prompt", "prompts", "input", "question", "instruction", "query"),
    "sample": ("sample", "sample_id", "sample_index", "generation_index", "attempt", "draw"),
    "decision": ("decision", "outcome", "label", "verdict", "recommendation", "prediction"),
    "toxicity": ("toxicity", "toxicity_score", "toxic", "tox"),
}
#: Values read as the favourable outcome of a decision, besides 1 / true / yes.
FAVOURABLE_WORDS = ("shortlist", "shortlisted", "approve", "approved", "accept", "accepted",
                    "hire", "hired", "pass", "positive", "admit", "grant", "granted")  # fmt: skip


def _normal(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.strip().lower()).strip("_")


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def guess_roles(document: dict) -> dict[str, str | None]:
    """Which column plays which role, from the names and the values seen (None: no guess).

    Names first (`response`, `output`, `completion`, ...); without a name, the response is the
    column of the longest texts and the group a text column with 2-50 values that repeat.
    """
    columns: list[str] = list(document.get("columns") or [])
    rows: list[list[str]] = list(document.get("rows") or [])
    distinct: dict[str, list[str]] = document.get("distinct") or {}
    guess: dict[str, str | None] = dict.fromkeys(_NAMES)
    taken: set[str] = set()
    normal = {c: _normal(c) for c in columns}
    for role, names in _NAMES.items():
        for name in names:
            found = next((c for c in columns if normal[c] == name and c not in taken), None)
            if found:
                guess[role] = found
                taken.add(found)
                break
    lengths = {
        c: sum(len(r[i]) for r in rows if i < len(r)) / max(len(rows), 1)
        for i, c in enumerate(columns)
    }
    if guess["response"] is None:
        free = [c for c in columns if c not in taken and lengths[c] >= 20]
        if free:
            longest = max(free, key=lambda c: lengths[c])
            guess["response"] = longest
            taken.add(longest)
    if guess["group"] is None:
        for column in columns:
            values = distinct.get(column) or []
            truncated = (document.get("distinct_truncated") or {}).get(column)
            if column in taken or truncated or not 2 <= len(values) <= 50:
                continue
            if not any(_is_number(v) for v in values) and len(values) < len(rows):
                guess["group"] = column
                taken.add(column)
                break
    decision = guess["decision"]
    guess["pos_label"] = guess_positive(distinct.get(decision) or []) if decision else None
    return guess


def guess_positive(values: list[str]) -> str | None:
    """The favourable value among a decision column's values: 1 / true / yes, shortlist, approve..."""
    for value in values:
        if value.strip().lower() in ("1", "true", "yes", "y", *FAVOURABLE_WORDS):
            return value
    return None
