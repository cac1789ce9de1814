"""A Functional model's graph as Keras 3 writes it: layer order, config, and rebuilding.

The config lists each layer with its ``inbound_nodes`` (the arguments of each call, with
symbolic tensors written as ``[layer_name, node_index, tensor_index]``), then the model's
``input_layers`` and ``output_layers``. :func:`keras_layer_order` reproduces Keras' order of
``model.layers`` exactly, because the weights file numbers layers in that order.
"""

from __future__ import annotations

from typing import Any

from keraslite.layers.base import Layer, _accepts
from keraslite.layers.graph_order import graph_order
from keraslite.layers.symbolic import KerasTensor, map_structure


def keras_layer_order(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list:
    """The layers between ``inputs`` and ``outputs`` in Keras' order (see ``graph_order``)."""
    return graph_order(inputs, outputs).layers


def _offset(layer: Any) -> int:
    """Keras counts a built-in first node on nested Functional models; keraslite does not."""
    from keraslite.models.functional import Functional

    return 1 if isinstance(layer, Functional) else 0


def functional_get_config(model: Any) -> dict:
    """Keras 3's config of a Functional model."""
    from keraslite.saving.serialization import serialize_keras_object

    own = {id(n) for n in model._nodes}
    layers = model.layers
    names = [layer.name for layer in layers]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(
            f"Cannot save model '{model.name}': the layer names {duplicates} are used more than "
            "once, and the saved graph refers to layers by name. Give each layer a unique name."
        )
    reindex: dict[int, int] = {}
    for layer in layers:
        kept = _offset(layer)
        for node in layer._inbound_nodes:
            if id(node) in own:
                reindex[id(node)] = kept
                kept += 1

    def ref(t: KerasTensor) -> list:
        layer, node_index, tensor_index = t.history
        return [layer.name, reindex[id(layer._inbound_nodes[node_index])], tensor_index]

    def arg(x: Any) -> Any:
        if isinstance(x, KerasTensor):
            return {"class_name": "__keras_tensor__", "config": {
                "shape": list(x.shape), "dtype": x.dtype, "keras_history": ref(x)}}
        return serialize_keras_object(x)

    configs = []
    for layer in layers:
        nodes = [{"args": map_structure(arg, list(node.args)),
                  "kwargs": map_structure(arg, dict(node.kwargs))}
                 for node in layer._inbound_nodes if id(node) in own and node.input_tensors]
        config = serialize_keras_object(layer)
        config["name"] = layer.name
        config["inbound_nodes"] = nodes
        configs.append(config)
    return {"name": model.name, "trainable": model.trainable, "layers": configs,
            "input_layers": _lists(map_structure(ref, model._inputs_struct)),
            "output_layers": _lists(map_structure(ref, model._outputs_struct))}


def _lists(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_lists(v) for v in x]
    if isinstance(x, dict):
        return {k: _lists(v) for k, v in x.items()}
    return x


def functional_from_config(cls: type, config: dict, custom_objects: dict | None = None) -> Any:
    """Rebuild a Functional model (``cls``) from its config by replaying the layer calls."""
    from keraslite.saving.serialization import deserialize_keras_object

    for key in ("layers", "input_layers", "output_layers"):
        if key not in config:
            raise ValueError(f"A Functional model config needs `{key}`. Received keys: "
                             f"{sorted(config)}")
    created: dict[str, Any] = {}
    pending: list[tuple[Any, list]] = []
    for layer_data in config["layers"]:
        if not isinstance(layer_data, dict) or not isinstance(layer_data.get("name"), str):
            raise ValueError("Each layer in a Functional config needs a `name`.")
        name = layer_data["name"]
        layer = deserialize_keras_object(layer_data, custom_objects=custom_objects,
                                         kind="layers")
        if not isinstance(layer, Layer):
            raise ValueError(f"Entry {name!r} of the model's layers is not a layer. Received: "
                             f"{type(layer).__name__}")
        if name in created:
            raise ValueError(f"The layer name {name!r} appears twice in the model config.")
        created[name] = layer
        pending.append((layer, list(layer_data.get("inbound_nodes") or [])))
    while any(nodes for _, nodes in pending):
        progress = False
        for layer, nodes in pending:
            while nodes:
                try:
                    args, kwargs = _node_arguments(layer, nodes[0], created, custom_objects)
                except IndexError:
                    break
                layer(*args, **kwargs)
                nodes.pop(0)
                progress = True
        if not progress:
            stuck = [layer.name for layer, nodes in pending if nodes]
            raise ValueError(
                "Invalid Functional model config: the graph has loops or refers to missing "
                f"layer calls. Layers whose calls could not be rebuilt: {stuck}"
            )

    def tensors(spec: Any) -> Any:
        if isinstance(spec, list) and len(spec) == 3 and isinstance(spec[0], str):
            return _tensor(created, *spec, strict=True)
        if isinstance(spec, dict):
            return {k: tensors(v) for k, v in spec.items()}
        if isinstance(spec, (list, tuple)):
            return [tensors(v) for v in spec]
        raise ValueError(f"Invalid tensor reference in the model config. Received: {spec!r}")

    inputs = tensors(config["input_layers"])
    outputs = tensors(config["output_layers"])
    kwargs = {k: config[k] for k in ("name", "trainable") if k in config}
    return cls(inputs=inputs, outputs=outputs, **kwargs)


def _tensor(created: dict, name: Any, node_index: Any, tensor_index: Any,
            strict: bool = False) -> KerasTensor:
    if name not in created:
        raise ValueError(f"The model config refers to an unknown layer {name!r}.")
    if not isinstance(node_index, int) or not isinstance(tensor_index, int):
        raise ValueError(f"Invalid tensor reference [{name!r}, {node_index!r}, "
                         f"{tensor_index!r}] in the model config.")
    layer = created[name]
    index = node_index - _offset(layer)
    if not 0 <= index < len(layer._inbound_nodes):
        if strict:
            raise ValueError(f"The model config refers to call {node_index} of layer "
                             f"{name!r}, which does not exist.")
        raise IndexError(index)
    outs = layer._inbound_nodes[index].output_tensors
    if not 0 <= tensor_index < len(outs):
        raise ValueError(f"Layer {name!r} has no output {tensor_index}.")
    return outs[tensor_index]


def _node_arguments(layer: Any, node_data: Any, created: dict,
                    custom_objects: dict | None) -> tuple[list, dict]:
    """The ``(args, kwargs)`` of one saved layer call; IndexError if an input is not ready."""
    from keraslite.saving.serialization import deserialize_keras_object

    if isinstance(node_data, list):  # Keras 2: [[name, node, tensor, kwargs], ...]
        tensors, kwargs = [], {}
        for entry in node_data:
            if not isinstance(entry, list) or len(entry) not in (3, 4):
                raise ValueError(f"Invalid legacy node in the model config: {entry!r}")
            tensors.append(_tensor(created, *entry[:3]))
            kwargs = entry[3] if len(entry) == 4 and isinstance(entry[3], dict) else kwargs
        return [tensors[0] if len(tensors) == 1 else tensors], dict(kwargs)
    if not isinstance(node_data, dict):
        raise ValueError(f"Invalid node in the model config: {node_data!r}")
    args = deserialize_keras_object(node_data.get("args", []), custom_objects=custom_objects)
    kwargs = deserialize_keras_object(node_data.get("kwargs", {}), custom_objects=custom_objects)

    def revive(x: Any) -> Any:
        history = getattr(x, "_pre_serialization_history", None)
        if isinstance(x, KerasTensor) and history is not None:
            if not isinstance(history, list) or len(history) != 3:
                raise ValueError(f"Invalid keras_history in the model config: {history!r}")
            return _tensor(created, *history)
        return x

    if not isinstance(args, list) or not isinstance(kwargs or {}, dict):
        raise ValueError("A node's `args` must be a list and its `kwargs` a dict.")
    args = map_structure(revive, args)
    kwargs = map_structure(revive, kwargs or {})
    accepts_training, accepts_mask = _accepts(type(layer))
    if not accepts_mask and kwargs.get("mask", 0) is None:
        kwargs.pop("mask")  # Keras records mask=None on calls of nested models
    if not accepts_training and kwargs.get("training", 0) is None:
        kwargs.pop("training")
    if getattr(layer, "op_name", None) == "getitem" and len(args) > 1 and \
            isinstance(args[1], list):
        args[1] = tuple(args[1])
    return args, kwargs

