"""Image files and arrays: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``,
``smart_resize``, as ``keras.utils`` (Pillow is needed for files: ``pip install keraslite[image]``).
"""

from __future__ import annotations

import io
import pathlib
import warnings
from typing import Any

import numpy as np

from keraslite import ops
from keraslite.backend import floatx
from keraslite.ops.image import _data_format as standardize

_PIL_METHODS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil() -> Any:
    """Pillow's Image module, imported on first use."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            "Reading and writing image files needs Pillow, an optional dependency of "
            "keraslite. Install it with `pip install keraslite[image]` (or `pip install "
            "Pillow`).") from None
    return Image


def _data_format(data_format: str | None) -> str:
    return standardize(data_format)


def _floatx(dtype: Any) -> Any:
    return dtype or floatx()


def load_img(path: Any, color_mode: str = "rgb", target_size: tuple | None = None,
             interpolation: str = "nearest", keep_aspect_ratio: bool = False) -> Any:
    """Load an image file into a PIL Image, as ``keras.utils.load_img``.

    Args:
        path: a path (str, bytes, ``pathlib.Path``) or an ``io.BytesIO``.
        color_mode: "rgb" (default), "rgba" or "grayscale".
        target_size: ``(height, width)`` to resize to, or None for the file's size.
        interpolation: Pillow's resampling: "nearest" (default), "bilinear", "bicubic",
            "hamming", "box" or "lanczos".
        keep_aspect_ratio: resize the largest centered box of the target's aspect ratio
            (no distortion).

    Returns:
        A PIL Image.

    """
    image_module = _pil()
    if isinstance(path, io.BytesIO):
        img = image_module.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        with open(path, "rb") as f:
            img = image_module.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    conversions = {"grayscale": ("L", ("L", "I;16", "I")), "rgba": ("RGBA", ("RGBA",)),
                   "rgb": ("RGB", ("RGB",))}
    if color_mode not in conversions:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba". '
                         f"Received: color_mode={color_mode!r}")
    mode, keep = conversions[color_mode]
    if img.mode not in keep:
        img = img.convert(mode)
    if target_size is None:
        return img
    size = (int(target_size[1]), int(target_size[0]))  # Pillow: (width, height)
    if img.size == size:
        return img
    if interpolation not in _PIL_METHODS:
        raise ValueError(f"Invalid interpolation method {interpolation} specified. Supported "
                         f"methods are {', '.join(_PIL_METHODS)}")
    resample = getattr(getattr(image_module, "Resampling", image_module),
                       interpolation.upper())
    if keep_aspect_ratio:
        width, height = img.size
        crop_h = min(height, (width * size[1]) // size[0])
        crop_w = min(width, (height * size[0]) // size[1])
        top, left = (height - crop_h) // 2, (width - crop_w) // 2
        return img.resize(size, resample, box=[left, top, left + crop_w, top + crop_h])
    return img.resize(size, resample)


def img_to_array(img: Any, data_format: str | None = None, dtype: Any = None) -> np.ndarray:
    """A PIL Image (or array-like) as a (height, width, channels) array of ``dtype`` (floatx).

    Grayscale images get one channel; channels come first with
    ``data_format="channels_first"``.
    """
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=_floatx(dtype))
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def array_to_img(x: Any, data_format: str | None = None, scale: bool = True,
                 dtype: Any = None) -> Any:
    """A (height, width, channels) array as a PIL Image.

    With ``scale`` the values are first mapped linearly onto [0, 255] (min → 0, max → 255).
    1 channel gives a grayscale ("L", or "I" above 255) image, 3 RGB, 4 RGBA.
    """
    image_module = _pil()
    data_format = _data_format(data_format)
    x = np.array(getattr(x, "value", x), dtype=_floatx(dtype))
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). "
                         f"Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return image_module.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image_module.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def save_img(path: Any, x: Any, data_format: str | None = None, file_format: str | None = None,
             scale: bool = True, **kwargs: Any) -> None:
    """Save an image array to ``path`` (the format from its suffix unless ``file_format``).

    Extra keyword arguments go to Pillow's ``Image.save`` (e.g. ``quality=95``).
    """
    data_format = _data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.",
                      stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def smart_resize(x: Any, size: tuple, interpolation: str = "bilinear",
                 data_format: str = "channels_last") -> Any:
    """Resize to ``size`` without distorting: crop the largest centered box of the target's
    aspect ratio, then resize it (``keras.preprocessing.image.smart_resize``).
    """
    return ops.image.resize(x, size, interpolation=interpolation, crop_to_aspect_ratio=True,
                            data_format=data_format)
