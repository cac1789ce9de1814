"""The two points where data-parallel training plugs into the one train step (no-ops here).

- :func:`shard_rows`: the epoch iterator calls it with each epoch's order of the sample rows
  (a permutation, or ``arange(n)`` without shuffling); a worker returns the rows it trains on
  (for example ``order[rank::size]``, after every worker drew the same permutation).
- :func:`reduce_gradients`: the engine calls it once per step, after the gradients of the
  batch landed in the flat gradient buffer and before the optimizer's update; a worker
  replaces the buffer's contents in place by the mean over the workers (an all-reduce).

Both are called by the built-in step (the engine, whatever the data); an overridden
``train_step`` that applies its own gradients calls :func:`reduce_gradients` itself if it
wants them combined.

A distribution strategy installs itself with :func:`set_strategy` (an object with methods
``shard_rows(order)`` and ``reduce_gradients(flat_grad)``) and removes itself with
``set_strategy(None)``.
"""

from __future__ import annotations

from typing import Any

_STRATEGY: list = [None]


def set_strategy(strategy: Any) -> None:
    """Install ``strategy`` (or None for single-process training)."""
    _STRATEGY[0] = strategy


def get_strategy() -> Any:
    """The installed strategy, or None."""
    return _STRATEGY[0]


def shard_rows(order: Any) -> Any:
    """The rows of one epoch that this worker trains on (all of them without a strategy)."""
    strategy = _STRATEGY[0]
    return order if strategy is None else strategy.shard_rows(order)


def reduce_gradients(flat_grad: Any) -> None:
    """Combine the flat gradient buffer across workers, in place (nothing without a strategy)."""
    strategy = _STRATEGY[0]
    if strategy is not None:
        strategy.reduce_gradients(flat_grad)
