"""What one rank does in data-parallel training: the strategy behind the hook points of
:mod:`keraslite.backend.distribute`.

Every rank holds the whole model and the whole data set. ``fit`` cuts each global batch of
``m`` rows into ``N`` contiguous shards (rank r takes rows ``⌊r·m/N⌋ .. ⌊(r+1)·m/N⌋``), so a
rank's shard has ``n_r`` rows and the shards of one step together are exactly the batch that a
single process would use. Each rank computes the gradient of its shard's mean loss, g_r, and
one allreduce forms

    g = Σ_r (n_r / m) · g_r

which is the gradient of the batch's mean loss (regularization terms, being added on every
rank, come out once: Σ_r n_r/m = 1). A rank whose shard is empty (a last batch smaller than N)
contributes zeros and still takes part in the allreduce and the optimizer update, so every
rank's weights stay identical. Metrics are sums of per-row terms; their states are summed over
the ranks (in rank order, so each rank computes bit-identical logs) before results are read.
"""

from __future__ import annotations

from typing import Any

import numpy

from keraslite.distribution.comm import World
from keraslite.distribution.sync_bn import synchronized_normalize
from keraslite.training.flat import flat_parameters


def shard_bounds(rows: int, size: int) -> list[int]:
    """Where each rank's share of ``rows`` starts: ``bounds[r]:bounds[r + 1]`` is rank r's."""
    return [r * rows // size for r in range(size + 1)]


class Worker:
    """One rank of a data-parallel run (``size > 1``)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rank, self.size = world.rank, world.size
        self.is_chief = self.rank == 0
        self.weight = 1.0 / self.size  # this rank's share of the next gradient (n_r / m)
        self.empty = False
        self._slices: list = []
        self._weights: list = []

    # -- start of fit: one model everywhere --------------------------------------------------
    def broadcast_weights(self, model: Any) -> None:
        """Give every rank rank 0's weights (trainable and not): one packed broadcast."""
        values = [v.value for v in model.weights]
        if not values:
            return
        packed = numpy.concatenate([numpy.asarray(v, numpy.float64).reshape(-1) for v in values])
        self.world.broadcast(packed, "broadcasting rank 0's initial weights")
        start = 0
        for v in values:
            v[...] = packed[start:start + v.size].reshape(v.shape)
            start += v.size

    def start(self, model: Any) -> None:
        """Hook ``start``: rank 0's weights on every rank."""
        self.broadcast_weights(model)

    # -- sharding (hooks: where the epoch orders its rows, where each batch is trained) -------
    def shard_rows(self, order: Any) -> Any:
        """Hook ``shard_rows``: rank 0's row order of the epoch, all of it (every rank reads
        every global batch, then trains on its share of it: :meth:`train_function`).
        """
        return self.same_order(order)

    def same_order(self, order: Any) -> Any:
        """Rank 0's ``order`` (an integer array, the same length everywhere) on every rank."""
        return self.world.broadcast(numpy.ascontiguousarray(order, numpy.int64),
                                    "sharing the epoch's shuffle")

    def train_function(self, model: Any, train: Any) -> Any:
        """Hook ``train_function``: ``train`` on this rank's share of each global batch; a rank
        whose share is empty (a last batch with fewer rows than ranks) takes an empty step.
        """

        def step(xs: list, kind: str, ys: list, sws: list) -> None:
            xs, ys, sws = self.shard_batch(xs, ys, sws)
            if self.empty:
                self.empty_step(model)
            else:
                train(xs, kind, ys, sws)

        return step

    def shard_batch(self, xs: list, ys: list, sws: list) -> tuple[list, list, list]:
        """The rows of one ready-made batch (generator, PyDataset) that this rank trains on;
        sets the gradient share ``n_r / m`` (every rank reads the same batch).
        """
        m = xs[0].shape[0]
        bounds = shard_bounds(m, self.size)
        lo, hi = bounds[self.rank], bounds[self.rank + 1]
        self.weight, self.empty = ((hi - lo) / m if m else 0.0), hi == lo
        return [a[lo:hi] for a in xs], [a[lo:hi] for a in ys], [a[lo:hi] for a in sws]

    def end_fit(self) -> None:
        self.weight, self.empty = 1.0 / self.size, False

    def split_rows(self, arrays: list) -> list:
        """The contiguous block (of this rank) of rows of each array (evaluate, predict)."""
        if not arrays:
            return arrays
        bounds = shard_bounds(arrays[0].shape[0], self.size)
        return [a[bounds[self.rank]:bounds[self.rank + 1]] for a in arrays]

    def gather_rows(self, out: Any, n: int) -> Any:
        """Every rank's block of predictions, concatenated in order (on every rank)."""
        bounds = shard_bounds(n, self.size)
        counts = [bounds[r + 1] - bounds[r] for r in range(self.size)]
        if isinstance(out, (list, tuple)):
            return [self.world.allgather_rows(o, counts) for o in out]
        if isinstance(out, dict):
            return {k: self.world.allgather_rows(v, counts) for k, v in out.items()}
        return self.world.allgather_rows(out, counts)

    # -- gradients (hook: after the flat gradient buffer is filled, before the update) --------
    def reduce_gradients(self, flat: Any) -> None:
        """``flat ← Σ_r (n_r / m) · flat_r``, with one allreduce."""
        if self.empty:
            flat[...] = 0
        elif self.weight != 1.0:
            flat *= self.weight
        self.world.allreduce_sum(flat)

    def reduce_arrays(self, grads: list) -> list:
        """The same for a list of gradient arrays (None entries stay None)."""
        present = [g for g in grads if g is not None]
        if not present:
            return grads
        packed = numpy.concatenate([numpy.asarray(g).reshape(-1) for g in present])
        self.reduce_gradients(packed)
        out, start = [], 0
        for g in grads:
            if g is None:
                out.append(None)
                continue
            out.append(packed[start:start + g.size].reshape(g.shape).astype(g.dtype, copy=False))
            start += g.size
        return out

    def empty_step(self, model: Any) -> None:
        """A step on an empty shard: zero gradients into the allreduce, then the update (with
        the gradient of the other ranks' rows, so that every rank's weights stay the same).
        """
        if model._custom("train"):
            raise ValueError(
                "A data-parallel step gave this rank no rows (the batch has fewer rows than "
                f"there are ranks, {self.size}), and an overridden train_step cannot be skipped "
                "safely. Choose batch_size and the data size so that every batch has at least "
                f"{self.size} rows. Received: an empty shard at rank {self.rank}"
            )
        if any(getattr(layer, "synchronized", False) for layer in model._flat_layers()):
            raise ValueError(
                "A data-parallel step gave this rank no rows (the batch has fewer rows than "
                f"there are ranks, {self.size}), and BatchNormalization(synchronized=True) "
                "needs every rank in its forward pass. Choose batch_size and the data size so "
                f"that every batch has at least {self.size} rows. Received: an empty shard at "
                f"rank {self.rank}"
            )

        variables = model.trainable_variables
        params = flat_parameters(model, variables) if variables else None
        if params is None:
            grads = self.reduce_arrays([numpy.zeros(v.shape, v.value.dtype) for v in variables])
            model.optimizer.apply_arrays(grads, variables)
            return
        self.reduce_gradients(params.grad)  # empty: zeros in, the others' mean out
        model.optimizer.apply_flat(params.grad, params.flat, params.variables, params.grad_views)

    def synchronized_normalize(self, x: Any, axes: tuple, scale: Any, offset: Any,
                               epsilon: float, param_shape: tuple) -> tuple:
        """Hook ``synchronized_normalize``: batch statistics of the whole global batch."""
        return synchronized_normalize(self, x, axes, scale, offset, epsilon, param_shape)

    # -- metrics (hook: where logs are read at the end of an epoch / evaluation) --------------
    def global_logs(self, model: Any, local_logs: dict) -> dict:
        """The logs over all ranks: metric states summed, results read, local states restored.

        Logs that an overridden step returned without matching metric names are averaged.
        """
        metrics = model.metrics
        saved = [_get_state(m) for m in metrics]
        flat = [numpy.asarray(s, numpy.float64).reshape(-1) for state in saved for s in state]
        header = numpy.array([len(flat), sum(f.size for f in flat)], numpy.float64)
        packed = numpy.concatenate([header] + flat)
        sizes = self.world.allgather(numpy.array([packed.size], numpy.float64),
                                     "comparing metric states")
        if len(set(sizes[:, 0].tolist())) != 1:
            raise ValueError(
                "The ranks hold differently shaped metric states, so the logs cannot be summed "
                "over ranks (a metric that builds its state on first use saw no rows on some "
                f"rank). Received: state sizes {sizes[:, 0].astype(int).tolist()} per rank"
            )
        rows = self.world.allgather(packed, "summing the metrics over ranks")
        total = rows[0].copy()
        for row in rows[1:]:
            total += row  # in rank order on every rank: bit-identical logs everywhere
        step_logs = model._step_logs
        at = 2
        try:
            for metric, state in zip(metrics, saved):
                summed = []
                for s in state:
                    size = numpy.asarray(s).size
                    summed.append(total[at:at + size])
                    at += size
                _set_state(metric, state, summed)
            if step_logs is None:
                return model._logs()
            if set(step_logs) <= {m.name for m in metrics}:
                model._step_logs = None  # read the summed metrics, in the step's key order
                results = model._logs()
                return {k: results[k] for k in step_logs}
            return self._averaged(step_logs)
        finally:
            model._step_logs = step_logs
            for metric, state in zip(metrics, saved):
                _set_state(metric, state, state)

    def _averaged(self, logs: dict) -> dict:
        keys = list(logs)
        values = [numpy.asarray(logs[k], numpy.float64).reshape(-1) for k in keys]
        rows = self.world.allgather(numpy.concatenate(values), "averaging the step logs")
        mean = rows.sum(axis=0) / self.size
        out, at = {}, 0
        for k, v in zip(keys, values):
            out[k] = float(mean[at]) if v.size == 1 else mean[at:at + v.size].copy()
            at += v.size
        return out


def _get_state(metric: Any) -> list:
    """A metric's state as a list of arrays or floats (variables' values, or ``_state``)."""
    variables = metric.__dict__.get("_variables")
    if variables:
        return [v.value.copy() for v in variables]
    return [getattr(metric, name) for name in getattr(metric, "_state", ())
            if getattr(metric, name, None) is not None]


def _set_state(metric: Any, like: list, values: list) -> None:
    variables = metric.__dict__.get("_variables")
    if variables:
        for v, old, new in zip(variables, like, values):
            v.value[...] = numpy.asarray(new).reshape(old.shape).astype(old.dtype)
        return
    names = [n for n in getattr(metric, "_state", ()) if getattr(metric, n, None) is not None]
    for name, old, new in zip(names, like, values):
        if isinstance(old, numpy.ndarray):
            value = numpy.asarray(new).reshape(old.shape).astype(old.dtype)
        elif isinstance(old, (int, numpy.integer)) and not isinstance(old, bool):
            value = type(old)(round(float(numpy.asarray(new).reshape(-1)[0])))
        else:
            value = type(old)(numpy.asarray(new).reshape(-1)[0])
        setattr(metric, name, value)
