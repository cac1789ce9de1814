"""Plan kernels: forward and backward passes of common layers, written into reused buffers.

The training engine (:mod:`keraslite.training.engine`) replays a model as a list of kernels.
A layer offers one through ``Layer.plan_kernel(training)``; a layer that returns None (the
default) runs on the tape instead, with the same numbers. The protocol a kernel follows:

- ``variables``: the layer's variables whose gradients ``backward`` writes, in order.
- ``forward(x, training) -> y``: ``x`` one input array (batch first); ``y`` may live in a
  buffer of the kernel, valid until its next ``forward``. State updates (moving statistics)
  and randomness (dropout masks, drawn from the layer's generator as its ``call`` draws them)
  happen here.
- ``backward(g, grads, need_input) -> gx``: ``g`` the gradient of the loss w.r.t. ``y``;
  ``grads`` one writable array (a view into the flat gradient buffer) or None per variable,
  to be overwritten (not accumulated); returns the gradient w.r.t. ``x`` (None when
  ``need_input`` is false). It may overwrite ``g``.
- optional ``output_activation`` (``"sigmoid"``) and ``backward(..., through_activation=False)``:
  the engine then hands ``g`` as the gradient w.r.t. the pre-activation (a fused sigmoid and
  binary cross-entropy).

The math of each kernel is that of the ops its layer's ``call`` composes (see their VJPs).
"""

from __future__ import annotations

from typing import Any

from keraslite.backend import xp


class Buffers:
    """Work arrays reused from step to step, one per role and shape."""

    def __init__(self) -> None:
        self._arrays: dict = {}

    def get(self, role: str, shape: tuple, dtype: Any) -> Any:
        key = (role, shape, dtype)
        array = self._arrays.get(key)
        if array is None:
            array = self._arrays[key] = xp.empty(shape, dtype)
        return array


def sigmoid_inplace(z: Any) -> Any:
    """σ(z) = (1 + tanh(z / 2)) / 2, in place: no overflow and no temporaries."""
    z *= 0.5
    xp.tanh(z, out=z)
    z *= 0.5
    z += 0.5
    return z


def softmax_inplace(z: Any, row: Any) -> Any:
    """Softmax over the last axis of ``z``, in place; ``row`` is an (n, 1) work array."""
    xp.maximum.reduce(z, axis=-1, keepdims=True, out=row)
    z -= row
    xp.exp(z, out=z)
    xp.add.reduce(z, axis=-1, keepdims=True, out=row)
    z /= row
    return z


# Activations whose derivative is read from their output a:  g ← g · f'(z).
def _relu_back(g: Any, a: Any, work: Any, row: Any) -> None:
    xp.greater(a, 0, out=work)
    g *= work


def _sigmoid_back(g: Any, a: Any, work: Any, row: Any) -> None:
    xp.subtract(1, a, out=work)
    work *= a
    g *= work


def _tanh_back(g: Any, a: Any, work: Any, row: Any) -> None:
    xp.multiply(a, a, out=work)
    xp.subtract(1, work, out=work)
    g *= work


def _softmax_back(g: Any, a: Any, work: Any, row: Any) -> None:
    xp.multiply(g, a, out=work)
    xp.add.reduce(work, axis=-1, keepdims=True, out=row)
    g -= row
    g *= a


ACTIVATIONS = {
    "linear": (lambda z, row: z, None),
    "relu": (lambda z, row: xp.maximum(z, 0, out=z), _relu_back),
    "sigmoid": (lambda z, row: sigmoid_inplace(z), _sigmoid_back),
    "tanh": (lambda z, row: xp.tanh(z, out=z), _tanh_back),
    "softmax": (softmax_inplace, _softmax_back),
}


class DenseKernel:
    """a = f(x W + b) for a 2-D x, f one of :data:`ACTIVATIONS`.

    Backward, with gz = g ⊙ f'(z):  dW = xᵀ gz,  db = Σ gz,  dx = gz Wᵀ.
    """

    def __init__(self, layer: Any) -> None:
        self.kernel, self.bias = layer.kernel, layer.bias
        self.variables = [layer.kernel] + ([] if layer.bias is None else [layer.bias])
        self.output_activation = layer._activation_name
        self.act_forward, self.act_backward = ACTIVATIONS[self.output_activation]
        self.buffers = Buffers()

    def forward(self, x: Any, training: bool) -> Any:
        w = self.kernel.value
        self.shape = x.shape
        if x.ndim != 2:  # over the last axis: (..., d) as (rows, d)
            x = x.reshape(-1, x.shape[-1])
        n = x.shape[0]
        buffers = self.buffers
        z = xp.matmul(x, w, out=buffers.get("z", (n, w.shape[1]), w.dtype))
        if self.bias is not None:
            z += self.bias.value
        self.x, self.a = x, self.act_forward(z, buffers.get("row", (n, 1), w.dtype))
        if len(self.shape) != 2:
            return self.a.reshape(self.shape[:-1] + (w.shape[1],))
        return self.a

    def backward(self, g: Any, grads: list, need_input: bool,
                 through_activation: bool = True) -> Any:
        a = self.a
        g = g.reshape(a.shape)
        if through_activation and self.act_backward is not None:
            buffers = self.buffers
            self.act_backward(g, a, buffers.get("work", a.shape, a.dtype),
                              buffers.get("row", (a.shape[0], 1), a.dtype))
        if grads[0] is not None:
            xp.matmul(self.x.T, g, out=grads[0])
        if self.bias is not None and grads[1] is not None:
            xp.add.reduce(g, axis=0, out=grads[1])
        if not need_input:
            return None
        w = self.kernel.value
        gx = xp.matmul(g, w.T, out=self.buffers.get("gx", (g.shape[0], w.shape[0]), w.dtype))
        return gx if len(self.shape) == 2 else gx.reshape(self.shape)


class DropoutKernel:
    """y = x ⊙ m / (1 - rate) in training, m ~ Bernoulli(1 - rate); dx = g ⊙ m / (1 - rate)."""

    variables: list = []

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.keep = 1.0 - layer.rate
        self.buffers = Buffers()
        self.active = False

    def forward(self, x: Any, training: bool) -> Any:
        self.active = training and self.layer.rate > 0
        if not self.active:
            return x
        buffers = self.buffers
        uniform = buffers.get("u", x.shape, xp.float32)
        self.layer._rng().random(x.shape, dtype="float32", out=uniform)
        scale = buffers.get("m", x.shape, x.dtype)
        xp.less(uniform, self.keep, out=scale)
        scale *= x.dtype.type(1.0 / self.keep)
        self.scale = scale
        return xp.multiply(x, scale, out=buffers.get("y", x.shape, x.dtype))

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if self.active and need_input:
            g *= self.scale
        return g if need_input else None


class BatchNormKernel:
    """Batch normalization over the batch axis of a 2-D x (see ``ops.normalization``).

    Training: x̂ = (x - μ_B) / √(σ²_B + ε), y = γ x̂ + β, and the moving statistics move
    towards μ_B, σ²_B. Backward: dx = γ (g - Σg/n - x̂ Σ(g x̂)/n) / √(σ²_B + ε),
    dγ = Σ g x̂, dβ = Σ g. Inference uses the moving statistics (no gradient needed).
    """

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.gamma, self.beta = layer.gamma, layer.beta
        self.variables = [v for v in (layer.gamma, layer.beta) if v is not None]
        self.buffers = Buffers()

    def forward(self, x: Any, training: bool) -> Any:
        layer = self.layer
        buffers = self.buffers
        n, d = x.shape
        dtype = x.dtype
        out = buffers.get("y", x.shape, dtype)
        self.training = training and layer.trainable
        if not self.training:
            inv = xp.add(layer.moving_variance.value, layer.epsilon,
                         out=buffers.get("inv", (d,), dtype))
            xp.sqrt(inv, out=inv)
            xp.divide(1.0, inv, out=inv)
            self.inv = inv
            xp.subtract(x, layer.moving_mean.value, out=out)
            out *= inv
        else:
            mean = xp.mean(x, axis=0, keepdims=True, out=buffers.get("mean", (1, d), dtype))
            xhat = xp.subtract(x, mean, out=buffers.get("xhat", x.shape, dtype))
            sq = xp.multiply(xhat, xhat, out=out)
            var = xp.mean(sq, axis=0, keepdims=True, out=buffers.get("var", (1, d), dtype))
            inv = xp.add(var, layer.epsilon, out=buffers.get("inv", (1, d), dtype))
            xp.sqrt(inv, out=inv)
            xp.divide(1.0, inv, out=inv)
            xhat *= inv
            self.xhat, self.inv, self.n = xhat, inv, n
            momentum = layer.momentum
            for variable, batch in ((layer.moving_mean, mean), (layer.moving_variance, var)):
                moving = variable.value
                moving *= momentum
                moving += batch[0] * (1.0 - momentum)
            out[...] = xhat
        if self.gamma is not None:
            out *= self.gamma.value
        if self.beta is not None:
            out += self.beta.value
        return out

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if not self.training:  # the moving statistics: a fixed affine map
            for grad in grads:
                if grad is not None:
                    raise RuntimeError("BatchNormalization: no weight gradient in inference")
            if not need_input:
                return None
            g *= self.inv
            if self.gamma is not None:
                g *= self.gamma.value
            return g
        buffers = self.buffers
        xhat, n = self.xhat, self.n
        d = xhat.shape[1]
        gx = buffers.get("gx", xhat.shape, xhat.dtype)
        xp.multiply(g, xhat, out=gx)
        sum_gx = xp.add.reduce(gx, axis=0, keepdims=True, out=buffers.get("sgx", (1, d),
                                                                          xhat.dtype))
        sum_g = xp.add.reduce(g, axis=0, keepdims=True, out=buffers.get("sg", (1, d),
                                                                        xhat.dtype))
        index = 0
        if self.gamma is not None:
            if grads[0] is not None:
                grads[0][...] = sum_gx[0]
            index = 1
        if self.beta is not None and grads[index] is not None:
            grads[index][...] = sum_g[0]
        if not need_input:
            return None
        sum_g /= n
        sum_gx /= n
        xp.multiply(xhat, sum_gx, out=gx)
        xp.subtract(g, gx, out=gx)
        gx -= sum_g
        factor = self.inv if self.gamma is None else xp.multiply(
            self.inv, self.gamma.value, out=buffers.get("f", (1, d), xhat.dtype))
        gx *= factor
        return gx


class LeakyReluKernel:
    """y = x for x ≥ 0, slope · x below; dx = g or slope · g."""

    variables: list = []

    def __init__(self, slope: float) -> None:
        self.slope = float(slope)
        self.buffers = Buffers()

    def forward(self, x: Any, training: bool) -> Any:
        buffers = self.buffers
        pos = self.pos = xp.greater_equal(x, 0, out=buffers.get("pos", x.shape, bool))
        y = xp.multiply(x, self.slope, out=buffers.get("y", x.shape, x.dtype))
        xp.copyto(y, x, where=pos)
        return y

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if not need_input:
            return None
        neg = self.buffers.get("neg", g.shape, bool)
        xp.logical_not(self.pos, out=neg)
        xp.multiply(g, self.slope, out=g, where=neg)
        return g


class ActivationKernel:
    """y = f(x) for f one of :data:`ACTIVATIONS`, its derivative read from y."""

    variables: list = []

    def __init__(self, name: str) -> None:
        self.forward_fn, self.backward_fn = ACTIVATIONS[name]
        self.buffers = Buffers()

    def forward(self, x: Any, training: bool) -> Any:
        buffers = self.buffers
        y = buffers.get("y", x.shape, x.dtype)
        y[...] = x
        self.y = self.forward_fn(y, buffers.get("row", x.shape[:-1] + (1,), x.dtype))
        return self.y

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if not need_input:
            return None
        if self.backward_fn is not None:
            y = self.y
            self.backward_fn(g, y, self.buffers.get("work", y.shape, y.dtype),
                             self.buffers.get("row", y.shape[:-1] + (1,), y.dtype))
        return g
