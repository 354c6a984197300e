from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
ADULT = Path(__file__).resolve().parents[2] / "demo_data" / "adult_predictions.csv"


def csv_bytes(
    header: Sequence[str], rows: Sequence[Sequence[object]], delimiter: str = ","
) -> bytes:
    """A CSV file as bytes (no quoting: the tests choose values without delimiters)."""
    lines = [delimiter.join(header)] + [delimiter.join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def write(tmp_path):
    """Write bytes to a file in tmp_path (gzip-compressed when the name ends in .gz)."""

    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        return path

    return _write
