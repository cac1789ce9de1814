"""The calls the training code makes at its hook points; each is a no-op in one process.

The trainer calls these (and nothing else of this package) so that a single-process run pays
one dictionary look-up per call:

- :func:`worker` at the start of ``fit``/``evaluate``/``predict`` (weights broadcast, batch
  sharding, logs summed over ranks, predictions gathered);
- :func:`reduce_gradients` / :func:`reduce_arrays` after a step's gradients are in the flat
  gradient buffer and before the optimizer update;
- :func:`chief_verbose` where the verbosity is resolved (only rank 0 prints);
- :func:`is_chief` where files are written (only rank 0 writes);
- :func:`from_rank0` where a shuffle order is drawn (every rank uses rank 0's).
"""

from __future__ import annotations

from typing import Any

_ACTIVE: dict = {"worker": None}


def worker() -> Any:
    """The :class:`~keraslite.distribution.worker.Worker` of this rank, or None (one process)."""
    return _ACTIVE["worker"]


def reduce_gradients(flat: Any) -> None:
    """Average the flat gradient buffer over the ranks, in place (no-op in one process)."""
    w = _ACTIVE["worker"]
    if w is not None:
        w.reduce_gradients(flat)


def reduce_arrays(grads: list) -> list:
    """The same for a list of gradient arrays; returns the list to use."""
    w = _ACTIVE["worker"]
    return grads if w is None else w.reduce_arrays(grads)


def chief_verbose(verbose: int) -> int:
    """``verbose`` on rank 0, 0 on the other ranks: one progress bar for the whole run."""
    w = _ACTIVE["worker"]
    return verbose if w is None or w.is_chief else 0


def is_chief() -> bool:
    """Whether this process writes files (rank 0, or the only process)."""
    w = _ACTIVE["worker"]
    return w is None or w.is_chief


def from_rank0(order: Any) -> Any:
    """Rank 0's ``order`` (an integer array, the same length on every rank) on every rank."""
    w = _ACTIVE["worker"]
    if w is None:
        return order
    import numpy

    return w.world.broadcast(numpy.ascontiguousarray(order, numpy.int64), "sharing a shuffle")
