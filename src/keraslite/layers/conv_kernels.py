"""Plan kernels of the convolution and max-pooling layers (protocol: :mod:`.kernels`).

:class:`ConvKernel` runs ``Conv1D/2D/3D`` (channels last, one group, a fused activation)
through :class:`keraslite.ops.conv_gemm.ConvGemm` with its work arrays kept from step to step:
the same code as the op :func:`keraslite.ops.convolution.conv_bias_act`, so the same numbers,
without the tape and without fresh allocations. :class:`MaxPoolKernel` runs max pooling whose
windows tile the input (stride = pool size, valid padding, channels last) with
:func:`keraslite.ops.pooling.tiled_max_forward` / ``tiled_max_backward`` into reused arrays.
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
        self.gemms: dict = {}

    def fuse_next(self, kernel: Any) -> None:
        """Before max pooling, leave the relu to the pooling kernel: relu(max z) = max relu(z)
        on a quarter of the values, and the gradient reaches the same position of z.
        """
        if self.activation == "relu" and isinstance(kernel, MaxPoolKernel):
            self.activation, kernel.relu = "linear", True
            self.gemms.clear()

    def forward(self, x: Any, training: bool) -> Any:
        w = self.kernel.value
        gemm = self.gemms.get(x.shape)
        if gemm is None:
            layer = self.layer
            gemm = self.gemms[x.shape] = ConvGemm(
                x.shape, w.shape, layer.strides, layer.dilation_rate, layer.padding,
                self.bias is not None, self.activation, w.dtype, reuse=True)
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
        self.relu = False  # set by ConvKernel.fuse_next: y = relu(max x)

    def forward(self, x: Any, training: bool) -> Any:
        bufs = self.sets.get((x.shape, x.dtype))
        if bufs is None:
            out = (x.shape[0],) + tuple(n // k for n, k in zip(x.shape[1:-1], self.pool)) + \
                (x.shape[-1],)
            bufs = self.sets[(x.shape, x.dtype)] = (
                xp.empty(out, x.dtype), xp.empty(x.shape, bool), xp.empty(out, bool),
                xp.zeros(x.shape, x.dtype))
        self.x, self.bufs = x, bufs
        y = tiled_max_forward(x, self.pool, out=bufs[0])
        return xp.maximum(y, 0, out=y) if self.relu else y

    def backward(self, g: Any, grads: list, need_input: bool) -> Any:
        if not need_input:
            return None
        y, hit, todo, dx = self.bufs
        if self.relu:  # g ⊙ [y > 0]; where y > 0 it is still max x, so the hits are the same
            g = g if g.flags.writeable else g.copy()
            xp.multiply(g, xp.greater(y, 0, out=todo), out=g)
        return tiled_max_backward(self.x, y, g, self.pool, (hit, todo, dx))
