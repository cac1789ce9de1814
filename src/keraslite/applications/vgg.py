"""VGG16 and VGG19 (Simonyan & Zisserman, 2014), built as Keras 3 builds them.

Five blocks of 3x3 ``same`` convolutions with ReLU (VGG16: 2, 2, 3, 3, 3 per block; VGG19:
2, 2, 4, 4, 4), each block closed by a 2x2 max pooling of stride 2; then, with
``include_top``, ``Flatten``, two ``Dense(4096, relu)`` (``fc1``, ``fc2``) and
``Dense(classes)`` (``predictions``). Layer names are Keras' (``block3_conv4``, ``fc1``, ...),
so weight files of real Keras load by name.
"""

from __future__ import annotations

from typing import Any

from keraslite import layers
from keraslite.models import Model
from keraslite.utils import get_file

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
_WEIGHTS = {  # (file, md5) with the top, then without it -- as Keras downloads them
    "vgg16": (("vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
               "64373286793e3c8b2b4e3219cbf3544b"),
              ("vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
               "6d6bbae143d832006294945121d1f1fc")),
    "vgg19": (("vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5",
               "cbe5617147190e668d6c5d5026f83318"),
              ("vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
               "253f8cb515780f3b799900260a226db6")),
}
_BLOCKS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
_FILTERS = (64, 128, 256, 512, 512)


def _input_shape(input_shape: Any, include_top: bool, weights: Any) -> tuple:
    """Keras' rule: 224x224x3 with the top (fixed with ImageNet weights), any size >= 32 without."""
    if input_shape is None:
        return (224, 224, 3) if include_top else (None, None, 3)
    shape = tuple(input_shape)
    if len(shape) != 3:
        raise ValueError("input_shape must be (height, width, channels). "
                         f"Received: input_shape={input_shape}")
    if weights == "imagenet" and shape[-1] != 3:
        raise ValueError("ImageNet weights need 3 channels. "
                         f"Received: input_shape={input_shape}")
    if include_top and weights == "imagenet" and shape != (224, 224, 3):
        raise ValueError("With include_top=True and weights='imagenet', input_shape must be "
                         f"(224, 224, 3). Received: input_shape={input_shape}")
    if any(s is not None and s < 32 for s in shape[:2]):
        raise ValueError(f"Height and width must be at least 32. Received: input_shape={shape}")
    return shape


def build_vgg(kind: str, include_top: bool = True, weights: Any = "imagenet",
              input_tensor: Any = None, input_shape: Any = None, pooling: str | None = None,
              classes: int = 1000, classifier_activation: Any = "softmax",
              name: str | None = None) -> Any:
    """The VGG16 or VGG19 model (``kind``), with Keras' arguments (see ``VGG19``)."""
    if weights not in ("imagenet", None) and not isinstance(weights, str):
        raise ValueError("weights must be 'imagenet', None or the path of a weights file. "
                         f"Received: weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("With weights='imagenet' and include_top=True, classes must be 1000. "
                         f"Received: classes={classes}")
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"pooling must be None, 'avg' or 'max'. Received: pooling={pooling!r}")
    if input_tensor is None:
        img_input = layers.Input(shape=_input_shape(input_shape, include_top, weights))
    else:
        img_input = input_tensor
    x = img_input
    for block, (convs, filters) in enumerate(zip(_BLOCKS[kind], _FILTERS), start=1):
        for i in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Model(img_input, x, name=name or kind)
    if weights == "imagenet":
        file, md5 = _WEIGHTS[kind][0 if include_top else 1]
        path = get_file(file.split("/")[-1], _BASE + file, cache_subdir="models", file_hash=md5)
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Keras' "caffe" preprocessing for VGG: RGB to BGR, minus the ImageNet mean per channel.

    ``out[..., c] = x[..., 2 - c] - mean[c]`` with ``mean = (103.939, 116.779, 123.68)`` (B, G, R),
    for pixels in [0, 255], channels last.
    """
    import numpy as np

    if data_format not in (None, "channels_last"):
        raise ValueError("keraslite's preprocess_input takes channels_last images. "
                         f"Received: data_format={data_format!r}")
    arr = np.asarray(x)
    if arr.dtype.kind != "f":
        arr = arr.astype("float32")
    return arr[..., ::-1] - np.array([103.939, 116.779, 123.68], dtype=arr.dtype)
