"""Epoch runners: how ``fit`` runs the steps of one epoch.

``TapeRunner`` is the general path: each step records the model's ops and backpropagates
through them. ``FastRunner`` runs a :class:`~keraslite.training.fast.DensePlan` instead, and
defers the bookkeeping: it keeps each batch's pre-update predictions and feeds the metrics
(and the loss tracker) in a few vectorized chunks, only when logs are asked for.
"""

from __future__ import annotations

from typing import Any

from keraslite.backend import xp
from keraslite.distribution import hooks as distribution_hooks
from keraslite.training.fast import DensePlan
from keraslite.training.flat import flat_parameters


def apply_gradients(model: Any, grads: list, variables: list) -> None:
    """Hand gradients to the optimizer, through the flat buffers when possible."""
    params = None
    if all(g is not None for g in grads):
        params = flat_parameters(model, variables)
    if params is None:
        grads = distribution_hooks.reduce_arrays(grads)  # DISTRIBUTION HOOK: allreduce
        model.optimizer.apply_arrays(grads, variables)
        return
    for view, g in zip(params.grad_views, grads):
        view[...] = g
    distribution_hooks.reduce_gradients(params.grad)  # DISTRIBUTION HOOK: gradient allreduce
    model.optimizer.apply_flat(params.grad, params.flat, params.variables, params.grad_views)


# Arrays up to this size are shuffled with one gather per epoch; larger ones per batch, so that
# a shuffled copy of a large x (mlp-large: 180 MiB) is never held next to the original.
GATHER_ONCE_BYTES = 16 * 2**20


class Shuffled:
    """One epoch's view of ``array`` in the order ``order`` (None: as it is), sliced by batch.

    With ``buffers`` (a dict kept across epochs), a batch gathered from a large array is written
    into a reused array: the batch is then only valid until the next one is taken.
    """

    __slots__ = ("array", "order", "buffers")

    def __init__(self, array: Any, order: Any, buffers: dict | None = None) -> None:
        if order is not None and array.nbytes <= GATHER_ONCE_BYTES:
            array, order = array[order], None
        self.array, self.order, self.buffers = array, order, buffers

    def __getitem__(self, sl: slice) -> Any:
        if self.order is None:
            return self.array[sl]
        rows = self.order[sl]
        if self.buffers is None:
            return self.array[rows]
        key = (id(self.array), len(rows))
        out = self.buffers.get(key)
        if out is None:
            out = self.buffers[key] = xp.empty((len(rows),) + self.array.shape[1:],
                                               self.array.dtype)
        # mode="clip" (the rows are valid indices) writes straight into `out`, unbuffered
        return xp.take(self.array, rows, axis=0, out=out, mode="clip")


class TapeRunner:
    """The general path: record, backpropagate, update, track metrics, batch by batch."""

    def __init__(self, model: Any, xs: list, kind: str, ys: list, sws: list) -> None:
        self.model, self.xs, self.kind, self.ys, self.sws = model, xs, kind, ys, sws
        self.variables = model.trainable_variables

    def begin_epoch(self, order: Any) -> None:
        self.ex = [Shuffled(a, order) for a in self.xs]
        self.ey = [Shuffled(a, order) for a in self.ys]
        self.ew = [Shuffled(a, order) for a in self.sws]

    def train(self, sl: slice) -> None:
        xb = self.model._pack([a[sl] for a in self.ex], self.kind)
        self.model._train_batch(xb, [a[sl] for a in self.ey], [a[sl] for a in self.ew],
                                self.variables)

    def logs(self) -> dict:
        return self.model._logs()

    end_epoch = logs


class FastRunner:
    """Steps through a :class:`DensePlan`; metrics are computed from stored predictions."""

    def __init__(self, model: Any, plan: DensePlan, x: Any, targets: Any, y: Any,
                 sw: Any) -> None:
        self.model, self.plan = model, plan
        self.x, self.t, self.y, self.sw = x, targets, y, sw
        self.params = plan.params
        self.optimizer = model.optimizer
        self.loss = model._compiled_loss.fns[0]
        n = len(x)
        self.pred = xp.empty((n, plan.units), plan.params.flat.dtype)
        self._batch_buffers: dict = {}

    @classmethod
    def create(cls, model: Any, xs: list, kind: str, ys: list, sws: list,
               steps_per_epoch: Any) -> FastRunner | None:
        if getattr(model, "run_eagerly", False) or model._custom("train") or \
                steps_per_epoch is not None or \
                len(xs) != 1 or len(ys) != 1 or kind == "list" \
                or model._compiled_metrics is None or len(model._compiled_loss.fns) != 1 \
                or model._compiled_loss.weights != [1.0]:
            return None
        variables = model.trainable_variables
        plan = DensePlan.create(model, model._compiled_loss.fns[0],
                                flat_parameters(model, variables))
        if plan is None or xs[0].ndim != 2 or xs[0].dtype != plan.params.flat.dtype:
            return None
        targets = plan.targets(ys[0])
        if targets is None:
            return None
        return cls(model, plan, xs[0], targets, ys[0], sws[0] if sws else None)

    def begin_epoch(self, order: Any) -> None:
        # x, targets and weights of a batch are read only within its step: reused buffers
        step_only = self._batch_buffers
        self.ex, self.et = Shuffled(self.x, order, step_only), Shuffled(self.t, order, step_only)
        self.ey = Shuffled(self.y, order)
        self.ew = None if self.sw is None else Shuffled(self.sw, order, step_only)
        self.done = 0
        self.absorbed = 0

    def train(self, sl: slice) -> None:
        params = self.params
        self.plan.step(self.ex[sl], self.et[sl], None if self.ew is None else self.ew[sl],
                       self.pred[sl])
        distribution_hooks.reduce_gradients(params.grad)  # DISTRIBUTION HOOK: gradient allreduce
        self.optimizer.apply_flat(params.grad, params.flat, params.variables,
                                  params.grad_views)
        self.done = sl.stop

    def _absorb(self) -> None:
        """Feed the loss tracker and metrics with the predictions made since the last call."""
        lo, hi = self.absorbed, self.done
        if hi <= lo:
            return
        model = self.model
        y, p = self.ey[lo:hi], self.pred[lo:hi]
        w = None if self.ew is None else self.ew[lo:hi]
        loss = self.loss
        values = (loss.call(y, p) if hasattr(loss, "call") else loss(y, p)).value
        if w is not None:
            values = values * w.reshape(w.shape + (1,) * (values.ndim - w.ndim))
        model._loss_tracker.update_state(values)
        model._compiled_metrics.update([y], [p], [w])
        self.absorbed = hi

    def logs(self) -> dict:
        self._absorb()
        return self.model._logs()

    end_epoch = logs
