"""Count tables: a file whose every line is a cell with its number of rows.

The output of ``SELECT <columns>, COUNT(*) ... GROUP BY <columns>`` in a warehouse: the engine
reduces a file to the same table, so reading it back with ``counts=`` gives every figure of the
expanded rows, intervals included (the bootstrap resamples the cells, ordered canonically, so the
order of the lines does not matter). A count must be a whole number, 0 or more: anything else is
an error naming the line. ``input.rows`` is the sum of the counts and ``input.cells`` the number
of lines read.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._errors import BAD_COUNT, dataset_error

#: Largest count read exactly (counts are summed as float64 by bincount, exact below 2**53).
MAX_COUNT = 2**53


def parse_counts(
    text: pa.Array | pa.ChunkedArray, column: str, first_line: int, lines: np.ndarray | None
) -> np.ndarray:
    """Return the counts of a block as int64; refuse a negative, fractional or empty one.

    Raises
    ------
    DatasetError
        ``bad_count``, with the line of the first bad value of the block.
    """
    trimmed = pc.utf8_trim_whitespace(text)
    try:
        values = pc.cast(trimmed, pa.float64()).to_numpy(zero_copy_only=False)
        bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values))
        bad |= values > MAX_COUNT
    except pa.ArrowInvalid:
        values = None
        bad = np.array([not _whole(v) for v in trimmed.to_pylist()])
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        line = int(lines[first]) if lines is not None else first_line + first
        raise dataset_error(BAD_COUNT, line=line, column=column, value=str(trimmed[first].as_py()))
    assert values is not None
    whole: np.ndarray = values.astype(np.int64)
    return whole


def _whole(text: str | None) -> bool:
    try:
        value = float(text or "")
    except ValueError:
        return False
    return np.isfinite(value) and value >= 0 and value == int(value) and value <= MAX_COUNT
