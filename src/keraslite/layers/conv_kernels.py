"""Plan kernels of the convolution and pooling layers (protocol: :mod:`.kernels`).

:class:`ConvKernel` runs ``Conv1D/2D/3D`` (channels last, one group, a fused activation)
through :class:`keraslite.ops.conv_gemm.ConvGemm` with its work arrays kept from step to step:
the same code as the op :func:`keraslite.ops.convolution.conv_bias_act`, so the same numbers,
without the tape and without fresh allocations. :class:`MaxPoolKernel` runs max pooling whose
windows tile the input (stride = pool size, valid padding, channels last) with
:func:`keraslite.ops.pooling.tiled_max_forward` / ``tiled_max_backward`` into reused arrays,
unless the convolution before it took the pooling over (``fuse_next``: see
:meth:`keraslite.ops.conv_gemm.ConvGemm._forward_pooled`). :class:`GlobalAverageKernel` runs
the unmasked global average pooling layers.
"""

from __future__ import annotations

from typing import Any

from keraslite.backend import xp
from keraslite.ops.conv_gemm import ConvGemm
from keraslite.ops.pooling import tiled_max_backward, tiled_max_forward


class ConvKernel:
    """a = f(conv(x, W) + b); backward as :meth:`ConvGemm.backward`, dW and db copied into
    the flat gradient buffer.
    """

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.kernel, self.bias = layer.kernel, layer.bias
        self.variables = [layer.kernel] + ([] if layer.bias is None else [layer.bias])
        self.activation = layer._fused_activation
        self.pool = None  # the max pooling taken over from the next kernel
        self.gemms: dict = {}

    def fuse_next(self, kernel: Any) -> None:
        """Take over the max pooling that follows (see :meth:`ConvGemm._forward_pooled`):
        relu(max z) = max relu(z), and the gradient reaches the same position of z.
        """
        if self.activation in ("relu", "linear") and isinstance(kernel, MaxPoolKernel):
            self.pool, kernel.fused = kernel.pool, True
            self.gemms.clear()

    def forward(self, x: Any, training: bool) -> Any:
        w = self.kernel.value
        gemm = self.gemms.get(x.shape)
        if gemm is None:
            layer = self.layer
            gemm = self.gemms[x.shape] = ConvGemm(
                x.shape, w.shape, layer.strides, layer.dilation_rate, layer.padding,
                self.bias is not None, self.activation, w.dtype, reuse=True,
                pool=self.pool)
        self.gemm = gemm
        return gemm.forward(x, w, None if self.bias is None else self.bias.value)

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        gx, gw, gb = self.gemm.backward(g, grads[0] is not None, need_input, overwrite=True)
        if gw is not None:
            grads[0][...] = gw.reshape(grads[0].shape)
        if self.bias is not None and grads[1] is not None:
            grads[1][...] = gb
        return gx


class MaxPoolKernel:
    """y = the maximum of each (non-overlapping) window; dx sends g to each window's first
    maximum.
    """

    variables: list = []

    def __init__(self, layer: Any) -> None:
        self.pool = tuple(layer.pool_size)
        self.sets: dict = {}
        self.fused = False  # the convolution before pools (ConvKernel.fuse_next): pass through

    def forward(self, x: Any, training: bool) -> Any:
        if self.fused:
            return x
        bufs = self.sets.get((x.shape, x.dtype))
        if bufs is None:
            out = (x.shape[0],) + tuple(n // k for n, k in zip(x.shape[1:-1], self.pool)) + \
                (x.shape[-1],)
            bufs = self.sets[(x.shape, x.dtype)] = (
                xp.empty(out, x.dtype), xp.empty(x.shape, bool), xp.empty(out, bool),
                xp.zeros(x.shape, x.dtype))
        self.x, self.bufs = x, bufs
        return tiled_max_forward(x, self.pool, out=bufs[0])

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if not need_input or self.fused:
            return g if need_input else None
        y, hit, todo, dx = self.bufs
        return tiled_max_backward(self.x, y, g, self.pool, (hit, todo, dx))


class GlobalAverageKernel:
    """y = the mean over the spatial axes (no mask); dx = g / count at every position."""

    variables: list = []

    def __init__(self, layer: Any) -> None:
        self.axes, self.keepdims = layer._axes(), layer.keepdims
        self.sets: dict = {}

    def forward(self, x: Any, training: bool) -> Any:
        bufs = self.sets.get((x.shape, x.dtype))
        if bufs is None:
            kept = tuple(1 if i in self.axes else n for i, n in enumerate(x.shape))
            out = kept if self.keepdims else tuple(
                n for i, n in enumerate(x.shape) if i not in self.axes)
            count = 1
            for i in self.axes:
                count *= x.shape[i]
            bufs = self.sets[(x.shape, x.dtype)] = (
                xp.empty(out, x.dtype), xp.empty(x.shape, x.dtype), kept, count)
        self.bufs = bufs
        return xp.mean(x, axis=self.axes, keepdims=self.keepdims, out=bufs[0])

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if not need_input:
            return None
        _, dx, kept, count = self.bufs
        dx[...] = g.reshape(kept) / count
        return dx
