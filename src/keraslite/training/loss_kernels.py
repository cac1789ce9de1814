"""Closed-form loss gradients for the engine: dL/dp of the four standard losses, in buffers.

For L = Σ_i w_i l_i / n (Keras' ``sum_over_batch_size``) of mean squared error, binary,
categorical and sparse categorical cross-entropy (probabilities or logits), the gradient with
respect to the model's output p is formed without recording a graph. It equals the tape's
(the VJPs of :mod:`keraslite.ops.nn`; tested). Other losses run on the tape.
"""

from __future__ import annotations

from typing import Any

from keraslite import losses as losses_module
from keraslite.backend import epsilon, xp
from keraslite.layers.kernels import Buffers
from keraslite.ops.nn import sigmoid_inplace, softmax_inplace

_LOSS_KINDS = {
    losses_module.mean_squared_error: "mse",
    losses_module.binary_crossentropy: "bce",
    losses_module.categorical_crossentropy: "cce",
    losses_module.sparse_categorical_crossentropy: "scce",
}


def loss_spec(fn: Any) -> tuple[str, bool] | None:
    """``(kind, from_logits)`` for a loss with a closed-form kernel, else None."""
    if not isinstance(fn, losses_module.LossFunctionWrapper) or \
            fn.reduction != "sum_over_batch_size" or \
            type(fn).call is not losses_module.LossFunctionWrapper.call:
        return None
    kwargs = dict(fn._fn_kwargs)
    kind = _LOSS_KINDS.get(fn.fn) if callable(fn.fn) else None
    if kind is None:
        return None
    from_logits = bool(kwargs.pop("from_logits", False))
    if kwargs.pop("label_smoothing", 0.0) or kwargs.pop("axis", -1) != -1 or \
            kwargs.pop("ignore_class", None) is not None or kwargs:
        return None
    return kind, from_logits


class LossKernel:
    """The gradient of one standard loss w.r.t. a 2-D output."""

    def __init__(self, kind: str, from_logits: bool) -> None:
        self.kind, self.from_logits = kind, from_logits
        self.buffers = Buffers()
        self.flags: dict = {}
        self.deltas: dict = {}

    @classmethod
    def create(cls, fn: Any) -> LossKernel | None:
        spec = loss_spec(fn)
        return None if spec is None else cls(spec[0], spec[1])

    def fuses(self, activation: str | None) -> bool:
        """Whether dL/dz of an output layer with this activation is formed directly
        (:meth:`delta`): sigmoid with binary, softmax with (sparse) categorical cross-entropy.
        """
        if self.from_logits:
            return False
        return (activation == "sigmoid" and self.kind == "bce") or \
            (activation == "softmax" and self.kind in ("cce", "scce"))

    def delta(self, p: Any, t: Any) -> Any:
        """dL/dz of the output p = f(z) (see :meth:`fuses`), or None where the closed form
        does not hold this step (then :meth:`gradient` and the activation's backward run).
        """
        if self.kind == "bce":
            return self.sigmoid_delta(p, t)
        return self.softmax_delta(p, t)

    def softmax_delta(self, p: Any, t: Any) -> Any:
        """dL/dz of a softmax output p under categorical cross-entropy: (T p - t) / n with
        T = Σ_j t_j per row, or None when a target's probability was clipped.

        Keras' loss reads q = p / Σp clipped to [ε, 1 - ε]; where every q_j with t_j ≠ 0
        lies inside, dL/dq = -t / q and the chain through q = p / Σp (Σp = 1) and the softmax
        collapses to (T p - t) / n. A clipped q_j (a confident output) has no gradient on the
        tape: that step takes the unfused path, with the same numbers as the tape.
        """
        n = p.shape[0]
        buffers = self.buffers
        eps = epsilon()
        total = xp.add.reduce(p, axis=-1, keepdims=True, out=buffers.get("total", (n, 1),
                                                                         p.dtype))
        q = xp.divide(p, total, out=buffers.get("work", p.shape, p.dtype))
        outside = xp.logical_not(self._inside(q, eps, 1 - eps), out=self._flags(p.shape)[1])
        outside &= xp.not_equal(t, 0, out=buffers.get("targeted", p.shape, bool))
        if outside.any():
            return None
        dz = buffers.get("dloss", p.shape, p.dtype)
        row = xp.add.reduce(t, axis=-1, keepdims=True, out=buffers.get("row", (n, 1), p.dtype))
        xp.multiply(p, row, out=dz)
        dz -= t
        dz *= 1.0 / n
        return dz

    def targets(self, y: Any, p: Any) -> Any:
        """``y`` as the gradient w.r.t. the 2-D output ``p`` uses it (one-hot for sparse
        labels), or None if the kernel cannot read it.
        """
        n, units = p.shape
        dtype = p.dtype
        if y.shape[0] != n:
            return None
        if self.kind == "scce":
            labels = y.reshape(n, -1)
            if labels.shape[1] != 1 or labels.dtype.kind not in "iuf":
                return None
            onehot = self.buffers.get("onehot", (n, units), dtype)
            onehot[...] = 0
            onehot[xp.arange(n), labels[:, 0].astype(xp.intp)] = 1
            return onehot
        if y.ndim == 1 and units == 1:
            y = y.reshape(n, 1)
        if y.ndim != 2 or y.shape[1] != units:
            return None
        return y if y.dtype == dtype else y.astype(dtype)

    def _inside(self, p: Any, low: float, high: float) -> Any:
        """The mask low <= p <= high, in a reused boolean buffer."""
        mask, upper = self._flags(p.shape)
        xp.greater_equal(p, low, out=mask)
        xp.less_equal(p, high, out=upper)
        mask &= upper
        return mask

    def _flags(self, shape: tuple) -> tuple:
        flags = self.flags.get(shape)
        if flags is None:
            flags = self.flags[shape] = (xp.empty(shape, bool), xp.empty(shape, bool))
        return flags

    def sigmoid_delta(self, p: Any, t: Any) -> Any:
        """dL/dz of a sigmoid output p under binary cross-entropy, zero where p was clipped."""
        eps = epsilon()
        dz = self.deltas.get((p.shape, p.dtype))
        if dz is None:
            dz = self.deltas[(p.shape, p.dtype)] = xp.empty(p.shape, p.dtype)
        xp.subtract(p, t, out=dz)
        dz *= self._inside(p, eps, 1 - eps)
        dz *= 1.0 / (p.shape[0] * p.shape[1])
        return dz

    def gradient(self, p: Any, t: Any) -> Any:
        """dL/dp for the batch loss L = Σ_i l_i / n, where p is the model's output."""
        kind = self.kind
        n = p.shape[0]
        buffers = self.buffers
        g = buffers.get("dloss", p.shape, p.dtype)
        if kind == "mse":
            xp.subtract(p, t, out=g)
            g *= 2.0 / (n * p.shape[1])
            return g
        if kind == "bce":
            scale = 1.0 / (n * p.shape[1])
            if self.from_logits:
                g[...] = p
                sigmoid_inplace(g)
                g -= t
                g *= scale
                return g
            # (pc - t) / (pc (1 - pc)) where p lies inside [ε, 1 - ε], pc = clip(p, ε, 1 - ε)
            eps = epsilon()
            xp.clip(p, eps, 1 - eps, out=g)
            denominator = xp.subtract(1, g, out=buffers.get("work", p.shape, p.dtype))
            denominator *= g
            g -= t
            g /= denominator
            g *= self._inside(p, eps, 1 - eps)
            g *= scale
            return g
        row = buffers.get("row", (n, 1), p.dtype)
        if self.from_logits:
            g[...] = p
            softmax_inplace(g, row)
            xp.add.reduce(t, axis=-1, keepdims=True, out=row)
            g *= row
            g -= t
            g *= 1.0 / n
            return g
        # Keras scales probabilities to sum to 1, clips to [ε, 1 - ε], then takes the log:
        # dq = -t / clip(q) inside the clip range, then back through q = p / Σp.
        eps = epsilon()
        total = xp.add.reduce(p, axis=-1, keepdims=True, out=buffers.get("total", (n, 1),
                                                                         p.dtype))
        q = xp.divide(p, total, out=buffers.get("work", p.shape, p.dtype))
        xp.clip(q, eps, 1 - eps, out=g)
        xp.divide(t, g, out=g)
        xp.negative(g, out=g)
        g *= self._inside(q, eps, 1 - eps)
        g *= 1.0 / n
        q *= g
        xp.add.reduce(q, axis=-1, keepdims=True, out=row)
        g -= row
        g /= total
        return g
