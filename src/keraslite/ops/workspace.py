"""Reusable scratch buffers for ops that allocate large temporaries on every call.

A freshly allocated multi-megabyte array costs a page fault per 4 KiB page on first write
(the allocator hands large blocks back to the system on free); for the recurrent ops that was
up to a third of a training step. A :class:`Workspace` keeps a few freed buffers per
``(shape, dtype)`` and hands them out again. A buffer must go back only once nothing can read
it any more: scratch at the end of the computation, buffers a backward pass reads when its
closure dies (:meth:`Workspace.give_when_dead`).
"""

from __future__ import annotations

import weakref
from typing import Any

from keraslite.backend import xp


class Workspace:
    """A small pool of uninitialised arrays keyed by shape and dtype.

    Args:
        per_key: how many free buffers of one shape and dtype are kept.
        max_keys: how many distinct shapes are kept (the oldest are dropped first).
        max_bytes: the most memory the free buffers may hold together (beyond it a returned
            buffer is simply dropped).

    """

    def __init__(self, per_key: int = 8, max_keys: int = 48,
                 max_bytes: int = 256 * 2**20) -> None:
        self._free: dict = {}
        self._per_key = per_key
        self._max_keys = max_keys
        self._max_bytes = max_bytes
        self._bytes = 0

    def take(self, shape: tuple, dtype: Any) -> Any:
        """An array of ``shape`` and ``dtype`` with arbitrary contents (reused when possible)."""
        free = self._free.get((shape, xp.dtype(dtype).str))
        if free:
            try:
                a = free.pop()
            except IndexError:  # emptied by another thread meanwhile
                pass
            else:
                self._bytes -= a.nbytes
                return a
        return xp.empty(shape, dtype)

    def give(self, *arrays: Any) -> None:
        """Return arrays (from :meth:`take`) that nothing reads any more."""
        for a in arrays:
            if self._bytes + a.nbytes > self._max_bytes:
                continue
            key = (a.shape, a.dtype.str)
            free = self._free.get(key)
            if free is None:
                if len(self._free) >= self._max_keys:
                    dropped = self._free.pop(next(iter(self._free)), [])
                    self._bytes -= sum(b.nbytes for b in dropped)
                free = self._free.setdefault(key, [])
            if len(free) < self._per_key:
                free.append(a)
                self._bytes += a.nbytes

    def give_when_dead(self, owner: Any, *arrays: Any) -> None:
        """Return ``arrays`` once ``owner`` (e.g. a backward closure) is garbage."""
        weakref.finalize(owner, self.give, *arrays)

    def clear(self) -> None:
        """Drop every kept buffer."""
        self._free.clear()
        self._bytes = 0


WORKSPACE = Workspace()
