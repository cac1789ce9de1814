"""The Model base: a layer that can be trained (compile/fit/evaluate/predict) and summarized.

``Model(inputs=..., outputs=...)`` creates a Functional model; subclassing ``Model`` and
writing ``call`` creates a subclassed model; ``Sequential`` is a model of stacked layers.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.layers.base import Layer
from keraslite.models.model_saving import ModelSaving
from keraslite.naming import deprecated, to_snake_case, unique_name
from keraslite.training.trainer import Trainer


class Model(ModelSaving, Trainer, Layer):
    """A trainable graph of layers.

    Args:
        inputs, outputs: the symbolic inputs and outputs of a Functional model.
        name: the model's name.
        trainable: whether training updates its weights.

    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs):
            from keraslite.models.functional import Functional

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from keraslite.models.functional import Functional

        if (args or "inputs" in kwargs) and not isinstance(self, Functional):
            # A subclass given inputs and outputs (directly, or by its own __init__ through
            # super().__init__(inputs, outputs)) is a Functional model with its methods.
            self.__class__ = _functional_class(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        dtype = kwargs.pop("dtype", None)
        if args or kwargs:
            raise TypeError(
                "Model() takes `inputs` and `outputs` (Functional API) or nothing (subclassing)."
                f" Received: args={args}, kwargs={sorted(kwargs)}"
            )
        Layer.__init__(self, name=name or unique_name(_default_model_name(type(self))),
                       trainable=trainable, dtype=dtype)
        Trainer.__init__(self)

    @property
    def layers(self) -> list[Layer]:
        """The model's layers, in the order they were added or assigned."""
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """Return a layer by ``name`` or by ``index`` in :attr:`layers`."""
        layers = self.layers
        if index is not None and name is not None:
            raise ValueError(
                "Provide only one of `name` and `index`. "
                f"Received: name={name!r}, index={index!r}"
            )
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but the model only has "
                    f"{len(layers)} layers. Received: index={index}"
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name!r}. Existing layers are: {[x.name for x in layers]}. "
                f"Received: name={name!r}"
            )
        raise ValueError("Provide either a layer `name` or an `index`. Received: neither")

    def build(self, input_shape: Any = None) -> None:
        """Create the weights by running ``call`` once on zeros of ``input_shape``."""
        if self.built or input_shape is None:
            self.built = True
            return

        def dummy(shape):
            return Tensor(xp.zeros(tuple(1 if d is None else d for d in shape), self.dtype))

        if isinstance(input_shape, tuple) and all(d is None or isinstance(d, int)
                                                  for d in input_shape):
            structure = dummy(input_shape)
        else:
            structure = [dummy(tuple(s)) for s in input_shape]
        self._build_shapes = input_shape
        self.built = True
        self(structure, training=False)

    def _maybe_build(self, shapes: Any) -> None:
        # A subclassed model's layers build themselves during its first real call.
        if type(self).build is Model.build:
            self._build_shapes = shapes
            self.built = True
        else:
            Layer._maybe_build(self, shapes)

    def reset_states(self) -> None:
        """Keras 2's ``model.reset_states()``: clear the carried states of every stateful RNN
        (Keras 3 calls ``layer.reset_states()`` on each one).
        """
        deprecated("`model.reset_states()` is Keras 2; in Keras 3 call `layer.reset_states()` "
                   "on each stateful recurrent layer.")
        for layer in self._flat_layers():
            if layer is not self and hasattr(layer, "reset_states"):
                layer.reset_states()

    def summary(self, line_length: int | None = None, positions: Any = None,
                print_fn: Any = None, expand_nested: bool = False, show_trainable: bool = False,
                layer_range: Any = None) -> None:
        """Print the table of layers, output shapes and parameter counts."""
        from keraslite.display.summary import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)


_FUNCTIONAL_SUBCLASSES: dict = {}


def _functional_class(cls: type) -> type:
    """``cls`` itself when it is already Functional, else a Functional twin of ``cls`` (same
    name, ``cls``'s methods first, then Functional's).
    """
    from keraslite.models.functional import Functional

    if cls is Model:
        return Functional
    if issubclass(cls, Functional):
        return cls
    twin = _FUNCTIONAL_SUBCLASSES.get(cls)
    if twin is None:
        twin = type(cls.__name__, (cls, Functional), {
            "__module__": cls.__module__, "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__})
        _FUNCTIONAL_SUBCLASSES[cls] = twin
    return twin


def _default_model_name(cls: type) -> str:
    return to_snake_case(cls.__name__)
