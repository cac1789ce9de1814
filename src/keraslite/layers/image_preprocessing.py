"""Image preprocessing layers: Resizing, CenterCrop, RandomCrop, RandomFlip, RandomContrast,
RandomBrightness (the geometric ones, RandomRotation/Translation/Zoom, are in
:mod:`keraslite.layers.image_augmentation`).

Arguments and configs follow Keras 3 (``keras/src/layers/preprocessing/image_preprocessing/``),
so models with these layers save and load as ``.keras`` files both ways. The ``Random*`` layers
only change their inputs in training: in ``fit``, and, as in Keras 3, when called directly
(``layer(images)``, e.g. in a ``Dataset.map``); in ``predict``/``evaluate`` (or with
``training=False``) they pass them through (cast to the layer's float dtype). Each draws from
its own :class:`keraslite.random.SeedGenerator`, so a given ``seed`` repeats exactly. Inputs are
one image (rank 3) or a batch (rank 4), channels last unless ``data_format`` says otherwise.
"""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import global_rng, xp
from keraslite.layers.base import Layer
from keraslite.layers.graph_calls import _TRAINING
from keraslite.layers.shape_inference import ShapeInferenceMixin
from keraslite.layers.symbolic import is_symbolic
from keraslite.ops.image import _data_format


def _random() -> Any:
    """``keraslite.random``, imported when a random layer is first built (``import keraslite``
    stays light).
    """
    from keraslite import random

    return random


def _seed_generator(seed: int | None) -> Any:
    return _random().SeedGenerator(seed)


class BaseImageLayer(ShapeInferenceMixin, Layer):
    """Shared parts: ``data_format``, the image axes, Keras' ``factor`` rule, the seed stream.

    Subclasses set ``_FACTOR_BOUNDS`` and call :meth:`_set_factor` when they take a ``factor``.
    """

    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        kwargs.pop("bounding_box_format", None)
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.built = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # As in Keras 3, a direct call outside fit/predict/evaluate uses the call signature's
        # default, training=True (so `layer(images)` augments, e.g. in a tf.data map);
        # inside a model the model's mode (False in predict/evaluate) decides.
        if kwargs.get("training") is None and _TRAINING[0] is None and \
                not is_symbolic((args, kwargs)):
            kwargs["training"] = True
        return super().__call__(*args, **kwargs)

    def _set_factor(self, factor: Any) -> None:
        """``self.factor = (lower, upper)`` as Keras: a number f gives (max(-f, low), f)."""
        low, high = self._FACTOR_BOUNDS
        message = ("The `factor` argument should be a number (or a list of two numbers) in the "
                   f"range [{low}, {high}]. Received: factor={factor}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > high or factor[1] < low:
                raise ValueError(message)
            self.factor = tuple(sorted(factor))
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            if factor < low or factor > high:
                raise ValueError(message)
            factor = abs(factor)
            self.factor = (max(-factor, low), factor)
        else:
            raise ValueError(message)

    def _axes(self, ndim: int) -> tuple:
        """The (height, width) axes of an input of rank ``ndim`` (3 or 4)."""
        if ndim not in (3, 4):
            raise ValueError(f"Layer '{self.name}' expects one image (rank 3) or a batch of "
                             f"images (rank 4). Received: an input of rank {ndim}")
        return (ndim - 3, ndim - 2) if self.data_format == "channels_last" else \
            (ndim - 2, ndim - 1)

    @staticmethod
    def _batch(inputs: Any) -> int:
        return inputs.shape[0] if inputs.ndim == 4 else 1

    def _per_image_shape(self, inputs: Any) -> tuple:
        """(N, 1, 1, 1) for a batch, (1, 1, 1) for one image: one draw per image."""
        return (inputs.shape[0], 1, 1, 1) if inputs.ndim == 4 else (1, 1, 1)

    def _uniform(self, shape: Any, low: float, high: float) -> Any:
        return _random().uniform(shape, low, high, dtype="float32", seed=self.generator).value

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class Resizing(BaseImageLayer):
    """Resizes images to ``(height, width)`` (always, in training and inference).

    Uses :func:`keraslite.ops.image.resize` (differentiable): output pixel i samples the input
    at (i + ½)·n_in/n_out - ½ with the interpolation kernel.

    Args:
        height, width: the output size.
        interpolation: "bilinear" (default), "nearest", "bicubic", "lanczos3", "lanczos5".
        crop_to_aspect_ratio: crop the largest centered box of the target aspect ratio first.
        pad_to_aspect_ratio: pad (with ``fill_value``) to the target aspect ratio first.
        fill_mode: "constant" only.
        fill_value: the padding value.
        antialias: widen the kernel when downscaling.
        data_format: "channels_last" (default) or "channels_first".

    Example::

        model = keraslite.Sequential([keraslite.Input((None, None, 3)),
                                      keraslite.layers.Resizing(64, 64), ...])

    """

    def __init__(self, height: int, width: int, interpolation: str = "bilinear",
                 crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
                 fill_mode: str = "constant", fill_value: float = 0.0, antialias: bool = False,
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = height, width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode, self.fill_value, self.antialias = fill_mode, fill_value, antialias

    def call(self, inputs: Any) -> Tensor:
        return ops.image.resize(inputs, (self.height, self.width),
                                interpolation=self.interpolation, antialias=self.antialias,
                                crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                                pad_to_aspect_ratio=self.pad_to_aspect_ratio,
                                fill_mode=self.fill_mode, fill_value=self.fill_value,
                                data_format=self.data_format)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = list(input_shape)
        h, w = self._axes(len(shape))
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}


def _crop(inputs: Any, axes: tuple, starts: tuple, sizes: tuple) -> Tensor:
    key = [slice(None)] * inputs.ndim
    for axis, start, size in zip(axes, starts, sizes):
        key[axis] = slice(int(start), int(start) + size)
    return ops.getitem(inputs, tuple(key))


class CenterCrop(BaseImageLayer):
    """Crops the central ``(height, width)`` box (always, in training and inference).

    The box starts at ⌊(H - height) / 2⌋; an image smaller than the target is first cropped
    to the target's aspect ratio and resized (bilinear), as Keras' ``smart_resize``.
    Differentiable (a slice, or :func:`keraslite.ops.image.resize`).

    Args:
        height, width: the output size.
        data_format: "channels_last" (default) or "channels_first".

    """

    def __init__(self, height: int, width: int, data_format: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = height, width

    def call(self, inputs: Any) -> Tensor:
        axes = self._axes(inputs.ndim)
        in_h, in_w = inputs.shape[axes[0]], inputs.shape[axes[1]]
        if in_h >= self.height and in_w >= self.width:
            return _crop(inputs, axes, ((in_h - self.height) // 2, (in_w - self.width) // 2),
                         (self.height, self.width))
        return ops.image.resize(inputs, (self.height, self.width), crop_to_aspect_ratio=True,
                                data_format=self.data_format)

    compute_output_shape = Resizing.compute_output_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "height": self.height, "width": self.width}


class RandomCrop(BaseImageLayer):
    """Crops a random ``(height, width)`` box in training (one offset per batch, as Keras).

    The offset is drawn uniformly among the H - height + 1 (and W - width + 1) positions. An
    image not larger than the target in both directions is center-cropped to the target's
    aspect ratio and resized instead. In inference the input passes through unchanged (as in
    Keras 3; use :class:`CenterCrop` or :class:`Resizing` for a fixed size at inference).

    Args:
        height, width: the crop size.
        seed: an int seed (Keras stores a random one when None).
        data_format: "channels_last" (default) or "channels_first".

    """

    def __init__(self, height: int, width: int, seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = height, width
        self.seed = seed if seed is not None else int(global_rng().integers(0, 2**31 - 1))
        self.generator = _seed_generator(self.seed)

    def call(self, inputs: Any, training: bool = True) -> Tensor:
        if not training:
            return inputs
        axes = self._axes(inputs.ndim)
        in_h, in_w = inputs.shape[axes[0]], inputs.shape[axes[1]]
        if in_h > self.height and in_w > self.width:
            h0 = int(self._uniform((), 0.0, float(in_h - self.height + 1)))
            w0 = int(self._uniform((), 0.0, float(in_w - self.width + 1)))
            return _crop(inputs, axes, (h0, w0), (self.height, self.width))
        out = ops.image.resize(inputs, (self.height, self.width), crop_to_aspect_ratio=True,
                               data_format=self.data_format)
        return out

    compute_output_shape = Resizing.compute_output_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "height": self.height, "width": self.width,
                "seed": self.seed}


_FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(BaseImageLayer):
    """Flips each image with probability ½ in training.

    ``mode`` "horizontal" mirrors left-right, "vertical" top-bottom; with
    "horizontal_and_vertical" (the default) one draw per image decides both flips together,
    as in Keras (the image is either kept or turned by 180°).

    Args:
        mode: "horizontal", "vertical" or "horizontal_and_vertical".
        seed: an int seed for the layer's random stream.
        data_format: "channels_last" (default) or "channels_first".

    """

    def __init__(self, mode: str = "horizontal_and_vertical", seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, **kwargs)
        if mode not in _FLIP_MODES:
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode argument "
                             f"{mode!r}. Expected one of {_FLIP_MODES}.")
        self.mode, self.seed = mode, seed
        self.generator = _seed_generator(seed)

    def call(self, inputs: Any, training: bool = True) -> Tensor:
        if not training:
            return inputs
        h_axis, w_axis = self._axes(inputs.ndim)
        flips = self._uniform(self._per_image_shape(inputs), 0.0, 1.0) <= 0.5
        out = inputs
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            out = ops.where(flips, ops.flip(out, axis=w_axis), out)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            out = ops.where(flips, ops.flip(out, axis=h_axis), out)
        return out

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}


class RandomContrast(BaseImageLayer):
    """Scales each image's deviation from its per-channel mean by a random factor in training.

    y = clip((x - μ) · c + μ, *value_range), with μ the mean of each channel over the image and
    c drawn per image from [1 - lower, 1 + upper]. As in Keras 3, ``factor`` is a number f in
    [0, 1], read as (lower, upper) = (0, f), or a pair (lower, upper).

    Args:
        factor: a number or a pair (see above).
        value_range: the inputs' range ``(low, high)``; outputs are clipped to it.
        seed: an int seed for the layer's random stream.

    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range, self.seed = value_range, seed
        self.generator = _seed_generator(seed)

    def call(self, inputs: Any, training: bool = True) -> Tensor:
        if not training:
            return inputs
        h_axis, w_axis = self._axes(inputs.ndim)
        c = self._uniform(self._per_image_shape(inputs), 1.0 - self.factor[0],
                          1.0 + self.factor[1]).astype(inputs.dtype)
        mean = ops.mean(inputs, axis=(h_axis, w_axis), keepdims=True)
        out = ops.add(ops.multiply(ops.subtract(inputs, mean), c), mean)
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range,
                "seed": self.seed}


class RandomBrightness(BaseImageLayer):
    """Adds a random brightness offset to each image in training.

    y = clip(x + δ·(high - low), low, high) with δ drawn per image from [lower, upper] and
    (low, high) = ``value_range``: δ = -1 gives black, +1 white.

    Args:
        factor: a number f in [-1, 1], read as (-f, f), or a pair (lower, upper).
        value_range: the inputs' range (default ``(0, 255)``); outputs are clipped to it.
        seed: an int seed for the layer's random stream.

    """

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._set_factor(factor)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError("The `value_range` argument should be a list of two numbers. "
                             f"Received: value_range={value_range}")
        self.value_range, self.seed = sorted(value_range), seed
        self.generator = _seed_generator(seed)

    def call(self, inputs: Any, training: bool = True) -> Tensor:
        if not training:
            return inputs
        low, high = self.value_range
        delta = self._uniform(self._per_image_shape(inputs), *self.factor) * (high - low)
        return ops.clip(ops.add(inputs, xp.asarray(delta, inputs.dtype)), low, high)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range,
                "seed": self.seed}
