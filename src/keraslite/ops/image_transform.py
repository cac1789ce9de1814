"""``keraslite.ops.image.affine_transform``: resample images under projective maps.

The augmentation layers (RandomRotation, RandomTranslation, RandomZoom) draw one transform per
image and resample the whole batch here at once. The transform is Keras' 8-vector
``[a0, a1, a2, b0, b1, b2, c0, c1]``: the output pixel at column x, row y reads the input at

    x' = (a0 x + a1 y + a2) / k,   y' = (b0 x + b1 y + b2) / k,   k = c0 x + c1 y + 1,

interpolated (bilinear or nearest) from its neighbours; neighbours outside the image follow
``fill_mode`` as in Keras (NumPy's pad modes: "reflect" = d c b a | a b c d | d c b a,
"mirror" = d c b | a b c d | c b a, "wrap", "nearest" = the edge, "constant" = fill_value).
The projective terms c0, c1 follow TensorFlow's definition (Keras' JAX and NumPy backends
differ there; no Keras layer uses them). It is data preparation, not part of a model's
differentiable path: no gradient flows through it (the result is cut off from the graph).
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.ops.core import value_of
from keraslite.ops.image import _data_format

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
INTERPOLATIONS = ("nearest", "bilinear")


def _fold_values(index: Any, n: int, fill_mode: str) -> Any:
    """Map integer coordinates (any range) into [0, n) under ``fill_mode``."""
    if fill_mode == "wrap":
        return index % n
    if fill_mode == "reflect":  # symmetric: the edge pixel repeats
        m = index % (2 * n)
        return xp.where(m < n, m, 2 * n - 1 - m)
    if fill_mode == "mirror" and n > 1:  # the edge pixel does not repeat
        m = index % (2 * n - 2)
        return xp.where(m < n, m, 2 * n - 2 - m)
    return xp.clip(index, 0, n - 1)  # nearest, constant (masked later), mirror of one pixel


def _fold(index: Any, n: int, fill_mode: str) -> Any:
    """:func:`_fold_values` through a lookup table over the (small) range of ``index``: one
    integer gather instead of a modulo over every pixel.
    """
    low, high = int(index.min()), int(index.max())
    if low >= 0 and high < n:
        return index
    table = _fold_values(xp.arange(low, high + 1), n, fill_mode)
    return table[index - low]


def affine_transform(images: Any, transform: Any, interpolation: str = "bilinear",
                     fill_mode: str = "constant", fill_value: float = 0.0,
                     data_format: str | None = None) -> Tensor:
    """Apply projective transforms to images, as ``keras.ops.image.affine_transform``.

    Args:
        images: (N, H, W, C) (or one (H, W, C) image); channels first with ``data_format``.
        transform: (N, 8) or (8,): the maps from output to input coordinates (module doc).
        interpolation: "bilinear" or "nearest".
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect".
        fill_value: the value outside the image with ``fill_mode="constant"``.
        data_format: "channels_last" (default) or "channels_first".

    Returns:
        The transformed images, a Tensor of the input's float dtype (no gradient).

    """
    data_format = _data_format(data_format)
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"Invalid value for argument `interpolation`. Expected one of "
                         f"{INTERPOLATIONS}. Received: interpolation={interpolation!r}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"Invalid value for argument `fill_mode`. Expected one of "
                         f"{FILL_MODES}. Received: fill_mode={fill_mode!r}")
    v = xp.asarray(value_of(images))
    dtype = v.dtype if v.dtype.kind == "f" else xp.dtype(floatx())
    if v.ndim not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch "
                         f"of images). Received input with shape: images.shape={v.shape}")
    t = xp.asarray(value_of(transform), dtype=xp.float64)
    if t.ndim not in (1, 2) or t.shape[-1] != 8:
        raise ValueError("`transform` must have shape (8,) or (batch, 8). "
                         f"Received: transform.shape={t.shape}")
    unbatched = v.ndim == 3
    x = v[None] if unbatched else v
    if data_format == "channels_first":
        x = xp.moveaxis(x, 1, -1)
    t = xp.broadcast_to(t.reshape(-1, 8), (x.shape[0], 8))
    n, h, w, c = x.shape
    rows = xp.arange(h, dtype=xp.float32)[None, :, None]
    cols = xp.arange(w, dtype=xp.float32)[None, None, :]
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, i, None, None].astype(xp.float32) for i in range(8))
    k = c0 * cols + c1 * rows + 1.0
    src_x = (a0 * cols + a1 * rows + a2) / k  # (N, H, W)
    src_y = (b0 * cols + b1 * rows + b2) / k
    flat = x.reshape(n * h * w, c)
    base = (xp.arange(n) * (h * w))[:, None, None]
    if interpolation == "nearest":
        corners = [(xp.floor(src_y + 0.5).astype(xp.int64),
                    xp.floor(src_x + 0.5).astype(xp.int64), None)]
    else:
        y0, x0 = xp.floor(src_y), xp.floor(src_x)
        fy, fx = src_y - y0, src_x - x0
        y0, x0 = y0.astype(xp.int64), x0.astype(xp.int64)
        corners = [(y0, x0, (1 - fy) * (1 - fx)), (y0, x0 + 1, (1 - fy) * fx),
                   (y0 + 1, x0, fy * (1 - fx)), (y0 + 1, x0 + 1, fy * fx)]
    out = None
    outside = None  # the weight that falls outside the image (constant mode)
    for iy, ix, weight in corners:
        weight = xp.ones(iy.shape, xp.float32) if weight is None else weight
        if fill_mode == "constant":
            inside = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < w)
            lost = xp.where(inside, 0.0, weight)
            outside = lost if outside is None else outside + lost
            weight = weight - lost
        index = base + _fold(iy, h, fill_mode) * w + _fold(ix, w, fill_mode)
        term = xp.take(flat, index, axis=0) * weight[..., None].astype(dtype)
        out = term if out is None else out + term
    out = out.astype(dtype, copy=False)
    if outside is not None and fill_value != 0:
        out += (outside[..., None] * fill_value).astype(dtype)
    if data_format == "channels_first":
        out = xp.moveaxis(out, -1, 1)
    return Tensor(xp.ascontiguousarray(out[0] if unbatched else out))
