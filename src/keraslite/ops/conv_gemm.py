"""The arrays of one ungrouped convolution  a = f(conv(x, W) + b): im2col, GEMM, col2im.

:class:`ConvGemm` holds what depends only on the shapes (padding, output size, the strided
slice each kernel tap reads) and, when ``reuse`` is set, the work arrays, so that the training
engine's convolution kernel (:mod:`keraslite.layers.conv_kernels`) allocates nothing after its
first step. The op :func:`keraslite.ops.convolution.conv_bias_act` runs the same code with
fresh arrays, so the two paths give the same numbers.

With M = N Π out output positions, K = Π k · C patch entries and F filters:

- forward: the patch matrix ``cols`` (M, K) (plus a column of ones when there is a bias, so
  that z = [cols 1] [W; b] is one product), z = cols [W; b], a = f(z) in place. With one input
  channel the patch matrix is built transposed, ``colsT`` (K, M), one contiguous row per tap
  (Π k slice copies instead of an element-wise gather), and multiplied as ``colsT.T``.
- backward, with gz = g ⊙ f'(z) (for relu g ⊙ [a > 0]):  [dW; db] = colsᵀ gz, and
  dx_pad = Σ_t shift_t(gz W_tᵀ), one product per tap t, added into the strided slice it read.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from keraslite.backend import xp
from keraslite.ops.conv_utils import conv_pads, tap_slices, windows
from keraslite.ops.nn import _FUSED
from keraslite.ops.pooling import keep_first


def _split(a: Any, rows: tuple, columns: tuple) -> Any:
    """The 2-D strided ``a`` viewed as ``rows + columns`` (each axis split in C order), built
    with as_strided: a view by construction (a reshape of a strided array may copy on CuPy).
    """
    def steps(shape: tuple, stride: int) -> tuple:
        out = []
        for n in reversed(shape):
            out.append(stride)
            stride *= n
        return tuple(reversed(out))

    return xp.lib.stride_tricks.as_strided(
        a, tuple(rows) + tuple(columns), steps(rows, a.strides[0]) + steps(columns, a.strides[1]))


CHUNK_BYTES = 1 << 20  # the size of z's chunks when max pooling is fused in (L2 resident)


class ConvGemm:
    """One convolution's geometry for a channels-last input shape (and, with ``reuse``, its
    work arrays). ``forward`` keeps what ``backward`` needs until the next ``forward``.
    """

    def __init__(self, x_shape: tuple, w_shape: tuple, strides: tuple, dilation: tuple,
                 padding: str, bias: bool, activation: str, dtype: Any,
                 reuse: bool = False, pool: tuple | None = None) -> None:
        rank = len(x_shape) - 2
        self.ksize = tuple(w_shape[:rank])
        self.strides, self.dilation = strides, dilation
        sizes = [conv_pads(n, k, s, d, padding)
                 for n, k, s, d in zip(x_shape[1:-1], self.ksize, strides, dilation)]
        self.pads = tuple(p for p, _ in sizes)
        self.out = tuple(o for _, o in sizes)
        if pool is not None:  # fused max pooling: z only where its windows read it
            self.out = tuple(o - o % k for o, k in zip(self.out, pool))
        self.x_shape = tuple(x_shape)
        self.padded = any(b or a for b, a in self.pads)
        self.padded_shape = (x_shape[0],) + tuple(
            n + b + a for n, (b, a) in zip(x_shape[1:-1], self.pads)) + (x_shape[-1],)
        self.interior = (slice(None),) + tuple(
            slice(b, b + n) for n, (b, _) in zip(x_shape[1:-1], self.pads)) + (slice(None),)
        self.m = x_shape[0] * math.prod(self.out)
        self.channels, self.filters = x_shape[-1], w_shape[-1]
        self.k = math.prod(self.ksize) * self.channels
        self.bias, self.activation, self.dtype, self.reuse = bias, activation, dtype, reuse
        self.act_forward, self.act_backward = _FUSED[activation]
        self.slices = [tap_slices(t, strides, dilation, self.out)
                       for t in itertools.product(*map(range, self.ksize))]
        self.transposed = self.channels == 1
        self._arrays: dict = {}
        self.pool = pool
        self.rows = self.out  # how a sample's rows of the patch matrix are ordered
        if pool is not None:  # max pooling fused in, by batch chunks of about 1 MiB of z
            if activation not in ("relu", "linear"):
                raise ValueError("ConvGemm: only relu or linear commute with max pooling. "
                                 f"Received: activation={activation!r}")
            per = self.m // x_shape[0] * self.filters * xp.dtype(dtype).itemsize
            self.chunk = max(1, min(x_shape[0], CHUNK_BYTES // per))
            self.rows = tuple(pool) + tuple(o // k for o, k in zip(self.out, pool))

    def _array(self, role: str, shape: tuple, dtype: Any = None, zero: bool = False) -> Any:
        """A work array: fresh, or with ``reuse`` the same one at every step (``zero``: filled
        with zeros when made; the caller keeps the parts it never writes at zero).
        """
        dtype = self.dtype if dtype is None else dtype
        if not self.reuse:
            return xp.zeros(shape, dtype) if zero else xp.empty(shape, dtype)
        array = self._arrays.get(role)
        if array is None:
            array = self._arrays[role] = xp.zeros(shape, dtype) if zero else \
                xp.empty(shape, dtype)
        return array

    def _phases(self, a: Any) -> Any:
        """``a`` (axes 1..r the output positions) viewed in the patch matrix's row order: with
        fused pooling (N, p_1..p_r, o'_1..o'_r, ...) for the position o = o' k + p, so that
        each window's taps lie in Π k contiguous blocks of rows; else ``a``.
        """
        if self.pool is None:
            return a
        r = len(self.pool)
        dims = [(a.shape[0], a.strides[0])]
        dims += [(k, a.strides[1 + d]) for d, k in enumerate(self.pool)]
        dims += [(a.shape[1 + d] // k, a.strides[1 + d] * k) for d, k in enumerate(self.pool)]
        dims += list(zip(a.shape[1 + r:], a.strides[1 + r:]))
        # a strided view by construction (a reshape of a strided array may copy on CuPy)
        return xp.lib.stride_tricks.as_strided(a, tuple(n for n, _ in dims),
                                               tuple(t for _, t in dims))

    def _pad(self, x: Any) -> Any:
        if not self.padded:
            return x
        xpad = self._array("xpad", self.padded_shape, zero=True)  # the border stays zero
        xpad[self.interior] = x
        return xpad

    def _patches(self, xpad: Any) -> Any:
        """The patch matrix (M, K [+ 1]) (a transposed view for one input channel)."""
        m, k, kb = self.m, self.k, self.k + self.bias
        if self.transposed:
            cols_t = self._array("cols", (kb, m))
            taps = cols_t[:k].reshape((k, xpad.shape[0]) + self.rows)
            for t, where in enumerate(self.slices):
                taps[t] = self._phases(xpad[where][..., 0])
            if self.bias:
                cols_t[k] = 1
            return cols_t.T
        cols = self._array("cols", (m, kb))
        win = windows(xpad, self.ksize, self.strides, self.dilation, self.out)
        _split(cols[:, :k], (xpad.shape[0],) + self.rows, win.shape[1 + len(self.out):])[...] \
            = self._phases(win)
        if self.bias:
            cols[:, k] = 1
        return cols

    def forward(self, x: Any, w: Any, b: Any = None) -> Any:
        """The activation f(cols [W; b]) as ``(N, *out, F)``, ``x`` channels-last."""
        self.cols = cols = self._patches(self._pad(x))
        self.wm = wm = w.reshape(self.k, self.filters)
        if self.bias:
            w_ext = self._array("w_ext", (self.k + 1, self.filters))
            w_ext[:-1] = wm
            w_ext[-1] = b
        else:
            w_ext = wm
        if self.pool is not None:
            return self._forward_pooled(cols, w_ext)
        z = xp.matmul(cols, w_ext, out=self._array("z", (self.m, self.filters)))
        self.a = self.act_forward(z)
        return self.a.reshape((self.x_shape[0],) + self.out + (self.filters,))

    def backward(self, g: Any, need_kernel: bool, need_input: bool,
                 overwrite: bool = False) -> tuple:
        """``(dx, dW, db)`` for the gradient ``g`` of a (None where not needed; dW and db
        are views of one fresh array). ``overwrite``: ``g`` may be written over.
        """
        own = overwrite or not g.flags.c_contiguous  # may gz be written over?
        if self.pool is not None:
            return self._backward_pooled(g, need_kernel, need_input)
        gz = xp.ascontiguousarray(g).reshape(self.m, self.filters)
        if self.activation == "relu":  # g ⊙ [a > 0]: the same numbers as g ⊙ sign(a)
            positive = xp.greater(self.a, 0, out=self._array("mask", self.a.shape, bool))
            gz = xp.multiply(gz, positive, out=gz if own else None)
        elif self.activation != "linear":
            gz = self.act_backward(gz, self.a)
        gw = gb = gx = None
        if need_kernel or self.bias:
            gwb = self.cols.T @ gz
            gw = gwb[:self.k] if need_kernel else None
            gb = gwb[self.k] if self.bias else None
        if need_input:
            gx = self._col2im(gz)
        return gx, gw, gb

    def _col2im(self, gz: Any) -> Any:
        """The input gradient Σ_t shift_t(gz W_tᵀ) over the taps t (im2col's adjoint)."""
        dx = self._array("dx", self.padded_shape)
        dx[...] = 0
        self._col2im_into(gz, dx)
        return dx[self.interior] if self.padded else dx

    def _col2im_into(self, gz: Any, dx: Any) -> None:
        """Add Σ_t shift_t(gz W_tᵀ) into dx, the padded input gradient of gz's samples."""
        per_tap = self.wm.reshape(-1, self.channels, self.filters)
        part = self._array("part", (self.m, self.channels))[:gz.shape[0]]
        shape = (dx.shape[0],) + self.rows + (self.channels,)
        for t, where in enumerate(self.slices):
            self._phases(dx[where])[...] += xp.matmul(gz, per_tap[t].T, out=part).reshape(shape)

    def _chunks(self) -> Any:
        """``(first sample, last sample + 1, first row, last row + 1)`` of each chunk."""
        n, per = self.x_shape[0], self.m // self.x_shape[0]
        for s in range(0, n, self.chunk):
            e = min(s + self.chunk, n)
            yield s, e, s * per, e * per

    def _forward_pooled(self, cols: Any, w_ext: Any) -> Any:
        """The pooled output f(maxpool(z)), chunk by chunk (z stays in cache), keeping each
        window's first maximum (``hit``, taps in row-major order) for the backward pass. The
        rows of z come in window-tap blocks (:meth:`_phases`): contiguous maxima.
        """
        n, f, taps = self.x_shape[0], self.filters, math.prod(self.pool)
        y = self._array("y", (n,) + self.rows[len(self.pool):] + (f,))
        y2 = y.reshape(n, -1)
        self.hit = hit = self._array("hit", (n, taps, y2.shape[1]), bool)
        todo = self._array("todo", (self.chunk, y2.shape[1]), bool)
        work = self._array("zc", (self.chunk * (self.m // n), f))
        for s, e, r0, r1 in self._chunks():
            z = xp.matmul(cols[r0:r1], w_ext, out=work[:r1 - r0]).reshape(e - s, taps, -1)
            yc, h, td = y2[s:e], hit[s:e], todo[:e - s]
            xp.max(z, axis=1, out=yc)
            xp.equal(z, yc[:, None], out=h)
            keep_first([h[:, t] for t in range(taps)], td)
        self.y = xp.maximum(y, 0, out=y) if self.activation == "relu" else y
        return y

    def _backward_pooled(self, g: Any, need_kernel: bool, need_input: bool) -> tuple:
        """Chunk by chunk: gz = g (⊙ [y > 0]) at each window's first maximum, [dW; db] +=
        colsᵀ gz and the chunk's input gradient (im2col's adjoint).
        """
        n, f, y = self.x_shape[0], self.filters, self.y
        gy = self._array("gy", y.shape)
        if self.activation == "relu":
            xp.multiply(g, xp.greater(y, 0, out=self._array("pos", y.shape, bool)), out=gy)
        else:
            gy[...] = g
        gzc = self._array("gzc", (self.chunk * (self.m // n), f))
        gy2 = gy.reshape(n, 1, -1)
        kb = self.k + self.bias
        gwb, part = self._array("gwb", (kb, f)), self._array("gwpart", (kb, f))
        dx = None
        if need_input:
            dx = self._array("dx", self.padded_shape)
            dx[...] = 0
        for i, (s, e, r0, r1) in enumerate(self._chunks()):
            gz = gzc[:r1 - r0]
            xp.multiply(self.hit[s:e], gy2[s:e], out=gz.reshape(self.hit[s:e].shape))
            if need_kernel or self.bias:
                xp.matmul(self.cols[r0:r1].T, gz, out=gwb if i == 0 else part)
                if i:
                    gwb += part
            if need_input:
                self._col2im_into(gz, dx[s:e])
        gx = None if dx is None else dx[self.interior] if self.padded else dx
        return gx, gwb[:self.k] if need_kernel else None, gwb[self.k] if self.bias else None
