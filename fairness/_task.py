"""Which task a file is: ``binary`` (the default), ``regression`` or ``multiclass``.

Given, the task is used as is. Otherwise it is inferred from the head of the file (the values the
preview sees in y_pred and y_true) only when that is unambiguous:

- every value a number and at least one with a fraction (``0.37``), or more than 50 distinct
  numbers: ``regression``; a decision cannot hold fractions, and classes are at most 50;
- more than two distinct text values, none of them a yes/no word or number: ``multiclass``;
- anything else: ``binary``, whose own checks then say what is wrong with the labels.

The document's ``task_inference`` says ``{"task", "inferred", "reason"}``.
"""

from __future__ import annotations

import csv
import io
import math
import os
from typing import Any

from ._errors import UNKNOWN_TASK, DatasetError, dataset_error
from ._labels import NEGATIVE_WORDS, POSITIVE_WORDS, is_missing
from ._mapping import ColumnMapping
from ._parquet import ParquetInput, is_parquet
from ._sniff import sniff
from ._source import InputStream, Source

TASKS: tuple[str, ...] = ("binary", "regression", "multiclass")
DEFAULT_TASK = "binary"


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def infer_task(values: list[str], *, truncated: bool) -> tuple[str, str]:
    """(task, reason) from the distinct non-empty values of y_pred and y_true."""
    if not values:
        return DEFAULT_TASK, "no values seen in the head of the file: binary, the default"
    numbers = [_number(v) for v in values]
    if all(n is not None for n in numbers):
        if any(n is not None and n != int(n) for n in numbers):
            return "regression", "y_pred holds numbers with fractions, which a decision cannot"
        if truncated or len(values) > 50:
            return "regression", "more than 50 distinct numbers: neither a decision nor classes"
        return DEFAULT_TASK, "whole numbers only: binary, the default (give the task otherwise)"
    words = {v.strip().casefold() for v in values}
    vocabulary = words & (POSITIVE_WORDS | NEGATIVE_WORDS)
    if (len(values) > 2 or truncated) and not vocabulary and all(n is None for n in numbers):
        return "multiclass", f"{len(values)}{'+' if truncated else ''} text labels"
    return DEFAULT_TASK, "labels that fit a yes/no outcome: binary, the default"


def resolve_task(
    task: str | None, source: Source, mapping: ColumnMapping, *, max_columns: int
) -> tuple[str, dict[str, Any]]:
    """Return the task and the document's ``task_inference``."""
    if task is not None:
        if task not in TASKS:
            raise dataset_error(UNKNOWN_TASK, task=task)
        return task, {"task": task, "inferred": False, "reason": "given"}
    if not mapping.y_pred:
        reason = "no y_pred column: binary, the default"
        return DEFAULT_TASK, {"task": DEFAULT_TASK, "inferred": True, "reason": reason}
    here = None
    if not isinstance(source, (str, os.PathLike)):
        try:
            here = source.tell()
        except (AttributeError, OSError, ValueError):
            reason = "the input cannot be read twice: binary, the default"
            return DEFAULT_TASK, {"task": DEFAULT_TASK, "inferred": True, "reason": reason}
    wanted = [c for c in (mapping.y_pred, mapping.y_true) if c]
    try:
        seen = _head_values(source, wanted, max_columns=max_columns)
    except DatasetError:
        seen = {}  # the full read reports it
    finally:
        if here is not None:
            source.seek(here)  # type: ignore[union-attr]
    distinct = {c: {v.strip() for v in seen.get(c, []) if not is_missing(v)} for c in wanted}
    # Regression is read from y_pred alone (the model's output), and y_true must be numbers too.
    predicted = distinct.get(mapping.y_pred, set())
    found, reason = infer_task(sorted(predicted), truncated=len(predicted) > INFER_DISTINCT)
    observed = distinct.get(mapping.y_true, set()) if mapping.y_true else set()
    if found == "regression" and any(_number(v) is None for v in observed):
        found, reason = DEFAULT_TASK, "numbers in y_pred but text in y_true: binary, the default"
    if found != "regression":
        values = predicted | observed
        many = any(len(v) > INFER_DISTINCT for v in distinct.values())
        found, reason = infer_task(sorted(values), truncated=many)
        if found == "regression":
            found, reason = DEFAULT_TASK, "y_pred holds whole numbers: binary, the default"
    return found, {"task": found, "inferred": True, "reason": reason}


#: Distinct values per column beyond which the head is taken as "many".
INFER_DISTINCT = 60
#: Rows of a Parquet file looked at.
INFER_ROWS = 5000


def _head_values(source: Source, columns: list[str], *, max_columns: int) -> dict[str, list[str]]:
    """The values of ``columns`` in the head of the file (64 KB of a CSV, 5,000 Parquet rows)."""
    if is_parquet(source):
        parquet = ParquetInput(source)
        try:
            present = [c for c in columns if c in parquet.columns]
            head = parquet.head(INFER_ROWS)
            return {c: head.column(c).to_pylist() for c in present}
        finally:
            parquet.close()
    stream = InputStream(source)
    try:
        layout = sniff(stream, max_columns=max_columns)
    finally:
        stream.close()
    names = [c.strip() for c in layout.columns]
    index = {c: names.index(c.strip()) for c in columns if c.strip() in names}
    reader = csv.reader(io.StringIO(layout.head_text, newline=""), delimiter=layout.delimiter)
    records = list(reader)[layout.header_lines : -1 if not layout.head_complete else None]
    return {c: [r[i] for r in records if len(r) == len(names)] for c, i in index.items()}
