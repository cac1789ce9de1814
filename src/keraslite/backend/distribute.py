"""The points where data-parallel training plugs into the training code (all no-ops here).

The training code calls these functions and nothing of a distribution package; a strategy
(``keraslite.distribution.DataParallel`` installs one per MPI rank) implements them. Without a
strategy each one returns its argument or does nothing, for one dictionary look-up.

Training (the one epoch loop, :func:`keraslite.training.iterators.fit`, and the engine):

- :func:`start`: after ``compile``, before the first step of ``fit`` (and of ``evaluate`` /
  ``predict``): a worker takes the first worker's weights (a broadcast).
- :func:`shard_rows`: the array source calls it with each epoch's order of the sample rows (a
  permutation, or ``arange(n)`` without shuffling); a worker returns the rows it reads (the
  MPI strategy: the first worker's order, every row, so every worker reads every global batch).
- :func:`same_order`: a PyDataset's batch order of a pass, the same on every worker.
- :func:`train_function`: wraps the fit's train step (``f(xs, kind, ys, sws)``) once per fit;
  a worker's wrapper trains on its share of each global batch (``batch_size`` stays the
  global batch), or takes an empty step that still joins the gradient all-reduce.
- :func:`shard_batch`: a worker's share of one batch of validation / evaluation.
- :func:`reduce_gradients`: the engine calls it once per step, after the gradients of the
  batch landed in the flat gradient buffer and before the optimizer's update; a worker
  replaces the buffer's contents in place by the weighted mean over the workers.
- :func:`reduce_arrays`: the same for a list of gradient arrays (``Optimizer.apply``, as a
  custom ``train_step`` or a GradientTape loop calls it; the tape step's partial path).
- :func:`global_logs`: the logs of the metrics over all workers (per batch, per epoch).
- :func:`end_fit`: in ``fit``'s ``finally``: later steps (``train_on_batch``) weigh 1/N again.

Evaluation and prediction on arrays: :func:`split_rows` (a worker's block of rows) and
:func:`gather_rows` (every worker's predictions, in order). Output: :func:`chief_verbose`
(only the first worker prints) and :func:`is_chief` (only it writes files). Layers:
:func:`synchronized_normalize` (``BatchNormalization(synchronized=True)``).

A strategy installs itself with :func:`set_strategy` and is removed with ``set_strategy(None)``.
A strategy need only implement ``shard_rows(order)`` and ``reduce_gradients(flat_grad)``; the
other hooks are skipped for one that lacks them.
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


def _method(name: str) -> Any:
    """The strategy's method ``name``, or None (no strategy, or one without that hook)."""
    strategy = _STRATEGY[0]
    return None if strategy is None else getattr(strategy, name, None)


def start(model: Any) -> None:
    """Before fit / evaluate / predict: every worker takes the first worker's weights."""
    fn = _method("start")
    if fn is not None:
        fn(model)


def shard_rows(order: Any) -> Any:
    """The rows of one epoch that this worker reads (all of them without a strategy)."""
    strategy = _STRATEGY[0]
    return order if strategy is None else strategy.shard_rows(order)


def same_order(order: Any) -> Any:
    """A shuffled order (of a PyDataset's batches), the first worker's on every worker."""
    fn = _method("same_order")
    return order if fn is None else fn(order)


def train_function(model: Any, train: Any) -> Any:
    """The train step ``train(xs, kind, ys, sws)`` a fit calls per batch (``train`` itself
    without a strategy; a worker's wrapper trains on its share of the batch).
    """
    fn = _method("train_function")
    return train if fn is None else fn(model, train)


def shard_batch(xs: list, ys: list, sws: list) -> tuple[list, list, list]:
    """The share of this worker of a batch to evaluate (maybe no rows: the caller skips it)."""
    fn = _method("shard_batch")
    return (xs, ys, sws) if fn is None else fn(xs, ys, sws)


def reduce_gradients(flat_grad: Any) -> None:
    """Combine the flat gradient buffer across workers, in place (nothing without a strategy)."""
    strategy = _STRATEGY[0]
    if strategy is not None:
        strategy.reduce_gradients(flat_grad)


def reduce_arrays(grads: list) -> list:
    """Combine a list of gradient arrays (None entries stay None); returns the list to use."""
    fn = _method("reduce_arrays")
    return grads if fn is None else fn(grads)


def global_logs(model: Any, logs: dict) -> dict:
    """The logs of ``model``'s metrics over all workers (``logs`` without a strategy)."""
    fn = _method("global_logs")
    return logs if fn is None else fn(model, logs)


def end_fit() -> None:
    """At the end of ``fit`` (also when it fails)."""
    fn = _method("end_fit")
    if fn is not None:
        fn()


def split_rows(arrays: list) -> list:
    """The contiguous block of rows of this worker, of each array (evaluate, predict)."""
    fn = _method("split_rows")
    return arrays if fn is None else fn(arrays)


def gather_rows(out: Any, rows: int) -> Any:
    """Every worker's block of predictions (``rows`` in all), in order, on every worker."""
    fn = _method("gather_rows")
    return out if fn is None else fn(out, rows)


def chief_verbose(verbose: int) -> int:
    """``verbose`` on the first worker, 0 on the others: one progress bar for the run."""
    strategy = _STRATEGY[0]
    return verbose if strategy is None or getattr(strategy, "is_chief", True) else 0


def is_chief() -> bool:
    """Whether this process writes files (the first worker, or the only process)."""
    strategy = _STRATEGY[0]
    return strategy is None or getattr(strategy, "is_chief", True)


def synchronized_normalize(x: Any, axes: tuple, scale: Any, offset: Any, epsilon: float,
                           param_shape: tuple) -> tuple | None:
    """``(y, mean, variance)`` of batch normalization over the whole global batch, or None
    (no strategy: the layer normalizes its own batch).
    """
    fn = _method("synchronized_normalize")
    return None if fn is None else fn(x, axes, scale, offset, epsilon, param_shape)
