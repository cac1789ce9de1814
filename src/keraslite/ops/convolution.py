"""Convolutions: ``conv``, ``depthwise_conv``, ``separable_conv`` and ``conv_transpose``.

A convolution with kernel W of shape ``(*k, C/G, F)`` (G groups) computes, channels last,

    y[n, o, f] = Σ_{t, c} x_pad[n, o s + t d, g C/G + c] W[t, c, f],   g = ⌊f G / F⌋,

for every output position o, kernel tap t, stride s and dilation d. It is computed as one matrix
product: the patches of the padded input are copied once into a matrix (im2col, through a
strided view of ``(N, *out, *k, C)``), one row per output position, and multiplied with the
kernel reshaped to ``(Π k · C/G, F)`` (G batched products for grouped convolutions). The VJP
reuses that matrix: dW = colsᵀ g, and d cols = g Wᵀ is added back into the padded input's
gradient one kernel tap at a time (col2im: Π k strided additions, no loop over positions).
A transposed convolution is the same pair of maps used the other way round.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from keraslite.autodiff import needs_grad, node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.backend.allocator import retain_freed_memory
from keraslite.ops.conv_gemm import ConvGemm
from keraslite.ops.conv_utils import (
    conv_pads,
    effective_size,
    from_channels_last,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    tap_slices,
    to_channels_last,
    transpose_output_length,
    transpose_pads,
    windows,
)
from keraslite.ops.core import value_of
from keraslite.ops.nn import _FUSED


def im2col(xpad: Any, ksize: tuple, strides: tuple, dilation: tuple, out: tuple,
           groups: int = 1) -> Any:
    """The patch matrix of the padded channels-last ``xpad``.

    Returns ``(M, Π k · C)`` for one group, else ``(G, M, Π k · C/G)``, with M = N Π out.
    """
    win = windows(xpad, ksize, strides, dilation, out)
    m = xpad.shape[0] * math.prod(out)
    if groups == 1:
        return xp.ascontiguousarray(win).reshape(m, -1)
    per = win.reshape(win.shape[:-1] + (groups, xpad.shape[-1] // groups))
    return xp.ascontiguousarray(xp.moveaxis(per, -2, 0)).reshape(groups, m, -1)


def col2im(dcols: Any, padded_shape: tuple, ksize: tuple, strides: tuple, dilation: tuple,
           out: tuple, groups: int = 1) -> Any:
    """Add the rows of a patch-matrix gradient back into an array of ``padded_shape``.

    The adjoint of :func:`im2col`: one strided addition per kernel tap.
    """
    n, c, r = padded_shape[0], padded_shape[-1], len(ksize)
    if groups == 1:
        d = dcols.reshape((n,) + tuple(out) + tuple(ksize) + (c,))
    else:
        d = xp.moveaxis(dcols.reshape((groups, n) + tuple(out) + tuple(ksize) +
                                      (c // groups,)), 0, -2)
    dx = xp.zeros(padded_shape, dcols.dtype)
    lead = (slice(None),) * (1 + r)
    for tap in itertools.product(*map(range, ksize)):
        part = d[lead + tap]
        if groups != 1:
            part = part.reshape(part.shape[:-2] + (c,))
        dx[tap_slices(tap, strides, dilation, out)] += part
    return dx


def _kernel_matrix(w: Any, groups: int) -> Any:
    """``(*k, C/G, F)`` as ``(Π k · C/G, F)``, or ``(G, Π k · C/G, F/G)`` for groups."""
    rows = math.prod(w.shape[:-1])
    if groups == 1:
        return w.reshape(rows, w.shape[-1])
    return w.reshape(rows, groups, w.shape[-1] // groups).transpose(1, 0, 2)


def _grouped(g2: Any, groups: int) -> Any:
    """``(M, F)`` as ``(G, M, F/G)``."""
    return g2.reshape(g2.shape[0], groups, -1).transpose(1, 0, 2)


def _pad_input(x: Any, pads: tuple) -> Any:
    """``x`` with zeros around its spatial axes (one allocation and one copy)."""
    if not any(b or a for b, a in pads):
        return x
    out = xp.zeros((x.shape[0],) + tuple(n + b + a for n, (b, a) in zip(x.shape[1:-1], pads)) +
                   (x.shape[-1],), x.dtype)
    out[(slice(None),) + tuple(slice(b, b + n) for n, (b, _) in zip(x.shape[1:-1], pads))] = x
    return out


def _unpad(dxp: Any, pads: tuple, shape: tuple) -> Any:
    if not any(b or a for b, a in pads):
        return dxp
    return dxp[(slice(None),) + tuple(slice(b, b + n) for (b, _), n in zip(pads, shape[1:-1]))]


def _check_conv(name: str, v: Any, w: Any, rank: int, channels: int) -> int:
    if w.ndim != rank + 2:
        raise ValueError(
            f"{name}: the kernel must have rank {rank + 2} (*kernel_size, in_channels, "
            f"out_channels) for inputs with {rank} spatial axes. Received: "
            f"inputs.shape={tuple(v.shape)}, kernel.shape={tuple(w.shape)}"
        )
    if channels % w.shape[-2]:
        raise ValueError(
            f"{name}: the input's {channels} channels must be a multiple of the kernel's "
            f"input channels {w.shape[-2]} (the groups). Check `data_format`. Received: "
            f"inputs.shape={tuple(v.shape)}, kernel.shape={tuple(w.shape)}"
        )
    groups = channels // w.shape[-2]
    if w.shape[-1] % groups:
        raise ValueError(
            f"{name}: the kernel's {w.shape[-1]} filters must be a multiple of the {groups} "
            f"groups. Received: kernel.shape={tuple(w.shape)}"
        )
    return groups


def conv_bias_act(inputs: Any, kernel: Any, bias: Any = None, activation: str = "linear",
                  strides: Any = 1, padding: str = "valid", data_format: Any = None,
                  dilation_rate: Any = 1, kernel_shape: tuple | None = None) -> Tensor:
    """The fused convolution  a = f(conv(x, W) + b)  as one graph node (the layers' op).

    ``activation`` is one of the activations whose derivative is read from the output (see
    :func:`keraslite.ops.nn.fusable`). ``kernel_shape``, when given, is the shape the kernel's
    value is viewed as (a depthwise kernel ``(*k, C, m)`` as ``(*k, 1, C m)``). VJP with
    gz = g ⊙ f'(z): dW = colsᵀ gz, db = Σ gz, dx = col2im(gz Wᵀ).
    """
    retain_freed_memory()
    v = value_of(inputs)
    w_orig = value_of(kernel)
    w = w_orig if kernel_shape is None else w_orig.reshape(kernel_shape)
    rank = v.ndim - 2
    fmt = normalize_data_format(data_format)
    strides = normalize_tuple(strides, rank, "strides")
    dilation = normalize_tuple(dilation_rate, rank, "dilation_rate")
    padding = normalize_padding(padding, allow_causal=rank == 1)
    x = to_channels_last(v, fmt)
    groups = _check_conv("conv", v, w, rank, x.shape[-1])
    ksize = tuple(w.shape[:rank])
    sizes = [conv_pads(n, k, s, d, padding)
             for n, k, s, d in zip(x.shape[1:-1], ksize, strides, dilation)]
    pads = tuple(p for p, _ in sizes)
    out = tuple(o for _, o in sizes)
    if min(out) <= 0:
        raise ValueError(
            f"conv: the output would be empty: the kernel {ksize} (dilation {dilation}) is "
            f"larger than the input's spatial shape {x.shape[1:-1]}. Use padding='same' or a "
            f"smaller kernel. Received: inputs.shape={tuple(v.shape)}"
        )
    if groups == 1:
        gemm = ConvGemm(x.shape, w.shape, strides, dilation, padding, bias is not None,
                        activation, xp.result_type(x.dtype, w.dtype))
        a = gemm.forward(x, w, None if bias is None else value_of(bias))

        def vjp(g):
            gx, gw, gb = gemm.backward(to_channels_last(g, fmt), needs_grad(kernel),
                                       needs_grad(inputs))
            if gx is not None:
                gx = from_channels_last(gx, fmt)
            if gw is not None:
                gw = gw.reshape(w_orig.shape)
            return (gx, gw) if bias is None else (gx, gw, gb)

        parents = (inputs, kernel) if bias is None else (inputs, kernel, bias)
        return node(from_channels_last(a, fmt), parents, vjp)
    xpad = _pad_input(x, pads)
    m = xpad.shape[0] * math.prod(out)
    cols = im2col(xpad, ksize, strides, dilation, out, groups)
    wm = _kernel_matrix(w, groups)
    z = (cols @ wm).transpose(1, 0, 2).reshape(m, -1)
    if bias is not None:
        z += value_of(bias)
    forward, backward = _FUSED[activation]
    a = forward(z)
    result = from_channels_last(a.reshape((xpad.shape[0],) + out + (w.shape[-1],)), fmt)

    def vjp(g):  # grouped: dW_g = cols_gᵀ gz_g, dx = col2im(gz_g W_gᵀ)
        gz = xp.ascontiguousarray(to_channels_last(g, fmt)).reshape(m, -1)
        if activation != "linear":
            gz = backward(gz, a)
        gx = gw = None
        if needs_grad(kernel):
            gw = (cols.transpose(0, 2, 1) @ _grouped(gz, groups)).transpose(1, 0, 2)
            gw = gw.reshape(w_orig.shape)
        if needs_grad(inputs):
            dcols = _grouped(gz, groups) @ wm.transpose(0, 2, 1)
            dxp = col2im(dcols, xpad.shape, ksize, strides, dilation, out, groups)
            gx = from_channels_last(_unpad(dxp, pads, x.shape), fmt)
        if bias is None:
            return gx, gw
        return gx, gw, gz.sum(axis=0)

    parents = (inputs, kernel) if bias is None else (inputs, kernel, bias)
    return node(result, parents, vjp)


def conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
         data_format: Any = None, dilation_rate: Any = 1) -> Tensor:
    """N-D convolution (cross-correlation, as in Keras): 1, 2 or 3 spatial axes.

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first).
        kernel: ``(*kernel_size, in_channels / groups, filters)``; the groups are
            ``channels // kernel.shape[-2]`` (filter f sees input group ⌊f G / F⌋).
        strides, dilation_rate: an int or one per spatial axis.
        padding: ``"valid"`` (no padding) or ``"same"`` (output size ⌈L / s⌉; ``"causal"``
            also for one spatial axis: k_eff - 1 zeros before).
        data_format: ``"channels_last"`` or ``"channels_first"``; default
            ``keras.config.image_data_format()``.

    Returns:
        ``(batch, *out, filters)`` with y[n, o, f] = Σ_{t,c} x_pad[n, o s + t d, c] W[t, c, f].

    """
    return conv_bias_act(inputs, kernel, None, "linear", strides, padding, data_format,
                         dilation_rate)


def depthwise_conv(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
                   data_format: Any = None, dilation_rate: Any = 1) -> Tensor:
    """Depthwise convolution: each input channel c convolved with its own m filters.

    ``kernel`` has shape ``(*kernel_size, C, m)``; output channel c m + j is
    Σ_t x_pad[n, o s + t d, c] W[t, c, j]. It is the grouped convolution with C groups.
    """
    w = value_of(kernel)
    return conv_bias_act(inputs, kernel, None, "linear", strides, padding, data_format,
                         dilation_rate,
                         kernel_shape=tuple(w.shape[:-2]) + (1, w.shape[-2] * w.shape[-1]))


def separable_conv(inputs: Any, depthwise_kernel: Any, pointwise_kernel: Any, strides: Any = 1,
                   padding: str = "valid", data_format: Any = None,
                   dilation_rate: Any = 1) -> Tensor:
    """Depthwise convolution followed by a 1×1 (pointwise) convolution mixing the channels.

    ``depthwise_kernel``: ``(*kernel_size, C, m)``; ``pointwise_kernel``: ``(1, ..., C m, F)``.
    """
    depthwise = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format,
                               dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _window_copy(a: Any, starts: tuple, lengths: tuple) -> Any:
    """``a[:, s:s+L, ..., :]`` per spatial axis, zero-filled past the end of ``a``."""
    have = tuple(max(0, min(n - s, length))
                 for n, s, length in zip(a.shape[1:-1], starts, lengths))
    src = (slice(None),) + tuple(slice(s, s + h) for s, h in zip(starts, have))
    if have == tuple(lengths):
        return a[src]
    out = xp.zeros((a.shape[0],) + tuple(lengths) + (a.shape[-1],), a.dtype)
    out[(slice(None),) + tuple(slice(0, h) for h in have)] = a[src]
    return out


def _window_place(g: Any, full: tuple, starts: tuple) -> Any:
    """The adjoint of :func:`_window_copy`: ``g`` placed at ``starts`` in zeros of ``full``."""
    have = tuple(max(0, min(n - s, length))
                 for n, s, length in zip(full[1:-1], starts, g.shape[1:-1]))
    if all(s == 0 for s in starts) and have == tuple(full[1:-1]) == g.shape[1:-1]:
        return g
    out = xp.zeros(full, g.dtype)
    out[(slice(None),) + tuple(slice(s, s + h) for s, h in zip(starts, have))] = \
        g[(slice(None),) + tuple(slice(0, h) for h in have)]
    return out


def conv_transpose(inputs: Any, kernel: Any, strides: Any = 1, padding: str = "valid",
                   output_padding: Any = None, data_format: Any = None,
                   dilation_rate: Any = 1) -> Tensor:
    """Transposed convolution (the gradient of :func:`conv` with respect to its input).

    Args:
        inputs: ``(batch, *spatial, in_channels)`` (or channels first).
        kernel: ``(*kernel_size, filters, in_channels)``.
        strides, dilation_rate: an int or one per spatial axis.
        padding: ``"valid"`` or ``"same"``; with ``output_padding`` (an int or one per axis,
            each below its stride) it fixes the output length as Keras does:
            valid (L - 1) s + max(k_eff, s), same L s, else (L - 1) s + k_eff - 2 p + o_p.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Every input position o scatters x[n, o, :] Wᵀ into the output at o s + t d for each tap t.
    """
    retain_freed_memory()
    v = value_of(inputs)
    w = value_of(kernel)
    rank = v.ndim - 2
    fmt = normalize_data_format(data_format)
    strides = normalize_tuple(strides, rank, "strides")
    dilation = normalize_tuple(dilation_rate, rank, "dilation_rate")
    padding = normalize_padding(padding)
    opad = (None,) * rank if output_padding is None else \
        normalize_tuple(output_padding, rank, "output_padding", allow_zero=True)
    x = to_channels_last(v, fmt)
    if w.ndim != rank + 2 or w.shape[-1] != x.shape[-1]:
        raise ValueError(
            "conv_transpose: the kernel must have shape (*kernel_size, filters, in_channels) "
            f"with in_channels = {x.shape[-1]}. Received: inputs.shape={tuple(v.shape)}, "
            f"kernel.shape={tuple(w.shape)}"
        )
    ksize, filters, n = tuple(w.shape[:rank]), w.shape[-2], x.shape[0]
    size_in = tuple(x.shape[1:-1])
    full = (n,) + tuple((i - 1) * s + effective_size(k, d)
                        for i, k, s, d in zip(size_in, ksize, strides, dilation)) + (filters,)
    starts = tuple(effective_size(k, d) - 1 - transpose_pads(k, s, d, padding, p)[0]
                   for k, s, d, p in zip(ksize, strides, dilation, opad))
    lengths = tuple(transpose_output_length(i, k, s, d, padding, p)
                    for i, k, s, d, p in zip(size_in, ksize, strides, dilation, opad))
    wm = w.reshape(-1, x.shape[-1])
    x2 = xp.ascontiguousarray(x).reshape(-1, x.shape[-1])
    full_out = col2im(x2 @ wm.T, full, ksize, strides, dilation, size_in)
    result = from_channels_last(_window_copy(full_out, starts, lengths), fmt)

    def vjp(g):
        gfull = _window_place(to_channels_last(g, fmt), full, starts)
        cols = im2col(xp.ascontiguousarray(gfull), ksize, strides, dilation, size_in)
        gx = from_channels_last((cols @ wm).reshape(x.shape), fmt) if needs_grad(inputs) \
            else None
        gw = (cols.T @ x2).reshape(w.shape) if needs_grad(kernel) else None
        return gx, gw

    return node(result, (inputs, kernel), vjp)
