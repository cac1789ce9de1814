"""``keras.applications.xception``: Xception (Chollet, 2017), built as Keras 3 builds it.

An entry flow (two plain 3x3 convolutions, then three blocks of two separable convolutions
closed by a strided max pooling and added to a strided 1x1 convolution of the block's input),
a middle flow of eight residual blocks of three 728-filter separable convolutions, and an exit
flow (one more pooled block, then separable convolutions of 1536 and 2048 filters). Every
convolution is followed by BatchNormalization; layers are created in Keras' order with
Keras' names, so a weight file of real Keras loads into it.
"""

from __future__ import annotations

from typing import Any

from keraslite import layers
from keraslite.models import Model
from keraslite.utils import get_file

__all__ = ["Xception", "preprocess_input"]

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
_WEIGHTS = (("xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6"),
            ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
             "b0042744bf5b25fce3cb969f33bebb97"))


def _sep_bn(x: Any, filters: int, name: str) -> Any:
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(name=f"{name}_bn")(x)


def _pooled_block(x: Any, block: int, filters: tuple[int, int], first_act: bool) -> Any:
    """Two separable convolutions, max pooling by 2, plus a strided 1x1 shortcut."""
    residual = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same",
                             use_bias=False)(x)
    residual = layers.BatchNormalization()(residual)
    if first_act:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sep_bn(x, filters[0], f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sep_bn(x, filters[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def _input_shape(input_shape: Any, include_top: bool, weights: Any) -> tuple:
    if input_shape is None:
        return (299, 299, 3) if include_top else (None, None, 3)
    shape = tuple(input_shape)
    if len(shape) != 3:
        raise ValueError("input_shape must be (height, width, channels). "
                         f"Received: input_shape={input_shape}")
    if include_top and weights == "imagenet" and shape != (299, 299, 3):
        raise ValueError("With include_top=True and weights='imagenet', input_shape must be "
                         f"(299, 299, 3). Received: input_shape={input_shape}")
    if any(s is not None and s < 71 for s in shape[:2]):
        raise ValueError(f"Height and width must be at least 71. Received: input_shape={shape}")
    return shape


def Xception(include_top: bool = True, weights: Any = "imagenet",  # noqa: N802
             input_tensor: Any = None, input_shape: Any = None, pooling: str | None = None,
             classes: int = 1000, classifier_activation: Any = "softmax",
             name: str = "xception") -> Any:
    """Xception as in Keras 3: same arguments, layer names and weight layout.

    Args:
        include_top: keep the classifier (``avg_pool``, ``predictions``).
        weights: ``"imagenet"`` (downloaded once by ``keras.utils.get_file`` into
            ``~/.keras/models``, as Keras does), ``None`` (random initialisation) or the path
            of a weights file.
        input_tensor: a symbolic tensor to build the model on, instead of a new ``Input``.
        input_shape: ``(height, width, channels)``; (299, 299, 3) by default with the top,
            ``(None, None, 3)`` without it. Height and width are at least 71.
        pooling: without the top, ``"avg"`` or ``"max"`` global pooling of the last features.
        classes: the number of classes of the top.
        classifier_activation: the activation of ``predictions`` (``None`` for logits).
        name: the model's name.
    """
    if weights not in ("imagenet", None) and not isinstance(weights, str):
        raise ValueError("weights must be 'imagenet', None or the path of a weights file. "
                         f"Received: weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("With weights='imagenet' and include_top=True, classes must be 1000. "
                         f"Received: classes={classes}")
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"pooling must be None, 'avg' or 'max'. Received: pooling={pooling!r}")
    img_input = (layers.Input(shape=_input_shape(input_shape, include_top, weights))
                 if input_tensor is None else input_tensor)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _pooled_block(x, 2, (128, 128), first_act=False)
    x = _pooled_block(x, 3, (256, 256), first_act=True)
    x = _pooled_block(x, 4, (728, 728), first_act=True)
    for block in range(5, 13):  # the middle flow
        residual = x
        for i in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{i}_act")(x)
            x = _sep_bn(x, 728, f"block{block}_sepconv{i}")
        x = layers.add([x, residual])
    x = _pooled_block(x, 13, (728, 1024), first_act=True)
    for i, filters in ((1, 1536), (2, 2048)):
        x = _sep_bn(x, filters, f"block14_sepconv{i}")
        x = layers.Activation("relu", name=f"block14_sepconv{i}_act")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Model(img_input, x, name=name)
    if weights == "imagenet":
        file, md5 = _WEIGHTS[0 if include_top else 1]
        model.load_weights(get_file(file, _BASE + file, cache_subdir="models", file_hash=md5))
    elif weights is not None:
        model.load_weights(weights)
    return model


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Keras' "tf" preprocessing: pixels in [0, 255] scaled to [-1, 1], ``x / 127.5 - 1``."""
    import numpy as np

    arr = np.asarray(x)
    if arr.dtype.kind != "f":
        arr = arr.astype("float32")
    return arr / 127.5 - 1.0
