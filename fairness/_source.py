"""Byte-level access to the input: hashing, progress, gunzip, BOM removal and NUL detection.

:class:`InputStream` is the file object pyarrow reads from. It hashes the raw bytes as they are read
(so ``input.sha256`` is the hash of the file as uploaded, compressed or not), reports progress,
decompresses gzip, drops a UTF-8 byte-order mark and refuses NUL bytes, counting lines so that
errors can name one. Memory stays at a few blocks whatever the size of the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ._errors import (
    CORRUPT_GZIP,
    MISSING_FILE,
    NUL_BYTES,
    TRUNCATED_GZIP,
    UNREADABLE_FILE,
    dataset_error,
)

RAW_CHUNK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"

NOT_BINARY = "The source must be a path or a file object opened in binary mode ('rb')."
Progress = Callable[[int, int], None]
Source = str | os.PathLike[str] | BinaryIO


def _size_of(fileobj: BinaryIO) -> int:
    """Return how many bytes remain in ``fileobj``, or 0 when that cannot be known."""
    try:
        return max(os.fstat(fileobj.fileno()).st_size - fileobj.tell(), 0)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass
    try:
        here = fileobj.tell()
        end = fileobj.seek(0, io.SEEK_END)
        fileobj.seek(here)
        return max(end - here, 0)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return 0


class InputStream(io.RawIOBase):
    """A read-only, forward-only view of the decompressed text of ``source``.

    Parameters
    ----------
    source : str, os.PathLike or binary file object
        A path, or a binary file object read from its current position (not closed here).
    progress : callable, optional
        Called as ``progress(done_bytes, total_bytes)`` by :meth:`report_progress`; ``total``
        is 0 when the size cannot be known.
    """

    def __init__(self, source: Source, *, progress: Progress | None = None) -> None:
        super().__init__()
        self._progress = progress
        self._reported = -1
        self._sha = hashlib.sha256()
        self.raw_bytes_read = 0
        self.name: str | None = None
        self._source = source
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            if not path.is_file():
                raise dataset_error(MISSING_FILE, path=str(path))
            self.name = path.name
            self.total_bytes = path.stat().st_size
            try:
                self._raw: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in close()
            except OSError as exc:
                raise dataset_error(UNREADABLE_FILE, path=str(path), reason=exc.strerror) from None
            self._owns_raw = True
            self._start: int | None = 0
        else:
            self._raw = source
            self._owns_raw = False
            self.name = os.path.basename(str(getattr(source, "name", "") or "")) or None
            self.total_bytes = _size_of(source)
            try:
                self._start = source.tell()
            except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
                self._start = None
        first = self._read_raw()
        if not isinstance(first, bytes):
            raise TypeError(NOT_BINARY)
        self.compressed = first[:2] == GZIP_MAGIC
        self._decomp = zlib.decompressobj(zlib.MAX_WBITS | 16) if self.compressed else None
        self._raw_pending = first
        self._pending = b""
        self._offset = 0
        self._produced_newlines = 0
        self._started = False
        self._eof = False
        self.bom = False
        self.nul_line: int | None = None

    # -- raw side -------------------------------------------------------------------------
    def _read_raw(self) -> bytes:
        chunk = self._raw.read(RAW_CHUNK)
        if chunk and isinstance(chunk, bytes):
            self._sha.update(chunk)
            self.raw_bytes_read += len(chunk)
        return chunk

    def report_progress(self) -> None:
        """Call ``progress(done, total)`` if more bytes were read since the last call.

        pyarrow reads ahead on a thread of its own, so progress is reported from here, on the
        caller's thread (a callback may use a database connection, which is per thread).
        """
        if self._progress is not None and self.raw_bytes_read != self._reported:
            self._reported = self.raw_bytes_read
            self._progress(self.raw_bytes_read, self.total_bytes)

    def _next_raw(self) -> bytes:
        if self._raw_pending:
            chunk, self._raw_pending = self._raw_pending, b""
            return chunk
        return self._read_raw()

    def sha256(self) -> str:
        """Return the SHA-256 of every raw byte, reading what is left so the hash is complete."""
        while self._read_raw():
            pass
        self.report_progress()
        return self._sha.hexdigest()

    def reopen(self) -> InputStream | None:
        """Return a fresh stream on the same source from its start, or None if not possible."""
        if self._owns_raw:
            return InputStream(self._source)
        if self._start is None:
            return None
        try:
            self._raw.seek(self._start)
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            return None
        return InputStream(self._raw)

    # -- decompressed side ----------------------------------------------------------------
    def _gunzip(self) -> bytes:
        decomp = self._decomp
        assert decomp is not None
        try:
            while True:
                if decomp.unconsumed_tail:
                    data = decomp.decompress(decomp.unconsumed_tail, RAW_CHUNK)
                elif decomp.eof:
                    # A gzip file may hold several members; anything after them but zeros is data.
                    tail = decomp.unused_data or self._next_raw()
                    if not tail.strip(b"\0"):
                        return b""
                    decomp = self._decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
                    data = decomp.decompress(tail, RAW_CHUNK)
                else:
                    raw = self._next_raw()
                    if not raw:
                        raise dataset_error(TRUNCATED_GZIP)
                    data = decomp.decompress(raw, RAW_CHUNK)
                if data:
                    return data
        except zlib.error as exc:
            raise dataset_error(CORRUPT_GZIP, detail=str(exc)) from None

    def _produce(self) -> bytes:
        data = self._gunzip() if self.compressed else self._next_raw()
        if not self._started:
            self._started = True
            if data.startswith(UTF8_BOM):
                self.bom = True
                data = data[len(UTF8_BOM) :]
        if self.nul_line is None:
            nul = data.find(b"\0")
            if nul >= 0:
                self.nul_line = self._produced_newlines + data.count(b"\n", 0, nul) + 1
        self._produced_newlines += data.count(b"\n")
        return data

    def _fill(self, size: int) -> None:
        """Make sure at least ``size`` bytes are pending, unless the input ends first."""
        while not self._eof and len(self._pending) - self._offset < size:
            data = self._produce()
            if not data:
                self._eof = True
                break
            self._pending = self._pending[self._offset :] + data
            self._offset = 0

    def head(self, size: int) -> bytes:
        """Return up to ``size`` bytes of the start of the text without consuming them."""
        self._fill(size)
        return self._pending[self._offset : self._offset + size]

    def read(self, size: int = -1) -> bytes:
        """Return the next decompressed bytes (the API pyarrow uses)."""
        if self.nul_line is not None:
            raise dataset_error(NUL_BYTES, line=self.nul_line)
        if size is None or size < 0:
            chunks = [self._pending[self._offset :]]
            self._pending, self._offset = b"", 0
            while data := self._produce():
                chunks.append(data)
            self._eof = True
            return b"".join(chunks)
        if self._offset >= len(self._pending):
            self._pending, self._offset = b"", 0
            if self._eof:
                return b""
            self._fill(1)
        if self.nul_line is not None:
            raise dataset_error(NUL_BYTES, line=self.nul_line)
        start = self._offset
        end = min(start + size, len(self._pending))
        self._offset = end
        if start == 0 and end == len(self._pending):
            return self._pending
        return self._pending[start:end]

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]  # narrower than WriteableBuffer: needs len() and slice assignment
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if self._owns_raw and not self._raw.closed:
            self._raw.close()
        super().close()
