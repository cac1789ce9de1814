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

import math
import sys
from typing import Any

from keraslite.backend import on_gpu, to_device, xp
from keraslite.backend.threads import PARALLEL_MIN_SIZE, on_halves
from keraslite.ops.nn import ACTIVATIONS as ACTIVATIONS
from keraslite.ops.nn import SMALL_SIZE
from keraslite.ops.nn import sigmoid_inplace as sigmoid_inplace
from keraslite.ops.nn import softmax_inplace as softmax_inplace


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


class DenseKernel:
    """a = f(x W + b) over the last axis of x, f one of :data:`ACTIVATIONS`.

    Backward, with gz = g ⊙ f'(z):  dW = xᵀ gz,  db = 1ᵀ gz,  dx = gz Wᵀ.
    """

    def __init__(self, layer: Any) -> None:
        self.kernel, self.bias = layer.kernel, layer.bias
        self.variables = [layer.kernel] + ([] if layer.bias is None else [layer.bias])
        self.output_activation = layer._activation_name
        self.act_forward, self.act_backward = ACTIVATIONS[self.output_activation]
        self.sets: dict = {}

    def _buffers(self, shape: tuple) -> tuple:
        w = self.kernel.value
        rows = 1
        for d in shape[:-1]:
            rows *= d
        n, units, dtype = rows, w.shape[1], w.dtype
        made = (xp.empty((n, units), dtype), xp.empty((n, 1), dtype),
                xp.empty((n, units), dtype), xp.empty((n, w.shape[0]), dtype),
                xp.ones(n, dtype))
        self.sets[shape] = made
        return made

    def forward(self, x: Any, training: bool) -> Any:
        shape = x.shape
        self.bufs = bufs = self.sets.get(shape) or self._buffers(shape)
        self.shape = shape
        folded = x.ndim != 2
        if folded:  # over the last axis: (..., d) as (rows, d)
            x = x.reshape(-1, shape[-1])
        self.folded = folded
        z = xp.matmul(x, self.kernel.value, out=bufs[0])
        if z.size >= PARALLEL_MIN_SIZE and not on_gpu():  # large batches (predict): 2 cores
            on_halves(lambda part: self._bias_activation(z[part], bufs[1][part]), len(z))
        else:
            self._bias_activation(z, bufs[1])
        self.x, self.a = x, z
        if folded:
            return z.reshape(shape[:-1] + (z.shape[1],))
        return z

    def _bias_activation(self, z: Any, row: Any) -> None:
        """Z ← f(z + b) in place (``row``: the activation's (rows, 1) work array)."""
        if self.bias is not None:
            z += self.bias.value
        self.act_forward(z, row)

    def backward(self, g: Any, grads: list, need_input: bool,
                 through_activation: bool = True) -> Any:
        a, bufs = self.a, self.bufs
        if self.folded:
            g = g.reshape(a.shape)
        if through_activation and self.act_backward is not None:
            self.act_backward(g, a, bufs[2], bufs[1])
        if grads[0] is not None:
            xp.matmul(self.x.T, g, out=grads[0])
        if self.bias is not None and grads[1] is not None:
            if g.size >= SMALL_SIZE:  # db = 1ᵀ gz: a GEMV, twice as fast as a column sum
                xp.matmul(bufs[4], g, out=grads[1])
            else:  # (and slower to call: small arrays take the sum)
                xp.add.reduce(g, axis=0, out=grads[1])
        if not need_input:
            return None
        gx = xp.matmul(g, self.kernel.value.T, out=bufs[3])
        return gx.reshape(self.shape) if self.folded else gx


class DropoutKernel:
    """y = x ⊙ m / (1 - rate) in training, m ~ Bernoulli(1 - rate); dx = g ⊙ m / (1 - rate)."""

    variables: list = []

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.sets: dict = {}
        self.active = False

    def forward(self, x: Any, training: bool) -> Any:
        self.active = training and self.layer.rate > 0
        if not self.active:
            return x
        bufs = self.sets.get((x.shape, x.dtype))
        if bufs is None:
            bufs = self.sets[(x.shape, x.dtype)] = (
                xp.empty(x.shape, xp.float32), xp.empty(x.shape, x.dtype),
                xp.empty(x.shape, x.dtype))
        uniform, scale, y = bufs
        keep = 1.0 - self.layer.rate  # read at each step: the rate may be changed
        if keep <= 0:  # everything dropped, as the layer's call (no random draw)
            scale[...] = 0
        else:
            rng = self.layer._rng()
            kept = None if on_gpu() or x.size < SMALL_SIZE else \
                keep_mask(rng, x.shape, keep, self._mask(x.shape))
            if kept is not None:
                xp.multiply(kept, x.dtype.type(1.0 / keep), out=scale)
            else:
                if on_gpu():  # [backend border] the host generator cannot fill a device buffer
                    uniform[...] = to_device(rng.random(x.shape, dtype="float32"))
                else:
                    rng.random(x.shape, dtype="float32", out=uniform)
                xp.less(uniform, keep, out=scale)
                scale *= x.dtype.type(1.0 / keep)
        self.scale = scale
        return xp.multiply(x, scale, out=y)

    def _mask(self, shape: tuple) -> Any:
        mask = self.sets.get(shape)
        if mask is None:
            mask = self.sets[shape] = xp.empty(shape, bool)
        return mask

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if not need_input:
            return None
        if self.active:
            g *= self.scale
        return g


def keep_mask(rng: Any, shape: tuple, keep: float, out: Any) -> Any:
    """``rng.random(shape, dtype="float32") < keep`` into the boolean ``out``, drawing the
    same numbers and leaving ``rng`` in the same state, twice as fast; None where that cannot
    be guaranteed (then the caller draws the floats itself).

    NumPy makes a float32 uniform of PCG64's stream as (u >> 8) · 2⁻²⁴, u the low then the high
    32 bits of each 64-bit output; u32 < keep (keep rounded to float32, as NumPy compares)
    holds exactly when u < 256 · ⌈float32(keep) · 2²⁴⌉, so the 64-bit outputs
    (``random_raw``) are compared directly, without making the floats. Only for a PCG64
    generator holding no buffered 32-bit half, an even count, and a little-endian machine,
    after a check of the rule on a fresh generator (once per process).
    """
    n = out.size
    bits = rng.bit_generator
    if n % 2 or type(bits) is not _PCG64 or not _raw_rule_holds():
        return None
    if bits.state["has_uint32"]:
        return None
    threshold = 256 * math.ceil(float(xp.float32(keep)) * 2.0**24)
    if threshold >= 2**32:
        out[...] = True
        bits.advance(n // 2)
        return out
    words = bits.random_raw(n // 2).view(xp.uint32).reshape(out.shape)
    return xp.less(words, threshold, out=out)


_PCG64 = getattr(getattr(xp, "random", None), "PCG64", None)
_RULE: list = []


def _raw_rule_holds() -> bool:
    """Whether this NumPy draws float32 uniforms from PCG64 as :func:`keep_mask` assumes."""
    if not _RULE:
        ok = sys.byteorder == "little"
        if ok:
            floats = xp.random.Generator(_PCG64(7)).random(64, dtype="float32")
            words = _PCG64(7).random_raw(32).view(xp.uint32)
            ok = bool(xp.array_equal((words >> 8).astype(xp.float32) * xp.float32(2.0**-24),
                                     floats))
        _RULE.append(ok)
    return _RULE[0]


class BatchNormKernel:
    """Batch normalization over the batch axis of a 2-D x (see ``ops.normalization``).

    Training: x̂ = (x - μ_B) / √(σ²_B + ε), y = γ x̂ + β, and the moving statistics move
    towards μ_B, σ²_B. Backward: dx = γ (g - Σg/n - x̂ Σ(g x̂)/n) / √(σ²_B + ε),
    dγ = Σ g x̂, dβ = Σ g. Inference uses the moving statistics: dx = γ g / √(σ²_m + ε).
    """

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.gamma, self.beta = layer.gamma, layer.beta
        self.variables = [v for v in (layer.gamma, layer.beta) if v is not None]
        self.sets: dict = {}

    def _buffers(self, x: Any) -> tuple:
        n, d = x.shape
        dtype = x.dtype
        made = tuple(xp.empty(shape, dtype) for shape in (
            (n, d), (n, d), (n, d), (1, d), (1, d), (1, d), (1, d), (1, d), (1, d))) + (
            xp.ones((1, n), dtype),)  # column sums as 1ᵀ a: a GEMV, faster than sum(axis=0)
        self.sets[(x.shape, dtype)] = made
        return made

    def forward(self, x: Any, training: bool) -> Any:
        layer = self.layer
        self.bufs = bufs = self.sets.get((x.shape, x.dtype)) or self._buffers(x)
        out, xhat, _, mean, var, inv = bufs[:6]
        self.training = training and layer.trainable
        if not self.training:
            xp.add(layer.moving_variance.value, layer.epsilon, out=inv[0])
            xp.sqrt(inv, out=inv)
            xp.divide(1.0, inv, out=inv)
            xp.subtract(x, layer.moving_mean.value, out=out)
            out *= inv
        elif x.shape[0] == 1:  # one sample: μ_B = x and σ²_B = 0 exactly, so x̂ = 0, y = β
            self.n = 1
            momentum = layer.momentum
            moving = layer.moving_mean.value
            moving *= momentum
            xp.multiply(x[0], 1.0 - momentum, out=mean[0])
            moving += mean[0]
            layer.moving_variance.value *= momentum
            if self.beta is None:
                out[...] = 0
                return out
            out[...] = self.beta.value
            return out
        else:
            ones, n = bufs[9], x.shape[0]
            xp.matmul(ones, x, out=mean)
            mean *= 1.0 / n
            xp.subtract(x, mean, out=xhat)
            xp.multiply(xhat, xhat, out=out)
            xp.matmul(ones, out, out=var)
            var *= 1.0 / n
            xp.add(var, layer.epsilon, out=inv)
            xp.sqrt(inv, out=inv)
            xp.divide(1.0, inv, out=inv)
            xhat *= inv
            self.n = x.shape[0]
            momentum = layer.momentum
            for variable, batch in ((layer.moving_mean, mean), (layer.moving_variance, var)):
                moving = variable.value
                moving *= momentum
                moving += batch[0] * (1.0 - momentum)
            if self.gamma is not None:
                xp.multiply(xhat, self.gamma.value, out=out)
            else:
                out[...] = xhat
        if self.gamma is not None and not self.training:
            out *= self.gamma.value
        if self.beta is not None:
            out += self.beta.value
        return out

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        _, xhat, gx, _, _, inv, sum_gx, sum_g, factor, ones = self.bufs
        gamma = self.gamma
        if not self.training:  # the moving statistics: a fixed affine map
            if not need_input:
                return None
            g *= inv
            if gamma is not None:
                g *= gamma.value
            return g
        if self.n == 1:  # x̂ = 0: dγ = 0, dβ = g, dx = γ (g - g - 0) / √ε = 0
            if gamma is not None and grads[0] is not None:
                grads[0][...] = 0
            if self.beta is not None and grads[-1] is not None:
                grads[-1][...] = g[0]
            if not need_input:
                return None
            gx[...] = 0
            return gx
        xp.multiply(g, xhat, out=gx)
        xp.matmul(ones, gx, out=sum_gx)
        xp.matmul(ones, g, out=sum_g)
        index = 0
        if gamma is not None:
            if grads[0] is not None:
                grads[0][...] = sum_gx[0]
            index = 1
        if self.beta is not None and grads[index] is not None:
            grads[index][...] = sum_g[0]
        if not need_input:
            return None
        n = self.n
        sum_g /= n
        sum_gx /= n
        xp.multiply(xhat, sum_gx, out=gx)
        xp.subtract(g, gx, out=gx)
        gx -= sum_g
        if gamma is not None:
            xp.multiply(inv, gamma.value, out=factor)
            gx *= factor
        else:
            gx *= inv
        return gx


class LeakyReluKernel:
    """y = x for x ≥ 0, slope · x below; dx = g or slope · g."""

    variables: list = []

    def __init__(self, slope: float) -> None:
        self.slope = float(slope)
        self.sets: dict = {}

    def forward(self, x: Any, training: bool) -> Any:
        bufs = self.sets.get((x.shape, x.dtype))
        if bufs is None:
            bufs = self.sets[(x.shape, x.dtype)] = (
                xp.empty(x.shape, bool), xp.empty(x.shape, bool), xp.empty(x.shape, x.dtype))
        pos, self.neg, y = bufs
        xp.greater_equal(x, 0, out=pos)
        xp.logical_not(pos, out=self.neg)
        xp.multiply(x, self.slope, out=y)
        xp.copyto(y, x, where=pos)
        return y

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if not need_input:
            return None
        xp.multiply(g, self.slope, out=g, where=self.neg)
        return g


class ActivationKernel:
    """y = f(x) for f one of :data:`ACTIVATIONS`, its derivative read from y."""

    variables: list = []

    def __init__(self, name: str) -> None:
        self.forward_fn, self.backward_fn = ACTIVATIONS[name]
        self.sets: dict = {}

    def forward(self, x: Any, training: bool) -> Any:
        bufs = self.sets.get((x.shape, x.dtype))
        if bufs is None:
            row = x.shape[:-1] + (1,)
            bufs = self.sets[(x.shape, x.dtype)] = (
                xp.empty(x.shape, x.dtype), xp.empty(row, x.dtype), xp.empty(x.shape, x.dtype))
        y, self.row, self.work = bufs
        y[...] = x
        self.y = self.forward_fn(y, self.row)
        return y

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if not need_input:
            return None
        if self.backward_fn is not None:
            self.backward_fn(g, self.y, self.work, self.row)
        return g
