"""Image ops (``keraslite.ops.image``, as ``keras.ops.image``): ``resize`` and ``extract_patches``.

Both are primitives with their own gradient, computed for the whole batch at once:

- ``resize`` is separable and linear in the pixels: along each spatial axis the output is
  ``W · x`` with a fixed (out × in) weight matrix ``W`` built from the interpolation kernel, so
  the gradient is ``Wᵀ · g``. The matrices follow JAX's ``scale_and_translate`` (which Keras'
  NumPy and JAX backends use): half-pixel centers, weights normalized to sum to 1.
- ``extract_patches`` gathers windows with a strided view (no copy until the reshape); its
  gradient adds each window back, one loop step per kernel offset (never per pixel).
"""

from __future__ import annotations

import math
from typing import Any

from keraslite.autodiff import node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.backend.device import as_strided
from keraslite.config import image_data_format
from keraslite.ops.core import value_of
from keraslite.ops.dispatch import symbolic_aware

_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")


def _data_format(data_format: str | None) -> str:
    data_format = data_format or image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("`data_format` must be 'channels_last' or 'channels_first'. "
                         f"Received: data_format={data_format!r}")
    return data_format


def _float_input(images: Any) -> Any:
    v = xp.asarray(value_of(images))
    return v if v.dtype.kind == "f" else v.astype(floatx())


# -- resize ------------------------------------------------------------------------------------
def _kernel(name: str, x: Any) -> Any:
    """The interpolation kernel k(x) at distances ``x`` ≥ 0 (in input pixels)."""
    if name == "bilinear":  # triangle: k(x) = max(0, 1 - |x|)
        return xp.maximum(0.0, 1.0 - x)
    if name == "bicubic":  # Keys' cubic with a = -0.5
        inner = ((1.5 * x - 2.5) * x) * x + 1.0
        outer = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
        return xp.where(x >= 2.0, 0.0, xp.where(x >= 1.0, outer, inner))
    radius = 3.0 if name == "lanczos3" else 5.0  # k(x) = sinc(x) · sinc(x / r) for |x| < r
    return xp.where(x >= radius, 0.0, xp.sinc(x) * xp.sinc(x / radius))


def _weights(n_in: int, n_out: int, method: str, antialias: bool) -> Any:
    """The (n_out × n_in) matrix mapping one axis of the input to the output (float64)."""
    if method == "nearest":  # index floor((i + ½) · n_in / n_out), as Keras' NumPy backend
        src = xp.floor((xp.arange(n_out, dtype=xp.float32) + 0.5) * n_in / n_out)
        w = xp.zeros((n_out, n_in))
        w[xp.arange(n_out), src.astype(xp.int64)] = 1.0
        return w
    scale = n_out / n_in
    kernel_scale = max(1.0 / scale, 1.0) if antialias else 1.0
    sample = (xp.arange(n_out, dtype=xp.float64) + 0.5) / scale - 0.5
    w = _kernel(method, xp.abs(sample[:, None] - xp.arange(n_in)[None, :]) / kernel_scale)
    total = w.sum(axis=1, keepdims=True)
    w = xp.where(xp.abs(total) > 1000.0 * xp.finfo(xp.float32).eps,
                 w / xp.where(total != 0, total, 1.0), 0.0)
    inside = (sample >= -0.5) & (sample <= n_in - 0.5)
    return xp.where(inside[:, None], w, 0.0)


def _apply_axis(v: Any, w: Any, axis: int) -> Any:
    """Contract ``v``'s ``axis`` with ``w`` (out × in), keeping the axis in place."""
    out = xp.tensordot(v, w, axes=([axis], [1]))  # the new axis comes last
    return xp.moveaxis(out, -1, axis)


def _aspect_box(height: int, width: int, target_h: int, target_w: int, pad: bool) -> tuple:
    """(size_h, size_w, start_h, start_w) of the centered crop (or padded canvas) whose aspect
    ratio is the target's, computed as Keras does (``int`` of float products; a padded canvas
    gets the same margin on both sides).
    """
    if pad:
        size_h = max(height, int(float(width * target_h) / target_w))
        size_w = max(width, int(float(height * target_w) / target_h))
        start_h, start_w = int(float(size_h - height) / 2), int(float(size_w - width) / 2)
        if start_h > 0:  # Keras pads `start` on both sides (one axis only)
            return height + 2 * start_h, width, start_h, 0
        return height, width + 2 * start_w, 0, start_w
    size_h = max(min(height, int(float(width * target_h) / target_w)), 1)
    size_w = max(min(width, int(float(height * target_w) / target_h)), 1)
    return size_h, size_w, int(float(height - size_h) / 2), int(float(width - size_w) / 2)


def resize(images: Any, size: Any, interpolation: str = "bilinear", antialias: bool = False,
           crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
           fill_mode: str = "constant", fill_value: float = 0.0,
           data_format: str | None = None) -> Tensor:
    """Resize images to ``size = (height, width)``, as ``keras.ops.image.resize``.

    Along each spatial axis, output pixel i samples the input at s = (i + ½)·n_in/n_out - ½
    (half-pixel centers) and mixes the inputs j with weights k(|s - j|) normalized to sum 1,
    where k is the interpolation kernel (bilinear: max(0, 1 - |x|)). With ``antialias`` and
    downscaling, the kernel is stretched by n_in/n_out so that every input pixel contributes.
    "nearest" takes input floor((i + ½)·n_in/n_out).

    Args:
        images: a batch (rank 4) or one image (rank 3).
        size: ``(height, width)`` of the output.
        interpolation: "bilinear", "nearest", "bicubic", "lanczos3" or "lanczos5".
        antialias: widen the kernel when downscaling (no aliasing).
        crop_to_aspect_ratio: first crop the largest centered box with the target's aspect
            ratio (no distortion).
        pad_to_aspect_ratio: first pad (with ``fill_value``) to the target's aspect ratio.
        fill_mode: only "constant" (as in Keras).
        fill_value: the padding value for ``pad_to_aspect_ratio``.
        data_format: "channels_last" (default) or "channels_first".

    Returns:
        The resized images (float; integer inputs become floatx).

    """
    data_format = _data_format(data_format)
    if interpolation not in _INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected one of "
                         f"{_INTERPOLATIONS}. Received: interpolation={interpolation!r}")
    if fill_mode != "constant":
        raise ValueError("Invalid value for argument `fill_mode`. Only 'constant' is supported. "
                         f"Received: fill_mode={fill_mode!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be "
                         "`True`. Received: both True")
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise ValueError("Argument `size` must be a tuple of two elements (height, width). "
                         f"Received: size={size}")
    target = (int(size[0]), int(size[1]))
    v = _float_input(images)
    if v.ndim not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch "
                         f"of images). Received input with shape: images.shape={v.shape}")
    off = v.ndim - 3  # the batch axis, if any
    axes = (off, off + 1) if data_format == "channels_last" else (off + 1, off + 2)
    height, width = v.shape[axes[0]], v.shape[axes[1]]
    src = v
    box = None
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        box = _aspect_box(height, width, *target, pad=pad_to_aspect_ratio)
        size_h, size_w, start_h, start_w = box
        if crop_to_aspect_ratio:
            key = [slice(None)] * v.ndim
            key[axes[0]] = slice(start_h, start_h + size_h)
            key[axes[1]] = slice(start_w, start_w + size_w)
            src = v[tuple(key)]
        else:
            canvas = list(v.shape)
            canvas[axes[0]], canvas[axes[1]] = size_h, size_w
            src = xp.full(canvas, fill_value, dtype=v.dtype)
            key = [slice(None)] * v.ndim
            key[axes[0]] = slice(start_h, start_h + height)
            key[axes[1]] = slice(start_w, start_w + width)
            src[tuple(key)] = v
    mats = []
    out = src
    for axis, n_out in zip(axes, target):
        n_in = out.shape[axis]
        if n_in == n_out:
            mats.append(None)
            continue
        w = _weights(n_in, n_out, interpolation, antialias).astype(v.dtype)
        mats.append(w)
        out = _apply_axis(out, w, axis)
    if out is v:
        out = v.copy()
    in_shape = v.shape

    def vjp(g: Any) -> tuple:
        for axis, w in zip(reversed(axes), reversed(mats)):
            if w is not None:
                g = _apply_axis(g, w.T, axis)
        if box is None:
            return (g,)
        size_h, size_w, start_h, start_w = box
        if crop_to_aspect_ratio:
            full = xp.zeros(in_shape, dtype=g.dtype)
            key = [slice(None)] * len(in_shape)
            key[axes[0]] = slice(start_h, start_h + size_h)
            key[axes[1]] = slice(start_w, start_w + size_w)
            full[tuple(key)] = g
            return (full,)
        key = [slice(None)] * len(in_shape)
        key[axes[0]] = slice(start_h, start_h + height)
        key[axes[1]] = slice(start_w, start_w + width)
        return (g[tuple(key)],)

    return node(out, (images,), vjp)


# -- extract_patches ---------------------------------------------------------------------------
def _tuple(value: Any, n: int, name: str) -> tuple:
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"`{name}` must be an int or a tuple of {n} ints. Received: "
                         f"{name}={value}")
    return value


def extract_patches(images: Any, size: Any, strides: Any = None, dilation_rate: Any = 1,
                    padding: str = "valid", data_format: str | None = None) -> Tensor:
    """Gather patches of ``size`` pixels as channels, as ``keras.ops.image.extract_patches``.

    For 2-D patches (``size`` an int or a pair) from (N, H, W, C) images, output
    (N, H', W', ph·pw·C) holds at [n, i, j, (a·pw + b)·C + c] the input
    x[n, i·sh + a·dh, j·sw + b·dw, c]; a triple ``size`` takes 3-D patches of volumes.
    ``padding="same"`` pads with zeros as TensorFlow does (H' = ⌈H / sh⌉, the extra row at
    the end), "valid" gives H' = ⌊(H - (ph - 1)·dh - 1) / sh⌋ + 1.

    Args:
        images: rank 4 (or 3, unbatched) for 2-D patches; rank 5 (or 4) for 3-D patches.
        size: the patch size: an int, ``(ph, pw)`` or ``(pd, ph, pw)``.
        strides: the step between patches (``size`` by default: no overlap).
        dilation_rate: the step between the pixels of one patch.
        padding: "valid" or "same".
        data_format: "channels_last" (default) or "channels_first" (patches on axis 1).

    """
    data_format = _data_format(data_format)
    n = 3 if isinstance(size, (tuple, list)) and len(size) == 3 else 2
    if isinstance(size, (tuple, list)) and len(size) not in (2, 3):
        raise ValueError("Invalid `size` argument. Expected a tuple of length 2 or 3. "
                         f"Received: size={size} with length {len(size)}")
    ksize = _tuple(size, n, "size")
    stride = _tuple(strides if strides else ksize, n, "strides")
    dil = _tuple(dilation_rate, n, "dilation_rate")
    if padding not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    v = _float_input(images)
    if v.ndim not in (n + 1, n + 2):
        raise ValueError(f"extract_patches with a size of {n} numbers needs images of rank "
                         f"{n + 2} (batched) or {n + 1}. Received: images.shape={v.shape}")
    unbatched = v.ndim == n + 1
    x = v[None] if unbatched else v
    if data_format == "channels_first":
        x = xp.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    span = [(k - 1) * d + 1 for k, d in zip(ksize, dil)]
    pads = [(0, 0)] * x.ndim
    if padding == "same":
        outs = [math.ceil(s / st) for s, st in zip(spatial, stride)]
        for i, (s, o, st, sp) in enumerate(zip(spatial, outs, stride, span)):
            total = max((o - 1) * st + sp - s, 0)
            pads[i + 1] = (total // 2, total - total // 2)
        x = xp.pad(x, pads)
    else:
        outs = [(s - sp) // st + 1 for s, sp, st in zip(spatial, span, stride)]
        if min(outs) < 1:
            raise ValueError(f"The patch (size {ksize}, dilation {dil}) is larger than the "
                             f"images ({tuple(spatial)}) with padding='valid'. Use "
                             "padding='same' or smaller patches.")
    padded_shape = x.shape
    # a strided view of shape (N, *outs, *ksize, C): window element [o..., k...] of every patch
    st_b, *st_sp, st_c = x.strides
    view = as_strided(
        x, (x.shape[0], *outs, *ksize, x.shape[-1]),
        (st_b, *[s * t for s, t in zip(st_sp, stride)], *[s * d for s, d in zip(st_sp, dil)], st_c))
    out = view.reshape(x.shape[0], *outs, -1)
    if data_format == "channels_first":
        out = xp.moveaxis(out, -1, 1)
    if unbatched:
        out = out[0]
    out = xp.ascontiguousarray(out)

    def vjp(g: Any) -> tuple:
        g = g[None] if unbatched else g
        if data_format == "channels_first":
            g = xp.moveaxis(g, 1, -1)
        g = g.reshape(g.shape[0], *outs, *ksize, padded_shape[-1])
        full = xp.zeros(padded_shape, dtype=g.dtype)
        for offset in _offsets(ksize):  # one step per kernel offset, all patches at once
            key = [slice(None)]
            for o, d, st, no in zip(offset, dil, stride, outs):
                key.append(slice(o * d, o * d + (no - 1) * st + 1, st))
            full[tuple(key)] += g[(slice(None), *([slice(None)] * n), *offset)]
        key = [slice(None)] + [slice(p[0], p[0] + s) for p, s in zip(pads[1:-1], spatial)]
        full = full[tuple(key)]
        if data_format == "channels_first":
            full = xp.moveaxis(full, -1, 1)
        return (full[0] if unbatched else full,)

    return node(out, (images,), vjp)


def _offsets(ksize: tuple) -> list:
    grids = xp.indices(ksize).reshape(len(ksize), -1).T
    return [tuple(int(i) for i in row) for row in grids]


resize = symbolic_aware("image.resize", resize)
extract_patches = symbolic_aware("image.extract_patches", extract_patches)

from keraslite.ops.image_transform import affine_transform as _affine_transform  # noqa: E402

affine_transform = symbolic_aware("image.affine_transform", _affine_transform)
