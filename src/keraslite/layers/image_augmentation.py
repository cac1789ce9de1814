"""Geometric augmentation: RandomRotation, RandomTranslation, RandomZoom (Keras 3 arguments).

Each draws one transform per image in training and resamples the batch at once with
:func:`keraslite.ops.image.affine_transform`; outside the image, pixels follow ``fill_mode``
("reflect" by default, "wrap", "constant" with ``fill_value``, "nearest"). In inference they
pass their inputs through. The transforms are Keras': the same draw gives the same image.
"""

from __future__ import annotations

import math
from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.layers.image_preprocessing import BaseImageLayer, _seed_generator
from keraslite.ops.image import affine_transform
from keraslite.ops.image_transform import FILL_MODES, INTERPOLATIONS

_KERAS_FILL_MODES = ("reflect", "wrap", "constant", "nearest")


class _AffineAugmentation(BaseImageLayer):
    def __init__(self, fill_mode: str, interpolation: str, seed: int | None, fill_value: float,
                 data_format: str | None, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, **kwargs)
        if fill_mode not in _KERAS_FILL_MODES or fill_mode not in FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one "
                                      f"{_KERAS_FILL_MODES}.")
        if interpolation not in INTERPOLATIONS:
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of "
                                      f"one {INTERPOLATIONS}.")
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.seed, self.fill_value = seed, fill_value
        self.generator = _seed_generator(seed)

    def _size(self, inputs: Any) -> tuple:
        h_axis, w_axis = self._axes(inputs.ndim)
        return inputs.shape[h_axis], inputs.shape[w_axis]

    def _apply(self, inputs: Any, transform: Any) -> Tensor:
        if inputs.ndim == 3:
            transform = transform[0]
        return affine_transform(inputs, transform, interpolation=self.interpolation,
                                fill_mode=self.fill_mode, fill_value=self.fill_value,
                                data_format=self.data_format)

    def _common_config(self) -> dict:
        return {"fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "seed": self.seed, "fill_value": self.fill_value}


def _check_range(factor: Any, name: str, low_open: bool) -> tuple:
    """(lower, upper) from a number f (→ (-f, f)) or a pair, each in [-1, 1] ((-1, 1] if open)."""
    bounds = "(-1.0, 1.0]" if low_open else "[-1.0, 1.0]"
    message = (f"The `{name}` argument should be a number (or a list of two numbers) in the "
               f"range {bounds}. Received: {name}={factor}")
    values = list(factor) if isinstance(factor, (tuple, list)) else [factor]
    if len(values) not in (1, 2) or not all(isinstance(v, (int, float)) for v in values):
        raise ValueError(message)
    for v in values:
        if v > 1.0 or v < -1.0 or (low_open and v == -1.0):
            raise ValueError(message)
    if len(values) == 1:
        return -abs(values[0]), abs(values[0])
    return tuple(sorted(values))


class RandomRotation(_AffineAugmentation):
    """Rotates each image by a random angle about its center in training.

    The angle (in degrees) is drawn per image from [360·lower, 360·upper]: ``factor=0.1``
    rotates by up to ±36°. A positive angle turns the image counter-clockwise (0.25 gives
    ``numpy.rot90``).

    Args:
        factor: a number f in [-1, 1] (read as (-f, f)) or a pair (lower, upper), in fractions
            of a full turn.
        fill_mode: "reflect" (default), "wrap", "constant" or "nearest".
        interpolation: "bilinear" (default) or "nearest".
        seed: an int seed for the layer's random stream.
        fill_value: the value outside the image with ``fill_mode="constant"``.
        data_format: "channels_last" (default) or "channels_first".

    """

    def __init__(self, factor: Any, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self._set_factor(factor)

    def call(self, inputs: Any, training: bool = True) -> Tensor:
        if not training:
            return inputs
        height, width = self._size(inputs)
        angle = self._uniform((self._batch(inputs),), self.factor[0] * 360.0,
                              self.factor[1] * 360.0).astype(xp.float64) * (math.pi / 180.0)
        cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
        cos, sin = xp.cos(angle), xp.sin(angle)
        zero = xp.zeros_like(angle)
        transform = xp.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos,
                              cy - cx * sin - cy * cos, zero, zero], axis=1)
        return self._apply(inputs, transform)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, **self._common_config()}


class RandomTranslation(_AffineAugmentation):
    """Shifts each image by a random offset in training.

    The vertical shift is drawn per image from [lower, upper]·H (positive: down), the
    horizontal one from the ``width_factor`` range times W (positive: right).

    Args:
        height_factor, width_factor: a number f in [-1, 1] (read as (-f, f)) or a pair.
        fill_mode, interpolation, seed, fill_value, data_format: as :class:`RandomRotation`.

    """

    def __init__(self, height_factor: Any, width_factor: Any, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None,
                 fill_value: float = 0.0, data_format: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_range = _check_range(height_factor, "height_factor", low_open=False)
        self.width_range = _check_range(width_factor, "width_factor", low_open=False)

    def call(self, inputs: Any, training: bool = True) -> Tensor:
        if not training:
            return inputs
        height, width = self._size(inputs)
        n = self._batch(inputs)
        dy = self._uniform((n, 1), *self.height_range)[:, 0] * height
        dx = self._uniform((n, 1), *self.width_range)[:, 0] * width
        one, zero = xp.ones(n), xp.zeros(n)
        transform = xp.stack([one, zero, -dx, zero, one, -dy, zero, zero], axis=1)
        return self._apply(inputs, transform)

    def get_config(self) -> dict:
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor, **self._common_config()}


class RandomZoom(_AffineAugmentation):
    """Zooms each image in or out about its center by a random factor in training.

    The input is sampled on a grid scaled by z = 1 + u, u drawn per image from the factor
    range: a negative factor zooms in (z < 1, larger content), a positive one zooms out. With
    ``width_factor=None`` both directions use the same draw (aspect ratio kept).

    Args:
        height_factor: a number f in (-1, 1] (read as (-f, f)) or a pair.
        width_factor: the same for the width, or None.
        fill_mode, interpolation, seed, fill_value, data_format: as :class:`RandomRotation`.

    """

    def __init__(self, height_factor: Any, width_factor: Any = None,
                 fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_range = _check_range(height_factor, "height_factor", low_open=True)
        self.width_range = None if width_factor is None else \
            _check_range(width_factor, "width_factor", low_open=True)

    def call(self, inputs: Any, training: bool = True) -> Tensor:
        if not training:
            return inputs
        height, width = self._size(inputs)
        n = self._batch(inputs)
        low, high = self.height_range
        zy = self._uniform((n, 1), 1.0 + low, 1.0 + high)[:, 0].astype(xp.float64)
        if self.width_range is None:
            zx = zy
        else:
            zx = self._uniform((n, 1), 1.0 + self.width_range[0],
                               1.0 + self.width_range[1])[:, 0].astype(xp.float64)
        zero = xp.zeros(n)
        transform = xp.stack([zx, zero, (width - 1) / 2.0 * (1.0 - zx), zero, zy,
                              (height - 1) / 2.0 * (1.0 - zy), zero, zero], axis=1)
        return self._apply(inputs, transform)

    def get_config(self) -> dict:
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor, **self._common_config()}
