"""Two halves at once: element-wise work on large arrays split over two threads.

NumPy releases the GIL inside its loops, so the two halves of an element-wise update really do
run on two cores. Only worth it for large arrays: a hand-off costs tens of microseconds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

# Element-wise passes over at least this many elements run on two threads (below it the
# hand-off costs more than the second core gains).
PARALLEL_MIN_SIZE = 1 << 18

_WORKER: list = []
if hasattr(os, "register_at_fork"):  # a forked child has no worker thread: it starts its own
    os.register_at_fork(after_in_child=_WORKER.clear)


class _Worker:
    """One daemon thread running the tasks it is handed, one at a time (lighter than a
    ``ThreadPoolExecutor``: no Future and no Condition per hand-off).
    """

    def __init__(self) -> None:
        import queue
        import threading

        self.tasks: Any = queue.SimpleQueue()
        self.done: Any = queue.SimpleQueue()
        self.lock = threading.Lock()  # one caller at a time
        threading.Thread(target=self._run, name="keraslite-half", daemon=True).start()

    def _run(self) -> None:
        while True:
            fn, arg = self.tasks.get()
            try:
                fn(arg)
                self.done.put(None)
            except BaseException as error:  # handed back to the caller
                self.done.put(error)


def _worker() -> _Worker:
    """The process-wide worker thread (started on first use)."""
    if not _WORKER:
        _WORKER.append(_Worker())
    return _WORKER[0]


def on_halves(fn: Callable[[slice], Any], length: int) -> None:
    """Call ``fn(slice)`` for the first and the second half of ``range(length)``, in parallel."""
    half = length // 2
    worker = _worker()
    if not worker.lock.acquire(blocking=False):  # the worker is busy (another thread): in turn
        fn(slice(0, half))
        fn(slice(half, length))
        return
    try:
        # the second half in the worker, the first in the calling thread
        worker.tasks.put((fn, slice(half, length)))
        try:
            fn(slice(0, half))
        finally:
            error = worker.done.get()
        if error is not None:
            raise error
    finally:
        worker.lock.release()
