"""``keras.applications.vgg16``: the VGG16 model and its input preprocessing."""

from __future__ import annotations

from typing import Any

from keraslite.applications.vgg import build_vgg
from keraslite.applications.vgg import preprocess_input as preprocess_input

__all__ = ["VGG16", "preprocess_input"]


def VGG16(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,  # noqa: N802
          input_shape: Any = None, pooling: str | None = None, classes: int = 1000,
          classifier_activation: Any = "softmax", name: str = "vgg16") -> Any:
    """VGG16 as in Keras 3: same arguments, layer names and weight layout.

    Args:
        include_top: keep the classifier (``flatten``, ``fc1``, ``fc2``, ``predictions``).
        weights: ``"imagenet"`` (downloaded once by ``keras.utils.get_file`` into
            ``~/.keras/models``, as Keras does), ``None`` (random initialisation) or the
            path of a weights file.
        input_tensor: a symbolic tensor to build the model on, instead of a new ``Input``.
        input_shape: ``(height, width, 3)``; (224, 224, 3) by default with the top,
            ``(None, None, 3)`` without it. Height and width are at least 32.
        pooling: without the top, ``"avg"`` or ``"max"`` global pooling of the last block.
        classes: the number of classes of the top.
        classifier_activation: the activation of ``predictions`` (``None`` for logits).
        name: the model's name.
    """
    return build_vgg("vgg16", include_top=include_top, weights=weights,
                     input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
                     classes=classes, classifier_activation=classifier_activation, name=name)
