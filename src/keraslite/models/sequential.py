"""Sequential models: a plain stack of layers, each feeding the next."""

from __future__ import annotations

from typing import Any

from keraslite.layers.base import Layer, deprecated_input_shape
from keraslite.layers.input_layer import InputLayer
from keraslite.layers.symbolic import KerasTensor
from keraslite.models.model import Model


class Sequential(Model):
    """A linear stack of layers:  y = f_n(... f_2(f_1(x))).

    Start with ``keras.Input(shape=...)`` to build the model at once; without it the model
    is built the first time it sees data (or when ``build(input_shape)`` is called).

    Args:
        layers: the layers, in order (an ``Input`` tensor may come first).
        name: the model's name (``sequential``, ``sequential_1``, ... by default).
        trainable: whether training updates its weights.

    """

    _saving_layers_first = True

    def __init__(self, layers: list | None = None, trainable: bool = True,
                 name: str | None = None) -> None:
        super().__init__(name=name, trainable=trainable)
        self._stack: list[Layer] = []
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (or an ``Input`` tensor, only as the first entry)."""
        if isinstance(layer, KerasTensor) and isinstance(layer.history[0], InputLayer):
            layer = layer.history[0]
        if not isinstance(layer, Layer):
            raise TypeError(
                "Only instances of keras.layers.Layer can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer):
            if self._stack and isinstance(self._stack[0], InputLayer):
                raise ValueError(
                    f"Sequential model '{self.name}' already has an input layer; a model has "
                    "one Input, as its first entry. Received: a second InputLayer"
                )
            if self._stack:
                raise ValueError(
                    "An Input must be the first entry of a Sequential model. Received: an "
                    f"Input after {[x.name for x in self._stack]}"
                )
        elif not self._stack and layer._input_shape_arg is not None:
            deprecated_input_shape(layer)
            self._stack.append(InputLayer(batch_shape=layer._input_shape_arg))
        if any(layer is x for x in self._stack):
            raise ValueError(
                f"Layer '{layer.name}' is already in Sequential model '{self.name}'. "
                "Create a new layer instead of adding the same one twice."
            )
        self._stack.append(layer)
        self._layers.append(layer)
        self.built = False
        if rebuild:
            self._rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model to pop.")
        layer = self._stack.pop()
        self._layers.remove(layer)
        self.built = False
        if rebuild:
            self._rebuild()
        return layer

    @property
    def layers(self) -> list[Layer]:
        """The layers after the input, in order."""
        return [x for x in self._stack if not isinstance(x, InputLayer)]

    def _rebuild(self) -> None:
        if self._stack and isinstance(self._stack[0], InputLayer) and len(self._stack) > 1:
            self.build(self._stack[0].batch_shape)

    def build(self, input_shape: Any = None) -> None:
        """Build every layer for inputs of ``input_shape`` (including the batch axis)."""
        if input_shape is None:
            raise ValueError(
                f"Sequential model '{self.name}' cannot be built without an input shape; "
                "start it with keras.Input(shape=...) or call build((None, n_features)). "
                "Received: input_shape=None"
            )
        input_shape = tuple(input_shape)
        if self._stack and isinstance(self._stack[0], InputLayer):
            first = self._stack[0]
            if first.batch_shape[1:] != input_shape[1:]:
                raise ValueError(
                    f"Sequential model '{self.name}' was declared with input shape "
                    f"{first.batch_shape}, but it is being built for {input_shape}. "
                    f"Received: input_shape={input_shape}"
                )
        else:
            # A first layer that reads text (TextVectorization) gets a string input, as in Keras.
            dtype = getattr(self.layers[0], "_input_dtype", None) if self.layers else None
            first = InputLayer(batch_shape=(None,) + input_shape[1:], dtype=dtype)
            self._stack.insert(0, first)
        x = first.output_tensor
        for layer in self.layers:
            x = layer(x)
        self.inputs = [first.output_tensor]
        self.outputs = [x]
        self._output_shape = x.shape
        self._build_shapes = first.batch_shape
        self.built = True

    @property
    def input_shape(self) -> Any:
        return self._build_shapes

    @property
    def output_names(self) -> list[str]:
        return [self.layers[-1].name] if self.layers else []

    @property
    def input_names(self) -> list[str]:
        return [self._stack[0].name] if self._stack else []

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        x = inputs
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    def _plan_graph(self) -> Any:
        """The layer graph for the training engine: ``(nodes, input keys, output keys)``, each
        node ``(layer, input keys, output keys, None)``; None when ``call`` is overridden.
        """
        if type(self).call is not Sequential.call:
            return None
        layers = self.layers
        return ([(layer, [i], [i + 1], None) for i, layer in enumerate(layers)], [0],
                [len(layers)])

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        return Layer.compute_output_spec(self, *args, **kwargs)

    # -- configuration (saving) ---------------------------------------------------------
    def get_config(self) -> dict:
        """Keras 3's config: the name and each layer's full serialized config, in order."""
        from keraslite.saving.serialization import serialize_keras_object

        layers = []
        for i, layer in enumerate(self._stack):
            config = serialize_keras_object(layer)
            if i == 1 and isinstance(self._stack[0], InputLayer):
                config["config"].pop("batch_input_shape", None)  # the InputLayer holds it
            layers.append(config)
        config = {"name": self.name, "trainable": self.trainable, "layers": layers}
        if self.built and self._build_shapes is not None:
            config["build_input_shape"] = list(self._build_shapes)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Sequential:
        """Rebuild a Sequential model from :meth:`get_config` (Keras 3's or keraslite's)."""
        from keraslite.saving.serialization import deserialize_keras_object, to_shape

        layers = [deserialize_keras_object(c, custom_objects=custom_objects, kind="layers")
                  for c in config.get("layers", [])]
        model = cls(layers=layers, name=config.get("name"),
                    trainable=config.get("trainable", True))
        shape = config.get("build_input_shape")
        if not model.built and isinstance(shape, (list, tuple)) and layers:
            model.build(to_shape(shape))
        return model
