"""``clone_model``, ``model_from_json``, and the ``keraslite.models`` entry points for files."""

from __future__ import annotations

import json
from typing import Any

from keraslite.layers.base import Layer
from keraslite.layers.input_layer import Input, InputLayer
from keraslite.layers.symbolic import KerasTensor, flatten, map_structure
from keraslite.models.functional import Functional
from keraslite.models.sequential import Sequential


def load_model(filepath: Any, custom_objects: dict | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """Load a ``.keras`` (or legacy ``.h5``) model; see :func:`keraslite.saving.load_model`."""
    from keraslite.saving.saving_api import load_model as load

    return load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model: Any, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
    """Save ``model`` as ``.keras``; see :func:`keraslite.saving.save_model`."""
    from keraslite.saving.saving_api import save_model as save

    save(model, filepath, overwrite=overwrite, **kwargs)


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Any:
    """Rebuild a model (without weights) from :meth:`Model.to_json`'s output.

    Like loading a file, this builds only known classes and runs no code from the string.
    """
    from keraslite.saving.serialization import deserialize_keras_object

    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"model_from_json() needs the JSON string from model.to_json(). "
                         f"Received error: {error}") from None
    return deserialize_keras_object(config, custom_objects=custom_objects, kind="models")


def _default_clone(layer: Layer) -> Layer:
    from keraslite.saving.serialization import deserialize_keras_object, serialize_keras_object

    config = serialize_keras_object(layer)
    config.pop("build_config", None)
    # The layer's own class rebuilds it, registered or not (as Keras' default clone does).
    return deserialize_keras_object(config, custom_objects={type(layer).__name__: type(layer)},
                                    kind="layers")


def clone_model(model: Any, input_tensors: Any = None, clone_function: Any = None,
                call_function: Any = None, recursive: bool = False, **kwargs: Any) -> Any:
    """A new model with the same architecture and freshly initialized weights.

    Args:
        model: a Sequential, Functional or subclassed model (rebuilt from its config: its
            constructor arguments when it has no ``get_config``).
        input_tensors: new ``Input`` tensors for the clone (Functional/Sequential).
        clone_function: ``layer -> new layer``, applied to every layer (default: a new layer
            from the layer's config). Return the same layer to share it with the original.
        call_function: ``(layer, *args, **kwargs) -> outputs``, to change how a Functional
            clone calls its layers.
        recursive: also clone nested models layer by layer with ``clone_function``.

    Returns:
        The clone (not compiled: compile it before training).

    """
    if kwargs:
        raise TypeError(f"clone_model() got unexpected arguments {sorted(kwargs)}.")
    clone_function = clone_function or _default_clone

    def clone_layer(layer: Layer) -> Layer:
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function, recursive=True)
        return clone_function(layer)

    if isinstance(model, Sequential):
        layers = [clone_layer(x) for x in model.layers]
        if input_tensors is not None:
            layers = [input_tensors] + layers
        elif model._stack and isinstance(model._stack[0], InputLayer):
            first = model._stack[0]
            layers = [Input(batch_shape=first.batch_shape, dtype=first.dtype)] + layers
        return Sequential(layers=layers, name=model.name, trainable=model.trainable)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_layer, call_function)
    if input_tensors is not None or clone_function is not _default_clone:
        raise ValueError("For a subclassed model, clone_model() supports neither "
                         "`input_tensors` nor `clone_function`.")
    from keraslite.saving.serialization import deserialize_keras_object, serialize_keras_object

    config = serialize_keras_object(model)
    config.pop("compile_config", None)
    return deserialize_keras_object(config, custom_objects={type(model).__name__: type(model)},
                                    kind="models")


def _clone_functional(model: Any, input_tensors: Any, clone_layer: Any,
                      call_function: Any) -> Any:
    new_inputs = []
    given = None if input_tensors is None else (
        list(input_tensors) if isinstance(input_tensors, (list, tuple)) else [input_tensors])
    if given is not None and len(given) != len(model.inputs):
        raise ValueError(f"The model has {len(model.inputs)} inputs; `input_tensors` holds "
                         f"{len(given)}. Received: {len(given)} tensors")
    mapping: dict[int, Any] = {}
    for i, t in enumerate(model.inputs):
        layer = t.history[0]
        new = given[i] if given is not None else Input(batch_shape=layer.batch_shape,
                                                       dtype=layer.dtype, name=layer.name)
        mapping[id(t)] = new
        new_inputs.append(new)
    clones: dict[int, Layer] = {}
    for node in model._nodes:
        if isinstance(node.layer, InputLayer):
            continue
        if id(node.layer) not in clones:
            clones[id(node.layer)] = clone_layer(node.layer)

        def swap(x: Any) -> Any:
            return mapping[id(x)] if isinstance(x, KerasTensor) else x

        args = map_structure(swap, node.args)
        kwargs = map_structure(swap, node.kwargs)
        layer = clones[id(node.layer)]
        out = call_function(layer, *args, **kwargs) if call_function else layer(*args, **kwargs)
        new_outputs = [t for t in _leaves(out) if isinstance(t, KerasTensor)]
        for old, new in zip(node.output_tensors, new_outputs):
            mapping[id(old)] = new
    inputs = map_structure(lambda t: mapping[id(t)], model._inputs_struct)
    outputs = map_structure(lambda t: mapping[id(t)], model._outputs_struct)
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)


def _leaves(x: Any) -> list:
    return flatten(x)
