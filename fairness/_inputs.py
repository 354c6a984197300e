"""One way in for every input format: a CSV (streamed by pyarrow) or a Parquet file.

:func:`read_input` opens ``source``, finds its header, lets the caller plan the mapped columns,
and hands the caller's counting function an iterator of text batches (columns ``c<index>``, the
index being the header position). A CSV that pyarrow refuses is re-read to name the broken line.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.csv as pcsv

from . import _reader
from ._errors import UNREADABLE_CSV, DatasetError, dataset_error
from ._parquet import ParquetInput, is_parquet
from ._reader import ColumnPlan, _read_ahead
from ._sniff import DELIMITER_NAMES, Layout, locate_problem, sniff
from ._source import InputStream, Progress, Source

T = TypeVar("T")
Consume = Callable[[Layout, ColumnPlan, Iterable[pa.RecordBatch], Callable[[], None] | None], T]
Plan = Callable[[Layout], ColumnPlan]


def plan_indices(plan: ColumnPlan, extra: Iterable[int] = ()) -> list[int]:
    """Header positions of the mapped columns, each once, in plan order."""
    wanted = [*plan.sensitive, plan.y_true, plan.y_pred, plan.score, plan.counts, *extra]
    return list(dict.fromkeys(i for i in wanted if i is not None))


def csv_batches(
    stream: InputStream, layout: Layout, indices: list[int], block_size: int | None = None
) -> Generator[pa.RecordBatch, None, None]:
    """The text batches of a CSV stream, parsed ahead on a second thread."""
    names = [f"c{i}" for i in range(len(layout.columns))]
    include = [names[i] for i in indices]
    reader = pcsv.open_csv(
        stream,
        read_options=pcsv.ReadOptions(
            block_size=block_size or _reader.BLOCK_SIZE,
            skip_rows=layout.header_lines,
            column_names=names,
        ),
        parse_options=pcsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            include_columns=include,
            column_types=dict.fromkeys(include, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    batches = _read_ahead(reader)
    try:
        yield from batches
    finally:
        batches.close()


def _csv_problem(stream: InputStream, layout: Layout, indices: list[int], detail: str) -> Exception:
    fresh = stream.reopen()
    problem: DatasetError | None = None
    if fresh is not None:
        try:
            problem = locate_problem(
                fresh, delimiter=layout.delimiter, columns=layout.columns, check_utf8=indices
            )
        except DatasetError as inner:
            problem = inner
        finally:
            fresh.close()
    return problem or dataset_error(UNREADABLE_CSV, detail=detail)


def read_input(
    source: Source,
    plan_of: Plan,
    consume: Consume[T],
    *,
    progress: Progress | None = None,
    max_columns: int,
    extra: Callable[[Layout], Iterable[int]] | None = None,
    block_size: int | None = None,
) -> tuple[T, dict[str, Any], Layout]:
    """Open ``source`` (CSV or Parquet), plan its columns and count its batches.

    Returns what ``consume`` returns, the ``input`` facts of the file (hash, name, size, format,
    encoding, delimiter) and its layout. ``extra`` names more columns to read (the join's id).
    """
    if is_parquet(source):
        parquet = ParquetInput(source, progress=progress)
        try:
            layout = parquet.layout(max_columns=max_columns)
            plan = plan_of(layout)
            more = list(extra(layout)) if extra else []  # nosec B610 - a local callable, not Django's QuerySet.extra
            indices = plan_indices(plan, more)
            plain = [*more, *(i for i in (plan.score, plan.counts) if i is not None)]
            result = consume(layout, plan, parquet.batches(indices, plain), None)
            return result, parquet.info(), layout
        finally:
            parquet.close()
    stream = InputStream(source, progress=progress)
    try:
        layout = sniff(stream, max_columns=max_columns)
        stream.report_progress()
        plan = plan_of(layout)
        indices = plan_indices(plan, extra(layout) if extra else ())  # nosec B610 - a local callable, not Django's QuerySet.extra
        try:
            batches = csv_batches(stream, layout, indices, block_size)
            try:
                result = consume(layout, plan, batches, stream.report_progress)
            finally:
                batches.close()  # stops the reading thread before the stream is closed
        except pa.ArrowException as exc:
            detail = str(exc).replace("CSV parse error: ", "")
            raise _csv_problem(stream, layout, indices, detail) from None
        info = {
            "sha256": stream.sha256(),
            "filename": stream.name,
            "size_bytes": stream.raw_bytes_read,
            "format": "csv",
            "encoding": layout.encoding,
            "compressed": layout.compressed,
            "delimiter": DELIMITER_NAMES[layout.delimiter],
        }
    finally:
        stream.close()
    return result, info, layout
