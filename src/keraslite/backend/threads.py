"""Two halves at once: element-wise work on large arrays split over two threads.

NumPy releases the GIL inside its loops, so the two halves of an element-wise update really do
run on two cores. Only worth it for large arrays: a hand-off costs tens of microseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_POOL: list = []


def _pool() -> Any:
    """The process-wide pool of two worker threads (created on first use)."""
    if not _POOL:
        from concurrent.futures import ThreadPoolExecutor

        _POOL.append(ThreadPoolExecutor(max_workers=2, thread_name_prefix="keraslite-half"))
    return _POOL[0]


def on_halves(fn: Callable[[slice], Any], length: int) -> None:
    """Call ``fn(slice)`` for the first and the second half of ``range(length)``, in parallel."""
    half = length // 2
    # the second half in a worker, the first in the calling thread (one hand-off, not two)
    future = _pool().submit(fn, slice(half, length))
    try:
        fn(slice(0, half))
    finally:
        future.result()
