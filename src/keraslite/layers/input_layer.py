"""``Input`` and ``InputLayer``: where a model's graph starts."""

from __future__ import annotations

from typing import Any

from keraslite.backend import floatx
from keraslite.layers.base import Layer, standardize_shape
from keraslite.layers.symbolic import KerasTensor, Node


class InputLayer(Layer):
    """The layer behind ``keras.Input``: it holds the symbolic input tensor of a model.

    Args:
        shape: the shape of one sample, without the batch size (e.g. ``(9,)``).
        batch_size: a fixed batch size, if any.
        dtype: the input's dtype (``floatx()`` by default).
        name: the layer's name (``input_layer``, ``input_layer_1``, ... by default).

    """

    def __init__(self, shape: Any = None, batch_size: int | None = None, dtype: Any = None,
                 sparse: bool | None = None, batch_shape: Any = None, input_tensor: Any = None,
                 optional: bool = False, name: str | None = None, **kwargs: Any) -> None:
        if "input_shape" in kwargs and shape is None:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, dtype=dtype or floatx(), **kwargs)
        if batch_shape is not None:
            batch_shape = standardize_shape(batch_shape, "batch_shape")
        elif shape is not None:
            batch_shape = (batch_size,) + standardize_shape(shape, "shape", keras2_note=True)
        else:
            raise ValueError(
                "You must pass a `shape` argument to Input, e.g. keras.Input(shape=(9,)) for "
                "samples with 9 features. Received: shape=None"
            )
        self.batch_shape = batch_shape
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        self.output_tensor = KerasTensor(batch_shape, dtype=self.dtype, name=self.name)
        Node(self, (), {}, self.output_tensor)
        self._output_shape = batch_shape

    def call(self, inputs: Any) -> Any:
        return inputs

    def get_config(self) -> dict:
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "sparse": self.sparse,
                "name": self.name}


def Input(shape: Any = None, batch_size: int | None = None, dtype: Any = None,  # noqa: N802
          sparse: bool | None = None, batch_shape: Any = None, name: str | None = None,
          tensor: Any = None, optional: bool = False) -> KerasTensor:
    """Declare a model input: a symbolic tensor of shape ``(batch_size,) + shape``.

    ``shape=(9,)`` declares samples of 9 features; the Keras 2 habit ``shape=(9)`` (a bare
    int) is accepted too.

    Returns:
        A :class:`KerasTensor` to call layers on, and to pass to ``Model(inputs=...)``.

    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, optional=optional)
    return layer.output_tensor
