"""`fewer_gc_passes()`: raise the cyclic garbage collector's thresholds while a report is built or
rendered, and restore them after.

Its own module because both the builder (charts) and the PDF renderer (WeasyPrint) use it, and the
renderer imports the builder's records: in either of them it would make an import cycle.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _GcThresholds:
    """Raised thresholds shared by nested or concurrent renders.

    WeasyPrint (and matplotlib) allocate millions of short-lived objects (boxes, styles, text
    runs) that reference counting frees; with Python's default thresholds the cyclic collector
    still runs thousands of times per report and takes about a fifth of the render time
    (bench/README.md). Nested or concurrent renders share one raise: the last one out restores
    the previous thresholds.
    """

    RENDER_THRESHOLDS = (100_000, 50, 1_000)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._saved: tuple[int, ...] = ()

    @contextmanager
    def raised(self) -> Iterator[None]:
        with self._lock:
            if self._active == 0:
                self._saved = gc.get_threshold()
                gc.set_threshold(*self.RENDER_THRESHOLDS)
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1
                if self._active == 0:
                    gc.set_threshold(*self._saved)


fewer_gc_passes = _GcThresholds().raised
