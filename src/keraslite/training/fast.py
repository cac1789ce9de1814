"""The fast path: a fixed execution plan for stacks of Dense layers.

For the models most courses train (Dense layers with linear, relu, sigmoid, tanh or softmax
activations, one of the four standard losses), ``fit`` skips graph recording: the plan runs
the forward pass into reused buffers, forms the loss gradient in closed form, and writes each
weight's gradient straight into the flat gradient buffer. It computes the same gradients as the
general tape path (a test checks this); anything it does not cover uses the tape path.
"""

from __future__ import annotations

from typing import Any

from keraslite import losses as losses_module
from keraslite.backend import epsilon, xp
from keraslite.layers.core import Dense
from keraslite.layers.input_layer import InputLayer
from keraslite.ops.nn import _FUSED, _sigmoid_inplace
from keraslite.training.flat import FlatParameters

_LOSS_KINDS = {
    losses_module.mean_squared_error: "mse",
    losses_module.binary_crossentropy: "bce",
    losses_module.categorical_crossentropy: "cce",
    losses_module.sparse_categorical_crossentropy: "scce",
}


def _loss_spec(fn: Any) -> tuple[str, bool] | None:
    """``(kind, from_logits)`` for a loss the plan can differentiate in closed form."""
    kwargs: dict = {}
    if isinstance(fn, losses_module.LossFunctionWrapper):
        if fn.reduction != "sum_over_batch_size":
            return None
        kwargs = dict(fn._fn_kwargs)
        fn = fn.fn
    kind = _LOSS_KINDS.get(fn) if callable(fn) else None
    if kind is None:
        return None
    from_logits = bool(kwargs.pop("from_logits", False))
    if kwargs.pop("label_smoothing", 0.0) or kwargs.pop("axis", -1) != -1 or \
            kwargs.pop("ignore_class", None) is not None or kwargs:
        return None
    return kind, from_logits


def _dense_layers(model: Any, training: bool = True) -> list[Dense] | None:
    from keraslite.models.functional import Functional
    from keraslite.models.sequential import Sequential

    if isinstance(model, Sequential):
        layers = model.layers
    elif isinstance(model, Functional):
        if len(model.inputs) != 1 or len(model.outputs) != 1:
            return None
        layers = [node.layer for node in model._nodes if not isinstance(node.layer, InputLayer)]
        if len(layers) != len(model._nodes) - 1 or any(
            len(node.input_tensors) != 1 or len(node.kwargs) for node in model._nodes[1:]
        ):
            return None
    else:
        return None
    for layer in layers:
        if type(layer) is not Dense or not layer._fused or not layer.built:
            return None
        if training and (layer.activity_regularizer is not None or not layer.trainable or
                         layer.kernel_regularizer is not None or layer.bias_regularizer is not None
                         or layer.kernel_constraint is not None or
                         layer.bias_constraint is not None):
            return None
    return layers or None


def predict_dense(model: Any, x: Any, batch_size: int, on_batch: Any = None) -> Any:
    """Predictions of a Dense stack in batches, written into one preallocated array.

    Returns None when ``model`` is not a plain Dense stack (``predict`` then uses the model's
    own call).
    """
    layers = _dense_layers(model, training=False)
    if layers is None or x.ndim != 2 or x.dtype != layers[0].kernel.value.dtype:
        return None
    n = len(x)
    out = xp.empty((n, layers[-1].units), x.dtype)
    stack = [(layer.kernel.value, None if layer.bias is None else layer.bias.value,
              _FUSED[layer._activation_name][0]) for layer in layers]
    for step, start in enumerate(range(0, max(n, 1), batch_size)):
        a = x[start:start + batch_size]
        for w, b, forward in stack:
            z = a @ w
            if b is not None:
                z += b
            a = forward(z)
        out[start:start + batch_size] = a
        if on_batch is not None:
            on_batch(step)
    return out


class DensePlan:
    """Forward and backward passes of a Dense stack, written out by hand."""

    def __init__(self, layers: list[Dense], kind: str, from_logits: bool,
                 params: FlatParameters) -> None:
        self.kind = kind
        self.from_logits = from_logits
        self.params = params
        index = {id(v): i for i, v in enumerate(params.variables)}
        self.layers = []
        for layer in layers:
            k, b = layer.kernel, layer.bias
            self.layers.append((k.value, None if b is None else b.value, layer._activation_name,
                                params.grad_views[index[id(k)]],
                                None if b is None else params.grad_views[index[id(b)]]))
        self.units = layers[-1].units
        self._buffers: dict = {}
        # sigmoid + binary cross-entropy: dL/dz = (p - t) / (n k) where p is not clipped
        self.fused_output = kind == "bce" and not from_logits and \
            layers[-1]._activation_name == "sigmoid"

    @classmethod
    def create(cls, model: Any, loss: Any, params: FlatParameters | None) -> DensePlan | None:
        """A plan for ``model`` trained on ``loss``, or None when the tape path is needed."""
        if params is None or model.losses:
            return None
        layers = _dense_layers(model)
        spec = _loss_spec(loss)
        if layers is None or spec is None:
            return None
        variables = [v for layer in layers for v in layer.trainable_weights]
        if [id(v) for v in variables] != list(params.key):
            return None
        return cls(layers, spec[0], spec[1], params)

    def targets(self, y: Any) -> Any:
        """``y`` in the form the loss gradient uses (one-hot for sparse labels), or None."""
        dtype = self.params.flat.dtype
        if self.kind == "scce":
            labels = y.reshape(len(y), -1)
            if labels.shape[1] != 1 or labels.dtype.kind not in "iuf":
                return None
            onehot = xp.zeros((len(y), self.units), dtype)
            onehot[xp.arange(len(y)), labels[:, 0].astype(xp.intp)] = 1
            return onehot
        if y.ndim == 1 and self.units == 1:
            y = y[:, None]
        if y.ndim != 2 or y.shape[1] != self.units:
            return None
        return y.astype(dtype, copy=False)

    def _buffer(self, name: str, i: int, shape: tuple) -> Any:
        """A work array reused from step to step (one per layer, role and batch size)."""
        key = (name, i, shape)
        buffer = self._buffers.get(key)
        if buffer is None:
            buffer = self._buffers[key] = xp.empty(shape, self.params.flat.dtype)
        return buffer

    def step(self, x: Any, t: Any, sample_weight: Any, pred_out: Any) -> None:
        """Forward and backward for one batch: gradients into the flat gradient buffer and the
        pre-update predictions into ``pred_out``. Activations, deltas and the loss gradient
        live in reused buffers, so a step in steady state allocates no arrays.
        """
        n = len(x)
        acts = [x]
        for i, (w, b, act, _, _) in enumerate(self.layers):
            z = xp.matmul(acts[-1], w, out=self._buffer("z", i, (n, w.shape[1])))
            if b is not None:
                z += b
            if act == "softmax":
                _softmax_into(z, self._buffer("row", i, (n, 1)))
            else:
                _FUSED[act][0](z)
            acts.append(z)
        p = acts[-1]
        pred_out[...] = p
        last = len(self.layers) - 1
        fused = self.fused_output
        g = self._output_delta(p, t, n) if fused else self._loss_gradient(p, t, n)
        if sample_weight is not None:
            g *= sample_weight.reshape(n, 1)
        for i in range(last, -1, -1):
            w, b, act, gw, gb = self.layers[i]
            if not (fused and i == last):
                _activation_backward(act, g, acts[i + 1], self._buffer("s", i, g.shape),
                                     self._buffer("row", i, (n, 1)))
            xp.matmul(acts[i].T, g, out=gw)
            if gb is not None:
                xp.add.reduce(g, axis=0, out=gb)
            if i:
                g = xp.matmul(g, w.T, out=self._buffer("g", i - 1, (n, w.shape[0])))

    def _inside(self, p: Any, low: float, high: float) -> Any:
        """The mask low <= p <= high, in a reused boolean buffer."""
        mask = self._flags("inside", p.shape)
        xp.greater_equal(p, low, out=mask)
        upper = self._flags("upper", p.shape)
        xp.less_equal(p, high, out=upper)
        mask &= upper
        return mask

    def _flags(self, name: str, shape: tuple) -> Any:
        key = (name, -1, shape)
        buffer = self._buffers.get(key)
        if buffer is None:
            buffer = self._buffers[key] = xp.empty(shape, bool)
        return buffer

    def _output_delta(self, p: Any, t: Any, n: int) -> Any:
        """dL/dz of a sigmoid output under binary cross-entropy, zero where p was clipped."""
        eps = epsilon()
        dz = xp.subtract(p, t, out=self._buffer("dloss", 0, p.shape))
        dz *= self._inside(p, eps, 1 - eps)
        dz *= 1.0 / (n * p.shape[1])
        return dz

    def _loss_gradient(self, p: Any, t: Any, n: int) -> Any:
        """dL/dp for the batch loss L = Σ_i l_i / n, where p is the model's output."""
        kind = self.kind
        g = self._buffer("dloss", 0, p.shape)
        if kind == "mse":
            xp.subtract(p, t, out=g)
            g *= 2.0 / (n * p.shape[1])
            return g
        if kind == "bce":
            scale = 1.0 / (n * p.shape[1])
            if self.from_logits:
                g[...] = p
                _sigmoid_inplace(g)
                g -= t
                g *= scale
                return g
            # (pc - t) / (pc (1 - pc)) where p lies inside [ε, 1 - ε], pc = clip(p, ε, 1 - ε)
            eps = epsilon()
            xp.clip(p, eps, 1 - eps, out=g)
            denominator = xp.subtract(1, g, out=self._buffer("work", 0, p.shape))
            denominator *= g
            g -= t
            g /= denominator
            g *= self._inside(p, eps, 1 - eps)
            g *= scale
            return g
        row = self._buffer("row", -1, (n, 1))
        if self.from_logits:
            g[...] = p
            _softmax_into(g, row)
            xp.add.reduce(t, axis=-1, keepdims=True, out=row)
            g *= row
            g -= t
            g *= 1.0 / n
            return g
        # Keras scales probabilities to sum to 1, clips to [ε, 1 - ε], then takes the log:
        # dq = -t / clip(q) inside the clip range, then back through q = p / Σp.
        eps = epsilon()
        total = xp.add.reduce(p, axis=-1, keepdims=True, out=self._buffer("total", 0, (n, 1)))
        q = xp.divide(p, total, out=self._buffer("work", 0, p.shape))
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


def _softmax_into(z: Any, row: Any) -> None:
    """Softmax over the last axis of ``z``, in place; ``row`` is an (n, 1) work array."""
    xp.maximum.reduce(z, axis=-1, keepdims=True, out=row)
    z -= row
    xp.exp(z, out=z)
    xp.add.reduce(z, axis=-1, keepdims=True, out=row)
    z /= row


def _activation_backward(act: str, g: Any, a: Any, work: Any, row: Any) -> None:
    """Multiply ``g`` in place by f'(z), read from the activation's output ``a``."""
    if act == "relu":
        xp.sign(a, out=work)
        g *= work
    elif act == "sigmoid":
        xp.subtract(1, a, out=work)
        work *= a
        g *= work
    elif act == "tanh":
        xp.multiply(a, a, out=work)
        xp.subtract(1, work, out=work)
        g *= work
    elif act == "softmax":
        xp.multiply(g, a, out=work)
        xp.add.reduce(work, axis=-1, keepdims=True, out=row)
        g -= row
        g *= a
